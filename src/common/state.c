/*
 * state.c - a watcher's bookkeeping in a small text file of "key=value"
 * lines, one file per watcher.
 *
 * A check used to replace the file (a temporary file renamed over it).  On
 * ext4 a rename over an existing file flushes the new file's data at once,
 * which made the save 90% of a check's CPU time.  Now the watcher keeps the
 * file open and rewrites it in place with one pwrite(2); the last line is a
 * checksum of the lines before it, so a reader that overlapped a write sees
 * a mismatch and reads again, and a file torn by a crash is no state at all
 * (one silent re-baseline).  The file is never truncated: a shorter state
 * is padded with empty lines.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/state.h"
#include "common/util.h"

#define NAME_MAX_SAFE 150	/* longest encoded name before it is cut */

int
state_dir(const char *jobsfile, char *dir, size_t dirsz)
{
	char cfg[PATH_MAX], here[PATH_MAX], real_cfg[PATH_MAX], real_here[PATH_MAX];
	const char *xc = getenv("XDG_CONFIG_HOME"), *xs = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char file[PATH_MAX];
	int n;

	/* The file a link points to has the state, whatever link names it. */
	if (util_resolve_link(jobsfile, file, sizeof(file)) == -1)
		return -1;
	jobsfile = file;
	/* The XDG default location keeps its state where XDG says. */
	if (util_dirname(jobsfile, here, sizeof(here)) == 0 &&
	    realpath(here, real_here) != NULL) {
		if (xc != NULL && *xc == '/')
			n = snprintf(cfg, sizeof(cfg), "%s/sitewatch", xc);
		else
			n = snprintf(cfg, sizeof(cfg), "%s/.config/sitewatch",
			    home != NULL ? home : "/");
		if (n > 0 && (size_t)n < sizeof(cfg) &&
		    realpath(cfg, real_cfg) != NULL &&
		    strcmp(real_cfg, real_here) == 0) {
			if (xs != NULL && *xs == '/')
				n = snprintf(dir, dirsz, "%s/sitewatch", xs);
			else
				n = snprintf(dir, dirsz,
				    "%s/.local/state/sitewatch",
				    home != NULL ? home : "");
			return n < 0 || (size_t)n >= dirsz ? -1 : 0;
		}
	}
	return util_sidecar(jobsfile, "state", dir, dirsz);
}

int
state_path(const char *dir, const char *name, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	char safe[NAME_MAX_SAFE + 32];
	size_t n = 0;
	const unsigned char *p;
	int len;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (n + 3 >= NAME_MAX_SAFE) {
			/* Cut, and tell long names apart by a hash. */
			n += (size_t)snprintf(safe + n, sizeof(safe) - n,
			    "~%016llx", util_hash(name, strlen(name)));
			break;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') {
			safe[n++] = (char)*p;
		} else {
			safe[n++] = '%';
			safe[n++] = hex[*p >> 4];
			safe[n++] = hex[*p & 15];
		}
	}
	safe[n] = '\0';
	len = snprintf(out, outsz, "%s/%s", dir, safe);
	return len < 0 || (size_t)len >= outsz ? -1 : 0;
}

/* Returns the value of the hex digit c, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses s, exactly 2 * n hex digits and nothing else (no sign, space or
 * "0x": sscanf's %x takes all three), into out.  Returns 0, or -1 with
 * out zeroed.
 */
