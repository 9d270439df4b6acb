/*
 * t-event.c - unit tests of src/common/event.c: the notify event's one
 * format on the channel (pack, unpack, send, receive) and the text a
 * desktop notification makes of it (summary, body).
 */
#define _POSIX_C_SOURCE 200809L
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/event.h"
#include "common/frame.h"
#include "tap.h"

/* An event of kind k for url, with nothing else known. */
static struct notify_event
event(enum notify_kind k, const char *name, const char *url)
{
	struct notify_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = k;
	ev.name = name;
	ev.url = url;
	ev.added = ev.removed = -1;
	return ev;
}

static void
t_body_plain(void)
{
	struct notify_event ev = event(NOTIFY_CHANGED, "Fefe",
	    "https://blog.fefe.de/");
	char *b = event_body(&ev), *s = event_summary(&ev);

	check_str(s, "Fefe changed");
	check_str(b, "<a href=\"https://blog.fefe.de/\">https://blog.fefe.de/</a>");
	g_free(b);
	g_free(s);
}

static void
t_body_lines(void)
{
	struct notify_event ev = event(NOTIFY_CHANGED, "Blog", "http://b/");
	char *b;

	ev.added = 4;
	ev.removed = 1;
	/* A blank line is skipped, a long one cut, markup escaped, only 3. */
	ev.added_lines = "First <post> & more\n   \n"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789xyz\n"
	    "caf\xc3\xa9\tbar\nfourth\n";
	b = event_body(&ev);
	check_str(b, "<a href=\"http://b/\">http://b/</a>\n+4 -1\n"
	    "First &lt;post&gt; &amp; more\n"
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678\xe2\x80\xa6\n"
	    "caf\xc3\xa9 bar");
	g_free(b);
}

static void
t_body_failing(void)
{
	struct notify_event ev = event(NOTIFY_FAILING, "Shop", "http://s/");
	char *b, *s;

	ev.reason = "HTTP 503 <busy>";
	ev.since = 1767323400;	/* 2026-01-02 03:10 UTC */
	(void)setenv("TZ", "UTC", 1);
	b = event_body(&ev);
	s = event_summary(&ev);
	check_str(s, "Shop failing");
	check_str(b, "<a href=\"http://s/\">http://s/</a>\n"
	    "failing since 2026-01-02 03:10: HTTP 503 &lt;busy&gt;");
	g_free(b);
	g_free(s);
	ev.kind = NOTIFY_RECOVERED;
	s = event_summary(&ev);
	check_str(s, "Shop recovered");
	g_free(s);
}

static void
t_body_hostile(void)
{
	struct notify_event ev = event(NOTIFY_CHANGED, "<b>Tom & \"Jerry's\"</b>",
	    "http://x/?a=1&b=\"><script>");
	char *b = event_body(&ev), *s = event_summary(&ev);

	check_str(b, "<a href=\"http://x/?a=1&amp;b=&quot;&gt;&lt;script&gt;\">"
	    "http://x/?a=1&amp;b=&quot;&gt;&lt;script&gt;</a>");
	/* The summary is plain text: shown as written. */
	check_str(s, "<b>Tom & \"Jerry's\"</b> changed");
	g_free(b);
	g_free(s);
}

static void
t_body_invalid_utf8(void)
{
	struct notify_event ev = event(NOTIFY_CHANGED, "caf\xe9", "http://x/\xff");
	char *b = event_body(&ev), *s = event_summary(&ev);

	check(g_utf8_validate(b, -1, NULL));
	check(g_utf8_validate(s, -1, NULL));
	check(strstr(s, "caf\xef\xbf\xbd") != NULL);	/* U+FFFD */
	g_free(b);
	g_free(s);
}

static void
t_pack_round_trip(void)
{
	static char buf[NOTIFY_MSG_MAX];
	struct notify_event ev = event(NOTIFY_FAILING, "n;a\"me", "http://u/"),
	    out;
	size_t len;

	ev.old_value = "";
	ev.added = 3;
	ev.removed = 0;
	ev.added_lines = "a\nb";
	ev.diff_path = "/tmp/d";
	ev.reason = "timeout";
	ev.since = 1700000000LL;
	len = event_pack(&ev, buf);
	if (!check_int(event_unpack(buf, len, &out), ==, 0))
		return;
	check_int(out.kind, ==, NOTIFY_FAILING);
	check_str(out.name, "n;a\"me");
	check_str(out.url, "http://u/");
	check_str(out.old_value, "");
	check(out.new_value == NULL);
	check_int(out.added, ==, 3);
	check_int(out.removed, ==, 0);
	check_str(out.added_lines, "a\nb");
	check_str(out.diff_path, "/tmp/d");
	check_str(out.reason, "timeout");
	check(out.since == 1700000000LL);
	/* Every cut-short or padded message is refused. */
	for (size_t l = 0; l < len; l++)
		if (!check_int(event_unpack(buf, l, &out), ==, -1))
			break;
	buf[len] = 'x';
	check_int(event_unpack(buf, len + 1, &out), ==, -1);
}

