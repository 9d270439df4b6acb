/*
 * textdiff.c - line diffs (Myers' O(ND) algorithm in linear space, with a
 * cost cut-off) and unified output.
 *
 * Written here rather than running GNU diff -u, by measurement: on the
 * visible text of a 100 KB page (773 lines, 3 of them edited), 100 runs
 * each, diff -u takes 1.5 ms a run (its own process: exec, dynamic
 * linking, reading both files), while sitewatch-helper diff takes 2.3 ms
 * of which 2.0 ms is the helper's own start, which the watcher pays
 * anyway for its filter: about 0.3 ms for the diff itself.  The counts
 * and added lines come straight from the edit script instead of from
 * parsing diff's output.
 *
 * Nor from a library: Debian 12 packages no C library that diffs lines
 * and gives the script (libxdiff has no -dev package; `apt-cache search
 * xdiff` finds only GUI tools).  libgit2 (libgit2-dev) has git's xdiff
 * inside, behind git_diff_buffers(), but it would load a Git and network
 * stack (libssh2, mbedTLS, Kerberos, http-parser) into a helper started
 * for every changed check, to diff two texts.
 *
 * The search is the one GNU diff makes (Myers 1986, section 4.2; the
 * cut-off is Paul Eggert's): lines become numbers (one per distinct
 * line); lines that occur in only one text are changed whatever the
 * script, so they are set aside; the rest is split at the middle of a
 * shortest script, found by searching from both ends at once, and each
 * half again, in memory linear in the lengths.  When a search has cost
 * more than about the square root of the lengths (at least 4,096 edits)
 * without the two ends meeting, it stops at the point furthest along and
 * splits there: the script is then close to shortest, not always
 * shortest, and the time stays about O(N^1.5).  Counts agree with GNU
 * diff's within 1 % on large rewrites (tests/integration/helper-diff.t);
 * the time is in docs/benchmarks.md (scripts/bench --diff).  Among
 * equally short scripts a change may be placed elsewhere than GNU diff
 * places it (its tests check patch(1) applies the output).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "helper/textdiff.h"

/* The least cost at which a search stops looking for the shortest script
 * (GNU diff's floor too). */
#define TEXTDIFF_MIN_EXPENSIVE 4096

/* The search over the lines that occur in both texts: x and y are their
 * line numbers (equal lines, equal numbers), xch and ych their changed
 * marks, fd and bd the furthest x on each diagonal k = x - y of the
 * forward and backward searches (indexed from -ny - 1 to nx + 1). */
struct search {
	const long *x, *y;
	unsigned char *xch, *ych;
	long *fd, *bd;
	long expensive;
};

/* Where a search split its part of the texts: the point, and whether
 * each half is known to need a shortest script (the half the search
 * walked to the end) or may stop at the cut-off again. */
struct split {
	long x, y;
	int lo_min, hi_min;
};

/* Splits t[0..n) into lines.  Returns the array (its length in *nl), or
 * NULL when out of memory (an empty text gives a non-NULL empty array). */
static struct textdiff_line *
split_lines(const char *t, size_t n, size_t *nl)
{
	size_t cap = 64, k = 0;
	const char *p = t, *end = t + n;
	struct textdiff_line *l = malloc(cap * sizeof(*l));

	while (l != NULL && p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		if (k == cap) {
			struct textdiff_line *m = realloc(l, 2 * cap * sizeof(*l));

			if (m == NULL) {
				free(l);
				return NULL;
			}
			l = m;
			cap *= 2;
		}
		l[k].s = p;
		l[k].n = e != NULL ? (size_t)(e - p) : (size_t)(end - p);
		l[k].eol = e != NULL;
		l[k].hash = util_hash(p, l[k].n);
		k++;
		p = e != NULL ? e + 1 : end;
	}
	*nl = k;
	return l;
}

/* Returns 1 when the two lines are equal (bytes and line end). */
static int
line_eq(const struct textdiff_line *x, const struct textdiff_line *y)
{
	return x->hash == y->hash && x->n == y->n && x->eol == y->eol &&
	    memcmp(x->s, y->s, x->n) == 0;
}

