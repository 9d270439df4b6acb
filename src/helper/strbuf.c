/*
 * strbuf.c - a growing byte buffer for the helper's modules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "helper/strbuf.h"

/* Makes room for n more bytes and the NUL.  Returns 0, or -1 (oom set). */
static int
strbuf_grow(struct strbuf *b, size_t n)
{
	size_t want, cap;
	char *s;

	if (b->oom)
		return -1;
	if (n > (size_t)-1 / 2 - b->len) {
		b->oom = 1;
		return -1;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < want)
		cap *= 2;
	s = realloc(b->s, cap);
	if (s == NULL) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

int
strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (strbuf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
strbuf_adds(struct strbuf *b, const char *s)
{
	return strbuf_add(b, s, strlen(s));
}

int
strbuf_addc(struct strbuf *b, char c)
{
	return strbuf_add(b, &c, 1);
}

int
strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || strbuf_grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
strbuf_add_utf8(struct strbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;

	while (i < n) {
		size_t k = p[i] < 0x80 ? 1 : p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;

		if (p[i] < 0x80 || (i + k <= n && util_utf8_valid(p + i, k))) {
			i += k;
			continue;
		}
		(void)strbuf_add(b, s + start, i - start);
		(void)strbuf_add(b, "\xEF\xBF\xBD", 3);
		i++;
		start = i;
	}
	return strbuf_add(b, s + start, n - start);
}

const char *
strbuf_str(const struct strbuf *b)
{
	return b->s != NULL ? b->s : "";
}

char *
strbuf_detach(struct strbuf *b, size_t *len)
{
	char *s;

	if (b->oom || (b->s == NULL && strbuf_grow(b, 0) == -1)) {
		strbuf_free(b);
		return NULL;
	}
	b->s[b->len] = '\0';
	s = b->s;
	if (len != NULL)
		*len = b->len;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
