/* cd-fee-page.h: wizard step: the itemised fee from the core (local prices included) and the payment. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_FEE_PAGE (cd_fee_page_get_type ())
G_DECLARE_FINAL_TYPE (CdFeePage, cd_fee_page, CD, FEE_PAGE, GtkScrolledWindow)

/* TRUE while a payment is being recorded (in its thread): the page's fields and its button are insensitive. */
gboolean cd_fee_page_is_busy (CdFeePage *self);

G_END_DECLS
