/*
 * event.c - the notify event: the one format of what a watcher (or
 * `sitewatch check NAME`) tells the notifier and the notifier forwards to
 * its desktop child, over a SOCK_SEQPACKET channel, and the text a
 * desktop notification makes of it (summary, body).
 */
#define _POSIX_C_SOURCE 200809L	/* strnlen, localtime_r */
#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "common/event.h"
#include "common/frame.h"
#include "common/redact.h"

/* Caps on each field of an event on the channel, in bytes: together with
 * the flags and numbers they fit NOTIFY_MSG_MAX. */
#define NAME_MAX_MSG 1024
#define URL_MAX_MSG 4096
#define VAL_MAX_MSG 512
#define ADDED_MAX_MSG 4096
#define REASON_MAX_MSG 1024
#define PATH_MAX_MSG 4096
#define FORMAT "E1"	/* the first field: this format, version 1 */

/* How many added lines the desktop shows, and how many characters of each. */
#define BODY_LINES 3
#define BODY_LINE_CHARS 80

/* Appends the added lines, cut at the last line end within the cap. */
static void
put_lines(struct frame_writer *w, const char *s)
{
	size_t l;

	if (s == NULL || strnlen(s, ADDED_MAX_MSG + 1) <= ADDED_MAX_MSG) {
		frame_put_str(w, s, ADDED_MAX_MSG);
		return;
	}
	for (l = ADDED_MAX_MSG; l > 0 && s[l - 1] != '\n'; l--)
		;
	frame_put_str(w, s, l > 0 ? l : ADDED_MAX_MSG);
}

size_t
event_pack(const struct notify_event *ev, char *buf)
{
	struct frame_writer w;
	const char *path = ev->diff_path;
	char kind[2] = { (char)('0' + (int)ev->kind), '\0' };

	/* A path cut short would name another file: then there is none. */
	if (path != NULL && strnlen(path, PATH_MAX_MSG) >= PATH_MAX_MSG)
		path = NULL;
	frame_start(&w, buf, NOTIFY_MSG_MAX);
	frame_put_str(&w, FORMAT, 0);
	frame_put_str(&w, kind, 0);
	frame_put_str(&w, ev->name, NAME_MAX_MSG);
	frame_put_str(&w, ev->url, URL_MAX_MSG);
	frame_put_str(&w, ev->old_value, VAL_MAX_MSG);
	frame_put_str(&w, ev->new_value, VAL_MAX_MSG);
	frame_put_num(&w, ev->added);
	frame_put_num(&w, ev->removed);
	put_lines(&w, ev->added_lines);
	frame_put_str(&w, path, PATH_MAX_MSG);
	frame_put_str(&w, ev->reason, REASON_MAX_MSG);
	frame_put_num(&w, ev->since);
	return frame_end(&w);
}

int
event_unpack(const char *buf, size_t len, struct notify_event *ev)
{
	struct frame_reader r;
	const char *format, *kind;
	long long added, removed;

	memset(ev, 0, sizeof(*ev));
	frame_read(&r, buf, len);
	format = frame_get_str(&r);
	kind = frame_get_str(&r);
	if (format == NULL || strcmp(format, FORMAT) != 0 || kind == NULL ||
	    kind[0] < '0' || kind[0] > '0' + (int)NOTIFY_RECOVERED ||
	    kind[1] != '\0')
		return -1;
	ev->kind = (enum notify_kind)(kind[0] - '0');
	ev->name = frame_get_str(&r);
	ev->url = frame_get_str(&r);
	ev->old_value = frame_get_str(&r);
	ev->new_value = frame_get_str(&r);
	added = frame_get_num(&r);
	removed = frame_get_num(&r);
	ev->added_lines = frame_get_str(&r);
	ev->diff_path = frame_get_str(&r);
	ev->reason = frame_get_str(&r);
	ev->since = frame_get_num(&r);
	if (frame_done(&r) == -1)
		return -1;
	ev->added = added < 0 || added > LONG_MAX ? -1 : (long)added;
	ev->removed = removed < 0 || removed > LONG_MAX ? -1 : (long)removed;
	return 0;
}

