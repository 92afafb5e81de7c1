/* cd-gui-util.h: small helpers shared by the GUI's windows and pages. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-application.h"

G_BEGIN_DECLS

/* Sets *field to @value (a copy) and tells whether it changed; NULL and "" are the same. */
gboolean    cd_gui_set_string      (char **field, const char *value);

/* The text of a core error without its leading JSON path ("$.unit.uscc: …"). */
const char *cd_gui_error_text      (const GError *error);
/* The same on one line: a server's reason inside the sentence (a CA's, libpq's) may carry line breaks and tabs;
 * the lines' text joined by single spaces, for a status label. */
char       *cd_gui_error_one_line  (const GError *error);

/* Shows @message (or clears it) in an error label under a field. */
void        cd_gui_show_error      (GtkLabel *label, const char *message);

/* An error under a form's field: its one line is kept whether or not there is an error, so that the fields
 * below never move as the clerk types; a sentence too long for it ends in "…" and is whole in its tooltip
 * (and in the wizard's reason line). cd_gui_field_error_init() makes a label such a line. */
void        cd_gui_field_error_init (GtkLabel *label);
void        cd_gui_show_field_error (GtkLabel *label, const char *message);
/* Sets @text only when it differs: the same text set again would still have the label measured again. */
void        cd_gui_label_set_text   (GtkLabel *label, const char *text);

/* Marks a field the pre-flight found wrong (red, with a warning sign whose tooltip says why), or clears the
 * mark (@message NULL). Nothing moves: the sign is inside the field. */
void        cd_gui_mark_entry       (GtkEntry *entry, const char *message);

/* A short, translated name of a wizard step id or of an application field path. */
const char *cd_gui_step_label      (const char *step);
char       *cd_gui_path_label      (const char *path);
const char *cd_gui_path_section    (const char *path);   /* "Unit", "Agent"… or NULL */

/* The state of an application as the clerk says it for its business: an unlock that went through is
 * "Unlocked", an application activation printed is "Activated" (cd_state_label() names the state machine's
 * steps, the same for every business). */
const char *cd_gui_state_label     (CdBusiness business, CdState state);

/* Fills a combo box text with id/label pairs and selects @active_id. */
void        cd_gui_combo_clear     (GtkComboBoxText *combo);

/* Money typed by the clerk ("350", "350.5", "350.50") in fen; FALSE when not a sum of money. */
gboolean    cd_gui_parse_yuan      (const char *text, gint64 *out_fen);

/* Removes all children of a container. */
void        cd_gui_container_clear (GtkContainer *container);

/* A list row that only frames fields (ticks, buttons): neither it nor a click on it does anything, and Tab goes
 * straight to its fields, then on to the next row's. */
GtkWidget  *cd_gui_frame_row_new   (void);
/* The same for a list row or flow box child made elsewhere: it never takes the focus, its child does. */
void        cd_gui_focus_passes_through (GtkWidget *bin);

/* Focuses the first widget under @root, in the order the form lists them, that can take the focus; FALSE when
 * none can. */
gboolean    cd_gui_focus_first     (GtkWidget *root);

G_END_DECLS
