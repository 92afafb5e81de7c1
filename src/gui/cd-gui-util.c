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

void
cd_gui_show_error (GtkLabel *label, const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message && *message);
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
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
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
