/* cd-test-codes.c: no internal code on screen (see cd-test-codes.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-test-codes.h"
#include "cd-test-util.h"

struct _CdTestCodes {
  GHashTable *codes;   /* code → what it is */
  GString    *found;   /* one line per code seen on screen */
  GHashTable *seen;    /* the lines already reported */
  const char *where;
  guint       n_texts;
};

typedef CdTestCodes Scan;

static void
add_code (Scan *sc, const char *code, const char *what)
{
  if (code && *code && !g_hash_table_contains (sc->codes, code))
    g_hash_table_insert (sc->codes, g_strdup (code), g_strdup (what));
}

/* The codes of the domain (cd-types.c) and of every profile. */
static void
collect_codes (Scan *sc, CdContext *ctx)
{
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (ctx));

  for (guint b = 0; b < CD_N_BUSINESSES; b++)
    add_code (sc, cd_business_to_code (b), "business code");
  for (guint t = 0; t < CD_N_APPLICANTS; t++)
    add_code (sc, cd_applicant_type_to_code (t), "applicant type code");
  for (guint r = 0; r < CD_N_PARTY_ROLES; r++)
    add_code (sc, cd_party_role_to_code (r), "party role code");
  for (guint m = 0; m < CD_N_PAYMENT_METHODS; m++)
    add_code (sc, cd_payment_method_to_code (m), "payment method code");
  for (guint s = 0; s < CD_N_STATES; s++)
    add_code (sc, cd_state_to_code (s), "state code");
  /* the issuer's and the documents' internal names */
  add_code (sc, "local", "issuer code");
  add_code (sc, "cmp", "issuer code");
  add_code (sc, "receipt", "document code");
  for (guint i = 0; i < profiles->len; i++)
    {
      CdProfile *p = profiles->pdata[i];

      add_code (sc, p->id, "profile id");
      for (guint v = 0; v < p->fee_variants->len; v++)
        {
          const CdFeeVariant *fv = p->fee_variants->pdata[v];

          add_code (sc, fv->id, "fee variant id");
          for (guint r = 0; r < fv->rules->len; r++)
            add_code (sc, ((const CdFeeRule *) fv->rules->pdata[r])->code, "fee item code");
        }
      for (guint m = 0; m < p->materials->len; m++)
        add_code (sc, ((const CdMaterial *) p->materials->pdata[m])->code, "material code");
      for (guint f = 0; p->collection_forms && p->collection_forms[f]; f++)
        add_code (sc, p->collection_forms[f], "collection form code");
      for (guint d = 0; p->documents && p->documents[d]; d++)
        add_code (sc, p->documents[d], "document code");
    }
}

static gboolean
word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

/* An enum's name (CD_STATE_PAID, CKR_GENERAL_ERROR): upper case with an underscore. */
static gboolean
enum_like (const char *w)
{
  gboolean under = FALSE;

  if (strlen (w) < 4 || !g_ascii_isupper (w[0]))
    return FALSE;
  for (const char *c = w; *c; c++)
    if (*c == '_')
      under = TRUE;
    else if (!g_ascii_isupper (*c) && !g_ascii_isdigit (*c))
      return FALSE;
  return under;
}

static void
check_text (Scan *sc, GtkWidget *w, const char *kind, const char *text)
{
  const char *p = text;

  if (!text || !*text)
    return;
  sc->n_texts++;
  while (*p)
    {
      const char *start;
      g_autofree char *word = NULL;
      const char *what;

      if (!word_char (*p))
        {
          p++;
          continue;
        }
      start = p;
      while (word_char (*p))
        p++;
      word = g_strndup (start, p - start);
      /* e-mail addresses and file names typed by the clerk are the applicant's, not codes */
      if ((start > text && (start[-1] == '@' || start[-1] == '.')) || *p == '@')
        continue;
      what = g_hash_table_lookup (sc->codes, word);
      if (!what && enum_like (word))
        what = "enum name";
      if (what)
        {
          g_autofree char *line = g_strdup_printf ("%s: %s “%s” %s shows “%s” (a %s)", sc->where,
                                                   G_OBJECT_TYPE_NAME (w), gtk_widget_get_name (w), kind, text, what);
          if (g_hash_table_add (sc->seen, g_strdup (line)))
            g_string_append_printf (sc->found, "%s\n", line);
        }
    }
}

