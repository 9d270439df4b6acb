/*
 * main.c - the command line: options, usage, exit codes.
 *
 * Exit codes: 0 clean stop, 1 runtime failure, 2 bad command line or an
 * unusable jobs file at start.
 */
#define _GNU_SOURCE		/* getopt_long permutes: options go anywhere */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/history.h"
#include "cli/importcmd.h"
#include "cli/show.h"
#include "cli/status.h"
#include "common/check.h"
#include "common/fetch.h"
#include "common/jobsfile.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "common/snapshot.h"
#include "common/svlock.h"
#include "common/util.h"
#include "notifier/notify.h"
#include "supervisor/supervisor.h"
#include "watcher/watcher.h"

#ifndef SITEWATCH_VERSION
#define SITEWATCH_VERSION "unknown"
#endif

/* What the command line asked for. */
struct opts {
	const char *file;
	int check;
	char **exec_argv;
	int desktop;
	long connect_timeout, timeout;
	size_t max_body;
	const char *cafile;
	unsigned keep;		/* --keep */
	unsigned alert_after;	/* --alert-after */
	int file_given;
	int help;
	enum status_format fmt;
	int fmt_given;
	const char *interval;	/* add -i */
	const char *filter;	/* add, check --url: --filter */
	const char *notify;	/* add --notify */
	int show;		/* check --show */
	long back;		/* diff -r */
	const char *url;	/* check --url */
	long count;		/* next -n */
};

/* What a command needs of the command line: a jobs file that exists
 * (NEEDS_FILE: a missing one is a first run, said so), or no jobs file at
 * all (NO_FILE: -f is not shown in its synopsis); BARE: it runs before
 * --exec is checked and the jobs file looked for (help, version). */
enum { NEEDS_FILE = 1, NO_FILE = 2, BARE = 4 };

/* What a command's handler returns when its arguments are not the ones
 * it takes: its usage is shown and the exit code is 2. */
#define USAGE (-1)

/* The handler of each command: runs it with its arguments args[0..nargs)
 * and returns the exit code, or USAGE. */
typedef int handler(const struct opts *op, char **args, int nargs);
static handler handle_status, handle_stop, handle_start, handle_add,
    handle_import, handle_remove, handle_edit, handle_check, handle_diff,
    handle_history, handle_watch, handle_next, handle_help, handle_version;

/* The subcommands, as git's commands[]: their synopsis and what they do,
 * for --help, their own options (long names, space-separated: the one
 * list that says which options go with which command, for the check and
 * for the suggestions; the options no command lists go with every one),
 * and the handler that runs each. */
