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
 * starts again from the newer file.  A process whose loop must not block
 * (the supervisor) sets a deadline for every wait, and tries again later.
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
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/util.h"

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

int
jobsfile_load(const char *path, struct jobs_file *jf, char **buf,
    char *err, size_t errsz)
{
	size_t len;

	if (jobsfile_read(path, buf, &len, NULL) == -1)
		return errf(err, errsz, "%s: %s", path, strerror(errno));
	if (jobs_parse(jf, *buf, len) == -1) {
		jobs_free(jf);
		free(*buf);
		*buf = NULL;
		return errf(err, errsz, "%s is not usable (see sitewatch "
		    "--check -f %s)", path, path);
	}
	return 0;
}

/* Until when a call may wait: see jobsfile_set_deadline(). */
static long long deadline = JOBSFILE_NO_DEADLINE;

void
jobsfile_set_deadline(long long when)
{
	deadline = when;
}

/* Returns 1 when a wait of ms milliseconds would pass the deadline. */
static int
past_deadline(long ms)
{
	return deadline != JOBSFILE_NO_DEADLINE &&
	    util_mono_ms() + ms > deadline;
}

/*
 * Takes an exclusive flock on the lock file at lockpath (created when
 * needed), waiting until the deadline: without one as long as it takes,
 * else trying every 10 ms.  Returns the locked descriptor (close it to
 * unlock), or -1 with errno (EWOULDBLOCK: still held at the deadline).
 */
static int
lock_path(const char *lockpath)
{
	int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int op = deadline == JOBSFILE_NO_DEADLINE ? LOCK_EX : LOCK_EX | LOCK_NB;

	if (fd == -1)
		return -1;
	while (flock(fd, op) == -1) {
		if (errno == EWOULDBLOCK && !past_deadline(10)) {
			util_sleep_ms(10);
		} else if (errno != EINTR) {
			int e = errno;

			(void)close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

/* The status and message of a lock_path() that failed on lockpath. */
static int
lock_failed(const char *lockpath, char *err, size_t errsz)
{
	if (errno != EWOULDBLOCK)
		return errf(err, errsz, "%s: %s", lockpath, strerror(errno));
	(void)errf(err, errsz, "%s: held by another process", lockpath);
	errno = EWOULDBLOCK;
	return JOBSFILE_LOCKED;
}

/*
 * Returns the pid that /proc/locks shows holding a flock on the file
 * (device dev, inode ino), or 0.  Waiters ("->" lines) are skipped.
 */
static pid_t
flock_holder(dev_t dev, ino_t ino)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];
	pid_t found = 0;

	if (f == NULL)
		return 0;
	while (found == 0 && fgets(line, sizeof(line), f) != NULL) {
		char kind[16];
		unsigned maj, min;
		unsigned long long inode;
		long pid;

		/* "1: FLOCK  ADVISORY  WRITE 1234 08:02:131 0 EOF" */
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind, &pid,
		    &maj, &min, &inode) == 5 && strcmp(kind, "FLOCK") == 0 &&
		    inode == (unsigned long long)ino && maj == major(dev) &&
		    min == minor(dev) && pid > 0)
			found = (pid_t)pid;
	}
	(void)fclose(f);
	return found;
}

