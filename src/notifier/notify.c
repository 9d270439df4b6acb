/*
 * notify.c - the notifier process: desktop notifications through
 * libnotify, and the --exec hook, for changes the watchers report through
 * a pipe.
 */
#define _GNU_SOURCE		/* pipe2, mkostemps */
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

#include "common/event.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "common/redact.h"
#include "common/util.h"
#include "notifier/desktop.h"
#include "notifier/notify.h"

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

void
notify_free_argv(char **argv)
{
	util_free_argv(argv);
}

char **
notify_split_command(const char *cmd, char *err, size_t errsz)
{
	char why[64];
	char **argv = util_split_command(cmd, why, sizeof(why));

	if (argv == NULL)
		(void)snprintf(err, errsz, "--exec: %s", why);
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
	int desktop_off;	/* libnotify is unusable: no desktop process */
	int down;		/* notifications said not to work; the next
				 * desktop process says when they work */
	int dropping;		/* the last forward was dropped */
};

/* Closes the desktop process's channel and forgets the process. */
static void
desktop_gone(struct relay *r)
{
	r->desktop_pid = 0;
	if (r->desktop_fd != -1)
		(void)close(r->desktop_fd);
	r->desktop_fd = -1;
}

/* Takes note of how the desktop process ended (wait status st).  A new
 * one starts at the next event (see follow_desktop), unless libnotify
 * was found unusable. */
static void
desktop_ended(struct relay *r, pid_t pid, int st)
{
	desktop_gone(r);
	/* Gone with its bus, it said first that notifications stopped. */
	if (WIFEXITED(st) && (WEXITSTATUS(st) == DESKTOP_EXIT_BUS_GONE ||
	    WEXITSTATUS(st) == 0)) {
		r->down = 1;
		return;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == DESKTOP_EXIT_UNUSABLE) {
		r->desktop_off = 1;	/* it said why */
		return;
	}
	log_msg("sitewatch", "the desktop notification process (pid %ld) "
	    "ended (%s %d): a new one starts at the next change", (long)pid,
	    WIFSIGNALED(st) ? "signal" : "status", WIFSIGNALED(st) ?
	    WTERMSIG(st) : WEXITSTATUS(st));
	r->down = 1;
}

/* Reaps finished children: the hooks, whose failures are logged, and the
 * desktop process. */
static void
reap_children(struct relay *r)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == r->desktop_pid)
			desktop_ended(r, pid, st);
		else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
		    WEXITSTATUS(st) != 127)
			log_msg("sitewatch", "--exec hook (pid %ld) exited %d",
			    (long)pid, WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			log_msg("sitewatch", "--exec hook (pid %ld) killed by "
			    "signal %d", (long)pid, WTERMSIG(st));
	}
}

/* Waits for a desktop process that closed its channel, which it does only
 * as it exits: a second at most, then SIGKILL. */
static void
wait_desktop(struct relay *r)
{
	pid_t pid = r->desktop_pid, w = 0;
	int st = 0, i;

	for (i = 0; i < 100 && (w = waitpid(pid, &st, WNOHANG)) == 0; i++)
		util_sleep_ms(10);
	if (w == 0) {
		(void)kill(pid, SIGKILL);
		w = waitpid(pid, &st, 0);
	}
	if (w == pid)
		desktop_ended(r, pid, st);
	else
		desktop_gone(r);
}

/*
 * Copies the socket path of a D-Bus address's first entry into path, when
 * it is "unix:path=..." (%XX escapes decoded).  Returns 1, or 0 when the
 * address is of another kind (abstract, tcp, ...), which cannot be
 * checked without connecting.
 */
static int
bus_socket_path(const char *addr, char *path, size_t pathsz)
{
	const char *p;
	size_t k = 0;

	if (strncmp(addr, "unix:path=", 10) != 0)
		return 0;
	for (p = addr + 10; *p != '\0' && *p != ',' && *p != ';' &&
	    k + 1 < pathsz; p++) {
		unsigned v;

		if (*p == '%' && g_ascii_isxdigit(p[1]) &&
		    g_ascii_isxdigit(p[2]) && sscanf(p + 1, "%2x", &v) == 1) {
			path[k++] = (char)v;
			p += 2;
		} else {
			path[k++] = *p;
		}
	}
	path[k] = '\0';
	return 1;
}

