/*
 * stucknotifyd - a test tool: a desktop notification server that holds
 * its bus name but never answers, the kind that makes libnotify wait for
 * its D-Bus timeout (25 s) on every call.
 *
 *   DBUS_SESSION_BUS_ADDRESS=... stucknotifyd
 *
 * Connects to the session bus, owns org.freedesktop.Notifications and
 * exports /org/freedesktop/Notifications with the four methods of the
 * Desktop Notifications interface.  It never replies to a call: every
 * invocation is kept, unanswered, until the process ends.  On stdout,
 * flushed at once: "ready" once the name is ours, then "call METHOD" for
 * every call received.  Exits 0 on SIGTERM or SIGINT, 1 when it cannot
 * own the name (someone else has it) or loses the bus.
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static const char introspection_xml[] =
    "<node>"
    " <interface name='org.freedesktop.Notifications'>"
    "  <method name='GetCapabilities'>"
    "   <arg direction='out' type='as' name='capabilities'/>"
    "  </method>"
    "  <method name='Notify'>"
    "   <arg direction='in' type='s' name='app_name'/>"
    "   <arg direction='in' type='u' name='replaces_id'/>"
    "   <arg direction='in' type='s' name='app_icon'/>"
    "   <arg direction='in' type='s' name='summary'/>"
    "   <arg direction='in' type='s' name='body'/>"
    "   <arg direction='in' type='as' name='actions'/>"
    "   <arg direction='in' type='a{sv}' name='hints'/>"
    "   <arg direction='in' type='i' name='expire_timeout'/>"
    "   <arg direction='out' type='u' name='id'/>"
    "  </method>"
    "  <method name='CloseNotification'>"
    "   <arg direction='in' type='u' name='id'/>"
    "  </method>"
    "  <method name='GetServerInformation'>"
    "   <arg direction='out' type='s' name='name'/>"
    "   <arg direction='out' type='s' name='vendor'/>"
    "   <arg direction='out' type='s' name='version'/>"
    "   <arg direction='out' type='s' name='spec_version'/>"
    "  </method>"
    "  <signal name='NotificationClosed'>"
    "   <arg type='u' name='id'/>"
    "   <arg type='u' name='reason'/>"
    "  </signal>"
    "  <signal name='ActionInvoked'>"
    "   <arg type='u' name='id'/>"
    "   <arg type='s' name='action_key'/>"
    "  </signal>"
    " </interface>"
    "</node>";

static GMainLoop *loop;
static GDBusNodeInfo *introspection;
static GPtrArray *unanswered;	/* every invocation, never returned */
static int status;

/* Receives every method call: reports it and keeps the invocation, so the
 * caller waits for an answer that never comes. */
static void
on_method_call(GDBusConnection *conn, const gchar *sender,
    const gchar *path, const gchar *iface, const gchar *method,
    GVariant *params, GDBusMethodInvocation *invocation, gpointer data)
{
	(void)conn;
	(void)sender;
	(void)path;
	(void)iface;
	(void)params;
	(void)data;
	(void)printf("call %s\n", method);
	(void)fflush(stdout);
	/* A call is answered only through its invocation.  The array owns
	 * the reference GDBus handed us and no value is ever returned, so
	 * the caller waits until its own timeout. */
	g_ptr_array_add(unanswered, invocation);
}

static const GDBusInterfaceVTable vtable = { on_method_call, NULL, NULL,
    { NULL } };

/* Exports the object once the bus connection is up; the name request
 * follows. */
static void
on_bus_acquired(GDBusConnection *conn, const gchar *name, gpointer data)
{
	GError *error = NULL;

	(void)name;
	(void)data;
	if (g_dbus_connection_register_object(conn,
	    "/org/freedesktop/Notifications", introspection->interfaces[0],
	    &vtable, NULL, NULL, &error) == 0) {
		(void)fprintf(stderr, "stucknotifyd: cannot export the "
		    "object: %s\n", error->message);
		g_clear_error(&error);
		status = 1;
		g_main_loop_quit(loop);
	}
}

/* The name is ours: callers can reach us from now on. */
static void
on_name_acquired(GDBusConnection *conn, const gchar *name, gpointer data)
{
	(void)conn;
	(void)name;
	(void)data;
	(void)printf("ready\n");
	(void)fflush(stdout);
}

/* No bus, a bus that went away, or the name taken by someone else:
 * give up. */
static void
on_name_lost(GDBusConnection *conn, const gchar *name, gpointer data)
{
	(void)data;
	(void)fprintf(stderr, "stucknotifyd: %s: %s\n", name, conn == NULL ?
	    "no connection to the session bus (or it closed)" :
	    "cannot own it (another server has it?)");
	status = 1;
	g_main_loop_quit(loop);
}

/* SIGTERM or SIGINT: leave the loop and exit 0. */
static gboolean
on_signal(gpointer data)
{
	(void)data;
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
	GError *error = NULL;
	guint owner;

	(void)argv;
	if (argc != 1) {
		(void)fprintf(stderr, "usage: stucknotifyd (no arguments; "
		    "uses DBUS_SESSION_BUS_ADDRESS)\n");
		return 2;
	}
	introspection = g_dbus_node_info_new_for_xml(introspection_xml,
	    &error);
	if (introspection == NULL) {
		(void)fprintf(stderr, "stucknotifyd: %s\n", error->message);
		g_clear_error(&error);
		return 1;
	}
	unanswered = g_ptr_array_new_with_free_func(g_object_unref);
	loop = g_main_loop_new(NULL, FALSE);
	(void)g_unix_signal_add(SIGTERM, on_signal, NULL);
	(void)g_unix_signal_add(SIGINT, on_signal, NULL);
	owner = g_bus_own_name(G_BUS_TYPE_SESSION,
	    "org.freedesktop.Notifications",
	    G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, on_bus_acquired,
	    on_name_acquired, on_name_lost, NULL, NULL);
	g_main_loop_run(loop);
	g_bus_unown_name(owner);
	g_ptr_array_unref(unanswered);
	g_main_loop_unref(loop);
	g_dbus_node_info_unref(introspection);
	return status;
}
