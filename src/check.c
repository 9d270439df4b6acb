/*
 * check.c - `sitewatch --check`: read the jobs file and say what is wrong
 * with it, one "FILE:LINE: reason" line per problem, like a compiler.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jobs.h"
#include "jobsfile.h"

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
check_file(const char *path)
{
	struct jobs_file jf;
	char *buf;
	size_t len, i, stopped = 0;
	int rc;

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
	(void)check_report(stderr, path, &jf);
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
	rc = (jf.usable && jf.nproblems == 0) ? 0 : 2;
	jobs_free(&jf);
	free(buf);
	return rc;
}
