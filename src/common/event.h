/*
 * event.h - the notify event: what a watcher (or `sitewatch check NAME`)
 * tells the notifier, and the notifier forwards to its desktop child, one
 * whole event per message on a SOCK_SEQPACKET channel; and the text a
 * desktop notification shows of it.  The one owner of that format: the
 * senders (watcher/), the notifier and the desktop child (notifier/)
 * include this header, not each other's.
 */
#ifndef SITEWATCH_EVENT_H
#define SITEWATCH_EVENT_H

#include <stddef.h>
#include <sys/types.h>

/* What a notification is about. */
enum notify_kind { NOTIFY_CHANGED, NOTIFY_FAILING, NOTIFY_RECOVERED };

/*
 * One thing to tell the person, as a watcher hands it to the notifier.
 * Every string may be NULL (shown as unknown); the notifier copies what
 * it needs, so the caller keeps ownership.
 */
struct notify_event {
	enum notify_kind kind;
	const char *name, *url;
	const char *old_value, *new_value;	/* last-modified before / after */
	long added, removed;			/* line counts, -1: unknown */
	const char *added_lines;		/* added lines, '\n'-separated, <= 4 KiB, or NULL */
	const char *diff_path;			/* file with the unified diff, or NULL */
	const char *reason;			/* FAILING: the error; else NULL */
	long long since;			/* FAILING: Unix time of the first failure */
};

/* The largest packed event (see event_pack). */
#define NOTIFY_MSG_MAX 16384

/*
 * Receives one event from fd (without waiting) into buf, NOTIFY_MSG_MAX
 * bytes, and unpacks it into ev (pointing into buf).  Returns its length,
 * 0 when there is none or it is malformed, or -1 at end of file.
 */
ssize_t event_recv(int fd, char *buf, struct notify_event *ev);

/*
 * Sends ev to the notifier through fd, whole, without ever blocking.
 * Long fields are cut (added_lines at a line end within 4 KiB).  Returns
 * 0, or -1 when it was dropped (errno EAGAIN: the notifier is behind).
 */
int event_send(int fd, const struct notify_event *ev);

/*
 * The one framing of an event on the notifier channel.  event_pack
 * writes ev into buf (NOTIFY_MSG_MAX bytes) and returns its length;
 * event_unpack fills ev with pointers into buf (len bytes, left in
 * place) and returns 0, or -1 when buf is not a whole event.
 */
size_t event_pack(const struct notify_event *ev, char *buf);
int event_unpack(const char *buf, size_t len, struct notify_event *ev);

/*
 * The desktop notification's summary (plain text) and body (markup) for
 * ev: "NAME changed" with the URL (as redact_url shows it: a link only
 * when that is the URL itself), "+A -R" and the first added lines;
 * "NAME failing" with since when and why; "NAME recovered".  Site text is
 * made valid UTF-8 and, in the body, escaped for the notification markup.
 * Both return a g_malloc'd string (g_free it).
 */
char *event_summary(const struct notify_event *ev);
char *event_body(const struct notify_event *ev);

#endif
