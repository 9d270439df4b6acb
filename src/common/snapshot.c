/*
 * snapshot.c - a job's last compared texts (see snapshot.h).
 *
 * Disk use is bounded: at most keep texts and their diffs, each text at
 * most --max-body bytes (a longer one is a failed check), plus the one
 * being compared.  Paths are built on the heap: this runs in watchers,
 * whose stack keeps for good every page it once used.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/snapshot.h"
#include "common/util.h"

int
snapshot_dir(const char *state_path, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s.snap", state_path);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
snapshot_path(const char *dir, unsigned long seq, const char *ext,
    char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%lu%s%s", dir, seq,
	    ext != NULL ? "." : "", ext != NULL ? ext : "");

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
snapshot_new_path(const char *dir, const char *ext, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/new%s%s", dir, ext != NULL ? "." : "",
	    ext != NULL ? ext : "");

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* Reads every entry of dir's index into *list, whether its text is there
 * or not.  Returns 0, or -1 with errno. */
static int
read_index(const char *dir, struct snapshot **list, size_t *n)
{
	char *path, line[256];
	struct snapshot *l = NULL;
	size_t cap = 0;
	FILE *fp;

	*list = NULL;
	*n = 0;
	path = g_strdup_printf("%s/index", dir);
	fp = fopen(path, "re");
	g_free(path);
	if (fp == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		struct snapshot s;

		if (sscanf(line, "%lu %lld %ld %ld", &s.seq, &s.time, &s.added,
		    &s.removed) != 4 || s.seq == 0)
			continue;	/* a damaged line: that snapshot is lost */
		if (*n == cap) {
			struct snapshot *m;

			cap = cap ? cap * 2 : 16;
			m = realloc(l, cap * sizeof(*m));
			if (m == NULL) {
				free(l);
				(void)fclose(fp);
				errno = ENOMEM;
				return -1;
			}
			l = m;
		}
		l[(*n)++] = s;
	}
	(void)fclose(fp);
	*list = l;
	return 0;
}

int
snapshot_list(const char *dir, struct snapshot **list, size_t *n)
{
	size_t i, k = 0;

	if (read_index(dir, list, n) == -1)
		return -1;
	for (i = 0; i < *n; i++) {
		char *path = g_strdup_printf("%s/%lu", dir, (*list)[i].seq);

		if (access(path, F_OK) == 0)
			(*list)[k++] = (*list)[i];
		g_free(path);
	}
	*n = k;
	return 0;
}

int
snapshot_open_new(const char *dir, char *path, size_t pathsz)
{
	if (util_mkdirs(dir, 0700) == -1)
		return -1;
	if ((size_t)snprintf(path, pathsz, "%s/new", dir) >= pathsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/* Writes list[0..n) as dir's index (a temporary file renamed over it).
 * Returns 0, or -1 with errno. */
static int
write_index(const char *dir, const struct snapshot *list, size_t n)
{
	char *path, *tmp;
	FILE *fp;
	size_t i;
	int bad, rc, e;

	tmp = g_strdup_printf("%s/index.tmp", dir);
	fp = fopen(tmp, "we");
	if (fp == NULL) {
		e = errno;
		g_free(tmp);
		errno = e;
		return -1;
	}
	for (i = 0; i < n; i++)
		(void)fprintf(fp, "%lu %lld %ld %ld\n", list[i].seq,
		    list[i].time, list[i].added, list[i].removed);
	bad = ferror(fp);
	if (fclose(fp) != 0 || bad) {
		(void)unlink(tmp);
		g_free(tmp);
		errno = EIO;
		return -1;
	}
	path = g_strdup_printf("%s/index", dir);
	rc = rename(tmp, path);
	e = errno;
	g_free(path);
	g_free(tmp);
	errno = e;
	return rc;
}

/* Deletes the text and diff of snapshot seq. */
static void
remove_one(const char *dir, unsigned long seq)
{
	char *path = g_strdup_printf("%s/%lu", dir, seq);

	(void)unlink(path);
	g_free(path);
	path = g_strdup_printf("%s/%lu.diff", dir, seq);
	(void)unlink(path);
	g_free(path);
}

int
snapshot_commit(const char *dir, struct snapshot *s, unsigned keep)
{
	struct snapshot *list, *m;
	char *from = NULL, *to = NULL;
	size_t n, i, first;
	int r;

	if (read_index(dir, &list, &n) == -1)
		return -1;
	s->seq = n > 0 ? list[n - 1].seq + 1 : 1;
	m = realloc(list, (n + 1) * sizeof(*m));
	if (m == NULL) {
		free(list);
		errno = ENOMEM;
		return -1;
	}
	list = m;
	list[n++] = *s;
	from = g_strdup_printf("%s/new.diff", dir);
	to = g_strdup_printf("%s/%lu.diff", dir, s->seq);
	r = rename(from, to) == -1 && errno != ENOENT ? -1 : 0;
	g_free(from);
	g_free(to);
	if (r == 0) {
		from = g_strdup_printf("%s/new", dir);
		to = g_strdup_printf("%s/%lu", dir, s->seq);
		r = rename(from, to);
		g_free(from);
		g_free(to);
	}
	if (r == -1) {
		int e = errno;

		free(list);
		errno = e;
		return -1;
	}
	if (keep < 1)
		keep = 1;
	first = n > keep ? n - keep : 0;
	for (i = 0; i < first; i++)
		remove_one(dir, list[i].seq);
	if (write_index(dir, list + first, n - first) == -1) {
		int e = errno;

		free(list);
		errno = e;
		return -1;
	}
	free(list);
	return 0;
}

void
snapshot_discard(const char *dir)
{
	char *path = g_strdup_printf("%s/new", dir);

	(void)unlink(path);
	g_free(path);
	path = g_strdup_printf("%s/new.diff", dir);
	(void)unlink(path);
	g_free(path);
}