static const struct command {
	const char *name, *args, *what;
	int flags;
	const char *opts;
	handler *run;
} commands[] = {
	{ "status", "[--plain | --json]", "one line per job: state, pid, last check, result, next check", NEEDS_FILE, "plain json", handle_status },
	{ "stop", "NAME...", "write stop into the pid field: the watcher ends within a second", NEEDS_FILE, "", handle_stop },
	{ "start", "NAME...", "write - into the pid field: the supervisor starts it", NEEDS_FILE, "", handle_start },
	{ "add", "[-i INTERVAL] [--filter CHAIN] [--notify COND] NAME URL", "add a row (interval 1h unless given)", 0, "interval filter notify", handle_add },
	{ "import", "[-i INTERVAL] URLS.YAML", "append urlwatch's url jobs (its urls.yaml) as rows", 0, "interval", handle_import },
	{ "remove", "NAME...", "delete the row: its watcher ends", NEEDS_FILE, "", handle_remove },
	{ "edit", "", "edit the jobs file in $VISUAL or $EDITOR, checked before it is installed", 0, "", handle_edit },
	{ "check", "NAME [--show] | --url URL [--filter CHAIN]", "check now and print the result (--url, --show: a dry run that prints the compared text)", NEEDS_FILE, "show url filter", handle_check },
	{ "diff", "NAME [-r K]", "the diff of the last change (or K changes back)", NEEDS_FILE, "revision", handle_diff },
	{ "history", "NAME", "the kept snapshots: time, lines added and removed", NEEDS_FILE, "", handle_history },
	{ "watch", "NAME", "run one watcher in the foreground, without a supervisor", NEEDS_FILE, "", handle_watch },
	{ "next", "SCHEDULE [-n N]", "print the next N (5) run times of a schedule, in local time", NO_FILE, "count", handle_next },
	{ "help", "[COMMAND]", "this help, or the usage of COMMAND", NO_FILE | BARE, "", handle_help },
	{ "version", "", "print the version", NO_FILE | BARE, "", handle_version },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* Returns 1 when the long option name (without "--") is one of c's own
 * options, else 0. */
static int
command_takes(const struct command *c, const char *name)
{
	size_t n = strlen(name);
	const char *p = c->opts;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == c->opts || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Returns 1 when the long option name is some command's own option (not
 * one for every command), else 0. */
static int
command_option(const char *name)
{
	const struct command *c;

	for (c = commands; c->name != NULL; c++)
		if (command_takes(c, name))
			return 1;
	return 0;
}

static void
usage(FILE *fp)
{
	const struct command *c;

	(void)fprintf(fp,
	    "usage: sitewatch [-f FILE] [options]     run the supervisor (foreground)\n");
	for (c = commands; c->name != NULL; c++)
		(void)fprintf(fp, "       sitewatch %s%s%s%s\n",
		    c->flags & NO_FILE ? "" : "[-f FILE] ", c->name,
		    *c->args ? " " : "", c->args);
	(void)fprintf(fp,
	    "       sitewatch --check [-f FILE]      check the jobs file\n"
	    "       sitewatch --version | --help | COMMAND --help\n"
	    "\n"
	    "commands:\n");
	for (c = commands; c->name != NULL; c++)
		(void)fprintf(fp, "  %-8s %s\n", c->name, c->what);
	(void)fprintf(fp,
	    "\n"
	    "options:\n"
	    "  -f, --file FILE        the jobs file (default: ./jobs.csv if it exists,\n"
	    "                         else $XDG_CONFIG_HOME/sitewatch/jobs.csv)\n"
	    "      --check            check the jobs file: one FILE:LINE: reason\n"
	    "                         line per problem, then a summary; exit 0\n"
	    "                         if every row is usable, 2 if not\n"
	    "      --exec CMD         run CMD for every change, with SITEWATCH_NAME,\n"
	    "                         SITEWATCH_URL, SITEWATCH_OLD, SITEWATCH_NEW in\n"
	    "                         its environment (words split at blanks, no shell)\n"
	    "      --no-desktop       no desktop notifications (the log still has\n"
	    "                         every change)\n"
	    "      --log FILE         append log lines to FILE too\n"
	    "  -v, --verbose          log every check, not only changes and errors\n"
	    "      --timeout SECS     give up a check after SECS (default 60)\n"
	    "      --connect-timeout SECS  (default 15)\n"
	    "      --max-body BYTES   largest page accepted (default 10485760)\n"
	    "      --cacert FILE      trust the CA certificates in FILE\n"
	    "      --keep N           keep the last N compared texts per job (10)\n"
	    "      --alert-after K    say so once when a job failed K checks in a\n"
	    "                         row, and when it recovers (3; 0: never)\n"
	    "  -h, --help             show this help\n"
	    "      --version          show the version\n"
	    "\n"
	    "the supervisor stops every watcher (pid fields back to -) and exits 0\n"
	    "on Ctrl-C, SIGTERM, a hangup of its terminal (SIGHUP; not under nohup)\n"
	    "or Ctrl-D there; SIGUSR1 re-reads the jobs file now (edits are seen\n"
	    "anyway)\n"
	    "\n"
	    "exit status: 0 done, 1 runtime failure, 2 bad command line, unusable\n"
	    "jobs file, unknown job or invalid input\n");
}

/* Prints the help of one command. */
static void
command_usage(FILE *fp, const struct command *c)
{
	(void)fprintf(fp, "usage: sitewatch %s%s%s%s\n  %s\n",
	    c->flags & NO_FILE ? "" : "[-f FILE] ", c->name,
	    *c->args ? " " : "", c->args, c->what);
}

/* Returns the command called name, or NULL. */
static const struct command *
find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/*
 * Says in one line that word is not a command, with the likely one and
 * where to look.  Returns 2, the exit code.
 */
static int
unknown_command(const char *word)
{
	const char *names[ARRAY_LEN(commands)], *guess;
	size_t n = 0;

	for (n = 0; commands[n].name != NULL; n++)
		names[n] = commands[n].name;
	guess = util_suggest(word, names, n);
	(void)fprintf(stderr, "sitewatch: unknown command '%s'%s%s%s (see "
	    "sitewatch --help)\n", word, guess != NULL ? "; did you mean '" :
	    "", guess != NULL ? guess : "", guess != NULL ? "'?" : "");
	return 2;
}

/*
 * Says in one line that the option word (as given, "--jsn" or "-x") is
 * not one, with the likely one among the longopts that go with cmd (the
 * options of every command, and cmd's own; issue 21.13), and where to
 * look: the help of cmd when the command line has one.  Returns 2.
 */
static int
unknown_option(const char *word, const struct option *longopts,
    const struct command *cmd)
{
	char given[128], names[64][32];
	const char *list[64], *guess;
	size_t i, n, len = strcspn(word, "=");

	/* "--jsn=x": the option's name is what comes before the '='. */
	(void)snprintf(given, sizeof(given), "%.*s", (int)len, word);
	for (i = 0, n = 0; longopts[i].name != NULL && n < ARRAY_LEN(names);
	    i++) {
		if (command_option(longopts[i].name) &&
		    (cmd == NULL || !command_takes(cmd, longopts[i].name)))
			continue;
		(void)snprintf(names[n], sizeof(names[n]), "--%s",
		    longopts[i].name);
		list[n] = names[n];
		n++;
	}
	guess = given[0] == '-' && given[1] == '-' ?
	    util_suggest(given, list, n) : NULL;
	(void)fprintf(stderr, "sitewatch: unknown option '%s'%s%s%s (see "
	    "sitewatch %s%s--help)\n", given, guess != NULL ?
	    "; did you mean '" : "", guess != NULL ? guess : "",
	    guess != NULL ? "'?" : "", cmd != NULL ? cmd->name : "",
	    cmd != NULL ? " " : "");
	return 2;
}

/* Returns the first word of argv[1..argc) that names a command, or NULL:
 * getopt_long permutes, so the command may stand anywhere. */
static const struct command *
command_in(int argc, char **argv)
{
	const struct command *c;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? find_command(argv[i + 1]) : NULL;
		if ((c = find_command(argv[i])) != NULL)
			return c;
	}
	return NULL;
}

