/*
 * filter.c - the filter chain: parsed and checked once, then run step by
 * step over a page.  A page is either HTML (the answer of an HTML page, or
 * what a css:/xpath:/remove: step left) or text.  Selecting steps work on
 * the parsed HTML (html.c); line steps work on text, and take the visible
 * text first while the page is still HTML; the chain's end does the same.
 * Regexes are PCRE2's (Perl syntax), JSON is Jansson's, a pipe: command
 * runs without a shell, time-limited.
 */
#define _GNU_SOURCE		/* pipe2 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>

#include "common/util.h"
#include "helper/css.h"
#include "helper/filter.h"
#include "helper/html.h"

/* What a pipe: command may print, at most. */
#define PIPE_MAX_OUT (64u << 20)

/* The step names, in the order of enum filter_kind. */
static const struct {
	const char *name;
	int arg;		/* 1: NAME:ARG, 0: NAME alone */
} kinds[] = {
	{ "css", 1 }, { "xpath", 1 }, { "remove", 1 }, { "text", 0 },
	{ "raw", 0 }, { "grep", 1 }, { "ignore", 1 }, { "s", 1 },
	{ "sort", 0 }, { "uniq", 0 }, { "json", 0 }, { "pipe", 1 },
};

/* Replaces line breaks in err with spaces: a message is one line. */
static void
one_line(char *err)
{
	for (; *err != '\0'; err++)
		if (*err == '\n' || *err == '\r')
			*err = ' ';
}

/*
 * Compiles re for a step: Perl syntax, UTF-8 with Unicode classes, and
 * subjects that are not valid UTF-8 allowed (their bad bytes match
 * nothing); ^ and $ match at every line.  jit: the code is going to run,
 * compile it to machine code.  Returns the code, or NULL with PCRE2's
 * message and the offset in err.
 */
static pcre2_code *
regex_compile(const char *re, int jit, int caseless, char *err, size_t errsz)
{
	uint32_t opts = caseless ? PCRE2_CASELESS : 0;
	pcre2_code *code;
	PCRE2_SIZE off;
	int rc;

	opts |= PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    opts | PCRE2_MULTILINE, &rc, &off, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		(void)pcre2_get_error_message(rc, msg, sizeof(msg));
		(void)snprintf(err, errsz, "%s at offset %zu", (char *)msg,
		    (size_t)off);
		return NULL;
	}
	/* JIT makes matching several times faster (an s/// over a 100 KB
	 * page: 5 ms -> 1 ms); where it is missing the interpreter runs. */
	if (jit)
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

int
filter_match_lines(const char *re, const char *s, size_t n, char *err,
    size_t errsz)
{
	pcre2_code *code = regex_compile(re, 1, 0, err, errsz);
	pcre2_match_data *md;
	const char *end = s + n;
	int rc = PCRE2_ERROR_NOMATCH;

	if (code == NULL)
		return -1;
	md = pcre2_match_data_create(1, NULL);
	if (md == NULL) {
		pcre2_code_free(code);
		return errf(err, errsz, "out of memory");
	}
	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));

		if (e == NULL)
			e = end;
		rc = pcre2_match(code, (PCRE2_SPTR)s, (size_t)(e - s), 0, 0, md,
		    NULL);
		if (rc != PCRE2_ERROR_NOMATCH)
			break;
		s = e + 1;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return errf(err, errsz, "the match failed (PCRE2 error %d)", rc);
}

/*
 * Parses the body of s/REGEX/REPLACEMENT/FLAGS (any delimiter: the byte
 * after the 's') into st.  In the regex, \DELIM stays as it is (PCRE2
 * reads an escaped punctuation character as itself); in the replacement
 * \DELIM is DELIM, \\ a backslash and \1..\9 the groups, written ${1}
 * for pcre2_substitute().  Returns 0, or -1 with the reason in err.
 */
