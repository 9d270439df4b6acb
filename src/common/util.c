/*
 * util.c - small helpers shared by every module.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700	/* realpath */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

int
errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	int e = errno;	/* the caller's errno says what failed: keep it */

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return -1;
}

char *
util_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

long long
util_mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t
util_utf8_cut(const char *s, size_t len)
{
	/* Back over continuation bytes (10xxxxxx) to the start of the
	 * character that holds byte len, if len is inside one. */
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

char *
util_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strnlen(src, dstsz - 1);

	n = util_utf8_cut(src, n);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return dst;
}

int
util_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		unsigned long cp;
		size_t need, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;	/* a continuation byte, 0xc0/0xc1 or > 0xf4 */
		}
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Reject overlong forms, UTF-16 surrogates and code points
		 * beyond Unicode. */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += need + 1;
	}
	return 1;
}

unsigned long long
util_hash(const void *s, size_t n)
{
	const unsigned char *p = s;
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
util_sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
util_resolve_link(const char *path, char *out, size_t outsz)
{
	char real[PATH_MAX];
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (realpath(path, real) == NULL)
			return -1;
		path = real;
	}
	if (strlen(path) >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(out, path);
	return 0;
}

int
util_sidecar(const char *path, const char *suffix, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (slash == NULL)
		n = snprintf(out, outsz, ".%s.%s", path, suffix);
	else
		n = snprintf(out, outsz, "%.*s/.%s.%s", (int)(slash - path),
		    path, slash + 1, suffix);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
util_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
util_dirname(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (slash == NULL)
		n = snprintf(out, outsz, ".");
	else
		n = snprintf(out, outsz, "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
util_mkdirs(const char *path, unsigned mode)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, (mode_t)mode) == -1 && errno != EEXIST)
			return -1;
		if (i < n)
			buf[i] = '/';
	}
	return 0;
}

int
util_same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Looks for the file name beside the running binary (the build tree, or
 * an install where everything sits in one folder), else in the folder
 * dir, and writes the path into out.  Returns 0 when that file passes
 * access(mode), -1 when neither does (out then holds the one in dir).
 */
static int
installed_file(const char *name, const char *dir, int mode, char *out,
    size_t outsz)
{
	char self[4096];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			if ((size_t)snprintf(out, outsz, "%s/%s", self, name) <
			    outsz && access(out, mode) == 0)
				return 0;
		}
	}
	if ((size_t)snprintf(out, outsz, "%s/%s", dir, name) >= outsz)
		return -1;
	return access(out, mode) == 0 ? 0 : -1;
}

int
util_helper_path(char *out, size_t outsz)
{
	const char *env = getenv("SITEWATCH_HELPER");

	if (env != NULL && *env != '\0') {
		if ((size_t)snprintf(out, outsz, "%s", env) >= outsz)
			return -1;
		return access(out, X_OK) == 0 ? 0 : -1;
	}
	return installed_file("sitewatch-helper", SITEWATCH_LIBEXECDIR, X_OK,
	    out, outsz);
}

int
util_example_path(char *out, size_t outsz)
{
	return installed_file("jobs.csv.example", SITEWATCH_EXAMPLEDIR, R_OK,
	    out, outsz);
}

size_t
util_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d, *m;

	/* Three rows of the (la + 1) x (lb + 1) table: two back, one back,
	 * this one; a swap looks two rows back. */
	m = malloc(3 * (lb + 1) * sizeof(*m));
	if (m == NULL)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		m[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = m + (i % 3) * (lb + 1);
		size_t *up = m + ((i - 1) % 3) * (lb + 1);
		size_t *up2 = m + ((i + 1) % 3) * (lb + 1);
		int ca = tolower((unsigned char)a[i - 1]);

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = up[j - 1] + (ca != cb);

			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	d = m[(la % 3) * (lb + 1) + lb];
	free(m);
	return d;
}

size_t
util_close_limit(const char *word)
{
	size_t n = strlen(word) / 3;

	return n < 2 ? 2 : n;
}

const char *
util_suggest(const char *word, const char *const *words, size_t n)
{
	const char *best = NULL, *prefixed = NULL;
	size_t i, d, bestd = (size_t)-1, len = strlen(word), nprefixed = 0;

	if (len < 2)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strncasecmp(words[i], word, len) == 0) {
			prefixed = words[i];
			nprefixed++;
		}
		d = util_distance(word, words[i]);
		if (d < bestd) {
			bestd = d;
			best = words[i];
		}
	}
	if (bestd <= util_close_limit(word) && bestd < len)
		return best;
	return nprefixed == 1 ? prefixed : NULL;
}

/* Returns 0 when path is a file execve(2) would run, else -1 with errno
 * (EACCES for a folder or a file without execute permission). */
static int
runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int
util_find_program(const char *name, char *out, size_t outsz)
{
	const char *path = getenv("PATH"), *p, *end;
	char denied[4096] = "";

	if (*name == '\0') {
		(void)snprintf(out, outsz, "%s", name);
		errno = ENOENT;
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		if ((size_t)snprintf(out, outsz, "%s", name) >= outsz) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return runnable(out);
	}
	/* execvp's default search path when PATH is unset. */
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (p = path;; p = end + 1) {
		size_t len;

		end = strchr(p, ':');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		/* An empty element is the current folder. */
		if ((size_t)snprintf(out, outsz, "%.*s%s%s", (int)len, p,
		    len > 0 ? "/" : "", name) < outsz) {
			if (runnable(out) == 0)
				return 0;
			if (errno == EACCES && denied[0] == '\0')
				(void)snprintf(denied, sizeof(denied), "%s", out);
		}
		if (end == NULL)
			break;
	}
	(void)snprintf(out, outsz, "%s", denied[0] ? denied : name);
	errno = denied[0] ? EACCES : ENOENT;
	return -1;
}

char **
util_split_command(const char *cmd, char *err, size_t errsz)
{
	size_t n = 0, len = strlen(cmd);
	char **argv = calloc(len / 2 + 2, sizeof(*argv));
	const char *p = cmd;

	if (argv == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (;;) {
		char *w, quote = 0;
		size_t k = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		w = malloc(len + 1);
		if (w == NULL) {
			util_free_argv(argv);
			(void)snprintf(err, errsz, "out of memory");
			return NULL;
		}
		for (; *p != '\0'; p++) {
			if (quote != 0) {
				if (*p == quote)
					quote = 0;
				else
					w[k++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == ' ' || *p == '\t') {
				break;
			} else {
				w[k++] = *p;
			}
		}
		w[k] = '\0';
		argv[n++] = w;
		if (quote != 0) {
			util_free_argv(argv);
			(void)snprintf(err, errsz, "unclosed %c quote", quote);
			return NULL;
		}
	}
	if (n == 0) {
		util_free_argv(argv);
		(void)snprintf(err, errsz, "empty command");
		return NULL;
	}
	return argv;
}

void
util_free_argv(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}