/* Parses a positive number for option name.  Returns it, or -1 after
 * saying what is wrong. */
static long
positive(const char *name, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 1) {
		(void)fprintf(stderr, "sitewatch: %s: \"%s\" is not a "
		    "positive number\n", name, s);
		return -1;
	}
	return v;
}

/* The watcher options the command line set. */
static void
watcher_opts_from(const struct opts *op, struct watcher_opts *wo)
{
	memset(wo, 0, sizeof(*wo));
	wo->notify_fd = -1;
	wo->record_fd = wo->record_rfd = -1;
	wo->connect_timeout = op->connect_timeout;
	wo->timeout = op->timeout;
	wo->max_body = op->max_body;
	wo->cafile = op->cafile;
	wo->keep = op->keep;
	wo->alert_after = op->alert_after;
}

/*
 * Writes pid (ours) into the pid field of the row called name in file,
 * the edit kept in *e for the end.  Returns 0, or the exit code after
 * saying why not.
 */
static int
watch_claim(const char *file, const char *name, char *pid,
    struct jobs_edit *e)
{
	char err[512];
	int r;

	memset(e, 0, sizeof(*e));
	e->name = name;
	e->pid = pid;
	if (jobsfile_edit(file, e, 1, err, sizeof(err)) != 0) {
		r = commands_file_error(errno);
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return r;
	}
	if (e->result == JOBS_EDIT_NOROW) {
		(void)fprintf(stderr, "sitewatch: %s: no usable row called "
		    "\"%s\" (see sitewatch --check -f %s)\n", file, name,
		    file);
		return 2;
	}
	return 0;
}

/*
 * `sitewatch watch NAME`: one watcher in the foreground, for one row.  It
 * writes its own pid into the row, and sets it back to "-" when a signal
 * ends it.  Returns the exit code.
 */
