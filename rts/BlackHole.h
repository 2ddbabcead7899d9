/* BlackHole.h — blocking on a blackhole and waking its blocking queue
 * (GHC's messageBlackHole, wakeBlockingQueue; reference §3.4).
 *
 * A thread that enters a BLACKHOLE owned by another thread queues a
 * MSG_BLACKHOLE on the blackhole's BLOCKING_QUEUE (made on first use) and
 * blocks with why_blocked = BlockedOnBlackHole, block_info.bh = the
 * message.  The owner's update wakes the queue (Updates.c updateThunk),
 * across capabilities through tryWakeupThread's MSG_TRY_WAKEUP.  Entering
 * one's own blackhole is NonTermination: "<<loop>>", exit status 1.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#ifndef RTS_BLACKHOLE_H
#define RTS_BLACKHOLE_H

#include "Capability.h"

/* Exit status of a program that entered its own blackhole (GHC's
 * uncaught-exception status). */
#define RTS_EXIT_NONTERMINATION 1

/* The calling thread entered bh, a BLACKHOLE whose indirectee was an owner.
 * Blocks until the owner updates it (returns at once if it already has).
 * Returns bh's current address, for the caller to examine again.  May
 * collect; never returns for the owner itself (<<loop>>). */
StgClosure *blockOnBlackHole(StgClosure *bh);

/* Wake every thread queued on bq (its blackhole has just been updated by
 * its owner).  Never collects. */
void wakeBlockingQueue(Capability *cap, StgBlockingQueue *bq);

/* Report <<loop>> for the calling thread and exit(RTS_EXIT_NONTERMINATION). */
void nonTermination(StgClosure *bh) __attribute__((noreturn));

#endif