static int
parse_subst(const char *s, struct filter_step *st, char *err, size_t errsz)
{
	struct strbuf re = { 0 }, repl = { 0 };
	char d = s[1];
	const char *p = s + 2;

	if (d == '\0' || d == '\\' || d == ' ' || d == '\n' ||
	    (d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') ||
	    (d >= 'A' && d <= 'Z'))
		return errf(err, errsz, "s: expected a delimiter after 's', "
		    "as in s/REGEX/REPLACEMENT/");
	for (; *p != '\0' && *p != d; p++) {
		if (*p == '\\' && p[1] != '\0')
			(void)strbuf_addc(&re, *p++);
		(void)strbuf_addc(&re, *p);
	}
	if (*p != d) {
		strbuf_free(&re);
		return errf(err, errsz, "missing the delimiter %c after the "
		    "regex", d);
	}
	for (p++; *p != '\0' && *p != d; p++) {
		if (*p == '\\' && p[1] == d) {
			(void)strbuf_addc(&repl, *++p);
		} else if (*p == '\\' && p[1] == '\\') {
			(void)strbuf_addc(&repl, *++p);
		} else if (*p == '\\' && p[1] >= '0' && p[1] <= '9') {
			(void)strbuf_addf(&repl, "${%c}", p[1]);
			p++;
		} else {
			(void)strbuf_addc(&repl, *p);
		}
	}
	if (*p != d) {
		strbuf_free(&re);
		strbuf_free(&repl);
		return errf(err, errsz, "missing the delimiter %c after the "
		    "replacement", d);
	}
	for (p++; *p != '\0'; p++) {
		if (*p == 'g') {
			st->global = 1;
		} else if (*p == 'i') {
			st->caseless = 1;
		} else {
			strbuf_free(&re);
			strbuf_free(&repl);
			return errf(err, errsz, "unknown flag '%c' (g and i are "
			    "known)", *p);
		}
	}
	st->arg = strbuf_detach(&re, NULL);
	st->repl = strbuf_detach(&repl, NULL);
	if (st->arg == NULL || st->repl == NULL)
		return errf(err, errsz, "out of memory");
	return 0;
}

/* Returns 0 when re compiles (caseless when asked), or -1 with the
 * reason in err. */
static int
regex_check(const char *re, int caseless, char *err, size_t errsz)
{
	pcre2_code *code = regex_compile(re, 0, caseless, err, errsz);

	if (code == NULL)
		return -1;
	pcre2_code_free(code);
	return 0;
}

/* Finds the kind that the step s names in its first namelen bytes.
 * Returns its index in kinds[], or -1 with the reason in err. */
static int
step_kind(const char *s, size_t namelen, char *err, size_t errsz)
{
	size_t k;
	const char *blank;

	for (k = 0; k < ARRAY_LEN(kinds); k++)
		if (strlen(kinds[k].name) == namelen &&
		    strncmp(s, kinds[k].name, namelen) == 0 && k != FILTER_SUBST)
			return (int)k;
	blank = s + strspn(s, " \t");
	if (*blank == '\0')
		return errf(err, errsz, "an empty step (two '|' in a row, "
		    "or one at an end?)");
	return errf(err, errsz, "unknown step (known: css:, xpath:, "
	    "remove:, text, raw, grep:, ignore:, s///, sort, uniq, json, "
	    "pipe:)");
}

/* Checks the argument of st (of a kind that takes one) and keeps what
 * running it needs: the XPath of a CSS selector, a command's words.
 * Returns 0, or -1 with the reason in err. */
static int
step_check_arg(struct filter_step *st, char *err, size_t errsz)
{
	switch (st->kind) {
	case FILTER_CSS:
	case FILTER_REMOVE:
		st->xpath = css_to_xpath(st->arg, err, errsz);
		return st->xpath == NULL ? -1 : 0;
	case FILTER_XPATH:
		return html_xpath_check(st->arg, err, errsz);
	case FILTER_GREP:
	case FILTER_IGNORE:
		return regex_check(st->arg, 0, err, errsz);
	default:		/* FILTER_PIPE */
		st->argv = util_split_command(st->arg, err, errsz);
		return st->argv == NULL ? -1 : 0;
	}
}

/* Parses and checks one step, written s[0..n), into st.  Returns 0, or -1
 * with the reason (without the step) in err. */
static int
parse_step(const char *s, size_t n, struct filter_step *st, char *err,
    size_t errsz)
{
	size_t namelen;
	const char *arg;
	int k;

	memset(st, 0, sizeof(*st));
	st->text = util_strndup(s, n);
	if (st->text == NULL)
		return errf(err, errsz, "out of memory");
	s = st->text;
	if (s[0] == 's' && s[1] != '\0' && s[1] != ':' &&
	    !(s[1] >= 'a' && s[1] <= 'z')) {
		st->kind = FILTER_SUBST;
		if (parse_subst(s, st, err, errsz) == -1)
			return -1;
		return regex_check(st->arg, st->caseless, err, errsz);
	}
	namelen = strcspn(s, ": \t");
	k = step_kind(s, namelen, err, errsz);
	if (k == -1)
		return -1;
	st->kind = (enum filter_kind)k;
	if (!kinds[k].arg) {
		if (s[namelen + strspn(s + namelen, " \t")] != '\0')
			return errf(err, errsz, "%s takes no argument",
			    kinds[k].name);
		return 0;
	}
	if (s[namelen] != ':')
		return errf(err, errsz, "%s needs an argument: %s:...",
		    kinds[k].name, kinds[k].name);
	arg = s + namelen + 1;
	if (*arg == '\0')
		return errf(err, errsz, "an empty %s",
		    k == FILTER_PIPE ? "command" : k == FILTER_XPATH ?
		    "expression" : k == FILTER_GREP || k == FILTER_IGNORE ?
		    "regex" : "selector");
	st->arg = strdup(arg);
	if (st->arg == NULL)
		return errf(err, errsz, "out of memory");
	return step_check_arg(st, err, errsz);
}

int
filter_parse(const char *chain, struct filter_chain *fc, char *err,
    size_t errsz)
{
	const char *p = chain, *end;
	size_t cap = 0;

	memset(fc, 0, sizeof(*fc));
	p += strspn(p, " \t");
	if (*p == '\0' || strcmp(p, "-") == 0)
		return 0;
	if (strchr(p, '\n') != NULL || strchr(p, '\r') != NULL)
		return errf(err, errsz, "a filter is one line");
	for (;;) {
		char why[512];
		struct filter_step *st;

		end = strstr(p, " | ");
		if (end == NULL)
			end = p + strlen(p);
		if (fc->n == cap) {
			size_t ncap = cap ? cap * 2 : 4;

			st = realloc(fc->steps, ncap * sizeof(*st));
			if (st == NULL) {
				filter_free(fc);
				return errf(err, errsz, "out of memory");
			}
			fc->steps = st;
			cap = ncap;
		}
		st = &fc->steps[fc->n++];
		/* No step starts with a blank: "text |  raw" is text, raw. */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (parse_step(p, (size_t)(end - p), st, why, sizeof(why)) == -1) {
			if (st->text != NULL && st->text[0] != '\0')
				(void)snprintf(err, errsz, "%s: %s", st->text, why);
			else
				(void)snprintf(err, errsz, "%s", why);
			one_line(err);
			filter_free(fc);
			return -1;
		}
		if (*end == '\0')
			break;
		p = end + 3;
	}
	return 0;
}

void
filter_free(struct filter_chain *fc)
{
	size_t i;

	for (i = 0; i < fc->n; i++) {
		free(fc->steps[i].text);
		free(fc->steps[i].arg);
		free(fc->steps[i].xpath);
		free(fc->steps[i].repl);
		util_free_argv(fc->steps[i].argv);
	}
	free(fc->steps);
	memset(fc, 0, sizeof(*fc));
}

int
filter_notify_check(const char *cond, char *err, size_t errsz)
{
	pcre2_code *code;

	if (*cond == '\0' || strcmp(cond, "-") == 0 ||
	    strcmp(cond, "added") == 0)
		return 0;
	if (strncmp(cond, "match:", 6) != 0)
		return errf(err, errsz, "%s: unknown condition (known: -, added, "
		    "match:REGEX)", cond);
	if (cond[6] == '\0')
		return errf(err, errsz, "%s: an empty regex", cond);
	code = regex_compile(cond + 6, 0, 0, err, errsz);
	if (code == NULL) {
		char why[256];

		(void)snprintf(why, sizeof(why), "%s", err);
		(void)snprintf(err, errsz, "%s: %s", cond, why);
		one_line(err);
		return -1;
	}
	pcre2_code_free(code);
	return 0;
}

/*
 * The page while a chain runs: HTML or text.  While it is HTML, either
 * text holds its bytes or pg holds it parsed (parsed = 1), never both
 * out of step: a step that changes the parsed page empties text.
 */
struct page {
	int html;		/* 1: HTML, 0: text */
	int parsed;		/* 1: pg holds the page */
	int body;		/* 1: text holds the answer's own bytes */
	const char *charset;	/* the answer's charset, for those bytes */
	struct strbuf text;
	struct html_page pg;
};

/* Makes sure the page is parsed as HTML.  Returns 0 or -1. */
static int
page_parse(struct page *pg, char *err, size_t errsz)
{
	if (pg->parsed)
		return 0;
	if (html_parse(&pg->pg, strbuf_str(&pg->text), pg->text.len,
	    pg->body ? pg->charset : "UTF-8", err, errsz) == -1)
		return -1;
	pg->parsed = 1;
	strbuf_reset(&pg->text);
	return 0;
}

/* Makes text hold the page's bytes (serialising parsed HTML).  Returns 0
 * or -1. */
static int
page_bytes(struct page *pg, char *err, size_t errsz)
{
	if (!pg->parsed)
		return 0;
	strbuf_reset(&pg->text);
	if (html_serialize(&pg->pg, &pg->text) == -1)
		return errf(err, errsz, "out of memory");
	html_free(&pg->pg);
	pg->parsed = 0;
	pg->body = 0;
	return 0;
}

/* Makes the page its visible text, when it is HTML.  Returns 0 or -1. */
static int
page_visible(struct page *pg, char *err, size_t errsz)
{
	if (!pg->html)
		return 0;
	if (page_parse(pg, err, errsz) == -1)
		return -1;
	strbuf_reset(&pg->text);
	if (html_text(&pg->pg, &pg->text) == -1)
		return errf(err, errsz, "out of memory");
	html_free(&pg->pg);
	pg->parsed = 0;
	pg->html = 0;
	pg->body = 0;
	return 0;
}

/* Replaces the page with the text s (malloc'd, taken over). */
static void
page_set_text(struct page *pg, char *s, size_t n)
{
	if (pg->parsed)
		html_free(&pg->pg);
	strbuf_free(&pg->text);
	pg->text.s = s;
	pg->text.len = n;
	pg->text.cap = n + 1;
	pg->parsed = 0;
	pg->html = 0;
	pg->body = 0;
}

/* css:, xpath: keep what the selector matches; nothing is an error. */
static int
step_select(struct page *pg, const struct filter_step *st, char *err,
    size_t errsz)
{
	const char *expr = st->kind == FILTER_CSS ? st->xpath : st->arg;
	char *text = NULL;
	long n;

	if (page_parse(pg, err, errsz) == -1)
		return -1;
	pg->html = 1;
	n = html_select(&pg->pg, expr, &text, err, errsz);
	if (n == -1)
		return -1;
	if (text != NULL) {
		size_t len = strlen(text);

		if (len == 0) {		/* string(//gone): nothing either */
			free(text);
			return errf(err, errsz, "matched nothing");
		}
		page_set_text(pg, text, len);
		if (len > 0 && text[len - 1] != '\n')
			(void)strbuf_addc(&pg->text, '\n');
		return pg->text.oom ? errf(err, errsz, "out of memory") : 0;
	}
	if (n == 0)
		return errf(err, errsz, "matched nothing");
	return 0;
}

/* remove: take the matching elements out (none is fine). */
static int
step_remove(struct page *pg, const struct filter_step *st, char *err,
    size_t errsz)
{
	if (page_parse(pg, err, errsz) == -1)
		return -1;
	pg->html = 1;
	return html_remove(&pg->pg, st->xpath, err, errsz) == -1 ? -1 : 0;
}

/* text: the visible text of HTML; of other text only when it looks like
 * HTML (else it stays as it is). */
static int
step_text(struct page *pg, char *err, size_t errsz)
{
	if (!pg->html && html_sniff(strbuf_str(&pg->text), pg->text.len))
		pg->html = 1;
	return page_visible(pg, err, errsz);
}

/* A line of the text: where it starts, how long it is without '\n'. */
struct line {
	const char *s;
	size_t n;
};

/* Splits text into lines (a last line without '\n' counts).  Returns the
 * malloc'd array and its length in *nl, or NULL when out of memory. */
static struct line *
split_lines(const struct strbuf *text, size_t *nl)
{
	const char *p = strbuf_str(text), *end = p + text->len;
	size_t n = 0, cap = 64;
	struct line *l = malloc(cap * sizeof(*l));

	while (l != NULL && p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		if (e == NULL)
			e = end;
		if (n == cap) {
			struct line *m = realloc(l, 2 * cap * sizeof(*l));

			if (m == NULL) {
				free(l);
				return NULL;
			}
			l = m;
			cap *= 2;
		}
		l[n].s = p;
		l[n++].n = (size_t)(e - p);
		p = e + 1;
	}
	*nl = n;
	return l;
}

/* grep:, ignore: keep (drop) the lines the regex matches. */
static int
step_grep(struct page *pg, const struct filter_step *st, char *err,
    size_t errsz)
{
	pcre2_code *code = regex_compile(st->arg, 1, 0, err, errsz);
	pcre2_match_data *md;
	struct strbuf out = { 0 };
	struct line *l;
	size_t nl, i;
	int keep = st->kind == FILTER_GREP;

	if (code == NULL)
		return -1;
	md = pcre2_match_data_create(1, NULL);
	l = split_lines(&pg->text, &nl);
	if (md == NULL || l == NULL) {
		pcre2_match_data_free(md);
		pcre2_code_free(code);
		free(l);
		return errf(err, errsz, "out of memory");
	}
	for (i = 0; i < nl; i++) {
		int rc = pcre2_match(code, (PCRE2_SPTR)l[i].s, l[i].n, 0, 0, md,
		    NULL);

		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
			PCRE2_UCHAR msg[256];

			(void)pcre2_get_error_message(rc, msg, sizeof(msg));
			(void)errf(err, errsz, "matching failed: %s", (char *)msg);
			break;
		}
		if ((rc >= 0) == keep) {
			(void)strbuf_add(&out, l[i].s, l[i].n);
			(void)strbuf_addc(&out, '\n');
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	free(l);
	if (i < nl || out.oom) {
		if (out.oom)
			(void)errf(err, errsz, "out of memory");
		strbuf_free(&out);
		return -1;
	}
	strbuf_free(&pg->text);
	pg->text = out;
	return 0;
}

/* s/REGEX/REPLACEMENT/[gi] over the whole text (^ and $ match at every
 * line). */
static int
step_subst(struct page *pg, const struct filter_step *st, char *err,
    size_t errsz)
{
	pcre2_code *code = regex_compile(st->arg, 1, st->caseless, err, errsz);
	uint32_t opts = PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
	    PCRE2_SUBSTITUTE_UNSET_EMPTY |
	    (st->global ? PCRE2_SUBSTITUTE_GLOBAL : 0);
	PCRE2_SIZE outlen = pg->text.len + 256;
	char *out = NULL;
	int rc;

	if (code == NULL)
		return -1;
	for (;;) {
		char *o = realloc(out, outlen + 1);

		if (o == NULL) {
			free(out);
			pcre2_code_free(code);
			return errf(err, errsz, "out of memory");
		}
		out = o;
		rc = pcre2_substitute(code, (PCRE2_SPTR)strbuf_str(&pg->text),
		    pg->text.len, 0, opts, NULL, NULL, (PCRE2_SPTR)st->repl,
		    PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)out, &outlen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
	}
	pcre2_code_free(code);
	if (rc < 0) {
		PCRE2_UCHAR msg[256];

		free(out);
		(void)pcre2_get_error_message(rc, msg, sizeof(msg));
		return errf(err, errsz, "%s", (char *)msg);
	}
	out[outlen] = '\0';
	page_set_text(pg, out, outlen);
	return 0;
}

/* Orders two lines by their bytes (the C locale's order). */
static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, n);

	if (c != 0)
		return c;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* Appends to out each of l[0..nl) once, where it first came, a line
 * break after each.  Returns 0, or -1 when out of memory. */
static int
lines_uniq(const struct line *l, size_t nl, struct strbuf *out)
{
	/* An open-addressing set of the lines seen, by hash. */
	size_t cap = 16, mask, i;
	size_t *seen;

	while (cap < nl * 2)
		cap *= 2;
	mask = cap - 1;
	seen = malloc(cap * sizeof(*seen));
	if (seen == NULL)
		return -1;
	memset(seen, 0xFF, cap * sizeof(*seen));
	for (i = 0; i < nl; i++) {
		size_t h = (size_t)util_hash(l[i].s, l[i].n) & mask;
		int dup = 0;

		while (seen[h] != (size_t)-1) {
			const struct line *o = &l[seen[h]];

			if (o->n == l[i].n && memcmp(o->s, l[i].s, o->n) == 0) {
				dup = 1;
				break;
			}
			h = (h + 1) & mask;
		}
		if (dup)
			continue;
		seen[h] = i;
		(void)strbuf_add(out, l[i].s, l[i].n);
		(void)strbuf_addc(out, '\n');
	}
	free(seen);
	return 0;
}

/* sort: the lines in byte order; uniq: each line once, where it first
 * came (not only repeats next to each other). */
static int
step_lines(struct page *pg, const struct filter_step *st, char *err,
    size_t errsz)
{
	struct strbuf out = { 0 };
	struct line *l;
	size_t nl, i;
	int rc = 0;

	l = split_lines(&pg->text, &nl);
	if (l == NULL)
		return errf(err, errsz, "out of memory");
	if (st->kind == FILTER_SORT) {
		qsort(l, nl, sizeof(*l), line_cmp);
		for (i = 0; i < nl; i++) {
			(void)strbuf_add(&out, l[i].s, l[i].n);
			(void)strbuf_addc(&out, '\n');
		}
	} else {
		rc = lines_uniq(l, nl, &out);
	}
	free(l);
	if (rc == -1 || out.oom) {
		strbuf_free(&out);
		return errf(err, errsz, "out of memory");
	}
	strbuf_free(&pg->text);
	pg->text = out;
	return 0;
}

/* json: the text parsed as JSON and printed again with sorted keys,
 * indented by 2. */
static int
step_json(struct page *pg, char *err, size_t errsz)
{
	json_error_t je;
	json_t *j;
	char *s;

	j = json_loadb(strbuf_str(&pg->text), pg->text.len, JSON_DECODE_ANY,
	    &je);
	if (j == NULL)
		return errf(err, errsz, "line %d column %d: %s", je.line,
		    je.column, je.text);
	/*
	 * 15 significant digits: Jansson's default (17) prints 19.99 as
	 * 19.989999999999998; 15 print every price and most measurements
	 * as written.
	 */
	s = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(15));
	json_decref(j);
	if (s == NULL)
		return errf(err, errsz, "the JSON could not be printed again");
	strbuf_free(&pg->text);
	(void)strbuf_adds(&pg->text, s);
	(void)strbuf_addc(&pg->text, '\n');
	free(s);
	return pg->text.oom ? errf(err, errsz, "out of memory") : 0;
}

