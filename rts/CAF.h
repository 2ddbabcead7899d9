/* CAF.h — entering CAFs (static thunks) atomically: newCAF/lockCAF
 * (GHC's rts/sm/Storage.c; reference §3.3, the #5558 fix).
 *
 * The CAF list, for the GC and for debuggers:
 *     StgIndStatic *dyn_caf_list
 * every CAF entered so far, linked through static_link, ending with
 * END_OF_CAF_LIST ((StgIndStatic *)1).  A CAF on it is IND_STATIC (or
 * WHITEHOLE for an instant) with saved_info = its THUNK_STATIC info table
 * and indirectee = its CAF_BLACKHOLE (heap), or the value once the GC has
 * shorted the blackhole out.  CAFs are never reverted or collected: the GC
 * treats every indirectee on the list as a root (markCAFs).
 *
 * +RTS --inject=caf-nonatomic restores GHC 7.2's entry (#5558): each
 * entering thread builds its own CAF_BLACKHOLE and stores IND_STATIC with
 * plain writes, so two threads can both evaluate the CAF.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#ifndef RTS_CAF_H
#define RTS_CAF_H

#include <stdbool.h>
#include "Capability.h"

#define END_OF_CAF_LIST ((StgIndStatic *)1)

/* Every CAF entered so far (see above). */
extern StgIndStatic *volatile dyn_caf_list;

/* Enter the CAF caf, whose header read `info` (THUNK_STATIC): claim it
 * (newCAF), evaluate it under a bh_upd_frame and update its blackhole.
 * Returns true with *result = the value, or false with *result = the
 * closure to examine again (another thread claimed the CAF first: the
 * caller re-enters it and blocks on that thread's blackhole). */
bool enterCAF(StgIndStatic *caf, const StgInfoTable *info, StgClosure **result);

/* GHC's newCAF: returns the new CAF_BLACKHOLE owned by the calling thread,
 * now the CAF's indirectee, or NULL if another thread claimed the CAF
 * first (Note [Atomic CAF entry] in CAF.c). */
StgClosure *newCAF(Capability *cap, StgIndStatic *caf, const StgInfoTable *orig_info);

/* CAFs on dyn_caf_list (for tests and the -s report). */
uint32_t countCAFs(void);

#endif
