/*
 * supervisor.h - the parent process: one watcher per runnable row, live
 * edits of the jobs file, restarts with backoff, clean shutdown.
 */
#ifndef SITEWATCH_SUPERVISOR_H
#define SITEWATCH_SUPERVISOR_H

#include <stddef.h>

struct supervisor_opts {
	const char *jobsfile;
	char *const *exec_argv;	/* --exec, or NULL */
	int desktop;		/* 0 with --no-desktop */
	long connect_timeout;
	long timeout;
	size_t max_body;
	const char *cafile;
	unsigned keep;		/* --keep: snapshots per job */
	unsigned alert_after;	/* --alert-after: 0 never */
};

/*
 * Runs the supervisor in the foreground until SIGTERM or SIGINT.  Returns
 * the exit code: 0 after a clean stop, 1 on a runtime failure, 2 when the
 * jobs file is unusable at start or another supervisor holds it.
 */
int supervisor_run(const struct supervisor_opts *o);

#endif
