/*
 * supervisor.c - the parent process.
 *
 * The shape is s6-svscan's: a main loop that only dispatches, one named
 * step each (loop_run): the deadline, the poll, the signals, the file,
 * the spawner, the reap, the restarts (which only mark a reconcile as
 * due), the reconcile, the flush of the pid fields, the publish of the
 * status.  What happens to each watcher is decided
 * by the table in childfsm.c: this file feeds it events (what a row says,
 * how a watcher ended, a timer) and carries out the actions it returns.
 * Events come through one poll(2): a signalfd (SIGCHLD; SIGTERM, SIGINT
 * and SIGHUP to stop; SIGUSR1 to read the file now) and an inotify
 * descriptor on the jobs file's directory (so editors that save by rename
 * are seen), with a slow stat poll as a fallback.  The loop waits on
 * nothing else: the jobs file's lock is taken only when free
 * (jobsfile_set_deadline(0)), and writes that find it held by another
 * process wait in a queue, tried again every LOCK_RETRY_MS.
 *
 * Init phase: we may die here (bad file, another supervisor).
 * Loop phase: from now on we must not die; temporize on recoverable
 * errors.
 *
 * The supervisor writes the pid field: the watcher's pid when it starts
 * one, "stop" when a person killed one, "-" at shutdown (waiting for the
 * lock EXIT_LOCK_MS at most).  Watchers write
 * their own last-modified, through the record pipe the supervisor makes
 * and every watcher shares (see common/record.h); at shutdown the
 * supervisor writes what is left in that pipe.
 */
#define _GNU_SOURCE		/* signalfd, inotify, close_range */
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
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/check.h"
#include "common/fetch.h"
#include "common/jobs.h"
#include "common/jobsfile.h"
#include "common/judge.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "common/record.h"
#include "common/state.h"
#include "common/svlock.h"
#include "common/svstatus.h"
#include "common/util.h"
#include "notifier/notify.h"
#include "supervisor/childfsm.h"
#include "supervisor/spawn.h"
#include "supervisor/supervisor.h"
#include "watcher/watcher.h"

#define BACKOFF_MIN_MS 1000L
#define BACKOFF_MAX_MS (300L * 1000)
#define HEALTHY_MS (60L * 1000)		/* a run this long resets the backoff */
#define KILL_AFTER_MS 5000L		/* SIGTERM, then SIGKILL */
#define NOTIFIER_GRACE_MS 3000L		/* the notifier's last hand-out */
#define STAT_POLL_MS 2000L		/* fallback when inotify misses a save */
#define SETTLE_MS 50L			/* let a save finish before reading it */
#define FIRST_SPREAD_MAX_MS 5000L	/* first checks spread over at most this */
#define WATCHER_NICE 5			/* watchers' niceness, added to ours */
#define PID_BATCH_MS 250L		/* pids that come one by one are
					 * written together, this late at most */
#define LOCK_RETRY_MS 50L		/* the lock held by another: try again */
#define UNSETTLED_MAX_MS 1000L		/* a half-saved file: tried again after
					 * 50 ms, doubling up to this */
#define LOCK_TELL_MS 5000L		/* the lock held this long: say by whom */
#define INIT_LOCK_MS 3000L		/* start-up's wait for the lock */
#define EXIT_LOCK_MS 3000L		/* shutdown's wait for the lock */
#define JUDGE_RETRY_MIN_MS 1000L	/* a batch of verdicts failed: try again */
#define JUDGE_RETRY_MAX_MS (60L * 1000)	/* ... doubling up to this */

/* The fixed descriptors of a watcher: the notifier pipe, the record
 * pipe's two ends and the log file. */
#define CHILD_NOTIFY_FD 3
#define CHILD_RECORD_WFD 4
#define CHILD_RECORD_RFD 5
#define CHILD_LOG_FD 6

/* One watcher the supervisor knows about, keyed by row name. */
struct child {
	char *name;
	pid_t pid;
	enum child_state state;	/* moved by childfsm_step() only */
	long long started_at;	/* monotonic ms */
	long long restart_at;	/* CHILD_BACKOFF: when it is over */
	long backoff_ms;
	struct job job;		/* the row its watcher runs with (jobs_diff) */
	int seen;		/* found in the latest reconcile */
	pid_t last_pid;		/* in backoff: the pid its field still shows */
	long first_delay_ms;	/* starting: its first check's delay */
	int recheck;		/* starting: its row changed meanwhile */
};

/* A pid field to write (a pid, "stop" or "-"), if it still reads if_pid
 * (a person may have written stop meanwhile). */
struct pidwrite {
	char *name;
	char *if_pid;
	char pid[16];
};

struct supervisor {
	const struct supervisor_opts *o;
	char path[PATH_MAX];	/* the jobs file */
	const char *base;	/* its name in its directory */
	int lockfd;
	int sfd, ifd;
	int ttyfd;		/* the terminal we run in, read without
				 * blocking for its end of input (-1: none) */
	struct notifier n;
	long long notifier_restart_at;
	GHashTable *by_name;	/* char *name -> struct child * */
	GHashTable *by_pid;	/* pid -> struct child * */
	int reconcile_due;
	long long reconcile_at;
	long long last_reconcile;	/* when the file was last read (ms) */
	struct stat seen;	/* the file as last read */
	long long last_stat;
	char *last_problem;	/* the last unparsable-file message logged */
	GHashTable *reported;	/* "line: reason" already reported */
	GHashTable *judged;	/* filter and notify verdicts (judge.h) */
	struct judge_batch jb;	/* the values being judged (jb.proc.pid 0:
				 * none out) */
	long long judge_retry_at;	/* a failed batch: the next (0: none) */
	long judge_backoff_ms;	/* the last wait before a retry (0: none) */
	unsigned rand_state;
	int dirty;		/* a child changed state: publish it */
	char pubpath[PATH_MAX];	/* what `sitewatch status` reads */
	int recfd[2];		/* the watchers' record pipe; [0] non-blocking */
	pid_t pid;		/* ours */
	struct spawner sp;	/* clones the watchers; sp.pid 0: we fork */
	struct pidwrite *pw;	/* pid fields to write, in one rewrite */
	size_t npw, cappw;
	long long pw_since;	/* when the first of them was added */
	long long pw_retry_at;	/* the file was locked or half-saved: the
				 * next try (0: none planned) */
	long pw_backoff;	/* the last wait for a half-saved file */
	long long locked_since;	/* the lock has been held by another since
				 * (0: it was free at the last try) */
	int locked_told;	/* ... and the log said so */
	int stopping;		/* the shutdown has begun */
	int chld;		/* a SIGCHLD came: reap */
	long long next_restart;	/* the next backoff or notifier restart due */
	short tty_revents;	/* the terminal's events at the last poll */
	short sig_revents;	/* ... the signalfd's */
	short ino_revents;	/* ... the inotify descriptor's */
};

/* Returns a pseudo-random number in [0, n). */
static long
rnd(struct supervisor *s, long n)
{
	if (n <= 0)
		return 0;
	return (long)(rand_r(&s->rand_state) % (unsigned long)n);
}

/* Keeps a copy of row j as the one c's watcher runs with.  Out of
 * memory, the copy is empty: any row then differs, and the next
 * reconcile wakes the watcher again, which costs it a look at its row. */
static void
keep_job(struct child *c, const struct job *j)
{
	jobs_clear(&c->job);
	if (jobs_copy(&c->job, j) == -1)
		memset(&c->job, 0, sizeof(c->job));
}

static void
child_free(gpointer p)
{
	struct child *c = p;

	free(c->name);
	jobs_clear(&c->job);
	free(c);
}

/*
 * Takes the lock that makes this the only supervisor of the file at path
 * (common/svlock.c); shown is how messages name the file.  Returns the
 * descriptor (held for the whole run), or -1 after saying why.
 */
static int
take_lock(const char *path, const char *shown)
{
	char pf[PATH_MAX];
	long holder;
	int fd = svlock_take(path, pf, sizeof(pf), &holder);

	if (fd != -1)
		return fd;
	if (errno == EWOULDBLOCK)
		(void)fprintf(stderr, "sitewatch: %s is already watched by "
		    "pid %ld\n", shown, holder);
	else if (pf[0] == '\0')
		(void)fprintf(stderr, "sitewatch: %s: path too long\n", path);
	else
		(void)fprintf(stderr, "sitewatch: %s: %s\n", pf,
		    strerror(errno));
	return -1;
}

