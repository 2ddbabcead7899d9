/* BlackHole.c — blocking on a blackhole owned by another thread, and
 * waking the blocked threads when the owner updates it.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#include <stdio.h>
#include <unistd.h>
#include "rts.h"
#include "BlackHole.h"
#include "Updates.h"
#include "Roots.h"
#include "RtsMessages.h"
#include "Schedule.h"
#include "sm/Storage.h"

/* Note [Blocking on a blackhole]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * GHC sends MSG_BLACKHOLE to the owner's capability, which alone changes
 * the owner's blocking queues, so no lock is needed.  We lock the
 * BLACKHOLE itself instead (lockClosure: WHITEHOLE in its header), which
 * serialises the three things that change it: a thread queueing on it
 * (here), the owner updating it (updateThunk) and a thread claiming it
 * (claimThunk, by CAS from the THUNK header, which cannot race with the
 * other two).  Under the lock:
 *   - indirectee is a value: it was updated meanwhile; do not block;
 *   - indirectee is our own TSO, or a BLOCKING_QUEUE we own: <<loop>>;
 *   - indirectee is another TSO: make a BLOCKING_QUEUE {bh, owner, queue =
 *     our message} and point the indirectee at it;
 *   - indirectee is another thread's BLOCKING_QUEUE: push our message.
 * The MSG_BLACKHOLE {tso, bh} is what block_info points at, as in GHC, so a
 * debugger shows which blackhole a thread waits for.  The lock is released
 * only once the thread is switched out (blockCurrentThread's `after`), so
 * the owner's wake-up can never reach a thread that is still running.  The
 * BLOCKING_QUEUE and the message are allocated before taking the lock: the
 * GC cannot run while a header is locked.  BLOCKING_QUEUEs are not linked
 * on the owner's tso->bq (that would need the owner's capability, GHC's
 * reason for messages): the owner finds its queue through the blackhole.
 * A woken thread enters the closure again (rts_force's loop).
 */

struct bh_lock {
    StgClosure *bh;
    const StgInfoTable *info;
};

static void unlock_after_block(Capability *cap, void *arg)
{
    (void)cap;
    struct bh_lock *l = arg;
    unlockClosure(l->bh, l->info);
}

void nonTermination(StgClosure *bh)
{
    StgTSO *tso = myTSO();
    fflush(stdout);
    fprintf(stderr, "%s: <<loop>>\n", prog_name ? prog_name : "rts");
    fprintf(stderr, "rts: thread %u entered the blackhole %p it is evaluating itself\n",
            tso != NULL ? tso->id : 0, (void *)bh);
    fflush(stderr);
    _exit(RTS_EXIT_NONTERMINATION);
}

StgClosure *blockOnBlackHole(StgClosure *bh)
{
    RtsFrame f = rts_frame_push(1);             /* never collects */
    rts_set(f, 0, bh);
    Capability *cap = rts_current_cap();
    StgTSO *tso = cap->current_tso;

    StgBlockingQueue *bq = (StgBlockingQueue *)allocate(cap, sizeof(StgBlockingQueue) / sizeof(StgWord));
    MessageBlackHole *msg = (MessageBlackHole *)allocate(cap, sizeof(MessageBlackHole) / sizeof(StgWord));
    /* both well-formed at once: an unused one is garbage in the nursery,
     * which the sanity checker walks */
    bq->header.info = &stg_BLOCKING_QUEUE_DIRTY_info;
    bq->link = END_TSO_QUEUE;
    bq->bh = NULL;
    bq->owner = END_TSO_QUEUE;
    bq->queue = END_TSO_QUEUE;
    msg->header.info = &stg_MSG_BLACKHOLE_info;
    msg->link = END_TSO_QUEUE;
    msg->tso = tso;
    msg->bh = bh;

    struct bh_lock l = { bh, lockClosure(bh) };
    StgClosure *r = ((StgInd *)bh)->indirectee;
    if (l.info->type != BLACKHOLE || !isBlackHoleOwner(r)) {
        unlockClosure(bh, l.info);              /* updated meanwhile */
        rts_frame_pop(f);
        return bh;
    }
    if (r->header.info->type == TSO) {
        if ((StgTSO *)r == tso) {
            unlockClosure(bh, l.info);
            nonTermination(bh);
        }
        bq->bh = bh;
        bq->owner = (StgTSO *)r;
        bq->queue = msg;
        ((StgInd *)bh)->indirectee = (StgClosure *)bq;
        recordClosureMutated(cap, bh);
    } else {
        StgBlockingQueue *q = (StgBlockingQueue *)r;
        if (q->owner == tso) {
            unlockClosure(bh, l.info);
            nonTermination(bh);
        }
        msg->link = q->queue;
        q->queue = msg;
        if (q->header.info == &stg_BLOCKING_QUEUE_CLEAN_info) {
            q->header.info = &stg_BLOCKING_QUEUE_DIRTY_info;
            recordClosureMutated(cap, (StgClosure *)q);
        }
    }
    dirty_TSO(cap, tso);
    tso->why_blocked = BlockedOnBlackHole;
    tso->block_info.bh = msg;
    blockCurrentThread(unlock_after_block, &l);

    bh = rts_get(f, 0);
    rts_frame_pop(f);
    return bh;
}

void wakeBlockingQueue(Capability *cap, StgBlockingQueue *bq)
{
    for (MessageBlackHole *m = bq->queue; m != END_TSO_QUEUE; m = m->link)
        tryWakeupThread(cap, m->tso);
}
