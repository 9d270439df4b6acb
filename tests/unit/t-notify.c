/*
 * t-notify.c - unit tests of the pure parts of src/notify.c: the markup of
 * the notification body, and the --exec command split.
 */
#define _POSIX_C_SOURCE 200809L
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "tap.h"

static void
t_body_plain(void)
{
	char *b = notify_body("Fefe", "https://blog.fefe.de/");

	check_str(b, "<a href=\"https://blog.fefe.de/\">Fefe</a>");
	g_free(b);
}

static void
t_body_hostile(void)
{
	char *b = notify_body("<b>Tom & \"Jerry's\"</b>",
	    "http://x/?a=1&b=\"><script>");

	check_str(b, "<a href=\"http://x/?a=1&amp;b=&quot;&gt;&lt;script&gt;\">"
	    "&lt;b&gt;Tom &amp; &quot;Jerry&apos;s&quot;&lt;/b&gt;</a>");
	g_free(b);
}

static void
t_body_invalid_utf8(void)
{
	char *b = notify_body("caf\xe9", "http://x/");

	check(g_utf8_validate(b, -1, NULL));
	check(strstr(b, "caf\xef\xbf\xbd") != NULL);	/* U+FFFD */
	g_free(b);
}

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
	TEST(t_body_plain(), "the body is a link to the URL with the name");
	TEST(t_body_hostile(), "markup in the name and URL is escaped");
	TEST(t_body_invalid_utf8(), "invalid UTF-8 is made valid before escaping");
	TEST(t_split(), "--exec splits at blanks, quotes group, nothing expands");
	TEST(t_split_errors(), "--exec: empty command and open quote are errors");
	return test_done();
}
