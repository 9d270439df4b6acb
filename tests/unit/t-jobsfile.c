/*
 * t-jobsfile.c - unit tests of src/common/jobsfile.c on real files in a
 * temporary directory: the rewrite keeps bytes, mode and the missing-row
 * verdict, an unparsable file is never overwritten, and a deadline bounds
 * every wait.
 */
#define _DEFAULT_SOURCE		/* flock */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/jobsfile.h"
#include "common/util.h"
#include "tap.h"

static char dir[] = "/tmp/t-jobsfile.XXXXXX";
static char path[256];

/* Writes s to the test's jobs file with the given mode. */
static void
put(const char *s, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(s, fp) == EOF || fclose(fp) != 0)
		abort();
	if (chmod(path, mode) == -1)
		abort();
}

/* Returns the test's jobs file as a malloc'd string. */
static char *
get(void)
{
	char *buf;
	size_t len;

	if (jobsfile_read(path, &buf, &len, NULL) == -1)
		return NULL;
	return buf;
}

static void
t_edit_keeps_other_bytes(void)
{
	struct jobs_edit e = { .name = "b", .lastmod = "Mon, 02 Jan 2026 10:00:00 GMT", .pid = "42", .if_pid = NULL, .result = -1};
	char err[256];
	char *s;

	put("# c\r\ninterval;name;url;last-modified;pid\r\n"
	    "1h;\"a\";http://x/;-;-\r\n\n1h; b ;http://y/;-;-\r\n# end", 0644);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	check_int(e.result, ==, JOBS_EDIT_DONE);
	s = get();
	check_str(s, "# c\r\ninterval;name;url;last-modified;pid\r\n"
	    "1h;\"a\";http://x/;-;-\r\n\n"
	    "1h; b ;http://y/;Mon, 02 Jan 2026 10:00:00 GMT;42\r\n# end");
	free(s);
}

static void
t_edit_keeps_mode(void)
{
	struct jobs_edit e = { .name = "a", .lastmod = NULL, .pid = "stop", .if_pid = NULL, .result = -1};
	struct stat st;
	char err[256];

	put("interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n", 0640);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	check_int(stat(path, &st), ==, 0);
	check_int(st.st_mode & 07777, ==, 0640);
	check_int(st.st_uid, ==, getuid());
}

static void
t_missing_row_not_created(void)
{
	struct jobs_edit e = { .name = "gone", .lastmod = "x", .pid = NULL, .if_pid = NULL, .result = -1};
	const char *orig = "interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n";
	struct stat st0, st1;
	char err[256];
	char *s;

	put(orig, 0644);
	check_int(stat(path, &st0), ==, 0);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	check_int(e.result, ==, JOBS_EDIT_NOROW);
	check_int(stat(path, &st1), ==, 0);
	check_uint(st1.st_ino, ==, st0.st_ino);	/* not even rewritten */
	s = get();
	check_str(s, orig);
	free(s);
}

static void
t_if_pid_guard(void)
{
	struct jobs_edit e = { .name = "a", .lastmod = NULL, .pid = "-", .if_pid = "123", .result = -1};
	char err[256];
	char *s;

	put("interval;name;url;last-modified;pid\n1h;a;http://x/;-;stop\n", 0644);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	check_int(e.result, ==, JOBS_EDIT_SKIPPED);
	s = get();
	check_str(s, "interval;name;url;last-modified;pid\n1h;a;http://x/;-;stop\n");
	free(s);
}

static void
t_unparsable_never_overwritten(void)
{
	struct jobs_edit e = { .name = "a", .lastmod = "x", .pid = NULL, .if_pid = NULL, .result = -1};
	const char *orig = "this is not a jobs file\n1h;a;http://x/;-;-\n";
	struct timespec t0, t1;
	char err[256];
	char *s;
	double secs;

	put(orig, 0644);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==,
	    JOBSFILE_UNPARSABLE);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* It retried for a while rather than failing at once. */
	check(secs >= 1.0);
	check(strstr(err, ":1: header: names none of the columns") != NULL);
	s = get();
	check_str(s, orig);
	free(s);
}

