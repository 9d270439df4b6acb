/*
 * check.h - report the problems of a jobs file the way compilers do.
 */
#ifndef SITEWATCH_CHECK_H
#define SITEWATCH_CHECK_H

#include <glib.h>
#include <stdio.h>
#include <time.h>

#include "common/jobs.h"

/*
 * Prints one "FILE:LINE: reason" line per problem in jf to fp.  Returns the
 * number of lines printed.
 */
size_t check_report(FILE *fp, const char *filename, const struct jobs_file *jf);

/* check_verdict()'s answer for a row with a value not judged yet. */
#define CHECK_UNJUDGED 2

/*
 * The verdict on row j's filter and notify values in seen (judge.h's
 * cache), without asking the helper: 0 when both can be used, 1 when
 * one cannot (its reason, "filter: ..." or "notify: ...", both joined by
 * "; " when both, in why), CHECK_UNJUDGED when one is not judged yet.
 */
int check_verdict(GHashTable *seen, const struct job *j, char *why,
    size_t whysz);

/*
 * The verdict on row j's filter and notify values, asking the helper
 * about those not in seen (judge_cache_new(); NULL: none kept) in one
 * run: as check_verdict(), or -1 when the helper cannot tell (why in
 * why).
 */
int check_row(GHashTable *seen, const struct job *j, char *why,
    size_t whysz);

/*
 * Gives the rows of the usable parse jf the verdicts in seen: a row
 * whose filter or notify value cannot be used leaves jf->jobs and becomes
 * a problem of its line (jobs_refuse); a row with a value not judged yet
 * stays, and is counted.  Returns that count, or -1 when memory ran out
 * (no row refused).
 */
int check_refuse(struct jobs_file *jf, GHashTable *seen);

/*
 * Gives every row of the usable parse jf its one verdict, the one that
 * `--check`, the supervisor and `status` count: the parse's (a row that
 * does not parse is already a problem), then check_refuse()'s, every
 * value not in seen (or NULL) judged first in one helper run.  Returns
 * 0, or -1 with the reason in err when the helper cannot tell or memory
 * ran out (no row refused then).
 */
int check_judge(struct jobs_file *jf, GHashTable *seen, char *err,
    size_t errsz);

/*
 * Prints one "FILE:LINE: warning: ..." line to fp per row that is usable
 * but likely not what was meant: a one-shot "at" time that has passed at
 * now (unless the row says done).  Returns the number of lines printed;
 * a warning makes no row unusable.
 */
size_t check_warn(FILE *fp, const char *filename, const struct jobs_file *jf,
    time_t now);

/*
 * Reads and checks the jobs file at path as `sitewatch --check` does:
 * problems to stderr, a one-line summary to stdout.  Returns the exit code:
 * 0 when every row is usable, 2 otherwise.
 */
int check_file(const char *path);

#endif
