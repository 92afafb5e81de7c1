/* cd-gui-util.c: small helpers shared by the GUI's windows and pages. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cd-gui-util.h"

gboolean
cd_gui_set_string (char **field, const char *value)
{
  const char *old = *field ? *field : "";

  if (!value)
    value = "";
  if (g_str_equal (old, value))
    return FALSE;
  g_free (*field);
  *field = *value ? g_strdup (value) : NULL;
  return TRUE;
}

const char *
cd_gui_error_text (const GError *error)
{
  const char *m = error->message;

  if (m[0] == '$')
    {
      const char *sep = strstr (m, ": ");
      if (sep)
        return sep + 2;
    }
  return m;
}

char *
cd_gui_error_one_line (const GError *error)
{
  g_auto(GStrv) lines = g_strsplit_set (cd_gui_error_text (error), "\n\t", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]))
      g_string_append_printf (text, "%s%s", text->len ? " " : "", lines[i]);
  return g_string_free (text, FALSE);
}

void
cd_gui_show_error (GtkLabel *label, const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message && *message);
}

void
cd_gui_field_error_init (GtkLabel *label)
{
  gtk_label_set_line_wrap (label, FALSE);
  gtk_label_set_single_line_mode (label, TRUE);
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (label, 0);
  gtk_widget_set_no_show_all (GTK_WIDGET (label), FALSE);
  gtk_widget_show (GTK_WIDGET (label));
}

void
cd_gui_label_set_text (GtkLabel *label, const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text ? text : "") != 0)
    gtk_label_set_text (label, text ? text : "");
}

void
cd_gui_show_field_error (GtkLabel *label, const char *message)
{
  g_autofree char *tip = gtk_widget_get_tooltip_text (GTK_WIDGET (label));

  /* an empty label keeps the height of its line; set only on a change (every entry to a step checks its
   * fields again, and a label set again is measured again) */
  cd_gui_label_set_text (label, message);
  if (g_strcmp0 (tip ? tip : "", message ? message : "") != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), message && *message ? message : NULL);
}

void
cd_gui_mark_entry (GtkEntry *entry, const char *message)
{
  GtkStyleContext *sc = gtk_widget_get_style_context (GTK_WIDGET (entry));
  gboolean marked = message && *message;
  const char *icon = gtk_entry_get_icon_name (entry, GTK_ENTRY_ICON_SECONDARY);

  /* only on a change: a state change restyles the field */
  if (marked != (icon != NULL))
    {
      gtk_entry_set_icon_from_icon_name (entry, GTK_ENTRY_ICON_SECONDARY, marked ? "dialog-warning-symbolic" : NULL);
      if (marked)
        gtk_style_context_add_class (sc, "error");
      else
        gtk_style_context_remove_class (sc, "error");
    }
  if (marked)
    gtk_entry_set_icon_tooltip_text (entry, GTK_ENTRY_ICON_SECONDARY, message);
}

static const struct {
  const char *id;
  const char *label;
} steps[] = {
  { "business", N_("Business") },
  { "applicant", N_("Applicant") },
  { "materials", N_("Materials") },
  { "seals", N_("Seals") },
  { "fee", N_("Fee") },
  { "print", N_("Print") },
  { "burn", N_("Issue") },
  { "action", N_("Certificate") },
  { "done", N_("Done") },
};

const char *
cd_gui_step_label (const char *step)
{
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (steps[i].id, step) == 0)
      return _(steps[i].label);
  return step ? step : "";
}

const char *
cd_gui_state_label (CdBusiness business, CdState state)
{
  if (business == CD_BUSINESS_UNLOCK && (state == CD_STATE_ISSUED || state == CD_STATE_CLOSED))
    return C_("state", "Unlocked");
  /* Revocation, suspension and activation are done on their certificate step (cd-cert-action-page.c): the
   * state says what was done, not that a certificate was issued. */
  if (business == CD_BUSINESS_APP_OPEN && (state == CD_STATE_ISSUED || state == CD_STATE_CLOSED))
    return C_("state", "Activated");
  if (business == CD_BUSINESS_REVOKE && (state == CD_STATE_ISSUED || state == CD_STATE_CLOSED))
    return C_("state", "Certificate revoked");
  if (business == CD_BUSINESS_SUSPEND && (state == CD_STATE_ISSUED || state == CD_STATE_CLOSED))
    return C_("state", "Certificate suspended");
  return cd_state_label (state);
}