/*
 * Numbers the lines a[0..na) and b[0..nb): equal lines get the same
 * number, into ca[] and cb[], and cnt[2 * N] (N: the numbers given)
 * counts a number's lines in a, cnt[2 * N + 1] in b.  Returns cnt
 * (the caller frees it), or NULL when out of memory.
 */
static long *
number_lines(const struct textdiff_line *a, size_t na,
    const struct textdiff_line *b, size_t nb, long *ca, long *cb)
{
	size_t cap = 16, i, mask, nclass = 0;
	long *slot, *cnt;
	const struct textdiff_line **first;

	while (cap < 2 * (na + nb))
		cap *= 2;
	mask = cap - 1;
	slot = malloc(cap * sizeof(*slot));
	first = malloc((na + nb + 1) * sizeof(*first));
	cnt = calloc(2 * (na + nb + 1), sizeof(*cnt));
	if (slot == NULL || first == NULL || cnt == NULL) {
		free(slot);
		free(first);
		free(cnt);
		return NULL;
	}
	for (i = 0; i < cap; i++)
		slot[i] = -1;
	for (i = 0; i < na + nb; i++) {
		const struct textdiff_line *l = i < na ? &a[i] : &b[i - na];
		size_t h = (size_t)l->hash & mask;

		/* Open addressing: the table is at most half full. */
		while (slot[h] != -1 && !line_eq(first[slot[h]], l))
			h = (h + 1) & mask;
		if (slot[h] == -1) {
			slot[h] = (long)nclass;
			first[nclass++] = l;
		}
		if (i < na)
			ca[i] = slot[h];
		else
			cb[i - na] = slot[h];
		cnt[2 * slot[h] + (i >= na)]++;
	}
	free(slot);
	free(first);
	return cnt;
}

/* One middle search's box, x[xl..xh) and y[yl..yh), and the diagonals
 * (k = i - j) each direction has reached so far. */
struct box {
	long xl, xh, yl, yh;
	long dmin, dmax;		/* the box's own diagonals */
	long fmin, fmax, bmin, bmax;	/* those the searches reached */
	int odd;	/* the corners' diagonals differ by an odd number */
};

/* Puts the middle at (i, j), with both halves to be searched in full. */
static void
split_at(struct split *sp, long i, long j)
{
	sp->x = i;
	sp->y = j;
	sp->lo_min = sp->hi_min = 1;
}

/* One more edit forwards on every diagonal in reach.  Returns 1 with the
 * middle in *sp when it meets the backward search, else 0. */
static int
search_forward(const struct search *s, struct box *b, struct split *sp)
{
	long *fd = s->fd, k;
	const long *bd = s->bd, *x = s->x, *y = s->y;

	if (b->fmin > b->dmin)
		fd[--b->fmin - 1] = -1;
	else
		b->fmin++;
	if (b->fmax < b->dmax)
		fd[++b->fmax + 1] = -1;
	else
		b->fmax--;
	for (k = b->fmax; k >= b->fmin; k -= 2) {
		long i = fd[k - 1] < fd[k + 1] ? fd[k + 1] : fd[k - 1] + 1;
		long j = i - k;

		while (i < b->xh && j < b->yh && x[i] == y[j])
			i++, j++;
		fd[k] = i;
		if (b->odd && b->bmin <= k && k <= b->bmax && bd[k] <= i) {
			split_at(sp, i, j);
			return 1;
		}
	}
	return 0;
}

/* One more edit backwards on every diagonal in reach.  Returns 1 with the
 * middle in *sp when it meets the forward search, else 0. */
static int
search_backward(const struct search *s, struct box *b, struct split *sp)
{
	long *bd = s->bd, k;
	const long *fd = s->fd, *x = s->x, *y = s->y;

	if (b->bmin > b->dmin)
		bd[--b->bmin - 1] = LONG_MAX;
	else
		b->bmin++;
	if (b->bmax < b->dmax)
		bd[++b->bmax + 1] = LONG_MAX;
	else
		b->bmax--;
	for (k = b->bmax; k >= b->bmin; k -= 2) {
		long i = bd[k - 1] < bd[k + 1] ? bd[k - 1] : bd[k + 1] - 1;
		long j = i - k;

		while (i > b->xl && j > b->yl && x[i - 1] == y[j - 1])
			i--, j--;
		bd[k] = i;
		if (!b->odd && b->fmin <= k && k <= b->fmax && i <= fd[k]) {
			split_at(sp, i, j);
			return 1;
		}
	}
	return 0;
}

