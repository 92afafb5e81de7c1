/* cd-test-util.c: helpers for the GUI tests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "cd-app.h"
#include "cd-application-store.h"
#include "cd-fee-page.h"
#include "cd-print-page.h"
#include "cd-price-store.h"
#include "cd-test-util.h"

static char *base_dir;
static GLogFunc test_log_handler;

/* g_test_init() prints every g_debug() and g_info() of every library into the test log (GdkPixbuf alone writes
 * five lines per small icon it loads). The application itself runs with GLib's default, which drops them unless
 * G_MESSAGES_DEBUG asks; the tests do the same, so their logs show what matters and the timing tests do not
 * measure the writing of debug lines a clerk's machine never writes. */
static void
drop_debug_unless_asked (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) && !g_getenv ("G_MESSAGES_DEBUG"))
    return;
  test_log_handler (domain, level, message, data);
}

void
cd_test_init (int *argc, char ***argv, gboolean chinese)
{
  g_autoptr(GtkCssProvider) css = NULL;
  const char *localedir = g_getenv ("CD_TEST_LOCALEDIR");

  if (!g_getenv ("DISPLAY") || !*g_getenv ("DISPLAY"))
    {
      g_print ("1..0 # SKIP no DISPLAY (run under xvfb-run)\n");
      exit (77);
    }
  base_dir = g_dir_make_tmp ("certdesk-gui-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  for (const char *const *v = (const char *const[]) { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                                      "XDG_RUNTIME_DIR", NULL }; *v; v++)
    {
      g_autofree char *d = g_build_filename (base_dir, *v, NULL);
      g_mkdir_with_parents (d, 0700);
      g_setenv (*v, d, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_THEME", "Adwaita", TRUE);
  if (chinese)
    {
      g_setenv ("LANGUAGE", "zh_CN", TRUE);
      g_setenv ("LANG", "zh_CN.UTF-8", TRUE);
      g_unsetenv ("LC_ALL");
      g_unsetenv ("LC_MESSAGES");
    }
  else
    {
      g_setenv ("LANGUAGE", "en", TRUE);
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
    }
  cd_app_setup_environment ();
  if (chinese && !setlocale (LC_MESSAGES, NULL))
    setlocale (LC_ALL, "C.UTF-8");
  /* The test build's own catalogue of the GUI's strings (see tests/gui/meson.build). */
  if (chinese && localedir && g_getenv ("CD_TEST_MO"))
    {
      const char *mo = g_getenv ("CD_TEST_MO");
      g_autofree char *dir = g_build_filename (localedir, "zh_CN", "LC_MESSAGES", NULL);
      g_autofree char *dest = g_build_filename (dir, "certdesk.mo", NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_file_get_contents (mo, &data, &len, NULL))
        {
          g_mkdir_with_parents (dir, 0755);
          g_file_set_contents (dest, data, len, NULL);
          bindtextdomain (GETTEXT_PACKAGE, localedir);
        }
    }
  g_test_init (argc, argv, NULL);
  test_log_handler = g_log_set_default_handler (drop_debug_unless_asked, NULL);
  gtk_init (argc, argv);
  /* Screenshots show the final state, not a transition half-way. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/certdesk/CertDesk/ui/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

CdTestCounter *
cd_test_counter_new (const char *login)
{
  static int n;
  CdTestCounter *c = g_new0 (CdTestCounter, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
  g_autoptr(CdClerk) clerk = NULL;

  g_settings_reset (settings, "offered-profiles");
  c->dir = g_strdup_printf ("%s/counter-%d", base_dir, ++n);
  c->ctx = cd_context_new (c->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cd_clerk_store_setup (c->ctx, "HHHT01", "呼和浩特受理点", "内蒙古", "boss", "赵主管", CD_TEST_PASSWORD,
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cd_clerk_store_login (c->ctx, "boss", CD_TEST_PASSWORD, NULL, &error));
  g_assert_true (cd_clerk_store_add (c->ctx, "wang", "王受理", CD_ROLE_CLERK, CD_TEST_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  if (g_strcmp0 (login, "boss") != 0)
    {
      g_assert_true (cd_clerk_store_logout (c->ctx, &error));
      g_assert_true (cd_clerk_store_login (c->ctx, login, CD_TEST_PASSWORD, &clerk, &error));
      g_assert_no_error (error);
    }
  return c;
}

void
cd_test_counter_free (CdTestCounter *c)
{
  g_clear_object (&c->ctx);
  g_free (c->dir);
  g_free (c);
}

typedef struct {
  const char *name;
  gboolean    visible_only;
  GtkWidget  *found;
} FindData;

static void find_in (GtkWidget *w, gpointer data);

static void
find_in (GtkWidget *w, gpointer data)
{
  FindData *fd = data;

  if (fd->found || (fd->visible_only && !gtk_widget_get_visible (w)))
    return;
  if (g_strcmp0 (gtk_widget_get_name (w), fd->name) == 0)
    {
      fd->found = w;
      return;
    }
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), find_in, fd);
}

static GtkWidget *
find (GtkWidget *root, const char *name, gboolean visible_only)
{
  FindData fd = { name, visible_only, NULL };

  find_in (root, &fd);
  return fd.found;
}

GtkWidget *
cd_test_find (GtkWidget *root, const char *name)
{
  GtkWidget *w = find (root, name, FALSE);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* Pages build long lists a few rows per main-loop turn: let them finish before giving up. */
  while (!w && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      w = find (root, name, FALSE);
    }
  if (!w)
    g_error ("No widget named “%s”", name);
  return w;
}

GtkWidget *
cd_test_find_toplevel (GType type, const char *name)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data)
        && (!name || g_strcmp0 (gtk_widget_get_name (l->data), name) == 0))
      return l->data;
  return NULL;
}

