/*
 * watcher.c - the watcher's loop: wait -> check -> record -> notify -> look
 * at its row.
 *
 * A watcher owns one row of the jobs file, found by name.  Its wake-ups
 * come through one poll(2): a signalfd (SIGTERM and friends, SIGUSR1 to
 * check now, SIGUSR2 from the supervisor when the file changed), and, when
 * it runs alone, an inotify descriptor on the jobs file's directory.  The
 * check itself runs on libcurl's multi interface with the same descriptors
 * watched, so a stop written in the middle of a slow request is obeyed at
 * once.  Bookkeeping lives in the state folder; the row gets only the
 * last-modified value, and only when it changes.
 */
#define _GNU_SOURCE		/* signalfd, inotify, strnlen, memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/check.h"
#include "common/compare.h"
#include "common/event.h"
#include "common/fetch.h"
#include "common/httpval.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "common/record.h"
#include "common/redact.h"
#include "common/schedule.h"
#include "common/snapshot.h"
#include "common/state.h"
#include "common/util.h"
#include "watcher/watcher.h"

/* A cron or at row whose baseline check failed tries again this late,
 * doubling per failure in a row, up to the max (baseline_delay). */
#define BASELINE_RETRY_MS 30000L
#define BASELINE_RETRY_MAX_MS 3600000L

/* Everything the loop and the fetch interrupt share. */
struct watcher {
	const struct watcher_opts *o;
	struct job row;		/* its own row, as last read (jobs_copy) */
	struct state st;
	struct state_file sf;	/* st's file, kept open */
	char state_path[PATH_MAX];
	char snap_dir[PATH_MAX];	/* its snapshots (snapshot.h) */
	const char *base;	/* the jobs file's name within its directory */
	int sfd;		/* signalfd */
	int ifd;		/* inotify on the directory, -1 when supervised */
	int tfd;		/* timerfd of the next check, -1: none yet */
	int body_fd;		/* memfd of a check's body, kept empty between
				 * checks; -1: none yet */
	clockid_t tfd_clock;	/* its clock */
	struct stat seen;	/* the file as last read, for the stat poll */
	/* When the next check is due.  Durations count on CLOCK_BOOTTIME,
	 * which wall-clock changes do not disturb and which goes on through
	 * a suspend; cron and at times are wall-clock times. */
	long long due_boot;	/* SCHEDULE_EVERY: boot-clock ms */
	time_t due_wall;	/* SCHEDULE_CRON / _AT: the time, jitter added */
	time_t sched_wall;	/* ... and the scheduled time without jitter */
	long long extra_boot;	/* boot-clock ms of a check out of schedule
				 * (a cron or at row's baseline), 0: none */
	unsigned rand_state;
	int check_now;
	int reread;		/* the row must be read again */
	int end;		/* set: leave the loop with this result */
	int ending;
	int used;		/* a check ran since give_back() */
	char last_error[256];	/* the error last logged, for "once" */
	long retry_after;	/* s the last failed check's server asked to
				 * wait (Retry-After), 0: none */
};

enum row_read { ROW_OK, ROW_GONE, ROW_UNREADABLE };

/* Copies the row j into *r.  Returns ROW_OK, or ROW_UNREADABLE (out of
 * memory). */
static enum row_read
row_from_job(struct job *r, const struct job *j)
{
	return jobs_copy(r, j) == 0 ? ROW_OK : ROW_UNREADABLE;
}

/*
 * Reads the watcher's row from the jobs file into *r.  Returns ROW_OK,
 * ROW_GONE (no usable row of that name), or ROW_UNREADABLE (the file is
 * missing or does not parse right now: keep what we had).
 */
static enum row_read
row_read(struct watcher *w, struct job *r)
{
	struct jobs_file jf;
	const struct job *j;
	char *buf;
	size_t len;
	enum row_read rc = ROW_GONE;

	memset(r, 0, sizeof(*r));
	if (jobsfile_read(w->o->jobsfile, &buf, &len, &w->seen) == -1)
		return ROW_UNREADABLE;
	if (jobs_parse_only(&jf, buf, len, w->o->name) == -1) {
		jobs_free(&jf);
		free(buf);
		return ROW_UNREADABLE;
	}
	j = jobs_find(&jf, w->o->name);
	if (j != NULL)
		rc = row_from_job(r, j);
	jobs_free(&jf);
	free(buf);
	return rc;
}

/* Returns CLOCK_BOOTTIME in milliseconds: monotonic, and counting the
 * time the machine was suspended. */
static long long
boot_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns a random shift within +-jitter seconds, in milliseconds. */
static long long
jitter_ms(struct watcher *w)
{
	long j = w->row.sched.jitter;

	if (j <= 0)
		return 0;
	return (long long)(rand_r(&w->rand_state) % (unsigned)(2 * j * 1000 + 1)) -
	    (long long)j * 1000;
}

/* Why the next check is planned again (plan()). */
enum plan_why {
	PLAN_START,	/* the watcher starts: a first check after delay_ms */
	PLAN_SCHEDULED,	/* the check the schedule asked for has been made */
	PLAN_EXTRA,	/* a check out of schedule: by hand, or a baseline */
	PLAN_EDITED	/* the row's schedule was changed */
};

/* Writes into the state when the next check is due (Unix time, 0: none
 * planned), the earlier of the scheduled check and a check out of
 * schedule, for `sitewatch status`. */
static void
publish_next(struct watcher *w)
{
	long long now = (long long)time(NULL), next = 0;

	if (w->row.sched.kind == SCHEDULE_EVERY)
		next = now + (w->due_boot - boot_ms() + 999) / 1000;
	else if (w->due_wall != (time_t)-1)
		next = (long long)w->due_wall;
	if (w->extra_boot != 0) {
		long long extra = now + (w->extra_boot - boot_ms() + 999) / 1000;

		if (next == 0 || extra < next)
			next = extra;
	}
	w->st.next_check = next;
}

/*
 * Returns in how many ms a cron or at row with no baseline checks to take
 * it: after the spread delay_ms at start, at once after an edit, and
 * after a check that still left none (it failed) BASELINE_RETRY_MS,
 * doubling with each failure in a row up to BASELINE_RETRY_MAX_MS, so
 * that a server down at start does not cost the row its baseline until
 * the next scheduled time (a week for @weekly).
 */
static long
baseline_delay(const struct watcher *w, enum plan_why why, long delay_ms)
{
	long d = BASELINE_RETRY_MS;
	unsigned k;

	if (why == PLAN_START)
		return delay_ms;
	if (why == PLAN_EDITED)
		return 0;
	for (k = 1; k < w->st.failures && d < BASELINE_RETRY_MAX_MS; k++)
		d *= 2;
	return d < BASELINE_RETRY_MAX_MS ? d : BASELINE_RETRY_MAX_MS;
}

/* Plans the next check of a duration: delay_ms after the start, from the
 * last check after an edit, else a duration (and its jitter) from now. */
static void
plan_every(struct watcher *w, enum plan_why why, long delay_ms, time_t now)
{
	const struct schedule *sc = &w->row.sched;
	long long due = boot_ms() + (long long)sc->every * 1000 +
	    jitter_ms(w);

	w->extra_boot = 0;
	if (why == PLAN_START) {
		due = boot_ms() + delay_ms;
	} else if (why == PLAN_EDITED) {
		/* From the last check when there was one, never before now
		 * (a check the new schedule finds overdue is made now, and
		 * is no catch-up). */
		long long left = w->st.last_check > 0 ?
		    w->st.last_check + sc->every - (long long)now : 0;

		due = boot_ms() + (left > 0 ? left * 1000 : 0);
	}
	w->due_boot = due;
}

