/*
 * commands.h - the everyday subcommands of commands.c: stop, start, add,
 * remove, check NAME, next; and what the commands that write the jobs
 * file share (its creation, its error codes, a value's check).  Each cmd_
 * function returns the process's exit code: 0 done, 1 a runtime failure,
 * 2 bad input (unknown name, invalid value: nothing written).
 */
#ifndef SITEWATCH_COMMANDS_H
#define SITEWATCH_COMMANDS_H

#include <stddef.h>

#include "watcher/watcher.h"

/*
 * The exit code for a jobs file that could not be read or written, by the
 * errno of the failure: 2 when the file, its lock or its folder cannot be
 * used (missing, no permission, read-only, a folder where a file should
 * be), the same class as a jobs file that cannot be read; 1 for a failure
 * while writing (disk full, I/O error).
 */
int commands_file_error(int e);

/* `stop NAME...` (stop = 1) and `start NAME...` (stop = 0). */
int cmd_stop_start(const char *file, char *const *names, int n, int stop);

/* `add [-i INTERVAL] [--filter CHAIN] [--notify COND] NAME URL`; filter
 * and notify may be NULL. */
int cmd_add(const char *file, const char *interval, const char *name,
    const char *url, const char *filter, const char *notify);

/*
 * Creates a jobs file holding only the header (and its directory), for a
 * first `add`, `import` or `edit`.  A file that exists but is blank
 * (commands_file_blank) is treated as missing: the header is written
 * into it, after its comments.  Returns 0 (also when the file exists
 * and is not blank: the edit that follows says what it finds), or -1
 * after saying why (errno kept).
 */
int commands_create_file(const char *file);

/*
 * Checks a --filter or --notify value (col names it in messages; what is
 * the helper's check-batch word for it) with the helper.  Returns 0, or 2
 * (after saying why) when it is not valid, 1 when it cannot be checked.
 */
int commands_valid_value(const char *col, const char *what,
    const char *value);

/*
 * Returns 1 when buf[0..len) has no header and nothing but blank lines
 * (0 bytes, or only white space) and comments, a jobs file `add`,
 * `import` and `edit` treat as missing (issue 21.14), else 0.
 */
int commands_file_blank(const char *buf, size_t len);

/* `remove NAME...`. */
int cmd_remove(const char *file, char *const *names, int n);

/*
 * `check NAME`: with a supervisor running the row, signals its watcher and
 * waits for the result; otherwise checks once itself and tells a change
 * as a watcher would: the --exec hook exec_argv (or NULL) and, with
 * desktop set, a desktop notification.  wo carries the fetch options.
 */
int cmd_check(const char *file, const char *name, const struct watcher_opts *wo,
    char *const *exec_argv, int desktop);

/*
 * `next SCHEDULE [-n N]`: prints the next n run times of a schedule in
 * local time, from now (or from $SITEWATCH_NOW, a fixed clock for tests:
 * "YYYY-MM-DD HH:MM[:SS]" local, or "@UNIXTIME").
 */
int cmd_next(const char *schedule_text, int n);

#endif
