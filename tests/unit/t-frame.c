/*
 * t-frame.c - unit tests of src/common/frame.c, the one framing of messages
 * between sitewatch's processes.
 */
#include <string.h>

#include "common/frame.h"
#include "tap.h"

/* Strings (present, empty, absent, capped), numbers and a blob come back
 * as they went. */
static void
t_round_trip(void)
{
	char buf[256];
	struct frame_writer w;
	struct frame_reader r;
	int blob[3] = { 1, -2, 3 }, back[3] = { 0, 0, 0 };
	size_t len;

	frame_start(&w, buf, sizeof(buf));
	frame_put_str(&w, "Grüße;\"x\"", 0);
	frame_put_str(&w, "", 0);
	frame_put_str(&w, NULL, 0);
	frame_put_str(&w, "abcdef", 3);
	frame_put_num(&w, -9223372036854775807LL - 1);
	frame_put_blob(&w, blob, sizeof(blob));
	len = frame_end(&w);
	check_uint(len, >, 0);
	frame_read(&r, buf, len);
	check_str(frame_get_str(&r), "Grüße;\"x\"");
	check_str(frame_get_str(&r), "");
	check(frame_get_str(&r) == NULL);
	check_str(frame_get_str(&r), "abc");
	check_int(frame_get_num(&r), ==, -9223372036854775807LL - 1);
	frame_get_blob(&r, back, sizeof(back));
	check_int(back[1], ==, -2);
	check_int(frame_done(&r), ==, 0);
}

/* A message that does not fit is refused whole; every cut of a message
 * and a field of the wrong kind are refused by the reader. */
static void
t_refused(void)
{
	char buf[64];
	struct frame_writer w;
	struct frame_reader r;
	size_t len, i;
	int x = 5;

	frame_start(&w, buf, 8);
	frame_put_str(&w, "longer than eight", 0);
	check_uint(frame_end(&w), ==, 0);

	frame_start(&w, buf, sizeof(buf));
	frame_put_str(&w, "name", 0);
	frame_put_num(&w, 42);
	frame_put_blob(&w, &x, sizeof(x));
	len = frame_end(&w);
	for (i = 0; i < len; i++) {
		int y;

		frame_read(&r, buf, i);
		(void)frame_get_str(&r);
		(void)frame_get_num(&r);
		frame_get_blob(&r, &y, sizeof(y));
		if (frame_done(&r) != -1)
			break;
	}
	check_uint(i, ==, len);
	/* A blob of another size, a number that is not one. */
	frame_read(&r, buf, len);
	(void)frame_get_str(&r);
	(void)frame_get_num(&r);
	frame_get_blob(&r, buf, 2);
	check_int(frame_done(&r), ==, -1);
	frame_read(&r, buf, len);
	(void)frame_get_num(&r);
	check_int(frame_done(&r), ==, -1);
	/* Bytes left over. */
	frame_read(&r, buf, len);
	(void)frame_get_str(&r);
	check_int(frame_done(&r), ==, -1);
}

/* Messages on a byte stream: two back to back come back one at a time,
 * every cut is "not whole yet", and bytes that are no message are said. */
static void
t_stream(void)
{
	char buf[64];
	const char *msg;
	size_t msglen, a, b, i;
	long used;

	a = frame_stream_put(buf, sizeof(buf), "first", 5);
	b = frame_stream_put(buf + a, sizeof(buf) - a, "", 0);
	check_uint(a, ==, 10);
	check_uint(b, ==, 5);
	used = frame_stream_get(buf, a + b, &msg, &msglen);
	check_int(used, ==, (long)a);
	check_uint(msglen, ==, 5);
	check(memcmp(msg, "first", 5) == 0);
	used = frame_stream_get(buf + a, b, &msg, &msglen);
	check_int(used, ==, (long)b);
	check_uint(msglen, ==, 0);
	for (i = 0; i < a; i++)
		if (frame_stream_get(buf, i, &msg, &msglen) != 0)
			break;
	check_uint(i, ==, a);
	check_int(frame_stream_get("\1x", 2, &msg, &msglen), ==, -1);
	check_uint(frame_stream_put(buf, 9, "first", 5), ==, 0);
}

int
main(void)
{
	TEST(t_round_trip(), "strings, absent strings, capped strings, numbers and blobs come back as sent");
	TEST(t_refused(), "a message too big is refused whole; cuts, wrong kinds and leftovers are refused");
	TEST(t_stream(), "on a byte stream each message comes back whole, a cut one is not whole yet, bytes that are none are refused");
	return test_done();
}
