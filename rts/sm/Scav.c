/* Scav.c — scavenging to-space, large objects, mut lists, TSOs and STACKs.
 *
 * Offers scavenge_until_all_done (a GC thread's main loop),
 * scavenge_capability_mut_lists (the remembered set as roots) and
 * scavenge_one.  The rules for each closure type follow GHC's Scav.c
 * (reference §1.2, §4.3): see Note [Cleaning mutable objects].
 *
 * Must not depend on: the scheduler, the debugger.
 */
#include <sched.h>
#include "Scav.h"
#include "Evac.h"
#include "GCUtils.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "MVar.h"

/* Note [Cleaning mutable objects]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A mutable object in an old generation is CLEAN when it is not on a mut
 * list and none of its fields points into a younger generation; DIRTY when
 * it is on its capability's mut list (DESIGN §4.3).  After scavenging one,
 * gct->failed_to_evac says whether some field still points to a younger
 * generation: then it stays DIRTY and the caller records it on the mut list
 * of its generation; otherwise it becomes CLEAN and is dropped from the
 * remembered set until the next write barrier fires.
 *
 * The referents of a mutable object are not eagerly promoted (they are
 * likely to be replaced soon, so promoting them would only retain garbage
 * in an old generation); immutable objects promote their referents to
 * their own generation, so that they never need a mut-list entry.
 */

void recordMutableGen_GC(StgClosure *p, uint32_t gen)
{
    recordMutableCap(p, gct->cap, gen);
}

static void evacuate_ptrs(StgClosure **fields, W_ n)
{
    for (W_ i = 0; i < n; i++)
        evacuate(&fields[i]);
}

/* The TSO's heap pointers (reference §4.3): global_link is not one of them
 * here, the thread lists are rebuilt by the collector (tidyThreadList). */
static void scavengeTSO(StgTSO *tso)
{
    bool saved_eager = gct->eager_promotion;

    gct->eager_promotion = false;
    evacuate((StgClosure **)&tso->bq);
    evacuate((StgClosure **)&tso->stackobj);
    evacuate((StgClosure **)&tso->_link);
    evacuate(&tso->mvar_value);      /* Note [Values in flight] in MVar.c */
    switch (tso->why_blocked) {
    case BlockedOnMVar:
    case BlockedOnMVarRead:
    case BlockedOnBlackHole:
    case BlockedOnMsgThrowTo:
    case NotBlocked:
        evacuate(&tso->block_info.closure);
        break;
    default:
        break;                      /* block_info is not a heap pointer */
    }
    tso->dirty = gct->failed_to_evac;
    gct->eager_promotion = saved_eager;
}

/* The frames of a STACK, innermost first (layouts in Closures.h). */
static void scavenge_stack(StgStack *stack)
{
    StgPtr p = stack->sp, end = stack->stack + stack->stack_size;

    while (p < end) {
        const StgInfoTable *info = (const StgInfoTable *)*p;
        switch (info->type) {
        case ROOT_FRAME: {
            W_ n = p[1];
            evacuate_ptrs((StgClosure **)&p[3], n);
            p += 3 + n;
            break;
        }
        case UPDATE_FRAME:
            evacuate_BLACKHOLE(&((StgUpdateFrame *)p)->updatee);
            p += sizeof(StgUpdateFrame) / sizeof(W_);
            break;
        case STOP_FRAME:
            p += 1;
            break;
        case RET_SMALL:
            evacuate_ptrs((StgClosure **)&p[1], info->ptrs);
            p += 1 + info->ptrs + info->nptrs;
            break;
        default:
            barf("scavenge_stack: bad frame type %u at %p in STACK %p",
                 info->type, (void *)p, (void *)stack);
        }
    }
}

/* The fields of a WEAK beyond cfinalizers.  Only scavenged for weaks that
 * are roots in their own right (mut-list entries, the weak lists); see
 * MarkWeak.c. */
void scavenge_weak_fields(StgWeak *w)
{
    evacuate(&w->key);
    evacuate(&w->value);
    evacuate(&w->finalizer);
}

