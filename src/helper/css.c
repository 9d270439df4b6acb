/*
 * css.c - a CSS selector subset translated into XPath 1.0.
 *
 * No Debian package translates CSS to XPath in C (libxml2 has XPath only;
 * cssselect is Python), so this is written here, after the rules of
 * cssselect's HTMLTranslator: the same expressions for the same
 * selectors, so that what people learnt from Scrapy, lxml and urlwatch
 * carries over.  An expression is built as three parts, the way
 * cssselect's XPathExpr is: a path (what comes before the element test),
 * the element test and a condition (the predicate).  A recursive-descent
 * parser reads the selector and builds the parts as it goes.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "helper/css.h"
#include "helper/strbuf.h"

/* One XPath expression under construction (cssselect's XPathExpr). */
struct xexpr {
	struct strbuf path, element, cond;
};

/* The parser's state: the selector, where it is, the first error. */
struct css_parser {
	const char *s;
	size_t pos;
	int depth;		/* 1 inside :not() */
	char *err;
	size_t errsz;
	int failed;
};

/* Records the first error, with the offset where it was found.  Returns
 * -1. */
static int
css_fail(struct css_parser *p, size_t at, const char *what)
{
	char *c;

	if (!p->failed && p->errsz > 0) {
		(void)snprintf(p->err, p->errsz, "%s at offset %zu", what, at);
		/* A name from an escape may hold a line break: one line. */
		for (c = p->err; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20)
				*c = '?';
	}
	p->failed = 1;
	return -1;
}

static void
xexpr_free(struct xexpr *x)
{
	strbuf_free(&x->path);
	strbuf_free(&x->element);
	strbuf_free(&x->cond);
}

/* Appends x as XPath (path, element, [condition]) to out. */
static void
xexpr_format(const struct xexpr *x, struct strbuf *out)
{
	(void)strbuf_add(out, strbuf_str(&x->path), x->path.len);
	(void)strbuf_add(out, strbuf_str(&x->element), x->element.len);
	if (x->cond.len > 0)
		(void)strbuf_addf(out, "[%s]", strbuf_str(&x->cond));
}

/* ANDs (or ORs) condition c into x's predicate, parenthesising both
 * sides when there already is one, as cssselect does. */
static void
xexpr_add_condition(struct xexpr *x, const char *c)
{
	struct strbuf n = { 0 };

	if (x->cond.len == 0) {
		(void)strbuf_adds(&x->cond, c);
		return;
	}
	(void)strbuf_addf(&n, "(%s) and (%s)", strbuf_str(&x->cond), c);
	strbuf_free(&x->cond);
	x->cond = n;
}

/* Appends s as an XPath string literal: '...', "..." or concat() when s
 * holds both kinds of quote. */
static void
xpath_literal(struct strbuf *out, const char *s)
{
	const char *p;

	if (strchr(s, '\'') == NULL) {
		(void)strbuf_addf(out, "'%s'", s);
		return;
	}
	if (strchr(s, '"') == NULL) {
		(void)strbuf_addf(out, "\"%s\"", s);
		return;
	}
	(void)strbuf_adds(out, "concat(");
	for (p = s; *p != '\0';) {
		int q = *p == '\'';
		size_t n = 0;

		while (p[n] != '\0' && (p[n] == '\'') == q)
			n++;
		if (p != s)
			(void)strbuf_addc(out, ',');
		(void)strbuf_addc(out, q ? '"' : '\'');
		(void)strbuf_add(out, p, n);
		(void)strbuf_addc(out, q ? '"' : '\'');
		p += n;
	}
	(void)strbuf_addc(out, ')');
}

/* Turns the element test into a name() condition (cssselect's
 * add_name_test), so that a later step can use the '*' test. */
static void
xexpr_add_name_test(struct xexpr *x)
{
	struct strbuf c = { 0 };

	if (strcmp(strbuf_str(&x->element), "*") == 0)
		return;
	(void)strbuf_adds(&c, "name() = ");
	xpath_literal(&c, strbuf_str(&x->element));
	xexpr_add_condition(x, strbuf_str(&c));
	strbuf_free(&c);
	strbuf_reset(&x->element);
	(void)strbuf_addc(&x->element, '*');
}