GtkWidget *
cd_test_find_visible (GtkWidget *root, const char *name)
{
  return find (root, name, TRUE);
}

void
cd_test_iterate (void)
{
  while (gtk_events_pending ())
    gtk_main_iteration ();
}

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
cd_test_wait (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}

void
cd_test_wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
cd_test_set_text (GtkWidget *root, const char *name, const char *text)
{
  GtkWidget *w = cd_test_find (root, name);

  g_assert_true (GTK_IS_ENTRY (w));
  gtk_entry_set_text (GTK_ENTRY (w), text);
  cd_test_iterate ();
}

void
cd_test_click (GtkWidget *root, const char *name)
{
  GtkWidget *w = cd_test_find (root, name);

  g_assert_true (GTK_IS_BUTTON (w));
  g_assert_true (gtk_widget_is_sensitive (w));
  gtk_button_clicked (GTK_BUTTON (w));
  cd_test_iterate ();
}

static gboolean
fee_page_idle (gpointer page)
{
  return !cd_fee_page_is_busy (page);
}

void
cd_test_pay (GtkWidget *root)
{
  GtkWidget *page = gtk_widget_get_ancestor (cd_test_find (root, "pay_button"), CD_TYPE_FEE_PAGE);

  g_assert_nonnull (page);
  cd_test_click (root, "pay_button");
  g_assert_true (cd_test_wait (fee_page_idle, page, 20000));
  cd_test_iterate ();
}

void
cd_test_toggle (GtkWidget *root, const char *name, gboolean active)
{
  GtkWidget *w = cd_test_find (root, name);

  g_assert_true (GTK_IS_TOGGLE_BUTTON (w));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (w), active);
  cd_test_iterate ();
}

void
cd_test_key (GtkWidget *window, guint keyval, GdkModifierType state)
{
  GdkKeymapKey *keys = NULL;
  gint n_keys = 0;

  for (int i = 0; i < 2; i++)
    {
      GdkEvent *event = gdk_event_new (i == 0 ? GDK_KEY_PRESS : GDK_KEY_RELEASE);

      event->key.window = g_object_ref (gtk_widget_get_window (window));
      event->key.send_event = TRUE;
      event->key.time = GDK_CURRENT_TIME;
      event->key.state = state;
      event->key.keyval = keyval;
      if (gdk_keymap_get_entries_for_keyval (gdk_keymap_get_for_display (gdk_display_get_default ()), keyval, &keys,
                                             &n_keys) && n_keys > 0)
        event->key.hardware_keycode = keys[0].keycode;
      g_clear_pointer (&keys, g_free);
      gdk_event_set_device (event, gdk_seat_get_keyboard (gdk_display_get_default_seat (gdk_display_get_default ())));
      gtk_main_do_event (event);
      gdk_event_free (event);
    }
  cd_test_iterate ();
}

static GtkWidget *
tab_group (GtkWidget *w)
{
  if (GTK_IS_RADIO_BUTTON (w))
    return g_slist_last (gtk_radio_button_get_group (GTK_RADIO_BUTTON (w)))->data;   /* one per group */
  if (GTK_IS_LIST_BOX_ROW (w) || GTK_IS_FLOW_BOX_CHILD (w))
    return gtk_widget_get_parent (w);
  return w;
}

static void
collect_focusable (GtkWidget *w, gpointer data)
{
  guint before = g_hash_table_size (data);

  if (!gtk_widget_is_drawable (w) || !gtk_widget_is_sensitive (w))
    return;
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), collect_focusable, data);
  /* A scrolled window is a Tab stop of its own only when nothing inside it is; a paned's handle is reached
   * with F8, not Tab. */
  if (gtk_widget_get_can_focus (w) && !(GTK_IS_SCROLLED_WINDOW (w) && g_hash_table_size (data) > before)
      && !GTK_IS_PANED (w))
    g_hash_table_add (data, tab_group (w));
}

