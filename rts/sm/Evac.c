/* Evac.c — evacuation: copy one live object into to-space, once.
 *
 * Offers evacuate() and evacuate_BLACKHOLE().  Objects in generations that
 * are not being collected, static objects and objects already in to-space
 * stay where they are; large objects are relinked onto a to-space list, not
 * copied; everything else is copied into the calling GC thread's todo block
 * for its destination generation and its header replaced by a forwarding
 * pointer.  See Note [Claiming an object with CAS].
 *
 * Must not depend on: the scheduler, the debugger.
 */
#include <string.h>
#include <sched.h>
#include "Evac.h"
#include "GCUtils.h"
#include "RtsMessages.h"
#include "GC.h"
#include "WatchTable.h"
#include "FlightRecorder.h"

/* Note [Claiming an object with CAS]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Two GC threads may reach the same object at the same time.  A mutable
 * object (MUT_VAR, MVAR, TSO, STACK, MUT_ARR_PTRS, WEAK, THUNK, ...) must
 * end up with exactly one copy, or a later mutation would go to one copy
 * and a read to the other.  copy_tag therefore copies the object into its
 * own to-space first and then installs the forwarding pointer with a CAS
 * on the source header, from the info pointer it copied.  The loser of the
 * race evacuates again, finds the winner's forwarding pointer and uses it;
 * its own copy stays in its to-space as an unreachable but well-formed
 * closure (it is scavenged like any other, and freed at the next GC).
 *
 * Immutable objects (CONSTR, FUN, ARR_WORDS) use copy_tag_nolock: no CAS,
 * so two threads may both copy and both install a forwarding pointer.  Some
 * references then point at one copy and some at the other; as nobody can
 * tell them apart, that is harmless (GHC does the same, reference §2.2).
 *
 * Headers are read with acquire and written with release ordering, so a
 * thread that follows a forwarding pointer sees the whole copy.
 */

static inline const StgInfoTable *load_info(StgClosure *q)
{
    return __atomic_load_n(&q->header.info, __ATOMIC_ACQUIRE);
}

/* A forwarded object: the reference gets the copy, and failed_to_evac
 * notes when the copy is younger than the evacuating object wants. */
static inline void use_forwarded(StgClosure **p, const StgInfoTable *info)
{
    StgClosure *e = (StgClosure *)UN_FORWARDING_PTR(info);
    *p = e;
    if (Bdescr(e)->gen_no < gct->evac_gen_no)
        gct->failed_to_evac = true;
}

/* Room for `size` words in the to-space of generation gen_no, or of
 * gct->evac_gen_no when eager promotion lifts the object there. */
static StgPtr alloc_for_copy(uint32_t size, uint32_t gen_no)
{
    gen_workspace *ws;
    StgPtr to;

    if (gen_no < gct->evac_gen_no) {
        if (gct->eager_promotion)
            gen_no = gct->evac_gen_no;
        else
            gct->failed_to_evac = true;
    }
    ws = &gct->gens[gen_no];
    to = ws->todo_free;
    ws->todo_free += size;
    if (ws->todo_free > ws->todo_lim)
        to = todo_block_full(size, ws);
    return to;
}

/* Copy the words of src (whose header read `info`) to `to`.  A STACK's sp
 * points into the object itself and moves with it (GHC's move_STACK). */
static void copy_words(StgPtr to, StgClosure *src, const StgInfoTable *info, W_ size)
{
    to[0] = (StgWord)info;
    memcpy(to + 1, (StgPtr)src + 1, (size - 1) * sizeof(W_));
    if (info->type == STACK) {
        StgStack *from = (StgStack *)src, *dest = (StgStack *)to;
        dest->sp = (StgPtr)dest + (from->sp - (StgPtr)from);
    }
}

/* A watched object moved: the watch follows it (Note [Watching across GC
 * moves] in WatchTable.c).  Only called by the thread whose copy won. */
static void watch_moved(StgClosure *src, StgPtr to, const StgInfoTable *info)
{
    watchEvacuated(src, to, (uint64_t)(uintptr_t)info, Bdescr(src)->gen_no, Bdescr(to)->gen_no,
                   gct->thread_index, (uint32_t)gc_count);
}

/* Note [Recording lost copy races]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A lost race (Note [Claiming an object with CAS]) leaves two copies of a
 * mutable object, one of them unreachable: the stale WEAK of the weak race
 * (Note [Racing weak pointer evacuation] in Sanity.c) is such a copy.  The
 * loser knows everything about the race at the moment it loses: the source,
 * its own copy, and the winner's copy from the forwarding pointer; the
 * winner's GC thread is the one copying into the winner's to-space block
 * (bdescr.gc_thread, set by alloc_todo_block).  So the loser records it
 * (EVENT_EVAC_RACE, category evac) in its own ring.  Races are rare and the
 * path is already slow, so this costs nothing where it matters.
 *
 * MVar moves (EVENT_MVAR_MOVE, category mvar) are recorded by the winner,
 * once per copied MVAR or MVAR_TSO_QUEUE, so `rts trace mvar` can follow an
 * MVar and its queue across GCs.  Off, that is one load and one predicted
 * branch per copied mutable object, beside watchActive()'s.
 */
