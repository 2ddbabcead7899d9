/* MVar.c — MVars: take, put, read and their try variants (DESIGN §4.7).
 *
 * GHC's semantics (rts/PrimOps.cmm stg_takeMVarzh, stg_putMVarzh,
 * stg_readMVarzh and the try variants): an MVar is empty when value ==
 * END_TSO_QUEUE; blocked threads wait in a FIFO queue of MVAR_TSO_QUEUE
 * nodes allocated in the nursery; each operation wakes at most one thread
 * (except that one put wakes every reader at the head of the queue), and the
 * waker performs the blocked thread's operation for it, so the woken thread
 * never has to retry.  readMVar queues at the head.  New MVars are DIRTY.
 *
 * The GHC bugs #18919 and #19145 can be switched back on with
 * +RTS --inject=mvar-no-dirty / mvar-clean-unlock: see Note [Popping the
 * head of a clean MVar].
 *
 * Must not depend on: the GC's internals, the debugger.  Uses the
 * scheduler's primitives (Schedule.h) and the storage manager's allocation
 * and write barriers (sm/Storage.h).
 */
#include "MVar.h"
#include "FlightRecorder.h"
#include "WatchTable.h"

#include <stdio.h>

#include "rts.h"
#include "Schedule.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "Roots.h"
#include "sm/Storage.h"

#define MVAR_SIZEW       (sizeof(StgMVar) / sizeof(StgWord))
#define MVAR_QUEUE_SIZEW (sizeof(StgMVarTSOQueue) / sizeof(StgWord))

/* Note [Values in flight]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * A thread blocked in putMVar still owns the value it wants to put, and a
 * thread blocked in takeMVar/readMVar is waiting for a value that its waker
 * hands over.  Both values must survive (and follow) garbage collections
 * that happen while the thread is blocked, so they live in the blocked
 * thread's TSO, in tso->mvar_value (END_TSO_QUEUE whenever the thread is
 * not in the middle of a blocking MVar operation):
 *   - a putter stores its value there itself, in blockOnMVar, as it
 *     enqueues (its own TSO, dirtied first like the other fields it sets);
 *     its waker (a take) reads it (PerformPut) and moves it into the MVar;
 *   - a taker or reader blocks with END_TSO_QUEUE there; its waker (a put)
 *     stores the value (PerformTake);
 *   - the woken thread, once it runs again, reads the field (a taker its
 *     value) and clears it to END_TSO_QUEUE, so nothing is retained.
 * GHC writes the same values into the blocked thread's stack; a TSO field
 * is cheaper here than the root frame on our heap STACK that held them
 * until session 4 (no push, no pop, no frame to find and check: the -N1
 * ping-pong went from 566 to 495 instructions per round trip).
 * Why it is safe:
 *   - GC: mvar_value is one of the TSO's pointer fields, evacuated by
 *     scavengeTSO and seen by the sanity checker and the debugger's heap
 *     walker like the others.  The MVar need not be rooted while blocked:
 *     block_info names it until the wake-up, and nothing reads it after.
 *   - Barrier: the waker's store goes into another thread's TSO, which may
 *     be old and clean while the value is young, so performTake dirties it
 *     first (dirty_TSO, as GHC's PerformTake dirties the STACK).
 *   - -N2: the waker writes (or reads) the field holding the MVar's lock,
 *     between popping the thread off the queue and waking it; the blocked
 *     thread wrote its own field before the MVar was unlocked
 *     (unlockMVarAfterBlock), and reads it only after the wake-up, which
 *     reaches it through the MVar lock and the wake-up message.
 * Only the rare path into blocking that passes a safe point first
 * (blockSlowly, Note [Blocking is a safe point]) roots the MVar and value
 * in an ordinary root frame, popped before the thread blocks.
 */

/* PerformTake: hand `value` to the blocked thread tso (a taker or reader):
 * a store into another thread's TSO, behind the TSO write barrier. */
static inline void performTake(Capability *cap, StgTSO *tso, StgClosure *value)
{
    ASSERT(tso->mvar_value == END_TSO_QUEUE);
    if (!tso->dirty)
        dirty_TSO(cap, tso);
    tso->mvar_value = value;
}

/* PerformPut: the value the blocked putter tso wanted to put (it clears
 * the field itself when it resumes). */
static inline StgClosure *performPut(StgTSO *tso)
{
    return tso->mvar_value;
}

/* The value in flight of the calling thread once a waker has performed its
 * operation, and the field cleared (Note [Values in flight]).  cap is the
 * capability it resumed on; the TSO may have moved while it was blocked. */
static inline StgClosure *takeInflight(Capability *cap)
{
    StgTSO *tso = cap->current_tso;
    StgClosure *value = tso->mvar_value;
    tso->mvar_value = END_TSO_QUEUE;        /* a static closure: no barrier */
    return value;
}

