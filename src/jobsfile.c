/*
 * jobsfile.c - read the jobs file; rewrite rows of it without losing
 * anybody's change.
 *
 * Every writer in sitewatch goes through jobsfile_edit().  Writers take an
 * exclusive flock on a lock file beside the jobs file, which is never
 * renamed, so they are serialised.  A person's editor takes no lock, so
 * under the lock the writer re-reads the file, writes the new contents to a
 * temporary file, and before and after putting it in place checks that the
 * file it started from is still the one there, byte for byte.  If not, it
 * starts again from the newer file.
 */
#define _GNU_SOURCE		/* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "jobsfile.h"
#include "util.h"

#define RETRY_BUDGET_MS 2000	/* how long an unparsable file is retried */
#define MAX_RACES 100		/* restarts after the file changed under us */

/* The paths a rewrite needs, all in the jobs file's directory. */
struct paths {
	char file[PATH_MAX];
	char dir[PATH_MAX];
	char lock[PATH_MAX];
	char tmp[PATH_MAX];
};

/*
 * Fills *p for the jobs file at path.  A symbolic link is followed, so the
 * rename replaces the file it points to, not the link.  Returns 0, or -1
 * with errno.
 */
static int
paths_init(struct paths *p, const char *path)
{
	if (util_resolve_link(path, p->file, sizeof(p->file)) == -1)
		return -1;
	if (util_dirname(p->file, p->dir, sizeof(p->dir)) == -1 ||
	    util_sidecar(p->file, "lock", p->lock, sizeof(p->lock)) == -1 ||
	    util_sidecar(p->file, "tmp", p->tmp, sizeof(p->tmp)) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Reads everything from fd into a malloc'd, NUL-terminated buffer.
 * Returns 0, or -1 with errno.
 */
static int
read_fd(int fd, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);

	if (p == NULL)
		return -1;
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *q = realloc(p, cap * 2);

			if (q == NULL) {
				free(p);
				return -1;
			}
			p = q;
			cap *= 2;
		}
		r = read(fd, p + n, cap - n - 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			free(p);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int
jobsfile_read(const char *path, char **buf, size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc, e;

	if (fd == -1)
		return -1;
	if (st != NULL && fstat(fd, st) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	rc = read_fd(fd, buf, len);
	e = errno;
	(void)close(fd);
	errno = e;
	return rc;
}

/* Takes an exclusive flock on the lock file at lockpath (created when
 * needed), waiting as long as it takes.  Returns the locked descriptor
 * (close it to unlock), or -1 with errno. */
static int
lock_path(const char *lockpath)
{
	int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			int e = errno;

			(void)close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

/*
 * Writes the new contents to the temporary file with the old file's mode
 * and owner, and fsyncs it.  Returns 0, or -1 with a message in err.
 */
static int
write_tmp(const struct paths *p, const char *buf, size_t len,
    const struct stat *old, ino_t *ino, char *err, size_t errsz)
{
	struct stat st;
	int fd, e;

	if (unlink(p->tmp) == -1 && errno != ENOENT)
		return errf(err, errsz, "%s: %s", p->tmp, strerror(errno));
	fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return errf(err, errsz, "%s: %s", p->tmp, strerror(errno));
	if (util_write_all(fd, buf, len) == -1 ||
	    fchmod(fd, old->st_mode & 07777) == -1 ||
	    ((old->st_uid != geteuid() || old->st_gid != getegid()) &&
	    fchown(fd, old->st_uid, old->st_gid) == -1) ||
	    fsync(fd) == -1 || fstat(fd, &st) == -1) {
		e = errno;
		(void)close(fd);
		(void)unlink(p->tmp);
		return errf(err, errsz, "%s: %s", p->tmp, strerror(e));
	}
	*ino = st.st_ino;
	if (close(fd) == -1) {
		e = errno;
		(void)unlink(p->tmp);
		return errf(err, errsz, "%s: %s", p->tmp, strerror(e));
	}
	return 0;
}

/*
 * Returns 1 when the file at path is still the one read into base (same
 * inode, and the same bytes: an in-place rewrite keeps the inode), 0 when
 * it is not, -1 with errno when it cannot be read.
 */
static int
unchanged_since(const char *path, const struct stat *st0, const char *base,
    size_t baselen)
{
	struct stat st;
	char *buf;
	size_t len;
	int same;

	if (jobsfile_read(path, &buf, &len, &st) == -1)
		return -1;
	same = st.st_dev == st0->st_dev && st.st_ino == st0->st_ino &&
	    len == baselen && memcmp(buf, base, len) == 0;
	free(buf);
	return same;
}

/* Fsyncs the directory so that a rename survives a crash.  Returns 0/-1. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	(void)close(fd);
	return rc;
}

/*
 * Puts the temporary file in place of the jobs file.  With RENAME_EXCHANGE
 * the file that was replaced lands at the temporary path, so it can be
 * checked: if somebody saved the jobs file between our last check and the
 * swap, their file is swapped back and 0 is returned so the caller starts
 * again.  Where the file system cannot exchange, a plain rename is used
 * (the window is then the few microseconds since the last check).
 * Returns 1 when the new contents are in place, 0 to start again, -1 with
 * errno.
 */
static int
install_tmp(const struct paths *p, const struct stat *st0, const char *base,
    size_t baselen, ino_t ours)
{
	struct stat st;
	int same;

	if (renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->file,
	    RENAME_EXCHANGE) == -1) {
		if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
			return -1;
		return rename(p->tmp, p->file) == -1 ? -1 : 1;
	}
	same = unchanged_since(p->tmp, st0, base, baselen);
	if (same == 1 || same == -1) {
		/* The old file, or nothing readable: ours stays. */
		(void)unlink(p->tmp);
		return 1;
	}
	if (renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->file,
	    RENAME_EXCHANGE) == -1)
		return -1;
	/* What came back should be our own file.  If it is not, somebody
	 * saved again in these microseconds: theirs is the newest, so it
	 * goes back in place. */
	if (lstat(p->tmp, &st) == 0 && st.st_ino != ours)
		(void)renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->file,
		    RENAME_EXCHANGE);
	(void)unlink(p->tmp);
	return 0;
}

/*
 * Returns 1 when the file looks like it is being written right now: it
 * does not end with a line break and was modified within the last second.
 * Such a file is given a moment before it is used.
 */
static int
looks_partial(const char *buf, size_t len, const struct stat *st)
{
	struct timespec now;
	double age;

	if (len > 0 && buf[len - 1] == '\n')
		return 0;
	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return 0;
	age = (double)(now.tv_sec - st->st_mtim.tv_sec) +
	    (double)(now.tv_nsec - st->st_mtim.tv_nsec) / 1e9;
	return age < 1.0;
}

/*
 * jobsfile_edit() and jobsfile_edit_gather(): the edits are given, or
 * asked of gather once the lock is held.
 */
static int
edit(const char *path, struct jobs_edit *edits, size_t n,
    jobsfile_gather_fn gather, void *arg, char *err, size_t errsz)
{
	struct paths p;
	long waited = 0, backoff = 10;
	int races = 0, lockfd;

	if (paths_init(&p, path) == -1)
		return errf(err, errsz, "%s: %s", path, strerror(errno));
	lockfd = lock_path(p.lock);
	if (lockfd == -1)
		return errf(err, errsz, "%s: %s", p.lock, strerror(errno));
	if (gather != NULL) {
		gather(arg, &edits, &n);
		if (n == 0) {
			(void)close(lockfd);
			return JOBSFILE_OK;
		}
	}

	for (;;) {
		struct jobs_file jf;
		struct stat st;
		char *buf, *out;
		size_t len, outlen, changed;
		ino_t ours;
		int parsed, r;

		if (jobsfile_read(p.file, &buf, &len, &st) == -1) {
			int e = errno;

			(void)close(lockfd);
			errno = e;
			return errf(err, errsz, "%s: %s", p.file, strerror(e));
		}
		/* One row's edit needs only that row parsed. */
		parsed = n == 1 ? jobs_parse_only(&jf, buf, len, edits[0].name) :
		    jobs_parse(&jf, buf, len);
		if (parsed == -1 && errno == ENOMEM) {
			jobs_free(&jf);
			free(buf);
			(void)close(lockfd);
			errno = ENOMEM;
			return errf(err, errsz, "%s: out of memory", p.file);
		}
		if (parsed == -1 || (looks_partial(buf, len, &st) &&
		    waited < RETRY_BUDGET_MS / 4)) {
			/* Somebody is half-way through saving.  Let go of
			 * the lock while waiting, so other writers are not
			 * held up by it. */
			if (parsed == -1 && waited >= RETRY_BUDGET_MS) {
				size_t ln = jf.nproblems ?
				    jf.problems[0].lineno : 0;

				(void)errf(err, errsz, "%s:%zu: %s", p.file, ln,
				    jf.nproblems ? jf.problems[0].msg :
				    "does not parse");
				jobs_free(&jf);
				free(buf);
				(void)close(lockfd);
				return JOBSFILE_UNPARSABLE;
			}
			jobs_free(&jf);
			free(buf);
			(void)close(lockfd);
			util_sleep_ms(backoff);
			waited += backoff;
			backoff = backoff * 2 > 250 ? 250 : backoff * 2;
			lockfd = lock_path(p.lock);
			if (lockfd == -1)
				return errf(err, errsz, "%s: %s", p.lock,
				    strerror(errno));
			continue;
		}
		r = jobs_apply(&jf, buf, len, edits, n, &out, &outlen,
		    &changed);
		jobs_free(&jf);
		if (r == -1) {
			int e = errno;

			free(buf);
			(void)close(lockfd);
			errno = e;
			return errf(err, errsz, "%s: %s", p.file,
			    strerror(e));
		}
		if (changed == 0) {
			free(out);
			free(buf);
			(void)close(lockfd);
			return JOBSFILE_OK;
		}
		if (write_tmp(&p, out, outlen, &st, &ours, err, errsz) == -1) {
			free(out);
			free(buf);
			(void)close(lockfd);
			return JOBSFILE_ERROR;
		}
		free(out);
		r = unchanged_since(p.file, &st, buf, len);
		if (r == 1)
			r = install_tmp(&p, &st, buf, len, ours);
		else if (r == 0)
			(void)unlink(p.tmp);
		free(buf);
		if (r == -1) {
			int e = errno;

			(void)unlink(p.tmp);
			(void)close(lockfd);
			errno = e;
			return errf(err, errsz, "%s: %s", p.file, strerror(e));
		}
		if (r == 1)
			break;
		if (++races >= MAX_RACES) {
			(void)close(lockfd);
			errno = EAGAIN;
			return errf(err, errsz, "%s: changed %d times while "
			    "being rewritten; gave up", p.file, races);
		}
	}
	if (sync_dir(p.dir) == -1) {
		int e = errno;

		(void)close(lockfd);
		errno = e;
		return errf(err, errsz, "%s: %s", p.dir, strerror(e));
	}
	(void)close(lockfd);
	return JOBSFILE_OK;
}

int
jobsfile_edit(const char *path, struct jobs_edit *edits, size_t n,
    char *err, size_t errsz)
{
	return edit(path, edits, n, NULL, NULL, err, errsz);
}

int
jobsfile_edit_gather(const char *path, jobsfile_gather_fn gather, void *arg,
    char *err, size_t errsz)
{
	return edit(path, NULL, 0, gather, arg, err, errsz);
}

int
jobsfile_replace(const char *path, const char *old, size_t oldlen,
    const char *buf, size_t len, char *err, size_t errsz)
{
	struct paths p;
	struct stat st;
	ino_t ours;
	int lockfd, r, rc = JOBSFILE_ERROR;

	if (paths_init(&p, path) == -1)
		return errf(err, errsz, "%s: %s", path, strerror(errno));
	lockfd = lock_path(p.lock);
	if (lockfd == -1)
		return errf(err, errsz, "%s: %s", p.lock, strerror(errno));
	if (stat(p.file, &st) == -1) {
		(void)errf(err, errsz, "%s: %s", p.file, strerror(errno));
		goto out;
	}
	r = unchanged_since(p.file, &st, old, oldlen);
	if (r == 0) {
		rc = JOBSFILE_CHANGED;
		goto out;
	}
	if (r == -1) {
		(void)errf(err, errsz, "%s: %s", p.file, strerror(errno));
		goto out;
	}
	if (write_tmp(&p, buf, len, &st, &ours, err, errsz) == -1)
		goto out;
	/* The same checks as a row rewrite, but a change means the person's
	 * edit session lost the race: say so, never retry over it. */
	r = unchanged_since(p.file, &st, old, oldlen);
	if (r == 1)
		r = install_tmp(&p, &st, old, oldlen, ours);
	else
		(void)unlink(p.tmp);
	if (r == -1) {
		(void)errf(err, errsz, "%s: %s", p.file, strerror(errno));
		(void)unlink(p.tmp);
		goto out;
	}
	if (r == 0) {
		rc = JOBSFILE_CHANGED;
		goto out;
	}
	if (sync_dir(p.dir) == -1) {
		(void)errf(err, errsz, "%s: %s", p.dir, strerror(errno));
		goto out;
	}
	rc = JOBSFILE_OK;
out:
	(void)close(lockfd);
	return rc;
}
