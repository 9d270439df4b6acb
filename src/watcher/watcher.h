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

#endif