char *
cd_gui_path_label (const char *path)
{
  static const struct {
    const char *prefix;
    const char *label;
  } parts[] = {
    { "$.unit.", N_("Unit") },
    { "$.legal_person.", N_("Legal person") },
    { "$.agent.", N_("Agent") },
    { "$.person.", N_("Applicant") },
    { "$.invoice.", N_("Invoice") },
  };
  static const struct {
    const char *suffix;
    const char *label;
  } fields[] = {
    { ".name", N_("name") },
    { ".uscc", N_("unified social credit code") },
    { ".id_number", N_("ID number") },
    { ".mobile", N_("mobile") },
    { ".email", N_("e-mail") },
    { ".postcode", N_("postcode") },
    { ".taxpayer_id", N_("taxpayer ID") },
  };
  const char *section = NULL, *field = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (g_str_has_prefix (path, parts[i].prefix))
      section = _(parts[i].label);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_has_suffix (path, fields[i].suffix))
      field = _(fields[i].label);
  if (section && field)
    /* TRANSLATORS: a field of the form, e.g. "Agent mobile" */
    return g_strdup_printf (C_("field", "%s %s"), section, field);
  return NULL;
}

const char *
cd_gui_path_section (const char *path)
{
  static const struct {
    const char *prefix;
    const char *label;
  } parts[] = {
    { "$.unit", N_("Unit") },
    { "$.legal_person", N_("Legal person") },
    { "$.agent", N_("Agent") },
    { "$.person", N_("Applicant") },
    { "$.invoice", N_("Invoice") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (g_str_has_prefix (path, parts[i].prefix))
      return _(parts[i].label);
  return NULL;
}

void
cd_gui_combo_clear (GtkComboBoxText *combo)
{
  gtk_combo_box_text_remove_all (combo);
}

gboolean
cd_gui_parse_yuan (const char *text, gint64 *out_fen)
{
  /* NFKC: an input method left in full-width mode types ２６０．５０, which is read as 260.50 */
  g_autofree char *folded = g_utf8_validate (text ? text : "", -1, NULL)
                              ? g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFKC) : NULL;
  g_autofree char *t = g_strstrip (g_strdup (folded ? folded : ""));
  gint64 yuan = 0, fen = 0;
  const char *c = t;
  int decimals = 0;

  if (!*c)
    return FALSE;
  for (; g_ascii_isdigit (*c); c++)
    {
      yuan = yuan * 10 + (*c - '0');
      if (yuan > G_GINT64_CONSTANT (100000000))
        return FALSE;
    }
  if (*c == '.')
    for (c++; g_ascii_isdigit (*c) && decimals < 2; c++, decimals++)
      fen = fen * 10 + (*c - '0');
  if (*c)
    return FALSE;
  if (decimals == 1)
    fen *= 10;
  *out_fen = yuan * 100 + fen;
  return TRUE;
}

void
cd_gui_container_clear (GtkContainer *container)
{
  g_autoptr(GList) children = gtk_container_get_children (container);

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
}

/* GtkListBoxRow and GtkFlowBoxChild answer a forward Tab by focusing themselves, and do so even when they
 * cannot take the focus: the keyboard focus then goes nowhere and Tab stops there. Such a row hands the focus
 * to its child, and says so when none is taken, so that the list goes on to the next row. */
static gboolean
on_pass_focus_cb (GtkWidget *bin, GtkDirectionType direction)
{
  GtkWidget *child = gtk_bin_get_child (GTK_BIN (bin));
  gboolean taken = child && gtk_widget_child_focus (child, direction);

  g_signal_stop_emission_by_name (bin, "focus");
  return taken;
}

void
cd_gui_focus_passes_through (GtkWidget *bin)
{
  g_return_if_fail (GTK_IS_BIN (bin));
  gtk_widget_set_can_focus (bin, FALSE);
  g_signal_connect (bin, "focus", G_CALLBACK (on_pass_focus_cb), NULL);
}

GtkWidget *
cd_gui_frame_row_new (void)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  cd_gui_focus_passes_through (row);
  return row;
}

/* GTK's own Tab into a container sorts its children by where they are on screen, which a page shown a moment
 * ago has not been told yet (it is laid out in the next frame): the focus lands on any field. The order of the
 * form, as the UI file lists it, is known at once. */
gboolean
cd_gui_focus_first (GtkWidget *root)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), FALSE);

  if (!gtk_widget_get_visible (root) || !gtk_widget_is_sensitive (root))
    return FALSE;
  if (gtk_widget_get_can_focus (root) || !GTK_IS_CONTAINER (root))
    return gtk_widget_child_focus (root, GTK_DIR_TAB_FORWARD);
  {
    g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (root));

    for (GList *l = children; l; l = l->next)
      if (cd_gui_focus_first (l->data))
        return TRUE;
  }
  /* a composite widget whose focusable parts are its own (a combo box's button) */
  return gtk_widget_child_focus (root, GTK_DIR_TAB_FORWARD);
}
