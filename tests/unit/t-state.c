/*
 * t-state.c - unit tests of src/common/state.c: safe file names and the state
 * file's round trip, on real files.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/state.h"
#include "common/util.h"
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
	(void)strcpy(s.last_change_brief, "(+3 -1) New post: a=b...");
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
	check_str(t.last_change_brief, "(+3 -1) New post: a=b...");
	check_uint(t.failures, ==, 3);
}

/*
 * issue 21.4: what `sitewatch check` prints, from the state alone (the
 * same words whether the command or a supervised watcher checked).
 */
static void
t_describe(void)
{
	struct state s;
	char out[512];

	memset(&s, 0, sizeof(s));
	(void)strcpy(s.last_result, "baseline recorded");
	state_describe(&s, out, sizeof(out));
	check_str(out, "baseline recorded");
	(void)strcpy(s.last_result, "changed");
	(void)strcpy(s.last_change_brief, "(+2 -1) v2...");
	state_describe(&s, out, sizeof(out));
	check_str(out, "changed (+2 -1) v2...");
	(void)strcpy(s.last_result, "unchanged");
	state_describe(&s, out, sizeof(out));
	check_str(out, "unchanged");
	/* A failure: the error, never an older change's lines. */
	(void)strcpy(s.last_result, "HTTP 503");
	(void)strcpy(s.last_error, "HTTP 503 Service Unavailable");
	s.failures = 1;
	state_describe(&s, out, sizeof(out));
	check_str(out, "HTTP 503 (HTTP 503 Service Unavailable)");
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

/* Writes text to path, replacing it. */
static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp != NULL) {
		(void)fputs(text, fp);
		(void)fclose(fp);
	}
}

/* Writes text to path followed by its checksum line, as state_write does. */
static void
put_summed(const char *path, const char *text)
{
	char *all = g_strdup_printf("%ssum=%016llx\n", text,
	    util_hash(text, strlen(text)));

	put(path, all);
	g_free(all);
}

static void
t_in_place_shorter(void)
{
	struct state_file sf;
	struct state s, t;
	struct stat sb1, sb2;
	char path[256];

	(void)snprintf(path, sizeof(path), "%s/inplace", dir);
	memset(&s, 0, sizeof(s));
	s.baseline = 1;
	memset(s.etag, 'e', 400);
	(void)strcpy(s.last_error, "a long error message, longer than the next");
	check_int(state_open(&sf, path), ==, 0);
	check_int(state_write(&sf, &s), ==, 0);
	check_int(stat(path, &sb1), ==, 0);
	(void)strcpy(s.etag, "\"short\"");
	s.last_error[0] = '\0';
	s.checks = 7;
	check_int(state_write(&sf, &s), ==, 0);
	state_close(&sf);
	check_int(stat(path, &sb2), ==, 0);
	/* Same file, same size: rewritten in place, padded, not truncated. */
	check(sb1.st_ino == sb2.st_ino);
	check_int((long)sb2.st_size, ==, (long)sb1.st_size);
	check_int(state_load(path, &t), ==, 0);
	check_str(t.etag, "\"short\"");
	check_str(t.last_error, "");
	check_uint((unsigned)t.checks, ==, 7);
}

static void
t_damaged_is_empty(void)
{
	struct state s, t;
	char path[256], buf[4096];
	FILE *fp;
	size_t n;

	(void)snprintf(path, sizeof(path), "%s/damaged", dir);
	memset(&s, 0, sizeof(s));
	s.baseline = 1;
	(void)strcpy(s.etag, "\"v1\"");
	check_int(state_save(path, &s), ==, 0);
	fp = fopen(path, "r+");
	n = fp != NULL ? fread(buf, 1, sizeof(buf), fp) : 0;
	check(n > 20);
	/* One byte of the etag changed: the checksum no longer holds. */
	if (fp != NULL) {
		char *e = strstr(buf, "v1");

		if (e != NULL) {
			(void)fseek(fp, (long)(e - buf), SEEK_SET);
			(void)fputc('X', fp);
		}
		(void)fclose(fp);
	}
	check_int(state_load(path, &t), ==, -1);
	check_int(t.baseline, ==, 0);
	check_str(t.etag, "");
}

static void
t_no_checksum_is_empty(void)
{
	struct state t;
	char path[256];

	/* A file from before the checksums belongs to no row. */
	(void)snprintf(path, sizeof(path), "%s/old", dir);
	put(path, "baseline=1\netag=\"old\"\nlast_modified=\nhash=\n"
	    "last_check=5\nchecks=9\nnext_check=10\n");
	check_int(state_load(path, &t), ==, -1);
	check_int(t.baseline, ==, 0);
	/* Without a checksum and cut short (what a read overlapping an
	 * in-place write can see): no state. */
	put(path, "baseline=1\netag=\"old\"\nlast_error=xx\n\n\n\n");
	check_int(state_load(path, &t), ==, -1);
	check_int(t.baseline, ==, 0);
}

