/*
 * show.c - what a check would see, printed and recorded nowhere: `check
 * --url URL` fetches once and prints what came back and the compared text
 * the filter chain makes of it, each step timed, by the same helper
 * command a watcher runs; `check NAME --show` does so for a row.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/show.h"
#include "common/compare.h"
#include "common/fetch.h"
#include "common/httpval.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/redact.h"

/*
 * Prints the error of a failed filter run: the helper's last line after
 * its timings in steps (changed in place), or err when it said none or
 * when trouble is set (the helper could not run or answer).
 */
static void
show_error(char *steps, int trouble, const char *err)
{
	char *nl, *last = steps, *p;

	for (p = steps; (p = strchr(p, '\n')) != NULL; p++) {
		if (p[1] == '\0')
			break;
		last = p + 1;
	}
	nl = strchr(last, '\n');
	if (nl != NULL)
		*nl = '\0';
	(void)printf("error:         %s\n", *last != '\0' && !trouble ? last :
	    err);
}

/*
 * Prints the timed steps of a filter run (the helper's "STEP TAB MS TAB
 * BYTES" lines in steps, changed in place), then the compared text it
 * wrote into outfd.
 */
static void
show_steps(char *steps, int outfd)
{
	char *line = steps, *nl, step[256], buf[65536];
	unsigned long long bytes;
	double ms;
	ssize_t got;
	off_t off = 0;

	(void)printf("steps:\n");
	for (; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		if (sscanf(line, "%255[^\t]\t%lf\t%llu", step, &ms, &bytes) == 3)
			(void)printf("  %-30s %9.3f ms %10llu bytes\n", step, ms,
			    bytes);
	}
	(void)printf("compared text:\n");
	(void)fflush(stdout);
	while ((got = pread(outfd, buf, sizeof(buf), off)) > 0) {
		if (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got)
			break;
		off += got;
	}
}

/*
 * Prints the text sitewatch-helper's filter (chain filter, NULL or "-":
 * the default) makes of the body in body_fd, after its steps' times.
 * Returns 0, or 1 when the chain failed (said on stdout).
 */
static int
show_text(int body_fd, const char *ctype, const char *filter,
    long timeout)
{
	char tbuf[32], err[512], steps[8192];
	const char *args[10];
	struct compare_run r;
	int k = 0, rc, errfd, outfd;
	ssize_t got;

	(void)snprintf(tbuf, sizeof(tbuf), "%ld", timeout);
	args[k++] = "filter";
	args[k++] = "--time";
	args[k++] = "--timeout";
	args[k++] = tbuf;
	if (ctype != NULL && *ctype != '\0') {
		args[k++] = "--type";
		args[k++] = ctype;
	}
	args[k++] = "--";
	args[k++] = filter != NULL ? filter : "";
	args[k] = NULL;
	errfd = memfd_create("sitewatch-steps", MFD_CLOEXEC);
	outfd = memfd_create("sitewatch-text", MFD_CLOEXEC);
	if (errfd == -1 || outfd == -1) {
		(void)fprintf(stderr, "sitewatch: memfd_create: %s\n",
		    strerror(errno));
		if (errfd != -1)
			(void)close(errfd);
		if (outfd != -1)
			(void)close(outfd);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	r.args = args;
	r.in_fd = body_fd;
	r.out_fd = outfd;
	r.err_fd = errfd;
	r.timeout = timeout + 5;
	rc = compare_helper(&r, err, sizeof(err));
	(void)printf("filter:        %s\n", compare_is_default(filter) ?
	    "(default: the visible text of HTML, else the bytes)" : filter);
	got = pread(errfd, steps, sizeof(steps) - 1, 0);
	steps[got > 0 ? got : 0] = '\0';
	if (rc != 0)
		show_error(steps, rc == COMPARE_TROUBLE, err);
	else
		show_steps(steps, outfd);
	(void)close(errfd);
	(void)close(outfd);
	return rc != 0 ? 1 : 0;
}


int
cmd_check_url(const char *url, const char *filter,
    const struct watcher_opts *wo)
{
	struct fetch_request rq;
	struct fetch_result res;
	char err[512], lm[FETCH_VALIDATOR_MAX], etag[FETCH_VALIDATOR_MAX];
	char shown[REDACT_MAX];
	size_t i;
	int body_fd, rc;

	(void)redact_url(url, REDACT_SHOWN, shown, sizeof(shown));
	if (jobs_check_url(url, err, sizeof(err)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	if ((rc = commands_valid_value("filter", "check-filter", filter)) != 0)
		return rc;
	if (fetch_global_init(wo->cafile) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot initialise libcurl\n");
		return 1;
	}
	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.connect_timeout = wo->connect_timeout;
	rq.timeout = wo->timeout;
	rq.max_body = wo->max_body;
	rq.cafile = wo->cafile;
	/* The body, for the compared text below. */
	body_fd = memfd_create("sitewatch-body", MFD_CLOEXEC);
	rq.body_fd = body_fd;
	if (fetch_run(&rq, &res, NULL, 0, NULL, NULL) == -1 ||
	    res.error != FETCH_OK) {
		(void)printf("url:           %s\nerror:         %s (%s)\n"
		    "time:          %.3f s\n", shown, res.message,
		    fetch_error_name(res.error), res.seconds);
		if (body_fd != -1)
			(void)close(body_fd);
		return 1;
	}
	/* As a watcher would store them: never a server's raw bytes on
	 * the person's terminal. */
	(void)httpval_lastmod(res.last_modified, lm, sizeof(lm));
	httpval_escape(res.etag, etag, sizeof(etag));
	(void)printf("url:           %s\nstatus:        %ld\n"
	    "last-modified: %s\netag:          %s\nbytes:         %zu\n"
	    "sha256:        ", shown, res.status, lm[0] ? lm : "-",
	    etag[0] ? etag : "-", res.body_len);
	for (i = 0; i < FETCH_HASH_LEN; i++)
		(void)printf("%02x", res.hash[i]);
	(void)printf("\ntime:          %.3f s\n", res.seconds);
	rc = 0;
	if (body_fd != -1 && res.status != 304)
		rc = show_text(body_fd, res.content_type, filter,
		    wo->timeout);
	if (body_fd != -1)
		(void)close(body_fd);
	return rc;
}


int
cmd_check_show(const char *file, const char *name,
    const struct watcher_opts *wo)
{
	struct jobs_file jf;
	const struct job *j;
	char *buf, lerr[JOBSFILE_LOAD_ERR];
	int rc;

	if (jobsfile_load(file, &jf, &buf, lerr, sizeof(lerr)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s\n", lerr);
		return 2;
	}
	j = jobs_find(&jf, name);
	if (j == NULL) {
		(void)fprintf(stderr, "sitewatch: %s: no job called \"%s\"\n",
		    file, name);
		rc = 2;
	} else {
		rc = cmd_check_url(j->url, j->filter, wo);
	}
	jobs_free(&jf);
	free(buf);
	return rc;
}
