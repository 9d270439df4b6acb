/*
 * childfsm.c - the supervisor's watcher life cycle as one table (see
 * childfsm.h).  Each cell is the next state and the actions of a move.
 * Events that cannot happen in a state (a watcher's exit while it is
 * down) leave the state alone and ask for nothing; they are written out
 * all the same, so that the table reads as a whole.
 */
#include "supervisor/childfsm.h"

/* A move: the next state plus one (0 keeps the state, so that a cell
 * left out stays where it is and asks for nothing), and its actions. */
struct move {
	unsigned char next;
	unsigned char act;	/* enum child_action bits */
};

#define M(n, a) { (unsigned char)((n) + 1), (a) }
#define STAY { 0, CACT_NONE }
#define DO(a) { 0, (a) }		/* stay, and ask for a */

static const struct move table[CHILD_NSTATES][CEV_NEVENTS] = {
	[CHILD_DOWN] = {
		/* Stopped: only "-" in its field starts it again. */
		[CEV_ROW_FREE] = M(CHILD_STARTING, CACT_START),
		[CEV_ROW_NUMBER] = STAY,
		[CEV_ROW_OURS] = STAY,
		[CEV_ROW_DOWN] = STAY,
		[CEV_ROW_GONE] = M(CHILD_DOWN, CACT_FORGET),
		[CEV_ROW_EDITED] = STAY,
		[CEV_STARTED] = STAY,
		[CEV_EXIT_STOPPED] = STAY,
		[CEV_EXIT_KILLED] = STAY,
		[CEV_EXIT_FAILED] = STAY,
		[CEV_START_FAILED] = M(CHILD_BACKOFF, CACT_BACKOFF),
		[CEV_BACKOFF_OVER] = STAY,
		[CEV_SHUTDOWN] = STAY,
	},
	[CHILD_STARTING] = {
		/* Asked of the spawner: its pid is written when it comes.
		 * What the row asks of the watcher meanwhile is asked once
		 * it runs. */
		[CEV_ROW_FREE] = STAY,
		[CEV_ROW_NUMBER] = STAY,
		[CEV_ROW_OURS] = STAY,
		[CEV_ROW_DOWN] = DO(CACT_WAKE),
		[CEV_ROW_GONE] = DO(CACT_WAKE),
		[CEV_ROW_EDITED] = DO(CACT_WAKE),
		[CEV_STARTED] = M(CHILD_RUNNING, CACT_WRITE_PID),
		[CEV_EXIT_STOPPED] = STAY,
		[CEV_EXIT_KILLED] = STAY,
		[CEV_EXIT_FAILED] = STAY,
		[CEV_START_FAILED] = M(CHILD_BACKOFF, CACT_BACKOFF),
		[CEV_BACKOFF_OVER] = STAY,
		/* A pid that comes later is stopped as it comes. */
		[CEV_SHUTDOWN] = M(CHILD_DOWN, CACT_NONE),
	},
	[CHILD_RUNNING] = {
		/* Our pid write can be lost to a person's save that raced
		 * it: write it again. */
		[CEV_ROW_FREE] = DO(CACT_WRITE_PID),
		[CEV_ROW_NUMBER] = DO(CACT_WRITE_PID),
		[CEV_ROW_OURS] = STAY,
		/* The watcher reads its row and ends itself. */
		[CEV_ROW_DOWN] = DO(CACT_WAKE),
		[CEV_ROW_GONE] = DO(CACT_WAKE),
		[CEV_ROW_EDITED] = DO(CACT_WAKE),
		[CEV_STARTED] = STAY,
		[CEV_EXIT_STOPPED] = M(CHILD_DOWN, CACT_NONE),
		[CEV_EXIT_KILLED] = M(CHILD_DOWN, CACT_WRITE_STOP),
		[CEV_EXIT_FAILED] = M(CHILD_BACKOFF, CACT_BACKOFF),
		[CEV_START_FAILED] = M(CHILD_BACKOFF, CACT_BACKOFF),
		[CEV_BACKOFF_OVER] = STAY,
		[CEV_SHUTDOWN] = M(CHILD_STOPPING, CACT_TERM),
	},
	[CHILD_BACKOFF] = {
		[CEV_ROW_FREE] = STAY,
		[CEV_ROW_NUMBER] = STAY,
		[CEV_ROW_OURS] = STAY,
		[CEV_ROW_DOWN] = M(CHILD_DOWN, CACT_NONE),
		[CEV_ROW_GONE] = M(CHILD_DOWN, CACT_FORGET),
		[CEV_ROW_EDITED] = STAY,
		[CEV_STARTED] = STAY,
		[CEV_EXIT_STOPPED] = STAY,
		[CEV_EXIT_KILLED] = STAY,
		[CEV_EXIT_FAILED] = STAY,
		[CEV_START_FAILED] = STAY,
		/* Down for a moment: the next look at its row starts it,
		 * unless the row says stop by then. */
		[CEV_BACKOFF_OVER] = M(CHILD_RESTART_DUE, CACT_NONE),
		[CEV_SHUTDOWN] = M(CHILD_DOWN, CACT_NONE),
	},
	[CHILD_RESTART_DUE] = {
		/* A new row, a number left by an earlier run that ended
		 * abruptly, or a backoff that is over: start it. */
		[CEV_ROW_FREE] = M(CHILD_STARTING, CACT_START),
		[CEV_ROW_NUMBER] = M(CHILD_STARTING, CACT_START),
		[CEV_ROW_OURS] = M(CHILD_STARTING, CACT_START),
		[CEV_ROW_DOWN] = M(CHILD_DOWN, CACT_NONE),
		[CEV_ROW_GONE] = M(CHILD_DOWN, CACT_FORGET),
		[CEV_ROW_EDITED] = STAY,
		[CEV_STARTED] = STAY,
		[CEV_EXIT_STOPPED] = STAY,
		[CEV_EXIT_KILLED] = STAY,
		[CEV_EXIT_FAILED] = STAY,
		[CEV_START_FAILED] = M(CHILD_BACKOFF, CACT_BACKOFF),
		[CEV_BACKOFF_OVER] = STAY,
		[CEV_SHUTDOWN] = M(CHILD_DOWN, CACT_NONE),
	},
	[CHILD_STOPPING] = {
		/* The shutdown: only the end of its watcher matters. */
		[CEV_ROW_FREE] = STAY,
		[CEV_ROW_NUMBER] = STAY,
		[CEV_ROW_OURS] = STAY,
		[CEV_ROW_DOWN] = STAY,
		[CEV_ROW_GONE] = STAY,
		[CEV_ROW_EDITED] = STAY,
		[CEV_STARTED] = STAY,
		[CEV_EXIT_STOPPED] = M(CHILD_DOWN, CACT_NONE),
		[CEV_EXIT_KILLED] = M(CHILD_DOWN, CACT_NONE),
		[CEV_EXIT_FAILED] = M(CHILD_DOWN, CACT_NONE),
		[CEV_START_FAILED] = M(CHILD_DOWN, CACT_NONE),
		[CEV_BACKOFF_OVER] = STAY,
		[CEV_SHUTDOWN] = STAY,
	},
};

unsigned
childfsm_step(enum child_state *st, enum child_event ev)
{
	const struct move *m;

	if ((unsigned)*st >= CHILD_NSTATES || (unsigned)ev >= CEV_NEVENTS)
		return CACT_NONE;
	m = &table[*st][ev];
	if (m->next != 0)
		*st = (enum child_state)(m->next - 1);
	return m->act;
}
