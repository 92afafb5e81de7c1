/* cd-customer-completion.h: a GtkEntryCompletion offering returning customers (cd-customer-store.h) while
 * the clerk types a name, USCC or ID number; choosing one emits "customer-chosen". */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"
#include "cd-customer-store.h"

G_BEGIN_DECLS

#define CD_TYPE_CUSTOMER_COMPLETION (cd_customer_completion_get_type ())
G_DECLARE_FINAL_TYPE (CdCustomerCompletion, cd_customer_completion, CD, CUSTOMER_COMPLETION, GtkEntryCompletion)

/* Attaches a completion for @field to @entry. */
CdCustomerCompletion *cd_customer_completion_attach  (GtkEntry *entry, CdContext *ctx, CdCustomerField field);

/* Looks up customers of kind @units for the entry's text (call from the entry's "changed" while the clerk types). */
void                  cd_customer_completion_refresh (CdCustomerCompletion *self, gboolean units);
/* Offers nothing (while the page fills its fields from the draft). */
void                  cd_customer_completion_clear   (CdCustomerCompletion *self);
/* The number of customers currently offered. */
guint                 cd_customer_completion_count   (CdCustomerCompletion *self);
/* Chooses the @n-th offered customer, as a click in the popup does (tests and keyboard). */
void                  cd_customer_completion_choose  (CdCustomerCompletion *self, guint n);

G_END_DECLS
