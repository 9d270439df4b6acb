/*
 * t-jobs.c - unit tests of src/common/jobs.c: the jobs file parser, the field
 * checkers (interval, pid, url), jobs_quote_field() and the byte-preserving
 * row rewrite jobs_apply().
 *
 * Every test states the exact verdict: the parsed values for good input,
 * the problem's line number and message for bad input, the exact bytes
 * jobs_apply() writes.  Inputs are C string literals; the ones holding a
 * NUL byte go through the (buf, len) form with an explicit length.
 */
#define _POSIX_C_SOURCE 200809L	/* clock_gettime */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/jobs.h"
#include "tap.h"

/* The canonical header, and the usual neighbours of a row under test. */
#define HDR "interval;name;url;last-modified;pid"
#define ROW_BEFORE "10m;Before;http://before.example/;-;-"
#define ROW_AFTER "1h;After;https://after.example/;-;-"

/* The reasons jobs.c gives for quoting errors, spelled once. */
#define MSG_BADQUOTE "bad quoting (a quote inside a field must be doubled, " \
	"and a quoted field must end at ';')"
#define MSG_UNCLOSED "quoted field not closed on this line (fields cannot " \
	"hold line breaks)"
#define MSG_NO_COLUMNS "header: names none of the columns " \
	"interval;name;url;last-modified;pid (the header must come before " \
	"the first row)"
#define MSG_NEEDS "(needs interval;name;url;last-modified;pid in any order)"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/*
 * Parses the C string s into *jf.  Returns what jobs_parse() returned.
 */
static int
parse_str(struct jobs_file *jf, const char *s)
{
	return jobs_parse(jf, s, strlen(s));
}

/*
 * Checks that problem i of jf is on line lineno with message msg.
 * Returns 1 when it is.
 */
static int
check_problem(const struct jobs_file *jf, size_t i, size_t lineno,
    const char *msg)
{
	int ok;

	if (!check_uint(jf->nproblems, >, i))
		return 0;
	ok = check_uint(jf->problems[i].lineno, ==, lineno);
	ok &= check_str(jf->problems[i].msg, msg);
	return ok;
}

/*
 * Checks that line i of jf starts at off, has len bytes and an eol-byte
 * terminator, and is of the given kind.  Returns 1 when it is.
 */
static int
check_line(const struct jobs_file *jf, size_t i, size_t off, size_t len,
    size_t eol, enum jobs_line_kind kind)
{
	int ok;

	if (!check_uint(jf->nlines, >, i))
		return 0;
	ok = check_uint(jf->lines[i].off, ==, off);
	ok &= check_uint(jf->lines[i].len, ==, len);
	ok &= check_uint(jf->lines[i].eol, ==, eol);
	ok &= check_int(jf->lines[i].kind, ==, kind);
	return ok;
}

/*
 * Checks every field of one parsed row.  Returns 1 when all match.
 */
static int
check_job(const struct job *j, size_t lineno, const char *name,
    const char *url, const char *interval_text, long interval,
    const char *lastmod, const char *pid_text, enum jobs_pid_kind kind,
    pid_t pid)
{
	int ok;

	if (!check(j != NULL))
		return 0;
	ok = check_uint(j->lineno, ==, lineno);
	ok &= check_str(j->name, name);
	ok &= check_str(j->url, url);
	ok &= check_str(j->interval_text, interval_text);
	ok &= check_int(j->interval, ==, interval);
	ok &= check_str(j->lastmod, lastmod);
	ok &= check_str(j->pid_text, pid_text);
	ok &= check_int(j->pid_kind, ==, kind);
	ok &= check_int(j->pid, ==, pid);
	return ok;
}

/*
 * Runs jobs_apply() on the C string in (parsed first) with edits, and
 * checks that it succeeds with the output want and changed rows changed.
 * Returns 1 when all of that holds.
 */
static int
check_apply(const char *in, struct jobs_edit *edits, size_t n,
    const char *want, size_t want_changed)
{
	struct jobs_file jf;
	char *out = NULL;
	size_t outlen = 0, changed = 99;
	int ok;

	ok = check_int(parse_str(&jf, in), ==, 0);
	ok &= check_int(jobs_apply(&jf, in, strlen(in), edits, n, &out,
	    &outlen, &changed), ==, 0);
	if (ok && check(out != NULL)) {
		/* jobs_apply() promises outlen bytes, not a NUL after them. */
		char *copy = malloc(outlen + 1);

		if (check(copy != NULL)) {
			memcpy(copy, out, outlen);
			copy[outlen] = '\0';
			ok &= check_uint(outlen, ==, strlen(want));
			ok &= check_str(copy, want);
		}
		free(copy);
		ok &= check_uint(changed, ==, want_changed);
	} else {
		ok = 0;
	}
	free(out);
	jobs_free(&jf);
	return ok;
}

/*
 * Checks that two buffers, each parsed, describe the same file except for
 * the 0-based line `edited`: every other line has the same bytes,
 * terminator and kind, the same rows are usable with the same values (the
 * edited row's last-modified and pid excepted) and the same problems are
 * reported.  Returns 1 when they do.
 */
static int
check_same_but(const char *a, size_t alen, const char *b, size_t blen,
    size_t edited)
{
	struct jobs_file ja, jb;
	size_t i;
	int ok = 1, ra, rb;

	ra = jobs_parse(&ja, a, alen);
	rb = jobs_parse(&jb, b, blen);
	ok &= check_int(ra, ==, rb);
	ok &= check_uint(ja.nlines, ==, jb.nlines);
	for (i = 0; ok && i < ja.nlines; i++) {
		const struct jobs_line *la = &ja.lines[i], *lb = &jb.lines[i];

		ok &= check_int(la->kind, ==, lb->kind);
		ok &= check_uint(la->eol, ==, lb->eol);
		if (i == edited)
			continue;
		ok &= check_uint(la->len, ==, lb->len);
		if (!check(la->len == lb->len &&
		    memcmp(a + la->off, b + lb->off, la->len + la->eol) == 0)) {
			test_msg("line %zu differs: \"%.*s\" became \"%.*s\"",
			    i + 1, (int)la->len, a + la->off, (int)lb->len,
			    b + lb->off);
			ok = 0;
		}
	}
	ok &= check_uint(ja.njobs, ==, jb.njobs);
	for (i = 0; ok && i < ja.njobs; i++) {
		const struct job *x = &ja.jobs[i], *y = &jb.jobs[i];

		ok &= check_uint(x->lineno, ==, y->lineno);
		ok &= check_str(x->name, y->name);
		ok &= check_str(x->url, y->url);
		ok &= check_str(x->interval_text, y->interval_text);
		ok &= check_int(x->interval, ==, y->interval);
		if (x->lineno == edited + 1)
			continue;
		ok &= check_str(x->lastmod, y->lastmod);
		ok &= check_str(x->pid_text, y->pid_text);
	}
	ok &= check_uint(ja.nproblems, ==, jb.nproblems);
	for (i = 0; ok && i < ja.nproblems; i++) {
		ok &= check_uint(ja.problems[i].lineno, ==,
		    jb.problems[i].lineno);
		ok &= check_str(ja.problems[i].msg, jb.problems[i].msg);
	}
	jobs_free(&ja);
	jobs_free(&jb);
	return ok;
}

/* ------------------------------------------------------------------ */
/* The optional columns filter and notify (issue 14)                    */
/* ------------------------------------------------------------------ */

/* Files without the columns read "" for both; with them, the values,
 * found by header name in any order. */
static void
t_optional_columns(void)
{
	struct jobs_file jf;
	const struct job *j;

	check_int(parse_str(&jf, HDR "\n" ROW_BEFORE "\n"), ==, 0);
	j = jobs_find(&jf, "Before");
	if (check(j != NULL)) {
		check_str(j->filter, "");
		check_str(j->notify, "");
	}
	check_int(jf.col[JOBS_COL_FILTER], ==, -1);
	check_int(jf.col[JOBS_COL_NOTIFY], ==, -1);
	jobs_free(&jf);

	check_int(parse_str(&jf, "notify;interval;name;url;last-modified;pid;"
	    "filter\nadded;1h;a;http://a.example/;-;-;\"css:.p | "
	    "ignore:x;y\"\n;1h;b;http://b.example/;-;-;-\n"), ==, 0);
	check_uint(jf.nproblems, ==, 0);
	j = jobs_find(&jf, "a");
	if (check(j != NULL)) {
		check_str(j->filter, "css:.p | ignore:x;y");
		check_str(j->notify, "added");
	}
	j = jobs_find(&jf, "b");
	if (check(j != NULL)) {
		check_str(j->filter, "-");
		check_str(j->notify, "");
	}
	jobs_free(&jf);
}

/* An add with a filter adds the column to the header and an empty field
 * to every other row (bad rows included), in one copy. */
