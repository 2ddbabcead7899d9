/* GC.c — GarbageCollect: the collector's top level, and its GC threads.
 *
 * Offers GarbageCollect, gcWorkerThread, exitGC and the roots registry
 * (GC.h).  The order of a collection follows GHC's (reference §2.1):
 * choose N, sanity check, prepare from-space, wake the GC threads, mark the
 * roots, scavenge to a fixpoint, rebuild the thread and weak lists, free
 * from-space, reset the nurseries, sanity check, statistics.
 *
 * Must not depend on: the scheduler's internals, the debugger.
 */
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include "GC.h"
#include "GCThread.h"
#include "GCUtils.h"
#include "Evac.h"
#include "Scav.h"
#include "MarkWeak.h"
#include "Sanity.h"
#include "Stats.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "FlightRecorder.h"
#include "WatchTable.h"

__thread gc_thread *gct;
uint32_t N;
bool major_gc;
uint32_t n_gc_threads;
gc_thread **gc_threads;
uint64_t gc_count;

/* ---- roots registry ---- */

#define MAX_ROOT_FNS 32
static gc_roots_fn root_fns[MAX_ROOT_FNS];
static uint32_t n_root_fns;

void registerGcRoots(gc_roots_fn mark)
{
    for (uint32_t i = 0; i < n_root_fns; i++)
        if (root_fns[i] == mark)
            return;
    if (n_root_fns == MAX_ROOT_FNS)
        barf("registerGcRoots: more than %d root marking functions", MAX_ROOT_FNS);
    root_fns[n_root_fns++] = mark;
}

/* The evac_fn handed to root marking functions: a root has no generation
 * of its own, so anything may stay young. */
static void mark_root(void *user, StgClosure **root)
{
    (void)user;
    gct->evac_gen_no = 0;
    evacuate(root);
}

/* ---- GC threads ---- */

/* Note [GC threads are the capabilities' OS threads]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * There is one GC thread per capability (gc_threads[i], its workspaces,
 * its flight-recorder ring gcRing(i)).  While the scheduler runs, the OS
 * thread holding capability i *is* GC thread i, as in GHC: the collection
 * starts with the scheduler stopping the world (stopTheWorld in
 * Schedule.c), and each stopped capability's OS thread, instead of merely
 * waiting, calls gcWorkerThread(cap).  A capability that was asleep (idle)
 * is woken by the sync and takes part like the others: every capability's
 * mut lists and nursery are its own GC thread's first work.
 *
 * A worker may arrive before the leader has prepared the collection
 * (from-space, workspaces, the work queue), so it first waits for the
 * leader's go: gc_started reaching the number of this collection
 * (gc_count + 1; gc_count is stable while the world is stopped, since the
 * previous collection finished before its sync ended).  Then it works,
 * reports WAITING_TO_CONTINUE (Note [GC worker hand-shake]) and returns
 * to the scheduler, which holds it until the sync is over.
 *
 * Before the scheduler starts (unit tests that call GarbageCollect
 * directly, start-up) and after it stops, there are no capability threads
 * to borrow, so the GC falls back to worker pthreads of its own, started
 * at the first parallel collection and parked between collections.  The
 * scheduler says which regime holds with gcWorkersAreCapabilities().
 */
static bool workers_are_capabilities;
static uint64_t gc_started;             /* collections whose workers may start */

void gcWorkersAreCapabilities(bool yes)
{
    workers_are_capabilities = yes;
}

static pthread_mutex_t gc_wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc_wake_cond = PTHREAD_COND_INITIALIZER;
static uint64_t gc_wake_epoch;          /* bumped to start a collection */
static Capability *gc_leader;
static bool gc_exiting;
static pthread_t *gc_workers;           /* [n_capabilities] */
static bool *gc_worker_started;
static uint32_t *initial_max_blocks;    /* storage's max_blocks, our lower bound */

