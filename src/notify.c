/*
 * notify.c - the notifier process: desktop notifications through
 * libnotify, and the --exec hook, for changes the watchers report through
 * a pipe.
 */
#define _GNU_SOURCE		/* pipe2, mkostemps */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libnotify/notify.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"
#include "notify.h"
#include "proctitle.h"
#include "util.h"

/* Caps on each field of an event on the channel, in bytes: together with
 * the flags and numbers they fit NOTIFY_MSG_MAX. */
#define NAME_MAX_MSG 1024
#define URL_MAX_MSG 4096
#define VAL_MAX_MSG 512
#define ADDED_MAX_MSG 4096
#define REASON_MAX_MSG 1024
#define PATH_MAX_MSG 4096
#define FORMAT "E1"	/* the first field: this format, version 1 */

/* How many added lines the desktop shows, and how many characters of each. */
#define BODY_LINES 3
#define BODY_LINE_CHARS 80

int
notify_setup(struct notifier *n, char *const *exec_argv, int desktop)
{
	int fds[2];

	memset(n, 0, sizeof(*n));
	/* A datagram-like socket: each send() is one whole event, so events
	 * from many watchers never interleave, whatever their size. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == -1)
		return -1;
	/* Watchers must never block on a full queue. */
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) == -1 ||
	    shutdown(fds[0], SHUT_WR) == -1 || shutdown(fds[1], SHUT_RD) == -1) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	}
	n->rfd = fds[0];
	n->wfd = fds[1];
	n->exec_argv = exec_argv;
	n->desktop = desktop;
	return 0;
}

/* Appends the added lines, cut at the last line end within the cap. */
static void
put_lines(struct frame_writer *w, const char *s)
{
	size_t l;

	if (s == NULL || strnlen(s, ADDED_MAX_MSG + 1) <= ADDED_MAX_MSG) {
		frame_put_str(w, s, ADDED_MAX_MSG);
		return;
	}
	for (l = ADDED_MAX_MSG; l > 0 && s[l - 1] != '\n'; l--)
		;
	frame_put_str(w, s, l > 0 ? l : ADDED_MAX_MSG);
}

size_t
notify_event_pack(const struct notify_event *ev, char *buf)
{
	struct frame_writer w;
	const char *path = ev->diff_path;
	char kind[2] = { (char)('0' + (int)ev->kind), '\0' };

	/* A path cut short would name another file: then there is none. */
	if (path != NULL && strnlen(path, PATH_MAX_MSG) >= PATH_MAX_MSG)
		path = NULL;
	frame_start(&w, buf, NOTIFY_MSG_MAX);
	frame_put_str(&w, FORMAT, 0);
	frame_put_str(&w, kind, 0);
	frame_put_str(&w, ev->name, NAME_MAX_MSG);
	frame_put_str(&w, ev->url, URL_MAX_MSG);
	frame_put_str(&w, ev->old_value, VAL_MAX_MSG);
	frame_put_str(&w, ev->new_value, VAL_MAX_MSG);
	frame_put_num(&w, ev->added);
	frame_put_num(&w, ev->removed);
	put_lines(&w, ev->added_lines);
	frame_put_str(&w, path, PATH_MAX_MSG);
	frame_put_str(&w, ev->reason, REASON_MAX_MSG);
	frame_put_num(&w, ev->since);
	return frame_end(&w);
}

int
notify_event_unpack(const char *buf, size_t len, struct notify_event *ev)
{
	struct frame_reader r;
	const char *format, *kind;
	long long added, removed;

	memset(ev, 0, sizeof(*ev));
	frame_read(&r, buf, len);
	format = frame_get_str(&r);
	kind = frame_get_str(&r);
	if (format == NULL || strcmp(format, FORMAT) != 0 || kind == NULL ||
	    kind[0] < '0' || kind[0] > '0' + (int)NOTIFY_RECOVERED ||
	    kind[1] != '\0')
		return -1;
	ev->kind = (enum notify_kind)(kind[0] - '0');
	ev->name = frame_get_str(&r);
	ev->url = frame_get_str(&r);
	ev->old_value = frame_get_str(&r);
	ev->new_value = frame_get_str(&r);
	added = frame_get_num(&r);
	removed = frame_get_num(&r);
	ev->added_lines = frame_get_str(&r);
	ev->diff_path = frame_get_str(&r);
	ev->reason = frame_get_str(&r);
	ev->since = frame_get_num(&r);
	if (frame_done(&r) == -1)
		return -1;
	ev->added = added < 0 || added > LONG_MAX ? -1 : (long)added;
	ev->removed = removed < 0 || removed > LONG_MAX ? -1 : (long)removed;
	return 0;
}