static void
scan_cells (Scan *sc, GtkWidget *w, GList *cells, const char *kind)
{
  for (GList *l = cells; l; l = l->next)
    if (GTK_IS_CELL_RENDERER_TEXT (l->data) && gtk_cell_renderer_get_visible (l->data))
      {
        g_autofree char *t = NULL;

        g_object_get (l->data, "text", &t, NULL);
        check_text (sc, w, kind, t);
      }
}

/* Every row a combo box offers (its popup shows them all). */
static void
scan_combo (Scan *sc, GtkComboBox *combo)
{
  GtkTreeModel *model = gtk_combo_box_get_model (combo);
  GtkCellArea *area = gtk_cell_layout_get_area (GTK_CELL_LAYOUT (combo));
  g_autoptr(GList) cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (combo));
  GtkTreeIter iter;

  if (!model || !area)
    return;
  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok; ok = gtk_tree_model_iter_next (model, &iter))
    {
      gtk_cell_area_apply_attributes (area, model, &iter, FALSE, FALSE);
      scan_cells (sc, GTK_WIDGET (combo), cells, "choice");
    }
}

static void
scan_tree (Scan *sc, GtkTreeView *view)
{
  GtkTreeModel *model = gtk_tree_view_get_model (view);
  GtkTreeIter iter;

  for (guint c = 0; c < gtk_tree_view_get_n_columns (view); c++)
    {
      GtkTreeViewColumn *col = gtk_tree_view_get_column (view, c);

      if (gtk_tree_view_column_get_visible (col))
        check_text (sc, GTK_WIDGET (view), "column title", gtk_tree_view_column_get_title (col));
    }
  if (!model)
    return;
  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok; ok = gtk_tree_model_iter_next (model, &iter))
    for (guint c = 0; c < gtk_tree_view_get_n_columns (view); c++)
      {
        GtkTreeViewColumn *col = gtk_tree_view_get_column (view, c);
        g_autoptr(GList) cells = NULL;

        if (!gtk_tree_view_column_get_visible (col))
          continue;
        gtk_tree_view_column_cell_set_cell_data (col, model, &iter, FALSE, FALSE);
        cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (col));
        scan_cells (sc, GTK_WIDGET (view), cells, "cell");
      }
}

static void
scan_widget (GtkWidget *w, gpointer data)
{
  Scan *sc = data;
  g_autofree char *tooltip = NULL;

  if (!gtk_widget_get_visible (w) || !gtk_widget_get_child_visible (w))
    return;
  tooltip = gtk_widget_get_tooltip_text (w);
  check_text (sc, w, "tooltip", tooltip);
  if (GTK_IS_LABEL (w))
    check_text (sc, w, "text", gtk_label_get_text (GTK_LABEL (w)));
  if (GTK_IS_ENTRY (w))
    {
      check_text (sc, w, "text", gtk_entry_get_text (GTK_ENTRY (w)));
      check_text (sc, w, "placeholder", gtk_entry_get_placeholder_text (GTK_ENTRY (w)));
    }
  if (GTK_IS_COMBO_BOX (w))
    scan_combo (sc, GTK_COMBO_BOX (w));
  if (GTK_IS_TREE_VIEW (w))
    scan_tree (sc, GTK_TREE_VIEW (w));
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), scan_widget, sc);
}

void
cd_test_codes_scan (CdTestCodes *sc, GtkWidget *win, const char *where, const char *shot)
{
  cd_test_iterate ();
  sc->where = where;
  scan_widget (win, sc);
  if (shot)
    cd_test_screenshot (win, shot);
}

CdTestCodes *
cd_test_codes_new (CdContext *ctx)
{
  CdTestCodes *sc = g_new0 (CdTestCodes, 1);

  sc->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sc->found = g_string_new (NULL);
  sc->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  collect_codes (sc, ctx);
  return sc;
}

guint
cd_test_codes_n_texts (CdTestCodes *sc)
{
  return sc->n_texts;
}

const char *
cd_test_codes_found (CdTestCodes *sc)
{
  return sc->found->len ? sc->found->str : NULL;
}

void
cd_test_codes_free (CdTestCodes *sc)
{
  if (!sc)
    return;
  g_string_free (sc->found, TRUE);
  g_hash_table_unref (sc->codes);
  g_hash_table_unref (sc->seen);
  g_free (sc);
}