static void
t_add_adds_columns(void)
{
	struct jobs_edit e;

	memset(&e, 0, sizeof(e));
	e.op = JOBS_EDIT_ADD;
	e.name = "new";
	e.url = "http://new.example/";
	e.interval = "5m";
	e.filter = "ignore:a;b";
	check_apply("# c\n" HDR "\r\n" ROW_BEFORE "\r\n\r\nbad;row\r\n"
	    ROW_AFTER "\r\n", &e, 1,
	    "# c\n" HDR ";filter\r\n" ROW_BEFORE ";\r\n\r\nbad;row;\r\n"
	    ROW_AFTER ";\r\n5m;new;http://new.example/;-;-;\"ignore:a;b\"\r\n",
	    1);
	check_uint(e.cols_added, ==, JOBS_ADDED_FILTER);

	/* Both columns, and an edit of another row in the same copy. */
	{
		struct jobs_edit two[2];

		memset(two, 0, sizeof(two));
		two[0].name = "Before";
		two[0].lastmod = "x";
		two[1] = e;
		two[1].notify = "added";
		check_apply(HDR "\n" ROW_BEFORE "\n", two, 2,
		    HDR ";filter;notify\n10m;Before;http://before.example/;"
		    "x;-;;\n5m;new;http://new.example/;-;-;\"ignore:a;b\";"
		    "added\n", 2);
		check_uint(two[1].cols_added, ==,
		    JOBS_ADDED_FILTER | JOBS_ADDED_NOTIFY);
	}

	/* A header that has the column: nothing added, the value placed. */
	e.filter = "sort";
	check_apply("filter;" HDR "\n;" ROW_BEFORE "\n", &e, 1,
	    "filter;" HDR "\n;" ROW_BEFORE "\nsort;5m;new;http://new.example/;"
	    "-;-\n", 1);
	check_uint(e.cols_added, ==, 0);

	/* No filter: no column. */
	e.filter = "";
	check_apply(HDR "\n", &e, 1, HDR "\n5m;new;http://new.example/;-;-\n",
	    1);
	check_uint(e.cols_added, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Durations: the interval column, read by schedule_parse() alone     */
/* ------------------------------------------------------------------ */

/* Returns the seconds of the duration s, or -1 with the reason in err:
 * the one schedule parser that the file, add, edit and next share. */
static long
interval_secs(const char *s, char *err, size_t errsz)
{
	struct schedule sc;

	if (schedule_parse(s, &sc, err, errsz) == -1)
		return -1;
	return sc.kind == SCHEDULE_EVERY ? sc.every : -2;
}

/* s parses to secs seconds and leaves err alone. */
static void
t_interval_ok(const char *s, long secs)
{
	char err[256] = "untouched";

	check_int(interval_secs(s, err, sizeof(err)), ==, secs);
	check_str(err, "untouched");
}

/* s is refused with exactly the reason msg. */
static void
t_interval_bad(const char *s, const char *msg)
{
	char err[256] = "";

	check_int(interval_secs(s, err, sizeof(err)), ==, -1);
	check_str(err, msg);
}

/* The ten-year cap: exactly ten years passes, a second more does not. */
static void
t_interval_cap(void)
{
	char err[256] = "";

	check_int(interval_secs("3650d", err, sizeof(err)), ==,
	    SCHEDULE_MAX_DURATION);
	check_int(interval_secs("315360000", err, sizeof(err)), ==,
	    SCHEDULE_MAX_DURATION);
	check_int(interval_secs("3650d1s", err, sizeof(err)), ==, -1);
	check_str(err, "interval: \"3650d1s\": longer than ten years");
	check_int(interval_secs("315360001", err, sizeof(err)), ==, -1);
	check_str(err, "interval: \"315360001\": longer than ten years");
}

/* A NULL error buffer of size 0 is allowed and the verdict is unchanged. */
static void
t_interval_no_errbuf(void)
{
	check_int(interval_secs("abc", NULL, 0), ==, -1);
	check_int(interval_secs("2h", NULL, 0), ==, 7200);
}

/* ------------------------------------------------------------------ */
/* The pid field: jobs_parse_pid()                                      */
/* ------------------------------------------------------------------ */

/* s is read as kind (and pid for a number). */
static void
t_pid_ok(const char *s, enum jobs_pid_kind kind, pid_t pid)
{
	enum jobs_pid_kind k = (enum jobs_pid_kind)-1;
	pid_t p = -7;
	char err[256] = "untouched";

	check_int(jobs_parse_pid(s, &k, &p, err, sizeof(err)), ==, 0);
	check_int(k, ==, kind);
	check_int(p, ==, pid);
	check_str(err, "untouched");
}

/* s is refused with the standard reason. */
static void
t_pid_bad(const char *s)
{
	enum jobs_pid_kind k = JOBS_PID_NONE;
	pid_t p = 0;
	char err[256] = "", want[256];

	(void)snprintf(want, sizeof(want),
	    "pid: \"%s\": expected -, a process id, or stop", s);
	check_int(jobs_parse_pid(s, &k, &p, err, sizeof(err)), ==, -1);
	check_str(err, want);
}

/* The word written for each kind is the word read back as that kind
 * (issue 22.2: the pid field's words have one owner, jobs.h). */
static void
t_pid_words(void)
{
	enum jobs_pid_kind kinds[] = { JOBS_PID_NONE, JOBS_PID_STOP,
	    JOBS_PID_DONE };
	size_t i;

	check_str(jobs_pid_word(JOBS_PID_NONE), "-");
	check_str(jobs_pid_word(JOBS_PID_STOP), "stop");
	check_str(jobs_pid_word(JOBS_PID_DONE), "done");
	check(jobs_pid_word(JOBS_PID_NUMBER) == NULL);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		t_pid_ok(jobs_pid_word(kinds[i]), kinds[i], 0);
}

/* ------------------------------------------------------------------ */
/* URLs: jobs_check_url()                                               */
/* ------------------------------------------------------------------ */

/* url may be watched. */
static void
t_url_ok(const char *url)
{
	char err[256] = "untouched";

	check_int(jobs_check_url(url, err, sizeof(err)), ==, 0);
	check_str(err, "untouched");
}

/* url is refused with exactly the reason msg. */
static void
t_url_bad(const char *url, const char *msg)
{
	char err[256] = "";

	check_int(jobs_check_url(url, err, sizeof(err)), ==, -1);
	check_str(err, msg);
}

/* ------------------------------------------------------------------ */
/* jobs_quote_field()                                                   */
/* ------------------------------------------------------------------ */

/* value is written as want, and the full length is returned. */
static void
t_quote(const char *value, const char *want)
{
	char dst[256];

	memset(dst, 'X', sizeof(dst));
	check_uint(jobs_quote_field(dst, sizeof(dst), value), ==, strlen(want));
	check_str(dst, want);
}

/* Like snprintf: a short buffer gets a NUL-terminated prefix, the return
 * is the full length, and a zero-size buffer is not written at all. */
static void
t_quote_truncates(void)
{
	char dst[8];

	memset(dst, 'X', sizeof(dst));
	check_uint(jobs_quote_field(dst, 4, "abcdef"), ==, 6);
	check_str(dst, "abc");
	check_int(dst[4], ==, 'X');

	memset(dst, 'X', sizeof(dst));
	check_uint(jobs_quote_field(dst, 4, "a;b"), ==, 5);
	check_str(dst, "\"a;");

	memset(dst, 'X', sizeof(dst));
	check_uint(jobs_quote_field(dst, 6, "a;b"), ==, 5);
	check_str(dst, "\"a;b\"");

	memset(dst, 'X', sizeof(dst));
	check_uint(jobs_quote_field(dst, 1, "abc"), ==, 3);
	check_int(dst[0], ==, '\0');
	check_int(dst[1], ==, 'X');

	memset(dst, 'X', sizeof(dst));
	check_uint(jobs_quote_field(dst, 0, "abc"), ==, 3);
	check_int(dst[0], ==, 'X');
	check_uint(jobs_quote_field(NULL, 0, "a\"b"), ==, 6);
}

/* ------------------------------------------------------------------ */
/* The header                                                           */
/* ------------------------------------------------------------------ */

/* Columns are found by name, in any order. */
static void
t_header_any_order(void)
{
	struct jobs_file jf;
	const char *in = "pid;url;last-modified;name;interval\n"
	    "stop;https://x.example/;-;X;5m\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_int(jf.usable, ==, 1);
	check_int(jf.header, ==, 0);
	check_uint(jf.ncols, ==, 5);
	check_int(jf.col[JOBS_COL_PID], ==, 0);
	check_int(jf.col[JOBS_COL_URL], ==, 1);
	check_int(jf.col[JOBS_COL_LASTMOD], ==, 2);
	check_int(jf.col[JOBS_COL_NAME], ==, 3);
	check_int(jf.col[JOBS_COL_INTERVAL], ==, 4);
	check_uint(jf.nproblems, ==, 0);
	if (check_uint(jf.njobs, ==, 1))
		check_job(&jf.jobs[0], 2, "X", "https://x.example/", "5m", 300,
		    "-", "stop", JOBS_PID_STOP, 0);
	jobs_free(&jf);
}

/* The original program's spelling "intervall" names the interval. */
static void
t_header_intervall(void)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, "intervall;name;url;last-modified;pid\n"
	    "60m;Wikipedia;https://en.wikipedia.org/;-;-\n"), ==, 0);
	check_int(jf.col[JOBS_COL_INTERVAL], ==, 0);
	if (check_uint(jf.njobs, ==, 1))
		check_int(jf.jobs[0].interval, ==, 3600);
	jobs_free(&jf);
}

/* The original program's very first header, "process" for the pid:
 * the pid column, and stop/commit_suicide in it keep the row down. */
static void
t_header_process(void)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, "intervall;name;url;last-modified;process\n"
	    "60m;Wikipedia;https://en.wikipedia.org/;-;commit_suicide\n"
	    "5h;Fefe;https://blog.fefe.de/;-;-\n"), ==, 0);
	check_int(jf.col[JOBS_COL_PID], ==, 4);
	check_uint(jf.nproblems, ==, 0);
	if (check_uint(jf.njobs, ==, 2)) {
		check_int(jf.jobs[0].pid_kind, ==, JOBS_PID_STOP);
		check_int(jf.jobs[1].pid_kind, ==, JOBS_PID_NONE);
	}
	jobs_free(&jf);
	check_int(parse_str(&jf, "interval;name;url;last-modified;pid;process\n"),
	    ==, -1);
	jobs_free(&jf);
}

/* Column names are matched without regard to case, and spaces around a
 * bare name are trimmed as in any field. */
static void
t_header_case_insensitive(void)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, "INTERVAL; Name ;Url;Last-Modified;PiD\n"
	    "2h;A;http://a.example/;-;-\n"), ==, 0);
	check_int(jf.col[JOBS_COL_INTERVAL], ==, 0);
	check_int(jf.col[JOBS_COL_NAME], ==, 1);
	check_int(jf.col[JOBS_COL_URL], ==, 2);
	check_int(jf.col[JOBS_COL_LASTMOD], ==, 3);
	check_int(jf.col[JOBS_COL_PID], ==, 4);
	check_uint(jf.njobs, ==, 1);
	jobs_free(&jf);
}

/* Unknown columns count in ncols and do not disturb the known ones. */
static void
t_header_unknown_columns(void)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, "note;interval;name;owner;url;"
	    "last-modified;pid;tags\n"
	    "anything;10m;A;bob;http://a.example/;-;-;x y z\n"), ==, 0);
	check_uint(jf.ncols, ==, 8);
	check_int(jf.col[JOBS_COL_INTERVAL], ==, 1);
	check_int(jf.col[JOBS_COL_NAME], ==, 2);
	check_int(jf.col[JOBS_COL_URL], ==, 4);
	check_int(jf.col[JOBS_COL_LASTMOD], ==, 5);
	check_int(jf.col[JOBS_COL_PID], ==, 6);
	if (check_uint(jf.njobs, ==, 1))
		check_job(&jf.jobs[0], 2, "A", "http://a.example/", "10m", 600,
		    "-", "-", JOBS_PID_NONE, 0);
	jobs_free(&jf);
}

/* A header that cannot be used: rc -1, not usable, no rows, the problem
 * on header_line with message msg, and that line marked bad. */
static void
t_header_bad(const char *in, size_t header_line, const char *msg)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, in), ==, -1);
	check_int(jf.usable, ==, 0);
	check_int(jf.header, ==, -1);
	check_uint(jf.njobs, ==, 0);
	check_uint(jf.nproblems, ==, 1);
	check_problem(&jf, 0, header_line, msg);
	if (check_uint(jf.nlines, >=, header_line))
		check_int(jf.lines[header_line - 1].kind, ==, JOBS_LINE_BAD);
	check(jobs_find(&jf, "A") == NULL);
	jobs_free(&jf);
}

/* A file with no header line at all: the problem is the whole file's. */
static void
t_header_none(const char *in, size_t nlines, const char *msg)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, in), ==, -1);
	check_int(jf.usable, ==, 0);
	check_int(jf.header, ==, -1);
	check_uint(jf.nlines, ==, nlines);
	check_uint(jf.njobs, ==, 0);
	check_uint(jf.nproblems, ==, 1);
	check_problem(&jf, 0, 0, msg);
	jobs_free(&jf);
}

/* Lines after a header that cannot be used are still described: a
 * comment stays a comment, a would-be row is not called blank. */
static void
t_header_bad_keeps_line_kinds(void)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, "interval;name;url;pid\n"
	    "# a comment\n"
	    "\n"
	    "10m;A;http://a.example/;-\n"), ==, -1);
	if (check_uint(jf.nlines, ==, 4)) {
		check_int(jf.lines[0].kind, ==, JOBS_LINE_BAD);
		check_int(jf.lines[1].kind, ==, JOBS_LINE_COMMENT);
		check_int(jf.lines[2].kind, ==, JOBS_LINE_BLANK);
		check_int(jf.lines[3].kind, ==, JOBS_LINE_BAD);
		check_int(jf.lines[3].job, ==, -1);
	}
	jobs_free(&jf);
}

/* The header is the first line that is neither blank nor a comment. */
static void
t_header_after_comments(void)
{
	struct jobs_file jf;
	const char *in = "# jobs\n"
	    "\n"
	    "  # indented comment\n"
	    " \t \n"
	    HDR "\n"
	    "90;A;http://a.example/;-;-\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_int(jf.header, ==, 4);
	check_int(jf.lines[4].kind, ==, JOBS_LINE_HEADER);
	if (check_uint(jf.njobs, ==, 1))
		check_job(&jf.jobs[0], 6, "A", "http://a.example/", "90", 90,
		    "-", "-", JOBS_PID_NONE, 0);
	jobs_free(&jf);
}

/* A UTF-8 byte order mark before the header is not part of the first
 * column's name; the header line still starts at offset 0. */
static void
t_header_bom(void)
{
	struct jobs_file jf;
	const char *in = "\xef\xbb\xbf" HDR "\n"
	    "1d;A;http://a.example/;-;-\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_int(jf.header, ==, 0);
	check_int(jf.col[JOBS_COL_INTERVAL], ==, 0);
	check_line(&jf, 0, 0, 3 + strlen(HDR), 1, JOBS_LINE_HEADER);
	if (check_uint(jf.njobs, ==, 1))
		check_int(jf.jobs[0].interval, ==, 86400);
	jobs_free(&jf);
}

/* A byte order mark before a comment line: the line is a comment and the
 * header below it is found. */
static void
t_header_bom_before_comment(void)
{
	struct jobs_file jf;
	const char *in = "\xef\xbb\xbf# my jobs\n"
	    HDR "\n"
	    "1d;A;http://a.example/;-;-\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_line(&jf, 0, 0, 3 + strlen("# my jobs"), 1, JOBS_LINE_COMMENT);
	check_int(jf.header, ==, 1);
	check_uint(jf.njobs, ==, 1);
	check_uint(jf.nproblems, ==, 0);
	jobs_free(&jf);
}

/* Only the first line may carry the byte order mark: anywhere else it is
 * a character of the first column's name. */
static void
t_header_bom_not_first_line(void)
{
	t_header_bad("# c\n\xef\xbb\xbf" HDR "\n", 2,
	    "header: missing column interval " MSG_NEEDS);
}

