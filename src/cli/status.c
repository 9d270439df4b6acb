/*
 * status.c - `sitewatch status`: one line per job, from the jobs file, the
 * watchers' state files and what the supervisor publishes about its
 * children.  Works whether or not a supervisor runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/status.h"
#include "common/check.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/redact.h"
#include "common/state.h"
#include "common/svlock.h"
#include "common/svstatus.h"
#include "common/util.h"

#define NCOLS 8

static const char *const heads[NCOLS] = {
	"NAME", "INTERVAL", "STATE", "PID", "LAST CHECK", "RESULT",
	"LAST CHANGE", "NEXT CHECK"
};

/* One line of the table, every cell a malloc'd string. */
struct line {
	char *cell[NCOLS];
	const struct job *job;
	struct state st;
	long restart_in;	/* seconds, -1 when not restarting */
	const char *word;	/* the state as one word, for JSON */
};

/* Formats seconds as "40s", "3m", "2h", "5d" into buf. */
static void
span(long long secs, char *buf, size_t bufsz)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		(void)snprintf(buf, bufsz, "%llds", secs);
	else if (secs < 3600)
		(void)snprintf(buf, bufsz, "%lldm", secs / 60);
	else if (secs < 86400)
		(void)snprintf(buf, bufsz, "%lldh", secs / 3600);
	else
		(void)snprintf(buf, bufsz, "%lldd", secs / 86400);
}

/* Returns a malloc'd "3m ago" for a past time, or "-" for none. */
static char *
ago(long long t, long long now)
{
	char b[32], out[96];

	if (t <= 0)
		return strdup("-");
	span(now - t, b, sizeof(b));
	(void)snprintf(out, sizeof(out), "%s ago", b);
	return strdup(out);
}

/*
 * The word of a row's state: from its pid field (j), and with a
 * supervisor (supervised) from what it published of the row's watcher
 * (word, NULL: nothing yet) and the failures in a row of its last
 * checks.  Returns a static string.
 */
static const char *
state_word(const struct job *j, const char *word, int supervised,
    unsigned failures)
{
	if (j->pid_kind == JOBS_PID_STOP)
		return "stopped";
	if (j->pid_kind == JOBS_PID_DONE)
		return "done";
	if (!supervised)
		return "not running";
	if (word == NULL)
		return "starting";
	if (strcmp(word, "backoff") == 0)
		return "restarting";
	if (strcmp(word, "down") == 0)
		return "stopped";
	return failures > 0 ? "error" : "running";
}

/* The next-check cell: "now", "in SPAN" until next (Unix time), or "-"
 * when next is 0 (not known, or no watcher running).  Returns a malloc'd
 * string, or NULL. */
static char *
next_check(long long next, long long now)
{
	char b[32], out[96];

	if (next <= 0)
		return strdup("-");
	if (next <= now)
		return strdup("now");
	span(next - now, b, sizeof(b));
	(void)snprintf(out, sizeof(out), "in %s", b);
	return strdup(out);
}

/* Fills line l for job j. */
static void
fill(struct line *l, const struct job *j, const char *statedir,
    const struct svstatus *pub, int supervised, long long now)
{
	char path[4096], b[32];
	const struct svstatus_entry *e;
	const char *word;
	long long restart_at = 0;
	int restarting = 0;

	memset(l, 0, sizeof(*l));
	l->job = j;
	l->restart_in = -1;
	if (state_path(statedir, j->name, path, sizeof(path)) == 0)
		(void)state_load(path, &l->st);
	e = supervised ? svstatus_find(pub, j->name) : NULL;
	word = e != NULL ? svstatus_word(e->state) : NULL;
	if (e != NULL)
		restart_at = e->restart_at;

	l->cell[0] = strdup(j->name);
	l->cell[1] = strdup(j->interval_text);
	l->word = state_word(j, word, supervised, l->st.failures);
	restarting = strcmp(l->word, "restarting") == 0;
	if (restarting) {
		struct timespec ts;
		long long now_ms;

		(void)clock_gettime(CLOCK_REALTIME, &ts);
		now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		l->restart_in = restart_at > now_ms ?
		    (long)((restart_at - now_ms + 999) / 1000) : 0;
		span(l->restart_in, b, sizeof(b));
		l->cell[2] = malloc(64);
		if (l->cell[2] != NULL)
			(void)snprintf(l->cell[2], 64, "restarting in %s", b);
	} else {
		l->cell[2] = strdup(l->word);
	}
	if (supervised && j->pid_kind == JOBS_PID_NUMBER &&
	    word != NULL && strcmp(word, "running") == 0) {
		(void)snprintf(b, sizeof(b), "%ld", (long)j->pid);
		l->cell[3] = strdup(b);
	} else {
		l->cell[3] = strdup("-");
	}
	l->cell[4] = ago(l->st.last_check, now);
	l->cell[5] = strdup(l->st.last_result[0] ? l->st.last_result : "-");
	l->cell[6] = ago(l->st.last_change, now);
	l->cell[7] = next_check(supervised && word != NULL &&
	    strcmp(word, "running") == 0 ? l->st.next_check : 0, now);
}

/* Returns the number of characters (not bytes) of UTF-8 text s. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Prints s as a JSON string. */
static void
json_str(const char *s)
{
	(void)putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			(void)printf("\\%c", c);
		else if (c < 0x20)
			(void)printf("\\u%04x", c);
		else
			(void)putchar(c);
	}
	(void)putchar('"');
}

/* Prints a Unix time as a JSON ISO-8601 UTC string, or null. */
static void
json_time(long long t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		(void)fputs("null", stdout);
		return;
	}
	(void)gmtime_r(&tt, &tm);
	(void)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	(void)printf("\"%s\"", buf);
}

