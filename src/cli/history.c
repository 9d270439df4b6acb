/*
 * history.c - what a person sees of a job's past: `sitewatch diff` and
 * `sitewatch history` read its snapshots (snapshot.h); the diff is made
 * by the same helper command a watcher runs.  It calls no other
 * command's code.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/history.h"
#include "common/compare.h"
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

/*
 * Prints the diff between the snapshots from and to of job name (in the
 * folder dir), by sitewatch-helper's diff, each side labelled with the
 * name and its time.  Returns the exit code: 0, or 1 after saying why
 * the helper failed.
 */
static int
diff_show(const char *name, const char *dir, const struct snapshot *from,
    const struct snapshot *to)
{
	char oldp[PATH_MAX], newp[PATH_MAX], lold[300], lnew[300], t[64],
	    err[512];
	const char *args[10];
	struct compare_run r;
	int rc, k = 0;

	(void)snapshot_path(dir, from->seq, NULL, oldp, sizeof(oldp));
	(void)snapshot_path(dir, to->seq, NULL, newp, sizeof(newp));
	local_time(from->time, t, sizeof(t));
	(void)snprintf(lold, sizeof(lold), "%.200s %s", name, t);
	local_time(to->time, t, sizeof(t));
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
	/* The helper's diff says 1 for "different", which is the point. */
	if (rc == 0 || rc == 1)
		return 0;
	(void)fprintf(stderr, "sitewatch: %s: %s\n", name, err);
	return 1;
}

int
cmd_diff(const char *file, const char *name, long back)
{
	struct snapshot *list;
	size_t n;
	char dir[PATH_MAX], t[64];
	const struct snapshot *s;
	int rc;

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
	rc = diff_show(name, dir, &s[-1], s);
	free(list);
	return rc;
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