int
notify_event_send(int fd, const struct notify_event *ev)
{
	char buf[NOTIFY_MSG_MAX];
	size_t len = notify_event_pack(ev, buf);
	ssize_t w;

	do
		w = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w == -1 && errno == EINTR);
	return w == (ssize_t)len ? 0 : -1;
}

int
notify_send(int wfd, const char *name, const char *url, const char *old,
    const char *new_value)
{
	struct notify_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = NOTIFY_CHANGED;
	ev.name = name;
	ev.url = url;
	ev.old_value = old;
	ev.new_value = new_value;
	ev.added = ev.removed = -1;
	return notify_event_send(wfd, &ev);
}

/* Returns s (or "" for NULL) as valid UTF-8 with control characters shown
 * as spaces, escaped for the notification markup when markup is set.
 * g_free the result. */
static char *
site_text(const char *s, int markup)
{
	char *v = g_utf8_make_valid(s != NULL ? s : "", -1), *p, *e;

	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (!markup)
		return v;
	e = g_markup_escape_text(v, -1);
	g_free(v);
	return e;
}

/* Appends to body the first BODY_LINES added lines that hold more than
 * blanks, each cut to BODY_LINE_CHARS characters, escaped. */
static void
append_lines(GString *body, const char *lines)
{
	int shown = 0;

	while (lines != NULL && *lines != '\0' && shown < BODY_LINES) {
		const char *nl = strchr(lines, '\n');
		size_t l = nl != NULL ? (size_t)(nl - lines) : strlen(lines);
		char *line = g_strndup(lines, l), *valid, *cut, *esc;

		valid = site_text(line, 0);
		g_strstrip(valid);
		if (*valid != '\0') {
			if (g_utf8_strlen(valid, -1) > BODY_LINE_CHARS) {
				cut = g_utf8_substring(valid, 0,
				    BODY_LINE_CHARS - 1);
				g_free(valid);
				valid = g_strconcat(cut, "\u2026", NULL);
				g_free(cut);
			}
			esc = g_markup_escape_text(valid, -1);
			g_string_append_printf(body, "\n%s", esc);
			g_free(esc);
			shown++;
		}
		g_free(valid);
		g_free(line);
		lines = nl != NULL ? nl + 1 : NULL;
	}
}

char *
notify_summary(const struct notify_event *ev)
{
	char *name = site_text(ev->name, 0), *s;

	s = g_strdup_printf("%s %s", name, ev->kind == NOTIFY_FAILING ?
	    "failing" : ev->kind == NOTIFY_RECOVERED ? "recovered" :
	    "changed");
	g_free(name);
	return s;
}

char *
notify_body(const struct notify_event *ev)
{
	char *url = site_text(ev->url, 1), *reason;
	GString *body = g_string_new(NULL);

	/* The URL as the link's text: visible on servers without links. */
	g_string_append_printf(body, "<a href=\"%s\">%s</a>", url, url);
	if (ev->kind == NOTIFY_CHANGED) {
		if (ev->added >= 0 && ev->removed >= 0)
			g_string_append_printf(body, "\n+%ld -%ld", ev->added,
			    ev->removed);
		append_lines(body, ev->added_lines);
	} else if (ev->kind == NOTIFY_FAILING) {
		char when[64] = "an unknown time";
		time_t t = (time_t)ev->since;
		struct tm tm;

		if (ev->since > 0 && localtime_r(&t, &tm) != NULL)
			(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M",
			    &tm);
		reason = site_text(ev->reason != NULL ? ev->reason :
		    "unknown error", 1);
		g_string_append_printf(body, "\nfailing since %s: %s", when,
		    reason);
		g_free(reason);
	}
	g_free(url);
	return g_string_free(body, FALSE);
}

