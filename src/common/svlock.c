/*
 * svlock.c - the supervisor's lock and pid file: one supervisor per jobs
 * file, and who that is (see svlock.h).
 */
#define _DEFAULT_SOURCE		/* flock */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/svlock.h"
#include "common/util.h"

/* The lock and pid file: ".BASENAME.pid" beside the file that path
 * resolves to (one supervisor per file, whatever link names it). */
static int
svlock_path(const char *path, char *out, size_t outsz)
{
	char file[PATH_MAX];

	if (util_resolve_link(path, file, sizeof(file)) == -1)
		return -1;
	return util_sidecar(file, "pid", out, outsz);
}

/* Reads the pid written in the pid file open on fd, or 0. */
static long
svlock_read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

int
svlock_take(const char *path, char *pf, size_t pfsz, long *holder)
{
	char buf[32];
	int fd, n, e;

	*holder = 0;
	if (svlock_path(path, pf, pfsz) == -1) {
		if (pfsz > 0)
			pf[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(pf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		e = errno;
		if (e == EWOULDBLOCK)
			*holder = svlock_read_pid(fd);
		(void)close(fd);
		errno = e;
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

long
svlock_holder(const char *path)
{
	char pf[PATH_MAX];
	long pid = 0;
	int fd;

	if (svlock_path(path, pf, sizeof(pf)) == -1)
		return -1;
	fd = open(pf, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1) {
		pid = errno == EWOULDBLOCK ? svlock_read_pid(fd) : -1;
		if (pid == 0)
			pid = 1;	/* held, pid not written yet */
	}
	(void)close(fd);
	return pid;
}
