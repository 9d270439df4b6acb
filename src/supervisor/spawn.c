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
#include <limits.h>
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

#include "common/frame.h"
#include "common/proctitle.h"
#include "supervisor/spawn.h"

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
 * Clones the watcher of request rq: fork(2), but the child's parent is
 * ours.  The child takes back the comm and runs child(rq, arg); the
 * reply rp gets its pid, or the errno of a failed clone.  glibc's cached
 * thread id is left stale in the child: it must not use raise(3)
 * (kill(getpid(), ...) works).
 */
static void
spawner_clone(int sock, const char *comm, const struct spawn_request *rq,
    spawn_child_fn child, void *arg, struct reply *rp)
{
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD),
	    NULL, NULL, NULL, 0UL);

	if (pid == 0) {
		(void)prctl(PR_SET_NAME, comm);
		(void)close(sock);
		child(rq, arg);
		_exit(1);
	}
	if (pid == -1)
		rp->err = errno;
	else
		rp->pid = (pid_t)pid;
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

		if (n == 0)
			_exit(0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (spawn_decode(buf, (size_t)n, &rq) == -1)
			rp.err = EINVAL;
		else
			spawner_clone(sock, comm, &rq, child, arg, &rp);
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

	memset(sp, 0, sizeof(*sp));
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

/* Drops the queue of requests (their messages freed). */
static void
queue_free(struct spawner *sp)
{
	size_t i;

	for (i = sp->head; i < sp->n; i++)
		free(sp->q[i].msg);
	free(sp->q);
	sp->q = NULL;
	sp->head = sp->nsent = sp->n = sp->cap = 0;
}

/* Makes room for one more request at the queue's end.  Returns 0 or -1. */
static int
queue_room(struct spawner *sp)
{
	struct spawn_pending *q;
	size_t cap;

	if (sp->head > 0 && sp->head == sp->n)
		sp->head = sp->nsent = sp->n = 0;	/* all answered */
	if (sp->n < sp->cap)
		return 0;
	if (sp->head > 0) {
		/* Move what is left to the front. */
		memmove(sp->q, sp->q + sp->head,
		    (sp->n - sp->head) * sizeof(*sp->q));
		sp->nsent -= sp->head;
		sp->n -= sp->head;
		sp->head = 0;
		return 0;
	}
	cap = sp->cap ? sp->cap * 2 : 64;
	q = realloc(sp->q, cap * sizeof(*q));
	if (q == NULL)
		return -1;
	sp->q = q;
	sp->cap = cap;
	return 0;
}

int
spawn_request(struct spawner *sp, const struct spawn_request *rq, void *tag)
{
	static char buf[SPAWN_MSG_MAX];
	size_t len;
	char *msg;

	if (sp->pid == 0 || sp->fd == -1) {
		errno = EPIPE;
		return -1;
	}
	len = spawn_encode(buf, sizeof(buf), rq);
	if (len == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (queue_room(sp) == -1 || (msg = malloc(len)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(msg, buf, len);
	sp->q[sp->n].tag = tag;
	sp->q[sp->n].msg = msg;
	sp->q[sp->n].len = len;
	sp->n++;
	return 0;
}

short
spawn_events(const struct spawner *sp)
{
	short ev = 0;

	if (sp->fd == -1)
		return 0;
	if (sp->head < sp->nsent)
		ev |= POLLIN;
	if (sp->nsent < sp->n)
		ev |= POLLOUT;
	return ev;
}

long long
spawn_deadline(const struct spawner *sp)
{
	if (sp->fd == -1 || sp->head == sp->nsent)
		return LLONG_MAX;
	return sp->heard_ms + SPAWN_REPLY_MS;
}

/* Sends the queued requests the socket takes now.  Returns 0, or -1 when
 * the spawner is gone. */
static int
send_queued(struct spawner *sp, long long now)
{
	while (sp->nsent < sp->n) {
		struct spawn_pending *p = &sp->q[sp->nsent];
		ssize_t r = send(sp->fd, p->msg, p->len,
		    MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r != (ssize_t)p->len)
			return -1;
		free(p->msg);
		p->msg = NULL;
		if (sp->head == sp->nsent)
			sp->heard_ms = now;	/* it was idle until now */
		sp->nsent++;
	}
	return 0;
}

/* Reads the replies that have come, answering their requests.  Returns
 * 0, or -1 when the spawner is gone. */
static int
read_replies(struct spawner *sp, long long now, spawn_reply_fn reply,
    void *arg)
{
	while (sp->head < sp->nsent) {
		struct reply rp;
		ssize_t r = recv(sp->fd, &rp, sizeof(rp), MSG_DONTWAIT);
		void *tag;

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r != (ssize_t)sizeof(rp))
			return -1;
		tag = sp->q[sp->head++].tag;
		sp->heard_ms = now;
		if (rp.pid > 0)
			reply(arg, tag, rp.pid, 0);
		else
			reply(arg, tag, -1, rp.err != 0 ? rp.err : EINVAL);
	}
	return 0;
}

/*
 * Gives the spawner up without waiting for it: its socket is closed and
 * it is killed (the caller's waitpid loop reaps it).  Every request not
 * answered is answered EPIPE.
 */
static void
give_up(struct spawner *sp, spawn_reply_fn reply, void *arg)
{
	struct spawn_pending *q = sp->q;
	size_t i, head = sp->head, n = sp->n;

	if (sp->fd != -1)
		(void)close(sp->fd);
	if (sp->pid > 0)
		(void)kill(sp->pid, SIGKILL);
	sp->fd = -1;
	sp->pid = 0;
	/* The queue is taken first: a reply may ask for a new request,
	 * which now fails at once. */
	sp->q = NULL;
	sp->head = sp->nsent = sp->n = sp->cap = 0;
	for (i = head; i < n; i++) {
		free(q[i].msg);
		reply(arg, q[i].tag, -1, EPIPE);
	}
	free(q);
}

void
spawn_handle(struct spawner *sp, long long now, spawn_reply_fn reply,
    void *arg)
{
	int gone = sp->fd == -1;

	if (!gone)
		gone = send_queued(sp, now) == -1 ||
		    read_replies(sp, now, reply, arg) == -1 ||
		    now >= spawn_deadline(sp);
	if (gone && (sp->fd != -1 || sp->head < sp->n))
		give_up(sp, reply, arg);
}

int
spawn_reaped(struct spawner *sp, pid_t pid)
{
	if (sp->pid == 0 || pid != sp->pid)
		return 0;
	/* Reaped already: closing is all that is left; the requests it did
	 * not answer are answered by the next spawn_handle. */
	sp->pid = 0;
	if (sp->fd != -1)
		(void)close(sp->fd);
	sp->fd = -1;
	return 1;
}

void
spawn_stop(struct spawner *sp)
{
	pid_t pid = sp->pid;
	int i;

	queue_free(sp);
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
