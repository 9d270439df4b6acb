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
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "strbuf.h"
#include "import.h"
#include "util.h"

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

/* Reads all of fd into b.  Returns 0, or -1 with errno. */
static int
read_all(int fd, struct strbuf *b)
{
	char buf[65536];

	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r > 0) {
			if (strbuf_add(b, buf, (size_t)r) == -1) {
				errno = ENOMEM;
				return -1;
			}
		} else if (r == 0) {
			return 0;
		} else if (errno != EINTR) {
			return -1;
		}
	}
}

/*
 * filter [--type CONTENT-TYPE] [--timeout SECS] [--time] [CHAIN]: runs the
 * chain over the body on stdin and prints the text to compare.  Exit 0,
 * 1 when the chain failed (one line on stderr naming the step), 2 on a
 * usage error.
 */
static int
cmd_filter(int argc, char **argv)
{
	struct filter_opts o = { NULL, 30, NULL };
	struct filter_chain fc;
	struct strbuf body = { 0 }, out = { 0 };
	const char *chain = "";
	char err[1024];
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
			o.ctype = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			char *end;

			o.timeout = strtod(argv[++i], &end);
			if (*end != '\0' || !(o.timeout > 0 && o.timeout <= 86400)) {
				(void)fprintf(stderr, "filter: bad --timeout %s\n",
				    argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--time") == 0) {
			o.timelog = stderr;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			break;
		} else {
			break;
		}
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
		(void)fprintf(stderr, "filter: unknown option %s\n", argv[i]);
		return 2;
	}
	if (i < argc)
		chain = argv[i++];
	if (i < argc) {
		(void)fprintf(stderr, "usage: sitewatch-helper filter [--type "
		    "CONTENT-TYPE] [--timeout SECS] [--time] CHAIN\n");
		return 2;
	}
	if (filter_parse(chain, &fc, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (read_all(0, &body) == -1) {
		(void)fprintf(stderr, "filter: reading the page: %s\n",
		    strerror(errno));
		filter_free(&fc);
		strbuf_free(&body);
		return 1;
	}
	rc = filter_run(&fc, strbuf_str(&body), body.len, &o, &out, err,
	    sizeof(err));
	filter_free(&fc);
	strbuf_free(&body);
	if (rc == -1) {
		(void)fprintf(stderr, "%s\n", err);
		strbuf_free(&out);
		return 1;
	}
	if (util_write_all(1, strbuf_str(&out), out.len) == -1) {
		(void)fprintf(stderr, "filter: writing the text: %s\n",
		    strerror(errno));
		rc = -1;
	}
	strbuf_free(&out);
	return rc == -1 ? 1 : 0;
}

/* check-filter CHAIN: exit 0 when the chain is good, else 1 with the
 * reason on stderr. */
static int
cmd_check_filter(int argc, char **argv)
{
	struct filter_chain fc;
	char err[1024];

	if (argc != 2) {
		(void)fprintf(stderr, "usage: sitewatch-helper check-filter CHAIN\n");
		return 2;
	}
	if (filter_parse(argv[1], &fc, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "%s\n", err);
		return 1;
	}
	filter_free(&fc);
	return 0;
}

/* check-notify COND: exit 0 when the notify condition is good, else 1
 * with the reason on stderr. */
static int
cmd_check_notify(int argc, char **argv)
{
	char err[1024];

	if (argc != 2) {
		(void)fprintf(stderr, "usage: sitewatch-helper check-notify COND\n");
		return 2;
	}
	if (filter_notify_check(argv[1], err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}

static const struct helper_command commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "import-urlwatch", cmd_import_urlwatch,
	    "urlwatch's urls.yaml as jobs, for sitewatch import" },
	{ "filter", cmd_filter, "run a filter chain over the page on stdin" },
	{ "check-filter", cmd_check_filter, "check a filter chain" },
	{ "check-notify", cmd_check_notify, "check a notify condition" },
	{ NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	const struct helper_command *c;

	/* A pipe: command that stops reading must not kill the helper. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;
	if (argc >= 2)
		for (c = commands; c->name != NULL; c++)
			if (strcmp(argv[1], c->name) == 0)
				return c->run(argc - 1, argv + 1);
	(void)fprintf(stderr, "usage: sitewatch-helper COMMAND [ARGS...]\n"
	    "sitewatch-helper is started by sitewatch; commands:\n");
	for (c = commands; c->name != NULL; c++)
		(void)fprintf(stderr, "  %-16s %s\n", c->name, c->what);
	return 2;
}
