/* cd-prices-panel.c: the price items of a profile's fee rules, with the shipped and the local price. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-price-store.h"
#include "cd-prices-panel.h"

struct _CdPricesPanel {
  GtkBox           parent_instance;

  GtkComboBoxText *profile_combo;
  GtkTreeView     *prices_view;
  GtkListStore    *prices_store;
  GtkEntry        *amount_entry;
  GtkLabel        *prices_status;

  CdContext       *ctx;
};

G_DEFINE_FINAL_TYPE (CdPricesPanel, cd_prices_panel, GTK_TYPE_BOX)

enum { COL_UNUSED, COL_BUSINESS, COL_VARIANT, COL_ITEM, COL_YEARS, COL_SHIPPED, COL_LOCAL, COL_BUSINESS_CODE,
       COL_VARIANT_ID, COL_ITEM_CODE, COL_YEARS_N };

static char *
local_price (GPtrArray *overrides, const char *business, const char *variant, const char *item, guint years)
{
  for (guint i = 0; overrides && i < overrides->len; i++)
    {
      CdPriceOverride *o = overrides->pdata[i];
      if (g_str_equal (o->business, business) && g_str_equal (o->variant, variant) && g_str_equal (o->item, item)
          && o->years == years)
        return cd_fen_to_yuan_string (o->amount_fen);
    }
  return g_strdup ("");
}

/* The price column with the head office's price (docs/central.md "From the head office"): it is the price,
 * unless the head office allows a local one and this counter has set one. */
static char *
effective_text (GPtrArray *central, char *local, const char *business, const char *variant, const char *item,
                guint years)
{
  for (guint i = 0; central && i < central->len; i++)
    {
      CdCentralPrice *c = central->pdata[i];
      g_autofree char *amount = NULL;

      if (!g_str_equal (c->price.business, business) || !g_str_equal (c->price.variant, variant)
          || !g_str_equal (c->price.item, item) || c->price.years != years)
        continue;
      if (c->allow_local && *local)
        break;
      amount = cd_fen_to_yuan_string (c->price.amount_fen);
      g_free (local);
      return g_strdup_printf (_("%s (head office)"), amount);
    }
  return local;
}

/* Who a fee variant is for, in words: its applicant types (when not all of the project's) and its conditions.
 * The variant's id ("unit", "standard", "zero-fee") is the profile's key, never shown. */
static char *
variant_label (const CdProfile *profile, const CdFeeVariant *v)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if ((v->applicants & profile->applicants) != profile->applicants)
    for (guint t = 0; t < CD_N_APPLICANTS; t++)
      if ((v->applicants >> t) & 1 && (profile->applicants >> t) & 1)
        g_string_append_printf (s, "%s%s", s->len ? C_("list", ", ") : "", cd_applicant_type_label (t));
  for (guint i = 0; v->when && v->when[i]; i++)
    {
      const char *flag = NULL;

      if (g_str_equal (v->when[i], "zero_fee"))
        flag = _("zero-fee unit");
      else if (g_str_equal (v->when[i], "one_cert"))
        flag = _("already holds a one-cert certificate");
      if (flag)
        g_string_append_printf (s, "%s%s", s->len ? C_("list", ", ") : "", flag);
    }
  if (!s->len)
    g_string_append (s, _("All applicants"));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
add_item (CdPricesPanel *self, const CdProfile *profile, GPtrArray *overrides, GPtrArray *central,
          const CdFeeVariant *v, const CdFeeRule *r, guint years, gboolean has_amount, gint64 amount_fen)
{
  const char *business = cd_business_to_code (v->business);
  g_autofree char *shipped = has_amount ? cd_fen_to_yuan_string (amount_fen) : g_strdup (_("not set"));
  g_autofree char *local = effective_text (central, local_price (overrides, business, v->id, r->code, years),
                                           business, v->id, r->code, years);
  g_autofree char *years_text = years ? g_strdup_printf ("%u", years) : g_strdup ("");
  g_autofree char *variant = variant_label (profile, v);

  gtk_list_store_insert_with_values (self->prices_store, NULL, -1,
                                     COL_BUSINESS, cd_business_label (v->business), COL_VARIANT, variant,
                                     COL_ITEM, cd_localized (r->label, r->label_zh), COL_YEARS, years_text,
                                     COL_SHIPPED, shipped, COL_LOCAL, local, COL_BUSINESS_CODE, business,
                                     COL_VARIANT_ID, v->id, COL_ITEM_CODE, r->code, COL_YEARS_N, years, -1);
}

