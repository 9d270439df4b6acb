/*
 * notifyevent - a test tool: runs sitewatch's real notifier
 * (src/notifier/notify.c) and hands it events, the way a watcher does, so
 * that the desktop body and the --exec variables of every kind of event can
 * be tested before and apart from the watcher's own change detection.
 *
 *   notifyevent [-x EXEC] [-n] KIND NAME URL OLD NEW ADDED REMOVED \
 *       ADDED_LINES DIFF_PATH REASON SINCE [KIND NAME ...]...
 *
 * KIND is changed, failing or recovered; a field written "-" is NULL;
 * "\n" in ADDED_LINES is a line end.  -x runs EXEC as --exec does, -n is
 * --no-desktop.  With -w, waits for a line on stdin before each event
 * after the first.  Exits 0 once the notifier has handed out everything
 * and ended, 1 when an event was dropped, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/event.h"
#include "notifier/notify.h"

/* Returns NULL for "-", else s with each "\n" made a line end (in place). */
static const char *
field(char *s)
{
	char *r, *w;

	if (strcmp(s, "-") == 0)
		return NULL;
	for (r = w = s; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

int
main(int argc, char **argv)
{
	struct notifier n;
	char **exec_argv = NULL, err[256], line[64];
	int desktop = 1, wait_line = 0, c, st, rc = 0, i, first = 1;
	pid_t pid;

	while ((c = getopt(argc, argv, "+x:nw")) != -1) {
		switch (c) {
		case 'x':
			exec_argv = notify_split_command(optarg, err,
			    sizeof(err));
			if (exec_argv == NULL) {
				(void)fprintf(stderr, "notifyevent: %s\n", err);
				return 2;
			}
			break;
		case 'n':
			desktop = 0;
			break;
		case 'w':
			wait_line = 1;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind == 0 || (argc - optind) % 11 != 0) {
		(void)fprintf(stderr, "notifyevent: 11 fields per event\n");
		return 2;
	}
	if (notify_setup(&n, exec_argv, desktop) == -1 ||
	    (pid = notify_spawn(&n)) == -1) {
		perror("notifyevent: notifier");
		return 1;
	}
	for (i = optind; i < argc; i += 11) {
		struct notify_event ev;
		char **f = argv + i;

		if (wait_line && !first &&
		    fgets(line, sizeof(line), stdin) == NULL)
			break;
		first = 0;
		memset(&ev, 0, sizeof(ev));
		ev.kind = strcmp(f[0], "failing") == 0 ? NOTIFY_FAILING :
		    strcmp(f[0], "recovered") == 0 ? NOTIFY_RECOVERED :
		    NOTIFY_CHANGED;
		ev.name = field(f[1]);
		ev.url = field(f[2]);
		ev.old_value = field(f[3]);
		ev.new_value = field(f[4]);
		ev.added = strtol(f[5], NULL, 10);
		ev.removed = strtol(f[6], NULL, 10);
		ev.added_lines = field(f[7]);
		ev.diff_path = field(f[8]);
		ev.reason = field(f[9]);
		ev.since = strtoll(f[10], NULL, 10);
		if (event_send(n.wfd, &ev) == -1) {
			perror("notifyevent: send");
			rc = 1;
		}
	}
	/* End of file on the channel: the notifier hands out what it has
	 * and leaves. */
	(void)close(n.wfd);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return 1;
	notify_free_argv(exec_argv);
	return rc;
}
