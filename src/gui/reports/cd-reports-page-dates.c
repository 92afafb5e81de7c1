/* cd-reports-page-dates.c: the reports page's day and range: typed as YYYY-MM-DD (checked, with a message that
 * names the field) or picked from the calendars in the popovers, with Today and Yesterday shortcuts. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-reports-page-private.h"

/* A real calendar day typed as YYYY-MM-DD (the model's own check); *out untouched otherwise. */
static gboolean
parse_day (const char *text, GDate *out)
{
  g_autofree char *day = g_strstrip (g_strdup (text));
  CdReportQuery q = { day, day, 0, 0 };
  guint y, m, d;

  if (!cd_report_check_query (&q, NULL) || sscanf (day, "%4u-%2u-%2u", &y, &m, &d) != 3)
    return FALSE;
  g_date_clear (out, 1);
  g_date_set_dmy (out, d, m, y);
  return g_date_valid (out);
}

static void
set_entry_day (GtkEntry *entry, const GDate *date)
{
  char text[16];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  gtk_entry_set_text (entry, text);
}

/* Shows the entry's day in @calendar (today's when the entry holds no date). */
static void
sync_calendar (CdReportsPage *self, GtkCalendar *calendar, GtkEntry *entry)
{
  GDate date;

  if (!parse_day (gtk_entry_get_text (entry), &date))
    {
      g_autofree char *today = cd_store_today (cd_context_get_store (self->ctx));
      if (!parse_day (today, &date))
        return;
    }
  self->syncing_calendars = TRUE;
  gtk_calendar_select_month (calendar, g_date_get_month (&date) - 1, g_date_get_year (&date));
  gtk_calendar_select_day (calendar, g_date_get_day (&date));
  self->syncing_calendars = FALSE;
}

/* The specific complaint about a typed day, naming the field; NULL when it is a date. */
static char *
check_day_entry (GtkEntry *entry, const char *field)
{
  GDate date;
  const char *text = gtk_entry_get_text (entry);

  if (parse_day (text, &date))
    return NULL;
  if (!*text)
    return g_strdup_printf (_("%s: no day given; type it as YYYY-MM-DD (for example 2026-11-20) or pick it from the "
                              "calendar"), field);
  return g_strdup_printf (_("%s: “%s” is not a day; type it as YYYY-MM-DD (for example 2026-11-20) or pick it from "
                            "the calendar"), field, text);
}

static void
set_single_day (CdReportsPage *self, const GDate *date)
{
  set_entry_day (self->from_entry, date);
  set_entry_day (self->to_entry, date);
  gtk_toggle_button_set_active (self->range_check, FALSE);
  gtk_popover_popdown (self->from_popover);
  cd_reports_page_refresh (self);
}

static void
on_today_clicked_cb (CdReportsPage *self)
{
  g_autofree char *today = cd_store_today (cd_context_get_store (self->ctx));
  GDate date;

  if (parse_day (today, &date))
    set_single_day (self, &date);
}

static void
on_yesterday_clicked_cb (CdReportsPage *self)
{
  g_autofree char *today = cd_store_today (cd_context_get_store (self->ctx));
  GDate date;

  if (!parse_day (today, &date))
    return;
  g_date_subtract_days (&date, 1);
  set_single_day (self, &date);
}

static void
on_range_toggled_cb (CdReportsPage *self)
{
  gboolean range = gtk_toggle_button_get_active (self->range_check);

  gtk_widget_set_sensitive (self->to_box, range);
  /* One day: the range's end follows the day, so that ticking the box starts from a one-day range. */
  if (!range)
    gtk_entry_set_text (self->to_entry, gtk_entry_get_text (self->from_entry));
  cd_reports_page_refresh (self);
}

static void
on_from_popover_show_cb (CdReportsPage *self)
{
  sync_calendar (self, self->from_calendar, self->from_entry);
  self->from_month_moved = FALSE;
}

static void
on_to_popover_show_cb (CdReportsPage *self)
{
  sync_calendar (self, self->to_calendar, self->to_entry);
  self->to_month_moved = FALSE;
}

/* GtkCalendar selects the same day number when the month changes: that is browsing, not a pick. */
static void
on_from_month_changed_cb (CdReportsPage *self)
{
  if (!self->syncing_calendars)
    self->from_month_moved = TRUE;
}

static void
on_to_month_changed_cb (CdReportsPage *self)
{
  if (!self->syncing_calendars)
    self->to_month_moved = TRUE;
}

/* The calendar's day goes into @entry; the other end of a range moves with it rather than crossing it. */
static void
pick_day (CdReportsPage *self, GtkCalendar *calendar, GtkPopover *popover, gboolean *month_moved, gboolean is_from)
{
  GtkEntry *entry = is_from ? self->from_entry : self->to_entry;
  GtkEntry *other = is_from ? self->to_entry : self->from_entry;
  gboolean range = gtk_toggle_button_get_active (self->range_check);
  guint y, m, d;
  GDate date, other_date;

  if (self->syncing_calendars)
    return;
  gtk_calendar_get_date (calendar, &y, &m, &d);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m + 1, y);
  set_entry_day (entry, &date);
  if (!range
      || (parse_day (gtk_entry_get_text (other), &other_date)
          && (is_from ? g_date_compare (&date, &other_date) > 0 : g_date_compare (&date, &other_date) < 0)))
    set_entry_day (other, &date);
  if (*month_moved)
    *month_moved = FALSE;
  else
    gtk_popover_popdown (popover);
  cd_reports_page_refresh (self);
}

static void
on_from_day_selected_cb (CdReportsPage *self)
{
  pick_day (self, self->from_calendar, self->from_popover, &self->from_month_moved, TRUE);
}

static void
on_to_day_selected_cb (CdReportsPage *self)
{
  pick_day (self, self->to_calendar, self->to_popover, &self->to_month_moved, FALSE);
}

char *
cd_reports_page_check_days (CdReportsPage *self)
{
  char *bad = check_day_entry (self->from_entry, _("Day"));

  if (!bad && gtk_toggle_button_get_active (self->range_check))
    bad = check_day_entry (self->to_entry, _("Until"));
  return bad;
}

void
cd_reports_page_dates_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_today_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_yesterday_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_range_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_from_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_to_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_from_month_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_to_month_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_from_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_to_day_selected_cb);
}