/* Returns the current time on the monotonic clock, in seconds. */
static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sets O_NONBLOCK on fd.  Returns 0 or -1. */
static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * The child of a pipe: step: in, out and err become its stdin, stdout and
 * stderr, SIGPIPE is as it was, then the command; one that cannot be run
 * says so on its stderr and exits 127.  Never returns.
 */
static void __attribute__((noreturn))
pipe_child(char **argv, int in, int out, int err)
{
	char msg[512];
	int n;

	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(127);
	(void)signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	n = snprintf(msg, sizeof(msg), "cannot run %s: %s\n", argv[0],
	    strerror(errno));
	if (n > 0)
		(void)util_write_all(2, msg, (size_t)n < sizeof(msg) ?
		    (size_t)n : sizeof(msg) - 1);
	_exit(127);
}

/*
 * Starts argv with its stdin, stdout and stderr on new pipes (our ends
 * close-on-exec and non-blocking) and SIGPIPE at its default.  (fork and
 * exec: the helper is small, and a command that cannot be run says so on
 * its stderr, which the step reports.)  Returns
 * the pid, or -1 with the reason in err.
 */
static pid_t
pipe_start(char **argv, int fds[3], char *err, size_t errsz)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1 ||
	    pipe2(er, O_CLOEXEC) == -1) {
		(void)errf(err, errsz, "pipe: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid == -1) {
		(void)errf(err, errsz, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		pipe_child(argv, in[0], out[1], er[1]);
	(void)close(in[0]);
	(void)close(out[1]);
	(void)close(er[1]);
	fds[0] = in[1];
	fds[1] = out[0];
	fds[2] = er[0];
	if (nonblock(fds[0]) == -1 || nonblock(fds[1]) == -1 ||
	    nonblock(fds[2]) == -1) {
		(void)errf(err, errsz, "fcntl: %s", strerror(errno));
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		(void)close(fds[0]);
		(void)close(fds[1]);
		(void)close(fds[2]);
		return -1;
	}
	return pid;
fail:
	if (in[0] != -1) {
		(void)close(in[0]);
		(void)close(in[1]);
	}
	if (out[0] != -1) {
		(void)close(out[0]);
		(void)close(out[1]);
	}
	if (er[0] != -1) {
		(void)close(er[0]);
		(void)close(er[1]);
	}
	return -1;
}

/* Reads what fd has now into b (at most max bytes kept).  Returns 1 at
 * the end of the file, 0 when more may come, -1 on an error. */
static int
drain(int fd, struct strbuf *b, size_t max)
{
	char buf[65536];

	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r > 0) {
			size_t keep = b->len >= max ? 0 : max - b->len;

			(void)strbuf_add(b, buf, (size_t)r < keep ? (size_t)r : keep);
			if ((size_t)r > keep)
				b->oom = b->oom || max == PIPE_MAX_OUT;
			continue;
		}
		if (r == 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -1;
	}
}

/* A running pipe: step's pipes and what came back on them. */
struct pipe_io {
	int fds[3];		/* our ends: its stdin, stdout, stderr */
	int open_out, open_err;	/* its stdout, stderr not at end yet */
	int timedout;
	size_t off;		/* how much of the page it has read */
	struct strbuf out, errs;
};

/*
 * Writes to the command's stdin what it takes now of the page; closes it
 * when all is written, or when the command stopped reading (EPIPE): it
 * gets end of file and may still answer.
 */
static void
pipe_feed(struct pipe_io *io, const struct page *pg)
{
	ssize_t w = write(io->fds[0], pg->text.s + io->off,
	    pg->text.len - io->off);

	if (w > 0)
		io->off += (size_t)w;
	if ((w == -1 && errno != EAGAIN && errno != EINTR) ||
	    io->off == pg->text.len) {
		(void)close(io->fds[0]);
		io->fds[0] = -1;
	}
}

/*
 * Feeds the page to the command and gathers its stdout and stderr until
 * both end. Stops early when the deadline passes (io->timedout), when its
 * output passes PIPE_MAX_OUT (io->out.oom) or when poll fails (a stream
 * is left open, errno says why).
 */
static void
pipe_exchange(struct pipe_io *io, const struct page *pg, double deadline)
{
	while (io->open_out || io->open_err) {
		struct pollfd pfd[3] = {
			{ io->fds[1], POLLIN, 0 }, { io->fds[2], POLLIN, 0 },
			{ io->fds[0], POLLOUT, 0 }
		};
		double left = deadline - now();
		int r;

		if (left <= 0) {
			io->timedout = 1;
			return;
		}
		if (!io->open_out)
			pfd[0].fd = -1;
		if (!io->open_err)
			pfd[1].fd = -1;
		r = poll(pfd, 3, (int)(left * 1000) + 1);
		if (r == -1 && errno != EINTR)
			return;
		if (r <= 0)
			continue;
		if (pfd[0].revents != 0 &&
		    drain(io->fds[1], &io->out, PIPE_MAX_OUT) != 0) {
			(void)close(io->fds[1]);
			io->open_out = 0;
		}
		if (pfd[1].revents != 0 &&
		    drain(io->fds[2], &io->errs, 4096) != 0) {
			(void)close(io->fds[2]);
			io->open_err = 0;
		}
		if (io->fds[0] != -1 && pfd[2].revents != 0)
			pipe_feed(io, pg);
		if (io->out.oom)
			return;
	}
}

/*
 * Closes our ends of the pipes that are still open, kills the command
 * (by its pid) when the exchange stopped early, and reaps it. Returns its
 * wait status (0 when waitpid fails).
 */
static int
pipe_end(struct pipe_io *io, pid_t pid)
{
	int status;

	if (io->fds[0] != -1)
		(void)close(io->fds[0]);
	if (io->open_out)
		(void)close(io->fds[1]);
	if (io->open_err)
		(void)close(io->fds[2]);
	if (io->timedout || io->out.oom || io->open_out || io->open_err)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			status = 0;
			break;
		}
	return status;
}