/*
 * The one place that decides when the watcher checks next, for each
 * reason it may have to plan again (enum plan_why); delay_ms is the
 * spread of a first check (PLAN_START only).
 *
 * A duration counts from the last check, whatever made it: a check by
 * hand moves the next one.  Cron and at times stay where the schedule
 * puts them: a check out of schedule moves nothing.  Every row takes its
 * silent baseline at start: a duration's first check is it; a cron or at
 * row with no baseline gets a check of its own, after delay_ms, and then
 * checks on its schedule (so its first scheduled check can tell a
 * change); while that baseline check fails it is tried again
 * (baseline_delay), never later than the schedule's own next check.  A one-shot time already past at start is checked once, at
 * once (a baseline when there is none, else a compare).
 */
static void
plan(struct watcher *w, enum plan_why why, long delay_ms)
{
	const struct schedule *sc = &w->row.sched;
	time_t now = time(NULL), t;

	if (why != PLAN_START && why != PLAN_EDITED)
		w->extra_boot = 0;	/* whatever check was made covers it */
	if (sc->kind == SCHEDULE_EVERY) {
		plan_every(w, why, delay_ms, now);
		publish_next(w);
		return;
	}
	if (why == PLAN_EXTRA) {
		if (!w->st.baseline)
			w->extra_boot = boot_ms() + baseline_delay(w, why, 0);
		publish_next(w);
		return;
	}
	/* After a run that jitter made early, plan from its scheduled time,
	 * or the same time would come round again. */
	t = schedule_next(sc, why != PLAN_SCHEDULED || w->sched_wall < now ?
	    now : w->sched_wall);
	if (t == (time_t)-1 && why != PLAN_SCHEDULED &&
	    sc->kind == SCHEDULE_AT) {
		/* A one-shot time already past: check once, now. */
		w->sched_wall = w->due_wall = now;
		w->extra_boot = 0;
	} else if (t == (time_t)-1) {
		w->sched_wall = w->due_wall = (time_t)-1;
	} else {
		w->sched_wall = t;
		w->due_wall = t + (time_t)(jitter_ms(w) / 1000);
		if (!w->st.baseline && w->extra_boot == 0)
			w->extra_boot = boot_ms() + baseline_delay(w, why,
			    delay_ms);
	}
	publish_next(w);
}

/* Returns the milliseconds until the scheduled check is due (0: due now,
 * or LLONG_MAX: none planned). */
static long long
until_scheduled(const struct watcher *w)
{
	long long d;

	if (w->row.sched.kind == SCHEDULE_EVERY)
		d = w->due_boot - boot_ms();
	else if (w->due_wall == (time_t)-1)
		return LLONG_MAX;
	else
		d = ((long long)w->due_wall - (long long)time(NULL)) * 1000;
	return d < 0 ? 0 : d;
}

/* Returns the milliseconds until the next check is due, scheduled or
 * not (0: due now, or LLONG_MAX: none planned). */
static long long
until_due(const struct watcher *w)
{
	long long d = until_scheduled(w);

	if (w->extra_boot != 0 && w->extra_boot - boot_ms() < d)
		d = w->extra_boot - boot_ms();
	return d < 0 ? 0 : d;
}

/*
 * Says so in the log when the check now due is late by more than one
 * period: the machine slept, or the process was stopped.  The missed runs
 * are not made up: one check now stands for all of them.
 */
static void
log_catch_up(struct watcher *w)
{
	const struct schedule *sc = &w->row.sched;
	long missed = 0;

	if (sc->kind == SCHEDULE_EVERY) {
		long long late = boot_ms() - w->due_boot;

		if (late > 0)
			missed = (long)(late / ((long long)sc->every * 1000));
	} else if (sc->kind == SCHEDULE_CRON && w->sched_wall != (time_t)-1) {
		time_t t = w->sched_wall, now = time(NULL);

		while (missed < 100000 && (t = schedule_next(sc, t)) !=
		    (time_t)-1 && t <= now)
			missed++;
	}
	if (missed > 0)
		log_msg(w->o->name, "caught up: %ld check%s missed while the "
		    "machine slept or the watcher was stopped; checking once "
		    "now", missed, missed == 1 ? "" : "s");
}

/*
 * Logs an error once per run of the same error; at -v every failed check,
 * the repeats as "error again (N checks in a row)".  Errors are the same
 * when their key (class and HTTP status) is: the message may differ in
 * details such as the milliseconds a timeout took.
 */
static void
log_error(struct watcher *w, const char *key, const char *msg)
{
	if (strcmp(w->last_error, key) == 0) {
		if (log_verbose)
			log_msg(w->o->name, "error again (%u checks in a row): "
			    "%s", w->st.failures, msg);
		return;
	}
	log_msg(w->o->name, "error: %s", msg);
	(void)snprintf(w->last_error, sizeof(w->last_error), "%s", key);
}

/* Saves the state: in place when the file is open, else in one go. */
static void
save(struct watcher *w)
{
	int r = w->sf.fd != -1 ? state_write(&w->sf, &w->st) :
	    state_save(w->state_path, &w->st);

	if (r == -1)
		log_error(w, "state", "cannot save the state file");
}

/*
 * Makes the state belong to the row r (its URL and filter).
 * A state recorded for anything else is dropped: the next check is a
 * silent new baseline, and no validator of another URL is ever sent.
 * why says what the person changed, for the log ("url changed to ..."),
 * or is NULL for a state found at start.  Returns 1 when it was dropped.
 */
static int
adopt_state(struct watcher *w, const struct job *r, const char *why)
{
	int had = w->st.baseline;

	if (!state_adopt(&w->st, state_identity(r->url, r->filter)))
		return 0;
	if (why != NULL)
		log_msg(w->o->name, "%s: the next check records a new "
		    "baseline", why);
	else if (had)
		log_msg(w->o->name, "the state in %s was recorded for another "
		    "url or filter: the next check records a new baseline",
		    w->state_path);
	return 1;
}

/*
 * Says in the log, with the file and line, when the row's filter or notify
 * condition is not valid: the row is then refused, as --check and the
 * supervisor refuse it (check_row).  Returns 1 then, else 0 (also when
 * the helper cannot tell: a check says so).
 */
static int
report_bad_compare(struct watcher *w, const struct job *r)
{
	char why[600];

	if (check_row(NULL, r, why, sizeof(why)) != 1)
		return 0;
	log_msg(w->o->name, "%s:%zu: %s; this row cannot be used: stopping",
	    w->o->jobsfile, r->lineno, why);
	return 1;
}

/* Names the watcher in ps(1) after its row: "sitewatch: NAME
 * scheme://host/path" (every local user sees it: no credentials, no
 * query), comm "sw:NAME". */
static void
name_self(const struct watcher *w)
{
	char url[REDACT_MAX];

	proctitle_set(w->o->name, "%s %s", w->o->name,
	    redact_url(w->row.url, REDACT_TITLE, url, sizeof(url)));
}

/* The row's URL or filter changed to r's: a silent new baseline (the
 * state adopted, saved, and a check now) when the state says so. */
static void
identity_changed(struct watcher *w, const struct job *r)
{
	char why[256], url[REDACT_MAX];

	if (strcmp(r->url, w->row.url) != 0)
		(void)snprintf(why, sizeof(why), "url changed to %.200s",
		    redact_url(r->url, REDACT_SHOWN, url, sizeof(url)));
	else
		(void)snprintf(why, sizeof(why), "filter changed to "
		    "\"%.190s\"", r->filter);
	if (adopt_state(w, r, why)) {
		save(w);
		w->check_now = 1;
	}
}

