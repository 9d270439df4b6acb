/*
 * import.c - urlwatch's job file read into sitewatch rows.
 *
 * urls.yaml is a YAML stream with one job per document: a mapping with
 * `url` (or `command`, `navigate` for the jobs sitewatch cannot run),
 * `name`, `filter` and options.  libyaml's loader builds each document's
 * node graph, with the line of every node, and this module walks it.
 *
 * urlwatch writes a filter list two ways: a string of steps separated by
 * commas, each `KIND` or `KIND:VALUE` ("css:div.x,html2text"), or a YAML
 * list whose items are `KIND`, `{KIND: VALUE}` or `{KIND: {OPTION:
 * VALUE...}}`; a bare VALUE sets the kind's default option (`selector`
 * for css).  Each step becomes a step of sitewatch's chain (`css:SEL`,
 * `xpath:EXPR`, `text`, `grep:RE`, `ignore:RE`, `s/RE/REPL/g`, `sort`,
 * `uniq`, `json`), joined by " | ".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "common/util.h"
#include "helper/import.h"
#include "helper/strbuf.h"

#define STEP_MAX_OPTS 8

/* The conversion of one file: where results go and the current job. */
struct conv {
	struct import_result *r;
	yaml_document_t *doc;
	char label[96];		/* the current job, as messages call it */
	int nomem;
};

/* One urlwatch filter step: its kind and its options, as scalars. */
struct step {
	const char *kind;
	size_t line;
	size_t nopts;
	struct {
		const char *key, *val;
		size_t line;
		int used;
	} opt[STEP_MAX_OPTS];
};

/* Appends s[0..n) to b (the helper's strbuf; its s is NULL until
 * something is added).  Returns 0, or -1 (and sets c->nomem). */
static int
sbuf_add(struct conv *c, struct strbuf *b, const char *s, size_t n)
{
	if (strbuf_add(b, s, n) == -1) {
		c->nomem = 1;
		return -1;
	}
	return 0;
}

/* Appends the NUL-terminated s to b.  Returns 0 or -1. */
static int
sbuf_puts(struct conv *c, struct strbuf *b, const char *s)
{
	return sbuf_add(c, b, s, strlen(s));
}

/*
 * Copies s into out (room for outsz >= 8 bytes) for a message: control
 * characters become '?', and a long s is cut at a character boundary and
 * ends in "...".  Returns out.
 */
