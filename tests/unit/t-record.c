/*
 * t-record.c - unit tests of src/common/record.c, the record channel
 * between the watchers and the supervisor: a record's round trip through
 * the pipe's byte stream, what is refused, and the pipe's records written
 * into a real jobs file in one rewrite (issue 22.2: one owner per
 * channel).
 */
#define _DEFAULT_SOURCE		/* mkdtemp */
#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/frame.h"
#include "common/record.h"
#include "tap.h"

static char dir[] = "/tmp/t-record.XXXXXX";
static char path[256];

/* A record comes back as sent (a value the jobs file would refuse too:
 * refusing it is the writer's job); a cut record is not whole yet. */
static void
t_round_trip(void)
{
	char buf[PIPE_BUF + 64];
	const char *name, *value;
	size_t n, i;

	n = record_pack(buf, sizeof(buf), "Grüße; \"x\"", "two\nlines");
	check_uint(n, >, 0);
	check_int(record_unpack(buf, n, &name, &value), ==, (long)n);
	check_str(name, "Grüße; \"x\"");
	check_str(value, "two\nlines");
	for (i = 0; i < n; i++)
		if (record_unpack(buf, i, &name, &value) != 0)
			break;
	check_uint(i, ==, n);
}

/* A record longer than PIPE_BUF or than the buffer is not packed; one
 * with an empty name, a message that is not a record and bytes that are
 * no message are refused. */
static void
t_malformed(void)
{
	char buf[PIPE_BUF + 64], big[PIPE_BUF];
	const char *name, *value;
	size_t n;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	check_uint(record_pack(buf, sizeof(buf), "a", big), ==, 0);
	check_uint(record_pack(buf, 8, "a", "value"), ==, 0);
	n = record_pack(buf, sizeof(buf), "", "v");
	check_uint(n, >, 0);
	check_int(record_unpack(buf, n, &name, &value), ==, -1);
	n = frame_stream_put(buf, sizeof(buf), "\1a", 2);
	check_int(record_unpack(buf, n, &name, &value), ==, -1);
	check_int(record_unpack("\1x", 2, &name, &value), ==, -1);
}

/* The records sent into the record pipe are written in one rewrite, the
 * latest of a row winning; a value the file would refuse is refused
 * alone; the pipe is empty after. */
static void
t_write_through_pipe(void)
{
	int fd[2];
	char *s, err[256];

	if (!g_file_set_contents(path, "interval;name;url;last-modified;pid\n"
	    "1h;a;http://x/;-;1\n1h;b;http://y/;-;2\n1h;c;http://z/;-;3\n",
	    -1, NULL) || record_pipe(fd) == -1)
		abort();
	check_int(record_send(fd[1], "a", "old"), ==, 0);
	check_int(record_send(fd[1], "b", "two\nlines"), ==, 0);
	check_int(record_send(fd[1], "c", "Mon, 02 Jan 2026 10:00:00 GMT"), ==,
	    0);
	check_int(record_send(fd[1], "a", "new"), ==, 0);
	check_int(record_write(path, fd[0], err, sizeof(err)), ==, 3);
	if (!g_file_get_contents(path, &s, NULL, NULL))
		abort();
	check_str(s, "interval;name;url;last-modified;pid\n"
	    "1h;a;http://x/;new;1\n1h;b;http://y/;-;2\n"
	    "1h;c;http://z/;Mon, 02 Jan 2026 10:00:00 GMT;3\n");
	g_free(s);
	check_int(record_write(path, fd[0], err, sizeof(err)), ==, 0);
	(void)close(fd[0]);
	(void)close(fd[1]);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	(void)snprintf(path, sizeof(path), "%s/jobs.csv", dir);
	TEST(t_round_trip(), "a record's name and value come back as sent; a cut record is not whole yet");
	TEST(t_malformed(), "too long, no name, not a record, not a message: refused");
	TEST(t_write_through_pipe(), "the pipe's records in one rewrite, the latest per row; a bad value refused alone");
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/.jobs.csv.lock", dir);
	(void)unlink(path);
	(void)rmdir(dir);
	return test_done();
}
