/*
 * schedule.c - when a job runs: durations, cron expressions, one-shot
 * dates, and their jitter.
 *
 * Cron and "at" times are local wall-clock times in the process's time
 * zone.  When the clocks change (daylight saving time):
 *
 *   - A local time that does not exist that day, because the clocks jump
 *     forward over it, runs at the next time that does exist: the instant
 *     of the jump.  With Europe/Berlin's 02:00 CET -> 03:00 CEST,
 *     "30 2 * * *" runs at 03:00 CEST that day.  Every matching time in
 *     the gap collapses into that one run, and a run at 03:00 itself is
 *     the same run, not a second one.
 *   - A local time that happens twice, because the clocks go back, runs
 *     once, at its first occurrence (still on summer time).  So each
 *     wall-clock minute runs at most once: an every-20-minutes expression
 *     on Berlin's 03:00 CEST -> 02:00 CET night runs at 02:00, 02:20 and
 *     02:40 CEST, then at 03:00 CET, and not in the repeated hour.
 *   - Durations ignore the clock: the next run is `every` seconds on.
 *
 * The search works on calendar fields in plain arithmetic and converts a
 * candidate wall time to an instant with localtime_r() alone (mktime()'s
 * treatment of tm_isdst in a gap or an overlap varies between systems).
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/schedule.h"
#include "common/util.h"

/* The largest time_t: a signed integer type of 32 or 64 bits. */
#define TIME_T_MAX ((time_t)(sizeof(time_t) == 8 ? INT64_MAX : INT32_MAX))

/* How far ahead a cron search looks: the calendar's full cycle. */
#define SEARCH_YEARS 400

/* The most candidate wall times one schedule_next() converts (the repeated
 * hour of a fall-back night needs up to 60). */
#define MAX_CANDIDATES (24 * 60 + 1)

/* A piece of the text being parsed: s up to, not including, e. */
struct span {
	const char *s, *e;
};

/* The whole text being parsed, for messages, and where they go. */
struct parse {
	const char *text;
	int len;
	char *err;
	size_t errsz;
};

/* A local wall-clock date and time (seconds are 0). */
struct civil {
	long year;
	int month, mday, hour, minute;
};

/* One cron field: its name in messages, its range and its names. */
struct field {
	const char *name;
	int min, max;
	const char *const *names;	/* NULL, or names of min, min + 1... */
	int nnames;
	const char *names_what;		/* "month", "weekday" */
};

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};
static const char *const wday_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

enum { F_MINUTE, F_HOUR, F_MDAY, F_MONTH, F_WDAY, NFIELDS };

static const struct field fields[NFIELDS] = {
	{ "minute", 0, 59, NULL, 0, NULL },
	{ "hour", 0, 23, NULL, 0, NULL },
	{ "day of month", 1, 31, NULL, 0, NULL },
	{ "month", 1, 12, month_names, 12, "month" },
	{ "day of week", 0, 7, wday_names, 7, "weekday" }
};

