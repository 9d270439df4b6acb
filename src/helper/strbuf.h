/*
 * strbuf.h - a growing byte buffer for the helper's modules.
 */
#ifndef SITEWATCH_STRBUF_H
#define SITEWATCH_STRBUF_H

#include <stddef.h>

/*
 * A NUL-terminated byte buffer that grows as needed.  A zeroed struct is an
 * empty buffer.  When an allocation fails the buffer keeps what it had and
 * sets oom; later appends do nothing, so callers check oom once at the end.
 */
struct strbuf {
	char *s;
	size_t len, cap;
	int oom;
};

/* Appends s[0..n).  Returns 0, or -1 when out of memory. */
int strbuf_add(struct strbuf *b, const char *s, size_t n);

/* Appends the C string s.  Returns 0 or -1. */
int strbuf_adds(struct strbuf *b, const char *s);

/* Appends one byte.  Returns 0 or -1. */
int strbuf_addc(struct strbuf *b, char c);

/* Appends like printf.  Returns 0 or -1. */
int strbuf_addf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends s[0..n) with every byte that is not part of well-formed UTF-8
 * replaced by U+FFFD.  Returns 0 or -1. */
int strbuf_add_utf8(struct strbuf *b, const char *s, size_t n);

/* Returns the contents ("" for an empty buffer); the buffer keeps them. */
const char *strbuf_str(const struct strbuf *b);

/* Hands the malloc'd contents to the caller (never NULL unless out of
 * memory) and empties the buffer. */
char *strbuf_detach(struct strbuf *b, size_t *len);

/* Empties the buffer, keeping its memory. */
void strbuf_reset(struct strbuf *b);

/* Frees the contents; the buffer is empty afterwards. */
void strbuf_free(struct strbuf *b);

#endif