static GtkWidget *
press_tab (GtkWidget *window, const char *what)
{
  GtkWidget *before = gtk_window_get_focus (GTK_WINDOW (window));
  GtkWidget *focus;

  cd_test_key (window, GDK_KEY_Tab, 0);
  focus = gtk_window_get_focus (GTK_WINDOW (window));
  if (focus == NULL)
    g_error ("%s: Tab from %s “%s” lost the focus", what, G_OBJECT_TYPE_NAME (before), gtk_widget_get_name (before));
  if (focus == before)
    g_error ("%s: Tab is stuck at %s “%s”", what, G_OBJECT_TYPE_NAME (focus), gtk_widget_get_name (focus));
  g_assert_true (gtk_widget_is_drawable (focus));
  return focus;
}

void
cd_test_assert_tab_round (GtkWidget *window, GtkWidget *root, const char *what)
{
  g_autoptr(GHashTable) fields = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  GtkWidget *start = gtk_window_get_focus (GTK_WINDOW (window));
  GtkWidget *focus;
  guint presses = 0;
  GHashTableIter iter;
  gpointer w;

  for (guint i = 0; i < 100 && !(start && gtk_widget_is_ancestor (start, root)); i++)
    start = press_tab (window, what);
  if (!(start && gtk_widget_is_ancestor (start, root)))
    g_error ("%s: Tab never enters it", what);
  collect_focusable (root, fields);
  focus = start;
  do
    {
      g_hash_table_add (reached, tab_group (focus));
      focus = press_tab (window, what);
    }
  while (focus != start && ++presses < 400);
  if (focus != start)
    {
      g_autoptr(GString) seen = g_string_new (NULL);

      for (guint i = 0; i < 12; i++)
        {
          focus = press_tab (window, what);
          g_string_append_printf (seen, " %s “%s”", G_OBJECT_TYPE_NAME (focus), gtk_widget_get_name (focus));
        }
      g_error ("%s: Tab never comes back to %s “%s”; it goes round%s", what, G_OBJECT_TYPE_NAME (start),
               gtk_widget_get_name (start), seen->str);
    }
  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, &w, NULL))
    if (!g_hash_table_contains (reached, w))
      g_string_append_printf (missing, " %s “%s”", G_OBJECT_TYPE_NAME (w), gtk_widget_get_name (w));
  g_test_message ("%s: %u fields, Tab round the window in %u presses", what, g_hash_table_size (fields),
                  presses + 1);
  cd_test_assert_mnemonics (window, root, what);
  if (missing->len)
    g_error ("%s: Tab never reaches%s", what, missing->str);
}

typedef struct {
  GHashTable *keys;   /* keyval → set of label texts */
  GtkWidget  *skip;
} Mnemonics;

/* The labels with a mnemonic under @w that are shown, @skip left out. */
static void
collect_mnemonics (GtkWidget *w, gpointer data)
{
  Mnemonics *m = data;

  if (w == m->skip || !gtk_widget_is_drawable (w))
    return;
  if (GTK_IS_LABEL (w) && gtk_label_get_mnemonic_keyval (GTK_LABEL (w)) != GDK_KEY_VoidSymbol)
    {
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (w)));
      GHashTable *labels = g_hash_table_lookup (m->keys, GUINT_TO_POINTER (key));

      if (!labels)
        {
          labels = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (m->keys, GUINT_TO_POINTER (key), labels);
        }
      g_hash_table_add (labels, (gpointer) gtk_label_get_label (GTK_LABEL (w)));
    }
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), collect_mnemonics, m);   /* a button's label is internal */
}

static char *
mnemonic_list (GHashTable *labels)
{
  g_autofree gpointer *names = g_hash_table_get_keys_as_array (labels, NULL);

  return g_strjoinv ("” “", (char **) names);
}

void
cd_test_assert_mnemonics (GtkWidget *window, GtkWidget *root, const char *what)
{
  g_autoptr(GHashTable) outside = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) inside = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GString) clashes = g_string_new (NULL);
  Mnemonics m = { outside, root };
  GHashTableIter iter;
  gpointer key, labels;

  collect_mnemonics (window, &m);
  m = (Mnemonics) { inside, NULL };
  collect_mnemonics (root, &m);
  g_hash_table_iter_init (&iter, inside);
  while (g_hash_table_iter_next (&iter, &key, &labels))
    {
      GHashTable *global = g_hash_table_lookup (outside, key);
      g_autofree char *here = mnemonic_list (labels);

      if (global)
        {
          g_autofree char *there = mnemonic_list (global);

          g_string_append_printf (clashes, " Alt+%s: “%s” takes the window's “%s”;",
                                  gdk_keyval_name (GPOINTER_TO_UINT (key)), here, there);
        }
      else if (g_hash_table_size (labels) > 1)
        g_test_message ("%s: Alt+%s goes round “%s”", what, gdk_keyval_name (GPOINTER_TO_UINT (key)), here);
    }
  if (clashes->len)
    g_error ("%s:%s", what, clashes->str);
}

const char *
cd_test_label (GtkWidget *root, const char *name)
{
  GtkWidget *w = cd_test_find (root, name);

  g_assert_true (GTK_IS_LABEL (w));
  return gtk_label_get_text (GTK_LABEL (w));
}

gboolean
cd_test_sensitive (GtkWidget *root, const char *name)
{
  return gtk_widget_is_sensitive (cd_test_find (root, name));
}

