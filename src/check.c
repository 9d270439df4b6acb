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

#include "check.h"
#include "compare.h"
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

/*
 * Checks one field value with the helper, remembering the answers in
 * seen (value -> reason, "" when valid) so a value used by many rows is
 * checked once.  Returns the reason (owned by seen), "" when valid, or
 * NULL when the helper could not answer (why in err).
 */
static const char *
check_value(GHashTable *seen, const char *what, const char *value,
    char *err, size_t errsz)
{
	char key[8 + JOBS_MAX_LINE], reason[512];
	const char *known;
	int r;

	(void)snprintf(key, sizeof(key), "%s\n%s", what, value);
	known = g_hash_table_lookup(seen, key);
	if (known != NULL)
		return known;
	r = compare_check_value(what, value, reason, sizeof(reason));
	if (r == -1) {
		(void)snprintf(err, errsz, "%s", reason);
		return NULL;
	}
	g_hash_table_insert(seen, g_strdup(key), g_strdup(r == 0 ? "" : reason));
	return g_hash_table_lookup(seen, key);
}

size_t
check_compare(FILE *fp, const char *filename, const struct jobs_file *jf)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	char err[512];
	size_t i, k, printed = 0;

	for (i = 0; i < jf->njobs; i++) {
		const struct job *j = &jf->jobs[i];
		const struct {
			const char *col, *cmd, *value;
		} f[2] = {
			{ "filter", "check-filter", j->filter },
			{ "notify", "check-notify", j->notify }
		};

		for (k = 0; k < 2; k++) {
			const char *why;

			if (compare_is_default(f[k].value))
				continue;
			why = check_value(seen, f[k].cmd, f[k].value, err,
			    sizeof(err));
			if (why == NULL) {
				(void)fprintf(fp, "%s: cannot check filters: "
				    "%s\n", filename, err);
				g_hash_table_destroy(seen);
				return printed + 1;
			}
			if (*why == '\0')
				continue;
			(void)fprintf(fp, "%s:%zu: %s: %s\n", filename,
			    j->lineno, f[k].col, why);
			printed++;
		}
	}
	g_hash_table_destroy(seen);
	return printed;
}

int
check_file(const char *path)
{
	struct jobs_file jf;
	char *buf;
	size_t len, i, stopped = 0, bad;
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
	bad = check_compare(stderr, path, &jf);
	for (i = 0; i < jf.njobs; i++)
		if (jf.jobs[i].pid_kind == JOBS_PID_STOP)
			stopped++;
	if (!jf.usable)
		(void)printf("%s: not usable\n", path);
	else
		(void)printf("%s: %zu job%s usable (%zu stopped), "
		    "%zu row%s with problems\n", path, jf.njobs,
		    jf.njobs == 1 ? "" : "s", stopped, jf.nproblems + bad,
		    jf.nproblems + bad == 1 ? "" : "s");
	rc = (jf.usable && jf.nproblems == 0 && bad == 0) ? 0 : 2;
	jobs_free(&jf);
	free(buf);
	return rc;
}
