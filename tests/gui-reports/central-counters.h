/* central-counters.h: counters with the reports fixture's day, joined to the test's PostgreSQL
 * (tests/central/cd-test-pg.c) and synced: the head office's tests (test-reports-central, test-head-office-role). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-keys.h"
#include "cd-test-pg.h"
#include "reports-fixture.h"

G_BEGIN_DECLS

typedef struct {
  char      *dir;
  CdContext *ctx;
  RfDay      day;
} RfCounter;

/* A counter of its own in a new temporary folder with the fixture's day (three paid, one voided, one draft). */
void   rf_counter_init_alone (RfCounter *c);
/* The same, under the CA's key set @ca_keys when given (imported before joining, so the head office opens the
 * persons' names), joined to @server as outlet @code (database user @role) and synced: nothing left pending. */
void   rf_counter_init_joined (RfCounter *c, CdTestPg *server, const char *code, const char *name, const char *role,
                               CdKeys *ca_keys);
/* Closes the counter and removes its folder. */
void   rf_counter_clear (RfCounter *c);
/* @member of the counter's own report of the fixture's day. */
gint64 rf_local_figure (CdContext *ctx, const char *member);

G_END_DECLS
