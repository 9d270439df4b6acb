/*
 * fuzz-jobs.c - libFuzzer harness for the jobs file parser and the row
 * rewrite (src/common/jobs.c).
 *
 * The input is a whole jobs file.  It is parsed; when a row is usable,
 * one row (picked by a hash of the input) gets a new last-modified and pid
 * value through the path jobsfile_edit() takes under the lock for one
 * edit: jobs_parse_only() for that name, then jobs_apply().  Then:
 *   - jobs_parse_only() finds for that name what jobs_parse() finds;
 *   - the rewrite succeeds and changes only that row's line: every byte
 *     before and after it is kept, and in the line every field but the
 *     two keeps its raw bytes (quoting, spaces);
 *   - the new file parses with the same lines, rows and problems, and
 *     only those two fields of that row differ, holding the new values;
 *   - setting the same values again changes nothing.
 * A property that does not hold aborts, which libFuzzer reports as a
 * crash with the input that caused it.
 *
 * The new values are ones a writer may store: a pid field a watcher
 * writes, and a last-modified taken from a table of awkward values (';',
 * '"', spaces, '#', non-ASCII, empty) or from the input's own last line,
 * kept only when it passes the reader's byte rules (valid UTF-8, no
 * control bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jobs.h"
#include "common/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run with a message: libFuzzer saves the input. */
#define REQUIRE(c) do { if (!(c)) { (void)fprintf(stderr, \
	"fuzz-jobs: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } \
	while (0)

static const char *const lastmods[] = {
	"Wed, 21 Oct 2015 07:28:00 GMT", "-", "", "a;b", "say \"hi\"",
	" padded ", "#not a comment", "\xc3\xa4rz \xe2\x82\xac", "\"", ";",
	"\"\";\"\"", "@hourly", "  "
};
static const char *const pids[] = {
	"-", "", "stop", "done", "12345", "1", "2147483647", "commit_suicide"
};

/* Returns 1 when the n bytes at s may be a field value: valid UTF-8, no
 * control bytes (a tab is one) and no DEL. */
static int
value_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return util_utf8_valid((const unsigned char *)s, n);
}

/*
 * Splits a line that libcsv read as a usable row into the raw spans of its
 * fields, independently of jobs.c: a ';' outside double quotes ends a
 * field (a doubled quote toggles twice).  Returns the number of fields, at
 * most max.
 */
static size_t
raw_fields(const char *s, size_t n, size_t *start, size_t *end, size_t max)
{
	size_t i, k = 0, from = 0;
	int quoted = 0;

	for (i = 0; i <= n && k < max; i++) {
		if (i < n && s[i] == '"')
			quoted = !quoted;
		if (i == n || (s[i] == ';' && !quoted)) {
			start[k] = from;
			end[k] = i;
			k++;
			from = i + 1;
		}
	}
	return k;
}

/* Appends n bytes to the buffer *b (length *len, capacity *cap). */
static void
put(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*b = realloc(*b, *cap);
		REQUIRE(*b != NULL);
	}
	memcpy(*b + *len, s, n);
	*len += n;
}

/*
 * Builds what jobs_apply() must write: buf with line l's lastmod and pid
 * fields replaced by the quoted new values when they differ from the old
 * ones, every other byte copied.  Returns a malloc'd buffer, length *outlen.
 */
static char *
expected(const struct jobs_file *jf, const char *buf, size_t len,
    const struct jobs_line *l, const struct job *j, const char *lm,
    const char *pid, size_t *outlen)
{
	size_t *start, *end, nf, i, olen = 0, cap = 0;
	const char *s = buf + l->off;
	char *o = NULL, *q;

	start = calloc(l->len + 1, sizeof(*start));
	end = calloc(l->len + 1, sizeof(*end));
	REQUIRE(start != NULL && end != NULL);
	nf = raw_fields(s, l->len, start, end, l->len + 1);
	REQUIRE(nf == jf->ncols);
	put(&o, &olen, &cap, buf, l->off);
	for (i = 0; i < nf; i++) {
		const char *nv = NULL, *old = NULL;

		if (i > 0)
			put(&o, &olen, &cap, ";", 1);
		if ((long)i == jf->col[JOBS_COL_LASTMOD]) {
			nv = lm;
			old = j->lastmod;
		} else if ((long)i == jf->col[JOBS_COL_PID]) {
			nv = pid;
			old = j->pid_text;
		}
		if (nv != NULL && strcmp(nv, old) != 0) {
			size_t qn = jobs_quote_field(NULL, 0, nv);

			q = malloc(qn + 1);
			REQUIRE(q != NULL);
			(void)jobs_quote_field(q, qn + 1, nv);
			put(&o, &olen, &cap, q, qn);
			free(q);
		} else {
			put(&o, &olen, &cap, s + start[i], end[i] - start[i]);
		}
	}
	put(&o, &olen, &cap, s + l->len, len - l->off - l->len);
	free(start);
	free(end);
	*outlen = olen;
	return o;
}

