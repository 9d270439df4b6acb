/*
 * helper.c - sitewatch-helper, the short-lived process that holds the
 * heavy libraries (libxml2, PCRE2, libyaml), so that no long-lived
 * watcher ever maps them.  A watcher or a command starts it when it needs
 * one of its jobs and it exits when that job is done:
 *
 *	sitewatch-helper COMMAND [ARGS...]
 *
 * Each command is one function in the table below; it reads what it needs
 * from its arguments and stdin, writes its answer to stdout and its
 * errors to stderr, and returns the exit code.
 */
#include <stdio.h>
#include <string.h>

#ifndef SITEWATCH_VERSION
#define SITEWATCH_VERSION "unknown"
#endif

/* One command of the helper: its name and the function that runs it. */
struct helper_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
};

/* Prints the version.  Returns 0. */
static int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	(void)printf("sitewatch-helper %s\n", SITEWATCH_VERSION);
	return 0;
}

static const struct helper_command commands[] = {
	{ "version", cmd_version, "print the version" },
	{ NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	const struct helper_command *c;

	if (argc >= 2)
		for (c = commands; c->name != NULL; c++)
			if (strcmp(argv[1], c->name) == 0)
				return c->run(argc - 1, argv + 1);
	(void)fprintf(stderr, "usage: sitewatch-helper COMMAND [ARGS...]\n"
	    "sitewatch-helper is started by sitewatch; commands:\n");
	for (c = commands; c->name != NULL; c++)
		(void)fprintf(stderr, "  %-10s %s\n", c->name, c->what);
	return 2;
}
