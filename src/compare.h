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

/* How a helper run ended, besides its exit code (0, 1, 2). */
#define COMPARE_TROUBLE (-1)	/* it could not be run, or timed out */
#define COMPARE_ABORTED (-2)	/* interrupt() asked to stop: it was killed */

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

/*
 * Asks the helper whether value is a valid filter chain (what is
 * "check-filter") or notify condition ("check-notify").  Returns 0 when
 * it is, 1 when it is not (err says why), or -1 when the helper could
 * not answer (err says why).  Empty and "-" are always valid.
 */
int compare_check_value(const char *what, const char *value, char *err,
    size_t errsz);

/* Returns 1 when a filter or notify field means the default ("" or "-"). */
int compare_is_default(const char *value);

#endif
