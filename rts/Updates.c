/* Updates.c — rts_force: entering thunks under update frames, and updating
 * them with their values (GHC's stg_upd_frame, updateThunk and the entry
 * code of THUNK/BLACKHOLE/IND, in C).
 *
 * Offers the thunk half of the public API (rts_mkThunk, rts_force) and
 * updateThunk/claimThunk for ThreadPaused.c and CAF.c.  Blocking on a
 * blackhole is BlackHole.c; CAF entry is CAF.c; lazy blackholing and the
 * abandonment of duplicate work are ThreadPaused.c.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#include <string.h>
#include "rts.h"
#include "Updates.h"
#include "BlackHole.h"
#include "CAF.h"
#include "Roots.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "Schedule.h"
#include "sm/Storage.h"

/* Note [Update frames and unwinding]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * GHC's thunk entry code pushes an update frame and jumps; when a value is
 * returned to the frame, stg_upd_frame updates the thunk.  Here the entry
 * code is a C function called by rts_force, so the "return to the frame"
 * is the C return, and the frame on the heap STACK exists for everyone
 * else: the GC (the updatee is a root, evacuate_BLACKHOLE), threadPaused
 * (lazy blackholing walks the update frames), the sanity checker and the
 * debugger (`rts bt`).
 *
 * GHC abandons duplicate work by turning the stack above an update frame
 * into an AP_STACK (suspendComputation) and returning the blackhole to the
 * frame beneath.  A C computation cannot be captured, so we drop it:
 * rts_force setjmps into an UpdateCtx on its C stack, and pushes, just
 * inside the update frame, a RET_SMALL frame (stg_upd_unwind_frame_info)
 * holding the UpdateCtx's address.  threadPaused longjmps there; rts_force
 * resets the STACK's sp to just above its update frame (dropping every
 * root and update frame the abandoned C frames had pushed) and enters the
 * updatee again, which now blocks on the other thread's blackhole.
 *
 * What this asks of entry code: it may be abandoned at any call that can
 * yield (every allocating call, rts_yield, MVar operations, rts_force,
 * rts_noDuplicate), so it must not hold resources (malloc'd memory, locks)
 * across such calls unless losing them is acceptable — the same contract
 * as pure Haskell code, whose evaluation may be duplicated or dropped.
 * Side effects belong under rts_unsafePerformIO, whose noDuplicate runs
 * before the effect.  threadPaused never abandons work while it would
 * leave a thunk claimed by the abandoning thread (Note [Abandoning
 * duplicate work] in ThreadPaused.c).
 *
 * The frames are identified by their distance from the end of the stack
 * (as root frames, Note [Root frames] in Roots.c): that survives the GC
 * moving the STACK and rts_frame_push growing it.
 */

/* Note [Thunk slop]
 * ~~~~~~~~~~~~~~~~~
 * A THUNK has a two-word header {info, pad} so that a BLACKHOLE/IND
 * {info, indirectee} fits in it without touching the free variables; the
 * object keeps its size in memory but the BLACKHOLE describes only two
 * words.  The free variables left behind are slop: a linear walk of the
 * block (the sanity checker's checkHeapChain, a debugger's census) would
 * read them as objects.  GHC zeroes slop in debug builds; we always do,
 * when the thunk is claimed (eager blackholing, threadPaused) or updated
 * without having been claimed, and linear walkers skip zero words.
 *
 * Zeroing races with a thread that entered the same thunk (two threads can
 * enter a thunk before either blackholes it) and is still reading its free
 * variables.  rts_force therefore copies the free variables first and then
 * checks that the header is still the THUNK's (a seqlock read: claiming
 * publishes the header change before zeroing, with a release fence); if
 * not, it re-examines the closure.  Entry code receives that private copy,
 * never the heap object: self->payload[] is stable until the entry code's
 * first allocating call (Note [Raw pointers die at allocation], rts.h).
 */

RTS_INFO_TABLE(upd_unwind_frame, RET_SMALL, 0, 1, NULL);

static void __attribute__((constructor)) register_upd_unwind_frame(void)
{
    rts_register_info_table(&stg_upd_unwind_frame_info);
}

#define THUNK_HEADER_W (sizeof(StgThunkHeader) / sizeof(StgWord))
/* Largest thunk whose free variables rts_force copies onto the C stack. */
#define MAX_THUNK_FVS 1024

static inline const StgInfoTable *load_info(const StgClosure *c)
{
    return __atomic_load_n(&c->header.info, __ATOMIC_ACQUIRE);
}

bool isBlackHoleOwner(const StgClosure *r)
{
    if (r == NULL || !HEAP_ALLOCED(r))
        return false;
    uint32_t type = load_info(r)->type;
    return type == TSO || type == BLOCKING_QUEUE;
}

StgTSO *blackHoleOwner(const StgClosure *bh)
{
    StgClosure *r = __atomic_load_n(&((const StgInd *)bh)->indirectee, __ATOMIC_ACQUIRE);
    if (!isBlackHoleOwner(r))
        return NULL;
    if (load_info(r)->type == TSO)
        return (StgTSO *)r;
    return ((StgBlockingQueue *)r)->owner;
}