/*
 * The first thing a child does: dies with the supervisor, takes its own
 * process group, runs below the supervisor, and starts from a clean
 * signal state (default actions, nothing blocked, SIGPIPE ignored).
 */
static void
child_reset(const struct supervisor *s)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != s->pid)
		_exit(1);	/* the supervisor died before the prctl */
	/* Its own process group: Ctrl-C in the terminal reaches the
	 * supervisor, which stops the watchers itself. */
	(void)setpgid(0, 0);
	/* Below the supervisor and the spawner: under load they still get
	 * the CPU at once to start, stop and reap watchers. */
	if (nice(WATCHER_NICE) == -1) {
		/* Not worth failing for (and -1 may be the new value): a
		 * (void) cast does not silence glibc's warn_unused_result
		 * under _FORTIFY_SOURCE, as Debian's package build sets. */
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * A child's descriptors: the notifier pipe, the record pipe's two ends and
 * the log file at their fixed numbers, close-on-exec, and nothing else but
 * stdin/out/err.  Leaves with _exit(1) when they cannot be set.
 */
static void
child_fds(const struct supervisor *s)
{
	int logfd = log_file_fd(), fd, nfd, wfd, rfd;

	/* Each descriptor is first moved above the fixed ones, so that no
	 * dup2() below overwrites one that is still to be moved. */
	nfd = fcntl(s->n.wfd, F_DUPFD, 16);
	wfd = fcntl(s->recfd[1], F_DUPFD, 16);
	rfd = fcntl(s->recfd[0], F_DUPFD, 16);
	if (logfd != -1)
		logfd = fcntl(logfd, F_DUPFD, 16);
	if (nfd == -1 || wfd == -1 || rfd == -1 ||
	    dup2(nfd, CHILD_NOTIFY_FD) == -1 ||
	    dup2(wfd, CHILD_RECORD_WFD) == -1 ||
	    dup2(rfd, CHILD_RECORD_RFD) == -1)
		_exit(1);
	if (logfd != -1) {
		if (dup2(logfd, CHILD_LOG_FD) == -1)
			_exit(1);
		log_set_file_fd(CHILD_LOG_FD);
	}
	(void)close_range(logfd != -1 ? CHILD_LOG_FD + 1 : CHILD_RECORD_RFD + 1,
	    ~0U, 0);
	for (fd = CHILD_NOTIFY_FD; fd <= CHILD_RECORD_RFD; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/*
 * The child side of a fork (ours or the spawner's): becomes the watcher of
 * row j and never returns.  It dies with the supervisor, starts from a
 * clean signal state, and keeps no descriptor but stdin/out/err, the
 * notifier pipe, the record pipe and the log file.
 */
static void
child_main(struct supervisor *s, const struct job *j, long first_delay_ms)
{
	struct watcher_opts wo;
	int r;

	child_reset(s);
	child_fds(s);
	/* A watcher may wait for the lock: it has nothing else to do. */
	jobsfile_set_deadline(JOBSFILE_NO_DEADLINE);
	memset(&wo, 0, sizeof(wo));
	wo.jobsfile = s->path;
	wo.name = j->name;
	wo.supervised = 1;
	wo.notify_fd = CHILD_NOTIFY_FD;
	wo.record_fd = CHILD_RECORD_WFD;
	wo.record_rfd = CHILD_RECORD_RFD;
	wo.first_delay_ms = first_delay_ms;
	wo.connect_timeout = s->o->connect_timeout;
	wo.timeout = s->o->timeout;
	wo.max_body = s->o->max_body;
	wo.cafile = s->o->cafile;
	wo.keep = s->o->keep;
	wo.alert_after = s->o->alert_after;
	wo.job = j;
	r = watcher_run(&wo);
	if (r < 0) {
		/* Die of the signal, so the supervisor knows a person (or
		 * the shutdown) ended us. */
		sigset_t set;

		(void)sigemptyset(&set);
		(void)sigaddset(&set, -r);
		(void)signal(-r, SIG_DFL);
		(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
		/* Not raise(3): see spawn.c. */
		(void)kill(getpid(), -r);
		_exit(1);
	}
	_exit(r);
}

/* The spawner's side of child_main(). */
static void
spawned_main(const struct spawn_request *rq, void *arg)
{
	child_main(arg, &rq->job, rq->first_delay_ms);
}

/*
 * Feeds event ev to c's state machine (childfsm.c).  Returns the actions
 * the move asks for; the caller carries them out.  A change of state is
 * published.
 */
static unsigned
feed(struct supervisor *s, struct child *c, enum child_event ev)
{
	enum child_state was = c->state;
	unsigned act = childfsm_step(&c->state, ev);

	if (c->state != was)
		s->dirty = 1;
	return act;
}

/*
 * CACT_BACKOFF: plans c's restart after its backoff, with a little jitter
 * so that crashes in step do not restart in step, and doubles the next
 * backoff (up to BACKOFF_MAX_MS).  Returns the backoff used, in ms.
 */
static long
plan_restart(struct supervisor *s, struct child *c)
{
	long used = c->backoff_ms;

	c->restart_at = util_mono_ms() + used + rnd(s, used / 10 + 1);
	c->backoff_ms *= 2;
	if (c->backoff_ms > BACKOFF_MAX_MS)
		c->backoff_ms = BACKOFF_MAX_MS;
	return used;
}

/* A watcher reconcile() is to start: the row j (in the parse it holds),
 * and its first check's delay. */
struct start {
	struct child *c;
	const struct job *j;
	long first_delay_ms;
};

/* What one reconcile() does, gathered row by row and carried out at the
 * end: the watchers to start. */
struct pending {
	struct start *starts;
	size_t nstarts;
};

/* Makes room in *p for n rows.  Returns 0, or -1 (out of memory). */
static int
pending_init(struct pending *p, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->starts = calloc(n ? n : 1, sizeof(*p->starts));
	return p->starts != NULL ? 0 : -1;
}

static void
pending_free(struct pending *p)
{
	free(p->starts);
}

/* Adds the write of value ("stop", "-") into the pid field of the row
 * called name, if it still reads if_pid, to those flush_pids() writes,
 * in order.  Out of memory, the write is lost: the next reading of the
 * file finds the field wrong and asks again. */
static void
field_write(struct supervisor *s, const char *name, const char *value,
    const char *if_pid)
{
	struct pidwrite *w;

	if (s->npw == s->cappw) {
		size_t cap = s->cappw ? s->cappw * 2 : 16;

		w = realloc(s->pw, cap * sizeof(*w));
		if (w == NULL)
			return;
		s->pw = w;
		s->cappw = cap;
	}
	w = &s->pw[s->npw];
	w->name = strdup(name);
	w->if_pid = if_pid != NULL ? strdup(if_pid) : NULL;
	if (w->name == NULL || (if_pid != NULL && w->if_pid == NULL)) {
		free(w->name);
		free(w->if_pid);
		return;
	}
	(void)snprintf(w->pid, sizeof(w->pid), "%s", value);
	if (s->npw++ == 0)
		s->pw_since = util_mono_ms();
}

/* field_write() of pid into c's pid field. */
static void
pid_write(struct supervisor *s, const struct child *c, pid_t pid,
    const char *if_pid)
{
	char text[16];

	(void)snprintf(text, sizeof(text), "%ld", (long)pid);
	field_write(s, c->name, text, if_pid);
}

/* Puts into who how the log names the holder of the jobs file's lock
 * ("pid N", or "another process" where /proc/locks does not tell), and
 * returns it. */
static const char *
holder_text(const struct supervisor *s, char *who, size_t whosz)
{
	pid_t holder = jobsfile_lock_holder(s->path);

	if (holder > 0)
		(void)snprintf(who, whosz, "pid %ld", (long)holder);
	else
		(void)snprintf(who, whosz, "another process");
	return who;
}

/*
 * A try at the pid fields found the file locked by another process
 * (JOBSFILE_LOCKED) or half-saved (JOBSFILE_UNSETTLED): plans the next
 * try, and says once, by whom, when the lock has been held for
 * LOCK_TELL_MS.
 */
static void
pids_later(struct supervisor *s, int why)
{
	long long now = util_mono_ms();
	char lock[PATH_MAX], who[64];

	if (why == JOBSFILE_UNSETTLED) {
		s->locked_since = 0;
		s->pw_backoff = s->pw_backoff == 0 ? LOCK_RETRY_MS :
		    s->pw_backoff * 2 > UNSETTLED_MAX_MS ? UNSETTLED_MAX_MS :
		    s->pw_backoff * 2;
		s->pw_retry_at = now + s->pw_backoff;
		return;
	}
	s->pw_retry_at = now + LOCK_RETRY_MS;
	if (s->locked_since == 0)
		s->locked_since = now;
	if (s->locked_told || now - s->locked_since < LOCK_TELL_MS)
		return;
	s->locked_told = 1;
	if (util_sidecar(s->path, "lock", lock, sizeof(lock)) == -1)
		(void)snprintf(lock, sizeof(lock), "its lock");
	log_msg("sitewatch", "%s has been locked by %s for more than %ld s "
	    "(%s): the pid fields are written once it is let go", s->path,
	    holder_text(s, who, sizeof(who)), LOCK_TELL_MS / 1000, lock);
}

/*
 * Writes the pid fields field_write() gathered, in one rewrite, without
 * waiting (the deadline is the caller's, see jobsfile_set_deadline).
 * Each is skipped where the field changed since (a person wrote stop).
 * A file locked by another process or half-saved keeps them for a later
 * try (pids_later); any other failure is logged and drops them (the
 * next reading of the file asks again where a pid is missing).  Returns
 * the jobsfile status.
 */
static int
flush_pids(struct supervisor *s)
{
	struct jobs_edit *e = calloc(s->npw ? s->npw : 1, sizeof(*e));
	char err[512] = "out of memory";
	size_t i;
	int r = JOBSFILE_OK;

	if (e == NULL)
		r = JOBSFILE_ERROR;
	for (i = 0; e != NULL && i < s->npw; i++) {
		e[i].name = s->pw[i].name;
		e[i].pid = s->pw[i].pid;
		e[i].if_pid = s->pw[i].if_pid;
	}
	if (e != NULL && s->npw > 0)
		r = jobsfile_edit(s->path, e, s->npw, err, sizeof(err));
	free(e);
	if (r == JOBSFILE_LOCKED || r == JOBSFILE_UNSETTLED) {
		pids_later(s, r);
		return r;
	}
	if (r != JOBSFILE_OK)
		log_msg("sitewatch", "cannot write pids: %s", err);
	else if (s->locked_told)
		log_msg("sitewatch", "%s was let go after %lld s: pid fields "
		    "written", s->path, (util_mono_ms() - s->locked_since) /
		    1000);
	s->locked_since = 0;
	s->locked_told = 0;
	s->pw_retry_at = 0;
	s->pw_backoff = 0;
	for (i = 0; i < s->npw; i++) {
		free(s->pw[i].name);
		free(s->pw[i].if_pid);
	}
	s->npw = 0;
	return r;
}

/* Returns when the gathered pid fields are to be written: at the retry
 * planned after a locked or half-saved file, else at once when no start
 * is waiting for the spawner, else PID_BATCH_MS after the first
 * (LLONG_MAX: none gathered). */
static long long
pids_due(const struct supervisor *s)
{
	if (s->npw == 0)
		return LLONG_MAX;
	if (s->pw_retry_at != 0)
		return s->pw_retry_at;
	if (spawn_deadline(&s->sp) == LLONG_MAX && spawn_events(&s->sp) == 0)
		return 0;
	return s->pw_since + PID_BATCH_MS;
}

/*
 * c's watcher started as pid, or could not be started (pid -1, errno
 * err): feeds c's state machine and carries out what it asks.  A pid
 * that comes after the shutdown began is stopped at once.
 */
static void
started(struct supervisor *s, struct child *c, pid_t pid, int err)
{
	unsigned act;

	if (pid == -1) {
		log_msg("sitewatch", "%s: cannot start its watcher: %s",
		    c->name, strerror(err));
		if (feed(s, c, CEV_START_FAILED) & CACT_BACKOFF)
			(void)plan_restart(s, c);
		return;
	}
	c->pid = pid;
	c->started_at = util_mono_ms();
	s->dirty = 1;
	g_hash_table_insert(s->by_pid, GINT_TO_POINTER(pid), c);
	act = feed(s, c, CEV_STARTED);
	if (s->stopping && c->state != CHILD_RUNNING)
		(void)kill(pid, SIGTERM);
	if (act & CACT_WRITE_PID)
		pid_write(s, c, pid, c->job.pid_text);
	if (c->recheck) {
		/* Its row changed while it was starting: the next reading
		 * of the file tells it. */
		c->recheck = 0;
		s->reconcile_due = 1;
		s->reconcile_at = util_mono_ms() + SETTLE_MS;
	}
}

/* Forks c's watcher here (no spawner, or one that gave up).  Returns its
 * pid, or -1 with errno. */
static pid_t
fork_child(struct supervisor *s, struct child *c)
{
	pid_t pid = fork();

	if (pid == 0)
		child_main(s, &c->job, c->first_delay_ms);
	return pid;
}

/* The spawn_reply_fn: the spawner's answer for the child tag.  A request
 * the spawner did not answer (gone, or stalled) is forked here. */
static void
spawned(void *arg, void *tag, pid_t pid, int err)
{
	struct supervisor *s = arg;
	struct child *c = tag;

	if (pid == -1 && err == EPIPE && !s->stopping) {
		pid = fork_child(s, c);
		err = errno;
	}
	if (pid == -1 && s->stopping)
		return;
	started(s, c, pid, err);
}

/* Lets the spawner take the requests waiting and answer what it can,
 * without waiting; says so when it is given up. */
static void
handle_spawner(struct supervisor *s)
{
	int had = s->sp.pid != 0;

	spawn_handle(&s->sp, util_mono_ms(), spawned, s);
	if (had && s->sp.pid == 0 && !s->stopping)
		log_msg("sitewatch", "the spawner is gone or stalled: forking "
		    "the watchers here from now on");
}

/*
 * Starts the watchers pending in pd: each asked of the spawner (its pid
 * comes as the spawner answers, see spawned()), or forked here where that
 * is not possible (no spawner, or a row too long to send it).  c->job is
 * the row each runs with.
 */
static void
start_children(struct supervisor *s, struct pending *pd)
{
	size_t i;

	for (i = 0; i < pd->nstarts; i++) {
		struct child *c = pd->starts[i].c;
		struct spawn_request rq;
		pid_t pid;

		c->first_delay_ms = pd->starts[i].first_delay_ms;
		c->recheck = 0;
		rq.job = c->job;
		rq.first_delay_ms = c->first_delay_ms;
		if (spawn_request(&s->sp, &rq, c) == 0)
			continue;
		pid = fork_child(s, c);
		started(s, c, pid, errno);
	}
	handle_spawner(s);
}

/* Reports the problems of jf not reported before (so each is said once),
 * and their count, as --check and status count them, when it changed. */
static void
report_problems(struct supervisor *s, const struct jobs_file *jf)
{
	GHashTable *now = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	size_t i, fresh = 0;

	for (i = 0; i < jf->nproblems; i++) {
		char *key = g_strdup_printf("%zu: %s", jf->problems[i].lineno,
		    jf->problems[i].msg);

		if (!g_hash_table_contains(s->reported, key)) {
			log_msg("sitewatch", "%s:%s", s->path, key);
			fresh++;
		}
		g_hash_table_add(now, key);
	}
	if (fresh > 0 || g_hash_table_size(now) != g_hash_table_size(s->reported))
		log_msg("sitewatch", "%s: %zu row%s cannot be used (see "
		    "sitewatch --check -f %s)", s->path, jf->nproblems,
		    jf->nproblems == 1 ? "" : "s", s->path);
	g_hash_table_destroy(s->reported);
	s->reported = now;
}

/* Returns the spread of a first check: a random part of a fraction of
 * the interval, so watchers started together do not fire together. */
static long
first_delay(struct supervisor *s, long interval)
{
	long window = interval * 1000 / 4;

	if (window > FIRST_SPREAD_MAX_MS)
		window = FIRST_SPREAD_MAX_MS;
	return rnd(s, window);
}

/* Logs msg (g_malloc'd, taken) unless it is the problem logged last, so
 * that a broken save is reported once, not at every wake-up. */
static void
problem_once(struct supervisor *s, char *msg)
{
	if (s->last_problem != NULL && strcmp(msg, s->last_problem) == 0) {
		g_free(msg);
		return;
	}
	log_msg("sitewatch", "%s", msg);
	g_free(s->last_problem);
	s->last_problem = msg;
}

/* Returns the child of the row called name, made (restart due: a new
 * row starts unless it says stop) when there is none; NULL when memory
 * ran out. */
static struct child *
child_of(struct supervisor *s, const char *name)
{
	struct child *c = g_hash_table_lookup(s->by_name, name);

	if (c != NULL)
		return c;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->name = strdup(name)) == NULL) {
		free(c);
		return NULL;
	}
	c->state = CHILD_RESTART_DUE;
	c->backoff_ms = BACKOFF_MIN_MS;
	g_hash_table_insert(s->by_name, c->name, c);
	s->dirty = 1;
	return c;
}

/*
 * Feeds c's state machine what its row j says now: an edit of what its
 * watcher uses (jobs_diff), then its pid field.  Returns the actions.
 */
static unsigned
row_events(struct supervisor *s, struct child *c, const struct job *j)
{
	unsigned act = CACT_NONE;

	if (JOBS_PID_DOWN(j->pid_kind))
		return feed(s, c, CEV_ROW_DOWN);
	if (jobs_diff(&c->job, j) != JOBS_DIFF_NONE)
		act |= feed(s, c, CEV_ROW_EDITED);
	if (j->pid_kind == JOBS_PID_NONE)
		return act | feed(s, c, CEV_ROW_FREE);
	if (c->pid != 0 && j->pid == c->pid)
		return act | feed(s, c, CEV_ROW_OURS);
	return act | feed(s, c, CEV_ROW_NUMBER);
}

/*
 * A batch of n values failed (why says how): the rows that use them
 * wait, and it is tried again after a backoff, doubling from
 * JUDGE_RETRY_MIN_MS to JUDGE_RETRY_MAX_MS.  Said once until a batch
 * succeeds again.
 */
static void
judge_failed(struct supervisor *s, size_t n, const char *why)
{
	long wait_ms = s->judge_backoff_ms == 0 ? JUDGE_RETRY_MIN_MS :
	    s->judge_backoff_ms * 2;

	if (wait_ms > JUDGE_RETRY_MAX_MS)
		wait_ms = JUDGE_RETRY_MAX_MS;
	if (s->judge_backoff_ms == 0)
		log_msg("sitewatch", "%s: cannot check %zu filter and notify "
		    "value%s: %s; the rows that use them wait, trying again "
		    "in %ld s", s->path, n, n == 1 ? "" : "s", why,
		    wait_ms / 1000);
	s->judge_backoff_ms = wait_ms;
	s->judge_retry_at = util_mono_ms() + wait_ms;
}

/*
 * Starts a batch of verdicts on the filter and notify values of jf's
 * rows not judged yet, unless one is out or a failed one's retry is not
 * due: one helper run for them all, which the loop reaps (judged()) or
 * kills at its deadline (judge_late()), never waiting for it.
 */
static void
judge_due(struct supervisor *s, const struct jobs_file *jf)
{
	GPtrArray *keys;
	char err[512];
	size_t n;

	if (s->jb.proc.pid != 0 || s->judge_retry_at > util_mono_ms())
		return;
	keys = g_ptr_array_new_with_free_func(g_free);
	n = judge_missing(s->judged, jf->jobs, jf->njobs, keys);
	if (n == 0) {
		g_ptr_array_unref(keys);
		return;
	}
	if (judge_start(&s->jb, keys, err, sizeof(err)) == -1) {
		judge_failed(s, n, err);
		return;
	}
	if (log_verbose)
		log_msg("sitewatch", "checking %zu filter and notify value%s "
		    "(sitewatch-helper, pid %ld)", n, n == 1 ? "" : "s",
		    (long)s->jb.proc.pid);
}

/* The batch's helper was reaped with wait status st (or COMPARE_LATE):
 * its verdicts go into the cache, and the file is read again for them. */
static void
judged(struct supervisor *s, int st)
{
	size_t n = s->jb.keys->len;
	char err[512];

	if (judge_end(&s->jb, st, s->judged, err, sizeof(err)) == -1) {
		judge_failed(s, n, err);
	} else {
		if (s->judge_backoff_ms != 0)
			log_msg("sitewatch", "%s: filter and notify values "
			    "checked again: the rows that waited start", s->path);
		else if (log_verbose)
			log_msg("sitewatch", "%zu filter and notify value%s "
			    "checked", n, n == 1 ? "" : "s");
		s->judge_backoff_ms = 0;
		s->judge_retry_at = 0;
	}
	s->reconcile_due = 1;
	s->reconcile_at = util_mono_ms();
}

/* The batch out is past its deadline: killed and reaped by its pid. */
static void
judge_late(struct supervisor *s)
{
	(void)kill(s->jb.proc.pid, SIGKILL);
	while (waitpid(s->jb.proc.pid, NULL, 0) == -1 && errno == EINTR)
		;
	judged(s, COMPARE_LATE);
}

/* Returns 1 when row j waits for a verdict on a value of its, and keeps
 * its child (if any) as it is: seen, nothing fed. */
static int
waits(struct supervisor *s, const struct job *j)
{
	struct child *c;
	char why[8];

	if (check_verdict(s->judged, j, why, sizeof(why)) != CHECK_UNJUDGED)
		return 0;
	if ((c = g_hash_table_lookup(s->by_name, j->name)) != NULL)
		c->seen = 1;
	return 1;
}

/*
 * Reads and parses the jobs file into *jf (its text in *buf, both the
 * caller's to free).  Returns 0, or -1 when it cannot be read or does
 * not parse right now (said once; nothing to free).
 */
static int
read_jobs(struct supervisor *s, struct jobs_file *jf, char **buf)
{
	size_t len;

	if (jobsfile_read(s->path, buf, &len, &s->seen) == -1) {
		problem_once(s, g_strdup_printf("%s: %s; keeping the watchers "
		    "as they are", s->path, strerror(errno)));
		return -1;
	}
	if (jobs_parse(jf, *buf, len) == -1) {
		problem_once(s, g_strdup_printf("%s:%zu: %s; the file does not "
		    "parse, keeping the watchers as they are", s->path,
		    jf->nproblems ? jf->problems[0].lineno : 0,
		    jf->nproblems ? jf->problems[0].msg : "out of memory"));
		jobs_free(jf);
		free(*buf);
		return -1;
	}
	g_free(s->last_problem);
	s->last_problem = NULL;
	/* A row --check refuses (a bad filter too) is not started; one
	 * whose values are being judged waits (see waits()). */
	judge_due(s, jf);
	if (check_refuse(jf, s->judged) == -1)
		log_msg("sitewatch", "%s: out of memory; no row refused this "
		    "time", s->path);
	/* Once judged: the problems in line order and their count, as
	 * --check says them, not the parse's first and the rest later. */
	if (s->jb.proc.pid == 0)
		report_problems(s, jf);
	return 0;
}

/*
 * Feeds the row j to its child's state machine and carries out, or adds
 * to *p, the actions that asks for.
 */
static void
follow_row(struct supervisor *s, struct pending *p, const struct job *j)
{
	struct child *c = child_of(s, j->name);
	unsigned act;

	if (c == NULL)
		return;
	c->seen = 1;
	act = row_events(s, c, j);
	if ((act & CACT_WAKE) && c->pid == 0) {
		/* Starting: told once its pid is known. */
		c->recheck = 1;
	} else if (act & CACT_WAKE) {
		/* The watcher reads its row itself. */
		(void)kill(c->pid, SIGUSR2);
		keep_job(c, j);
	}
	if (act & CACT_WRITE_PID)
		pid_write(s, c, c->pid, j->pid_text);
	if (act & CACT_START) {
		keep_job(c, j);
		p->starts[p->nstarts].c = c;
		p->starts[p->nstarts].j = j;
		p->starts[p->nstarts].first_delay_ms = first_delay(s,
		    j->interval);
		p->nstarts++;
	}
}

/*
 * The children whose rows were not seen in this reading (removed, or no
 * longer usable): their watchers see it when woken, and end themselves;
 * the others are forgotten.
 */
static void
forget_gone(struct supervisor *s)
{
	GHashTableIter it;
	gpointer key, val;

	g_hash_table_iter_init(&it, s->by_name);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		struct child *c = val;
		unsigned act;

		if (c->seen)
			continue;
		act = feed(s, c, CEV_ROW_GONE);
		if ((act & CACT_WAKE) && c->pid == 0)
			c->recheck = 1;
		else if (act & CACT_WAKE)
			(void)kill(c->pid, SIGUSR2);
		if (act & CACT_FORGET) {
			g_hash_table_iter_remove(&it);
			s->dirty = 1;
		}
	}
}

/*
 * Reads the jobs file and makes the watchers match it: each row is fed to
 * its child's state machine (new rows start, stopped or removed rows end,
 * edited rows are told to look again), the watchers due are started, the
 * pid fields written in one rewrite.  A file that does not parse changes
 * nothing (logged once).
 */
static void
reconcile(struct supervisor *s)
{
	struct jobs_file jf;
	struct pending p;
	GHashTableIter it;
	gpointer key, val;
	char *buf;
	size_t i;

	s->reconcile_due = 0;
	s->last_reconcile = util_mono_ms();
	if (read_jobs(s, &jf, &buf) == -1)
		return;
	if (pending_init(&p, jf.njobs) == -1) {
		log_msg("sitewatch", "out of memory; will try again");
		s->reconcile_due = 1;
		s->reconcile_at = util_mono_ms() + 1000;
	} else {
		g_hash_table_iter_init(&it, s->by_name);
		while (g_hash_table_iter_next(&it, &key, &val))
			((struct child *)val)->seen = 0;
		for (i = 0; i < jf.njobs; i++)
			if (!waits(s, &jf.jobs[i]))
				follow_row(s, &p, &jf.jobs[i]);
		start_children(s, &p);
		forget_gone(s);
		if (pids_due(s) <= util_mono_ms())
			(void)flush_pids(s);
	}
	pending_free(&p);
	jobs_free(&jf);
	free(buf);
	/* The parse of a big file leaves freed pages all over the heap: give
	 * them back (10,000 rows: 7.2 -> 1.6 MiB private dirty memory). */
	(void)malloc_trim(0);
}

/*
 * Feeds c's state machine how its watcher (pid, wait status st) ended, and
 * carries out what that asks: a stop by a person is written into its
 * row, a failure is restarted after a backoff (reset after a healthy run).
 */
static void
exited(struct supervisor *s, struct child *c, pid_t pid, int st)
{
	enum child_event ev = CEV_EXIT_FAILED;
	char pidtext[16];
	unsigned act;
	long wait_ms;

	/* Exit 0: its row says stop, or is gone: it said so. */
	if (WIFEXITED(st) && WEXITSTATUS(st) == WATCHER_STOPPED)
		ev = CEV_EXIT_STOPPED;
	else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGTERM ||
	    WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGHUP))
		ev = CEV_EXIT_KILLED;
	act = feed(s, c, ev);
	/* Ended because its row is gone or refused (the last reading did
	 * not see it): forgotten now, so that the row, back or mended with
	 * this pid still in it, starts a new watcher. */
	if (ev == CEV_EXIT_STOPPED && !c->seen) {
		if (feed(s, c, CEV_ROW_GONE) & CACT_FORGET)
			g_hash_table_remove(s->by_name, c->name);
		return;
	}
	if (act & CACT_WRITE_STOP) {
		log_msg(c->name, "stopped by signal %d (pid %ld); set its pid "
		    "field to - to start it again", WTERMSIG(st), (long)pid);
		(void)snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
		field_write(s, c->name, JOBS_PIDWORD_STOP, pidtext);
	}
	if (!(act & CACT_BACKOFF))
		return;
	if (util_mono_ms() - c->started_at >= HEALTHY_MS)
		c->backoff_ms = BACKOFF_MIN_MS;
	wait_ms = plan_restart(s, c);
	if (WIFSIGNALED(st))
		log_msg(c->name, "killed by signal %d (pid %ld); restarting "
		    "in %ld s", WTERMSIG(st), (long)pid, (wait_ms + 999) / 1000);
	else
		log_msg(c->name, "exited with status %d (pid %ld); restarting "
		    "in %ld s", WEXITSTATUS(st), (long)pid,
		    (wait_ms + 999) / 1000);
}