GtkWidget *
cd_test_window (GtkWidget *child)
{
  GtkWidget *win = GTK_IS_WINDOW (child) ? child : gtk_window_new (GTK_WINDOW_TOPLEVEL);

  if (win != child)
    {
      gtk_container_add (GTK_CONTAINER (win), child);
      gtk_widget_show (child);
    }
  gtk_window_move (GTK_WINDOW (win), 0, 0);
  gtk_window_set_default_size (GTK_WINDOW (win), 1366, 768);
  gtk_window_resize (GTK_WINDOW (win), 1366, 768);
  gtk_widget_show (win);
  cd_test_wait_ms (50);
  /* The header bar and frame count: the whole window is 1366×768, the counter's screen. */
  {
    int w = gtk_widget_get_allocated_width (win), h = gtk_widget_get_allocated_height (win);
    if (w != 1366 || h != 768)
      {
        gtk_window_resize (GTK_WINDOW (win), 1366 - (w - 1366), 768 - (h - 768));
        cd_test_wait_ms (100);
      }
  }
  return win;
}

static void
on_after_paint_cb (GdkFrameClock *clock, int *count)
{
  (*count)++;
}

static gboolean
painted (gpointer data)
{
  return *(int *) data >= 1;
}

/* Styles (a ticked box's :checked state) are recomputed on the frame clock: draw after real frames. Two frames,
 * each asked for: a frame is only painted when something queues a draw, so waiting for a second one nobody
 * asked for ran into the limit on every screenshot. */
static void
wait_for_paint (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  int count;
  gulong id;

  if (!clock)
    {
      cd_test_wait_ms (100);
      return;
    }
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &count);
  for (int frame = 0; frame < 2; frame++)
    {
      count = 0;
      gtk_widget_queue_draw (window);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      cd_test_wait (painted, &count, 1000);
    }
  g_signal_handler_disconnect (clock, id);
  cd_test_iterate ();
}

void
cd_test_screenshot (GtkWidget *window, const char *name)
{
  const char *dir = g_getenv ("CD_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  GdkRectangle screen;
  cairo_t *cr;
  int w, h;

  if (!dir)
    return;
  g_mkdir_with_parents (dir, 0755);
  wait_for_paint (window);
  w = gtk_widget_get_allocated_width (window);
  h = gtk_widget_get_allocated_height (window);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  /* The X server's pixels when the screen holds the whole window (xvfb-run -s "-screen 0 1920x1080x24");
   * otherwise the widgets drawn offscreen (GTK 3 then leaves tree view headers blank). */
  gdk_monitor_get_geometry (gdk_display_get_primary_monitor (gdk_display_get_default ())
                              ? gdk_display_get_primary_monitor (gdk_display_get_default ())
                              : gdk_display_get_monitor (gdk_display_get_default (), 0), &screen);
  if (screen.width >= w && screen.height >= h && !g_getenv ("CD_SCREENSHOT_OFFSCREEN"))
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_get_from_window (gtk_widget_get_window (window), 0, 0, w, h);
      g_autoptr(GError) error = NULL;

      /* Written as they are, at zlib's fastest level: the same pixels, less of the time the default level and a
       * copy through a cairo surface took (the suite writes several hundred of them). */
      g_assert_nonnull (pixbuf);
      gdk_pixbuf_save (pixbuf, path, "png", &error, "compression", "1", NULL);
      g_assert_no_error (error);
    }
  else
    {
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cr = cairo_create (surface);
      gtk_widget_draw (window, cr);
      cairo_destroy (cr);
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);
    }
  g_test_message ("screenshot %s (%dx%d)", path, w, h);
}

gint64
cd_test_audit_count (CdContext *ctx, const char *action, gint64 entity_id)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_prepare (store, "SELECT count(*) FROM audit_log WHERE action = ?1 AND entity_id = ?2",
                                   &stmt, &error));
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, entity_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

struct _CdTestProbe {
  guint  source;
  gint64 last;
  gint64 max_gap;
  gint64 last_cpu;
  gint64 max_cpu;   /* the main thread's CPU time within its longest busy stretch between two ticks */
};

