/*
 * verdict.h - the messages of a batch of filter and notify checks, the
 * one format between sitewatch (judge.c) and `sitewatch-helper
 * check-batch` (helper.c).
 *
 * The helper reads requests on stdin until its end and writes one reply
 * per request on stdout, in the same order, each as soon as it is known
 * (a helper that dies half-way leaves the replies it gave).  Each is one
 * message of frame.h on a byte stream (frame_stream_put):
 *   - a request: the check as a string ("check-filter" or
 *     "check-notify"), then the value as a string;
 *   - a reply: a number, 0 when the value can be used and 1 when it
 *     cannot, then the reason as a string ("" for 0).
 * Pure: no I/O.
 */
#ifndef SITEWATCH_VERDICT_H
#define SITEWATCH_VERDICT_H

#include <stddef.h>

#include "common/jobs.h"

/* Room enough for any request (a value is at most a line of the jobs
 * file) or reply (a reason is cut at VERDICT_REASON_MAX bytes). */
#define VERDICT_MSG_MAX (JOBS_MAX_LINE + 64)
#define VERDICT_REASON_MAX 1024

/*
 * Writes the request to check value with what into out (outsz bytes).
 * Returns the bytes written, or 0 when it does not fit (or memory ran
 * out).
 */
size_t verdict_put_request(char *out, size_t outsz, const char *what,
    const char *value);

/*
 * Writes the reply bad (0 or 1) with its reason into out (outsz bytes);
 * the reason is cut at VERDICT_REASON_MAX bytes.  Returns the bytes
 * written, or 0 when it does not fit (or memory ran out).
 */
size_t verdict_put_reply(char *out, size_t outsz, int bad,
    const char *reason);

/*
 * Reads the request at the start of buf[0..len): *what and *value point
 * into buf.  Returns the bytes it takes, 0 when buf holds only part of
 * it, -1 when buf does not start with a request.
 */
long verdict_get_request(const char *buf, size_t len, const char **what,
    const char **value);

/*
 * Reads the reply at the start of buf[0..len): *bad is 0 or 1, *reason
 * points into buf.  Returns as verdict_get_request().
 */
long verdict_get_reply(const char *buf, size_t len, int *bad,
    const char **reason);

#endif