/* GHC's putMVarError: the head of an MVar's queue names a thread that is not
 * blocked on this MVar.  This is how #18919 surfaced in the seed: the queue
 * pointer had been left dangling and the "TSO" behind it was garbage. */
static void __attribute__((noreturn))
putMVarError(StgMVar *mvar, StgMVarTSOQueue *q, StgTSO *tso)
{
    errorBelch("putMVar: uh oh, blocked mismatch");
    errorBelch("  mvar=%p head=%p", (void *)mvar, (void *)mvar->head);
    if (q != NULL) {
        errorBelch("  q=%p q->info=%p q->tso=%p", (void *)q,
                   (const void *)q->header.info, (void *)q->tso);
    }
    if (HEAP_ALLOCED(tso) && ((StgWord)tso & 7) == 0) {
        errorBelch("  tso=%p tso->why_blocked=%u", (void *)tso, (unsigned)tso->why_blocked);
        errorBelch("  tso->block_info=%p", (void *)tso->block_info.closure);
    } else {
        errorBelch("  tso=%p (not a heap address: the queue node is dangling)", (void *)tso);
    }
    barf("putMVar: blocked mismatch on MVar %p (see GHC #18919)", (void *)mvar);
}

/* True when q looks like a live queue node whose thread is blocked on mvar;
 * reads only words that a dangling-but-mapped node would still have. */
static inline bool queueNodeSane(StgMVar *mvar, StgMVarTSOQueue *q)
{
    if (q->header.info != &stg_MVAR_TSO_QUEUE_info) return false;
    StgTSO *tso = q->tso;
    if (!HEAP_ALLOCED(tso) || ((StgWord)tso & 7) != 0) return false;
    return tso->block_info.closure == (StgClosure *)mvar;
}

/* ---------------------------------------------------------------------------
 * Blocking
 * ------------------------------------------------------------------------- */

/* Run by the scheduler once the blocked thread is switched out (GHC's
 * stg_block_takemvar & co.): only now may another capability see the MVar
 * unlocked and wake the thread. */
/* ---------------------------------------------------------------------------
 * Flight recorder and watch table (issue 5)
 * ------------------------------------------------------------------------- */

/* Generation of a queue pointer for the recorder: 0xff for END_TSO_QUEUE
 * and static closures. */
static inline uint32_t traceGen(const void *p, bool *nursery)
{
    if (!HEAP_ALLOCED(p)) { *nursery = false; return 0xff; }
    bdescr *bd = Bdescr(p);
    *nursery = (bd->flags & BF_NURSERY) != 0;
    return bd->gen_no;
}

/* One MVar event: the queue's head and tail with their generations, and the
 * header before the operation and the one it unlocks with — the seed's
 * put/take table with [c]/[d] before and after. */
static void traceMVar(Capability *cap, uint16_t type, const StgMVar *mvar,
                      const StgInfoTable *before, const StgInfoTable *after)
{
    bool hn, tn;
    uint32_t hg = traceGen(mvar->head, &hn), tg = traceGen(mvar->tail, &tn);
    traceEvent(capRing(cap->no), type, (uint64_t)(uintptr_t)mvar, (uint64_t)(uintptr_t)mvar->head,
               (uint64_t)(uintptr_t)mvar->tail,
               RTS_MVAR_STATE(hg, tg, hn, tn, before != &stg_MVAR_CLEAN_info, after != &stg_MVAR_CLEAN_info));
}

/* A write to a runtime-managed MVar field, for RTS_WATCH_WRITE slots. */
static inline void watchMVarField(Capability *cap, void *field, const void *old_value, const void *new_value)
{
    if (watchActive())
        watchWrite(field, (uint64_t)(uintptr_t)old_value, (uint64_t)(uintptr_t)new_value, cap->no);
}

static void unlockMVarAfterBlock(Capability *cap, void *arg)
{
    (void)cap;
    unlockClosure((StgClosure *)arg, &stg_MVAR_DIRTY_info);
}

/* Report to the watch table the stores blockOnMVar is about to make, each
 * with the value it replaces; called only when a watch is set, so that the
 * enqueue costs one predicted branch for all of them when none is. */
static void watchEnqueue(Capability *cap, StgMVar *mvar, StgTSO *tso,
                         StgMVarTSOQueue *q, uint16_t why)
{
    if (why == BlockedOnMVarRead) {
        WATCH_STORE(cap->no, mvar->head, q);
        if (mvar->tail == END_TSO_QUEUE) WATCH_STORE(cap->no, mvar->tail, q);
    } else {
        if (mvar->head == END_TSO_QUEUE) WATCH_STORE(cap->no, mvar->head, q);
        WATCH_STORE(cap->no, mvar->tail, q);
    }
    WATCH_STORE(cap->no, tso->_link, q);
    WATCH_STORE(cap->no, tso->block_info.closure, mvar);
    WATCH_STORE(cap->no, tso->why_blocked, why);
}

