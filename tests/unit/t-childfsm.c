/*
 * t-childfsm.c - unit tests of src/supervisor/childfsm.c: a watcher's life in
 * the supervisor, driven by events, without any process.
 */
#include "supervisor/childfsm.h"
#include "tap.h"

/* Feeds ev to a child in state from; checks the state it ends in and the
 * actions asked for. */
static void
t_move(enum child_state from, enum child_event ev, enum child_state to,
    unsigned act)
{
	enum child_state st = from;

	check_uint(childfsm_step(&st, ev), ==, act);
	check_int(st, ==, to);
}

/* A new row starts; a crash backs off; the backoff's end makes it due
 * and the next look at its row starts it again. */
static void
t_crash_and_restart(void)
{
	enum child_state st = CHILD_RESTART_DUE;

	check_uint(childfsm_step(&st, CEV_ROW_FREE), ==, CACT_START);
	check_int(st, ==, CHILD_STARTING);
	check_uint(childfsm_step(&st, CEV_STARTED), ==, CACT_WRITE_PID);
	check_int(st, ==, CHILD_RUNNING);
	check_uint(childfsm_step(&st, CEV_ROW_OURS), ==, CACT_NONE);
	check_uint(childfsm_step(&st, CEV_EXIT_FAILED), ==, CACT_BACKOFF);
	check_int(st, ==, CHILD_BACKOFF);
	/* Its field still shows the dead pid: no start before the time. */
	check_uint(childfsm_step(&st, CEV_ROW_NUMBER), ==, CACT_NONE);
	check_int(st, ==, CHILD_BACKOFF);
	check_uint(childfsm_step(&st, CEV_BACKOFF_OVER), ==, CACT_NONE);
	check_int(st, ==, CHILD_RESTART_DUE);
	check_uint(childfsm_step(&st, CEV_ROW_NUMBER), ==, CACT_START);
	check_int(st, ==, CHILD_STARTING);
}

/* A person writes stop: the watcher is woken, ends itself, stays down
 * until "-" is written. */
static void
t_stop_and_start(void)
{
	enum child_state st = CHILD_RUNNING;

	check_uint(childfsm_step(&st, CEV_ROW_DOWN), ==, CACT_WAKE);
	check_int(st, ==, CHILD_RUNNING);
	check_uint(childfsm_step(&st, CEV_EXIT_STOPPED), ==, CACT_NONE);
	check_int(st, ==, CHILD_DOWN);
	check_uint(childfsm_step(&st, CEV_ROW_DOWN), ==, CACT_NONE);
	check_uint(childfsm_step(&st, CEV_ROW_NUMBER), ==, CACT_NONE);
	check_int(st, ==, CHILD_DOWN);
	check_uint(childfsm_step(&st, CEV_ROW_FREE), ==, CACT_START);
	check_int(st, ==, CHILD_STARTING);
}

/* Starting (asked of the spawner): the row is read again meanwhile, and
 * what it asks of the watcher waits for its pid; a pid that never comes
 * backs off. */
static void
t_starting(void)
{
	enum child_state st = CHILD_STARTING;

	check_uint(childfsm_step(&st, CEV_ROW_FREE), ==, CACT_NONE);
	check_uint(childfsm_step(&st, CEV_ROW_NUMBER), ==, CACT_NONE);
	check_uint(childfsm_step(&st, CEV_ROW_EDITED), ==, CACT_WAKE);
	check_uint(childfsm_step(&st, CEV_ROW_DOWN), ==, CACT_WAKE);
	check_int(st, ==, CHILD_STARTING);
	check_uint(childfsm_step(&st, CEV_STARTED), ==, CACT_WRITE_PID);
	check_int(st, ==, CHILD_RUNNING);
	check_uint(childfsm_step(&st, CEV_STARTED), ==, CACT_NONE);
	check_int(st, ==, CHILD_RUNNING);
	st = CHILD_STARTING;
	check_uint(childfsm_step(&st, CEV_START_FAILED), ==, CACT_BACKOFF);
	check_int(st, ==, CHILD_BACKOFF);
}

