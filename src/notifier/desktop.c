/*
 * desktop.c - the desktop process (see desktop.h): libnotify on a GLib
 * main loop, so that a server's signals (a click, a notification closed,
 * the bus gone) reach us while we wait for the next event.
 */
#define _GNU_SOURCE		/* ssize_t, strnlen */
#include <dlfcn.h>
#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <libnotify/notify.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/event.h"
#include "common/log.h"
#include "common/redact.h"
#include "notifier/desktop.h"

/*
 * libnotify is loaded only here (dlopen), not linked: linked, it and the
 * dozen libraries it pulls in (gdk-pixbuf, gio, libpng, ...) would be
 * mapped into every watcher, and each mapping costs every fork and every
 * exit (measured: a clone 1.20 -> 1.07 ms of CPU).  GIO and GObject come
 * with it, so their few functions used here are taken from it too.
 */
#define LIBNOTIFY_SONAME "libnotify.so.4"

/* The most notifications kept for a click, newest first; an older one is
 * let go (a click on it then does nothing), so memory stays bounded. */
#define LIVE_MAX 32

static struct {
	gboolean (*init)(const char *app_name);
	void (*uninit)(void);
	NotifyNotification *(*notification_new)(const char *summary,
	    const char *body, const char *icon);
	gboolean (*show)(NotifyNotification *n, GError **error);
	void (*add_action)(NotifyNotification *n, const char *action,
	    const char *label, NotifyActionCallback callback,
	    gpointer user_data, GFreeFunc free_func);
	gboolean (*server_info)(char **name, char **vendor, char **version,
	    char **spec_version);
	GList *(*server_caps)(void);
	void (*unref)(gpointer object);
	gulong (*connect)(gpointer instance, const gchar *signal,
	    GCallback handler, gpointer data, GClosureNotify destroy,
	    GConnectFlags flags);
	GDBusConnection *(*bus_get)(GBusType type, GCancellable *cancellable,
	    GError **error);
	void (*exit_on_close)(GDBusConnection *c, gboolean exit_on_close);
} ln;

/* The desktop process's state. */
struct desktop {
	int down;		/* "stopped working" said, "working again" not */
	int caps_known;		/* actions holds the server's answer */
	int actions;		/* the server takes actions: a click opens */
	int bus_gone;		/* the session bus closed */
	GQueue live;		/* shown notifications kept for a click */
	GMainLoop *loop;
};

/* What a click needs: the row's name (for the log) and its URL. */
struct click {
	char *name, *url;
};

/* Takes sym from h into *fn.  Returns 0, or -1 when h lacks it. */
static int
take(void *h, const char *sym, void *fn)
{
	void *p = dlsym(h, sym);

	/* POSIX's way to take a function from dlsym(). */
	(void)memcpy(fn, &p, sizeof(p));
	return p != NULL ? 0 : -1;
}

/* Loads libnotify into ln.  Returns 0, or -1 with the reason in err. */
static int
libnotify_load(char *err, size_t errsz)
{
	void *h = dlopen(LIBNOTIFY_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		const char *e = dlerror();

		(void)snprintf(err, errsz, "%s", e != NULL ? e : "dlopen failed");
		return -1;
	}
	if (take(h, "notify_init", &ln.init) == -1 ||
	    take(h, "notify_uninit", &ln.uninit) == -1 ||
	    take(h, "notify_notification_new", &ln.notification_new) == -1 ||
	    take(h, "notify_notification_show", &ln.show) == -1 ||
	    take(h, "notify_notification_add_action", &ln.add_action) == -1 ||
	    take(h, "notify_get_server_info", &ln.server_info) == -1 ||
	    take(h, "notify_get_server_caps", &ln.server_caps) == -1 ||
	    take(h, "g_object_unref", &ln.unref) == -1 ||
	    take(h, "g_signal_connect_data", &ln.connect) == -1 ||
	    take(h, "g_bus_get_sync", &ln.bus_get) == -1 ||
	    take(h, "g_dbus_connection_set_exit_on_close",
	    &ln.exit_on_close) == -1) {
		(void)snprintf(err, errsz, "%s lacks a function sitewatch "
		    "needs", LIBNOTIFY_SONAME);
		return -1;
	}
	return 0;
}

/* Says once, until they work again, that notifications do not work. */
static void
say_down(struct desktop *d, const char *why)
{
	if (!d->down)
		log_msg("sitewatch", "desktop notifications stopped working "
		    "(%s): changes are in this log; each change tries again",
		    why);
	d->down = 1;
}