/* Note [Unlocking before the switch with one capability]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A thread that blocks on an MVar must not let another capability see the
 * MVar unlocked until its registers are saved, so the unlock normally runs
 * after the switch (GHC's BLOCK_BUT_FIRST; unlockMVarAfterBlock).  With one
 * capability nobody else runs Haskell code between the enqueue and the
 * switch — lockClosure did not even write WHITEHOLE — so the blocker writes
 * the DIRTY header itself at once and the switch has nothing left to do.
 */

/* The stores that mark the current thread tso blocked on mvar in queue
 * node q (why: BlockedOnMVar or BlockedOnMVarRead).  tso is dirty: Note
 * [Dirtying the thread about to run] in Schedule.h. */
static inline void markBlockedOn(StgTSO *tso, StgMVarTSOQueue *q, StgMVar *mvar, uint16_t why)
{
    ASSERT(tso->dirty);
    tso->_link = (StgTSO *)q;
    tso->block_info.closure = (StgClosure *)mvar;
    tso->why_blocked = why;
}

/* Queue the current thread on a locked mvar (at the tail, or at the head for
 * readers), mark it blocked with `value` in flight (a putter's value,
 * END_TSO_QUEUE for takers and readers: Note [Values in flight]), and
 * switch away.  Returns once a waker has performed our operation, with the
 * capability we now run on (we may have moved); the caller then clears
 * mvar_value (takeInflight).  The MVar is unlocked DIRTY (Note [Unlocking
 * before the switch with one capability]).  Allocates the queue node,
 * which never collects. */
static inline __attribute__((always_inline))
Capability *blockOnMVar(Capability *cap, StgMVar *mvar, const StgInfoTable *info, uint16_t why,
                        StgClosure *value)
{
    StgTSO *tso = cap->current_tso;
    StgMVarTSOQueue *q = (StgMVarTSOQueue *)allocateInline(cap, MVAR_QUEUE_SIZEW);

    if (info == &stg_MVAR_CLEAN_info) {
        dirty_MVAR(cap, mvar);
    }
    if (watchActive()) watchEnqueue(cap, mvar, tso, q, why);
    q->header.info = &stg_MVAR_TSO_QUEUE_info;
    q->tso = tso;
    if (why == BlockedOnMVarRead) {
        /* Readers go to the front: one put wakes all of them. */
        q->link = mvar->head;
        mvar->head = q;
        if (mvar->tail == END_TSO_QUEUE) mvar->tail = q;
    } else {
        q->link = END_TSO_QUEUE;
        if (mvar->head == END_TSO_QUEUE) {
            mvar->head = q;
        } else {
            mvar->tail->link = q;
            recordClosureMutated(cap, (StgClosure *)mvar->tail);
        }
        mvar->tail = q;
    }
    ASSERT(tso->mvar_value == END_TSO_QUEUE);
    tso->mvar_value = value;
    markBlockedOn(tso, q, mvar, why);
    if (traceEnabled(EVCAT_MVAR))
        traceMVar(cap, EVENT_MVAR_BLOCK, mvar, info, &stg_MVAR_DIRTY_info);

    if (n_capabilities == 1) {
        unlockClosure((StgClosure *)mvar, &stg_MVAR_DIRTY_info);
        return blockOnOneCapability(cap);   /* Note [Blocking on one capability] */
    }
    return blockCurrentThread(unlockMVarAfterBlock, mvar);
}

/* ---------------------------------------------------------------------------
 * Popping the head
 * ------------------------------------------------------------------------- */

/* Note [Popping the head of a clean MVar]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * An MVar is CLEAN when it is not on a mut list and none of head, tail and
 * value points into a younger generation.  Nothing says the same of the
 * *interior* nodes of its queue: they are reached through the previous
 * node's link, which has its own write barrier.  So when "head = head->link"
 * exposes an interior node, the MVar may now point at a younger object, and
 * it must be dirtied and recorded (dirty_MVAR) like any other old-to-young
 * store — and then unlocked DIRTY, because an MVar on a mut list is dirty by
 * definition (the GC trusts the header).
 *
 * GHC 8.10.2's putMVar/tryPutMVar forgot the barrier (#18919: the next minor
 * GC moved the node and left the old, clean MVar pointing at from-space);
 * the first fix dirtied and recorded but still unlocked with the original
 * CLEAN header (#19145: "MVAR_CLEAN on mutable list" in debug builds).
 *   --inject=mvar-no-dirty      no barrier, unlock with the original header
 *   --inject=mvar-clean-unlock  barrier, but unlock with the original header
 * takeMVar's pop always had the barrier, as in GHC.
 */

/* Report to the watch table the stores that popping q off mvar's queue and
 * waking its thread make (popHead, then wakeBlocked); called only when a
 * watch is set. */