static __attribute__((noinline, cold)) void trace_lost_race(StgClosure *src, const StgInfoTable *info,
                                                            StgPtr mine, const StgInfoTable *fwd)
{
    StgPtr winner = (StgPtr)UN_FORWARDING_PTR(fwd);
    bdescr *wbd = Bdescr(winner);
    traceEvent(gcRing(gct->thread_index), EVENT_EVAC_RACE, (uint64_t)(uintptr_t)src,
               (uint64_t)(uintptr_t)winner, (uint64_t)(uintptr_t)mine,
               RTS_EVAC_RACE(info->type, Bdescr(src)->gen_no, wbd->gen_no, Bdescr(mine)->gen_no,
                             wbd->gc_thread, gct->thread_index));
}

static __attribute__((noinline)) void trace_mvar_move(StgClosure *src, StgPtr to, const StgInfoTable *info)
{
    if (info->type != MVAR_CLEAN && info->type != MVAR_DIRTY && info->type != MVAR_TSO_QUEUE)
        return;
    traceEvent(gcRing(gct->thread_index), EVENT_MVAR_MOVE, (uint64_t)(uintptr_t)src,
               (uint64_t)(uintptr_t)to,
               RTS_GC_MOVE(info->type, Bdescr(src)->gen_no, Bdescr(to)->gen_no, gct->thread_index),
               gc_count);
}

