/*
 * jobs.c - the jobs file format.
 *
 * A jobs file is a list of physical lines.  The first line that is neither
 * blank nor a '#' comment is the header; every later such line is a row.
 * Fields are split by libcsv in strict mode with ';' as the delimiter, one
 * line at a time, because no field may hold a line break.  The parse keeps
 * each line's offset, length and terminator so that a rewrite can copy
 * every line it does not change byte for byte.
 */
#define _GNU_SOURCE		/* memmem */
#include <csv.h>
#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/jobs.h"
#include "common/redact.h"
#include "common/util.h"

/* The column names, in enum jobs_col order. */
static const char *const col_names[JOBS_NCOLS] = {
	"interval", "name", "url", "last-modified", "pid", "filter", "notify"
};

/* The fields of one line as libcsv split them. */
struct fields {
	size_t n, cap;
	char **val;		/* decoded values, NUL-terminated */
	size_t *start, *end;	/* raw span of each field within the line */
};

/* What the libcsv callbacks fill in while a line is fed to the parser. */
struct feed {
	struct fields *f;
	size_t pos;		/* offset of the byte being fed */
	size_t start;		/* where the current field began */
	int nomem;
};

static void
fields_clear(struct fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->val[i]);
	f->n = 0;
}

static void
fields_free(struct fields *f)
{
	fields_clear(f);
	free(f->val);
	free(f->start);
	free(f->end);
	memset(f, 0, sizeof(*f));
}

/* libcsv's end-of-field callback: records the value and its raw span. */
static void
feed_field(void *s, size_t len, void *data)
{
	struct feed *fd = data;
	struct fields *f = fd->f;

	if (fd->nomem)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		char **v = realloc(f->val, cap * sizeof(*v));
		size_t *st, *en;

		if (v == NULL) {
			fd->nomem = 1;
			return;
		}
		f->val = v;
		st = realloc(f->start, cap * sizeof(*st));
		if (st == NULL) {
			fd->nomem = 1;
			return;
		}
		f->start = st;
		en = realloc(f->end, cap * sizeof(*en));
		if (en == NULL) {
			fd->nomem = 1;
			return;
		}
		f->end = en;
		f->cap = cap;
	}
	f->val[f->n] = util_strndup(s != NULL ? s : "", s != NULL ? len : 0);
	if (f->val[f->n] == NULL) {
		fd->nomem = 1;
		return;
	}
	/* The callback runs while libcsv consumes the ';' that ends the
	 * field, or from csv_fini() after the last byte. */
	f->start[f->n] = fd->start;
	f->end[f->n] = fd->pos;
	f->n++;
	fd->start = fd->pos + 1;
}

/*
 * Puts the parser back to its initial state after an error: csv_fini()
 * does not reset a parser whose strict check failed.  Returns 0, or -1
 * when memory ran out.
 */
static int
parser_reset(struct csv_parser *p)
{
	csv_free(p);
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_delim(p, ';');
	return 0;
}

/*
 * Splits one line (no terminator) into fields with libcsv.  The line is fed
 * one byte at a time so that each field's raw span is known exactly as
 * libcsv saw it.  Returns 0, or -1 with a reason in err (errno ENOMEM when
 * memory ran out, else EINVAL).
 */
static int
split_line(struct csv_parser *p, const char *line, size_t len,
    struct fields *f, char *err, size_t errsz)
{
	struct feed fd = { f, 0, 0, 0 };

	fields_clear(f);
	for (fd.pos = 0; fd.pos < len; fd.pos++) {
		if (csv_parse(p, line + fd.pos, 1, feed_field, NULL, &fd) != 1) {
			int e = csv_error(p);

			if (parser_reset(p) == -1 || e == CSV_ENOMEM ||
			    e == CSV_ETOOBIG)
				return -2;
			return errf(err, errsz, "field %zu: bad quoting "
			    "(a quote inside a field must be doubled, "
			    "and a quoted field must end at ';')", f->n + 1);
		}
		if (fd.nomem)
			break;
	}
	if (!fd.nomem && csv_fini(p, feed_field, NULL, &fd) != 0) {
		if (parser_reset(p) == -1)
			return -2;
		return errf(err, errsz, "field %zu: quoted field not closed on "
		    "this line (fields cannot hold line breaks)", f->n + 1);
	}
	if (fd.nomem) {
		(void)parser_reset(p);
		return -2;
	}
	/* An empty line gives no callback at all; it is one empty field. */
	if (f->n == 0 && len == 0) {
		fd.pos = 0;
		feed_field("", 0, &fd);
		if (fd.nomem)
			return -2;
	}
	return 0;
}

/*
 * Checks the bytes of a header or row line before libcsv sees them.
 * Returns 0, or -1 with a reason in err.
 */
static int
check_line_bytes(const char *line, size_t len, char *err, size_t errsz)
{
	if (len > JOBS_MAX_LINE)
		return errf(err, errsz, "line longer than %d KiB",
		    JOBS_MAX_LINE / 1024);
	if (memchr(line, '\0', len) != NULL)
		return errf(err, errsz, "line holds a NUL byte");
	if (memchr(line, '\r', len) != NULL)
		return errf(err, errsz, "a field holds a line break "
		    "(carriage return)");
	if (!util_utf8_valid((const unsigned char *)line, len))
		return errf(err, errsz, "line is not valid UTF-8");
	return 0;
}

const char *
jobs_pid_word(enum jobs_pid_kind kind)
{
	switch (kind) {
	case JOBS_PID_NONE:
		return JOBS_PIDWORD_FREE;
	case JOBS_PID_STOP:
		return JOBS_PIDWORD_STOP;
	case JOBS_PID_DONE:
		return JOBS_PIDWORD_DONE;
	case JOBS_PID_NUMBER:
		break;
	}
	return NULL;
}

int
jobs_parse_pid(const char *s, enum jobs_pid_kind *kind, pid_t *pid,
    char *err, size_t errsz)
{
	const char *p;
	long n = 0;

	*pid = 0;
	if (*s == '\0' || strcmp(s, JOBS_PIDWORD_FREE) == 0) {
		*kind = JOBS_PID_NONE;
		return 0;
	}
	if (strcasecmp(s, JOBS_PIDWORD_STOP) == 0 ||
	    strcasecmp(s, JOBS_PIDWORD_SUICIDE) == 0) {
		*kind = JOBS_PID_STOP;
		return 0;
	}
	if (strcasecmp(s, JOBS_PIDWORD_DONE) == 0) {
		*kind = JOBS_PID_DONE;
		return 0;
	}
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT_MAX - (*p - '0')) / 10)
			break;
		n = n * 10 + (*p - '0');
	}
	if (*p != '\0' || n < 1)
		return errf(err, errsz, "pid: \"%s\": expected "
		    JOBS_PIDWORD_FREE ", a process id, or " JOBS_PIDWORD_STOP,
		    s);
	*kind = JOBS_PID_NUMBER;
	*pid = (pid_t)n;
	return 0;
}