static const struct {
	const char *name, *cron;
} nicknames[] = {
	{ "@hourly", "0 * * * *" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@monthly", "0 0 1 * *" },
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" }
};

static int fail(const struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Writes 'interval: "TEXT": ' and then the message into p's error buffer.
 * Returns -1, so that callers can write "return fail(...)".
 */
static int
fail(const struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errsz == 0)
		return -1;
	n = snprintf(p->err, p->errsz, "interval: \"%.*s\": ", p->len,
	    p->text);
	if (n < 0 || (size_t)n >= p->errsz)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The message for a number outside its range, for every field. */
static int
out_of_range(const struct parse *p, const char *what, long v, int lo, int hi)
{
	return fail(p, "%s %ld is out of range %d-%d", what, v, lo, hi);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Returns 1 when t holds exactly the word w, ignoring case, else 0. */
static int
span_is(struct span t, const char *w)
{
	size_t n = strlen(w), i;

	if ((size_t)(t.e - t.s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (to_lower(t.s[i]) != to_lower(w[i]))
			return 0;
	return 1;
}

/* Returns the first space-separated word of t (empty at the end). */
static struct span
next_word(struct span t)
{
	struct span w;

	while (t.s < t.e && is_space(*t.s))
		t.s++;
	w.s = t.s;
	while (t.s < t.e && !is_space(*t.s))
		t.s++;
	w.e = t.s;
	return w;
}

/*
 * Reads a duration from d: "90", or numbers with units d, h, m, s from
 * largest to smallest ("1h30m"); `what` ("" or "jitter: ") starts every
 * message.
 * Returns the seconds, 0 included (each caller has its own minimum), or
 * -1 with a message.
 */
static long
parse_duration(const struct parse *p, struct span d, const char *what)
{
	static const char units[] = "dhms";
	static const long secs[] = { 86400L, 3600L, 60L, 1L };
	const char *q = d.s;
	long total = 0;
	int next_unit = 0;	/* index in units of the smallest unit allowed next */

	if (q == d.e)
		goto not_duration;
	while (q < d.e) {
		long n = 0;
		const char *u;
		int ui;

		if (!is_digit(*q))
			goto not_duration;
		while (q < d.e && is_digit(*q)) {
			if (n > (SCHEDULE_MAX_DURATION - (*q - '0')) / 10)
				goto too_long;
			n = n * 10 + (*q - '0');
			q++;
		}
		if (q == d.e) {
			/* A bare number is seconds, but only on its own. */
			if (next_unit != 0)
				return fail(p, "%snumber without a unit at the "
				    "end", what);
			total = n;
			break;
		}
		u = *q != '\0' ? strchr(units, *q) : NULL;
		if (u == NULL)
			return fail(p, "%sunknown unit '%c' (use s, m, h or d)",
			    what, *q);
		ui = (int)(u - units);
		if (ui < next_unit)
			return fail(p, "%sunits must go from largest to "
			    "smallest, each once", what);
		if (n > (SCHEDULE_MAX_DURATION - total) / secs[ui])
			goto too_long;
		total += n * secs[ui];
		next_unit = ui + 1;
		q++;
	}
	return total;
not_duration:
	return fail(p, "%snot a duration (like 90, 30s, 10m, 2h, 1d, 1h30m)",
	    what);
too_long:
	return fail(p, "%slonger than ten years", what);
}

/* The message for a field that is not cron syntax; whole is its text. */
static int
cannot_read(const struct parse *p, const struct field *f, struct span whole)
{
	return fail(p, "%s: cannot read \"%.*s\"", f->name,
	    (int)(whole.e - whole.s), whole.s);
}

/*
 * Reads one number or name of field f at *q (before e), moving *q past it.
 * range_lo is the start of the range this value ends, or -1: when that
 * start is after Sunday, the weekday name "sun" means 7, so that "fri-sun"
 * is Friday to Sunday; "sun-sun" stays Sunday alone, as cron reads it.
 * Returns 0 with the value in *v, or -1 with a message (whole is the
 * field's text, for "cannot read").
 */
static int
read_value(const struct parse *p, const struct field *f, const char **q,
    const char *e, struct span whole, long range_lo, long *v)
{
	const char *b = *q;
	long n = 0;

	if (b < e && is_digit(*b)) {
		for (; *q < e && is_digit(**q); (*q)++)
			n = n > 99999999L ? 999999999L : n * 10 + (**q - '0');
	} else if (b < e && is_alpha(*b) && f->names != NULL) {
		struct span w;
		int i;

		while (*q < e && is_alpha(**q))
			(*q)++;
		w.s = b;
		w.e = *q;
		for (i = 0; i < f->nnames; i++)
			if (span_is(w, f->names[i]))
				break;
		if (i == f->nnames)
			return fail(p, "unknown %s name \"%.*s\"", f->names_what,
			    (int)(w.e - w.s), w.s);
		n = f->min + i;
		if (range_lo > 0 && f == &fields[F_WDAY] && n == 0)
			n = 7;
		*v = n;
		return 0;
	} else {
		return cannot_read(p, f, whole);
	}
	if (n < f->min || n > f->max)
		return out_of_range(p, f->name, n, f->min, f->max);
	*v = n;
	return 0;
}

/*
 * Parses one item of a cron list, it.s up to it.e: "*", "N", "N-M", each
 * optionally with "/STEP", or "N/STEP" (from N to the field's maximum).
 * Adds its values to *bits.  Returns 0, or -1 with a message.
 */
static int
parse_item(const struct parse *p, const struct field *f, struct span it,
    struct span whole, unsigned long long *bits)
{
	const char *q = it.s;
	long lo, hi, step = 1, v;

	if (*q == '*') {
		lo = f->min;
		hi = f->max;
		q++;
	} else {
		if (read_value(p, f, &q, it.e, whole, -1, &lo) == -1)
			return -1;
		hi = lo;
		if (q < it.e && *q == '-') {
			q++;
			if (read_value(p, f, &q, it.e, whole, lo, &hi) == -1)
				return -1;
			if (hi < lo)
				return fail(p, "%s range \"%.*s\" goes backwards",
				    f->name, (int)(it.e - it.s), it.s);
		} else if (q < it.e && *q == '/') {
			hi = f->max;
		}
	}
	if (q < it.e && *q == '/') {
		q++;
		if (q == it.e || !is_digit(*q))
			return cannot_read(p, f, whole);
		step = 0;
		for (; q < it.e && is_digit(*q); q++)
			step = step > 99999999L ? 999999999L :
			    step * 10 + (*q - '0');
		if (step < 1)
			return fail(p, "step must be at least 1");
		if (step > f->max)
			return fail(p, "%s step %ld is out of range 1-%d",
			    f->name, step, f->max);
	}
	if (q != it.e)
		return cannot_read(p, f, whole);
	for (v = lo; v <= hi; v += step)
		*bits |= 1ULL << v;
	return 0;
}

/*
 * Parses one cron field, a comma-separated list of items, into *bits.
 * Returns 0, or -1 with a message.
 */
static int
parse_field(const struct parse *p, const struct field *f, struct span t,
    unsigned long long *bits)
{
	const char *q = t.s;

	*bits = 0;
	for (;;) {
		struct span it;

		it.s = q;
		it.e = q;
		while (it.e < t.e && *it.e != ',')
			it.e++;
		if (it.e == it.s)
			return fail(p, "%s list has an empty item", f->name);
		if (parse_item(p, f, it, t, bits) == -1)
			return -1;
		if (it.e == t.e)
			break;
		q = it.e + 1;
	}
	return 0;
}

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(long y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * Returns 1 when some day of s's day-of-month set falls in some month of
 * its month set (February counting 29 days), or when the day-of-week field
 * alone can pick days; 0 when the expression can never run.
 */
static int
cron_possible(const struct schedule *s)
{
	int m, d;

	if (s->mday_restricted && s->wday_restricted)
		return 1;
	for (m = 1; m <= 12; m++) {
		if (!(s->months >> m & 1U))
			continue;
		for (d = 1; d <= (m == 2 ? 29 : days_in_month(2001, m)); d++)
			if (s->mdays >> d & 1UL)
				return 1;
	}
	return 0;
}

/*
 * Parses the five fields of a cron expression in t into s.  Returns 0, or
 * -1 with a message.
 */
static int
parse_cron(const struct parse *p, struct span t, struct schedule *s)
{
	struct span f[NFIELDS], w;
	unsigned long long bits[NFIELDS];
	int n = 0, i;

	for (w = next_word(t); w.s < w.e; w = next_word(t)) {
		if (n < NFIELDS)
			f[n] = w;
		n++;
		t.s = w.e;
	}
	if (n != NFIELDS)
		return fail(p, "a cron expression has 5 fields, this has %d",
		    n);
	for (i = 0; i < NFIELDS; i++)
		if (parse_field(p, &fields[i], f[i], &bits[i]) == -1)
			return -1;
	s->kind = SCHEDULE_CRON;
	s->minutes = bits[F_MINUTE];
	s->hours = (unsigned long)bits[F_HOUR];
	s->mdays = (unsigned long)bits[F_MDAY];
	s->months = (unsigned)bits[F_MONTH];
	/* Sunday may be written 7; it is kept as 0. */
	s->wdays = (unsigned)(bits[F_WDAY] & 0x7FU) |
	    (unsigned)(bits[F_WDAY] >> 7 & 1U);
	s->mday_restricted = *f[F_MDAY].s != '*';
	s->wday_restricted = *f[F_WDAY].s != '*';
	if (!cron_possible(s))
		return fail(p, "the day of month never occurs in the months "
		    "given");
	return 0;
}

/*
 * Parses a nickname ("@daily") in t as the cron expression it stands for.
 * Returns 0, or -1 with a message.
 */
static int
parse_nickname(const struct parse *p, struct span t, struct schedule *s)
{
	struct span w = next_word(t), rest;
	size_t i;

	rest.s = w.e;
	rest.e = t.e;
	for (i = 0; i < ARRAY_LEN(nicknames); i++) {
		if (!span_is(w, nicknames[i].name))
			continue;
		if (next_word(rest).s != rest.e)
			return fail(p, "nothing may follow %s but a jitter "
			    "(like ~5m)", nicknames[i].name);
		rest.s = nicknames[i].cron;
		rest.e = rest.s + strlen(rest.s);
		return parse_cron(p, rest, s);
	}
	return fail(p, "unknown nickname \"%.*s\" (use @hourly, @daily, "
	    "@midnight, @weekly, @monthly, @yearly or @annually)",
	    (int)(w.e - w.s), w.s);
}

/*
 * Reads exactly n digits at *q (before e) into *v, moving *q past them.
 * Returns 0, or -1 when there are not n digits there.
 */
static int
read_digits(const char **q, const char *e, int n, int *v)
{
	*v = 0;
	for (; n > 0; n--, (*q)++) {
		if (*q >= e || !is_digit(**q))
			return -1;
		*v = *v * 10 + (**q - '0');
	}
	return 0;
}

/* Moves *q past the character c at *q; returns 0, or -1 if it is not c. */
static int
read_char(const char **q, const char *e, char c)
{
	if (*q >= e || **q != c)
		return -1;
	(*q)++;
	return 0;
}

/*
 * Parses "YYYY-MM-DD HH:MM", what follows "at", and checks that the date
 * and time exist on the calendar.  Returns 0, or -1 with a message.
 */
static int
parse_at(const struct parse *p, struct span t, struct schedule *s)
{
	const char *q = t.s;
	int y, mo, d, h, mi;

	while (q < t.e && is_space(*q))
		q++;
	if (read_digits(&q, t.e, 4, &y) == -1 || read_char(&q, t.e, '-') ||
	    read_digits(&q, t.e, 2, &mo) == -1 || read_char(&q, t.e, '-') ||
	    read_digits(&q, t.e, 2, &d) == -1 || q >= t.e || !is_space(*q))
		goto syntax;
	while (q < t.e && is_space(*q))
		q++;
	if (read_digits(&q, t.e, 2, &h) == -1 || read_char(&q, t.e, ':') ||
	    read_digits(&q, t.e, 2, &mi) == -1 || q != t.e)
		goto syntax;
	if (y < 1970)
		return out_of_range(p, "year", y, 1970, 9999);
	if (mo < 1 || mo > 12)
		return out_of_range(p, "month", mo, 1, 12);
	if (d < 1 || d > days_in_month(y, mo))
		return fail(p, "no such date");
	if (h > 23)
		return out_of_range(p, "hour", h, 0, 23);
	if (mi > 59)
		return out_of_range(p, "minute", mi, 0, 59);
	s->kind = SCHEDULE_AT;
	s->year = y;
	s->month = mo;
	s->mday = d;
	s->hour = h;
	s->minute = mi;
	return 0;
syntax:
	return fail(p, "expected at YYYY-MM-DD HH:MM");
}

/*
 * Reads the jitter, " ~DURATION" at the end of *t, when there is one, into
 * r->jitter, and takes it off *t.  Returns 0, or -1 (p's error filled).
 */
static int
parse_jitter(struct parse *p, struct span *t, struct schedule *r)
{
	const char *tilde = memchr(t->s, '~', (size_t)(t->e - t->s));
	struct span j;

	if (tilde == NULL)
		return 0;
	if (tilde == t->s)
		return fail(p, "a schedule must come before the jitter");
	if (!is_space(tilde[-1]))
		return fail(p, "the jitter needs a space before '~'");
	j.s = tilde + 1;
	j.e = t->e;
	while (j.s < j.e && is_space(*j.s))
		j.s++;
	r->jitter = parse_duration(p, j, "jitter: ");
	if (r->jitter == -1)
		return -1;
	/* "~0s" says "no jitter" explicitly: allowed. */
	t->e = tilde;
	while (is_space(t->e[-1]))
		t->e--;	/* stops at t->s, which is not a space */
	return 0;
}

/*
 * Reads the schedule t (no jitter) into r: an @nickname, "at ...", one
 * word without cron punctuation (a duration), or a cron line.  Returns 0,
 * or -1 (p's error filled).
 */
static int
parse_kind(struct parse *p, struct span t, struct schedule *r)
{
	struct span first = next_word(t);
	size_t n = (size_t)(t.e - t.s);

	if (*t.s == '@')
		return parse_nickname(p, t, r);
	if (span_is(first, "at")) {
		first.s = first.e;
		first.e = t.e;
		return parse_at(p, first, r);
	}
	if (first.e == t.e && memchr(t.s, '*', n) == NULL &&
	    memchr(t.s, ',', n) == NULL && memchr(t.s, '/', n) == NULL) {
		r->kind = SCHEDULE_EVERY;
		r->every = parse_duration(p, t, "");
		if (r->every == 0)
			return fail(p, "must be at least 1 second");
		return r->every == -1 ? -1 : 0;
	}
	return parse_cron(p, t, r);
}

int
schedule_parse(const char *text, struct schedule *s, char *err,
    size_t errsz)
{
	struct parse p;
	struct schedule r;
	struct span t;

	t.s = text;
	t.e = text + strlen(text);
	while (t.s < t.e && is_space(*t.s))
		t.s++;
	while (t.e > t.s && is_space(t.e[-1]))
		t.e--;
	if (t.s == t.e)
		return errf(err, errsz, "interval: empty");
	p.text = t.s;
	p.len = t.e - t.s > INT_MAX ? INT_MAX : (int)(t.e - t.s);
	p.err = err;
	p.errsz = errsz;
	memset(&r, 0, sizeof(r));
	if (parse_jitter(&p, &t, &r) == -1 || parse_kind(&p, t, &r) == -1)
		return -1;
	if (r.kind == SCHEDULE_EVERY && r.jitter >= r.every)
		return fail(&p, "jitter must be smaller than the interval");
	*s = r;
	return 0;
}

/*
 * Returns the number of days from 1970-01-01 to y-m-d in the proleptic
 * Gregorian calendar (H. Hinnant's days_from_civil).
 */
static long long
days_from_civil(long long y, int m, int d)
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

/* Returns the day of the week of y-m-d, Sunday 0. */
static int
weekday(long y, int m, int d)
{
	long long n = (days_from_civil(y, m, d) + 4) % 7;	/* 1970-01-01: Thu */

	return (int)(n < 0 ? n + 7 : n);
}

/* Returns w's wall-clock time as seconds, as if the zone were UTC. */
static long long
civil_seconds(const struct civil *w)
{
	return days_from_civil(w->year, w->month, w->mday) * 86400LL +
	    w->hour * 3600LL + w->minute * 60LL;
}

/*
 * Stores in *out the local wall-clock time of t as seconds, as if the zone
 * were UTC.  Returns 0, or -1 when localtime_r() fails.
 */
static int
local_seconds(time_t t, long long *out)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	*out = days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1,
	    tm.tm_mday) * 86400LL + tm.tm_hour * 3600LL + tm.tm_min * 60LL +
	    tm.tm_sec;
	return 0;
}

/*
 * Converts the local wall time w to an instant in *out, following the rule
 * at the top of this file: its first occurrence when it happens twice, the
 * instant the clocks jump when it does not exist.  Returns 0, or -1 when
 * the time cannot be converted.
 */
static int
civil_to_time(const struct civil *w, time_t *out)
{
	long long n = civil_seconds(w), off[3], l, lo, hi;
	int i, found = 0;
	time_t best = 0;

	/* The UTC offsets in force around then: one of them applies. */
	for (i = 0; i < 3; i++) {
		time_t probe = (time_t)(n + (i - 1) * 86400LL);

		if (local_seconds(probe, &l) == -1)
			return -1;
		off[i] = l - (long long)probe;
	}
	for (i = 0; i < 3; i++) {
		time_t t = (time_t)(n - off[i]);

		if (local_seconds(t, &l) == -1)
			return -1;
		if (l == n && (!found || t < best)) {
			best = t;
			found = 1;
		}
	}
	if (found) {
		*out = best;
		return 0;
	}

	/*
	 * In a gap: find the first instant whose wall time is at or past w,
	 * between the instants w would be under the offsets in force.
	 */
	lo = hi = n - off[0];
	for (i = 1; i < 3; i++) {
		lo = n - off[i] < lo ? n - off[i] : lo;
		hi = n - off[i] > hi ? n - off[i] : hi;
	}
	if (local_seconds((time_t)lo, &l) == -1 || l >= n ||
	    local_seconds((time_t)hi, &l) == -1 || l < n)
		return -1;
	while (hi - lo > 1) {
		long long mid = lo + (hi - lo) / 2;

		if (local_seconds((time_t)mid, &l) == -1)
			return -1;
		if (l >= n)
			hi = mid;
		else
			lo = mid;
	}
	*out = (time_t)hi;
	return 0;
}

/* Moves w one minute on, carrying into hours, days, months and years. */
static void
civil_add_minute(struct civil *w)
{
	if (++w->minute < 60)
		return;
	w->minute = 0;
	if (++w->hour < 24)
		return;
	w->hour = 0;
	if (++w->mday <= days_in_month(w->year, w->month))
		return;
	w->mday = 1;
	if (++w->month <= 12)
		return;
	w->month = 1;
	w->year++;
}

/* Returns the first value from..max whose bit is set in bits, or -1. */
static int
next_bit(unsigned long long bits, int from, int max)
{
	for (; from <= max; from++)
		if (bits >> from & 1ULL)
			return from;
	return -1;
}

/* Returns 1 when the day y-m-d matches s's day fields, else 0. */
static int
day_matches(const struct schedule *s, long y, int m, int d)
{
	int dom = (int)(s->mdays >> d & 1UL);
	int dow = (int)(s->wdays >> weekday(y, m, d) & 1U);

	if (s->mday_restricted && s->wday_restricted)
		return dom || dow;
	return dom && dow;
}

/*
 * Moves w to the first wall time at or after it that matches the cron
 * schedule s, looking no further than the end of last_year.  Returns 0, or
 * -1 when there is none.
 */
static int
cron_match(const struct schedule *s, struct civil *w, long last_year)
{
	int v;

	while (w->year <= last_year) {
		if (!(s->months >> w->month & 1U) ||
		    w->mday > days_in_month(w->year, w->month)) {
			w->mday = 1;
			w->hour = 0;
			w->minute = 0;
			if (++w->month > 12) {
				w->month = 1;
				w->year++;
			}
			continue;
		}
		if (!day_matches(s, w->year, w->month, w->mday) ||
		    (v = next_bit(s->hours, w->hour, 23)) == -1) {
			w->mday++;
			w->hour = 0;
			w->minute = 0;
			continue;
		}
		if (v != w->hour) {
			w->hour = v;
			w->minute = 0;
		}
		v = next_bit(s->minutes, w->minute, 59);
		if (v == -1) {
			w->minute = 0;
			if (++w->hour > 23) {
				w->hour = 0;
				w->mday++;
			}
			continue;
		}
		w->minute = v;
		return 0;
	}
	return -1;
}

/*
 * The next run of a cron schedule after `after`: the first matching wall
 * time whose instant is past `after` (after the repeated hour of a
 * fall-back night, several wall times past after's own map to instants
 * before it).
 */
static time_t
cron_next(const struct schedule *s, time_t after)
{
	struct tm tm;
	struct civil w;
	long last_year;
	time_t t;
	int i;

	if (localtime_r(&after, &tm) == NULL)
		return (time_t)-1;
	w.year = tm.tm_year + 1900L;
	w.month = tm.tm_mon + 1;
	w.mday = tm.tm_mday;
	w.hour = tm.tm_hour;
	w.minute = tm.tm_min;
	last_year = w.year + SEARCH_YEARS;
	civil_add_minute(&w);
	for (i = 0; i < MAX_CANDIDATES; i++) {
		if (cron_match(s, &w, last_year) == -1 ||
		    civil_to_time(&w, &t) == -1)
			return (time_t)-1;
		if (t > after)
			return t;
		civil_add_minute(&w);
	}
	return (time_t)-1;
}

time_t
schedule_next(const struct schedule *s, time_t after)
{
	struct civil w;
	time_t t;

	switch (s->kind) {
	case SCHEDULE_EVERY:
		/* time_t is a signed type: past its end there is no run. */
		if (after > TIME_T_MAX - s->every)
			return (time_t)-1;
		return after + s->every;
	case SCHEDULE_AT:
		w.year = s->year;
		w.month = s->month;
		w.mday = s->mday;
		w.hour = s->hour;
		w.minute = s->minute;
		if (civil_to_time(&w, &t) == -1 || t <= after)
			return (time_t)-1;
		return t;
	case SCHEDULE_CRON:
		return cron_next(s, after);
	}
	return (time_t)-1;
}

long
schedule_period_hint(const struct schedule *s)
{
	time_t prev, t;
	long best = -1;
	int i;

	switch (s->kind) {
	case SCHEDULE_EVERY:
		return s->every;
	case SCHEDULE_AT:
		return 0;
	case SCHEDULE_CRON:
		break;
	}
	/* 2001-01-01 00:00 UTC: a fixed start, in winter up north. */
	prev = schedule_next(s, (time_t)978307200);
	for (i = 0; i < 8 && prev != (time_t)-1; i++) {
		t = schedule_next(s, prev);
		if (t == (time_t)-1)
			break;
		if (best == -1 || (long)(t - prev) < best)
			best = (long)(t - prev);
		prev = t;
	}
	return best > 0 ? best : 60;
}

int
schedule_at_past(const struct schedule *s, time_t now, char *msg,
    size_t msgsz)
{
	char at[32], nowtext[32];
	struct tm tm;

	if (s->kind != SCHEDULE_AT || schedule_next(s, now) != (time_t)-1)
		return 0;
	(void)snprintf(at, sizeof(at), "%04d-%02d-%02d %02d:%02d", s->year,
	    s->month, s->mday, s->hour, s->minute);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(nowtext, sizeof(nowtext), "%Y-%m-%d %H:%M", &tm) == 0)
		(void)snprintf(nowtext, sizeof(nowtext), "@%lld",
		    (long long)now);
	(void)snprintf(msg, msgsz, "at %s has passed (it is now %s)", at,
	    nowtext);
	return 1;
}