/* A search too expensive to end: the forward point with the largest
 * x + y, the backward one with the smallest, and of the two the one
 * further from its own corner, into *sp. */
static void
search_cut(const struct search *s, const struct box *b, struct split *sp)
{
	long fbest = -1, fx = b->xl, bbest = LONG_MAX, bx = b->xh, k;

	for (k = b->fmax; k >= b->fmin; k -= 2) {
		long i = s->fd[k] < b->xh ? s->fd[k] : b->xh, j = i - k;

		if (j > b->yh) {
			i = b->yh + k;
			j = b->yh;
		}
		if (i + j > fbest) {
			fbest = i + j;
			fx = i;
		}
	}
	for (k = b->bmax; k >= b->bmin; k -= 2) {
		long i = s->bd[k] > b->xl ? s->bd[k] : b->xl, j = i - k;

		if (j < b->yl) {
			i = b->yl + k;
			j = b->yl;
		}
		if (i + j < bbest) {
			bbest = i + j;
			bx = i;
		}
	}
	if ((b->xh + b->yh) - bbest < fbest - (b->xl + b->yl)) {
		sp->x = fx;
		sp->y = fbest - fx;
		sp->lo_min = 1;
		sp->hi_min = 0;
	} else {
		sp->x = bx;
		sp->y = bbest - bx;
		sp->lo_min = 0;
		sp->hi_min = 1;
	}
}

/*
 * Searches x[xl..xh) and y[yl..yh) (their first lines differ, and their
 * last) from both ends at once for the middle of a shortest edit script,
 * into *sp.  Unless minimal, a search that costs s->expensive edits
 * stops at the point that got furthest, forwards or backwards.
 */
static void
search_middle(const struct search *s, long xl, long xh, long yl, long yh,
    int minimal, struct split *sp)
{
	struct box b;
	long cost;

	b.xl = xl;
	b.xh = xh;
	b.yl = yl;
	b.yh = yh;
	b.dmin = xl - yh;
	b.dmax = xh - yl;
	b.fmin = b.fmax = xl - yl;
	b.bmin = b.bmax = xh - yh;
	/* The two searches meet on a diagonal in the forward half of a round
	 * when the corners' diagonals differ by an odd number. */
	b.odd = (b.fmin - b.bmin) % 2 != 0;
	s->fd[b.fmin] = xl;
	s->bd[b.bmin] = xh;
	for (cost = 1;; cost++) {
		if (search_forward(s, &b, sp) || search_backward(s, &b, sp))
			return;
		if (!minimal && cost >= s->expensive)
			break;
	}
	search_cut(s, &b, sp);
}

/*
 * Marks in s->xch and s->ych the lines of x[xl..xh) and y[yl..yh) that a
 * (near) shortest edit script changes.  It recurses into the smaller
 * half of each split and loops on the other, so the depth stays within
 * the logarithm of the lengths.
 */
static void
search_marks(const struct search *s, long xl, long xh, long yl, long yh,
    int minimal)
{
	for (;;) {
		struct split sp;

		while (xl < xh && yl < yh && s->x[xl] == s->y[yl])
			xl++, yl++;
		while (xl < xh && yl < yh && s->x[xh - 1] == s->y[yh - 1])
			xh--, yh--;
		if (xl == xh || yl == yh)
			break;
		search_middle(s, xl, xh, yl, yh, minimal, &sp);
		/* A split at a corner would not shrink the problem: give
		 * what is left as changed rather than loop. */
		if (sp.x + sp.y <= xl + yl || sp.x + sp.y >= xh + yh)
			break;
		if ((sp.x - xl) + (sp.y - yl) < (xh - sp.x) + (yh - sp.y)) {
			search_marks(s, xl, sp.x, yl, sp.y, sp.lo_min);
			xl = sp.x;
			yl = sp.y;
			minimal = sp.hi_min;
		} else {
			search_marks(s, sp.x, xh, sp.y, yh, sp.hi_min);
			xh = sp.x;
			yh = sp.y;
			minimal = sp.lo_min;
		}
	}
	memset(s->xch + xl, 1, (size_t)(xh - xl));
	memset(s->ych + yl, 1, (size_t)(yh - yl));
}

