/*
 * judge.h - the verdicts on the filter and notify values of rows, asked
 * of sitewatch-helper in batches: every value not judged yet goes to one
 * helper run (`sitewatch-helper check-batch`, its messages in verdict.h).
 * A command waits for the run (judge_run); the supervisor starts it
 * (judge_start), reaps it from its loop and ends it (judge_end), so that
 * its loop never waits for the helper.
 *
 * The verdicts are kept in a cache made by judge_cache_new(): each value
 * is judged once, whichever rows use it.
 */
#ifndef SITEWATCH_JUDGE_H
#define SITEWATCH_JUDGE_H

#include <glib.h>
#include <stddef.h>

#include "common/compare.h"
#include "common/jobs.h"

#define JUDGE_TIMEOUT_S 10	/* a batch's time limit, whatever its size */

/* A batch out, started by judge_start(). */
struct judge_batch {
	struct compare_proc proc;	/* proc.pid 0: none out */
	int infd, outfd;		/* its requests and replies (memfds) */
	GPtrArray *keys;		/* the values asked, in order (taken) */
	long long deadline;		/* monotonic ms: then it is late */
};

/* Returns a new, empty cache of verdicts (g_hash_table_destroy frees it). */
GHashTable *judge_cache_new(void);

/*
 * Appends to keys (a GPtrArray freeing with g_free) each filter and
 * notify value of jobs[0..njobs) that is neither the default nor in
 * seen nor in keys already.  Returns the number appended.
 */
size_t judge_missing(GHashTable *seen, const struct job *jobs, size_t njobs,
    GPtrArray *keys);

/*
 * The verdict in seen on value checked with what ("check-filter" or
 * "check-notify"): 0 when it can be used (also for the default), 1 when
 * it cannot (*reason says why; it points into seen), -1 when it is not
 * judged yet.
 */
int judge_lookup(GHashTable *seen, const char *what, const char *value,
    const char **reason);

/*
 * Judges the values of keys (judge_missing) in one helper run, waiting
 * for it at most JUDGE_TIMEOUT_S: their verdicts go into seen.  Returns
 * 0, or -1 when the helper could not answer them all (err says why; the
 * answers it gave are kept).  keys is left to the caller.
 */
int judge_run(GHashTable *seen, GPtrArray *keys, char *err, size_t errsz);

/*
 * judge_missing() and judge_run() of the filter and notify values of
 * jobs[0..njobs): every value seen does not hold yet, in one helper run.
 * Returns as judge_run() does.
 */
int judge_jobs(GHashTable *seen, const struct job *jobs, size_t njobs,
    char *err, size_t errsz);

/*
 * Starts the batch *b of the values keys (taken: freed whatever
 * happens) in one helper run, without waiting for it: b->proc.pid is
 * for the caller to reap, before b->deadline or else to kill with
 * judge_kill().  Returns 0, or -1 (err says why, nothing out).
 */
int judge_start(struct judge_batch *b, GPtrArray *keys, char *err,
    size_t errsz);

/*
 * Ends the batch *b, its helper reaped with the wait status status (or
 * COMPARE_LATE when it was killed late): its verdicts go into seen.
 * Returns 0, or -1 when it did not answer every value (err says why; the
 * answers it gave are kept).  *b is free for another batch then.
 */
int judge_end(struct judge_batch *b, int status, GHashTable *seen, char *err,
    size_t errsz);

/* Kills the helper of the batch *b by its pid and reaps it; *b is free
 * for another batch then.  Nothing is said, nothing judged. */
void judge_kill(struct judge_batch *b);

/*
 * Judges one value as judge_run() does (one helper run): returns 0 when
 * it can be used, 1 when it cannot (err says why), -1 when the helper
 * could not tell (err says why).  The default is always good.
 */
int judge_value(const char *what, const char *value, char *err,
    size_t errsz);

#endif