/*
 * Reaps every child that exited, and decides what comes next for each:
 * a stop stays down, a crash is restarted after a backoff.  Returns the
 * number reaped.
 */
static int
reap(struct supervisor *s, int shutting_down)
{
	int st, n = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct child *c = g_hash_table_lookup(s->by_pid,
		    GINT_TO_POINTER(pid));

		n++;
		s->dirty = 1;
		if (pid == s->jb.proc.pid) {
			judged(s, st);
			continue;
		}
		if (spawn_reaped(&s->sp, pid)) {
			if (!shutting_down)
				log_msg("sitewatch", "the spawner exited; forking "
				    "the watchers here from now on");
			continue;
		}
		if (pid == s->n.pid) {
			s->n.pid = 0;
			if (!shutting_down) {
				log_msg("sitewatch", "the notifier exited; "
				    "starting it again");
				s->notifier_restart_at = util_mono_ms() + 1000;
			}
			continue;
		}
		if (c == NULL)
			continue;
		g_hash_table_remove(s->by_pid, GINT_TO_POINTER(pid));
		c->pid = 0;
		c->last_pid = pid;
		exited(s, c, pid, st);
	}
	return n;
}

/* Marks a reconcile as due at time at, or keeps the earlier one due. */
static void
reconcile_soon(struct supervisor *s, long long at)
{
	if (!s->reconcile_due || at < s->reconcile_at)
		s->reconcile_at = at;
	s->reconcile_due = 1;
}