/*
 * The step's verdict on a command that ended with status: 0 with its
 * output as the page's new text, or -1 with the reason in err (timed out
 * after timeout s, poll failed, too much output, a non-zero exit with the
 * first line of its stderr, a signal). Frees io's buffers or gives them
 * to the page.
 */
static int
pipe_verdict(struct pipe_io *io, int status, struct page *pg,
    double timeout, char *err, size_t errsz)
{
	int rc = -1;

	if (io->timedout)
		(void)errf(err, errsz, "timed out after %g s, killed",
		    timeout);
	else if (io->open_out || io->open_err)
		(void)errf(err, errsz, "poll: %s", strerror(errno));
	else if (io->out.oom)
		(void)errf(err, errsz, "printed more than %u MiB",
		    PIPE_MAX_OUT >> 20);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *e = strbuf_str(&io->errs);
		size_t n = strcspn(e, "\n");

		if (WIFEXITED(status))
			(void)errf(err, errsz, "exit status %d%s%.*s",
			    WEXITSTATUS(status), n > 0 ? ": " : "",
			    (int)(n > 200 ? 200 : n), e);
		else
			(void)errf(err, errsz, "killed by signal %d",
			    WTERMSIG(status));
	} else
		rc = 0;
	strbuf_free(&io->errs);
	if (rc == -1) {
		strbuf_free(&io->out);
		return -1;
	}
	strbuf_free(&pg->text);
	pg->text = io->out;
	if (pg->text.s == NULL)
		(void)strbuf_add(&pg->text, "", 0);
	return 0;
}

