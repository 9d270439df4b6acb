/*
 * t-helper-diff.c - unit tests of src/helper/textdiff.c: the edit script is a
 * shortest one and rebuilds the new text, and the unified output is
 * diff -u's, hunk headers and missing newlines included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper/textdiff.h"
#include "tap.h"

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

/* Fills t with n one-character lines ("a\n"...) of seq, each character
 * drawn from the first k letters by the generator *seed.  Returns the
 * text's length. */
static size_t
random_lines(char *seq, char *t, size_t n, unsigned k, unsigned *seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		seq[i] = (char)('a' + (*seed >> 16) % k);
	}
	return lines(seq, n, t);
}

/* Returns 1 when the script of d turns the one-character lines a into
 * b. */
static int
rebuilds(const struct textdiff *d, const char *a, const char *b, size_t nb,
    char *tmp)
{
	size_t i, k = 0;

	for (i = 0; i < d->nops; i++) {
		if (d->ops[i].op == '-')
			continue;
		if (k == nb)
			return 0;
		tmp[k++] = d->ops[i].op == '+' ? b[d->ops[i].b] : a[d->ops[i].a];
	}
	return k == nb && memcmp(tmp, b, nb) == 0;
}

static void
t_random(void)
{
	unsigned seed = 12345;
	int t;

	for (t = 0; t < 2000; t++) {
		char a[64], b[64], ta[128], tb[128], tmp[64];
		size_t na, nb, la, lb;
		struct textdiff d;

		seed = seed * 1103515245u + 12345u;
		na = (seed >> 16) % 40;
		seed = seed * 1103515245u + 12345u;
		nb = (seed >> 16) % 40;
		la = random_lines(a, ta, na, 4, &seed);
		lb = random_lines(b, tb, nb, 4, &seed);
		if (!check_int(textdiff_run(&d, ta, la, tb, lb), ==, 0))
			return;
		/* Shortest: added + removed is na + nb - 2 LCS. */
		if (!check_int(d.added + d.removed, ==,
		    (long)(na + nb - 2 * lcs(a, na, b, nb))))
			test_msg("case %d: %.*s -> %.*s", t, (int)na, a, (int)nb, b);
		check(rebuilds(&d, a, b, nb, tmp));
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
	/* issue 21.11: a text with every other line changed (3,000 lines)
	 * was given as all lines removed and added (2,999 / 2,999); the
	 * shortest script changes 1,500 / 1,500. */
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
	check_int(d.added, ==, 1500);
	check_int(d.removed, ==, 1500);
	textdiff_free(&d);
	free(a);
	free(b);
}

static void
t_expensive(void)
{
	/* issue 21.11: two unrelated texts of 8,000 lines over 26 letters
	 * differ by about 10,000 edits, so that the search from both ends
	 * passes the cut-off (4,096) before they meet: the script still
	 * turns one into the other, and its length stays within 2 % of the
	 * shortest. */
	size_t n = 8000, na, nb, la, lb, best;
	char *a = malloc(n), *b = malloc(n), *ta = malloc(2 * n),
	    *tb = malloc(2 * n), *tmp = malloc(n);
	unsigned seed = 2026;
	struct textdiff d;

	if (!check(a != NULL && b != NULL && ta != NULL && tb != NULL &&
	    tmp != NULL))
		goto out;
	na = n;
	nb = n - 137;
	la = random_lines(a, ta, na, 26, &seed);
	lb = random_lines(b, tb, nb, 26, &seed);
	best = na + nb - 2 * lcs(a, na, b, nb);
	if (!check_int(textdiff_run(&d, ta, la, tb, lb), ==, 0))
		goto out;
	check(rebuilds(&d, a, b, nb, tmp));
	check_int(d.added - d.removed, ==, (long)(nb - na));
	if (!check((size_t)(d.added + d.removed) * 100 <= best * 102))
		test_msg("%ld edits, the shortest %zu", d.added + d.removed,
		    best);
	textdiff_free(&d);
out:
	free(a);
	free(b);
	free(ta);
	free(tb);
	free(tmp);
}

int
main(void)
{
	TEST(t_random(), "edit scripts are shortest and rebuild the new text");
	TEST(t_unified(), "the unified output is diff -u's");
	TEST(t_big(), "every other line changed: half the lines, not all");
	TEST(t_expensive(), "past the cut-off: a script that rebuilds, "
	    "near the shortest");
	return test_done();
}