static int
cmd_watch(const struct opts *op, const char *name)
{
	struct watcher_opts wo;
	struct notifier n;
	struct jobs_edit e;
	char pid[32], err[512];
	int r;

	long holder = svlock_holder(op->file);

	if (holder > 0) {
		(void)fprintf(stderr, "sitewatch: %s is watched by pid %ld; "
		    "stop that supervisor first\n",
		    op->file, holder);
		return 2;
	}
	if (fetch_global_init(op->cafile) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot initialise libcurl\n");
		return 1;
	}
	(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if ((r = watch_claim(op->file, name, pid, &e)) != 0)
		return r;
	if (notify_setup(&n, op->exec_argv, op->desktop) == -1 ||
	    notify_spawn(&n) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot start the notifier: "
		    "%s\n", strerror(errno));
		return 1;
	}
	(void)close(n.rfd);
	(void)signal(SIGPIPE, SIG_IGN);

	watcher_opts_from(op, &wo);
	wo.jobsfile = op->file;
	wo.name = name;
	wo.notify_fd = n.wfd;
	r = watcher_run(&wo);
	(void)close(n.wfd);	/* the notifier drains the pipe and exits */
	if (r < 0) {
		/* Ended by a signal: the row is free to run again. */
		e.pid = JOBS_PIDWORD_FREE;
		e.if_pid = pid;
		(void)jobsfile_edit(op->file, &e, 1, err, sizeof(err));
		log_msg(name, "ended by signal %d", -r);
		return 0;
	}
	return r == WATCHER_STOPPED ? 0 : r == WATCHER_NOROW ? 2 : 1;
}

/*
 * Picks the jobs file when -f was not given: ./jobs.csv if it exists,
 * else $XDG_CONFIG_HOME/sitewatch/jobs.csv (~/.config/sitewatch/jobs.csv),
 * the home of the systemd unit's file, which `add` creates if need be.
 */
static const char *
default_file(void)
{
	static char path[4096];
	const char *xc = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (access("jobs.csv", F_OK) == 0)
		return "jobs.csv";
	if (xc != NULL && *xc == '/')
		n = snprintf(path, sizeof(path), "%s/sitewatch/jobs.csv", xc);
	else if (home != NULL && *home != '\0')
		n = snprintf(path, sizeof(path), "%s/.config/sitewatch/jobs.csv",
		    home);
	else
		return "jobs.csv";
	return n > 0 && (size_t)n < sizeof(path) ? path : "jobs.csv";
}

/* Prints s to fp as one shell word: bare when it is safe, else quoted. */
static void
shell_word(FILE *fp, const char *s)
{
	if (*s != '\0' && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_./-+,:=@%")] == '\0') {
		(void)fputs(s, fp);
		return;
	}
	(void)fputc('\'', fp);
	for (; *s != '\0'; s++)
		if (*s == '\'')
			(void)fputs("'\\''", fp);
		else
			(void)fputc(*s, fp);
	(void)fputc('\'', fp);
}

/*
 * A first run: there is no jobs file at file.  Says where it would be and
 * the two ways to start one: `add`, which creates it, or a copy of the
 * example (where it is installed; given: -f named the file).  Returns 2,
 * the exit code for a missing jobs file.
 */
static int
first_run(const char *file, int given)
{
	char example[4096], dir[4096];

	(void)util_example_path(example, sizeof(example));
	(void)fprintf(stderr, "sitewatch: no jobs file yet: %s does not "
	    "exist.\nTo start, add a page to watch (this creates the "
	    "file):\n    sitewatch ", file);
	if (given) {
		(void)fputs("-f ", stderr);
		shell_word(stderr, file);
		(void)fputc(' ', stderr);
	}
	(void)fputs("add NAME URL\nor copy the example and edit it:\n    ",
	    stderr);
	if (util_dirname(file, dir, sizeof(dir)) == 0 &&
	    access(dir, F_OK) == -1) {
		(void)fputs("mkdir -p ", stderr);
		shell_word(stderr, dir);
		(void)fputs(" && ", stderr);
	}
	(void)fputs("cp ", stderr);
	shell_word(stderr, example);
	(void)fputc(' ', stderr);
	shell_word(stderr, file);
	(void)fputs("\n", stderr);
	return 2;
}

/*
 * Checks that the --exec command can be run: found the way execvp(3)
 * finds it, an executable file.  Returns 0, or 2 (the exit code) after
 * saying why not.
 */