/* CPU time of the calling (main) thread: on a loaded machine the wall-clock gap also counts the time the
 * scheduler gave to other processes, this only what the main loop itself spent. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
on_probe_tick_cb (gpointer data)
{
  CdTestProbe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (probe->last && now - probe->last > probe->max_gap)
    probe->max_gap = now - probe->last;
  if (probe->last_cpu && cpu - probe->last_cpu > probe->max_cpu)
    probe->max_cpu = cpu - probe->last_cpu;
  probe->last_cpu = cpu;
  if (probe->last && now - probe->last > 8000 && g_getenv ("CD_PROBE_LOG"))
    g_printerr ("PROBE gap %.1f ms ending at %.1f\n", (now - probe->last) / 1e3, (now % 100000000) / 1e3);
  probe->last = now;
  return G_SOURCE_CONTINUE;
}

CdTestProbe *
cd_test_probe_new (void)
{
  CdTestProbe *probe = g_new0 (CdTestProbe, 1);

  probe->source = g_timeout_add_full (G_PRIORITY_HIGH, 1, on_probe_tick_cb, probe, NULL);
  return probe;
}

void
cd_test_probe_reset (CdTestProbe *probe, guint settle_ms)
{
  cd_test_wait_ms (settle_ms);
  probe->max_gap = 0;
  probe->last = g_get_monotonic_time ();
  probe->max_cpu = 0;
  probe->last_cpu = thread_cpu_us ();
}

gint64
cd_test_probe_max_gap (CdTestProbe *probe, guint settle_ms)
{
  cd_test_wait_ms (settle_ms);
  return probe->max_gap;
}

gint64
cd_test_probe_max_cpu (CdTestProbe *probe)
{
  return probe->max_cpu;
}

void
cd_test_probe_free (CdTestProbe *probe)
{
  if (!probe)
    return;
  g_source_remove (probe->source);
  g_free (probe);
}

/* Valid values for the applicant step's fields, by widget name. */
static const struct {
  const char *name;
  const char *value;
} applicant_values[] = {
  { "unit_name", "内蒙古某某建设有限公司" },
  { "unit_uscc", "91150100MA0N2K3L4T" },
  { "unit_address", "呼和浩特市赛罕区大学西街1号" },
  { "unit_postcode", "010010" },
  { "unit_phone", "0471-6660001" },
  { "unit_email", "office@caoyuan.example.cn" },
  { "legal_name", "张法人" },
  { "legal_id_number", "150102199003071237" },
  { "legal_mobile", "13904710001" },
  { "person_name", "李个人" },
  { "person_id_number", "11010519491231002X" },
  { "person_mobile", "13804710002" },
  { "person_email", "lixh@caoyuan.example.cn" },
  { "agent_name", "李经办" },
  { "agent_id_number", "150102199003150023" },
  { "agent_mobile", "13912345678" },
  { "agent_email", "agent@caoyuan.example.cn" },
};

void
cd_test_fill_applicant (GtkWidget *win)
{
  GtkWidget *role = cd_test_find (win, "role_combo");

  if (gtk_widget_get_mapped (role) && gtk_combo_box_get_active (GTK_COMBO_BOX (role)) < 0)
    gtk_combo_box_set_active (GTK_COMBO_BOX (role), 0);
  for (guint i = 0; i < G_N_ELEMENTS (applicant_values); i++)
    {
      GtkWidget *entry = cd_test_find (win, applicant_values[i].name);

      if (gtk_widget_get_mapped (entry) && gtk_widget_is_sensitive (entry))
        gtk_entry_set_text (GTK_ENTRY (entry), applicant_values[i].value);
    }
  cd_test_iterate ();
}

void
cd_test_tick_materials (GtkWidget *win, CdWizard *wizard)
{
  CdDraft *draft = cd_wizard_get_draft (wizard);
  CdProfile *profile = cd_draft_get_profile (draft);
  CdApplication *app = cd_draft_get_app (draft);
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, NULL);

  for (guint i = 0; list && i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      g_autofree char *o = g_strdup_printf ("original_%s", m->code);
      g_autofree char *c = g_strdup_printf ("copy_%s", m->code);
      g_autofree char *s = g_strdup_printf ("stamped_%s", m->code);
      CdMaterialMark *mark;

      if (m->original)
        cd_test_toggle (win, o, TRUE);
      if (m->copy)
        cd_test_toggle (win, c, TRUE);
      if (m->copy && m->stamped)
        cd_test_toggle (win, s, TRUE);
      /* Scans come from the imaging module; here a file reference stands in for one. */
      mark = cd_application_get_material (app, m->code, TRUE);
      if (m->scan && mark->scans->len == 0)
        g_ptr_array_add (mark->scans, g_strdup ("scan-page-1.png"));
    }
  cd_draft_changed (draft);
  cd_test_iterate ();
}

void
cd_test_choose_samples (CdTestCounter *counter, CdWizard *wizard)
{
  CdDraft *draft = cd_wizard_get_draft (wizard);
  CdProfile *profile = cd_draft_get_profile (draft);
  g_autofree char *png = g_build_filename (counter->dir, "sample.png", NULL);

  g_assert_true (g_file_set_contents (png, "png", -1, NULL));
  for (guint i = 0; profile->collection_forms && profile->collection_forms[i]; i++)
    g_hash_table_insert (cd_draft_get_app (draft)->samples, g_strdup (profile->collection_forms[i]), g_strdup (png));
  cd_draft_changed (draft);
  cd_test_iterate ();
}

typedef struct {
  GtkWidget *win;
  CdWizard  *wizard;
} PrintWait;

/* The documents are made, or the print step says why they cannot be. */
static gboolean
print_page_settled (gpointer data)
{
  PrintWait *pw = data;
  GtkWidget *status = cd_test_find (pw->win, "print_status");

  return cd_print_page_is_ready (CD_PRINT_PAGE (cd_wizard_get_page (pw->wizard, "print")))
         || *gtk_label_get_text (GTK_LABEL (status));
}