/* Returns the cost at which a search of texts of n lines in all stops
 * looking for the shortest script: about the square root of n, at least
 * TEXTDIFF_MIN_EXPENSIVE. */
static long
search_expensive(long n)
{
	long e = 1;

	for (n += 3; n != 0; n >>= 2)
		e <<= 1;
	return e < TEXTDIFF_MIN_EXPENSIVE ? TEXTDIFF_MIN_EXPENSIVE : e;
}

/*
 * Marks the changed lines of a[lo..lo + na) and b[lo..lo + nb) in ach and
 * bch (indexed from lo).  Lines found in one text only are changed; the
 * others are searched.  Returns 0, or -1 when out of memory.
 */
static int
mark_changes(const struct textdiff *d, size_t lo, size_t na, size_t nb,
    unsigned char *ach, unsigned char *bch)
{
	long *ca = malloc((na + nb + 1) * sizeof(*ca)), *cb, *cnt = NULL;
	long *xi = malloc((na + nb + 1) * sizeof(*xi)), *yi;
	long *x = malloc((na + nb + 1) * sizeof(*x)), *y;
	long *diag = malloc(2 * (na + nb + 3) * sizeof(*diag));
	unsigned char *ch = calloc(na + nb + 1, 1);
	struct search s;
	size_t i, nx = 0, ny = 0;
	int rc = -1;

	if (ca == NULL || xi == NULL || x == NULL || diag == NULL ||
	    ch == NULL)
		goto out;
	cb = ca + na;
	cnt = number_lines(d->a + lo, na, d->b + lo, nb, ca, cb);
	if (cnt == NULL)
		goto out;
	yi = xi + na;
	y = x + na;
	/* Only lines found in both texts are searched; xi and yi map them
	 * back. */
	for (i = 0; i < na; i++) {
		ach[i] = cnt[2 * ca[i] + 1] == 0;
		if (!ach[i]) {
			xi[nx] = (long)i;
			x[nx++] = ca[i];
		}
	}
	for (i = 0; i < nb; i++) {
		bch[i] = cnt[2 * cb[i]] == 0;
		if (!bch[i]) {
			yi[ny] = (long)i;
			y[ny++] = cb[i];
		}
	}
	s.x = x;
	s.y = y;
	s.xch = ch;
	s.ych = ch + nx;
	s.fd = diag + ny + 1;
	s.bd = diag + (na + nb + 3) + ny + 1;
	s.expensive = search_expensive((long)(nx + ny));
	search_marks(&s, 0, (long)nx, 0, (long)ny, 0);
	for (i = 0; i < nx; i++)
		ach[xi[i]] = s.xch[i];
	for (i = 0; i < ny; i++)
		bch[yi[i]] = s.ych[i];
	rc = 0;
out:
	free(ca);
	free(cnt);
	free(xi);
	free(x);
	free(diag);
	free(ch);
	return rc;
}

/* Appends one op to the script (room is made by the caller). */
static void
emit(struct textdiff *d, char op, size_t a, size_t b)
{
	d->ops[d->nops].op = op;
	d->ops[d->nops].a = a;
	d->ops[d->nops].b = b;
	d->nops++;
	if (op == '+')
		d->added++;
	else if (op == '-')
		d->removed++;
}

