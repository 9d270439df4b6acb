/*
 * commands.c - stop, start, add, remove and check: small locked edits of
 * the jobs file, validated before anything is written.
 */
#define _GNU_SOURCE		/* strcasestr, strptime */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/judge.h"
#include "common/log.h"
#include "common/redact.h"
#include "common/schedule.h"
#include "common/state.h"
#include "common/svlock.h"
#include "common/util.h"
#include "notifier/notify.h"
#include "watcher/watcher.h"

/*
 * Reads and parses the jobs file for a command.  Returns 0, or prints why
 * not and returns the exit code (2).
 */
static int
load(const char *file, struct jobs_file *jf, char **buf)
{
	char err[JOBSFILE_LOAD_ERR];

	if (jobsfile_load(file, jf, buf, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	return 0;
}

/* Says that name is not a job of file, with the close matches. */
static void
unknown(const char *file, const struct jobs_file *jf, const char *name)
{
	size_t i, shown = 0, limit = util_close_limit(name);

	(void)fprintf(stderr, "sitewatch: %s: no job called \"%s\"", file,
	    name);
	for (i = 0; i < jf->njobs && shown < 5; i++) {
		const char *j = jf->jobs[i].name;

		if (util_distance(name, j) > limit && strcasestr(j, name) == NULL &&
		    strcasestr(name, j) == NULL)
			continue;
		(void)fprintf(stderr, "%s\"%s\"", shown == 0 ?
		    "; did you mean " : " or ", j);
		shown++;
	}
	(void)fputs(shown > 0 ? "?\n" : "\n", stderr);
}

/* Checks that every name is a usable row.  Returns 0, or 2 after saying
 * which are not. */
static int
known(const char *file, const struct jobs_file *jf, char *const *names, int n)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		if (jobs_find(jf, names[i]) == NULL) {
			unknown(file, jf, names[i]);
			rc = 2;
		}
	return rc;
}

int
commands_file_error(int e)
{
	switch (e) {
	case EACCES: case EPERM: case EROFS: case ENOENT: case ENOTDIR:
	case EISDIR: case ELOOP: case ENAMETOOLONG: case ETXTBSY:
		return 2;
	default:
		return 1;
	}
}

/* What cmd_stop_start() does for one name. */
enum stop_start { SS_EDIT, SS_ALREADY_STOPPED, SS_ALREADY_RUNNING };

/*
 * Decides what stop (or start) does for row j: write the field, or
 * nothing because the row is already stopped (a running watcher, for
 * start; running tells whether a supervisor holds the file).
 */
static enum stop_start
stop_start_what(const struct job *j, int stop, int running)
{
	if (stop)
		return j->pid_kind == JOBS_PID_STOP ? SS_ALREADY_STOPPED :
		    SS_EDIT;
	/* A number is a running watcher only while a supervisor holds the
	 * file and the process lives: else a pid left by a run that ended. */
	if (j->pid_kind == JOBS_PID_NUMBER && running && kill(j->pid, 0) == 0)
		return SS_ALREADY_RUNNING;
	return SS_EDIT;
}

int
cmd_stop_start(const char *file, char *const *names, int n, int stop)
{
	struct jobs_file jf;
	struct jobs_edit *e;
	enum stop_start *what;
	char *buf, err[512];
	int i, m = 0, rc, running = svlock_holder(file) > 0;

	if ((rc = load(file, &jf, &buf)) != 0)
		return rc;
	if ((rc = known(file, &jf, names, n)) != 0)
		goto out;
	e = n > 0 ? calloc((size_t)n, sizeof(*e)) : NULL;
	what = n > 0 ? calloc((size_t)n, sizeof(*what)) : NULL;
	if (e == NULL || what == NULL) {
		free(e);
		free(what);
		rc = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		what[i] = stop_start_what(jobs_find(&jf, names[i]), stop,
		    running);
		if (what[i] != SS_EDIT)
			continue;
		e[m].name = names[i];
		e[m].pid = stop ? JOBS_PIDWORD_STOP : JOBS_PIDWORD_FREE;
		m++;
	}
	if (m > 0 && jobsfile_edit(file, e, (size_t)m, err, sizeof(err)) != 0) {
		rc = commands_file_error(errno);
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		goto done;
	}
	for (i = 0, m = 0; i < n; i++) {
		const struct job *j = jobs_find(&jf, names[i]);

		if (what[i] == SS_ALREADY_STOPPED)
			(void)printf("%s: already stopped\n", names[i]);
		else if (what[i] == SS_ALREADY_RUNNING)
			(void)printf("%s: already running (pid %s)\n",
			    names[i], j->pid_text);
		else if (e[m++].result == JOBS_EDIT_NOROW)
			(void)printf("%s: gone from %s meanwhile\n", names[i],
			    file);
		else if (stop)
			(void)printf("%s: stopped%s\n", names[i], running ? "" :
			    " (no supervisor is running; it stays stopped)");
		else
			(void)printf("%s: started%s\n", names[i], running ? "" :
			    " (it runs when the supervisor starts)");
	}
done:
	free(e);
	free(what);
out:
	jobs_free(&jf);
	free(buf);
	return rc;
}

int
commands_file_blank(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		/* A line is blank or a comment by its first non-blank byte. */
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
		    buf[i] == '\r'))
			i++;
		if (i < len && buf[i] != '\n' && buf[i] != '#')
			return 0;
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	return 1;
}

