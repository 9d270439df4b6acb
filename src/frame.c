/*
 * frame.c - the one framing of messages between sitewatch's processes
 * (see frame.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define TAG_ABSENT 0
#define TAG_STR 1
#define TAG_BLOB 2

void
frame_start(struct frame_writer *w, char *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->len = 0;
	w->full = 0;
}

/* Appends n bytes at p, or marks the message full. */
static void
put(struct frame_writer *w, const void *p, size_t n)
{
	if (w->full || n > w->size - w->len) {
		w->full = 1;
		return;
	}
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
frame_put_str(struct frame_writer *w, const char *s, size_t max)
{
	static const char absent = TAG_ABSENT, str = TAG_STR, nul = 0;
	size_t n;

	if (s == NULL) {
		put(w, &absent, 1);
		return;
	}
	n = max > 0 ? strnlen(s, max) : strlen(s);
	put(w, &str, 1);
	put(w, s, n);
	put(w, &nul, 1);
}

void
frame_put_num(struct frame_writer *w, long long v)
{
	char tmp[32];

	(void)snprintf(tmp, sizeof(tmp), "%lld", v);
	frame_put_str(w, tmp, 0);
}

void
frame_put_blob(struct frame_writer *w, const void *p, size_t n)
{
	unsigned char head[5];

	if (n > 0xffffffffUL) {
		w->full = 1;
		return;
	}
	head[0] = TAG_BLOB;
	head[1] = (unsigned char)(n >> 24);
	head[2] = (unsigned char)(n >> 16);
	head[3] = (unsigned char)(n >> 8);
	head[4] = (unsigned char)n;
	put(w, head, sizeof(head));
	put(w, p, n);
}

size_t
frame_end(const struct frame_writer *w)
{
	return w->full ? 0 : w->len;
}

void
frame_read(struct frame_reader *r, const char *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->bad = 0;
}

const char *
frame_get_str(struct frame_reader *r)
{
	const char *s;
	size_t n;

	if (r->bad || r->off >= r->len) {
		r->bad = 1;
		return NULL;
	}
	switch (r->buf[r->off]) {
	case TAG_ABSENT:
		r->off++;
		return NULL;
	case TAG_STR:
		break;
	default:
		r->bad = 1;
		return NULL;
	}
	s = r->buf + r->off + 1;
	n = strnlen(s, r->len - r->off - 1);
	if (r->off + 1 + n >= r->len) {
		r->bad = 1;	/* no NUL before the end */
		return NULL;
	}
	r->off += n + 2;
	return s;
}

long long
frame_get_num(struct frame_reader *r)
{
	const char *s = frame_get_str(r);
	char *end;
	long long v;

	if (s == NULL) {
		r->bad = 1;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		r->bad = 1;
		return 0;
	}
	return v;
}

void
frame_get_blob(struct frame_reader *r, void *p, size_t n)
{
	const unsigned char *u;
	size_t got;

	if (r->bad || r->len - r->off < 5 || r->buf[r->off] != TAG_BLOB) {
		r->bad = 1;
		return;
	}
	u = (const unsigned char *)r->buf + r->off + 1;
	got = (size_t)u[0] << 24 | (size_t)u[1] << 16 | (size_t)u[2] << 8 |
	    u[3];
	if (got != n || r->len - r->off - 5 < n) {
		r->bad = 1;
		return;
	}
	memcpy(p, r->buf + r->off + 5, n);
	r->off += 5 + n;
}

int
frame_done(const struct frame_reader *r)
{
	return !r->bad && r->off == r->len ? 0 : -1;
}
