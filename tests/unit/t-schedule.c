/*
 * t-schedule.c - unit tests of src/common/schedule.c: parsing every form of
 * the interval column, its error messages, and the next run time in fixed
 * time zones, across month ends, leap days and daylight saving changes.
 *
 * Run times are compared as local time strings ("%Y-%m-%d %H:%M %Z"), so a
 * failure shows both times in words.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/schedule.h"
#include "tap.h"

/* Sets the process's time zone, as a test of the caller's TZ would. */
static void
set_tz(const char *tz)
{
	(void)setenv("TZ", tz, 1);
	tzset();
}

/* Formats t as local time into buf, or "never" for (time_t)-1. */
static const char *
show(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (t == (time_t)-1)
		(void)snprintf(buf, n, "never");
	else if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		(void)snprintf(buf, n, "unprintable %lld", (long long)t);
	return buf;
}

/* Days from 1970-01-01 to y-m-d (Gregorian), for UTC times in tests. */
static long long
days(long long y, int m, int d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/*
 * Returns the instant "YYYY-MM-DD HH:MM[:SS]" names in the current zone
 * (it must exist and happen once), or in UTC with a trailing "Z".
 */
static time_t
when(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec = 0;
	char z = 0;

	if (sscanf(s, "%d-%d-%d %d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec,
	    &z) < 6 && sscanf(s, "%d-%d-%d %d:%d%c", &y, &mo, &d, &h, &mi,
	    &z) < 5) {
		test_msg("bad time in test: %s", s);
		return (time_t)-1;
	}
	if (z == 'Z')
		return (time_t)(days(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    sec);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Parses text, which must be valid; returns 1 when it was. */
static int
parse_ok(const char *text, struct schedule *s)
{
	char err[256] = "";
	int rc = schedule_parse(text, s, err, sizeof(err));

	if (rc != 0)
		test_msg("parsing \"%s\": %s", text, err);
	return check_int(rc, ==, 0);
}

/*
 * In zone tz, the runs of text after the local time `after`, one after
 * the other, are the '|'-separated local times of expect ("never" for
 * none).
 */
static void
t_runs(const char *tz, const char *text, const char *after,
    const char *expect)
{
	struct schedule s;
	char want[256], got[64];
	char *p, *bar;
	time_t t;

	set_tz(tz);
	if (!parse_ok(text, &s))
		return;
	t = when(after);
	(void)snprintf(want, sizeof(want), "%s", expect);
	for (p = want; p != NULL; p = bar) {
		bar = strchr(p, '|');
		if (bar != NULL)
			*bar++ = '\0';
		t = schedule_next(&s, t);
		if (!check_str(show(t, got, sizeof(got)), p))
			return;
		if (t == (time_t)-1)
			return;
	}
}

/* Parsing text fails with exactly the message expect. */
static void
t_err(const char *text, const char *expect)
{
	struct schedule s;
	char err[256] = "";

	memset(&s, 0x5a, sizeof(s));
	check_int(schedule_parse(text, &s, err, sizeof(err)), ==, -1);
	check_str(err, expect);
	check_int(s.kind, ==, 0x5a5a5a5a);	/* untouched */
}

/* text is a duration of `every` seconds, with `jitter` seconds of jitter. */
static void
t_every(const char *text, long every, long jitter)
{
	struct schedule s;

	if (!parse_ok(text, &s))
		return;
	check_int(s.kind, ==, SCHEDULE_EVERY);
	check_int(s.every, ==, every);
	check_int(s.jitter, ==, jitter);
}

/* The bits from lo to hi, every step. */
static unsigned long long
bits(int lo, int hi, int step)
{
	unsigned long long b = 0;

	for (; lo <= hi; lo += step)
		b |= 1ULL << lo;
	return b;
}

/* text is a cron expression with these sets, restriction flags, jitter. */
static void
t_cron(const char *text, unsigned long long minutes, unsigned long long
    hours, unsigned long long mdays, unsigned long long months,
    unsigned long long wdays, int mr, int wr)
{
	struct schedule s;

	if (!parse_ok(text, &s))
		return;
	check_int(s.kind, ==, SCHEDULE_CRON);
	check_uint(s.minutes, ==, minutes);
	check_uint(s.hours, ==, hours);
	check_uint(s.mdays, ==, mdays);
	check_uint(s.months, ==, months);
	check_uint(s.wdays, ==, wdays);
	check_int(s.mday_restricted, ==, mr);
	check_int(s.wday_restricted, ==, wr);
	check_int(s.jitter, ==, 0);
}

static void
t_star(void)
{
	t_cron("* * * * *", bits(0, 59, 1), bits(0, 23, 1), bits(1, 31, 1),
	    bits(1, 12, 1), bits(0, 6, 1), 0, 0);
	t_cron(" \t* * * * *\t ", bits(0, 59, 1), bits(0, 23, 1),
	    bits(1, 31, 1), bits(1, 12, 1), bits(0, 6, 1), 0, 0);
}

static void
t_numbers_lists_ranges(void)
{
	t_cron("1,5,7 9-17 13 6 3", 0xA2, bits(9, 17, 1), 1ULL << 13,
	    1ULL << 6, 1ULL << 3, 1, 1);
	t_cron("0,30 0-3,12,20-23 1-31 * *", 1ULL | 1ULL << 30,
	    bits(0, 3, 1) | 1ULL << 12 | bits(20, 23, 1), bits(1, 31, 1),
	    bits(1, 12, 1), bits(0, 6, 1), 1, 0);
}

static void
t_steps(void)
{
	t_cron("*/10 9-17/2 */2 */3 *", bits(0, 50, 10), bits(9, 17, 2),
	    bits(1, 31, 2), bits(1, 12, 3), bits(0, 6, 1), 0, 0);
	t_cron("5/15 20/2 10/10 11/1 1/2", bits(5, 59, 15), bits(20, 23, 2),
	    bits(10, 31, 10), bits(11, 12, 1), 0x2A | 1ULL, 1, 1);
	t_cron("0-59/20,7 * * * *", bits(0, 40, 20) | 1ULL << 7,
	    bits(0, 23, 1), bits(1, 31, 1), bits(1, 12, 1), bits(0, 6, 1),
	    0, 0);
}

static void
t_month_names(void)
{
	t_cron("0 0 1 jan,JUN,Dec *", 1, 1, 2, 1U << 1 | 1U << 6 | 1U << 12,
	    bits(0, 6, 1), 1, 0);
	t_cron("0 0 1 Mar-may *", 1, 1, 2, bits(3, 5, 1), bits(0, 6, 1), 1,
	    0);
	t_cron("0 0 1 jan-dec/3 *", 1, 1, 2, bits(1, 12, 3), bits(0, 6, 1), 1,
	    0);
}

static void
t_weekday_names(void)
{
	t_cron("0 0 * * mon-fri", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x3E,
	    0, 1);
	t_cron("0 0 * * Sat,SUN", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x41,
	    0, 1);
	t_cron("0 0 * * TUE", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x04, 0,
	    1);
}

static void
t_sunday_0_and_7(void)
{
	t_cron("0 0 * * 0", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x01, 0, 1);
	t_cron("0 0 * * 7", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x01, 0, 1);
	t_cron("0 0 * * 5-7", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x61, 0,
	    1);
	t_cron("0 0 * * fri-sun", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x61,
	    0, 1);
	t_cron("0 0 * * sun-sat", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x7F,
	    0, 1);
	/* "sun" ends a range as 7 only when the range starts after Sunday:
	 * "sun-sun" (and "0-sun") is Sunday alone, as cron reads it. */
	t_cron("0 0 * * sun-sun", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x01,
	    0, 1);
	t_cron("0 0 * * 0-sun", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x01,
	    0, 1);
	t_cron("0 0 * * sat-sun", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x41,
	    0, 1);
	t_cron("0 0 * * 0-7", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x7F,
	    0, 1);
	t_cron("0 0 * * */2", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x55, 0,
	    0);
}

static void
t_restricted(void)
{
	/* Vixie cron: a field starting with '*' is unrestricted. */
	t_cron("0 0 */1 * 1-5", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x3E, 0,
	    1);
	t_cron("0 0 1-31 * */1", 1, 1, bits(1, 31, 1), bits(1, 12, 1), 0x7F, 1,
	    0);
}

/* Each nickname parses to the same schedule as its expansion. */
static void
t_nicknames(void)
{
	static const char *const pairs[][2] = {
		{ "@hourly", "0 * * * *" },
		{ "@daily", "0 0 * * *" },
		{ "@midnight", "0 0 * * *" },
		{ "@weekly", "0 0 * * 0" },
		{ "@monthly", "0 0 1 * *" },
		{ "@yearly", "0 0 1 1 *" },
		{ "@annually", "0 0 1 1 *" },
		{ " @DAILY ", "0 0 * * *" },
	};
	struct schedule a, b;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (!parse_ok(pairs[i][0], &a) || !parse_ok(pairs[i][1], &b))
			continue;
		check_int(a.kind, ==, SCHEDULE_CRON);
		check_uint(a.minutes, ==, b.minutes);
		check_uint(a.hours, ==, b.hours);
		check_uint(a.mdays, ==, b.mdays);
		check_uint(a.months, ==, b.months);
		check_uint(a.wdays, ==, b.wdays);
		check_int(a.mday_restricted, ==, b.mday_restricted);
		check_int(a.wday_restricted, ==, b.wday_restricted);
	}
}

static void
t_at_parse(void)
{
	struct schedule s;

	if (parse_ok("at 2026-12-01 09:00", &s)) {
		check_int(s.kind, ==, SCHEDULE_AT);
		check_int(s.year, ==, 2026);
		check_int(s.month, ==, 12);
		check_int(s.mday, ==, 1);
		check_int(s.hour, ==, 9);
		check_int(s.minute, ==, 0);
		check_int(s.jitter, ==, 0);
	}
	if (parse_ok("  AT  2028-02-29   23:59 ", &s)) {
		check_int(s.kind, ==, SCHEDULE_AT);
		check_int(s.mday, ==, 29);
		check_int(s.hour, ==, 23);
		check_int(s.minute, ==, 59);
	}
	check(parse_ok("at 2000-02-29 00:00", &s));	/* 400-year leap */
}

static void
t_jitter_parse(void)
{
	struct schedule s;

	t_every("10m ~30s", 600, 30);
	t_every("90 ~1m29s", 90, 89);
	t_every("1d ~23h59m59s", 86400, 86399);
	t_every("2h\t~\t5m", 7200, 300);
	if (parse_ok("@hourly ~5m", &s)) {
		check_int(s.kind, ==, SCHEDULE_CRON);
		check_uint(s.minutes, ==, 1);
		check_int(s.jitter, ==, 300);
	}
	if (parse_ok("*/10 * * * * ~1m", &s)) {
		check_int(s.kind, ==, SCHEDULE_CRON);
		check_uint(s.minutes, ==, bits(0, 50, 10));
		check_int(s.jitter, ==, 60);
	}
	if (parse_ok("at 2026-12-01 09:00 ~10m", &s)) {
		check_int(s.kind, ==, SCHEDULE_AT);
		check_int(s.minute, ==, 0);
		check_int(s.jitter, ==, 600);
	}
	/* Cron and at jitters have no upper bound but ten years. */
	if (parse_ok("*/10 * * * * ~1h", &s))
		check_int(s.jitter, ==, 3600);
}

static void
t_durations(void)
{
	t_every("90", 90, 0);
	t_every("30s", 30, 0);
	t_every("10m", 600, 0);
	t_every("2h", 7200, 0);
	t_every("1d", 86400, 0);
	t_every("1h30m", 5400, 0);
	t_every("1d2h3m4s", 93784, 0);
	t_every("  10m\t", 600, 0);
	t_every("3650d", 3650L * 86400L, 0);
	t_every("1", 1, 0);
}

/* The hint says how often a schedule runs, roughly. */
static void
t_period_hint(void)
{
	static const struct {
		const char *text;
		long hint;
	} c[] = {
		{ "10m", 600 },
		{ "*/10 * * * *", 600 },
		{ "0 9,17 * * *", 8 * 3600 },
		{ "@daily", 86400 },
		{ "@weekly", 7 * 86400 },
		{ "0 0 1 * *", 28 * 86400 },
		{ "at 2026-12-01 09:00", 0 },
	};
	struct schedule s;
	size_t i;

	set_tz("UTC");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (parse_ok(c[i].text, &s))
			check_int(schedule_period_hint(&s), ==, c[i].hint);
}

/* A hand-made schedule that can never run ends the search: never. */
static void
t_impossible_struct(void)
{
	struct schedule s;
	char got[64];

	set_tz("UTC");
	memset(&s, 0, sizeof(s));
	s.kind = SCHEDULE_CRON;
	s.minutes = 1;
	s.hours = 1;
	s.mdays = 1UL << 31;
	s.months = 1U << 2;
	s.wdays = 0x7F;
	check_str(show(schedule_next(&s, when("2026-01-01 00:00")), got,
	    sizeof(got)), "never");
	check_int(schedule_period_hint(&s), ==, 60);
}

/*
 * A duration run from the far end of time_t has no next run (it used to
 * overflow, a signed overflow that UBSan stops at), and neither has a cron
 * expression there.
 */
static void
t_end_of_time(void)
{
	struct schedule s;
	time_t last = (time_t)9223372036854775807LL, far = last - 100;

	set_tz("UTC");
	if (parse_ok("10m", &s)) {
		check_int((long long)schedule_next(&s, far), ==, -1);
		check_int((long long)schedule_next(&s, last - 600), ==,
		    (long long)last);
	}
	if (parse_ok("1", &s)) {
		check_int((long long)schedule_next(&s, far), ==,
		    (long long)far + 1);
		check_int((long long)schedule_next(&s, last), ==, -1);
	}
	if (parse_ok("*/5 * * * *", &s))
		check_int((long long)schedule_next(&s, far), ==, -1);
}

/*
 * issue 21.3: the one rule of "too late" for add and --check: an at time
 * not after now has passed, and the message names it and now in local
 * time; any other schedule, or an at time to come, is not past.
 */
static void
t_at_past(void)
{
	struct schedule s;
	char msg[256] = "untouched";

	set_tz("Europe/Berlin");
	if (parse_ok("at 2026-12-01 09:00", &s)) {
		check_int(schedule_at_past(&s, when("2026-12-01 08:59"), msg,
		    sizeof(msg)), ==, 0);
		check_str(msg, "untouched");
		check_int(schedule_at_past(&s, when("2026-12-01 09:00"), msg,
		    sizeof(msg)), ==, 1);
		check_str(msg, "at 2026-12-01 09:00 has passed (it is now "
		    "2026-12-01 09:00)");
		check_int(schedule_at_past(&s, when("2027-01-02 03:04"), msg,
		    sizeof(msg)), ==, 1);
		check_str(msg, "at 2026-12-01 09:00 has passed (it is now "
		    "2027-01-02 03:04)");
	}
	if (parse_ok("@daily", &s))
		check_int(schedule_at_past(&s, when("2027-01-02 03:04"), msg,
		    sizeof(msg)), ==, 0);
	if (parse_ok("10m", &s))
		check_int(schedule_at_past(&s, when("2027-01-02 03:04"), msg,
		    sizeof(msg)), ==, 0);
}

int
main(void)
{
	const char *dur = "not a duration (like 90, 30s, 10m, 2h, 1d, 1h30m)";
	char m[256];

	/* Parsing: durations, cron fields, nicknames, at, jitter. */
	TEST(t_durations(), "durations: 90, 30s, 10m, 2h, 1d, 1h30m");
	TEST(t_star(), "'*' in every field allows everything, restricts nothing");
	TEST(t_numbers_lists_ranges(), "numbers, lists and ranges");
	TEST(t_steps(), "steps: */10, 9-17/2, and 5/15 from 5 to the maximum");
	TEST(t_month_names(), "month names, any case, also in ranges");
	TEST(t_weekday_names(), "weekday names, any case, also in ranges");
	TEST(t_sunday_0_and_7(), "Sunday is 0 or 7; 5-7 and fri-sun are fri,sat,sun; sun-sun is Sunday alone");
	TEST(t_restricted(), "a day field starting with '*' is unrestricted");
	TEST(t_nicknames(), "nicknames are their cron expressions");
	TEST(t_at_parse(), "at YYYY-MM-DD HH:MM keeps the date as written");
	TEST(t_jitter_parse(), "a jitter ~DURATION after any form");

	/* Parse errors, with their exact messages. */
	TEST(t_err("", "interval: empty"), "empty text");
	TEST(t_err(" \t ", "interval: empty"), "only spaces");
	TEST(t_err("10x", "interval: \"10x\": unknown unit 'x' (use s, m, h or d)"),
	    "unknown duration unit");
	(void)snprintf(m, sizeof(m), "interval: \"m10\": %s", dur);
	TEST(t_err("m10", m), "a duration starts with a number");
	TEST(t_err("30m1h", "interval: \"30m1h\": units must go from largest to smallest, each once"),
	    "duration units out of order");
	TEST(t_err("1h30", "interval: \"1h30\": number without a unit at the end"),
	    "a bare number only on its own");
	TEST(t_err("0s", "interval: \"0s\": must be at least 1 second"),
	    "a zero duration");
	TEST(t_err("3651d", "interval: \"3651d\": longer than ten years"),
	    "a duration over ten years");
	TEST(t_err("99999999999999999999", "interval: \"99999999999999999999\": longer than ten years"),
	    "a huge bare number");
	TEST(t_err("* * *", "interval: \"* * *\": a cron expression has 5 fields, this has 3"),
	    "too few cron fields");
	TEST(t_err("* * * * * *", "interval: \"* * * * * *\": a cron expression has 5 fields, this has 6"),
	    "too many cron fields");
	TEST(t_err("*/5", "interval: \"*/5\": a cron expression has 5 fields, this has 1"),
	    "a lone cron field");
	TEST(t_err("60 * * * *", "interval: \"60 * * * *\": minute 60 is out of range 0-59"),
	    "minute out of range");
	TEST(t_err("* 24 * * *", "interval: \"* 24 * * *\": hour 24 is out of range 0-23"),
	    "hour out of range");
	TEST(t_err("* * 0 * *", "interval: \"* * 0 * *\": day of month 0 is out of range 1-31"),
	    "day of month 0");
	TEST(t_err("* * 1-32 * *", "interval: \"* * 1-32 * *\": day of month 32 is out of range 1-31"),
	    "day of month 32 at a range's end");
	TEST(t_err("* * * 13 *", "interval: \"* * * 13 *\": month 13 is out of range 1-12"),
	    "month out of range");
	TEST(t_err("* * * * 8", "interval: \"* * * * 8\": day of week 8 is out of range 0-7"),
	    "day of week out of range");
	TEST(t_err("*/0 * * * *", "interval: \"*/0 * * * *\": step must be at least 1"),
	    "step 0");
	TEST(t_err("* 1-5/0 * * *", "interval: \"* 1-5/0 * * *\": step must be at least 1"),
	    "step 0 on a range");
	TEST(t_err("*/60 * * * *", "interval: \"*/60 * * * *\": minute step 60 is out of range 1-59"),
	    "step larger than the field");
	TEST(t_err("* * * foo *", "interval: \"* * * foo *\": unknown month name \"foo\""),
	    "unknown month name");
	TEST(t_err("* * * * fry", "interval: \"* * * * fry\": unknown weekday name \"fry\""),
	    "unknown weekday name");
	TEST(t_err("* * * * monday", "interval: \"* * * * monday\": unknown weekday name \"monday\""),
	    "only three-letter names");
	TEST(t_err("mon * * * *", "interval: \"mon * * * *\": minute: cannot read \"mon\""),
	    "no names in the minute field");
	TEST(t_err("5-3 * * * *", "interval: \"5-3 * * * *\": minute range \"5-3\" goes backwards"),
	    "a backwards range");
	TEST(t_err("* * * * sat-mon", "interval: \"* * * * sat-mon\": day of week range \"sat-mon\" goes backwards"),
	    "a backwards range of names");
	TEST(t_err("1,,5 * * * *", "interval: \"1,,5 * * * *\": minute list has an empty item"),
	    "an empty list item");
	TEST(t_err("* 1, * * *", "interval: \"* 1, * * *\": hour list has an empty item"),
	    "a trailing comma");
	TEST(t_err("1.5 * * * *", "interval: \"1.5 * * * *\": minute: cannot read \"1.5\""),
	    "a stray character");
	TEST(t_err("5- * * * *", "interval: \"5- * * * *\": minute: cannot read \"5-\""),
	    "a range without an end");
	TEST(t_err("*/ * * * *", "interval: \"*/ * * * *\": minute: cannot read \"*/\""),
	    "a step without a number");
	TEST(t_err("1-2-3 * * * *", "interval: \"1-2-3 * * * *\": minute: cannot read \"1-2-3\""),
	    "two dashes");
	TEST(t_err("0 0 31 2 *", "interval: \"0 0 31 2 *\": the day of month never occurs in the months given"),
	    "February 31st never comes");
	TEST(t_err("0 0 31 apr,jun,sep,nov *", "interval: \"0 0 31 apr,jun,sep,nov *\": the day of month never occurs in the months given"),
	    "the 31st of a 30-day month never comes");
	TEST(t_err("@often", "interval: \"@often\": unknown nickname \"@often\" (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)"),
	    "an unknown nickname");
	TEST(t_err("@hourly 5", "interval: \"@hourly 5\": nothing may follow @hourly but a jitter (like ~5m)"),
	    "fields after a nickname");
	TEST(t_err("at 2026-02-30 09:00", "interval: \"at 2026-02-30 09:00\": no such date"),
	    "February 30th");
	TEST(t_err("at 2027-02-29 09:00", "interval: \"at 2027-02-29 09:00\": no such date"),
	    "February 29th of a common year");
	TEST(t_err("at 2100-02-29 09:00", "interval: \"at 2100-02-29 09:00\": no such date"),
	    "2100 is not a leap year");
	TEST(t_err("at 2026-04-31 09:00", "interval: \"at 2026-04-31 09:00\": no such date"),
	    "April 31st");
	TEST(t_err("at 2026-13-01 09:00", "interval: \"at 2026-13-01 09:00\": month 13 is out of range 1-12"),
	    "at: month 13");
	TEST(t_err("at 2026-12-01 24:00", "interval: \"at 2026-12-01 24:00\": hour 24 is out of range 0-23"),
	    "at: hour 24");
	TEST(t_err("at 2026-12-01 09:60", "interval: \"at 2026-12-01 09:60\": minute 60 is out of range 0-59"),
	    "at: minute 60");
	TEST(t_err("at 1969-12-31 23:59", "interval: \"at 1969-12-31 23:59\": year 1969 is out of range 1970-9999"),
	    "at: before 1970");
	TEST(t_err("at 2026-12-01", "interval: \"at 2026-12-01\": expected at YYYY-MM-DD HH:MM"),
	    "at: no time");
	TEST(t_err("at 2026-12-1 9:00", "interval: \"at 2026-12-1 9:00\": expected at YYYY-MM-DD HH:MM"),
	    "at: digits missing");
	TEST(t_err("at 2026-12-01 09:00:00", "interval: \"at 2026-12-01 09:00:00\": expected at YYYY-MM-DD HH:MM"),
	    "at: no seconds");
	TEST(t_every("10m ~0s", 600, 0), "jitter ~0s: no jitter, said explicitly");
	TEST(t_every("10m ~0", 600, 0), "jitter ~0: no jitter");
	TEST(t_err("10m ~10m", "interval: \"10m ~10m\": jitter must be smaller than the interval"),
	    "jitter as long as the interval");
	TEST(t_err("10m ~5x", "interval: \"10m ~5x\": jitter: unknown unit 'x' (use s, m, h or d)"),
	    "jitter with a bad unit");
	(void)snprintf(m, sizeof(m), "interval: \"10m ~\": jitter: %s", dur);
	TEST(t_err("10m ~", m), "'~' without a jitter");
	TEST(t_err("10m~30s", "interval: \"10m~30s\": the jitter needs a space before '~'"),
	    "no space before '~'");
	TEST(t_err("~30s", "interval: \"~30s\": a schedule must come before the jitter"),
	    "a jitter alone");

	/* Next runs, UTC. */
	TEST(t_runs("UTC", "10m", "2026-01-01 00:00", "2026-01-01 00:10 UTC|2026-01-01 00:20 UTC"),
	    "a duration runs every so often");
	TEST(t_runs("UTC", "1h30m ~5m", "2026-01-01 00:00", "2026-01-01 01:30 UTC"),
	    "the next run carries no jitter");
	TEST(t_runs("UTC", "*/10 * * * *", "2026-01-01 00:00", "2026-01-01 00:10 UTC|2026-01-01 00:20 UTC"),
	    "strictly after: a run time is not its own next");
	TEST(t_runs("UTC", "*/10 * * * *", "2026-01-01 00:05:30", "2026-01-01 00:10 UTC"),
	    "seconds of `after` are passed over");
	TEST(t_runs("UTC", "1,5,7 * * * *", "2026-01-01 00:05", "2026-01-01 00:07 UTC|2026-01-01 01:01 UTC|2026-01-01 01:05 UTC"),
	    "a list of minutes");
	TEST(t_runs("UTC", "30 9-17/2 * * *", "2026-01-01 10:00", "2026-01-01 11:30 UTC"),
	    "a stepped range of hours");
	TEST(t_runs("UTC", "30 9-17/2 * * *", "2026-01-01 17:30", "2026-01-02 09:30 UTC"),
	    "past the last hour: the first hour tomorrow");
	TEST(t_runs("UTC", "5/15 * * * *", "2026-01-01 00:50", "2026-01-01 01:05 UTC"),
	    "start/step wraps to the next hour");
	TEST(t_runs("UTC", "0 * * * *", "2026-01-01 23:30", "2026-01-02 00:00 UTC"),
	    "day rollover");
	TEST(t_runs("UTC", "*/10 * * * *", "2026-12-31 23:55", "2027-01-01 00:00 UTC"),
	    "year rollover on a minute step");
	TEST(t_runs("UTC", "59 23 31 12 *", "2026-12-31 23:59", "2027-12-31 23:59 UTC"),
	    "the last minute of the year, a year on");
	TEST(t_runs("UTC", "0 0 1 1 *", "2026-06-15 12:00", "2027-01-01 00:00 UTC"),
	    "New Year");
	TEST(t_runs("UTC", "0 0 29 2 *", "2026-03-01 00:00", "2028-02-29 00:00 UTC|2032-02-29 00:00 UTC"),
	    "February 29th from a common year");
	TEST(t_runs("UTC", "0 0 29 2 */7", "2026-01-01 00:00", "2032-02-29 00:00 UTC|2060-02-29 00:00 UTC"),
	    "a Sunday February 29th, 28 years apart");
	TEST(t_runs("UTC", "0 0 31 * *", "2026-03-31 00:00", "2026-05-31 00:00 UTC"),
	    "the 31st skips April");
	TEST(t_runs("UTC", "0 0 31 * *", "2026-01-31 12:00", "2026-03-31 00:00 UTC"),
	    "the 31st skips February");
	TEST(t_runs("UTC", "0 0 31 * *", "2026-07-01 00:00", "2026-07-31 00:00 UTC|2026-08-31 00:00 UTC|2026-10-31 00:00 UTC|2026-12-31 00:00 UTC|2027-01-31 00:00 UTC"),
	    "the 31sts of half a year");
	TEST(t_runs("UTC", "0 0 30 * *", "2026-01-30 00:00", "2026-03-30 00:00 UTC"),
	    "the 30th skips February");
	TEST(t_runs("UTC", "0 12 * * mon-fri", "2026-01-02 12:00", "2026-01-05 12:00 UTC"),
	    "weekdays: Friday noon to Monday noon");
	TEST(t_runs("UTC", "0 0 * * 0", "2026-01-01 00:00", "2026-01-04 00:00 UTC"),
	    "Sunday as 0");
	TEST(t_runs("UTC", "0 0 * * 7", "2026-01-01 00:00", "2026-01-04 00:00 UTC"),
	    "Sunday as 7");
	TEST(t_runs("UTC", "0 0 * * 5-7", "2026-01-01 00:00", "2026-01-02 00:00 UTC|2026-01-03 00:00 UTC|2026-01-04 00:00 UTC|2026-01-09 00:00 UTC"),
	    "5-7 runs Friday, Saturday, Sunday");
	TEST(t_runs("UTC", "0 0 13 * fri", "2026-01-01 00:00", "2026-01-02 00:00 UTC|2026-01-09 00:00 UTC|2026-01-13 00:00 UTC|2026-01-16 00:00 UTC"),
	    "both day fields restricted: either matches");
	TEST(t_runs("UTC", "0 0 */2 * fri", "2026-01-01 00:00", "2026-01-09 00:00 UTC|2026-01-23 00:00 UTC|2026-02-13 00:00 UTC"),
	    "day of month starting with '*': both must match");
	TEST(t_runs("UTC", "0 0 13 * *", "2026-01-01 00:00", "2026-01-13 00:00 UTC|2026-02-13 00:00 UTC"),
	    "only the day of month restricts");
	TEST(t_runs("UTC", "0 0 * * fri", "2026-01-01 00:00", "2026-01-02 00:00 UTC|2026-01-09 00:00 UTC"),
	    "only the day of week restricts");
	TEST(t_runs("UTC", "0 0 29 2 mon", "2026-03-01 00:00", "2027-02-01 00:00 UTC|2027-02-08 00:00 UTC"),
	    "February: the 29th or a Monday");
	TEST(t_runs("UTC", "0 0 1 jun *", "2026-07-01 00:00", "2027-06-01 00:00 UTC"),
	    "a month name, next year");
	TEST(t_runs("UTC", "@hourly", "2026-01-01 10:15", "2026-01-01 11:00 UTC"),
	    "@hourly");
	TEST(t_runs("UTC", "@daily", "2026-01-01 10:15", "2026-01-02 00:00 UTC"),
	    "@daily");
	TEST(t_runs("UTC", "@weekly", "2026-01-01 10:15", "2026-01-04 00:00 UTC"),
	    "@weekly is Sunday midnight");
	TEST(t_runs("UTC", "@monthly", "2026-01-15 10:15", "2026-02-01 00:00 UTC"),
	    "@monthly");
	TEST(t_runs("UTC", "@yearly", "2026-01-01 00:00", "2027-01-01 00:00 UTC"),
	    "@yearly");
	TEST(t_runs("UTC", "at 2026-12-01 09:00", "2026-06-01 00:00", "2026-12-01 09:00 UTC|never"),
	    "at: a future time, then never");
	TEST(t_runs("UTC", "at 2026-12-01 09:00", "2026-12-01 09:00", "never"),
	    "at: exactly now is past");
	TEST(t_runs("UTC", "at 2026-12-01 09:00 ~10m", "2027-01-01 00:00", "never"),
	    "at: a past time never runs");

	/* Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST,
	 * 2026-10-25 03:00 CEST -> 02:00 CET. */
	TEST(t_runs("Europe/Berlin", "at 2026-12-01 09:00", "2026-06-01 00:00", "2026-12-01 09:00 CET"),
	    "at: local time in winter");
	TEST(t_runs("Europe/Berlin", "at 2026-07-01 09:00", "2026-06-01 00:00", "2026-07-01 09:00 CEST"),
	    "at: local time in summer");
	TEST(t_runs("Europe/Berlin", "at 2026-03-29 02:30", "2026-03-01 00:00", "2026-03-29 03:00 CEST|never"),
	    "at: a time in the spring gap runs when it ends");
	TEST(t_runs("Europe/Berlin", "at 2026-10-25 02:30", "2026-10-01 00:00", "2026-10-25 02:30 CEST|never"),
	    "at: a time in the autumn overlap runs once, first");
	TEST(t_runs("Europe/Berlin", "30 2 * * *", "2026-03-28 12:00", "2026-03-29 03:00 CEST|2026-03-30 02:30 CEST"),
	    "Berlin spring: 02:30 runs at 03:00 CEST, once");
	TEST(t_runs("Europe/Berlin", "0 2,3 * * *", "2026-03-28 12:00", "2026-03-29 03:00 CEST|2026-03-30 02:00 CEST"),
	    "Berlin spring: 02:00 and 03:00 are one run");
	TEST(t_runs("Europe/Berlin", "* 2 * * *", "2026-03-28 12:00", "2026-03-29 03:00 CEST|2026-03-30 02:00 CEST"),
	    "Berlin spring: a whole missing hour is one run");
	TEST(t_runs("Europe/Berlin", "*/15 * * * *", "2026-03-29 01:40", "2026-03-29 01:45 CET|2026-03-29 03:00 CEST|2026-03-29 03:15 CEST"),
	    "Berlin spring: a step across the gap");
	TEST(t_runs("Europe/Berlin", "59 1 * * *", "2026-03-28 12:00", "2026-03-29 01:59 CET"),
	    "Berlin spring: the minute before the gap");
	TEST(t_runs("Europe/Berlin", "30 2 * * *", "2026-10-24 12:00", "2026-10-25 02:30 CEST|2026-10-26 02:30 CET"),
	    "Berlin autumn: 02:30 runs once, in summer time");
	TEST(t_runs("Europe/Berlin", "*/20 * * * *", "2026-10-25 01:50", "2026-10-25 02:00 CEST|2026-10-25 02:20 CEST|2026-10-25 02:40 CEST|2026-10-25 03:00 CET|2026-10-25 03:20 CET"),
	    "Berlin autumn: the repeated hour does not run again");
	TEST(t_runs("Europe/Berlin", "0 * * * *", "2026-10-25 00:30", "2026-10-25 01:00 CEST|2026-10-25 02:00 CEST|2026-10-25 03:00 CET"),
	    "Berlin autumn: hourly runs 02:00 once");
	TEST(t_runs("Europe/Berlin", "*/20 * * * *", "2026-10-25 01:10:00Z", "2026-10-25 03:00 CET"),
	    "Berlin autumn: from 02:10 CET, the next is 03:00 CET");
	TEST(t_runs("Europe/Berlin", "30 2 * * *", "2026-10-25 01:10:00Z", "2026-10-26 02:30 CET"),
	    "Berlin autumn: from inside the repeat, tomorrow");
	TEST(t_runs("Europe/Berlin", "0 3 * * *", "2026-10-24 12:00", "2026-10-25 03:00 CET"),
	    "Berlin autumn: 03:00 happens once, in winter time");

	/* America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT,
	 * 2026-11-01 02:00 EDT -> 01:00 EST. */
	TEST(t_runs("America/New_York", "30 2 * * *", "2026-03-07 12:00", "2026-03-08 03:00 EDT|2026-03-09 02:30 EDT"),
	    "New York spring: 02:30 runs at 03:00 EDT");
	TEST(t_runs("America/New_York", "0 * * * *", "2026-03-08 01:30", "2026-03-08 03:00 EDT|2026-03-08 04:00 EDT"),
	    "New York spring: hourly skips the missing hour");
	TEST(t_runs("America/New_York", "30 1 * * *", "2026-10-31 12:00", "2026-11-01 01:30 EDT|2026-11-02 01:30 EST"),
	    "New York autumn: 01:30 runs once, in daylight time");
	TEST(t_runs("America/New_York", "*/30 * * * *", "2026-11-01 00:45", "2026-11-01 01:00 EDT|2026-11-01 01:30 EDT|2026-11-01 02:00 EST"),
	    "New York autumn: the repeated hour does not run again");
	TEST(t_runs("America/New_York", "*/30 * * * *", "2026-11-01 05:10:00Z", "2026-11-01 01:30 EDT"),
	    "New York autumn: from the first 01:10");
	TEST(t_runs("America/New_York", "*/30 * * * *", "2026-11-01 06:15:00Z", "2026-11-01 02:00 EST"),
	    "New York autumn: from the second 01:15");
	TEST(t_runs("America/New_York", "at 2026-11-01 01:30", "2026-10-01 00:00", "2026-11-01 01:30 EDT|never"),
	    "New York autumn: at in the overlap, first occurrence");

	TEST(t_period_hint(), "period hints");
	TEST(t_end_of_time(), "no next run past the end of time_t, no overflow");
	TEST(t_impossible_struct(), "no match within the search: never");
	TEST(t_at_past(), "issue 21.3: an at time not after now has passed, "
	    "said with the time and now");
	return test_done();
}