int
textdiff_run(struct textdiff *d, const char *a, size_t alen, const char *b,
    size_t blen)
{
	size_t pre = 0, suf = 0, i = 0, j = 0, na, nb;
	unsigned char *ch;

	memset(d, 0, sizeof(*d));
	d->a = split_lines(a, alen, &d->na);
	d->b = split_lines(b, blen, &d->nb);
	d->ops = malloc((d->na + d->nb + 1) * sizeof(*d->ops));
	ch = calloc(d->na + d->nb + 1, 1);
	if (d->a == NULL || d->b == NULL || d->ops == NULL || ch == NULL) {
		free(ch);
		textdiff_free(d);
		return -1;
	}
	/* The common head and tail need no search. */
	while (pre < d->na && pre < d->nb && line_eq(&d->a[pre], &d->b[pre]))
		pre++;
	while (suf < d->na - pre && suf < d->nb - pre &&
	    line_eq(&d->a[d->na - 1 - suf], &d->b[d->nb - 1 - suf]))
		suf++;
	na = d->na - pre - suf;
	nb = d->nb - pre - suf;
	if ((na > 0 || nb > 0) &&
	    mark_changes(d, pre, na, nb, ch + pre, ch + d->na + pre) == -1) {
		free(ch);
		textdiff_free(d);
		return -1;
	}
	/* The script from the marks: unmarked lines pair up in order, and
	 * between two pairs the removed lines come before the added ones. */
	while (i < d->na || j < d->nb) {
		if (i < d->na && ch[i])
			emit(d, '-', i++, j);
		else if (j < d->nb && ch[d->na + j])
			emit(d, '+', i, j++);
		else
			emit(d, ' ', i++, j++);
	}
	free(ch);
	return 0;
}
/* Appends one line of a hunk: its mark, its bytes, and the marker diff
 * writes for a last line without '\n'. */
static void
put_line(struct strbuf *out, char op, const struct textdiff_line *l,
    int color)
{
	const char *c = op == '-' ? "\033[31m" : op == '+' ? "\033[32m" : "";

	if (color && op != ' ')
		(void)strbuf_adds(out, c);
	(void)strbuf_addc(out, op);
	(void)strbuf_add(out, l->s, l->n);
	if (color && op != ' ')
		(void)strbuf_adds(out, "\033[m");
	(void)strbuf_addc(out, '\n');
	if (!l->eol)
		(void)strbuf_adds(out, "\\ No newline at end of file\n");
}

/* Appends a hunk range as diff -u writes it: "START,COUNT", "START" when
 * COUNT is 1, and the line before when COUNT is 0. */
static void
put_range(struct strbuf *out, size_t start, size_t count)
{
	if (count == 1)
		(void)strbuf_addf(out, "%zu", start + 1);
	else if (count == 0)
		(void)strbuf_addf(out, "%zu,0", start);
	else
		(void)strbuf_addf(out, "%zu,%zu", start + 1, count);
}

int
textdiff_unified(const struct textdiff *d, const char *lold,
    const char *lnew, int ctx, int color, struct strbuf *out)
{
	size_t i = 0, n = d->nops;

	if (d->added == 0 && d->removed == 0)
		return 0;
	(void)strbuf_addf(out, "%s--- %s%s\n%s+++ %s%s\n", color ? "\033[1m" : "",
	    lold, color ? "\033[m" : "", color ? "\033[1m" : "", lnew,
	    color ? "\033[m" : "");
	while (i < n) {
		size_t first, last, j, sa, sb, ca = 0, cb = 0;

		/* The next change, and the hunk around it: changes closer
		 * than 2 * ctx kept lines apart share a hunk. */
		while (i < n && d->ops[i].op == ' ')
			i++;
		if (i == n)
			break;
		first = i >= (size_t)ctx ? i - (size_t)ctx : 0;
		last = i;
		for (j = i; j < n; j++) {
			if (d->ops[j].op != ' ')
				last = j;
			else if (j - last > (size_t)(2 * ctx))
				break;
		}
		last = last + (size_t)ctx < n - 1 ? last + (size_t)ctx : n - 1;
		for (j = first; j <= last; j++) {
			if (d->ops[j].op != '+')
				ca++;
			if (d->ops[j].op != '-')
				cb++;
		}
		sa = d->ops[first].a;
		sb = d->ops[first].b;
		(void)strbuf_adds(out, color ? "\033[36m@@ -" : "@@ -");
		put_range(out, sa, ca);
		(void)strbuf_adds(out, " +");
		put_range(out, sb, cb);
		(void)strbuf_adds(out, color ? " @@\033[m\n" : " @@\n");
		for (j = first; j <= last; j++) {
			const struct textdiff_op *o = &d->ops[j];

			put_line(out, o->op, o->op == '+' ? &d->b[o->b] :
			    &d->a[o->a], color);
		}
		i = last + 1;
	}
	return out->oom ? -1 : 0;
}

void
textdiff_free(struct textdiff *d)
{
	free(d->a);
	free(d->b);
	free(d->ops);
	memset(d, 0, sizeof(*d));
}