static void *gc_worker_main(void *arg)
{
    Capability *cap = arg;
    uint64_t seen = 0;

    for (;;) {
        pthread_mutex_lock(&gc_wake_lock);
        while (gc_wake_epoch == seen && !gc_exiting)
            pthread_cond_wait(&gc_wake_cond, &gc_wake_lock);
        seen = gc_wake_epoch;
        bool exiting = gc_exiting, lead = gc_leader == cap;
        pthread_mutex_unlock(&gc_wake_lock);
        if (exiting)
            return NULL;
        if (!lead)
            gcWorkerThread(cap);
    }
}

/* One gc_thread per capability, created at the first collection. */
static void initGcThreads(void)
{
    uint32_t G = RtsFlags.GcFlags.generations;

    if (gc_threads != NULL)
        return;
    gc_threads = calloc(n_capabilities, sizeof(gc_thread *));
    gc_workers = calloc(n_capabilities, sizeof(pthread_t));
    gc_worker_started = calloc(n_capabilities, sizeof(bool));
    initial_max_blocks = calloc(G, sizeof(uint32_t));
    if (!gc_threads || !gc_workers || !gc_worker_started || !initial_max_blocks)
        barf("initGcThreads: out of memory");

    for (uint32_t i = 0; i < n_capabilities; i++) {
        gc_thread *t = aligned_alloc(64, (sizeof(gc_thread) + 63) & ~(size_t)63);
        size_t wsz = G * sizeof(gen_workspace);
        if (t == NULL)
            barf("initGcThreads: out of memory");
        memset(t, 0, sizeof(*t));
        t->cap = capabilities[i];
        t->thread_index = i;
        t->gens = aligned_alloc(64, (wsz + 63) & ~(size_t)63);
        if (t->gens == NULL)
            barf("initGcThreads: out of memory");
        memset(t->gens, 0, wsz);
        for (uint32_t g = 0; g < G; g++) {
            t->gens[g].gen = &generations[g];
            t->gens[g].my_gct = t;
        }
        gc_threads[i] = t;
        capabilities[i]->gct = t;
    }
    for (uint32_t g = 0; g < G; g++)
        initial_max_blocks[g] = generations[g].max_blocks;
}

/* Worker pthreads for every capability but the leader (started once,
 * parked on gc_wake_cond between collections). */
static void startGcWorkers(Capability *leader)
{
    for (uint32_t i = 0; i < n_capabilities; i++) {
        if (capabilities[i] == leader || gc_worker_started[i])
            continue;
        if (pthread_create(&gc_workers[i], NULL, gc_worker_main, capabilities[i]) != 0)
            barf("GarbageCollect: cannot start GC worker thread %u", i);
        gc_worker_started[i] = true;
    }
}

void exitGC(void)
{
    if (gc_chaos_count()) {
        chaos_report(stderr);           /* Note [GC chaos mode], GCUtils.c */
        chaos_census_report(stderr);
    }
    if (gc_workers == NULL)
        return;
    pthread_mutex_lock(&gc_wake_lock);
    gc_exiting = true;
    pthread_cond_broadcast(&gc_wake_cond);
    pthread_mutex_unlock(&gc_wake_lock);
    for (uint32_t i = 0; i < n_capabilities; i++)
        if (gc_worker_started[i]) {
            pthread_join(gc_workers[i], NULL);
            gc_worker_started[i] = false;
        }
}

/* Note [GC worker hand-shake]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The leader sets every worker's wakeup to STANDING_BY and bumps
 * gc_wake_epoch; each worker does its share, then records its statistics
 * (stat_endGCWorker writes gc_end_cpu) and only then stores
 * WAITING_TO_CONTINUE with release ordering.  The leader waits for that
 * state with acquire loads before it reads any worker's statistics or
 * workspaces, so it always sees this collection's gc_end_cpu.
 *
 * GHC 8.10.2 stored the state before calling stat_endGCWorker (reference
 * §1.7); the leader could then sum a stale gc_end_cpu from the previous GC
 * with a fresh gc_start_cpu and trip the assertion in stat_gcThreadsDone.
 * +RTS --inject=stats-race restores that order.
 */