/* Restarts the notifier when its time has come, and marks the children
 * whose backoff is over for a reconcile (which looks at the row first and
 * starts them again if it still wants them).  Sets s->next_restart to the
 * time of the next restart due, or LLONG_MAX. */
static void
restarts(struct supervisor *s)
{
	GHashTableIter it;
	gpointer key, val;
	long long now = util_mono_ms(), next = LLONG_MAX;
	int due = 0;

	if (s->n.pid == 0 && s->notifier_restart_at != 0) {
		if (now >= s->notifier_restart_at) {
			s->n.pid = notify_spawn(&s->n);
			if (s->n.pid == -1) {
				s->n.pid = 0;
				s->notifier_restart_at = now + 5000;
			} else {
				s->notifier_restart_at = 0;
			}
		}
		if (s->notifier_restart_at != 0)
			next = s->notifier_restart_at;
	}
	g_hash_table_iter_init(&it, s->by_name);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		struct child *c = val;

		if (c->state != CHILD_BACKOFF)
			continue;
		if (now >= c->restart_at) {
			/* Due now; the reconcile starts it again if its
			 * row still wants it. */
			(void)feed(s, c, CEV_BACKOFF_OVER);
			due = 1;
		} else if (c->restart_at < next) {
			next = c->restart_at;
		}
	}
	if (due)
		reconcile_soon(s, now);
	s->next_restart = next;
}

