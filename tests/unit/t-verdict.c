/*
 * t-verdict.c - unit tests of src/common/verdict.c, the messages of a batch
 * of filter and notify checks between sitewatch and sitewatch-helper
 * check-batch (issue 21.12: one helper run judges every value).
 */
#include <stdlib.h>
#include <string.h>

#include "common/frame.h"
#include "common/verdict.h"
#include "tap.h"

/* Requests and replies come back as sent, one after another on a
 * stream, each whole only when all its bytes are there. */
static void
t_round_trip(void)
{
	char buf[4096];
	const char *what, *value, *reason;
	size_t n1, n2, i;
	int bad = -1;

	n1 = verdict_put_request(buf, sizeof(buf), "check-filter",
	    "css:#id-1 | grep:a;b \"q\"\nx");
	check_uint(n1, >, 0);
	n2 = verdict_put_request(buf + n1, sizeof(buf) - n1, "check-notify",
	    "");
	check_uint(n2, >, 0);
	check_int(verdict_get_request(buf, n1 + n2, &what, &value), ==,
	    (long)n1);
	check_str(what, "check-filter");
	check_str(value, "css:#id-1 | grep:a;b \"q\"\nx");
	check_int(verdict_get_request(buf + n1, n2, &what, &value), ==,
	    (long)n2);
	check_str(what, "check-notify");
	check_str(value, "");
	for (i = 0; i < n1; i++)
		if (verdict_get_request(buf, i, &what, &value) != 0)
			break;
	check_uint(i, ==, n1);

	n1 = verdict_put_reply(buf, sizeof(buf), 1, "grep:(x: missing "
	    "closing parenthesis at offset 2");
	n2 = verdict_put_reply(buf + n1, sizeof(buf) - n1, 0, NULL);
	check_int(verdict_get_reply(buf, n1 + n2, &bad, &reason), ==,
	    (long)n1);
	check_int(bad, ==, 1);
	check_str(reason, "grep:(x: missing closing parenthesis at offset 2");
	check_int(verdict_get_reply(buf + n1, n2, &bad, &reason), ==,
	    (long)n2);
	check_int(bad, ==, 0);
	check_str(reason, "");
}

/* A reason is cut at VERDICT_REASON_MAX; a value of a whole line fits;
 * what does not fit is refused whole. */
static void
t_limits(void)
{
	char *big = malloc(JOBS_MAX_LINE + 1), *buf = malloc(VERDICT_MSG_MAX);
	const char *what, *value, *reason;
	size_t n;
	int bad;

	if (!check(big != NULL && buf != NULL))
		return;
	memset(big, 'x', JOBS_MAX_LINE);
	big[JOBS_MAX_LINE] = '\0';
	n = verdict_put_request(buf, VERDICT_MSG_MAX, "check-filter", big);
	check_uint(n, >, 0);
	check_int(verdict_get_request(buf, n, &what, &value), ==, (long)n);
	check_uint(strlen(value), ==, JOBS_MAX_LINE);
	n = verdict_put_reply(buf, VERDICT_MSG_MAX, 1, big);
	check_int(verdict_get_reply(buf, n, &bad, &reason), ==, (long)n);
	check_uint(strlen(reason), ==, VERDICT_REASON_MAX);
	check_uint(verdict_put_request(buf, 16, "check-filter", "css:#a"), ==,
	    0);
	check_uint(verdict_put_request(buf, VERDICT_MSG_MAX, NULL, "x"), ==, 0);
	free(big);
	free(buf);
}

/* Bytes that are no message, a request read as a reply, a verdict other
 * than 0 or 1, and a missing field are refused. */
static void
t_refused(void)
{
	char buf[256], msg[64];
	const char *a, *b;
	struct frame_writer w;
	size_t n;
	int bad;

	check_int(verdict_get_request("\1oops", 5, &a, &b), ==, -1);
	n = verdict_put_request(buf, sizeof(buf), "check-filter", "x");
	check_int(verdict_get_reply(buf, n, &bad, &a), ==, -1);
	frame_start(&w, msg, sizeof(msg));
	frame_put_num(&w, 2);
	frame_put_str(&w, "", 0);
	n = frame_stream_put(buf, sizeof(buf), msg, frame_end(&w));
	check_int(verdict_get_reply(buf, n, &bad, &a), ==, -1);
	frame_start(&w, msg, sizeof(msg));
	frame_put_str(&w, "check-filter", 0);
	n = frame_stream_put(buf, sizeof(buf), msg, frame_end(&w));
	check_int(verdict_get_request(buf, n, &a, &b), ==, -1);
}

int
main(void)
{
	TEST(t_round_trip(), "requests and replies come back as sent, in order; a cut one is not whole yet");
	TEST(t_limits(), "a value of a whole line fits, a reason is cut at VERDICT_REASON_MAX, too big is refused");
	TEST(t_refused(), "no message, a request as a reply, a verdict not 0 or 1, a missing field: refused");
	return test_done();
}
