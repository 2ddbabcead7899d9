/* Weak.h — weak pointers and finalizers outside the GC (DESIGN §4.9).
 *
 * Offers the operations behind rts.h's "Weak pointers" section (mkWeak,
 * deRefWeak, finalizeWeak, mkWeakThreadId, addCFinalizerToWeak) and the
 * finalizer queue that MarkWeak.c fills at the end of a collection:
 * C finalizers run at once, closure finalizers are queued and started in
 * new green threads at the next safe point (Note [When finalizers run]).
 *
 * Must not depend on: the GC's internals (MarkWeak.c calls in, not out),
 * the debugger.
 */
#ifndef RTS_WEAK_H
#define RTS_WEAK_H

#include <stdbool.h>
#include "rts.h"
#include "Capability.h"

/* A closure finalizer: CONSTR { env; fn } (fn is an rts_Finalizer). */
extern const StgInfoTable Finalizer_con_info;
/* One C finalizer: CONSTR { link; fn, ptr }, GHC's StgCFinalizerList. */
extern const StgInfoTable CFinalizerList_con_info;
/* GHC's ThreadId constructor over a TSO: CONSTR { tso }. */
extern const StgInfoTable ThreadId_con_info;

/* Run the C finalizers of the list `list` (a CFinalizerList chain or
 * NULL), in list order (the most recently added first).  They do not
 * touch the heap, so this is safe during GC. */
void runCFinalizers(StgClosure *list);

/* Called by the GC leader, world stopped, for a weak found dead:
 * `finalizer` (a Finalizer closure, already evacuated) joins the queue
 * of closure finalizers, which is a GC root from now on. */
void queueFinalizer(StgClosure *finalizer);

/* Called by the GC leader (GC thread gc_thread), world stopped, for each
 * weak found dead, just before it becomes DEAD_WEAK: records
 * EVENT_WEAK_DEAD and reports the finalization to write watches. */
void weakDied(StgWeak *w, uint32_t gc_thread);

/* True when closure finalizers wait to be started (cheap; read at every
 * safe point). */
extern volatile bool finalizers_pending;

/* Start every queued closure finalizer in a new green thread (calls
 * rts_fork_with: may allocate and collect).  Called from rts_safepoint
 * when finalizers_pending; see Note [When finalizers run]. */
void runPendingFinalizers(void);

#endif