/* Copy a mutable object exactly once.  See Note [Claiming an object with CAS]. */
static void copy_tag(StgClosure **p, const StgInfoTable *info, StgClosure *src,
                     uint32_t gen_no)
{
    W_ size = gc_closure_sizeW(src, info);
    StgPtr to = alloc_for_copy((uint32_t)size, gen_no);
    const StgInfoTable *expected = info;

    copy_words(to, src, info, size);
    if (gc_chaos()) {
        /* Note [GC chaos mode] in GCUtils.c: a promoted copy (older than
         * the object's own destination) always pauses, and longer */
        if (gen_no < gct->evac_gen_no && gct->eager_promotion)
            chaos_pause_upto(1000);
        else if (chaos_coin(2))
            chaos_pause();
    }
    if (!__atomic_compare_exchange_n(&src->header.info, &expected,
                                     (const StgInfoTable *)MK_FORWARDING_PTR(to),
                                     false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        /* Lost the race: `expected` now holds the winner's forwarding
         * pointer (or a WHITEHOLE: evacuate again and let it spin). */
        if (traceEnabled(EVCAT_EVAC) && IS_FORWARDING_PTR(expected))
            trace_lost_race(src, info, to, expected);
        if (gc_chaos_count())
            chaos_count_lost_race(info->type, IS_FORWARDING_PTR(expected)
                && Bdescr(to)->gen_no > Bdescr((void *)UN_FORWARDING_PTR(expected))->gen_no);
        if (IS_FORWARDING_PTR(expected))
            use_forwarded(p, expected);
        else
            evacuate(p);
        if (gc_chaos())
            chaos_scavenge_after_lost_race();   /* our copy included */
        return;
    }
    *p = (StgClosure *)to;
    gct->copied += size;
    if (watchActive())
        watch_moved(src, to, info);
    if (traceEnabled(EVCAT_MVAR))
        trace_mvar_move(src, to, info);
}

/* Copy an immutable object; a duplicate copy by another thread is fine. */
static void copy_tag_nolock(StgClosure **p, const StgInfoTable *info,
                            StgClosure *src, uint32_t gen_no)
{
    W_ size = gc_closure_sizeW(src, info);
    StgPtr to = alloc_for_copy((uint32_t)size, gen_no);

    copy_words(to, src, info, size);
    __atomic_store_n(&src->header.info, (const StgInfoTable *)MK_FORWARDING_PTR(to),
                     __ATOMIC_RELEASE);
    *p = (StgClosure *)to;
    gct->copied += size;
    if (watchActive())
        watch_moved(src, to, info);
}

/* A large object (or pinned block) is not copied: its block group moves
 * from its generation's large_objects to this thread's list for the
 * destination generation, under gen->sync so that one thread wins.  Pinned
 * blocks hold only byte arrays and need no scavenging. */
static void evacuate_large(StgClosure *q)
{
    bdescr *bd = Bdescr(q);
    generation *gen = bd->gen;
    uint32_t new_gen_no;
    generation *new_gen;
    gen_workspace *ws;

    pthread_spin_lock(&gen->sync);
    if (bd->flags & BF_EVACUATED) {
        pthread_spin_unlock(&gen->sync);
        if (bd->gen_no < gct->evac_gen_no)
            gct->failed_to_evac = true;
        return;
    }

    if (bd->u.back != NULL)
        bd->u.back->link = bd->link;
    else
        gen->large_objects = bd->link;
    if (bd->link != NULL)
        bd->link->u.back = bd->u.back;
    gen->n_large_blocks -= bd->blocks;
    gen->n_large_words -= (W_)(bd->free - bd->start);

    new_gen_no = bd->dest_no;
    if (new_gen_no < gct->evac_gen_no) {
        if (gct->eager_promotion)
            new_gen_no = gct->evac_gen_no;
        else
            gct->failed_to_evac = true;
    }
    new_gen = &generations[new_gen_no];
    bd->flags |= BF_EVACUATED;
    initBdescr(bd, new_gen, new_gen->to);
    pthread_spin_unlock(&gen->sync);

    ws = &gct->gens[new_gen_no];
    bd->u.back = NULL;
    if (bd->flags & BF_PINNED) {
        bd->link = ws->scavd_large_objects;
        ws->scavd_large_objects = bd;
        ws->n_scavd_large_blocks += bd->blocks;
        ws->n_scavd_large_words += (W_)(bd->free - bd->start);
    } else {
        bd->link = ws->todo_large_objects;
        ws->todo_large_objects = bd;
    }
}

/* True for the indirectee types for which a BLACKHOLE is still "under
 * evaluation" and must itself be kept (reference §2.2). */
static bool blackhole_owner(StgClosure *r)
{
    const StgInfoTable *i;
    if (!HEAP_ALLOCED(r))
        return false;
    i = load_info(r);
    if (IS_FORWARDING_PTR(i))
        i = load_info((StgClosure *)UN_FORWARDING_PTR(i));
    return i->type == TSO || i->type == WHITEHOLE || i->type == BLOCKING_QUEUE;
}

/* Wait for a WHITEHOLE-locked header to be released.  Nothing in a
 * stopped world holds such a lock, except another GC thread mid-copy. */
static const StgInfoTable *wait_whitehole(StgClosure *q)
{
    const StgInfoTable *info;
    while ((info = load_info(q))->type == WHITEHOLE && !IS_FORWARDING_PTR(info))
        sched_yield();
    return info;
}

void evacuate(StgClosure **p)
{
    StgClosure *q = *p;
    const StgInfoTable *info;
    bdescr *bd;

loop:
    if (!HEAP_ALLOCED(q))
        return;                     /* static object or NULL: never moves */

    bd = Bdescr(q);
    if (bd->gen_no > N || (bd->flags & BF_EVACUATED)) {
        /* not collected, or already in to-space */
        if (bd->gen_no < gct->evac_gen_no)
            gct->failed_to_evac = true;
        *p = q;
        return;
    }
    if (bd->flags & BF_LARGE) {
        evacuate_large(q);
        *p = q;
        return;
    }

    info = load_info(q);
    if (IS_FORWARDING_PTR(info)) {
        use_forwarded(p, info);
        return;
    }

    switch (info->type) {
    case WHITEHOLE:
        info = wait_whitehole(q);
        goto loop;

    case IND:
        /* short out the indirection */
        q = ((StgInd *)q)->indirectee;
        *p = q;
        goto loop;

    case BLACKHOLE: {
        StgClosure *r = ((StgInd *)q)->indirectee;
        if (blackhole_owner(r)) {
            copy_tag(p, info, q, bd->dest_no);
            return;
        }
        q = r;                      /* updated: short out to the value */
        *p = q;
        goto loop;
    }

    case CONSTR:
    case FUN:
    case ARR_WORDS:
        copy_tag_nolock(p, info, q, bd->dest_no);
        return;

    case THUNK:
    case BLOCKING_QUEUE:
    case MVAR_CLEAN:
    case MVAR_DIRTY:
    case MVAR_TSO_QUEUE:
    case TSO:
    case STACK:
    case WEAK:
    case DEAD_WEAK:
    case MUT_VAR_CLEAN:
    case MUT_VAR_DIRTY:
    case MUT_ARR_PTRS_CLEAN:
    case MUT_ARR_PTRS_DIRTY:
    case PRIM:
    case MUT_PRIM:
        copy_tag(p, info, q, bd->dest_no);
        return;

    default:
        barf("evacuate: strange closure type %u (info %p) at %p",
             info->type, (const void *)info, (void *)q);
    }
}

void evacuate_BLACKHOLE(StgClosure **p)
{
    StgClosure *q = *p;
    const StgInfoTable *info;
    bdescr *bd;

    if (!HEAP_ALLOCED(q))
        return;
    bd = Bdescr(q);
    if (bd->gen_no > N || (bd->flags & (BF_EVACUATED | BF_LARGE))) {
        evacuate(p);
        return;
    }
    info = load_info(q);
    if (IS_FORWARDING_PTR(info)) {
        use_forwarded(p, info);
        return;
    }
    if (info->type == WHITEHOLE) {
        evacuate(p);
        return;
    }
    copy_tag(p, info, q, bd->dest_no);
}