/* A file with a header and no rows is usable and empty. */
static void
t_header_only(void)
{
	struct jobs_file jf;

	check_int(parse_str(&jf, HDR), ==, 0);
	check_int(jf.usable, ==, 1);
	check_uint(jf.njobs, ==, 0);
	check_uint(jf.nproblems, ==, 0);
	check_line(&jf, 0, 0, strlen(HDR), 0, JOBS_LINE_HEADER);
	jobs_free(&jf);
}

/* ------------------------------------------------------------------ */
/* Lines: blank, comments, terminators                                  */
/* ------------------------------------------------------------------ */

/* Every line is described: offset, length, terminator, kind, row index. */
static void
t_lines_kinds_and_offsets(void)
{
	struct jobs_file jf;
	const char *in =
	    "# top\n"				/* 0: off 0, len 5 */
	    "\n"				/* 1: off 6, len 0 */
	    HDR "\n"				/* 2: off 7, len 35 */
	    "10m;A;http://a.example/;-;-\n"	/* 3: off 43, len 27 */
	    "   \t\n"			/* 4: off 71, len 4 */
	    "\t# indented\n"			/* 5: off 76, len 11 */
	    "10m;;http://b.example/;-;-\n"	/* 6: off 88, len 26 */
	    "2h;B;http://b.example/;-;-\n";	/* 7: off 115, len 26 */

	check_int(parse_str(&jf, in), ==, 0);
	if (!check_uint(jf.nlines, ==, 8))
		goto done;
	check_line(&jf, 0, 0, 5, 1, JOBS_LINE_COMMENT);
	check_line(&jf, 1, 6, 0, 1, JOBS_LINE_BLANK);
	check_line(&jf, 2, 7, 35, 1, JOBS_LINE_HEADER);
	check_line(&jf, 3, 43, 27, 1, JOBS_LINE_ROW);
	check_line(&jf, 4, 71, 4, 1, JOBS_LINE_BLANK);
	check_line(&jf, 5, 76, 11, 1, JOBS_LINE_COMMENT);
	check_line(&jf, 6, 88, 26, 1, JOBS_LINE_BAD);
	check_line(&jf, 7, 115, 26, 1, JOBS_LINE_ROW);
	check_int(jf.lines[0].job, ==, -1);
	check_int(jf.lines[2].job, ==, -1);
	check_int(jf.lines[3].job, ==, 0);
	check_int(jf.lines[6].job, ==, -1);
	check_int(jf.lines[7].job, ==, 1);
	check_uint(jf.njobs, ==, 2);
	check_problem(&jf, 0, 7, "name: empty");
done:
	jobs_free(&jf);
}

/* CRLF line ends: eol is 2, len leaves the CR out, and no field holds it. */
static void
t_lines_crlf(void)
{
	struct jobs_file jf;
	const char *in = HDR "\r\n"
	    "\r\n"
	    "10m;A;http://a.example/;-;-\r\n";

	check_int(parse_str(&jf, in), ==, 0);
	if (!check_uint(jf.nlines, ==, 3))
		goto done;
	check_line(&jf, 0, 0, 35, 2, JOBS_LINE_HEADER);
	check_line(&jf, 1, 37, 0, 2, JOBS_LINE_BLANK);
	check_line(&jf, 2, 39, 27, 2, JOBS_LINE_ROW);
	if (check_uint(jf.njobs, ==, 1))
		check_job(&jf.jobs[0], 3, "A", "http://a.example/", "10m", 600,
		    "-", "-", JOBS_PID_NONE, 0);
done:
	jobs_free(&jf);
}

/* A last line without a newline is a line with eol 0; a file ending in a
 * newline has no empty line after it. */
static void
t_lines_no_final_newline(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n10m;A;http://a.example/;-;4242";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.nlines, ==, 2);
	check_line(&jf, 1, 36, 30, 0, JOBS_LINE_ROW);
	if (check_uint(jf.njobs, ==, 1))
		check_job(&jf.jobs[0], 2, "A", "http://a.example/", "10m", 600,
		    "-", "4242", JOBS_PID_NUMBER, 4242);
	jobs_free(&jf);

	check_int(parse_str(&jf, HDR "\n10m;A;http://a.example/;-;-\n"), ==, 0);
	check_uint(jf.nlines, ==, 2);
	jobs_free(&jf);
}

/* LF, CRLF and a missing final newline in one file. */
static void
t_lines_mixed(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    "10m;A;http://a.example/;-;-\r\n"
	    "# c\n"
	    "20m;B;http://b.example/;-;stop";

	check_int(parse_str(&jf, in), ==, 0);
	if (!check_uint(jf.nlines, ==, 4))
		goto done;
	check_line(&jf, 0, 0, 35, 1, JOBS_LINE_HEADER);
	check_line(&jf, 1, 36, 27, 2, JOBS_LINE_ROW);
	check_line(&jf, 2, 65, 3, 1, JOBS_LINE_COMMENT);
	check_line(&jf, 3, 69, 30, 0, JOBS_LINE_ROW);
	if (check_uint(jf.njobs, ==, 2)) {
		check_str(jf.jobs[0].pid_text, "-");
		check_str(jf.jobs[1].pid_text, "stop");
		check_int(jf.jobs[1].pid_kind, ==, JOBS_PID_STOP);
	}
done:
	jobs_free(&jf);
}

/* ------------------------------------------------------------------ */
/* libcsv quoting inside rows                                           */
/* ------------------------------------------------------------------ */

/* A quoted field may hold ';' and a doubled quote is one literal quote. */
static void
t_csv_quoted_fields(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    "10m;\"a;b\";http://a.example/;\"say \"\"hi\"\"\";-\n"
	    "10m;\"\"\"\";http://q.example/;\"\";\"-\"\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.nproblems, ==, 0);
	if (check_uint(jf.njobs, ==, 2)) {
		check_job(&jf.jobs[0], 2, "a;b", "http://a.example/", "10m",
		    600, "say \"hi\"", "-", JOBS_PID_NONE, 0);
		check_job(&jf.jobs[1], 3, "\"", "http://q.example/", "10m",
		    600, "", "-", JOBS_PID_NONE, 0);
	}
	check(jobs_find(&jf, "a;b") == &jf.jobs[0]);
	check(jobs_find(&jf, "a") == NULL);
	jobs_free(&jf);
}

/* Spaces and tabs around a bare field are trimmed, inside quotes kept;
 * spaces between a closing quote and ';' are not part of the value. */
static void
t_csv_spaces(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    "  10m \t;  Two words  ; http://a.example/ ;\t-\t; 12 \n"
	    "5m;\"  padded  \" ;http://b.example/;\" - \";-\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.nproblems, ==, 0);
	if (check_uint(jf.njobs, ==, 2)) {
		check_job(&jf.jobs[0], 2, "Two words", "http://a.example/",
		    "10m", 600, "-", "12", JOBS_PID_NUMBER, 12);
		check_job(&jf.jobs[1], 3, "  padded  ", "http://b.example/",
		    "5m", 300, " - ", "-", JOBS_PID_NONE, 0);
	}
	jobs_free(&jf);
}

/* The name of the row's key is exact: names differing in case or in
 * quoted spaces are different rows. */
static void
t_csv_names_are_exact(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    "1m;Fefe;http://a.example/;-;-\n"
	    "1m;fefe;http://a.example/;-;-\n"
	    "1m;\" Fefe\";http://a.example/;-;-\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.njobs, ==, 3);
	check_uint(jf.nproblems, ==, 0);
	check(jobs_find(&jf, "fefe") == &jf.jobs[1]);
	check(jobs_find(&jf, " Fefe") == &jf.jobs[2]);
	check(jobs_find(&jf, "FEFE") == NULL);
	jobs_free(&jf);
}

/* A quoted field cut by a line break: the first half is an unclosed quote,
 * the second half has a stray quote; rows around them still run. */
static void
t_csv_field_with_line_break(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    ROW_BEFORE "\n"
	    "10m;\"Two\n"
	    "lines\";http://x.example/;-;-\n"
	    ROW_AFTER "\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.njobs, ==, 2);
	check(jobs_find(&jf, "Before") != NULL);
	check(jobs_find(&jf, "After") != NULL);
	check_uint(jf.nproblems, ==, 2);
	check_problem(&jf, 0, 3, "field 2: " MSG_UNCLOSED);
	check_problem(&jf, 1, 4, "field 1: " MSG_BADQUOTE);
	check_int(jf.lines[2].kind, ==, JOBS_LINE_BAD);
	check_int(jf.lines[3].kind, ==, JOBS_LINE_BAD);
	jobs_free(&jf);
}

/* A NUL byte in the header line makes the file unusable. */
static void
t_header_nul(void)
{
	static const char in[] = "interval;na\0me;url;last-modified;pid\n";
	struct jobs_file jf;

	check_int(jobs_parse(&jf, in, sizeof(in) - 1), ==, -1);
	check_uint(jf.nproblems, ==, 1);
	check_problem(&jf, 0, 1, "header: line holds a NUL byte");
	check_int(jf.header, ==, -1);
	jobs_free(&jf);
}

/* A header with bad quoting makes the file unusable. */
static void
t_csv_bad_quoting_in_header(void)
{
	t_header_bad("interval;na\"me;url;last-modified;pid\n", 1,
	    "header: field 2: " MSG_BADQUOTE);
}

/* ------------------------------------------------------------------ */
/* Rows that cannot be used                                             */
/* ------------------------------------------------------------------ */

/*
 * Puts row (rowlen bytes, may hold NULs) as line 3 between two good rows
 * and checks: the file is usable, the two others run, the row is bad with
 * the single problem msg on line 3.
 */
static void
t_bad_row(const char *row, size_t rowlen, const char *msg)
{
	static const char head[] = HDR "\n" ROW_BEFORE "\n";
	static const char tail[] = "\n" ROW_AFTER "\n";
	size_t len = sizeof(head) - 1 + rowlen + sizeof(tail) - 1;
	char *buf = malloc(len);
	struct jobs_file jf;

	if (!check(buf != NULL))
		return;
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, row, rowlen);
	memcpy(buf + sizeof(head) - 1 + rowlen, tail, sizeof(tail) - 1);

	check_int(jobs_parse(&jf, buf, len), ==, 0);
	check_int(jf.usable, ==, 1);
	if (check_uint(jf.njobs, ==, 2)) {
		check_job(&jf.jobs[0], 2, "Before", "http://before.example/",
		    "10m", 600, "-", "-", JOBS_PID_NONE, 0);
		check_job(&jf.jobs[1], 4, "After", "https://after.example/",
		    "1h", 3600, "-", "-", JOBS_PID_NONE, 0);
	}
	check_uint(jf.nproblems, ==, 1);
	check_problem(&jf, 0, 3, msg);
	if (check_uint(jf.nlines, ==, 4)) {
		check_line(&jf, 2, sizeof(head) - 1, rowlen, 1, JOBS_LINE_BAD);
		check_int(jf.lines[2].job, ==, -1);
		check_int(jf.lines[3].job, ==, 1);
	}
	jobs_free(&jf);
	free(buf);
}

/* t_bad_row() for a string literal, NUL bytes included. */
#define BAD_ROW(lit, msg) t_bad_row((lit), sizeof(lit) - 1, (msg))

/* A line one byte over JOBS_MAX_LINE is refused; one of exactly
 * JOBS_MAX_LINE bytes is a good row. */
static void
t_bad_row_too_long(void)
{
	static const char pre[] = "10m;", post[] = ";http://x.example/;-;-";
	size_t fixed = sizeof(pre) - 1 + sizeof(post) - 1;
	size_t namelen = JOBS_MAX_LINE - fixed;
	char *row = malloc(JOBS_MAX_LINE + 2);
	struct jobs_file jf;
	char *buf;
	size_t len;

	if (!check(row != NULL))
		return;
	/* JOBS_MAX_LINE + 1 bytes: refused. */
	memcpy(row, pre, sizeof(pre) - 1);
	memset(row + sizeof(pre) - 1, 'n', namelen + 1);
	memcpy(row + sizeof(pre) - 1 + namelen + 1, post, sizeof(post) - 1);
	t_bad_row(row, JOBS_MAX_LINE + 1, "line longer than 64 KiB");

	/* Exactly JOBS_MAX_LINE bytes: a good row.  The bytes are in a
	 * column sitewatch does not know: its own have smaller limits. */
	{
		static const char hdr[] = HDR ";note\n",
		    fixedrow[] = "10m;n;http://x.example/;-;-;";
		size_t fill = JOBS_MAX_LINE - (sizeof(fixedrow) - 1);

		len = sizeof(hdr) - 1 + JOBS_MAX_LINE;
		buf = malloc(len);
		if (check(buf != NULL)) {
			memcpy(buf, hdr, sizeof(hdr) - 1);
			memcpy(buf + sizeof(hdr) - 1, fixedrow,
			    sizeof(fixedrow) - 1);
			memset(buf + len - fill, 'n', fill);
			check_int(jobs_parse(&jf, buf, len), ==, 0);
			check_uint(jf.nproblems, ==, 0);
			check_uint(jf.njobs, ==, 1);
			jobs_free(&jf);
		}
		free(buf);
	}
	free(row);
}

