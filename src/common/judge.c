/*
 * judge.c - the verdicts on filter and notify values, asked of
 * sitewatch-helper in batches (see judge.h).
 *
 * A batch's requests are written into a memfd, its stdin, before it
 * starts, and its replies go to another memfd, its stdout, read once it
 * has been reaped: nothing waits on a pipe, on either side.  The cache's
 * key of a value is its check and the value, "CHECK\nVALUE" (a check's
 * name has no line break), and its entry the reason, "" for a good value.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compare.h"
#include "common/judge.h"
#include "common/util.h"
#include "common/verdict.h"

/* The helper's command for a batch. */
static const char *const batch_args[] = { "check-batch", NULL };

GHashTable *
judge_cache_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/* Returns the cache key of value checked with what (g_malloc'd). */
static char *
key_of(const char *what, const char *value)
{
	return g_strdup_printf("%s\n%s", what, value);
}

size_t
judge_missing(GHashTable *seen, const struct job *jobs, size_t njobs,
    GPtrArray *keys)
{
	GHashTable *asked = g_hash_table_new(g_str_hash, g_str_equal);
	size_t i, k, n = 0;

	for (i = 0; i < keys->len; i++)
		g_hash_table_add(asked, g_ptr_array_index(keys, i));
	for (i = 0; i < njobs; i++) {
		const char *v[2] = { jobs[i].filter, jobs[i].notify };
		const char *what[2] = { "check-filter", "check-notify" };

		for (k = 0; k < 2; k++) {
			char *key;

			if (compare_is_default(v[k]))
				continue;
			key = key_of(what[k], v[k]);
			if (g_hash_table_contains(seen, key) ||
			    g_hash_table_contains(asked, key)) {
				g_free(key);
				continue;
			}
			g_ptr_array_add(keys, key);
			g_hash_table_add(asked, key);
			n++;
		}
	}
	g_hash_table_destroy(asked);
	return n;
}

int
judge_lookup(GHashTable *seen, const char *what, const char *value,
    const char **reason)
{
	char *key;
	const char *r;

	if (compare_is_default(value))
		return 0;
	key = key_of(what, value);
	r = g_hash_table_lookup(seen, key);
	g_free(key);
	if (r == NULL)
		return -1;
	*reason = r;
	return *r != '\0';
}

/*
 * Makes the memfds of a batch of keys: *in holds the requests (at offset
 * 0 for the helper's read), *out is empty.  Returns 0, or -1 (err says
 * why; nothing open).
 */
static int
batch_files(GPtrArray *keys, int *in, int *out, char *err, size_t errsz)
{
	GByteArray *req = g_byte_array_new();
	char *one = malloc(VERDICT_MSG_MAX);
	size_t i;
	int rc = -1;

	*in = *out = -1;
	for (i = 0; one != NULL && i < keys->len; i++) {
		char *key = g_ptr_array_index(keys, i), *nl = strchr(key, '\n');
		size_t n;

		*nl = '\0';
		n = verdict_put_request(one, VERDICT_MSG_MAX, key, nl + 1);
		*nl = '\n';
		if (n == 0)
			break;
		g_byte_array_append(req, (const guint8 *)one, (guint)n);
	}
	if (one == NULL || i < keys->len) {
		(void)errf(err, errsz, "out of memory");
		goto out;
	}
	if ((*in = memfd_create("sitewatch-judge-in", MFD_CLOEXEC)) == -1 ||
	    (*out = memfd_create("sitewatch-judge-out", MFD_CLOEXEC)) == -1 ||
	    util_write_all(*in, (const char *)req->data, req->len) == -1) {
		(void)errf(err, errsz, "memfd: %s", strerror(errno));
		if (*in != -1)
			(void)close(*in);
		if (*out != -1)
			(void)close(*out);
		*in = *out = -1;
		goto out;
	}
	rc = 0;
out:
	free(one);
	(void)g_byte_array_free(req, TRUE);
	return rc;
}

/*
 * Reads the replies in the memfd out, one per key of keys in order, into
 * seen.  Returns the number of keys answered (a reply that cannot be read
 * ends them).
 */
static size_t
batch_replies(int out, GPtrArray *keys, GHashTable *seen)
{
	struct stat st;
	char *buf;
	size_t off = 0, i = 0;
	ssize_t got;

	if (fstat(out, &st) == -1 || st.st_size <= 0 ||
	    (buf = malloc((size_t)st.st_size)) == NULL)
		return 0;
	got = pread(out, buf, (size_t)st.st_size, 0);
	while (got > 0 && i < keys->len) {
		const char *reason;
		int bad;
		long n = verdict_get_reply(buf + off, (size_t)got - off, &bad,
		    &reason);

		if (n <= 0)
			break;
		off += (size_t)n;
		g_hash_table_replace(seen, g_strdup(g_ptr_array_index(keys, i)),
		    g_strdup(bad ? (*reason != '\0' ? reason : "not valid") :
		    ""));
		i++;
	}
	free(buf);
	return i;
}

