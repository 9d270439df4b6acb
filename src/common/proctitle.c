/*
 * proctitle.c - process titles in ps(1) and comm names (see proctitle.h).
 */
#define _GNU_SOURCE		/* program_invocation_name */
#include <errno.h>		/* program_invocation_name */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "common/proctitle.h"
#include "common/util.h"

#define TITLE_PREFIX "sitewatch: "
#define COMM_PREFIX "sw:"

extern char **environ;

/* The memory the kernel shows as our command line: from argv[0] through
 * the last argument or environment string that follows it without a gap.
 * NULL when titles are off. */
static char *room;
static size_t room_size;

/*
 * Replaces each of the n strings v[i] that lie inside [start, end) by a
 * heap copy.  Returns 0, or -1 (out of memory: those copied so far stay
 * copies, which is harmless).
 */
static int
move_strings(char **v, size_t n, const char *start, const char *end)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *copy;

		if (v[i] == NULL || v[i] < start || v[i] >= end)
			continue;
		copy = strdup(v[i]);
		if (copy == NULL)
			return -1;
		v[i] = copy;
	}
	return 0;
}

void
proctitle_init(int argc, char **argv)
{
	char *start, *end;
	size_t nenv = 0;
	int i;

	if (argc <= 0 || argv == NULL || argv[0] == NULL)
		return;
	/* The arguments, then the environment, one after the other as the
	 * kernel laid them out; a string elsewhere ends the room. */
	start = end = argv[0];
	for (i = 0; i < argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	if (i < argc)
		return;		/* someone moved the arguments: leave them */
	for (; environ != NULL && environ[nenv] != NULL; nenv++)
		if (environ[nenv] == end)
			end = environ[nenv] + strlen(environ[nenv]) + 1;
	if (move_strings(argv, (size_t)argc, start, end) == -1 ||
	    move_strings(environ, nenv, start, end) == -1)
		return;
	room = start;
	room_size = (size_t)(end - start);
	/* err(3), error(3) and glibc's own messages name the program by
	 * this; it pointed into argv[0]. */
	program_invocation_name = argv[0];
	{
		char *slash = strrchr(argv[0], '/');

		program_invocation_short_name = slash != NULL ? slash + 1 :
		    argv[0];
	}
}

void
proctitle_set(const char *comm, const char *fmt, ...)
{
	const size_t pre = sizeof(TITLE_PREFIX) - 1;
	va_list ap;
	char *text;
	size_t len;
	int n;

	if (comm != NULL) {
		/* Room for the byte after the cut, to see where to cut. */
		char name[PROCTITLE_COMM_MAX + 8];

		(void)snprintf(name, sizeof(name), "%s%s", COMM_PREFIX, comm);
		name[util_utf8_cut(name, strnlen(name,
		    PROCTITLE_COMM_MAX))] = '\0';
		(void)prctl(PR_SET_NAME, name);
	}
	if (room == NULL || room_size <= pre)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n == -1)
		return;		/* the title stays as it was */
	len = util_utf8_cut(text, strnlen(text, room_size - 1 - pre));
	(void)memcpy(room, TITLE_PREFIX, pre);
	(void)memcpy(room + pre, text, len);
	free(text);
	len += pre;
	/* The rest of the room is zeroed: no old argument shows after the
	 * title, and /proc/PID/cmdline ends at its first zero byte once the
	 * title has run over the arguments' last byte. */
	(void)memset(room + len, 0, room_size - len);
}