static void watchPop(Capability *cap, StgMVar *mvar, StgMVarTSOQueue *q)
{
    watchMVarField(cap, &mvar->head, q, q->link);
    if (q->link == END_TSO_QUEUE) WATCH_STORE(cap->no, mvar->tail, END_TSO_QUEUE);
    WATCH_STORE(cap->no, q->tso->_link, END_TSO_QUEUE);
}

/* Remove the head node of a locked, non-empty queue and return its thread.
 * *info is the header to unlock with; updated per the Note above. */
static inline StgTSO *popHead(Capability *cap, StgMVar *mvar, const StgInfoTable **info,
                              bool barrier_always)
{
    StgMVarTSOQueue *q = mvar->head;
    if (!queueNodeSane(mvar, q)) putMVarError(mvar, q, q->tso);
    StgTSO *tso = q->tso;

    if (watchActive()) watchPop(cap, mvar, q);
    mvar->head = q->link;
    if (mvar->head == END_TSO_QUEUE) {
        mvar->tail = END_TSO_QUEUE;
    } else if (*info == &stg_MVAR_CLEAN_info) {
        /* See Note [Popping the head of a clean MVar]. */
        if (barrier_always || !rts_injected(INJECT_MVAR_NO_DIRTY)) {
            dirty_MVAR(cap, mvar);
            if (barrier_always || !rts_injected(INJECT_MVAR_CLEAN_UNLOCK)) {
                *info = &stg_MVAR_DIRTY_info;
            }
        }
    }
    return tso;
}

/* The woken thread's node is gone: END in _link tells tryWakeupThread that
 * the operation was performed (writing END needs no barrier; popHead
 * reported it to the watch table). */
static inline void wakeBlocked(Capability *cap, StgTSO *tso)
{
    tso->_link = END_TSO_QUEUE;
    tryWakeupThreadInline(cap, tso);    /* Note [Inline wake-up] in Schedule.h */
}

/* ---------------------------------------------------------------------------
 * put
 * ------------------------------------------------------------------------- */

/* Store value into an empty, locked mvar that nobody waits on, and unlock
 * it.  before: the header it was locked with, for the recorder. */
static inline void storeValue(Capability *cap, StgMVar *mvar, const StgInfoTable *before,
                              const StgInfoTable *info, StgClosure *value)
{
    if (info == &stg_MVAR_CLEAN_info) dirty_MVAR(cap, mvar);
    WATCH_STORE(cap->no, mvar->value, value);
    mvar->value = value;
    if (traceEnabled(EVCAT_MVAR))
        traceMVar(cap, EVENT_MVAR_PUT, mvar, before, &stg_MVAR_DIRTY_info);
    unlockClosure((StgClosure *)mvar, &stg_MVAR_DIRTY_info);
}

/* putIntoEmpty once the popped head tso is not a taker: hand value to tso
 * and to every reader after it, then to the first taker; store it if
 * nobody takes it.  Unlocks the MVar.  Out of line: ping-pong never gets
 * here, and the loop would make putIntoEmpty save registers. */
static void __attribute__((noinline))
putIntoEmptyReaders(Capability *cap, StgMVar *mvar, const StgInfoTable *before,
                    const StgInfoTable *info, StgTSO *tso, StgClosure *value)
{
    for (;;) {
        uint16_t why = tso->why_blocked;
        if (why != BlockedOnMVar && why != BlockedOnMVarRead) {
            putMVarError(mvar, NULL, tso);
        }
        performTake(cap, tso, value);
        wakeBlocked(cap, tso);
        if (why == BlockedOnMVar) {
            if (traceEnabled(EVCAT_MVAR))
                traceMVar(cap, EVENT_MVAR_PUT, mvar, before, info);
            unlockClosure((StgClosure *)mvar, info);
            return;
        }
        /* a reader: the value stays ours; wake the next waiter too */
        if (mvar->head == END_TSO_QUEUE)
            break;
        tso = popHead(cap, mvar, &info, false);
    }
    storeValue(cap, mvar, before, info, value);
}

/* Put value into an empty, locked mvar: hand it to the waiting readers at
 * the head and then to the first taker; store it if nobody takes it.
 * Unlocks the MVar.  Inline, with the common cases (nobody waits; a taker
 * waits at the head) free of calls; readers are putIntoEmptyReaders'. */
static inline __attribute__((always_inline))
void putIntoEmpty(Capability *cap, StgMVar *mvar, const StgInfoTable *info, StgClosure *value)
{
    const StgInfoTable *before = info;
    if (mvar->head == END_TSO_QUEUE) {
        storeValue(cap, mvar, before, info, value);
        return;
    }
    StgTSO *tso = popHead(cap, mvar, &info, false);
    if (__builtin_expect(tso->why_blocked != BlockedOnMVar, 0)) {
        putIntoEmptyReaders(cap, mvar, before, info, tso, value);
        return;
    }
    performTake(cap, tso, value);
    wakeBlocked(cap, tso);
    if (traceEnabled(EVCAT_MVAR))
        traceMVar(cap, EVENT_MVAR_PUT, mvar, before, info);
    unlockClosure((StgClosure *)mvar, info);
}

