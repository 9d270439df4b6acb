/*
 * record.h - the record channel between the watchers and the supervisor,
 * its one owner: a watcher puts "row NAME gets last-modified VALUE" into
 * one pipe the supervisor makes and every watcher shares, and whoever
 * takes the jobs file's lock next writes every record in the pipe in one
 * rewrite (1,000 watchers each rewriting a 1,000-row file in turn took
 * 20 s).  The supervisor writes what is left at shutdown.
 *
 * A record is a message of frame.c (the name, the value) on the pipe's
 * byte stream (frame_stream_put), at most PIPE_BUF bytes, so that one
 * write(2) puts it in the pipe whole.
 */
#ifndef SITEWATCH_RECORD_H
#define SITEWATCH_RECORD_H

#include <stddef.h>

#include "common/jobsfile.h"

/*
 * Makes the record pipe in fd: both ends close-on-exec, the read end
 * non-blocking, the pipe made bigger when the system allows.  Returns 0,
 * or -1 with errno set.
 */
int record_pipe(int fd[2]);

/*
 * Writes the record "name gets value" into buf (bufsz bytes) and returns
 * its length, or 0 when it does not fit in bufsz or PIPE_BUF bytes.
 */
size_t record_pack(char *buf, size_t bufsz, const char *name,
    const char *value);

/*
 * Reads the record at the start of buf[0..len), points *name and *value
 * into buf, and returns the bytes it takes, 0 when buf holds only part of
 * one, -1 when buf does not start with a record (an empty name is none).
 */
long record_unpack(const char *buf, size_t len, const char **name,
    const char **value);

/*
 * Puts the record "name gets value" into the pipe's write end wfd, whole,
 * in one write.  Returns 0, or -1 (a record too long for one atomic write,
 * or the write failed): the caller writes the value itself.
 */
int record_send(int wfd, const char *name, const char *value);

/*
 * Writes the records waiting in the record pipe (read end rfd) into the
 * jobs file at path, in one rewrite, the latest record of a row winning;
 * logs each record the file refused (refused alone, the others are
 * written).  Returns the number of rows written, or -1 with a message in
 * err.
 */
long record_write(const char *path, int rfd, char *err, size_t errsz);

/* Logs each of edits[0..n) that a rewrite refused, with its reason. */
void record_log_refused(const struct jobs_edit *edits, size_t n);

#endif