/* Returns 1 when s holds a control character (C0 or DEL). */
static int
has_control(const char *s)
{
	const unsigned char *q;

	for (q = (const unsigned char *)s; *q != '\0'; q++)
		if (*q < 0x20 || *q == 0x7f)
			return 1;
	return 0;
}

int
jobs_check_field(enum jobs_col c, const char *value, char *err, size_t errsz)
{
	static const size_t limit[JOBS_NCOLS] = {
		[JOBS_COL_INTERVAL] = JOBS_MAX_FIELD,
		[JOBS_COL_NAME] = JOBS_MAX_NAME,
		[JOBS_COL_URL] = JOBS_MAX_FIELD,
		[JOBS_COL_LASTMOD] = JOBS_MAX_LASTMOD,
		[JOBS_COL_PID] = JOBS_MAX_FIELD,
		[JOBS_COL_FILTER] = JOBS_MAX_FIELD,
		[JOBS_COL_NOTIFY] = JOBS_MAX_FIELD,
	};
	struct schedule sc;
	enum jobs_pid_kind kind;
	pid_t pid;
	size_t len = strlen(value);

	if (!util_utf8_valid((const unsigned char *)value, len))
		return errf(err, errsz, "%s: not valid UTF-8", col_names[c]);
	if (len > limit[c])
		return errf(err, errsz, "%s: longer than %zu bytes",
		    col_names[c], limit[c]);
	switch (c) {
	case JOBS_COL_NAME:
		if (*value == '\0')
			return errf(err, errsz, "name: empty");
		if (has_control(value))
			return errf(err, errsz, "name: holds a control "
			    "character (a tab?)");
		break;
	case JOBS_COL_URL:
		if (jobs_check_url(value, err, errsz) == -1)
			return -1;
		break;
	case JOBS_COL_INTERVAL:
		if (schedule_parse(value, &sc, err, errsz) == -1)
			return -1;
		break;
	case JOBS_COL_PID:
		if (jobs_parse_pid(value, &kind, &pid, err, errsz) == -1)
			return -1;
		break;
	case JOBS_COL_LASTMOD:
	case JOBS_COL_FILTER:
	case JOBS_COL_NOTIFY:
	case JOBS_NCOLS:
		break;
	}
	if (has_control(value))
		return errf(err, errsz, "%s: holds a control character",
		    col_names[c]);
	return 0;
}

int
jobs_check_name(const char *name, char *err, size_t errsz)
{
	return jobs_check_field(JOBS_COL_NAME, name, err, errsz);
}

/* Formats the error "url: "URL": why" into err, the URL without its
 * secrets (redact_url); returns -1. */
static int
bad_url(char *err, size_t errsz, const char *url, const char *why)
{
	char shown[REDACT_MAX];

	return errf(err, errsz, "url: \"%s\": %s",
	    redact_url(url, REDACT_SHOWN, shown, sizeof(shown)), why);
}

