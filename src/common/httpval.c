/*
 * httpval.c - a server's validators made valid before they are stored.
 *
 * A Last-Modified value goes into the jobs file and the state file, and
 * both are read back by rules that refuse bytes a server may send.  So a
 * value that reads as a date is stored in the one normal HTTP-date form
 * (libcurl's curl_getdate() reads every form HTTP allows, and more), and
 * anything else in an escaped form that no reader refuses.  Only a date
 * is sent back as If-Modified-Since: a server compares dates, and a value
 * that is not one cannot be compared.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/httpval.h"

/* Dates before 1970 or after 9999 are not what a page was modified at. */
#define YEAR_10000 253402300800LL

void
httpval_date(long long t, char *buf, size_t bufsz)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	time_t tt = (time_t)t;
	struct tm tm;

	if (bufsz == 0)
		return;
	if (t < 0 || t >= YEAR_10000 || gmtime_r(&tt, &tm) == NULL) {
		buf[0] = '\0';
		return;
	}
	(void)snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
httpval_escape(const char *raw, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t n = 0, room, starts[HTTPVAL_ESCAPED_MAX + 1], nstarts = 0;

	if (outsz == 0)
		return;
	room = outsz - 1 < HTTPVAL_ESCAPED_MAX ? outsz - 1 : HTTPVAL_ESCAPED_MAX;
	for (p = (const unsigned char *)raw; *p != '\0'; p++) {
		char one[4];
		size_t k;

		if (*p == '\\') {
			one[0] = '\\';
			one[1] = '\\';
			k = 2;
		} else if (*p >= 0x20 && *p < 0x7f) {
			one[0] = (char)*p;
			k = 1;
		} else {
			one[0] = '\\';
			one[1] = 'x';
			one[2] = hex[*p >> 4];
			one[3] = hex[*p & 15];
			k = 4;
		}
		/* Keep room for "..." when more follows. */
		if (n + k + (p[1] != '\0' ? 3 : 0) > room) {
			if (room >= 3) {
				/* Back to the start of a whole escape. */
				while (n + 3 > room && nstarts > 0)
					n = starts[--nstarts];
				memcpy(out + n, "...", 3);
				n += 3;
			}
			break;
		}
		starts[nstarts++] = n;
		memcpy(out + n, one, k);
		n += k;
	}
	out[n] = '\0';
}

int
httpval_lastmod(const char *raw, char *out, size_t outsz)
{
	time_t t;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (*raw == '\0')
		return 0;
	t = curl_getdate(raw, NULL);
	if (t != (time_t)-1 && (long long)t >= 0 &&
	    (long long)t < YEAR_10000) {
		httpval_date((long long)t, out, outsz);
		if (out[0] != '\0')
			return 1;
	}
	httpval_escape(raw, out, outsz);
	return 0;
}

int
httpval_etag(const char *raw, char *out, size_t outsz)
{
	const unsigned char *p;
	size_t len = strlen(raw);

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (len == 0 || len >= outsz)
		return 0;
	for (p = (const unsigned char *)raw; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 0;
	memcpy(out, raw, len + 1);
	return 1;
}