/* Scavenge the object q in place; leaves gct->failed_to_evac set when a
 * field still points into a generation younger than gct->evac_gen_no.
 * whole_weak: also the key/value/finalizer of a WEAK. */
static void scavenge_object(StgClosure *q, const StgInfoTable *info, bool whole_weak)
{
    bool saved_eager = gct->eager_promotion;

    switch (info->type) {
    case MVAR_CLEAN:
    case MVAR_DIRTY: {
        StgMVar *mvar = (StgMVar *)q;
        gct->eager_promotion = false;
        evacuate((StgClosure **)&mvar->head);
        evacuate((StgClosure **)&mvar->tail);
        evacuate(&mvar->value);
        gct->eager_promotion = saved_eager;
        mvar->header.info = gct->failed_to_evac ? &stg_MVAR_DIRTY_info : &stg_MVAR_CLEAN_info;
        break;
    }
    case MUT_VAR_CLEAN:
    case MUT_VAR_DIRTY: {
        StgMutVar *mv = (StgMutVar *)q;
        gct->eager_promotion = false;
        evacuate(&mv->var);
        gct->eager_promotion = saved_eager;
        mv->header.info = gct->failed_to_evac ? &stg_MUT_VAR_DIRTY_info : &stg_MUT_VAR_CLEAN_info;
        break;
    }
    case MUT_ARR_PTRS_CLEAN:
    case MUT_ARR_PTRS_DIRTY: {
        StgMutArrPtrs *a = (StgMutArrPtrs *)q;
        gct->eager_promotion = false;
        evacuate_ptrs(a->payload, a->ptrs);
        gct->eager_promotion = saved_eager;
        a->header.info = gct->failed_to_evac ? &stg_MUT_ARR_PTRS_DIRTY_info
                                             : &stg_MUT_ARR_PTRS_CLEAN_info;
        break;
    }
    case BLOCKING_QUEUE: {
        StgBlockingQueue *bq = (StgBlockingQueue *)q;
        gct->eager_promotion = false;
        evacuate(&bq->bh);
        evacuate((StgClosure **)&bq->owner);
        evacuate((StgClosure **)&bq->queue);
        evacuate((StgClosure **)&bq->link);
        gct->eager_promotion = saved_eager;
        bq->header.info = gct->failed_to_evac ? &stg_BLOCKING_QUEUE_DIRTY_info
                                              : &stg_BLOCKING_QUEUE_CLEAN_info;
        break;
    }
    case TSO:
        scavengeTSO((StgTSO *)q);
        break;
    case STACK: {
        StgStack *stack = (StgStack *)q;
        gct->eager_promotion = false;
        scavenge_stack(stack);
        gct->eager_promotion = saved_eager;
        stack->dirty = gct->failed_to_evac ? STACK_DIRTY : 0;
        break;
    }
    case THUNK:
        evacuate_ptrs(((StgThunk *)q)->payload, info->ptrs);
        break;
    case WEAK:
        evacuate_ptrs(q->payload, info->ptrs);      /* cfinalizers */
        if (whole_weak)
            scavenge_weak_fields((StgWeak *)q);
        break;
    case ARR_WORDS:
        break;
    case CONSTR:
    case FUN:
    case IND:
    case BLACKHOLE:
    case MVAR_TSO_QUEUE:
    case DEAD_WEAK:
    case PRIM:
    case MUT_PRIM:
    case WHITEHOLE:
        evacuate_ptrs(q->payload, info->ptrs);
        break;
    default:
        barf("scavenge: strange closure type %u (info %p) at %p",
             info->type, (const void *)info, (void *)q);
    }
}

void scavenge_one(StgClosure *p)
{
    scavenge_object(p, p->header.info, true);
}

/* Scavenge bd from its scan pointer to its end (for our own todo block:
 * to todo_free, which moves on as we copy).  Objects that keep pointing to
 * younger generations are recorded on the mut list of bd's generation. */