int
jobs_check_url(const char *url, char *err, size_t errsz)
{
	const char *host;
	const unsigned char *p;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (*url == '\0')
		return errf(err, errsz, "url: empty");
	else
		return bad_url(err, errsz, url, "only http:// and https:// "
		    "URLs can be watched");
	if (*host == '\0' || strchr("/?#:@", *host) != NULL)
		return bad_url(err, errsz, url, "no host");
	for (p = (const unsigned char *)url; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return bad_url(err, errsz, url, "holds a space or "
			    "control character");
	return 0;
}

size_t
jobs_quote_field(char *dst, size_t dstsz, const char *value)
{
	size_t len = strlen(value), i, n = 0;
	int quote = 0;

	/* libcsv trims spaces and tabs around bare fields, splits at ';'
	 * and rejects a bare '"'; a leading '#' would make a first field
	 * look like a comment line. */
	if (len > 0 && (value[0] == ' ' || value[0] == '\t' ||
	    value[0] == '#' || value[len - 1] == ' ' ||
	    value[len - 1] == '\t'))
		quote = 1;
	if (strpbrk(value, ";\"") != NULL)
		quote = 1;

#define PUT(c) do { if (n + 1 < dstsz) dst[n] = (c); n++; } while (0)
	if (quote)
		PUT('"');
	for (i = 0; i < len; i++) {
		if (quote && value[i] == '"')
			PUT('"');
		PUT(value[i]);
	}
	if (quote)
		PUT('"');
#undef PUT
	if (dstsz > 0)
		dst[n < dstsz ? n : dstsz - 1] = '\0';
	return n;
}

/*
 * Returns the capacity to grow an array to before it takes its element
 * number n + 1, or 0 when it still has room.  Arrays that only ever grow
 * by one have capacity 0, then powers of two from 16, so n alone says when
 * one is full, and n elements cost O(log n) reallocations (each a copy
 * under ASan), not n.
 */
static size_t
grow_cap(size_t n)
{
	if (n == 0)
		return 16;
	return n >= 16 && (n & (n - 1)) == 0 ? n * 2 : 0;
}

/*
 * Adds a problem for line lineno (0: the whole file).  Returns 0, or -1
 * when memory ran out.
 */
static int
add_problem(struct jobs_file *jf, size_t lineno, const char *msg)
{
	struct jobs_problem *p;
	size_t cap = grow_cap(jf->nproblems);

	if (cap != 0) {
		p = reallocarray(jf->problems, cap, sizeof(*p));
		if (p == NULL)
			return -1;
		jf->problems = p;
	}
	p = jf->problems;
	p[jf->nproblems].lineno = lineno;
	p[jf->nproblems].msg = strdup(msg);
	if (p[jf->nproblems].msg == NULL)
		return -1;
	jf->nproblems++;
	return 0;
}

/* The name index: open addressing over job indexes, size a power of two. */
struct name_index {
	long *slot;		/* job index, or -1 */
	size_t mask;
	size_t used;
};

static int
index_init(struct name_index *ix, size_t expect)
{
	size_t size = 16, i;

	while (size < expect * 2)
		size *= 2;
	ix->slot = malloc(size * sizeof(*ix->slot));
	if (ix->slot == NULL)
		return -1;
	for (i = 0; i < size; i++)
		ix->slot[i] = -1;
	ix->mask = size - 1;
	ix->used = 0;
	return 0;
}

/*
 * Looks name up in the index.  Returns the job index, or -1; when absent
 * and insert is >= 0, stores insert there.  The index is kept at most
 * half full: it doubles (and every name is put in again) when it would
 * be, or fails with -2 if it cannot.
 */
static long
index_lookup(struct name_index *ix, const struct job *jobs, const char *name,
    long insert)
{
	size_t i = (size_t)util_hash(name, strlen(name)) & ix->mask;

	while (ix->slot[i] != -1) {
		if (strcmp(jobs[ix->slot[i]].name, name) == 0)
			return ix->slot[i];
		i = (i + 1) & ix->mask;
	}
	if (insert < 0)
		return -1;
	if ((ix->used + 1) * 2 > ix->mask + 1) {
		struct name_index big;
		long k;

		if (index_init(&big, (ix->mask + 1) * 2) == -1)
			return -2;
		free(ix->slot);
		*ix = big;
		for (k = 0; k < insert; k++)
			(void)index_lookup(ix, jobs, jobs[k].name, k);
		return index_lookup(ix, jobs, name, insert);
	}
	ix->slot[i] = insert;
	ix->used++;
	return -1;
}

/*
 * Returns the index of the known column called v, or JOBS_NCOLS.  The
 * original program's header words name columns too: "intervall" the
 * interval, "process" the pid.
 */
static size_t
column_of(const char *v)
{
	size_t c;

	for (c = 0; c < JOBS_NCOLS; c++)
		if (strcasecmp(v, col_names[c]) == 0 ||
		    (c == JOBS_COL_INTERVAL && strcasecmp(v, "intervall") == 0) ||
		    (c == JOBS_COL_PID && strcasecmp(v, "process") == 0))
			break;
	return c;
}

/* Returns how many of the fields in f name a known column. */
static size_t
known_columns(const struct fields *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		if (column_of(f->val[i]) < JOBS_NCOLS)
			n++;
	return n;
}

/*
 * Reads the header line's fields into jf->col and jf->ncols.  Returns 0,
 * or -1 with a reason in err.
 */
static int
read_header(struct jobs_file *jf, const struct fields *f, char *err,
    size_t errsz)
{
	size_t i, c;
	char missing[128] = "";

	for (c = 0; c < JOBS_NCOLS; c++)
		jf->col[c] = -1;
	if (known_columns(f) == 0)
		return errf(err, errsz, "header: names none of the columns "
		    "interval;name;url;last-modified;pid (the header must "
		    "come before the first row)");
	for (i = 0; i < f->n; i++) {
		const char *v = f->val[i];

		if (*v == '\0')
			return errf(err, errsz, "header: column %zu has no "
			    "name", i + 1);
		c = column_of(v);
		if (c < JOBS_NCOLS) {
			if (jf->col[c] != -1)
				return errf(err, errsz, "header: column "
				    "\"%s\" appears twice", col_names[c]);
			jf->col[c] = (long)i;
			continue;
		}
		/* Unknown columns are kept, but each must be unique too. */
		for (c = 0; c < i; c++)
			if (strcasecmp(f->val[c], v) == 0)
				return errf(err, errsz, "header: column "
				    "\"%s\" appears twice", v);
	}
	for (c = 0; c < JOBS_NREQUIRED; c++) {
		if (jf->col[c] != -1)
			continue;
		if (missing[0] != '\0')
			(void)strncat(missing, ", ",
			    sizeof(missing) - strlen(missing) - 1);
		(void)strncat(missing, col_names[c],
		    sizeof(missing) - strlen(missing) - 1);
	}
	if (missing[0] != '\0')
		return errf(err, errsz, "header: missing column%s %s "
		    "(needs interval;name;url;last-modified;pid in any order)",
		    strchr(missing, ',') ? "s" : "", missing);
	jf->ncols = f->n;
	return 0;
}

void
jobs_clear(struct job *j)
{
	if (j->block != NULL) {
		free(j->block);
	} else {
		free(j->name);
		free(j->url);
		free(j->interval_text);
		free(j->pid_text);
		free(j->filter);
		free(j->notify);
	}
	free(j->lastmod);
	memset(j, 0, sizeof(*j));
}

int
jobs_copy(struct job *dst, const struct job *src)
{
	/* One block for the strings that stay as they are: a supervisor
	 * keeps a copy per watcher (10,000 rows), and one allocation costs
	 * less than six.  last-modified is its own: a watcher replaces it
	 * after each change. */
	enum { NBLOCK = 6 };
	const char *from[NBLOCK];
	char **to[NBLOCK];
	size_t len[NBLOCK], total = 0, i;
	char *p;

	from[0] = src->name;
	from[1] = src->url;
	from[2] = src->interval_text;
	from[3] = src->pid_text;
	from[4] = src->filter;
	from[5] = src->notify;
	for (i = 0; i < NBLOCK; i++) {
		len[i] = from[i] != NULL ? strlen(from[i]) : 0;
		total += len[i] + 1;
	}
	*dst = *src;
	to[0] = &dst->name;
	to[1] = &dst->url;
	to[2] = &dst->interval_text;
	to[3] = &dst->pid_text;
	to[4] = &dst->filter;
	to[5] = &dst->notify;
	dst->lastmod = strdup(src->lastmod != NULL ? src->lastmod : "");
	dst->block = p = malloc(total);
	if (p == NULL || dst->lastmod == NULL) {
		free(p);
		free(dst->lastmod);
		memset(dst, 0, sizeof(*dst));
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < NBLOCK; i++) {
		if (len[i] > 0)
			memcpy(p, from[i], len[i]);
		p[len[i]] = '\0';
		*to[i] = p;
		p += len[i] + 1;
	}
	return 0;
}

/* Returns 1 when the strings a and b (NULL read as "") differ. */
static int
differ(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") != 0;
}

unsigned
jobs_diff(const struct job *was, const struct job *now)
{
	unsigned d = JOBS_DIFF_NONE;

	if (JOBS_PID_DOWN(now->pid_kind))
		d |= JOBS_DIFF_DOWN;
	if (differ(was->url, now->url) || differ(was->filter, now->filter))
		d |= JOBS_DIFF_IDENTITY;
	if (differ(was->interval_text, now->interval_text))
		d |= JOBS_DIFF_SCHEDULE;
	if (differ(was->notify, now->notify))
		d |= JOBS_DIFF_TELL;
	return d;
}

/*
 * Checks a row's fields: as many as the header's columns, and each known
 * column by its one rule, in the order the reasons are most useful.
 * Returns 0, or -1 with a reason in err.
 */
static int
row_check(const struct jobs_file *jf, const struct fields *f, char *err,
    size_t errsz)
{
	static const enum jobs_col order[] = {
		JOBS_COL_NAME, JOBS_COL_URL, JOBS_COL_INTERVAL, JOBS_COL_PID,
		JOBS_COL_LASTMOD, JOBS_COL_FILTER, JOBS_COL_NOTIFY
	};
	size_t k;

	if (f->n < jf->ncols) {
		size_t c;

		for (c = 0; c < JOBS_NCOLS; c++)
			if (jf->col[c] != -1 && (size_t)jf->col[c] >= f->n)
				return errf(err, errsz, "missing field \"%s\" "
				    "(%zu fields, the header has %zu)",
				    col_names[c], f->n, jf->ncols);
		return errf(err, errsz, "%zu fields, the header has %zu",
		    f->n, jf->ncols);
	}
	if (f->n > jf->ncols)
		return errf(err, errsz, "%zu fields, the header has %zu "
		    "(quote a field that holds ';')", f->n, jf->ncols);
	for (k = 0; k < ARRAY_LEN(order); k++)
		if (jf->col[order[k]] != -1 &&
		    jobs_check_field(order[k], f->val[jf->col[order[k]]], err,
		    errsz) == -1)
			return -1;
	return 0;
}

/*
 * Turns a row's fields into *j, checking each known column.  Takes the
 * strings it keeps out of f (setting them to NULL).  Returns 0, or -1 with
 * a reason in err (errno ENOMEM when memory ran out).
 */
static int
read_row(const struct jobs_file *jf, struct fields *f, struct job *j,
    char *err, size_t errsz)
{
	char **v = f->val;

	memset(j, 0, sizeof(*j));
	errno = EINVAL;
	if (row_check(jf, f, err, errsz) == -1)
		return -1;
	(void)schedule_parse(v[jf->col[JOBS_COL_INTERVAL]], &j->sched, NULL, 0);
	j->interval = schedule_period_hint(&j->sched);
	if (j->interval < 1)
		j->interval = 1;
	(void)jobs_parse_pid(v[jf->col[JOBS_COL_PID]], &j->pid_kind, &j->pid,
	    NULL, 0);

#define TAKE(dst, c) do { dst = v[jf->col[c]]; v[jf->col[c]] = NULL; } while (0)
	TAKE(j->name, JOBS_COL_NAME);
	TAKE(j->url, JOBS_COL_URL);
	TAKE(j->interval_text, JOBS_COL_INTERVAL);
	TAKE(j->lastmod, JOBS_COL_LASTMOD);
	TAKE(j->pid_text, JOBS_COL_PID);
#undef TAKE
	/* The optional columns: "" when the header has none. */
	j->filter = jf->col[JOBS_COL_FILTER] != -1 ?
	    v[jf->col[JOBS_COL_FILTER]] : strdup("");
	if (jf->col[JOBS_COL_FILTER] != -1)
		v[jf->col[JOBS_COL_FILTER]] = NULL;
	j->notify = jf->col[JOBS_COL_NOTIFY] != -1 ?
	    v[jf->col[JOBS_COL_NOTIFY]] : strdup("");
	if (jf->col[JOBS_COL_NOTIFY] != -1)
		v[jf->col[JOBS_COL_NOTIFY]] = NULL;
	if (j->filter == NULL || j->notify == NULL) {
		jobs_clear(j);
		memset(j, 0, sizeof(*j));
		errno = ENOMEM;
		return errf(err, errsz, "out of memory");
	}
	return 0;
}

/*
 * Finds the lines of buf and their terminators.  Returns 0, or -1 when
 * memory ran out.
 */
static int
split_lines(struct jobs_file *jf, const char *buf, size_t len)
{
	size_t off = 0, cap = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		struct jobs_line *l;

		if (jf->nlines == cap) {
			cap = cap ? cap * 2 : 64;
			l = realloc(jf->lines, cap * sizeof(*l));
			if (l == NULL)
				return -1;
			jf->lines = l;
		}
		l = &jf->lines[jf->nlines++];
		l->off = off;
		l->kind = JOBS_LINE_BLANK;
		l->job = -1;
		if (nl == NULL) {
			l->len = len - off;
			l->eol = 0;
			off = len;
		} else {
			l->len = (size_t)(nl - (buf + off));
			l->eol = 1;
			if (l->len > 0 && buf[off + l->len - 1] == '\r') {
				l->len--;
				l->eol = 2;
			}
			off = (size_t)(nl - buf) + 1;
		}
	}
	return 0;
}