/*
 * Reads the row again and acts on what jobs_diff() says changed: a stop
 * or a removed row ends the watcher; a new URL or filter starts a silent
 * new baseline; a new schedule is planned at once.  Returns 1 when the
 * watcher must end.
 */
static int
reread_row(struct watcher *w)
{
	struct job r;
	enum row_read rr;
	unsigned diff;

	w->reread = 0;
	rr = row_read(w, &r);
	if (rr == ROW_GONE) {
		/* A person rewriting the file in place may leave it short
		 * for a moment: look once more before believing it. */
		util_sleep_ms(200);
		rr = row_read(w, &r);
	}
	if (rr == ROW_UNREADABLE)
		return 0;	/* try again at the next wake-up */
	if (rr == ROW_GONE) {
		log_msg(w->o->name, "row removed from %s: stopping",
		    w->o->jobsfile);
		return 1;
	}
	diff = jobs_diff(&w->row, &r);
	if (diff & JOBS_DIFF_DOWN) {
		log_msg(w->o->name, "stopped (pid field says %s; set it "
		    "to - to start it again)", jobs_pid_word(r.pid_kind));
		jobs_clear(&r);
		return 1;
	}
	if (((diff & JOBS_DIFF_TELL) || strcmp(r.filter, w->row.filter) != 0) &&
	    report_bad_compare(w, &r)) {
		jobs_clear(&r);
		return 1;
	}
	if (diff & JOBS_DIFF_IDENTITY)
		identity_changed(w, &r);
	jobs_clear(&w->row);
	w->row = r;
	if (diff & JOBS_DIFF_IDENTITY)
		name_self(w);
	if (diff & JOBS_DIFF_SCHEDULE) {
		log_msg(w->o->name, "interval changed to %s",
		    w->row.interval_text);
		plan(w, PLAN_EDITED, 0);
		save(w);
	}
	return 0;
}

/*
 * Arms the timerfd for the next check, on the clock its time counts on:
 * CLOCK_BOOTTIME for a duration (so a suspend does not delay it) and for
 * a check out of schedule that comes first (a cron row's baseline, a few
 * seconds away), the wall clock for cron and at times (so a clock that is
 * set is followed).  An idle watcher then sleeps until its check, with no
 * wake-up in between.  Returns 0, or -1 (no timer: the caller polls once
 * a second).
 */
