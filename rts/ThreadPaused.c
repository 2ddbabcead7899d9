/* ThreadPaused.c — lazy blackholing, abandoning duplicate work, and
 * noDuplicate / unsafePerformIO.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#include <setjmp.h>
#include "rts.h"
#include "ThreadPaused.h"
#include "Updates.h"
#include "Roots.h"
#include "RtsMessages.h"
#include "Schedule.h"
#include "sm/Storage.h"

/* Note [Lazy blackholing]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * Entering a thunk does not claim it (unless +RTS --eager-blackholing):
 * most thunks are evaluated before their thread ever pauses, and a claim
 * costs an atomic operation.  When a thread pauses — yield, GC, block —
 * threadPaused walks its update frames from the innermost outwards and
 * claims each updatee still a THUNK: a CAS of the header to WHITEHOLE,
 * indirectee = the thread, header = BLACKHOLE (claimThunk, Updates.c).
 * Another thread entering it from then on blocks on it instead of
 * evaluating it again.  Each frame walked is marked
 * (stg_marked_upd_frame_info); the next pause stops at the first marked
 * frame, since everything outside it was handled then (GHC's rule).
 *
 * Two threads may still both have entered a thunk before either paused.
 * The first to pause claims it; the second finds, at its own pause, an
 * updatee owned by someone else: a duplicate (Note [Abandoning duplicate
 * work]).  A WHITEHOLE updatee (claim or lock in progress) counts as a
 * duplicate too when we cannot wait for it, as in GHC.
 */

/* Note [Abandoning duplicate work]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * When the updatee of frame F belongs to another thread, everything this
 * thread computed above F is being computed by the owner too.  GHC saves
 * that part of the stack as an AP_STACK; we drop it (Note [Update frames
 * and unwinding], Updates.c): longjmp to the rts_force that pushed F,
 * which blocks on the owner's blackhole and returns the owner's value.
 * We pick the outermost such F, to drop as much duplicate work as we can,
 * with one restriction: no frame inside F may hold a blackhole this thread
 * owns (a CAF it entered, an eagerly blackholed thunk, one claimed by an
 * earlier pause).  Dropping that evaluation would leave the blackhole owned
 * forever by a thread that no longer evaluates it — everyone else entering
 * it would wait for ever, and we would see <<loop>> entering it again.
 * Such duplicates are left to run to the end (harmless for pure code; the
 * duplicate's update is then dropped, updateThunk).
 *
 * A thread about to block (threadPausedBlocked) never abandons: it has
 * already queued itself on an MVar or blackhole.  It claims only the frames
 * outside the outermost duplicate and marks nothing inside it, so that its
 * next pause sees the duplicate again and abandons it then.
 */

enum updatee_state {
    UPD_CLAIMABLE,      /* a THUNK: nobody has claimed it */
    UPD_MINE,           /* a blackhole this thread owns */
    UPD_DUPLICATE,      /* owned by another thread, or already updated */
    UPD_BUSY,           /* WHITEHOLE: being claimed or locked right now */
    UPD_OTHER,
};

static enum updatee_state updateeState(StgTSO *tso, StgClosure *bh)
{
    const StgInfoTable *info = __atomic_load_n(&bh->header.info, __ATOMIC_ACQUIRE);
    switch (info->type) {
    case THUNK:
        return UPD_CLAIMABLE;
    case BLACKHOLE:
        return blackHoleOwner(bh) == tso ? UPD_MINE : UPD_DUPLICATE;
    case WHITEHOLE:
        return UPD_BUSY;
    default:
        return UPD_OTHER;
    }
}

static inline bool isUnmarkedUpdateFrame(const StgInfoTable *info)
{
    return info == &stg_upd_frame_info || info == &stg_bh_upd_frame_info;
}

/* Note [Counting update frames]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Most pauses find no update frame at all: a thread blocking on an MVar in
 * ping-pong has only root frames.  Walking its stack cost about a quarter
 * of a round trip, so each TSO counts the update frames evaluateUnderFrame
 * has pushed and not yet left (tso->upd_frames), and a pause with none
 * returns at once.  An activation records the count it found and puts it
 * back on every way out — return, failed eager claim, and the longjmp of
 * an abandonment, which skips the inner activations' own exits. */
static void pause(Capability *cap, StgTSO *tso, bool may_abandon)
{
    if (tso->upd_frames == 0)
        return;
    StgStack *stack = tso->stackobj;
    StgPtr end = stack->stack + stack->stack_size;
    StgPtr p, dup = NULL, target = NULL;
    bool seen_mine = false;

    /* Pass 1: find the duplicates (Note [Abandoning duplicate work]). */
    for (p = stack->sp; p < end; p += closure_sizeW((StgClosure *)p)) {
        const StgInfoTable *info = (const StgInfoTable *)*p;
        if (info == &stg_marked_upd_frame_info)
            break;
        if (!isUnmarkedUpdateFrame(info))
            continue;
        StgClosure *bh = ((StgUpdateFrame *)p)->updatee;
        enum updatee_state st = updateeState(tso, bh);
        while (st == UPD_BUSY && may_abandon) {
            __builtin_ia32_pause();
            st = updateeState(tso, bh);
        }
        if (st == UPD_MINE)
            seen_mine = true;
        if (st == UPD_DUPLICATE || st == UPD_BUSY) {
            dup = p;
            if (!seen_mine)
                target = p;
        }
    }

    if (may_abandon && target != NULL) {
        StgPtr unwind = target - UPD_FRAME_OFFSET_W;
        if ((const StgInfoTable *)unwind[0] != &stg_upd_unwind_frame_info)
            barf("threadPaused: update frame %p of thread %u has no unwind frame",
                 (void *)target, tso->id);
        longjmp(((UpdateCtx *)unwind[1])->unwind, 1);
    }

    /* Pass 2: claim and mark, outside the outermost duplicate. */
    for (p = dup != NULL ? dup : stack->sp; p < end; p += closure_sizeW((StgClosure *)p)) {
        const StgInfoTable *info = (const StgInfoTable *)*p;
        if (info == &stg_marked_upd_frame_info)
            break;
        if (!isUnmarkedUpdateFrame(info) || p == dup)
            continue;
        StgClosure *bh = ((StgUpdateFrame *)p)->updatee;
        const StgInfoTable *bh_info = __atomic_load_n(&bh->header.info, __ATOMIC_ACQUIRE);
        bool mine;
        if (bh_info->type == THUNK)
            mine = claimThunk(cap, tso, bh, bh_info, &stg_BLACKHOLE_info);
        else
            mine = bh_info->type == BLACKHOLE && blackHoleOwner(bh) == tso;
        if (mine)
            *p = (StgWord)&stg_marked_upd_frame_info;
    }
}

void threadPaused(Capability *cap, StgTSO *tso)
{
    pause(cap, tso, true);
}

void threadPausedBlocked(Capability *cap, StgTSO *tso)
{
    pause(cap, tso, false);
}

/* ---- noDuplicate and unsafePerformIO ---- */

/* GHC's noDuplicate#: a no-op with one capability (every pause claims
 * every thunk, so no two threads can be inside one), else threadPaused. */
void rts_noDuplicate(void)
{
    if (n_capabilities == 1)
        return;
    Capability *cap = rts_current_cap();
    threadPaused(cap, cap->current_tso);
}

StgClosure *rts_unsafePerformIO(rts_IO io, void *arg)
{
    rts_noDuplicate();
    return io(arg);
}

StgClosure *rts_unsafeDupablePerformIO(rts_IO io, void *arg)
{
    return io(arg);
}