/*
 * Writes the header into the existing file at file when it is blank
 * (commands_file_blank): after its comments, or in place of its white
 * space.  Returns 0 (also when it is not blank, or changed meanwhile:
 * the edit that follows reads it), or -1 after saying why (errno kept).
 */
static int
header_blank_file(const char *file, const char *header, size_t hlen)
{
	char *buf, *out, err[512];
	size_t len, keep = 0, i;
	int e, r;

	if (jobsfile_read(file, &buf, &len, NULL) == -1) {
		e = errno;
		(void)fprintf(stderr, "sitewatch: %s: %s\n", file, strerror(e));
		errno = e;
		return -1;
	}
	if (!commands_file_blank(buf, len)) {
		free(buf);
		return 0;
	}
	/* Comments are kept, up to the end of the last one's line. */
	for (i = 0; i < len; i++)
		if (buf[i] == '#')
			keep = len;
	out = malloc(len + hlen + 2);
	if (out == NULL) {
		free(buf);
		(void)fprintf(stderr, "sitewatch: out of memory\n");
		errno = ENOMEM;
		return -1;
	}
	memcpy(out, buf, keep);
	if (keep > 0 && buf[keep - 1] != '\n')
		out[keep++] = '\n';
	memcpy(out + keep, header, hlen);
	r = jobsfile_replace(file, buf, len, out, keep + hlen, err,
	    sizeof(err));
	e = errno;
	free(buf);
	free(out);
	if (r == JOBSFILE_OK) {
		(void)fprintf(stderr, "sitewatch: %s had no header: wrote "
		    "it\n", file);
	} else if (r != JOBSFILE_CHANGED) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		errno = e;
		return -1;
	}
	return 0;
}

int
commands_create_file(const char *file)
{
	static const char header[] = "interval;name;url;last-modified;pid\n";
	char dir[4096];
	int fd, e;

	if (util_dirname(file, dir, sizeof(dir)) == -1 ||
	    util_mkdirs(dir, 0755) == -1) {
		e = errno;
		(void)fprintf(stderr, "sitewatch: %s: %s\n", dir, strerror(e));
		errno = e;
		return -1;
	}
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1 && errno == EEXIST)
		return header_blank_file(file, header, sizeof(header) - 1);
	if (fd == -1 || util_write_all(fd, header, sizeof(header) - 1) == -1 ||
	    close(fd) == -1) {
		e = errno;
		(void)fprintf(stderr, "sitewatch: %s: %s\n", file, strerror(e));
		errno = e;
		return -1;
	}
	(void)fprintf(stderr, "sitewatch: created %s\n", file);
	return 0;
}

/*
 * Checks a --filter or --notify value with the helper.  Returns 0, or 2
 * (after saying why) when it is not valid, 1 when it cannot be checked.
 */
int
commands_valid_value(const char *col, const char *what, const char *value)
{
	char err[512];

	switch (judge_value(what, value, err, sizeof(err))) {
	case 0:
		return 0;
	case 1:
		(void)fprintf(stderr, "sitewatch: %s: %s\n", col, err);
		return 2;
	default:
		(void)fprintf(stderr, "sitewatch: cannot check the %s: %s\n",
		    col, err);
		return 1;
	}
}

