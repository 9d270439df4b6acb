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

#include "jobs.h"

/* What a watcher is started with. */
struct spawn_request {
	struct job job;		/* its row (strings owned by whoever filled it) */
	long first_delay_ms;	/* wait this long before the first check */
};

/* Runs in the new child; never returns. */
typedef void (*spawn_child_fn)(const struct spawn_request *rq, void *arg);

struct spawner {
	pid_t pid;		/* the spawner process, 0 when there is none */
	int fd;			/* our end of its socket, -1 when none */
};

/* Requests longer than this (a very long URL) are not sent: the caller
 * forks that watcher itself. */
#define SPAWN_MSG_MAX 65536

/*
 * Forks the spawner.  In it, child(rq, arg) runs in each watcher it clones;
 * it keeps only the descriptors listed in keep[0..nkeep) (the ones the
 * watchers need) besides stdin/out/err and its socket.  Returns 0, or -1
 * with errno (sp->pid stays 0: the caller forks its watchers itself).
 */
int spawn_start(struct spawner *sp, spawn_child_fn child, void *arg,
    const int *keep, size_t nkeep);

/* Requests sent ahead of the replies (see spawn_watchers). */
#define SPAWN_WINDOW 64

/*
 * Starts the watchers of rq[0..n) through the spawner.  For each, pid[i]
 * is its pid (a child of the caller), or -1 with err[i] set: EMSGSIZE when
 * that request is too long to send, EPIPE when the spawner is gone (it is
 * then stopped and reaped: sp->pid is 0 after), or the clone's error.
 * Returns the number started.
 */
size_t spawn_watchers(struct spawner *sp, const struct spawn_request *rq,
    size_t n, pid_t *pid, int *err);

/*
 * Notes that the process pid was reaped; returns 1 when it was the
 * spawner (which is then gone), else 0.
 */
int spawn_reaped(struct spawner *sp, pid_t pid);

/* Stops the spawner and reaps it. */
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