/* What a parse carries from line to line. */
struct parser {
	struct csv_parser csv;
	struct fields f;
	struct name_index ix;	/* the names of the rows kept so far */
	const char *only;	/* jobs_parse_only()'s name, or NULL */
	int header_failed;	/* no row can be read: said once */
};

/*
 * Says what line i of buf is without parsing it: blank, a comment, or
 * one to parse (JOBS_LINE_BAD until it is read), whose text (after a
 * byte order mark on the first line) is *s, *n bytes.
 */
static enum jobs_line_kind
line_kind(const char *buf, const struct jobs_line *l, size_t i,
    const char **s, size_t *n)
{
	size_t k;

	*s = buf + l->off;
	*n = l->len;
	/* A UTF-8 byte order mark may open the file. */
	if (i == 0 && *n >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
		*s += 3;
		*n -= 3;
	}
	for (k = 0; k < *n && ((*s)[k] == ' ' || (*s)[k] == '\t'); k++)
		;
	if (k == *n)
		return JOBS_LINE_BLANK;
	return (*s)[k] == '#' ? JOBS_LINE_COMMENT : JOBS_LINE_BAD;
}

/*
 * Keeps the row j read from line i, unless its name is already used (a
 * problem of that line).  Takes j's strings either way.  Returns 0, or -1
 * when memory ran out.
 */