static int
exec_runnable(char *const *argv)
{
	char path[4096];

	if (argv == NULL || util_find_program(argv[0], path, sizeof(path)) == 0)
		return 0;
	if (errno == ENOENT && strchr(argv[0], '/') == NULL)
		(void)fprintf(stderr, "sitewatch: --exec: no command '%s' in "
		    "PATH\n", argv[0]);
	else if (errno == EACCES)
		(void)fprintf(stderr, "sitewatch: --exec: %s: not an "
		    "executable file\n", path);
	else
		(void)fprintf(stderr, "sitewatch: --exec: %s: %s\n", path,
		    strerror(errno));
	return 2;
}

/*
 * Returns the command-specific option of the command line that does not
 * go with the command c (NULL: no command), as it was likely written, or
 * NULL when every one does.
 */
static const char *
misplaced_option(const struct opts *op, const struct command *c)
{
	const struct {
		int given;
		const char *name, *shown;
	} o[] = {
		{ op->fmt_given && op->fmt == STATUS_JSON, "json", "--json" },
		{ op->fmt_given && op->fmt != STATUS_JSON, "plain", "--plain" },
		{ op->interval != NULL, "interval", "-i" },
		{ op->notify != NULL, "notify", "--notify" },
		{ op->filter != NULL, "filter", "--filter" },
		{ op->url != NULL, "url", "--url" },
		{ op->show, "show", "--show" },
		{ op->back != 0, "revision", "-r" },
		{ op->count != 0, "count", "-n" }
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(o); i++)
		if (o[i].given && (c == NULL || !command_takes(c, o[i].name)))
			return o[i].shown;
	return NULL;
}

static int
handle_status(const struct opts *op, char **args, int nargs)
{
	(void)args;
	if (nargs != 0)
		return USAGE;
	return cmd_status(op->file, op->fmt_given ? op->fmt :
	    isatty(STDOUT_FILENO) ? STATUS_TABLE : STATUS_PLAIN);
}

static int
handle_stop(const struct opts *op, char **args, int nargs)
{
	return nargs > 0 ? cmd_stop_start(op->file, args, nargs, 1) : USAGE;
}

static int
handle_start(const struct opts *op, char **args, int nargs)
{
	return nargs > 0 ? cmd_stop_start(op->file, args, nargs, 0) : USAGE;
}

static int
handle_add(const struct opts *op, char **args, int nargs)
{
	if (nargs != 2)
		return USAGE;
	return cmd_add(op->file, op->interval != NULL ? op->interval : "1h",
	    args[0], args[1], op->filter, op->notify);
}

static int
handle_import(const struct opts *op, char **args, int nargs)
{
	if (nargs != 1)
		return USAGE;
	return cmd_import(op->file, op->interval != NULL ? op->interval :
	    "1h", args[0]);
}

static int
handle_remove(const struct opts *op, char **args, int nargs)
{
	return nargs > 0 ? cmd_remove(op->file, args, nargs) : USAGE;
}

static int
handle_edit(const struct opts *op, char **args, int nargs)
{
	(void)args;
	return nargs == 0 ? cmd_edit(op->file) : USAGE;
}

/* `check --url URL`, `check NAME --show` or `check NAME`. */
static int
handle_check(const struct opts *op, char **args, int nargs)
{
	struct watcher_opts wo;

	watcher_opts_from(op, &wo);
	if (op->url != NULL && nargs == 0 && !op->show)
		return cmd_check_url(op->url, op->filter, &wo);
	if (op->url != NULL || op->filter != NULL || nargs != 1)
		return USAGE;
	if (op->show)
		return cmd_check_show(op->file, args[0], &wo);
	if (fetch_global_init(op->cafile) == -1)
		return 1;
	return cmd_check(op->file, args[0], &wo, op->exec_argv, op->desktop);
}

static int
handle_diff(const struct opts *op, char **args, int nargs)
{
	if (nargs != 1)
		return USAGE;
	return cmd_diff(op->file, args[0], op->back != 0 ? op->back : 1);
}

static int
handle_history(const struct opts *op, char **args, int nargs)
{
	return nargs == 1 ? cmd_history(op->file, args[0]) : USAGE;
}

static int
handle_watch(const struct opts *op, char **args, int nargs)
{
	return nargs == 1 ? cmd_watch(op, args[0]) : USAGE;
}