/*
 * pipe: runs the command with the page on its stdin; its stdout is the
 * new text.  It may run o->timeout seconds; then it is killed (by its pid)
 * and the step fails, as it does when it exits non-zero or by a signal
 * (with the first line of what it said on stderr).
 */
static int
step_pipe(struct page *pg, const struct filter_step *st,
    const struct filter_opts *o, char *err, size_t errsz)
{
	struct pipe_io io = { { -1, -1, -1 }, 1, 1, 0, 0, { 0 }, { 0 } };
	double timeout = o->timeout > 0 ? o->timeout : 30;
	pid_t pid;
	int status;

	pid = pipe_start(st->argv, io.fds, err, errsz);
	if (pid == -1)
		return -1;
	if (pg->text.len == 0) {
		(void)close(io.fds[0]);
		io.fds[0] = -1;
	}
	pipe_exchange(&io, pg, now() + timeout);
	status = pipe_end(&io, pid);
	return pipe_verdict(&io, status, pg, timeout, err, errsz);
}

/* Runs one step over the page.  Returns 0, or -1 with the reason (without
 * the step) in err. */
static int
step_run(struct page *pg, const struct filter_step *st,
    const struct filter_opts *o, char *err, size_t errsz)
{
	switch (st->kind) {
	case FILTER_CSS:
	case FILTER_XPATH:
		return step_select(pg, st, err, errsz);
	case FILTER_REMOVE:
		return step_remove(pg, st, err, errsz);
	case FILTER_TEXT:
		return step_text(pg, err, errsz);
	case FILTER_RAW:
		if (page_bytes(pg, err, errsz) == -1)
			return -1;
		pg->html = 0;
		return 0;
	case FILTER_JSON:
	case FILTER_PIPE:
		/* The bytes as they are, HTML or not. */
		if (page_bytes(pg, err, errsz) == -1)
			return -1;
		pg->html = 0;
		pg->body = 0;
		return st->kind == FILTER_JSON ? step_json(pg, err, errsz) :
		    step_pipe(pg, st, o, err, errsz);
	default:
		/* A line step: on HTML, the visible text first. */
		if (page_visible(pg, err, errsz) == -1)
			return -1;
		pg->body = 0;
		if (st->kind == FILTER_GREP || st->kind == FILTER_IGNORE)
			return step_grep(pg, st, err, errsz);
		if (st->kind == FILTER_SUBST)
			return step_subst(pg, st, err, errsz);
		return step_lines(pg, st, err, errsz);
	}
}