static int
keep_row(struct jobs_file *jf, struct parser *ps, size_t i, struct job *j)
{
	char err[512];
	long first = index_lookup(&ps->ix, jf->jobs, j->name, -1);

	j->lineno = i + 1;
	if (first != -1) {
		(void)snprintf(err, sizeof(err), "name: \"%s\" is already used "
		    "on line %zu", j->name, jf->jobs[first].lineno);
		jobs_clear(j);
		return add_problem(jf, i + 1, err);
	}
	if (grow_cap(jf->njobs) != 0) {
		struct job *nj = reallocarray(jf->jobs, grow_cap(jf->njobs),
		    sizeof(*nj));

		if (nj == NULL) {
			jobs_clear(j);
			return -1;
		}
		jf->jobs = nj;
	}
	jf->jobs[jf->njobs] = *j;
	if (index_lookup(&ps->ix, jf->jobs, j->name, (long)jf->njobs) == -2) {
		jobs_clear(&jf->jobs[jf->njobs]);
		return -1;
	}
	jf->lines[i].kind = JOBS_LINE_ROW;
	jf->lines[i].job = (long)jf->njobs++;
	return 0;
}

/*
 * Reads line i (text s, n bytes) as the header, if there is none yet, or
 * as a row; a line that cannot be used is a problem of that line (of the
 * whole file, for a header).  Returns 0, or -1 when memory ran out.
 */
static int
read_line(struct jobs_file *jf, struct parser *ps, size_t i, const char *s,
    size_t n)
{
	char err[512], msg[600];
	struct job j;
	int r;

	r = check_line_bytes(s, n, err, sizeof(err));
	if (r == 0)
		r = split_line(&ps->csv, s, n, &ps->f, err, sizeof(err));
	if (r == -2)
		return -1;
	if (jf->header == -1) {
		/* Without a header no row can be read. */
		if (r == 0 && read_header(jf, &ps->f, err, sizeof(err)) == 0) {
			jf->header = (long)i;
			jf->lines[i].kind = JOBS_LINE_HEADER;
			return 0;
		}
		ps->header_failed = 1;
		(void)snprintf(msg, sizeof(msg), "%s%s", r == -1 ? "header: " :
		    "", err);
		return add_problem(jf, i + 1, msg);
	}
	if (r == -1 || read_row(jf, &ps->f, &j, err, sizeof(err)) == -1)
		return add_problem(jf, i + 1, err);
	return keep_row(jf, ps, i, &j);
}

/* An unusable file keeps its lines and problems but no rows. */
static void
drop_rows(struct jobs_file *jf)
{
	size_t i;

	for (i = 0; i < jf->njobs; i++)
		jobs_clear(&jf->jobs[i]);
	free(jf->jobs);
	jf->jobs = NULL;
	jf->njobs = 0;
	for (i = 0; i < jf->nlines; i++)
		if (jf->lines[i].kind == JOBS_LINE_ROW) {
			jf->lines[i].kind = JOBS_LINE_BAD;
			jf->lines[i].job = -1;
		}
}

/*
 * Reads every line of buf into jf: its kind, and the header and rows of
 * the lines to parse.  Returns 0, or -1 when memory ran out.
 */
static int
read_lines(struct jobs_file *jf, struct parser *ps, const char *buf)
{
	size_t i, n;
	const char *s;

	for (i = 0; i < jf->nlines; i++) {
		struct jobs_line *l = &jf->lines[i];

		l->kind = line_kind(buf, l, i, &s, &n);
		if (l->kind != JOBS_LINE_BAD)
			continue;
		/* A watcher looking for its own row needs only the header
		 * and the lines that can hold its name: memmem is far
		 * cheaper than libcsv one byte at a time. */
		if (ps->only != NULL && jf->header != -1 &&
		    memmem(s, n, ps->only, strlen(ps->only)) == NULL) {
			l->kind = JOBS_LINE_SKIPPED;
			continue;
		}
		if (ps->header_failed)
			continue;	/* reported once, as the header's problem */
		if (read_line(jf, ps, i, s, n) == -1)
			return -1;
	}
	return 0;
}

/*
 * The parse behind jobs_parse() and jobs_parse_only(): with only set,
 * rows whose bytes do not hold that text are not parsed at all (kind
 * JOBS_LINE_SKIPPED).
 */
