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

/* Where `make install` puts the example jobs file. */
#ifndef SITEWATCH_EXAMPLEDIR
#define SITEWATCH_EXAMPLEDIR "/usr/local/share/doc/sitewatch/examples"
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

/* Returns CLOCK_MONOTONIC in milliseconds. */
long long util_mono_ms(void);

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

/*
 * Writes into out the path of the example jobs file: the one beside the
 * running binary (the source tree), else the installed one in
 * SITEWATCH_EXAMPLEDIR.  Returns 0 when that file is readable, -1 when
 * none is (out then holds the installed path).
 */
int util_example_path(char *out, size_t outsz);

/*
 * Returns the edit distance of a and b, ignoring ASCII case: each
 * insertion, deletion, substitution or swap of two neighbouring
 * characters counts 1 ("stauts" is 1 from "status").  (size_t)-1 when
 * memory runs out.
 */
size_t util_distance(const char *a, const char *b);

/* Returns how far (util_distance) a word may be from another and still
 * count as a likely typo of it: a third of its length, at least 2. */
size_t util_close_limit(const char *word);

/*
 * The one "did you mean": returns the word of words[0..n) that word was
 * most likely meant to be, the closest within util_close_limit(word)
 * (the first of equals), else the only one that word begins, else NULL.
 * A word shorter than 2 characters gets no suggestion.
 */
const char *util_suggest(const char *word, const char *const *words,
    size_t n);

/*
 * Finds the program name as execvp(3) would: a name with a slash is a
 * path; else each folder of $PATH in turn (execvp's default when it is
 * unset).  Writes the path found into out.  Returns 0 when it is a file
 * that can be executed, else -1 with errno: ENOENT (not found) or EACCES
 * (found, but a folder or not executable; out holds its path).
 */
int util_find_program(const char *name, char *out, size_t outsz);

/* Sleeps for ms milliseconds, resuming after signals. */
void util_sleep_ms(long ms);

/*
 * Splits cmd into words, for a filter's pipe: step and --exec: blanks
 * (spaces, tabs) separate words, single and double quotes group them, as
 * in a shell but with no escapes and no expansion of any kind.  Returns a
 * NULL-terminated malloc'd array (free with util_free_argv), or NULL with
 * the reason in err ("empty command", "unclosed ' quote", "out of memory").
 */
char **util_split_command(const char *cmd, char *err, size_t errsz);

/* Frees what util_split_command() returned (NULL is allowed). */
void util_free_argv(char **argv);

#endif