/* A capability's OS thread, stopped for a collection: wait for the
 * leader's go (Note [GC threads are the capabilities' OS threads]). */
static void wait_for_gc_start(void)
{
    uint64_t this_gc = __atomic_load_n(&gc_count, __ATOMIC_ACQUIRE) + 1;
    for (uint32_t spins = 0; spins < 4096; spins++) {
        if (__atomic_load_n(&gc_started, __ATOMIC_ACQUIRE) >= this_gc)
            return;
        __builtin_ia32_pause();
    }
    pthread_mutex_lock(&gc_wake_lock);
    while (__atomic_load_n(&gc_started, __ATOMIC_ACQUIRE) < this_gc)
        pthread_cond_wait(&gc_wake_cond, &gc_wake_lock);
    pthread_mutex_unlock(&gc_wake_lock);
}

void gcWorkerThread(Capability *cap)
{
    if (workers_are_capabilities)
        wait_for_gc_start();
    gct = cap->gct;
    __atomic_store_n(&gct->wakeup, GC_THREAD_RUNNING, __ATOMIC_RELAXED);
    stat_startGCWorker(cap, gct);

    scavenge_capability_mut_lists(cap);
    scavenge_until_all_done();

    if (rts_injected(INJECT_STATS_RACE)) {
        /* GHC 8.10.2's order.  The yield stands for the worker being
         * descheduled inside the window (in GHC a debugTrace sat there), so
         * that the race shows up within a few GCs instead of once a day. */
        __atomic_store_n(&gct->wakeup, GC_THREAD_WAITING_TO_CONTINUE, __ATOMIC_SEQ_CST);
        sched_yield();
        stat_endGCWorker(cap, gct);
    } else {
        stat_endGCWorker(cap, gct);
        __atomic_store_n(&gct->wakeup, GC_THREAD_WAITING_TO_CONTINUE, __ATOMIC_RELEASE);
    }
    gct = NULL;     /* this OS thread is a mutator again */
}

/* Let the other GC threads start: the capabilities' OS threads waiting in
 * gcWorkerThread, or our own worker pthreads. */
static void wakeup_gc_threads(Capability *leader)
{
    for (uint32_t i = 0; i < n_gc_threads; i++)
        if (capabilities[i] != leader)
            __atomic_store_n(&gc_threads[i]->wakeup, GC_THREAD_STANDING_BY, __ATOMIC_RELAXED);
    pthread_mutex_lock(&gc_wake_lock);
    gc_leader = leader;
    if (workers_are_capabilities)
        __atomic_store_n(&gc_started, gc_count + 1, __ATOMIC_RELEASE);
    else
        gc_wake_epoch++;
    pthread_cond_broadcast(&gc_wake_cond);
    pthread_mutex_unlock(&gc_wake_lock);
}

/* Wait until every worker has said "done" (spinning briefly first: the
 * others usually finish within microseconds of the leader). */
static void shutdown_gc_threads(Capability *leader)
{
    for (uint32_t i = 0; i < n_gc_threads; i++) {
        uint32_t spins = 0;
        if (capabilities[i] == leader)
            continue;
        while (__atomic_load_n(&gc_threads[i]->wakeup, __ATOMIC_ACQUIRE)
               != GC_THREAD_WAITING_TO_CONTINUE) {
            if (++spins < 4096)
                __builtin_ia32_pause();
            else
                sched_yield();
        }
    }
}

/* ---- preparing and finishing generations ---- */

static bool is_end(StgTSO *t)
{
    return t == NULL || t == (StgTSO *)END_TSO_QUEUE;
}

/* Full pinned blocks join g0's large objects so that the GC retains or
 * frees them whole (GHC's collect_pinned_object_blocks).  Our storage
 * manager already puts every pinned block on g0->large_objects when it
 * creates it (Note [Pinned blocks] in Storage.c), so this only matters for
 * blocks parked on cap->pinned_object_blocks. */
