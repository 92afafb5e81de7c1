/* cd-prices-panel.h: settings tab: local price overrides per profile (stored and audited by the core). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_PRICES_PANEL (cd_prices_panel_get_type ())
G_DECLARE_FINAL_TYPE (CdPricesPanel, cd_prices_panel, CD, PRICES_PANEL, GtkBox)

CdPricesPanel *cd_prices_panel_new (CdContext *ctx);

G_END_DECLS