/* `next SCHEDULE`: the schedule may come as one word or as several. */
static int
handle_next(const struct opts *op, char **args, int nargs)
{
	char text[1024] = "";
	int i;

	if (nargs < 1)
		return USAGE;
	for (i = 0; i < nargs; i++) {
		if (i > 0)
			(void)strncat(text, " ", sizeof(text) - strlen(text) - 1);
		(void)strncat(text, args[i], sizeof(text) - strlen(text) - 1);
	}
	return cmd_next(text, op->count != 0 ? (int)op->count : 5);
}

static int
handle_help(const struct opts *op, char **args, int nargs)
{
	const struct command *h;

	(void)op;
	if (nargs > 1)
		return USAGE;
	h = nargs == 1 ? find_command(args[0]) : NULL;
	if (nargs == 1 && h == NULL)
		return unknown_command(args[0]);
	if (h != NULL)
		command_usage(stdout, h);
	else
		usage(stdout);
	return 0;
}

static int
handle_version(const struct opts *op, char **args, int nargs)
{
	(void)op;
	(void)args;
	if (nargs != 0)
		return USAGE;
	(void)printf("sitewatch %s\n", SITEWATCH_VERSION);
	return 0;
}

/*
 * Runs command c with its arguments args[0..nargs): its help when asked,
 * else its handler, after the checks every command but help and version
 * needs (its options, --exec, the jobs file there).  Returns the exit
 * code.
 */
static int
run_command(const struct opts *op, const struct command *c, char **args,
    int nargs)
{
	const char *bad;
	int rc = USAGE;

	if (op->help) {
		command_usage(stdout, c);
		return 0;
	}
	if ((bad = misplaced_option(op, c)) != NULL) {
		(void)fprintf(stderr, "sitewatch: %s does not go with '%s' ("
		    "see sitewatch %s --help)\n", bad, c->name, c->name);
		return 2;
	}
	if (c->flags & BARE)
		rc = c->run(op, args, nargs);
	if (rc != USAGE)
		return rc;
	if (exec_runnable(op->exec_argv) != 0)
		return 2;
	if ((c->flags & NEEDS_FILE) && op->url == NULL &&
	    access(op->file, F_OK) == -1 && errno == ENOENT)
		return first_run(op->file, op->file_given);
	if (!(c->flags & BARE))
		rc = c->run(op, args, nargs);
	if (rc == USAGE) {
		command_usage(stderr, c);
		return 2;
	}
	return rc;
}

/*
 * Says what is wrong with the option getopt_long() just refused (in
 * argv[optind - 1], or optopt for a short one).  Returns 2.
 */
static int
bad_option(int argc, char **argv, const struct option *longopts)
{
	const char *word = argv[optind - 1];
	char given[3];
	size_t i, len = strcspn(word, "=");

	if (optopt > 0 && optopt < 128 && word[0] == '-' && word[1] != '-') {
		/* An unknown letter, perhaps in a group like -vx. */
		given[0] = '-';
		given[1] = (char)optopt;
		given[2] = '\0';
		return unknown_option(given, longopts, command_in(argc, argv));
	}
	for (i = 0; longopts[i].name != NULL; i++)
		if (strncmp(word, "--", 2) == 0 && word[len] == '=' &&
		    strlen(longopts[i].name) == len - 2 &&
		    strncmp(word + 2, longopts[i].name, len - 2) == 0) {
			(void)fprintf(stderr, "sitewatch: option '--%s' takes no "
			    "value (see sitewatch --help)\n", longopts[i].name);
			return 2;
		}
	return unknown_option(word, longopts, command_in(argc, argv));
}

/* The long options, and the codes of those without a letter. */
enum { O_CHECK = 256, O_VERSION, O_EXEC, O_NODESKTOP, O_LOG,
    O_TIMEOUT, O_CTIMEOUT, O_MAXBODY, O_CACERT, O_PLAIN, O_JSON,
    O_URL, O_FILTER, O_NOTIFY, O_KEEP, O_ALERT, O_SHOW };