static void scavenge_block(bdescr *bd)
{
    gen_workspace *ws = &gct->gens[bd->gen_no];
    StgPtr p = bd->u.scan;

    gct->scan_bd = bd;
    gct->evac_gen_no = bd->gen_no;
    for (;;) {
        StgPtr lim = (bd == ws->todo_bd) ? ws->todo_free : bd->free;
        const StgInfoTable *info;
        W_ size;

        if (p >= lim)
            break;
        info = ((StgClosure *)p)->header.info;
        size = gc_closure_sizeW((StgClosure *)p, info);
        scavenge_object((StgClosure *)p, info, false);
        if (gct->failed_to_evac) {
            gct->failed_to_evac = false;
            if (bd->gen_no > 0)
                recordMutableGen_GC((StgClosure *)p, bd->gen_no);
        }
        p += size;
        gct->scanned += size;
        bd->u.scan = p;
    }
    gct->scan_bd = NULL;
    if (bd != ws->todo_bd)
        push_scanned_block(bd, ws);
}

/* The large objects this thread evacuated into ws's generation. */
static void scavenge_large(gen_workspace *ws)
{
    bdescr *bd;

    while ((bd = ws->todo_large_objects) != NULL) {
        StgClosure *p = (StgClosure *)bd->start;
        ws->todo_large_objects = bd->link;

        gct->evac_gen_no = bd->gen_no;
        scavenge_object(p, p->header.info, false);
        if (gct->failed_to_evac) {
            gct->failed_to_evac = false;
            if (bd->gen_no > 0)
                recordMutableGen_GC(p, bd->gen_no);
        }
        bd->link = ws->scavd_large_objects;
        ws->scavd_large_objects = bd;
        ws->n_scavd_large_blocks += bd->blocks;
        ws->n_scavd_large_words += (W_)(bd->free - bd->start);
        gct->scanned += (W_)(bd->free - bd->start);
    }
}

/* One piece of work, oldest generation first (objects copied into old
 * generations are the likeliest to promote more); false when there is none. */
static bool scavenge_find_work(void)
{
    uint32_t g = RtsFlags.GcFlags.generations;
    bdescr *bd;

    while (g-- > 0) {
        gen_workspace *ws = &gct->gens[g];
        if (ws->todo_bd != NULL && ws->todo_bd->u.scan < ws->todo_free) {
            scavenge_block(ws->todo_bd);
            return true;
        }
        if (ws->todo_large_objects != NULL) {
            scavenge_large(ws);
            return true;
        }
    }
    gct->any_work++;
    bd = grab_work_block();
    if (bd != NULL) {
        scavenge_block(bd);
        return true;
    }
    gct->no_work++;
    return false;
}

/* See Note [Termination of parallel scavenging] in GCUtils.c. */
void scavenge_until_all_done(void)
{
loop:
    while (scavenge_find_work())
        ;
    dec_running();
    while (running_gc_threads() != 0) {
        if (any_work()) {
            inc_running();
            goto loop;
        }
        sched_yield();
    }
}

/* GHC's debug RTS checks each mut-list entry before scavenging it; so do
 * we in DEBUG builds and under -DS (Note [MVars on the mut list are dirty],
 * MVar.c). */
static inline bool mut_list_checks_on(void)
{
#if defined(DEBUG)
    return true;
#else
    return RtsFlags.DebugFlags.sanity;
#endif
}

/* One mut-list entry p of generation g: scavenged as a root. */
static void scavenge_mut_list_entry(StgClosure *p, uint32_t g)
{
    if (mut_list_checks_on())
        checkMVarOnMutList(p, g);           /* #19145 */
    gct->evac_gen_no = g;
    scavenge_one(p);
    if (gct->failed_to_evac) {
        gct->failed_to_evac = false;
        recordMutableGen_GC(p, g);
    }
}

/* Set while chaos_scavenge_own_work runs on this thread: a race lost
 * inside it does not start another one (bounded nesting). */
static __thread bool chaos_scavenging;

/* Chaos mode (Note [GC chaos mode], GCUtils.c): scavenge what this thread
 * has copied so far.  Only this thread's own todo blocks (shared work
 * stays for scavenge_until_all_done), and never `held`, the block an
 * interrupted scavenge_block of ours is scanning (NULL: none). */
