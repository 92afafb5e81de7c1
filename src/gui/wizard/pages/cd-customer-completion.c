/* cd-customer-completion.c: the list of returning customers under the applicant fields. The store already
 * filters (indexed prefix lookups in the database), so the completion's own match function accepts all. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-customer-completion.h"

#define N_OFFERED 8

enum { COL_TEXT, COL_ID, N_COLS };

struct _CdCustomerCompletion {
  GtkEntryCompletion parent_instance;
  CdContext         *ctx;
  CdCustomerField    field;
  GtkListStore      *store;
};

G_DEFINE_FINAL_TYPE (CdCustomerCompletion, cd_customer_completion, GTK_TYPE_ENTRY_COMPLETION)

enum { CUSTOMER_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
match_all (GtkEntryCompletion *completion, const char *key, GtkTreeIter *iter, gpointer user_data)
{
  return TRUE;
}

/* One line per customer: what identifies them at the counter. */
static char *
describe (const CdCustomer *c)
{
  const char *ident = c->is_unit ? c->uscc : c->id_number;
  g_autofree char *day = c->updated_at ? g_strndup (c->updated_at, 10) : NULL;

  /* TRANSLATORS: a returning customer in the autocompletion list: name, USCC or ID number, last seen date */
  return g_strdup_printf (_("%s · %s · last seen %s"), c->name, ident ? ident : "", day ? day : "");
}

/* The store is the completion's model only while it has suggestions: a GtkEntryCompletion with a model works
 * out its popup's place and size on every allocation of its entry (a round trip to the X server for the
 * entry's origin, and the list's rows measured), and the applicant step has four of them, laid out on every
 * entry to the step. */
static void
follow_store (CdCustomerCompletion *self)
{
  GtkEntryCompletion *completion = GTK_ENTRY_COMPLETION (self);
  gboolean any = gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->store), NULL) > 0;

  if (any && !gtk_entry_completion_get_model (completion))
    gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->store));
  else if (!any && gtk_entry_completion_get_model (completion))
    gtk_entry_completion_set_model (completion, NULL);
}

void
cd_customer_completion_clear (CdCustomerCompletion *self)
{
  gtk_list_store_clear (self->store);
  follow_store (self);
}

void
cd_customer_completion_refresh (CdCustomerCompletion *self, gboolean units)
{
  GtkWidget *entry = gtk_entry_completion_get_entry (GTK_ENTRY_COMPLETION (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  gtk_list_store_clear (self->store);
  follow_store (self);
  if (!entry)
    return;
  found = cd_customer_store_suggest (self->ctx, self->field, units, gtk_entry_get_text (GTK_ENTRY (entry)),
                                     N_OFFERED, &error);
  if (!found)
    {
      /* A failed lookup must not get in the clerk's way: the field still works without suggestions. */
      g_warning ("Returning customers could not be looked up: %s", error->message);
      return;
    }
  for (guint i = 0; i < found->len; i++)
    {
      const CdCustomer *c = found->pdata[i];
      g_autofree char *text = describe (c);

      gtk_list_store_insert_with_values (self->store, NULL, -1, COL_TEXT, text, COL_ID, c->id, -1);
    }
  follow_store (self);
}

guint
cd_customer_completion_count (CdCustomerCompletion *self)
{
  return (guint) gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->store), NULL);
}

static gboolean
cd_customer_completion_match_selected (GtkEntryCompletion *completion, GtkTreeModel *model, GtkTreeIter *iter)
{
  gint64 id = 0;

  gtk_tree_model_get (model, iter, COL_ID, &id, -1);
  g_signal_emit (completion, signals[CUSTOMER_CHOSEN], 0, id);
  return TRUE;   /* the page fills every field from the customer's record, this entry included */
}

void
cd_customer_completion_choose (CdCustomerCompletion *self, guint n)
{
  GtkTreeIter iter;
  gboolean handled = FALSE;

  if (gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->store), &iter, NULL, (int) n))
    g_signal_emit_by_name (self, "match-selected", GTK_TREE_MODEL (self->store), &iter, &handled);
}

static void
cd_customer_completion_finalize (GObject *object)
{
  CdCustomerCompletion *self = CD_CUSTOMER_COMPLETION (object);

  g_clear_object (&self->ctx);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (cd_customer_completion_parent_class)->finalize (object);
}

static void
cd_customer_completion_class_init (CdCustomerCompletionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cd_customer_completion_finalize;
  GTK_ENTRY_COMPLETION_CLASS (klass)->match_selected = cd_customer_completion_match_selected;

  /* The customer's row id in the applicant table (cd_customer_store_apply). */
  signals[CUSTOMER_CHOSEN] = g_signal_new ("customer-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
cd_customer_completion_init (CdCustomerCompletion *self)
{
  self->store = gtk_list_store_new (N_COLS, G_TYPE_STRING, G_TYPE_INT64);
}

CdCustomerCompletion *
cd_customer_completion_attach (GtkEntry *entry, CdContext *ctx, CdCustomerField field)
{
  CdCustomerCompletion *self = g_object_new (CD_TYPE_CUSTOMER_COMPLETION, NULL);
  GtkEntryCompletion *completion = GTK_ENTRY_COMPLETION (self);

  self->ctx = g_object_ref (ctx);
  self->field = field;
  gtk_entry_completion_set_text_column (completion, COL_TEXT);
  gtk_entry_completion_set_match_func (completion, match_all, NULL, NULL);
  gtk_entry_completion_set_inline_completion (completion, FALSE);
  gtk_entry_completion_set_popup_single_match (completion, TRUE);
  /* Names are Chinese: one character already narrows the list; identifiers need a few digits first. */
  gtk_entry_completion_set_minimum_key_length (completion, field == CD_CUSTOMER_BY_NAME ? 1 : 4);
  gtk_entry_set_completion (entry, completion);
  g_object_unref (self);   /* the entry holds it */
  return self;
}