static const struct option longopts[] = {
	{ "check", no_argument, NULL, O_CHECK },
	{ "file", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "exec", required_argument, NULL, O_EXEC },
	{ "no-desktop", no_argument, NULL, O_NODESKTOP },
	{ "log", required_argument, NULL, O_LOG },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, O_CTIMEOUT },
	{ "max-body", required_argument, NULL, O_MAXBODY },
	{ "cacert", required_argument, NULL, O_CACERT },
	{ "plain", no_argument, NULL, O_PLAIN },
	{ "json", no_argument, NULL, O_JSON },
	{ "interval", required_argument, NULL, 'i' },
	{ "url", required_argument, NULL, O_URL },
	{ "filter", required_argument, NULL, O_FILTER },
	{ "notify", required_argument, NULL, O_NOTIFY },
	{ "keep", required_argument, NULL, O_KEEP },
	{ "show", no_argument, NULL, O_SHOW },
	{ "revision", required_argument, NULL, 'r' },
	{ "alert-after", required_argument, NULL, O_ALERT },
	{ "count", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 }
};

/* What a step of the command line returns when the run goes on (an exit
 * code ends it), and what an option's taker returns for an option that is
 * not its own. */
#define GO_ON (-1)
#define NOT_MINE (-2)

/* The defaults of the options. */
static void
opts_init(struct opts *op)
{
	memset(op, 0, sizeof(*op));
	op->desktop = 1;
	op->connect_timeout = 15;
	op->timeout = 60;
	op->max_body = 10 * 1024 * 1024;
	op->keep = SNAPSHOT_KEEP_DEFAULT;
	op->alert_after = 3;
}

/*
 * Takes the option ch whose value is a number (optarg) into *op.  Returns
 * GO_ON, 2 (the exit code) after saying the value is wrong, or NOT_MINE.
 */
static int
take_number(struct opts *op, int ch)
{
	long v;

	switch (ch) {
	case O_TIMEOUT:
	case O_CTIMEOUT:
	case O_MAXBODY:
		v = positive(ch == O_TIMEOUT ? "--timeout" :
		    ch == O_CTIMEOUT ? "--connect-timeout" :
		    "--max-body", optarg);
		if (v == -1)
			return 2;
		if (ch == O_TIMEOUT)
			op->timeout = v;
		else if (ch == O_CTIMEOUT)
			op->connect_timeout = v;
		else
			op->max_body = (size_t)v;
		return GO_ON;
	case 'r':
		if ((v = positive("-r", optarg)) == -1)
			return 2;
		op->back = v;
		return GO_ON;
	case O_KEEP:
		if ((v = positive("--keep", optarg)) == -1)
			return 2;
		op->keep = v > 1000 ? 1000 : (unsigned)v;
		return GO_ON;
	case O_ALERT:
		/* 0 is allowed: never. */
		v = strcmp(optarg, "0") == 0 ? 0 :
		    positive("--alert-after", optarg);
		if (v == -1)
			return 2;
		op->alert_after = v > 1000000 ? 1000000 : (unsigned)v;
		return GO_ON;
	case 'n':
		if ((v = positive("-n", optarg)) == -1)
			return 2;
		op->count = v > 1000 ? 1000 : v;
		return GO_ON;
	}
	return NOT_MINE;
}

/*
 * Takes the option ch, one of those of every command, into *op (its
 * value in optarg).  Returns GO_ON, an exit code (--version: 0; a wrong
 * value: 2, said), or NOT_MINE.
 */
static int
take_general(struct opts *op, int ch)
{
	char err[256];

	switch (ch) {
	case O_CHECK:
		op->check = 1;
		return GO_ON;
	case 'f':
		op->file = optarg;
		op->file_given = 1;
		return GO_ON;
	case 'h':
		op->help = 1;
		return GO_ON;
	case O_VERSION:
		(void)printf("sitewatch %s\n", SITEWATCH_VERSION);
		return 0;
	case O_EXEC:
		notify_free_argv(op->exec_argv);
		op->exec_argv = notify_split_command(optarg, err, sizeof(err));
		if (op->exec_argv == NULL) {
			(void)fprintf(stderr, "sitewatch: %s\n", err);
			return 2;
		}
		return GO_ON;
	case O_NODESKTOP:
		op->desktop = 0;
		return GO_ON;
	case O_LOG:
		if (log_open(optarg) == -1) {
			(void)fprintf(stderr, "sitewatch: %s: %s\n", optarg,
			    strerror(errno));
			return 2;
		}
		return GO_ON;
	case 'v':
		log_verbose = 1;
		return GO_ON;
	case O_CACERT:
		op->cafile = optarg;
		return GO_ON;
	}
	return NOT_MINE;
}

/*
 * Takes the option ch, one of a command's own whose value (optarg), if
 * any, is kept as given, into *op.  Returns GO_ON, or NOT_MINE.
 */