static void
t_pack_caps(void)
{
	static char buf[NOTIFY_MSG_MAX], big[20000], lines[6000];
	struct notify_event ev = event(NOTIFY_CHANGED, big, big), out;
	size_t len, i;

	memset(big, 'x', sizeof(big) - 1);
	for (i = 0; i + 1 < sizeof(lines); i++)
		lines[i] = i % 100 == 99 ? '\n' : 'y';
	ev.old_value = ev.new_value = ev.reason = ev.diff_path = big;
	ev.added_lines = lines;
	len = event_pack(&ev, buf);
	check(len <= NOTIFY_MSG_MAX);
	if (!check_int(event_unpack(buf, len, &out), ==, 0))
		return;
	check_int((long)strlen(out.added_lines), ==, 4000);	/* at a line end */
	check(out.diff_path == NULL);	/* a cut path would name another file */
	check_int((long)strlen(out.name), ==, 1024);
}

/* Each kind survives the channel; a message in another format, or of a
 * kind this version does not know, is refused (issue 22.2: the one format,
 * owned by common/event.c). */
static void
t_kinds_and_format(void)
{
	static char buf[NOTIFY_MSG_MAX];
	struct notify_event ev = event(NOTIFY_CHANGED, "n", "http://u/"), out;
	struct frame_writer w;
	enum notify_kind k;
	size_t len;

	for (k = NOTIFY_CHANGED; k <= NOTIFY_RECOVERED; k++) {
		ev.kind = k;
		len = event_pack(&ev, buf);
		if (check_int(event_unpack(buf, len, &out), ==, 0))
			check_int(out.kind, ==, k);
	}
	ev.kind = (enum notify_kind)(NOTIFY_RECOVERED + 1);
	len = event_pack(&ev, buf);
	check_int(event_unpack(buf, len, &out), ==, -1);
	/* The same fields under another version's first field. */
	ev.kind = NOTIFY_CHANGED;
	len = event_pack(&ev, buf);
	check_int(event_unpack(buf, len, &out), ==, 0);
	frame_start(&w, buf, NOTIFY_MSG_MAX);
	frame_put_str(&w, "E2", 0);
	frame_put_str(&w, "0", 0);
	len = frame_end(&w);
	check_int(event_unpack(buf, len, &out), ==, -1);
}

/* event_recv on a real channel: an event, nothing, a message
 * that is not an event, the end. */
static void
t_recv(void)
{
	static char buf[NOTIFY_MSG_MAX];
	struct notify_event ev = event(NOTIFY_CHANGED, "Fefe",
	    "https://blog.fefe.de/"), got;
	int fds[2];
	ssize_t n;

	if (!check_int(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), ==, 0))
		return;
	check_int(event_send(fds[1], &ev), ==, 0);
	n = event_recv(fds[0], buf, &got);
	check_int(n, >, 0);
	if (n > 0) {
		check_str(got.name, "Fefe");
		check_str(got.url, "https://blog.fefe.de/");
	}
	check_int(event_recv(fds[0], buf, &got), ==, 0);	/* none */
	check_int(send(fds[1], "junk", 4, 0), ==, 4);
	check_int(event_recv(fds[0], buf, &got), ==, 0);	/* malformed */
	(void)close(fds[1]);
	check_int(event_recv(fds[0], buf, &got), ==, -1);	/* the end */
	(void)close(fds[0]);
}

int
main(void)
{
	TEST(t_body_plain(), "summary NAME changed, the URL visible in the body");
	TEST(t_body_lines(), "+A -R and the first 3 added lines, cut and escaped");
	TEST(t_body_failing(), "failing since TIME: reason; recovered");
	TEST(t_body_hostile(), "markup in the URL is escaped, the summary is plain");
	TEST(t_body_invalid_utf8(), "invalid UTF-8 is made valid before escaping");
	TEST(t_pack_round_trip(), "an event survives the channel; a cut one is refused");
	TEST(t_pack_caps(), "long fields are cut to fit, lines at a line end");
	TEST(t_kinds_and_format(), "every kind round-trips; another format or kind is refused");
	TEST(t_recv(), "recv: an event whole, nothing, a malformed one, the end");
	return test_done();
}
