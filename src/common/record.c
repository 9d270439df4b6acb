/*
 * record.c - the record channel between the watchers and the supervisor:
 * the pipe, a record's format on it, and writing what the pipe holds into
 * the jobs file (see record.h).
 */
#define _GNU_SOURCE		/* pipe2, F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/frame.h"
#include "common/jobsfile.h"
#include "common/log.h"
#include "common/record.h"

#define RECORD_PIPE_SIZE (1 << 20)	/* room for every watcher's record at once */

int
record_pipe(int fd[2])
{
	if (pipe2(fd, O_CLOEXEC) == -1)
		return -1;
	if (fcntl(fd[0], F_SETFL, O_NONBLOCK) == -1) {
		int e = errno;

		(void)close(fd[0]);
		(void)close(fd[1]);
		fd[0] = fd[1] = -1;
		errno = e;
		return -1;
	}
	/* A bigger pipe, so a storm of changes does not hold watchers up
	 * in write(2) while a rewrite runs; the default works too. */
	(void)fcntl(fd[1], F_SETPIPE_SZ, RECORD_PIPE_SIZE);
	return 0;
}

size_t
record_pack(char *buf, size_t bufsz, const char *name, const char *value)
{
	char msg[PIPE_BUF];
	struct frame_writer w;
	size_t n;

	frame_start(&w, msg, sizeof(msg));
	frame_put_str(&w, name, 0);
	frame_put_str(&w, value, 0);
	n = frame_end(&w);
	if (n == 0)
		return 0;
	return frame_stream_put(buf, bufsz < PIPE_BUF ? bufsz : PIPE_BUF, msg,
	    n);
}

long
record_unpack(const char *buf, size_t len, const char **name,
    const char **value)
{
	struct frame_reader r;
	const char *msg;
	size_t msglen;
	long used = frame_stream_get(buf, len, &msg, &msglen);

	if (used <= 0)
		return used;
	frame_read(&r, msg, msglen);
	*name = frame_get_str(&r);
	*value = frame_get_str(&r);
	if (frame_done(&r) == -1 || *name == NULL || **name == '\0' ||
	    *value == NULL)
		return -1;
	return used;
}

int
record_send(int wfd, const char *name, const char *value)
{
	char buf[PIPE_BUF];
	size_t n;
	ssize_t r;

	n = record_pack(buf, sizeof(buf), name, value);
	if (n == 0)
		return -1;
	do
		r = write(wfd, buf, n);
	while (r == -1 && errno == EINTR);
	return r == (ssize_t)n ? 0 : -1;
}

/* The records a lock holder took from the record pipe, as edits. */
struct gathered {
	int rfd;		/* the pipe's read end */
	GHashTable *byname;	/* name -> index in edits: the latest wins */
	GPtrArray *strings;	/* what the edits point to */
	struct jobs_edit *edits;
	size_t n;
};

/*
 * Adds the record "rn gets rv" to g's edits, or replaces the value of the
 * row's earlier record.  Returns 0, or -1 when out of memory.
 */
static int
gathered_add(struct gathered *g, const char *rn, const char *rv)
{
	char *name = g_strdup(rn), *value = g_strdup(rv);
	gpointer idx;
	struct jobs_edit *e;

	g_ptr_array_add(g->strings, name);
	g_ptr_array_add(g->strings, value);
	if (g_hash_table_lookup_extended(g->byname, name, NULL, &idx)) {
		g->edits[GPOINTER_TO_SIZE(idx)].lastmod = value;
		return 0;
	}
	e = realloc(g->edits, (g->n + 1) * sizeof(*e));
	if (e == NULL)
		return -1;
	g->edits = e;
	memset(&g->edits[g->n], 0, sizeof(*e));
	g->edits[g->n].name = name;
	g->edits[g->n].lastmod = value;
	g_hash_table_insert(g->byname, name, GSIZE_TO_POINTER(g->n));
	g->n++;
	return 0;
}

/*
 * The jobsfile_gather_fn of a record: reads every record in the pipe (each
 * went in whole, in one write) into edits.  The holder of the lock writes
 * them all in its one rewrite; the writers waiting for the lock find
 * their record written and the pipe empty.
 */
static void
record_gather(void *arg, struct jobs_edit **edits, size_t *n)
{
	struct gathered *g = arg;
	GByteArray *in = g_byte_array_new();
	char chunk[65536];
	ssize_t got;
	size_t off = 0;

	while ((got = read(g->rfd, chunk, sizeof(chunk))) > 0 ||
	    (got == -1 && errno == EINTR))
		if (got > 0)
			g_byte_array_append(in, (const guint8 *)chunk,
			    (guint)got);
	for (;;) {
		const char *rn, *rv;
		long used = record_unpack((const char *)in->data + off,
		    in->len - off, &rn, &rv);

		if (used <= 0)
			break;
		off += (size_t)used;
		if (gathered_add(g, rn, rv) == -1)
			break;
	}
	g_byte_array_free(in, TRUE);
	*edits = g->edits;
	*n = g->n;
}

void
record_log_refused(const struct jobs_edit *edits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (edits[i].result == JOBS_EDIT_INVALID)
			log_msg(edits[i].name, "last-modified not recorded: %s",
			    edits[i].why);
}

long
record_write(const char *path, int rfd, char *err, size_t errsz)
{
	struct gathered g;
	long r;

	memset(&g, 0, sizeof(g));
	g.rfd = rfd;
	g.byname = g_hash_table_new(g_str_hash, g_str_equal);
	g.strings = g_ptr_array_new_with_free_func(g_free);
	r = jobsfile_edit_gather(path, record_gather, &g, err, errsz) == 0 ?
	    (long)g.n : -1;
	if (r != -1)
		record_log_refused(g.edits, g.n);
	free(g.edits);
	g_hash_table_destroy(g.byname);
	g_ptr_array_free(g.strings, TRUE);
	return r;
}