/* Values that would corrupt the MVar or the try API get a clear error. */
static inline void checkPutValue(const char *who, StgClosure *value)
{
    if (value == NULL || value == END_TSO_QUEUE)
        barf("%s: the value must be a closure, not %s", who,
             value == NULL ? "NULL" : "END_TSO_QUEUE");
}

/* Note [Blocking is a safe point]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * GHC's takeMVar#, putMVar# and readMVar# allocate the blocked thread's
 * queue node behind a heap check, so a thread about to block may collect
 * first.  Ours do the same, as the public API allows (a blocking call may
 * collect): a thread whose nursery is used up unlocks the MVar, roots the
 * MVar and its value in a root frame, passes rts_safepoint, re-reads both
 * from the frame, pops it and looks at the MVar again.  Without it a
 * program that only blocks on MVars (ping-pong) never reaches a safe
 * point: no collection ever runs, and its queue nodes stream through ever
 * fresh memory, a page fault every 4 KiB.  Only the blocking path checks:
 * a put or take that does not block allocates nothing.
 *
 * This is the one place an MVar operation collects, and why the raw mvar
 * and value pointers the operations carry are safe everywhere else: from
 * the entry to the switch nothing collects (allocateInline of Note
 * [Inline nursery bump] in sm/Storage.h, nurseryExhausted and
 * tryWakeupThreadInline never do: the inline paths only move the same
 * stores into the caller), and once blockCurrentThread returns — other
 * threads, and collections, may have run — only the TSO's mvar_value is
 * read, through cap->current_tso (and unlockMVarAfterBlock runs before
 * anything else can).
 */

/* The slow way into blocking: the nursery is used up.  Called with mvar
 * locked (info); unlocks it, passes a safe point with *mvar and *value
 * rooted in a root frame, and returns with both re-read (they may have
 * moved), the frame popped and the MVar locked again (*info) — Note
 * [Blocking is a safe point].  Returns the capability we run on. */
static Capability *__attribute__((noinline))
blockSlowly(StgMVar **mvar, const StgInfoTable **info, StgClosure **value)
{
    unlockClosure((StgClosure *)*mvar, *info);
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)*mvar);
    rts_set(f, 1, *value);
    rts_safepoint();
    *mvar = (StgMVar *)rts_get(f, 0);
    *value = rts_get(f, 1);
    rts_frame_pop(f);
    *info = lockClosure((StgClosure *)*mvar);
    return myCapability();
}

/* Block in putMVar on a full, locked mvar until a taker moves value in
 * (or, if it was emptied while we were at the safe point, put now). */
static void putIntoFull(Capability *cap, StgMVar *mvar, const StgInfoTable *info,
                        StgClosure *value)
{
    if (nurseryExhausted(cap)) {
        cap = blockSlowly(&mvar, &info, &value);
        if (mvar->value == END_TSO_QUEUE) {
            putIntoEmpty(cap, mvar, info, value);
            return;
        }
    }
    cap = blockOnMVar(cap, mvar, info, BlockedOnMVar, value);  /* a taker performs our put */
    takeInflight(cap);                      /* the taker moved it into the MVar */
}

/* putMVar on cap (the caller's capability).  Inlined whole into each
 * entry point, like takeMVar: one function's register saves per call. */
static inline __attribute__((always_inline)) void putMVar(Capability *cap, StgMVar *mvar, StgClosure *value)
{
    const StgInfoTable *info = lockClosure((StgClosure *)mvar);
    if (mvar->value == END_TSO_QUEUE)
        putIntoEmpty(cap, mvar, info, value);
    else
        putIntoFull(cap, mvar, info, value);
}

void rts_putMVar(StgMVar *mvar, StgClosure *value)
{
    checkPutValue("rts_putMVar", value);
    putMVar(myCapability(), mvar, value);
}

bool rts_tryPutMVar(StgMVar *mvar, StgClosure *value)
{
    checkPutValue("rts_tryPutMVar", value);
    Capability *cap = myCapability();
    const StgInfoTable *info = lockClosure((StgClosure *)mvar);
    if (mvar->value != END_TSO_QUEUE) {
        unlockClosure((StgClosure *)mvar, info);
        return false;
    }
    putIntoEmpty(cap, mvar, info, value);
    return true;
}

/* ---------------------------------------------------------------------------
 * take
 * ------------------------------------------------------------------------- */

/* Take the value of a full, locked mvar; if putters wait, move the first
 * one's value in and wake it.  Unlocks the MVar. */
