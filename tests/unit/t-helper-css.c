/*
 * t-helper-css.c - unit tests of src/helper/css.c: CSS selectors translated
 * into XPath 1.0 exactly as Python's cssselect (HTMLTranslator) translates
 * them, and what falls outside the subset named in the error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper/css.h"
#include "helper/html.h"
#include "tap.h"

#define D "descendant-or-self::"
#define CLS(c) "@class and contains(concat(' ', normalize-space(@class), ' '), ' " c " ')"

/* A selector and what cssselect makes of it. */
static const struct {
	const char *css, *xpath;
} table[] = {
	{ "*", D "*" },
	{ "e", D "e" },
	{ "DIV", D "div" },
	{ "e[foo]", D "e[@foo]" },
	{ "e[FOO]", D "e[@foo]" },
	{ "e[foo=\"bar\"]", D "e[@foo = 'bar']" },
	{ "e[foo=bar]", D "e[@foo = 'bar']" },
	{ "e[foo~=\"bar\"]", D "e[@foo and contains(concat(' ', normalize-space(@foo), ' '), ' bar ')]" },
	{ "e[foo^=\"bar\"]", D "e[@foo and starts-with(@foo, 'bar')]" },
	{ "e[foo$=\"bar\"]", D "e[@foo and substring(@foo, string-length(@foo)-2) = 'bar']" },
	{ "e[foo*=\"bar\"]", D "e[@foo and contains(@foo, 'bar')]" },
	{ "e[foo^=\"\"]", D "e[0]" },
	{ "e[foo~=\"a b\"]", D "e[0]" },
	{ "e:nth-child(1)", D "e[count(preceding-sibling::*) = 0]" },
	{ "e:nth-child(n)", D "e" },
	{ "e:nth-child(n+1)", D "e" },
	{ "e:nth-child(n-10)", D "e" },
	{ "e:nth-child(n+2)", D "e[count(preceding-sibling::*) >= 1]" },
	{ "e:nth-child(-n)", D "e[0]" },
	{ "e:nth-child(-n+1)", D "e[count(preceding-sibling::*) <= 0]" },
	{ "e:nth-child(3n+2)", D "e[(count(preceding-sibling::*) >= 1) and ((count(preceding-sibling::*) +2) mod 3 = 0)]" },
	{ "e:nth-child(3n-2)", D "e[count(preceding-sibling::*) mod 3 = 0]" },
	{ "e:nth-child(-n+6)", D "e[count(preceding-sibling::*) <= 5]" },
	{ "e:nth-child(odd)", D "e[count(preceding-sibling::*) mod 2 = 0]" },
	{ "e:nth-child(even)", D "e[(count(preceding-sibling::*) +1) mod 2 = 0]" },
	{ "e:nth-child( 2n + 1 )", D "e[count(preceding-sibling::*) mod 2 = 0]" },
	{ "e:first-child", D "e[count(preceding-sibling::*) = 0]" },
	{ "e:last-child", D "e[count(following-sibling::*) = 0]" },
	{ "e.warning", D "e[" CLS("warning") "]" },
	{ ".a.b", D "*[(" CLS("a") ") and (" CLS("b") ")]" },
	{ "e#myid", D "e[@id = 'myid']" },
	{ "#a", D "*[@id = 'a']" },
	{ "e:not(:nth-child(odd))", D "e[not(count(preceding-sibling::*) mod 2 = 0)]" },
	{ "e:not(*)", D "e[0]" },
	{ "e:not(f)", D "e[not(name() = 'f')]" },
	{ "li:not(.ad)", D "li[not(" CLS("ad") ")]" },
	{ "e f", D "e/descendant-or-self::*/f" },
	{ "e > f", D "e/f" },
	{ "e>f", D "e/f" },
	{ "e + f", D "e/following-sibling::*[(name() = 'f') and (position() = 1)]" },
	{ "e ~ f", D "e/following-sibling::f" },
	{ "e ~ f:nth-child(3)", D "e/following-sibling::f[count(preceding-sibling::*) = 2]" },
	{ "div#container p", D "div[@id = 'container']/descendant-or-self::*/p" },
	{ "div e:last-child .aclass", D "div/descendant-or-self::*/e[count(following-sibling::*) = 0]/descendant-or-self::*/*[" CLS("aclass") "]" },
	{ "a, b", D "a | " D "b" },
	{ " a ,b ", D "a | " D "b" },
	{ "*[aval=\"'\"]", D "*[@aval = \"'\"]" },
	{ "*[aval='\"']", D "*[@aval = '\"']" },
	{ "*[aval=\"'\\\"'\"]", D "*[@aval = concat(\"'\",'\"',\"'\")]" },
	{ "#\\31 23", D "*[@id = '123']" },
	{ "di\\[v", D "*[name() = 'di[v']" },
	{ "[h\\]ref]", D "*[attribute::*[name() = 'h]ref']]" },
	{ "e[foo$=\"\xc3\xa9t\xc3\xa9\"]", D "e[@foo and substring(@foo, string-length(@foo)-2) = '\xc3\xa9t\xc3\xa9']" },
	{ "ul.posts > li a", D "ul[" CLS("posts") "]/li/descendant-or-self::*/a" },
	/* Found by fuzzing: escapes of what XML cannot hold become U+FFFD. */
	{ "[a=\\1b x]", D "*[@a = '\xef\xbf\xbdx']" },
	{ "#\\0", D "*[@id = '\xef\xbf\xbd']" },
	{ "#\\\a", D "*[@id = '\xef\xbf\xbd']" },
};

static void
t_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char err[256] = "";
		char *x = css_to_xpath(table[i].css, err, sizeof(err));

		if (!check_str(x, table[i].xpath))
			test_msg("selector: %s (error: %s)", table[i].css, err);
		free(x);
	}
}