/*
 * Returns 1 when a session bus can be reached without starting one, the
 * way GDBus finds it: the address in $DBUS_SESSION_BUS_ADDRESS (when it
 * names a socket path, that socket must exist), else the socket
 * $XDG_RUNTIME_DIR/bus (what systemd's user manager provides).  Without
 * either, GDBus would try to autolaunch a bus through X11.  A getenv and
 * a stat: cheap enough to ask again at every event while there is none.
 */
static int
have_session_bus(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[4096];
	struct stat st;

	if (addr != NULL && *addr != '\0') {
		if (!bus_socket_path(addr, path, sizeof(path)))
			return 1;
	} else if (rt != NULL && *rt == '/') {
		(void)snprintf(path, sizeof(path), "%s/bus", rt);
	} else {
		return 0;
	}
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
notify_wanted(char *const *exec_argv, int desktop)
{
	return exec_argv != NULL || (desktop && have_session_bus());
}

/*
 * Forks the desktop process (desktop.c), fed through a socket pair like
 * the notifier's own channel, and records it in r.  Returns 0, or -1 with
 * errno when it could not start.
 */
static int
start_desktop(struct relay *r)
{
	int fds[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		int e = errno;

		(void)close(fds[0]);
		(void)close(fds[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		(void)sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)close(fds[1]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		proctitle_set("desktop", "notifier: desktop");
		desktop_main(fds[0], r->down);
	}
	(void)close(fds[0]);
	r->desktop_pid = pid;
	r->desktop_fd = fds[1];
	return 0;
}

/*
 * Makes sure a desktop process runs when one is wanted and can work: at
 * the start, and again at each event after none could (no session bus
 * yet, a bus or process that went away).  What it cannot do is said once,
 * until a desktop process says notifications work.
 */
static void
follow_desktop(struct relay *r)
{
	if (!r->n->desktop || r->desktop_off || r->desktop_fd != -1)
		return;
	if (!have_session_bus()) {
		if (!r->down)
			log_msg("sitewatch", "no desktop session (no D-Bus "
			    "session bus): changes are reported in this log "
			    "only, until one appears");
		r->down = 1;
		return;
	}
	if (start_desktop(r) == -1) {
		if (!r->down)
			log_msg("sitewatch", "cannot start desktop "
			    "notifications: %s", strerror(errno));
		r->down = 1;
	}
}

/* Hands an event to the desktop process without ever blocking.  Returns
 * 0, or -1 with errno (EAGAIN: it is behind; EPIPE: it is gone). */
static int
forward(struct relay *r, const char *raw, size_t rawlen)
{
	ssize_t w = send(r->desktop_fd, raw, rawlen, MSG_DONTWAIT |
	    MSG_NOSIGNAL);

	if (w == (ssize_t)rawlen) {
		r->dropping = 0;
		return 0;
	}
	if (w != -1)
		errno = EMSGSIZE;
	if (errno != EPIPE && errno != ECONNRESET) {
		if (!r->dropping)
			log_msg("sitewatch", "the notification server is not "
			    "keeping up: desktop notifications dropped (the "
			    "log has every change)");
		r->dropping = 1;
	}
	return -1;
}

/* The notifier's handler: run the hook, hand the desktop part on. */
static void
relay_handle(struct relay *r, const struct notify_event *ev, const char *raw,
    size_t rawlen)
{
	if (r->n->exec_argv != NULL && ev->kind == NOTIFY_CHANGED)
		run_hook(r->n->exec_argv, ev);
	reap_children(r);
	follow_desktop(r);
	if (r->desktop_fd == -1 || forward(r, raw, rawlen) == 0 ||
	    (errno != EPIPE && errno != ECONNRESET))
		return;
	/* The desktop process is leaving (its bus went away): the event
	 * goes to a new one. */
	wait_desktop(r);
	follow_desktop(r);
	if (r->desktop_fd != -1)
		(void)forward(r, raw, rawlen);
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
	struct relay r;

	memset(&r, 0, sizeof(r));
	r.n = n;
	r.desktop_fd = -1;
	follow_desktop(&r);
	for (;;) {
		struct notify_event ev;
		ssize_t len;
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
		len = event_recv(n->rfd, buf, &ev);
		if (len == -1)
			finish(&r);	/* every writer is gone */
		if (len > 0)
			relay_handle(&r, &ev, buf, (size_t)len);
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
