/*
 * main.c - the command line: options, usage, exit codes.
 *
 * Exit codes: 0 clean stop, 1 runtime failure, 2 bad command line or an
 * unusable jobs file at start.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef SITEWATCH_VERSION
#define SITEWATCH_VERSION "unknown"
#endif

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: sitewatch --check [-f FILE]\n"
	    "       sitewatch --version | --help\n"
	    "\n"
	    "  -f, --file FILE  the jobs file (default: jobs.csv)\n"
	    "      --check      check the jobs file: one FILE:LINE: reason line\n"
	    "                   per problem, then a summary; exit 0 if every\n"
	    "                   row is usable, 2 if not\n"
	    "  -h, --help       show this help\n"
	    "      --version    show the version\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = "jobs.csv";
	int ch, check = 0;

	while ((ch = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			check = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			(void)printf("sitewatch %s\n", SITEWATCH_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		(void)fprintf(stderr, "sitewatch: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if (check)
		return check_file(file);
	(void)fprintf(stderr, "sitewatch: only --check is available in this "
	    "version; watching comes next\n");
	usage(stderr);
	return 2;
}
