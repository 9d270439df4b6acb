/*
 * importcmd.c - `sitewatch import URLS.YAML`: urlwatch's url jobs
 * appended to the jobs file.
 *
 * The YAML is read by sitewatch-helper (`import-urlwatch`), so that
 * libyaml never enters this binary; it answers one line per job and per
 * problem (see helper.c).  This side checks each row by the rules `add`
 * applies (the filter chain by the helper's check-filter), gives it a
 * name no row has, and appends every row in one
 * locked rewrite, so a watcher or a person writing meanwhile loses
 * nothing and a failure leaves the file as it was.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "cli/commands.h"
#include "cli/importcmd.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/judge.h"
#include "common/redact.h"
#include "common/schedule.h"
#include "common/util.h"

/* One job as the helper gave it: fields point into its output. */
struct import_row {
	size_t line;
	const char *name, *url, *filter;
	char *unique;		/* the name it gets here (malloc'd) */
};

/*
 * Runs `sitewatch-helper import-urlwatch yaml` and returns its standard
 * output (g_free it), or NULL when it failed: *rc is then the exit code
 * for the command (2 when the helper said the file is unusable, on
 * stderr, which it shares with us; 1 when it could not run).
 */
static char *
helper_read(const char *yaml, int *rc)
{
	char helper[4096];
	char *argv[4], *out = NULL;
	GError *gerr = NULL;
	int status;

	*rc = 1;
	if (util_helper_path(helper, sizeof(helper)) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot find sitewatch-helper "
		    "(tried %s; set SITEWATCH_HELPER)\n", helper);
		return NULL;
	}
	argv[0] = helper;
	argv[1] = (char *)"import-urlwatch";
	argv[2] = (char *)yaml;
	argv[3] = NULL;
	if (!g_spawn_sync(NULL, argv, NULL, (GSpawnFlags)0, NULL, NULL, &out,
	    NULL, &status, &gerr)) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", helper,
		    gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return out;
	g_free(out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		*rc = 2;	/* it said why: unreadable, or not YAML */
	else
		(void)fprintf(stderr, "sitewatch: %s failed (status %d)\n",
		    helper, status);
	return NULL;
}

/*
 * Splits the helper's output into rows (jobs[], *njobs) and prints each
 * problem line as "YAML:LINE: message".  Returns the number of problems,
 * or -1 when the output is not what the helper writes.
 */
static long
parse_answer(char *out, const char *yaml, struct import_row *jobs,
    size_t *njobs)
{
	char *line, *save = NULL, *f[5];
	long problems = 0;
	size_t n;

	*njobs = 0;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *p = line;

		for (n = 0; n < 5 && p != NULL; n++) {
			f[n] = p;
			p = strchr(p, '\t');
			if (p != NULL && !(n == 2 && strcmp(f[0], "problem") == 0))
				*p++ = '\0';
			else if (p != NULL)
				p = NULL;	/* a message may hold tabs */
		}
		if (n == 3 && strcmp(f[0], "problem") == 0) {
			(void)fprintf(stderr, "%s:%s: %s\n", yaml, f[1], f[2]);
			problems++;
		} else if (n == 5 && strcmp(f[0], "job") == 0) {
			jobs[*njobs].line = strtoul(f[1], NULL, 10);
			jobs[*njobs].name = f[2];
			jobs[*njobs].url = f[3];
			jobs[*njobs].filter = f[4];
			jobs[*njobs].unique = NULL;
			(*njobs)++;
		} else {
			return -1;
		}
	}
	return problems;
}

/* Returns 1 when name is taken by a usable row of jf or by one of the
 * rows rows[0..n) to be added, else 0. */
static int
taken(const struct jobs_file *jf, const struct import_row *rows, size_t n,
    const char *name)
{
	size_t i;

	if (jf != NULL && jobs_find(jf, name) != NULL)
		return 1;
	for (i = 0; i < n; i++)
		if (rows[i].unique != NULL && strcmp(rows[i].unique, name) == 0)
			return 1;
	return 0;
}

/*
 * Returns the usable row of jf that is row r imported before: the same
 * url under r's name or one import made from it (NAME-2...), or NULL.
 */