static int
unhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	memset(out, 0, n);
	if (strlen(s) != n * 2)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi == -1 || lo == -1) {
			memset(out, 0, n);
			return -1;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Finds the checksum line of the n bytes at buf and tells whether it
 * matches the bytes before it.  Returns 1 when it matches, 0 when it
 * does not or there is none (a write was in progress, or the file is
 * damaged).
 */
static int
sum_ok(const char *buf, size_t n)
{
	const char *p = buf;
	char want[32];

	for (;;) {
		if ((size_t)(buf + n - p) >= 4 && memcmp(p, "sum=", 4) == 0)
			break;
		p = memchr(p, '\n', (size_t)(buf + n - p));
		if (p == NULL)
			return 0;
		p++;
	}
	(void)snprintf(want, sizeof(want), "sum=%016llx\n",
	    util_hash(buf, (size_t)(p - buf)));
	return (size_t)(buf + n - p) >= strlen(want) &&
	    memcmp(p, want, strlen(want)) == 0;
}

/* Sets one field of *st from a "key" and its value. */
static void
set_field(struct state *st, const char *key, const char *v)
{
	if (strcmp(key, "baseline") == 0)
		st->baseline = atoi(v) != 0;
	else if (strcmp(key, "etag") == 0)
		(void)snprintf(st->etag, sizeof(st->etag), "%s", v);
	else if (strcmp(key, "last_modified") == 0)
		(void)snprintf(st->last_modified, sizeof(st->last_modified),
		    "%s", v);
	else if (strcmp(key, "hash") == 0)
		st->has_hash = unhex(v, st->hash, FETCH_HASH_LEN) == 0;
	else if (strcmp(key, "last_check") == 0)
		st->last_check = atoll(v);
	else if (strcmp(key, "last_change") == 0)
		st->last_change = atoll(v);
	else if (strcmp(key, "last_result") == 0)
		(void)snprintf(st->last_result, sizeof(st->last_result), "%s",
		    v);
	else if (strcmp(key, "last_change_brief") == 0)
		(void)snprintf(st->last_change_brief,
		    sizeof(st->last_change_brief), "%s", v);
	else if (strcmp(key, "last_error") == 0)
		(void)snprintf(st->last_error, sizeof(st->last_error), "%s", v);
	else if (strcmp(key, "failures") == 0)
		st->failures = (unsigned)strtoul(v, NULL, 10);
	else if (strcmp(key, "checks") == 0)
		st->checks = strtoul(v, NULL, 10);
	else if (strcmp(key, "next_check") == 0)
		st->next_check = atoll(v);
	else if (strcmp(key, "identity") == 0)
		st->identity = strtoull(v, NULL, 16);
	else if (strcmp(key, "text_hash") == 0)
		st->has_text_hash = unhex(v, st->text_hash, FETCH_HASH_LEN) == 0;
	else if (strcmp(key, "failing_since") == 0)
		st->failing_since = atoll(v);
	else if (strcmp(key, "alerted") == 0)
		st->alerted = atoi(v) != 0;
}

/* Parses the NUL-terminated text at buf (changed in place) into *st, up
 * to the checksum line. */
static void
parse(char *buf, struct state *st)
{
	char *line, *next;

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		char *eq;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		if (strcmp(line, "sum") == 0)
			break;
		set_field(st, line, eq + 1);
	}
}

int
state_parse(char *buf, size_t n, struct state *st)
{
	memset(st, 0, sizeof(*st));
	if (memchr(buf, '\0', n) != NULL)
		return -1;
	/* No checksum line, or a wrong one: a read that overlapped a write,
	 * or a file from before the checksums, which belongs to no row
	 * (see state_adopt) and would be dropped anyway. */
	if (!sum_ok(buf, n))
		return -1;
	parse(buf, st);
	return 0;
}

int
state_load(const char *path, struct state *st)
{
	char buf[STATE_MAX + 1];
	int fd, tries, ok = -1;

	memset(st, 0, sizeof(*st));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	/* The watcher writes its file in place: a read that overlapped a
	 * write fails the checksum, and is made again. */
	for (tries = 0; tries < 50 && ok != 0; tries++) {
		ssize_t n;

		if (tries > 0)
			util_sleep_ms(2);
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = '\0';
		ok = state_parse(buf, (size_t)n, st);
	}
	(void)close(fd);
	return ok;
}

/* Copies s into dst (dstsz bytes) with every control byte (C0, DEL)
 * written '?': a value must never break the file's lines, nor bring a
 * terminal's escape sequences into it. */
static const char *
clean(char *dst, size_t dstsz, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < dstsz; i++)
		dst[i] = ((unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] == 0x7f) ? '?' : s[i];
	dst[i] = '\0';
	return dst;
}