static int
arm_timer(struct watcher *w)
{
	struct itimerspec its;
	int boot = w->row.sched.kind == SCHEDULE_EVERY || (w->extra_boot != 0 &&
	    w->extra_boot - boot_ms() < until_scheduled(w));
	clockid_t clk = boot ? CLOCK_BOOTTIME : CLOCK_REALTIME;
	long long due = w->row.sched.kind == SCHEDULE_EVERY ? w->due_boot :
	    w->extra_boot;

	if (w->tfd != -1 && w->tfd_clock != clk) {
		(void)close(w->tfd);
		w->tfd = -1;
	}
	if (w->tfd == -1) {
		w->tfd = timerfd_create(clk, TFD_NONBLOCK | TFD_CLOEXEC);
		if (w->tfd == -1)
			return -1;
		w->tfd_clock = clk;
	}
	memset(&its, 0, sizeof(its));
	if (boot) {
		its.it_value.tv_sec = (time_t)(due / 1000);
		its.it_value.tv_nsec = (long)(due % 1000) * 1000000;
	} else if (w->due_wall != (time_t)-1) {
		its.it_value.tv_sec = w->due_wall;
	}
	/* A zero it_value disarms: no check is planned. */
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = boot ? 1 : 0;
	return timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Returns 1 when the jobs file is not the one last read (stat poll). */
static int
file_changed(struct watcher *w)
{
	struct stat st;

	if (stat(w->o->jobsfile, &st) == -1)
		return 0;
	return !util_same_stat(&st, &w->seen);
}

/* Takes the pending signals off the signalfd and records what they ask. */
static void
drain_signals(struct watcher *w)
{
	struct signalfd_siginfo si;

	if (w->sfd == -1)
		return;
	while (read(w->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
			w->ending = 1;
			w->end = -(int)si.ssi_signo;
			break;
		case SIGUSR1:
			w->check_now = 1;
			break;
		case SIGUSR2:
			w->reread = 1;
			break;
		default:
			break;
		}
	}
}

/* Takes the pending inotify events; one about the jobs file asks for the
 * row to be read again. */
static void
drain_inotify(struct watcher *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	if (w->ifd == -1)
		return;
	while ((n = read(w->ifd, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len > 0 && strcmp(ev->name, w->base) == 0)
				w->reread = 1;
			if (ev->mask & IN_Q_OVERFLOW)
				w->reread = 1;
			p += sizeof(*ev) + ev->len;
		}
	}
}

/*
 * The interrupt of a running check: a signal to end, or a stop or removal
 * of the row seen in the file, aborts it.  Returns 1 to abort.
 */
static int
check_interrupt(void *arg)
{
	struct watcher *w = arg;

	drain_signals(w);
	drain_inotify(w);
	if (w->ending)
		return 1;
	if (!w->o->supervised && file_changed(w))
		w->reread = 1;
	if (w->reread) {
		unsigned long long id = w->st.identity;
		int stop = reread_row(w);

		/* A new URL or filter makes the running check pointless. */
		if (stop || w->st.identity != id) {
			if (stop) {
				w->ending = 1;
				w->end = WATCHER_STOPPED;
			} else {
				w->check_now = 1;
			}
			return 1;
		}
	}
	return 0;
}

/*
 * Puts the row's new last-modified value into the record pipe, whole.
 * Returns 0, or -1 (no pipe: a watcher alone; or a record too long for one
 * atomic write): the caller writes it itself.
 */
static int
send_record(struct watcher *w, const char *value)
{
	if (w->o->record_fd == -1 || w->o->record_rfd == -1)
		return -1;
	return record_send(w->o->record_fd, w->o->name, value);
}

/*
 * Writes the row's last-modified field.  A supervised watcher puts its
 * value in the record pipe first, then takes the file's lock and writes
 * every record in the pipe: when many pages change at once, the first to
 * get the lock writes them all in one rewrite, and the others find their
 * record written.  (1,000 watchers each rewriting a 1,000-row file in
 * turn took 20 s.)  Returns 1 when the row is gone.
 */
static int
record(struct watcher *w, const char *value)
{
	struct jobs_edit e = { .name = w->o->name, .lastmod = value };
	char err[512];

	if (send_record(w, value) == 0) {
		long n = record_write(w->o->jobsfile, w->o->record_rfd, err,
		    sizeof(err));

		if (n == -1) {
			log_msg(w->o->name, "cannot record the change: %s", err);
			return 0;
		}
		if (n > 0 && log_verbose)
			log_msg(w->o->name, "recorded %ld last-modified "
			    "value%s in one rewrite", n, n == 1 ? "" : "s");
		/* A row that is gone: the supervisor's SIGUSR2 says so. */
	} else if (jobsfile_edit(w->o->jobsfile, &e, 1, err, sizeof(err)) != 0) {
		log_msg(w->o->name, "cannot record the change: %s", err);
		return 0;
	} else if (e.result == JOBS_EDIT_NOROW) {
		return 1;
	} else if (e.result == JOBS_EDIT_INVALID) {
		record_log_refused(&e, 1);
		return 0;
	}
	free(w->row.lastmod);
	w->row.lastmod = strdup(value);
	if (w->row.lastmod == NULL)
		w->row.lastmod = strdup("");
	return 0;
}

/*
 * Counts a failed check: its result word and whole message go into the
 * state, and the log has the message once per run of the same error (key
 * tells errors apart).  The stored page and validators stay as they were:
 * the next good answer is compared with the state from before.
 */
static void
check_failed(struct watcher *w, const char *result, const char *key,
    const char *msg)
{
	w->st.failures++;
	(void)util_copy(w->st.last_result, sizeof(w->st.last_result), result);
	(void)util_copy(w->st.last_error, sizeof(w->st.last_error), msg);
	log_error(w, key, msg);
}

/*
 * What a change was (from `sitewatch-helper changes`), and the compare
 * step's buffers.  It lives on the heap for the check only: on the stack,
 * its pages would stay with an idle watcher for good.
 */
struct change {
	long added, removed;
	int notify;			/* the row's notify condition holds */
	char lines[4096 + 1];		/* the added lines, '\n'-separated */
	char diff_path[PATH_MAX];	/* its unified diff, or "" */
	char new_path[PATH_MAX];	/* the text being compared */
	char old_path[PATH_MAX];	/* the newest snapshot's */
	char out[8192];			/* what `changes` printed */
};

/*
 * Runs sitewatch-helper with args (stdin in_fd, stdout out_fd) for the
 * check, obeying a stop or a signal while it runs.  Returns its exit code
 * (0 success), or COMPARE_TROUBLE / 1 / 2 after counting the check as
 * failed, or COMPARE_ABORTED.
 */
static int
run_helper(struct watcher *w, const char *const *args, int in_fd, int out_fd)
{
	struct compare_run r;
	int fds[2], nfds = 0, rc;
	char err[512], msg[600];

	if (w->sfd != -1)
		fds[nfds++] = w->sfd;
	if (w->ifd != -1)
		fds[nfds++] = w->ifd;
	memset(&r, 0, sizeof(r));
	r.args = args;
	r.in_fd = in_fd;
	r.out_fd = out_fd;
	r.timeout = w->o->timeout + 5;
	r.fds = fds;
	r.nfds = (unsigned)nfds;
	r.interrupt = check_interrupt;
	r.arg = w;
	rc = compare_helper(&r, err, sizeof(err));
	if (rc == 0 || rc == COMPARE_ABORTED)
		return rc;
	/* A chain that fails (a selector that matches nothing) is a failed
	 * check like an HTTP error: never a change to empty. */
	(void)snprintf(msg, sizeof(msg), "%s: %s", args[0], err);
	check_failed(w, rc == 1 ? "filter failed" : "helper failed", msg, msg);
	return rc;
}

/*
 * Hashes the text in fd (SHA-256, through a mapping: no buffer stays
 * behind) into hash, unless it is longer than max bytes; sets *total to
 * its length.  Returns 0, or -1 when it cannot be read.
 */
static int
hash_text(int fd, size_t max, unsigned char *hash, size_t *total)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	gsize len = FETCH_HASH_LEN;
	struct stat sb;
	void *map;
	int n = 0;

	*total = 0;
	if (fstat(fd, &sb) == -1)
		n = -1;
	else
		*total = (size_t)sb.st_size;
	if (n == 0 && *total > 0 && *total <= max) {
		map = mmap(NULL, *total, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			n = -1;
		else
			g_checksum_update(sum, map, (gssize)*total);
		if (map != MAP_FAILED)
			(void)munmap(map, *total);
	}
	g_checksum_get_digest(sum, hash, &len);
	g_checksum_free(sum);
	return n;
}

/*
 * Turns the body in body_fd into the compared text, in the snapshot
 * folder's "new", and hashes it into hash.  ctype, the answer's
 * Content-Type, decides the default filter ("": the helper sniffs the
 * body).  Returns 0, -1 when the check failed (counted), or
 * COMPARE_ABORTED.
 */
static int
filter_body(struct watcher *w, int body_fd, const char *ctype,
    unsigned char *hash, struct change *ch)
{
	char timeout[32], msg[256];
	const char *args[] = { "filter", "--timeout", timeout, "--type",
	    ctype, "--", w->row.filter, NULL };
	char *path = ch->new_path;
	size_t total = 0;
	int fd, rc, n;

	fd = snapshot_open_new(w->snap_dir, path, sizeof(ch->new_path));
	if (fd == -1) {
		(void)snprintf(msg, sizeof(msg), "cannot write %.150s: %s",
		    w->snap_dir, strerror(errno));
		check_failed(w, "state", "snapshot", msg);
		return -1;
	}
	(void)snprintf(timeout, sizeof(timeout), "%ld", w->o->timeout);
	rc = run_helper(w, args, body_fd, fd);
	if (rc != 0) {
		(void)close(fd);
		snapshot_discard(w->snap_dir);
		return rc == COMPARE_ABORTED ? rc : -1;
	}
	n = hash_text(fd, w->o->max_body, hash, &total);
	(void)close(fd);
	if (n == -1 || total > w->o->max_body) {
		snapshot_discard(w->snap_dir);
		if (n == -1)
			(void)snprintf(msg, sizeof(msg), "cannot read %.150s: "
			    "%s", path, strerror(errno));
		else
			(void)snprintf(msg, sizeof(msg), "the compared text "
			    "is larger than %zu bytes", w->o->max_body);
		check_failed(w, n == -1 ? "state" : "too large", msg, msg);
		return -1;
	}
	return 0;
}

/* Formats t as "2026-12-02T10:00:00Z" into buf. */
static void
iso_time(long long t, char *buf, size_t bufsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	(void)gmtime_r(&tt, &tm);
	(void)strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads what `sitewatch-helper changes` printed (in fd) into *ch.
 * Returns 0, or -1 when it is not that. */
static int
parse_changes(int fd, struct change *ch)
{
	char *buf = ch->out, *p;
	ssize_t n = pread(fd, buf, sizeof(ch->out) - 1, 0);
	int notify;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "added %ld\nremoved %ld\nnotify %d\n", &ch->added,
	    &ch->removed, &notify) != 3)
		return -1;
	ch->notify = notify != 0;
	/* The added lines follow, each '+'-prefixed. */
	p = buf;
	for (n = 0; n < 3 && p != NULL; n++) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	ch->lines[0] = '\0';
	while (p != NULL && *p == '+') {
		char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t have = strlen(ch->lines);

		if (have + len + 1 > sizeof(ch->lines) - 1)
			break;
		memcpy(ch->lines + have, p + 1, len - 1);
		ch->lines[have + len - 1] = '\n';
		ch->lines[have + len] = '\0';
		p = nl != NULL ? nl + 1 : NULL;
	}
	return 0;
}

/*
 * Compares the text in "new" with the newest snapshot (old, taken at
 * old_time): fills *ch, and writes the unified diff beside "new".
 * Returns 0, -1 when the check failed (counted), or COMPARE_ABORTED.
 */
static int
diff_texts(struct watcher *w, const char *old, long long old_time,
    long long now, struct change *ch)
{
	char lold[300], lnew[300], t[32];
	const char *args[] = { "changes", "--notify", compare_is_default(
	    w->row.notify) ? "-" : w->row.notify, "--diff-out",
	    ch->diff_path, "--label-old", lold, "--label-new", lnew, old,
	    ch->new_path, NULL };
	int fd, rc;

	if (snapshot_new_path(w->snap_dir, "diff", ch->diff_path,
	    sizeof(ch->diff_path)) == -1) {
		check_failed(w, "state", "path", "state path too long");
		return -1;
	}
	iso_time(old_time, t, sizeof(t));
	(void)snprintf(lold, sizeof(lold), "%.200s %s", w->o->name, t);
	iso_time(now, t, sizeof(t));
	(void)snprintf(lnew, sizeof(lnew), "%.200s %s", w->o->name, t);
	fd = memfd_create("sitewatch-changes", MFD_CLOEXEC);
	if (fd == -1) {
		check_failed(w, "error", "memfd", "memfd_create failed");
		return -1;
	}
	rc = run_helper(w, args, -1, fd);
	if (rc == 0 && parse_changes(fd, ch) == -1) {
		check_failed(w, "helper failed", "changes output",
		    "sitewatch-helper changes: unexpected output");
		rc = -1;
	}
	(void)close(fd);
	if (rc != 0)
		return rc == COMPARE_ABORTED ? rc : -1;
	return 0;
}

