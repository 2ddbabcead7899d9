/* Updates.h — forcing thunks and updating them with their values (issue 4).
 *
 * rts_force (rts.h) evaluates a closure to weak head normal form.  For a
 * THUNK it pushes an update frame on the thread's STACK, calls the thunk's
 * C entry code and then updates the thunk: the thunk becomes a BLACKHOLE
 * whose indirectee is the value, and the threads blocked on it are woken.
 * CAFs (THUNK_STATIC) are entered through newCAF (CAF.c) and updated the
 * same way through their heap CAF_BLACKHOLE.
 *
 * Frames (Note [Update frames and unwinding] in Updates.c):
 *     UPDATE_FRAME       { upd_frame_info | marked_upd_frame_info | bh_upd_frame_info; updatee }
 *     upd_unwind_frame   { stg_upd_unwind_frame_info; UpdateCtx * }   (RET_SMALL, 1 non-pointer)
 * pushed together, the unwind frame innermost.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#ifndef RTS_UPDATES_H
#define RTS_UPDATES_H

#include <setjmp.h>
#include <stdbool.h>
#include "Capability.h"

/* The RET_SMALL frame pushed just inside every update frame; its one
 * non-pointer word is the UpdateCtx of the rts_force that pushed it. */
extern const StgInfoTable stg_upd_unwind_frame_info;

/* Where threadPaused sends a thread that abandons duplicate work (on the C
 * stack of the rts_force that pushed the frame). */
typedef struct UpdateCtx_ {
    jmp_buf unwind;
} UpdateCtx;

/* Words of the two frames together, and where the update frame starts. */
#define UPD_FRAMES_W 4
#define UPD_FRAME_OFFSET_W 2

/* True when a BLACKHOLE's indirectee says "still under evaluation": a TSO
 * (the owner) or a BLOCKING_QUEUE.  Anything else is the value. */
bool isBlackHoleOwner(const StgClosure *indirectee);
/* The owning thread of a blackhole under evaluation, NULL once it holds a value. */
StgTSO *blackHoleOwner(const StgClosure *bh);

/* Claim the thunk p (header `thunk_info`, a THUNK) for tso: CAS the header
 * to WHITEHOLE, zero the free variables (Note [Thunk slop]), set the
 * indirectee to tso and publish bh_info.  False if another thread changed
 * the header first. */
bool claimThunk(Capability *cap, StgTSO *tso, StgClosure *p,
                const StgInfoTable *thunk_info, const StgInfoTable *bh_info);

/* Update the thunk or blackhole p, under evaluation by tso, with value v:
 * GHC's updateThunk.  If another thread owns p, tso's value is a duplicate
 * and is dropped.  Wakes the threads blocked on p.  Never collects. */
void updateThunk(Capability *cap, StgTSO *tso, StgClosure *p, StgClosure *v);

/* Evaluate the updatee `bh` with entry code `entry(self)` under a fresh
 * update frame (frame_info: upd_frame or bh_upd_frame) and update it.
 * eager_from: when not NULL, eagerly blackhole bh first (a CAS from that
 * THUNK info to EAGER_BLACKHOLE).  Returns true with *result = the value,
 * or false when the thread did not evaluate bh after all (the eager claim
 * failed, or threadPaused abandoned the work): then *result is the
 * closure to re-examine.  Shared by thunks and CAFs. */
bool evaluateUnderFrame(StgClosure *bh, const StgInfoTable *frame_info,
                        const StgInfoTable *eager_from, StgEntryFn entry,
                        StgClosure *self, StgClosure **result);

#endif
