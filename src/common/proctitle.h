/*
 * proctitle.h - every process names itself in ps(1), the way nginx and
 * PostgreSQL do: `sitewatch: Fefe https://blog.fefe.de/` for a watcher,
 * `sitewatch: notifier`, `sitewatch: spawner`, `sitewatch: supervisor
 * jobs.csv`, so that a person can tell the pids apart and `pgrep -f
 * 'sitewatch: Fefe'` finds one.
 *
 * Linux shows a process's command line from the memory its arguments were
 * passed in (/proc/PID/cmdline), so the title is written there, over the
 * arguments and, when it needs more room, over the environment strings
 * that follow them (both are copied elsewhere first).  The title is cut to
 * that room.  The comm (/proc/PID/comm, 15 bytes: what top, pstree and
 * `pgrep NAME` show) is set with PR_SET_NAME.
 */
#ifndef SITEWATCH_PROCTITLE_H
#define SITEWATCH_PROCTITLE_H

#include <stddef.h>

/* The longest comm the kernel keeps, in bytes. */
#define PROCTITLE_COMM_MAX 15

/*
 * Makes argv's memory (and the environment strings right after it)
 * the room for titles: the strings are copied to the heap first and
 * argv[i], environ[i] and program_invocation_name point to the copies, so
 * nothing that read them (getopt's optarg among them) sees a title.  Call
 * once, at the start of main(), before anything keeps a pointer into
 * argv.  Without memory for the copies, titles stay off (proctitle_set
 * then sets the comm only).
 */
void proctitle_init(int argc, char **argv);

/*
 * Names the calling process: the title "sitewatch: " followed by fmt's
 * text, cut (at a UTF-8 character boundary) to the room proctitle_init
 * found; and, when comm is not NULL, the comm "sw:" followed by comm, cut
 * the same way to PROCTITLE_COMM_MAX bytes ("sw:Fefe", "sw:notifier").
 * The supervisor passes NULL and keeps the comm it was started with.
 */
void proctitle_set(const char *comm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