static void chaos_scavenge_own_work(bdescr *held)
{
    bool more = true;
    chaos_scavenging = true;
    chaos_held_scan_bd = held;
    while (more) {
        more = false;
        for (uint32_t g = RtsFlags.GcFlags.generations; g-- > 0; ) {
            gen_workspace *ws = &gct->gens[g];
            if (ws->todo_bd != NULL && ws->todo_bd != held
                && ws->todo_bd->u.scan < ws->todo_free) {
                scavenge_block(ws->todo_bd);
                more = true;
            }
            if (ws->todo_large_objects != NULL) {
                scavenge_large(ws);
                more = true;
            }
        }
    }
    chaos_held_scan_bd = NULL;
    chaos_scavenging = false;
}

/* See GCUtils.h and Note [GC chaos mode].  The interrupted work (a root
 * scan, or the scavenge_block of gct->scan_bd, which is held: nobody else
 * scans it meanwhile, see todo_block_full) gets its scan_bd, evac_gen_no,
 * failed_to_evac and eager_promotion back afterwards, so it goes on exactly
 * as if the extra work had been done before or after it. */
void chaos_scavenge_after_lost_race(void)
{
    bdescr *saved_scan_bd = gct->scan_bd;
    uint32_t saved_gen;
    bool saved_failed, saved_eager;

    if (chaos_scavenging)
        return;
    saved_gen = gct->evac_gen_no;
    saved_failed = gct->failed_to_evac;
    saved_eager = gct->eager_promotion;
    gct->failed_to_evac = false;
    gct->eager_promotion = true;            /* as in scavenge_until_all_done */
    chaos_scavenge_own_work(saved_scan_bd);
    gct->scan_bd = saved_scan_bd;
    gct->evac_gen_no = saved_gen;
    gct->failed_to_evac = saved_failed;
    gct->eager_promotion = saved_eager;
}

/* Mutable containers whose mut-list entries chaos mode may scavenge in a
 * second pass over the list (Note [GC chaos mode], GCUtils.c). */
static bool chaos_deferred_entry(const StgClosure *p)
{
    uint32_t type = p->header.info->type;
    return type == MVAR_CLEAN || type == MVAR_DIRTY
        || type == MUT_VAR_CLEAN || type == MUT_VAR_DIRTY || type == TSO;
}

/* Chaos mode's walk of one generation's saved mut list: each block forwards
 * or backwards (a coin per block), now and then this thread's own copied
 * work between entries, and (three times in four) the mutable containers
 * only after every other entry of the list.  Any order is correct: every
 * entry is scavenged exactly once. */
static void chaos_scavenge_mut_list(bdescr *list, uint32_t g)
{
    bool defer = !chaos_coin(4);
    for (int pass = 0; pass < (defer ? 2 : 1); pass++) {
        for (bdescr *bd = list; bd != NULL; bd = bd->link) {
            bool backwards = chaos_coin(2);
            W_ n = (W_)(bd->free - bd->start);
            for (W_ i = 0; i < n; i++) {
                StgClosure *p = (StgClosure *)*(backwards ? bd->free - 1 - i : bd->start + i);
                if (defer && chaos_deferred_entry(p) != (pass == 1))
                    continue;
                scavenge_mut_list_entry(p, g);
                if (chaos_coin(2))
                    chaos_scavenge_own_work(NULL);
            }
        }
    }
}

void scavenge_capability_mut_lists(Capability *cap)
{
    for (uint32_t g = N + 1; g < RtsFlags.GcFlags.generations; g++) {
        bdescr *list = cap->saved_mut_lists[g];
        if (gc_chaos() && list != NULL && chaos_coin(2))
            chaos_pause_upto(2000);     /* start this root scan late */
        if (gc_chaos()) {
            chaos_scavenge_mut_list(list, g);
        } else {
            for (bdescr *bd = list; bd != NULL; bd = bd->link)
                for (StgPtr q = bd->start; q < bd->free; q++)
                    scavenge_mut_list_entry((StgClosure *)*q, g);
        }
        if (list != NULL)
            freeChain_lock(list);
        cap->saved_mut_lists[g] = NULL;
    }
}
