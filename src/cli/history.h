/*
 * history.h - `diff` and `history`: a job's snapshots as a person reads
 * them (history.c).  Each returns the process's exit code: 0 done, 1 none
 * yet or a runtime failure, 2 bad input.
 */
#ifndef SITEWATCH_HISTORY_H
#define SITEWATCH_HISTORY_H

/* `diff NAME [-r K]`: the unified diff of the change K back (1: the last
 * one) between two snapshots, coloured on a terminal. */
int cmd_diff(const char *file, const char *name, long back);

/* `history NAME`: the snapshots, newest first: time, lines added and
 * removed. */
int cmd_history(const char *file, const char *name);

#endif