/*
 * Keeps the snapshot being made (snap) as the newest, and hash as the
 * compared text's.  Returns 0, or -1 when it cannot be kept (the check
 * counted as failed, the snapshot discarded).
 */
static int
keep_snapshot(struct watcher *w, struct snapshot *snap,
    const unsigned char *hash)
{
	if (snapshot_commit(w->snap_dir, snap, w->o->keep > 0 ? w->o->keep :
	    SNAPSHOT_KEEP_DEFAULT) == -1) {
		char msg[300];

		(void)snprintf(msg, sizeof(msg), "cannot keep the snapshot in "
		    "%.200s: %s", w->snap_dir, strerror(errno));
		snapshot_discard(w->snap_dir);
		check_failed(w, "state", "snapshot", msg);
		return -1;
	}
	memcpy(w->st.text_hash, hash, FETCH_HASH_LEN);
	w->st.has_text_hash = 1;
	return 0;
}

/*
 * The compare step of a 2xx answer whose body is in body_fd: the row's
 * filter makes the compared text (in the helper, and only when the raw
 * body is not the one stored), which is compared with the newest
 * snapshot.  A first check, a state that belongs to another URL or
 * filter, or lost snapshots make a silent baseline.  Returns 1 for a
 * change (*ch filled, the snapshot kept), 0 for none, -1 when the check
 * failed (counted), or COMPARE_ABORTED.
 */
static int
compare_body(struct watcher *w, const struct fetch_result *res, int body_fd,
    long long now, struct change *ch)
{
	unsigned char hash[FETCH_HASH_LEN];
	struct snapshot *list = NULL, snap;
	size_t n = 0;
	char *old = ch->old_path;
	int rc, baseline;

	if (w->st.baseline && w->st.has_hash && w->st.has_text_hash &&
	    memcmp(w->st.hash, res->hash, FETCH_HASH_LEN) == 0)
		return 0;	/* the same bytes: the helper is not needed */
	rc = filter_body(w, body_fd, res->content_type, hash, ch);
	if (rc != 0)
		return rc;
	(void)snapshot_list(w->snap_dir, &list, &n);
	baseline = !w->st.baseline || !w->st.has_text_hash || n == 0 ||
	    snapshot_path(w->snap_dir, list[n - 1].seq, NULL, old,
	    sizeof(ch->old_path)) == -1;
	if (!baseline && memcmp(hash, w->st.text_hash, FETCH_HASH_LEN) == 0) {
		free(list);
		snapshot_discard(w->snap_dir);
		return 0;
	}
	memset(&snap, 0, sizeof(snap));
	snap.time = now;
	snap.added = snap.removed = -1;
	if (!baseline) {
		rc = diff_texts(w, old, list[n - 1].time, now, ch);
		if (rc != 0) {
			free(list);
			snapshot_discard(w->snap_dir);
			return rc;
		}
		snap.added = ch->added;
		snap.removed = ch->removed;
	} else if (w->st.baseline && log_verbose) {
		log_msg(w->o->name, "no snapshot to compare with: a new "
		    "baseline");
	}
	free(list);
	/* The same lines (a state saved before a crash): nothing to tell. */
	if (!baseline && ch->added == 0 && ch->removed == 0) {
		memcpy(w->st.text_hash, hash, FETCH_HASH_LEN);
		snapshot_discard(w->snap_dir);
		return 0;
	}
	if (keep_snapshot(w, &snap, hash) == -1)
		return -1;
	if (baseline)
		return 0;
	(void)snapshot_path(w->snap_dir, snap.seq, "diff", ch->diff_path,
	    sizeof(ch->diff_path));
	return 1;
}

/*
 * Writes into buf (size bufsz) what changed, as the log and `sitewatch
 * check` say it: "(+3 -1)", and the first added line (at most 80 bytes,
 * "..." when there is more) after a space when there is one.
 */
static void
change_brief(const struct change *ch, char *buf, size_t bufsz)
{
	const char *nl = strchr(ch->lines, '\n');
	size_t len = nl != NULL ? (size_t)(nl - ch->lines) : strlen(ch->lines);
	int more = nl != NULL && nl[1] != '\0';

	if (len > 80) {
		len = 80;
		more = 1;
	}
	len = util_utf8_cut(ch->lines, len);	/* not inside a character */
	(void)snprintf(buf, bufsz, "(+%ld -%ld)%s%.*s%s", ch->added,
	    ch->removed, len > 0 ? " " : "", (int)len, ch->lines,
	    len > 0 && more ? "..." : "");
}

/*
 * Writes the log line of a change: "changed: URL (+3 -1) first added
 * line..." (one line; the URL as redact_url shows it; what changed as
 * change_brief() put it into the state).  A change the row's notify
 * condition does not tell is logged at -v only.
 */
static void
log_change(struct watcher *w, const struct change *ch)
{
	char url[REDACT_MAX];

	(void)redact_url(w->row.url, REDACT_SHOWN, url, sizeof(url));
	if (ch->notify)
		log_msg(w->o->name, "changed: %s %s", url,
		    w->st.last_change_brief);
	else if (log_verbose)
		log_msg(w->o->name, "changed, not told (notify %s): %s %s",
		    w->row.notify, url, w->st.last_change_brief);
}

/*
 * Tells the notifier about a change (old and new are the row's
 * last-modified values), unless the row's notify condition says no.
 */
static void
tell_change(struct watcher *w, const char *old, const char *new_value,
    const struct change *ch)
{
	struct notify_event ev;

	if (!ch->notify || w->o->notify_fd == -1)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = NOTIFY_CHANGED;
	ev.name = w->o->name;
	ev.url = w->row.url;
	ev.old_value = old;
	ev.new_value = new_value;
	ev.added = ch->added;
	ev.removed = ch->removed;
	ev.added_lines = ch->lines[0] != '\0' ? ch->lines : NULL;
	ev.diff_path = ch->diff_path[0] != '\0' ? ch->diff_path : NULL;
	if (event_send(w->o->notify_fd, &ev) == -1)
		log_msg(w->o->name, "notification dropped: the notifier is "
		    "not keeping up");
}

/*
 * Says once that the watcher has failed --alert-after checks in a row
 * (log and notifier: "failing since TIME: reason"), and once that it
 * recovered, when it had said so.  Called after each check, good or
 * failed; what was said is in the state, so a restarted watcher neither
 * repeats nor forgets it.
 */
static void
alert(struct watcher *w)
{
	struct notify_event ev;
	char since[32];

	memset(&ev, 0, sizeof(ev));
	ev.name = w->o->name;
	ev.url = w->row.url;
	ev.added = ev.removed = -1;
	if (w->st.failures > 0) {
		if (w->st.failing_since == 0)
			w->st.failing_since = w->st.last_check;
		if (w->st.alerted || w->o->alert_after == 0 ||
		    w->st.failures < w->o->alert_after)
			return;
		w->st.alerted = 1;
		iso_time(w->st.failing_since, since, sizeof(since));
		log_msg(w->o->name, "failing since %s: %s", since,
		    w->st.last_error);
		ev.kind = NOTIFY_FAILING;
		ev.reason = w->st.last_error;
		ev.since = w->st.failing_since;
	} else {
		w->st.failing_since = 0;
		if (!w->st.alerted)
			return;
		w->st.alerted = 0;
		/* The log has said "recovered after N failed checks". */
		ev.kind = NOTIFY_RECOVERED;
	}
	if (w->o->notify_fd != -1 && event_send(w->o->notify_fd,
	    &ev) == -1)
		log_msg(w->o->name, "notification dropped: the notifier is "
		    "not keeping up");
}

