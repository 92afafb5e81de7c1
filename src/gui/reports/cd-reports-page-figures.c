/* cd-reports-page-figures.c: the reports page's table of figures (applications, certificates, fees, voids, open
 * applications, adjustments) and the applications listed behind the figure selected. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-reports-page-private.h"

char *
cd_reports_page_yuan (gint64 fen)
{
  g_autofree char *s = cd_fen_to_yuan_string (fen);

  return g_strdup_printf ("¥%s", s);
}

static void
add_figure (CdReportsPage *self, const char **section, const char *item, const char *value, const char *kind,
            const char *key)
{
  gtk_list_store_insert_with_values (self->figures_store, NULL, -1, FIG_SECTION, *section ? *section : "",
                                     FIG_ITEM, item, FIG_VALUE, value, FIG_KIND, kind, FIG_KEY, key, -1);
  *section = NULL;   /* the section's name on its first row only */
}

static JsonArray *
rows_of (JsonObject *r, const char *member)
{
  if (!json_object_has_member (r, member))
    json_object_set_array_member (r, member, json_array_new ());
  return json_object_get_array_member (r, member);
}

static const char *
business_text (const char *code)
{
  CdBusiness b;
  return cd_business_from_code (code, &b) ? cd_business_label (b) : code;
}

static const char *
what_text (const char *code)
{
  static const char *const what[][2] = {
    { "create", N_("new application") }, { "save", N_("edit") }, { "check", N_("check") }, { "pay", N_("payment") },
    { "state", N_("state change") }, { "void", N_("void") }, { "waive", N_("waiver") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (what); i++)
    if (g_strcmp0 (code, what[i][0]) == 0)
      return _(what[i][1]);
  return code;
}

/* "¥0.00 (1 payments, ¥200.00 refunded)": the net amount, and what was refunded when something was. */
static char *
fees_value (JsonObject *o, const char *amount, const char *count)
{
  gint64 refunded = json_object_get_int_member_with_default (o, "refunded_fen", 0);
  g_autofree char *back = refunded ? cd_reports_page_yuan (refunded) : NULL;

  if (back)
    return g_strdup_printf (_("%s (%s payments, %s refunded)"), amount, count, back);
  return g_strdup_printf (_("%s (%s payments)"), amount, count);
}

/* A row of the head office's total names its outlet (application numbers are each counter's own). */
static char *
with_outlet (JsonObject *o, const char *text)
{
  const char *outlet = json_object_get_string_member_with_default (o, "outlet", NULL);

  return outlet && *outlet ? g_strdup_printf ("%s · %s", outlet, text) : g_strdup (text);
}

void
cd_reports_page_show_figures (CdReportsPage *self)
{
  JsonObject *r = json_node_get_object (self->report);
  JsonArray *a;
  const char *section;

  gtk_list_store_clear (self->figures_store);
  gtk_list_store_clear (self->detail_store);
  gtk_label_set_text (self->detail_label, self->central
                                          ? _("The applications behind a figure are listed at the outlet's counter; "
                                              "the head office's report shows the figures.")
                                          : _("Click a figure to list the applications behind it."));

  section = _("Applications");
  a = rows_of (r, "applications");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      CdApplicantType t;
      const char *type = json_object_get_string_member (o, "applicant_type");
      g_autofree char *item = g_strdup_printf ("%s · %s", business_text (json_object_get_string_member (o, "business")),
                                               cd_applicant_type_from_code (type, &t) ? cd_applicant_type_label (t) : type);
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "count"));
      g_autofree char *done = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "completed"));
      g_autofree char *voided = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "voided"));
      g_autofree char *value = g_strdup_printf (_("%s (completed %s, voided %s)"), n, done, voided);
      g_autofree char *key = g_strdup_printf ("%s/%s", json_object_get_string_member (o, "business"), type);
      add_figure (self, &section, item, value, "business", key);
    }

  section = _("Certificates and keys");
  a = rows_of (r, "certificates");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_autofree char *item = g_strdup_printf ("%s · %s", g_str_equal (json_object_get_string_member (o, "kind"), "renewed")
                                               ? _("Renewed") : _("Issued"),
                                               business_text (json_object_get_string_member (o, "business")));
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "count"));
      add_figure (self, &section, item, value, "certificates", NULL);
    }
  {
    g_autofree char *revoked = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (r, "certificates_revoked"));
    g_autofree char *spoiled = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (r, "keys_spoiled"));
    add_figure (self, &section, _("Revoked"), revoked, "none", NULL);
    a = rows_of (r, "keys");
    for (guint i = 0; i < json_array_get_length (a); i++)
      {
        JsonObject *o = json_array_get_object_element (a, i);
        g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "count"));
        add_figure (self, &section, g_str_equal (json_object_get_string_member (o, "kind"), "replacement")
                                    ? _("Replacement keys") : _("New keys"), value, "certificates", NULL);
      }
    add_figure (self, &section, _("Spoiled keys"), spoiled, "none", NULL);
  }

  section = _("Fees");
  a = rows_of (r, "fees_by_profile");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_autofree char *amount = cd_reports_page_yuan (json_object_get_int_member (o, "amount_fen"));
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "payments"));
      g_autofree char *value = fees_value (o, amount, count);
      /* The model names the profile (cd_report_build); the id is the figure's key. */
      const char *name = json_object_get_string_member_with_default (o, "profile_name",
                                                                     json_object_get_string_member (o, "profile"));
      g_autofree char *item = g_strdup_printf (_("Profile %s"), name);
      add_figure (self, &section, item, value, "profile", json_object_get_string_member (o, "profile"));
    }
  a = rows_of (r, "fees_by_method");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      CdPaymentMethod m;
      const char *code = json_object_get_string_member (o, "method");
      g_autofree char *amount = cd_reports_page_yuan (json_object_get_int_member (o, "amount_fen"));
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "payments"));
      g_autofree char *value = fees_value (o, amount, count);
      add_figure (self, &section, cd_payment_method_from_code (code, &m) ? cd_payment_method_label (m) : code, value,
                  "method", code);
    }
  /* Refunds (a paid application voided) are netted out of the figures above; each is listed here. */
  a = rows_of (r, "refunds");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      CdPaymentMethod m;
      const char *code = json_object_get_string_member (o, "method");
      g_autofree char *paid = cd_reports_page_yuan (json_object_get_int_member (o, "amount_fen"));
      g_autofree char *amount = g_strdup_printf ("-%s", paid);
      g_autofree char *refund_text = g_strdup_printf (_("Refund %s %s"), json_object_get_string_member (o, "number"),
                                                      json_object_get_string_member (o, "name"));
      g_autofree char *item = with_outlet (o, refund_text);
      g_autofree char *value = g_strdup_printf (_("%s (%s): %s"), amount,
                                                cd_payment_method_from_code (code, &m) ? cd_payment_method_label (m) : code,
                                                json_object_get_string_member_with_default (o, "reason", ""));
      add_figure (self, &section, item, value, "state", "voided");
    }
  {
    g_autofree char *total = cd_reports_page_yuan (json_object_get_int_member (r, "fees_total_fen"));
    g_autofree char *cash = cd_reports_page_yuan (json_object_get_int_member (r, "cash_expected_fen"));
    gboolean refunds = json_object_get_int_member_with_default (r, "refunds_total_fen", 0) > 0;

    add_figure (self, &section, refunds ? _("Total after refunds") : _("Total"), total, "all", NULL);
    add_figure (self, &section, _("Cash expected"), cash, "cash", NULL);
  }

  section = _("Voids and waivers");
  a = rows_of (r, "voids");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_autofree char *void_text = g_strdup_printf (_("Void %s %s"), json_object_get_string_member (o, "number"),
                                                    json_object_get_string_member (o, "name"));
      g_autofree char *item = with_outlet (o, void_text);
      add_figure (self, &section, item, json_object_get_string_member (o, "reason"), "state", "voided");
    }
  a = rows_of (r, "waivers");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      /* The material's name, never its code (agent_id). */
      g_autofree char *waiver_text = g_strdup_printf (_("Waiver %s %s"), json_object_get_string_member (o, "number"),
                                                      json_object_get_string_member_with_default (o, "material_name", ""));
      g_autofree char *item = with_outlet (o, waiver_text);
      add_figure (self, &section, item, json_object_get_string_member (o, "reason"), "none", NULL);
    }
  if (section)
    add_figure (self, &section, _("None"), "", "none", NULL);

  section = _("Open");
  {
    g_autofree char *n = g_strdup_printf ("%u", json_array_get_length (rows_of (r, "open")));
    add_figure (self, &section, _("Applications not finished"), n, "open", NULL);
  }

  section = _("Adjustments after sign-off");
  a = rows_of (r, "adjustments");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_autofree char *item = g_strdup_printf ("%s %s %s", json_object_get_string_member (o, "day"),
                                               json_object_get_string_member (o, "number"),
                                               json_object_get_string_member (o, "name"));
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (json_object_get_string_member (o, "at"), NULL);
      g_autoptr(GDateTime) local = at ? g_date_time_to_local (at) : NULL;
      g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M")
                                    : g_strdup (json_object_get_string_member (o, "at"));
      g_autofree char *value = g_strdup_printf (_("%s: %s (approved by %s, %s)"),
                                                what_text (json_object_get_string_member (o, "what")),
                                                json_object_get_string_member (o, "reason"),
                                                json_object_get_string_member (o, "supervisor"), when);
      add_figure (self, &section, item, value, "none", NULL);
    }
  if (section)
    add_figure (self, &section, _("None"), "", "none", NULL);
}

