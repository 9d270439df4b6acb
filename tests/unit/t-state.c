/*
 * t-state.c - unit tests of src/state.c: safe file names and the state
 * file's round trip, on real files.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "tap.h"

static char dir[] = "/tmp/t-state.XXXXXX";

static void
t_state_dir(void)
{
	char d[256];

	check_int(state_dir("jobs.csv", d, sizeof(d)), ==, 0);
	check_str(d, ".jobs.csv.state");
	check_int(state_dir("/home/a/jobs.csv", d, sizeof(d)), ==, 0);
	check_str(d, "/home/a/.jobs.csv.state");
	check_int(state_dir("/home/a/jobs.csv", d, 10), ==, -1);
}

static void
t_safe_names(void)
{
	char p[512];

	check_int(state_path("d", "Wikipedia", p, sizeof(p)), ==, 0);
	check_str(p, "d/Wikipedia");
	check_int(state_path("d", "../../etc/passwd", p, sizeof(p)), ==, 0);
	check_str(p, "d/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd");
	check_int(state_path("d", "a b;c", p, sizeof(p)), ==, 0);
	check_str(p, "d/a%20b%3Bc");
	check_int(state_path("d", "\xc3\xa9t\xc3\xa9", p, sizeof(p)), ==, 0);
	check_str(p, "d/%C3%A9t%C3%A9");
}

static void
t_long_names_differ(void)
{
	char a[400], b[400], p1[512], p2[512];

	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(a));
	b[sizeof(b) - 2] = 'y';
	check_int(state_path("d", a, p1, sizeof(p1)), ==, 0);
	check_int(state_path("d", b, p2, sizeof(p2)), ==, 0);
	check(strlen(p1) < 200);
	check(strcmp(p1, p2) != 0);
}

static void
t_round_trip(void)
{
	struct state s, t;
	char path[256];
	int i;

	memset(&s, 0, sizeof(s));
	s.baseline = 1;
	(void)strcpy(s.etag, "\"abc=\"");
	(void)strcpy(s.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
	for (i = 0; i < FETCH_HASH_LEN; i++)
		s.hash[i] = (unsigned char)(i * 7 + 1);
	s.has_hash = 1;
	s.last_check = 1700000000;
	s.last_change = 1690000000;
	(void)strcpy(s.last_result, "HTTP 503");
	s.failures = 3;
	(void)snprintf(path, sizeof(path), "%s/sub/one", dir);
	check_int(state_save(path, &s), ==, 0);	/* creates sub/ */
	check_int(state_load(path, &t), ==, 0);
	check_int(t.baseline, ==, 1);
	check_str(t.etag, s.etag);
	check_str(t.last_modified, s.last_modified);
	check_int(t.has_hash, ==, 1);
	check(memcmp(t.hash, s.hash, FETCH_HASH_LEN) == 0);
	check_int(t.last_check, ==, 1700000000);
	check_int(t.last_change, ==, 1690000000);
	check_str(t.last_result, "HTTP 503");
	check_uint(t.failures, ==, 3);
}

static void
t_missing_is_empty(void)
{
	struct state t;
	char path[256];

	(void)snprintf(path, sizeof(path), "%s/nosuch", dir);
	memset(&t, 0x55, sizeof(t));
	check_int(state_load(path, &t), ==, -1);
	check_int(t.baseline, ==, 0);
	check_int(t.has_hash, ==, 0);
	check_str(t.etag, "");
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	TEST(t_state_dir(), "the state folder is .NAME.state beside the jobs file");
	TEST(t_safe_names(), "names are made safe: no '/', no '..', %%XX escapes");
	TEST(t_long_names_differ(), "long names are cut, and a hash keeps them apart");
	TEST(t_round_trip(), "a saved state loads back the same");
	TEST(t_missing_is_empty(), "a missing state file is an empty state");
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
	return test_done();
}
