/* cd-price-store.c: price overrides in the database, each change audited with the old and new amount. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-price-store.h"

/* business, variant, item, years, amount_fen: the columns both price tables list first */
static void
read_price (sqlite3_stmt *stmt, CdPriceOverride *o)
{
  o->business = cd_store_column_dup (stmt, 0);
  o->variant = cd_store_column_dup (stmt, 1);
  o->item = cd_store_column_dup (stmt, 2);
  o->years = (guint) sqlite3_column_int (stmt, 3);
  o->amount_fen = sqlite3_column_int64 (stmt, 4);
}

GPtrArray *
cd_price_store_list (CdContext *ctx, const char *profile_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_price_override_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT business, variant, item, years, amount_fen FROM price_override"
                                " WHERE profile = ?1 ORDER BY business, variant, item, years", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, profile_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdPriceOverride *o = g_new0 (CdPriceOverride, 1);
      read_price (stmt, o);
      g_ptr_array_add (out, o);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* The override must name a rule of the profile (and a term of its table), or it could never apply. */
static gboolean
check_key (const CdProfile *profile, const CdPriceOverride *o, GError **error)
{
  for (guint i = 0; i < profile->fee_variants->len; i++)
    {
      const CdFeeVariant *v = profile->fee_variants->pdata[i];

      if (g_strcmp0 (cd_business_to_code (v->business), o->business) != 0 || g_strcmp0 (v->id, o->variant) != 0)
        continue;
      for (guint j = 0; j < v->rules->len; j++)
        {
          const CdFeeRule *r = v->rules->pdata[j];

          if (g_strcmp0 (r->code, o->item) != 0)
            continue;
          if (r->per == CD_FEE_PER_TABLE)
            {
              for (guint k = 0; k < r->table->len; k++)
                if (g_array_index (r->table, CdFeeTableEntry, k).years == o->years)
                  return TRUE;
              g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_TERM,
                           _("Price “%s” of %s has no %u-year entry"), o->item, profile->id, o->years);
              return FALSE;
            }
          if (o->years != 0)
            {
              g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_TERM,
                           _("Price “%s” of %s is not a term table: leave the years out"), o->item, profile->id);
              return FALSE;
            }
          return TRUE;
        }
    }
  g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED,
               _("Profile %s has no price item %s/%s/%s"), profile->id, o->business, o->variant, o->item);
  return FALSE;
}

static JsonNode *
override_detail (const char *profile_id, const CdPriceOverride *o, gboolean had_old, gint64 old_fen,
                 gboolean has_new)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, profile_id);
  json_builder_set_member_name (b, "business");
  json_builder_add_string_value (b, o->business);
  json_builder_set_member_name (b, "variant");
  json_builder_add_string_value (b, o->variant);
  json_builder_set_member_name (b, "item");
  json_builder_add_string_value (b, o->item);
  json_builder_set_member_name (b, "years");
  json_builder_add_int_value (b, o->years);
  json_builder_set_member_name (b, "old_fen");
  if (had_old)
    json_builder_add_int_value (b, old_fen);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "new_fen");
  if (has_new)
    json_builder_add_int_value (b, o->amount_fen);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
find_old (CdStore *store, const char *profile_id, const CdPriceOverride *o, gboolean *had, gint64 *old,
          GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT amount_fen FROM price_override WHERE profile = ?1 AND business = ?2"
                                " AND variant = ?3 AND item = ?4 AND years = ?5", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, profile_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, o->business, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, o->variant, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, o->item, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, (int) o->years);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  *had = rc == SQLITE_ROW;
  *old = *had ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/* A central price of this item that does not allow a local one refuses the local price, naming the amount. */
static gboolean
central_allows_local (CdStore *store, const char *profile_id, const CdPriceOverride *o, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT amount_fen FROM central_price WHERE profile = ?1 AND business = ?2"
                                " AND variant = ?3 AND item = ?4 AND years = ?5 AND NOT allow_local", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, profile_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, o->business, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, o->variant, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, o->item, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, (int) o->years);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return cd_store_set_error (store, error);
  {
    gint64 fen = sqlite3_column_int64 (stmt, 0);
    g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED,
                 _("The head office sets the price of %s/%s/%s (%lld.%02d yuan) and does not allow "
                   "a counter's own price for it; ask the head office to change it"),
                 o->business, o->variant, o->item, (long long) (fen / 100), (int) (fen % 100));
  }
  return FALSE;
}

