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
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "common/verdict.h"
#include "helper/filter.h"
#include "helper/import.h"
#include "helper/strbuf.h"
#include "helper/textdiff.h"

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
 * Reads filter's options and its chain (CHAIN, or "" when there is none)
 * from argv into o and *chain.  Returns 0, or 2 (usage error, said on
 * stderr).
 */
static int
filter_options(int argc, char **argv, struct filter_opts *o,
    const char **chain)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
			o->ctype = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			char *end;

			o->timeout = strtod(argv[++i], &end);
			if (*end != '\0' ||
			    !(o->timeout > 0 && o->timeout <= 86400)) {
				(void)fprintf(stderr, "filter: bad --timeout %s\n",
				    argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--time") == 0) {
			o->timelog = stderr;
		} else {
			if (strcmp(argv[i], "--") == 0)
				i++;
			break;
		}
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
		(void)fprintf(stderr, "filter: unknown option %s\n", argv[i]);
		return 2;
	}
	*chain = i < argc ? argv[i++] : "";
	if (i < argc) {
		(void)fprintf(stderr, "usage: sitewatch-helper filter [--type "
		    "CONTENT-TYPE] [--timeout SECS] [--time] CHAIN\n");
		return 2;
	}
	return 0;
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
	const char *chain;
	char err[1024];
	int rc;

	if (filter_options(argc, argv, &o, &chain) != 0)
		return 2;
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

/*
 * The one check of a filter chain (what "check-filter") or a notify
 * condition ("check-notify").  Returns 0 when value can be used, 1 when
 * it cannot (the reason in err), -1 when what is neither.
 */
static int
check_value(const char *what, const char *value, char *err, size_t errsz)
{
	struct filter_chain fc;

	if (strcmp(what, "check-filter") == 0) {
		if (filter_parse(value, &fc, err, errsz) == -1)
			return 1;
		filter_free(&fc);
		return 0;
	}
	if (strcmp(what, "check-notify") == 0)
		return filter_notify_check(value, err, errsz) == -1 ? 1 : 0;
	return -1;
}

/* check-filter CHAIN, check-notify COND: exit 0 when the value is good,
 * else 1 with the reason on stderr. */