static void collect_pinned_object_blocks(void)
{
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *cap = capabilities[i];
        bdescr *bd, *next;
        for (bd = cap->pinned_object_blocks; bd != NULL; bd = next) {
            next = bd->link;
            bd->flags &= ~BF_EVACUATED;
            bd->u.back = NULL;
            bd->link = g0->large_objects;
            if (g0->large_objects != NULL)
                g0->large_objects->u.back = bd;
            g0->large_objects = bd;
            g0->n_large_blocks += bd->blocks;
            g0->n_large_words += (W_)(bd->free - bd->start);
        }
        cap->pinned_object_blocks = NULL;
    }
}

static bdescr *new_mut_list(void)
{
    bdescr *bd = allocBlock_lock();
    bd->free = bd->start;
    bd->link = NULL;
    return bd;
}

/* Generation g will be collected: its blocks become from-space. */
static void prepare_collected_gen(generation *gen)
{
    bdescr *bd;

    gen->old_blocks = gen->blocks;
    gen->n_old_blocks = gen->n_blocks;
    gen->blocks = NULL;
    gen->n_blocks = 0;
    gen->n_words = 0;
    for (bd = gen->old_blocks; bd != NULL; bd = bd->link)
        bd->flags &= ~BF_EVACUATED;
    for (bd = gen->large_objects; bd != NULL; bd = bd->link)
        bd->flags &= ~BF_EVACUATED;
    gen->scavenged_large_objects = NULL;
    gen->n_scavenged_large_blocks = 0;
    gen->old_threads = gen->threads;
    gen->threads = (StgTSO *)END_TSO_QUEUE;

    /* Its objects are all scavenged, so its mut lists are not needed. */
    if (gen->no > 0) {
        for (uint32_t i = 0; i < n_capabilities; i++) {
            if (capabilities[i]->mut_lists[gen->no] != NULL)
                freeChain_lock(capabilities[i]->mut_lists[gen->no]);
            capabilities[i]->mut_lists[gen->no] = new_mut_list();
        }
    }
}

/* Generation g is not collected: its mut lists are roots. */
static void prepare_uncollected_gen(generation *gen)
{
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *cap = capabilities[i];
        cap->saved_mut_lists[gen->no] = cap->mut_lists[gen->no];
        cap->mut_lists[gen->no] = new_mut_list();
    }
    gen->scavenged_large_objects = NULL;
    gen->n_scavenged_large_blocks = 0;
}

/* Each GC thread starts with an empty todo block per generation. */
static void init_gc_thread(gc_thread *t)
{
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++) {
        gen_workspace *ws = &t->gens[g];
        ws->scavd_list = NULL;
        ws->n_scavd_blocks = 0;
        ws->n_scavd_words = 0;
        ws->part_list = NULL;
        ws->n_part_blocks = 0;
        ws->n_part_words = 0;
        ws->todo_large_objects = NULL;
        ws->scavd_large_objects = NULL;
        ws->n_scavd_large_blocks = 0;
        ws->n_scavd_large_words = 0;
        alloc_todo_block(ws, 0);
    }
    t->scan_bd = NULL;
    t->evac_gen_no = 0;
    t->failed_to_evac = false;
    t->eager_promotion = true;
    t->copied = 0;
    t->scanned = 0;
    t->any_work = 0;
    t->no_work = 0;
}

static void add_block_to_gen(generation *gen, bdescr *bd)
{
    bd->link = gen->blocks;
    gen->blocks = bd;
    gen->n_blocks += bd->blocks;
    gen->n_words += (W_)(bd->free - bd->start);
}

static void add_large_to_gen(generation *gen, bdescr *bd)
{
    bd->u.back = NULL;
    bd->link = gen->large_objects;
    if (gen->large_objects != NULL)
        gen->large_objects->u.back = bd;
    gen->large_objects = bd;
    gen->n_large_blocks += bd->blocks;
    gen->n_large_words += (W_)(bd->free - bd->start);
}

