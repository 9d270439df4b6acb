/*
 * compare.h - the compare step of a check, run outside the watcher:
 * sitewatch-helper turns a page into the compared text (its row's
 * filter chain) and compares two texts.  This module starts the helper
 * (a short-lived process: the heavy libraries never enter a watcher),
 * feeds it, stops it when the watcher is told to stop, and reads what it
 * says.  The helper's commands are described in helper.c, each above
 * its function.
 */
#ifndef SITEWATCH_COMPARE_H
#define SITEWATCH_COMPARE_H

#include <stddef.h>
#include <sys/types.h>

/* How a helper run ended, besides its exit code (0, 1, 2). */
#define COMPARE_TROUBLE (-1)	/* it could not be run, or timed out */
#define COMPARE_ABORTED (-2)	/* interrupt() asked to stop: it was killed */
#define COMPARE_LATE (-3)	/* compare_end()'s status for a helper killed
				 * at its time limit */

/* Called while the helper runs, whenever one of the caller's descriptors
 * is readable and at least every second.  Returns nonzero to stop it. */
typedef int (*compare_interrupt_fn)(void *arg);

/* One run of the helper. */
struct compare_run {
	const char *const *args;	/* its arguments, NULL-terminated:
					 * args[0] is the helper command */
	int in_fd;			/* its stdin, or -1: /dev/null */
	int out_fd;			/* its stdout, or -1: /dev/null */
	int err_fd;			/* > 2: its stderr (the caller reads
					 * it); else captured, its first line
					 * going to err */
	long timeout;			/* seconds before it is killed */
	const int *fds;			/* watched while it runs */
	unsigned nfds;
	compare_interrupt_fn interrupt;	/* or NULL */
	void *arg;
};

/*
 * Runs sitewatch-helper with r->args and waits for it, reaping it
 * whatever happens.  Returns its exit code (0 success, 1 the input or
 * chain failed, 2 usage), COMPARE_TROUBLE, or COMPARE_ABORTED.  Unless
 * the run ended 0 or was aborted, err holds one line saying why (the
 * helper's own first line on stderr, when it wrote one).
 */
int compare_helper(const struct compare_run *r, char *err, size_t errsz);

/* A helper started by compare_start() and not waited for. */
struct compare_proc {
	pid_t pid;		/* 0: none */
	int errfd;		/* its stderr (ours to close when own_errfd) */
	int own_errfd;
	char *path;		/* the helper that runs (malloc'd) */
};

/*
 * Starts sitewatch-helper with r->args (r's in_fd, out_fd and err_fd as
 * for compare_helper; its timeout, fds and interrupt are the caller's to
 * carry out) and returns without waiting: 0 with *p filled, or
 * COMPARE_TROUBLE (err says why, nothing to end).  The caller reaps
 * p->pid itself, then calls compare_end(); or compare_kill().
 */
int compare_start(const struct compare_run *r, struct compare_proc *p,
    char *err, size_t errsz);

/*
 * Ends *p, a helper of r reaped with the wait status status (or
 * COMPARE_LATE when it was killed at its time limit, or -1 with errno
 * when waiting failed): returns as compare_helper() does, with err the
 * same, and frees what *p holds.
 */
int compare_end(const struct compare_run *r, struct compare_proc *p,
    int status, char *err, size_t errsz);

/* Kills the helper of *p by its pid, reaps it, and frees what *p holds
 * (nothing is said). */
void compare_kill(struct compare_proc *p);

/* Frees what *p holds, its helper already reaped (or never started). */
void compare_forget(struct compare_proc *p);

/* Returns 1 when a filter or notify field means the default ("" or "-"). */
int compare_is_default(const char *value);

#endif
