/*
 * t-util.c - unit tests of src/common/util.c's string helpers: the one place
 * that cuts a string at a UTF-8 character boundary.
 */
#include <string.h>

#include "common/util.h"
#include "tap.h"

static void
t_cut(void)
{
	check_uint(util_utf8_cut("abc", 2), ==, 2);
	check_uint(util_utf8_cut("abc", 3), ==, 3);
	/* é is two bytes (1-2): a cut at 2 would split it. */
	check_uint(util_utf8_cut("a\xc3\xa9" "b", 2), ==, 1);
	check_uint(util_utf8_cut("a\xc3\xa9" "b", 3), ==, 3);
	/* € is three bytes. */
	check_uint(util_utf8_cut("\xe2\x82\xac" "x", 1), ==, 0);
	check_uint(util_utf8_cut("\xe2\x82\xac" "x", 2), ==, 0);
	check_uint(util_utf8_cut("\xe2\x82\xac" "x", 3), ==, 3);
	check_uint(util_utf8_cut("", 0), ==, 0);
}

static void
t_copy(void)
{
	char small[4], big[16];

	check_str(util_copy(big, sizeof(big), "fits"), "fits");
	check_str(util_copy(small, sizeof(small), "abcdef"), "abc");
	/* "a€": the € (bytes 1-3) does not fit in 3 bytes: dropped whole. */
	check_str(util_copy(small, sizeof(small), "a\xe2\x82\xac"), "a");
	check_str(util_copy(small, 1, "abc"), "");
}

/*
 * The one command splitter (issue 22.4), used by a filter's pipe: step
 * and by --exec: blanks separate, quotes group, nothing is expanded.
 */
static void
t_split(void)
{
	char err[128] = "";
	char **v = util_split_command("\t tr  'a b'\t\"c;d\"e $(x) ''", err,
	    sizeof(err));

	if (!check(v != NULL))
		return;
	check_str(v[0], "tr");
	check_str(v[1], "a b");
	check_str(v[2], "c;de");
	check_str(v[3], "$(x)");
	check_str(v[4], "");
	check(v[5] == NULL);
	util_free_argv(v);
	util_free_argv(NULL);
}

/* What the splitter refuses, and the reason it gives. */
static void
t_split_errors(void)
{
	char err[128] = "";

	check(util_split_command("", err, sizeof(err)) == NULL);
	check_str(err, "empty command");
	check(util_split_command(" \t ", err, sizeof(err)) == NULL);
	check_str(err, "empty command");
	check(util_split_command("a 'b", err, sizeof(err)) == NULL);
	check_str(err, "unclosed ' quote");
	check(util_split_command("a \"b'", err, sizeof(err)) == NULL);
	check_str(err, "unclosed \" quote");
}

int
main(void)
{
	TEST(t_cut(), "a cut never splits a UTF-8 character");
	TEST(t_copy(), "a copy is cut at a character and always terminated");
	TEST(t_split(), "a command splits at blanks, quotes group words");
	TEST(t_split_errors(), "an empty command or an open quote is refused");
	return test_done();
}