gboolean
cd_test_print_documents (CdTestCounter *counter, GtkWidget *win, CdWizard *wizard, const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.pdf", name);
  g_autofree char *pdf = g_build_filename (counter->dir, file, NULL);
  GtkWidget *button;
  PrintWait pw = { win, wizard };

  cd_test_wait (print_page_settled, &pw, 30000);
  button = cd_test_find (win, "print_button");
  if (!cd_print_page_is_ready (CD_PRINT_PAGE (cd_wizard_get_page (wizard, "print"))) || !gtk_widget_is_sensitive (button))
    return FALSE;
  cd_print_page_set_export_filename (CD_PRINT_PAGE (cd_wizard_get_page (wizard, "print")), pdf);
  gtk_button_clicked (GTK_BUTTON (button));   /* to a file: done when it returns */
  cd_test_iterate ();
  return cd_test_sensitive (win, "next_button") && g_file_test (pdf, G_FILE_TEST_IS_REGULAR);
}

gboolean
cd_test_next (GtkWidget *win, CdWizard *wizard)
{
  g_autofree char *before = g_strdup (cd_wizard_get_current_step (wizard));

  if (!cd_test_sensitive (win, "next_button"))
    return FALSE;
  cd_test_click (win, "next_button");
  return g_strcmp0 (before, cd_wizard_get_current_step (wizard)) != 0;
}

/* A step whose button does the work (the Issue step's burn, the certificate step's revocation …): its widgets. */
typedef struct {
  GtkWidget  *win;
  const char *button;   /* the button that starts the work */
  const char *error;    /* the label that says why it failed */
  const char *dialog;   /* the confirmation the page may ask for, accepted */
  const char *tick;     /* a confirmation on the page itself, ticked before the button (or NULL) */
} StepWork;

static gboolean
work_settled (gpointer data)
{
  const StepWork *w = data;
  GtkWidget *button = cd_test_find_visible (w->win, w->button);

  return button && gtk_widget_is_sensitive (button);
}

/* The work's end, or its failure said on the page; the page's confirmation is accepted when it asks. */
static gboolean
work_done (gpointer data)
{
  const StepWork *w = data;
  GtkWidget *error = cd_test_find_visible (w->win, w->error);
  GtkWidget *confirm = cd_test_find_toplevel (GTK_TYPE_DIALOG, w->dialog);

  if (confirm)
    gtk_dialog_response (GTK_DIALOG (confirm), GTK_RESPONSE_ACCEPT);
  return cd_test_sensitive (w->win, "next_button") || (error && *gtk_label_get_text (GTK_LABEL (error)));
}

static gboolean
step_work (const StepWork *w, guint timeout_ms)
{
  GtkWidget *check, *error;

  if (!cd_test_wait (work_settled, (gpointer) w, timeout_ms))
    return FALSE;
  if (w->tick && (check = cd_test_find_visible (w->win, w->tick)) && gtk_widget_get_mapped (check))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), TRUE);
  /* A retry: the last attempt's failure is still on the page until the work starts (after a confirmation, say);
   * taken for this attempt's outcome it ended the wait at once. Only a failure said after the click counts. */
  if ((error = find (w->win, w->error, FALSE)))
    gtk_label_set_text (GTK_LABEL (error), "");
  gtk_button_clicked (GTK_BUTTON (cd_test_find (w->win, w->button)));
  cd_test_wait (work_done, (gpointer) w, timeout_ms);
  return cd_test_sensitive (w->win, "next_button");
}

gboolean
cd_test_burn (GtkWidget *win, guint timeout_ms)
{
  /* a key holding something is erased when the page asks: in its dialog, or by the tick on the page */
  const StepWork w = { win, "burn_button", "burn_error", "burn_erase_dialog", "burn_erase_check" };

  return step_work (&w, timeout_ms);
}

gboolean
cd_test_cert_action (GtkWidget *win, guint timeout_ms)
{
  /* a revocation's confirmation is accepted */
  const StepWork w = { win, "action_button", "action_error", "action_confirm_dialog", NULL };

  return step_work (&w, timeout_ms);
}

void
cd_test_price_everything (CdContext *ctx, gint64 amount_fen)
{
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (ctx));

  for (guint i = 0; i < profiles->len; i++)
    {
      CdProfile *p = profiles->pdata[i];

      for (guint v = 0; v < p->fee_variants->len; v++)
        {
          const CdFeeVariant *fv = p->fee_variants->pdata[v];

          for (guint r = 0; r < fv->rules->len; r++)
            {
              const CdFeeRule *rule = fv->rules->pdata[r];
              CdPriceOverride price = { .business = (char *) cd_business_to_code (fv->business),
                                        .variant = fv->id, .item = rule->code, .amount_fen = amount_fen };
              g_autoptr(GError) error = NULL;

              if (rule->per == CD_FEE_PER_TABLE && rule->table)
                for (guint k = 0; k < rule->table->len; k++)
                  {
                    CdFeeTableEntry *e = &g_array_index (rule->table, CdFeeTableEntry, k);

                    if (e->has_amount)
                      continue;
                    price.years = e->years;
                    g_assert_true (cd_price_store_set (ctx, p->id, &price, &error));
                    g_assert_no_error (error);
                  }
              else if (!rule->has_amount)
                {
                  price.years = 0;
                  g_assert_true (cd_price_store_set (ctx, p->id, &price, &error));
                  g_assert_no_error (error);
                }
            }
        }
    }
}