/* What one check fetched, and the server's values made valid. */
struct answer {
	struct fetch_result res;
	int body_fd;			/* the decoded body (memfd), or -1 */
	long long now;			/* when the check started */
	int lm_is_date;			/* lm may be sent as If-Modified-Since */
	char lm[FETCH_VALIDATOR_MAX];	/* Last-Modified, made valid */
	char etag[FETCH_VALIDATOR_MAX];	/* ETag, or "" when not usable */
};

/* Fills rq with the row's URL, the stored validators (once there is a
 * baseline) and the watcher's limits; no body fd yet. */
static void
fetch_request_of(const struct watcher *w, struct fetch_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->url = w->row.url;
	rq->etag = w->st.baseline ? w->st.etag : NULL;
	rq->last_modified = w->st.baseline ? w->st.last_modified : NULL;
	rq->connect_timeout = w->o->connect_timeout;
	rq->timeout = w->o->timeout;
	rq->max_body = w->o->max_body;
	rq->cafile = w->o->cafile;
}

/* Makes a 304 to a request rq without validators a failed answer:
 * nothing was asked to be compared, a broken server, and no state to
 * build on. */
static void
refuse_bare_304(const struct fetch_request *rq, struct fetch_result *res)
{
	if (res->error == FETCH_OK && res->status == 304 &&
	    (rq->etag == NULL || *rq->etag == '\0') &&
	    (rq->last_modified == NULL || *rq->last_modified == '\0')) {
		res->error = FETCH_HTTP;
		(void)snprintf(res->message, sizeof(res->message), "HTTP 304 "
		    "Not Modified to a request without validators: "
		    "nothing to compare");
	}
}

/* Counts a failed answer res (check_failed()): never a change, and the
 * validators stay as they were; keeps how long the server asked to wait. */
static void
fetch_failed(struct watcher *w, const struct fetch_result *res)
{
	char result[64], key[64];

	if (res->error == FETCH_HTTP)
		(void)snprintf(result, sizeof(result), "HTTP %ld", res->status);
	else
		(void)snprintf(result, sizeof(result), "%s",
		    fetch_error_name(res->error));
	(void)snprintf(key, sizeof(key), "%s %ld", fetch_error_name(res->error),
	    res->status);
	check_failed(w, result, key, res->message);
	w->retry_after = res->retry_after;
}

/*
 * The fetch step: one conditional GET with the stored validators, its body
 * kept in a memfd for the compare step.  A failed answer is counted
 * (check_failed()) with how long the server asked to wait, if it did.
 * Returns 0 for an answer to compare, -1 when the check failed or could not
 * be made, or COMPARE_ABORTED when a stop or a new URL interrupted it.
 */
static int
fetch_answer(struct watcher *w, struct answer *a)
{
	struct fetch_request rq;
	struct fetch_result *res = &a->res;
	int fds[2], nfds = 0;

	fetch_request_of(w, &rq);
	if (w->sfd != -1)
		fds[nfds++] = w->sfd;
	if (w->ifd != -1)
		fds[nfds++] = w->ifd;
	/* The body for the helper, in memory only while the check runs
	 * (empty_body()): an idle watcher keeps an empty file.  Made once,
	 * not at every check. */
	if (w->body_fd == -1)
		w->body_fd = memfd_create("sitewatch-body", MFD_CLOEXEC);
	a->body_fd = rq.body_fd = w->body_fd;
	if (a->body_fd == -1) {
		log_error(w, "setup", "memfd_create failed");
		return -1;
	}
	if (fetch_run(&rq, res, fds, (unsigned)nfds, check_interrupt, w) == -1) {
		log_error(w, "setup", res->message);
		return -1;
	}
	if (res->ca_rebuilt != 0 && log_verbose)
		log_msg(w->o->name, res->ca_rebuilt > 0 ? "CA store rebuilt: "
		    "the CA bundle changed" : "the CA bundle changed and "
		    "cannot be read: each check reads it until it can");
	if (res->error == FETCH_ABORTED)
		return COMPARE_ABORTED;
	/* What the server sent, made valid before anything stores it. */
	a->lm_is_date = httpval_lastmod(res->last_modified, a->lm, sizeof(a->lm));
	(void)httpval_etag(res->etag, a->etag, sizeof(a->etag));
	refuse_bare_304(&rq, res);
	w->st.last_check = a->now;
	w->st.checks++;
	if (res->error == FETCH_OK)
		return 0;
	fetch_failed(w, res);
	return -1;
}

/*
 * The compare step: a 304 is no change; a 2xx body is compared
 * (compare_body()), with *ch allocated for what changed (the caller frees
 * it).  Returns 1 for a change, 0 for none, -1 when the check failed
 * (counted), or COMPARE_ABORTED.
 */
static int
compare_answer(struct watcher *w, const struct answer *a, struct change **ch)
{
	if (a->res.status == 304)
		return 0;
	*ch = calloc(1, sizeof(**ch));
	if (*ch == NULL) {
		check_failed(w, "error", "memory", "out of memory");
		return -1;
	}
	return compare_body(w, &a->res, a->body_fd, a->now, *ch);
}

/*
 * Keeps what a good answer says for the next check: the end of a run of
 * failures (logged), the result, and the validators of the next request
 * (an ETag as sent, a Last-Modified only when it is a date).
 */
static void
keep_answer(struct watcher *w, const struct answer *a, int changed)
{
	if (w->st.failures > 0 || w->last_error[0] != '\0') {
		log_msg(w->o->name, "recovered after %u failed check%s",
		    w->st.failures, w->st.failures == 1 ? "" : "s");
		w->last_error[0] = '\0';
	}
	w->st.failures = 0;
	w->st.last_error[0] = '\0';
	if (a->res.status != 304) {
		(void)snprintf(w->st.etag, sizeof(w->st.etag), "%s", a->etag);
		(void)snprintf(w->st.last_modified,
		    sizeof(w->st.last_modified), "%s",
		    a->lm_is_date ? a->lm : "");
		memcpy(w->st.hash, a->res.hash, FETCH_HASH_LEN);
		w->st.has_hash = 1;
	} else if (a->etag[0] != '\0') {
		(void)snprintf(w->st.etag, sizeof(w->st.etag), "%s", a->etag);
	}
	/* What `sitewatch check` and status say: the log's words. */
	(void)snprintf(w->st.last_result, sizeof(w->st.last_result), "%s",
	    !w->st.baseline ? "baseline recorded" : changed ? "changed" :
	    "unchanged");
}

/*
 * The record and tell steps of a good answer: a first check records the
 * baseline (and the row shows the server's Last-Modified from the start);
 * a change is saved, logged, written into the row and told.  Returns 1
 * when the row is gone.
 */