/*
 * Publishes what `sitewatch status` needs to know of the children (see
 * svstatus.h).  A failure is not worth more than a retry next time.
 */
static void
publish(struct supervisor *s)
{
	GHashTableIter it;
	gpointer key, val;
	struct svstatus_entry *e;
	long long mono = util_mono_ms(), wall;
	struct timespec ts;
	size_t n = 0;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	wall = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	s->dirty = 0;
	e = calloc(g_hash_table_size(s->by_name) + 1, sizeof(*e));
	if (e == NULL) {
		s->dirty = 1;
		return;
	}
	g_hash_table_iter_init(&it, s->by_name);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		struct child *c = val;

		e[n].name = c->name;
		e[n].state = c->state == CHILD_RUNNING ||
		    c->state == CHILD_STARTING ||
		    c->state == CHILD_STOPPING ? SVSTATUS_RUNNING :
		    c->state == CHILD_BACKOFF ||
		    c->state == CHILD_RESTART_DUE ? SVSTATUS_BACKOFF :
		    SVSTATUS_DOWN;
		e[n].restart_at = wall + (c->restart_at - mono);
		n++;
	}
	if (svstatus_write(s->pubpath, e, n) == -1)
		s->dirty = 1;
	free(e);
}

/* reap_until()'s conditions. */
static int
no_watchers(const struct supervisor *s)
{
	return g_hash_table_size(s->by_pid) == 0;
}

