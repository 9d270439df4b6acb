/*
 * svlock.h - the supervisor's lock: ".BASENAME.pid" beside the jobs file
 * (the file its path resolves to, whatever link names it), held with
 * flock by the one supervisor of that file for its whole run, with its
 * pid written in it.  The one owner of that file: the supervisor takes
 * it, the commands (status, stop, start, check) ask who holds it.
 */
#ifndef SITEWATCH_SVLOCK_H
#define SITEWATCH_SVLOCK_H

#include <stddef.h>

/*
 * Takes the lock of the jobs file at path without waiting and writes our
 * pid into it.  pf receives the lock file's path, for messages ("" when
 * it is too long: errno ENAMETOOLONG).  Returns the descriptor, to be
 * held for the whole run, or -1 with errno: EWOULDBLOCK when another
 * process holds it (its pid in *holder, 0 when not written yet).
 */
int svlock_take(const char *path, char *pf, size_t pfsz, long *holder);

/*
 * Says whether a supervisor holds the jobs file at path.  Returns its pid
 * (1 when it holds the lock but has not written its pid yet), 0 when
 * none does, -1 on an error.
 */
long svlock_holder(const char *path);

#endif
