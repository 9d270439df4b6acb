/*
 * filter.h - the filter chain of a job (the jobs file's `filter` column)
 * and its `notify` condition: parsed, checked and run by sitewatch-helper.
 */
#ifndef SITEWATCH_FILTER_H
#define SITEWATCH_FILTER_H

#include <stddef.h>
#include <stdio.h>

#include "helper/strbuf.h"

enum filter_kind {
	FILTER_CSS, FILTER_XPATH, FILTER_REMOVE, FILTER_TEXT, FILTER_RAW,
	FILTER_GREP, FILTER_IGNORE, FILTER_SUBST, FILTER_SORT, FILTER_UNIQ,
	FILTER_JSON, FILTER_PIPE
};

/* One step of a chain, as written and as parsed. */
struct filter_step {
	enum filter_kind kind;
	char *text;		/* the step as written, for messages */
	char *arg;		/* selector, XPath, regex or command */
	char *xpath;		/* css:, remove: the translated selector */
	char *repl;		/* s///: the replacement, in PCRE2's syntax */
	int global, caseless;	/* s///: the g and i flags */
	char **argv;		/* pipe: the command's words */
};

/* A parsed chain.  No steps: the default (text for HTML, else raw). */
struct filter_chain {
	struct filter_step *steps;
	size_t n;
};

/* How to run a chain. */
struct filter_opts {
	const char *ctype;	/* the answer's Content-Type, or NULL */
	double timeout;		/* pipe: seconds a command may run */
	FILE *timelog;		/* not NULL: one "STEP\tMS\tBYTES" line per step */
};

/*
 * Parses chain (steps separated by " | "; empty or "-": the default) into
 * fc, checking every step: selectors are translated, XPath compiled,
 * regexes compiled (PCRE2, UTF), commands split.  Returns 0, or -1 with
 * one line in err that starts with the faulty step ("grep:(ab: missing
 * closing parenthesis at offset 3").
 */
int filter_parse(const char *chain, struct filter_chain *fc, char *err,
    size_t errsz);

/* Frees what filter_parse() filled in; fc is empty afterwards. */
void filter_free(struct filter_chain *fc);

/*
 * Runs fc over body[0..len) and appends the text to compare to out.
 * Returns 0, or -1 with one line in err naming the step that failed
 * ("css:.price: matched nothing").
 */
int filter_run(const struct filter_chain *fc, const char *body, size_t len,
    const struct filter_opts *o, struct strbuf *out, char *err,
    size_t errsz);

/*
 * Checks a notify condition: "-", "", "added" or "match:REGEX".  Returns
 * 0, or -1 with the reason in err.
 */
int filter_notify_check(const char *cond, char *err, size_t errsz);

/*
 * Returns 1 when the regex re (Perl syntax, as in grep:) matches one of
 * the lines of s[0..n), 0 when none, -1 with a reason in err when re is
 * bad.
 */
int filter_match_lines(const char *re, const char *s, size_t n, char *err,
    size_t errsz);


#endif
