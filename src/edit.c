/*
 * edit.c - `sitewatch edit`, in the manner of vipw and crontab -e: the
 * person edits a copy; what they save is checked; it replaces the jobs
 * file, under the writers' lock, only if nobody changed the file meanwhile
 * (otherwise both versions are kept and the person is told where).
 */
#define _GNU_SOURCE		/* mkstemps */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "jobs.h"
#include "jobsfile.h"
#include "util.h"

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

int
cmd_edit(const char *file)
{
	char *orig, *mine = NULL, copy[4096], err[512];
	size_t origlen, minelen = 0;
	int rc = 1;

	/* No file yet: made with the header, as crontab -e starts one. */
	if (access(file, F_OK) == -1 && errno == ENOENT &&
	    commands_create_file(file) == -1)
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
		struct jobs_file jf;
		int st = run_editor(copy), bad;

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
		bad = jobs_parse(&jf, mine, minelen) == -1 || jf.nproblems > 0;
		if (bad)
			(void)check_report(stderr, file, &jf);
		else
			bad = check_compare(stderr, file, &jf) > 0;
		jobs_free(&jf);
		if (!bad)
			break;
		if (!again()) {
			(void)fprintf(stderr, "sitewatch: abandoned; %s is "
			    "unchanged\n", file);
			(void)unlink(copy);
			rc = 1;
			goto out;
		}
	}
	switch (jobsfile_replace(file, orig, origlen, mine, minelen, err,
	    sizeof(err))) {
	case JOBSFILE_OK:
		(void)printf("%s: installed\n", file);
		(void)unlink(copy);
		rc = 0;
		break;
	case JOBSFILE_CHANGED:
		(void)fprintf(stderr, "sitewatch: %s was changed while you "
		    "were editing it; it is left as it is, and your version is "
		    "in %s\n", file, copy);
		rc = 1;
		break;
	default:
		rc = commands_file_error(errno);
		(void)fprintf(stderr, "sitewatch: %s (your version is in %s)\n",
		    err, copy);
		break;
	}
out:
	free(mine);
	free(orig);
	return rc;
}