static gboolean
write_override (CdContext *ctx, const char *profile_id, const CdPriceOverride *o, gboolean set, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gboolean had = FALSE;
  gint64 old = 0;

  if (!cd_price_store_check (ctx, profile_id, o, set, error))
    return FALSE;
  if (!cd_store_begin (store, error))
    return FALSE;
  if (set && !central_allows_local (store, profile_id, o, error))
    goto fail;
  if (!find_old (store, profile_id, o, &had, &old, error))
    goto fail;
  if (set)
    {
      if (!cd_store_prepare (store, "INSERT INTO price_override (profile, business, variant, item, years, amount_fen,"
                                    " set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                                    " ON CONFLICT (profile, business, variant, item, years) DO UPDATE SET"
                                    " amount_fen = excluded.amount_fen, set_by = excluded.set_by, set_at = excluded.set_at",
                             &stmt, error))
        goto fail;
      sqlite3_bind_int64 (stmt, 6, o->amount_fen);
      if (cd_context_get_clerk_id (ctx) > 0)
        sqlite3_bind_int64 (stmt, 7, cd_context_get_clerk_id (ctx));
      else
        sqlite3_bind_null (stmt, 7);
      sqlite3_bind_text (stmt, 8, now, -1, SQLITE_STATIC);
    }
  else if (!cd_store_prepare (store, "DELETE FROM price_override WHERE profile = ?1 AND business = ?2"
                                     " AND variant = ?3 AND item = ?4 AND years = ?5", &stmt, error))
    goto fail;
  sqlite3_bind_text (stmt, 1, profile_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, o->business, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, o->variant, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, o->item, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, (int) o->years);
  detail = override_detail (profile_id, o, had, old, set);
  if (!cd_store_step_done (store, stmt, error)
      || !cd_audit_append (store, cd_context_get_actor (ctx), set ? "price.set" : "price.clear", "price_override",
                           0, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_price_store_set (CdContext *ctx, const char *profile_id, const CdPriceOverride *price, GError **error)
{
  return write_override (ctx, profile_id, price, TRUE, error);
}

gboolean
cd_price_store_clear (CdContext *ctx, const char *profile_id, const CdPriceOverride *key, GError **error)
{
  return write_override (ctx, profile_id, key, FALSE, error);
}

gboolean
cd_price_store_check (CdContext *ctx, const char *profile_id, const CdPriceOverride *price, gboolean check_amount,
                      GError **error)
{
  g_autoptr(CdProfile) profile = NULL;
  CdProfile *p;

  if (!(p = cd_context_lookup_profile (ctx, profile_id, error)))
    return FALSE;
  profile = cd_profile_ref (p);
  if (!check_key (profile, price, error))
    return FALSE;
  if (check_amount && (price->amount_fen < 0 || price->amount_fen > G_GINT64_CONSTANT (100000000)))
    {
      g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_QUANTITY, _("A price must be between 0 and 1,000,000 yuan"));
      return FALSE;
    }
  return TRUE;
}

void
cd_central_price_free (CdCentralPrice *p)
{
  if (!p)
    return;
  g_free (p->price.business);
  g_free (p->price.variant);
  g_free (p->price.item);
  g_free (p);
}

GPtrArray *
cd_price_store_list_central (CdContext *ctx, const char *profile_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_central_price_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT business, variant, item, years, amount_fen, allow_local FROM central_price"
                                " WHERE profile = ?1 ORDER BY business, variant, item, years", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, profile_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdCentralPrice *c = g_new0 (CdCentralPrice, 1);
      read_price (stmt, &c->price);
      c->allow_local = sqlite3_column_int (stmt, 5) != 0;
      g_ptr_array_add (out, c);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cd_price_store_apply_central (CdStore *store, const char *profile_id, const CdPriceOverride *o, gboolean allow_local,
                              gboolean deleted, gint64 rev, GError **error)
{
  g_autoptr(sqlite3_stmt) old_stmt = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gboolean had;
  gint64 old_fen;
  int rc;

  if (!cd_store_prepare (store, "SELECT amount_fen FROM central_price WHERE profile = ?1 AND business = ?2"
                                " AND variant = ?3 AND item = ?4 AND years = ?5", &old_stmt, error))
    return FALSE;
  sqlite3_bind_text (old_stmt, 1, profile_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (old_stmt, 2, o->business, -1, SQLITE_STATIC);
  sqlite3_bind_text (old_stmt, 3, o->variant, -1, SQLITE_STATIC);
  sqlite3_bind_text (old_stmt, 4, o->item, -1, SQLITE_STATIC);
  sqlite3_bind_int (old_stmt, 5, (int) o->years);
  rc = sqlite3_step (old_stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  had = rc == SQLITE_ROW;
  old_fen = had ? sqlite3_column_int64 (old_stmt, 0) : 0;
  if (!deleted)
    {
      if (!cd_store_prepare (store, "INSERT INTO central_price (profile, business, variant, item, years, amount_fen,"
                                    " allow_local, rev, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                                    " ON CONFLICT (profile, business, variant, item, years) DO UPDATE SET"
                                    " amount_fen = excluded.amount_fen, allow_local = excluded.allow_local,"
                                    " rev = excluded.rev, set_at = excluded.set_at", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 6, o->amount_fen);
      sqlite3_bind_int (stmt, 7, allow_local ? 1 : 0);
      sqlite3_bind_int64 (stmt, 8, rev);
      sqlite3_bind_text (stmt, 9, now, -1, SQLITE_STATIC);
    }
  else if (!cd_store_prepare (store, "DELETE FROM central_price WHERE profile = ?1 AND business = ?2"
                                     " AND variant = ?3 AND item = ?4 AND years = ?5", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, profile_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, o->business, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, o->variant, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, o->item, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, (int) o->years);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  if (deleted && !had)
    return TRUE;   /* cleared before this counter ever had it: nothing changed here */
  detail = override_detail (profile_id, o, had, old_fen, !deleted);
  json_object_set_boolean_member (json_node_get_object (detail), "allow_local", allow_local);
  json_object_set_int_member (json_node_get_object (detail), "rev", rev);
  return cd_audit_append (store, "head-office", "price.central", "central_price", 0, detail, error);
}

/* The effective overrides of @profile: this counter's own prices where the head office set none or allows a
 * local one, then the head office's prices. cd_fee_quote takes the first that matches an item, so the order
 * is the rule. */
static GPtrArray *
effective_overrides (CdContext *ctx, const CdProfile *profile, GError **error)
{
  g_autoptr(GPtrArray) local = cd_price_store_list (ctx, profile->id, error);
  g_autoptr(GPtrArray) central = local ? cd_price_store_list_central (ctx, profile->id, error) : NULL;
  g_autoptr(GPtrArray) out = NULL;

  if (!central)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_price_override_free);
  for (guint i = 0; i < local->len; i++)
    {
      CdPriceOverride *o = local->pdata[i];
      gboolean blocked = FALSE;

      for (guint j = 0; j < central->len && !blocked; j++)
        {
          CdCentralPrice *c = central->pdata[j];
          blocked = !c->allow_local && g_str_equal (c->price.business, o->business)
                    && g_str_equal (c->price.variant, o->variant) && g_str_equal (c->price.item, o->item)
                    && c->price.years == o->years;
        }
      if (!blocked)
        g_ptr_array_add (out, g_ptr_array_steal_index (local, i--));
    }
  for (guint j = 0; j < central->len; j++)
    {
      CdCentralPrice *c = central->pdata[j];
      CdPriceOverride *o = g_new0 (CdPriceOverride, 1);

      o->business = g_strdup (c->price.business);
      o->variant = g_strdup (c->price.variant);
      o->item = g_strdup (c->price.item);
      o->years = c->price.years;
      o->amount_fen = c->price.amount_fen;
      o->central = TRUE;
      g_ptr_array_add (out, o);
    }
  return g_steal_pointer (&out);
}

CdFeeQuote *
cd_price_store_quote (CdContext *ctx, const CdProfile *profile, CdBusiness business, CdApplicantType type,
                      const CdFeeRequest *request, GError **error)
{
  g_autoptr(GPtrArray) overrides = effective_overrides (ctx, profile, error);

  if (!overrides)
    return NULL;
  return cd_fee_quote (profile, business, type, request, overrides, error);
}

CdFeeQuote *
cd_fee_compute (CdContext *ctx, const CdApplication *app, const CdProfile *profile, GError **error)
{
  CdFeeRequest req = cd_application_fee_request (app);

  if (profile == NULL && !(profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return NULL;
  return cd_price_store_quote (ctx, profile, app->business, app->applicant_type, &req, error);
}
