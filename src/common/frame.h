/*
 * frame.h - the one framing of sitewatch's messages between processes:
 * the notifier's events, the spawner's requests (both on SOCK_SEQPACKET
 * sockets, one message per packet) and the watchers' records (on a pipe,
 * a byte stream: each message goes in one blob field, which says where it
 * ends; see frame_stream_put).
 *
 * A message is a sequence of fields, each a tag byte and its bytes:
 *   - a string: 1, its bytes (no NUL), 0;   an absent string: 0;
 *   - a number: a string of its decimal digits;
 *   - a blob: 2, its length as 4 bytes big-endian, its bytes.
 * A writer never cuts a field short: a message that does not fit is
 * refused whole.  A reader checks every field's bounds, and points into
 * the message for strings and blobs (each string is NUL-terminated in
 * place).  Pure: no I/O.
 */
#ifndef SITEWATCH_FRAME_H
#define SITEWATCH_FRAME_H

#include <stddef.h>

struct frame_writer {
	char *buf;
	size_t size;		/* room in buf */
	size_t len;		/* bytes written so far */
	int full;		/* a field did not fit: the message is void */
};

struct frame_reader {
	const char *buf;
	size_t len;
	size_t off;		/* where the next field starts */
	int bad;		/* a field was malformed or missing */
};

/* Starts a message in buf (size bytes). */
void frame_start(struct frame_writer *w, char *buf, size_t size);

/* Appends the string s, at most max bytes of it (max 0: all), or an
 * absent string for NULL. */
void frame_put_str(struct frame_writer *w, const char *s, size_t max);

/* Appends the number v. */
void frame_put_num(struct frame_writer *w, long long v);

/* Appends n bytes at p as a blob. */
void frame_put_blob(struct frame_writer *w, const void *p, size_t n);

/* Returns the message's length, or 0 when a field did not fit. */
size_t frame_end(const struct frame_writer *w);

/* Starts reading the message buf[0..len). */
void frame_read(struct frame_reader *r, const char *buf, size_t len);

/* Returns the next field as a string (NULL when absent or malformed). */
const char *frame_get_str(struct frame_reader *r);

/* Returns the next field as a number (0 when malformed). */
long long frame_get_num(struct frame_reader *r);

/* Copies the next field, a blob of exactly n bytes, to p. */
void frame_get_blob(struct frame_reader *r, void *p, size_t n);

/* Returns 0 when every field read was well formed and the message ends
 * where the last one does, else -1. */
int frame_done(const struct frame_reader *r);

/*
 * A message on a byte stream: writes the message msg[0..len) as one blob
 * field into out (outsz bytes).  Returns the bytes written, or 0 when it
 * does not fit.
 */
size_t frame_stream_put(char *out, size_t outsz, const char *msg, size_t len);

/*
 * Finds the message at the start of the stream bytes buf[0..len): points
 * *msg (*msglen bytes) into buf.  Returns the bytes it takes, 0 when buf
 * holds only part of it, -1 when buf does not start with a message (the
 * stream cannot be read further).
 */
long frame_stream_get(const char *buf, size_t len, const char **msg,
    size_t *msglen);

#endif
