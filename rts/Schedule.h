/* Schedule.h — the scheduler's interface to the rest of the runtime (issue 3).
 *
 * Green threads (TSOs) run C code on their own C stacks (GreenContext.h);
 * each capability's OS thread runs a scheduler loop that switches between
 * them.  A green thread may resume on a different OS thread than the one it
 * blocked on: never cache thread-local addresses or Capability pointers
 * across a call that can block, yield or allocate — re-read myCapability().
 *
 * MVar operations (MVar.c), blackholes (issue 4) and the public API build on
 * these primitives.  The scheduler owns Schedule.c, Capability.c, Threads.c.
 */
#ifndef RTS_SCHEDULE_H
#define RTS_SCHEDULE_H

#include <stdbool.h>
#include "Capability.h"

/* The capability the calling green thread runs on (never inlined: it reads
 * thread-local state that changes when a green thread migrates). */
Capability *myCapability(void) __attribute__((noinline));
/* The calling green thread's TSO (cap->current_tso; the GC updates it). */
StgTSO *myTSO(void);

/* Block the calling green thread: it is suspended and the scheduler runs
 * `after(cap, arg)` on the scheduler's own stack once the thread is fully
 * switched out (GHC's BLOCK_BUT_FIRST: e.g. unlock the MVar only then).
 * The caller has already set tso->why_blocked and tso->block_info.
 * Returns when the thread has been woken and scheduled again. */
void blockCurrentThread(void (*after)(Capability *cap, void *arg), void *arg);

/* Make a blocked thread runnable.  Safe from any capability: when tso->cap
 * is another capability, a MSG_TRY_WAKEUP message is sent to it.  For
 * BlockedOnMVar/BlockedOnMVarRead the thread is woken only if
 * tso->_link == END_TSO_QUEUE (the waker completed its operation). */
void tryWakeupThread(Capability *cap, StgTSO *tso);

/* Closure spin lock (WHITEHOLE in the header), GHC's lockClosure: no-op
 * returning the header when only one capability runs. */
const StgInfoTable *lockClosure(StgClosure *p);
bool tryLockClosure(StgClosure *p, const StgInfoTable **info_out);
void unlockClosure(StgClosure *p, const StgInfoTable *info);

/* A safe point: yield if preemption or a GC sync was requested, collect if
 * this capability's nursery is exhausted.  Allocation calls it. */
void rts_safepoint(void);

#endif