static StgClosure *takeFromFull(Capability *cap, StgMVar *mvar, const StgInfoTable *info)
{
    StgClosure *value = mvar->value;
    const StgInfoTable *before = info;
    if (mvar->head == END_TSO_QUEUE) {
        /* Empty now, nobody waiting: no old-to-young store, no barrier. */
        WATCH_STORE(cap->no, mvar->value, END_TSO_QUEUE);
        mvar->value = END_TSO_QUEUE;
        if (traceEnabled(EVCAT_MVAR))
            traceMVar(cap, EVENT_MVAR_TAKE, mvar, before, info);
        unlockClosure((StgClosure *)mvar, info);
        return value;
    }
    if (info == &stg_MVAR_CLEAN_info) dirty_MVAR(cap, mvar);
    info = &stg_MVAR_DIRTY_info;
    StgTSO *tso = popHead(cap, mvar, &info, true);
    if (tso->why_blocked != BlockedOnMVar) putMVarError(mvar, NULL, tso);
    StgClosure *put_value = performPut(tso);
    WATCH_STORE(cap->no, mvar->value, put_value);
    mvar->value = put_value;
    wakeBlocked(cap, tso);
    if (traceEnabled(EVCAT_MVAR))
        traceMVar(cap, EVENT_MVAR_TAKE, mvar, before, &stg_MVAR_DIRTY_info);
    unlockClosure((StgClosure *)mvar, &stg_MVAR_DIRTY_info);
    return value;
}

/* Block on an empty, locked mvar as a taker or reader; returns the value
 * handed over (or found, if it was filled while we were at the safe point). */
static inline __attribute__((always_inline))
StgClosure *waitForValue(Capability *cap, StgMVar *mvar, const StgInfoTable *info, uint16_t why)
{
    if (nurseryExhausted(cap)) {
        StgClosure *none = END_TSO_QUEUE;
        cap = blockSlowly(&mvar, &info, &none);
        if (mvar->value != END_TSO_QUEUE) {
            if (why == BlockedOnMVarRead) {
                StgClosure *value = mvar->value;
                unlockClosure((StgClosure *)mvar, info);
                return value;
            }
            return takeFromFull(cap, mvar, info);
        }
    }
    cap = blockOnMVar(cap, mvar, info, why, END_TSO_QUEUE);
    return takeInflight(cap);                   /* written by our waker */
}

/* takeMVar on cap (the caller's capability). */
static inline __attribute__((always_inline)) StgClosure *takeMVar(Capability *cap, StgMVar *mvar)
{
    const StgInfoTable *info = lockClosure((StgClosure *)mvar);
    if (mvar->value != END_TSO_QUEUE) return takeFromFull(cap, mvar, info);
    return waitForValue(cap, mvar, info, BlockedOnMVar);
}

/* Note [Taking alone on one capability]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The take of the one-capability round trip finds the MVar empty, DIRTY
 * and nobody waiting: it queues alone and hands off to the thread it
 * woke (blockOnOneCapability).  The switch is a call that saves the six
 * callee-saved registers, and takeMVar's rare branches (dirty_MVAR,
 * dirty_TSO, the old tail's recordClosureMutated, allocate, the watch
 * table, the recorder, blockSlowly) are calls in the middle of its inline
 * code, so the entry point saved the same six registers again on every
 * take.  (dirty_TSO cannot happen: the running thread is dirty, Note
 * [Dirtying the thread about to run] in Schedule.h.)  canTakeBlockingAlone
 * tests every other such condition first, as putToLoneTaker does for the
 * put (Note [Putting to a lone taker]), together with the hand-off's own
 * (handOffStampOnOneCapability, Note [Blocking on one capability] in
 * Schedule.h: among them that the thread to run is dirty already, so
 * that no dirty_TSO or dirty_STACK call is left either) and the
 * recorder's MVar and thread categories in one read.  Only when none holds
 * does takeBlockingAlone make blockOnMVar's stores for an empty queue
 * (allocateInBlock: the node fits, the bump alone) and hand off: from the
 * entry to the switch there is no call, so the entry point needs no
 * callee-saved register but the one holding END_TSO_QUEUE (session 5:
 * 467 -> 449 instructions per round trip).  Otherwise the caller
 * tail-calls the general takeMVar.  With one capability lockClosure only
 * reads the header and the header stays DIRTY: there is nothing to
 * unlock.
 */
/* The blocked_since_ns stamp for a take of mvar that can block alone on
 * one capability (Note [Taking alone on one capability]), or 0 when the
 * general takeMVar must do it. */
