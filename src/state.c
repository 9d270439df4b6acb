/*
 * state.c - a watcher's bookkeeping in a small text file of "key=value"
 * lines, one file per watcher, replaced atomically.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

#define NAME_MAX_SAFE 150	/* longest encoded name before it is cut */

int
state_dir(const char *jobsfile, char *dir, size_t dirsz)
{
	char cfg[PATH_MAX], here[PATH_MAX], real_cfg[PATH_MAX], real_here[PATH_MAX];
	const char *xc = getenv("XDG_CONFIG_HOME"), *xs = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

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

/* Parses n hex digits of s into out.  Returns 0 or -1. */
static int
unhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	if (strlen(s) != n * 2)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

int
state_load(const char *path, struct state *st)
{
	char line[FETCH_VALIDATOR_MAX + 64];
	FILE *fp;

	memset(st, 0, sizeof(*st));
	fp = fopen(path, "re");
	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *eq = strchr(line, '='), *v;
		size_t l;

		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		l = strlen(v);
		if (l > 0 && v[l - 1] == '\n')
			v[--l] = '\0';
		if (strcmp(line, "baseline") == 0)
			st->baseline = atoi(v) != 0;
		else if (strcmp(line, "etag") == 0)
			(void)snprintf(st->etag, sizeof(st->etag), "%s", v);
		else if (strcmp(line, "last_modified") == 0)
			(void)snprintf(st->last_modified,
			    sizeof(st->last_modified), "%s", v);
		else if (strcmp(line, "hash") == 0)
			st->has_hash = unhex(v, st->hash, FETCH_HASH_LEN) == 0;
		else if (strcmp(line, "last_check") == 0)
			st->last_check = atoll(v);
		else if (strcmp(line, "last_change") == 0)
			st->last_change = atoll(v);
		else if (strcmp(line, "last_result") == 0)
			(void)snprintf(st->last_result,
			    sizeof(st->last_result), "%s", v);
		else if (strcmp(line, "last_error") == 0)
			(void)snprintf(st->last_error,
			    sizeof(st->last_error), "%s", v);
		else if (strcmp(line, "failures") == 0)
			st->failures = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(line, "checks") == 0)
			st->checks = strtoul(v, NULL, 10);
		else if (strcmp(line, "next_check") == 0)
			st->next_check = atoll(v);
	}
	(void)fclose(fp);
	return 0;
}

int
state_save(const char *path, const struct state *st)
{
	char tmp[4096], dir[4096], hash[FETCH_HASH_LEN * 2 + 1];
	const char *slash = strrchr(path, '/');
	FILE *fp;
	size_t i;
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (slash != NULL) {
		(void)snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
		    path);
		if (util_mkdirs(dir, 0700) == -1)
			return -1;
	}
	for (i = 0; i < FETCH_HASH_LEN; i++)
		(void)snprintf(hash + 2 * i, 3, "%02x", st->hash[i]);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		e = errno;
		(void)close(fd);
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	(void)fprintf(fp, "baseline=%d\netag=%s\nlast_modified=%s\n"
	    "hash=%s\nlast_check=%lld\nlast_change=%lld\nlast_result=%s\n"
	    "last_error=%s\nfailures=%u\nchecks=%lu\nnext_check=%lld\n",
	    st->baseline, st->etag, st->last_modified, st->has_hash ? hash : "",
	    st->last_check, st->last_change, st->last_result, st->last_error,
	    st->failures, st->checks, st->next_check);
	if (fflush(fp) != 0 || ferror(fp)) {
		e = errno;
		(void)fclose(fp);
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	if (fclose(fp) != 0) {
		e = errno;
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	if (rename(tmp, path) == -1) {
		e = errno;
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}