/*
 * A hash that is not exactly 64 hex digits is no hash: sscanf's "%2x"
 * used to take signs, spaces and "0x" as well.
 */
static void
t_bad_hash_is_no_hash(void)
{
	static const char *const bad[] = {
		"-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1",
		" f f f f f f f f f f f f f f f f f f f f f f f f f f f f f f f f",
		"+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f+f",
		"0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x0x",
		"0g00000000000000000000000000000000000000000000000000000000000000",
		"000000000000000000000000000000000000000000000000000000000000000",
		"00000000000000000000000000000000000000000000000000000000000000000",
	};
	struct state t;
	char path[256], text[512];
	size_t i;
	int k;

	(void)snprintf(path, sizeof(path), "%s/hash", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(text, sizeof(text), "baseline=1\nhash=%s\n"
		    "next_check=10\n", bad[i]);
		put_summed(path, text);
		if (!check_int(state_load(path, &t), ==, 0))
			continue;
		if (!check_int(t.has_hash, ==, 0))
			test_msg("hash=\"%s\" was taken", bad[i]);
		for (k = 0; k < FETCH_HASH_LEN; k++)
			check_int(t.hash[k], ==, 0);
	}
	/* Upper and lower case digits are both hex. */
	put_summed(path, "baseline=1\nhash=00112233445566778899AABBCCDDEEFF"
	    "aabbccddeeff00112233445566778899\nnext_check=10\n");
	check_int(state_load(path, &t), ==, 0);
	check_int(t.has_hash, ==, 1);
	check_int(t.hash[0], ==, 0x00);
	check_int(t.hash[1], ==, 0x11);
	check_int(t.hash[15], ==, 0xff);
	check_int(t.hash[16], ==, 0xaa);
	check_int(t.hash[31], ==, 0x99);
}

/*
 * A writer child rewrites one file in place as fast as it can with two
 * states whose fields go together (etag "A..." with result "a", "B..."
 * with "b"); every load in the parent sees one of them whole.
 */
static void
t_reader_never_sees_a_mix(void)
{
	struct state a, b, t;
	char path[256];
	pid_t pid;
	int i, mixed = 0, loaded = 0, st;

	(void)snprintf(path, sizeof(path), "%s/race", dir);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.baseline = b.baseline = 1;
	memset(a.etag, 'A', 300);
	memset(b.etag, 'B', 200);
	(void)strcpy(a.last_result, "a");
	(void)strcpy(b.last_result, "b");
	memset(a.last_error, 'x', 200);
	check_int(state_save(path, &a), ==, 0);
	pid = fork();
	if (pid == 0) {
		struct state_file sf;

		if (state_open(&sf, path) == -1)
			_exit(1);
		for (i = 0;; i++)
			(void)state_write(&sf, i % 2 ? &b : &a);
	}
	check(pid > 0);
	for (i = 0; i < 3000 && pid > 0; i++) {
		if (state_load(path, &t) != 0)
			continue;
		loaded++;
		if (!((t.etag[0] == 'A' && strlen(t.etag) == 300 &&
		    strcmp(t.last_result, "a") == 0 && strlen(t.last_error) == 200) ||
		    (t.etag[0] == 'B' && strlen(t.etag) == 200 &&
		    strcmp(t.last_result, "b") == 0 && t.last_error[0] == '\0')))
			mixed++;
	}
	if (pid > 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &st, 0);
	}
	check_int(mixed, ==, 0);
	check_int(loaded, >, 2900);
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
	TEST(t_describe(), "issue 21.4: check's words: baseline recorded, "
	    "changed with +A -R and the first added line, an error in full");
	TEST(t_missing_is_empty(), "a missing state file is an empty state");
	TEST(t_in_place_shorter(), "rewritten in place: same inode, never shorter, shorter state reads back");
	TEST(t_damaged_is_empty(), "a file whose checksum fails is an empty state");
	TEST(t_bad_hash_is_no_hash(), "a hash with signs, spaces or the wrong length is no hash");
	TEST(t_no_checksum_is_empty(), "a state file without a checksum line is an empty state");
	TEST(t_reader_never_sees_a_mix(), "a reader racing an in-place writer sees one state whole, never a mix");
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
	return test_done();
}
