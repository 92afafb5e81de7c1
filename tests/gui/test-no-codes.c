/* test-no-codes.c: in Chinese, no page of any project shows an internal code (a profile id, a business,
 * applicant, party-role, payment or state code, a fee variant or item, a material or form code, an enum
 * name). Every step of every business of the six projects is walked as a clerk would, and the visible texts
 * (labels, buttons, entries and their placeholders, the rows of combo boxes and lists, tooltips) are read. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-prices-panel.h"
#include "cd-test-util.h"
#include "cd-today-page.h"
#include "cd-wizard.h"

typedef struct {
  GHashTable *codes;   /* code → what it is */
  GString    *found;   /* one line per code seen on screen */
  GHashTable *seen;    /* the lines already reported */
  const char *where;
  guint       n_texts;
} Scan;

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

static void
scan_view (Scan *sc, GtkWidget *win, const char *where, const char *shot)
{
  cd_test_iterate ();
  sc->where = where;
  scan_widget (win, sc);
  if (shot)
    cd_test_screenshot (win, shot);
}

/* Every page the walk shows: read, and saved as no-codes-<shot>.png. */
static void
on_page_cb (GtkWidget *win, const char *where, const char *shot, gpointer data)
{
  g_autofree char *name = g_strdup_printf ("no-codes-%s", shot);

  scan_view (data, win, where, name);
}

static void
test_no_codes_on_screen (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (counter->ctx));
  Scan sc = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free), g_string_new (NULL),
              g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), NULL, 0 };
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  const char *only = g_getenv ("CD_TEST_PROFILE");   /* one project, when looking at one */

  collect_codes (&sc, counter->ctx);
  /* the supervisor prices what the projects ship unpriced: every business can be paid */
  cd_test_price_everything (counter->ctx, 5000);
  g_assert_cmpuint (profiles->len, ==, 6);
  for (guint i = 0; i < profiles->len; i++)
    {
      CdProfile *p = profiles->pdata[i];
      CdTestCustomer customer = { 0, NULL, NULL, NULL };

      if (only && !g_str_equal (only, p->id))
        continue;
      for (guint b = 0; b < CD_N_BUSINESSES; b++)
        if (cd_profile_offers_business (p, b))
          {
            g_autofree char *reason = NULL;
            g_autofree char *ended = NULL;

            /* a renewal inside its window: the clock moved to ten days before the certificate ends */
            if (b == CD_BUSINESS_RENEW && customer.id)
              {
                g_autoptr(GPtrArray) certs = cd_application_store_certificates (counter->ctx, customer.id, NULL);
                g_autoptr(GDateTime) end = certs && certs->len
                  ? g_date_time_new_from_iso8601 (((CdCertificateInfo *) certs->pdata[0])->not_after, NULL) : NULL;
                g_autoptr(GDateTime) now = end ? g_date_time_add_days (end, -10) : NULL;

                cd_store_set_now (cd_context_get_store (counter->ctx), now);
              }
            ended = cd_test_walk_business (counter, wizard, win, p, b, &customer, FALSE, on_page_cb, &sc, &reason);
            cd_store_set_now (cd_context_get_store (counter->ctx), NULL);
            if (!g_str_equal (ended, "done"))
              g_test_message ("%s/%s: read up to the %s step (%s)", p->id, cd_business_to_code (b), ended,
                              reason ? reason : "");
          }
      cd_test_customer_clear (&customer);
    }
  gtk_widget_destroy (win);

  /* Today's applications: every application just walked, with its state and step */
  {
    CdTodayPage *today = cd_today_page_new (counter->ctx);

    win = cd_test_window (GTK_WIDGET (today));
    cd_today_page_refresh (today);
    scan_view (&sc, win, "Today's applications", "no-codes-today");
    gtk_widget_destroy (win);
  }
  /* The prices of every project (Settings → Prices) */
  {
    CdPricesPanel *prices = cd_prices_panel_new (counter->ctx);
    GtkComboBox *combo;

    win = cd_test_window (GTK_WIDGET (prices));
    cd_test_iterate ();
    combo = GTK_COMBO_BOX (cd_test_find (win, "profile_combo"));
    for (guint i = 0; i < profiles->len; i++)
      {
        g_autofree char *where = g_strdup_printf ("prices of %s", ((CdProfile *) profiles->pdata[i])->id);
        g_autofree char *shot = g_strdup_printf ("no-codes-prices-%s", ((CdProfile *) profiles->pdata[i])->id);

        gtk_combo_box_set_active (combo, i);
        scan_view (&sc, win, where, shot);
      }
    gtk_widget_destroy (win);
  }

  g_test_message ("%u texts read", sc.n_texts);
  g_assert_cmpuint (sc.n_texts, >, 500);   /* the walk did reach the pages */
  if (sc.found->len)
    {
      g_test_message ("internal codes on screen:\n%s", sc.found->str);
      g_test_fail_printf ("internal codes on screen (listed above)");
    }
  g_string_free (sc.found, TRUE);
  g_hash_table_unref (sc.codes);
  g_hash_table_unref (sc.seen);
}

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, TRUE);
  g_test_add_func ("/gui/no-codes/every-page-of-every-project", test_no_codes_on_screen);
  return g_test_run ();
}