static inline __attribute__((always_inline))
uint64_t canTakeBlockingAlone(Capability *cap, StgMVar *mvar)
{
    if (n_capabilities == 1 && mvar->header.info == &stg_MVAR_DIRTY_info
        && mvar->value == END_TSO_QUEUE && mvar->head == END_TSO_QUEUE
        && !watchActive() && !traceEnabled(EVCAT_MVAR | EVCAT_THREAD)
        && !nurseryExhausted(cap) && nurseryBlockFits(cap, MVAR_QUEUE_SIZEW))
        return handOffStampOnOneCapability(cap);
    return 0;
}

/* The take itself, once canTakeBlockingAlone gave the stamp `since`:
 * blockOnMVar for a taker with the queue empty and nothing to dirty or
 * record (the node fits its block: the bump alone), the hand-off, then
 * the value in flight. */
static inline __attribute__((always_inline))
StgClosure *takeBlockingAlone(Capability *cap, StgMVar *mvar, uint64_t since)
{
    StgTSO *tso = cap->current_tso;
    StgMVarTSOQueue *q = (StgMVarTSOQueue *)allocateInBlock(cap, MVAR_QUEUE_SIZEW);
    q->header.info = &stg_MVAR_TSO_QUEUE_info;
    q->link = END_TSO_QUEUE;
    q->tso = tso;
    mvar->head = q;
    mvar->tail = q;
    ASSERT(tso->mvar_value == END_TSO_QUEUE);
    markBlockedOn(tso, q, mvar, BlockedOnMVar);
    cap = handOffOnOneCapability(cap, since);   /* Note [Blocking on one capability] */
    return takeInflight(cap);
}

/* takeMVar out of line: the general path behind takeBlockingAlone. */
static StgClosure *__attribute__((noinline)) takeMVarOutOfLine(Capability *cap, StgMVar *mvar)
{
    return takeMVar(cap, mvar);
}

/* rts_takeMVar and rts_takeMVarRoot are stubs that call these two and
 * return by a jump: Note [Returning after a switch] in SwitchReturn.S. */
StgClosure *takeMVarEntry(StgMVar *mvar)
{
    Capability *cap = myCapability();
    uint64_t since = canTakeBlockingAlone(cap, mvar);
    if (since != 0)                             /* Note [Taking alone on one capability] */
        return takeBlockingAlone(cap, mvar, since);
    return takeMVarOutOfLine(cap, mvar);
}

/* The MVar in root slot `slot` of the calling thread's frame f (the frame
 * layout of Note [Root frames] in Roots.c).  DEBUG builds go through
 * rts_get, which checks the handle and the slot. */
static inline StgMVar *mvarInRoot(Capability *cap, RtsFrame f, uint32_t slot)
{
#ifdef DEBUG
    (void)cap;
    return (StgMVar *)rts_get(f, slot);
#else
    StgStack *stack = cap->current_tso->stackobj;
    StgPtr frame = stack->stack + stack->stack_size - f.id;
    return (StgMVar *)frame[ROOT_FRAME_HEADER_W + slot];
#endif
}

/* The slot entry points read the calling OS thread's capability straight
 * from rts_my_cap (Roots.h) rather than through myCapability()'s call: at
 * the very start of an operation, before anything can switch threads, the
 * thread-local address cannot be stale.  After a block they use the
 * capability blockCurrentThread returns. */
StgClosure *takeMVarRootEntry(RtsFrame f, uint32_t slot)
{
    Capability *cap = rts_my_cap;
    StgMVar *mvar = mvarInRoot(cap, f, slot);
    uint64_t since = canTakeBlockingAlone(cap, mvar);
    if (since != 0)                             /* Note [Taking alone on one capability] */
        return takeBlockingAlone(cap, mvar, since);
    return takeMVarOutOfLine(cap, mvar);
}

/* Note [Putting to a lone taker]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The put of the one-capability round trip finds the MVar empty, DIRTY,
 * and one taker waiting.  putMVar's inline code does that in a dozen
 * stores, but its rare branches (dirty_MVAR, the watch table, the
 * recorder, the reader loop, putIntoFull, dirty_TSO) are calls
 * in the middle of it, so the entry point saves and restores six
 * registers on every put.  putToLoneTaker tests every such condition first
 * and, only when none holds, makes the stores with no call at all; any
 * other case returns false and the caller tail-calls the general
 * putMVarOutOfLine.  With one node in the queue the pop exposes no
 * interior node, so Note [Popping the head of a clean MVar] (and its
 * injections) has nothing to do; the node is still checked with
 * queueNodeSane (a failed check takes the general path, which reports
 * it).  With one capability lockClosure only read the header, and the
 * header stays DIRTY: there is nothing to unlock. */
