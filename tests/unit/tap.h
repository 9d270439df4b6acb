/*
 * tap.h: a tiny header-only TAP producer for sitewatch's C unit tests.
 *
 * A test program is a main() that runs test functions through TEST() and
 * ends with test_done():
 *
 *	static void t_parse_minutes(void)
 *	{
 *		struct schedule s;
 *		char q[64];
 *
 *		check_int(schedule_parse("10m", &s, NULL, 0), ==, 0);
 *		check_int(s.every, ==, 600);
 *		jobs_quote_field(q, sizeof(q), "a;b");
 *		check_str(q, "\"a;b\"");
 *	}
 *
 *	int main(void)
 *	{
 *		TEST(t_parse_minutes(), "10m is 600 seconds");
 *		return test_done();
 *	}
 *
 * TEST() prints "ok N - description" when no check failed while its
 * expression ran, and "not ok N - description" otherwise. A failed check
 * prints where it is and both sides as "# " lines on stderr (so prove shows
 * them without -v). test_done() prints the "1..N" plan and returns the exit
 * status: 0 when every test passed, 1 otherwise.
 *
 * The checks are expressions worth 1 when they pass and 0 when they fail,
 * so a test can stop early: if (!check(p != NULL)) return;
 * Every operand is evaluated exactly once.
 *
 * Everything here is static, so each test program includes this header
 * once, in its only translation unit.
 */
#ifndef SITEWATCH_TAP_H
#define SITEWATCH_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __GNUC__
#define TAP_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define TAP_PRINTF_(f, a)
#endif

static int tap_ntests;          /* tests started so far: the N of "ok N" */
static int tap_nfailed;         /* tests that ended "not ok" */
static int tap_in_test;         /* 1 while a TEST() expression runs */
static int tap_test_failed;     /* a check failed in the current test */
static int tap_stray_failed;    /* a check failed outside any TEST() */

/*
 * The operands of the last check_int()/check_uint(), stored before the
 * comparison so the macros evaluate each operand only once.
 */
static intmax_t tap_ia, tap_ib;
static uintmax_t tap_ua, tap_ub;

/*
 * Print one "# " diagnostic line on stderr, after flushing stdout so the
 * line lands after the TAP lines already printed.
 */