static int
parse(struct jobs_file *jf, const char *buf, size_t len, const char *only)
{
	struct parser ps;
	size_t c;
	int rc = -1;

	memset(jf, 0, sizeof(*jf));
	memset(&ps, 0, sizeof(ps));
	ps.only = only;
	jf->header = -1;
	for (c = 0; c < JOBS_NCOLS; c++)
		jf->col[c] = -1;
	if (csv_init(&ps.csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		errno = ENOMEM;
		return -1;
	}
	csv_set_delim(&ps.csv, ';');
	/* The index is sized for every line; a watcher's parse keeps a few
	 * rows. */
	if (split_lines(jf, buf, len) == -1 ||
	    index_init(&ps.ix, only != NULL ? 8 : jf->nlines) == -1 ||
	    read_lines(jf, &ps, buf) == -1) {
		errno = ENOMEM;
	} else if (ps.header_failed) {
		errno = EINVAL;
	} else if (jf->header == -1) {
		errno = add_problem(jf, 0, len == 0 ? "file is empty" :
		    "no header line (interval;name;url;last-modified;pid)") ==
		    -1 ? ENOMEM : EINVAL;
	} else {
		jf->usable = 1;
		rc = 0;
	}
	free(ps.ix.slot);
	fields_free(&ps.f);
	csv_free(&ps.csv);
	if (rc == -1) {
		int e = errno;

		drop_rows(jf);
		errno = e;
	}
	return rc;
}

int
jobs_parse(struct jobs_file *jf, const char *buf, size_t len)
{
	return parse(jf, buf, len, NULL);
}

int
jobs_parse_only(struct jobs_file *jf, const char *buf, size_t len,
    const char *name)
{
	/* A quote in the name is doubled in the file: the bytes differ. */
	return parse(jf, buf, len, strchr(name, '"') != NULL ? NULL : name);
}

void
jobs_free(struct jobs_file *jf)
{
	size_t i;

	for (i = 0; i < jf->njobs; i++)
		jobs_clear(&jf->jobs[i]);
	free(jf->jobs);
	for (i = 0; i < jf->nproblems; i++)
		free(jf->problems[i].msg);
	free(jf->problems);
	free(jf->lines);
	memset(jf, 0, sizeof(*jf));
	jf->header = -1;
}

int
jobs_refuse(struct jobs_file *jf, const char *const *why)
{
	struct jobs_problem *p;
	char **msg;
	size_t i, k = 0, n = 0, np = 0, nold = 0;

	for (i = 0; i < jf->njobs; i++)
		n += why[i] != NULL;
	if (n == 0)
		return 0;
	p = calloc(jf->nproblems + n, sizeof(*p));
	msg = calloc(jf->njobs, sizeof(*msg));
	for (i = 0; p != NULL && msg != NULL && i < jf->njobs; i++)
		if (why[i] != NULL && (msg[i] = strdup(why[i])) == NULL)
			break;
	if (p == NULL || msg == NULL || i < jf->njobs) {
		for (i = 0; msg != NULL && i < jf->njobs; i++)
			free(msg[i]);
		free(msg);
		free(p);
		errno = ENOMEM;
		return -1;
	}
	/* The new problems, merged by line with the parse's (in line order
	 * already, as the rows are). */
	for (i = 0; i < jf->njobs; i++) {
		if (msg[i] == NULL)
			continue;
		while (nold < jf->nproblems &&
		    jf->problems[nold].lineno < jf->jobs[i].lineno)
			p[np++] = jf->problems[nold++];
		p[np].lineno = jf->jobs[i].lineno;
		p[np++].msg = msg[i];
	}
	while (nold < jf->nproblems)
		p[np++] = jf->problems[nold++];
	free(jf->problems);
	jf->problems = p;
	jf->nproblems = np;
	for (i = 0; i < jf->njobs; i++) {
		struct jobs_line *l = &jf->lines[jf->jobs[i].lineno - 1];

		if (msg[i] != NULL) {
			jobs_clear(&jf->jobs[i]);
			l->kind = JOBS_LINE_BAD;
			l->job = -1;
			continue;
		}
		if (k != i)
			jf->jobs[k] = jf->jobs[i];
		l->job = (long)k++;
	}
	jf->njobs = k;
	free(msg);
	return 0;
}

const struct job *
jobs_find(const struct jobs_file *jf, const char *name)
{
	size_t i;

	for (i = 0; i < jf->njobs; i++)
		if (strcmp(jf->jobs[i].name, name) == 0)
			return &jf->jobs[i];
	return NULL;
}

/* Appends value to o as one field, quoted where needed. */
static void
out_field(GString *o, const char *value)
{
	char small[256];
	size_t at = o->len, n = jobs_quote_field(small, sizeof(small), value);

	if (n < sizeof(small)) {
		g_string_append_len(o, small, (gssize)n);
		return;
	}
	g_string_set_size(o, at + n);
	(void)jobs_quote_field(o->str + at, n + 1, value);
}

/* What jobs_apply() will do to one row. */
struct pending {
	const char *lastmod;
	const char *pid;
	int remove;
};

/*
 * Rebuilds line l of buf into o with the pending changes: the changed
 * fields are written anew, every other field is copied raw, and suffix
 * (the fields of columns being added) goes before the line's end.  Returns 0,
 * or -1 (errno ENOMEM, or EINVAL if the line no longer splits).
 */
static int
rebuild_line(const struct jobs_file *jf, const char *buf,
    const struct jobs_line *l, const struct pending *pd, const char *suffix,
    GString *o)
{
	struct csv_parser p;
	struct fields f;
	const char *s = buf + l->off;
	char err[256];
	size_t i;
	int rc = -1, r;

	memset(&f, 0, sizeof(f));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		errno = ENOMEM;
		return -1;
	}
	csv_set_delim(&p, ';');
	r = split_line(&p, s, l->len, &f, err, sizeof(err));
	if (r == -2)
		goto nomem;
	if (r == -1 || f.n != jf->ncols) {
		errno = EINVAL;
		goto out;
	}
	for (i = 0; i < f.n; i++) {
		const char *nv = NULL;

		if (i > 0)
			g_string_append_c(o, ';');
		if ((long)i == jf->col[JOBS_COL_LASTMOD])
			nv = pd->lastmod;
		else if ((long)i == jf->col[JOBS_COL_PID])
			nv = pd->pid;
		if (nv != NULL && strcmp(nv, f.val[i]) != 0)
			out_field(o, nv);
		else
			g_string_append_len(o, s + f.start[i],
			    (gssize)(f.end[i] - f.start[i]));
	}
	g_string_append(o, suffix);
	g_string_append_len(o, s + l->len, (gssize)l->eol);
	rc = 0;
	goto out;
nomem:
	errno = ENOMEM;
out:
	fields_free(&f);
	csv_free(&p);
	return rc;
}

/* Returns 1 when the pending change would alter row j's fields. */
static int
pending_changes(const struct pending *pd, const struct job *j)
{
	return (pd->lastmod != NULL && strcmp(pd->lastmod, j->lastmod) != 0) ||
	    (pd->pid != NULL && strcmp(pd->pid, j->pid_text) != 0);
}

/* Returns 1 when some line of jf, usable or not, has name in its name
 * field: a bad row still owns its name, so "add" must not take it. */
static int
name_taken(const struct jobs_file *jf, const char *buf, const char *name)
{
	struct csv_parser p;
	struct fields f;
	char err[64];
	size_t i;
	int taken = 0;

	if (jobs_find(jf, name) != NULL)
		return 1;
	memset(&f, 0, sizeof(f));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return 0;
	csv_set_delim(&p, ';');
	for (i = 0; i < jf->nlines && !taken; i++) {
		const struct jobs_line *l = &jf->lines[i];

		if (l->kind != JOBS_LINE_BAD)
			continue;
		if (split_line(&p, buf + l->off, l->len, &f, err,
		    sizeof(err)) == 0 && (size_t)jf->col[JOBS_COL_NAME] < f.n &&
		    strcmp(f.val[jf->col[JOBS_COL_NAME]], name) == 0)
			taken = 1;
	}
	fields_free(&f);
	csv_free(&p);
	return taken;
}

/*
 * Appends a new row for edit e to o, in the header's column order (ncols
 * columns, the optional ones where col[] says, added ones included) and
 * with the header's line ending; a file that does not end with a line
 * break gets one first.
 */
