/*
 * frame.c - the one framing of messages between sitewatch's processes
 * (see frame.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/frame.h"

#define TAG_ABSENT 0
#define TAG_STR 1
#define TAG_BLOB 2
#define BLOB_HEAD 5		/* the tag, the length as 4 bytes big-endian */

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
	unsigned char head[BLOB_HEAD];

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

/*
 * Reads the head of a blob field at the start of buf[0..len) into *n.
 * Returns 1, 0 when buf is shorter than a head, -1 when it is no blob.
 */
static int
blob_head(const char *buf, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)buf;

	if (len < BLOB_HEAD)
		return len > 0 && buf[0] != TAG_BLOB ? -1 : 0;
	if (u[0] != TAG_BLOB)
		return -1;
	*n = (size_t)u[1] << 24 | (size_t)u[2] << 16 | (size_t)u[3] << 8 |
	    u[4];
	return 1;
}

void
frame_get_blob(struct frame_reader *r, void *p, size_t n)
{
	size_t got;

	if (r->bad || blob_head(r->buf + r->off, r->len - r->off, &got) != 1 ||
	    got != n || r->len - r->off - BLOB_HEAD < n) {
		r->bad = 1;
		return;
	}
	memcpy(p, r->buf + r->off + BLOB_HEAD, n);
	r->off += BLOB_HEAD + n;
}

int
frame_done(const struct frame_reader *r)
{
	return !r->bad && r->off == r->len ? 0 : -1;
}

size_t
frame_stream_put(char *out, size_t outsz, const char *msg, size_t len)
{
	struct frame_writer w;

	frame_start(&w, out, outsz);
	frame_put_blob(&w, msg, len);
	return frame_end(&w);
}

long
frame_stream_get(const char *buf, size_t len, const char **msg,
    size_t *msglen)
{
	size_t n;
	int r = blob_head(buf, len, &n);

	if (r != 1)
		return r;
	if (n > LONG_MAX - BLOB_HEAD)
		return -1;
	if (len - BLOB_HEAD < n)
		return 0;
	*msg = buf + BLOB_HEAD;
	*msglen = n;
	return (long)(BLOB_HEAD + n);
}