/* Fills *r, the helper run of a batch on the memfds in and out. */
static void
batch_run(struct compare_run *r, int in, int out)
{
	memset(r, 0, sizeof(*r));
	r->args = batch_args;
	r->in_fd = in;
	r->out_fd = out;
	r->timeout = JUDGE_TIMEOUT_S;
}

/*
 * The verdicts of a batch of keys run on in and out whose helper ended
 * with rc (compare_helper's; err says why when it is not 0): into seen.
 * Returns 0 when every key was answered, else -1 (err says why).
 */
static int
batch_verdicts(int rc, int in, int out, GPtrArray *keys, GHashTable *seen,
    char *err, size_t errsz)
{
	size_t n = batch_replies(out, keys, seen);
	char why[512];

	(void)close(in);
	(void)close(out);
	if (rc == 0 && n == keys->len)
		return 0;
	if (rc == 0)
		(void)errf(err, errsz, "sitewatch-helper check-batch answered "
		    "%zu of %u values", n, keys->len);
	else if (rc == 1 || rc == 2) {
		(void)snprintf(why, sizeof(why), "%s", err);
		(void)errf(err, errsz, "sitewatch-helper check-batch does not "
		    "work: %s", why);
	}
	return -1;
}

int
judge_run(GHashTable *seen, GPtrArray *keys, char *err, size_t errsz)
{
	struct compare_run r;
	int in, out, rc;

	if (keys->len == 0)
		return 0;
	if (batch_files(keys, &in, &out, err, errsz) == -1)
		return -1;
	batch_run(&r, in, out);
	rc = compare_helper(&r, err, errsz);
	return batch_verdicts(rc, in, out, keys, seen, err, errsz);
}

int
judge_jobs(GHashTable *seen, const struct job *jobs, size_t njobs, char *err,
    size_t errsz)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	int rc;

	(void)judge_missing(seen, jobs, njobs, keys);
	rc = judge_run(seen, keys, err, errsz);
	g_ptr_array_unref(keys);
	return rc;
}

int
judge_start(struct judge_batch *b, GPtrArray *keys, char *err, size_t errsz)
{
	struct compare_run r;

	memset(b, 0, sizeof(*b));
	b->infd = b->outfd = -1;
	if (batch_files(keys, &b->infd, &b->outfd, err, errsz) == -1) {
		g_ptr_array_unref(keys);
		return -1;
	}
	batch_run(&r, b->infd, b->outfd);
	if (compare_start(&r, &b->proc, err, errsz) != 0) {
		(void)close(b->infd);
		(void)close(b->outfd);
		g_ptr_array_unref(keys);
		memset(b, 0, sizeof(*b));
		return -1;
	}
	b->keys = keys;
	b->deadline = util_mono_ms() + JUDGE_TIMEOUT_S * 1000LL;
	return 0;
}

int
judge_end(struct judge_batch *b, int status, GHashTable *seen, char *err,
    size_t errsz)
{
	struct compare_run r;
	int rc;

	batch_run(&r, b->infd, b->outfd);
	rc = compare_end(&r, &b->proc, status, err, errsz);
	rc = batch_verdicts(rc, b->infd, b->outfd, b->keys, seen, err, errsz);
	g_ptr_array_unref(b->keys);
	memset(b, 0, sizeof(*b));
	return rc;
}

void
judge_kill(struct judge_batch *b)
{
	if (b->proc.pid == 0)
		return;
	compare_kill(&b->proc);
	(void)close(b->infd);
	(void)close(b->outfd);
	g_ptr_array_unref(b->keys);
	memset(b, 0, sizeof(*b));
}

int
judge_value(const char *what, const char *value, char *err, size_t errsz)
{
	GHashTable *seen;
	GPtrArray *keys;
	const char *reason = "";
	int r = 0;

	if (compare_is_default(value))
		return 0;
	seen = judge_cache_new();
	keys = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(keys, key_of(what, value));
	if (judge_run(seen, keys, err, errsz) == -1)
		r = -1;
	else if ((r = judge_lookup(seen, what, value, &reason)) == 1)
		(void)errf(err, errsz, "%s", reason);
	g_ptr_array_unref(keys);
	g_hash_table_destroy(seen);
	return r;
}
