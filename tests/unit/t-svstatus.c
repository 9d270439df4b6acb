/*
 * t-svstatus.c - unit tests of src/common/svstatus.c: the supervisor's
 * published table, packed and unpacked by its one owner.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/svstatus.h"
#include "tap.h"

/* What is packed unpacks to the same entries, found by name. */
static void
t_round_trip(void)
{
	struct svstatus_entry e[] = {
		{ "Fefe", SVSTATUS_RUNNING, 0 },
		{ "a b;c \"d\"", SVSTATUS_BACKOFF, 1767225600123LL },
		{ "Grüße", SVSTATUS_DOWN, 0 },
	};
	const struct svstatus_entry *f;
	struct svstatus *t;
	size_t len;
	char *text = svstatus_pack(e, 3, &len);

	if (!check(text != NULL))
		return;
	check_str(text, "running\t0\tFefe\nbackoff\t1767225600123\ta b;c \"d\"\n"
	    "down\t0\tGrüße\n");
	t = svstatus_unpack(text, len);
	if (!check(t != NULL))
		return;
	f = svstatus_find(t, "a b;c \"d\"");
	if (check(f != NULL)) {
		check_int(f->state, ==, SVSTATUS_BACKOFF);
		check_int(f->restart_at, ==, 1767225600123LL);
	}
	f = svstatus_find(t, "Grüße");
	if (check(f != NULL))
		check_int(f->state, ==, SVSTATUS_DOWN);
	f = svstatus_find(t, "Fefe");
	if (check(f != NULL))
		check_str(svstatus_word(f->state), "running");
	check(svstatus_find(t, "Fef") == NULL);
	check(svstatus_find(NULL, "Fefe") == NULL);
	svstatus_free(t);
	free(text);
}

/* Lines that are not entries (a torn or foreign line) are skipped. */
static void
t_bad_lines(void)
{
	static const char text[] = "running\t0\n\nbogus\t0\tx\nrunning\t0\tok\n"
	    "down\t0\tlast";
	struct svstatus *t = svstatus_unpack(text, sizeof(text) - 1);

	if (!check(t != NULL))
		return;
	check(svstatus_find(t, "x") == NULL);
	check(svstatus_find(t, "ok") != NULL);
	check(svstatus_find(t, "last") != NULL);
	svstatus_free(t);
}

/* 100,000 entries unpack and are all found in well under a second: the
 * lookup is by hash, not a search of the text per row. */
static void
t_many(void)
{
	enum { N = 100000 };
	struct svstatus_entry *e = calloc(N, sizeof(*e));
	char (*names)[16] = calloc(N, sizeof(*names));
	struct timespec t0, t1;
	struct svstatus *t;
	size_t i, len, found = 0;
	char *text;

	if (!check(e != NULL && names != NULL))
		return;
	for (i = 0; i < N; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "job%zu", i);
		e[i].name = names[i];
		e[i].state = SVSTATUS_RUNNING;
	}
	text = svstatus_pack(e, N, &len);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	t = svstatus_unpack(text, len);
	for (i = 0; i < N; i++)
		found += svstatus_find(t, names[i]) != NULL;
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	check_uint(found, ==, N);
	check_int((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000, <, 1000);
	svstatus_free(t);
	free(text);
	free(names);
	free(e);
}

int
main(void)
{
	TEST(t_round_trip(), "pack and unpack: every entry found by name, "
	    "with its state and restart time");
	TEST(t_bad_lines(), "unpack skips lines that are not entries");
	TEST(t_many(), "100,000 entries: unpacked and each found in under "
	    "a second");
	return test_done();
}