/* Joins left COMBINER right into left (cssselect's XPathExpr.join);
 * right is freed. */
static void
xexpr_join(struct xexpr *left, const char *combiner, struct xexpr *right)
{
	struct strbuf path = { 0 };

	xexpr_format(left, &path);
	(void)strbuf_adds(&path, combiner);
	if (strcmp(strbuf_str(&right->path), "*/") != 0)
		(void)strbuf_add(&path, strbuf_str(&right->path), right->path.len);
	xexpr_free(left);
	left->path = path;
	left->element = right->element;
	left->cond = right->cond;
	memset(right, 0, sizeof(*right));
}

/* Returns 1 when name can be written as an XPath name test as it is:
 * [a-zA-Z_][a-zA-Z0-9_.-]*, cssselect's "safe" names. */
static int
safe_name(const char *name)
{
	const char *p = name;

	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return 0;
	for (p++; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
		    *p == '-'))
			return 0;
	return 1;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Skips white space.  Returns 1 when there was some. */
static int
skip_ws(struct css_parser *p)
{
	size_t start = p->pos;

	while (is_ws(p->s[p->pos]))
		p->pos++;
	return p->pos > start;
}

/* Appends code point cp to out as UTF-8 (U+FFFD for what is not a
 * character, as CSS says for escapes). */
