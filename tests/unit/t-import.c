/*
 * t-import.c - unit tests of src/helper/import.c: urlwatch's job file (YAML)
 * read into sitewatch rows: names, urls, both ways of writing a filter
 * list turned into sitewatch's chain, and each job, key or filter that
 * cannot be carried over reported with its line.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper/import.h"
#include "tap.h"

static struct import_result r;
static size_t errline;
static char err[512];

/* Converts the YAML text y into r.  Returns import_urlwatch()'s result. */
static int
conv(const char *y)
{
	import_free(&r);
	return import_urlwatch(y, strlen(y), &r, &errline, err, sizeof(err));
}

/* Returns the index of the problem whose message holds s, or -1. */
static long
problem_with(const char *s)
{
	size_t i;

	for (i = 0; i < r.nproblems; i++)
		if (strstr(r.problems[i].msg, s) != NULL)
			return (long)i;
	return -1;
}

static void
t_string_form(void)
{
	if (!check_int(conv("name: Blog\nurl: https://example.com/b\n"
	    "filter: css:div.post,html2text\n"), ==, 0) ||
	    !check_uint(r.njobs, ==, 1))
		return;
	check_str(r.jobs[0].name, "Blog");
	check_str(r.jobs[0].url, "https://example.com/b");
	check_str(r.jobs[0].filter, "css:div.post | text");
	check_uint(r.jobs[0].line, ==, 1);
	check_uint(r.nproblems, ==, 0);
}

static void
t_list_form(void)
{
	if (!check_int(conv(
	    "url: https://example.org/p\n"
	    "filter:\n"
	    "  - xpath: '//span[@class=\"price\"]'\n"
	    "  - html2text: lynx\n"
	    "  - grep: 'EUR|USD'\n"
	    "  - grepi: Updated\n"
	    "  - re.sub:\n"
	    "      pattern: '(\\d+)/(\\d+)'\n"
	    "      repl: '\\1-\\g<2> $ \\\\1'\n"
	    "  - sort\n"
	    "  - remove-duplicate-lines\n"
	    "  - format-json:\n"), ==, 0) || !check_uint(r.njobs, ==, 1))
		return;
	check_str(r.jobs[0].filter, "xpath://span[@class=\"price\"] | text | "
	    "grep:EUR|USD | ignore:Updated | s#(\\d+)/(\\d+)#${1}-${2} $$ \\\\1#g | "
	    "sort | uniq | json");
	check_uint(r.nproblems, ==, 0);
}

static void
t_css_options(void)
{
	if (!check_int(conv(
	    "name: x\nurl: http://h/\nfilter:\n"
	    "  - css:\n"
	    "      selector: main li\n"
	    "      exclude: .ad\n"
	    "      maxitems: 3\n"
	    "  - element-by-id: content\n"
	    "  - element-by-class: news\n"
	    "  - keep_lines_containing: 'a.b (c)'\n"
	    "  - delete_lines_containing: {re: '^#'}\n"), ==, 0) ||
	    !check_uint(r.njobs, ==, 1))
		return;
	check_str(r.jobs[0].filter, "css:main li | remove:.ad | css:#content | "
	    "css:.news | grep:a\\.b \\(c\\) | ignore:^#");
	if (check_uint(r.nproblems, ==, 1)) {
		check_str(r.problems[0].msg, "job \"x\": filter \"css\": option "
		    "\"maxitems\" has no sitewatch equivalent");
		check_uint(r.problems[0].line, ==, 7);
	}
}

static void
t_unknown_filter(void)
{
	long p;

	if (!check_int(conv("name: x\nurl: http://h/\nfilter:\n"
	    "  - css: p\n  - beautify\n  - html2text\n"), ==, 0) ||
	    !check_uint(r.njobs, ==, 1))
		return;
	check_str(r.jobs[0].filter, "css:p | text");
	p = problem_with("beautify");
	if (check_int(p, >=, 0)) {
		check_str(r.problems[p].msg, "job \"x\": filter \"beautify\" has "
		    "no sitewatch equivalent");
		check_uint(r.problems[p].line, ==, 5);
	}
}

