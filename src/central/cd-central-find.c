/* cd-central-find.c: the customer search over this counter's applicants and the other outlets' pulled
 * customers, with their certificates. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-central.h"
#include "cd-central-private.h"
#include "cd-ident.h"
#include "cd-sync-store.h"

static void
add_text (JsonBuilder *b, const char *name, const unsigned char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, (const char *) value);
  else
    json_builder_add_null_value (b);
}

/* The certificates of one hit: a local applicant's through its applications, a pulled one's by UUID. */
static gboolean
add_certificates (CdStore *store, JsonBuilder *b, const CdSyncCustomer *c, const char *outlet, GError **error)
{
  g_autoptr(GPtrArray) certs = cd_sync_store_customer_certificates (store, c, outlet, error);

  if (certs == NULL)
    return FALSE;
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < certs->len; i++)
    {
      CdSyncCertificate *cert = certs->pdata[i];

      json_builder_begin_object (b);
      add_text (b, "serial", (const guchar *) cert->serial);
      add_text (b, "state", (const guchar *) cert->state);
      add_text (b, "not_after", (const guchar *) cert->not_after);
      add_text (b, "outlet", (const guchar *) cert->outlet);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

JsonNode *
cd_central_find_customers (CdStore *store, const char *text, guint limit, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *ident = cd_ident_normalize (text);
  g_autofree char *outlet = cd_store_setting_dup (store, "central.outlet");
  g_autoptr(GPtrArray) hits = NULL;

  /* This counter's applicants first (its own outlet), then the other outlets' pulled customers. */
  if (!(hits = cd_sync_store_find_customers (store, text, ident, outlet, limit, error)))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "customers");
  json_builder_begin_array (b);
  for (guint i = 0; i < hits->len; i++)
    {
      CdSyncCustomer *c = hits->pdata[i];

      json_builder_begin_object (b);
      add_text (b, "name", (const guchar *) c->name);
      add_text (b, "kind", (const guchar *) c->kind);
      add_text (b, "uscc", (const guchar *) c->uscc);
      add_text (b, "id_number", (const guchar *) c->id_number);
      add_text (b, "outlet", (const guchar *) c->outlet);
      if (!add_certificates (store, b, c, outlet, error))
        return NULL;
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
