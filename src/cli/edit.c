/*
 * edit.c - `sitewatch edit`, in the manner of vipw and crontab -e: the
 * person edits a copy; what they save is checked; it replaces the jobs
 * file under the writers' lock.  Watchers keep writing their pid and
 * last-modified fields meanwhile, so the install is a three-way merge by
 * row name: base (the file the copy was made from), theirs (the file now)
 * and ours (the saved copy).  What sitewatch wrote into its own fields is
 * carried into the person's version; anything else that changed meanwhile,
 * or a field both changed, is a conflict: nothing is installed, and the
 * person is told where their version is.
 */
#define _GNU_SOURCE		/* mkstemps */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/edit.h"
#include "common/check.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/util.h"

/* Writes buf to a new temporary file; its path goes into path.  Returns
 * 0, or -1 with errno. */
static int
make_copy(const char *buf, size_t len, char *path, size_t pathsz)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	(void)snprintf(path, pathsz, "%s/sitewatch-edit.XXXXXX.csv",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemps(path, 4);
	if (fd == -1)
		return -1;
	if (util_write_all(fd, buf, len) == -1) {
		int e = errno;

		(void)close(fd);
		(void)unlink(path);
		errno = e;
		return -1;
	}
	return close(fd);
}

/*
 * Runs the person's editor on path: $VISUAL, else $EDITOR, else vi.  The
 * variable may hold arguments ("code -w"), so it goes through sh, with the
 * file name passed as "$1", never pasted into the command.  Returns the
 * editor's exit status, or -1.
 */
static int
run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	char cmd[4096];
	pid_t pid;
	int st;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	(void)snprintf(cmd, sizeof(cmd), "%s \"$1\"", ed);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Asks whether to edit again.  Returns 1 for yes; end of input is no. */
static int
again(void)
{
	char line[64];

	for (;;) {
		(void)fputs("Edit again (e) or abandon your changes (a)? ",
		    stderr);
		(void)fflush(stderr);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return 0;
		if (line[0] == 'e' || line[0] == 'E' || line[0] == 'y')
			return 1;
		if (line[0] == 'a' || line[0] == 'A' || line[0] == 'n' ||
		    line[0] == 'q')
			return 0;
	}
}

/* The three parses of a merge. */
struct merge {
	struct jobs_file base, theirs, ours;
	char why[512];		/* a conflict: what, for the person */
	size_t rows;		/* rows that got sitewatch's values */
};