/* The shutdown: running watchers are told to end and counted down when
 * reaped, however they end; nothing else is started or written. */
static void
t_shutdown(void)
{
	enum child_state st = CHILD_RUNNING;

	check_uint(childfsm_step(&st, CEV_SHUTDOWN), ==, CACT_TERM);
	check_int(st, ==, CHILD_STOPPING);
	check_uint(childfsm_step(&st, CEV_ROW_FREE), ==, CACT_NONE);
	check_uint(childfsm_step(&st, CEV_EXIT_KILLED), ==, CACT_NONE);
	check_int(st, ==, CHILD_DOWN);
}

int
main(void)
{
	TEST(t_crash_and_restart(), "a crash backs off, then the row is looked at and it starts again");
	TEST(t_stop_and_start(), "stop wakes the watcher, it ends, stays down until '-'");
	TEST(t_shutdown(), "shutdown: SIGTERM, then down however it ends");
	TEST(t_starting(), "starting: the row's wishes wait for the pid, the pid is written when it comes, none backs off");
	TEST(t_move(CHILD_STARTING, CEV_ROW_GONE, CHILD_STARTING, CACT_WAKE),
	    "starting, the row gone: not forgotten, its pid is still to come");
	TEST(t_move(CHILD_STARTING, CEV_SHUTDOWN, CHILD_DOWN, CACT_NONE),
	    "starting at shutdown: down");
	TEST(t_move(CHILD_RUNNING, CEV_EXIT_KILLED, CHILD_DOWN, CACT_WRITE_STOP),
	    "running, killed by a person: down, 'stop' written");
	TEST(t_move(CHILD_RUNNING, CEV_ROW_FREE, CHILD_RUNNING, CACT_WRITE_PID),
	    "running, its field '-' (our write lost to a save): pid written again");
	TEST(t_move(CHILD_RUNNING, CEV_ROW_NUMBER, CHILD_RUNNING, CACT_WRITE_PID),
	    "running, another number in its field: pid written again");
	TEST(t_move(CHILD_RUNNING, CEV_ROW_EDITED, CHILD_RUNNING, CACT_WAKE),
	    "running, row edited: woken to look at it");
	TEST(t_move(CHILD_RUNNING, CEV_ROW_GONE, CHILD_RUNNING, CACT_WAKE),
	    "running, row gone: woken, it ends itself");
	TEST(t_move(CHILD_RUNNING, CEV_START_FAILED, CHILD_BACKOFF, CACT_BACKOFF),
	    "a start that failed backs off");
	TEST(t_move(CHILD_RESTART_DUE, CEV_ROW_DOWN, CHILD_DOWN, CACT_NONE),
	    "restart due, but the row says stop: down");
	TEST(t_move(CHILD_BACKOFF, CEV_ROW_DOWN, CHILD_DOWN, CACT_NONE),
	    "backoff, the row says stop: down, no restart");
	TEST(t_move(CHILD_BACKOFF, CEV_ROW_GONE, CHILD_DOWN, CACT_FORGET),
	    "backoff, the row gone: forgotten");
	TEST(t_move(CHILD_DOWN, CEV_ROW_GONE, CHILD_DOWN, CACT_FORGET),
	    "down, the row gone: forgotten");
	TEST(t_move(CHILD_RESTART_DUE, CEV_ROW_GONE, CHILD_DOWN, CACT_FORGET),
	    "restart due, the row gone: forgotten");
	TEST(t_move(CHILD_BACKOFF, CEV_SHUTDOWN, CHILD_DOWN, CACT_NONE),
	    "backoff at shutdown: down, nothing to stop");
	TEST(t_move(CHILD_DOWN, CEV_EXIT_FAILED, CHILD_DOWN, CACT_NONE),
	    "an event that cannot happen in a state changes nothing");
	return test_done();
}
