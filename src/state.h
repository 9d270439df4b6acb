/*
 * state.h - a watcher's bookkeeping (ETag, body hash, last check), one
 * small file per watcher in a state folder beside the jobs file.  Losing
 * the folder only costs one silent re-baseline.
 */
#ifndef SITEWATCH_STATE_H
#define SITEWATCH_STATE_H

#include <stddef.h>

#include "fetch.h"

struct state {
	int baseline;			/* 1 once a check succeeded */
	char etag[FETCH_VALIDATOR_MAX];
	char last_modified[FETCH_VALIDATOR_MAX];	/* the server's, verbatim */
	unsigned char hash[FETCH_HASH_LEN];
	int has_hash;
	long long last_check;		/* Unix time of the last check, 0: never */
	long long last_change;		/* Unix time of the last change seen */
	char last_result[128];		/* "unchanged", "changed", "HTTP 503", "timeout", ... */
	char last_error[256];		/* the whole message of the last failure */
	unsigned failures;		/* consecutive failed checks */
	unsigned long checks;		/* checks made, to see a new one land */
	long long next_check;		/* Unix time the next check is due, 0: unknown */
};

/*
 * Writes into dir the state folder of the jobs file at jobsfile:
 * ".BASENAME.state" in the same directory, or $XDG_STATE_HOME/sitewatch
 * (~/.local/state/sitewatch) for the default jobs file in
 * $XDG_CONFIG_HOME/sitewatch.  Returns 0, or -1 (too long).
 */
int state_dir(const char *jobsfile, char *dir, size_t dirsz);

/*
 * Writes into out the path of the state file of the job called name in
 * dir.  The name is made safe for any file system: bytes other than
 * letters, digits, '-' and '_' are written %XX, and a long name is cut and
 * given a hash of the whole.  Returns 0, or -1 (too long).
 */
int state_path(const char *dir, const char *name, char *out, size_t outsz);

/*
 * Loads the state file at path into *st.  A missing or unreadable file
 * gives an empty state (no baseline).  Returns 0 when a state was read, -1
 * when *st was left empty.
 */
int state_load(const char *path, struct state *st);

/*
 * Saves *st to path atomically (a temporary file renamed over it),
 * creating the folder when needed.  Returns 0, or -1 with errno.
 */
int state_save(const char *path, const struct state *st);

#endif