static int
notifier_gone(const struct supervisor *s)
{
	return s->n.pid == 0;
}

/*
 * Shutdown: reaps what ends, waking on the signalfd's SIGCHLD, until
 * done(s) holds or the deadline (monotonic ms) passes.  Returns 1 when
 * done, 0 at the deadline.
 */
static int
reap_until(struct supervisor *s, long long deadline,
    int (*done)(const struct supervisor *))
{
	for (;;) {
		struct pollfd pfd = { s->sfd, POLLIN, 0 };
		struct signalfd_siginfo si;
		long long left;

		(void)reap(s, 1);
		if (done(s))
			return 1;
		left = deadline - util_mono_ms();
		if (left <= 0)
			return 0;
		(void)poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
	}
}

/*
 * Sends SIGTERM to every watcher (fed CEV_SHUTDOWN), and puts into
 * edits[0..n) the "-" to write into the pid field of each running child
 * and of each one waiting to restart (it still shows its dead pid), if
 * the field still reads that pid (kept in pids).  Returns how many edits.
 */
static size_t
shutdown_term(struct supervisor *s, struct jobs_edit *edits,
    char (*pids)[16], size_t n)
{
	GHashTableIter it;
	gpointer key, val;
	size_t i = 0;

	g_hash_table_iter_init(&it, s->by_name);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		struct child *c = val;
		pid_t shown = c->state == CHILD_RUNNING ? c->pid :
		    c->state == CHILD_BACKOFF ? c->last_pid : 0;

		if (shown > 0 && edits != NULL && pids != NULL && i < n) {
			(void)snprintf(pids[i], sizeof(pids[0]), "%ld",
			    (long)shown);
			edits[i].name = c->name;
			edits[i].pid = JOBS_PIDWORD_FREE;
			edits[i].if_pid = pids[i];
			i++;
		}
		if (feed(s, c, CEV_SHUTDOWN) & CACT_TERM)
			(void)kill(c->pid, SIGTERM);
	}
	return i;
}

/* Reaps the watchers told to end; SIGKILL to those still there after
 * KILL_AFTER_MS, and reaps them too. */
static void
shutdown_reap(struct supervisor *s)
{
	GHashTableIter it;
	gpointer key, val;
	size_t n = g_hash_table_size(s->by_pid);

	log_msg("sitewatch", "stopping %zu watcher%s", n, n == 1 ? "" : "s");
	if (!reap_until(s, util_mono_ms() + KILL_AFTER_MS, no_watchers)) {
		g_hash_table_iter_init(&it, s->by_pid);
		while (g_hash_table_iter_next(&it, &key, &val))
			(void)kill(((struct child *)val)->pid, SIGKILL);
		(void)reap_until(s, util_mono_ms() + KILL_AFTER_MS, no_watchers);
	}
}

/*
 * Writes, waiting EXIT_LOCK_MS at most for the lock, a record a watcher
 * sent but did not write before it ended; then the pid fields of
 * edits[0..n), after any still queued (a stop written by a person's kill
 * stays).  Says in the log which fields were left as they were.
 */
static void
shutdown_write(struct supervisor *s, const struct jobs_edit *edits, size_t n)
{
	char err[512];
	size_t k;

	jobsfile_set_deadline(util_mono_ms() + EXIT_LOCK_MS);
	if (record_write(s->path, s->recfd[0], err, sizeof(err)) == -1)
		log_msg("sitewatch", "cannot record changes: %s", err);
	for (k = 0; edits != NULL && k < n; k++)
		field_write(s, edits[k].name, JOBS_PIDWORD_FREE,
		    edits[k].if_pid);
	if (s->npw > 0) {
		size_t left = s->npw;
		int r = flush_pids(s);
		char who[64], why[80] = "half-saved";

		if (r == JOBSFILE_LOCKED)
			(void)snprintf(why, sizeof(why), "locked by %s",
			    holder_text(s, who, sizeof(who)));
		if (r == JOBSFILE_LOCKED || r == JOBSFILE_UNSETTLED)
			log_msg("sitewatch", "%s is still %s after %ld s: %zu "
			    "pid field%s left as they were (a pid left there "
			    "is stale at the next start)", s->path, why,
			    EXIT_LOCK_MS / 1000, left, left == 1 ? "" : "s");
	}
}

/*
 * Stops every watcher: SIGTERM, SIGKILL to those still there after
 * KILL_AFTER_MS, everything reaped; then the pid fields go back to "-" in
 * one rewrite, and the notifier is let go.  The lock is waited for
 * EXIT_LOCK_MS at most: a file locked by another process longer keeps
 * the pids it shows (said in the log), which the next start finds stale.
 */
static void
shutdown_all(struct supervisor *s)
{
	struct jobs_edit *edits;
	char (*pids)[16];
	size_t n, i;

	/* A start the spawner has not answered is dropped: a watcher it
	 * cloned all the same dies with us (PR_SET_PDEATHSIG), and its pid
	 * was never written. */
	s->stopping = 1;
	spawn_stop(&s->sp);
	/* A batch of verdicts out is not waited for. */
	judge_kill(&s->jb);
	n = g_hash_table_size(s->by_name);
	edits = calloc(n ? n : 1, sizeof(*edits));
	pids = calloc(n ? n : 1, sizeof(*pids));
	i = shutdown_term(s, edits, pids, n);
	shutdown_reap(s);
	shutdown_write(s, edits, i);
	free(edits);
	free(pids);
	/* The notifier hands out what is queued, then exits. */
	if (s->n.pid > 0) {
		(void)kill(s->n.pid, SIGTERM);
		if (!reap_until(s, util_mono_ms() + NOTIFIER_GRACE_MS,
		    notifier_gone)) {
			(void)kill(s->n.pid, SIGKILL);
			(void)waitpid(s->n.pid, NULL, 0);
		}
	}
}

/* What the inotify events since the last look say about the jobs file. */
enum file_news {
	FILE_QUIET,		/* nothing about it */
	FILE_SAVING,		/* touched, maybe half-way through a save */
	FILE_SAVED		/* its last event ends a save: read it now */
};

/*
 * Takes the pending inotify events.  Returns FILE_SAVED when the last event
 * about the jobs file says a save is complete (the file was closed after
 * writing, or renamed into place), FILE_SAVING for any other event about it
 * (or a lost event), else FILE_QUIET.  A complete save is read at once; the
 * others after a short wait, so that a stop written by a person takes
 * effect without the wait in the common case.
 */
static enum file_news
file_event(struct supervisor *s)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	enum file_news news = FILE_QUIET;

	while ((n = read(s->ifd, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->mask & IN_Q_OVERFLOW)
				news = FILE_SAVING;
			else if (ev->len > 0 && strcmp(ev->name, s->base) == 0)
				news = (ev->mask & (IN_CLOSE_WRITE |
				    IN_MOVED_TO)) ? FILE_SAVED : FILE_SAVING;
			p += sizeof(*ev) + ev->len;
		}
	}
	return news;
}

/* Returns 1 when the file is not the one last read (the stat poll). */
static int
file_changed(struct supervisor *s)
{
	struct stat st;

	if (stat(s->path, &st) == -1)
		return 0;
	return !util_same_stat(&st, &s->seen);
}

/*
 * When stdin is a terminal: opens it again, for tty_ended(), without
 * blocking and without changing the open file the shell shares.  Its end
 * of input stops us as its hangup does: Ctrl-D, and what script(1) passes
 * on when its own terminal is closed (it ignores that SIGHUP and lives
 * on, so the hangup never reaches us).
 */
