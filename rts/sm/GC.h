/* GC.h — the garbage collector's interface to the rest of the runtime.
 *
 * A stop-the-world, generational, parallel copying collector modelled on
 * GHC's (DESIGN §4.4).  The caller must have stopped every mutator (until
 * the scheduler exists: there is only the calling thread).  Afterwards
 * every heap pointer the runtime holds through the roots below has been
 * updated; any other raw pointer into the heap is stale.
 *
 * Roots: every thread on generations[g].threads (its TSO and STACK, hence
 * the C root frames), each capability's current_tso, run queue and inbox,
 * the weak lists, the mut lists of uncollected generations, and whatever
 * was registered with registerGcRoots.
 *
 * Must not depend on: the debugger.
 */
#ifndef RTS_SM_GC_H
#define RTS_SM_GC_H

#include <stdbool.h>
#include <stdint.h>
#include "Capability.h"

/* Collect generations 0..N where N >= collect_gen is the oldest generation
 * that exceeded its max_blocks, or the oldest generation when force_major.
 * cap is the calling capability: its OS thread leads the collection. */
void GarbageCollect(Capability *cap, uint32_t collect_gen, bool force_major);

/* Run the GC work of one worker capability during a collection: called by
 * each stopped capability's OS thread while the scheduler runs, else by
 * the GC's own worker pthreads.  See Note [GC threads are the
 * capabilities' OS threads] in GC.c. */
void gcWorkerThread(Capability *cap);

/* The scheduler says whether capabilities' OS threads are the GC threads
 * (true from initScheduler until exitScheduler): then every collection
 * must run with the world stopped by stopTheWorld(..., gcWorkerThread). */
void gcWorkersAreCapabilities(bool yes);

/* Stop the GC's worker pthreads (rts_exit).  Safe to call when none run. */
void exitGC(void);

/* ---- roots registry ----
 * A subsystem that keeps heap pointers outside the heap (CAF list, stable
 * pointers, ...) registers a marking function once.  At each GC the leader
 * calls mark(evac, user) on its own OS thread; mark must call
 * evac(user, &slot) for every slot holding a heap pointer (NULL and static
 * closures are fine) and may not allocate.  After the call each slot holds
 * the object's new address. */
typedef void (*evac_fn)(void *user, StgClosure **root);
typedef void (*gc_roots_fn)(evac_fn evac, void *user);
void registerGcRoots(gc_roots_fn mark);

/* Number of collections so far (all generations). */
extern uint64_t gc_count;

#endif