/* Writes one --time line: the step, its milliseconds, its bytes out.
 * Returns the seconds that took (counting HTML bytes serialises it), for
 * the total to leave out. */
static double
time_line(const struct filter_opts *o, const char *step, double ms,
    const struct page *pg)
{
	struct strbuf html = { 0 };
	double t0 = now();

	if (o->timelog == NULL)
		return 0;
	if (pg->parsed) {
		/* The HTML the step left, counted after its time was taken. */
		(void)html_serialize(&pg->pg, &html);
		(void)fprintf(o->timelog, "%s\t%.3f\t%zu\n", step, ms, html.len);
		strbuf_free(&html);
	} else {
		(void)fprintf(o->timelog, "%s\t%.3f\t%zu\n", step, ms,
		    pg->text.len);
	}
	return now() - t0;
}

/*
 * The chain's end, after its last step: HTML becomes its visible text,
 * timed as "(text)" ("text" for an empty chain; "raw" for an empty chain
 * over a page that is no HTML), and the text must be bytes a compare
 * keeps.  Returns 0, or -1 with the reason in err.
 */
static int
chain_end(struct page *pg, const struct filter_chain *fc,
    const struct filter_opts *o, char *err, size_t errsz)
{
	char why[512];

	if (pg->html) {
		double t = now();
		int rc = page_visible(pg, why, sizeof(why));

		time_line(o, fc->n == 0 ? "text" : "(text)", (now() - t) * 1000,
		    pg);
		if (rc == -1)
			return errf(err, errsz, "text: %s", why);
	} else if (fc->n == 0) {
		time_line(o, "raw", 0, pg);
	}
	if (page_bytes(pg, why, sizeof(why)) == -1)
		return errf(err, errsz, "%s", why);
	return 0;
}

