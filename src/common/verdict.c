/*
 * verdict.c - the messages of a batch of filter and notify checks (see
 * verdict.h), made of frame.h's fields.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "common/frame.h"
#include "common/verdict.h"

/* Writes the message of two fields, a string or number first (num when
 * s is NULL) and the string t (at most tmax bytes, 0: all), into out as
 * one message of the stream.  Returns the bytes written, or 0. */
static size_t
put_pair(char *out, size_t outsz, const char *s, long long num,
    const char *t, size_t tmax)
{
	struct frame_writer w;
	char *msg = malloc(VERDICT_MSG_MAX);	/* a watcher's stack stays */
	size_t len, n = 0;

	if (msg == NULL)
		return 0;
	frame_start(&w, msg, VERDICT_MSG_MAX);
	if (s != NULL)
		frame_put_str(&w, s, 0);
	else
		frame_put_num(&w, num);
	frame_put_str(&w, t, tmax);
	len = frame_end(&w);
	if (len > 0)
		n = frame_stream_put(out, outsz, msg, len);
	free(msg);
	return n;
}

size_t
verdict_put_request(char *out, size_t outsz, const char *what,
    const char *value)
{
	if (what == NULL || value == NULL)
		return 0;
	return put_pair(out, outsz, what, 0, value, 0);
}

size_t
verdict_put_reply(char *out, size_t outsz, int bad, const char *reason)
{
	return put_pair(out, outsz, NULL, bad != 0, reason != NULL ? reason :
	    "", VERDICT_REASON_MAX);
}

/* Finds the message at the start of buf and starts reading it into r.
 * Returns as verdict_get_request(). */
static long
get_msg(const char *buf, size_t len, struct frame_reader *r)
{
	const char *msg;
	size_t msglen;
	long n = frame_stream_get(buf, len, &msg, &msglen);

	if (n > 0)
		frame_read(r, msg, msglen);
	return n;
}

long
verdict_get_request(const char *buf, size_t len, const char **what,
    const char **value)
{
	struct frame_reader r;
	long n = get_msg(buf, len, &r);

	if (n <= 0)
		return n;
	*what = frame_get_str(&r);
	*value = frame_get_str(&r);
	return frame_done(&r) == 0 && *what != NULL && *value != NULL ? n : -1;
}

long
verdict_get_reply(const char *buf, size_t len, int *bad, const char **reason)
{
	struct frame_reader r;
	long n = get_msg(buf, len, &r);
	long long v;

	if (n <= 0)
		return n;
	v = frame_get_num(&r);
	*reason = frame_get_str(&r);
	*bad = (int)v;
	return frame_done(&r) == 0 && (v == 0 || v == 1) && *reason != NULL ?
	    n : -1;
}
