/*
 * snapshot.h - the last compared texts of a job (its snapshots), with
 * their times and how many lines each change added and removed, in a
 * folder beside the job's state file.
 *
 * Layout of STATEFILE.snap/: one file per snapshot named by its sequence
 * number ("17"), the unified diff of the change that made it ("17.diff",
 * none for a baseline), and "index", one line per snapshot, oldest first:
 * "SEQ TIME ADDED REMOVED" (ADDED and REMOVED -1 for a baseline).  The
 * watcher writes the text being compared as "new" and commits it.  Every
 * file is replaced by rename, so a reader sees whole files; losing the
 * folder costs one silent baseline.
 */
#ifndef SITEWATCH_SNAPSHOT_H
#define SITEWATCH_SNAPSHOT_H

#include <stddef.h>

#define SNAPSHOT_KEEP_DEFAULT 10	/* --keep */

struct snapshot {
	unsigned long seq;	/* 1, 2, ...: never reused in a folder */
	long long time;		/* Unix time it was compared */
	long added, removed;	/* lines, against the one before; -1: baseline */
};

/* Writes into out the snapshot folder of the state file state_path.
 * Returns 0, or -1 (too long). */
int snapshot_dir(const char *state_path, char *out, size_t outsz);

/* Writes into out the path of snapshot seq's text (ext NULL) or of
 * another of its files (ext "diff").  Returns 0, or -1 (too long). */
int snapshot_path(const char *dir, unsigned long seq, const char *ext,
    char *out, size_t outsz);

/* Writes into out the path of the text being compared ("new", ext NULL)
 * or of its diff ("new.diff", ext "diff").  Returns 0, or -1 (too long). */
int snapshot_new_path(const char *dir, const char *ext, char *out,
    size_t outsz);

/*
 * Reads the index of dir into *list (malloc'd, oldest first; free it),
 * keeping the snapshots whose text is there.  A missing folder is no
 * snapshot.  Returns 0, or -1 with errno.
 */
int snapshot_list(const char *dir, struct snapshot **list, size_t *n);

/*
 * Opens dir/new (creating the folder, emptying the file) for the text
 * being compared; its path goes to path.  Returns the descriptor
 * (close-on-exec), or -1 with errno.
 */
int snapshot_open_new(const char *dir, char *path, size_t pathsz);

/*
 * Makes dir/new the newest snapshot (and dir/new.diff, if it is there,
 * its diff), with s's time and counts, then deletes all but the newest
 * keep.  Sets s->seq.  Returns 0, or -1 with errno (the folder is then
 * as it was, new aside).
 */
int snapshot_commit(const char *dir, struct snapshot *s, unsigned keep);

/* Removes dir/new and dir/new.diff, if there. */
void snapshot_discard(const char *dir);

#endif