/* GLib's child watch: xdg-open has ended (GLib has reaped it). */
static void
opened(GPid pid, gint status, gpointer data)
{
	(void)status;
	(void)data;
	g_spawn_close_pid(pid);
}

/* In xdg-open's process, before the exec: the signal state a program
 * expects (only async-signal-safe calls here). */
static void
child_signals(gpointer data)
{
	static const int dfl[] = { SIGPIPE, SIGINT, SIGHUP, SIGTERM, SIGALRM,
	    SIGCHLD };
	sigset_t none;
	size_t i;

	(void)data;
	for (i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		(void)signal(dfl[i], SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * Opens url with xdg-open, without a shell and without waiting for it
 * (GLib's spawn: GDBus runs a thread here); the main loop reaps it.  Only
 * http and https URLs are opened: xdg-open opens files and programs too.
 * The browser gets the URL as written, credentials included (the person
 * asked to see the page); the log shows it as redact_url does.
 */
static void
open_url(const char *name, const char *url)
{
	char *argv[] = { "xdg-open", (char *)url, NULL }, shown[REDACT_MAX];
	GError *error = NULL;
	GPid pid;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return;
	(void)redact_url(url, REDACT_SHOWN, shown, sizeof(shown));
	log_msg(name, "notification clicked: opening %s", shown);
	if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_DO_NOT_REAP_CHILD, child_signals, NULL, &pid, &error)) {
		log_msg(name, "cannot open %s: %s", shown, error->message);
		g_error_free(error);
		return;
	}
	(void)g_child_watch_add(pid, opened, NULL);
}

/* libnotify's callback for the default action: the person clicked. */
static void
on_action(NotifyNotification *nn, char *action, gpointer data)
{
	struct click *c = data;

	(void)nn;
	if (strcmp(action, "default") == 0)
		open_url(c->name, c->url);
}

static void
click_free(gpointer data)
{
	struct click *c = data;

	g_free(c->name);
	g_free(c->url);
	g_free(c);
}

/* Lets go of a notification from the main loop, not from inside the
 * signal libnotify is still emitting on it. */
static gboolean
unref_later(gpointer nn)
{
	ln.unref(nn);
	return G_SOURCE_REMOVE;
}

/* The server closed a notification: it cannot be clicked any more. */
static void
on_closed(NotifyNotification *nn, gpointer data)
{
	struct desktop *d = data;

	if (g_queue_remove(&d->live, nn))
		(void)g_idle_add(unref_later, nn);
}

/* Keeps nn for its click, letting go of the oldest beyond LIVE_MAX. */
static void
keep(struct desktop *d, NotifyNotification *nn)
{
	(void)ln.connect(nn, "closed", G_CALLBACK(on_closed), d, NULL, 0);
	g_queue_push_tail(&d->live, nn);
	if (g_queue_get_length(&d->live) > LIVE_MAX)
		ln.unref(g_queue_pop_head(&d->live));
}

/* Lets go of every notification kept. */
static void
drop_live(struct desktop *d)
{
	gpointer nn;

	while ((nn = g_queue_pop_head(&d->live)) != NULL)
		ln.unref(nn);
}

/* Compares two capability names, for g_list_find_custom. */
static gint
cap_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(a, b);
}

/*
 * Asks the server, once per connection, whether it takes actions.  The
 * server information call comes first: it fails quietly where there is no
 * server, where asking for the capabilities would print a GLib warning.
 */
static void
learn_caps(struct desktop *d)
{
	GList *caps;

	if (d->caps_known || !ln.server_info(NULL, NULL, NULL, NULL))
		return;
	caps = ln.server_caps();
	d->caps_known = 1;
	d->actions = g_list_find_custom(caps, "actions", cap_cmp) != NULL;
	g_list_free_full(caps, g_free);
}

/* Shows one notification for ev, clickable where the server takes
 * actions.  Returns 1, or 0 with *error set. */
static int
try_show(struct desktop *d, const struct notify_event *ev, GError **error)
{
	NotifyNotification *nn;
	char *summary = event_summary(ev), *body = event_body(ev);

	learn_caps(d);
	nn = ln.notification_new(summary, body, NULL);
	g_free(summary);
	g_free(body);
	if (d->actions && ev->url != NULL) {
		struct click *c = g_new(struct click, 1);

		c->name = g_strdup(ev->name != NULL ? ev->name : "sitewatch");
		c->url = g_strdup(ev->url);
		/* "default": the click on the notification itself. */
		ln.add_action(nn, "default", "Open", on_action, c, click_free);
	}
	if (!ln.show(nn, error)) {
		ln.unref(nn);
		return 0;
	}
	if (d->actions)
		keep(d, nn);
	else
		ln.unref(nn);
	return 1;
}

/* Returns 1 when error is a timeout: a server that holds its name but
 * does not answer, which a new connection does not cure. */
static int
timed_out(const GError *error)
{
	return error != NULL && error->domain ==
	    g_quark_from_static_string("g-io-error-quark") &&
	    error->code == G_IO_ERROR_TIMED_OUT;
}

/*
 * Shows ev.  When that fails, libnotify is started afresh and ev tried
 * once more: libnotify 0.8 keeps one D-Bus proxy for its whole life, bound
 * to the unique bus name of the server it first found (":1.5"), so after
 * the server restarted every call goes to a name that is gone.  A failure
 * after that is said once, and the recovery once.
 */
static void
show(struct desktop *d, const struct notify_event *ev)
{
	GError *error = NULL;
	int ok = try_show(d, ev, &error);

	if (!ok && !timed_out(error) && !d->bus_gone) {
		g_clear_error(&error);
		/* Notifications of the old server cannot be clicked any
		 * more; they go first, as they hold the old proxy. */
		drop_live(d);
		ln.uninit();
		(void)ln.init("sitewatch");
		d->caps_known = d->actions = 0;
		ok = try_show(d, ev, &error);
	}
	if (!ok) {
		say_down(d, error != NULL ? error->message : "unknown error");
	} else if (d->down) {
		log_msg("sitewatch", "desktop notifications are working again");
		d->down = 0;
	}
	g_clear_error(&error);
}

/* The main loop's handler of the channel: one event, or the end. */
static gboolean
on_readable(gint fd, GIOCondition cond, gpointer data)
{
	static char buf[NOTIFY_MSG_MAX];
	struct desktop *d = data;
	struct notify_event ev;
	ssize_t r = event_recv(fd, buf, &ev);

	(void)cond;
	if (r == -1) {
		g_main_loop_quit(d->loop);
		return G_SOURCE_REMOVE;
	}
	if (r > 0)
		show(d, &ev);
	return G_SOURCE_CONTINUE;
}

/* GDBus's "closed" signal of the session bus: it went away (the session
 * ended, or its bus was restarted). */
static void
on_bus_closed(GDBusConnection *c, gboolean vanished, GError *error,
    gpointer data)
{
	struct desktop *d = data;

	(void)c;
	(void)vanished;
	(void)error;
	say_down(d, "the session bus closed");
	d->bus_gone = 1;
	g_main_loop_quit(d->loop);
}

void
desktop_main(int fd, int down)
{
	struct desktop d;
	GDBusConnection *bus;
	GError *error = NULL;
	char err[512];

	memset(&d, 0, sizeof(d));
	d.down = down;
	g_queue_init(&d.live);
	if (libnotify_load(err, sizeof(err)) == -1) {
		log_msg("sitewatch", "cannot load libnotify (%s): changes are "
		    "reported in this log only", err);
		_exit(DESKTOP_EXIT_UNUSABLE);
	}
	/* The session bus, before libnotify takes it.  GDBus would end the
	 * process with SIGTERM when the bus closes, and would go on handing
	 * out the closed connection: instead we leave (DESKTOP_EXIT_BUS_GONE)
	 * and the notifier starts a new process, with a new connection, at
	 * the next event. */
	bus = ln.bus_get(G_BUS_TYPE_SESSION, NULL, &error);
	if (bus == NULL) {
		say_down(&d, error != NULL ? error->message :
		    "no session bus");
		_exit(DESKTOP_EXIT_BUS_GONE);
	}
	ln.exit_on_close(bus, FALSE);
	(void)ln.connect(bus, "closed", G_CALLBACK(on_bus_closed), &d, NULL,
	    0);
	if (!ln.init("sitewatch")) {
		log_msg("sitewatch", "cannot initialise libnotify: changes "
		    "are reported in this log only");
		_exit(DESKTOP_EXIT_UNUSABLE);
	}
	d.loop = g_main_loop_new(NULL, FALSE);
	(void)g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable,
	    &d);
	g_main_loop_run(d.loop);
	_exit(d.bus_gone ? DESKTOP_EXIT_BUS_GONE : 0);
}