int
filter_run(const struct filter_chain *fc, const char *body, size_t len,
    const struct filter_opts *o, struct strbuf *out, char *err,
    size_t errsz)
{
	struct page pg = { 0 };
	char charset[64], why[512];
	double t0 = now(), t, untimed = 0;
	size_t i;
	int rc = 0;

	html_init();
	html_charset(o->ctype, charset, sizeof(charset));
	pg.charset = charset;
	pg.body = 1;
	if (o->ctype != NULL && *o->ctype != '\0')
		pg.html = html_type_is_html(o->ctype);
	else
		pg.html = html_sniff(body, len);
	if (strbuf_add(&pg.text, body, len) == -1)
		return errf(err, errsz, "out of memory");
	for (i = 0; i < fc->n && rc == 0; i++) {
		t = now();
		if (step_run(&pg, &fc->steps[i], o, why, sizeof(why)) == -1) {
			(void)snprintf(err, errsz, "%s: %s", fc->steps[i].text,
			    why);
			rc = -1;
		}
		untimed += time_line(o, fc->steps[i].text, (now() - t) * 1000,
		    &pg);
	}
	if (rc == 0)
		rc = chain_end(&pg, fc, o, err, errsz);
	if (rc == 0 && strbuf_add(out, strbuf_str(&pg.text), pg.text.len) == -1)
		rc = errf(err, errsz, "out of memory");
	if (o->timelog != NULL && rc == 0)
		(void)fprintf(o->timelog, "total\t%.3f\t%zu\n",
		    (now() - t0 - untimed) * 1000, out->len);
	if (pg.parsed)
		html_free(&pg.pg);
	strbuf_free(&pg.text);
	one_line(err);
	return rc;
}
