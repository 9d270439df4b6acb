/*
 * childfsm.h - the life of one of the supervisor's watchers as a state
 * machine: down, starting, running, backoff, restart due, stopping; the
 * events that move it (what its row says, its pid arriving, how its
 * process ended, a timer, the shutdown); and the actions each move asks
 * for.  As s6-supervise's
 * actions[state][event], the decisions are one table; the supervisor
 * feeds it events and carries out the actions it returns.  Pure: no
 * processes, no I/O, nothing from supervisor.c.
 */
#ifndef SITEWATCH_CHILDFSM_H
#define SITEWATCH_CHILDFSM_H

enum child_state {
	CHILD_DOWN,		/* no watcher, and none wanted until "-" */
	CHILD_STARTING,		/* its start was asked for (of the spawner):
				 * its pid is not known yet */
	CHILD_RUNNING,		/* its watcher runs */
	CHILD_BACKOFF,		/* its watcher failed: wait before a restart */
	CHILD_RESTART_DUE,	/* start a watcher unless its row says stop
				 * (a new row, or a backoff that is over) */
	CHILD_STOPPING,		/* shutdown: told to end, not reaped yet */
	CHILD_NSTATES
};

enum child_event {
	/* What its row says, at each reading of the file.  A row that
	 * changed (jobs_diff) gives CEV_ROW_EDITED first, then its pid
	 * field's event. */
	CEV_ROW_FREE,		/* pid field "-" or empty */
	CEV_ROW_NUMBER,		/* a number that is not its running watcher */
	CEV_ROW_OURS,		/* the pid of its running watcher */
	CEV_ROW_DOWN,		/* "stop" or "done" */
	CEV_ROW_GONE,		/* removed, or no longer usable */
	CEV_ROW_EDITED,		/* something its watcher uses changed */
	CEV_STARTED,		/* its watcher's pid arrived */
	/* How its watcher ended. */
	CEV_EXIT_STOPPED,	/* exit 0: its row said stop, or was gone */
	CEV_EXIT_KILLED,	/* SIGTERM, SIGINT or SIGHUP: a person */
	CEV_EXIT_FAILED,	/* any other end: a crash, an error */
	/* The supervisor's own. */
	CEV_START_FAILED,	/* a start was asked for and did not happen */
	CEV_BACKOFF_OVER,	/* the backoff's time has come */
	CEV_SHUTDOWN,		/* the supervisor is stopping everything */
	CEV_NEVENTS
};

/* What a move asks the supervisor to do (bits). */
enum child_action {
	CACT_NONE = 0,
	CACT_START = 1 << 0,		/* start a watcher for its row; its
					 * pid comes as CEV_STARTED */
	CACT_WAKE = 1 << 1,		/* SIGUSR2: look at your row again
					 * (starting: once its pid is known) */
	CACT_WRITE_PID = 1 << 2,	/* write the watcher's pid into the row */
	CACT_WRITE_STOP = 1 << 3,	/* write "stop": a person ended it */
	CACT_BACKOFF = 1 << 4,		/* plan a restart after the backoff */
	CACT_TERM = 1 << 5,		/* SIGTERM (the shutdown) */
	CACT_FORGET = 1 << 6		/* drop the child: its row is gone */
};

/*
 * Moves *st by event ev.  Returns the CACT_* bits the move asks for;
 * *st changes only when the table says so.
 */
unsigned childfsm_step(enum child_state *st, enum child_event ev);

#endif