int
event_send(int fd, const struct notify_event *ev)
{
	char buf[NOTIFY_MSG_MAX];
	size_t len = event_pack(ev, buf);
	ssize_t w;

	do
		w = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w == -1 && errno == EINTR);
	return w == (ssize_t)len ? 0 : -1;
}

/* Returns s (or "" for NULL) as valid UTF-8 with control characters shown
 * as spaces, escaped for the notification markup when markup is set.
 * g_free the result. */
static char *
site_text(const char *s, int markup)
{
	char *v = g_utf8_make_valid(s != NULL ? s : "", -1), *p, *e;

	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (!markup)
		return v;
	e = g_markup_escape_text(v, -1);
	g_free(v);
	return e;
}

/* Appends to body the first BODY_LINES added lines that hold more than
 * blanks, each cut to BODY_LINE_CHARS characters, escaped. */
static void
append_lines(GString *body, const char *lines)
{
	int shown = 0;

	while (lines != NULL && *lines != '\0' && shown < BODY_LINES) {
		const char *nl = strchr(lines, '\n');
		size_t l = nl != NULL ? (size_t)(nl - lines) : strlen(lines);
		char *line = g_strndup(lines, l), *valid, *cut, *esc;

		valid = site_text(line, 0);
		g_strstrip(valid);
		if (*valid != '\0') {
			if (g_utf8_strlen(valid, -1) > BODY_LINE_CHARS) {
				cut = g_utf8_substring(valid, 0,
				    BODY_LINE_CHARS - 1);
				g_free(valid);
				valid = g_strconcat(cut, "\u2026", NULL);
				g_free(cut);
			}
			esc = g_markup_escape_text(valid, -1);
			g_string_append_printf(body, "\n%s", esc);
			g_free(esc);
			shown++;
		}
		g_free(valid);
		g_free(line);
		lines = nl != NULL ? nl + 1 : NULL;
	}
}

char *
event_summary(const struct notify_event *ev)
{
	char *name = site_text(ev->name, 0), *s;

	s = g_strdup_printf("%s %s", name, ev->kind == NOTIFY_FAILING ?
	    "failing" : ev->kind == NOTIFY_RECOVERED ? "recovered" :
	    "changed");
	g_free(name);
	return s;
}

char *
event_body(const struct notify_event *ev)
{
	char shown[REDACT_MAX], *url, *reason;
	GString *body = g_string_new(NULL);

	(void)redact_url(ev->url != NULL ? ev->url : "", REDACT_SHOWN, shown,
	    sizeof(shown));
	url = site_text(shown, 1);
	/* The URL as the link's text: visible on servers without links.  A
	 * URL with secrets in it is shown without them, and as text only (a
	 * link would hold them, and the masked one leads nowhere); a click
	 * on the notification still opens the real one (desktop.c). */
	if (ev->url != NULL && strcmp(shown, ev->url) == 0)
		g_string_append_printf(body, "<a href=\"%s\">%s</a>", url,
		    url);
	else
		g_string_append(body, url);
	if (ev->kind == NOTIFY_CHANGED) {
		if (ev->added >= 0 && ev->removed >= 0)
			g_string_append_printf(body, "\n+%ld -%ld", ev->added,
			    ev->removed);
		append_lines(body, ev->added_lines);
	} else if (ev->kind == NOTIFY_FAILING) {
		char when[64] = "an unknown time";
		time_t t = (time_t)ev->since;
		struct tm tm;

		if (ev->since > 0 && localtime_r(&t, &tm) != NULL)
			(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M",
			    &tm);
		reason = site_text(ev->reason != NULL ? ev->reason :
		    "unknown error", 1);
		g_string_append_printf(body, "\nfailing since %s: %s", when,
		    reason);
		g_free(reason);
	}
	g_free(url);
	return g_string_free(body, FALSE);
}

ssize_t
event_recv(int fd, char *buf, struct notify_event *ev)
{
	ssize_t r = recv(fd, buf, NOTIFY_MSG_MAX, MSG_DONTWAIT | MSG_TRUNC);

	if (r == 0)
		return -1;
	if (r == -1 || r > NOTIFY_MSG_MAX)
		return 0;	/* nothing yet, or too long to be ours */
	return event_unpack(buf, (size_t)r, ev) == 0 ? r : 0;
}
