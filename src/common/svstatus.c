/*
 * svstatus.c - the supervisor's published table of children: the one
 * place that writes and reads its format (see svstatus.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/jobsfile.h"
#include "common/state.h"
#include "common/svstatus.h"
#include "common/util.h"

struct svstatus {
	GHashTable *by_name;	/* name (owned) -> struct svstatus_entry * */
};

static const char *const words[] = {
	[SVSTATUS_DOWN] = "down",
	[SVSTATUS_RUNNING] = "running",
	[SVSTATUS_BACKOFF] = "backoff"
};

const char *
svstatus_word(enum svstatus_state st)
{
	return words[st];
}

int
svstatus_path(const char *jobsfile, char *out, size_t outsz)
{
	char dir[PATH_MAX];
	int n;

	if (state_dir(jobsfile, dir, sizeof(dir)) == -1)
		return -1;
	n = snprintf(out, outsz, "%s/.supervisor", dir);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

char *
svstatus_pack(const struct svstatus_entry *e, size_t n, size_t *len)
{
	GString *out = g_string_new(NULL);
	size_t i;

	for (i = 0; i < n; i++)
		g_string_append_printf(out, "%s\t%lld\t%s\n",
		    svstatus_word(e[i].state),
		    e[i].state == SVSTATUS_BACKOFF ? e[i].restart_at : 0LL,
		    e[i].name);
	*len = out->len;
	return g_string_free(out, FALSE);
}

/* Reads the state word s[0..n).  Returns 0 and sets *st, or -1. */
static int
state_of(const char *s, size_t n, enum svstatus_state *st)
{
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) {
			*st = (enum svstatus_state)i;
			return 0;
		}
	return -1;
}

/* Frees an entry of the table (its name is the key, freed with it). */
static void
entry_free(gpointer p)
{
	free(p);
}

struct svstatus *
svstatus_unpack(const char *buf, size_t len)
{
	struct svstatus *t = malloc(sizeof(*t));
	const char *p = buf, *end = buf + len;

	if (t == NULL)
		return NULL;
	t->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    entry_free);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		const char *t1 = memchr(p, '\t', (size_t)(eol - p));
		const char *t2 = t1 != NULL ?
		    memchr(t1 + 1, '\t', (size_t)(eol - t1 - 1)) : NULL;
		struct svstatus_entry *e;
		enum svstatus_state st;
		char *name;

		if (t2 != NULL && t2 + 1 < eol &&
		    state_of(p, (size_t)(t1 - p), &st) == 0 &&
		    (e = calloc(1, sizeof(*e))) != NULL) {
			name = g_strndup(t2 + 1, (gsize)(eol - t2 - 1));
			e->name = name;
			e->state = st;
			e->restart_at = g_ascii_strtoll(t1 + 1, NULL, 10);
			g_hash_table_replace(t->by_name, name, e);
		}
		p = eol + 1;
	}
	return t;
}

int
svstatus_write(const char *path, const struct svstatus_entry *e, size_t n)
{
	char tmp[PATH_MAX + 8], *text;
	size_t len;
	int fd, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	text = svstatus_pack(e, n, &len);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		goto out;
	if (util_write_all(fd, text, len) == -1) {
		(void)close(fd);
		goto out;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1)
		goto out;
	rc = 0;
out:
	g_free(text);
	return rc;
}

struct svstatus *
svstatus_read(const char *path)
{
	struct svstatus *t;
	char *buf;
	size_t len;

	if (jobsfile_read(path, &buf, &len, NULL) == -1)
		return NULL;
	t = svstatus_unpack(buf, len);
	free(buf);
	if (t == NULL)
		errno = ENOMEM;
	return t;
}

const struct svstatus_entry *
svstatus_find(const struct svstatus *t, const char *name)
{
	return t != NULL ? g_hash_table_lookup(t->by_name, name) : NULL;
}

void
svstatus_free(struct svstatus *t)
{
	if (t == NULL)
		return;
	g_hash_table_destroy(t->by_name);
	free(t);
}