void
cd_test_customer_clear (CdTestCustomer *customer)
{
  g_clear_pointer (&customer->number, g_free);
  g_clear_pointer (&customer->query, g_free);
  g_clear_pointer (&customer->pin, g_free);
  customer->id = 0;
}

/* The business step's lookup: the customer's certificate, chosen from the list when several match. */
static void
find_customer (GtkWidget *win, const CdTestCustomer *customer)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();
  GtkWidget *list = NULL;

  cd_test_set_text (win, "find_entry", customer->query);
  cd_test_click (win, "find_button");
  for (GList *l = tops; l && !list; l = l->next)
    list = cd_test_find_visible (l->data, "find_choices_list");
  if (list)
    {
      g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (list));

      for (GList *l = rows; l; l = l->next)
        if (strstr (gtk_label_get_text (GTK_LABEL (gtk_bin_get_child (l->data))), customer->number))
          {
            g_signal_emit_by_name (list, "row-activated", l->data);
            break;
          }
      cd_test_iterate ();
    }
  g_test_message ("lookup: %s (serial %s)", cd_test_label (win, "find_label"),
                  gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "serial_entry"))));
}

static void
page_seen (CdTestPageFunc on_page, gpointer data, GtkWidget *win, const char *where, const char *shot)
{
  cd_test_iterate ();
  if (on_page)
    on_page (win, where, shot, data);
}