void
notify_free_argv(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

char **
notify_split_command(const char *cmd, char *err, size_t errsz)
{
	size_t n = 0, len = strlen(cmd);
	char **argv = calloc(len / 2 + 2, sizeof(*argv));
	const char *p = cmd;

	if (argv == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (;;) {
		char *w, quote = 0;
		size_t k = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		w = malloc(len + 1);
		if (w == NULL) {
			notify_free_argv(argv);
			(void)snprintf(err, errsz, "out of memory");
			return NULL;
		}
		for (; *p != '\0'; p++) {
			if (quote != 0) {
				if (*p == quote)
					quote = 0;
				else
					w[k++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == ' ' || *p == '\t') {
				break;
			} else {
				w[k++] = *p;
			}
		}
		w[k] = '\0';
		argv[n++] = w;
		if (quote != 0) {
			notify_free_argv(argv);
			(void)snprintf(err, errsz, "--exec: unclosed %c quote",
			    quote);
			return NULL;
		}
	}
	if (n == 0) {
		notify_free_argv(argv);
		(void)snprintf(err, errsz, "--exec: empty command");
		return NULL;
	}
	return argv;
}

/* Sets the environment variable name to the number v when v >= 0.
 * Returns 0, or -1. */
static int
setenv_count(const char *name, long v)
{
	char tmp[32];

	if (v < 0)
		return 0;
	(void)snprintf(tmp, sizeof(tmp), "%ld", v);
	return setenv(name, tmp, 1);
}

/* Copies the file at from into a new private file (mode 0600) in
 * $TMPDIR or /tmp, named into path.  Returns 0, or -1 with errno (and no
 * file left behind). */
static int
copy_to_temp(const char *from, char *path, size_t pathsz)
{
	const char *dir = getenv("TMPDIR");
	char buf[8192];
	ssize_t r = 0;
	int in, out, e;

	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	if ((size_t)snprintf(path, pathsz, "%s/sitewatch-diff-XXXXXX.diff",
	    dir) >= pathsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	in = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in == -1)
		return -1;
	out = mkostemps(path, 5, O_CLOEXEC);
	if (out == -1) {
		e = errno;
		(void)close(in);
		errno = e;
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (util_write_all(out, buf, (size_t)r) == -1) {
			r = -1;
			break;
		}
	e = errno;
	(void)close(in);
	if (close(out) == -1 && r == 0) {
		e = errno;
		r = -1;
	}
	if (r != 0) {
		(void)unlink(path);
		errno = e;
		return -1;
	}
	return 0;
}

/* In a hook's process: the signal state a program expects, then exec.
 * Never returns. */
static void
exec_hook(char *const *argv, const char *who)
{
	sigset_t none;

	/* The notifier ignores these, or takes them through its signalfd;
	 * a hook starts with the defaults. */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGHUP, SIG_DFL);
	(void)signal(SIGTERM, SIG_DFL);
	(void)signal(SIGALRM, SIG_DFL);
	execvp(argv[0], argv);
	log_msg(who, "--exec: %s: %s", argv[0], strerror(errno));
	_exit(127);
}

/*
 * In the hook's first process, when the change has a diff: copies it to a
 * private file named by SITEWATCH_DIFF (the watcher may replace its own
 * file at the next change), runs the hook as a child, removes the copy
 * once the hook is gone, and leaves as the hook did, so that the notifier
 * reports it as before.  Never returns.
 */
static void
hook_with_diff(char *const *argv, const char *who, const char *diff_path)
{
	char tmp[4096];
	pid_t pid;
	int st, sig;

	if (copy_to_temp(diff_path, tmp, sizeof(tmp)) == -1) {
		log_msg(who, "--exec: cannot copy the diff %s: %s; the hook "
		    "runs without SITEWATCH_DIFF", diff_path, strerror(errno));
		exec_hook(argv, who);
	}
	if (setenv("SITEWATCH_DIFF", tmp, 1) == -1 || (pid = fork()) == -1) {
		(void)unlink(tmp);
		_exit(127);
	}
	if (pid == 0)
		exec_hook(argv, who);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			(void)unlink(tmp);
			_exit(127);
		}
	(void)unlink(tmp);
	if (WIFEXITED(st))
		_exit(WEXITSTATUS(st));
	sig = WTERMSIG(st);
	(void)signal(sig, SIG_DFL);
	(void)kill(getpid(), sig);
	_exit(128 + sig);
}

/* Runs the --exec hook for one change, with its details in SITEWATCH_*
 * variables; never through a shell.  The child is reaped later, by
 * reap_children(). */
static void
run_hook(char *const *argv, const struct notify_event *ev)
{
	const char *who = ev->name != NULL ? ev->name : "sitewatch";
	pid_t pid = fork();

	if (pid == -1) {
		log_msg(who, "--exec: cannot fork: %s", strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	if (setenv("SITEWATCH_NAME", ev->name != NULL ? ev->name : "", 1) ||
	    setenv("SITEWATCH_URL", ev->url != NULL ? ev->url : "", 1) ||
	    setenv("SITEWATCH_OLD", ev->old_value != NULL ?
	    ev->old_value : "", 1) ||
	    setenv("SITEWATCH_NEW", ev->new_value != NULL ?
	    ev->new_value : "", 1) ||
	    (ev->added_lines != NULL &&
	    setenv("SITEWATCH_ADDED", ev->added_lines, 1)) ||
	    setenv_count("SITEWATCH_ADDED_COUNT", ev->added) ||
	    setenv_count("SITEWATCH_REMOVED_COUNT", ev->removed))
		_exit(127);
	if (ev->diff_path != NULL && *ev->diff_path != '\0')
		hook_with_diff(argv, who, ev->diff_path);
	exec_hook(argv, who);
}

/* What the notifier's handler needs. */
struct relay {
	struct notifier *n;
	int desktop_fd;		/* the desktop process's channel, or -1 */
	pid_t desktop_pid;	/* the desktop process, 0 when none */
	int dropping;		/* the last forward was dropped */
};

/*
 * Reaps finished children: the hooks, whose failures are logged, and the
 * desktop process, which is then gone for good (its channel is closed,
 * and changes are in the log only).
 */
static void
reap_children(struct relay *r)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == r->desktop_pid) {
			log_msg("sitewatch", "the desktop notification process "
			    "(pid %ld) ended (%s %d): changes are reported in "
			    "this log only", (long)pid, WIFSIGNALED(st) ?
			    "signal" : "status", WIFSIGNALED(st) ?
			    WTERMSIG(st) : WEXITSTATUS(st));
			r->desktop_pid = 0;
			if (r->desktop_fd != -1)
				(void)close(r->desktop_fd);
			r->desktop_fd = -1;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
		    WEXITSTATUS(st) != 127)
			log_msg("sitewatch", "--exec hook (pid %ld) exited %d",
			    (long)pid, WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			log_msg("sitewatch", "--exec hook (pid %ld) killed by "
			    "signal %d", (long)pid, WTERMSIG(st));
	}
}

/* Returns 1 when a session bus can be reached without starting one: GDBus
 * would otherwise try to autolaunch a bus through X11. */
static int
have_session_bus(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[4096];
	struct stat st;

	if (addr != NULL && *addr != '\0')
		return 1;
	if (rt == NULL)
		return 0;
	(void)snprintf(path, sizeof(path), "%s/bus", rt);
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
notify_wanted(char *const *exec_argv, int desktop)
{
	return exec_argv != NULL || (desktop && have_session_bus());
}

/*
 * libnotify is loaded only in the desktop process (dlopen), not linked:
 * linked, it and the dozen libraries it pulls in (gdk-pixbuf, gio, libpng,
 * ...) would be mapped into every watcher, and each mapping costs every
 * fork and every exit (measured: a clone 1.20 -> 1.07 ms of CPU).
 */
#define LIBNOTIFY_SONAME "libnotify.so.4"

static struct {
	gboolean (*init)(const char *app_name);
	NotifyNotification *(*notification_new)(const char *summary,
	    const char *body, const char *icon);
	gboolean (*show)(NotifyNotification *n, GError **error);
	void (*unref)(gpointer object);
} ln;

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
	/* POSIX's way to take a function from dlsym(). */
	*(void **)&ln.init = dlsym(h, "notify_init");
	*(void **)&ln.notification_new = dlsym(h, "notify_notification_new");
	*(void **)&ln.show = dlsym(h, "notify_notification_show");
	*(void **)&ln.unref = dlsym(h, "g_object_unref");
	if (ln.init == NULL || ln.notification_new == NULL ||
	    ln.show == NULL || ln.unref == NULL) {
		(void)snprintf(err, errsz, "%s lacks a function sitewatch "
		    "needs", LIBNOTIFY_SONAME);
		return -1;
	}
	return 0;
}

/* Shows one desktop notification.  *failing remembers whether the last
 * attempt failed, so a run of failures is logged once. */
static void
show(const struct notify_event *ev, int *failing)
{
	NotifyNotification *nn;
	GError *error = NULL;
	char *summary = notify_summary(ev), *body = notify_body(ev);

	nn = ln.notification_new(summary, body, NULL);
	if (!ln.show(nn, &error)) {
		if (!*failing)
			log_msg("sitewatch", "desktop notifications are not "
			    "working (%s); changes are in this log",
			    error != NULL ? error->message : "unknown error");
		*failing = 1;
		g_clear_error(&error);
	} else if (*failing) {
		log_msg("sitewatch", "desktop notifications work again");
		*failing = 0;
	}
	ln.unref(nn);
	g_free(summary);
	g_free(body);
}

/*
 * Reads one event from fd into buf (NOTIFY_MSG_MAX bytes) and calls
 * handle() with it, unless it is malformed.  Returns 0, or -1 at end of
 * file.
 */
static int
read_event(int fd, char *buf, void (*handle)(const struct notify_event *ev,
    const char *raw, size_t rawlen, void *arg), void *arg)
{
	struct notify_event ev;
	ssize_t r = recv(fd, buf, NOTIFY_MSG_MAX, MSG_DONTWAIT | MSG_TRUNC);

	if (r == 0)
		return -1;
	if (r == -1 || r > NOTIFY_MSG_MAX)
		return 0;	/* nothing yet, or too long to be ours */
	if (notify_event_unpack(buf, (size_t)r, &ev) == 0)
		handle(&ev, buf, (size_t)r, arg);
	return 0;
}

/* The desktop process's handler: show one notification. */
static void
desktop_handle(const struct notify_event *ev, const char *raw, size_t rawlen,
    void *arg)
{
	(void)raw;
	(void)rawlen;
	show(ev, arg);
}

/*
 * The desktop process: the only one that touches D-Bus.  It shows what the
 * notifier forwards, one at a time; a server that hangs holds up only this
 * process.  Never returns.
 */
static void
desktop_main(int fd)
{
	static char buf[NOTIFY_MSG_MAX];
	int failing = 0;
	char err[512];

	if (libnotify_load(err, sizeof(err)) == -1) {
		log_msg("sitewatch", "cannot load libnotify (%s): changes are "
		    "reported in this log only", err);
		_exit(0);
	}
	if (!ln.init("sitewatch")) {
		log_msg("sitewatch", "cannot initialise libnotify: changes "
		    "are reported in this log only");
		_exit(0);
	}
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			_exit(1);
		if (read_event(fd, buf, desktop_handle, &failing) == -1)
			_exit(0);
	}
}

/* The notifier's handler: run the hook, hand the desktop part on without
 * ever blocking. */
static void
relay_handle(const struct notify_event *ev, const char *raw, size_t rawlen,
    void *arg)
{
	struct relay *r = arg;

	if (r->n->exec_argv != NULL && ev->kind == NOTIFY_CHANGED)
		run_hook(r->n->exec_argv, ev);
	if (r->desktop_fd == -1)
		return;
	if (send(r->desktop_fd, raw, rawlen, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)rawlen) {
		if (!r->dropping)
			log_msg("sitewatch", "the notification server is not "
			    "keeping up: desktop notifications dropped (the "
			    "log has every change)");
		r->dropping = 1;
	} else {
		r->dropping = 0;
	}
}

/*
 * Forks the desktop process, fed through a socket pair like the
 * notifier's own channel.  Returns the write end, or -1 when it could
 * not start.
 */
static int
start_desktop(pid_t *pidp)
{
	int fds[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		(void)sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)close(fds[1]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		proctitle_set("desktop", "notifier: desktop");
		desktop_main(fds[0]);
	}
	(void)close(fds[0]);
	*pidp = pid;
	return fds[1];
}

/* Leaves the notifier: the desktop process gets end-of-file, and it and
 * the hooks still running get up to three seconds to finish (the desktop
 * process dies with us after; a hook runs on). */
static void
finish(struct relay *r)
{
	int i;

	if (r->desktop_fd != -1)
		(void)close(r->desktop_fd);
	/* The desktop process and the hooks still running: whoever waits
	 * for us (`check NAME`, a supervisor's shutdown) has had its
	 * changes told when we are gone. */
	for (i = 0; i < 150; i++) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid == -1 && errno != EINTR)
			break;	/* ECHILD: none left */
		if (pid == 0)
			util_sleep_ms(20);
	}
	_exit(0);
}