static int
take_own(struct opts *op, int ch)
{
	switch (ch) {
	case O_PLAIN:
	case O_JSON:
		op->fmt = ch == O_JSON ? STATUS_JSON : STATUS_PLAIN;
		op->fmt_given = 1;
		return GO_ON;
	case 'i':
		op->interval = optarg;
		return GO_ON;
	case O_URL:
		op->url = optarg;
		return GO_ON;
	case O_FILTER:
		op->filter = optarg;
		return GO_ON;
	case O_NOTIFY:
		op->notify = optarg;
		return GO_ON;
	case O_SHOW:
		op->show = 1;
		return GO_ON;
	}
	return NOT_MINE;
}

/*
 * Parses the options of argv into *op (optind then at the first word that
 * is not one).  Returns GO_ON, or the exit code after saying what is
 * wrong (or printing the version).
 */
static int
parse_options(int argc, char **argv, struct opts *op)
{
	int ch, rc;

	opts_init(op);
	/* Errors are said here, in one line each, not by getopt. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:hvi:n:r:", longopts,
	    NULL)) != -1) {
		if (ch == ':') {
			(void)fprintf(stderr, "sitewatch: option '%s' needs a "
			    "value (see sitewatch --help)\n", argv[optind - 1]);
			return 2;
		}
		if ((rc = take_general(op, ch)) == NOT_MINE &&
		    (rc = take_number(op, ch)) == NOT_MINE &&
		    (rc = take_own(op, ch)) == NOT_MINE)
			return bad_option(argc, argv, longopts);
		if (rc != GO_ON)
			return rc;
	}
	if (!op->file_given)
		op->file = default_file();
	return GO_ON;
}

/*
 * `sitewatch --check`: the jobs file checked, and nothing else on the
 * command line (its words from argv[first]).  Returns the exit code.
 */
static int
run_check_file(const struct opts *op, int argc, char **argv, int first)
{
	if (first < argc) {
		(void)fprintf(stderr, "sitewatch: unexpected argument "
		    "'%s' after --check (see sitewatch --help)\n",
		    argv[first]);
		return 2;
	}
	/* A validator for scripts: its one-line reason stands. */
	return check_file(op->file);
}

/*
 * `sitewatch` with no command: the supervisor in the foreground, once the
 * options and the jobs file are known to be right.  Returns the exit code.
 */
static int
run_supervisor(const struct opts *op)
{
	struct supervisor_opts so;
	const char *bad;

	if (op->help) {
		usage(stdout);
		return 0;
	}
	if ((bad = misplaced_option(op, NULL)) != NULL) {
		(void)fprintf(stderr, "sitewatch: %s goes with a command (see "
		    "sitewatch --help)\n", bad);
		return 2;
	}
	if (exec_runnable(op->exec_argv) != 0)
		return 2;
	if (access(op->file, F_OK) == -1 && errno == ENOENT)
		return first_run(op->file, op->file_given);
	memset(&so, 0, sizeof(so));
	so.jobsfile = op->file;
	so.exec_argv = op->exec_argv;
	so.desktop = op->desktop;
	so.connect_timeout = op->connect_timeout;
	so.timeout = op->timeout;
	so.max_body = op->max_body;
	so.cafile = op->cafile;
	so.keep = op->keep;
	so.alert_after = op->alert_after;
	return supervisor_run(&so);
}

/*
 * The command line's work, in its steps: the options parsed into *op,
 * then --check, a command (its handler in commands[]) or the supervisor.
 * Returns the exit code; what *op holds is main's to free.
 */
static int
run(int argc, char **argv, struct opts *op)
{
	const struct command *c;
	int rc;

	/* First: every later use of argv sees copies, never a title. */
	proctitle_init(argc, argv);
	if ((rc = parse_options(argc, argv, op)) != GO_ON)
		return rc;
	if (op->check)
		return run_check_file(op, argc, argv, optind);
	if (optind < argc) {
		if ((c = find_command(argv[optind])) == NULL)
			return unknown_command(argv[optind]);
		return run_command(op, c, argv + optind + 1, argc - optind - 1);
	}
	return run_supervisor(op);
}

int
main(int argc, char **argv)
{
	struct opts op;
	int rc = run(argc, argv, &op);

	notify_free_argv(op.exec_argv);
	return rc;
}
