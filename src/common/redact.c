/*
 * redact.c - a row's URL as it is shown to people (see redact.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "common/redact.h"
#include "common/util.h"

/* Names that end in one of these name a secret, whatever comes before. */
static const char *const secret_ends[] = {
	"token", "secret", "password", "passwd", "passphrase", "signature",
	"credential", "credentials", "session", "sessionid", "sessid",
	"apikey", "accesskey", "secretkey", "privatekey"
};

/* Names that are, or end in a word that is, one of these name a secret
 * ("monkey" does not end in the word "key"; "x-api-key" does). */
static const char *const secret_words[] = {
	"key", "pass", "pwd", "pw", "auth", "sig", "sid", "code", "otp", "pin",
	"jwt"
};

/* The longest parameter name looked at: the end of a longer one. */
#define NAME_MAX_LOOK 256

/* Where redact_url() writes: out[0..len), cut when it is full. */
struct out {
	char *buf;
	size_t size, len;
	int full;		/* something was cut: nothing more goes in */
};

/* Appends s[0..n) to o, as much as fits, cut at a character boundary. */
static void
out_put(struct out *o, const char *s, size_t n)
{
	size_t room = o->size - 1 - o->len;

	if (o->full)
		return;
	if (n > room) {
		n = util_utf8_cut(s, room);	/* s[room] is readable */
		o->full = 1;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Returns the value of the hex digit c, or -1. */
static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the percent-encoding of s[0..len) into out (size NAME_MAX_LOOK
 * + 1), keeping the end of a longer result.  Returns its length. */
static size_t
name_decode(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		int hi, lo;
		char c = s[i];

		if (c == '%' && i + 2 < len &&
		    (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (n == NAME_MAX_LOOK) {
			memmove(out, out + 1, NAME_MAX_LOOK - 1);
			n--;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/* Returns 1 when name[0..n) ends in word, ignoring case; at a word start
 * of name when bounded is set. */
static int
ends_in(const char *name, size_t n, const char *word, int bounded)
{
	size_t w = strlen(word), at;
	unsigned char before, first;

	if (w > n || strncasecmp(name + n - w, word, w) != 0)
		return 0;
	at = n - w;
	if (!bounded || at == 0)
		return 1;
	before = (unsigned char)name[at - 1];
	first = (unsigned char)name[at];
	return !isalpha(before) || (islower(before) && isupper(first));
}

int
redact_secret_name(const char *s, size_t len)
{
	char name[NAME_MAX_LOOK + 1];
	size_t n = name_decode(s, len, name), i;

	while (n > 0 && name[n - 1] == ']')
		n--;
	for (i = 0; i < ARRAY_LEN(secret_ends); i++)
		if (ends_in(name, n, secret_ends[i], 0))
			return 1;
	for (i = 0; i < ARRAY_LEN(secret_words); i++)
		if (ends_in(name, n, secret_words[i], 1))
			return 1;
	return 0;
}

/* Appends s[0..len), parameters separated by any of seps, each
 * "name=value" with a secret name as "name=***". */
static void
put_params(struct out *o, const char *s, size_t len, const char *seps)
{
	const char *end = s + len;

	while (s < end) {
		const char *item = s, *eq;
		size_t n = 0;

		while (item + n < end && strchr(seps, item[n]) == NULL)
			n++;
		eq = memchr(item, '=', n);
		if (eq != NULL && eq + 1 < item + n &&
		    redact_secret_name(item, (size_t)(eq - item))) {
			out_put(o, item, (size_t)(eq + 1 - item));
			out_put(o, REDACT_MASK, sizeof(REDACT_MASK) - 1);
		} else {
			out_put(o, item, n);
		}
		s = item + n;
		if (s < end)
			out_put(o, s++, 1);	/* the separator */
	}
}

/* Appends the path s[0..len), the parameters of each segment (after a
 * ';', as in /app;jsessionid=X/) masked as put_params does. */
static void
put_path(struct out *o, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		const char *seg_end = slash != NULL ? slash + 1 : end;
		const char *semi = memchr(s, ';', (size_t)(seg_end - s));

		if (semi == NULL) {
			out_put(o, s, (size_t)(seg_end - s));
		} else {
			out_put(o, s, (size_t)(semi + 1 - s));
			put_params(o, semi + 1, (size_t)(seg_end - semi - 1),
			    ";/");
		}
		s = seg_end;
	}
}

/* Returns the length of url's "scheme://" (RFC 3986 scheme), or 0. */
static size_t
scheme_len(const char *url)
{
	size_t i = 0;

	if (!isalpha((unsigned char)url[0]))
		return 0;
	while (isalnum((unsigned char)url[i]) || url[i] == '+' ||
	    url[i] == '-' || url[i] == '.')
		i++;
	return strncmp(url + i, "://", 3) == 0 ? i + 3 : 0;
}

char *
redact_url(const char *url, enum redact_form form, char *out, size_t outsz)
{
	struct out o = { out, outsz, 0, 0 };
	size_t skip = scheme_len(url), auth, path, query;
	const char *at;

	/* The authority runs to the first /, ? or #; its userinfo to its
	 * last @ (a raw @ in a password is then left out too). */
	out_put(&o, url, skip);
	auth = skip + strcspn(url + skip, "/?#");
	at = url + auth;
	while (at > url + skip && at[-1] != '@')
		at--;
	out_put(&o, at, (size_t)(url + auth - at));
	path = auth + strcspn(url + auth, "?#");
	put_path(&o, url + auth, path - auth);
	if (form == REDACT_SHOWN && url[path] != '\0') {
		/* '?' then the query, '#' then the fragment: the separator
		 * itself is kept as the first character. */
		query = path + 1 + strcspn(url + path + 1, "#");
		out_put(&o, url + path, 1);
		put_params(&o, url + path + 1, query - path - 1, "&;");
		if (url[query] == '#') {
			out_put(&o, url + query, 1);
			put_params(&o, url + query + 1,
			    strlen(url + query + 1), "&;");
		}
	}
	out[o.len] = '\0';
	return out;
}
