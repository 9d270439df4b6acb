/*
 * jobs.h - the jobs file format: parse a whole file into lines, header and
 * rows, and build a copy of the file with some rows' fields changed.
 *
 * Pure functions: no I/O, no globals.  The parsed form points into the
 * caller's buffer by offset and owns copies of every decoded field.
 */
#ifndef SITEWATCH_JOBS_H
#define SITEWATCH_JOBS_H

#include <stddef.h>
#include <sys/types.h>

#include "common/schedule.h"

#define JOBS_MAX_LINE (64 * 1024)     /* longest line accepted, in bytes */
#define JOBS_MAX_NAME 256             /* longest name, in bytes */
#define JOBS_MAX_FIELD 8192           /* longest other known field */
#define JOBS_MAX_LASTMOD 512          /* longest last-modified field */

/* The columns the program knows.  Other columns are kept untouched. */
enum jobs_col {
	JOBS_COL_INTERVAL,
	JOBS_COL_NAME,
	JOBS_COL_URL,
	JOBS_COL_LASTMOD,
	JOBS_COL_PID,
	JOBS_COL_FILTER,	/* optional: the filter chain (issue 14) */
	JOBS_COL_NOTIFY,	/* optional: when a change is told */
	JOBS_NCOLS
};

/* The columns before this one are required in every header; the others
 * are optional (col[] is -1 when the header lacks them). */
#define JOBS_NREQUIRED JOBS_COL_FILTER

enum jobs_line_kind {
	JOBS_LINE_BLANK,	/* empty or only spaces and tabs */
	JOBS_LINE_COMMENT,	/* first non-blank character is '#' */
	JOBS_LINE_HEADER,
	JOBS_LINE_ROW,		/* a usable row: see its struct job */
	JOBS_LINE_BAD,		/* a row (or would-be header) that cannot be used */
	JOBS_LINE_SKIPPED	/* jobs_parse_only(): a row not looked at */
};

/*
 * The words of the pid field, their one owner: what the program writes
 * and what jobs_parse_pid() reads (case-insensitive; "commit_suicide"
 * reads as stop too, and is never written).
 */
#define JOBS_PIDWORD_FREE	"-"
#define JOBS_PIDWORD_STOP	"stop"
#define JOBS_PIDWORD_DONE	"done"
#define JOBS_PIDWORD_SUICIDE	"commit_suicide"

/* What the pid field says. */
enum jobs_pid_kind {
	JOBS_PID_NONE,		/* "-" or empty: not running, start it */
	JOBS_PID_NUMBER,	/* a pid written by the program */
	JOBS_PID_STOP,		/* "stop" or "commit_suicide": keep it down */
	JOBS_PID_DONE		/* "done": a one-shot schedule has run */
};

/* Returns the word the program writes for a pid field of this kind
 * ("-", "stop", "done"), or NULL for JOBS_PID_NUMBER. */
const char *jobs_pid_word(enum jobs_pid_kind kind);

/* Returns 1 when a pid field of this kind keeps the row from running. */
#define JOBS_PID_DOWN(k) ((k) == JOBS_PID_STOP || (k) == JOBS_PID_DONE)

struct jobs_line {
	size_t off;		/* offset of the line's first byte in the buffer */
	size_t len;		/* length without the line terminator */
	size_t eol;		/* terminator length: 0 (end of file), 1 (LF), 2 (CRLF) */
	enum jobs_line_kind kind;
	long job;		/* index into jobs_file.jobs for a usable row, else -1 */
};

struct job {
	size_t lineno;		/* 1-based line number in the file */
	char *name;
	char *url;
	char *interval_text;	/* the interval field as written */
	struct schedule sched;	/* ... as parsed: a duration, cron or at */
	long interval;		/* seconds between checks, or a typical gap */
	char *lastmod;		/* the last-modified field; "-" or "" when unknown */
	char *pid_text;		/* the pid field as written */
	enum jobs_pid_kind pid_kind;
	pid_t pid;		/* for JOBS_PID_NUMBER, else 0 */
	char *filter;		/* the filter field; "" without the column */
	char *notify;		/* the notify field; "" without the column */
	char *block;		/* jobs_copy(): the strings above but lastmod,
				 * in one allocation; NULL in a parse */
};

