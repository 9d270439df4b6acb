/*
 * log.c - log lines on stderr and, optionally, in a file.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

int log_verbose;
static int log_fd = -1;

int
log_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd == -1)
		return -1;
	if (log_fd != -1)
		(void)close(log_fd);
	log_fd = fd;
	return 0;
}

int
log_file_fd(void)
{
	return log_fd;
}

void
log_set_file_fd(int fd)
{
	log_fd = fd;
}

void
log_msg(const char *who, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	size_t n, i;
	int e = errno;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "%s ", who);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	va_start(ap, fmt);
	n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	/* A log that cannot be written must not stop a watcher. */
	(void)util_write_all(STDERR_FILENO, line, n);
	if (log_fd != -1)
		(void)util_write_all(log_fd, line, n);
	errno = e;
}