static int
cmd_check_one(int argc, char **argv)
{
	char err[VERDICT_REASON_MAX];

	if (argc != 2) {
		(void)fprintf(stderr, "usage: sitewatch-helper %s %s\n", argv[0],
		    strcmp(argv[0], "check-filter") == 0 ? "CHAIN" : "COND");
		return 2;
	}
	if (check_value(argv[0], argv[1], err, sizeof(err)) == 1) {
		(void)fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}

/*
 * check-batch: the checks asked on stdin (verdict.h: "check-filter" or
 * "check-notify" requests) answered on stdout, one reply each, in order,
 * each written as soon as it is known.  Exit 0 when every request was
 * answered; 1 when a reply cannot be written; 2 when a request cannot be
 * read or asks for another check (one line on stderr), or on a usage
 * error.
 */
static int
cmd_check_batch(int argc, char **argv)
{
	struct strbuf in = { 0 };
	char err[VERDICT_REASON_MAX], out[VERDICT_REASON_MAX + 64];
	size_t off = 0;
	int rc = 0;

	(void)argv;
	if (argc != 1) {
		(void)fprintf(stderr, "usage: sitewatch-helper check-batch "
		    "<REQUESTS\n");
		return 2;
	}
	if (read_all(0, &in) == -1) {
		(void)fprintf(stderr, "check-batch: reading the requests: %s\n",
		    strerror(errno));
		strbuf_free(&in);
		return 2;
	}
	while (off < in.len && rc == 0) {
		const char *what, *value;
		long n = verdict_get_request(strbuf_str(&in) + off, in.len - off,
		    &what, &value);
		size_t len;
		int bad;

		if (n <= 0) {
			(void)fprintf(stderr, "check-batch: a request that cannot "
			    "be read at byte %zu\n", off);
			rc = 2;
			break;
		}
		off += (size_t)n;
		err[0] = '\0';
		bad = check_value(what, value, err, sizeof(err));
		if (bad == -1) {
			(void)fprintf(stderr, "check-batch: no check called %s\n",
			    what);
			rc = 2;
			break;
		}
		len = verdict_put_reply(out, sizeof(out), bad, err);
		if (len == 0 || util_write_all(1, out, len) == -1) {
			(void)fprintf(stderr, "check-batch: writing a reply: %s\n",
			    len == 0 ? "too long" : strerror(errno));
			rc = 1;
		}
	}
	strbuf_free(&in);
	return rc;
}

/* Reads the file at path into b.  Returns 0, or -1 with a message on
 * stderr. */
static int
read_path(const char *cmd, const char *path, struct strbuf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1 || read_all(fd, b) == -1) {
		(void)fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	(void)close(fd);
	return 0;
}

/* The options and operands of changes and diff. */
struct diff_args {
	const char *notify, *diff_out, *lold, *lnew, *old, *new_path;
	int color;
};

/* Parses [--notify C] [--diff-out F] [--label-old L] [--label-new L]
 * [--color] OLD NEW (only the options in allowed).  Returns 0, or -1
 * after printing the usage. */
static int
diff_args_parse(int argc, char **argv, const char *allowed,
    const char *usage, struct diff_args *da)
{
	int i;

	memset(da, 0, sizeof(*da));
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i] + 2;

		if (*o == '\0') {
			i++;
			break;
		}
		if (strstr(allowed, o) == NULL) {
			(void)fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
		if (strcmp(o, "color") == 0) {
			da->color = 1;
			continue;
		}
		if (i + 1 >= argc) {
			(void)fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
		if (strcmp(o, "notify") == 0)
			da->notify = argv[++i];
		else if (strcmp(o, "diff-out") == 0)
			da->diff_out = argv[++i];
		else if (strcmp(o, "label-old") == 0)
			da->lold = argv[++i];
		else if (strcmp(o, "label-new") == 0)
			da->lnew = argv[++i];
		else {
			(void)fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
	}
	if (argc - i != 2) {
		(void)fprintf(stderr, "usage: %s\n", usage);
		return -1;
	}
	da->old = argv[i];
	da->new_path = argv[i + 1];
	if (da->lold == NULL)
		da->lold = da->old;
	if (da->lnew == NULL)
		da->lnew = da->new_path;
	return 0;
}

/* The most bytes of added lines that changes prints. */
#define ADDED_MAX 4096

/*
 * Appends the added lines of d to out, each '+'-prefixed and ended by
 * '\n', as UTF-8, the whole at most ADDED_MAX bytes, cut at a line end (a
 * first line longer than that alone is cut at a character boundary).  Also appends
 * every added line, unprefixed, to all.
 */
static void
added_lines(const struct textdiff *d, struct strbuf *out, struct strbuf *all)
{
	struct strbuf line = { 0 };
	size_t i;
	int full = 0;

	for (i = 0; i < d->nops; i++) {
		const struct textdiff_line *l;
		size_t n;

		if (d->ops[i].op != '+')
			continue;
		l = &d->b[d->ops[i].b];
		(void)strbuf_add(all, l->s, l->n);
		(void)strbuf_addc(all, '\n');
		if (full)
			continue;
		/* Notifications and hooks get UTF-8, whatever the page's
		 * charset: bytes that are not become U+FFFD. */
		strbuf_reset(&line);
		(void)strbuf_add_utf8(&line, l->s, l->n);
		n = line.len;
		if (out->len + n + 2 > ADDED_MAX) {
			full = 1;
			if (out->len > 0)
				continue;
			n = util_utf8_cut(line.s, ADDED_MAX - 2);
		}
		(void)strbuf_addc(out, '+');
		(void)strbuf_add(out, strbuf_str(&line), n);
		(void)strbuf_addc(out, '\n');
	}
	strbuf_free(&line);
}

/* Writes len bytes of s to the file path (created or truncated).
 * Returns 0, or -1 with a message on stderr. */
static int
write_path(const char *cmd, const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd == -1 || util_write_all(fd, s, len) == -1 || close(fd) == -1) {
		(void)fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	return 0;
}

/*
 * Whether the change d says to tell, by the notify condition cond ("-",
 * "added" or "match:REGEX" over all, the added lines).  Returns 1 or 0,
 * or -1 when the regex fails (said on stderr).
 */
static int
changes_tell(const struct textdiff *d, const char *cond,
    const struct strbuf *all)
{
	char err[512];
	int notify;

	if (strncmp(cond, "match:", 6) == 0) {
		notify = filter_match_lines(cond + 6, strbuf_str(all),
		    all->len, err, sizeof(err));
		if (notify == -1)
			(void)fprintf(stderr, "%s: %s\n", cond, err);
		return notify;
	}
	if (strcmp(cond, "added") == 0)
		return d->added > 0;
	return d->added + d->removed > 0;
}

/*
 * changes [--notify COND] [--diff-out FILE] [--label-old L] [--label-new
 * L] OLD NEW: the lines added and removed from OLD to NEW, whether COND
 * says to tell, and the added lines; the unified diff into FILE.  Exit 0,
 * 1 when a file cannot be read or written or COND is bad, 2 on a usage
 * error.
 */
static int
cmd_changes(int argc, char **argv)
{
	static const char usage[] = "sitewatch-helper changes [--notify COND] "
	    "[--diff-out FILE] [--label-old L] [--label-new L] OLD NEW";
	struct strbuf a = { 0 }, b = { 0 }, out = { 0 }, added = { 0 },
	    all = { 0 }, udiff = { 0 };
	struct diff_args da;
	struct textdiff d;
	char err[512];
	int notify = 0, rc = 1;

	if (diff_args_parse(argc, argv, "notify diff-out label-old label-new",
	    usage, &da) == -1)
		return 2;
	if (da.notify == NULL)
		da.notify = "-";
	if (filter_notify_check(da.notify, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (read_path("changes", da.old, &a) == -1 ||
	    read_path("changes", da.new_path, &b) == -1)
		goto out;
	if (textdiff_run(&d, strbuf_str(&a), a.len, strbuf_str(&b), b.len) == -1) {
		(void)fprintf(stderr, "changes: out of memory\n");
		goto out;
	}
	added_lines(&d, &added, &all);
	notify = changes_tell(&d, da.notify, &all);
	if (notify != -1 && da.diff_out != NULL &&
	    (textdiff_unified(&d, da.lold, da.lnew, 3, 0, &udiff) == -1 ||
	    write_path("changes", da.diff_out, strbuf_str(&udiff),
	    udiff.len) == -1))
		notify = -1;
	if (notify != -1) {
		(void)strbuf_addf(&out, "added %ld\nremoved %ld\nnotify %d\n",
		    d.added, d.removed, notify);
		(void)strbuf_add(&out, strbuf_str(&added), added.len);
		if (out.oom || util_write_all(1, strbuf_str(&out), out.len) == -1)
			(void)fprintf(stderr, "changes: writing: %s\n",
			    out.oom ? "out of memory" : strerror(errno));
		else
			rc = 0;
	}
	textdiff_free(&d);
out:
	strbuf_free(&a);
	strbuf_free(&b);
	strbuf_free(&out);
	strbuf_free(&added);
	strbuf_free(&all);
	strbuf_free(&udiff);
	return rc;
}

/*
 * diff [--color] [--label-old L] [--label-new L] OLD NEW: the unified
 * diff from OLD to NEW on stdout, coloured as git diff colours it with
 * --color.  Exit 0 when they are the same, 1 when they differ, 2 on
 * trouble.
 */
static int
cmd_diff(int argc, char **argv)
{
	static const char usage[] = "sitewatch-helper diff [--color] "
	    "[--label-old L] [--label-new L] OLD NEW";
	struct strbuf a = { 0 }, b = { 0 }, out = { 0 };
	struct diff_args da;
	struct textdiff d;
	int rc = 2;

	if (diff_args_parse(argc, argv, "color label-old label-new", usage,
	    &da) == -1)
		return 2;
	if (read_path("diff", da.old, &a) == -1 ||
	    read_path("diff", da.new_path, &b) == -1)
		goto out;
	if (textdiff_run(&d, strbuf_str(&a), a.len, strbuf_str(&b), b.len) == -1) {
		(void)fprintf(stderr, "diff: out of memory\n");
		goto out;
	}
	if (textdiff_unified(&d, da.lold, da.lnew, 3, da.color, &out) == -1 ||
	    util_write_all(1, strbuf_str(&out), out.len) == -1)
		(void)fprintf(stderr, "diff: writing: %s\n", out.oom ?
		    "out of memory" : strerror(errno));
	else
		rc = d.added + d.removed > 0;
	textdiff_free(&d);
out:
	strbuf_free(&a);
	strbuf_free(&b);
	strbuf_free(&out);
	return rc;
}

static const struct helper_command commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "import-urlwatch", cmd_import_urlwatch,
	    "urlwatch's urls.yaml as jobs, for sitewatch import" },
	{ "filter", cmd_filter, "run a filter chain over the page on stdin" },
	{ "check-filter", cmd_check_one, "check a filter chain" },
	{ "check-notify", cmd_check_one, "check a notify condition" },
	{ "check-batch", cmd_check_batch,
	    "check the filters and notify conditions asked on stdin" },
	{ "changes", cmd_changes, "lines added and removed between two texts" },
	{ "diff", cmd_diff, "the unified diff of two texts" },
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
