/*
 * t-notify.c - unit tests of the pure parts of src/notifier/notify.c: the
 * --exec command split.  The event and its text: t-event.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "notifier/notify.h"
#include "tap.h"

static void
t_split(void)
{
	char err[128];
	char **v = notify_split_command("  notify  'a b'  \"c;d\" $(x)", err,
	    sizeof(err));

	if (!check(v != NULL))
		return;
	check_str(v[0], "notify");
	check_str(v[1], "a b");
	check_str(v[2], "c;d");
	check_str(v[3], "$(x)");
	check(v[4] == NULL);
	notify_free_argv(v);
}

static void
t_split_errors(void)
{
	char err[128];

	check(notify_split_command("   ", err, sizeof(err)) == NULL);
	check_str(err, "--exec: empty command");
	check(notify_split_command("a 'b", err, sizeof(err)) == NULL);
	check_str(err, "--exec: unclosed ' quote");
}

int
main(void)
{
	TEST(t_split(), "--exec splits at blanks, quotes group, nothing expands");
	TEST(t_split_errors(), "--exec: empty command and open quote are errors");
	return test_done();
}
