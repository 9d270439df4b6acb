/*
 * history.c - what a person sees of the compare step: `sitewatch diff`
 * and `sitewatch history` read a job's snapshots (snapshot.h), and the
 * compared text of `check --url` and `check NAME --show` is made by the
 * same helper command a watcher runs, with each step timed.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/compare.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/snapshot.h"
#include "common/state.h"

/*
 * Finds the snapshot folder of the job called name in file's state
 * folder and reads its list.  Returns 0, or prints why not and returns
 * the exit code (1: none yet).
 */
static int
load_snapshots(const char *file, const char *name, char *dir, size_t dirsz,
    struct snapshot **list, size_t *n)
{
	char sdir[PATH_MAX], spath[PATH_MAX];

	if (state_dir(file, sdir, sizeof(sdir)) == -1 ||
	    state_path(sdir, name, spath, sizeof(spath)) == -1 ||
	    snapshot_dir(spath, dir, dirsz) == -1) {
		(void)fprintf(stderr, "sitewatch: %s: state path too long\n",
		    name);
		return 1;
	}
	if (snapshot_list(dir, list, n) == -1) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", dir,
		    strerror(errno));
		return 1;
	}
	if (*n == 0) {
		(void)fprintf(stderr, "sitewatch: %s: no snapshots (not "
		    "checked yet, or no such job in %s)\n", name, file);
		free(*list);
		return 1;
	}
	return 0;
}

/* Formats t as local "YYYY-MM-DD HH:MM:SS" into buf. */
static void
local_time(long long t, char *buf, size_t bufsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	(void)localtime_r(&tt, &tm);
	(void)strftime(buf, bufsz, "%Y-%m-%d %H:%M:%S", &tm);
}

int
cmd_diff(const char *file, const char *name, long back)
{
	struct snapshot *list;
	size_t n;
	char dir[PATH_MAX], oldp[PATH_MAX], newp[PATH_MAX], lold[300],
	    lnew[300], t[64], err[512];
	const char *args[10];
	struct compare_run r;
	const struct snapshot *s;
	int rc, k = 0;

	if ((rc = load_snapshots(file, name, dir, sizeof(dir), &list, &n)) != 0)
		return rc;
	if (back < 1 || (size_t)back > n) {
		(void)fprintf(stderr, "sitewatch: %s: -r %ld: there %s %zu "
		    "snapshot%s (-r 1 to %zu)\n", name, back,
		    n == 1 ? "is" : "are", n, n == 1 ? "" : "s", n);
		free(list);
		return 2;
	}
	s = &list[n - (size_t)back];
	if (s->added < 0 || s == &list[0]) {
		local_time(s->time, t, sizeof(t));
		(void)fprintf(stderr, "sitewatch: %s: the snapshot of %s is %s: "
		    "there is no change to show\n", name, t, s->added < 0 ?
		    "a baseline (a first check, or the url or filter "
		    "changed)" : "the oldest one kept");
		free(list);
		return 1;
	}
	(void)snapshot_path(dir, s[-1].seq, NULL, oldp, sizeof(oldp));
	(void)snapshot_path(dir, s->seq, NULL, newp, sizeof(newp));
	local_time(s[-1].time, t, sizeof(t));
	(void)snprintf(lold, sizeof(lold), "%.200s %s", name, t);
	local_time(s->time, t, sizeof(t));
	(void)snprintf(lnew, sizeof(lnew), "%.200s %s", name, t);
	args[k++] = "diff";
	/* Coloured like git diff on a terminal, plain when piped. */
	if (isatty(STDOUT_FILENO))
		args[k++] = "--color";
	args[k++] = "--label-old";
	args[k++] = lold;
	args[k++] = "--label-new";
	args[k++] = lnew;
	args[k++] = oldp;
	args[k++] = newp;
	args[k] = NULL;
	memset(&r, 0, sizeof(r));
	r.args = args;
	r.in_fd = -1;
	r.out_fd = STDOUT_FILENO;
	r.timeout = 60;
	(void)fflush(stdout);
	rc = compare_helper(&r, err, sizeof(err));
	free(list);
	/* The helper's diff says 1 for "different", which is the point. */
	if (rc == 0 || rc == 1)
		return 0;
	(void)fprintf(stderr, "sitewatch: %s: %s\n", name, err);
	return 1;
}