static void
put_utf8(struct strbuf *out, unsigned long cp)
{
	char b[4];

	/* What CSS calls invalid, and what XML (so XPath) cannot hold. */
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
	    (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    cp == 0xFFFE || cp == 0xFFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		b[0] = (char)cp;
		(void)strbuf_add(out, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		(void)strbuf_add(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		(void)strbuf_add(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		(void)strbuf_add(out, b, 4);
	}
}

/* Reads a backslash escape at p->pos (just after the backslash) into out:
 * up to six hex digits and one optional white space, or the next
 * character itself.  Returns 0, or -1 at the end of the selector. */
static int
read_escape(struct css_parser *p, struct strbuf *out)
{
	unsigned long cp = 0;
	int n = 0;

	if (p->s[p->pos] == '\0')
		return css_fail(p, p->pos, "a backslash at the end");
	while (n < 6 && isxdigit((unsigned char)p->s[p->pos])) {
		char c = p->s[p->pos++];

		cp = cp * 16 + (unsigned long)(isdigit((unsigned char)c) ?
		    c - '0' : (tolower((unsigned char)c) - 'a' + 10));
		n++;
	}
	if (n > 0) {
		if (p->s[p->pos] == '\r' && p->s[p->pos + 1] == '\n')
			p->pos += 2;
		else if (is_ws(p->s[p->pos]))
			p->pos++;
		put_utf8(out, cp);
		return 0;
	}
	if ((unsigned char)p->s[p->pos] < 0x80)
		put_utf8(out, (unsigned char)p->s[p->pos++]);	/* controls: U+FFFD */
	else
		(void)strbuf_addc(out, p->s[p->pos++]);
	return 0;
}

static int
name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

/* Reads a CSS name (identifier characters and escapes) into out.  An
 * identifier (ident != 0) may not start with a digit, or with '-' and a
 * digit.  Returns 0, or -1 when there is no name at p->pos. */
static int
read_name(struct css_parser *p, struct strbuf *out, int ident)
{
	size_t start = p->pos;
	const char *s = p->s;

	if (ident && (isdigit((unsigned char)s[start]) ||
	    (s[start] == '-' && isdigit((unsigned char)s[start + 1]))))
		return css_fail(p, start, "a name may not start with a digit");
	while (s[p->pos] != '\0') {
		if (s[p->pos] == '\\') {
			p->pos++;
			if (read_escape(p, out) == -1)
				return -1;
		} else if (name_char((unsigned char)s[p->pos])) {
			(void)strbuf_addc(out, s[p->pos++]);
		} else {
			break;
		}
	}
	if (p->pos == start)
		return css_fail(p, start, "expected a name");
	return 0;
}

/* Reads a quoted string at p->pos into out.  Returns 0 or -1. */
static int
read_string(struct css_parser *p, struct strbuf *out)
{
	size_t start = p->pos;
	char q = p->s[p->pos++];

	for (;;) {
		char c = p->s[p->pos];

		if (c == '\0' || c == '\n')
			return css_fail(p, start, "an unclosed string");
		if ((unsigned char)c < 0x20 && c != '\t')
			return css_fail(p, p->pos, "a control character in a string");
		p->pos++;
		if (c == q)
			return 0;
		if (c != '\\') {
			(void)strbuf_addc(out, c);
			continue;
		}
		if (p->s[p->pos] == '\n') {	/* an escaped line break: nothing */
			p->pos++;
			continue;
		}
		if (read_escape(p, out) == -1)
			return -1;
	}
}

/* Returns the number of characters (not bytes) of the UTF-8 string s, as
 * XPath's string-length() counts them. */
static size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static void
lower(struct strbuf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		b->s[i] = (char)tolower((unsigned char)b->s[i]);
}

/* Appends to attr the XPath of the attribute called name (lower case):
 * @name, or a test of name() when name is no safe XPath name. */
static void
attrib_path(struct strbuf *attr, const char *name)
{
	if (safe_name(name)) {
		(void)strbuf_addf(attr, "@%s", name);
		return;
	}
	(void)strbuf_adds(attr, "attribute::*[name() = ");
	xpath_literal(attr, name);
	(void)strbuf_addc(attr, ']');
}

/* Reads an attribute selector's operator at p->pos into *op ('=', '~',
 * '^', '$' or '*').  Returns 0, or -1 with the parser failed. */
static int
attrib_op(struct css_parser *p, char *op)
{
	size_t oppos = p->pos;

	if (p->s[p->pos] == '=') {
		*op = '=';
		p->pos++;
		return 0;
	}
	if (strchr("~^$*", p->s[p->pos]) != NULL && p->s[p->pos] != '\0' &&
	    p->s[p->pos + 1] == '=') {
		*op = p->s[p->pos];
		p->pos += 2;
		return 0;
	}
	if (p->s[p->pos] == '|' && p->s[p->pos + 1] == '=')
		css_fail(p, oppos, "'|=' is outside the supported CSS subset");
	else
		css_fail(p, oppos,
		    "expected ']' or an operator (=, ~=, ^=, $=, *=)");
	return -1;
}

/* Appends to c the XPath condition of [attr OP val], attr as attrib_path
 * wrote it; "0" (false) where CSS matches nothing (an empty value, or a
 * ~= value with a blank in it). */
static void
attrib_condition(struct strbuf *c, char op, const char *attr,
    const struct strbuf *val)
{
	size_t i;

	if (op == '=') {
		(void)strbuf_addf(c, "%s = ", attr);
		xpath_literal(c, strbuf_str(val));
		return;
	}
	if (val->len == 0) {
		(void)strbuf_adds(c, "0");
		return;
	}
	switch (op) {
	case '~': {
		struct strbuf sp = { 0 };

		for (i = 0; i < val->len; i++)
			if (is_ws(val->s[i])) {
				/* "a b" is never one word of a list */
				(void)strbuf_adds(c, "0");
				return;
			}
		(void)strbuf_addf(&sp, " %s ", strbuf_str(val));
		(void)strbuf_addf(c, "%s and contains(concat(' ', "
		    "normalize-space(%s), ' '), ", attr, attr);
		xpath_literal(c, strbuf_str(&sp));
		(void)strbuf_addc(c, ')');
		strbuf_free(&sp);
		break;
	}
	case '^':
	case '*':
		(void)strbuf_addf(c, "%s and %s(%s, ", attr,
		    op == '^' ? "starts-with" : "contains", attr);
		xpath_literal(c, strbuf_str(val));
		(void)strbuf_addc(c, ')');
		break;
	default:	/* '$': XPath 1.0 has starts-with() but no ends-with() */
		(void)strbuf_addf(c, "%s and substring(%s, string-length(%s)-%zu)"
		    " = ", attr, attr, attr, utf8_len(strbuf_str(val)) - 1);
		xpath_literal(c, strbuf_str(val));
		break;
	}
}

/* Parses [attr], [attr=v], [attr~=v], [attr^=v], [attr$=v], [attr*=v]
 * (p->pos after the '[') and adds its condition to x.  Returns 0 or -1. */
static int
parse_attrib(struct css_parser *p, struct xexpr *x)
{
	struct strbuf name = { 0 }, attr = { 0 }, val = { 0 }, c = { 0 };
	char op = 0;
	int rc = -1;

	(void)skip_ws(p);
	if (read_name(p, &name, 1) == -1)
		goto out;
	lower(&name);
	attrib_path(&attr, strbuf_str(&name));
	(void)skip_ws(p);
	if (p->s[p->pos] == ']') {
		p->pos++;
		xexpr_add_condition(x, strbuf_str(&attr));
		rc = 0;
		goto out;
	}
	if (attrib_op(p, &op) == -1)
		goto out;
	(void)skip_ws(p);
	if (p->s[p->pos] == '"' || p->s[p->pos] == '\'') {
		if (read_string(p, &val) == -1)
			goto out;
	} else if (read_name(p, &val, 1) == -1) {
		goto out;
	}
	(void)skip_ws(p);
	if (p->s[p->pos] != ']') {
		css_fail(p, p->pos, "expected ']'");
		goto out;
	}
	p->pos++;
	attrib_condition(&c, op, strbuf_str(&attr), &val);
	xexpr_add_condition(x, strbuf_str(&c));
	rc = 0;
out:
	strbuf_free(&name);
	strbuf_free(&attr);
	strbuf_free(&val);
	strbuf_free(&c);
	return rc;
}

/* Reads an optional sign and digits at p->pos into *v (|v| <= 10^6).
 * Returns 1 when there were digits, 0 when not. */
static int
read_int(struct css_parser *p, long *v)
{
	long n = 0;
	int any = 0;

	while (isdigit((unsigned char)p->s[p->pos])) {
		if (n < 1000000)
			n = n * 10 + (p->s[p->pos] - '0');
		p->pos++;
		any = 1;
	}
	*v = n;
	return any;
}

/* Parses the an+b argument of :nth-child() up to and including its ')'
 * (odd, even, b, an, an+b, -n+b, ...) into *a and *b.  Returns 0 or -1. */
static int
parse_series(struct css_parser *p, long *a, long *b)
{
	size_t start;
	long sign = 1, v;
	int digits;

	(void)skip_ws(p);
	start = p->pos;
	if (strncasecmp(p->s + p->pos, "odd", 3) == 0 &&
	    !name_char((unsigned char)p->s[p->pos + 3])) {
		*a = 2, *b = 1, p->pos += 3;
		goto close;
	}
	if (strncasecmp(p->s + p->pos, "even", 4) == 0 &&
	    !name_char((unsigned char)p->s[p->pos + 4])) {
		*a = 2, *b = 0, p->pos += 4;
		goto close;
	}
	if (p->s[p->pos] == '-' || p->s[p->pos] == '+')
		sign = p->s[p->pos++] == '-' ? -1 : 1;
	digits = read_int(p, &v);
	if (p->s[p->pos] == 'n' || p->s[p->pos] == 'N') {
		p->pos++;
		*a = sign * (digits ? v : 1);
		*b = 0;
		(void)skip_ws(p);
		if (p->s[p->pos] == '+' || p->s[p->pos] == '-') {
			sign = p->s[p->pos++] == '-' ? -1 : 1;
			(void)skip_ws(p);
			if (!read_int(p, &v))
				return css_fail(p, start, "a bad :nth-child() argument"
				    " (an+b, odd or even)");
			*b = sign * v;
		}
	} else if (digits) {
		*a = 0;
		*b = sign * v;
	} else {
		return css_fail(p, start, "a bad :nth-child() argument (an+b, "
		    "odd or even)");
	}
close:
	(void)skip_ws(p);
	if (p->s[p->pos] != ')')
		return css_fail(p, start, "a bad :nth-child() argument (an+b, odd "
		    "or even)");
	p->pos++;
	return 0;
}

/* Adds the condition of :nth-child(an+b) to x, term for term as
 * cssselect's xpath_nth_child_function writes it: an+b-1 siblings come
 * before the element. */
static void
nth_child(struct xexpr *x, long a, long b)
{
	const char *count = "count(preceding-sibling::*)";
	struct strbuf c = { 0 }, e1 = { 0 }, e2 = { 0 };
	long b1 = b - 1;

	if (a == 1 && b1 <= 0)
		return;			/* every element */
	if (a < 0 && b1 < 0) {
		xexpr_add_condition(x, "0");	/* no element */
		return;
	}
	if (a == 0) {
		(void)strbuf_addf(&c, "%s = %ld", count, b1);
		xexpr_add_condition(x, strbuf_str(&c));
		strbuf_free(&c);
		return;
	}
	if (a > 0) {
		if (b1 > 0)
			(void)strbuf_addf(&e1, "%s >= %ld", count, b1);
	} else {
		(void)strbuf_addf(&e1, "%s <= %ld", count, b1);
	}
	if (a != 1 && a != -1) {
		long m = a < 0 ? -a : a;
		long bneg = ((-b1) % m + m) % m;	/* Python's % */

		if (bneg != 0)
			(void)strbuf_addf(&e2, "(%s +%ld) mod %ld = 0", count,
			    bneg, a);
		else
			(void)strbuf_addf(&e2, "%s mod %ld = 0", count, a);
	}
	if (e1.len > 0 && e2.len > 0)
		(void)strbuf_addf(&c, "(%s) and (%s)", strbuf_str(&e1),
		    strbuf_str(&e2));
	else
		(void)strbuf_adds(&c, e1.len > 0 ? strbuf_str(&e1) :
		    strbuf_str(&e2));
	xexpr_add_condition(x, strbuf_str(&c));
	strbuf_free(&c);
	strbuf_free(&e1);
	strbuf_free(&e2);
}

static int parse_compound(struct css_parser *p, struct xexpr *x);

/* Parses the compound selector of :not( (p->pos after the '(') and its
 * ')', and adds the negated condition to x.  Returns 0 or -1. */
static int
parse_not(struct css_parser *p, struct xexpr *x)
{
	struct xexpr sub = { 0 };
	struct strbuf cond = { 0 };
	int rc = -1;

	p->depth++;
	(void)skip_ws(p);
	if (parse_compound(p, &sub) == 0) {
		(void)skip_ws(p);
		if (p->s[p->pos] != ')') {
			css_fail(p, p->pos, ":not() takes one compound "
			    "selector (no combinators, no lists); expected ')'");
		} else {
			p->pos++;
			xexpr_add_name_test(&sub);
			if (sub.cond.len > 0) {
				(void)strbuf_addf(&cond, "not(%s)",
				    strbuf_str(&sub.cond));
				xexpr_add_condition(x, strbuf_str(&cond));
			} else {
				xexpr_add_condition(x, "0");
			}
			rc = 0;
		}
	}
	p->depth--;
	xexpr_free(&sub);
	strbuf_free(&cond);
	return rc;
}

/* Parses a pseudo-class (p->pos after the ':') and adds its condition to
 * x.  Returns 0, or -1 for one outside the subset, saying which. */
static int
parse_pseudo(struct css_parser *p, struct xexpr *x)
{
	struct strbuf name = { 0 }, msg = { 0 };
	size_t start = p->pos - 1;
	int rc = -1;

	if (p->s[p->pos] == ':') {
		css_fail(p, start, "pseudo-elements (::) are outside the "
		    "supported CSS subset");
		return -1;
	}
	if (read_name(p, &name, 1) == -1) {
		strbuf_free(&name);
		return -1;
	}
	lower(&name);
	if (strcmp(strbuf_str(&name), "first-child") == 0 &&
	    p->s[p->pos] != '(') {
		xexpr_add_condition(x, "count(preceding-sibling::*) = 0");
		rc = 0;
	} else if (strcmp(strbuf_str(&name), "last-child") == 0 &&
	    p->s[p->pos] != '(') {
		xexpr_add_condition(x, "count(following-sibling::*) = 0");
		rc = 0;
	} else if (strcmp(strbuf_str(&name), "nth-child") == 0 &&
	    p->s[p->pos] == '(') {
		long a = 0, b = 0;

		p->pos++;
		if (parse_series(p, &a, &b) == 0) {
			nth_child(x, a, b);
			rc = 0;
		}
	} else if (strcmp(strbuf_str(&name), "not") == 0 &&
	    p->s[p->pos] == '(' && p->depth == 0) {
		p->pos++;
		rc = parse_not(p, x);
	} else {
		(void)strbuf_addf(&msg, "':%s%s' is outside the supported CSS "
		    "subset", strbuf_str(&name), p->s[p->pos] == '(' ? "()" : "");
		css_fail(p, start, strbuf_str(&msg));
	}
	strbuf_free(&name);
	strbuf_free(&msg);
	return rc;
}

/* Parses a compound selector's type or '*' at p->pos into x's element
 * ('*' when it has none).  Returns 1 when there was one, 0 when not, -1
 * on an error. */
static int
parse_type(struct css_parser *p, struct xexpr *x)
{
	struct strbuf name = { 0 };
	char c = p->s[p->pos];

	if (c == '*') {
		p->pos++;
		(void)strbuf_addc(&x->element, '*');
		return 1;
	}
	if (!(c == '\\' || (c != '-' && name_char((unsigned char)c) &&
	    !isdigit((unsigned char)c)) || (c == '-' &&
	    name_char((unsigned char)p->s[p->pos + 1])))) {
		(void)strbuf_addc(&x->element, '*');
		return 0;
	}
	if (read_name(p, &name, 1) == -1) {
		strbuf_free(&name);
		return -1;
	}
	lower(&name);
	(void)strbuf_add(&x->element, strbuf_str(&name), name.len);
	strbuf_free(&name);
	if (!safe_name(strbuf_str(&x->element)))
		xexpr_add_name_test(x);
	return 1;
}

/* Parses #id or .class (kind, p->pos after it) and adds its condition to
 * x.  Returns 0 or -1. */
static int
parse_id_class(struct css_parser *p, struct xexpr *x, char kind)
{
	struct strbuf v = { 0 }, cond = { 0 };

	if (read_name(p, &v, kind == '.') == -1) {
		strbuf_free(&v);
		return -1;
	}
	if (kind == '#') {
		(void)strbuf_adds(&cond, "@id = ");
		xpath_literal(&cond, strbuf_str(&v));
	} else {
		struct strbuf sp = { 0 };

		(void)strbuf_addf(&sp, " %s ", strbuf_str(&v));
		(void)strbuf_adds(&cond, "@class and contains(concat("
		    "' ', normalize-space(@class), ' '), ");
		xpath_literal(&cond, strbuf_str(&sp));
		(void)strbuf_addc(&cond, ')');
		strbuf_free(&sp);
	}
	xexpr_add_condition(x, strbuf_str(&cond));
	strbuf_free(&v);
	strbuf_free(&cond);
	return 0;
}

/* Fails p at start for a compound selector with no part, c the byte
 * found there.  Returns -1. */
static int
fail_empty(struct css_parser *p, size_t start, char c)
{
	char msg[64];

	if (c == '\0')
		return css_fail(p, start, "expected a selector");
	if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F)
		(void)snprintf(msg, sizeof(msg), "unexpected '%c'", c);
	else
		(void)snprintf(msg, sizeof(msg), "unexpected byte 0x%02x",
		    (unsigned char)c);
	return css_fail(p, start, msg);
}

/* Parses a compound selector (a type or '*', then #id, .class, [attr] and
 * pseudo-classes) into x.  Returns 0 or -1. */
static int
parse_compound(struct css_parser *p, struct xexpr *x)
{
	size_t start = p->pos;
	int parts = parse_type(p, x), rc;
	char c;

	if (parts == -1)
		return -1;
	for (;;) {
		c = p->s[p->pos];
		if (c != '#' && c != '.' && c != '[' && c != ':')
			break;
		p->pos++;
		if (c == '[')
			rc = parse_attrib(p, x);
		else if (c == ':')
			rc = parse_pseudo(p, x);
		else
			rc = parse_id_class(p, x, c);
		if (rc == -1)
			return -1;
		parts++;
	}
	return parts == 0 ? fail_empty(p, start, c) : 0;
}

/* Parses one complex selector (compounds joined by combinators) into x.
 * Returns 0 or -1. */
static int
parse_selector(struct css_parser *p, struct xexpr *x)
{
	if (parse_compound(p, x) == -1)
		return -1;
	for (;;) {
		struct xexpr right = { 0 };
		int ws = skip_ws(p);
		char c = p->s[p->pos], comb;

		if (c == '>' || c == '+' || c == '~') {
			comb = c;
			p->pos++;
			(void)skip_ws(p);
		} else if (ws && c != ',' && c != '\0' && c != ')') {
			comb = ' ';
		} else {
			return 0;
		}
		if (parse_compound(p, &right) == -1) {
			xexpr_free(&right);
			return -1;
		}
		switch (comb) {
		case ' ':
			xexpr_join(x, "/descendant-or-self::*/", &right);
			break;
		case '>':
			xexpr_join(x, "/", &right);
			break;
		case '+':
			xexpr_join(x, "/following-sibling::", &right);
			xexpr_add_name_test(x);
			xexpr_add_condition(x, "position() = 1");
			break;
		default:
			xexpr_join(x, "/following-sibling::", &right);
			break;
		}
		xexpr_free(&right);
	}
}

char *
css_to_xpath(const char *sel, char *err, size_t errsz)
{
	struct css_parser p = { sel, 0, 0, err, errsz, 0 };
	struct strbuf out = { 0 };

	/* U+FFFE and U+FFFF are UTF-8 but no XML (so no XPath) character. */
	if (!util_utf8_valid((const unsigned char *)sel, strlen(sel)) ||
	    strstr(sel, "\xEF\xBF\xBE") != NULL ||
	    strstr(sel, "\xEF\xBF\xBF") != NULL) {
		(void)snprintf(err, errsz, "the selector is not valid UTF-8 text");
		return NULL;
	}

	for (;;) {
		struct xexpr x = { 0 };

		(void)skip_ws(&p);
		if (parse_selector(&p, &x) == -1) {
			xexpr_free(&x);
			strbuf_free(&out);
			return NULL;
		}
		if (out.len > 0)
			(void)strbuf_adds(&out, " | ");
		(void)strbuf_adds(&out, "descendant-or-self::");
		xexpr_format(&x, &out);
		xexpr_free(&x);
		(void)skip_ws(&p);
		if (p.s[p.pos] == '\0')
			break;
		if (p.s[p.pos] != ',') {
			char msg[64];
			unsigned char c = (unsigned char)p.s[p.pos];

			if (c >= 0x20 && c < 0x7F)
				(void)snprintf(msg, sizeof(msg), "unexpected '%c'", c);
			else
				(void)snprintf(msg, sizeof(msg),
				    "unexpected byte 0x%02x", c);
			(void)css_fail(&p, p.pos, msg);
			strbuf_free(&out);
			return NULL;
		}
		p.pos++;
	}
	if (out.oom) {
		(void)snprintf(err, errsz, "out of memory");
		strbuf_free(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}
