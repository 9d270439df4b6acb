/*
 * t-judge.c - unit tests of src/common/judge.c: the verdicts on filter and
 * notify values, every value not judged yet asked of the real
 * sitewatch-helper (the one built beside this test's folder, unless
 * SITEWATCH_HELPER says another) in one check-batch run (issue 21.12;
 * the supervisor starts it and never waits, issue 21.6).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/check.h"
#include "common/jobs.h"
#include "common/judge.h"
#include "tap.h"

#define HDR "interval;name;url;last-modified;pid;filter;notify"

static const char rows[] = HDR "\n"
    "1h;a;http://a.example/;-;-;css:#x;\n"
    "1h;b;http://b.example/;-;-;css:#x;match:[z\n"
    "1h;c;http://c.example/;-;-;grep:(x;added\n"
    "1h;d;http://d.example/;-;-;-;-\n"
    "1h;e;http://e.example/;-;-;;\n";

/* Parses rows into *jf.  Returns 1 when it did. */
static int
parse(struct jobs_file *jf)
{
	return jobs_parse(jf, rows, strlen(rows)) == 0 && jf->njobs == 5;
}

/* Each value not judged and not the default is asked once, in the rows'
 * order; a value already in the cache is not asked again. */
static void
t_missing(void)
{
	struct jobs_file jf;
	GHashTable *seen = judge_cache_new();
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	if (check(parse(&jf))) {
		check_uint(judge_missing(seen, jf.jobs, jf.njobs, keys), ==, 4);
		check_str(g_ptr_array_index(keys, 0), "check-filter\ncss:#x");
		check_str(g_ptr_array_index(keys, 1), "check-notify\nmatch:[z");
		check_str(g_ptr_array_index(keys, 2), "check-filter\ngrep:(x");
		check_str(g_ptr_array_index(keys, 3), "check-notify\nadded");
		check_uint(judge_missing(seen, jf.jobs, jf.njobs, keys), ==, 0);
		g_ptr_array_set_size(keys, 0);
		g_hash_table_insert(seen, g_strdup("check-filter\ncss:#x"),
		    g_strdup(""));
		check_uint(judge_missing(seen, jf.jobs, 1, keys), ==, 0);
	}
	jobs_free(&jf);
	g_ptr_array_unref(keys);
	g_hash_table_destroy(seen);
}

/* One run judges them all, with the reasons the helper gives one by
 * one; the rows get the verdicts --check gives. */
static void
t_run(void)
{
	struct jobs_file jf;
	GHashTable *seen = judge_cache_new();
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	const char *reason = NULL;
	char err[512], why[600];

	if (check(parse(&jf))) {
		(void)judge_missing(seen, jf.jobs, jf.njobs, keys);
		check_int(judge_run(seen, keys, err, sizeof(err)), ==, 0);
		check_uint(g_hash_table_size(seen), ==, 4);
		check_int(judge_lookup(seen, "check-filter", "css:#x", &reason),
		    ==, 0);
		check_int(judge_lookup(seen, "check-filter", "grep:(x", &reason),
		    ==, 1);
		check_str(reason, "grep:(x: missing closing parenthesis at "
		    "offset 2");
		check_int(judge_lookup(seen, "check-notify", "-", &reason), ==,
		    0);
		check_int(judge_lookup(seen, "check-filter", "css:#y", &reason),
		    ==, -1);
		check_int(check_verdict(seen, &jf.jobs[1], why, sizeof(why)), ==,
		    1);
		check_str(why, "notify: match:[z: missing terminating ] for "
		    "character class at offset 2");
		check_int(check_refuse(&jf, seen), ==, 0);
		check_uint(jf.njobs, ==, 3);
		check_uint(jf.nproblems, ==, 2);
	}
	check_int(judge_value("check-notify", "always", err, sizeof(err)), ==,
	    1);
	check_int(judge_value("check-filter", "css:li", err, sizeof(err)), ==,
	    0);
	jobs_free(&jf);
	g_ptr_array_unref(keys);
	g_hash_table_destroy(seen);
}

/* Rows with a value not judged yet stay, counted; the others get their
 * verdicts. */
static void
t_held(void)
{
	struct jobs_file jf;
	GHashTable *seen = judge_cache_new();
	char why[600];

	g_hash_table_insert(seen, g_strdup("check-filter\ngrep:(x"),
	    g_strdup("bad"));
	g_hash_table_insert(seen, g_strdup("check-notify\nadded"),
	    g_strdup(""));
	if (check(parse(&jf))) {
		check_int(check_verdict(seen, &jf.jobs[0], why, sizeof(why)), ==,
		    CHECK_UNJUDGED);
		check_int(check_refuse(&jf, seen), ==, 2);
		check_uint(jf.njobs, ==, 4);
		check_str(jf.jobs[2].name, "d");
		if (check_uint(jf.nproblems, ==, 1))
			check_str(jf.problems[0].msg, "filter: bad");
	}
	jobs_free(&jf);
	g_hash_table_destroy(seen);
}