static void
t_unparsable_then_fixed(void)
{
	struct jobs_edit e = { .name = "a", .lastmod = "x", .pid = NULL, .if_pid = NULL, .result = -1};
	char err[256];
	char *s;
	pid_t pid;

	/* An editor half-way through a save: empty now, whole 300 ms later. */
	put("", 0644);
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 300000000L };

		(void)nanosleep(&ts, NULL);
		put("interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n",
		    0644);
		_exit(0);
	}
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	check_int(e.result, ==, JOBS_EDIT_DONE);
	(void)waitpid(pid, NULL, 0);
	s = get();
	check_str(s, "interval;name;url;last-modified;pid\n1h;a;http://x/;x;-\n");
	free(s);
}

static void
t_symlink_followed(void)
{
	struct jobs_edit e = { .name = "a", .lastmod = "x", .pid = NULL, .if_pid = NULL, .result = -1};
	char link[300], err[256];
	struct stat st;
	char *s;

	put("interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n", 0644);
	(void)snprintf(link, sizeof(link), "%s/link.csv", dir);
	check_int(symlink(path, link), ==, 0);
	check_int(jobsfile_edit(link, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	check_int(lstat(link, &st), ==, 0);
	check(S_ISLNK(st.st_mode));
	s = get();
	check_str(s, "interval;name;url;last-modified;pid\n1h;a;http://x/;x;-\n");
	free(s);
	(void)unlink(link);
}

static void
t_missing_file(void)
{
	struct jobs_edit e = { .name = "a", .lastmod = "x", .pid = NULL, .if_pid = NULL, .result = -1};
	char p[300], err[256];

	(void)snprintf(p, sizeof(p), "%s/nosuch.csv", dir);
	check_int(jobsfile_edit(p, &e, 1, err, sizeof(err)), ==, JOBSFILE_ERROR);
	check(strstr(err, "No such file or directory") != NULL);
	check_int(access(p, F_OK), ==, -1);
}

static void
t_lock_file_beside(void)
{
	struct jobs_edit e = { .name = "Fefe", .pid = "stop" };
	char p[300], err[256];

	(void)snprintf(p, sizeof(p), "%s/.jobs.csv.lock", dir);
	(void)unlink(p);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, 0);
	check_int(access(p, F_OK), ==, 0);
}

/*
 * Forks a child that takes the jobs file's lock and holds it until its
 * pipe *release closes.  Returns its pid once the lock is held.
 */
static pid_t
hold_lock(int *release)
{
	char lock[300], c;
	int ready[2], go[2];
	pid_t pid;

	(void)snprintf(lock, sizeof(lock), "%s/.jobs.csv.lock", dir);
	if (pipe(ready) == -1 || pipe(go) == -1)
		abort();
	pid = fork();
	if (pid == 0) {
		int fd = open(lock, O_RDWR | O_CREAT, 0644);

		if (fd == -1 || flock(fd, LOCK_EX) == -1)
			_exit(1);
		(void)close(ready[0]);
		(void)close(go[1]);
		(void)write(ready[1], "x", 1);
		(void)read(go[0], &c, 1);
		_exit(0);
	}
	(void)close(ready[1]);
	(void)close(go[0]);
	if (pid == -1 || read(ready[0], &c, 1) != 1)
		abort();
	(void)close(ready[0]);
	*release = go[1];
	return pid;
}

/* Issue 21.6: with a deadline, a lock held by another process ends the
 * call with JOBSFILE_LOCKED and nothing written; /proc/locks names the
 * holder; once it lets go, the same call writes. */
static void
t_lock_deadline(void)
{
	struct jobs_edit e = { .name = "a", .pid = "42" };
	char err[256], *s;
	int release;
	pid_t holder;

	put("interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n", 0644);
	holder = hold_lock(&release);
	jobsfile_set_deadline(0);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==,
	    JOBSFILE_LOCKED);
	check(strstr(err, ".jobs.csv.lock") != NULL);
	jobsfile_set_deadline(util_mono_ms() + 100);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==,
	    JOBSFILE_LOCKED);
	check_int(jobsfile_lock_holder(path), ==, holder);
	s = get();
	check_str(s, "interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n");
	free(s);
	(void)close(release);
	(void)waitpid(holder, NULL, 0);
	check_int(jobsfile_lock_holder(path), ==, 0);
	jobsfile_set_deadline(0);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==, JOBSFILE_OK);
	s = get();
	check_str(s, "interval;name;url;last-modified;pid\n1h;a;http://x/;-;42\n");
	free(s);
	jobsfile_set_deadline(JOBSFILE_NO_DEADLINE);
}

