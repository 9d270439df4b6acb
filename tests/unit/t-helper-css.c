/*
 * t-helper-css.c - unit tests of src/css.c: CSS selectors translated into
 * XPath 1.0 exactly as Python's cssselect (HTMLTranslator) translates
 * them, and what falls outside the subset named in the error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "css.h"
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

int
main(void)
{
	TEST(t_table(), "the subset translates as cssselect translates it");
	TEST(t_bad(), "selectors outside the subset are refused, naming the part");
	return test_done();
}