static const struct job *
imported_before(const struct jobs_file *jf, const struct import_row *r)
{
	size_t i, n = strlen(r->name);

	for (i = 0; jf != NULL && i < jf->njobs; i++) {
		const struct job *j = &jf->jobs[i];

		if (strcmp(j->url, r->url) != 0 || strncmp(j->name, r->name, n))
			continue;
		if (j->name[n] == '\0' || (j->name[n] == '-' &&
		    j->name[n + 1] != '\0' &&
		    strspn(j->name + n + 1, "0123456789") ==
		    strlen(j->name + n + 1)))
			return j;
	}
	return NULL;
}

/*
 * Decides what happens to row r (index i of rows): 1 when it is to be
 * added (r->unique then holds its name), 0 when it is already in the
 * file, -1 when it cannot be (said on stderr), -2 without memory.  A
 * filter the helper refuses is said and dropped, and counts in *problems.
 */
static int
plan_row(const char *yaml, const char *file, const struct jobs_file *jf,
    struct import_row *rows, size_t i, long *problems)
{
	struct import_row *r = &rows[i];
	const struct job *same = imported_before(jf, r);
	char err[512], cand[1024];
	unsigned k;

	if (jobs_check_name(r->name, err, sizeof(err)) == -1 ||
	    jobs_check_url(r->url, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "%s:%zu: job \"%s\": %s (not imported)\n",
		    yaml, r->line, r->name, err);
		return -1;
	}
	if (same != NULL) {
		(void)printf("%s: already in %s as \"%s\"\n", r->name, file,
		    same->name);
		return 0;
	}
	(void)snprintf(cand, sizeof(cand), "%s", r->name);
	for (k = 2; taken(jf, rows, i, cand); k++)
		(void)snprintf(cand, sizeof(cand), "%s-%u", r->name, k);
	if ((r->unique = strdup(cand)) == NULL)
		return -2;
	if (strcmp(cand, r->name) != 0)
		(void)fprintf(stderr, "%s:%zu: job \"%s\": the name is taken, "
		    "imported as \"%s\"\n", yaml, r->line, r->name, cand);
	if (*r->filter != '\0') {
		/* The chain as `add --filter` checks it; a chain the helper
		 * refuses is said, and the row comes without it. */
		int v = judge_value("check-filter", r->filter, err,
		    sizeof(err));

		if (v != 0) {
			(void)fprintf(stderr, "%s:%zu: job \"%s\": filter \"%s\""
			    "%s: %s (imported without it)\n", yaml, r->line,
			    r->name, r->filter, v == 1 ? "" :
			    " cannot be checked", err);
			r->filter = "";
			(*problems)++;
		}
	}
	return 1;
}

/*
 * Appends rows[0..n) that have a unique name to file in one locked
 * rewrite, and says what became of each.  Returns how many were added,
 * or -1 after saying why none was.
 */