size_t
state_format(char *buf, size_t bufsz, const struct state *st)
{
	char hash[FETCH_HASH_LEN * 2 + 1], text[FETCH_HASH_LEN * 2 + 1];
	char etag[sizeof(st->etag)], lm[sizeof(st->last_modified)];
	char result[sizeof(st->last_result)], error[sizeof(st->last_error)];
	char brief[sizeof(st->last_change_brief)];
	size_t i, n;
	int r;

	for (i = 0; i < FETCH_HASH_LEN; i++) {
		(void)snprintf(hash + 2 * i, 3, "%02x", st->hash[i]);
		(void)snprintf(text + 2 * i, 3, "%02x", st->text_hash[i]);
	}
	r = snprintf(buf, bufsz, "identity=%016llx\nbaseline=%d\netag=%s\n"
	    "last_modified=%s\nhash=%s\ntext_hash=%s\nlast_check=%lld\n"
	    "last_change=%lld\nlast_result=%s\nlast_error=%s\nfailures=%u\n"
	    "failing_since=%lld\nalerted=%d\nchecks=%lu\nnext_check=%lld\n"
	    "last_change_brief=%s\n",
	    st->identity, st->baseline, clean(etag, sizeof(etag), st->etag),
	    clean(lm, sizeof(lm), st->last_modified),
	    st->has_hash ? hash : "", st->has_text_hash ? text : "",
	    st->last_check, st->last_change,
	    clean(result, sizeof(result), st->last_result),
	    clean(error, sizeof(error), st->last_error),
	    st->failures, st->failing_since, st->alerted, st->checks,
	    st->next_check, clean(brief, sizeof(brief),
	    st->last_change_brief));
	n = r < 0 ? 0 : (size_t)r < bufsz - 32 ? (size_t)r : bufsz - 32;
	n += (size_t)snprintf(buf + n, bufsz - n, "sum=%016llx\n",
	    util_hash(buf, n));
	return n;
}

void
state_describe(const struct state *st, char *buf, size_t bufsz)
{
	if (st->failures > 0 && st->last_error[0] != '\0' &&
	    strcmp(st->last_error, st->last_result) != 0)
		(void)snprintf(buf, bufsz, "%s (%s)", st->last_result,
		    st->last_error);
	else if (st->failures == 0 && strcmp(st->last_result, "changed") == 0 &&
	    st->last_change_brief[0] != '\0')
		(void)snprintf(buf, bufsz, "changed %s", st->last_change_brief);
	else
		(void)snprintf(buf, bufsz, "%s", st->last_result);
}

unsigned long long
state_identity(const char *url, const char *filter)
{
	GString *s = g_string_new(url);
	unsigned long long id;

	if (filter != NULL && strcmp(filter, "-") != 0) {
		g_string_append_c(s, '\n');
		g_string_append(s, filter);
	}
	id = util_hash(s->str, s->len);
	(void)g_string_free(s, TRUE);
	return id != 0 ? id : 1;
}

int
state_adopt(struct state *st, unsigned long long id)
{
	if (st->identity == id)
		return 0;
	st->identity = id;
	st->baseline = 0;
	st->etag[0] = st->last_modified[0] = '\0';
	memset(st->hash, 0, sizeof(st->hash));
	st->has_hash = 0;
	memset(st->text_hash, 0, sizeof(st->text_hash));
	st->has_text_hash = 0;
	return 1;
}

int
state_open(struct state_file *sf, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat sb;

	sf->fd = -1;
	sf->size = 0;
	if (slash != NULL) {
		if ((size_t)(slash - path) >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		(void)snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
		    path);
		if (util_mkdirs(dir, 0700) == -1)
			return -1;
	}
	sf->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (sf->fd == -1)
		return -1;
	if (fstat(sf->fd, &sb) == 0)
		sf->size = (size_t)sb.st_size;
	return 0;
}

int
state_write(struct state_file *sf, const struct state *st)
{
	char buf[STATE_MAX];
	size_t n;

	if (sf->fd == -1) {
		errno = EBADF;
		return -1;
	}
	n = state_format(buf, sizeof(buf), st);
	/* Pad with empty lines to the file's size, so it never has to be
	 * truncated: a truncate and a write would be two steps a reader
	 * could fall between. */
	if (sf->size > sizeof(buf))
		sf->size = sizeof(buf);
	if (n < sf->size) {
		memset(buf + n, '\n', sf->size - n);
		n = sf->size;
	}
	if (pwrite(sf->fd, buf, n, 0) != (ssize_t)n)
		return -1;
	sf->size = n;
	return 0;
}

void
state_close(struct state_file *sf)
{
	if (sf->fd != -1)
		(void)close(sf->fd);
	sf->fd = -1;
}

int
state_save(const char *path, const struct state *st)
{
	struct state_file sf;
	int r, e;

	if (state_open(&sf, path) == -1)
		return -1;
	r = state_write(&sf, st);
	e = errno;
	state_close(&sf);
	errno = e;
	return r;
}