char *
cd_test_walk_business (CdTestCounter *counter, CdWizard *wizard, GtkWidget *win, CdProfile *profile,
                       CdBusiness business, CdTestCustomer *customer, gboolean burn_all, CdTestPageFunc on_page,
                       gpointer data, char **out_reason)
{
  const char *code = cd_business_to_code (business);
  g_autofree char *prefix = g_strdup_printf ("%s-%s", profile->id, code);
  g_autofree char *radio = g_strdup_printf ("business_%s", code);
  g_autofree char *profile_radio = g_strdup_printf ("profile_%s", profile->id);
  GtkComboBox *type_combo;
  GtkTreeModel *types;
  GtkTreeIter iter;

  cd_wizard_start_new (wizard);
  cd_test_iterate ();
  cd_test_toggle (win, profile_radio, TRUE);
  cd_test_toggle (win, radio, TRUE);
  if (business != CD_BUSINESS_NEW && customer->id)
    find_customer (win, customer);
  {
    g_autofree char *where = g_strdup_printf ("%s/%s business step", profile->id, code);
    g_autofree char *shot = g_strdup_printf ("%s-1-business", prefix);
    page_seen (on_page, data, win, where, shot);
  }
  if (!cd_test_next (win, wizard))
    goto stopped;

  /* the applicant step with every applicant type the project offers, then its first */
  type_combo = GTK_COMBO_BOX (cd_test_find (win, "type_combo"));
  types = gtk_combo_box_get_model (type_combo);
  for (gboolean ok = gtk_tree_model_get_iter_first (types, &iter); ok; ok = gtk_tree_model_iter_next (types, &iter))
    {
      g_autofree char *where = NULL;
      g_autofree char *shot = NULL;

      gtk_combo_box_set_active_iter (type_combo, &iter);
      cd_test_fill_applicant (win);
      where = g_strdup_printf ("%s/%s applicant step (%s)", profile->id, code, gtk_combo_box_get_active_id (type_combo));
      shot = g_strdup_printf ("%s-2-applicant-%s", prefix, gtk_combo_box_get_active_id (type_combo));
      page_seen (on_page, data, win, where, shot);
    }
  gtk_combo_box_set_active (type_combo, 0);
  cd_test_fill_applicant (win);

  while (!g_str_equal (cd_wizard_get_current_step (wizard), "done"))
    {
      const char *step = cd_wizard_get_current_step (wizard);
      gboolean burn = g_str_equal (step, "burn") && (business == CD_BUSINESS_NEW || burn_all);
      g_autofree char *where = NULL;
      g_autofree char *shot = NULL;

      if (g_str_equal (step, "materials"))
        cd_test_tick_materials (win, wizard);
      else if (g_str_equal (step, "seals"))
        cd_test_choose_samples (counter, wizard);
      else if (g_str_equal (step, "fee") && cd_test_sensitive (win, "pay_button"))
        {
          GtkWidget *received = cd_test_find (win, "received_entry");

          if (gtk_widget_get_mapped (received))
            {
              /* the fee as shown ("¥300.00"); first a mistyped 100000 yuan, which the page refuses with the
               * change named, then the fee itself */
              const char *yen = strstr (cd_test_label (win, "fee_total"), "¥");

              g_assert_nonnull (yen);
              gtk_entry_set_text (GTK_ENTRY (received), "100000");
              cd_test_iterate ();
              g_assert_false (cd_test_sensitive (win, "pay_button"));
              g_assert_nonnull (strstr (cd_test_label (win, "change_label"), "1000.00"));
              gtk_entry_set_text (GTK_ENTRY (received), yen + strlen ("¥"));
              cd_test_iterate ();
              g_assert_true (cd_test_sensitive (win, "pay_button"));
            }
          cd_test_pay (win);
        }
      else if (g_str_equal (step, "print"))
        {
          g_autofree char *pdf = g_strdup_printf ("%s-documents", prefix);
          cd_test_print_documents (counter, win, wizard, pdf);
        }
      /* Rows built a few per main-loop turn (idle sources) are all built once nothing is pending: page_seen
       * iterates until then, where a fixed 150 ms wait used to stand. */
      where = g_strdup_printf ("%s/%s %s step", profile->id, code, step);
      shot = g_strdup_printf ("%s-%s", prefix, step);
      page_seen (on_page, data, win, where, shot);
      if (burn)
        {
          GtkWidget *pin = cd_test_find_visible (win, "burn_pin_entry");
          g_autofree char *outcome = g_strdup_printf ("%s/%s burn outcome", profile->id, code);
          g_autofree char *outcome_shot = g_strdup_printf ("%s-burn-outcome", prefix);

          GtkWidget *caption = cd_test_find_visible (win, "burn_pin_caption");

          /* the applicant's PIN when the page asks for it; the DEMO key's SO PIN is its own (left empty) */
          if (pin && gtk_widget_get_mapped (pin) && customer->pin && caption
              && g_str_equal (gtk_label_get_label (GTK_LABEL (caption)), g_dgettext (GETTEXT_PACKAGE, "_PIN of the key")))
            gtk_entry_set_text (GTK_ENTRY (pin), customer->pin);
          if (!cd_test_burn (win, 120000))
            goto stopped;
          page_seen (on_page, data, win, outcome, outcome_shot);
          if (business == CD_BUSINESS_NEW)
            {
              CdApplication *app = cd_draft_get_app (cd_wizard_get_draft (wizard));   /* reloaded by the burn */

              cd_test_customer_clear (customer);
              customer->id = cd_draft_get_id (cd_wizard_get_draft (wizard));
              customer->number = g_strdup (cd_draft_get_number (cd_wizard_get_draft (wizard)));
              customer->query = g_strdup (app->unit && app->unit->uscc ? app->unit->uscc : app->person->id_number);
              customer->pin = g_strdup (profile->initial_pin);
            }
          else
            {
              /* a renewal, replacement or change issues the customer's certificate from now on */
              gint64 id = cd_draft_get_id (cd_wizard_get_draft (wizard));
              g_autoptr(GPtrArray) certs = cd_application_store_certificates (counter->ctx, id, NULL);

              if (certs && certs->len && ((CdCertificateInfo *) certs->pdata[0])->usable)
                {
                  customer->id = id;
                  g_free (customer->number);
                  customer->number = g_strdup (cd_draft_get_number (cd_wizard_get_draft (wizard)));
                }
            }
          /* a burn that set a PIN (new, replacement, unlock) gives it on its slip: the key's PIN from now on */
          {
            GtkWidget *show = cd_test_find_visible (win, "burn_show_pin");

            if (show && gtk_widget_get_mapped (show) && !gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (show)))
              gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (show), TRUE);
            if (show && gtk_widget_get_mapped (show) && *cd_test_label (win, "burn_pin"))
              {
                g_free (customer->pin);
                customer->pin = g_strdup (cd_test_label (win, "burn_pin"));
              }
          }
        }
      else if (g_str_equal (step, "burn"))
        goto stopped;   /* read before the key is touched */
      else if (g_str_equal (step, "action"))
        {
          /* revocation, suspension, activation: done at the CA on the certificate step */
          g_autofree char *outcome = g_strdup_printf ("%s/%s certificate step's outcome", profile->id, code);
          g_autofree char *outcome_shot = g_strdup_printf ("%s-action-outcome", prefix);

          if (!cd_test_cert_action (win, 60000))
            goto stopped;
          page_seen (on_page, data, win, outcome, outcome_shot);
        }
      if (!cd_test_next (win, wizard))
        goto stopped;
    }
  {
    g_autofree char *where = g_strdup_printf ("%s/%s done step", profile->id, code);
    g_autofree char *shot = g_strdup_printf ("%s-done", prefix);
    page_seen (on_page, data, win, where, shot);
  }
  return g_strdup ("done");

stopped:
  if (out_reason)
    *out_reason = g_strdup (cd_test_label (win, "reason_label"));
  return g_strdup (cd_wizard_get_current_step (wizard));
}