static void
append_row(const struct jobs_file *jf, const char *buf, size_t len,
    const struct jobs_edit *e, const long *col, size_t ncols, GString *o)
{
	const struct jobs_line *h = &jf->lines[jf->header];
	const char *eol = h->eol == 2 ? "\r\n" : "\n";
	size_t i;

	/* A last line that ends in a bare CR is a bad row (its field holds
	 * a CR): a LF after it would make that CR part of a CRLF and the
	 * row good again, so it is ended with a CRLF of its own. */
	if (len > 0 && buf[len - 1] != '\n')
		g_string_append(o, buf[len - 1] == '\r' ? "\r\n" : eol);
	for (i = 0; i < ncols; i++) {
		const char *v = "";

		if (i > 0)
			g_string_append_c(o, ';');
		if ((long)i == jf->col[JOBS_COL_INTERVAL])
			v = e->interval;
		else if ((long)i == jf->col[JOBS_COL_NAME])
			v = e->name;
		else if ((long)i == jf->col[JOBS_COL_URL])
			v = e->url;
		else if ((long)i == jf->col[JOBS_COL_LASTMOD])
			v = "-";
		else if ((long)i == jf->col[JOBS_COL_PID])
			v = jobs_pid_word(JOBS_PID_NONE);
		else if ((long)i == col[JOBS_COL_FILTER] && e->filter != NULL)
			v = e->filter;
		else if ((long)i == col[JOBS_COL_NOTIFY] && e->notify != NULL)
			v = e->notify;
		out_field(o, v);
	}
	g_string_append(o, eol);
}

/*
 * Checks the values of edit e against the reader's rules, before anything
 * is written.  Returns 0, or -1 with the reason in e->why.
 */
static int
edit_valid(struct jobs_edit *e, const struct jobs_file *jf)
{
	char err[sizeof(e->why)];

	if (e->name == NULL)
		return errf(e->why, sizeof(e->why), "no name");
	if (e->op == JOBS_EDIT_ADD) {
		if (jf->header < 0)
			return errf(e->why, sizeof(e->why), "no header");
		if (e->url == NULL || e->interval == NULL)
			return errf(e->why, sizeof(e->why), "no url or interval");
		if (jobs_check_field(JOBS_COL_NAME, e->name, err, sizeof(err)) ||
		    jobs_check_field(JOBS_COL_URL, e->url, err, sizeof(err)) ||
		    jobs_check_field(JOBS_COL_INTERVAL, e->interval, err,
		    sizeof(err)) ||
		    (e->filter != NULL && jobs_check_field(JOBS_COL_FILTER,
		    e->filter, err, sizeof(err))) ||
		    (e->notify != NULL && jobs_check_field(JOBS_COL_NOTIFY,
		    e->notify, err, sizeof(err))))
			return errf(e->why, sizeof(e->why), "%s", err);
		return 0;
	}
	if ((e->lastmod != NULL && jobs_check_field(JOBS_COL_LASTMOD,
	    e->lastmod, err, sizeof(err)) == -1) ||
	    (e->pid != NULL && jobs_check_field(JOBS_COL_PID, e->pid, err,
	    sizeof(err)) == -1))
		return errf(e->why, sizeof(e->why), "%s", err);
	return 0;
}

/* Returns the length of the last line in o, which starts at from,
 * without its line ending. */
static size_t
line_len(const GString *o, size_t from)
{
	size_t n = o->len - from;

	while (n > 0 && (o->str[from + n - 1] == '\n' ||
	    o->str[from + n - 1] == '\r'))
		n--;
	return n;
}

/* Marks every applied edit of the row called name as refused, with why. */
static void
refuse_row(struct jobs_edit *edits, size_t n, const char *name,
    const char *why)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (edits[i].op == JOBS_EDIT_SET &&
		    edits[i].result == JOBS_EDIT_DONE &&
		    strcmp(edits[i].name, name) == 0) {
			edits[i].result = JOBS_EDIT_INVALID;
			(void)errf(edits[i].why, sizeof(edits[i].why), "%s",
			    why);
		}
}

/*
 * Decides which optional columns the added rows of edits[0..n) need that
 * the header lacks: fills col[] with the columns after the copy (the added
 * ones at the end, from *ncols on), the text to append to the header line
 * and to every other row, and each add's cols_added.
 */
static void
new_columns(const struct jobs_file *jf, struct jobs_edit *edits, size_t n,
    long *col, size_t *ncols, char *header_suffix, char *row_suffix)
{
	static const struct {
		enum jobs_col c;
		unsigned bit;
	} opt[] = {
		{ JOBS_COL_FILTER, JOBS_ADDED_FILTER },
		{ JOBS_COL_NOTIFY, JOBS_ADDED_NOTIFY }
	};
	size_t i, k;
	unsigned need = 0;

	memcpy(col, jf->col, sizeof(jf->col));
	*ncols = jf->ncols;
	header_suffix[0] = row_suffix[0] = '\0';
	for (i = 0; i < n; i++) {
		const struct jobs_edit *e = &edits[i];

		if (e->op != JOBS_EDIT_ADD || e->result != JOBS_EDIT_DONE)
			continue;
		if (e->filter != NULL && *e->filter != '\0' &&
		    jf->col[JOBS_COL_FILTER] == -1)
			need |= JOBS_ADDED_FILTER;
		if (e->notify != NULL && *e->notify != '\0' &&
		    jf->col[JOBS_COL_NOTIFY] == -1)
			need |= JOBS_ADDED_NOTIFY;
	}
	for (k = 0; k < ARRAY_LEN(opt); k++) {
		if (!(need & opt[k].bit))
			continue;
		col[opt[k].c] = (long)(*ncols)++;
		(void)strcat(header_suffix, ";");
		(void)strcat(header_suffix, col_names[opt[k].c]);
		(void)strcat(row_suffix, ";");
	}
	for (i = 0; i < n; i++) {
		struct jobs_edit *e = &edits[i];

		e->cols_added = 0;
		if (e->op != JOBS_EDIT_ADD || e->result != JOBS_EDIT_DONE)
			continue;
		if ((need & JOBS_ADDED_FILTER) && e->filter != NULL &&
		    *e->filter != '\0')
			e->cols_added |= JOBS_ADDED_FILTER;
		if ((need & JOBS_ADDED_NOTIFY) && e->notify != NULL &&
		    *e->notify != '\0')
			e->cols_added |= JOBS_ADDED_NOTIFY;
	}
}

/*
 * Resolve: decides the result of each of edits[0..n) against the file,
 * in order, so a later edit of a row sees the pid an earlier one set;
 * what the applied ones change goes to pd[] (one per row). An invalid
 * edit is refused alone: the other edits still go in. Returns 0, or -1
 * with errno set when memory runs out.
 */
static int
apply_resolve(const struct jobs_file *jf, const char *buf,
    struct jobs_edit *edits, size_t n, struct pending *pd)
{
	struct name_index ix;
	size_t i;

