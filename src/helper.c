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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

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

/*
 * Reads the whole file at path into a malloc'd buffer (*buf, *len).
 * Returns 0, or -1 with errno.
 */
static int
read_file(const char *path, char **buf, size_t *len)
{
	FILE *fp = fopen(path, "rbe");
	size_t cap = 65536, n = 0, got;
	char *b = NULL, *p;

	if (fp == NULL)
		return -1;
	for (;;) {
		if ((p = realloc(b, cap)) == NULL)
			break;
		b = p;
		got = fread(b + n, 1, cap - n, fp);
		n += got;
		if (n < cap) {
			if (ferror(fp))
				break;
			(void)fclose(fp);
			*buf = b;
			*len = n;
			return 0;
		}
		cap *= 2;
	}
	free(b);
	(void)fclose(fp);
	if (errno == 0)
		errno = EIO;
	return -1;
}

/*
 * `import-urlwatch FILE`: urlwatch's job file as lines for sitewatch's
 * import command, in the file's order of jobs, then of problems:
 *
 *	job<TAB>LINE<TAB>NAME<TAB>URL<TAB>FILTER   (FILTER empty: none)
 *	problem<TAB>LINE<TAB>MESSAGE
 *
 * No field holds a tab or a line break.  Returns 0; 1 when the file
 * cannot be read or is not valid YAML (one "FILE:LINE: reason" line on
 * stderr, nothing on stdout); 2 for a usage error.
 */
static int
cmd_import_urlwatch(int argc, char **argv)
{
	struct import_result r;
	char *buf, err[512];
	size_t len, line, i;

	if (argc != 2) {
		(void)fprintf(stderr, "usage: sitewatch-helper "
		    "import-urlwatch FILE\n");
		return 2;
	}
	if (read_file(argv[1], &buf, &len) == -1) {
		(void)fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (import_urlwatch(buf, len, &r, &line, err, sizeof(err)) == -1) {
		if (line > 0)
			(void)fprintf(stderr, "%s:%zu: %s\n", argv[1], line, err);
		else
			(void)fprintf(stderr, "%s: %s\n", argv[1], err);
		free(buf);
		return 1;
	}
	free(buf);
	for (i = 0; i < r.njobs; i++)
		(void)printf("job\t%zu\t%s\t%s\t%s\n", r.jobs[i].line,
		    r.jobs[i].name, r.jobs[i].url,
		    r.jobs[i].filter != NULL ? r.jobs[i].filter : "");
	for (i = 0; i < r.nproblems; i++)
		(void)printf("problem\t%zu\t%s\n", r.problems[i].line,
		    r.problems[i].msg);
	import_free(&r);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

static const struct helper_command commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "import-urlwatch", cmd_import_urlwatch,
	    "urlwatch's urls.yaml as jobs, for sitewatch import" },
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
