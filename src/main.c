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

#include "check.h"
#include "fetch.h"
#include "jobsfile.h"
#include "log.h"
#include "notify.h"
#include "supervisor.h"
#include "watcher.h"

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
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: sitewatch [options]              supervise every row of the jobs file\n"
	    "       sitewatch [options] watch NAME  watch one row, in the foreground\n"
	    "       sitewatch --check [-f FILE]     check the jobs file\n"
	    "       sitewatch --version | --help\n"
	    "\n"
	    "  -f, --file FILE        the jobs file (default: jobs.csv)\n"
	    "      --check            check the jobs file: one FILE:LINE: reason\n"
	    "                         line per problem, then a summary; exit 0\n"
	    "                         if every row is usable, 2 if not\n"
	    "      --exec CMD         run CMD for every change, with SITEWATCH_NAME,\n"
	    "                         SITEWATCH_URL, SITEWATCH_OLD, SITEWATCH_NEW in\n"
	    "                         its environment (words split at spaces, no shell)\n"
	    "      --no-desktop       no desktop notifications (the log still has\n"
	    "                         every change)\n"
	    "      --log FILE         append log lines to FILE too\n"
	    "  -v, --verbose          log every check, not only changes and errors\n"
	    "      --timeout SECS     give up a check after SECS (default 60)\n"
	    "      --connect-timeout SECS  (default 15)\n"
	    "      --max-body BYTES   largest page accepted (default 10485760)\n"
	    "      --cacert FILE      trust the CA certificates in FILE\n"
	    "  -h, --help             show this help\n"
	    "      --version          show the version\n");
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

	long holder = supervisor_holder(op->file);

	if (holder > 0) {
		(void)fprintf(stderr, "sitewatch: %s is watched by pid %ld; "
		    "stop that supervisor first\n",
		    op->file, holder);
		return 2;
	}
	if (fetch_global_init() == -1) {
		(void)fprintf(stderr, "sitewatch: cannot initialise libcurl\n");
		return 1;
	}
	(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	memset(&e, 0, sizeof(e));
	e.name = name;
	e.pid = pid;
	if (jobsfile_edit(op->file, &e, 1, err, sizeof(err)) != 0) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	if (e.result == JOBS_EDIT_NOROW) {
		(void)fprintf(stderr, "sitewatch: %s: no usable row called "
		    "\"%s\" (see sitewatch --check -f %s)\n", op->file, name,
		    op->file);
		return 2;
	}
	if (notify_setup(&n, op->exec_argv, op->desktop) == -1 ||
	    notify_spawn(&n) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot start the notifier: "
		    "%s\n", strerror(errno));
		return 1;
	}
	(void)close(n.rfd);
	(void)signal(SIGPIPE, SIG_IGN);

	memset(&wo, 0, sizeof(wo));
	wo.jobsfile = op->file;
	wo.name = name;
	wo.notify_fd = n.wfd;
	wo.connect_timeout = op->connect_timeout;
	wo.timeout = op->timeout;
	wo.max_body = op->max_body;
	wo.cafile = op->cafile;
	r = watcher_run(&wo);
	(void)close(n.wfd);	/* the notifier drains the pipe and exits */
	if (r < 0) {
		/* Ended by a signal: the row is free to run again. */
		e.pid = "-";
		e.if_pid = pid;
		(void)jobsfile_edit(op->file, &e, 1, err, sizeof(err));
		log_msg(name, "ended by signal %d", -r);
		return 0;
	}
	return r == WATCHER_STOPPED ? 0 : r == WATCHER_NOROW ? 2 : 1;
}

int
main(int argc, char **argv)
{
	enum { O_CHECK = 256, O_VERSION, O_EXEC, O_NODESKTOP, O_LOG,
	    O_TIMEOUT, O_CTIMEOUT, O_MAXBODY, O_CACERT };
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
		{ NULL, 0, NULL, 0 }
	};
	struct opts op;
	char err[256];
	long v;
	int ch, rc;

	memset(&op, 0, sizeof(op));
	op.file = "jobs.csv";
	op.desktop = 1;
	op.connect_timeout = 15;
	op.timeout = 60;
	op.max_body = 10 * 1024 * 1024;

	while ((ch = getopt_long(argc, argv, "f:hv", longopts, NULL)) != -1) {
		switch (ch) {
		case O_CHECK:
			op.check = 1;
			break;
		case 'f':
			op.file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case O_VERSION:
			(void)printf("sitewatch %s\n", SITEWATCH_VERSION);
			return 0;
		case O_EXEC:
			notify_free_argv(op.exec_argv);
			op.exec_argv = notify_split_command(optarg, err,
			    sizeof(err));
			if (op.exec_argv == NULL) {
				(void)fprintf(stderr, "sitewatch: %s\n", err);
				return 2;
			}
			break;
		case O_NODESKTOP:
			op.desktop = 0;
			break;
		case O_LOG:
			if (log_open(optarg) == -1) {
				(void)fprintf(stderr, "sitewatch: %s: %s\n",
				    optarg, strerror(errno));
				return 2;
			}
			break;
		case 'v':
			log_verbose = 1;
			break;
		case O_TIMEOUT:
		case O_CTIMEOUT:
		case O_MAXBODY:
			v = positive(ch == O_TIMEOUT ? "--timeout" :
			    ch == O_CTIMEOUT ? "--connect-timeout" :
			    "--max-body", optarg);
			if (v == -1)
				return 2;
			if (ch == O_TIMEOUT)
				op.timeout = v;
			else if (ch == O_CTIMEOUT)
				op.connect_timeout = v;
			else
				op.max_body = (size_t)v;
			break;
		case O_CACERT:
			op.cafile = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (op.check) {
		if (optind < argc) {
			(void)fprintf(stderr, "sitewatch: unexpected argument "
			    "'%s'\n", argv[optind]);
			return 2;
		}
		return check_file(op.file);
	}
	if (optind < argc && strcmp(argv[optind], "watch") == 0) {
		if (argc - optind != 2) {
			(void)fprintf(stderr, "sitewatch: watch takes one "
			    "NAME\n");
			usage(stderr);
			return 2;
		}
		rc = cmd_watch(&op, argv[optind + 1]);
		notify_free_argv(op.exec_argv);
		return rc;
	}
	if (optind < argc) {
		(void)fprintf(stderr, "sitewatch: unknown command '%s'\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	{
		struct supervisor_opts so;

		memset(&so, 0, sizeof(so));
		so.jobsfile = op.file;
		so.exec_argv = op.exec_argv;
		so.desktop = op.desktop;
		so.connect_timeout = op.connect_timeout;
		so.timeout = op.timeout;
		so.max_body = op.max_body;
		so.cafile = op.cafile;
		rc = supervisor_run(&so);
	}
	notify_free_argv(op.exec_argv);
	return rc;
}