static long
append_rows(const char *file, const char *interval,
    const struct schedule *sched, struct import_row *rows, size_t n)
{
	struct jobs_edit *e = calloc(n > 0 ? n : 1, sizeof(*e));
	size_t i, m = 0;
	char err[512], shown[REDACT_MAX];
	long added = 0;
	int said = 0;

	if (e == NULL) {
		(void)fprintf(stderr, "sitewatch: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (rows[i].unique != NULL) {
			e[m].op = JOBS_EDIT_ADD;
			e[m].name = rows[i].unique;
			e[m].url = rows[i].url;
			e[m].interval = interval;
			e[m].filter = *rows[i].filter != '\0' ? rows[i].filter :
			    NULL;
			m++;
		}
	if (m > 0 && jobsfile_edit(file, e, m, err, sizeof(err)) != 0) {
		int saved = errno;

		(void)fprintf(stderr, "sitewatch: %s\n", err);
		free(e);
		errno = saved;	/* for the exit code */
		return -1;
	}
	for (i = 0; i < m; i++) {
		if ((e[i].cols_added & JOBS_ADDED_FILTER) && !said++)
			(void)printf("%s: added the column filter to the "
			    "header, with an empty field in every other row\n",
			    file);
		if (e[i].result == JOBS_EDIT_INVALID) {
			(void)fprintf(stderr, "sitewatch: %s: job \"%s\": %s "
			    "(not imported)\n", file, e[i].name, e[i].why);
			continue;
		}
		if (e[i].result == JOBS_EDIT_EXISTS) {
			(void)fprintf(stderr, "sitewatch: %s: name \"%s\" is "
			    "used by a row that cannot be used (not "
			    "imported)\n", file, e[i].name);
			continue;
		}
		(void)printf("%s: added, %s%s: %s%s%s\n", e[i].name,
		    sched->kind == SCHEDULE_EVERY ? "every " : "", interval,
		    redact_url(e[i].url, REDACT_SHOWN, shown, sizeof(shown)),
		    e[i].filter != NULL ? ", filter " : "",
		    e[i].filter != NULL ? e[i].filter : "");
		added++;
	}
	free(e);
	return added;
}

/*
 * Reads the jobs file that the rows are imported into: *jfp = jf, parsed
 * from *buf (the caller frees both), or NULL when there is none yet.  A
 * blank file is a missing one: it gets its header with the rows.
 * Returns 0, or 2 (the exit code) after saying why it cannot be used.
 */
static int
existing_file(const char *file, char **buf, struct jobs_file *jf,
    struct jobs_file **jfp)
{
	size_t len;

	*jfp = NULL;
	if (jobsfile_read(file, buf, &len, NULL) == 0 &&
	    !commands_file_blank(*buf, len)) {
		if (jobs_parse(jf, *buf, len) == -1) {
			(void)fprintf(stderr, "sitewatch: %s is not usable (see "
			    "sitewatch --check -f %s)\n", file, file);
			jobs_free(jf);
			return 2;
		}
		*jfp = jf;
	} else if (*buf == NULL && errno != ENOENT) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", file,
		    strerror(errno));
		return 2;
	}
	return 0;
}

int
cmd_import(const char *file, const char *interval, const char *yaml)
{
	struct jobs_file jf, *jfp = NULL;
	struct import_row *rows = NULL;
	struct schedule sched;
	char *out, *buf = NULL, err[512];
	size_t njobs = 0, len, i;
	long problems, added = 0, already = 0;
	int rc;

	if (schedule_parse(interval, &sched, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	if ((out = helper_read(yaml, &rc)) == NULL)
		return rc;
	/* At most one job per line of the answer. */
	for (i = 0, len = 1; out[i] != '\0'; i++)
		len += out[i] == '\n';
	rows = calloc(len, sizeof(*rows));
	if (rows == NULL) {
		g_free(out);
		return 1;
	}
	problems = parse_answer(out, yaml, rows, &njobs);
	if (problems < 0) {
		(void)fprintf(stderr, "sitewatch: sitewatch-helper gave an "
		    "answer this sitewatch does not understand (not the same "
		    "version?)\n");
		rc = 1;
		goto out;
	}
	if ((rc = existing_file(file, &buf, &jf, &jfp)) != 0)
		goto out;
	for (i = 0; i < njobs; i++) {
		int r = plan_row(yaml, file, jfp, rows, i, &problems);

		if (r == -2) {
			rc = 1;
			goto out;
		}
		problems += r == -1;
		added += r == 1;
		already += r == 0;
	}
	if (added > 0) {
		if (jfp == NULL && commands_create_file(file) == -1) {
			rc = commands_file_error(errno);
			goto out;
		}
		added = append_rows(file, interval, &sched, rows, njobs);
		if (added < 0) {
			rc = commands_file_error(errno);
			goto out;
		}
	}
	(void)printf("imported %ld of %zu url jobs from %s into %s%s\n", added,
	    njobs, yaml, file, problems > 0 ? " (see the messages above for "
	    "what was not carried over)" : "");
	/* Nothing carried over although something was refused: bad input. */
	rc = added == 0 && already == 0 && problems > 0 ? 2 : 0;
out:
	if (jfp != NULL)
		jobs_free(jfp);
	for (i = 0; i < njobs; i++)
		free(rows[i].unique);
	free(rows);
	free(buf);
	g_free(out);
	return rc;
}
