/*
 * state.h - a watcher's bookkeeping (ETag, body hash, last check), one
 * small file per watcher in a state folder beside the jobs file.  Losing
 * the folder only costs one silent re-baseline.
 */
#ifndef SITEWATCH_STATE_H
#define SITEWATCH_STATE_H

#include <stddef.h>

#include "common/fetch.h"

struct state {
	/* What the state belongs to: state_identity() of the row's URL and
	 * filter when it was recorded.  A row that no longer matches starts
	 * a silent new baseline (see state_adopt()). */
	unsigned long long identity;
	int baseline;			/* 1 once a check succeeded */
	char etag[FETCH_VALIDATOR_MAX];
	char last_modified[FETCH_VALIDATOR_MAX];	/* the server's, verbatim */
	unsigned char hash[FETCH_HASH_LEN];
	int has_hash;
	long long last_check;		/* Unix time of the last check, 0: never */
	long long last_change;		/* Unix time of the last change seen */
	char last_result[128];		/* "baseline recorded", "unchanged", "changed", "HTTP 503", "timeout", ... */
	char last_change_brief[192];	/* of the last change: "(+3 -1) first added line" */
	char last_error[256];		/* the whole message of the last failure */
	unsigned failures;		/* consecutive failed checks */
	unsigned long checks;		/* checks made, to see a new one land */
	long long next_check;		/* Unix time the next check is due, 0: unknown */
	unsigned char text_hash[FETCH_HASH_LEN];	/* of the compared text */
	int has_text_hash;
	long long failing_since;	/* Unix time of the first failure of a run */
	int alerted;			/* that run was told (--alert-after) */
};

/*
 * Returns the identity of a row's state: a hash of what defines what is
 * compared, the URL and the filter (empty and "-" are the same default).
 * Never 0, which stands for "unknown".
 */
unsigned long long state_identity(const char *url, const char *filter);

/*
 * Makes *st belong to identity id: when it belongs to something else (or
 * to nothing, as a state from before identities), everything compared or
 * sent to the server (baseline, validators, hashes) is dropped, so that
 * the next check is a silent new baseline and the old URL's validators
 * are never sent to a new one; counters and times are kept.  Returns 1
 * when the state was dropped that way, 0 when it already belonged.
 */
int state_adopt(struct state *st, unsigned long long id);

/*
 * Writes into dir the state folder of the jobs file at jobsfile (the
 * file it points to when it is a symbolic link): ".BASENAME.state" in
 * the same directory, or $XDG_STATE_HOME/sitewatch
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

/* The longest state file: the formatted fields and the checksum line. */
#define STATE_MAX 4096

/* A state file kept open by its watcher, rewritten in place. */
struct state_file {
	int fd;			/* -1: not open */
	size_t size;		/* the file's size: never made smaller */
};

/*
 * Loads the state file at path into *st.  A missing, unreadable or
 * damaged file (checksum wrong after 100 ms of tries) gives an empty state
 * (no baseline), and so does a file with no checksum line.  Returns 0
 * when a state was read, -1 when *st was left empty.
 */
int state_load(const char *path, struct state *st);

/*
 * Parses the n bytes at buf, a state file's contents with a NUL after
 * them (buf is changed), into *st.  Returns 0 when a state was read, or
 * -1 with *st empty: no checksum line or a wrong one (a write in progress,
 * a damaged file, or one from before the checksums), or a NUL in it.
 * A field that does not parse is left empty (a bad hash: no hash).
 */
int state_parse(char *buf, size_t n, struct state *st);

/*
 * Writes into buf (bufsz bytes) the outcome of the last check in *st as
 * `sitewatch check` prints it: "baseline recorded", "unchanged", "changed
 * (+3 -1) first added line", or a failure with its error in full in
 * parentheses ("HTTP 503 (HTTP 503 Service Unavailable)").
 */
void state_describe(const struct state *st, char *buf, size_t bufsz);

/*
 * Formats *st as a state file into buf (bufsz bytes, at least STATE_MAX),
 * the checksum line included.  Returns the length.
 */
size_t state_format(char *buf, size_t bufsz, const struct state *st);

/*
 * Opens (creating it, and its folder, when needed) the state file at path
 * for state_write().  Returns 0, or -1 with errno (sf->fd is then -1).
 */
int state_open(struct state_file *sf, const char *path);

/*
 * Rewrites the open state file sf with *st, in place, in one pwrite(2):
 * a reader sees either the whole old state or the whole new one, or a
 * checksum mismatch, which state_load() waits out.  Returns 0, or -1.
 */
int state_write(struct state_file *sf, const struct state *st);

/* Closes sf (once open, or never opened). */
void state_close(struct state_file *sf);

/*
 * state_open(), state_write(), state_close(): one save, for a command that
 * checks once.  Returns 0, or -1 with errno.
 */
int state_save(const char *path, const struct state *st);

#endif
