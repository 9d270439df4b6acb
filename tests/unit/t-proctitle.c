/*
 * t-proctitle.c - unit tests of src/common/proctitle.c on a command line laid
 * out in a buffer the way the kernel lays out argv: the title written over
 * it, cut at a character, the rest zeroed, the arguments still readable.
 */
#define _GNU_SOURCE		/* program_invocation_name */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>

#include "common/proctitle.h"
#include "tap.h"

/* "prog -f jobs.csv", as the kernel passes it: one string after the
 * other. */
static char area[] = "prog\0-f\0jobs.csv";
static char *args[] = { area, area + 5, area + 8, NULL };

static void
t_scattered(void)
{
	/* Arguments not one after the other: titles stay off, the
	 * arguments are left where they are. */
	static char gap[] = "prog\0X-v";
	char *v[] = { gap, gap + 6, NULL };

	proctitle_init(2, v);
	check(v[0] == gap);
	proctitle_set(NULL, "supervisor %s", "x");
	check_str(gap, "prog");
	check_str(gap + 6, "-v");
}

static void
t_init(void)
{
	proctitle_init(3, args);
	/* The arguments now live elsewhere, unchanged. */
	check(args[0] < area || args[0] >= area + sizeof(area));
	check(args[2] < area || args[2] >= area + sizeof(area));
	check_str(args[0], "prog");
	check_str(args[1], "-f");
	check_str(args[2], "jobs.csv");
	check_str(program_invocation_name, "prog");
}

static void
t_title(void)
{
	size_t i;

	proctitle_set(NULL, "x %d", 1);
	check_str(area, "sitewatch: x 1");
	/* The rest zeroed: no old argument shows after the title. */
	for (i = strlen("sitewatch: x 1"); i < sizeof(area); i++)
		check_int(area[i], ==, 0);
	check_str(args[2], "jobs.csv");
}

static void
t_title_cut(void)
{
	/* 17 bytes of room: at most 16 of title, and é (bytes 15-16 of
	 * "sitewatch: abcdé") does not fit whole. */
	proctitle_set(NULL, "%s", "abcdé");
	check_str(area, "sitewatch: abcd");
	check_int(area[sizeof(area) - 1], ==, 0);
	proctitle_set(NULL, "%s", "abcde");
	check_str(area, "sitewatch: abcde");
}

static void
t_comm(void)
{
	char comm[17] = "";

	/* "sw:Bäckerei M" is 14 bytes, ü would be bytes 15-16. */
	proctitle_set("Bäckerei Müller", "%s", "w");
	check_int(prctl(PR_GET_NAME, comm), ==, 0);
	check_str(comm, "sw:Bäckerei M");
	proctitle_set("notifier", "notifier");
	check_int(prctl(PR_GET_NAME, comm), ==, 0);
	check_str(comm, "sw:notifier");
}

int
main(void)
{
	TEST(t_scattered(), "arguments not laid out together: no titles");
	TEST(t_init(), "init moves the arguments out of the room");
	TEST(t_title(), "a title over the arguments, the rest zeroed");
	TEST(t_title_cut(), "a title longer than the room: cut at a character");
	TEST(t_comm(), "the comm: sw:NAME, 15 bytes at most, whole characters");
	return test_done();
}