/* Hand every GC thread's to-space blocks to their generations. */
static void collect_workspaces(void)
{
    for (uint32_t i = 0; i < n_gc_threads; i++) {
        for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++) {
            gen_workspace *ws = &gc_threads[i]->gens[g];
            bdescr *bd, *next;

            if (ws->todo_bd != NULL) {
                bd = ws->todo_bd;
                bd->free = ws->todo_free;
                if (bd->free == bd->start)
                    freeGroup_lock(bd);
                else
                    add_block_to_gen(ws->gen, bd);
                ws->todo_bd = NULL;
                ws->todo_free = ws->todo_lim = NULL;
            }
            for (bd = ws->scavd_list; bd != NULL; bd = next) {
                next = bd->link;
                add_block_to_gen(ws->gen, bd);
            }
            ws->scavd_list = NULL;
            for (bd = ws->scavd_large_objects; bd != NULL; bd = next) {
                next = bd->link;
                add_large_to_gen(ws->gen, bd);
            }
            ws->scavd_large_objects = NULL;
        }
    }
}

/* The roots of the threads: every thread of a collected generation (they
 * are all alive until the scheduler can tell otherwise). */
static void mark_threads(void)
{
    gct->evac_gen_no = 0;
    for (uint32_t g = 0; g <= N; g++) {
        for (StgTSO *t = generations[g].old_threads; !is_end(t); t = t->global_link) {
            StgClosure *c = (StgClosure *)t;
            evacuate(&c);           /* the from-space original keeps its global_link */
        }
    }
}

/* Rebuild generations[g].threads for the collected generations: each
 * surviving TSO joins the list of the generation it now lives in. */
static void tidyThreadList(void)
{
    for (uint32_t g = 0; g <= N; g++) {
        StgTSO *t = generations[g].old_threads, *next;
        for (; !is_end(t); t = next) {
            const StgInfoTable *info = t->header.info;
            StgTSO *copy = IS_FORWARDING_PTR(info) ? (StgTSO *)UN_FORWARDING_PTR(info) : t;
            generation *to = &generations[Bdescr(copy)->gen_no];
            next = t->global_link;
            copy->global_link = to->threads;
            to->threads = copy;
        }
        generations[g].old_threads = (StgTSO *)END_TSO_QUEUE;
    }
}

/* Each capability's pointers to threads and messages. */
static void markCapabilities(void)
{
    gct->evac_gen_no = 0;
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *cap = capabilities[i];
        evacuate((StgClosure **)&cap->current_tso);
        evacuate((StgClosure **)&cap->run_queue_hd);
        evacuate((StgClosure **)&cap->run_queue_tl);
        evacuate((StgClosure **)&cap->inbox);
    }
}

/* The oldest generation to collect: collect_gen, or older when a
 * generation outgrew its max_blocks, or all when forced. */
static uint32_t choose_N(uint32_t collect_gen, bool force_major)
{
    uint32_t G = RtsFlags.GcFlags.generations, n = collect_gen;

    if (force_major || n >= G)
        return G - 1;
    for (uint32_t g = G - 1; g > n; g--) {
        generation *gen = &generations[g];
        if (gen->n_blocks + gen->n_large_blocks >= gen->max_blocks) {
            n = g;
            break;
        }
    }
    return n;
}

/* After GC: an old generation may grow to twice its live size (at least
 * what storage configured) before it is collected again. */
static void resize_generations(void)
{
    for (uint32_t g = 1; g <= N; g++) {
        generation *gen = &generations[g];
        uint32_t live = gen->n_blocks + gen->n_large_blocks;
        uint32_t want = live * 2;
        gen->max_blocks = want > initial_max_blocks[g] ? want : initial_max_blocks[g];
    }
}

static W_ live_words(void)
{
    W_ w = 0;
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++)
        w += generations[g].n_words + generations[g].n_large_words;
    return w;
}

/* Did the object at p survive this GC?  (For watches of kind "free":
 * called after scavenging, before from-space is freed.) */
static bool survived_gc(const void *p)
{
    if (!HEAP_ALLOCED(p))
        return true;
    bdescr *bd = Bdescr(p);
    if (bd->gen_no > N || (bd->flags & BF_EVACUATED))
        return true;
    return IS_FORWARDING_PTR(((const StgClosure *)p)->header.info);
}