static char *
clip(const char *s, char *out, size_t outsz)
{
	size_t n = 0, max = outsz - 4;
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (n >= max) {
			/* Not inside a character: out[n] is what would come
			 * next (there is room for it and "..."). */
			out[n] = (char)*p;
			n = util_utf8_cut(out, n);
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		out[n++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
	}
	out[n] = '\0';
	return out;
}

/* Records a problem at line (1-based) about the current job. */
static void __attribute__((format(printf, 3, 4)))
problem(struct conv *c, size_t line, const char *fmt, ...)
{
	struct import_problem *p;
	char msg[1024], safe[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	p = realloc(c->r->problems, (c->r->nproblems + 1) * sizeof(*p));
	if (p == NULL) {
		c->nomem = 1;
		return;
	}
	c->r->problems = p;
	p += c->r->nproblems;
	p->line = line;
	p->msg = strdup(clip(msg, safe, sizeof(safe)));
	if (p->msg == NULL)
		c->nomem = 1;
	else
		c->r->nproblems++;
}

/* Returns the 1-based line of node. */
static size_t
line_of(const yaml_node_t *node)
{
	return node->start_mark.line + 1;
}

/* Returns the text of a scalar node, or NULL for any other node. */
static const char *
scalar(const yaml_node_t *node)
{
	return node != NULL && node->type == YAML_SCALAR_NODE ?
	    (const char *)node->data.scalar.value : NULL;
}

/* Returns 1 when node is YAML's null: a missing value, ~ or null. */
static int
is_null(const yaml_node_t *node)
{
	const char *s = scalar(node);

	if (node == NULL)
		return 1;
	if (s == NULL || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* Returns 1 when a scalar says false in YAML 1.1 (as urlwatch reads it). */
static int
is_false(const yaml_node_t *node)
{
	static const char *const no[] = { "false", "no", "off" };
	const char *s = scalar(node);
	size_t i;

	for (i = 0; s != NULL && i < ARRAY_LEN(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 1;
	return 0;
}

/* Returns 1 when a scalar says true in YAML 1.1. */
static int
is_true(const yaml_node_t *node)
{
	static const char *const yes[] = { "true", "yes", "on" };
	const char *s = scalar(node);
	size_t i;

	for (i = 0; s != NULL && i < ARRAY_LEN(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	return 0;
}

/* Returns 1 when the scalar's text holds a control character (a NUL
 * inside it too), else 0. */
static int
has_control(const yaml_node_t *node)
{
	const unsigned char *p = node->data.scalar.value;
	size_t i;

	for (i = 0; i < node->data.scalar.length; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 1;
	return 0;
}

/* Returns the value of key in the mapping node, or NULL. */
static yaml_node_t *
map_get(struct conv *c, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pr;

	for (pr = map->data.mapping.pairs.start;
	    pr < map->data.mapping.pairs.top; pr++) {
		const char *k = scalar(yaml_document_get_node(c->doc, pr->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(c->doc, pr->value);
	}
	return NULL;
}

/* Returns the value of option key of st (marking it used), or NULL. */
static const char *
opt_get(struct step *st, const char *key)
{
	size_t i;

	for (i = 0; i < st->nopts; i++)
		if (strcmp(st->opt[i].key, key) == 0) {
			st->opt[i].used = 1;
			return st->opt[i].val;
		}
	return NULL;
}

/*
 * Appends s to b as a PCRE2 pattern matching s literally: every ASCII
 * punctuation character gets a backslash.  Returns 0 or -1.
 */
static int
add_literal(struct conv *c, struct strbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		char two[2] = { '\\', *s };
		int punct = (unsigned char)*s < 0x80 && *s > ' ' &&
		    !(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'z') &&
		    !(*s >= 'A' && *s <= 'Z') && *s != '_';

		if (sbuf_add(c, b, punct ? two : two + 1, punct ? 2 : 1) == -1)
			return -1;
	}
	return 0;
}

/* css: SELECTOR, with `exclude` as a remove: step after it. */
static int
conv_css(struct conv *c, struct step *st, struct strbuf *out)
{
	const char *sel = opt_get(st, "selector"), *ex = opt_get(st, "exclude");
	const char *method = opt_get(st, "method");

	if (method != NULL && strcmp(method, "html") != 0) {
		problem(c, st->line, "job \"%s\": filter \"css\" with method "
		    "\"%s\" has no sitewatch equivalent (sitewatch parses "
		    "HTML)", c->label, method);
		return -1;
	}
	if (sel == NULL) {
		problem(c, st->line, "job \"%s\": filter \"css\" without a "
		    "selector", c->label);
		return -1;
	}
	if (sbuf_puts(c, out, "css:") == -1 || sbuf_puts(c, out, sel) == -1)
		return -1;
	if (ex != NULL && (sbuf_puts(c, out, " | remove:") == -1 ||
	    sbuf_puts(c, out, ex) == -1))
		return -1;
	return 0;
}

/* xpath: EXPR. */
static int
conv_xpath(struct conv *c, struct step *st, struct strbuf *out)
{
	const char *path = opt_get(st, "path"), *method = opt_get(st, "method");

	if (method != NULL && strcmp(method, "html") != 0) {
		problem(c, st->line, "job \"%s\": filter \"xpath\" with method "
		    "\"%s\" has no sitewatch equivalent (sitewatch parses "
		    "HTML)", c->label, method);
		return -1;
	}
	if (path == NULL) {
		problem(c, st->line, "job \"%s\": filter \"xpath\" without a "
		    "path", c->label);
		return -1;
	}
	return sbuf_puts(c, out, "xpath:") == -1 ||
	    sbuf_puts(c, out, path) == -1 ? -1 : 0;
}

/* element-by-id, -class, -tag: the CSS selector that says the same. */
static int
conv_element(struct conv *c, struct step *st, struct strbuf *out)
{
	const char *v, *prefix;

	if ((v = opt_get(st, "id")) != NULL)
		prefix = "css:#";
	else if ((v = opt_get(st, "class")) != NULL)
		prefix = "css:.";
	else if ((v = opt_get(st, "tag")) != NULL)
		prefix = "css:";
	else {
		problem(c, st->line, "job \"%s\": filter \"%s\" without a "
		    "value", c->label, st->kind);
		return -1;
	}
	return sbuf_puts(c, out, prefix) == -1 || sbuf_puts(c, out, v) == -1 ?
	    -1 : 0;
}

/* html2text, whatever its method: sitewatch's text step. */
static int
conv_text(struct conv *c, struct step *st, struct strbuf *out)
{
	(void)opt_get(st, "method");
	return sbuf_puts(c, out, "text");
}

/*
 * grep, grepi, keep_lines_containing, delete_lines_containing: grep:RE
 * or ignore:RE; a plain `text` option becomes a literal pattern.
 */
static int
conv_grep(struct conv *c, struct step *st, struct strbuf *out)
{
	int keep = strcmp(st->kind, "grep") == 0 ||
	    strcmp(st->kind, "keep_lines_containing") == 0;
	const char *re = opt_get(st, "re"), *text = opt_get(st, "text");

	if (re == NULL && text == NULL) {
		problem(c, st->line, "job \"%s\": filter \"%s\" without a "
		    "pattern", c->label, st->kind);
		return -1;
	}
	if (sbuf_puts(c, out, keep ? "grep:" : "ignore:") == -1)
		return -1;
	return re != NULL ? sbuf_puts(c, out, re) : add_literal(c, out, text);
}

/*
 * Appends Python's replacement template repl to b in the syntax of
 * sitewatch's s/// step (pcre2_substitute's): \N and \g<NAME> become ${N}
 * and ${NAME}, \\ stays (a backslash), $ is doubled.
 * Returns 0, or -1 after recording why (another escape) or without memory.
 */
static int
add_repl(struct conv *c, struct step *st, struct strbuf *b, const char *repl)
{
	const char *p, *end;

	for (p = repl; *p != '\0'; p++) {
		if (*p == '$') {
			if (sbuf_puts(c, b, "$$") == -1)
				return -1;
		} else if (*p != '\\') {
			if (sbuf_add(c, b, p, 1) == -1)
				return -1;
		} else if (p[1] >= '1' && p[1] <= '9') {
			size_t n = p[2] >= '0' && p[2] <= '9' ? 2 : 1;

			if (sbuf_puts(c, b, "${") == -1 ||
			    sbuf_add(c, b, p + 1, n) == -1 ||
			    sbuf_puts(c, b, "}") == -1)
				return -1;
			p += n;
		} else if (p[1] == 'g' && p[2] == '<' &&
		    (end = strchr(p + 3, '>')) != NULL && end > p + 3) {
			if (sbuf_puts(c, b, "${") == -1 ||
			    sbuf_add(c, b, p + 3, (size_t)(end - p - 3)) == -1 ||
			    sbuf_puts(c, b, "}") == -1)
				return -1;
			p = end;
		} else if (p[1] == '\\') {
			/* The s/// step reads \\ as one backslash, as Python. */
			if (sbuf_puts(c, b, "\\\\") == -1)
				return -1;
			p++;
		} else {
			problem(c, st->line, "job \"%s\": filter \"re.sub\": "
			    "the escape \"\\%c\" in its replacement has no "
			    "sitewatch equivalent", c->label, p[1] != '\0' ?
			    p[1] : ' ');
			return -1;
		}
	}
	return 0;
}

/* re.sub: s/PATTERN/REPL/g, with a delimiter neither of them holds. */
static int
conv_sub(struct conv *c, struct step *st, struct strbuf *out)
{
	static const char delims[] = "/#|!@%,:~=";
	const char *pat = opt_get(st, "pattern"), *repl = opt_get(st, "repl");
	struct strbuf r = { 0 };
	const char *d;
	int rc = -1;

	if (pat == NULL) {
		problem(c, st->line, "job \"%s\": filter \"re.sub\" without a "
		    "pattern", c->label);
		return -1;
	}
	if (sbuf_puts(c, &r, "") == -1 ||
	    add_repl(c, st, &r, repl != NULL ? repl : "") == -1)
		goto out;
	for (d = delims; *d != '\0'; d++)
		if (strchr(pat, *d) == NULL && strchr(r.s, *d) == NULL)
			break;
	if (*d == '\0') {
		problem(c, st->line, "job \"%s\": filter \"re.sub\": its "
		    "pattern and replacement hold every delimiter sitewatch "
		    "could use (%s)", c->label, delims);
		goto out;
	}
	if (sbuf_puts(c, out, "s") == -1 || sbuf_add(c, out, d, 1) == -1 ||
	    sbuf_puts(c, out, pat) == -1 || sbuf_add(c, out, d, 1) == -1 ||
	    sbuf_puts(c, out, r.s) == -1 || sbuf_add(c, out, d, 1) == -1 ||
	    sbuf_puts(c, out, "g") == -1)
		goto out;
	rc = 0;
out:
	free(r.s);
	return rc;
}

/* sort (not reversed: sitewatch's sort is ascending). */
static int
conv_sort(struct conv *c, struct step *st, struct strbuf *out)
{
	const char *rev = opt_get(st, "reverse");

	if (rev != NULL && strcasecmp(rev, "false") != 0) {
		problem(c, st->line, "job \"%s\": filter \"sort\" with "
		    "reverse has no sitewatch equivalent", c->label);
		return -1;
	}
	return sbuf_puts(c, out, "sort");
}

/* remove-duplicate-lines: uniq. */
static int
conv_uniq(struct conv *c, struct step *st, struct strbuf *out)
{
	(void)st;
	return sbuf_puts(c, out, "uniq");
}

/* format-json: json (pretty-printed with sorted keys). */
static int
conv_json(struct conv *c, struct step *st, struct strbuf *out)
{
	(void)opt_get(st, "indentation");
	(void)opt_get(st, "sort_keys");
	return sbuf_puts(c, out, "json");
}

/* The urlwatch filters sitewatch can do, with their default options. */
static const struct kind {
	const char *name, *deflt;
	int (*conv)(struct conv *, struct step *, struct strbuf *);
} kinds[] = {
	{ "css", "selector", conv_css },
	{ "xpath", "path", conv_xpath },
	{ "element-by-id", "id", conv_element },
	{ "element-by-class", "class", conv_element },
	{ "element-by-tag", "tag", conv_element },
	{ "html2text", "method", conv_text },
	{ "grep", "re", conv_grep },
	{ "grepi", "re", conv_grep },
	{ "keep_lines_containing", "text", conv_grep },
	{ "delete_lines_containing", "text", conv_grep },
	{ "re.sub", "pattern", conv_sub },
	{ "sort", NULL, conv_sort },
	{ "remove-duplicate-lines", "separator", conv_uniq },
	{ "format-json", "indentation", conv_json },
};

/*
 * Converts one urlwatch step and appends it to chain.  A step sitewatch
 * cannot do, or one whose text would not survive in the filter column,
 * is recorded as a problem and left out.
 */
static void
convert_step(struct conv *c, struct step *st, struct strbuf *chain)
{
	const struct kind *k = NULL;
	struct strbuf s = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].name, st->kind) == 0)
			k = &kinds[i];
	if (k == NULL) {
		problem(c, st->line, "job \"%s\": filter \"%s\" has no "
		    "sitewatch equivalent", c->label, st->kind);
		return;
	}
	/* A bare value is the kind's default option. */
	if (st->nopts == 1 && st->opt[0].key == NULL) {
		if (k->deflt == NULL) {
			problem(c, st->line, "job \"%s\": filter \"%s\" takes "
			    "no value", c->label, st->kind);
			return;
		}
		st->opt[0].key = k->deflt;
	}
	for (i = 0; i < st->nopts; i++) {
		const unsigned char *q = (const unsigned char *)st->opt[i].val;

		while (*q >= 0x20 && *q != 0x7f)
			q++;
		if (*q != '\0') {
			problem(c, st->line, "job \"%s\": filter \"%s\" holds "
			    "a control character", c->label, st->kind);
			return;
		}
		if (strstr(st->opt[i].val, " | ") != NULL) {
			problem(c, st->line, "job \"%s\": filter \"%s\" holds "
			    "\" | \", which separates sitewatch's filter steps",
			    c->label, st->kind);
			return;
		}
	}
	if (sbuf_puts(c, &s, "") == -1 || k->conv(c, st, &s) == -1)
		goto out;
	for (i = 0; i < st->nopts; i++)
		if (!st->opt[i].used)
			problem(c, st->opt[i].line, "job \"%s\": filter \"%s\": "
			    "option \"%s\" has no sitewatch equivalent",
			    c->label, st->kind, st->opt[i].key);
	if (chain->len > 0)
		(void)sbuf_puts(c, chain, " | ");
	(void)sbuf_puts(c, chain, s.s);
out:
	free(s.s);
}

/*
 * Fills st from one item of a filter list: "KIND", "KIND:VALUE",
 * {KIND: VALUE} or {KIND: {OPTION: VALUE...}}.  Returns 0, or -1 after
 * recording why the item cannot be read.
 */
static int
read_step(struct conv *c, yaml_node_t *item, struct step *st)
{
	yaml_node_t *v;
	yaml_node_pair_t *pr;

	memset(st, 0, sizeof(*st));
	st->line = line_of(item);
	if (item->type == YAML_SCALAR_NODE) {
		/* "KIND:VALUE" is split by the caller of a string list. */
		st->kind = scalar(item);
		return 0;
	}
	if (item->type != YAML_MAPPING_NODE ||
	    item->data.mapping.pairs.top - item->data.mapping.pairs.start != 1 ||
	    (st->kind = scalar(yaml_document_get_node(c->doc,
	    item->data.mapping.pairs.start->key))) == NULL) {
		problem(c, st->line, "job \"%s\": a filter must be a name or "
		    "a mapping of one name to its options", c->label);
		return -1;
	}
	v = yaml_document_get_node(c->doc, item->data.mapping.pairs.start->value);
	if (is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE) {
		st->nopts = 1;
		st->opt[0].val = scalar(v);
		st->opt[0].line = line_of(v);
		return 0;
	}
	if (v->type != YAML_MAPPING_NODE) {
		problem(c, line_of(v), "job \"%s\": filter \"%s\": its options "
		    "must be a value or a mapping", c->label, st->kind);
		return -1;
	}
	for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	    pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);

		if (scalar(kn) == NULL || scalar(vn) == NULL ||
		    st->nopts == STEP_MAX_OPTS) {
			problem(c, line_of(kn), "job \"%s\": filter \"%s\": an "
			    "option that is not a plain value", c->label,
			    st->kind);
			return -1;
		}
		st->opt[st->nopts].key = scalar(kn);
		st->opt[st->nopts].val = scalar(vn);
		st->opt[st->nopts].line = line_of(kn);
		st->nopts++;
	}
	return 0;
}

/* Converts a filter in the old string form, "KIND[:VALUE],KIND[:VALUE]
 * ...", onto chain. */
static void
convert_filter_string(struct conv *c, yaml_node_t *f, struct strbuf *chain)
{
	char *copy = strdup(scalar(f)), *item, *save = NULL;
	struct step st;

	if (copy == NULL) {
		c->nomem = 1;
		return;
	}
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');

		memset(&st, 0, sizeof(st));
		st.line = line_of(f);
		st.kind = item;
		if (colon != NULL) {
			*colon = '\0';
			st.nopts = 1;
			st.opt[0].val = colon + 1;
			st.opt[0].line = st.line;
		}
		convert_step(c, &st, chain);
	}
	free(copy);
}

/* Converts a filter written as a list of steps onto chain. */
static void
convert_filter_list(struct conv *c, yaml_node_t *f, struct strbuf *chain)
{
	yaml_node_item_t *it;
	struct step st;

	for (it = f->data.sequence.items.start;
	    it < f->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		char *copy = NULL;

		if (read_step(c, item, &st) == -1)
			continue;
		if (st.nopts == 0 && strchr(st.kind, ':') != NULL) {
			/* An item written "css:div.x" in a list. */
			if ((copy = strdup(st.kind)) == NULL) {
				c->nomem = 1;
				return;
			}
			*strchr(copy, ':') = '\0';
			st.kind = copy;
			st.nopts = 1;
			st.opt[0].val = copy + strlen(copy) + 1;
			st.opt[0].line = st.line;
		}
		convert_step(c, &st, chain);
		free(copy);
	}
}

/*
 * Converts a job's filter node (a string or a list) into a sitewatch
 * chain.  Returns the chain (malloc'd) or NULL when no step carried over.
 */
static char *
convert_filter(struct conv *c, yaml_node_t *f)
{
	struct strbuf chain = { 0 };

	if (is_null(f))
		return NULL;
	if (f->type == YAML_SCALAR_NODE)
		convert_filter_string(c, f, &chain);
	else if (f->type == YAML_SEQUENCE_NODE)
		convert_filter_list(c, f, &chain);
	else
		problem(c, line_of(f), "job \"%s\": filter must be a string or "
		    "a list", c->label);
	return chain.s;
}

/* The job keys that change nothing sitewatch does, or that it does its
 * own way (retries, error reporting): skipped without a word. */
static const char *const quiet_keys[] = {
	"name", "url", "kind", "filter", "max_tries", "ignore_cached",
	"ignore_connection_errors", "ignore_http_error_codes",
	"ignore_timeout_errors", "ignore_too_many_redirects", "timeout",
	"compared_versions", "contextlines", "treat_new_as_changed",
	"monospace", "is_markdown", "markdown_padded_tables",
	"user_visible_url", "enabled", "use_browser", "method", "data",
	"diff_tool",
};

/* Records a problem for each key of job that sitewatch does not carry
 * over (headers, cookies, diff_filter...). */
static void
report_keys(struct conv *c, const yaml_node_t *job)
{
	yaml_node_pair_t *pr;
	size_t i;

	for (pr = job->data.mapping.pairs.start;
	    pr < job->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		const char *k = scalar(kn);

		for (i = 0; k != NULL && i < ARRAY_LEN(quiet_keys); i++)
			if (strcmp(k, quiet_keys[i]) == 0)
				break;
		if (k != NULL && i == ARRAY_LEN(quiet_keys))
			problem(c, line_of(kn), "job \"%s\": \"%s\" has no "
			    "sitewatch equivalent (imported without it)",
			    c->label, k);
	}
}

/*
 * Returns 1 when the job is one sitewatch cannot run (a command, a
 * browser, a POST, a disabled job), after recording why; else 0.
 */
static int
not_runnable(struct conv *c, yaml_node_t *job, yaml_node_t *url)
{
	const char *kind = scalar(map_get(c, job, "kind"));
	const char *method = scalar(map_get(c, job, "method"));
	yaml_node_t *v;
	size_t line = line_of(job);

	if (map_get(c, job, "command") != NULL ||
	    (kind != NULL && strcmp(kind, "shell") == 0)) {
		problem(c, line, "job \"%s\": command jobs have no sitewatch "
		    "equivalent (not imported)", c->label);
		return 1;
	}
	if (map_get(c, job, "navigate") != NULL ||
	    (kind != NULL && strcmp(kind, "browser") == 0) ||
	    is_true(map_get(c, job, "use_browser"))) {
		problem(c, line, "job \"%s\": browser jobs (navigate, "
		    "use_browser) have no sitewatch equivalent (not imported)",
		    c->label);
		return 1;
	}
	if (url == NULL || scalar(url) == NULL) {
		problem(c, line, "job \"%s\": no url (not imported)", c->label);
		return 1;
	}
	if (map_get(c, job, "data") != NULL ||
	    (method != NULL && strcasecmp(method, "GET") != 0)) {
		problem(c, line, "job \"%s\": sitewatch only sends GET "
		    "requests (method, data; not imported)", c->label);
		return 1;
	}
	if ((v = map_get(c, job, "enabled")) != NULL && is_false(v)) {
		problem(c, line, "job \"%s\": disabled in urlwatch (enabled: "
		    "false; not imported)", c->label);
		return 1;
	}
	return 0;
}

/* Converts one document, a job, and appends it to c->r (or a problem). */
static void
convert_job(struct conv *c, yaml_node_t *job, size_t index)
{
	yaml_node_t *name, *url;
	struct import_job *j;
	char made[128];

	if (is_null(job))
		return;		/* an empty document: "---" twice */
	(void)snprintf(c->label, sizeof(c->label), "#%zu", index);
	if (job->type != YAML_MAPPING_NODE) {
		problem(c, line_of(job), "document %zu is not a job (a mapping "
		    "with a url)", index);
		return;
	}
	name = map_get(c, job, "name");
	url = map_get(c, job, "url");
	if (scalar(name) != NULL && *scalar(name) != '\0')
		(void)clip(scalar(name), c->label, sizeof(c->label));
	else if (scalar(url) != NULL)
		(void)clip(scalar(url), c->label, sizeof(c->label));
	if (not_runnable(c, job, url))
		return;
	if (has_control(url) || (scalar(name) != NULL && has_control(name))) {
		problem(c, line_of(job), "job \"%s\": its name or url holds a "
		    "control character (not imported)", c->label);
		return;
	}
	j = realloc(c->r->jobs, (c->r->njobs + 1) * sizeof(*j));
	if (j == NULL) {
		c->nomem = 1;
		return;
	}
	c->r->jobs = j;
	j += c->r->njobs;
	memset(j, 0, sizeof(*j));
	j->line = line_of(job);
	if (scalar(name) != NULL && *scalar(name) != '\0')
		j->name = strdup(scalar(name));
	else if (import_name_from_url(scalar(url), made, sizeof(made)) == 0)
		j->name = strdup(made);
	j->url = strdup(scalar(url));
	if (j->name == NULL || j->url == NULL) {
		free(j->name);
		free(j->url);
		c->nomem = 1;
		return;
	}
	c->r->njobs++;
	report_keys(c, job);
	j->filter = convert_filter(c, map_get(c, job, "filter"));
}

int
import_urlwatch(const char *buf, size_t len, struct import_result *r,
    size_t *errline, char *err, size_t errsz)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct conv c;
	size_t index = 0;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	c.r = r;
	*errline = 0;
	if (!yaml_parser_initialize(&parser)) {
		errno = ENOMEM;
		return errf(err, errsz, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				errno = ENOMEM;
				rc = errf(err, errsz, "out of memory");
				break;
			}
			*errline = (parser.error == YAML_READER_ERROR ? 0 :
			    parser.problem_mark.line) + 1;
			rc = errf(err, errsz, "not valid YAML: %s%s%s",
			    parser.problem != NULL ? parser.problem : "error",
			    parser.context != NULL ? " " : "",
			    parser.context != NULL ? parser.context : "");
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);	/* the end of the stream */
			break;
		}
		c.doc = &doc;
		convert_job(&c, root, ++index);
		yaml_document_delete(&doc);
		if (c.nomem) {
			errno = ENOMEM;
			rc = errf(err, errsz, "out of memory");
			break;
		}
	}
	yaml_parser_delete(&parser);
	if (rc == -1)
		import_free(r);
	return rc;
}

void
import_free(struct import_result *r)
{
	size_t i;

	for (i = 0; i < r->njobs; i++) {
		free(r->jobs[i].name);
		free(r->jobs[i].url);
		free(r->jobs[i].filter);
	}
	for (i = 0; i < r->nproblems; i++)
		free(r->problems[i].msg);
	free(r->jobs);
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

int
import_name_from_url(const char *url, char *out, size_t outsz)
{
	const char *p = strstr(url, "://"), *end;
	size_t n;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		p = (const char *)memchr(p, '@', (size_t)(end - p)) + 1;
	if (strncmp(p, "www.", 4) == 0)
		p += 4;
	n = strcspn(p, "?#");
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n > 64) {
		n = util_utf8_cut(p, 64);
	}
	if (n == 0) {
		p = "job";
		n = 3;
	}
	if (n >= outsz)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}
