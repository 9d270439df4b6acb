/*
 * util.h - small helpers shared by every module.
 */
#ifndef SITEWATCH_UTIL_H
#define SITEWATCH_UTIL_H

#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Formats into err (size errsz, may be 0) like snprintf; returns -1 so that
 * callers can write "return errf(...)". */
int errf(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns a malloc'd copy of s[0..n) with a NUL after it, or NULL. */
char *util_strndup(const char *s, size_t n);

/* Returns 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. */
int util_utf8_valid(const unsigned char *s, size_t n);

/* Returns the 64-bit FNV-1a hash of s[0..n). */
unsigned long long util_hash(const void *s, size_t n);

/* Sleeps for ms milliseconds, resuming after signals. */
void util_sleep_ms(long ms);

#endif