/* The state as the counter says it: an activation is 已开通 once done on its certificate step (issued). */
static const char *
state_text (const char *business, const char *code)
{
  CdState st;

  if (!cd_state_from_code (code, &st))
    return code;
  if (g_strcmp0 (business, "app-open") == 0 && (st == CD_STATE_ISSUED || st == CD_STATE_CLOSED))
    return C_("state", "Activated");
  return cd_state_label (st);
}

static void
on_figure_selected_cb (CdReportsPage *self, GtkTreeSelection *selection)
{
  g_autofree char *kind = NULL, *key = NULL, *item = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  CdReportQuery q = { 0 };
  GtkTreeModel *model;
  GtkTreeIter it;
  JsonArray *a;

  if (!gtk_tree_selection_get_selected (selection, &model, &it))
    return;
  gtk_tree_model_get (model, &it, FIG_KIND, &kind, FIG_KEY, &key, FIG_ITEM, &item, -1);
  gtk_list_store_clear (self->detail_store);
  if (self->central)
    {
      gtk_label_set_text (self->detail_label, _("The applications behind a figure are listed at the outlet's counter; "
                                                "the head office's report shows the figures."));
      return;
    }
  if (g_strcmp0 (kind, "none") == 0)
    {
      gtk_label_set_text (self->detail_label, _("This figure has no list behind it."));
      return;
    }
  cd_reports_page_read_query (self, &q);
  list = cd_report_detail (self->ctx, &q, kind, key, &error);
  g_free (q.from);
  g_free (q.to);
  if (!list)
    {
      cd_gui_show_error (self->error_label, cd_gui_error_text (error));
      return;
    }
  a = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      JsonNode *amount = json_object_get_member (o, "amount_fen");
      g_autofree char *paid = JSON_NODE_HOLDS_NULL (amount) ? g_strdup ("")
                                                            : cd_reports_page_yuan (json_node_get_int (amount));
      const char *state = json_object_get_string_member (o, "state");

      gtk_list_store_insert_with_values (self->detail_store, NULL, -1,
                                         0, json_object_get_string_member (o, "number"),
                                         1, json_object_get_string_member (o, "day"),
                                         2, json_object_get_string_member (o, "name"),
                                         3, business_text (json_object_get_string_member (o, "business")),
                                         4, state_text (json_object_get_string_member (o, "business"), state),
                                         5, paid, -1);
    }
  {
    g_autofree char *text = g_strdup_printf (ngettext ("%s: %u application", "%s: %u applications",
                                                       json_array_get_length (a)), item, json_array_get_length (a));
    gtk_label_set_text (self->detail_label, text);
  }
}

void
cd_reports_page_figures_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_figure_selected_cb);
}
