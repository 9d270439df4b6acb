/*
 * spawn.h - watchers forked from a small clean process (a "zygote").
 *
 * Forking costs what the forking process has mapped: at 10,000 rows the
 * supervisor's heap and page tables made each fork(2) take ~2 ms of kernel
 * time, and every watcher inherited pages it never uses.  The spawner is
 * forked once, early, while the supervisor is still small; the supervisor
 * sends it each row to start, and it clones the watcher with CLONE_PARENT,
 * so the watcher is the supervisor's own child (reaped, signalled and
 * counted as before).  When the spawner is gone the caller forks itself.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <sys/types.h>

#include "common/jobs.h"

/* What a watcher is started with. */
struct spawn_request {
	struct job job;		/* its row (strings owned by whoever filled it) */
	long first_delay_ms;	/* wait this long before the first check */
};

/* Runs in the new child; never returns. */
typedef void (*spawn_child_fn)(const struct spawn_request *rq, void *arg);

/* A request not answered yet. */
struct spawn_pending {
	void *tag;		/* the caller's, given back with the reply */
	char *msg;		/* the encoded request until it is sent */
	size_t len;
};

struct spawner {
	pid_t pid;		/* the spawner process, 0 when there is none */
	int fd;			/* our end of its socket, -1 when none */
	/* The requests in the order sent: q[head..nsent) wait for their
	 * replies, q[nsent..n) to be sent. */
	struct spawn_pending *q;
	size_t head, nsent, n, cap;
	long long heard_ms;	/* the last reply, or the first request sent
				 * since the spawner was last idle */
};

/* The spawner's process name (comm), as ps(1) and pgrep(1) show it. */
#define SPAWN_NAME "sitewatch-spawn"

/* Requests longer than this (a very long URL) are not sent: the caller
 * forks that watcher itself. */
#define SPAWN_MSG_MAX 65536

/* A spawner that has answered nothing for this long while a request of
 * ours waits is given up. */
#define SPAWN_REPLY_MS 10000

/*
 * Forks the spawner.  In it, child(rq, arg) runs in each watcher it clones;
 * it keeps only the descriptors listed in keep[0..nkeep) (the ones the
 * watchers need) besides stdin/out/err and its socket.  Returns 0, or -1
 * with errno (sp->pid stays 0: the caller forks its watchers itself).
 */
int spawn_start(struct spawner *sp, spawn_child_fn child, void *arg,
    const int *keep, size_t nkeep);

/*
 * Asks the spawner to start rq's watcher; tag comes back with the answer
 * (see spawn_handle), and rq is not needed after the call.  Never waits:
 * what the socket does not take now is sent by spawn_handle.  Returns 0,
 * or -1 with errno EMSGSIZE (too long to send), EPIPE (no spawner) or
 * ENOMEM: the caller then starts that watcher itself.
 */
int spawn_request(struct spawner *sp, const struct spawn_request *rq,
    void *tag);

/* Returns the poll(2) events to wait for on sp->fd (POLLIN while replies
 * are due, POLLOUT while requests wait to be sent), 0 when none. */
short spawn_events(const struct spawner *sp);

/* Returns when (the caller's clock, ms) the spawner is too late: it has
 * answered nothing for SPAWN_REPLY_MS while requests wait; LLONG_MAX when
 * none is waiting. */
long long spawn_deadline(const struct spawner *sp);

/* What spawn_handle says of a request: pid is the new watcher (a child of
 * the caller), or -1 with err set (EPIPE: the spawner is gone or was too
 * slow, and the watcher was not started by it; or the clone's errno). */
typedef void (*spawn_reply_fn)(void *arg, void *tag, pid_t pid, int err);

/*
 * Never waits: sends the requests the socket takes, and calls
 * reply(arg, tag, ...) for every answer that has come, in the order of the
 * requests.  A spawner that is gone, or past spawn_deadline() at now
 * (monotonic ms), is given up (killed; the caller reaps it) and every
 * request it did not answer is answered EPIPE; from then on the caller
 * starts its watchers itself.  Call it when sp->fd polls ready, at the
 * deadline, and after spawn_reaped() said the spawner ended.
 */
void spawn_handle(struct spawner *sp, long long now, spawn_reply_fn reply,
    void *arg);

/*
 * Notes that the process pid was reaped; returns 1 when it was the
 * spawner (which is then gone: spawn_handle answers what it did not),
 * else 0.
 */
int spawn_reaped(struct spawner *sp, pid_t pid);

/* Stops the spawner and reaps it; requests not answered are dropped. */
void spawn_stop(struct spawner *sp);

/*
 * Encodes rq into buf (bufsz bytes).  Returns the length, or 0 when it
 * does not fit.
 */
size_t spawn_encode(char *buf, size_t bufsz, const struct spawn_request *rq);

/*
 * Decodes buf[0..len) into *rq; its strings point into buf (which must be
 * writable: they are checked to be NUL-terminated in place).  Returns 0, or
 * -1 when buf is not a request.
 */
int spawn_decode(char *buf, size_t len, struct spawn_request *rq);

#endif
