/*
 * compare.c - starting sitewatch-helper and reading what it says.
 *
 * The helper is forked and executed for each job (turning a page into its
 * compared text, comparing two texts, checking a filter).  While it runs
 * the caller's descriptors (a watcher's signalfd and inotify descriptor)
 * are watched together with a pidfd of the helper, so that a stop written
 * to the jobs file, or a SIGTERM, is obeyed within a second: the helper is
 * killed by its pid and reaped before we return.  A helper that outlives
 * its time limit is killed the same way.  Its stderr goes to a memfd,
 * which holds the one line of a failure for the log.
 */
#define _GNU_SOURCE		/* memfd_create, pidfd_open */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/compare.h"
#include "common/util.h"

#define MAX_ARGS 16

int
compare_is_default(const char *value)
{
	return value == NULL || *value == '\0' || strcmp(value, "-") == 0;
}

/*
 * The child's side of the fork: takes in, out and errfd as its stdin,
 * stdout and stderr, dies with its parent, starts with the default signal
 * state, and executes the helper.  Never returns.
 */
static void
child_exec(const char *path, char *const *argv, int in, int out, int errfd)
{
	sigset_t none;
	int devnull = -1;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (in == -1 || out == -1) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull == -1)
			_exit(127);
	}
	if (dup2(in != -1 ? in : devnull, 0) == -1 ||
	    dup2(out != -1 ? out : devnull, 1) == -1 ||
	    (errfd != -1 && dup2(errfd, 2) == -1))
		_exit(127);
	/* An input at an offset (a memfd just written) is read whole. */
	(void)lseek(0, 0, SEEK_SET);
	execv(path, argv);
	_exit(127);
}

/* Copies the first line of what the helper wrote to stderr (in errfd)
 * into err, or writes dflt there when it wrote nothing. */
static void
first_line(int errfd, char *err, size_t errsz, const char *dflt)
{
	char buf[1024];
	ssize_t n = errfd != -1 ? pread(errfd, buf, sizeof(buf) - 1, 0) : -1;
	char *nl;

	if (n <= 0) {
		(void)errf(err, errsz, "%s", dflt);
		return;
	}
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl != NULL)
		*nl = '\0';
	(void)errf(err, errsz, "%s", buf[0] != '\0' ? buf : dflt);
}

/*
 * Waits for the helper pid (pidfd, or -1 when there is none) while
 * watching r's descriptors.  Returns its wait status, or -1 when it was
 * killed for r's interrupt (*aborted set) or its time limit (*late set).
 */
static int
wait_helper(pid_t pid, int pidfd, const struct compare_run *r, int *aborted,
    int *late)
{
	long long deadline = util_mono_ms() + (r->timeout > 0 ? r->timeout : 3600) *
	    1000LL;
	struct pollfd pfd[8];
	int status;
	unsigned i;

	for (;;) {
		long long left;
		nfds_t n = 0;
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return status;
		if (w == -1 && errno != EINTR)
			return -1;
		left = deadline - util_mono_ms();
		if (left <= 0) {
			*late = 1;
			break;
		}
		if (pidfd != -1) {
			pfd[n].fd = pidfd;
			pfd[n++].events = POLLIN;
		}
		for (i = 0; i < r->nfds && n < sizeof(pfd) / sizeof(pfd[0]); i++) {
			pfd[n].fd = r->fds[i];
			pfd[n++].events = POLLIN;
		}
		/* Without a pidfd (an old kernel) the exit is polled for. */
		(void)poll(pfd, n, (int)(left < 1000 ? left :
		    pidfd != -1 ? 1000 : 20));
		if (r->interrupt != NULL && r->interrupt(r->arg)) {
			*aborted = 1;
			break;
		}
	}
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return -1;
}

int
compare_start(const struct compare_run *r, struct compare_proc *p, char *err,
    size_t errsz)
{
	char *argv[MAX_ARGS + 2];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->errfd = -1;
	/* On the heap: a watcher's stack keeps every page it ever used. */
	p->path = malloc(PATH_MAX);
	if (p->path == NULL) {
		(void)errf(err, errsz, "out of memory");
		return COMPARE_TROUBLE;
	}
	if (util_helper_path(p->path, PATH_MAX) == -1) {
		(void)errf(err, errsz, "cannot find sitewatch-helper (%s is "
		    "not executable)", p->path);
		goto fail;
	}
	argv[0] = p->path;
	for (i = 0; r->args[i] != NULL && i < MAX_ARGS; i++)
		argv[i + 1] = (char *)r->args[i];
	argv[i + 1] = NULL;
	if (r->err_fd > 2) {
		p->errfd = r->err_fd;
	} else if ((p->errfd = memfd_create("sitewatch-helper-stderr",
	    MFD_CLOEXEC)) == -1) {
		(void)errf(err, errsz, "memfd_create: %s", strerror(errno));
		goto fail;
	} else {
		p->own_errfd = 1;
	}
	p->pid = fork();
	if (p->pid == -1) {
		(void)errf(err, errsz, "cannot start sitewatch-helper: %s",
		    strerror(errno));
		goto fail;
	}
	if (p->pid == 0)
		child_exec(p->path, argv, r->in_fd, r->out_fd, p->errfd);
	return 0;
fail:
	p->pid = 0;
	compare_forget(p);
	return COMPARE_TROUBLE;
}

void
compare_forget(struct compare_proc *p)
{
	if (p->own_errfd && p->errfd != -1)
		(void)close(p->errfd);
	free(p->path);
	memset(p, 0, sizeof(*p));
	p->errfd = -1;
}

void
compare_kill(struct compare_proc *p)
{
	if (p->pid > 0) {
		(void)kill(p->pid, SIGKILL);
		while (waitpid(p->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	compare_forget(p);
}

int
compare_end(const struct compare_run *r, struct compare_proc *p, int status,
    char *err, size_t errsz)
{
	int rc;

	if (status == COMPARE_LATE) {
		(void)errf(err, errsz, "sitewatch-helper %s: no answer within "
		    "%ld s", r->args[0], r->timeout);
		rc = COMPARE_TROUBLE;
	} else if (status == -1) {
		(void)errf(err, errsz, "waiting for sitewatch-helper: %s",
		    strerror(errno));
		rc = COMPARE_TROUBLE;
	} else if (WIFSIGNALED(status)) {
		(void)errf(err, errsz, "sitewatch-helper %s died of signal %d",
		    r->args[0], WTERMSIG(status));
		rc = COMPARE_TROUBLE;
	} else if (WEXITSTATUS(status) == 127) {
		(void)errf(err, errsz, "cannot run %s", p->path);
		rc = COMPARE_TROUBLE;
	} else {
		rc = WEXITSTATUS(status);
		if (rc != 0)
			first_line(p->errfd, err, errsz, "sitewatch-helper failed "
			    "without saying why");
	}
	compare_forget(p);
	return rc;
}

int
compare_helper(const struct compare_run *r, char *err, size_t errsz)
{
	struct compare_proc p;
	int pidfd, status, aborted = 0, late = 0;

	if (compare_start(r, &p, err, errsz) == COMPARE_TROUBLE)
		return COMPARE_TROUBLE;
	pidfd = (int)pidfd_open(p.pid, 0);
	status = wait_helper(p.pid, pidfd, r, &aborted, &late);
	if (pidfd != -1)
		(void)close(pidfd);
	if (aborted) {
		compare_forget(&p);
		return COMPARE_ABORTED;
	}
	return compare_end(r, &p, late ? COMPARE_LATE : status, err, errsz);
}
