/*
 * schedule.h - when a job runs: the interval column of the jobs file.
 *
 * A schedule is one of
 *   - a duration, run every so often: "90", "30s", "10m", "2h", "1d",
 *     "1h30m";
 *   - a five-field cron expression "minute hour day-of-month month
 *     day-of-week" ("0 9-17 * * mon-fri"), or a nickname such as "@daily";
 *   - a one-shot local date and time: "at 2026-12-01 09:00";
 * each optionally followed, after a space, by a jitter: "@hourly ~5m".
 *
 * Pure functions: no I/O, no globals.  schedule_next() reads the process's
 * time zone (TZ) through localtime_r(); see schedule.c for how cron and
 * "at" times behave when the clocks change.
 */
#ifndef SITEWATCH_SCHEDULE_H
#define SITEWATCH_SCHEDULE_H

#include <stddef.h>
#include <time.h>

#define SCHEDULE_MAX_DURATION (3650L * 86400L) /* ten years, in seconds */

enum schedule_kind { SCHEDULE_EVERY, SCHEDULE_CRON, SCHEDULE_AT };

struct schedule {
	enum schedule_kind kind;
	long every;		/* SCHEDULE_EVERY: seconds (the duration forms) */
	/* SCHEDULE_CRON: the allowed values as bit sets */
	unsigned long long minutes;	/* bits 0-59 */
	unsigned long hours;		/* bits 0-23 */
	unsigned long mdays;		/* bits 1-31 */
	unsigned months;		/* bits 1-12 */
	unsigned wdays;			/* bits 0-6, Sunday 0 (7 accepted in input, = 0) */
	/*
	 * The field did not start with '*' (Vixie cron's rule: "*" and
	 * "*" with a step are unrestricted).  When both are restricted, a
	 * day matching either field counts; otherwise a day must match both
	 * sets (an unrestricted "*" set is full, so only the other counts).
	 */
	int mday_restricted, wday_restricted;
	/* SCHEDULE_AT: local date and time, as written */
	int year, month, mday, hour, minute;
	long jitter;		/* seconds, 0 for none: each run moves by up to +-jitter */
};

/*
 * Parses text (surrounding spaces and tabs ignored) into *s.  Returns 0, or
 * -1 with a message in err (size errsz, may be 0) such as
 * 'interval: "60 * * * *": minute 60 is out of range 0-59'; *s is left
 * untouched on failure.  A cron expression whose days of month never occur
 * in its months ("0 0 31 2 *") is rejected here.
 */
int schedule_parse(const char *text, struct schedule *s, char *err,
    size_t errsz);

/*
 * Returns the first run time strictly after `after`, without jitter (the
 * caller adds it): after + every for a duration, or (time_t)-1 when that
 * is past the largest time_t; the local time for an "at" schedule, or
 * (time_t)-1 once it is not after `after`; for a cron expression the next
 * matching local time (seconds 0), or (time_t)-1 when none comes within
 * 400 years (a full cycle of the calendar, so: never) or the time cannot
 * be converted.
 */
time_t schedule_next(const struct schedule *s, time_t after);

/*
 * For a one-shot "at" schedule whose time is not after now, writes into
 * msg (size msgsz) what is wrong, naming the time and now in local time:
 * 'at 2020-01-01 00:00 has passed (it is now 2026-12-07 22:05)', and
 * returns 1.  Returns 0, msg untouched, for any other schedule.  The one
 * rule of "too late" for `add` (which refuses) and `--check` (which
 * warns).
 */
int schedule_at_past(const struct schedule *s, time_t now, char *msg,
    size_t msgsz);

/*
 * Returns a typical gap between runs in seconds, to spread first checks:
 * every for a duration; for a cron expression the smallest gap between
 * consecutive runs among the first few after 2001-01-01 00:00 UTC (60 when
 * there are not two runs); 0 for an "at" schedule.
 */
long schedule_period_hint(const struct schedule *s);

#endif