/* Started without waiting: the caller reaps it, then ends it. */
static void
t_start_end(void)
{
	struct judge_batch b;
	GHashTable *seen = judge_cache_new();
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	const char *reason;
	char err[512];
	int st;

	g_ptr_array_add(keys, g_strdup("check-filter\ncss:#a"));
	g_ptr_array_add(keys, g_strdup("check-notify\nnever"));
	if (!check_int(judge_start(&b, keys, err, sizeof(err)), ==, 0))
		return;
	check_int(b.proc.pid, >, 0);
	check_int(waitpid(b.proc.pid, &st, 0), ==, b.proc.pid);
	check_int(judge_end(&b, st, seen, err, sizeof(err)), ==, 0);
	check_int(b.proc.pid, ==, 0);
	check_int(judge_lookup(seen, "check-filter", "css:#a", &reason), ==, 0);
	check_int(judge_lookup(seen, "check-notify", "never", &reason), ==, 1);
	g_hash_table_destroy(seen);
}

/* Writes a stand-in helper, the shell script body, into a temporary
 * file and points SITEWATCH_HELPER to it.  Returns its path (static). */
static const char *
stand_in(const char *body)
{
	static char path[] = "/tmp/t-judge-helper.XXXXXX";
	int fd;

	(void)strcpy(path + strlen(path) - 6, "XXXXXX");
	fd = mkstemp(path);
	if (fd == -1)
		return NULL;
	if (dprintf(fd, "#!/bin/sh\n%s\n", body) < 0 || close(fd) == -1 ||
	    chmod(path, 0700) == -1)
		return NULL;
	(void)setenv("SITEWATCH_HELPER", path, 1);
	return path;
}

/* A helper that fails, or dies half-way, judges nothing it did not
 * answer, and says why; a stuck one is killed and reaped by judge_kill. */
static void
t_trouble(const char *real)
{
	GHashTable *seen = judge_cache_new();
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	struct judge_batch b;
	const char *path, *reason;
	char err[512], body[PATH_MAX + 128];
	pid_t pid;

	g_ptr_array_add(keys, g_strdup("check-filter\ncss:#a"));
	g_ptr_array_add(keys, g_strdup("check-filter\ncss:#b"));
	path = stand_in("echo 'no batch here' >&2; exit 2");
	if (!check(path != NULL))
		return;
	check_int(judge_run(seen, keys, err, sizeof(err)), ==, -1);
	check_str(err, "sitewatch-helper check-batch does not work: no batch "
	    "here");
	check_uint(g_hash_table_size(seen), ==, 0);
	(void)unlink(path);

	/* The first answer only, then a crash: the first is kept. */
	(void)snprintf(body, sizeof(body), "head -c 40 | '%s' check-batch; "
	    "kill -SEGV $$", real);
	path = stand_in(body);
	check_int(judge_run(seen, keys, err, sizeof(err)), ==, -1);
	check_str(err, "sitewatch-helper check-batch died of signal 11");
	check_int(judge_lookup(seen, "check-filter", "css:#a", &reason), ==, 0);
	check_int(judge_lookup(seen, "check-filter", "css:#b", &reason), ==,
	    -1);
	(void)unlink(path);

	path = stand_in("exec sleep 30");
	if (check_int(judge_start(&b, g_ptr_array_ref(keys), err,
	    sizeof(err)), ==, 0)) {
		pid = b.proc.pid;
		judge_kill(&b);
		check_int(b.proc.pid, ==, 0);
		errno = 0;
		check_int(waitpid(pid, NULL, WNOHANG), ==, -1);
		check_int(errno, ==, ECHILD);
	}
	(void)unlink(path);
	g_ptr_array_unref(keys);
	g_hash_table_destroy(seen);
}

int
main(void)
{
	char real[PATH_MAX + 32], self[PATH_MAX];
	ssize_t n;

	/* The helper built with this test: build/FLAVOUR/sitewatch-helper. */
	if (getenv("SITEWATCH_HELPER") == NULL) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		if (strrchr(self, '/') != NULL)
			*strrchr(self, '/') = '\0';
		(void)snprintf(real, sizeof(real), "%s/../sitewatch-helper",
		    self);
		(void)setenv("SITEWATCH_HELPER", real, 1);
	}
	(void)snprintf(real, sizeof(real), "%s", getenv("SITEWATCH_HELPER"));
	TEST(t_missing(), "each value not judged and not the default is asked once, in order");
	TEST(t_run(), "one helper run judges every value, with the helper's reasons; the rows get --check's verdicts");
	TEST(t_held(), "a row with a value not judged yet stays and is counted; the others get their verdicts");
	TEST(t_start_end(), "a batch started without waiting is reaped by the caller and ended with its verdicts");
	TEST(t_trouble(real), "a failing or crashing helper judges only what it answered and says why; a stuck one is killed and reaped");
	return test_done();
}
