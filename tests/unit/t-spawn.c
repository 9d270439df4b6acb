/*
 * t-spawn.c - unit tests of src/spawn.c: the request's encoding, and a
 * real spawner cloning real children that are ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
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
	rq.job.pid_kind = JOBS_PID_NONE;
	rq.job.pid = 0;
	rq.job.lineno = 42;
	rq.job.interval = 300;
	rq.job.sched.kind = SCHEDULE_CRON;
	rq.job.sched.minutes = 0x0842108421ULL;
	rq.seen.st_ino = 1234;
	rq.seen.st_size = 5678;
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
	check_int(out.job.pid_kind, ==, JOBS_PID_NONE);
	check_uint(out.job.lineno, ==, 42);
	check_int(out.job.interval, ==, 300);
	check_int(out.job.sched.kind, ==, SCHEDULE_CRON);
	check_uint(out.job.sched.minutes, ==, in.job.sched.minutes);
	check_uint(out.seen.st_ino, ==, 1234);
	check_int(out.seen.st_size, ==, 5678);
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

static void
t_clones_are_ours(void)
{
	struct spawner sp;
	struct spawn_request rq = sample();
	char line[256], want[256];
	ssize_t n;
	pid_t pid;
	int st = 0;

	check_int(pipe(report), ==, 0);
	if (!check_int(spawn_start(&sp, child, NULL, &report[1], 1), ==, 0))
		return;
	check(sp.pid > 0);
	pid = spawn_watcher(&sp, &rq);
	if (!check(pid > 0 && pid != sp.pid))
		return;
	/* Our child, not the spawner's: we reap it. */
	check_int(waitpid(pid, &st, 0), ==, pid);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	check_int(spawn_reaped(&sp, pid), ==, 0);
	n = read(report[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	(void)snprintf(want, sizeof(want), "%ld Wiki pedia 999\n",
	    (long)getpid());
	check_str(line, want);

	/* A request too long to send is refused, the spawner stays. */
	{
		static char big[SPAWN_MSG_MAX + 1];

		memset(big, 'a', sizeof(big) - 1);
		rq.job.url = big;
		errno = 0;
		check_int(spawn_watcher(&sp, &rq), ==, -1);
		check_int(errno, ==, EMSGSIZE);
		check(sp.pid > 0);
		rq.job.url = "http://x/";
	}

	/* A spawner killed: the next request says EPIPE, and it is reaped. */
	pid = sp.pid;
	check_int(kill(pid, SIGKILL), ==, 0);
	errno = 0;
	check_int(spawn_watcher(&sp, &rq), ==, -1);
	check_int(errno, ==, EPIPE);
	check_int(sp.pid, ==, 0);
	check_int(waitpid(pid, NULL, WNOHANG), ==, -1);	/* already reaped */
	spawn_stop(&sp);
	(void)close(report[0]);
	(void)close(report[1]);
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
	TEST(t_clones_are_ours(), "the spawner's clones are the caller's children; long requests and a dead spawner fail cleanly");
	TEST(t_stop_reaps(), "spawn_stop ends and reaps the spawner");
	return test_done();
}
