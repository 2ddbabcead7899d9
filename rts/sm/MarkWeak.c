/* MarkWeak.c — weak pointers during GC: which weaks live, which die.
 *
 * Offers collectFreshWeakPtrs, markWeakPtrList and traverseWeakPtrList
 * (MarkWeak.h).  Finalizers are run by Weak.c once the dead weaks are known.
 *
 * Must not depend on: the scheduler, the debugger.
 */
#include <sched.h>
#include "MarkWeak.h"
#include "Evac.h"
#include "Scav.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "Weak.h"

/* Note [Weak pointer traversal]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A weak pointer keeps its value and finalizer alive exactly as long as its
 * key is reachable without going through weak pointers (GHC's semantics).
 * The generic scavenger follows only a WEAK's cfinalizers field
 * (Closures.h), so the collector decides about key, value and finalizer
 * here, by iterating to a fixpoint:
 *
 *  1. markWeakPtrList evacuates the WEAK objects themselves, so that the
 *     list can be walked after the GC, and moves each collected
 *     generation's weak_ptr_list to old_weak_ptr_list.
 *  2. After each round of scavenging, tidyWeakList looks at each weak still
 *     on an old list.  If its key has been reached (isAlive), the weak is
 *     live: its value, key, finalizer and cfinalizers are evacuated (with
 *     the weak's generation as the target, recording the weak on a mut list
 *     if one stays younger), and it moves to the weak_ptr_list of the
 *     generation it now lives in.  A value may make another weak's key
 *     reachable, so when anything moved we scavenge again and repeat.
 *  3. When a pass moves nothing, every weak left on the old lists is dead.
 *     collectDeadWeakPtrs evacuates what its finalizers need (the
 *     finalizer closure; the value too when there are C finalizers, as
 *     GHC) and chains it on dead_weak_ptr_list; one last round scavenges
 *     that.
 *  4. The final call finds everything scavenged: each dead weak becomes
 *     DEAD_WEAK (so that nothing runs its finalizers twice and the sanity
 *     checker no longer looks at its stale key), its C finalizers run and
 *     its closure finalizer is queued (Note [When finalizers run], Weak.c).
 *
 * A weak killed by rts_finalizeWeak is already DEAD_WEAK and is dropped
 * from the lists in step 2.  Weaks of generations older than N are not
 * traversed: they are strong during a minor GC (their young fields are
 * reached through the mut list, scavenge_one scanning the whole WEAK).
 * Threads are roots for as long as they are on a thread list, so GHC's
 * WeakThreads stage (resurrecting unreachable blocked threads) has nothing
 * to do here: a weak keyed on a TSO dies once its thread has finished and
 * nothing else refers to the TSO.
 */

static StgWeak *dead_weak_ptr_list;
static enum { WeakPtrs, WeakDone } weak_stage;

void collectFreshWeakPtrs(void)
{
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *cap = capabilities[i];
        if (cap->weak_ptr_list_hd != NULL) {
            cap->weak_ptr_list_tl->link = g0->weak_ptr_list;
            g0->weak_ptr_list = cap->weak_ptr_list_hd;
            cap->weak_ptr_list_hd = cap->weak_ptr_list_tl = NULL;
        }
    }
}

/* Under --inject=weak-race: wait (a bounded time) until some other GC
 * thread is scavenging, so that the window of Note [Racing weak pointer
 * evacuation] (Sanity.c) is open when the leader starts copying weaks.
 * This only widens the race; it exists without the wait. */
static void widen_weak_race(void)
{
    for (int spins = 0; spins < 2000; spins++) {
        for (uint32_t i = 0; i < n_gc_threads; i++)
            if (gc_threads[i] != gct
                && __atomic_load_n(&gc_threads[i]->wakeup, __ATOMIC_ACQUIRE) == GC_THREAD_RUNNING)
                return;
        sched_yield();
    }
}

void markWeakPtrList(void)
{
    if (rts_injected(INJECT_WEAK_RACE) && n_gc_threads > 1)
        widen_weak_race();

    gct->evac_gen_no = 0;
    for (uint32_t g = 0; g <= N; g++) {
        generation *gen = &generations[g];
        /* rewrite the chain to the copies as we go (GHC's markWeakPtrList) */
        for (StgWeak **last_w = &gen->weak_ptr_list; *last_w != NULL;) {
            evacuate((StgClosure **)last_w);
            last_w = &(*last_w)->link;
        }
        gen->old_weak_ptr_list = gen->weak_ptr_list;    /* GHC's initWeakForGC */
        gen->weak_ptr_list = NULL;
    }
    dead_weak_ptr_list = NULL;
    weak_stage = WeakPtrs;
}

