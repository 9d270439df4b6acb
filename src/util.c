/*
 * util.c - small helpers shared by every module.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700	/* realpath */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int
errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
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

int
util_helper_path(char *out, size_t outsz)
{
	const char *env = getenv("SITEWATCH_HELPER");
	char self[4096];
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0') {
		if ((size_t)snprintf(out, outsz, "%s", env) >= outsz)
			return -1;
		return access(out, X_OK) == 0 ? 0 : -1;
	}
	/* Beside the running binary: the build tree, or an install where
	 * both sit in one folder. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			if ((size_t)snprintf(out, outsz, "%s/sitewatch-helper",
			    self) < outsz && access(out, X_OK) == 0)
				return 0;
		}
	}
	if ((size_t)snprintf(out, outsz, "%s/sitewatch-helper",
	    SITEWATCH_LIBEXECDIR) >= outsz)
		return -1;
	return access(out, X_OK) == 0 ? 0 : -1;
}
