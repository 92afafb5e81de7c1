/* cd-json-read.c: strict reading of JSON documents: wrong types and unknown members are refused with their path. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-input.h"
#include "cd-json-read.h"

gboolean
cd_json_fail (CdJsonCtx *ctx, const char *path, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *reason = NULL;

  va_start (ap, fmt);
  reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (ctx->prefix)
    g_set_error (ctx->error, ctx->domain, ctx->code, "%s: %s: %s", ctx->prefix, path, reason);
  else
    g_set_error (ctx->error, ctx->domain, ctx->code, "%s: %s", path, reason);
  return FALSE;
}

gboolean
cd_json_check_members (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *const *known)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known, l->data))
      return cd_json_fail (ctx, path, _("unknown member “%s”"), (const char *) l->data);
  return TRUE;
}

gboolean
cd_json_get_string (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean required, char **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return cd_json_fail (ctx, p, _("is missing; a string is expected"));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return cd_json_fail (ctx, p, _("must be a string"));
  if (required && *json_node_get_string (node) == '\0')
    return cd_json_fail (ctx, p, _("must not be empty"));
  {
    /* Checked at the door: valid UTF-8, no control or direction characters, NFC, bounded length. */
    g_autoptr(GError) local = NULL;
    char *text = cd_input_text (p, json_node_get_string (node), CD_INPUT_TEXT_MAX_CHARS, &local);

    if (text == NULL)
      {
        if (ctx->prefix)
          g_set_error (ctx->error, ctx->domain, ctx->code, "%s: %s", ctx->prefix, local->message);
        else
          g_set_error_literal (ctx->error, ctx->domain, ctx->code, local->message);
        return FALSE;
      }
    *out = text;
  }
  return TRUE;
}

gboolean
cd_json_get_bool (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean dflt, gboolean *out)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);

  *out = dflt;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return cd_json_fail (ctx, p, _("must be true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
cd_json_node_get_int (CdJsonCtx *ctx, JsonNode *node, const char *p, gint64 min, gint64 max, gint64 *out)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return cd_json_fail (ctx, p, _("must be a whole number"));
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return cd_json_fail (ctx, p, _("must be between %lld and %lld, not %lld"),
                         (long long) min, (long long) max, (long long) *out);
  return TRUE;
}

gboolean
cd_json_get_int (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean required,
         gint64 min, gint64 max, gint64 dflt, gint64 *out)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);

  *out = dflt;
  if (node == NULL)
    return required ? cd_json_fail (ctx, p, _("is missing; a whole number is expected")) : TRUE;
  return cd_json_node_get_int (ctx, node, p, min, max, out);
}

gboolean
cd_json_get_uint (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean required,
          guint min, guint max, guint dflt, guint *out)
{
  gint64 v;

  if (!cd_json_get_int (ctx, obj, path, name, required, min, max, dflt, &v))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* An array of strings, each checked against @allowed (when given, "!" prefixes allowed if @negatable). */
gboolean
cd_json_get_strv (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean required,
          const char *const *allowed, gboolean negatable, char ***out)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonArray *arr;

  if (node == NULL)
    {
      if (required)
        return cd_json_fail (ctx, p, _("is missing; a list is expected"));
      *out = g_strv_builder_end (b);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return cd_json_fail (ctx, p, _("must be a list of strings"));
  arr = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      g_autofree char *ep = g_strdup_printf ("%s[%u]", p, i);
      const char *s, *bare;

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        return cd_json_fail (ctx, ep, _("must be a string"));
      s = json_node_get_string (e);
      bare = (negatable && s[0] == '!') ? s + 1 : s;
      if (allowed && !g_strv_contains (allowed, bare))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);
          return cd_json_fail (ctx, ep, _("“%s” is not one of %s"), s, list);
        }
      g_strv_builder_add (b, s);
    }
  if (required && json_array_get_length (arr) == 0)
    return cd_json_fail (ctx, p, _("must not be empty"));
  *out = g_strv_builder_end (b);
  return TRUE;
}

JsonObject *
cd_json_get_object (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean required)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);

  if (node == NULL)
    {
      if (required)
        cd_json_fail (ctx, p, _("is missing; an object is expected"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      cd_json_fail (ctx, p, _("must be an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

JsonArray *
cd_json_get_array (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);

  if (node == NULL)
    {
      cd_json_fail (ctx, p, _("is missing; a list is expected"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      cd_json_fail (ctx, p, _("must be a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