int
cmd_history(const char *file, const char *name)
{
	struct snapshot *list;
	size_t n, i;
	char dir[PATH_MAX], t[64];
	int rc;

	if ((rc = load_snapshots(file, name, dir, sizeof(dir), &list, &n)) != 0)
		return rc;
	(void)printf("%-3s  %-19s  %s\n", "-r", "TIME", "CHANGE");
	for (i = n; i-- > 0;) {
		local_time(list[i].time, t, sizeof(t));
		if (list[i].added < 0)
			(void)printf("%-3zu  %s  baseline\n", n - i, t);
		else
			(void)printf("%-3zu  %s  +%ld -%ld\n", n - i, t,
			    list[i].added, list[i].removed);
	}
	free(list);
	return 0;
}

int
commands_show_text(int body_fd, const char *ctype, const char *filter,
    long timeout)
{
	char tbuf[32], err[512], steps[8192];
	const char *args[10];
	struct compare_run r;
	int k = 0, rc, errfd, outfd;
	ssize_t got;
	char buf[65536];
	off_t off = 0;

	(void)snprintf(tbuf, sizeof(tbuf), "%ld", timeout);
	args[k++] = "filter";
	args[k++] = "--time";
	args[k++] = "--timeout";
	args[k++] = tbuf;
	if (ctype != NULL && *ctype != '\0') {
		args[k++] = "--type";
		args[k++] = ctype;
	}
	args[k++] = "--";
	args[k++] = filter != NULL ? filter : "";
	args[k] = NULL;
	errfd = memfd_create("sitewatch-steps", MFD_CLOEXEC);
	outfd = memfd_create("sitewatch-text", MFD_CLOEXEC);
	if (errfd == -1 || outfd == -1) {
		(void)fprintf(stderr, "sitewatch: memfd_create: %s\n",
		    strerror(errno));
		if (errfd != -1)
			(void)close(errfd);
		if (outfd != -1)
			(void)close(outfd);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	r.args = args;
	r.in_fd = body_fd;
	r.out_fd = outfd;
	r.err_fd = errfd;
	r.timeout = timeout + 5;
	rc = compare_helper(&r, err, sizeof(err));
	(void)printf("filter:        %s\n", compare_is_default(filter) ?
	    "(default: the visible text of HTML, else the bytes)" : filter);
	got = pread(errfd, steps, sizeof(steps) - 1, 0);
	steps[got > 0 ? got : 0] = '\0';
	if (rc != 0) {
		char *nl = NULL, *last = steps, *p;

		/* The error is the helper's last line after the timings. */
		for (p = steps; (p = strchr(p, '\n')) != NULL; p++) {
			if (p[1] == '\0')
				break;
			last = p + 1;
		}
		nl = strchr(last, '\n');
		if (nl != NULL)
			*nl = '\0';
		(void)printf("error:         %s\n", *last != '\0' &&
		    rc != COMPARE_TROUBLE ? last : err);
		(void)close(errfd);
		(void)close(outfd);
		return 1;
	}
	(void)printf("steps:\n");
	{
		char *line = steps, *nl;

		for (; *line != '\0'; line = nl + 1) {
			char step[256];
			double ms;
			unsigned long long bytes;

			nl = strchr(line, '\n');
			if (nl == NULL)
				break;
			*nl = '\0';
			if (sscanf(line, "%255[^\t]\t%lf\t%llu", step, &ms,
			    &bytes) == 3)
				(void)printf("  %-30s %9.3f ms %10llu bytes\n",
				    step, ms, bytes);
		}
	}
	(void)printf("compared text:\n");
	(void)fflush(stdout);
	while ((got = pread(outfd, buf, sizeof(buf), off)) > 0) {
		if (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got)
			break;
		off += got;
	}
	(void)close(errfd);
	(void)close(outfd);
	return 0;
}

int
cmd_check_show(const char *file, const char *name,
    const struct watcher_opts *wo)
{
	struct jobs_file jf;
	const struct job *j;
	char *buf;
	size_t len;
	int rc;

	if (jobsfile_read(file, &buf, &len, NULL) == -1) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", file,
		    strerror(errno));
		return 2;
	}
	if (jobs_parse(&jf, buf, len) == -1) {
		(void)fprintf(stderr, "sitewatch: %s is not usable (see "
		    "sitewatch --check -f %s)\n", file, file);
		jobs_free(&jf);
		free(buf);
		return 2;
	}
	j = jobs_find(&jf, name);
	if (j == NULL) {
		(void)fprintf(stderr, "sitewatch: %s: no job called \"%s\"\n",
		    file, name);
		rc = 2;
	} else {
		rc = cmd_check_url(j->url, j->filter, wo);
	}
	jobs_free(&jf);
	free(buf);
	return rc;
}