/* Reads $SITEWATCH_NOW, the fixed clock of the tests, or returns now. */
static time_t
clock_now(void)
{
	const char *v = getenv("SITEWATCH_NOW");
	struct tm tm;
	char *end;

	if (v == NULL || *v == '\0')
		return time(NULL);
	if (*v == '@')
		return (time_t)strtoll(v + 1, NULL, 10);
	memset(&tm, 0, sizeof(tm));
	end = strptime(v, "%Y-%m-%d %H:%M", &tm);
	if (end != NULL && *end == ':')
		end = strptime(end, ":%S", &tm);
	if (end == NULL || *end != '\0')
		return time(NULL);
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/*
 * Checks the values of `add` before anything is written, saying what is
 * wrong, and parses interval into *sched.  Returns 0, or the exit code: 2
 * for a bad value, 1 when a filter or notify value cannot be checked.
 */
static int
add_valid(const char *interval, struct schedule *sched, const char *name,
    const char *url, const char *filter, const char *notify)
{
	char err[512];
	int r;

	if (jobs_check_name(name, err, sizeof(err)) == -1 ||
	    jobs_check_url(url, err, sizeof(err)) == -1 ||
	    schedule_parse(interval, sched, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	/* A one-shot time already past would only take a baseline: there
	 * is nothing after it to compare with. */
	if (schedule_at_past(sched, clock_now(), err, sizeof(err))) {
		(void)fprintf(stderr, "sitewatch: interval: %s: give a time "
		    "to come\n", err);
		return 2;
	}
	r = commands_valid_value("filter", "check-filter", filter);
	if (r == 0)
		r = commands_valid_value("notify", "check-notify", notify);
	return r;
}

int
cmd_add(const char *file, const char *interval, const char *name,
    const char *url, const char *filter, const char *notify)
{
	struct jobs_edit e;
	struct schedule sched;
	char err[512], shown[REDACT_MAX];
	int r;

	if ((r = add_valid(interval, &sched, name, url, filter, notify)) != 0)
		return r;
	if (commands_create_file(file) == -1)
		return commands_file_error(errno);
	memset(&e, 0, sizeof(e));
	e.op = JOBS_EDIT_ADD;
	e.name = name;
	e.url = url;
	e.interval = interval;
	e.filter = filter;
	e.notify = notify;
	if (jobsfile_edit(file, &e, 1, err, sizeof(err)) != 0) {
		int rc = commands_file_error(errno);

		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return rc;
	}
	if (e.result == JOBS_EDIT_EXISTS) {
		(void)fprintf(stderr, "sitewatch: %s: name \"%s\" is already "
		    "used\n", file, name);
		return 2;
	}
	if (e.result == JOBS_EDIT_INVALID) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", file, e.why);
		return 2;
	}
	if (e.cols_added != 0)
		(void)printf("%s: added the column%s %s%s%s to the header, "
		    "with an empty field in every other row\n", file,
		    e.cols_added == (JOBS_ADDED_FILTER | JOBS_ADDED_NOTIFY) ?
		    "s" : "", e.cols_added & JOBS_ADDED_FILTER ? "filter" : "",
		    e.cols_added == (JOBS_ADDED_FILTER | JOBS_ADDED_NOTIFY) ?
		    " and " : "", e.cols_added & JOBS_ADDED_NOTIFY ? "notify" :
		    "");
	(void)printf("%s: added, %s%s: %s\n", name,
	    sched.kind == SCHEDULE_EVERY ? "every " : "", interval,
	    redact_url(url, REDACT_SHOWN, shown, sizeof(shown)));
	return 0;
}

int
cmd_remove(const char *file, char *const *names, int n)
{
	struct jobs_file jf;
	struct jobs_edit *e;
	char *buf, err[512];
	int i, rc;

	if ((rc = load(file, &jf, &buf)) != 0)
		return rc;
	if ((rc = known(file, &jf, names, n)) != 0)
		goto out;
	e = n > 0 ? calloc((size_t)n, sizeof(*e)) : NULL;
	if (e == NULL) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		e[i].op = JOBS_EDIT_REMOVE;
		e[i].name = names[i];
	}
	if (jobsfile_edit(file, e, (size_t)n, err, sizeof(err)) != 0) {
		rc = commands_file_error(errno);
		(void)fprintf(stderr, "sitewatch: %s\n", err);
	} else {
		for (i = 0; i < n; i++)
			(void)printf("%s: %s\n", names[i],
			    e[i].result == JOBS_EDIT_DONE ? "removed" :
			    "gone meanwhile");
	}
	free(e);
out:
	jobs_free(&jf);
	free(buf);
	return rc;
}

/* Loads the state of the job called name; returns 0 or -1. */
static int
job_state(const char *file, const char *name, struct state *st)
{
	char dir[4096], path[4096];

	if (state_dir(file, dir, sizeof(dir)) == -1 ||
	    state_path(dir, name, path, sizeof(path)) == -1)
		return -1;
	return state_load(path, st);
}

/*
 * Makes the one check of watcher_check_once() with a notifier of its own
 * when one would tell anyone anything (an --exec hook, a desktop session),
 * so that a change found here is told as a watcher would tell it; waits
 * for the notifier to hand it out.  Returns what watcher_check_once()
 * returns.
 */
static int
check_with_notifier(struct watcher_opts *o, char *const *exec_argv,
    int desktop, char *result, size_t resultsz)
{
	struct notifier n;
	int rc;

	if (!notify_wanted(exec_argv, desktop) ||
	    notify_setup(&n, exec_argv, desktop) == -1)
		return watcher_check_once(o, result, resultsz);
	if (notify_spawn(&n) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot start the notifier: "
		    "%s\n", strerror(errno));
		(void)close(n.rfd);
		(void)close(n.wfd);
		return watcher_check_once(o, result, resultsz);
	}
	(void)close(n.rfd);
	(void)signal(SIGPIPE, SIG_IGN);
	o->notify_fd = n.wfd;
	rc = watcher_check_once(o, result, resultsz);
	/* The notifier reads end-of-file, hands out what it has, exits. */
	(void)close(n.wfd);
	o->notify_fd = -1;
	while (waitpid(n.pid, NULL, 0) == -1 && errno == EINTR)
		;
	return rc;
}

