/*
 * svstatus.h - what the supervisor publishes about its children for
 * `sitewatch status`: one owner of the format, used by the writer (the
 * supervisor) and the reader (status), as s6 keeps its status file in
 * s6_svstatus_pack/unpack/read/write.
 *
 * The file is ".supervisor" in the jobs file's state folder, replaced
 * whole (rename) at each write.  One line per child:
 * "STATE TAB RESTART-AT TAB NAME", STATE one of running, backoff, down,
 * RESTART-AT the wall-clock time of a restart in milliseconds (0 unless
 * backoff).  Names hold no tab or line break (the jobs file forbids
 * control characters in them).
 */
#ifndef SITEWATCH_SVSTATUS_H
#define SITEWATCH_SVSTATUS_H

#include <stddef.h>

enum svstatus_state {
	SVSTATUS_DOWN,		/* not running: stopped, or its row says so */
	SVSTATUS_RUNNING,
	SVSTATUS_BACKOFF	/* ended abnormally: restarts at restart_at */
};

struct svstatus_entry {
	const char *name;
	enum svstatus_state state;
	long long restart_at;	/* Unix time in ms, SVSTATUS_BACKOFF only */
};

/* A published table as read back: entries found by name. */
struct svstatus;

/*
 * Writes into out the path of the published file of the jobs file at
 * jobsfile.  Returns 0, or -1 (too long).
 */
int svstatus_path(const char *jobsfile, char *out, size_t outsz);

/*
 * Encodes e[0..n) into a malloc'd text (owned by the caller, length *len).
 * Returns it, or NULL when memory ran out.
 */
char *svstatus_pack(const struct svstatus_entry *e, size_t n, size_t *len);

/*
 * Decodes the text buf[0..len) into a table (free with svstatus_free);
 * lines that are not entries are skipped.  Returns the table, or NULL
 * when memory ran out.
 */
struct svstatus *svstatus_unpack(const char *buf, size_t len);

/*
 * Replaces the file at path with e[0..n), atomically (a temporary file
 * beside it, renamed).  Returns 0, or -1 with errno.
 */
int svstatus_write(const char *path, const struct svstatus_entry *e,
    size_t n);

/*
 * Reads the file at path into a table.  Returns it, or NULL with errno
 * (ENOENT when nothing was published).
 */
struct svstatus *svstatus_read(const char *path);

/* Returns the entry of name in t, or NULL (t may be NULL). */
const struct svstatus_entry *svstatus_find(const struct svstatus *t,
    const char *name);

/* Returns the state's word as written in the file. */
const char *svstatus_word(enum svstatus_state st);

/* Frees t (may be NULL). */
void svstatus_free(struct svstatus *t);

#endif
