/* Scav.h — scavenging: evacuate what the objects in to-space point to.
 *
 * Scavenging an object evacuates each of its pointer fields with
 * gct->evac_gen_no set to the object's generation (eager promotion);
 * mutable objects are re-cleaned when nothing they point to is younger and
 * stay DIRTY and on their generation's mut list otherwise (DESIGN §4.3).
 *
 * Must not depend on: the scheduler, the debugger.
 */
#ifndef RTS_SM_SCAV_H
#define RTS_SM_SCAV_H

#include "GCThread.h"

/* Scavenge until this thread's workspaces are fully scanned and the shared
 * work queue is empty (one round; see Note [Termination of parallel
 * scavenging] in GCUtils.c). */
void scavenge_until_all_done(void);

/* Scavenge cap's mut lists of the generations not being collected (the
 * remembered set: they are roots of a minor GC) and free the old lists. */
void scavenge_capability_mut_lists(Capability *cap);

/* Scavenge one object in place (a root that lives outside to-space, e.g. a
 * mut-list entry): evac_gen_no and failed_to_evac are the caller's. */
void scavenge_one(StgClosure *p);

/* Evacuate a WEAK's key, value and finalizer (the generic scavenger only
 * follows cfinalizers; see MarkWeak.h). */
void scavenge_weak_fields(StgWeak *w);

/* Record p (in generation gen > 0) on the calling GC thread's mut list. */
void recordMutableGen_GC(StgClosure *p, uint32_t gen);

#endif
