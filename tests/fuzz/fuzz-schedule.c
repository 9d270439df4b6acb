/*
 * fuzz-schedule.c - libFuzzer harness for the interval column's parser
 * and the next-run search (src/common/schedule.c).
 *
 * The input is the text of an interval field.  A parse either fails with a
 * message that starts 'interval: ' or gives a schedule, which must then:
 *   - agree with its own formatting: the schedule written back as text
 *     (a duration in seconds, the cron sets as explicit lists, the "at"
 *     date, the jitter) parses to the same schedule;
 *   - run strictly after the given time, every time: from several start
 *     times, ten next runs in a row increase (or end with "never"), in UTC
 *     and in a zone with daylight saving time (Europe/Berlin);
 *   - in UTC, run on a minute that matches the cron sets, with no matching
 *     minute skipped between the start and the run (checked minute by
 *     minute when the gap is under two days); a duration runs exactly
 *     `every` seconds on;
 *   - give a period hint of at least one second (0 for "at").
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c) do { if (!(c)) { (void)fprintf(stderr, \
	"fuzz-schedule: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } \
	while (0)

/* Start times: 2001-01-01, 2026-03-29 00:30 UTC (Berlin's spring
 * change), 2026-10-25 00:10 UTC (its autumn change), a leap day, the
 * last minute of a year, just before 2038, and the far future. */
static const time_t starts[] = {
	978307200, 1774744200, 1792887000, 1709164800, 1798761599,
	2147483000, 32503680000LL
};

static void
set_tz(const char *tz)
{
	(void)setenv("TZ", tz, 1);
	tzset();
}

/*
 * Appends the set bits lo..hi of bits to buf as "a,b,c".  An unrestricted
 * field (one that started with '*') starts with "*" and a step that gives
 * its first value alone ("*" + "/31" for days of month, "/7" for days of
 * the week, where 7 is Sunday again), then lists the values.
 */
static void
put_set(char *buf, size_t sz, unsigned long long bits, int lo, int hi,
    int restricted, int step)
{
	size_t n = strlen(buf);
	int v, first = 1;

	if (!restricted) {
		(void)snprintf(buf + n, sz - n, "*/%d", step);
		first = 0;
	}
	for (v = lo; v <= hi; v++) {
		if (!(bits >> v & 1ULL))
			continue;
		n = strlen(buf);
		(void)snprintf(buf + n, sz - n, "%s%d", first ? "" : ",", v);
		first = 0;
	}
	n = strlen(buf);
	(void)snprintf(buf + n, sz - n, " ");
}

/* Writes s back as text into buf. */
static void
format(const struct schedule *s, char *buf, size_t sz)
{
	size_t n;

	buf[0] = '\0';
	switch (s->kind) {
	case SCHEDULE_EVERY:
		(void)snprintf(buf, sz, "%lds ", s->every);
		break;
	case SCHEDULE_AT:
		(void)snprintf(buf, sz, "at %04d-%02d-%02d %02d:%02d ",
		    s->year, s->month, s->mday, s->hour, s->minute);
		break;
	case SCHEDULE_CRON:
		put_set(buf, sz, s->minutes, 0, 59, 1, 0);
		put_set(buf, sz, s->hours, 0, 23, 1, 0);
		put_set(buf, sz, s->mdays, 1, 31, s->mday_restricted, 31);
		put_set(buf, sz, s->months, 1, 12, 1, 0);
		put_set(buf, sz, s->wdays, 0, 6, s->wday_restricted, 7);
		break;
	}
	n = strlen(buf);
	if (s->jitter > 0)
		(void)snprintf(buf + n, sz - n, "~%lds", s->jitter);
}

/* Returns 1 when the UTC minute t matches the cron schedule s. */
static int
cron_matches(const struct schedule *s, time_t t)
{
	struct tm tm;
	int dom, dow;

	REQUIRE(gmtime_r(&t, &tm) != NULL);
	if (tm.tm_sec != 0 || !(s->minutes >> tm.tm_min & 1ULL) ||
	    !(s->hours >> tm.tm_hour & 1UL) ||
	    !(s->months >> (tm.tm_mon + 1) & 1U))
		return 0;
	dom = (int)(s->mdays >> tm.tm_mday & 1UL);
	dow = (int)(s->wdays >> tm.tm_wday & 1U);
	if (s->mday_restricted && s->wday_restricted)
		return dom || dow;
	return dom && dow;
}

/* Ten next runs from each start time: each strictly after the one
 * before; in UTC (utc set) each checked against the sets. */
static void
check_runs(const struct schedule *s, int utc)
{
	size_t i;
	int k;

	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		time_t after = starts[i], t;

		for (k = 0; k < 10; k++) {
			t = schedule_next(s, after);
			if (t == (time_t)-1)
				break;
			REQUIRE(t > after);
			if (s->kind == SCHEDULE_EVERY)
				REQUIRE(t == after + s->every);
			if (s->kind == SCHEDULE_AT)
				REQUIRE(schedule_next(s, t) == (time_t)-1);
			if (utc && s->kind == SCHEDULE_CRON) {
				REQUIRE(cron_matches(s, t));
				if (t - after <= 2 * 86400) {
					time_t m = after - after % 60 + 60;

					for (; m < t; m += 60)
						REQUIRE(!cron_matches(s, m));
				}
			}
			after = t;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schedule s, s2;
	char *text, err[512], again[1024], err2[512];
	long hint;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	REQUIRE(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (schedule_parse(text, &s, err, sizeof(err)) == -1) {
		REQUIRE(strncmp(err, "interval: ", 10) == 0);
		free(text);
		return 0;
	}

	format(&s, again, sizeof(again));
	if (schedule_parse(again, &s2, err2, sizeof(err2)) == -1) {
		(void)fprintf(stderr, "fuzz-schedule: \"%s\" -> \"%s\": %s\n",
		    text, again, err2);
		abort();
	}
	REQUIRE(s2.kind == s.kind && s2.jitter == s.jitter);
	if (s.kind == SCHEDULE_EVERY)
		REQUIRE(s2.every == s.every);
	if (s.kind == SCHEDULE_AT)
		REQUIRE(s2.year == s.year && s2.month == s.month &&
		    s2.mday == s.mday && s2.hour == s.hour &&
		    s2.minute == s.minute);
	if (s.kind == SCHEDULE_CRON)
		REQUIRE(s2.minutes == s.minutes && s2.hours == s.hours &&
		    s2.mdays == s.mdays && s2.months == s.months &&
		    s2.wdays == s.wdays &&
		    s2.mday_restricted == s.mday_restricted &&
		    s2.wday_restricted == s.wday_restricted);

	set_tz("UTC");
	hint = schedule_period_hint(&s);
	REQUIRE(s.kind == SCHEDULE_AT ? hint == 0 : hint >= 1);
	check_runs(&s, 1);
	set_tz("Europe/Berlin");
	check_runs(&s, 0);
	free(text);
	return 0;
}