static inline void TAP_PRINTF_(1, 2) test_msg(const char *fmt, ...)
{
	va_list ap;

	(void)fflush(stdout);
	(void)fputs("# ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

/*
 * Record a check's result. On failure, says which check failed and where,
 * and marks the current test (or the whole run) failed. Returns ok.
 */
static inline int tap_check_(int ok, const char *what, const char *file,
			     int line)
{
	if (ok)
		return 1;
	if (tap_in_test)
		tap_test_failed = 1;
	else
		tap_stray_failed = 1;
	test_msg("check failed at %s:%d: %s", file, line, what);
	return 0;
}

/*
 * check_int() behind the macro: the values are already in tap_ia/tap_ib.
 * Prints both sides on failure and returns ok.
 */
static inline int tap_check_int_(int ok, const char *what, const char *sa,
				 const char *sb, const char *file, int line)
{
	if (tap_check_(ok, what, file, line))
		return 1;
	test_msg("   left: %s = %jd", sa, tap_ia);
	test_msg("  right: %s = %jd", sb, tap_ib);
	return 0;
}

/*
 * check_uint() behind the macro: the values are already in tap_ua/tap_ub.
 * Prints both sides on failure and returns ok.
 */
static inline int tap_check_uint_(int ok, const char *what, const char *sa,
				  const char *sb, const char *file, int line)
{
	if (tap_check_(ok, what, file, line))
		return 1;
	test_msg("   left: %s = %ju", sa, tap_ua);
	test_msg("  right: %s = %ju", sb, tap_ub);
	return 0;
}

/*
 * Print one side of a failed check_str() as a C string literal (quotes,
 * backslashes and unprintable bytes escaped), or NULL.
 */
static inline void tap_print_str_(const char *label, const char *expr,
				  const char *s)
{
	(void)fflush(stdout);
	(void)fprintf(stderr, "# %s: %s = ", label, expr);
	if (s == NULL) {
		(void)fputs("NULL\n", stderr);
		return;
	}
	(void)fputc('"', stderr);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			(void)fprintf(stderr, "\\%c", c);
		else if (c == '\n')
			(void)fputs("\\n", stderr);
		else if (c < 0x20 || c == 0x7f)
			(void)fprintf(stderr, "\\x%02x", c);
		else
			(void)fputc(c, stderr);
	}
	(void)fputs("\"\n", stderr);
}

/*
 * check_str(): equal when both are NULL or both hold the same bytes.
 * Prints both sides on failure and returns 1 when equal, 0 otherwise.
 */
static inline int tap_check_str_(const char *a, const char *b, const char *what,
				 const char *sa, const char *sb,
				 const char *file, int line)
{
	int ok = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;

	if (tap_check_(ok, what, file, line))
		return 1;
	tap_print_str_("   left", sa, a);
	tap_print_str_("  right", sb, b);
	return 0;
}

/*
 * Start a test: numbers it and clears the failure flag its checks set.
 * Always returns 0; it exists to be sequenced before the test's expression.
 */
static inline int tap_test_begin_(void)
{
	tap_ntests++;
	tap_in_test = 1;
	tap_test_failed = 0;
	return 0;
}

/*
 * End a test: prints "ok N - description" or "not ok N - description".
 * Returns 1 when the test passed, 0 when one of its checks failed.
 */
static inline int TAP_PRINTF_(1, 2) tap_test_end_(const char *fmt, ...)
{
	va_list ap;

	tap_in_test = 0;
	if (tap_test_failed)
		tap_nfailed++;
	(void)printf("%sok %d - ", tap_test_failed ? "not " : "", tap_ntests);
	va_start(ap, fmt);
	(void)vprintf(fmt, ap);
	va_end(ap);
	(void)putchar('\n');
	(void)fflush(stdout);
	return !tap_test_failed;
}

/*
 * Finish the run: prints the "1..N" plan and returns main()'s exit status,
 * 0 when every test passed, 1 when any failed or none ran.
 */
static inline int test_done(void)
{
	(void)printf("1..%d\n", tap_ntests);
	(void)fflush(stdout);
	if (tap_ntests == 0)
		test_msg("no tests ran");
	if (tap_stray_failed)
		test_msg("a check outside of any TEST() failed");
	if (tap_nfailed > 0)
		test_msg("failed %d of %d tests", tap_nfailed, tap_ntests);
	return (tap_nfailed > 0 || tap_stray_failed || tap_ntests == 0) ? 1 : 0;
}

/* check(cond): passes when cond is true. */
#define check(cond) tap_check_(!!(cond), #cond, __FILE__, __LINE__)

/* check_int(a, op, b): compares a and b as intmax_t with op (==, <, ...). */
#define check_int(a, op, b)                                                  \
	tap_check_int_((tap_ia = (intmax_t)(a), tap_ib = (intmax_t)(b),      \
			tap_ia op tap_ib),                                   \
		       #a " " #op " " #b, #a, #b, __FILE__, __LINE__)

/* check_uint(a, op, b): compares a and b as uintmax_t with op. */
#define check_uint(a, op, b)                                                 \
	tap_check_uint_((tap_ua = (uintmax_t)(a), tap_ub = (uintmax_t)(b),   \
			 tap_ua op tap_ub),                                  \
			#a " " #op " " #b, #a, #b, __FILE__, __LINE__)

/* check_str(a, b): two C strings, either of which may be NULL, are equal. */
#define check_str(a, b)                                                      \
	tap_check_str_((a), (b), "check_str(" #a ", " #b ")", #a, #b,        \
		       __FILE__, __LINE__)

/*
 * TEST(expr, "description", ...): runs expr (usually a call to a void test
 * function) as test number N; the description is a printf format.
 * The whole is an expression worth 1 when the test passed.
 */
#define TEST(t, ...)                                                         \
	(tap_test_begin_(), (void)(t), tap_test_end_(__VA_ARGS__))

#endif /* SITEWATCH_TAP_H */