/* A selector that css_to_xpath refuses, and the words its error holds. */
static const struct {
	const char *css, *err;
} bad[] = {
	{ "", "expected a selector at offset 0" },
	{ "a:hover", "':hover' is outside the supported CSS subset at offset 1" },
	{ "p::before", "pseudo-elements (::) are outside the supported CSS subset" },
	{ "a:nth-of-type(2)", "':nth-of-type()' is outside the supported CSS subset" },
	{ "a:not(:not(b))", "':not()' is outside" },
	{ "a:not(b c)", ":not() takes one compound selector" },
	{ "[lang|=en]", "'|=' is outside the supported CSS subset" },
	{ "a[href", "expected ']'" },
	{ "a[href=\"x]", "an unclosed string" },
	{ "a,", "expected a selector at offset 2" },
	{ "a >", "expected a selector at offset 3" },
	{ "a:nth-child(x)", "a bad :nth-child() argument" },
	{ "a:nth-child(2n+)", "a bad :nth-child() argument" },
	{ "ns|a", "unexpected '|' at offset 2" },
	{ "a)", "unexpected ')' at offset 1" },
	{ ".1x", "a name may not start with a digit at offset 1" },
	{ "a\\", "a backslash at the end" },
	/* Found by fuzzing: libxml2 refused the XPath of these. */
	{ "[lang^=\"\033en\"]", "a control character in a string at offset 8" },
	{ "a\xff", "not valid UTF-8" },
	{ "#\xef\xbf\xbe", "not valid UTF-8" },
	/* Found by fuzzing: a leak after a bad pseudo-class name. */
	{ "a:ab\\", "a backslash at the end" },
	{ "a:1", "a name may not start with a digit" },
	/* Found by fuzzing: an escaped line break in a name, echoed. */
	{ "p:n\\a x", "':n?x' is outside the supported CSS subset at offset 1" },
};

static void
t_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		char *x = css_to_xpath(bad[i].css, err, sizeof(err));

		check(x == NULL);
		if (!check(strstr(err, bad[i].err) != NULL))
			test_msg("selector: %s, error: %s, wanted: %s", bad[i].css,
			    err, bad[i].err);
		free(x);
	}
}

/* A document where every element has an id, to see what matches. */
static const char doc[] =
    "<html id=html><body id=body>"
    "<div id=outer-div><p id=p1 class='first lead'>a</p>"
    "<p id=p2 lang=en-US>b <a id=a1 href='http://x/a.pdf' rel='nofollow ugc'>l</a></p>"
    "<ul id=list><li id=li1>1</li><li id=li2 class=ad>2</li><li id=li3>3</li>"
    "<li id=li4>4</li><li id=li5 class=ad>5</li></ul>"
    "<span id=s1 title='a b'>x</span><span id=s2>y</span></div>"
    "<table id=t><tr id=tr1><td id=td1>c</td></tr></table>"
    "<footer id=foot><p id=p3>z</p></footer>"
    "</body></html>";

/* Returns the ids of what sel selects in doc, space-separated (static). */
static const char *
ids(const char *sel)
{
	static char out[512], err[256];
	struct html_page pg;
	char *x, *text = NULL;
	long n, i;

	out[0] = '\0';
	x = css_to_xpath(sel, err, sizeof(err));
	if (x == NULL)
		return err;
	if (html_parse(&pg, doc, sizeof(doc) - 1, NULL, err, sizeof(err)) == -1) {
		free(x);
		return err;
	}
	n = html_select(&pg, x, &text, err, sizeof(err));
	for (i = 0; i < n; i++) {
		xmlChar *id = xmlGetProp(pg.sel[i], (const xmlChar *)"id");
		size_t len = strlen(out);

		(void)snprintf(out + len, sizeof(out) - len, "%s%s", len ? " " : "",
		    id != NULL ? (const char *)id : "?");
		xmlFree(id);
	}
	free(text);
	free(x);
	html_free(&pg);
	return out;
}

static void
t_documents(void)
{
	check_str(ids("p"), "p1 p2 p3");
	check_str(ids("#li3"), "li3");
	check_str(ids(".ad"), "li2 li5");
	check_str(ids("li:not(.ad)"), "li1 li3 li4");
	check_str(ids("ul > li:first-child, ul > li:last-child"), "li1 li5");
	check_str(ids("li:nth-child(odd)"), "li1 li3 li5");
	check_str(ids("li:nth-child(2n)"), "li2 li4");
	check_str(ids("li:nth-child(-n+2)"), "li1 li2");
	check_str(ids("li + li.ad"), "li2 li5");
	check_str(ids("#li2 ~ li"), "li3 li4 li5");
	check_str(ids("div p a"), "a1");
	check_str(ids("div > a"), "");
	check_str(ids("[lang^=en]"), "p2");
	check_str(ids("[href$='.pdf']"), "a1");
	check_str(ids("[href*='//x/']"), "a1");
	check_str(ids("[rel~=ugc]"), "a1");
	check_str(ids("[title~=a]"), "s1");
	check_str(ids("[title=a]"), "");
	check_str(ids("p.first.lead"), "p1");
	check_str(ids("P.LEAD"), "");	/* class names are case-sensitive */
	check_str(ids("SPAN:LAST-CHILD"), "s2");
	check_str(ids("table tr td"), "td1");	/* no <tbody> added */
	check_str(ids("table > tbody"), "");
	check_str(ids("footer *"), "p3");
	check_str(ids("body > *:not(div):not(table)"), "foot");
}

int
main(void)
{
	TEST(t_table(), "the subset translates as cssselect translates it");
	TEST(t_bad(), "selectors outside the subset are refused, naming the part");
	TEST(t_documents(), "translated selectors select what CSS says in a document");
	return test_done();
}
