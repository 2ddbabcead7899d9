/* ThreadPaused.h — lazy blackholing and duplicate-work detection when a
 * thread pauses (GHC's rts/ThreadPaused.c; reference §3.4), and
 * noDuplicate for unsafePerformIO.
 *
 * Called on the pausing thread itself, just before it switches to its
 * scheduler: when it yields, stops for a GC (Schedule.c rts_safepoint,
 * yieldThread) or blocks (blockCurrentThread), and from rts_noDuplicate.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#ifndef RTS_THREADPAUSED_H
#define RTS_THREADPAUSED_H

#include "Capability.h"

/* Walk tso's update frames not yet marked, innermost first.  If one's
 * updatee is claimed by another thread (or already updated), the work
 * above it is a duplicate: abandon it — this call then does not return;
 * the rts_force that pushed that frame enters the updatee again and
 * blocks on the owner (Note [Abandoning duplicate work]).  Otherwise claim
 * every thunk under evaluation (THUNK -> BLACKHOLE owned by tso) and mark
 * the frames.  tso must be the calling thread, holding no closure lock. */
void threadPaused(Capability *cap, StgTSO *tso);

/* The same for a thread that is about to block: claims, never abandons
 * (its blocking state must stay as it is). */
void threadPausedBlocked(Capability *cap, StgTSO *tso);

#endif
