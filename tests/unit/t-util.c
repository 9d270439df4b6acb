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

int
main(void)
{
	TEST(t_cut(), "a cut never splits a UTF-8 character");
	TEST(t_copy(), "a copy is cut at a character and always terminated");
	return test_done();
}