/* Sets m->why like printf.  Returns MERGE_CONFLICT. */
static int
conflict(struct merge *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

enum { MERGE_OK = 0, MERGE_ERROR = -1, MERGE_CONFLICT = -2 };

static int
conflict(struct merge *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	return MERGE_CONFLICT;
}

/* Returns the 1-based number of the first line where a[0..alen) and
 * b[0..blen) differ. */
static size_t
first_difference(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, line = 1;

	for (i = 0; i < alen && i < blen && a[i] == b[i]; i++)
		line += a[i] == '\n';
	return line;
}

/*
 * Checks that theirs differs from base only in the fields sitewatch writes
 * (pid, last-modified) of rows base has: base with theirs' values of those
 * fields written in must be theirs, byte for byte.  Returns MERGE_OK,
 * MERGE_CONFLICT (why set) or MERGE_ERROR (errno).
 */
static int
only_own_fields(struct merge *m, const char *base, size_t baselen,
    const char *theirs, size_t theirslen)
{
	struct jobs_edit *e;
	char *out;
	size_t i, n = 0, outlen, changed;
	int rc;

	e = calloc(m->theirs.njobs + 1, sizeof(*e));
	if (e == NULL)
		return MERGE_ERROR;
	for (i = 0; i < m->theirs.njobs; i++) {
		const struct job *t = &m->theirs.jobs[i];
		const struct job *b = jobs_find(&m->base, t->name);

		if (b == NULL)
			continue;	/* a new row: found below */
		e[n].name = t->name;
		if (strcmp(t->pid_text, b->pid_text) != 0)
			e[n].pid = t->pid_text;
		if (strcmp(t->lastmod, b->lastmod) != 0)
			e[n].lastmod = t->lastmod;
		n += e[n].pid != NULL || e[n].lastmod != NULL;
	}
	if (jobs_apply(&m->base, base, baselen, e, n, &out, &outlen,
	    &changed) == -1) {
		free(e);
		return MERGE_ERROR;
	}
	rc = MERGE_OK;
	if (outlen != theirslen || memcmp(out, theirs, outlen) != 0)
		rc = conflict(m, "line %zu of it changed, not only the pid or "
		    "last-modified sitewatch writes",
		    first_difference(out, outlen, theirs, theirslen));
	free(out);
	free(e);
	return rc;
}

/*
 * Merges one of sitewatch's fields (what names it) of the row called name:
 * b in base, t in theirs, o in ours.  Sets *set to the value ours must
 * take (NULL: keep its own).  Returns MERGE_OK, or MERGE_CONFLICT when
 * the person and sitewatch both changed it, differently.
 */
static int
merge_field(struct merge *m, const char *name, const char *what,
    const char *b, const char *t, const char *o, const char **set)
{
	*set = NULL;
	if (strcmp(t, b) == 0 || strcmp(o, t) == 0)
		return MERGE_OK;	/* sitewatch left it, or agrees */
	if (strcmp(o, b) == 0) {
		*set = t;		/* only sitewatch changed it */
		return MERGE_OK;
	}
	return conflict(m, "row \"%s\": you wrote %s \"%s\", and sitewatch "
	    "wrote \"%s\" meanwhile", name, what, o, t);
}

/*
 * The three-way merge of an edit session: base, theirs and ours as
 * above, ours already checked.  On MERGE_OK, *out (malloc'd, the caller's)
 * is ours with sitewatch's values from theirs written into the fields
 * the person left alone, and m->rows says in how many rows.  Returns
 * MERGE_OK, MERGE_CONFLICT (m->why says what) or MERGE_ERROR (errno).
 */
static int
merge3(struct merge *m, const char *base, size_t baselen, const char *theirs,
    size_t theirslen, const char *ours, size_t ourslen, char **out,
    size_t *outlen)
{
	struct jobs_edit *e;
	size_t i, n = 0, changed;
	int rc;

	*out = NULL;
	m->rows = 0;
	if (jobs_parse(&m->theirs, theirs, theirslen) == -1)
		return errno == ENOMEM ? MERGE_ERROR :
		    conflict(m, "it is not usable now");
	if (jobs_parse(&m->base, base, baselen) == -1)
		return errno == ENOMEM ? MERGE_ERROR :
		    conflict(m, "you started from a file that was not usable");
	if (jobs_parse(&m->ours, ours, ourslen) == -1)
		return MERGE_ERROR;	/* it was checked */
	if ((rc = only_own_fields(m, base, baselen, theirs, theirslen)) != 0)
		return rc;

	e = calloc(m->ours.njobs + 1, sizeof(*e));
	if (e == NULL)
		return MERGE_ERROR;
	for (i = 0; i < m->ours.njobs; i++) {
		const struct job *o = &m->ours.jobs[i];
		const struct job *b = jobs_find(&m->base, o->name);
		const struct job *t = jobs_find(&m->theirs, o->name);

		/* A row of the person's own, or one sitewatch has no value
		 * in: theirs has the same rows as base (checked above). */
		if (b == NULL || t == NULL)
			continue;
		e[n].name = o->name;
		if (merge_field(m, o->name, "pid", b->pid_text, t->pid_text,
		    o->pid_text, &e[n].pid) != MERGE_OK ||
		    merge_field(m, o->name, "last-modified", b->lastmod,
		    t->lastmod, o->lastmod, &e[n].lastmod) != MERGE_OK) {
			free(e);
			return MERGE_CONFLICT;
		}
		n += e[n].pid != NULL || e[n].lastmod != NULL;
	}
	m->rows = n;
	rc = jobs_apply(&m->ours, ours, ourslen, e, n, out, outlen, &changed);
	for (i = 0; rc == 0 && i < n; i++)
		if (e[i].result != JOBS_EDIT_DONE)
			rc = conflict(m, "row \"%s\": sitewatch's value cannot "
			    "be written into your version", e[i].name);
	free(e);
	if (rc != MERGE_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Frees the parses of a merge. */
static void
merge_free(struct merge *m)
{
	jobs_free(&m->base);
	jobs_free(&m->theirs);
	jobs_free(&m->ours);
}

/* How often an install is tried again when a watcher wrote between the
 * merge and the locked rewrite. */
#define INSTALL_TRIES 20

/*
 * Installs the person's version mine[0..minelen) of file, begun from
 * orig[0..origlen), merged with what sitewatch wrote meanwhile, in one
 * locked rewrite (jobsfile_replace: only if the file is still the one the
 * merge read, else merged again).  Returns the exit code, after saying
 * what happened; copy is the person's copy, kept on a failure.
 */
static int
install(const char *file, const char *orig, size_t origlen, const char *mine,
    size_t minelen, const char *copy)
{
	char err[512];
	int try;

	for (try = 0; try < INSTALL_TRIES; try++) {
		struct merge m;
		char *theirs, *out = NULL;
		size_t theirslen, outlen = 0;
		int r;

		if (jobsfile_read(file, &theirs, &theirslen, NULL) == -1) {
			r = commands_file_error(errno);
			(void)fprintf(stderr, "sitewatch: %s: %s (your version "
			    "is in %s)\n", file, strerror(errno), copy);
			return r;
		}
		memset(&m, 0, sizeof(m));
		if (theirslen == origlen && memcmp(theirs, orig, origlen) == 0)
			r = MERGE_OK;	/* nobody wrote: install mine as it is */
		else
			r = merge3(&m, orig, origlen, theirs, theirslen, mine,
			    minelen, &out, &outlen);
		merge_free(&m);
		if (r == MERGE_ERROR) {
			(void)fprintf(stderr, "sitewatch: %s: %s (your version "
			    "is in %s)\n", file, strerror(errno), copy);
			free(theirs);
			return 1;
		}
		if (r == MERGE_CONFLICT) {
			(void)fprintf(stderr, "sitewatch: %s was changed while "
			    "you were editing it (%s); it is left as it is, and "
			    "your version is in %s\n", file, m.why, copy);
			free(theirs);
			return 1;
		}
		r = jobsfile_replace(file, theirs, theirslen,
		    out != NULL ? out : mine, out != NULL ? outlen : minelen,
		    err, sizeof(err));
		free(theirs);
		free(out);
		if (r == JOBSFILE_CHANGED)
			continue;	/* written again since: merge again */
		if (r != JOBSFILE_OK) {
			r = commands_file_error(errno);
			(void)fprintf(stderr, "sitewatch: %s (your version is "
			    "in %s)\n", err, copy);
			return r;
		}
		if (m.rows > 0)
			(void)printf("%s: installed, with the pid and "
			    "last-modified values sitewatch wrote meanwhile "
			    "(%zu row%s)\n", file, m.rows, m.rows == 1 ? "" :
			    "s");
		else
			(void)printf("%s: installed\n", file);
		(void)unlink(copy);
		return 0;
	}
	(void)fprintf(stderr, "sitewatch: %s kept changing while your version "
	    "was being installed; it is left as it is, and your version is in "
	    "%s\n", file, copy);
	return 1;
}

/*
 * Judges the edited text mine[0..len) of file as --check does, saying
 * what is wrong with it.  Returns 1 when a row is refused (the text is
 * not saved), else 0.
 */
static int
refused(const char *file, const char *mine, size_t len)
{
	struct jobs_file jf;
	char err[600];
	int bad = jobs_parse(&jf, mine, len) == -1;

	if (!bad && check_judge(&jf, NULL, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "%s: %s\n", file, err);
		bad = 1;
	}
	(void)check_report(stderr, file, &jf);
	bad = bad || jf.nproblems > 0;
	jobs_free(&jf);
	return bad;
}

int
cmd_edit(const char *file)
{
	char *orig, *mine = NULL, copy[4096];
	size_t origlen, minelen = 0;
	int rc = 1;

	/* No file yet, or a blank one: made with the header, as crontab -e
	 * starts one. */
	if (commands_create_file(file) == -1)
		return commands_file_error(errno);
	if (jobsfile_read(file, &orig, &origlen, NULL) == -1) {
		rc = commands_file_error(errno);
		(void)fprintf(stderr, "sitewatch: %s: %s\n", file,
		    strerror(errno));
		return rc;
	}
	if (make_copy(orig, origlen, copy, sizeof(copy)) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot make a copy to edit: "
		    "%s\n", strerror(errno));
		free(orig);
		return 1;
	}
	for (;;) {
		int st = run_editor(copy);

		if (st != 0) {
			(void)fprintf(stderr, "sitewatch: the editor exited "
			    "with status %d; %s is unchanged (your copy: %s)\n",
			    st, file, copy);
			goto out;
		}
		free(mine);
		if (jobsfile_read(copy, &mine, &minelen, NULL) == -1) {
			(void)fprintf(stderr, "sitewatch: %s: %s\n", copy,
			    strerror(errno));
			goto out;
		}
		if (minelen == origlen && memcmp(mine, orig, origlen) == 0) {
			(void)printf("%s: no changes\n", file);
			(void)unlink(copy);
			rc = 0;
			goto out;
		}
		if (!refused(file, mine, minelen))
			break;
		if (!again()) {
			(void)fprintf(stderr, "sitewatch: abandoned; %s is "
			    "unchanged\n", file);
			(void)unlink(copy);
			rc = 1;
			goto out;
		}
	}
	rc = install(file, orig, origlen, mine, minelen, copy);
out:
	free(mine);
	free(orig);
	return rc;
}