/*
 * Takes the signals waiting on the notifier's signalfd sfd.  Returns 1 when
 * SIGTERM was one of them (finish what is queued, then leave; SIGALRM ends
 * a notifier still there a few seconds later), else 0 (SIGCHLD: reap).
 */
static int
take_signals(int sfd)
{
	struct signalfd_siginfo si;
	int term = 0;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGTERM)
			term = 1;
	if (term)
		(void)alarm(5);
	return term;
}

/*
 * The notifier process's loop: read messages, run the hooks, hand the
 * desktop notifications to the desktop process, reap; its wake-ups are
 * the channel and a signalfd (SIGTERM, SIGCHLD).  It never touches D-Bus
 * itself, so a hung notification server never delays a hook.  Told to
 * go (term set, or SIGTERM), it hands out what is queued first.  Never
 * returns.
 */
static void
notifier_main(struct notifier *n, int sfd, int term)
{
	static char buf[NOTIFY_MSG_MAX];
	struct relay r = { n, -1, 0, 0 };

	if (n->desktop && !have_session_bus())
		log_msg("sitewatch", "no desktop session (no D-Bus session "
		    "bus): changes are reported in this log only");
	else if (n->desktop &&
	    (r.desktop_fd = start_desktop(&r.desktop_pid)) == -1)
		log_msg("sitewatch", "cannot start desktop notifications: %s",
		    strerror(errno));
	for (;;) {
		struct pollfd pfd[2] = {
			{ n->rfd, POLLIN, 0 }, { sfd, POLLIN, 0 }
		};

		reap_children(&r);
		if (poll(pfd, 2, term ? 0 : -1) == -1 && errno != EINTR)
			finish(&r);
		if (take_signals(sfd))
			term = 1;
		if (pfd[0].revents == 0) {
			if (term)
				finish(&r);	/* told to go, and drained */
			continue;
		}
		if (read_event(n->rfd, buf, relay_handle, &r) == -1)
			finish(&r);	/* every writer is gone */
	}
}

pid_t
notify_spawn(struct notifier *n)
{
	sigset_t set;
	pid_t parent = getpid(), pid;
	int sfd;

	pid = fork();
	if (pid != 0)
		return pid;
	/* The child starts from a clean signal state, and ends with whoever
	 * started it, after handing out what is already queued.  SIGTERM
	 * and SIGCHLD come through a signalfd; nothing runs in a handler. */
	(void)signal(SIGINT, SIG_IGN);	/* Ctrl-C goes to the supervisor */
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGCHLD, SIG_DFL);
	(void)signal(SIGALRM, SIG_DFL);
	(void)signal(SIGTERM, SIG_DFL);
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_SETMASK, &set, NULL) == -1 ||
	    (sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		log_msg("sitewatch", "notifier: signalfd: %s", strerror(errno));
		_exit(1);	/* the supervisor starts another */
	}
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	proctitle_set("notifier", "notifier");
	/* Only the watchers write; with our copy closed, the channel reads
	 * end-of-file once all of them are gone. */
	(void)close(n->wfd);
	notifier_main(n, sfd, getppid() != parent);
	_exit(0);
}
