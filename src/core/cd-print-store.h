/* cd-print-store.h: what was printed for an application (print_record), the first full print moving it
 * paid → printed, reprints with a required reason, and the print queue. Every print is audited. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application-store.h"
#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  gint64  id;
  gint64  application_id;
  char   *document;
  guint   copies;
  char   *printer;          /* NULL when unknown */
  char   *reprint_reason;   /* NULL for a first print */
  gint64  clerk_id;         /* 0 when unknown */
  char   *at;               /* ISO UTC */
} CdPrintRecord;

void cd_print_record_free (CdPrintRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPrintRecord, cd_print_record_free)

typedef struct {
  gint64   id;
  char    *number;
  char    *name;
  char    *profile;
  char    *business;
  CdState  state;
  char    *day;
  guint    prints;           /* print_record rows */
  char    *last_printed_at;  /* ISO UTC or NULL */
} CdPrintQueueItem;

void cd_print_queue_item_free (CdPrintQueueItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPrintQueueItem, cd_print_queue_item_free)

/* Whether printing @documents (NULL = what the application needs, cd_print_set_documents) of application
 * @id now is a reprint, which needs a reason: the application is already printed (or further), or one of
 * these documents was printed before. FALSE with @error when the application cannot be printed at all (not paid, voided). */
gboolean   cd_print_store_is_reprint (CdContext *ctx, gint64 id, const char *const *documents,
                                      gboolean *out_reprint, GError **error);

/* Records one print of @documents (NULL = what the application needs, cd_print_set_documents), @copies
 * each, on @printer (may be NULL), in one transaction with its audit row ("print", or "reprint" with
 * @reprint_reason). A reprint without a reason of a few words is refused. The first print that covers every
 * document the application needs moves a paid application to printed (audited as a state change). */
gboolean   cd_print_store_record     (CdContext *ctx, gint64 id, const char *const *documents, guint copies,
                                      const char *printer, const char *reprint_reason, GError **error);

/* The signed documents of application @id (the application form, a detail sheet: printed by the counter,
 * signed and sealed by the applicant, cd_print_set_signed_materials) that have no scan yet: their names
 * (owned strings), empty when all are scanned or waived. */
GPtrArray *cd_print_store_unscanned_signed (CdContext *ctx, gint64 id, GError **error);

/* The check the burn and the pre-flight call: TRUE when every signed document of application @id is
 * scanned; FALSE with an error that names the ones still missing. */
gboolean   cd_print_store_signed_scanned   (CdContext *ctx, gint64 id, GError **error);

/* The name of the clerk who accepted application @id (the 受理员 on the forms); NULL when unknown. */
char      *cd_print_store_dup_accepting_clerk (CdContext *ctx, gint64 id, GError **error);

/* The print records of application @id, oldest first (CdPrintRecord). */
GPtrArray *cd_print_store_list       (CdContext *ctx, gint64 id, GError **error);

/* The print queue: paid applications (documents waiting) first, oldest first, then printed ones (reprint)
 * of the last @reprint_days days, newest first (CdPrintQueueItem). */
GPtrArray *cd_print_store_queue      (CdContext *ctx, guint reprint_days, GError **error);

G_END_DECLS
