/*
 * notify.h - telling the person: desktop notifications and --exec hooks,
 * sent from a notifier process that no watcher ever waits on.
 *
 * libnotify can block for 25 s (twice) when a notification server holds
 * its bus name but does not answer, and GDBus is not fork-safe.  So the
 * watchers only send an event into a socket (non-blocking: a full queue
 * drops the notification, never delays a check), and a separate notifier
 * process runs the hook and hands the desktop part to its own child, the
 * only process that ever touches D-Bus.
 */
#ifndef SITEWATCH_NOTIFY_H
#define SITEWATCH_NOTIFY_H

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

/* The largest packed event (see notify_event_pack). */
#define NOTIFY_MSG_MAX 16384

struct notifier {
	int rfd, wfd;		/* the channel; watchers get only wfd */
	pid_t pid;		/* the notifier process, 0 when none */
	char *const *exec_argv;	/* --exec command split into words, or NULL */
	int desktop;		/* 0 with --no-desktop */
};

/*
 * Creates the channel (call once): a SOCK_SEQPACKET socket pair, so that
 * every event, up to NOTIFY_MSG_MAX bytes, arrives whole however many
 * watchers send at once.  Returns 0, or -1 with errno.
 */
int notify_setup(struct notifier *n, char *const *exec_argv, int desktop);

/*
 * Forks the notifier process reading from n->rfd.  Call again to replace
 * one that died: the channel, and what is queued in it, survives.  Returns
 * the pid, or -1 with errno.
 */
pid_t notify_spawn(struct notifier *n);

/*
 * Says whether a notifier would tell anyone anything: there is an --exec
 * hook, or desktop notifications are wanted and a session bus is there.
 * Returns 1 or 0.
 */
int notify_wanted(char *const *exec_argv, int desktop);

/*
 * Receives one event from fd (without waiting) into buf, NOTIFY_MSG_MAX
 * bytes, and unpacks it into ev (pointing into buf).  Returns its length,
 * 0 when there is none or it is malformed, or -1 at end of file.
 */
ssize_t notify_event_recv(int fd, char *buf, struct notify_event *ev);

/*
 * Sends ev to the notifier through fd, whole, without ever blocking.
 * Long fields are cut (added_lines at a line end within 4 KiB).  Returns
 * 0, or -1 when it was dropped (errno EAGAIN: the notifier is behind).
 */
int notify_event_send(int fd, const struct notify_event *ev);

/*
 * Queues a "NAME changed" notification with unknown line counts: the
 * older interface, kept until every caller sends a notify_event.
 */
int notify_send(int wfd, const char *name, const char *url, const char *old,
    const char *new_value);

/*
 * The one framing of an event on the notifier channel.  notify_event_pack
 * writes ev into buf (NOTIFY_MSG_MAX bytes) and returns its length;
 * notify_event_unpack fills ev with pointers into buf (len bytes, left in
 * place) and returns 0, or -1 when buf is not a whole event.
 */
size_t notify_event_pack(const struct notify_event *ev, char *buf);
int notify_event_unpack(const char *buf, size_t len, struct notify_event *ev);

/*
 * Splits a --exec command line into words at spaces and tabs; '...' and
 * "..." group words, as in a shell but with no expansion of any kind.
 * Returns a NULL-terminated malloc'd array (free with notify_free_argv),
 * or NULL with a reason in err.
 */
char **notify_split_command(const char *cmd, char *err, size_t errsz);

/* Frees what notify_split_command() returned. */
void notify_free_argv(char **argv);

/*
 * The desktop notification's summary (plain text) and body (markup) for
 * ev: "NAME changed" with the URL (as redact_url shows it: a link only
 * when that is the URL itself), "+A -R" and the first added lines;
 * "NAME failing" with since when and why; "NAME recovered".  Site text is
 * made valid UTF-8 and, in the body, escaped for the notification markup.
 * Both return a g_malloc'd string (g_free it).
 */
char *notify_summary(const struct notify_event *ev);
char *notify_body(const struct notify_event *ev);

#endif