static int
conclude(struct watcher *w, const struct answer *a, int changed,
    const struct change *ch)
{
	char old[FETCH_VALIDATOR_MAX], new_value[FETCH_VALIDATOR_MAX];

	if (!w->st.baseline) {
		log_msg(w->o->name, "first check: HTTP %ld, baseline recorded",
		    a->res.status);
		w->st.baseline = 1;
		return a->lm[0] != '\0' && strcmp(a->lm, w->row.lastmod) != 0 &&
		    record(w, a->lm);
	}
	if (!changed) {
		if (log_verbose)
			log_msg(w->o->name, "unchanged (HTTP %ld, %.3f s)",
			    a->res.status, a->res.seconds);
		return 0;
	}
	(void)snprintf(old, sizeof(old), "%s", w->row.lastmod);
	if (a->lm[0] != '\0')
		(void)snprintf(new_value, sizeof(new_value), "%s", a->lm);
	else
		httpval_date(a->now, new_value, sizeof(new_value));
	w->st.last_change = a->now;
	change_brief(ch, w->st.last_change_brief,
	    sizeof(w->st.last_change_brief));
	/* Saved before the row is written: a crash in between costs the
	 * row one late update, never a second alarm. */
	save(w);
	log_change(w, ch);
	if (record(w, new_value))
		return 1;
	tell_change(w, old, new_value, ch);
	return 0;
}

/*
 * Gives back the body of a check (its pages) and rewinds its file for the
 * next one: nothing to do when nothing was written (a 304, most checks).
 * A file that cannot be emptied is closed; the next check makes another.
 */
static void
empty_body(struct watcher *w, const struct answer *a)
{
	if (w->body_fd == -1 || a->res.body_len == 0)
		return;
	if (ftruncate(w->body_fd, 0) == -1 ||
	    lseek(w->body_fd, 0, SEEK_SET) == -1) {
		(void)close(w->body_fd);
		w->body_fd = -1;
	}
}

/*
 * One check, as its steps: fetch, compare (filter, snapshot, diff), keep,
 * record and tell; then the alert of a run of failures or of its end.
 * The caller saves the state (once per check: see state.c).  Returns 1
 * when the watcher must end (told to stop during the check, or its row is
 * gone).
 */
static int
check(struct watcher *w)
{
	struct answer a;
	struct change *ch = NULL;
	unsigned long checks = w->st.checks;
	int rc, end = 0;

	memset(&a, 0, sizeof(a));
	a.body_fd = -1;
	a.now = (long long)time(NULL);
	w->retry_after = 0;
	rc = fetch_answer(w, &a);
	if (rc == 0)
		rc = compare_answer(w, &a, &ch);
	empty_body(w, &a);
	if (rc == 0 || rc == 1) {
		/* The first check is a baseline, never a change. */
		if (!w->st.baseline)
			rc = 0;
		keep_answer(w, &a, rc);
		/* A recovery is told before the change it brings, in the
		 * order of the log lines ("recovered", then "changed"). */
		alert(w);
		end = conclude(w, &a, rc, ch);
	} else if (rc == COMPARE_ABORTED) {
		end = w->ending;
	}
	if (rc != 0 && rc != 1 && w->st.checks != checks)
		alert(w);
	free(ch);
	return end;
}

/*
 * Sets up the signalfd (and, alone, the inotify descriptor).  Returns 0,
 * or -1 with errno.
 */
static int
setup_events(struct watcher *w)
{
	sigset_t set;
	char dir[PATH_MAX];
	const char *slash = strrchr(w->o->jobsfile, '/');

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGHUP);
	(void)sigaddset(&set, SIGUSR1);
	(void)sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	w->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (w->sfd == -1)
		return -1;
	w->base = slash != NULL ? slash + 1 : w->o->jobsfile;
	w->ifd = -1;
	if (w->o->supervised)
		return 0;
	if (util_dirname(w->o->jobsfile, dir, sizeof(dir)) == -1)
		return 0;	/* the stat poll still sees every save */
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd != -1 && inotify_add_watch(w->ifd, dir, IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM) == -1) {
		/* The stat poll in the loop still sees every save. */
		(void)close(w->ifd);
		w->ifd = -1;
	}
	return 0;
}

/*
 * A one-shot time has been checked: writes "done" into the pid field (if
 * it still shows this watcher, or is free), so the row is not run again.
 */
static void
finish_one_shot(struct watcher *w)
{
	struct jobs_edit e;
	char pid[32], err[512];

	(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	memset(&e, 0, sizeof(e));
	e.name = w->o->name;
	e.pid = JOBS_PIDWORD_DONE;
	e.if_pid = pid;
	if (jobsfile_edit(w->o->jobsfile, &e, 1, err, sizeof(err)) != 0)
		log_msg(w->o->name, "cannot write done: %s", err);
	else if (e.result == JOBS_EDIT_SKIPPED) {
		e.if_pid = JOBS_PIDWORD_FREE;
		(void)jobsfile_edit(w->o->jobsfile, &e, 1, err, sizeof(err));
	}
	log_msg(w->o->name, "done: the one-shot check (%s) has run "
	    "(set the pid field to - to run it again)", w->row.interval_text);
}

/* Puts the paths of the row's state file and snapshot folder into w.
 * Returns 0, or -1 when a path is too long. */
static int
state_paths(struct watcher *w)
{
	char sdir[PATH_MAX];

	if (state_dir(w->o->jobsfile, sdir, sizeof(sdir)) == -1 ||
	    state_path(sdir, w->o->name, w->state_path,
	    sizeof(w->state_path)) == -1 ||
	    snapshot_dir(w->state_path, w->snap_dir, sizeof(w->snap_dir)) == -1)
		return -1;
	return 0;
}

/*
 * Sets the watcher up: its events, its state file's path, its row (from
 * the supervisor, or read), its state, and the plan of its first check
 * (saved, so that `sitewatch status` shows it).  Returns 0, or -1 with
 * w->end set to how the watcher ends (a row that says stop, or is gone).
 */
static int
start(struct watcher *w)
{
	const struct watcher_opts *o = w->o;
	enum row_read rr;

	w->end = WATCHER_FAILED;
	if (setup_events(w) == -1) {
		log_msg(o->name, "cannot set up signals: %s", strerror(errno));
		return -1;
	}
	if (state_paths(w) == -1) {
		log_msg(o->name, "state path too long");
		return -1;
	}
	/* Forked by the supervisor, the row it has just read is ours: 10,000
	 * watchers starting do not read a 10,000-row file 10,000 times. */
	rr = o->job != NULL ? row_from_job(&w->row, o->job) :
	    row_read(w, &w->row);
	if (rr != ROW_OK) {
		log_msg(o->name, "no usable row of that name in %s",
		    o->jobsfile);
		/* Supervised, a row removed before we read it is a stop. */
		if (rr == ROW_GONE)
			w->end = o->supervised ? WATCHER_STOPPED : WATCHER_NOROW;
		return -1;
	}
	name_self(w);
	if (JOBS_PID_DOWN(w->row.pid_kind)) {
		log_msg(o->name, "stopped (pid field says %s; set it to - "
		    "to start it again)", jobs_pid_word(w->row.pid_kind));
		w->end = WATCHER_STOPPED;
		return -1;
	}
	(void)state_load(w->state_path, &w->st);
	/* A row the supervisor gave us has been judged already: it starts
	 * no row with a value not judged or refused (no helper run each). */
	if (o->job == NULL && report_bad_compare(w, &w->row)) {
		w->end = o->supervised ? WATCHER_STOPPED : WATCHER_NOROW;
		return -1;
	}
	(void)adopt_state(w, &w->row, NULL);
	if (state_open(&w->sf, w->state_path) == -1)
		log_msg(o->name, "cannot open the state file %s: %s",
		    w->state_path, strerror(errno));
	w->rand_state = (unsigned)getpid() ^ (unsigned)time(NULL);
	plan(w, PLAN_START, o->first_delay_ms);
	save(w);
	w->end = WATCHER_STOPPED;
	return 0;
}

#define RETRY_AFTER_MAX 3600	/* s: the longest wait a server may ask */

/*
 * Moves the next check, just planned, to no earlier than the wait the
 * last check's 429 or 503 asked for (Retry-After, at most an hour), and
 * says so in the log: once per run of failures, at -v every time.
 */
static void
postpone(struct watcher *w)
{
	long wait = w->retry_after;
	long long now = (long long)time(NULL);

	if (wait <= 0)
		return;
	if (wait > RETRY_AFTER_MAX)
		wait = RETRY_AFTER_MAX;
	if (w->row.sched.kind == SCHEDULE_EVERY) {
		if (w->due_boot >= boot_ms() + (long long)wait * 1000)
			return;
		w->due_boot = boot_ms() + (long long)wait * 1000;
	} else {
		if (w->due_wall == (time_t)-1 || w->due_wall >= now + wait)
			return;
		w->due_wall = (time_t)(now + wait);
	}
	publish_next(w);
	if (w->st.failures == 1 || log_verbose)
		log_msg(w->o->name, "the server asks to wait %ld s "
		    "(Retry-After%s): next check in %ld s", w->retry_after,
		    wait < w->retry_after ? ", at most an hour" : "", wait);
}

/*
 * Makes the check that is due (or asked for), then plans the next one.
 * A check is the scheduled one when the schedule says it is due; else it
 * is extra (by hand, a baseline, a new URL) and moves no cron or at time.
 * Returns 1 when the watcher must end (w->end says how), else 0.
 */
static int
run_check(struct watcher *w)
{
	int scheduled = until_scheduled(w) == 0;
	unsigned long long id = w->st.identity;

	if (scheduled)
		log_catch_up(w);
	w->check_now = 0;
	w->used = 1;
	if (check(w)) {
		if (!w->ending)
			w->end = WATCHER_STOPPED;
		return 1;
	}
	/* A check may have been aborted for a new URL: the check of the
	 * new one comes next, and is still the scheduled one if this was. */
	if (w->st.identity != id)
		return 0;
	if (scheduled && w->row.sched.kind == SCHEDULE_AT &&
	    w->st.checks > 0) {
		/* Its baseline is kept for the next run (a pid field set
		 * back to -). */
		save(w);
		finish_one_shot(w);
		w->end = WATCHER_STOPPED;
		return 1;
	}
	plan(w, scheduled ? PLAN_SCHEDULED : PLAN_EXTRA, 0);
	postpone(w);
	save(w);
	/* Alone, the row is read again only when the file changed: a
	 * stat(2), not a read of a file of 10,000 rows.  Supervised, not at
	 * all: the supervisor's SIGUSR2 says when this row was edited. */
	if (!w->o->supervised && file_changed(w))
		w->reread = 1;
	return 0;
}

/* Reads what poll found readable in pfd[0..n), and only that: an idle
 * watcher's wake-up costs no read that finds nothing. */
static void
wait_drain(struct watcher *w, const struct pollfd *pfd, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0 || pfd[i].fd < 0)
			continue;
		if (pfd[i].fd == w->tfd) {
			unsigned long long ticks;
			/* Clears the expiry. */
			ssize_t r = read(w->tfd, &ticks, sizeof(ticks));

			(void)r;
		} else if (pfd[i].fd == w->sfd) {
			drain_signals(w);
		} else {
			drain_inotify(w);
		}
	}
}