/*
 * `check NAME` with the row's watcher running as pid: signals it to check
 * now, waits for the check to land in its state (timeout seconds and 10
 * more at most) and prints the result.  Returns the exit code.
 */
static int
check_by_watcher(const char *file, const char *name, pid_t pid,
    long timeout)
{
	struct state before, after;
	char result[512];
	long long until;

	(void)job_state(file, name, &before);
	if (kill(pid, SIGUSR1) == -1) {
		(void)fprintf(stderr, "sitewatch: %s: cannot signal pid %ld: "
		    "%s\n", name, (long)pid, strerror(errno));
		return 1;
	}
	until = (long long)time(NULL) + timeout + 10;
	for (;;) {
		if (job_state(file, name, &after) == 0 &&
		    after.checks != before.checks)
			break;
		if (kill(pid, 0) == -1) {
			(void)fprintf(stderr, "sitewatch: %s: its watcher (pid "
			    "%ld) ended before checking\n", name, (long)pid);
			return 1;
		}
		if ((long long)time(NULL) > until) {
			(void)fprintf(stderr, "sitewatch: %s: no result from "
			    "pid %ld\n", name, (long)pid);
			return 1;
		}
		util_sleep_ms(50);
	}
	state_describe(&after, result, sizeof(result));
	(void)printf("%s: %s\n", name, result);
	return after.failures > 0 ? 1 : 0;
}

int
cmd_check(const char *file, const char *name, const struct watcher_opts *wo,
    char *const *exec_argv, int desktop)
{
	struct jobs_file jf;
	struct watcher_opts o = *wo;
	const struct job *j;
	char *buf, result[512];
	int rc;

	if ((rc = load(file, &jf, &buf)) != 0)
		return rc;
	j = jobs_find(&jf, name);
	if (j == NULL) {
		unknown(file, &jf, name);
		jobs_free(&jf);
		free(buf);
		return 2;
	}
	if (svlock_holder(file) > 0 && j->pid_kind == JOBS_PID_NUMBER &&
	    kill(j->pid, 0) == 0) {
		pid_t pid = j->pid;

		jobs_free(&jf);
		free(buf);
		return check_by_watcher(file, name, pid, wo->timeout);
	}
	jobs_free(&jf);
	free(buf);
	o.jobsfile = file;
	o.name = name;
	rc = check_with_notifier(&o, exec_argv, desktop, result,
	    sizeof(result));
	if (rc == WATCHER_NOROW) {
		(void)fprintf(stderr, "sitewatch: %s: no job called \"%s\"\n",
		    file, name);
		return 2;
	}
	(void)printf("%s: %s\n", name, result);
	return rc == WATCHER_STOPPED ? 0 : 1;
}

int
cmd_next(const char *text, int n)
{
	struct schedule sc;
	char err[512], buf[64];
	time_t t;
	struct tm tm;
	int i;

	if (schedule_parse(text, &sc, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	t = clock_now();
	for (i = 0; i < n; i++) {
		t = schedule_next(&sc, t);
		if (t == (time_t)-1 && sc.kind == SCHEDULE_AT) {
			if (i == 0)
				(void)printf("no run after now: that time has "
				    "passed (a row with it runs once, at "
				    "start)\n");
			break;
		}
		if (t == (time_t)-1) {
			(void)printf("no %s run: past the last time this "
			    "system can count\n", i == 0 ? "next" : "further");
			break;
		}
		/* A time too far ahead for the calendar (a year past
		 * INT_MAX, which localtime_r() refuses and strftime()'s %Y
		 * overflows near) is shown as the seconds it is. */
		if (localtime_r(&t, &tm) == NULL ||
		    tm.tm_year > INT_MAX - 1900 || strftime(buf, sizeof(buf),
		    "%Y-%m-%d %H:%M:%S %Z %a", &tm) == 0)
			(void)snprintf(buf, sizeof(buf), "@%lld (too far ahead "
			    "to show as a date)", (long long)t);
		(void)printf("%s\n", buf);
	}
	if (sc.jitter > 0)
		(void)printf("(each run moves by up to %ld s either way: "
		    "jitter)\n", sc.jitter);
	return 0;
}