/* A duplicate name: the later row is refused, naming the first one's line,
 * and the first one keeps running. */
static void
t_bad_row_duplicate_name(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    "# comment\n"
	    "10m;Fefe;https://blog.fefe.de/;-;-\n"
	    "\n"
	    "5m;Fefe;https://other.example/;-;-\n"
	    "5m;Fefe;https://third.example/;-;-\n";

	check_int(parse_str(&jf, in), ==, 0);
	if (check_uint(jf.njobs, ==, 1))
		check_job(&jf.jobs[0], 3, "Fefe", "https://blog.fefe.de/",
		    "10m", 600, "-", "-", JOBS_PID_NONE, 0);
	check_uint(jf.nproblems, ==, 2);
	check_problem(&jf, 0, 5, "name: \"Fefe\" is already used on line 3");
	check_problem(&jf, 1, 6, "name: \"Fefe\" is already used on line 3");
	jobs_free(&jf);
}

/* Well-formed UTF-8 is accepted up to the edges the validator checks:
 * U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF. */
static void
t_utf8_valid_edges(void)
{
	struct jobs_file jf;
	const char *name = "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
	    "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"
	    " \xe6\x97\xa5\xe6\x9c\xac";
	char in[256];

	(void)snprintf(in, sizeof(in), HDR "\n10m;%s;http://a.example/;-;-\n",
	    name);
	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.nproblems, ==, 0);
	if (check_uint(jf.njobs, ==, 1))
		check_str(jf.jobs[0].name, name);
	jobs_free(&jf);
}

/* "\r\r\n": the line ends in CRLF and its text still holds a CR. */
static void
t_bad_row_cr_before_crlf(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    ROW_BEFORE "\n"
	    "10m;X;http://x.example/;-;-\r\r\n"
	    ROW_AFTER "\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.njobs, ==, 2);
	check_uint(jf.nproblems, ==, 1);
	check_problem(&jf, 0, 3, "a field holds a line break (carriage return)");
	check_line(&jf, 2, strlen(HDR "\n" ROW_BEFORE "\n"),
	    strlen("10m;X;http://x.example/;-;-\r"), 2, JOBS_LINE_BAD);
	jobs_free(&jf);
}

/* Several bad rows each get their own problem, in file order, and every
 * good row still runs. */
static void
t_bad_rows_all_reported(void)
{
	struct jobs_file jf;
	const char *in = HDR "\n"
	    "10m;A;http://a.example/;-;-\n"
	    "10m;B;gopher://b.example/;-;-\n"
	    "10m;C;http://c.example/;-;-\n"
	    "1h30;D;http://d.example/;-;-\n"
	    "10m;E;http://e.example/;-;-\n"
	    "10m;F;http://f.example/;-;zzz\n";

	check_int(parse_str(&jf, in), ==, 0);
	check_uint(jf.njobs, ==, 3);
	check(jobs_find(&jf, "A") != NULL);
	check(jobs_find(&jf, "C") != NULL);
	check(jobs_find(&jf, "E") != NULL);
	check(jobs_find(&jf, "B") == NULL);
	check_uint(jf.nproblems, ==, 3);
	check_problem(&jf, 0, 3, "url: \"gopher://b.example/\": only http:// "
	    "and https:// URLs can be watched");
	check_problem(&jf, 1, 5, "interval: \"1h30\": number without a unit "
	    "at the end");
	check_problem(&jf, 2, 7, "pid: \"zzz\": expected -, a process id, "
	    "or stop");
	jobs_free(&jf);
}

/* ------------------------------------------------------------------ */
/* jobs_apply()                                                         */
/* ------------------------------------------------------------------ */

#define APPLY_IN HDR "\n" \
	"# comment\n" \
	"10m;A;http://a.example/;-;-\n" \
	"20m;B;http://b.example/;-;4242\n"

