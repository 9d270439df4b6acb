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
 * Splits a --exec command line into words as util_split_command() does
 * (the one splitter, shared with a filter's pipe: step).  Returns a
 * NULL-terminated malloc'd array (free with notify_free_argv), or NULL
 * with the reason in err, "--exec: " before it.
 */
char **notify_split_command(const char *cmd, char *err, size_t errsz);

/* Frees what notify_split_command() returned. */
void notify_free_argv(char **argv);

#endif