pid_t
jobsfile_lock_holder(const char *path)
{
	struct paths p;
	struct stat st;

	if (paths_init(&p, path) == -1 || stat(p.lock, &st) == -1)
		return 0;
	return flock_holder(st.st_dev, st.st_ino);
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

/* rewrite_once(): the file changed while it was being rewritten. */
#define RACED 1

/* A row rewrite in progress: the paths, the lock held, where errors go. */
struct rewrite {
	struct paths p;
	int lockfd;		/* the lock, -1 when it could not be taken again */
	char *err;
	size_t errsz;
};

/* The jobs file as read under the lock, parsed. */
struct snapshot {
	char *buf;
	size_t len;
	struct stat st;
	struct jobs_file jf;
};

static void
snapshot_free(struct snapshot *sn)
{
	jobs_free(&sn->jf);
	free(sn->buf);
	sn->buf = NULL;
}

/*
 * Lets go of the lock for ms milliseconds (so that other writers are not
 * held up by our wait), then takes it again.  Returns 0, or a negative
 * status with a message in rw->err (JOBSFILE_LOCKED: held by another at
 * the deadline; the lock is then not ours).
 */
static int
wait_unlocked(struct rewrite *rw, long ms)
{
	(void)close(rw->lockfd);
	util_sleep_ms(ms);
	rw->lockfd = lock_path(rw->p.lock);
	if (rw->lockfd == -1)
		return lock_failed(rw->p.lock, rw->err, rw->errsz);
	return 0;
}

/*
 * Reads and parses the file into *sn (only the row called only, when not
 * NULL: one row's edit needs only that row parsed).  A file that does not
 * parse, or looks half-saved, is somebody half-way through saving: it is
 * read again after a short backoff, for up to RETRY_BUDGET_MS.  Returns
 * JOBSFILE_OK (*sn is the caller's to free), or a negative status with a
 * message in rw->err.
 */
static int
read_usable(struct rewrite *rw, const char *only, struct snapshot *sn)
{
	long waited = 0, backoff = 10;

	for (;;) {
		int parsed, unsettled, r;

		if (jobsfile_read(rw->p.file, &sn->buf, &sn->len, &sn->st) == -1)
			return errf(rw->err, rw->errsz, "%s: %s", rw->p.file,
			    strerror(errno));
		parsed = only != NULL ?
		    jobs_parse_only(&sn->jf, sn->buf, sn->len, only) :
		    jobs_parse(&sn->jf, sn->buf, sn->len);
		if (parsed == -1 && errno == ENOMEM) {
			snapshot_free(sn);
			(void)errf(rw->err, rw->errsz, "%s: out of memory",
			    rw->p.file);
			errno = ENOMEM;
			return JOBSFILE_ERROR;
		}
		if (parsed == 0 && (!looks_partial(sn->buf, sn->len, &sn->st) ||
		    waited >= RETRY_BUDGET_MS / 4))
			return JOBSFILE_OK;
		unsettled = parsed == -1 && waited < RETRY_BUDGET_MS &&
		    past_deadline(backoff);
		if (parsed == -1 && (waited >= RETRY_BUDGET_MS || unsettled)) {
			const struct jobs_file *jf = &sn->jf;

			(void)errf(rw->err, rw->errsz, "%s:%zu: %s", rw->p.file,
			    jf->nproblems ? jf->problems[0].lineno : 0,
			    jf->nproblems ? jf->problems[0].msg :
			    "does not parse");
			snapshot_free(sn);
			return unsettled ? JOBSFILE_UNSETTLED :
			    JOBSFILE_UNPARSABLE;
		}
		snapshot_free(sn);
		if (past_deadline(backoff)) {
			(void)errf(rw->err, rw->errsz, "%s: looks half-saved",
			    rw->p.file);
			return JOBSFILE_UNSETTLED;
		}
		r = wait_unlocked(rw, backoff);
		if (r != 0)
			return r;
		waited += backoff;
		backoff = backoff * 2 > 250 ? 250 : backoff * 2;
	}
}

/*
 * Puts out[0..outlen), the new contents made from sn, in place of the
 * file: a temporary file, checked against sn before and while it replaces
 * the file.  Returns JOBSFILE_OK, RACED when the file changed since sn was
 * read (nothing replaced), or JOBSFILE_ERROR with a message in rw->err.
 */
static int
put_in_place(struct rewrite *rw, const struct snapshot *sn, const char *out,
    size_t outlen)
{
	ino_t ours;
	int r;

	if (write_tmp(&rw->p, out, outlen, &sn->st, &ours, rw->err,
	    rw->errsz) == -1)
		return JOBSFILE_ERROR;
	r = unchanged_since(rw->p.file, &sn->st, sn->buf, sn->len);
	if (r == 1)
		r = install_tmp(&rw->p, &sn->st, sn->buf, sn->len, ours);
	if (r == -1) {
		int e = errno;

		(void)unlink(rw->p.tmp);
		errno = e;
		return errf(rw->err, rw->errsz, "%s: %s", rw->p.file,
		    strerror(e));
	}
	if (r == 0)
		(void)unlink(rw->p.tmp);
	return r == 1 ? JOBSFILE_OK : RACED;
}

/*
 * One attempt at the rewrite: reads the file, applies edits[0..n) to it
 * (setting each one's result) and puts the result in place, with the
 * directory synced.  Returns JOBSFILE_OK (also when nothing had to
 * change), RACED when the file changed meanwhile, or a negative status
 * with a message in rw->err.
 */
static int
rewrite_once(struct rewrite *rw, struct jobs_edit *edits, size_t n)
{
	struct snapshot sn;
	char *out;
	size_t outlen, changed;
	int rc;

	memset(&sn, 0, sizeof(sn));
	rc = read_usable(rw, n == 1 ? edits[0].name : NULL, &sn);
	if (rc != JOBSFILE_OK)
		return rc;
	if (jobs_apply(&sn.jf, sn.buf, sn.len, edits, n, &out, &outlen,
	    &changed) == -1) {
		rc = errf(rw->err, rw->errsz, "%s: %s", rw->p.file,
		    strerror(errno));
		snapshot_free(&sn);
		return rc;
	}
	rc = changed == 0 ? JOBSFILE_OK :
	    put_in_place(rw, &sn, out, outlen);
	free(out);
	snapshot_free(&sn);
	if (rc == JOBSFILE_OK && changed > 0 && sync_dir(rw->p.dir) == -1)
		rc = errf(rw->err, rw->errsz, "%s: %s", rw->p.dir,
		    strerror(errno));
	return rc;
}

/*
 * jobsfile_edit() and jobsfile_edit_gather(): takes the lock, gets the
 * edits (given, or asked of gather once the lock is held), and rewrites
 * the file, starting again while it changes under us.
 */
static int
edit(const char *path, struct jobs_edit *edits, size_t n,
    jobsfile_gather_fn gather, void *arg, char *err, size_t errsz)
{
	struct rewrite rw = { .lockfd = -1, .err = err, .errsz = errsz };
	int rc = RACED, races = 0;

	if (paths_init(&rw.p, path) == -1)
		rc = errf(err, errsz, "%s: %s", path, strerror(errno));
	else if ((rw.lockfd = lock_path(rw.p.lock)) == -1)
		rc = lock_failed(rw.p.lock, err, errsz);
	else if (gather != NULL) {
		gather(arg, &edits, &n);
		if (n == 0)
			rc = JOBSFILE_OK;	/* nothing gathered: no rewrite */
	}
	while (rc == RACED && races++ < MAX_RACES)
		rc = rewrite_once(&rw, edits, n);
	if (rc == RACED) {
		rc = errf(err, errsz, "%s: changed %d times while being "
		    "rewritten; gave up", rw.p.file, MAX_RACES);
		errno = EAGAIN;
	}
	if (rw.lockfd != -1) {
		int e = errno;

		(void)close(rw.lockfd);
		errno = e;
	}
	return rc;
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
		return lock_failed(p.lock, err, errsz);
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
