/*
 * t-spawn.c - unit tests of src/supervisor/spawn.c: the request's encoding,
 * and a real spawner cloning real children that are ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "supervisor/spawn.h"
#include "tap.h"

static struct spawn_request
sample(void)
{
	struct spawn_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.job.name = "Wiki pedia";
	rq.job.url = "https://example.org/a;b";
	rq.job.interval_text = "*/5 * * * *";
	rq.job.lastmod = "Mon, 01 Jan 2024 00:00:00 GMT";
	rq.job.pid_text = "-";
	rq.job.filter = "css:.price | ignore:a;b";
	rq.job.notify = "added";
	rq.job.pid_kind = JOBS_PID_NONE;
	rq.job.pid = 0;
	rq.job.lineno = 42;
	rq.job.interval = 300;
	rq.job.sched.kind = SCHEDULE_CRON;
	rq.job.sched.minutes = 0x0842108421ULL;
	rq.first_delay_ms = 999;
	return rq;
}

static void
t_round_trip(void)
{
	struct spawn_request in = sample(), out;
	static char buf[4096];
	size_t len = spawn_encode(buf, sizeof(buf), &in);

	if (!check(len > 0))
		return;
	check_int(spawn_decode(buf, len, &out), ==, 0);
	check_str(out.job.name, in.job.name);
	check_str(out.job.url, in.job.url);
	check_str(out.job.interval_text, in.job.interval_text);
	check_str(out.job.lastmod, in.job.lastmod);
	check_str(out.job.pid_text, in.job.pid_text);
	check_str(out.job.filter, in.job.filter);
	check_str(out.job.notify, in.job.notify);
	check_int(out.job.pid_kind, ==, JOBS_PID_NONE);
	check_uint(out.job.lineno, ==, 42);
	check_int(out.job.interval, ==, 300);
	check_int(out.job.sched.kind, ==, SCHEDULE_CRON);
	check_uint(out.job.sched.minutes, ==, in.job.sched.minutes);
	check_int(out.first_delay_ms, ==, 999);
}

static void
t_bad_requests(void)
{
	struct spawn_request in = sample(), out;
	static char buf[4096];
	size_t len = spawn_encode(buf, sizeof(buf), &in), i;

	/* Too small a buffer: not encoded (never cut). */
	check_uint(spawn_encode(buf, 10, &in), ==, 0);
	check_uint(spawn_encode(buf, len - 1, &in), ==, 0);
	len = spawn_encode(buf, sizeof(buf), &in);
	/* Every cut of a request is refused. */
	for (i = 0; i < len; i++)
		if (spawn_decode(buf, i, &out) != -1)
			break;
	check_uint(i, ==, len);
	/* A string's end moved: an embedded NUL, or none where it should
	 * be. */
	buf[len - 1] = 'x';
	check_int(spawn_decode(buf, len, &out), ==, -1);
	buf[len - 1] = '\0';
	buf[len - 2] = '\0';
	check_int(spawn_decode(buf, len, &out), ==, -1);
}

static int report[2];

/* The cloned child: says its parent and its name, and exits 7. */
static void
child(const struct spawn_request *rq, void *arg)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%ld %s %ld\n", (long)getppid(),
	    rq->job.name, rq->first_delay_ms);

	(void)arg;
	(void)!write(report[1], line, (size_t)n);
	_exit(7);
}

/* The answers of one start_all(): pid[i] and err[i] of request i. */
struct answers {
	const struct spawn_request *rq;
	pid_t *pid;
	int *err;
	size_t n, got;
};

/* The spawn_reply_fn of start_all: the tag is the request's index. */
static void
answered(void *arg, void *tag, pid_t pid, int err)
{
	struct answers *a = arg;
	size_t i = (size_t)(uintptr_t)tag;

	a->pid[i] = pid;
	a->err[i] = err;
	a->got++;
}

/*
 * Asks the spawner for the watchers of rq[0..n) and answers them as a
 * caller's poll loop would: pid[i] is the watcher's pid or -1 with err[i]
 * (a request refused at once gets its errno).  Returns the number started.
 */
static size_t
start_all(struct spawner *sp, const struct spawn_request *rq, size_t n,
    pid_t *pid, int *err)
{
	struct answers a = { rq, pid, err, n, 0 };
	size_t i, started = 0;

	for (i = 0; i < n; i++) {
		pid[i] = -1;
		err[i] = 0;
		if (spawn_request(sp, &rq[i], (void *)(uintptr_t)i) == -1) {
			err[i] = errno;
			a.got++;
		}
	}
	while (a.got < n) {
		struct pollfd pfd = { sp->fd, spawn_events(sp), 0 };

		if (pfd.events != 0)
			(void)poll(&pfd, 1, 1000);
		spawn_handle(sp, util_mono_ms(), answered, &a);
	}
	for (i = 0; i < n; i++)
		started += pid[i] > 0;
	return started;
}