void GarbageCollect(Capability *cap, uint32_t collect_gen, bool force_major)
{
    uint32_t G = RtsFlags.GcFlags.generations;

    initGcThreads();
    n_gc_threads = n_capabilities;
    gct = cap->gct;
    stat_startGC(cap, gct);

    N = choose_N(collect_gen, force_major);
    major_gc = (N == G - 1);
    if (traceEnabled(EVCAT_GC))
        traceEvent(capRing(cap->no), EVENT_GC_START, N, gc_count, n_gc_threads, 0);

    collectFreshWeakPtrs();
    collect_pinned_object_blocks();
    if (RtsFlags.DebugFlags.sanity)
        checkSanity(false, major_gc);
    if (gc_chaos_count() && N == 0)
        chaos_census_before_gc();        /* Note [MVar queue census], GCUtils.c */

    for (uint32_t g = 0; g < G; g++) {
        if (g <= N)
            prepare_collected_gen(&generations[g]);
        else
            prepare_uncollected_gen(&generations[g]);
    }
    for (uint32_t i = 0; i < n_gc_threads; i++)
        init_gc_thread(gc_threads[i]);
    init_work_queue();
    set_running_gc_threads(n_gc_threads);

    if (n_gc_threads > 1) {
        if (!workers_are_capabilities)
            startGcWorkers(cap);
        wakeup_gc_threads(cap);
    }

    /* The leader's share: roots, then scavenging with everyone else. */
    stat_startGCWorker(cap, gct);
    if (n_gc_threads > 1) {
        scavenge_capability_mut_lists(cap);
    } else {
        for (uint32_t i = 0; i < n_capabilities; i++)
            scavenge_capability_mut_lists(capabilities[i]);
    }
    markCapabilities();
    mark_threads();
    for (uint32_t i = 0; i < n_root_fns; i++)
        root_fns[i](mark_root, NULL);
    markWeakPtrList();

    scavenge_until_all_done();
    while (traverseWeakPtrList()) {
        /* more rounds are the leader's alone: the workers have finished */
        set_running_gc_threads(1);
        scavenge_until_all_done();
    }

    stat_endGCWorker(cap, gct);
    if (n_gc_threads > 1)
        shutdown_gc_threads(cap);
    stat_gcThreadsDone(n_gc_threads);

    /* Everything live is in to-space now. */
    if (watchActive())
        watchAfterGC(survived_gc, (uint32_t)gc_count);
    tidyThreadList();
    for (uint32_t g = 0; g <= N; g++) {
        generation *gen = &generations[g];
        bdescr *bd, *next;
        if (gen->old_blocks != NULL)
            freeChain_lock(gen->old_blocks);
        gen->old_blocks = NULL;
        gen->n_old_blocks = 0;
        for (bd = gen->large_objects; bd != NULL; bd = next) {
            next = bd->link;
            freeGroup_lock(bd);     /* not evacuated: dead */
        }
        gen->large_objects = NULL;
        gen->n_large_blocks = 0;
        gen->n_large_words = 0;
        gen->collections++;
        if (n_gc_threads > 1)
            gen->par_collections++;
    }
    g0->n_new_large_words = 0;
    collect_workspaces();
    if (gc_chaos_count() && N == 0)
        chaos_census_after_gc();
    resize_generations();
    resetNurseries();
    gc_count++;

    if (RtsFlags.DebugFlags.sanity)
        checkSanity(true, major_gc);

    if (traceEnabled(EVCAT_GC)) {
        W_ copied = 0;
        for (uint32_t i = 0; i < n_gc_threads; i++)
            copied += gc_threads[i]->copied;
        traceEvent(capRing(cap->no), EVENT_GC_END, N, gc_count - 1, copied * sizeof(W_), 0);
    }
    stat_endGC(cap, gct, N, live_words(), n_gc_threads);
    gct = NULL;
}
