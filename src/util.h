/*
 * util.h - small helpers shared by every module.
 */
#ifndef SITEWATCH_UTIL_H
#define SITEWATCH_UTIL_H

#include <stddef.h>
#include <sys/stat.h>

#ifndef SITEWATCH_LIBEXECDIR
#define SITEWATCH_LIBEXECDIR "/usr/local/libexec/sitewatch"
#endif

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

/* Returns len, or less so that s[0..result) does not end inside a UTF-8
 * character: the cut for a string shortened to at most len bytes.  s[len]
 * must be readable (len <= strlen(s)). */
size_t util_utf8_cut(const char *s, size_t len);

/* Copies src into dst (dstsz > 0 bytes), cut at a character boundary when
 * it does not fit; always terminated.  Returns dst. */
char *util_copy(char *dst, size_t dstsz, const char *src);

/* Returns the 64-bit FNV-1a hash of s[0..n). */
unsigned long long util_hash(const void *s, size_t n);

/*
 * Writes into out the path of a file beside path: "DIR/.BASENAME.suffix"
 * (".BASENAME.suffix" for a bare name).  Returns 0, or -1 when it does not
 * fit.
 */
int util_sidecar(const char *path, const char *suffix, char *out,
    size_t outsz);

/*
 * Writes into out the jobs file that path names: path itself, or, when
 * path is a symbolic link, the file it resolves to (realpath(3)), so that
 * a file reached through a link has one lock, one supervisor and one
 * state folder.  Returns 0, or -1 with errno (ENAMETOOLONG, or
 * realpath's).
 */
int util_resolve_link(const char *path, char *out, size_t outsz);

/* Writes into out the directory part of path ("." for a bare name, "/"
 * for a file in the root).  Returns 0, or -1 when it does not fit. */
int util_dirname(const char *path, char *out, size_t outsz);

/* Writes all of buf to fd, resuming after signals.  Returns 0, or -1 with
 * errno. */
int util_write_all(int fd, const char *buf, size_t len);

/* Creates the directory path and its missing parents (mkdir -p).
 * Returns 0, or -1 with errno. */
int util_mkdirs(const char *path, unsigned mode);

/* Returns 1 when a and b are the same file, unchanged: device, inode,
 * size and modification time agree. */
int util_same_stat(const struct stat *a, const struct stat *b);

/*
 * Writes into out the path of sitewatch-helper, the short-lived process
 * that holds the heavy libraries: $SITEWATCH_HELPER when set, else the
 * one beside the running binary, else the installed one in
 * SITEWATCH_LIBEXECDIR.  Returns 0 when that file is executable, -1 when
 * none is (out then holds the last path tried, for the message).
 */
int util_helper_path(char *out, size_t outsz);

/* Sleeps for ms milliseconds, resuming after signals. */
void util_sleep_ms(long ms);

#endif
