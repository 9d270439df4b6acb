/*
 * textdiff.h - line diffs of two texts (Myers' algorithm), as unified
 * diffs and as counts of lines added and removed.
 */
#ifndef SITEWATCH_TEXTDIFF_H
#define SITEWATCH_TEXTDIFF_H

#include <stddef.h>

#include "helper/strbuf.h"

/* One line of a text: its bytes (without '\n') and whether '\n' ended it. */
struct textdiff_line {
	const char *s;
	size_t n;
	int eol;
	unsigned long long hash;
};

/* One step of the edit script: a line kept, removed (from a) or added
 * (from b). */
struct textdiff_op {
	char op;		/* ' ', '-' or '+' */
	size_t a, b;		/* the line's index in a (' ', '-'), b (' ', '+') */
};

/* Two texts split into lines and the edit script from one to the other. */
struct textdiff {
	struct textdiff_line *a, *b;
	size_t na, nb;
	struct textdiff_op *ops;
	size_t nops;
	long added, removed;
};

/*
 * Diffs the texts a[0..alen) and b[0..blen) by lines into d (zeroed
 * first), in memory linear in their lengths.  The script is a shortest
 * one (Myers) unless finding it costs more than about the square root of
 * the lengths (at least 4,096 edits) at some step; then it is close to
 * shortest, as GNU diff's.  The texts must outlive d.  Returns 0, or -1
 * when out of memory.
 */
int textdiff_run(struct textdiff *d, const char *a, size_t alen,
    const char *b, size_t blen);

/*
 * Appends d as a unified diff (diff -u: "--- LOLD", "+++ LNEW", hunks
 * with ctx lines of context, "\ No newline at end of file") to out;
 * nothing when the texts are equal.  color: ANSI colours as git diff
 * uses them.  Returns 0, or -1 when out of memory.
 */
int textdiff_unified(const struct textdiff *d, const char *lold,
    const char *lnew, int ctx, int color, struct strbuf *out);

/* Frees what textdiff_run() allocated. */
void textdiff_free(struct textdiff *d);

#endif