static void
t_jobs_not_carried(void)
{
	long p;

	if (!check_int(conv(
	    "name: a\nurl: https://a.example/\n"		/* 1-2 */
	    "---\n"						/* 3 */
	    "name: cmd\ncommand: ls -l\n"			/* 4-5 */
	    "---\n"						/* 6 */
	    "name: nav\nnavigate: https://n.example/\n"		/* 7-8 */
	    "---\n"						/* 9 */
	    "name: post\nurl: https://p.example/\ndata: a=1\n"	/* 10-12 */
	    "---\n"						/* 13 */
	    "name: off\nurl: https://o.example/\nenabled: false\n" /* 14-16 */
	    "---\n"						/* 17 */
	    "---\n"						/* 18: empty */
	    "- a list\n"					/* 19 */
	    "---\n"						/* 20 */
	    "name: h\nurl: https://h.example/\n"		/* 21-22 */
	    "headers: {Cookie: a}\n"), ==, 0))			/* 23 */
		return;
	if (check_uint(r.njobs, ==, 2)) {
		check_str(r.jobs[0].name, "a");
		check_str(r.jobs[1].name, "h");
		check_uint(r.jobs[1].line, ==, 21);
		check(r.jobs[1].filter == NULL);
	}
	p = problem_with("\"cmd\": command jobs");
	check(p >= 0 && r.problems[p].line == 4);
	p = problem_with("\"nav\": browser jobs");
	check(p >= 0 && r.problems[p].line == 7);
	p = problem_with("\"post\": sitewatch only sends GET");
	check(p >= 0 && r.problems[p].line == 10);
	p = problem_with("\"off\": disabled");
	check(p >= 0 && r.problems[p].line == 14);
	p = problem_with("is not a job");
	check(p >= 0 && r.problems[p].line == 19);
	p = problem_with("\"h\": \"headers\" has no sitewatch equivalent");
	check(p >= 0 && r.problems[p].line == 23);
	check_uint(r.nproblems, ==, 6);
}

static void
t_names_from_urls(void)
{
	char out[128];

	if (!check_int(conv("url: https://www.example.com/news/?page=2\n---\n"
	    "url: http://user@host.example\n"), ==, 0) ||
	    !check_uint(r.njobs, ==, 2))
		return;
	check_str(r.jobs[0].name, "example.com/news");
	check_str(r.jobs[1].name, "host.example");
	check_int(import_name_from_url("https:///", out, sizeof(out)), ==, 0);
	check_str(out, "job");
	check_int(import_name_from_url("https://h/" "0123456789012345678901234"
	    "5678901234567890123456789012345678901234567890", out,
	    sizeof(out)), ==, 0);
	check_uint(strlen(out), ==, 64);
	check_int(import_name_from_url("https://h/x", out, 3), ==, -1);
}

static void
t_bar_and_controls(void)
{
	if (!check_int(conv("name: x\nurl: http://h/\nfilter:\n"
	    "  - grep: 'a | b'\n  - re.sub: \"\\t\"\n  - css: p\n"), ==, 0) ||
	    !check_uint(r.njobs, ==, 1))
		return;
	check_str(r.jobs[0].filter, "css:p");
	check_int(problem_with("holds \" | \""), >=, 0);
	check_int(problem_with("holds a control character"), >=, 0);
	check_uint(r.nproblems, ==, 2);
}

static void
t_invalid_yaml(void)
{
	check_int(conv("name: a\nurl: https://a.example/\n---\n"
	    "url: [oops\nname: b\n"), ==, -1);
	check_uint(errline, ==, 5);
	check(strstr(err, "not valid YAML") != NULL);
	check_uint(r.njobs, ==, 0);
	check_int(conv("url: \"unterminated\n"), ==, -1);
	check_uint(errline, >=, 1);
}

static void
t_empty(void)
{
	check_int(conv(""), ==, 0);
	check_uint(r.njobs, ==, 0);
	check_uint(r.nproblems, ==, 0);
	check_int(conv("# only a comment\n"), ==, 0);
	check_uint(r.njobs, ==, 0);
}

int
main(void)
{
	TEST(t_string_form(), "the string form: css:SEL,html2text");
	TEST(t_list_form(), "the list form: xpath, html2text, grep, grepi, "
	    "re.sub with groups, sort, uniq, json");
	TEST(t_css_options(), "css options, element-by-*, literal line "
	    "filters; an option without equivalent is reported with its line");
	TEST(t_unknown_filter(), "a filter without equivalent is reported "
	    "with its line and left out of the chain");
	TEST(t_jobs_not_carried(), "command, browser, POST, disabled jobs "
	    "and non-jobs are reported with their lines, not imported");
	TEST(t_names_from_urls(), "names made from urls");
	TEST(t_bar_and_controls(), "values that would break the chain are "
	    "refused");
	TEST(t_invalid_yaml(), "invalid YAML: an error with its line, no jobs");
	TEST(t_empty(), "an empty file has no jobs and no problems");
	import_free(&r);
	return test_done();
}
