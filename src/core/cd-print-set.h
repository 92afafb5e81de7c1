/* cd-print-set.h: which documents one application needs printed, in the paper's order, priced with the one
 * effective fee, and which of them the applicant signs so that they are scanned after printing. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application.h"
#include "cd-context.h"
#include "cd-fee.h"

G_BEGIN_DECLS

/* The documents @app needs, in the order of the profile's forms.documents:
 * - application: always (its business box ticked);
 * - responsibility, agreement: with a business that hands over a certificate under the agreement (new,
 *   replace, change, app-open), not with a renewal, an unlock, a suspension or a revocation;
 * - power-of-attorney, detail-sheet, collection: when the application's checklist asks for them (e.g. no
 *   power of attorney when the legal person comes in person); collection only for the forms whose samples
 *   are not captured yet (samples taken from the applicant's own forms need no blank form);
 * - pin-slip: when a PIN is set on the key (new, replace, unlock);
 * - receipt: when the effective fee is more than ¥0.
 * @out_quote (may be NULL) receives the effective quote (cd_price_store_quote: shipped prices and this
 * counter's local ones), NULL for a free business. Fails only when the fee cannot be quoted. */
char       **cd_print_set_documents          (CdContext *ctx, const CdProfile *profile, const CdApplication *app,
                                              CdFeeQuote **out_quote, GError **error);

/* The collection form that collection-form code @code (a profile's collection.forms entry) becomes for
 * @app: an individual has no unit seal and no legal person ("unit_seal" → "personal_seal"). */
const char  *cd_print_set_collection_form    (const CdApplication *app, const char *code);

/* Whether the blank collection form for @code is still needed: no sample of it has been captured. */
gboolean     cd_print_set_collection_needed  (const CdProfile *profile, const CdApplication *app,
                                              const char *code);

/* The printed document that checklist material @material_code is, when the counter prints it and the
 * applicant signs it ("application_form" → "application"); NULL for what the applicant brings. Such a
 * material exists only after printing: it is scanned at the print step, not demanded by the materials step. */
const char  *cd_print_set_signed_document    (const char *material_code);

/* Whether checklist row @m of @profile is such a signed document that this profile prints (and a scan is
 * asked for): the materials step does not demand it, the print step does. */
gboolean     cd_print_set_is_signed_material (const CdProfile *profile, const CdMaterial *m);

/* The signed, counter-printed materials of @app (CdMaterial, borrowed from @profile's checklist rows, in
 * checklist order): the ones the print step asks to scan. */
GPtrArray   *cd_print_set_signed_materials   (const CdProfile *profile, const CdApplication *app);

G_END_DECLS
