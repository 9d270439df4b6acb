/*
 * notify.c - the notifier process: desktop notifications through
 * libnotify, and the --exec hook, for changes the watchers report through
 * a pipe.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libnotify/notify.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "util.h"

/* A message is a 2-byte length and four NUL-terminated strings, written
 * with one write(2) of at most PIPE_BUF bytes so that messages from many
 * watchers never interleave. */
#define MSG_MAX 4096
#define NAME_MAX_MSG 1000
#define URL_MAX_MSG 2000
#define VAL_MAX_MSG 500

int
notify_setup(struct notifier *n, char *const *exec_argv, int desktop)
{
	int fds[2];

	memset(n, 0, sizeof(*n));
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	/* Watchers must never block on a full pipe. */
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) == -1) {
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

/* Appends s, cut to max bytes, and its NUL to buf at *len. */
static void
put_str(char *buf, size_t *len, const char *s, size_t max)
{
	size_t l = strlen(s);

	if (l > max)
		l = max;
	memcpy(buf + *len, s, l);
	*len += l;
	buf[(*len)++] = '\0';
}

int
notify_send(int wfd, const char *name, const char *url, const char *old,
    const char *new_value)
{
	char buf[MSG_MAX];
	size_t len = 2;
	ssize_t w;

	put_str(buf, &len, name, NAME_MAX_MSG);
	put_str(buf, &len, url, URL_MAX_MSG);
	put_str(buf, &len, old, VAL_MAX_MSG);
	put_str(buf, &len, new_value, VAL_MAX_MSG);
	buf[0] = (char)((len - 2) >> 8);
	buf[1] = (char)((len - 2) & 0xff);
	do
		w = write(wfd, buf, len);
	while (w == -1 && errno == EINTR);
	return w == (ssize_t)len ? 0 : -1;
}

char *
notify_body(const char *name, const char *url)
{
	char *vn = g_utf8_make_valid(name, -1);
	char *vu = g_utf8_make_valid(url, -1);
	char *en = g_markup_escape_text(vn, -1);
	char *eu = g_markup_escape_text(vu, -1);
	char *body = g_strdup_printf("<a href=\"%s\">%s</a>", eu, en);

	g_free(vn);
	g_free(vu);
	g_free(en);
	g_free(eu);
	return body;
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

/* Runs the --exec hook for one change; never through a shell.  The child
 * is reaped later, by reap_children(). */
static void
run_hook(char *const *argv, const char *name, const char *url,
    const char *old, const char *new_value)
{
	pid_t pid = fork();

	if (pid == -1) {
		log_msg(name, "--exec: cannot fork: %s", strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	if (setenv("SITEWATCH_NAME", name, 1) == -1 ||
	    setenv("SITEWATCH_URL", url, 1) == -1 ||
	    setenv("SITEWATCH_OLD", old, 1) == -1 ||
	    setenv("SITEWATCH_NEW", new_value, 1) == -1)
		_exit(127);
	/* The notifier ignores these; a hook starts with the defaults. */
	(void)signal(SIGPIPE, SIG_DFL);
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGHUP, SIG_DFL);
	execvp(argv[0], argv);
	log_msg(name, "--exec: %s: %s", argv[0], strerror(errno));
	_exit(127);
}

/* What the notifier's handler needs. */
struct relay {
	struct notifier *n;
	int desktop_fd;		/* the desktop process's pipe, or -1 */
	pid_t desktop_pid;	/* the desktop process, 0 when none */
	int dropping;		/* the last forward was dropped */
};

/*
 * Reaps finished children: the hooks, whose failures are logged, and the
 * desktop process, which is then gone for good (its pipe is closed, and
 * changes are in the log only).
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
show(const char *name, const char *url, int *failing)
{
	NotifyNotification *nn;
	GError *error = NULL;
	char *summary, *body;

	summary = g_strdup_printf("%s changed", name);
	body = notify_body(name, url);
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
 * Reads whole messages from fd into buf (holding *have bytes) and calls
 * handle() for each complete one.  Returns 0, or -1 at end of file.
 */
static int
read_messages(int fd, char *buf, size_t bufsz, size_t *have,
    void (*handle)(const char *const *f, const char *raw, size_t rawlen,
    void *arg), void *arg)
{
	ssize_t r = read(fd, buf + *have, bufsz - *have);
	size_t off = 0;

	if (r == 0)
		return -1;
	if (r == -1)
		return 0;
	*have += (size_t)r;
	while (*have - off >= 2) {
		size_t len = ((size_t)(unsigned char)buf[off] << 8) |
		    (unsigned char)buf[off + 1];
		const char *f[4];
		size_t i, k = off + 2;

		if (*have - off - 2 < len)
			break;
		for (i = 0; i < 4; i++) {
			f[i] = buf + k;
			k += strnlen(buf + k, off + 2 + len - k) + 1;
			if (k > off + 2 + len)
				f[i] = "";
		}
		handle(f, buf + off, len + 2, arg);
		off += 2 + len;
	}
	memmove(buf, buf + off, *have - off);
	*have -= off;
	return 0;
}

/* The desktop process's handler: show one notification. */
static void
desktop_handle(const char *const *f, const char *raw, size_t rawlen,
    void *arg)
{
	(void)raw;
	(void)rawlen;
	show(f[0], f[1], arg);
}

/*
 * The desktop process: the only one that touches D-Bus.  It shows what the
 * notifier forwards, one at a time; a server that hangs holds up only this
 * process.  Never returns.
 */
static void
desktop_main(int fd)
{
	static char buf[2 * MSG_MAX];
	size_t have = 0;
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
	while (read_messages(fd, buf, sizeof(buf), &have, desktop_handle,
	    &failing) == 0)
		;
	_exit(0);
}

/* The notifier's handler: run the hook, hand the desktop part on without
 * ever blocking. */
static void
relay_handle(const char *const *f, const char *raw, size_t rawlen, void *arg)
{
	struct relay *r = arg;

	if (r->n->exec_argv != NULL)
		run_hook(r->n->exec_argv, f[0], f[1], f[2], f[3]);
	if (r->desktop_fd == -1)
		return;
	if (write(r->desktop_fd, raw, rawlen) != (ssize_t)rawlen) {
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
 * Forks the desktop process, fed through a non-blocking pipe.  Returns the
 * pipe's write end, or -1 when it could not start.
 */
static int
start_desktop(pid_t *pidp)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		(void)close(fds[1]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		desktop_main(fds[0]);
	}
	(void)close(fds[0]);
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	*pidp = pid;
	return fds[1];
}

/* Leaves the notifier: the desktop process gets end-of-file and up to
 * three seconds to show what it was handed (it dies with us after). */
static void
finish(struct relay *r)
{
	int i;

	if (r->desktop_fd != -1) {
		(void)close(r->desktop_fd);
		for (i = 0; i < 150; i++) {
			if (waitpid(r->desktop_pid, NULL, WNOHANG) != 0)
				break;
			util_sleep_ms(20);
		}
	}
	_exit(0);
}

static volatile sig_atomic_t got_sigterm;

/*
 * The notifier process's loop: read messages, run the hooks, hand the
 * desktop notifications to the desktop process.  It never touches D-Bus
 * itself, so a hung notification server never delays a hook.  Never
 * returns.
 */
static void
notifier_main(struct notifier *n)
{
	static char buf[2 * MSG_MAX];
	struct relay r = { n, -1, 0, 0 };
	size_t have = 0;

	if (n->desktop && !have_session_bus())
		log_msg("sitewatch", "no desktop session (no D-Bus session "
		    "bus): changes are reported in this log only");
	else if (n->desktop &&
	    (r.desktop_fd = start_desktop(&r.desktop_pid)) == -1)
		log_msg("sitewatch", "cannot start desktop notifications: %s",
		    strerror(errno));
	for (;;) {
		struct pollfd pfd = { n->rfd, POLLIN, 0 };

		reap_children(&r);
		if (poll(&pfd, 1, got_sigterm ? 0 : 1000) <= 0) {
			if (got_sigterm)
				finish(&r);	/* told to go, and drained */
			continue;
		}
		if (read_messages(n->rfd, buf, sizeof(buf), &have,
		    relay_handle, &r) == -1)
			finish(&r);	/* every writer is gone */
	}
}

/* SIGTERM: finish what is queued, then leave; SIGALRM ends a notifier
 * stuck in D-Bus a few seconds later. */
static void
on_sigterm(int sig)
{
	(void)sig;
	got_sigterm = 1;
	(void)alarm(5);
}

pid_t
notify_spawn(struct notifier *n)
{
	struct sigaction sa;
	sigset_t none;
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid != 0)
		return pid;
	/* The child starts from a clean signal state, and ends with whoever
	 * started it, after handing out what is already queued. */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)signal(SIGINT, SIG_IGN);	/* Ctrl-C goes to the supervisor */
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGCHLD, SIG_DFL);
	(void)signal(SIGALRM, SIG_DFL);
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		got_sigterm = 1;
	/* Only the watchers write; with our copy closed, the pipe reads
	 * end-of-file once all of them are gone. */
	(void)close(n->wfd);
	notifier_main(n);
	_exit(0);
}
