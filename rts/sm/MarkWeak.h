/* MarkWeak.h — weak pointers during GC (GHC's rts/sm/MarkWeak.c).
 *
 * The collector calls, in this order (reference §2.1):
 *   collectFreshWeakPtrs   capabilities' fresh weaks -> g0's weak list;
 *   markWeakPtrList        evacuate the weak objects of the collected
 *                          generations (not their keys) and move the lists
 *                          to old_weak_ptr_list (GHC's initWeakForGC too);
 *   traverseWeakPtrList    after each round of scavenging, until it
 *                          returns false: weaks whose key is alive keep
 *                          their value and finalizer; once nothing changes
 *                          the rest are dead, their finalizers are kept
 *                          and at the very end they become DEAD_WEAK and
 *                          their finalizers are started (Weak.h).
 * See Note [Weak pointer traversal] in MarkWeak.c.
 *
 * Must not depend on: the scheduler, the debugger.
 */
#ifndef RTS_SM_MARKWEAK_H
#define RTS_SM_MARKWEAK_H

#include <stdbool.h>
#include "GCThread.h"

/* Move every capability's fresh weaks onto g0's weak list. */
void collectFreshWeakPtrs(void);

/* Evacuate the weak objects on the weak lists of generations 0..N (their
 * keys are not traced) and set the lists aside for traverseWeakPtrList.
 * Called by the leader while the other GC threads already scavenge. */
void markWeakPtrList(void);

/* After a round of scavenging, with the other GC threads idle: true if it
 * evacuated more objects, so that another round is needed. */
bool traverseWeakPtrList(void);

#endif