/* The to-space address of p if it survives this GC, NULL if it has not
 * been reached (GHC's isAlive).  Only valid between rounds of scavenging. */
static StgClosure *isAlive(StgClosure *p)
{
    for (;;) {
        const StgInfoTable *info;
        bdescr *bd;

        if (!HEAP_ALLOCED(p))
            return p;                   /* static: always alive */
        bd = Bdescr(p);
        if (bd->gen_no > N || (bd->flags & BF_EVACUATED))
            return p;                   /* not collected, or already in to-space */
        if (bd->flags & BF_LARGE)
            return NULL;                /* large and not evacuated */
        info = p->header.info;
        if (IS_FORWARDING_PTR(info))
            return (StgClosure *)UN_FORWARDING_PTR(info);
        if (info->type == IND) {
            p = ((StgInd *)p)->indirectee;
            continue;
        }
        return NULL;
    }
}

/* A live weak's fields (GHC's scavengeLiveWeak). */
static void scavengeLiveWeak(StgWeak *w)
{
    evacuate(&w->value);
    evacuate(&w->key);
    evacuate(&w->finalizer);
    evacuate(&w->cfinalizers);
}

/* Step 2 of Note [Weak pointer traversal] for one generation's old list;
 * true if some weak turned out to be alive. */
static bool tidyWeakList(generation *gen)
{
    bool flag = false;
    StgWeak **last_w = &gen->old_weak_ptr_list, *w, *next;

    for (w = *last_w; w != NULL; w = next) {
        StgClosure *key;
        next = w->link;
        if (w->header.info == &stg_DEAD_WEAK_info) {
            *last_w = next;             /* finalized by rts_finalizeWeak */
            continue;
        }
        if (w->header.info != &stg_WEAK_info)
            barf("tidyWeakList: %p on the weak list of gen %u is not a WEAK", (void *)w, gen->no);
        key = isAlive(w->key);
        if (key == NULL) {
            last_w = &w->link;
            continue;
        }
        w->key = key;
        *last_w = next;
        flag = true;

        uint32_t new_gen = Bdescr(w)->gen_no;
        gct->evac_gen_no = new_gen;
        gct->failed_to_evac = false;
        scavengeLiveWeak(w);
        if (gct->failed_to_evac && new_gen > 0)
            recordMutableGen_GC((StgClosure *)w, new_gen);
        gct->failed_to_evac = false;
        gct->evac_gen_no = 0;

        w->link = generations[new_gen].weak_ptr_list;
        generations[new_gen].weak_ptr_list = w;
    }
    return flag;
}

/* Step 3: the weaks left on the old lists are dead. */
static void collectDeadWeakPtrs(void)
{
    gct->evac_gen_no = 0;
    for (uint32_t g = 0; g <= N; g++) {
        generation *gen = &generations[g];
        StgWeak *w, *next;
        for (w = gen->old_weak_ptr_list; w != NULL; w = next) {
            next = w->link;
            if (w->cfinalizers != NULL)
                evacuate(&w->value);
            evacuate(&w->finalizer);
            w->link = dead_weak_ptr_list;
            dead_weak_ptr_list = w;
        }
        gen->old_weak_ptr_list = NULL;
    }
}

/* Step 4: kill the dead weaks and start their finalizers. */
static void scheduleFinalizers(void)
{
    StgWeak *w, *next;
    for (w = dead_weak_ptr_list; w != NULL; w = next) {
        next = w->link;
        weakDied(w, gct->thread_index);
        w->header.info = &stg_DEAD_WEAK_info;
        runCFinalizers(w->cfinalizers);
        if (w->finalizer != NULL)
            queueFinalizer(w->finalizer);
    }
    dead_weak_ptr_list = NULL;
}

bool traverseWeakPtrList(void)
{
    bool flag = false;

    if (weak_stage == WeakDone) {
        scheduleFinalizers();
        return false;
    }
    for (uint32_t g = 0; g <= N; g++)
        if (tidyWeakList(&generations[g]))
            flag = true;
    if (flag)
        return true;
    collectDeadWeakPtrs();
    weak_stage = WeakDone;
    return true;                        /* scavenge what the dead weaks keep */
}