struct jobs_problem {
	size_t lineno;		/* 0 when the problem is the file as a whole */
	char *msg;		/* the reason, without file name or line number */
};

struct jobs_file {
	struct jobs_line *lines;
	size_t nlines;
	long header;		/* index into lines of the header, -1 if none */
	size_t ncols;		/* fields in the header */
	long col[JOBS_NCOLS];	/* field index of each known column */
	struct job *jobs;
	size_t njobs;
	struct jobs_problem *problems;
	size_t nproblems;
	int usable;		/* 1 when the header is good and rows could be read */
};

/*
 * Parses the buf[0..len) as a jobs file into *jf, which the caller frees
 * with jobs_free().  Returns 0 when the file has a usable header (rows may
 * still have problems, listed in jf->problems), -1 when it cannot be used
 * at all (no header, bad header: the reason is in jf->problems) or memory
 * ran out (errno ENOMEM, jf->problems may be empty).  jf->lines always
 * describes every line, so the file can be rewritten byte for byte.
 */
int jobs_parse(struct jobs_file *jf, const char *buf, size_t len);

/*
 * Like jobs_parse(), but only the header and the rows whose bytes hold
 * name are parsed; every other row is JOBS_LINE_SKIPPED, and its problems
 * are not reported.  What jobs_find(jf, name) and jobs_apply() for edits
 * of that name see is the same as after jobs_parse(), at a fraction of the
 * cost in a large file.
 */
int jobs_parse_only(struct jobs_file *jf, const char *buf, size_t len,
    const char *name);

/* Frees everything jobs_parse() allocated in *jf and zeroes it. */
void jobs_free(struct jobs_file *jf);

/*
 * Refuses the usable rows jf->jobs[i] for which why[i] is not NULL (why
 * has jf->njobs entries): each leaves jf->jobs, its line becomes
 * JOBS_LINE_BAD, and why[i] becomes its problem, in line order among the
 * others, so that every row has one verdict: usable, or one problem.
 * The other rows keep their order.  Returns 0, or -1 with errno ENOMEM
 * (jf unchanged).
 */
int jobs_refuse(struct jobs_file *jf, const char *const *why);

/* Returns the usable row called name, or NULL. */
const struct job *jobs_find(const struct jobs_file *jf, const char *name);

/*
 * Copies the row src into *dst, owning its strings (free with
 * jobs_clear; a NULL string is copied as "").  Every string but lastmod
 * shares one allocation; lastmod is its own, so that it may be replaced
 * (free, then a malloc'd string).  Returns 0, or -1 with errno ENOMEM
 * (*dst is then zeroed).
 */
int jobs_copy(struct job *dst, const struct job *src);

/* Frees the strings of *j and zeroes it. */
void jobs_clear(struct job *j);

/*
 * What an edit of a row asks of its watcher: the one place that decides
 * whether a row's configuration changed.  Bits of jobs_diff().
 */
enum jobs_diff_bits {
	JOBS_DIFF_NONE = 0,
	JOBS_DIFF_DOWN = 1 << 0,	/* its pid field keeps it down: stop */
	JOBS_DIFF_IDENTITY = 1 << 1,	/* url or filter, what is compared:
					 * a silent new baseline */
	JOBS_DIFF_SCHEDULE = 1 << 2,	/* the interval: plan again at once */
	JOBS_DIFF_TELL = 1 << 3		/* notify: how a change is told */
};

/*
 * Compares the row was (what a watcher runs with) with now (the row as
 * read again).  Returns the JOBS_DIFF_* bits of what now asks of the
 * watcher; JOBS_DIFF_NONE when nothing it uses changed (last-modified
 * and a pid number are the program's own writes).
 */
unsigned jobs_diff(const struct job *was, const struct job *now);

/*
 * Classifies a pid field.  Returns 0 and sets *kind (and *pid for a number),
 * or -1 with a reason in err.
 */
int jobs_parse_pid(const char *s, enum jobs_pid_kind *kind, pid_t *pid,
    char *err, size_t errsz);

/*
 * The one rule for what may stand in a known column of a row: valid UTF-8,
 * no control characters (C0 or DEL), not longer than the column's limit,
 * and what the column itself needs (a non-empty name, a URL that can be
 * watched, a schedule, a pid value).  The reader applies it to every row
 * and jobs_apply() to every value it writes, so sitewatch never writes a
 * row it would then refuse to read.  (The filter and notify columns get
 * the byte rules here; their meaning is checked by sitewatch-helper.)
 * Returns 0, or -1 with a reason that names the column in err.
 */