	if (index_init(&ix, jf->njobs) == -1)
		return -1;
	for (i = 0; i < jf->njobs; i++)
		(void)index_lookup(&ix, jf->jobs, jf->jobs[i].name, (long)i);
	for (i = 0; i < n; i++) {
		long k;
		const char *cur_pid;

		edits[i].why[0] = '\0';
		if (edit_valid(&edits[i], jf) == -1) {
			edits[i].result = JOBS_EDIT_INVALID;
			continue;
		}
		k = index_lookup(&ix, jf->jobs, edits[i].name, -1);
		if (edits[i].op == JOBS_EDIT_ADD) {
			size_t m;

			/* Taken by a row of the file, or by an earlier add. */
			edits[i].result = name_taken(jf, buf, edits[i].name) ?
			    JOBS_EDIT_EXISTS : JOBS_EDIT_DONE;
			for (m = 0; m < i; m++)
				if (edits[m].op == JOBS_EDIT_ADD &&
				    edits[m].result == JOBS_EDIT_DONE &&
				    strcmp(edits[m].name, edits[i].name) == 0)
					edits[i].result = JOBS_EDIT_EXISTS;
			continue;
		}
		if (k == -1 || pd[k].remove) {
			edits[i].result = JOBS_EDIT_NOROW;
			continue;
		}
		cur_pid = pd[k].pid != NULL ? pd[k].pid : jf->jobs[k].pid_text;
		if (edits[i].if_pid != NULL &&
		    strcmp(edits[i].if_pid, cur_pid) != 0) {
			edits[i].result = JOBS_EDIT_SKIPPED;
			continue;
		}
		if (edits[i].op == JOBS_EDIT_REMOVE)
			pd[k].remove = 1;
		if (edits[i].lastmod != NULL)
			pd[k].lastmod = edits[i].lastmod;
		if (edits[i].pid != NULL)
			pd[k].pid = edits[i].pid;
		edits[i].result = JOBS_EDIT_DONE;
	}
	free(ix.slot);
	return 0;
}

/*
 * Copy: writes buf (the file jf was read from, len bytes) to o with the
 * rows of pd[] rebuilt or removed, the header given header_suffix and the
 * rows the new columns reach given row_suffix. A rebuilt row longer than
 * the line limit stays as it was and its edits are refused. Counts the
 * rows changed in *changed. Returns 0, or -1 when memory runs out.
 */
static int
apply_copy(const struct jobs_file *jf, const char *buf, size_t len,
    struct jobs_edit *edits, size_t n, const struct pending *pd,
    const char *header_suffix, const char *row_suffix, GString *o,
    size_t *changed)
{
	size_t i, prev = 0;

	for (i = 0; i < jf->nlines; i++) {
		const struct jobs_line *l = &jf->lines[i];
		int row = l->kind == JOBS_LINE_ROW;

		if (row_suffix[0] != '\0' && (long)i > jf->header &&
		    (l->kind == JOBS_LINE_BAD || l->kind == JOBS_LINE_SKIPPED ||
		    (row && !pd[l->job].remove &&
		    !pending_changes(&pd[l->job], &jf->jobs[l->job])))) {
			/* A row the new columns reach: one empty field more. */
			g_string_append_len(o, buf + prev,
			    (gssize)(l->off + l->len - prev));
			g_string_append(o, row_suffix);
			prev = l->off + l->len;
			continue;
		}
		if ((long)i == jf->header && header_suffix[0] != '\0') {
			g_string_append_len(o, buf + prev,
			    (gssize)(l->off + l->len - prev));
			g_string_append(o, header_suffix);
			prev = l->off + l->len;
			continue;
		}
		if (!row || (!pd[l->job].remove &&
		    !pending_changes(&pd[l->job], &jf->jobs[l->job])))
			continue;
		g_string_append_len(o, buf + prev, (gssize)(l->off - prev));
		if (!pd[l->job].remove) {
			size_t from = o->len;

			if (rebuild_line(jf, buf, l, &pd[l->job], row_suffix,
			    o) == -1)
				return -1;
			if (line_len(o, from) > JOBS_MAX_LINE) {
				/* The reader would refuse the row: keep it
				 * as it was, and say why. */
				g_string_truncate(o, from);
				refuse_row(edits, n, jf->jobs[l->job].name,
				    "the row would be longer than the line "
				    "limit");
				prev = l->off;
				continue;
			}
		}
		prev = l->off + l->len + l->eol;
		(*changed)++;
	}
	g_string_append_len(o, buf + prev, (gssize)(len - prev));
	return 0;
}

/*
 * Append: adds a row to o for each applied add of edits[0..n), with the
 * columns col[0..ncols) after the copy; an added row longer than the line
 * limit is left out and its add refused. Counts the rows added in
 * *changed.
 */
static void
apply_append(const struct jobs_file *jf, struct jobs_edit *edits, size_t n,
    const long *col, size_t ncols, GString *o, size_t *changed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t from = o->len;

		if (edits[i].op != JOBS_EDIT_ADD ||
		    edits[i].result != JOBS_EDIT_DONE)
			continue;
		append_row(jf, o->str, o->len, &edits[i], col, ncols, o);
		if (line_len(o, from) > JOBS_MAX_LINE) {
			g_string_truncate(o, from);
			edits[i].result = JOBS_EDIT_INVALID;
			(void)errf(edits[i].why, sizeof(edits[i].why),
			    "the row would be longer than the line limit");
			continue;
		}
		(*changed)++;
	}
}

int
jobs_apply(const struct jobs_file *jf, const char *buf, size_t len,
    struct jobs_edit *edits, size_t n, char **out, size_t *outlen,
    size_t *changed)
{
	struct pending *pd;
	GString *o;
	size_t ncols;
	long col[JOBS_NCOLS];
	char header_suffix[32], row_suffix[8];

	*out = NULL;
	*outlen = 0;
	*changed = 0;
	pd = calloc(jf->njobs ? jf->njobs : 1, sizeof(*pd));
	if (pd == NULL)
		return -1;
	if (apply_resolve(jf, buf, edits, n, pd) == -1) {
		free(pd);
		return -1;
	}
	new_columns(jf, edits, n, col, &ncols, header_suffix, row_suffix);
	o = g_string_sized_new(len + 256);
	if (apply_copy(jf, buf, len, edits, n, pd, header_suffix, row_suffix,
	    o, changed) == -1) {
		free(pd);
		(void)g_string_free(o, TRUE);
		if (errno != EINVAL)
			errno = ENOMEM;
		return -1;
	}
	apply_append(jf, edits, n, col, ncols, o, changed);
	free(pd);
	*outlen = o->len;
	*out = g_string_free(o, FALSE);
	return 0;
}
