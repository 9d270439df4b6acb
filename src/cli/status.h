/*
 * status.h - `status`: one line per job (status.c).
 */
#ifndef SITEWATCH_STATUS_H
#define SITEWATCH_STATUS_H

enum status_format { STATUS_TABLE, STATUS_PLAIN, STATUS_JSON };

/* `status`: one line per job, as a table, plain or JSON.  Returns the
 * process's exit code: 0, 1 a runtime failure, 2 an unusable jobs file. */
int cmd_status(const char *file, enum status_format fmt);

#endif
