/*
 * watcher.h - one watcher: wait, check its page, record a change, tell
 * the person, look at its row again.
 */
#ifndef SITEWATCH_WATCHER_H
#define SITEWATCH_WATCHER_H

#include <stddef.h>

#include "common/jobs.h"

/* How a watcher ended, for its exit status. */
enum watcher_end {
	WATCHER_STOPPED = 0,	/* its row says stop, or is gone */
	WATCHER_FAILED = 1,	/* a runtime error: worth a restart */
	WATCHER_NOROW = 2	/* standalone: no usable row of that name */
};

struct watcher_opts {
	const char *jobsfile;	/* the jobs file's path */
	const char *name;	/* the row this watcher owns */
	int supervised;		/* forked by the supervisor, which writes the
				 * pid field and wakes us with SIGUSR2 */
	int notify_fd;		/* the notifier pipe's write end, or -1 */
	int record_fd;		/* the record pipe's write end, or -1: the
				 * watcher writes its row itself */
	int record_rfd;		/* its read end (non-blocking), or -1 */
	long first_delay_ms;	/* wait this long before the first check */
	long connect_timeout;	/* seconds */
	long timeout;		/* seconds, one whole check */
	size_t max_body;	/* bytes */
	unsigned keep;		/* snapshots kept (--keep), at least 1 */
	unsigned alert_after;	/* failed checks in a row that are told
				 * (--alert-after), 0: never */
	const char *cafile;	/* CA bundle, or NULL */
	const struct job *job;	/* the row as the supervisor read it, or NULL:
				 * the watcher reads it from the file */
};

/*
 * Runs the watcher until its row says stop or is removed (returns
 * WATCHER_STOPPED) or a signal ends it: SIGTERM, SIGINT or SIGHUP return
 * minus the signal number, so that the caller can die of it.  SIGUSR1
 * checks now; SIGUSR2 re-reads the row.  Blocks those signals and takes
 * them through a signalfd.
 */
int watcher_run(const struct watcher_opts *o);

/*
 * Checks the row once, now, as its watcher would: records a change in the
 * row and the state, and notifies through o->notify_fd.  Writes the result
 * as state_describe() puts it into result.  Returns
 * WATCHER_STOPPED (0) when the check succeeded, WATCHER_FAILED when it
 * failed, WATCHER_NOROW when there is no usable row of that name.
 */
int watcher_check_once(const struct watcher_opts *o, char *result,
    size_t resultsz);

/*
 * The record pipe: a watcher puts "row name gets last-modified value"
 * there, and whoever takes the jobs file's lock next writes every record
 * in it in one rewrite.  A record is a message of frame.c (the name, the
 * value) on the pipe's byte stream (frame_stream_put), at most PIPE_BUF
 * bytes, so that one write(2) puts it in the pipe whole.
 *
 * watcher_record_pack writes the record into buf (bufsz bytes) and returns
 * its length, or 0 when it does not fit in bufsz or PIPE_BUF bytes.
 * watcher_record_unpack reads the record at the start of buf[0..len),
 * points *name and *value into buf, and returns the bytes it takes, 0 when
 * buf holds only part of one, -1 when buf does not start with a record
 * (an empty name is none).
 */
size_t watcher_record_pack(char *buf, size_t bufsz, const char *name,
    const char *value);
long watcher_record_unpack(const char *buf, size_t len, const char **name,
    const char **value);

/*
 * Writes the records waiting in the record pipe (read end rfd) into the
 * jobs file at path, in one rewrite; logs a failure.  The supervisor calls
 * it at shutdown for records whose watcher ended before writing them.
 */
void watcher_write_records(const char *path, int rfd);


#endif
