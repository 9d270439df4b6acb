/*
 * spawn.c - the spawner: a small process, forked before the supervisor
 * grows, that clones the watchers on the supervisor's behalf.
 *
 * The two talk over a SOCK_SEQPACKET socket pair: one message per request
 * (the row and its start-up values), one per reply (the new pid, or an
 * errno).  The spawner clones with CLONE_PARENT, so each watcher is the
 * supervisor's child: waitpid(2), SIGCHLD and PR_SET_PDEATHSIG work as if
 * the supervisor had forked it.  The spawner keeps the supervisor's
 * blocked signal mask, so a Ctrl-C meant for the supervisor leaves it
 * alone; it ends when its socket closes, or with the supervisor
 * (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE		/* close_range, CLONE_PARENT */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frame.h"
#include "proctitle.h"
#include "spawn.h"

#define REPLY_WAIT_MS 10000	/* a spawner this slow is given up */
#define NSTR 7			/* name, url, interval, last-modified, pid,
				 * filter, notify */

struct reply {
	pid_t pid;		/* > 0, or 0 with err set */
	int err;
};

size_t
spawn_encode(char *buf, size_t bufsz, const struct spawn_request *rq)
{
	const char *str[NSTR] = { rq->job.name, rq->job.url,
	    rq->job.interval_text, rq->job.lastmod, rq->job.pid_text,
	    rq->job.filter, rq->job.notify };
	struct frame_writer w;
	size_t i;

	frame_start(&w, buf, bufsz);
	/* The spawner is a fork of the supervisor: the parsed schedule
	 * goes as it is. */
	frame_put_blob(&w, &rq->job.sched, sizeof(rq->job.sched));
	frame_put_num(&w, rq->first_delay_ms);
	frame_put_num(&w, rq->job.interval);
	frame_put_num(&w, (long long)rq->job.lineno);
	frame_put_num(&w, (long long)rq->job.pid_kind);
	frame_put_num(&w, (long long)rq->job.pid);
	for (i = 0; i < NSTR; i++)
		frame_put_str(&w, str[i] != NULL ? str[i] : "", 0);
	return frame_end(&w);
}

int
spawn_decode(char *buf, size_t len, struct spawn_request *rq)
{
	char **str[NSTR];
	struct frame_reader r;
	long long kind;
	size_t i;

	memset(rq, 0, sizeof(*rq));
	str[0] = &rq->job.name;
	str[1] = &rq->job.url;
	str[2] = &rq->job.interval_text;
	str[3] = &rq->job.lastmod;
	str[4] = &rq->job.pid_text;
	str[5] = &rq->job.filter;
	str[6] = &rq->job.notify;
	frame_read(&r, buf, len);
	frame_get_blob(&r, &rq->job.sched, sizeof(rq->job.sched));
	rq->first_delay_ms = (long)frame_get_num(&r);
	rq->job.interval = (long)frame_get_num(&r);
	rq->job.lineno = (size_t)frame_get_num(&r);
	kind = frame_get_num(&r);
	rq->job.pid = (pid_t)frame_get_num(&r);
	for (i = 0; i < NSTR; i++) {
		/* Strings point into buf, NUL-terminated there. */
		*str[i] = (char *)frame_get_str(&r);
		if (*str[i] == NULL)
			return -1;
	}
	if (frame_done(&r) == -1 || kind < 0 || kind > JOBS_PID_DONE)
		return -1;
	rq->job.pid_kind = (enum jobs_pid_kind)kind;
	return 0;
}

/* Closes every descriptor from 3 up but sock and keep[0..nkeep). */
static void
close_others(int sock, const int *keep, size_t nkeep)
{
	int fd, max = sock;
	size_t i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] > max)
			max = keep[i];
	for (fd = 3; fd < max; fd++) {
		int kept = fd == sock;

		for (i = 0; i < nkeep && !kept; i++)
			kept = keep[i] == fd;
		if (!kept)
			(void)close(fd);
	}
	(void)close_range((unsigned)max + 1, ~0U, 0);
}

/*
 * The spawner's loop: one request in, one watcher cloned, one reply out,
 * until the socket closes.  Never returns.
 */
