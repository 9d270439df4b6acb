/*
 * httpval.h - what sitewatch keeps of a server's validators (Last-Modified,
 * ETag): each made valid before anything stores it, since the jobs file
 * and the state file refuse what a hostile server may send (bytes that
 * are not UTF-8, control characters, line breaks, endless values).
 */
#ifndef SITEWATCH_HTTPVAL_H
#define SITEWATCH_HTTPVAL_H

#include <stddef.h>

#define HTTPVAL_ESCAPED_MAX 200	/* longest escaped value kept, in bytes */

/*
 * Writes into out (outsz bytes) the form of the Last-Modified value raw
 * that sitewatch stores: the normal HTTP-date form ("Wed, 21 Oct 2015
 * 07:28:00 GMT") when raw reads as a date, else the escaped form of
 * httpval_escape().  An empty raw gives "".  Returns 1 when raw is a date
 * (the value may be sent back as If-Modified-Since), 0 when it is not.
 */
int httpval_lastmod(const char *raw, char *out, size_t outsz);

/*
 * Copies the ETag raw into out when it can be stored and sent back as it
 * is: at most outsz - 1 bytes of visible ASCII and spaces.  Returns 1, or
 * 0 with out set to "" (the answer then has no usable ETag).
 */
int httpval_etag(const char *raw, char *out, size_t outsz);

/*
 * Writes into out the escaped form of raw: printable ASCII stays, a
 * backslash becomes "\\", every other byte "\xHH"; cut (at a whole
 * character) after HTTPVAL_ESCAPED_MAX bytes or when out is full, with
 * "..." at the end.  The result is always valid for any field.
 */
void httpval_escape(const char *raw, char *out, size_t outsz);

/* Formats the Unix time t as an HTTP date into buf. */
void httpval_date(long long t, char *buf, size_t bufsz);

#endif
