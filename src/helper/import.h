/*
 * import.h - urlwatch's job file (urls.yaml) read into sitewatch rows:
 * name, url and the filter chain in sitewatch's `filter` column syntax,
 * plus one problem per job, key or filter that cannot be carried over.
 *
 * Linked into sitewatch-helper only (it uses libyaml).  Pure: no I/O.
 */
#ifndef SITEWATCH_IMPORT_H
#define SITEWATCH_IMPORT_H

#include <stddef.h>

/* A url job that can be carried over. */
struct import_job {
	size_t line;		/* 1-based line where its YAML document starts */
	char *name;		/* urlwatch's name, else one made from the url */
	char *url;
	char *filter;		/* a sitewatch filter chain, or NULL for none */
};

/* Something that was not carried over, and why. */
struct import_problem {
	size_t line;		/* 1-based line of the job, key or filter */
	char *msg;		/* e.g. job "x": filter "beautify" has no ... */
};

struct import_result {
	struct import_job *jobs;
	size_t njobs;
	struct import_problem *problems;
	size_t nproblems;
};

/*
 * Converts buf[0..len), urlwatch's job file (a YAML stream, one job per
 * document), into *r, which the caller frees with import_free().  Every
 * string in *r is valid UTF-8 without control characters.  Returns 0, or
 * -1 when buf is not valid YAML (then *r is empty, *errline is the 1-based
 * line and err says what is wrong) or memory ran out (errno ENOMEM,
 * *errline 0).
 */
int import_urlwatch(const char *buf, size_t len, struct import_result *r,
    size_t *errline, char *err, size_t errsz);

/* Frees everything in *r and zeroes it. */
void import_free(struct import_result *r);

/*
 * Writes into out a job name made from url: its host without "www." and
 * its path without the query, the fragment and a trailing slash, cut to
 * at most 64 bytes at a character boundary ("job" when nothing is left).
 * Returns 0, or -1 when it does not fit in outsz.
 */
int import_name_from_url(const char *url, char *out, size_t outsz);

#endif