static void
tty_open(struct supervisor *s)
{
	const char *name;

	if (!isatty(STDIN_FILENO) || (name = ttyname(STDIN_FILENO)) == NULL)
		return;
	s->ttyfd = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

/* Returns 1 when the terminal is there to be read: we are its foreground
 * process group (a read from the background would stop us, SIGTTIN). */
static int
tty_ours(const struct supervisor *s)
{
	return s->ttyfd != -1 && tcgetpgrp(s->ttyfd) == getpgrp();
}

/*
 * The terminal is readable (revents from poll): reads what was typed
 * there and drops it, as the supervisor takes no input.  Returns why we
 * are to stop: "the terminal hung up", "end of input at the terminal" (a
 * read of 0 bytes: Ctrl-D at the start of a line), or NULL.
 */
static const char *
tty_ended(struct supervisor *s, short revents)
{
	char buf[256];
	ssize_t r;

	if (revents & POLLHUP)
		return "the terminal hung up";
	if (!tty_ours(s))
		return NULL;
	while ((r = read(s->ttyfd, buf, sizeof(buf))) > 0)
		;
	return r == 0 ? "end of input at the terminal" : NULL;
}

/* Init phase: resolves the file's name (a symbolic link is supervised as
 * the file it points to: its lock, its directory's events, its state) and
 * checks that the file parses.  Returns 0, or the exit code 2. */
static int
init_file(struct supervisor *s)
{
	struct jobs_file jf;
	char *buf;
	const char *slash;
	size_t len;
	int bad;

	if (util_resolve_link(s->o->jobsfile, s->path, sizeof(s->path)) == -1) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", s->o->jobsfile,
		    strerror(errno));
		return 2;
	}
	slash = strrchr(s->path, '/');
	s->base = slash != NULL ? slash + 1 : s->path;

	if (jobsfile_read(s->path, &buf, &len, NULL) == -1) {
		(void)fprintf(stderr, "sitewatch: %s: %s\n", s->path,
		    strerror(errno));
		return 2;
	}
	bad = jobs_parse(&jf, buf, len) == -1;
	if (bad) {
		(void)check_report(stderr, s->path, &jf);
		(void)fprintf(stderr, "sitewatch: %s is not usable\n", s->path);
	}
	jobs_free(&jf);
	free(buf);
	return bad ? 2 : 0;
}

/*
 * Init phase: takes the supervisor's lock on the file, and tries the
 * writers' lock once.  Every pid and change is written under the writers'
 * lock: one that cannot be taken is a jobs file that cannot be used, as
 * one that cannot be read (nothing to edit: the lock is taken, the file
 * read, nothing written).  A lock held by another process past
 * INIT_LOCK_MS is one that can be taken, later: the pid fields wait for
 * it (pids_later).  From then on no write waits.  Returns 0, or the exit
 * code 2.
 */
static int
init_lock(struct supervisor *s)
{
	char shown[2 * PATH_MAX + 8], err[512], who[64];
	int r;

	if (strcmp(s->path, s->o->jobsfile) != 0)
		(void)snprintf(shown, sizeof(shown), "%s (%s)",
		    s->o->jobsfile, s->path);
	else
		(void)snprintf(shown, sizeof(shown), "%s", s->path);
	s->lockfd = take_lock(s->path, shown);
	if (s->lockfd == -1)
		return 2;
	jobsfile_set_deadline(util_mono_ms() + INIT_LOCK_MS);
	r = jobsfile_edit(s->path, NULL, 0, err, sizeof(err));
	jobsfile_set_deadline(0);
	if (r == JOBSFILE_LOCKED) {
		log_msg("sitewatch", "%s is locked by %s: starting all "
		    "the same; the pid fields are written once it is "
		    "let go", s->path, holder_text(s, who, sizeof(who)));
	} else if (r == JOBSFILE_UNSETTLED) {
		log_msg("sitewatch", "%s looks half-saved: starting all "
		    "the same", s->path);
	} else if (r != JOBSFILE_OK) {
		(void)fprintf(stderr, "sitewatch: %s\n", err);
		return 2;
	}
	return 0;
}

/* Init phase: makes the state folder, and readies libcurl.  Returns 0, or
 * the exit code 1. */
static int
init_state(struct supervisor *s)
{
	char dir[PATH_MAX];

	if (state_dir(s->path, dir, sizeof(dir)) == -1 ||
	    util_mkdirs(dir, 0700) == -1 ||
	    svstatus_path(s->path, s->pubpath, sizeof(s->pubpath)) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot make the state "
		    "folder %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (fetch_global_init(s->o->cafile) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot initialise libcurl\n");
		return 1;
	}
	return 0;
}

/*
 * Init phase: signals arrive through a signalfd; nothing runs in a
 * handler.  SIGHUP (the terminal hung up) stops us as SIGTERM does, unless
 * we were started with it ignored (nohup): a blocked signal would still
 * reach the signalfd, so an ignored one is left out.  Returns 0, or the
 * exit code 1.
 */