static inline __attribute__((always_inline))
bool putToLoneTaker(Capability *cap, StgMVar *mvar, StgClosure *value)
{
    /* the watch test also rules out popHead's watchPop */
    if (n_capabilities != 1 || mvar->header.info != &stg_MVAR_DIRTY_info
        || mvar->value != END_TSO_QUEUE || traceEnabled(EVCAT_MVAR | EVCAT_THREAD)
        || watchActive())
        return false;
    StgMVarTSOQueue *q = mvar->head;
    if (q == END_TSO_QUEUE || q->link != END_TSO_QUEUE || !queueNodeSane(mvar, q))
        return false;
    StgTSO *tso = q->tso;
    if (tso->why_blocked != BlockedOnMVar || !canWakeThreadInline(cap, tso) || !tso->dirty)
        return false;
    if (cap->run_queue_tl != END_TSO_QUEUE && !cap->run_queue_tl->dirty)
        return false;
    ASSERT(tso->mvar_value == END_TSO_QUEUE);
    tso->mvar_value = value;                        /* performTake, the TSO already dirty */
    mvar->head = END_TSO_QUEUE;                     /* popHead of the only node */
    mvar->tail = END_TSO_QUEUE;
    wakeInline(cap, tso);                           /* wakeBlocked; appendToRunQueue ends _link */
    return true;
}

/* putMVar out of line: the general path behind putToLoneTaker. */
static void __attribute__((noinline)) putMVarOutOfLine(Capability *cap, StgMVar *mvar, StgClosure *value)
{
    putMVar(cap, mvar, value);
}

void rts_putMVarRoot(RtsFrame f, uint32_t slot, StgClosure *value)
{
    checkPutValue("rts_putMVarRoot", value);
    Capability *cap = rts_my_cap;
    StgMVar *mvar = mvarInRoot(cap, f, slot);
    if (putToLoneTaker(cap, mvar, value))      /* Note [Putting to a lone taker] */
        return;
    putMVarOutOfLine(cap, mvar, value);
}

StgClosure *rts_tryTakeMVar(StgMVar *mvar)
{
    Capability *cap = myCapability();
    const StgInfoTable *info = lockClosure((StgClosure *)mvar);
    if (mvar->value == END_TSO_QUEUE) {
        unlockClosure((StgClosure *)mvar, info);
        return NULL;
    }
    return takeFromFull(cap, mvar, info);
}

/* ---------------------------------------------------------------------------
 * read
 * ------------------------------------------------------------------------- */

StgClosure *rts_readMVar(StgMVar *mvar)
{
    const StgInfoTable *info = lockClosure((StgClosure *)mvar);
    StgClosure *value = mvar->value;
    if (value != END_TSO_QUEUE) {
        unlockClosure((StgClosure *)mvar, info);
        return value;
    }
    return waitForValue(myCapability(), mvar, info, BlockedOnMVarRead);
}

StgClosure *rts_tryReadMVar(StgMVar *mvar)
{
    const StgInfoTable *info = lockClosure((StgClosure *)mvar);
    StgClosure *value = mvar->value;
    unlockClosure((StgClosure *)mvar, info);
    return value == END_TSO_QUEUE ? NULL : value;
}

bool rts_isEmptyMVar(StgMVar *mvar)
{
    return mvar->value == END_TSO_QUEUE;
}

/* ---------------------------------------------------------------------------
 * creation and the mut-list check
 * ------------------------------------------------------------------------- */

StgMVar *newMVar(Capability *cap, StgClosure *value)
{
    StgMVar *mvar = (StgMVar *)allocate(cap, MVAR_SIZEW);
    mvar->header.info = &stg_MVAR_DIRTY_info;
    mvar->head = END_TSO_QUEUE;
    mvar->tail = END_TSO_QUEUE;
    mvar->value = value;
    return mvar;
}

StgMVar *rts_newMVar(void)
{
    rts_safepoint();
    return newMVar(myCapability(), END_TSO_QUEUE);
}

StgMVar *rts_newFullMVar(StgClosure *value)
{
    checkPutValue("rts_newFullMVar", value);
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, value);
    rts_safepoint();
    StgMVar *mvar = newMVar(myCapability(), rts_get(f, 0));
    rts_frame_pop(f);
    return mvar;
}

/* Note [MVars on the mut list are dirty]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * dirty_MVAR records an MVar on its capability's mut list but leaves the
 * header to the caller, who writes MVAR_DIRTY when unlocking.  The GC relies
 * on the header: a CLEAN MVar on a mut list means somebody recorded it and
 * then unlocked it CLEAN (GHC #19145).  GHC's debug RTS checks this in
 * scavenge_mutable_list; here the check is this function, for whoever scans
 * the mut lists (the GC, the sanity checker) to call on each entry.
 */
void checkMVarOnMutList(const StgClosure *p, uint32_t gen_no)
{
    if (p->header.info == &stg_MVAR_CLEAN_info) {
        errorBelch("MVar %p (gen %u) is MVAR_CLEAN but on the mutable list of gen %u",
                   (const void *)p, (unsigned)Bdescr(p)->gen_no, (unsigned)gen_no);
        barf("MVAR_CLEAN on mutable list");
    }
}
