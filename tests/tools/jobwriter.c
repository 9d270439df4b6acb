/*
 * jobwriter - a test tool: rewrites one row of a jobs file again and again
 * through jobsfile_edit(), as fast as it can, the way a busy watcher would.
 *
 *   jobwriter FILE NAME COUNT [FIELD]
 *
 * Sets FIELD of row NAME: last-modified (the default) to "NAME-1",
 * "NAME-2", ... "NAME-COUNT"; pid to 1, 2, ... COUNT.  COUNT 0 means forever (until
 * killed).  Exits 0, or 1 after printing the first error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jobsfile.h"

int
main(int argc, char **argv)
{
	char value[256], err[512];
	long count, i;
	int pid_field;

	if (argc < 4 || argc > 5) {
		(void)fprintf(stderr, "usage: jobwriter FILE NAME COUNT "
		    "[last-modified|pid]\n");
		return 2;
	}
	count = strtol(argv[3], NULL, 10);
	pid_field = argc == 5 && strcmp(argv[4], "pid") == 0;
	for (i = 1; count == 0 || i <= count; i++) {
		struct jobs_edit e = { .name = argv[2] };

		if (pid_field) {
			(void)snprintf(value, sizeof(value), "%ld", i);
			e.pid = value;
		} else {
			(void)snprintf(value, sizeof(value), "%s-%ld",
			    argv[2], i);
			e.lastmod = value;
		}
		if (jobsfile_edit(argv[1], &e, 1, err, sizeof(err)) != 0) {
			(void)fprintf(stderr, "jobwriter: %s\n", err);
			return 1;
		}
		if (e.result != JOBS_EDIT_DONE) {
			(void)fprintf(stderr, "jobwriter: %s: row %s: %s\n",
			    argv[1], argv[2], e.result == JOBS_EDIT_NOROW ?
			    "not found" : "skipped");
			return 1;
		}
	}
	return 0;
}