static int
init_signals(struct supervisor *s)
{
	sigset_t set;
	struct sigaction old;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGCHLD);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGUSR1);
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
		(void)sigaddset(&set, SIGHUP);
		tty_open(s);
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (s->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		(void)fprintf(stderr, "sitewatch: signalfd: %s\n",
		    strerror(errno));
		return 1;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Init phase: watches the file's directory with inotify, or (unavailable)
 * leaves the loop to poll the file with stat(2). */
static void
init_inotify(struct supervisor *s)
{
	char dir[PATH_MAX];

	s->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (util_dirname(s->path, dir, sizeof(dir)) == -1)
		(void)strcpy(dir, ".");
	if (s->ifd == -1 || inotify_add_watch(s->ifd, dir, IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM) == -1) {
		log_msg("sitewatch", "inotify unavailable (%s): polling %s "
		    "every %ld s instead", strerror(errno), s->path,
		    STAT_POLL_MS / 1000);
		if (s->ifd != -1)
			(void)close(s->ifd);
		s->ifd = -1;
	}
}

/*
 * Init phase: makes the record pipe, starts the notifier, then the
 * spawner.  Returns 0, or the exit code 1.
 */
static int
init_children(struct supervisor *s)
{
	int keep[4];

	/* The supervisor keeps both ends, so no watcher ever sees EPIPE. */
	if (record_pipe(s->recfd) == -1) {
		(void)fprintf(stderr, "sitewatch: pipe: %s\n", strerror(errno));
		return 1;
	}

	/* The notifier is forked before anything touches D-Bus. */
	if (notify_setup(&s->n, s->o->exec_argv, s->o->desktop) == -1 ||
	    (s->n.pid = notify_spawn(&s->n)) == -1) {
		(void)fprintf(stderr, "sitewatch: cannot start the notifier: "
		    "%s\n", strerror(errno));
		return 1;
	}

	/* Last, so that it holds only what every watcher needs. */
	keep[0] = s->n.wfd;
	keep[1] = s->recfd[0];
	keep[2] = s->recfd[1];
	keep[3] = log_file_fd();
	if (spawn_start(&s->sp, spawned_main, s, keep,
	    sizeof(keep) / sizeof(keep[0])) == -1)
		log_msg("sitewatch", "cannot start the spawner (%s): "
		    "forking the watchers here", strerror(errno));
	return 0;
}

/*
 * Init phase: checks the file, takes the lock, makes the state folder,
 * sets up the events, starts the notifier and the spawner.  Returns 0, or
 * the exit code to leave with.
 */
static int
init(struct supervisor *s)
{
	int rc;

	if ((rc = init_file(s)) != 0 || (rc = init_lock(s)) != 0 ||
	    (rc = init_state(s)) != 0 || (rc = init_signals(s)) != 0)
		return rc;
	init_inotify(s);
	return init_children(s);
}

/*
 * The loop's deadline step: ends a judge batch past its deadline, marks
 * the reconcile of a judge retry whose time has come, and returns how
 * long the poll may wait (ms): until the first of the times the loop
 * keeps (a reconcile, a restart, the stat poll, the spawner, the pid
 * writes, a judge batch or retry), 0 when something is due now, at most
 * a minute.
 */
static int
loop_deadline(struct supervisor *s)
{
	long long now = util_mono_ms(), next = s->next_restart;

	if (s->jb.proc.pid != 0 && now >= s->jb.deadline)
		judge_late(s);
	if (s->judge_retry_at != 0 && now >= s->judge_retry_at) {
		s->judge_retry_at = 0;
		reconcile_soon(s, now);
	}
	if (s->chld)
		return 0;
	if (s->reconcile_due && s->reconcile_at < next)
		next = s->reconcile_at;
	if (s->last_stat + STAT_POLL_MS < next)
		next = s->last_stat + STAT_POLL_MS;
	if (spawn_deadline(&s->sp) < next)
		next = spawn_deadline(&s->sp);
	if (pids_due(s) < next)
		next = pids_due(s);
	if (s->jb.proc.pid != 0 && s->jb.deadline < next)
		next = s->jb.deadline;
	if (s->judge_retry_at != 0 && s->judge_retry_at < next)
		next = s->judge_retry_at;
	if (next <= now)
		return 0;
	return (int)(next - now > 60000 ? 60000 : next - now);
}

/*
 * The loop's one wait: polls the signals, the file's inotify, the spawner
 * and our terminal for at most timeout ms.  Keeps the events of the
 * signalfd, the inotify descriptor and the terminal in s, so that their
 * steps read them only when there is something to read (the loop turns
 * once per watcher started); the spawner's socket is read without
 * blocking by its step.
 */
static void
loop_poll(struct supervisor *s, int timeout)
{
	struct pollfd pfd[4];
	int n = 0, ino = -1, tty = -1;

	/* A failed poll (EINTR) leaves them as they are: nothing seen. */
	memset(pfd, 0, sizeof(pfd));
	pfd[n].fd = s->sfd;
	pfd[n++].events = POLLIN;
	if (s->ifd != -1) {
		ino = n;
		pfd[n].fd = s->ifd;
		pfd[n++].events = POLLIN;
	}
	if (spawn_events(&s->sp) != 0) {
		pfd[n].fd = s->sp.fd;
		pfd[n++].events = spawn_events(&s->sp);
	}
	if (tty_ours(s)) {
		tty = n;
		pfd[n].fd = s->ttyfd;
		pfd[n++].events = POLLIN;
	}
	(void)poll(pfd, (nfds_t)n, timeout);
	s->sig_revents = pfd[0].revents;
	s->ino_revents = ino != -1 ? pfd[ino].revents : 0;
	s->tty_revents = tty != -1 ? pfd[tty].revents : 0;
}

/*
 * The loop's signals step: looks at the terminal, and takes the pending
 * signals off the signalfd.  A SIGCHLD asks for a reap, SIGUSR1 for a
 * reconcile now.  Returns -1 when we are to stop (the end of the
 * terminal, SIGTERM, SIGINT, SIGHUP), else 0.
 */
static int
loop_signals(struct supervisor *s)
{
	struct signalfd_siginfo si;
	const char *why;
	int stop = 0;

	if (s->tty_revents != 0 &&
	    (why = tty_ended(s, s->tty_revents)) != NULL) {
		log_msg("sitewatch", "%s: stopping", why);
		return -1;
	}
	/* Before the reap: a SIGTERM that reached the watchers and us
	 * together (a whole process group or cgroup) is a shutdown, not a
	 * person stopping each of them. */
	while (s->sig_revents != 0 &&
	    read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			stop = 1;
		else if (si.ssi_signo == SIGHUP) {
			log_msg("sitewatch", "SIGHUP (the terminal hung "
			    "up): stopping");
			stop = 1;
		} else if (si.ssi_signo == SIGCHLD)
			s->chld = 1;
		else if (si.ssi_signo == SIGUSR1) {
			log_msg("sitewatch", "SIGUSR1: reading %s again",
			    s->path);
			reconcile_soon(s, util_mono_ms());
		}
	}
	return stop ? -1 : 0;
}

/*
 * The loop's file step: a save of the jobs file seen by inotify, or (every
 * STAT_POLL_MS) by stat(2), marks a reconcile as due.
 */
static void
loop_file(struct supervisor *s)
{
	enum file_news news = s->ino_revents != 0 ? file_event(s) :
	    FILE_QUIET;

	if (news == FILE_SAVED) {
		/* A complete save: read it now, or, in a storm of the
		 * watchers' own rewrites, at most once per SETTLE_MS. */
		long long at = s->last_reconcile + SETTLE_MS;

		reconcile_soon(s, at > util_mono_ms() ? at : util_mono_ms());
	} else if (news == FILE_SAVING && !s->reconcile_due) {
		/* Let the save finish before reading it. */
		reconcile_soon(s, util_mono_ms() + SETTLE_MS);
	}
	if (util_mono_ms() >= s->last_stat + STAT_POLL_MS) {
		s->last_stat = util_mono_ms();
		if (file_changed(s) && !s->reconcile_due)
			reconcile_soon(s, util_mono_ms());
	}
}

/* The loop's reap step: only after a SIGCHLD, as each waitpid(2) looks
 * at every child, and the loop turns once per watcher started. */
static void
loop_reap(struct supervisor *s)
{
	if (!s->chld)
		return;
	s->chld = 0;
	(void)reap(s, 0);
}

/* The loop's reconcile step: reads the file again when a step above
 * marked it as due and its time has come. */
static void
loop_reconcile(struct supervisor *s)
{
	if (s->reconcile_due && util_mono_ms() >= s->reconcile_at)
		reconcile(s);
}

/* The loop's flush step: writes the pid fields queued, when due. */
static void
loop_flush(struct supervisor *s)
{
	if (pids_due(s) <= util_mono_ms())
		(void)flush_pids(s);
}

/* The loop's publish step: publishes the children's states when one
 * changed. */
static void
loop_publish(struct supervisor *s)
{
	if (s->dirty)
		publish(s);
}

/*
 * Loop phase: from now on we must not die.  The loop only dispatches, as
 * s6-svscan's: each step handles one source of events, and none blocks
 * but the poll.  Returns when we are to stop.
 */
static void
loop_run(struct supervisor *s)
{
	s->chld = 1;	/* whatever ended before the loop */
	for (;;) {
		loop_poll(s, loop_deadline(s));
		if (loop_signals(s) == -1)
			return;
		loop_file(s);
		handle_spawner(s);
		loop_reap(s);
		restarts(s);
		loop_reconcile(s);
		loop_flush(s);
		loop_publish(s);
	}
}

/* Sets up s for the jobs file of o: no fds, empty tables. */
static void
supervisor_setup(struct supervisor *s, const struct supervisor_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->lockfd = s->sfd = s->ifd = s->ttyfd = s->recfd[0] = s->recfd[1] =
	    s->sp.fd = -1;
	s->pid = getpid();
	s->rand_state = (unsigned)getpid() ^ (unsigned)time(NULL);
	s->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    child_free);
	s->by_pid = g_hash_table_new(g_direct_hash, g_direct_equal);
	s->reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	s->judged = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
}

/* Stops the spawner and frees what s holds: its fds and tables. */
static void
supervisor_free(struct supervisor *s)
{
	spawn_stop(&s->sp);
	if (s->lockfd != -1)
		(void)close(s->lockfd);
	if (s->ttyfd != -1)
		(void)close(s->ttyfd);
	g_hash_table_destroy(s->by_pid);
	g_hash_table_destroy(s->by_name);
	g_hash_table_destroy(s->reported);
	g_hash_table_destroy(s->judged);
	if (s->recfd[0] != -1)
		(void)close(s->recfd[0]);
	if (s->recfd[1] != -1)
		(void)close(s->recfd[1]);
	g_free(s->last_problem);
	while (s->npw > 0) {
		/* Not written: the shutdown put "-" back. */
		s->npw--;
		free(s->pw[s->npw].name);
		free(s->pw[s->npw].if_pid);
	}
	free(s->pw);
}

int
supervisor_run(const struct supervisor_opts *o)
{
	struct supervisor s;
	int rc;

	/* The file as the person named it: ps shows what was typed. */
	proctitle_set(NULL, "supervisor %s", o->jobsfile);
	supervisor_setup(&s, o);
	rc = init(&s);
	if (rc == 0) {
		if (strcmp(s.path, o->jobsfile) != 0)
			log_msg("sitewatch", "supervising %s, the file %s "
			    "points to (pid %ld)", s.path, o->jobsfile,
			    (long)getpid());
		else
			log_msg("sitewatch", "supervising %s (pid %ld)",
			    s.path, (long)getpid());
		reconcile(&s);
		s.last_stat = util_mono_ms();
		loop_run(&s);
		shutdown_all(&s);
		log_msg("sitewatch", "stopped");
	}
	supervisor_free(&s);
	return rc;
}
