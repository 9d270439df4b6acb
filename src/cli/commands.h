/*
 * commands.h - the everyday subcommands: stop, start, add, remove, check,
 * status, edit.  Each returns the process's exit code: 0 done, 1 a runtime
 * failure, 2 bad input (unknown name, invalid value: nothing written).
 */
#ifndef SITEWATCH_COMMANDS_H
#define SITEWATCH_COMMANDS_H

#include <stddef.h>

#include "watcher/watcher.h"

enum status_format { STATUS_TABLE, STATUS_PLAIN, STATUS_JSON };

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
 * `import [-i INTERVAL] URLS.YAML`: urlwatch's url jobs appended as rows
 * (see importcmd.c).
 */
int cmd_import(const char *file, const char *interval, const char *yaml);

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

/* `check --url URL [--filter CHAIN]`: fetch once and print what came
 * back, and the text the chain (NULL: the default) makes of it, each step
 * timed; records nothing. */
int cmd_check_url(const char *url, const char *filter,
    const struct watcher_opts *wo);

/* `check NAME --show`: check --url with the row's URL and filter. */
int cmd_check_show(const char *file, const char *name,
    const struct watcher_opts *wo);

/* `diff NAME [-r K]`: the unified diff of the change K back (1: the last
 * one) between two snapshots, coloured on a terminal. */
int cmd_diff(const char *file, const char *name, long back);

/* `history NAME`: the snapshots, newest first: time, lines added and
 * removed. */
int cmd_history(const char *file, const char *name);

/*
 * Prints the text sitewatch-helper's filter (chain filter, NULL or "-":
 * the default) makes of the body in body_fd, after its steps' times.
 * Returns 0, or 1 when the chain failed (said on stdout).
 */
int commands_show_text(int body_fd, const char *ctype, const char *filter,
    long timeout);

/*
 * `next SCHEDULE [-n N]`: prints the next n run times of a schedule in
 * local time, from now (or from $SITEWATCH_NOW, a fixed clock for tests:
 * "YYYY-MM-DD HH:MM[:SS]" local, or "@UNIXTIME").
 */
int cmd_next(const char *schedule_text, int n);

/* `status`: one line per job. */
int cmd_status(const char *file, enum status_format fmt);

/* `edit`: the jobs file in $VISUAL / $EDITOR, validated, installed safely. */
int cmd_edit(const char *file);

#endif