int jobs_check_field(enum jobs_col c, const char *value, char *err,
    size_t errsz);

/* jobs_check_field() for the name column: non-empty, no control
 * characters, valid UTF-8, at most JOBS_MAX_NAME bytes. */
int jobs_check_name(const char *name, char *err, size_t errsz);

/*
 * Checks that a URL may be watched: http:// or https://, a host, no
 * spaces or control characters.  Returns 0, or -1 with a reason in err.
 */
int jobs_check_url(const char *url, char *err, size_t errsz);

/* What a jobs_edit does. */
enum jobs_edit_op {
	JOBS_EDIT_SET = 0,	/* change last-modified and/or pid of a row */
	JOBS_EDIT_ADD,		/* append a new row (name, url, interval) */
	JOBS_EDIT_REMOVE	/* delete the row's line */
};

/* One change to one row, for jobs_apply(). */
struct jobs_edit {
	const char *name;	/* the row to change */
	const char *lastmod;	/* new last-modified value, or NULL to keep */
	const char *pid;	/* new pid value, or NULL to keep */
	const char *if_pid;	/* change only if the pid field reads this; NULL: always */
	int result;		/* out: one of enum jobs_edit_result */
	enum jobs_edit_op op;	/* JOBS_EDIT_SET unless said otherwise */
	const char *url;	/* JOBS_EDIT_ADD: the new row's url */
	const char *interval;	/* JOBS_EDIT_ADD: the new row's interval */
	const char *filter;	/* JOBS_EDIT_ADD: its filter, or NULL */
	const char *notify;	/* JOBS_EDIT_ADD: its notify condition, or NULL */
	unsigned cols_added;	/* out, JOBS_EDIT_ADD: JOBS_ADDED_FILTER and
				 * JOBS_ADDED_NOTIFY for the columns the
				 * header lacked and got for this row */
	char why[160];		/* out: the reason of a JOBS_EDIT_INVALID */
};

#define JOBS_ADDED_FILTER 1u
#define JOBS_ADDED_NOTIFY 2u

enum jobs_edit_result {
	JOBS_EDIT_DONE,		/* applied (or the fields already held the values) */
	JOBS_EDIT_NOROW,	/* no usable row has that name: nothing re-created */
	JOBS_EDIT_SKIPPED,	/* if_pid did not match: left alone */
	JOBS_EDIT_EXISTS,	/* JOBS_EDIT_ADD: the name is taken (by any row) */
	JOBS_EDIT_INVALID	/* a value breaks jobs_check_field() or the row
				 * would be too long: nothing written for this
				 * edit, the reason in its why */
};

/*
 * Builds in *out (a GString's text, which free() frees: GLib allocates with
 * malloc; length *outlen, owned by the caller) a copy of
 * buf in which the rows named by edits[0..n) have their fields changed,
 * are removed, or are added at the end (with the header's line ending;
 * other columns empty, last-modified and pid "-").  An added row with a
 * filter or notify value the header has no column for adds the column to
 * the header, and an empty field to every other row, in the same copy.  Only the changed
 * fields of changed rows are rewritten, quoted where libcsv needs it; every
 * other byte is copied as it was.  Sets each edit's result and *changed to
 * the number of rows added, removed or whose bytes changed.  An edit whose
 * value the reader would refuse is refused alone (JOBS_EDIT_INVALID, the
 * reason in its why): the other edits are still applied.  Returns 0, or -1
 * with errno ENOMEM.  jf must be the parse of exactly buf.
 */
int jobs_apply(const struct jobs_file *jf, const char *buf, size_t len,
    struct jobs_edit *edits, size_t n, char **out, size_t *outlen,
    size_t *changed);

/*
 * Writes value as one field into dst (room for dstsz bytes, NUL added):
 * bare when libcsv would read it back unchanged, else in double quotes with
 * inner quotes doubled.  Returns the field's length, which may exceed
 * dstsz - 1 (then dst holds a truncated copy), like snprintf.
 */
size_t jobs_quote_field(char *dst, size_t dstsz, const char *value);

#endif
