/*
 * check.c - `sitewatch --check`: read the jobs file and say what is wrong
 * with it, one "FILE:LINE: reason" line per problem, like a compiler.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/check.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/judge.h"
#include "common/schedule.h"

size_t
check_report(FILE *fp, const char *filename, const struct jobs_file *jf)
{
	size_t i;

	for (i = 0; i < jf->nproblems; i++) {
		if (jf->problems[i].lineno == 0)
			(void)fprintf(fp, "%s: %s\n", filename,
			    jf->problems[i].msg);
		else
			(void)fprintf(fp, "%s:%zu: %s\n", filename,
			    jf->problems[i].lineno, jf->problems[i].msg);
	}
	return jf->nproblems;
}

int
check_verdict(GHashTable *seen, const struct job *j, char *why, size_t whysz)
{
	const struct {
		const char *col, *cmd, *value;
	} f[2] = {
		{ "filter", "check-filter", j->filter },
		{ "notify", "check-notify", j->notify }
	};
	const char *reason;
	size_t k, len = 0;
	int bad = 0;

	why[0] = '\0';
	for (k = 0; k < 2; k++) {
		switch (judge_lookup(seen, f[k].cmd, f[k].value, &reason)) {
		case -1:
			return CHECK_UNJUDGED;
		case 0:
			continue;
		default:
			break;
		}
		/* Both bad: one verdict, both reasons. */
		if (len < whysz)
			len += (size_t)snprintf(why + len, whysz - len, "%s%s: %s",
			    bad ? "; " : "", f[k].col, reason);
		bad = 1;
	}
	return bad;
}

int
check_row(GHashTable *seen, const struct job *j, char *why, size_t whysz)
{
	GHashTable *mine = seen != NULL ? NULL : judge_cache_new();
	int r;

	if (seen == NULL)
		seen = mine;
	r = judge_jobs(seen, j, 1, why, whysz) == -1 ? -1 :
	    check_verdict(seen, j, why, whysz);
	if (mine != NULL)
		g_hash_table_destroy(mine);
	return r;
}

int
check_refuse(struct jobs_file *jf, GHashTable *seen)
{
	const char **why = calloc(jf->njobs + 1, sizeof(*why));
	char *reasons = NULL, *r;
	size_t i, rsz = 600;
	int held = 0;

	if (why != NULL)
		reasons = malloc((jf->njobs + 1) * rsz);
	if (why == NULL || reasons == NULL) {
		free(why);
		free(reasons);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < jf->njobs; i++) {
		r = reasons + i * rsz;
		switch (check_verdict(seen, &jf->jobs[i], r, rsz)) {
		case 1:
			why[i] = r;
			break;
		case CHECK_UNJUDGED:
			held++;
			break;
		default:
			break;
		}
	}
	if (jobs_refuse(jf, why) == -1)
		held = -1;
	free(why);
	free(reasons);
	return held;
}

int
check_judge(struct jobs_file *jf, GHashTable *seen, char *err, size_t errsz)
{
	GHashTable *mine = seen != NULL ? NULL : judge_cache_new();
	char why[512];
	int rc = 0;

	if (seen == NULL)
		seen = mine;
	if (judge_jobs(seen, jf->jobs, jf->njobs, why, sizeof(why)) == -1) {
		(void)snprintf(err, errsz, "cannot check filters: %s", why);
		rc = -1;
	} else if (check_refuse(jf, seen) == -1) {
		(void)snprintf(err, errsz, "out of memory");
		rc = -1;
	}
	if (mine != NULL)
		g_hash_table_destroy(mine);
	return rc;
}

size_t
check_warn(FILE *fp, const char *filename, const struct jobs_file *jf,
    time_t now)
{
	char msg[256];
	size_t i, printed = 0;

	for (i = 0; i < jf->njobs; i++) {
		const struct job *j = &jf->jobs[i];

		/* A row that has run says done, and is not run again. */
		if (j->pid_kind == JOBS_PID_DONE ||
		    !schedule_at_past(&j->sched, now, msg, sizeof(msg)))
			continue;
		(void)fprintf(fp, "%s:%zu: warning: interval: %s: the row is "
		    "checked once, at start\n", filename, j->lineno, msg);
		printed++;
	}
	return printed;
}

int
check_file(const char *path)
{
	struct jobs_file jf;
	char *buf;
	char err[600];
	size_t len, i, stopped = 0;
	int rc, judged;

	if (jobsfile_read(path, &buf, &len, NULL) == -1) {
		(void)fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	if (jobs_parse(&jf, buf, len) == -1 && errno == ENOMEM) {
		(void)fprintf(stderr, "%s: out of memory\n", path);
		jobs_free(&jf);
		free(buf);
		return 2;
	}
	/* One verdict per row, as the supervisor and status give it. */
	judged = !jf.usable || check_judge(&jf, NULL, err, sizeof(err)) == 0;
	(void)check_report(stderr, path, &jf);
	if (!judged)
		(void)fprintf(stderr, "%s: %s\n", path, err);
	(void)check_warn(stderr, path, &jf, time(NULL));
	for (i = 0; i < jf.njobs; i++)
		if (jf.jobs[i].pid_kind == JOBS_PID_STOP)
			stopped++;
	if (!jf.usable)
		(void)printf("%s: not usable\n", path);
	else
		(void)printf("%s: %zu job%s usable (%zu stopped), "
		    "%zu row%s with problems\n", path, jf.njobs,
		    jf.njobs == 1 ? "" : "s", stopped, jf.nproblems,
		    jf.nproblems == 1 ? "" : "s");
	rc = (jf.usable && jf.nproblems == 0 && judged) ? 0 : 2;
	jobs_free(&jf);
	free(buf);
	return rc;
}