static void
print_json(const struct line *lines, size_t n, int supervised, long holder)
{
	char url[REDACT_MAX];
	size_t i;

	(void)printf("{\"supervisor\": ");
	if (supervised)
		(void)printf("%ld", holder);
	else
		(void)fputs("null", stdout);
	(void)printf(", \"jobs\": [");
	for (i = 0; i < n; i++) {
		const struct line *l = &lines[i];

		(void)printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(l->job->name);
		(void)fputs(", \"url\": ", stdout);
		json_str(redact_url(l->job->url, REDACT_SHOWN, url,
		    sizeof(url)));
		(void)fputs(", \"interval\": ", stdout);
		json_str(l->job->interval_text);
		(void)printf(", \"interval_seconds\": %ld, \"state\": ",
		    l->job->interval);
		json_str(l->word);
		(void)fputs(", \"pid\": ", stdout);
		if (strcmp(l->cell[3] != NULL ? l->cell[3] : "-", "-") == 0)
			(void)fputs("null", stdout);
		else
			(void)fputs(l->cell[3], stdout);
		(void)fputs(", \"restart_in\": ", stdout);
		if (l->restart_in >= 0)
			(void)printf("%ld", l->restart_in);
		else
			(void)fputs("null", stdout);
		(void)fputs(", \"last_check\": ", stdout);
		json_time(l->st.last_check);
		(void)fputs(", \"last_result\": ", stdout);
		if (l->st.last_result[0] != '\0')
			json_str(l->st.last_result);
		else
			(void)fputs("null", stdout);
		(void)fputs(", \"error\": ", stdout);
		if (l->st.last_error[0] != '\0')
			json_str(l->st.last_error);
		else
			(void)fputs("null", stdout);
		(void)fputs(", \"last_change\": ", stdout);
		json_time(l->st.last_change);
		(void)fputs(", \"last_modified\": ", stdout);
		json_str(l->job->lastmod);
		(void)fputs(", \"next_check\": ", stdout);
		json_time(strcmp(l->cell[7] != NULL ? l->cell[7] : "-", "-") ?
		    l->st.next_check : 0);
		(void)printf(", \"failures\": %u}", l->st.failures);
	}
	(void)printf("%s]}\n", n ? "\n" : "");
}

static void
print_table(const struct line *lines, size_t n, int aligned)
{
	size_t w[NCOLS], i, c;

	for (c = 0; c < NCOLS; c++)
		w[c] = width(heads[c]);
	for (i = 0; i < n; i++)
		for (c = 0; c < NCOLS; c++)
			if (lines[i].cell[c] != NULL &&
			    width(lines[i].cell[c]) > w[c])
				w[c] = width(lines[i].cell[c]);
	if (aligned)
		for (c = 0; c < NCOLS; c++)
			(void)printf("%s%*s", heads[c], c + 1 < NCOLS ?
			    (int)(w[c] - width(heads[c]) + 2) : 0, "");
	if (aligned)
		(void)putchar('\n');
	for (i = 0; i < n; i++) {
		for (c = 0; c < NCOLS; c++) {
			const char *s = lines[i].cell[c] != NULL ?
			    lines[i].cell[c] : "?";

			if (!aligned)
				(void)printf("%s%s", s, c + 1 < NCOLS ? "\t" : "");
			else
				(void)printf("%s%*s", s, c + 1 < NCOLS ?
				    (int)(w[c] - width(s) + 2) : 0, "");
		}
		(void)putchar('\n');
	}
}

int
cmd_status(const char *file, enum status_format fmt)
{
	struct jobs_file jf;
	struct line *lines;
	struct svstatus *pub = NULL;
	char *buf, statedir[4096], pubpath[4200], err[600];
	char lerr[JOBSFILE_LOAD_ERR];
	size_t i, c;
	long holder = svlock_holder(file);
	long long now = (long long)time(NULL);
	int supervised = holder > 0;

	if (jobsfile_load(file, &jf, &buf, lerr, sizeof(lerr)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", lerr);
		return 2;
	}
	/* The rows --check and the supervisor refuse are not shown, and
	 * counted as they count them (a helper that cannot tell refuses
	 * none: the watchers say why). */
	(void)check_judge(&jf, NULL, err, sizeof(err));
	if (state_dir(file, statedir, sizeof(statedir)) == -1)
		statedir[0] = '\0';
	if (supervised && svstatus_path(file, pubpath, sizeof(pubpath)) == 0)
		pub = svstatus_read(pubpath);
	lines = calloc(jf.njobs ? jf.njobs : 1, sizeof(*lines));
	if (lines == NULL) {
		jobs_free(&jf);
		free(buf);
		svstatus_free(pub);
		return 1;
	}
	for (i = 0; i < jf.njobs; i++)
		fill(&lines[i], &jf.jobs[i], statedir, pub, supervised, now);
	if (jf.nproblems > 0)
		(void)fprintf(stderr, "sitewatch: %s: %zu row%s cannot be used "
		    "(see sitewatch --check -f %s)\n", file, jf.nproblems,
		    jf.nproblems == 1 ? "" : "s", file);
	if (fmt == STATUS_JSON)
		print_json(lines, jf.njobs, supervised, holder);
	else
		print_table(lines, jf.njobs, fmt == STATUS_TABLE);
	for (i = 0; i < jf.njobs; i++)
		for (c = 0; c < NCOLS; c++)
			free(lines[i].cell[c]);
	free(lines);
	svstatus_free(pub);
	jobs_free(&jf);
	free(buf);
	return 0;
}
