/*
 * jobsfile.h - read the jobs file, and rewrite rows of it so that many
 * processes and a person editing by hand can share it without losing an
 * update: a lock beside the file, re-read under the lock, a temporary file
 * renamed over the original.
 */
#ifndef SITEWATCH_JOBSFILE_H
#define SITEWATCH_JOBSFILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/jobs.h"

enum jobsfile_status {
	JOBSFILE_OK = 0,
	JOBSFILE_ERROR = -1,	/* a system error: errno and err say which */
	JOBSFILE_UNPARSABLE = -2, /* the file stayed unusable through every retry */
	JOBSFILE_CHANGED = -3,	/* jobsfile_replace: not the file it expected */
	JOBSFILE_LOCKED = -4,	/* another process held the lock until the
				 * deadline: nothing written */
	JOBSFILE_UNSETTLED = -5	/* the file looked half-saved, or did not
				 * parse, until the deadline: nothing written */
};

/* jobsfile_set_deadline(): wait as long as it takes (the default). */
#define JOBSFILE_NO_DEADLINE LLONG_MAX

/*
 * Sets until when this process's jobsfile_edit(), jobsfile_edit_gather()
 * and jobsfile_replace() may wait: for the lock, and for a file half-way
 * through a save.  A wait that would go past deadline (monotonic ms, as
 * util_mono_ms()) ends the call with JOBSFILE_LOCKED or
 * JOBSFILE_UNSETTLED, nothing written.  JOBSFILE_NO_DEADLINE, the
 * default, waits for the lock as long as it takes; 0 takes the lock only
 * if it is free and never sleeps: a loop that must not block tries, and
 * tries again later.  A forked child inherits the setting: set it again.
 */
void jobsfile_set_deadline(long long deadline);

/*
 * Returns the pid of the process that holds the lock of the jobs file at
 * path, as /proc/locks tells it (a flock shows the process that took it),
 * or 0 when it is not held or the holder cannot be told.
 */
pid_t jobsfile_lock_holder(const char *path);

/*
 * Reads the whole file at path into a malloc'd buffer (*buf, *len; a NUL
 * follows the last byte), and its stat into *st when st is not NULL.
 * Returns 0, or -1 with errno.
 */
int jobsfile_read(const char *path, char **buf, size_t *len, struct stat *st);

/*
 * Reads and parses the jobs file at path, for a command that needs a
 * usable file: 0 with jf and *buf (the text jf points into) filled, the
 * caller frees both (jobs_free, free); or -1 with both freed and what to
 * say in err: "PATH: REASON" when it cannot be read, or "PATH is not
 * usable (see sitewatch --check -f PATH)".
 */
int jobsfile_load(const char *path, struct jobs_file *jf, char **buf,
    char *err, size_t errsz);

/* Room enough for any message of jobsfile_load. */
#define JOBSFILE_LOAD_ERR (2 * PATH_MAX + 64)

/*
 * Applies edits to the file at path, crash-safely and without losing any
 * concurrent change: under the lock it re-reads the file, builds the new
 * contents, writes them to a temporary file in the same directory, fsyncs
 * it, checks that the file was not replaced or rewritten meanwhile (else
 * starts again), renames the temporary file over it and fsyncs the
 * directory.  Mode and ownership are kept.  A file that does not parse is
 * retried with a short backoff (2 s at most) and never overwritten.  No
 * wait goes past the deadline (see jobsfile_set_deadline()).  Each edit's
 * result is set as by jobs_apply().  Returns JOBSFILE_OK (also when
 * nothing had to change), or a negative status with a message in err.
 */
int jobsfile_edit(const char *path, struct jobs_edit *edits, size_t n,
    char *err, size_t errsz);

/*
 * Collects edits once the lock is held: sets *edits and *n (the array
 * stays the gatherer's).  See jobsfile_edit_gather().
 */
typedef void (*jobsfile_gather_fn)(void *arg, struct jobs_edit **edits,
    size_t *n);

/*
 * jobsfile_edit(), except that the edits are asked of gather(arg, ...)
 * once the lock is held, not given: writers that queue their edits where
 * the lock holder can collect them (the watchers' record pipe) get many
 * edits written in one rewrite.  Nothing to edit: returns JOBSFILE_OK
 * without writing.
 */
int jobsfile_edit_gather(const char *path, jobsfile_gather_fn gather,
    void *arg, char *err, size_t errsz);

/*
 * Replaces the whole file at path with buf[0..len), the same careful way
 * as jobsfile_edit(), but only if it still holds exactly old[0..oldlen)
 * (what an editor session started from).  Returns JOBSFILE_OK,
 * JOBSFILE_CHANGED when the file is not what was expected (nothing
 * written), or JOBSFILE_ERROR with a message in err.
 */
int jobsfile_replace(const char *path, const char *old, size_t oldlen,
    const char *buf, size_t len, char *err, size_t errsz);

#endif
