/* BoundedChan.c — the Haskell BoundedChan library (GaloisInc 1.0.3.0) in C.
 *
 * writeChan: take the write-position lock, put the value into that slot
 * (blocking while the slot is full), release the lock with position + 1.
 * readChan is symmetric.  The position advances only after the slot
 * operation succeeded, so values leave in the order they were written by the
 * writers that held the lock (FIFO per producer, nothing lost or duplicated).
 * Every release of a contended lock MVar runs putMVar's "pop the head" path:
 * this is the structure that made GHC #18919 likely (reference §5).
 *
 * Layout: see BoundedChan.h.  Must not depend on: the GC, the scheduler's
 * internals; uses only the MVar operations and allocation.
 */
#include "BoundedChan.h"

#include "rts.h"
#include "MVar.h"
#include "Schedule.h"
#include "RtsMessages.h"
#include "sm/Storage.h"

static inline StgClosure *chanField(StgClosure *chan, uint32_t i)
{
    return ((StgMutArrPtrs *)chan)->payload[i];
}

static inline uint32_t chanSize(StgClosure *chan)
{
    return (uint32_t)((((StgMutArrPtrs *)chan)->ptrs - 2) / 2);
}

static inline uint32_t boxIndex(StgClosure *box)
{
    return (uint32_t)((StgArrBytes *)box)->payload[0];
}

/* Allocate the whole channel at one safe point (allocate() never collects,
 * so the raw pointers below stay valid until we return). */
StgClosure *rts_newBoundedChan(uint32_t size)
{
    if (size == 0) barf("rts_newBoundedChan: size must be at least 1");
    rts_safepoint();
    Capability *cap = myCapability();
    W_ ptrs = 2 + 2 * (W_)size;
    StgMutArrPtrs *chan = (StgMutArrPtrs *)allocate(cap, sizeof(StgMutArrPtrs) / sizeof(W_) + ptrs);
    chan->header.info = &stg_MUT_ARR_PTRS_DIRTY_info;
    chan->ptrs = ptrs;
    chan->size = ptrs;
    for (uint32_t i = 0; i < size; i++) {
        StgArrBytes *box = (StgArrBytes *)allocate(cap, sizeof(StgArrBytes) / sizeof(W_) + 1);
        box->header.info = &stg_ARR_WORDS_info;
        box->bytes = sizeof(StgWord);
        box->payload[0] = i;
        chan->payload[BCHAN_BOX(size, i)] = (StgClosure *)box;
        chan->payload[BCHAN_SLOT(i)] = (StgClosure *)newMVar(cap, END_TSO_QUEUE);
    }
    chan->payload[BCHAN_WPOS] = (StgClosure *)newMVar(cap, chan->payload[BCHAN_BOX(size, 0)]);
    chan->payload[BCHAN_RPOS] = (StgClosure *)newMVar(cap, chan->payload[BCHAN_BOX(size, 0)]);
    return (StgClosure *)chan;
}

uint32_t rts_boundedChanSize(StgClosure *chan)
{
    return chanSize(chan);
}

/* Release position lock `lock` (WPOS/RPOS) of the chan in root slot 0 of f,
 * advancing it past slot i. */
static void releasePosition(RtsFrame f, uint32_t lock, uint32_t i)
{
    StgClosure *chan = rts_get(f, 0);
    uint32_t n = chanSize(chan);
    rts_putMVar((StgMVar *)chanField(chan, lock), chanField(chan, BCHAN_BOX(n, (i + 1) % n)));
}

void rts_writeBoundedChan(StgClosure *chan, StgClosure *value)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, chan);
    rts_set(f, 1, value);
    uint32_t i = boxIndex(rts_takeMVar((StgMVar *)chanField(chan, BCHAN_WPOS)));
    chan = rts_get(f, 0);
    rts_putMVar((StgMVar *)chanField(chan, BCHAN_SLOT(i)), rts_get(f, 1));
    releasePosition(f, BCHAN_WPOS, i);
    rts_frame_pop(f);
}

StgClosure *rts_readBoundedChan(StgClosure *chan)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, chan);
    uint32_t i = boxIndex(rts_takeMVar((StgMVar *)chanField(chan, BCHAN_RPOS)));
    chan = rts_get(f, 0);
    rts_set(f, 1, rts_takeMVar((StgMVar *)chanField(chan, BCHAN_SLOT(i))));
    releasePosition(f, BCHAN_RPOS, i);
    StgClosure *value = rts_get(f, 1);
    rts_frame_pop(f);
    return value;
}

/* tryWriteChan: never blocks on the slot; false when the next slot is full
 * (the lock itself is taken with takeMVar, as the library does). */
bool rts_tryWriteBoundedChan(StgClosure *chan, StgClosure *value)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, chan);
    rts_set(f, 1, value);
    uint32_t i = boxIndex(rts_takeMVar((StgMVar *)chanField(chan, BCHAN_WPOS)));
    chan = rts_get(f, 0);
    bool ok = rts_tryPutMVar((StgMVar *)chanField(chan, BCHAN_SLOT(i)), rts_get(f, 1));
    StgClosure *box = chanField(chan, BCHAN_BOX(chanSize(chan), ok ? (i + 1) % chanSize(chan) : i));
    rts_putMVar((StgMVar *)chanField(chan, BCHAN_WPOS), box);
    rts_frame_pop(f);
    return ok;
}

/* tryReadChan: NULL when the next slot is empty. */
StgClosure *rts_tryReadBoundedChan(StgClosure *chan)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, chan);
    uint32_t i = boxIndex(rts_takeMVar((StgMVar *)chanField(chan, BCHAN_RPOS)));
    chan = rts_get(f, 0);
    StgClosure *value = rts_tryTakeMVar((StgMVar *)chanField(chan, BCHAN_SLOT(i)));
    rts_set(f, 1, value);
    uint32_t n = chanSize(chan);
    rts_putMVar((StgMVar *)chanField(chan, BCHAN_RPOS),
                chanField(chan, BCHAN_BOX(n, value ? (i + 1) % n : i)));
    value = rts_get(f, 1);
    rts_frame_pop(f);
    return value;
}
