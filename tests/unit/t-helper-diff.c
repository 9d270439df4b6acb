/*
 * t-helper-diff.c - unit tests of src/textdiff.c: the edit script is a
 * shortest one and rebuilds the new text, and the unified output is
 * diff -u's, hunk headers and missing newlines included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "textdiff.h"

/* Returns the length of a longest common subsequence of the lines of a
 * and b (one character per line here), by dynamic programming. */
static size_t
lcs(const char *a, size_t na, const char *b, size_t nb)
{
	size_t *row = calloc((nb + 1) * 2, sizeof(*row)), i, j, r;

	if (row == NULL)
		return 0;
	for (i = 1; i <= na; i++) {
		size_t *cur = row + (i % 2) * (nb + 1);
		size_t *prev = row + ((i + 1) % 2) * (nb + 1);

		for (j = 1; j <= nb; j++)
			cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 :
			    (prev[j] > cur[j - 1] ? prev[j] : cur[j - 1]);
	}
	r = row[(na % 2) * (nb + 1) + nb];
	free(row);
	return r;
}

/* Writes the one-character lines of s as a text ("a\nb\n") into out. */
static size_t
lines(const char *s, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = s[i];
		out[2 * i + 1] = '\n';
	}
	return 2 * n;
}

static void
t_random(void)
{
	unsigned seed = 12345;
	int t;

	for (t = 0; t < 2000; t++) {
		char a[64], b[64], ta[128], tb[128], rebuilt[128];
		size_t na, nb, la, lb, i, k = 0;
		struct textdiff d;

		seed = seed * 1103515245u + 12345u;
		na = (seed >> 16) % 40;
		seed = seed * 1103515245u + 12345u;
		nb = (seed >> 16) % 40;
		for (i = 0; i < na; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = (char)('a' + (seed >> 16) % 4);
		}
		for (i = 0; i < nb; i++) {
			seed = seed * 1103515245u + 12345u;
			b[i] = (char)('a' + (seed >> 16) % 4);
		}
		la = lines(a, na, ta);
		lb = lines(b, nb, tb);
		if (!check_int(textdiff_run(&d, ta, la, tb, lb), ==, 0))
			return;
		/* Shortest: added + removed is na + nb - 2 LCS. */
		if (!check_int(d.added + d.removed, ==,
		    (long)(na + nb - 2 * lcs(a, na, b, nb))))
			test_msg("case %d: %.*s -> %.*s", t, (int)na, a, (int)nb, b);
		/* The script turns a into b. */
		for (i = 0; i < d.nops; i++)
			if (d.ops[i].op != '-')
				rebuilt[k++] = d.ops[i].op == '+' ?
				    b[d.ops[i].b] : a[d.ops[i].a];
		check(k == nb && memcmp(rebuilt, b, nb) == 0);
		textdiff_free(&d);
	}
}

/* Diffs a to b and returns the unified diff (static buffer). */
static const char *
unified(const char *a, const char *b, int color)
{
	static char buf[4096];
	struct strbuf out = { 0 };
	struct textdiff d;

	buf[0] = '\0';
	if (textdiff_run(&d, a, strlen(a), b, strlen(b)) == -1)
		return "oom";
	if (textdiff_unified(&d, "old", "new", 3, color, &out) == 0)
		(void)snprintf(buf, sizeof(buf), "%s", strbuf_str(&out));
	strbuf_free(&out);
	textdiff_free(&d);
	return buf;
}

static void
t_unified(void)
{
	/* Each expected text is what GNU diff -u --label old --label new
	 * prints. */
	check_str(unified("a\nb\nc\n", "a\nb\nc\n", 0), "");
	check_str(unified("a\nb\nc\n", "a\nB\nc\n", 0),
	    "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	check_str(unified("", "x\ny\n", 0),
	    "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	check_str(unified("x\n", "", 0), "--- old\n+++ new\n@@ -1 +0,0 @@\n-x\n");
	check_str(unified("a\nb", "a\nb\n", 0),
	    "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+b\n");
	check_str(unified("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
	    "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n", 0),
	    "--- old\n+++ new\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
	    "@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n");
	check_str(unified("1\n2\n3\n4\n5\n6\n7\n8\n9\n",
	    "1\nX\n3\n4\n5\n6\n7\nY\n9\n", 0),
	    "--- old\n+++ new\n@@ -1,9 +1,9 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n"
	    " 7\n-8\n+Y\n 9\n");
	check_str(unified("a\n", "b\n", 1),
	    "\033[1m--- old\033[m\n\033[1m+++ new\033[m\n"
	    "\033[36m@@ -1 +1 @@\033[m\n\033[31m-a\033[m\n\033[32m+b\033[m\n");
}

static void
t_big(void)
{
	/* Past the search limit the middle is replaced as a whole, and the
	 * counts still add up. */
	size_t n = 3000, i;
	char *a = malloc(n * 8), *b = malloc(n * 8);
	size_t la = 0, lb = 0;
	struct textdiff d;

	if (!check(a != NULL && b != NULL))
		return;
	for (i = 0; i < n; i++) {
		la += (size_t)sprintf(a + la, "%zu\n", i);
		lb += (size_t)sprintf(b + lb, "%zu\n", i % 2 ? i : i + n);
	}
	check_int(textdiff_run(&d, a, la, b, lb), ==, 0);
	check_int(d.added, ==, (long)n - 1);
	check_int(d.removed, ==, (long)n - 1);
	textdiff_free(&d);
	free(a);
	free(b);
}

int
main(void)
{
	TEST(t_random(), "edit scripts are shortest and rebuild the new text");
	TEST(t_unified(), "the unified output is diff -u's");
	TEST(t_big(), "a very different text: the middle replaced as a whole");
	return test_done();
}
