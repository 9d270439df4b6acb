/*
 * commands.h - the everyday subcommands: stop, start, add, remove, check,
 * status, edit.  Each returns the process's exit code: 0 done, 1 a runtime
 * failure, 2 bad input (unknown name, invalid value: nothing written).
 */
#ifndef SITEWATCH_COMMANDS_H
#define SITEWATCH_COMMANDS_H

#include <stddef.h>

#include "watcher.h"

enum status_format { STATUS_TABLE, STATUS_PLAIN, STATUS_JSON };

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
 * first `add` or `import`.  Returns 0, or -1 after saying why.
 */
int commands_create_file(const char *file);

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

/* `check --url URL`: fetch once and print what came back; records nothing. */
int cmd_check_url(const char *url, const struct watcher_opts *wo);

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