/* Issue 21.6: with a deadline, a file that does not parse is not waited
 * for: JOBSFILE_UNSETTLED at once, the file as it was. */
static void
t_unsettled_deadline(void)
{
	struct jobs_edit e = { .name = "a", .pid = "42" };
	const char *bad = "this is not a jobs file\n1h;a;http://x/;-;-\n";
	char err[256], *s;

	put(bad, 0644);
	jobsfile_set_deadline(0);
	check_int(jobsfile_edit(path, &e, 1, err, sizeof(err)), ==,
	    JOBSFILE_UNSETTLED);
	jobsfile_set_deadline(JOBSFILE_NO_DEADLINE);
	s = get();
	check_str(s, bad);
	free(s);
}

/*
 * The one read-and-parse of a command (issue 22.4): a usable file comes
 * back parsed; a missing or unusable one gives the message the commands
 * print, with nothing left to free.
 */
static void
t_load(void)
{
	struct jobs_file jf;
	char err[JOBSFILE_LOAD_ERR], want[JOBSFILE_LOAD_ERR], missing[300];
	char *buf = NULL;

	put("interval;name;url;last-modified;pid\n1h;a;http://x/;-;-\n",
	    0644);
	if (check_int(jobsfile_load(path, &jf, &buf, err, sizeof(err)), ==,
	    0)) {
		check_uint(jf.njobs, ==, 1);
		check_str(jf.jobs[0].name, "a");
		jobs_free(&jf);
		free(buf);
	}
	put("this is not a jobs file\n", 0644);
	buf = NULL;
	check_int(jobsfile_load(path, &jf, &buf, err, sizeof(err)), ==, -1);
	(void)snprintf(want, sizeof(want), "%s is not usable (see sitewatch "
	    "--check -f %s)", path, path);
	check_str(err, want);
	check(buf == NULL);
	(void)snprintf(missing, sizeof(missing), "%s/none.csv", dir);
	check_int(jobsfile_load(missing, &jf, &buf, err, sizeof(err)), ==, -1);
	(void)snprintf(want, sizeof(want), "%s: No such file or directory",
	    missing);
	check_str(err, want);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	(void)snprintf(path, sizeof(path), "%s/jobs.csv", dir);
	TEST(t_edit_keeps_other_bytes(), "an edit changes only its two fields");
	TEST(t_edit_keeps_mode(), "the file's mode and owner are kept");
	TEST(t_missing_row_not_created(), "a missing row is reported, not re-created");
	TEST(t_if_pid_guard(), "if_pid leaves a changed pid field alone");
	TEST(t_unparsable_never_overwritten(), "an unparsable file is retried, never overwritten");
	TEST(t_unparsable_then_fixed(), "a file that parses again is then edited");
	TEST(t_symlink_followed(), "a symlink is followed: the target is replaced");
	TEST(t_missing_file(), "a missing jobs file is an error, not created");
	TEST(t_lock_file_beside(), "the lock file is .NAME.lock beside the file");
	TEST(t_lock_deadline(), "issue 21.6: a held lock ends a call with a deadline (LOCKED, holder's pid), then writes");
	TEST(t_unsettled_deadline(), "issue 21.6: an unparsable file ends a call with a deadline at once (UNSETTLED)");
	TEST(t_load(), "issue 22.4: a command's read and parse: the file, or the message");
	{
		char cmd[400];

		(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		(void)system(cmd);
	}
	return test_done();
}