/* ---- claiming and updating ---- */

/* Header already CASed to WHITEHOLE by us: see Note [Thunk slop]. */
static void zero_thunk_payload(StgClosure *p, const StgInfoTable *thunk_info)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memset(((StgThunk *)p)->payload, 0,
           ((W_)thunk_info->ptrs + thunk_info->nptrs) * sizeof(StgWord));
}

bool claimThunk(Capability *cap, StgTSO *tso, StgClosure *p,
                const StgInfoTable *thunk_info, const StgInfoTable *bh_info)
{
    const StgInfoTable *expected = thunk_info;
    if (!__atomic_compare_exchange_n(&p->header.info, &expected, &stg_WHITEHOLE_info, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return false;
    zero_thunk_payload(p, thunk_info);
    ((StgInd *)p)->indirectee = (StgClosure *)tso;
    recordClosureMutated(cap, p);
    __atomic_store_n(&p->header.info, bh_info, __ATOMIC_RELEASE);
    return true;
}

void updateThunk(Capability *cap, StgTSO *tso, StgClosure *p, StgClosure *v)
{
    for (;;) {
        const StgInfoTable *info = load_info(p);
        if (info->type == THUNK) {
            /* Never claimed (no pause since it was entered): claim it
             * straight into its final state. */
            const StgInfoTable *expected = info;
            if (!__atomic_compare_exchange_n(&p->header.info, &expected, &stg_WHITEHOLE_info,
                                             false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                continue;
            zero_thunk_payload(p, info);
            ((StgInd *)p)->indirectee = v;
            recordClosureMutated(cap, p);
            __atomic_store_n(&p->header.info, &stg_BLACKHOLE_info, __ATOMIC_RELEASE);
            return;
        }
        if (info->type == WHITEHOLE) {
            __builtin_ia32_pause();
            continue;
        }
        if (info->type != BLACKHOLE)
            barf("updateThunk: updatee %p is a %s, not a thunk or blackhole", (void *)p,
                 closure_type_names[info->type]);

        info = lockClosure(p);
        StgClosure *r = ((StgInd *)p)->indirectee;
        StgBlockingQueue *bq = NULL;
        if (r != (StgClosure *)tso) {
            if (!isBlackHoleOwner(r) || load_info(r)->type != BLOCKING_QUEUE
                || ((StgBlockingQueue *)r)->owner != tso) {
                /* Another thread owns it, or already updated it: ours is a
                 * duplicate value, equal to theirs; theirs stands. */
                unlockClosure(p, info);
                return;
            }
            bq = (StgBlockingQueue *)r;
        }
        ((StgInd *)p)->indirectee = v;
        recordClosureMutated(cap, p);
        unlockClosure(p, &stg_BLACKHOLE_info);
        if (bq != NULL)
            wakeBlockingQueue(cap, bq);
        return;
    }
}

/* ---- evaluating under an update frame ---- */

static inline StgPtr stack_end(StgStack *s)
{
    return s->stack + s->stack_size;
}

bool evaluateUnderFrame(StgClosure *bh, const StgInfoTable *frame_info,
                        const StgInfoTable *eager_from, StgEntryFn entry,
                        StgClosure *self, StgClosure **result)
{
    UpdateCtx ctx;
    Capability *cap = rts_current_cap();
    StgTSO *tso = cap->current_tso;
    StgPtr sp = rts_stack_push(cap, UPD_FRAMES_W);     /* never collects */
    /* Every way out of here restores the count (Note [Counting update frames]). */
    const uint32_t upd_frames = tso->upd_frames++;
    sp[0] = (StgWord)&stg_upd_unwind_frame_info;
    sp[1] = (StgWord)&ctx;
    sp[UPD_FRAME_OFFSET_W] = (StgWord)frame_info;
    sp[UPD_FRAME_OFFSET_W + 1] = (StgWord)bh;
    /* distance of the update frame from the end of the stack */
    const W_ frame_id = (W_)(stack_end(tso->stackobj) - (sp + UPD_FRAME_OFFSET_W));

    if (eager_from != NULL && !claimThunk(cap, tso, bh, eager_from, &stg_EAGER_BLACKHOLE_info)) {
        tso->stackobj->sp += UPD_FRAMES_W;
        tso->upd_frames = upd_frames;
        *result = bh;
        return false;
    }

    if (setjmp(ctx.unwind) != 0) {
        /* Abandoned by threadPaused: see Note [Update frames and unwinding]. */
        StgTSO *self_tso = rts_current_cap()->current_tso;
        StgStack *stack = self_tso->stackobj;
        StgPtr frame = stack_end(stack) - frame_id;
        self_tso->upd_frames = upd_frames;
        *result = ((StgUpdateFrame *)frame)->updatee;
        stack->sp = frame + sizeof(StgUpdateFrame) / sizeof(StgWord);
        return false;
    }

    StgClosure *v = entry(self);
    v = rts_force(v);                   /* entry code may return a thunk */

    cap = rts_current_cap();            /* we may have migrated */
    tso = cap->current_tso;
    StgStack *stack = tso->stackobj;
    StgPtr frame = stack_end(stack) - frame_id;
    if (stack->sp != frame - UPD_FRAME_OFFSET_W)
        barf("rts_force: the entry code of %s returned with %ld words of frames still pushed "
             "(pop every root frame before returning)",
             frame_info == &stg_bh_upd_frame_info ? "a CAF" : "a thunk",
             (long)(frame - UPD_FRAME_OFFSET_W - stack->sp));
    StgClosure *updatee = ((StgUpdateFrame *)frame)->updatee;
    stack->sp = frame + sizeof(StgUpdateFrame) / sizeof(StgWord);
    tso->upd_frames = upd_frames;
    updateThunk(cap, tso, updatee, v);  /* never collects: v stays valid */
    *result = v;
    return true;
}

/* Enter the THUNK c: copy its free variables (Note [Thunk slop]) and
 * evaluate it under an update frame.  See evaluateUnderFrame for the result. */
static bool enterThunk(StgClosure *c, const StgInfoTable *info, StgClosure **result)
{
    W_ n = (W_)info->ptrs + info->nptrs;
    if (n > MAX_THUNK_FVS)
        barf("rts_force: thunk %s has %lu free variables (at most %d)", info->name,
             (unsigned long)n, MAX_THUNK_FVS);
    /* on the C stack: freed by the return or by an unwind (no VLA: -Wvla) */
    StgWord *copy = __builtin_alloca((THUNK_HEADER_W + n) * sizeof(StgWord));
    volatile StgWord *src = (volatile StgWord *)((StgThunk *)c)->payload;
    copy[0] = (StgWord)info;
    copy[1] = 0;
    for (W_ i = 0; i < n; i++)
        copy[THUNK_HEADER_W + i] = src[i];
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&c->header.info, __ATOMIC_RELAXED) != info) {
        *result = c;                    /* claimed meanwhile: look again */
        return false;
    }
    return evaluateUnderFrame(c, &stg_upd_frame_info,
                              RtsFlags.ParFlags.eagerBlackholing ? info : NULL,
                              info->entry, (StgClosure *)copy, result);
}

/* Note [Forcing a closure]
 * ~~~~~~~~~~~~~~~~~~~~~~~~
 * rts_force follows GHC's entry code of each closure type:
 *   IND, IND_STATIC  follow the indirectee;
 *   BLACKHOLE        a value in the indirectee: follow it; an owner (TSO or
 *                    BLOCKING_QUEUE): block until the owner updates it
 *                    (BlackHole.c; our own blackhole is <<loop>>);
 *   WHITEHOLE        a header locked for a moment: spin;
 *   THUNK            evaluate under an update frame (enterThunk);
 *   THUNK_STATIC     a CAF: newCAF claims it or tells us to look again;
 *   anything else    already a value.
 * NULL is a value too (rts.h: NULL is valid everywhere).
 */
StgClosure *rts_force(StgClosure *c)
{
    for (;;) {
        if (c == NULL)
            return NULL;
        const StgInfoTable *info = load_info(c);
        switch (info->type) {
        case IND:
        case IND_STATIC:
            c = __atomic_load_n(&((StgInd *)c)->indirectee, __ATOMIC_ACQUIRE);
            continue;
        case BLACKHOLE: {
            StgClosure *r = __atomic_load_n(&((StgInd *)c)->indirectee, __ATOMIC_ACQUIRE);
            if (isBlackHoleOwner(r))
                c = blockOnBlackHole(c);
            else
                c = r;
            continue;
        }
        case WHITEHOLE:
            __builtin_ia32_pause();
            continue;
        case THUNK:
            /* no safe point here: c is the caller's raw pointer (the entry
             * code's own allocations are the safe points) */
            if (enterThunk(c, info, &c))
                return c;
            continue;
        case THUNK_STATIC:
            if (enterCAF((StgIndStatic *)c, info, &c))
                return c;
            continue;
        default:
            return c;
        }
    }
}

/* ---- making thunks ---- */

StgClosure *rts_mkThunk(const StgInfoTable *info, StgClosure *const ptrs[], const StgWord words[])
{
    if (info->type != THUNK || info->entry == NULL)
        barf("rts_mkThunk: info table %s (%p) is not a thunk with entry code", info->name,
             (const void *)info);
    RtsFrame f = rts_frame_push(info->ptrs);
    for (uint32_t i = 0; i < info->ptrs; i++)
        rts_set(f, i, ptrs[i]);
    rts_safepoint();
    W_ size = THUNK_HEADER_W + (W_)info->ptrs + info->nptrs;
    StgThunk *t = (StgThunk *)allocate(rts_current_cap(), size);
    t->header.info = info;
    t->header.pad = 0;
    for (uint32_t i = 0; i < info->ptrs; i++)
        t->payload[i] = rts_get(f, i);
    for (uint32_t i = 0; i < info->nptrs; i++)
        t->payload[info->ptrs + i] = (StgClosure *)(words != NULL ? words[i] : 0);
    rts_frame_pop(f);
    return (StgClosure *)t;
}