static void
spawner_main(int sock, pid_t parent, spawn_child_fn child, void *arg)
{
	static char buf[SPAWN_MSG_MAX];
	char comm[17] = "";

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* Named for ps(1) and pgrep(1); the watchers get the comm back,
	 * and name themselves. */
	(void)prctl(PR_GET_NAME, comm);
	proctitle_set("spawner", "spawner");
	/* What the supervisor had freed before we were forked goes back. */
	(void)malloc_trim(0);
	for (;;) {
		struct spawn_request rq;
		struct reply rp = { 0, 0 };
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		long pid;

		if (n == 0)
			_exit(0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (spawn_decode(buf, (size_t)n, &rq) == -1) {
			rp.err = EINVAL;
		} else {
			/* fork(2), but the child's parent is ours.  glibc's
			 * cached thread id is left stale in the child: it
			 * must not use raise(3) (kill(getpid(), ...) works). */
			pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT |
			    SIGCHLD), NULL, NULL, NULL, 0UL);
			if (pid == 0) {
				(void)prctl(PR_SET_NAME, comm);
				(void)close(sock);
				child(&rq, arg);
				_exit(1);
			}
			if (pid == -1)
				rp.err = errno;
			else
				rp.pid = (pid_t)pid;
		}
		while (send(sock, &rp, sizeof(rp), MSG_NOSIGNAL) == -1)
			if (errno != EINTR)
				_exit(1);
	}
}

int
spawn_start(struct spawner *sp, spawn_child_fn child, void *arg,
    const int *keep, size_t nkeep)
{
	int sv[2];
	pid_t parent = getpid(), pid;

	sp->pid = 0;
	sp->fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		int e = errno;

		(void)close(sv[0]);
		(void)close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close_others(sv[1], keep, nkeep);
		spawner_main(sv[1], parent, child, arg);
	}
	(void)close(sv[1]);
	sp->pid = pid;
	sp->fd = sv[0];
	return 0;
}

/* Sends one request; returns 0, or -1 (EMSGSIZE: too long; else gone). */
static int
send_request(struct spawner *sp, const struct spawn_request *rq)
{
	static char buf[SPAWN_MSG_MAX];
	size_t len = spawn_encode(buf, sizeof(buf), rq);
	ssize_t n;

	if (len == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	while ((n = send(sp->fd, buf, len, MSG_NOSIGNAL)) == -1 &&
	    errno == EINTR)
		;
	if (n != (ssize_t)len) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

/* Reads one reply into *rp; returns 0, or -1 (gone, or too slow). */
static int
read_reply(struct spawner *sp, struct reply *rp)
{
	struct pollfd pfd = { sp->fd, POLLIN, 0 };
	ssize_t n;
	int r;

	while ((r = poll(&pfd, 1, REPLY_WAIT_MS)) == -1 && errno == EINTR)
		;
	if (r != 1)
		return -1;
	while ((n = recv(sp->fd, rp, sizeof(*rp), 0)) == -1 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*rp) ? 0 : -1;
}

size_t
spawn_watchers(struct spawner *sp, const struct spawn_request *rq, size_t n,
    pid_t *pid, int *err)
{
	size_t *sent, nsent = 0, nread = 0, next = 0, i, started = 0;
	int gone = sp->pid == 0;

	for (i = 0; i < n; i++) {
		pid[i] = -1;
		err[i] = EPIPE;
	}
	if (gone || n == 0)
		return 0;
	sent = malloc(n * sizeof(*sent));
	if (sent == NULL) {
		for (i = 0; i < n; i++)
			err[i] = ENOMEM;
		return 0;
	}
	/* Up to SPAWN_WINDOW requests ahead of the replies: the spawner
	 * clones one after the other without waiting for us, and neither
	 * side's socket buffer can fill (which would block both). */
	while (!gone && (next < n || nread < nsent)) {
		struct reply rp;

		while (!gone && next < n && nsent - nread < SPAWN_WINDOW) {
			if (send_request(sp, &rq[next]) == 0) {
				sent[nsent++] = next;
			} else if (errno == EMSGSIZE) {
				err[next] = EMSGSIZE;
			} else {
				gone = 1;
				break;
			}
			next++;
		}
		if (nread == nsent)
			continue;
		if (read_reply(sp, &rp) == -1) {
			gone = 1;
			break;
		}
		i = sent[nread++];
		if (rp.pid > 0) {
			pid[i] = rp.pid;
			err[i] = 0;
			started++;
		} else {
			err[i] = rp.err != 0 ? rp.err : EINVAL;
		}
	}
	free(sent);
	if (gone)
		/* Dead, or too slow to trust: from now on the caller forks.
		 * Requests not answered keep EPIPE. */
		spawn_stop(sp);
	return started;
}

int
spawn_reaped(struct spawner *sp, pid_t pid)
{
	if (sp->pid == 0 || pid != sp->pid)
		return 0;
	sp->pid = 0;		/* reaped already: spawn_stop only closes */
	spawn_stop(sp);
	return 1;
}

void
spawn_stop(struct spawner *sp)
{
	pid_t pid = sp->pid;
	int i;

	if (sp->fd != -1)
		(void)close(sp->fd);
	sp->fd = -1;
	sp->pid = 0;
	if (pid == 0)
		return;
	/* The closed socket ends it; SIGKILL if it has not gone in 0.5 s. */
	for (i = 0; i < 50; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r == -1 && errno == ECHILD))
			return;
		(void)usleep(10000);
	}
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}