/* Setting last-modified rewrites that field only. */
static void
t_apply_lastmod(void)
{
	struct jobs_edit e = { .name = "A", .lastmod = "Tue, 15 Nov 1994 08:12:31 GMT", .pid = NULL,
	    .if_pid = NULL, .result = -1};

	check_apply(APPLY_IN, &e, 1, HDR "\n"
	    "# comment\n"
	    "10m;A;http://a.example/;Tue, 15 Nov 1994 08:12:31 GMT;-\n"
	    "20m;B;http://b.example/;-;4242\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* Setting the pid rewrites that field only. */
static void
t_apply_pid(void)
{
	struct jobs_edit e = { .name = "B", .lastmod = NULL, .pid = "stop", .if_pid = NULL, .result = -1};

	check_apply(APPLY_IN, &e, 1, HDR "\n"
	    "# comment\n"
	    "10m;A;http://a.example/;-;-\n"
	    "20m;B;http://b.example/;-;stop\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* Both fields of a row in one edit. */
static void
t_apply_both(void)
{
	struct jobs_edit e = { .name = "A", .lastmod = "x", .pid = "123", .if_pid = NULL, .result = -1};

	check_apply(APPLY_IN, &e, 1, HDR "\n"
	    "# comment\n"
	    "10m;A;http://a.example/;x;123\n"
	    "20m;B;http://b.example/;-;4242\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* if_pid equal to the pid field: the edit applies. */
static void
t_apply_if_pid_matches(void)
{
	struct jobs_edit e = { .name = "B", .lastmod = NULL, .pid = "-", .if_pid = "4242", .result = -1};

	check_apply(APPLY_IN, &e, 1, HDR "\n"
	    "# comment\n"
	    "10m;A;http://a.example/;-;-\n"
	    "20m;B;http://b.example/;-;-\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* if_pid different from the pid field: skipped, the bytes unchanged. */
static void
t_apply_if_pid_differs(void)
{
	struct jobs_edit e = { .name = "B", .lastmod = "new", .pid = "-", .if_pid = "4243", .result = -1};

	check_apply(APPLY_IN, &e, 1, APPLY_IN, 0);
	check_int(e.result, ==, JOBS_EDIT_SKIPPED);
}

/* An unknown name, or a name found only on a bad row: NOROW, nothing
 * added, the output identical to the input. */
static void
t_apply_unknown_name(void)
{
	const char *in = APPLY_IN "10m;Bad;ftp://x.example/;-;-\n";
	struct jobs_edit e[2] = {
		{ .name = "Nobody", .lastmod = "x", .pid = "1", .if_pid = NULL, .result = -1},
		{ .name = "Bad", .lastmod = "x", .pid = "1", .if_pid = NULL, .result = -1},
	};

	check_apply(in, e, 2, in, 0);
	check_int(e[0].result, ==, JOBS_EDIT_NOROW);
	check_int(e[1].result, ==, JOBS_EDIT_NOROW);
}

/* Values that libcsv would misread bare come out quoted, and read back
 * as exactly the value written. */
static void
t_apply_value_needs_quotes(void)
{
	static const char *const values[] = {
		"a;b", "say \"hi\"", " leading", "trailing ", "\"", "#hash",
		"  ", "a\"\"b;;c",
	};
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const char *in = HDR "\n10m;A;http://a.example/;-;-\n";
		struct jobs_edit e = { .name = "A", .lastmod = values[i], .pid = NULL, .if_pid = NULL, .result = -1};
		struct jobs_file jf, jo;
		char *out = NULL, quoted[64], want[256];
		size_t outlen = 0, changed = 0;

		check_uint(jobs_quote_field(quoted, sizeof(quoted), values[i]),
		    <, sizeof(quoted));
		check_int(quoted[0], ==, '"');
		(void)snprintf(want, sizeof(want),
		    HDR "\n10m;A;http://a.example/;%s;-\n", quoted);
		check_int(parse_str(&jf, in), ==, 0);
		check_int(jobs_apply(&jf, in, strlen(in), &e, 1, &out, &outlen,
		    &changed), ==, 0);
		check_uint(changed, ==, 1);
		if (check(out != NULL)) {
			check_str(out, want);
			check_int(jobs_parse(&jo, out, outlen), ==, 0);
			check_uint(jo.nproblems, ==, 0);
			if (check_uint(jo.njobs, ==, 1))
				check_str(jo.jobs[0].lastmod, values[i]);
			jobs_free(&jo);
		}
		free(out);
		jobs_free(&jf);
	}
}

/* A value the reader would refuse (a line break, a control character,
 * bytes that are not UTF-8, too long) is refused alone: that edit is
 * JOBS_EDIT_INVALID with a reason, and the other edits of the same call
 * are written. */
static void
t_apply_invalid_value_alone(void)
{
	static const char in[] = APPLY_IN;
	static char longv[JOBS_MAX_LASTMOD + 2];
	const char *bad[] = { "two\nlines", "cr\rhere", "esc\x1b[31m",
	    "bel\a", "del\x7f", "M\xe4rz", longv };
	size_t i;

	memset(longv, 'x', sizeof(longv) - 1);
	for (i = 0; i < (sizeof(bad) / sizeof(bad[0])); i++) {
		struct jobs_edit e[2] = {
			{ .name = "A", .lastmod = bad[i], .result = -1 },
			{ .name = "B", .lastmod = "good", .result = -1 },
		};

		check_apply(in, e, 2, HDR "\n"
		    "# comment\n"
		    "10m;A;http://a.example/;-;-\n"
		    "20m;B;http://b.example/;good;4242\n", 1);
		check_int(e[0].result, ==, JOBS_EDIT_INVALID);
		check(strncmp(e[0].why, "last-modified: ", 15) == 0);
		check_int(e[1].result, ==, JOBS_EDIT_DONE);
	}
	{
		/* A bad pid value, and an add with a bad name. */
		struct jobs_edit e[3] = {
			{ .name = "A", .pid = "1\r", .result = -1 },
			{ .op = JOBS_EDIT_ADD, .name = "\xff", .url = "http://c.example/", .interval = "1h", .result = -1 },
			{ .op = JOBS_EDIT_ADD, .name = "C", .url = "http://c.example/", .interval = "@daily", .result = -1 },
		};

		check_apply(in, e, 3, APPLY_IN "@daily;C;http://c.example/;-;-\n", 1);
		check_int(e[0].result, ==, JOBS_EDIT_INVALID);
		check_int(e[1].result, ==, JOBS_EDIT_INVALID);
		check_str(e[1].why, "name: not valid UTF-8");
		check_int(e[2].result, ==, JOBS_EDIT_DONE);
	}
}

/* Every value jobs_check_field() accepts, jobs_apply() writes and the
 * reader reads back as written; every value it refuses, jobs_apply()
 * refuses: one rule for writer and reader. */
static void
t_field_rule_is_the_readers(void)
{
	static const char *const names[] = { "ok", "", "\xff", "tab\there",
	    "caf\xc3\xa9", "semi;colon", " spaced " };
	static char longname[JOBS_MAX_NAME + 2];
	size_t i;

	memset(longname, 'n', sizeof(longname) - 1);
	for (i = 0; i <= (sizeof(names) / sizeof(names[0])); i++) {
		const char *name = i < (sizeof(names) / sizeof(names[0])) ? names[i] : longname;
		const char *in = HDR "\n";
		struct jobs_edit e = { .op = JOBS_EDIT_ADD, .name = name,
		    .url = "http://x.example/", .interval = "1h", .result = -1 };
		struct jobs_file jf, jo;
		char *out = NULL, err[160];
		size_t outlen = 0, changed = 0;
		int ok = jobs_check_field(JOBS_COL_NAME, name, err, sizeof(err)) == 0;

		check_int(parse_str(&jf, in), ==, 0);
		check_int(jobs_apply(&jf, in, strlen(in), &e, 1, &out, &outlen,
		    &changed), ==, 0);
		check_int(e.result, ==, ok ? JOBS_EDIT_DONE : JOBS_EDIT_INVALID);
		check_int(jobs_parse(&jo, out, outlen), ==, 0);
		check_uint(jo.njobs, ==, ok ? 1 : 0);
		check_uint(jo.nproblems, ==, 0);
		if (ok && jo.njobs == 1)
			check_str(jo.jobs[0].name, name);
		jobs_free(&jo);
		jobs_free(&jf);
		free(out);
	}
}

/* Values equal to the current ones change nothing, even where the field
 * is written quoted or with spaces around it. */
static void
t_apply_same_value(void)
{
	const char *in = HDR "\n"
	    "10m;A;http://a.example/;  -  ;\"4242\"\n";
	struct jobs_edit e = { .name = "A", .lastmod = "-", .pid = "4242", .if_pid = "4242", .result = -1};

	check_apply(in, &e, 1, in, 0);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* An edit setting one field to its current value and changing the other:
 * only the changed field is rewritten, the other keeps its raw bytes. */
static void
t_apply_same_value_beside_change(void)
{
	const char *in = HDR "\n"
	    "10m;A;http://a.example/;  \"-\" ;-\n";
	struct jobs_edit e = { .name = "A", .lastmod = "-", .pid = "4242", .if_pid = NULL, .result = -1};

	check_apply(in, &e, 1, HDR "\n"
	    "10m;A;http://a.example/;  \"-\" ;4242\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* Several edits in one call: each row changed once, in order, and a later
 * edit sees the pid an earlier one set. */
static void
t_apply_several_edits(void)
{
	struct jobs_edit e[4] = {
		{ .name = "A", .lastmod = NULL, .pid = "100", .if_pid = "-", .result = -1},
		{ .name = "A", .lastmod = "seen", .pid = "200", .if_pid = "-", .result = -1},	/* pid is 100 now */
		{ .name = "B", .lastmod = "b-time", .pid = NULL, .if_pid = NULL, .result = -1},
		{ .name = "C", .lastmod = "c", .pid = "77", .if_pid = NULL, .result = -1},
	};

	check_apply(APPLY_IN, e, 4, HDR "\n"
	    "# comment\n"
	    "10m;A;http://a.example/;-;100\n"
	    "20m;B;http://b.example/;b-time;4242\n", 2);
	check_int(e[0].result, ==, JOBS_EDIT_DONE);
	check_int(e[1].result, ==, JOBS_EDIT_SKIPPED);
	check_int(e[2].result, ==, JOBS_EDIT_DONE);
	check_int(e[3].result, ==, JOBS_EDIT_NOROW);
}

/* The edited line keeps its CRLF, and the lines around keep theirs. */
static void
t_apply_keeps_crlf(void)
{
	const char *in = HDR "\r\n"
	    "10m;A;http://a.example/;-;-\r\n"
	    "10m;B;http://b.example/;-;-\n"
	    "10m;C;http://c.example/;-;-";
	struct jobs_edit e[3] = {
		{ .name = "A", .lastmod = NULL, .pid = "1", .if_pid = NULL, .result = -1},
		{ .name = "B", .lastmod = NULL, .pid = "2", .if_pid = NULL, .result = -1},
		{ .name = "C", .lastmod = NULL, .pid = "3", .if_pid = NULL, .result = -1},
	};

	check_apply(in, e, 3, HDR "\r\n"
	    "10m;A;http://a.example/;-;1\r\n"
	    "10m;B;http://b.example/;-;2\n"
	    "10m;C;http://c.example/;-;3", 3);
}

/* The fields not edited keep their raw bytes: quotes, doubled quotes,
 * spaces and unknown columns exactly as written. */
static void
t_apply_keeps_raw_fields(void)
{
	const char *in;
	struct jobs_edit e = { .name = "Fe;fe", .lastmod = NULL, .pid = "31337", .if_pid = NULL, .result = -1};

	in = "note;interval;name;url;last-modified;pid;x\n"
	    " \"a \"\"free\"\" note; yes\" ; 10m ;\"Fe;fe\";"
	    "  https://blog.fefe.de/\t;\"-\";  -  ;  \"\"\n";
	check_apply(in, &e, 1, "note;interval;name;url;last-modified;pid;x\n"
	    " \"a \"\"free\"\" note; yes\" ; 10m ;\"Fe;fe\";"
	    "  https://blog.fefe.de/\t;\"-\";31337;  \"\"\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

/* A file that cannot be used has no rows to edit: output identical. */
static void
t_apply_unusable_file(void)
{
	const char *in = "interval;name;url;pid\n10m;A;http://a.example/;-\n";
	struct jobs_file jf;
	struct jobs_edit e = { .name = "A", .lastmod = "x", .pid = "1", .if_pid = NULL, .result = -1};
	char *out = NULL;
	size_t outlen = 0, changed = 9;

	check_int(parse_str(&jf, in), ==, -1);
	check_int(jobs_apply(&jf, in, strlen(in), &e, 1, &out, &outlen,
	    &changed), ==, 0);
	check_int(e.result, ==, JOBS_EDIT_NOROW);
	check_uint(changed, ==, 0);
	check(out != NULL && outlen == strlen(in) &&
	    memcmp(out, in, outlen) == 0);
	free(out);
	jobs_free(&jf);
}

/* No edits at all: the output is a copy of the input. */
static void
t_apply_no_edits(void)
{
	check_apply(APPLY_IN, NULL, 0, APPLY_IN, 0);
}

/* When last-modified is the first column, a value starting with '#' or
 * a space must be quoted, or the row would turn into a comment or lose
 * its spaces. */
static void
t_apply_first_column(void)
{
	const char *in = "last-modified;interval;name;url;pid\n"
	    "-;10m;A;http://a.example/;-\n";
	struct jobs_edit e = { .name = "A", .lastmod = "#1", .pid = NULL, .if_pid = NULL, .result = -1};
	struct jobs_edit sp = { .name = "A", .lastmod = "  ", .pid = NULL, .if_pid = NULL, .result = -1};
	struct jobs_file jf;

	check_apply(in, &e, 1, "last-modified;interval;name;url;pid\n"
	    "\"#1\";10m;A;http://a.example/;-\n", 1);
	check_int(parse_str(&jf, "last-modified;interval;name;url;pid\n"
	    "\"#1\";10m;A;http://a.example/;-\n"), ==, 0);
	if (check_uint(jf.njobs, ==, 1))
		check_str(jf.jobs[0].lastmod, "#1");
	jobs_free(&jf);
	check_apply(in, &sp, 1, "last-modified;interval;name;url;pid\n"
	    "\"  \";10m;A;http://a.example/;-\n", 1);
}

/* A file opening with a BOM and CRLF: the edit leaves the BOM and the
 * header line exactly as they were. */
static void
t_apply_keeps_bom(void)
{
	const char *in = "\xef\xbb\xbf" HDR "\r\n"
	    "10m;A;http://a.example/;-;-\r\n";
	struct jobs_edit e = { .name = "A", .lastmod = NULL, .pid = "99", .if_pid = NULL, .result = -1};

	check_apply(in, &e, 1, "\xef\xbb\xbf" HDR "\r\n"
	    "10m;A;http://a.example/;-;99\r\n", 1);
}

/* A thousand rows: every name is found by parse and apply, a duplicate
 * among them is caught, and an edit of the last row touches only it. */
static void
t_many_rows(void)
{
	size_t cap = 64 * 1024, len = 0, i;
	char *buf = malloc(cap), *out = NULL, name[32];
	struct jobs_file jf;
	struct jobs_edit e = { .name = "row999", .lastmod = "x", .pid = NULL, .if_pid = NULL, .result = -1};
	size_t outlen = 0, changed = 0;

	if (!check(buf != NULL))
		return;
	len += (size_t)snprintf(buf + len, cap - len, HDR "\n");
	for (i = 0; i < 1000; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    "%zum;row%zu;http://h%zu.example/;-;-\n", i + 1, i, i);
	len += (size_t)snprintf(buf + len, cap - len,
	    "1m;row500;http://dup.example/;-;-\n");
	if (!check_uint(len, <, cap))
		goto done;
	check_int(jobs_parse(&jf, buf, len), ==, 0);
	check_uint(jf.njobs, ==, 1000);
	for (i = 0; i < 1000; i += 111) {
		(void)snprintf(name, sizeof(name), "row%zu", i);
		check(jobs_find(&jf, name) == &jf.jobs[i]);
	}
	if (check_uint(jf.nproblems, ==, 1))
		check_problem(&jf, 0, 1002,
		    "name: \"row500\" is already used on line 502");
	check_int(jobs_apply(&jf, buf, len, &e, 1, &out, &outlen, &changed),
	    ==, 0);
	check_int(e.result, ==, JOBS_EDIT_DONE);
	check_uint(changed, ==, 1);
	check_same_but(buf, len, out, outlen, 1000);
	free(out);
	jobs_free(&jf);
done:
	free(buf);
}

/* Returns the seconds on the monotonic clock. */
static double
mono_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 40,000 rows, each followed by a bad one, parse in well under a minute
 * even under ASan: the row and problem arrays grow geometrically.  (They
 * grew by one element at a time: 40,000 rows took minutes under ASan,
 * whose realloc always copies.)  The bound is generous: a plain build
 * takes about 0.1 s, the sanitizer build about a second.
 */
static void
t_forty_thousand_rows(void)
{
	size_t n = 40000, cap = n * 96 + 64, len = 0, i;
	char *buf = malloc(cap), name[32];
	struct jobs_file jf;
	double t0, took;

	if (!check(buf != NULL))
		return;
	len += (size_t)snprintf(buf + len, cap - len, HDR "\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    "10m;r%zu;http://h%zu.example/;-;-\n10x;b%zu;http://x/;-;-\n",
		    i, i, i);
	if (!check_uint(len, <, cap))
		goto done;
	t0 = mono_seconds();
	check_int(jobs_parse(&jf, buf, len), ==, 0);
	took = mono_seconds() - t0;
	check_uint(jf.njobs, ==, n);
	check_uint(jf.nproblems, ==, n);
	for (i = 0; i < n; i += 3999) {
		(void)snprintf(name, sizeof(name), "r%zu", i);
		check(jobs_find(&jf, name) == &jf.jobs[i]);
	}
	if (jf.nproblems == n)
		check_problem(&jf, n - 1, 2 * n + 1, "interval: \"10x\": "
		    "unknown unit 'x' (use s, m, h or d)");
	if (!check(took < 30.0))
		test_msg("parse took %.1f s", took);
	jobs_free(&jf);
done:
	free(buf);
}

/* ------------------------------------------------------------------ */
/* The round-trip property                                              */
/* ------------------------------------------------------------------ */

/* A file with everything in it: BOM, CRLF and LF, comments, blank lines,
 * the old "intervall", unknown columns, quoted fields, bad rows, a UTF-8
 * name and a last line without newline. */
static const char varied[] =
	"\xef\xbb\xbf# sitewatch jobs\r\n"				/* 1 */
	"\r\n"								/* 2 */
	"Intervall ; note ;name;url;last-modified;pid;owner\r\n"	/* 3 */
	"60m;  a note  ;Wikipedia;https://en.wikipedia.org/wiki/NER;-;-;ann\r\n"
	"# a comment between rows\n"					/* 5 */
	"5h;\"x;y\";\"Fe;fe\";https://blog.fefe.de/;"
	"\"Tue, 15 Nov 1994 08:12:31 GMT\";4242;\r\n"			/* 6 */
	"\n"								/* 7 */
	"   \t\n"							/* 8 */
	"1d2x;;Bad interval;https://x.example/;-;-;\n"			/* 9 */
	"10m;;Wikipedia;https://dup.example/;-;-;\n"			/* 10 */
	"90;\"say \"\"hi\"\"\";  spaced  ;HTTP://EXAMPLE.ORG/;-;stop;bob\n"
	"30s;;Z\xc3\xbcrich;https://zh.example/;-;commit_suicide;\n"	/* 12 */
	"10m;bad\"quote;Q;http://q.example/;-;-;\n"			/* 13 */
	"1h30m;;Last;https://last.example/;  -  ;;\"\"\"x\"\"\"";	/* 14 */

/* The varied file parses as expected: this pins down what the round-trip
 * tests below rely on. */
static void
t_varied_parse(void)
{
	struct jobs_file jf;

	check_int(jobs_parse(&jf, varied, sizeof(varied) - 1), ==, 0);
	if (!check_uint(jf.nlines, ==, 14))
		goto done;
	if (!check_uint(jf.njobs, ==, 5))
		goto done;
	check_int(jf.header, ==, 2);
	check_uint(jf.ncols, ==, 7);
	check_int(jf.lines[0].kind, ==, JOBS_LINE_COMMENT);
	check_int(jf.lines[1].kind, ==, JOBS_LINE_BLANK);
	check_int(jf.lines[6].kind, ==, JOBS_LINE_BLANK);
	check_int(jf.lines[7].kind, ==, JOBS_LINE_BLANK);
	check_int(jf.lines[4].kind, ==, JOBS_LINE_COMMENT);
	check_uint(jf.lines[13].eol, ==, 0);
	check_uint(jf.lines[5].eol, ==, 2);
	check_job(&jf.jobs[0], 4, "Wikipedia",
	    "https://en.wikipedia.org/wiki/NER", "60m", 3600, "-", "-",
	    JOBS_PID_NONE, 0);
	check_job(&jf.jobs[1], 6, "Fe;fe", "https://blog.fefe.de/", "5h",
	    18000, "Tue, 15 Nov 1994 08:12:31 GMT", "4242", JOBS_PID_NUMBER,
	    4242);
	check_job(&jf.jobs[2], 11, "spaced", "HTTP://EXAMPLE.ORG/", "90", 90,
	    "-", "stop", JOBS_PID_STOP, 0);
	check_job(&jf.jobs[3], 12, "Z\xc3\xbcrich", "https://zh.example/",
	    "30s", 30, "-", "commit_suicide", JOBS_PID_STOP, 0);
	check_job(&jf.jobs[4], 14, "Last", "https://last.example/", "1h30m",
	    5400, "-", "", JOBS_PID_NONE, 0);
	if (check_uint(jf.nproblems, ==, 3)) {
		check_problem(&jf, 0, 9, "interval: \"1d2x\": unknown unit 'x' "
		    "(use s, m, h or d)");
		check_problem(&jf, 1, 10, "name: \"Wikipedia\" is already used "
		    "on line 4");
		check_problem(&jf, 2, 13, "field 2: " MSG_BADQUOTE);
	}
done:
	jobs_free(&jf);
}

/* For each usable row of the varied file, in turn: change its pid and
 * last-modified (to values needing quotes), and check every other line is
 * byte-identical and the output re-parses to the same rows. */
static void
t_roundtrip_every_row(void)
{
	struct jobs_file jf;
	size_t i;

	if (!check_int(jobs_parse(&jf, varied, sizeof(varied) - 1), ==, 0))
		return;
	for (i = 0; i < jf.njobs; i++) {
		struct jobs_edit e = { .name = jf.jobs[i].name, .lastmod = "Mon; \"odd\" ", .pid = "777",
		    .if_pid = NULL, .result = -1};
		struct jobs_file jo;
		char *out = NULL;
		size_t outlen = 0, changed = 0;
		const struct job *j;

		if (!check_int(jobs_apply(&jf, varied, sizeof(varied) - 1, &e,
		    1, &out, &outlen, &changed), ==, 0))
			continue;
		check_int(e.result, ==, JOBS_EDIT_DONE);
		check_uint(changed, ==, 1);
		check_same_but(varied, sizeof(varied) - 1, out, outlen,
		    jf.jobs[i].lineno - 1);
		check_int(jobs_parse(&jo, out, outlen), ==, 0);
		j = jobs_find(&jo, jf.jobs[i].name);
		if (check(j != NULL)) {
			check_str(j->lastmod, "Mon; \"odd\" ");
			check_str(j->pid_text, "777");
			check_int(j->pid_kind, ==, JOBS_PID_NUMBER);
			check_int(j->pid, ==, 777);
			check_uint(j->lineno, ==, jf.jobs[i].lineno);
		}
		jobs_free(&jo);
		free(out);
	}
	jobs_free(&jf);
}

/* Editing two rows at once leaves every other line byte-identical, and
 * edits that change nothing give back the input itself. */
static void
t_roundtrip_noop_and_pair(void)
{
	struct jobs_file jf;
	struct jobs_edit same[2] = {
		{ .name = "Fe;fe", .lastmod = "Tue, 15 Nov 1994 08:12:31 GMT", .pid = "4242", .if_pid = NULL, .result = -1},
		{ .name = "Last", .lastmod = "-", .pid = "", .if_pid = "", .result = -1},
	};
	struct jobs_edit pair[2] = {
		{ .name = "spaced", .lastmod = NULL, .pid = "-", .if_pid = "stop", .result = -1},
		{ .name = "Z\xc3\xbcrich", .lastmod = "now", .pid = NULL, .if_pid = NULL, .result = -1},
	};
	char *out = NULL;
	size_t outlen = 0, changed = 9;

	if (!check_int(jobs_parse(&jf, varied, sizeof(varied) - 1), ==, 0))
		return;
	check_int(jobs_apply(&jf, varied, sizeof(varied) - 1, same, 2, &out,
	    &outlen, &changed), ==, 0);
	check_uint(changed, ==, 0);
	check(outlen == sizeof(varied) - 1 && out != NULL &&
	    memcmp(out, varied, outlen) == 0);
	free(out);

	out = NULL;
	check_int(jobs_apply(&jf, varied, sizeof(varied) - 1, pair, 2, &out,
	    &outlen, &changed), ==, 0);
	check_uint(changed, ==, 2);
	check_int(pair[0].result, ==, JOBS_EDIT_DONE);
	check_int(pair[1].result, ==, JOBS_EDIT_DONE);
	if (check(out != NULL)) {
		/* Lines 11 and 12 (indexes 10 and 11) are the edited ones:
		 * every other line must be byte-identical, terminator too. */
		struct jobs_file jo;
		size_t i;

		check_int(jobs_parse(&jo, out, outlen), ==, 0);
		if (check_uint(jo.nlines, ==, jf.nlines)) {
			for (i = 0; i < jf.nlines; i++) {
				const struct jobs_line *a = &jf.lines[i];
				const struct jobs_line *b = &jo.lines[i];

				if (i == 10 || i == 11)
					continue;
				check(a->len == b->len && a->eol == b->eol &&
				    memcmp(varied + a->off, out + b->off,
				    a->len + a->eol) == 0);
			}
			check(memcmp(out + jo.lines[10].off,
			    "90;\"say \"\"hi\"\"\";  spaced  ;"
			    "HTTP://EXAMPLE.ORG/;-;-;bob\n",
			    jo.lines[10].len + 1) == 0);
			check(memcmp(out + jo.lines[11].off,
			    "30s;;Z\xc3\xbcrich;https://zh.example/;now;"
			    "commit_suicide;\n", jo.lines[11].len + 1) == 0);
		}
		jobs_free(&jo);
	}
	free(out);
	jobs_free(&jf);
}

/* ------------------------------------------------------------------ */


/* ------------------------------------------------------------------ */
/* A row compared with itself after an edit: jobs_diff(), jobs_copy()  */
/* ------------------------------------------------------------------ */

/* The diff of the only row of file a (the header with filter and notify)
 * against that of file b, each given as its row line. */
static unsigned
diff_rows(const char *a, const char *b)
{
	static const char hdr[] = "interval;name;url;last-modified;pid;filter;notify\n";
	struct jobs_file ja, jb;
	struct job copy;
	char ta[512], tb[512];
	unsigned d = 0xffff;

	memset(&ja, 0, sizeof(ja));
	memset(&jb, 0, sizeof(jb));
	(void)snprintf(ta, sizeof(ta), "%s%s\n", hdr, a);
	(void)snprintf(tb, sizeof(tb), "%s%s\n", hdr, b);

	if (jobs_parse(&ja, ta, strlen(ta)) == 0 && ja.njobs == 1 &&
	    jobs_parse(&jb, tb, strlen(tb)) == 0 && jb.njobs == 1 &&
	    jobs_copy(&copy, &ja.jobs[0]) == 0) {
		/* What a supervisor or watcher keeps: a copy of the row. */
		d = jobs_diff(&copy, &jb.jobs[0]);
		jobs_clear(&copy);
	}
	jobs_free(&ja);
	jobs_free(&jb);
	return d;
}

/* Which edits ask what of the watcher. */
static void
t_diff(void)
{
	static const char base[] = "10m;a;http://x/;-;123;;";

	check_uint(diff_rows(base, base), ==, JOBS_DIFF_NONE);
	check_uint(diff_rows(base, "10m;a;http://x/;Tue, 01 Dec 2026 00:00:00 GMT;456;;"),
	    ==, JOBS_DIFF_NONE);
	check_uint(diff_rows(base, "10m;a;http://x/;-;stop;;"), ==,
	    JOBS_DIFF_DOWN);
	check_uint(diff_rows(base, "10m;a;http://x/;-;done;;"), ==,
	    JOBS_DIFF_DOWN);
	check_uint(diff_rows(base, "10m;a;http://y/;-;123;;"), ==,
	    JOBS_DIFF_IDENTITY);
	check_uint(diff_rows(base, "10m;a;http://x/;-;123;css:h1;"), ==,
	    JOBS_DIFF_IDENTITY);
	check_uint(diff_rows(base, "10m;a;http://x/;-;123;;regex:x"), ==,
	    JOBS_DIFF_TELL);
	check_uint(diff_rows("0 3 * * *;a;http://x/;-;-;;",
	    "* * * * *;a;http://x/;-;-;;"), ==, JOBS_DIFF_SCHEDULE);
	/* Same typical gap between runs, still a new schedule. */
	check_uint(diff_rows("0 3 * * *;a;http://x/;-;-;;",
	    "0 4 * * *;a;http://x/;-;-;;"), ==, JOBS_DIFF_SCHEDULE);
	check_uint(diff_rows(base, "10m ~30s;a;http://x/;-;123;;"), ==,
	    JOBS_DIFF_SCHEDULE);
	check_uint(diff_rows(base, "@hourly;a;http://y/;-;stop;;"), ==,
	    JOBS_DIFF_SCHEDULE | JOBS_DIFF_IDENTITY | JOBS_DIFF_DOWN);
}

/* A copy owns its strings (last-modified replaceable on its own) and
 * compares equal to what it copied. */
static void
t_copy(void)
{
	static const char text[] = HDR "\n10m;a;http://x/;old;-\n";
	struct jobs_file jf;
	struct job c;

	if (!check_int(jobs_parse(&jf, text, strlen(text)), ==, 0) ||
	    !check_int(jobs_copy(&c, &jf.jobs[0]), ==, 0)) {
		jobs_free(&jf);
		return;
	}
	jobs_free(&jf);
	check_str(c.name, "a");
	check_str(c.url, "http://x/");
	check_str(c.interval_text, "10m");
	check_int(c.sched.every, ==, 600);
	check_str(c.filter, "");
	free(c.lastmod);
	c.lastmod = strdup("new");
	check_str(c.lastmod, "new");
	jobs_clear(&c);
	check(c.name == NULL && c.lastmod == NULL && c.block == NULL);
}

/* issue 21.12: a refused row leaves the rows, and its problem goes
 * between the parse's, by line; the other rows keep their order and
 * their lines point at them. */
static void
t_refuse(void)
{
	static const char buf[] = HDR "\n"
	    "1h;a;http://a.example/;-;-\n"
	    "1x;bad;http://b.example/;-;-\n"
	    "1h;b;http://b.example/;-;-\n"
	    "1h;c;ftp://c.example/;-;-\n"
	    "1h;d;http://d.example/;-;-\n";
	const char *why[3] = { NULL, "filter: no", NULL };
	struct jobs_file jf;

	if (!check_int(jobs_parse(&jf, buf, strlen(buf)), ==, 0))
		return;
	check_int(jf.njobs, ==, 3);
	check_int(jobs_refuse(&jf, why), ==, 0);
	check_int(jf.njobs, ==, 2);
	check_str(jf.jobs[0].name, "a");
	check_str(jf.jobs[1].name, "d");
	check(jobs_find(&jf, "b") == NULL);
	check_int(jf.lines[3].kind, ==, JOBS_LINE_BAD);
	check_int(jf.lines[3].job, ==, -1);
	check_int(jf.lines[5].job, ==, 1);
	if (check_int(jf.nproblems, ==, 3)) {
		check_int(jf.problems[0].lineno, ==, 3);
		check_int(jf.problems[1].lineno, ==, 4);
		check_str(jf.problems[1].msg, "filter: no");
		check_int(jf.problems[2].lineno, ==, 5);
	}
	jobs_free(&jf);
}

/* The test list.  Each TEST() is one verdict. */

/* ---- add and remove edits ------------------------------------------- */

static void
t_add_appends_in_header_order(void)
{
	struct jobs_edit e = { .name = "New;one", .op = JOBS_EDIT_ADD,
	    .url = "https://n.example/", .interval = "5m" };
	const char *in = "pid;note;name;url;interval;last-modified\r\n"
	    "-;x;A;http://a.example/;10m;-\r\n";

	check_apply(in, &e, 1, "pid;note;name;url;interval;last-modified\r\n"
	    "-;x;A;http://a.example/;10m;-\r\n"
	    "-;;\"New;one\";https://n.example/;5m;-\r\n", 1);
	check_int(e.result, ==, JOBS_EDIT_DONE);
}

static void
t_add_without_final_newline(void)
{
	struct jobs_edit e = { .name = "N", .op = JOBS_EDIT_ADD,
	    .url = "http://n.example/", .interval = "1h" };

	check_apply(HDR "\n10m;A;http://a.example/;-;-", &e, 1,
	    HDR "\n10m;A;http://a.example/;-;-\n1h;N;http://n.example/;-;-\n", 1);
}

/*
 * A last line that ends in a bare CR (no LF) is a bad row; an add after it
 * must not turn that CR into a CRLF line end and so bring the row back.
 */
static void
t_add_after_bare_cr(void)
{
	struct jobs_edit e = { .name = "N", .op = JOBS_EDIT_ADD,
	    .url = "http://n.example/", .interval = "1h" };
	const char *in = HDR "\n10m;A;http://a.example/;-;-\n"
	    "10m;Bad;http://b.example/;-;-\r";
	struct jobs_file jf, jo;
	char *out = NULL;
	size_t outlen = 0, changed = 0;

	if (!check_int(parse_str(&jf, in), ==, 0))
		return;
	check(jobs_find(&jf, "Bad") == NULL);
	check_int(jobs_apply(&jf, in, strlen(in), &e, 1, &out, &outlen,
	    &changed), ==, 0);
	check_int(e.result, ==, JOBS_EDIT_DONE);
	if (check(out != NULL)) {
		/* The old bytes are kept, the bad line still holds its CR. */
		check(outlen > strlen(in) && memcmp(out, in, strlen(in)) == 0);
		check_int(jobs_parse(&jo, out, outlen), ==, 0);
		check(jobs_find(&jo, "A") != NULL);
		check(jobs_find(&jo, "N") != NULL);
		check(jobs_find(&jo, "Bad") == NULL);
		check_uint(jo.njobs, ==, 2);
		check_uint(jo.nproblems, ==, 1);
		jobs_free(&jo);
	}
	free(out);
	jobs_free(&jf);
}

static void
t_add_taken_name(void)
{
	struct jobs_edit e[2] = {
		{ .name = "A", .op = JOBS_EDIT_ADD, .url = "http://x/",
		    .interval = "1h" },
		/* A bad row still owns its name. */
		{ .name = "Bad", .op = JOBS_EDIT_ADD, .url = "http://x/",
		    .interval = "1h" },
	};
	const char *in = HDR "\n10m;A;http://a.example/;-;-\n"
	    "10x;Bad;http://b.example/;-;-\n";

	check_apply(in, e, 2, in, 0);
	check_int(e[0].result, ==, JOBS_EDIT_EXISTS);
	check_int(e[1].result, ==, JOBS_EDIT_EXISTS);
}

static void
t_remove_row(void)
{
	struct jobs_edit e[2] = {
		{ .name = "A", .op = JOBS_EDIT_REMOVE },
		{ .name = "Nobody", .op = JOBS_EDIT_REMOVE },
	};

	check_apply(APPLY_IN, e, 2, HDR "\n# comment\n"
	    "20m;B;http://b.example/;-;4242\n", 1);
	check_int(e[0].result, ==, JOBS_EDIT_DONE);
	check_int(e[1].result, ==, JOBS_EDIT_NOROW);
}


/* ---- jobs_parse_only ------------------------------------------------- */

/* jobs_parse_only() finds for name what jobs_parse() finds. */
static void
t_only_same(const char *in, const char *name, const char *want_url)
{
	struct jobs_file all, one;
	const struct job *a, *o;

	check_int(jobs_parse(&all, in, strlen(in)), ==, 0);
	check_int(jobs_parse_only(&one, in, strlen(in), name), ==, 0);
	a = jobs_find(&all, name);
	o = jobs_find(&one, name);
	if (want_url == NULL) {
		check(a == NULL);
		check(o == NULL);
	} else if (check(a != NULL) && check(o != NULL)) {
		check_str(a->url, want_url);
		check_str(o->url, want_url);
		check_uint(a->lineno, ==, o->lineno);
	}
	jobs_free(&all);
	jobs_free(&one);
}

static void
t_only_cases(void)
{
	const char *in = "# c\n" HDR "\n"
	    "10m;a;http://a.example/b;-;-\n"
	    "10m;b;http://b.example/a;-;-\n"
	    "10x;dup;http://bad.example/;-;-\n"
	    "10m;dup;http://good.example/;-;-\n"
	    "10m;dup;http://third.example/;-;-\n"
	    "10m;\"q\"\"x\";http://q.example/;-;-\n"
	    "10m; sp ;http://sp.example/;-;-\n";

	t_only_same(in, "a", "http://a.example/b");
	t_only_same(in, "b", "http://b.example/a");
	/* The first usable row of a name wins, as in a full parse. */
	t_only_same(in, "dup", "http://good.example/");
	t_only_same(in, "q\"x", "http://q.example/");
	t_only_same(in, "sp", "http://sp.example/");
	t_only_same(in, "nobody", NULL);
}

/* A name that is part of every row: the parse keeps them all, and its
 * name index (started small for one row) grows; a duplicate of a name
 * seen before the growth is still found. */
static void
t_only_many(void)
{
	static char in[32768];
	size_t len;
	struct jobs_file jf;
	int i;

	len = (size_t)snprintf(in, sizeof(in), "%s\n", HDR);
	for (i = 0; i < 200; i++)
		len += (size_t)snprintf(in + len, sizeof(in) - len,
		    "10m;xa%d;http://a.example/%d;-;-\n", i, i);
	len += (size_t)snprintf(in + len, sizeof(in) - len,
	    "10m;a;http://the.example/;-;-\n10m;xa3;http://dup.example/;-;-\n");
	check_int(jobs_parse_only(&jf, in, len, "a"), ==, 0);
	check_uint(jf.njobs, ==, 201);
	if (check(jobs_find(&jf, "a") != NULL))
		check_str(jobs_find(&jf, "a")->url, "http://the.example/");
	if (check(jobs_find(&jf, "xa199") != NULL))
		check_str(jobs_find(&jf, "xa199")->url, "http://a.example/199");
	if (check(jobs_find(&jf, "xa3") != NULL))
		check_str(jobs_find(&jf, "xa3")->url, "http://a.example/3");
	if (check_uint(jf.nproblems, ==, 1))
		check(strstr(jf.problems[0].msg, "already used on line 5") !=
		    NULL);
	jobs_free(&jf);
}

static void
t_only_skips(void)
{
	const char *in = HDR "\n10m;alpha;http://a.example/;-;-\n"
	    "10m;b;ftp://b.example/;-;-\n";
	struct jobs_file jf;

	check_int(jobs_parse_only(&jf, in, strlen(in), "alpha"), ==, 0);
	check_int(jf.lines[1].kind, ==, JOBS_LINE_ROW);
	check_int(jf.lines[2].kind, ==, JOBS_LINE_SKIPPED);
	check_uint(jf.nproblems, ==, 0);	/* b's bad URL was not looked at */
	jobs_free(&jf);
	check_int(jobs_parse_only(&jf, "# no header\n", 12, "a"), ==, -1);
	jobs_free(&jf);
}

int
main(void)
{
	/* Durations. */
	TEST(t_refuse(), "a refused row is a problem of its line, in line "
	    "order");
	TEST(t_interval_ok("90", 90), "interval \"90\" is 90 seconds");
	TEST(t_interval_ok("30s", 30), "interval \"30s\" is 30 seconds");
	TEST(t_interval_ok("10m", 600), "interval \"10m\" is 600 seconds");
	TEST(t_interval_ok("2h", 7200), "interval \"2h\" is 7200 seconds");
	TEST(t_interval_ok("1d", 86400), "interval \"1d\" is 86400 seconds");
	TEST(t_interval_ok("1h30m", 5400), "interval \"1h30m\" is 5400 seconds");
	TEST(t_interval_ok("1d2h3m4s", 93784),
	    "interval \"1d2h3m4s\" combines all four units");
	TEST(t_interval_ok("1", 1), "interval \"1\" (the minimum) is accepted");
	TEST(t_interval_bad("0", "interval: \"0\": must be at least 1 second"),
	    "interval \"0\" is refused: under one second");
	TEST(t_interval_bad("0s", "interval: \"0s\": must be at least 1 "
	    "second"), "interval \"0s\" is refused: under one second");
	TEST(t_interval_bad("", "interval: empty"),
	    "interval \"\" is refused as empty");
	TEST(t_interval_bad("abc", "interval: \"abc\": not a duration "
	    "(like 90, 30s, 10m, 2h, 1d, 1h30m)"),
	    "interval \"abc\" is not a duration");
	TEST(t_interval_bad("10x", "interval: \"10x\": unknown unit 'x' "
	    "(use s, m, h or d)"), "interval \"10x\" has an unknown unit");
	TEST(t_interval_bad("1h30", "interval: \"1h30\": number without a "
	    "unit at the end"), "interval \"1h30\": a trailing bare number "
	    "is refused");
	TEST(t_interval_bad("30m1h", "interval: \"30m1h\": units must go "
	    "from largest to smallest, each once"),
	    "interval \"30m1h\": units in the wrong order are refused");
	TEST(t_interval_bad("1h1h", "interval: \"1h1h\": units must go from "
	    "largest to smallest, each once"),
	    "interval \"1h1h\": a repeated unit is refused");
	TEST(t_interval_bad("-5", "interval: \"-5\": not a duration (like 90, "
	    "30s, 10m, 2h, 1d, 1h30m)"), "interval \"-5\": negative is refused");
	TEST(t_interval_bad("99999999999999999999999", "interval: "
	    "\"99999999999999999999999\": longer than ten years"),
	    "interval: a number that would overflow is refused");
	TEST(t_interval_bad("3651d", "interval: \"3651d\": longer than ten "
	    "years"), "interval \"3651d\" is over ten years");
	TEST(t_interval_cap(), "interval: exactly ten years passes, one "
	    "second more does not");
	TEST(t_interval_no_errbuf(), "interval: a NULL error buffer of size 0 "
	    "is allowed");

	/* The pid field. */
	TEST(t_pid_ok("-", JOBS_PID_NONE, 0), "pid \"-\" is not running");
	TEST(t_pid_ok("", JOBS_PID_NONE, 0), "pid \"\" is not running");
	TEST(t_pid_ok("stop", JOBS_PID_STOP, 0), "pid \"stop\" is stop");
	TEST(t_pid_ok("STOP", JOBS_PID_STOP, 0), "pid \"STOP\" is stop too");
	TEST(t_pid_ok("commit_suicide", JOBS_PID_STOP, 0),
	    "pid \"commit_suicide\" is read as stop");
	TEST(t_pid_ok("4242", JOBS_PID_NUMBER, 4242), "pid \"4242\" is a number");
	TEST(t_pid_ok("Done", JOBS_PID_DONE, 0), "pid \"Done\" is done");
	TEST(t_pid_words(), "issue 22.2: the words written into the pid field "
	    "(-, stop, done) are read back as their kind");
	TEST(t_pid_bad("0"), "pid \"0\" is refused");
	TEST(t_pid_bad("12x"), "pid \"12x\" is refused");
	TEST(t_pid_bad("-5"), "pid \"-5\" is refused");
	TEST(t_pid_bad("99999999999999999999"),
	    "pid: a number too big for a pid is refused");

	/* URLs. */
	TEST(t_url_ok("http://example.org/"), "url: http:// is accepted");
	TEST(t_url_ok("https://example.org/a?b=c#d"),
	    "url: https:// is accepted");
	TEST(t_url_ok("HTTPS://EXAMPLE.ORG/"),
	    "url: an upper-case scheme is accepted");
	TEST(t_url_bad("ftp://example.org/", "url: \"ftp://example.org/\": "
	    "only http:// and https:// URLs can be watched"),
	    "url: ftp:// is refused");
	TEST(t_url_bad("file:///etc/passwd", "url: \"file:///etc/passwd\": "
	    "only http:// and https:// URLs can be watched"),
	    "url: file: is refused");
	TEST(t_url_bad("", "url: empty"), "url: empty is refused");
	TEST(t_url_bad("http://", "url: \"http://\": no host"),
	    "url: http:// with no host is refused");
	TEST(t_url_bad("https:///path", "url: \"https:///path\": no host"),
	    "url: https:///path with no host is refused");
	TEST(t_url_bad("http://exa mple.org/", "url: \"http://exa mple.org/\": "
	    "holds a space or control character"),
	    "url: a space inside is refused");
	TEST(t_url_bad("http://a.example/\x7f", "url: \"http://a.example/\x7f\""
	    ": holds a space or control character"),
	    "url: a DEL character is refused");

	/* jobs_quote_field(). */
	TEST(t_quote("Fefe", "Fefe"), "quote: a plain value stays bare");
	TEST(t_quote("", ""), "quote: the empty value stays bare");
	TEST(t_quote("Tue, 15 Nov 1994 08:12:31 GMT",
	    "Tue, 15 Nov 1994 08:12:31 GMT"),
	    "quote: an HTTP-date with inner spaces stays bare");
	TEST(t_quote("a;b", "\"a;b\""), "quote: a ';' is quoted");
	TEST(t_quote("say \"hi\"", "\"say \"\"hi\"\"\""),
	    "quote: inner quotes are doubled");
	TEST(t_quote(" x", "\" x\""), "quote: a leading space is quoted");
	TEST(t_quote("x\t", "\"x\t\""), "quote: a trailing tab is quoted");
	TEST(t_quote("#x", "\"#x\""),
	    "quote: a leading '#' is quoted (it could start a comment line)");
	TEST(t_quote_truncates(), "quote: truncates like snprintf");

	/* The header. */
	TEST(t_header_any_order(), "header: columns in any order");
	TEST(t_header_intervall(), "header: \"intervall\" names the interval");
	TEST(t_header_process(), "header: \"process\" names the pid; with pid "
	    "it is a duplicate");
	TEST(t_header_case_insensitive(),
	    "header: column names ignore case");
	TEST(t_header_unknown_columns(), "header: unknown columns are kept");
	TEST(t_header_bad("interval;name;url;pid\n", 1,
	    "header: missing column last-modified " MSG_NEEDS),
	    "header: a missing column makes the file unusable");
	TEST(t_header_bad("# c\nname;url;pid\n10m;A;http://a.example/\n", 2,
	    "header: missing columns interval, last-modified " MSG_NEEDS),
	    "header: two missing columns are both named");
	TEST(t_header_bad(HDR ";name\n", 1,
	    "header: column \"name\" appears twice"),
	    "header: a duplicate column is refused");
	TEST(t_header_bad("interval;name;url;last-modified;pid;Intervall\n", 1,
	    "header: column \"interval\" appears twice"),
	    "header: interval and intervall together are a duplicate");
	TEST(t_header_bad(HDR ";note;NOTE\n", 1,
	    "header: column \"NOTE\" appears twice"),
	    "header: a duplicate unknown column is refused");
	TEST(t_header_bad("interval;name;;url;last-modified;pid\n", 1,
	    "header: column 3 has no name"),
	    "header: an empty column name is refused");
	TEST(t_header_bad("60m;Fefe;https://blog.fefe.de/;x;y\n", 1,
	    MSG_NO_COLUMNS), "header: a row where the header should be");
	TEST(t_header_bad("60m;Fefe;https://blog.fefe.de/;-;-\n", 1,
	    MSG_NO_COLUMNS),
	    "header: a row with \"-;-\" where the header should be");
	TEST(t_header_none("# only\n\n  # comments\n", 3,
	    "no header line (interval;name;url;last-modified;pid)"),
	    "header: a file of comments and blank lines has no header");
	TEST(t_header_none("", 0, "file is empty"),
	    "header: an empty file is reported as empty");
	TEST(t_header_bad_keeps_line_kinds(),
	    "header: lines after a bad header keep their kinds");
	TEST(t_header_after_comments(),
	    "header: found after comments and blank lines");
	TEST(t_header_bom(), "header: a BOM on the first line is skipped");
	TEST(t_header_bom_before_comment(),
	    "header: a BOM before a comment line is skipped");
	TEST(t_header_bom_not_first_line(),
	    "header: a BOM on a later line is not skipped");
	TEST(t_header_only(), "header: a header alone is a usable empty file");

	/* Lines. */
	TEST(t_lines_kinds_and_offsets(),
	    "lines: blank and comment lines are kept with kinds and offsets");
	TEST(t_lines_crlf(), "lines: CRLF gives eol 2 and no CR in fields");
	TEST(t_lines_no_final_newline(),
	    "lines: a last line without newline has eol 0");
	TEST(t_lines_mixed(), "lines: LF, CRLF and no newline mixed");

	/* libcsv quoting. */
	TEST(t_csv_quoted_fields(),
	    "csv: \"a;b\" is one field, \"\" a literal quote");
	TEST(t_csv_spaces(),
	    "csv: bare fields are trimmed, quoted ones keep their spaces");
	TEST(t_csv_names_are_exact(), "csv: names compare exactly");
	TEST(BAD_ROW("10m;a\"b;http://x.example/;-;-",
	    "field 2: " MSG_BADQUOTE), "csv: a\"b (bare quote) is refused");
	TEST(BAD_ROW("10m;\"ab\"cd;http://x.example/;-;-",
	    "field 2: " MSG_BADQUOTE), "csv: \"ab\"cd (text after the "
	    "closing quote) is refused");
	TEST(BAD_ROW("10m;A;http://x.example/;-;\"unclosed",
	    "field 5: " MSG_UNCLOSED), "csv: an unterminated quote is refused");
	TEST(t_csv_field_with_line_break(),
	    "csv: a quoted field with a line break gives two bad lines");
	TEST(t_header_nul(), "header: a NUL byte in the header is refused");
	TEST(t_csv_bad_quoting_in_header(),
	    "csv: bad quoting in the header makes the file unusable");

	/* Unusable rows, each between two good ones. */
	TEST(BAD_ROW("10m;X;http://x.example/",
	    "missing field \"last-modified\" (3 fields, the header has 5)"),
	    "row: a missing field");
	TEST(BAD_ROW("10m;X;http://x.example/;-",
	    "missing field \"pid\" (4 fields, the header has 5)"),
	    "row: a missing last field");
	TEST(BAD_ROW("10m;X;http://x.example/;-;-;extra",
	    "6 fields, the header has 5 (quote a field that holds ';')"),
	    "row: too many fields");
	TEST(BAD_ROW("10m;;http://x.example/;-;-", "name: empty"),
	    "row: an empty name");
	TEST(BAD_ROW("10m; \t ;http://x.example/;-;-", "name: empty"),
	    "row: a name of only spaces is empty");
	TEST(BAD_ROW("10m;X;ftp://x.example/;-;-", "url: \"ftp://x.example/\": "
	    "only http:// and https:// URLs can be watched"),
	    "row: a bad URL scheme");
	TEST(BAD_ROW("10x;X;http://x.example/;-;-", "interval: \"10x\": "
	    "unknown unit 'x' (use s, m, h or d)"), "row: a bad interval");
	TEST(BAD_ROW("0;X;http://x.example/;-;-", "interval: \"0\": must be "
	    "at least 1 second"), "row: a zero interval");
	TEST(BAD_ROW("10m;X;http://x.example/;-;12x", "pid: \"12x\": expected "
	    "-, a process id, or stop"), "row: a bad pid");
	TEST(BAD_ROW("10m;Before;http://x.example/;-;-", "name: \"Before\" is "
	    "already used on line 2"), "row: a duplicate name names the "
	    "first line");
	TEST(t_bad_row_duplicate_name(),
	    "row: every later duplicate names the first row's line");
	TEST(t_bad_row_too_long(), "row: a line over 64 KiB is refused, "
	    "one of exactly 64 KiB is not");
	TEST(BAD_ROW("10m;X\0Y;http://x.example/;-;-", "line holds a NUL byte"),
	    "row: a NUL byte inside a row");
	TEST(BAD_ROW("10m;X;http://x.example/;-;-\0", "line holds a NUL byte"),
	    "row: a NUL byte at the end of a row");
	TEST(BAD_ROW("10m;X\xc0\xaf;http://x.example/;-;-",
	    "line is not valid UTF-8"), "row: an overlong UTF-8 form");
	TEST(BAD_ROW("10m;X\x80;http://x.example/;-;-",
	    "line is not valid UTF-8"), "row: a lone continuation byte");
	TEST(BAD_ROW("10m;X\xed\xa0\x80;http://x.example/;-;-",
	    "line is not valid UTF-8"), "row: a UTF-16 surrogate");
	TEST(BAD_ROW("10m;X\xe2\x82;http://x.example/;-;-",
	    "line is not valid UTF-8"), "row: a truncated UTF-8 sequence");
	TEST(BAD_ROW("10m;X\xf4\x90\x80\x80;http://x.example/;-;-",
	    "line is not valid UTF-8"), "row: a code point above U+10FFFF");
	TEST(BAD_ROW("10m;X\rY;http://x.example/;-;-",
	    "a field holds a line break (carriage return)"),
	    "row: a bare CR inside a line");
	TEST(t_bad_row_cr_before_crlf(), "row: a CR before the CRLF");
	TEST(t_utf8_valid_edges(),
	    "row: well-formed UTF-8 at the validator's edges is accepted");
	TEST(t_bad_rows_all_reported(),
	    "row: each bad row is reported, every good row runs");

	/* jobs_apply(). */
	TEST(t_apply_lastmod(), "apply: set last-modified");
	TEST(t_apply_pid(), "apply: set pid");
	TEST(t_apply_both(), "apply: set last-modified and pid together");
	TEST(t_apply_if_pid_matches(), "apply: if_pid matching applies");
	TEST(t_apply_if_pid_differs(), "apply: if_pid not matching is skipped");
	TEST(t_apply_unknown_name(),
	    "apply: an unknown name is NOROW and changes nothing");
	TEST(t_apply_value_needs_quotes(),
	    "apply: values needing quotes are quoted and read back the same");
	TEST(t_apply_invalid_value_alone(),
	    "apply: a value the reader would refuse is refused alone, with a reason; the other edits are written");
	TEST(t_field_rule_is_the_readers(),
	    "jobs_check_field: what it accepts is written and read back, what it refuses is never written");
	TEST(t_apply_same_value(),
	    "apply: the current values change no byte");
	TEST(t_apply_same_value_beside_change(),
	    "apply: a field given its current value keeps its raw bytes");
	TEST(t_apply_several_edits(), "apply: several edits in one call");
	TEST(t_apply_keeps_crlf(), "apply: each edited line keeps its ending");
	TEST(t_apply_keeps_raw_fields(),
	    "apply: other fields of the row keep their raw bytes");
	TEST(t_apply_unusable_file(),
	    "apply: an unusable file is copied unchanged");
	TEST(t_apply_no_edits(), "apply: no edits copies the input");
	TEST(t_apply_first_column(),
	    "apply: '#' or spaces in the first column are quoted");
	TEST(t_apply_keeps_bom(), "apply: the BOM and the header are kept");
	TEST(t_many_rows(), "a thousand rows: lookup, duplicate, one edit");
	TEST(t_forty_thousand_rows(), "40,000 rows and 40,000 bad ones parse "
	    "in seconds (arrays grow geometrically)");

	/* The round trip. */
	TEST(t_varied_parse(), "roundtrip: the varied file parses as expected");
	TEST(t_roundtrip_every_row(), "roundtrip: editing any row leaves "
	    "every other line byte-identical and re-parses the same");
	TEST(t_roundtrip_noop_and_pair(), "roundtrip: a no-op edit gives the "
	    "input back, a two-row edit touches only those lines");

	TEST(t_add_appends_in_header_order(), "add: a row in the header's column order and line ending, quoted where needed");
	TEST(t_add_without_final_newline(), "add: a file without a final line break gets one first");
	TEST(t_add_after_bare_cr(), "add: a last line ending in a bare CR stays a bad row");
	TEST(t_add_taken_name(), "add: a name taken by a good or a bad row is refused, nothing written");
	TEST(t_remove_row(), "remove: the row's line goes, every other byte stays; unknown names are NOROW");
	TEST(t_only_cases(), "parse_only: finds what a full parse finds (substrings, duplicates, quotes, spaces)");
	TEST(t_only_many(), "parse_only: a name in every row: all kept, the index grows, duplicates still found");
	TEST(t_only_skips(), "parse_only: other rows are skipped, unread; no header is still unusable");
	TEST(t_optional_columns(), "filter and notify: optional, found by name, \"\" without the column");
	TEST(t_add_adds_columns(), "add with a filter or notify: the missing column goes into the header, an empty field into every row");
	TEST(t_diff(), "diff: a stop, a url or filter, a schedule (cron to cron, a jitter), a notify; last-modified and pid numbers are nothing");
	TEST(t_copy(), "copy: owns its strings, last-modified replaceable, cleared whole");
	return test_done();
}