static void
refresh (CdPricesPanel *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  CdProfile *profile = id ? cd_context_lookup_profile (self->ctx, id, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) overrides = NULL;
  g_autoptr(GPtrArray) central = NULL;

  gtk_list_store_clear (self->prices_store);
  if (!profile)
    return;
  if (!(overrides = cd_price_store_list (self->ctx, id, &error)))
    gtk_label_set_text (self->prices_status, error->message);
  else if (!(central = cd_price_store_list_central (self->ctx, id, &error)))
    gtk_label_set_text (self->prices_status, error->message);
  for (guint i = 0; i < profile->fee_variants->len; i++)
    {
      const CdFeeVariant *v = profile->fee_variants->pdata[i];
      for (guint j = 0; j < v->rules->len; j++)
        {
          const CdFeeRule *r = v->rules->pdata[j];
          if (r->per == CD_FEE_PER_TABLE && r->table)
            for (guint k = 0; k < r->table->len; k++)
              {
                CdFeeTableEntry *e = &g_array_index (r->table, CdFeeTableEntry, k);
                add_item (self, profile, overrides, central, v, r, e->years, e->has_amount, e->amount_fen);
              }
          else
            add_item (self, profile, overrides, central, v, r, 0, r->has_amount, r->amount_fen);
        }
    }
}

static gboolean
selected_key (CdPricesPanel *self, CdPriceOverride *key)
{
  GtkTreeModel *model;
  GtkTreeIter iter;

  if (!gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->prices_view), &model, &iter))
    {
      gtk_label_set_text (self->prices_status, _("Select a price item first"));
      return FALSE;
    }
  gtk_tree_model_get (model, &iter, COL_BUSINESS_CODE, &key->business, COL_VARIANT_ID, &key->variant,
                      COL_ITEM_CODE, &key->item, COL_YEARS_N, &key->years, -1);
  return TRUE;
}

/* The row of @key again after a refresh: the supervisor keeps working on the item just priced. */
static void
select_key (CdPricesPanel *self, const CdPriceOverride *key)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->prices_store);
  GtkTreeIter iter;

  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok; ok = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *business = NULL, *variant = NULL, *item = NULL;
      guint years = 0;

      gtk_tree_model_get (model, &iter, COL_BUSINESS_CODE, &business, COL_VARIANT_ID, &variant,
                          COL_ITEM_CODE, &item, COL_YEARS_N, &years, -1);
      if (g_strcmp0 (business, key->business) == 0 && g_strcmp0 (variant, key->variant) == 0
          && g_strcmp0 (item, key->item) == 0 && years == key->years)
        {
          g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (model, &iter);

          gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->prices_view), &iter);
          gtk_tree_view_scroll_to_cell (self->prices_view, path, NULL, FALSE, 0, 0);
          return;
        }
    }
}

static void
clear_key (CdPriceOverride *key)
{
  g_free (key->business);
  g_free (key->variant);
  g_free (key->item);
}

static void
on_profile_changed_cb (CdPricesPanel *self)
{
  gtk_label_set_text (self->prices_status, "");
  refresh (self);
}

static void
on_selection_changed_cb (CdPricesPanel *self)
{
  gtk_label_set_text (self->prices_status, "");
}

static void
on_set_clicked_cb (CdPricesPanel *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  g_autoptr(GError) error = NULL;
  CdPriceOverride key = { 0 };

  if (!selected_key (self, &key))
    return;
  if (!cd_gui_parse_yuan (gtk_entry_get_text (self->amount_entry), &key.amount_fen))
    gtk_label_set_text (self->prices_status, _("Enter the price in yuan, e.g. 260 or 260.50"));
  else if (!cd_price_store_set (self->ctx, id, &key, &error))
    gtk_label_set_text (self->prices_status, error->message);
  else
    {
      /* the refresh empties the list, and the selection's change clears the status: say it after */
      refresh (self);
      select_key (self, &key);
      gtk_label_set_text (self->prices_status, _("Local price set"));
    }
  clear_key (&key);
}

static void
on_clear_clicked_cb (CdPricesPanel *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  g_autoptr(GError) error = NULL;
  CdPriceOverride key = { 0 };

  if (!selected_key (self, &key))
    return;
  if (!cd_price_store_clear (self->ctx, id, &key, &error))
    gtk_label_set_text (self->prices_status, error->message);
  else
    {
      refresh (self);
      select_key (self, &key);
      gtk_label_set_text (self->prices_status, _("The shipped price applies again"));
    }
  clear_key (&key);
}

static void
cd_prices_panel_finalize (GObject *object)
{
  g_clear_object (&CD_PRICES_PANEL (object)->ctx);
  G_OBJECT_CLASS (cd_prices_panel_parent_class)->finalize (object);
}

static void
cd_prices_panel_class_init (CdPricesPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = cd_prices_panel_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-prices-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdPricesPanel, name)
  BIND (profile_combo); BIND (prices_view); BIND (prices_store); BIND (amount_entry); BIND (prices_status);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_profile_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_set_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked_cb);
}

static void
cd_prices_panel_init (CdPricesPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CdPricesPanel *
cd_prices_panel_new (CdContext *ctx)
{
  CdPricesPanel *self = g_object_new (CD_TYPE_PRICES_PANEL, NULL);
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (ctx));

  self->ctx = g_object_ref (ctx);
  for (guint i = 0; i < profiles->len; i++)
    {
      CdProfile *p = profiles->pdata[i];
      gtk_combo_box_text_append (self->profile_combo, p->id, cd_profile_display_name (p));
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->profile_combo), 0);
  return self;
}