static void
t_clones_are_ours(void)
{
	struct spawner sp;
	struct spawn_request rq = sample();
	char line[256], want[256];
	ssize_t n;
	pid_t pid;
	int st = 0, err;

	check_int(pipe(report), ==, 0);
	if (!check_int(spawn_start(&sp, child, NULL, &report[1], 1), ==, 0))
		return;
	check(sp.pid > 0);
	check_uint(start_all(&sp, &rq, 1, &pid, &err), ==, 1);
	if (!check(pid > 0 && pid != sp.pid))
		return;
	check_int(err, ==, 0);
	/* Our child, not the spawner's: we reap it. */
	check_int(waitpid(pid, &st, 0), ==, pid);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	check_int(spawn_reaped(&sp, pid), ==, 0);
	n = read(report[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	(void)snprintf(want, sizeof(want), "%ld Wiki pedia 999\n",
	    (long)getpid());
	check_str(line, want);

	/* A spawner killed: the next request is answered EPIPE, and the
	 * caller reaps it. */
	st = sp.pid;
	check_int(kill(sp.pid, SIGKILL), ==, 0);
	check_uint(start_all(&sp, &rq, 1, &pid, &err), ==, 0);
	check_int(pid, ==, -1);
	check_int(err, ==, EPIPE);
	check_int(sp.pid, ==, 0);
	check_int(waitpid(st, NULL, 0), ==, st);
	spawn_stop(&sp);
	(void)close(report[0]);
	(void)close(report[1]);
}

#define MANY 197

/* Many requests at once, one of them too long to send: every other one
 * started, in order, each with its own row. */
static void
t_stream(void)
{
	static struct spawn_request rq[MANY];
	static char names[MANY][16], big[SPAWN_MSG_MAX + 1];
	static char seen[MANY];
	pid_t pid[MANY];
	int err[MANY], i, bad = MANY / 2, st, ok = 1;
	struct spawner sp;
	FILE *in;
	char line[256];

	check_int(pipe(report), ==, 0);
	if (!check_int(spawn_start(&sp, child, NULL, &report[1], 1), ==, 0))
		return;
	memset(big, 'a', sizeof(big) - 1);
	for (i = 0; i < MANY; i++) {
		rq[i] = sample();
		(void)snprintf(names[i], sizeof(names[i]), "w%d", i);
		rq[i].job.name = names[i];
		rq[i].first_delay_ms = i;
	}
	rq[bad].job.url = big;
	check_uint(start_all(&sp, rq, MANY, pid, err), ==, MANY - 1);
	check_int(pid[bad], ==, -1);
	check_int(err[bad], ==, EMSGSIZE);
	check(sp.pid > 0);
	for (i = 0; i < MANY; i++) {
		if (i == bad)
			continue;
		if (pid[i] <= 0 || err[i] != 0 || waitpid(pid[i], &st, 0) !=
		    pid[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
			ok = 0;
	}
	check(ok);
	/* The spawner holds the pipe too: the lines end when it does. */
	spawn_stop(&sp);
	(void)close(report[1]);
	in = fdopen(report[0], "r");
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		long ppid, delay;
		int k;

		if (sscanf(line, "%ld w%d %ld", &ppid, &k, &delay) == 3 &&
		    ppid == (long)getpid() && k >= 0 && k < MANY && delay == k)
			seen[k]++;
	}
	for (i = 0; i < MANY; i++)
		if (seen[i] != (i == bad ? 0 : 1))
			break;
	check_int(i, ==, MANY);
	if (in != NULL)
		(void)fclose(in);
}

/* A stalled spawner (stopped) holds nobody up: spawn_handle returns at
 * once, and at the deadline the request is answered EPIPE, the spawner
 * given up (killed, for the caller to reap). */
static void
t_stalled(void)
{
	struct spawner sp;
	struct spawn_request rq = sample();
	pid_t pid = 0, spid;
	int err = 0;
	struct answers a = { &rq, &pid, &err, 1, 0 };
	long long t0;

	if (!check_int(spawn_start(&sp, child, NULL, NULL, 0), ==, 0))
		return;
	spid = sp.pid;
	check_int(kill(spid, SIGSTOP), ==, 0);
	check_int(spawn_request(&sp, &rq, (void *)0), ==, 0);
	t0 = util_mono_ms();
	spawn_handle(&sp, t0, answered, &a);
	check_uint(a.got, ==, 0);
	check(spawn_events(&sp) & POLLIN);
	check_int(spawn_deadline(&sp), ==, t0 + SPAWN_REPLY_MS);
	spawn_handle(&sp, t0 + SPAWN_REPLY_MS - 1, answered, &a);
	check_uint(a.got, ==, 0);
	spawn_handle(&sp, t0 + SPAWN_REPLY_MS, answered, &a);
	check_uint(a.got, ==, 1);
	check_int(pid, ==, -1);
	check_int(err, ==, EPIPE);
	check_int(sp.pid, ==, 0);
	check_int(sp.fd, ==, -1);
	check_int(spawn_events(&sp), ==, 0);
	check_int(waitpid(spid, NULL, 0), ==, spid);
	/* From now on a request is refused at once. */
	check_int(spawn_request(&sp, &rq, (void *)0), ==, -1);
	check_int(errno, ==, EPIPE);
	check(util_mono_ms() - t0 < 1000);
}

static void
t_stop_reaps(void)
{
	struct spawner sp;
	pid_t pid;

	if (!check_int(spawn_start(&sp, child, NULL, NULL, 0), ==, 0))
		return;
	pid = sp.pid;
	spawn_stop(&sp);
	check_int(sp.pid, ==, 0);
	check_int(sp.fd, ==, -1);
	/* Gone and reaped: no such child any more. */
	check_int(waitpid(pid, NULL, WNOHANG), ==, -1);
	check_int(kill(pid, 0), ==, -1);
}

int
main(void)
{
	TEST(t_round_trip(), "a request survives encode and decode");
	TEST(t_bad_requests(), "cut or damaged requests are refused; too small a buffer is not cut");
	TEST(t_clones_are_ours(), "the spawner's clones are the caller's children; a dead spawner fails cleanly");
	TEST(t_stream(), "many requests at once: all started in order, a too-long one refused alone");
	TEST(t_stalled(), "a stalled spawner holds nobody up: at the deadline its requests are answered EPIPE and it is given up");
	TEST(t_stop_reaps(), "spawn_stop ends and reaps the spawner");
	return test_done();
}