/*
 * Sleeps until something happens: the timer of the next check (due in
 * left ms), a signal, or (alone) a save of the jobs file.  Returns 0, or
 * -1 when poll(2) fails (w->end is then WATCHER_FAILED).
 */
static int
wait_event(struct watcher *w, long long left)
{
	struct pollfd pfd[3];
	long timeout;
	int n = 0, i;

	/* Supervised, the timer and the signals are the only wake-ups;
	 * alone, the stat poll below needs one a second. */
	if (w->o->supervised && arm_timer(w) == 0) {
		timeout = -1;
		pfd[n].fd = w->tfd;
		pfd[n++].events = POLLIN;
	} else {
		timeout = left > 1000 ? 1000 : (long)left;
	}
	pfd[n].fd = w->sfd;
	pfd[n++].events = POLLIN;
	if (w->ifd != -1) {
		pfd[n].fd = w->ifd;
		pfd[n++].events = POLLIN;
	}
	if (poll(pfd, (nfds_t)n, (int)timeout) == -1) {
		if (errno != EINTR) {
			log_msg(w->o->name, "poll: %s", strerror(errno));
			w->end = WATCHER_FAILED;
			return -1;
		}
		for (i = 0; i < n; i++)
			pfd[i].revents = POLLIN;	/* look at each */
	}
	wait_drain(w, pfd, n);
	/* Alone, a slow stat poll backs up inotify. */
	if (!w->o->supervised && file_changed(w))
		w->reread = 1;
	return 0;
}

/*
 * After a check, before the wait for the next one, gives back the heap's
 * free pages (malloc_trim), so that an idle watcher holds as few private
 * pages as it can.  Once per check, whichever way the check ended: each
 * trim that finds pages is a TLB flush (an interprocessor interrupt, slow
 * on a busy machine).  Measured: with no trim at all an https check cost
 * about a third less CPU, and an idle https watcher kept about 90 KiB
 * more.
 */
static void
give_back(struct watcher *w)
{
	if (!w->used)
		return;
	w->used = 0;
	(void)malloc_trim(0);
}

int
watcher_run(const struct watcher_opts *o)
{
	struct watcher w;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.sfd = w.ifd = w.tfd = w.body_fd = -1;
	w.sf.fd = -1;
	if (start(&w) == 0) {
		while (!w.ending) {
			long long left;

			if (w.reread && reread_row(&w)) {
				w.end = WATCHER_STOPPED;
				break;
			}
			left = until_due(&w);
			if (w.check_now || left == 0) {
				if (run_check(&w))
					break;
			} else {
				give_back(&w);
				if (wait_event(&w, left) == -1)
					break;
			}
		}
	}
	jobs_clear(&w.row);
	state_close(&w.sf);
	if (w.tfd != -1)
		(void)close(w.tfd);
	if (w.ifd != -1)
		(void)close(w.ifd);
	if (w.sfd != -1)
		(void)close(w.sfd);
	if (w.body_fd != -1)
		(void)close(w.body_fd);
	return w.end;
}

int
watcher_check_once(const struct watcher_opts *o, char *result,
    size_t resultsz)
{
	struct watcher w;
	char sdir[PATH_MAX];
	int rc;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.sfd = w.ifd = w.tfd = w.body_fd = -1;
	w.sf.fd = -1;
	w.base = strrchr(o->jobsfile, '/') != NULL ?
	    strrchr(o->jobsfile, '/') + 1 : o->jobsfile;
	if (state_dir(o->jobsfile, sdir, sizeof(sdir)) == -1 ||
	    state_path(sdir, o->name, w.state_path, sizeof(w.state_path)) == -1 ||
	    snapshot_dir(w.state_path, w.snap_dir, sizeof(w.snap_dir)) == -1)
		return WATCHER_FAILED;
	if (row_read(&w, &w.row) != ROW_OK)
		return WATCHER_NOROW;
	(void)state_load(w.state_path, &w.st);
	(void)adopt_state(&w, &w.row, NULL);
	(void)check(&w);
	if (w.body_fd != -1)
		(void)close(w.body_fd);
	save(&w);
	state_describe(&w.st, result, resultsz);
	rc = w.st.failures > 0 ? WATCHER_FAILED : WATCHER_STOPPED;
	jobs_clear(&w.row);
	return rc;
}