/* Checks that two parses agree on everything but row r's two fields. */
static void
same_parse(const struct jobs_file *a, const struct jobs_file *b, size_t r,
    const char *lm, const char *pid)
{
	size_t i;

	REQUIRE(a->nlines == b->nlines && a->njobs == b->njobs &&
	    a->nproblems == b->nproblems && a->header == b->header &&
	    a->ncols == b->ncols && a->usable == b->usable);
	for (i = 0; i < a->nlines; i++)
		REQUIRE(a->lines[i].kind == b->lines[i].kind &&
		    a->lines[i].job == b->lines[i].job &&
		    a->lines[i].eol == b->lines[i].eol);
	for (i = 0; i < a->nproblems; i++)
		REQUIRE(a->problems[i].lineno == b->problems[i].lineno &&
		    strcmp(a->problems[i].msg, b->problems[i].msg) == 0);
	for (i = 0; i < a->njobs; i++) {
		const struct job *x = &a->jobs[i], *y = &b->jobs[i];

		REQUIRE(x->lineno == y->lineno);
		REQUIRE(strcmp(x->name, y->name) == 0);
		REQUIRE(strcmp(x->url, y->url) == 0);
		REQUIRE(strcmp(x->interval_text, y->interval_text) == 0);
		REQUIRE(x->interval == y->interval);
		if (i == r) {
			REQUIRE(strcmp(y->lastmod, lm) == 0);
			REQUIRE(strcmp(y->pid_text, pid) == 0);
		} else {
			REQUIRE(strcmp(x->lastmod, y->lastmod) == 0);
			REQUIRE(strcmp(x->pid_text, y->pid_text) == 0);
			REQUIRE(x->pid_kind == y->pid_kind && x->pid == y->pid);
		}
	}
}

/* Picks the new last-modified value into lm (room for lmsz bytes). */
static void
pick_lastmod(const char *buf, size_t len, unsigned long long h, char *lm,
    size_t lmsz)
{
	size_t n = sizeof(lastmods) / sizeof(lastmods[0]), from;

	if (h % (n + 1) < n) {
		(void)snprintf(lm, lmsz, "%s", lastmods[h % (n + 1)]);
		return;
	}
	/* The input's last line, when a writer could store it. */
	for (from = len; from > 0 && buf[from - 1] != '\n'; from--)
		;
	if (len - from < lmsz && value_ok(buf + from, len - from)) {
		memcpy(lm, buf + from, len - from);
		lm[len - from] = '\0';
	} else {
		(void)snprintf(lm, lmsz, "%s", lastmods[0]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jobs_file all, one, after, again;
	struct jobs_edit e;
	const char *buf = (const char *)data, *pid;
	const struct job *j;
	unsigned long long h;
	char lm[600], *out = NULL, *want, *out2 = NULL;
	size_t r, outlen, wantlen, changed, out2len;
	int rc;

	rc = jobs_parse(&all, buf, size);
	REQUIRE(rc == 0 || rc == -1);
	REQUIRE(rc == 0 ? all.usable == 1 : all.njobs == 0);
	if (rc == -1 || all.njobs == 0) {
		jobs_free(&all);
		return 0;
	}
	h = util_hash(buf, size);
	r = (size_t)(h % all.njobs);
	j = &all.jobs[r];
	pick_lastmod(buf, size, h >> 8, lm, sizeof(lm));
	pid = pids[(h >> 16) % (sizeof(pids) / sizeof(pids[0]))];

	/* jobsfile_edit() for one row parses only that row's lines. */
	REQUIRE(jobs_parse_only(&one, buf, size, j->name) == 0);
	{
		const struct job *k = jobs_find(&one, j->name);

		REQUIRE(k != NULL && k->lineno == j->lineno &&
		    strcmp(k->url, j->url) == 0 &&
		    strcmp(k->lastmod, j->lastmod) == 0 &&
		    strcmp(k->pid_text, j->pid_text) == 0);
	}
	memset(&e, 0, sizeof(e));
	e.name = j->name;
	e.lastmod = lm;
	e.pid = pid;
	REQUIRE(jobs_apply(&one, buf, size, &e, 1, &out, &outlen,
	    &changed) == 0);
	REQUIRE(e.result == JOBS_EDIT_DONE);

	/* Only that line changed, and in it only the two fields. */
	want = expected(&all, buf, size, &all.lines[j->lineno - 1], j, lm, pid,
	    &wantlen);
	REQUIRE(outlen == wantlen && memcmp(out, want, outlen) == 0);
	REQUIRE(changed == (outlen != size || memcmp(out, buf, size) != 0));
	free(want);

	/* Read back: the same file but for those two values.  (A line
	 * pushed past the length limit by the new values is a bad row.) */
	rc = jobs_parse(&after, out, outlen);
	REQUIRE(rc == 0);
	if (all.lines[j->lineno - 1].len + 2 * sizeof(lm) < JOBS_MAX_LINE)
		same_parse(&all, &after, r, lm, pid);

	/* The same values again: nothing to change. */
	REQUIRE(jobs_parse_only(&again, out, outlen, j->name) == 0);
	REQUIRE(jobs_apply(&again, out, outlen, &e, 1, &out2, &out2len,
	    &changed) == 0);
	REQUIRE(changed == 0 && out2len == outlen &&
	    memcmp(out2, out, outlen) == 0);

	free(out2);
	free(out);
	jobs_free(&again);
	jobs_free(&after);
	jobs_free(&one);
	jobs_free(&all);
	return 0;
}
