/*
 * t-httpval.c - unit tests of src/common/httpval.c: a server's Last-Modified
 * and ETag made valid before they are stored.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "common/httpval.h"
#include "common/jobs.h"
#include "tap.h"

/* Every form HTTP allows for a date becomes the one normal form. */
static void
t_lastmod_dates(void)
{
	static const char *const in[] = {
		"Wed, 21 Oct 2015 07:28:00 GMT",
		"Wednesday, 21-Oct-15 07:28:00 GMT",
		"Wed Oct 21 07:28:00 2015",
		"  Wed, 21 Oct 2015 07:28:00 GMT",
	};
	char out[512];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		check_int(httpval_lastmod(in[i], out, sizeof(out)), ==, 1);
		check_str(out, "Wed, 21 Oct 2015 07:28:00 GMT");
	}
}

/* What is not a date is escaped: printable ASCII stays, every other
 * byte is \xHH, a backslash doubles; never sent back as a validator. */
static void
t_lastmod_escaped(void)
{
	char out[512], err[160];

	check_int(httpval_lastmod("Mi, 21 M\xe4r 2026", out, sizeof(out)), ==, 0);
	check_str(out, "Mi, 21 M\\xe4r 2026");
	check_int(httpval_lastmod("now", out, sizeof(out)), ==, 0);
	check_str(out, "now");
	check_int(httpval_lastmod("a\x1b[1m\a\x7f\\", out, sizeof(out)), ==, 0);
	check_str(out, "a\\x1b[1m\\x07\\x7f\\\\");
	check_int(httpval_lastmod("", out, sizeof(out)), ==, 0);
	check_str(out, "");
	/* Whatever came, the stored value is a valid field. */
	check_int(httpval_lastmod("x\r\n\xff\xfe", out, sizeof(out)), ==, 0);
	check_int(jobs_check_field(JOBS_COL_LASTMOD, out, err, sizeof(err)), ==, 0);
}

/* A long value is cut at a whole escape, with "..." at the end, and still
 * fits the field's limit. */
static void
t_escape_cut(void)
{
	char raw[2000], out[512], err[160];
	size_t n;

	memset(raw, '\xff', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	httpval_escape(raw, out, sizeof(out));
	n = strlen(out);
	check_uint(n, <=, HTTPVAL_ESCAPED_MAX);
	check(n >= 3 && strcmp(out + n - 3, "...") == 0);
	/* Whole escapes only: the part before "..." is a multiple of 4. */
	check_uint((n - 3) % 4, ==, 0);
	check_int(jobs_check_field(JOBS_COL_LASTMOD, out, err, sizeof(err)), ==, 0);
	httpval_escape("short", out, 4);
	check_str(out, "...");
}

/* An ETag is kept only when it can go back as it came. */
static void
t_etag(void)
{
	char out[16];

	check_int(httpval_etag("\"v1\"", out, sizeof(out)), ==, 1);
	check_str(out, "\"v1\"");
	check_int(httpval_etag("W/\"x y\"", out, sizeof(out)), ==, 1);
	check_int(httpval_etag("\"a\rb\"", out, sizeof(out)), ==, 0);
	check_str(out, "");
	check_int(httpval_etag("\"\xc3\xa9\"", out, sizeof(out)), ==, 0);
	check_int(httpval_etag("\"0123456789abcdef\"", out, sizeof(out)), ==, 0);
}

/* The detection time is written in the same form. */
static void
t_date(void)
{
	char out[64];

	httpval_date(1445412480LL, out, sizeof(out));
	check_str(out, "Wed, 21 Oct 2015 07:28:00 GMT");
	httpval_date(-5, out, sizeof(out));
	check_str(out, "");
}

int
main(void)
{
	TEST(t_lastmod_dates(), "Last-Modified: every HTTP date form becomes the normal one");
	TEST(t_lastmod_escaped(), "Last-Modified: anything else is escaped, never raw bytes");
	TEST(t_escape_cut(), "escape: cut at a whole escape, within the field's limit");
	TEST(t_etag(), "ETag: kept only when it is visible ASCII that fits");
	TEST(t_date(), "the detection time in the HTTP-date form");
	return test_done();
}
