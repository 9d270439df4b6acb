/*
 * check.h - report the problems of a jobs file the way compilers do.
 */
#ifndef SITEWATCH_CHECK_H
#define SITEWATCH_CHECK_H

#include <stdio.h>

#include "jobs.h"

/*
 * Prints one "FILE:LINE: reason" line per problem in jf to fp.  Returns the
 * number of lines printed.
 */
size_t check_report(FILE *fp, const char *filename, const struct jobs_file *jf);

/*
 * Checks the filter and notify fields of jf's rows with sitewatch-helper
 * (each distinct value once) and prints one "FILE:LINE: filter: reason"
 * line per bad value to fp, or one line when the helper cannot be run.
 * Returns the number of lines printed.
 */
size_t check_compare(FILE *fp, const char *filename,
    const struct jobs_file *jf);

/*
 * Reads and checks the jobs file at path as `sitewatch --check` does:
 * problems to stderr, a one-line summary to stdout.  Returns the exit code:
 * 0 when every row is usable, 2 otherwise.
 */
int check_file(const char *path);

#endif
