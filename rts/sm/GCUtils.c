/* GCUtils.c — to-space blocks for GC threads and the shared work queue.
 *
 * Offers: alloc_todo_block, todo_block_full, push_scanned_block, the work
 * queue and the running-thread count used for termination, and the GC's
 * race-window amplifier (Note [GC chaos mode]) with its counters, among
 * them the census of MVar queues around minor GCs (Note [MVar queue
 * census]).
 * Must not depend on: the scheduler, the debugger.
 */
#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include "GCUtils.h"
#include "GC.h"

/* Note [Sharing work between GC threads]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Each GC thread copies into its own todo blocks and scavenges them itself.
 * A todo block that fills up while it still holds unscanned objects is
 * closed (bd->free is final from then on) and pushed on one shared queue,
 * unless its owner is scavenging it right now (gct->scan_bd == bd), in
 * which case the owner simply scans on to bd->free.  Any GC thread may take
 * a queued block and scavenge it; everything in it was written before the
 * push, and the queue's mutex orders those writes before the taker's reads.
 * A block therefore has exactly one scanner at any time.
 */

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static bdescr *work_queue_hd;
static bdescr *work_queue_tl;
static atomic_uint work_queue_len;
static atomic_uint gc_running_threads;

void init_work_queue(void)
{
    work_queue_hd = work_queue_tl = NULL;
    atomic_store(&work_queue_len, 0);
}

void push_work_block(bdescr *bd)
{
    /* chaos mode: half of the blocks go to the front, to be taken first
     * (newest work first, as GHC's owner end of a work-stealing deque) */
    bool front = gc_chaos() && chaos_coin(2);

    bd->link = NULL;
    pthread_mutex_lock(&work_lock);
    if (work_queue_tl == NULL) {
        work_queue_hd = work_queue_tl = bd;
    } else if (front) {
        bd->link = work_queue_hd;
        work_queue_hd = bd;
    } else {
        work_queue_tl->link = bd;
        work_queue_tl = bd;
    }
    atomic_fetch_add(&work_queue_len, 1);
    pthread_mutex_unlock(&work_lock);
}

bdescr *grab_work_block(void)
{
    bdescr *bd;
    if (atomic_load_explicit(&work_queue_len, memory_order_relaxed) == 0)
        return NULL;
    pthread_mutex_lock(&work_lock);
    bd = work_queue_hd;
    if (bd != NULL) {
        work_queue_hd = bd->link;
        if (work_queue_hd == NULL)
            work_queue_tl = NULL;
        bd->link = NULL;
        atomic_fetch_sub(&work_queue_len, 1);
    }
    pthread_mutex_unlock(&work_lock);
    return bd;
}

bool any_work(void)
{
    return atomic_load(&work_queue_len) != 0;
}

/* Note [Termination of parallel scavenging]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * gc_running_threads counts the GC threads that may still create work.  A
 * thread decrements it only after it found its own workspaces fully
 * scanned and the shared queue empty; while idle it watches the queue and
 * re-increments before taking work.  Work is only ever pushed by a running
 * thread, so once the count reaches zero the queue is empty and stays
 * empty: every thread that sees zero may stop (GHC's scavenge_until_all_done).
 */
void set_running_gc_threads(uint32_t n) { atomic_store(&gc_running_threads, n); }
void inc_running(void) { atomic_fetch_add(&gc_running_threads, 1); }
uint32_t dec_running(void) { return atomic_fetch_sub(&gc_running_threads, 1) - 1; }
uint32_t running_gc_threads(void) { return atomic_load(&gc_running_threads); }

/* A fresh to-space block for ws: flagged BF_EVACUATED so that evacuate
 * leaves objects already copied alone, owned by ws's generation, and with
 * survivors of the next GC going to gen->to (aging in gen 0). */
StgPtr alloc_todo_block(gen_workspace *ws, uint32_t size)
{
    bdescr *bd;
    W_ blocks = (size + BLOCK_SIZE_W - 1) / BLOCK_SIZE_W;

    bd = blocks <= 1 ? allocBlock_lock() : allocGroup_lock(blocks);
    initBdescr(bd, ws->gen, ws->gen->to);
    bd->flags = BF_EVACUATED;
    bd->gc_thread = (uint16_t)ws->my_gct->thread_index;   /* who made a copy: Evac.c's race events */
    bd->free = bd->start;
    bd->u.scan = bd->start;
    bd->link = NULL;

    ws->todo_bd = bd;
    ws->todo_free = bd->start;
    ws->todo_lim = bd->start + (W_)(blocks ? blocks : 1) * BLOCK_SIZE_W;
    return ws->todo_free;
}

void push_scanned_block(bdescr *bd, gen_workspace *ws)
{
    bd->link = ws->scavd_list;
    ws->scavd_list = bd;
    ws->n_scavd_blocks += bd->blocks;
    ws->n_scavd_words += (W_)(bd->free - bd->start);
}

/* See Note [Sharing work between GC threads]. */
StgPtr todo_block_full(uint32_t size, gen_workspace *ws)
{
    bdescr *bd = ws->todo_bd;
    StgPtr p;

    /* The caller bumped todo_free past todo_lim: undo that, close the block. */
    ws->todo_free -= size;
    bd->free = ws->todo_free;

    if (bd != gct->scan_bd && bd != chaos_held_scan_bd) {
        if (bd->u.scan < bd->free)
            push_work_block(bd);
        else
            push_scanned_block(bd, ws);
    }
    /* else: we are scavenging bd right now (or chaos mode interrupted our
     * scavenge of it: chaos_scavenge_after_lost_race) and will file it
     * when done. */

    p = alloc_todo_block(ws, size);
    ws->todo_free = p + size;
    return p;
}

/* Note [GC chaos mode]
 * ~~~~~~~~~~~~~~~~~~~~
 * A race between GC threads needs two of them to reach one object within
 * the few nanoseconds between copy_tag's copy and its CAS, which on a
 * 2-core machine shared with other work happens a handful of times per
 * thousand collections (and the #18919 precondition needs one particular
 * such race: Note [How an interior node gets younger than its MVar] in
 * examples/mvar-repro.c).  +RTS --gc-chaos is this runtime's rr-chaos-mode
 * for the collector: a race-window amplifier that only changes *when* each
 * GC thread does its work, never *what* it does, so every state it
 * produces is one the unmodified collector can produce with unlucky
 * scheduling.  With it on, and only then:
 *   - copy_tag pauses between copying a mutable object and claiming it
 *     with the CAS, so another thread evacuating the same object can win
 *     meanwhile: half of the copies pause 0-99 us (or sched_yield once),
 *     and every promoted copy (eager promotion lifting the object above
 *     its own destination) pauses 0-999 us — a thread can be descheduled
 *     at any instruction, and the promoted copies are the ones whose loss
 *     leaves an old copy behind;
 *   - a thread that *loses* the CAS scavenges its own pending to-space
 *     work at once, its losing copy included (chaos_scavenge_after_lost_
 *     race).  If it was scavenging a block, that scan is held: the block
 *     is not shared meanwhile (chaos_held_scan_bd, todo_block_full) and
 *     the scan goes on afterwards with its state restored;
 *   - each GC thread walks each block of its mut lists forwards or
 *     backwards (a coin per block), and after half of the entries
 *     scavenges the work it has copied so far before going on; three
 *     times in four it scavenges the mutable containers on the list
 *     (MVAR, MUT_VAR, TSO entries) in a second pass after the others;
 *     half of the root scans of the mut lists start up to 2 ms late;
 *   - half of the blocks pushed on the shared work queue go to its front
 *     (newest work taken first, as at the owner's end of GHC's deques).
 * The collector is correct in any order of mut-list entries and of
 * scavenging to-space (each object is scavenged once, or again with the
 * same result), whatever the timing: none of this writes a header or a
 * generation by hand.
 * Off by default; the seed makes the random choices repeatable, not the
 * outcome (that still depends on the OS scheduler).  Seed 0 perturbs
 * nothing and only counts: the collector as it is.  At exit chaos mode
 * prints how many copies lost their CAS (chaos_report), which is how the
 * natural rate of the race was measured.
 */
__thread bdescr *chaos_held_scan_bd;
static __thread uint64_t chaos_state;
static __thread uint64_t chaos_gc = UINT64_MAX;

uint32_t chaos_rand(void)
{
    if (chaos_gc != gc_count) {
        /* a new collection: reseed (splitmix64 of seed, thread, GC number) */
        uint64_t z = RtsFlags.DebugFlags.gc_chaos_seed * 0x9E3779B97F4A7C15ULL
                   + (gct ? gct->thread_index : 0) * 0xBF58476D1CE4E5B9ULL + gc_count;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        chaos_state = (z ^ (z >> 31)) | 1;
        chaos_gc = gc_count;
    }
    /* xorshift64* */
    chaos_state ^= chaos_state >> 12;
    chaos_state ^= chaos_state << 25;
    chaos_state ^= chaos_state >> 27;
    return (uint32_t)((chaos_state * 0x2545F4914F6CDD1DULL) >> 32);
}

void chaos_pause(void)
{
    chaos_pause_upto(100);
}

void chaos_pause_upto(uint32_t max_us)
{
    uint32_t r = chaos_rand();
    struct timespec t0, t;
    long ns = (long)(r % max_us) * 1000;    /* 0..max_us-1 us */

    if (r % 5 == 0) {
        sched_yield();
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        __builtin_ia32_pause();
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < ns);
}

/* ---- counting lost races (reported at exit in chaos mode) ---- */

static atomic_ulong lost_races, lost_queue_races, lost_queue_older;

void chaos_count_lost_race(uint32_t type, bool loser_older)
{
    atomic_fetch_add_explicit(&lost_races, 1, memory_order_relaxed);
    if (type == MVAR_TSO_QUEUE) {
        atomic_fetch_add_explicit(&lost_queue_races, 1, memory_order_relaxed);
        if (loser_older)
            atomic_fetch_add_explicit(&lost_queue_older, 1, memory_order_relaxed);
    }
}

void chaos_report(FILE *f)
{
    fprintf(f, "gc-chaos: seed %lu: %lu GCs, %lu lost copy races, %lu on MVAR_TSO_QUEUE nodes "
            "(%lu with the losing copy in an older generation)\n",
            (unsigned long)RtsFlags.DebugFlags.gc_chaos_seed, (unsigned long)gc_count,
            atomic_load(&lost_races), atomic_load(&lost_queue_races),
            atomic_load(&lost_queue_older));
}

/* ---- the MVar queue census (counting mode) ---- */

/* Note [MVar queue census]
 * ~~~~~~~~~~~~~~~~~~~~~~~~
 * The #18919 precondition (Note [How an interior node gets younger than
 * its MVar], examples/mvar-repro.c) can only come out of a minor GC that
 * finds, in an old MVar's queue, an old node X (on a mut list since its
 * link was written) followed by two nursery nodes Y and Z, and in which
 * two *different* GC threads reach Y at once: one through X (eager
 * promotion: an old copy), the other through Y's thread (no eager
 * promotion: a young copy), the young copy winning and the old loser
 * lifting Z.  Each GC thread scavenges its own capability's mut lists,
 * so when Y's thread is old (a long-lived worker) the race needs X and
 * Y's TSO to have been recorded on *different* capabilities' mut lists.
 *
 * Under +RTS --gc-chaos (any seed; 0 perturbs nothing) the leader counts,
 * before each minor GC, the old MVars on mut lists, those with >= 3
 * queued threads, those with such an X Y Z and where Y's TSO was
 * recorded; after the GC, what became of each X Y Z (MVar CLEAN/DIRTY,
 * generations of X, Y, Z) and how often an MVar was left with the
 * precondition (CLEAN; head and tail as old as the MVar; a younger
 * interior node), with the depth of that node in the queue: putMVar must
 * pop that many nodes, before any new taker dirties the MVar and before
 * the next GC promotes the node, for the bug to show.  The world is
 * stopped; the census only reads the heap.  chaos_census_report prints
 * the totals at exit (examples/pipeline's soak shows them).
 */
#define CENSUS_MAX_MVARS 64
#define CENSUS_MAX_QUEUE 64

static struct {
    unsigned long gcs, mvars, q3, xyz, tso_same_cap, tso_other_cap, tso_unrecorded, tso_young;
    unsigned long after[2][2][2][2];    /* [MVar CLEAN][X old][Y old][Z old] */
    unsigned long precondition, depth[3];
} census;

/* The MVars looked at before this GC (a minor GC does not move them) and
 * the X of their X Y Z (NULL: none). */
static StgMVar *census_mvar[CENSUS_MAX_MVARS];
static StgMVarTSOQueue *census_x[CENSUS_MAX_MVARS];
static int census_n;

static unsigned census_gen(const void *p)
{
    return HEAP_ALLOCED(p) ? Bdescr(p)->gen_no : 99;
}

static bool census_nursery(const void *p)
{
    return HEAP_ALLOCED(p) && (Bdescr(p)->flags & BF_NURSERY);
}

/* The capability whose mut list for generation g holds p, or -1. */
static int mut_list_cap(const void *p, uint32_t g)
{
    for (uint32_t i = 0; i < n_capabilities; i++)
        for (bdescr *bd = capabilities[i]->mut_lists[g]; bd != NULL; bd = bd->link)
            for (StgPtr q = bd->start; q < bd->free; q++)
                if ((const void *)*q == p)
                    return (int)i;
    return -1;
}

/* m's queue into q[] (bounded); returns its length.  Stops at anything
 * that is not a queue node: under --inject=mvar-no-dirty without -DS the
 * head may dangle, and the census must not be the one to trip over it. */
static int census_queue(StgMVar *m, StgMVarTSOQueue **q)
{
    int n = 0;
    for (StgMVarTSOQueue *p = m->head; p != END_TSO_QUEUE && n < CENSUS_MAX_QUEUE; p = p->link) {
        if (!HEAP_ALLOCED(p) || ((StgWord)p & 7) != 0 || p->header.info != &stg_MVAR_TSO_QUEUE_info)
            break;
        q[n++] = p;
    }
    return n;
}

/* One old MVar before the GC: its X (NULL: no X Y Z in its queue). */
static StgMVarTSOQueue *census_before(StgMVar *m)
{
    StgMVarTSOQueue *q[CENSUS_MAX_QUEUE];
    int n = census_queue(m, q);

    census.mvars++;
    if (n < 3)
        return NULL;
    census.q3++;
    for (int k = 0; k + 2 < n; k++) {
        if (census_gen(q[k]) == 0 || !census_nursery(q[k + 1]) || !census_nursery(q[k + 2]))
            continue;
        StgTSO *ty = q[k + 1]->tso;
        census.xyz++;
        if (census_gen(ty) == 0) {
            census.tso_young++;
        } else {
            int cy = mut_list_cap(ty, census_gen(ty));
            if (cy < 0)
                census.tso_unrecorded++;
            else if (cy == mut_list_cap(q[k], census_gen(q[k])))
                census.tso_same_cap++;
            else
                census.tso_other_cap++;
        }
        return q[k];
    }
    return NULL;
}

void chaos_census_before_gc(void)
{
    census.gcs++;
    census_n = 0;
    for (uint32_t g = 1; g < RtsFlags.GcFlags.generations; g++)
        for (uint32_t i = 0; i < n_capabilities; i++)
            for (bdescr *bd = capabilities[i]->mut_lists[g]; bd != NULL; bd = bd->link)
                for (StgPtr p = bd->start; p < bd->free; p++) {
                    StgClosure *c = (StgClosure *)*p;
                    uint32_t type = c->header.info->type;
                    int s = 0;
                    if (type != MVAR_CLEAN && type != MVAR_DIRTY)
                        continue;
                    while (s < census_n && census_mvar[s] != (StgMVar *)c)
                        s++;
                    if (s < census_n || census_n == CENSUS_MAX_MVARS)
                        continue;       /* seen already (or too many to follow) */
                    census_mvar[census_n] = (StgMVar *)c;
                    census_x[census_n++] = census_before((StgMVar *)c);
                }
}

void chaos_census_after_gc(void)
{
    for (int i = 0; i < census_n; i++) {
        StgMVar *m = census_mvar[i];
        StgMVarTSOQueue *x = census_x[i], *q[CENSUS_MAX_QUEUE];
        bool clean = m->header.info == &stg_MVAR_CLEAN_info;
        unsigned g = census_gen(m);
        int n;

        n = census_queue(m, q);
        for (int k = 0; x != NULL && k + 2 < n; k++)
            if (q[k] == x) {
                census.after[clean][census_gen(x) > 0][census_gen(q[k + 1]) > 0]
                            [census_gen(q[k + 2]) > 0]++;
                break;
            }
        if (!clean || n < 3 || census_gen(q[0]) < g || census_gen(m->tail) < g)
            continue;
        for (int k = 1; k + 1 < n; k++)
            if (census_gen(q[k]) < g) {
                census.precondition++;
                census.depth[k < 3 ? k - 1 : 2]++;
                break;
            }
    }
    census_n = 0;
}

void chaos_census_report(FILE *f)
{
    fprintf(f, "gc-chaos: census of %lu minor GCs: %lu old MVars on mut lists, %lu with >= 3 queued "
            "threads, %lu with an old node X before two nursery nodes Y Z; Y's thread recorded on "
            "X's capability's mut list %lu, on another's %lu, on none %lu, young %lu\n",
            census.gcs, census.mvars, census.q3, census.xyz, census.tso_same_cap,
            census.tso_other_cap, census.tso_unrecorded, census.tso_young);
    fprintf(f, "gc-chaos: each X Y Z after its GC (MVar, generations of X Y Z: 1 old, 0 young):");
    for (int i = 0; i < 16; i++) {
        unsigned long c = census.after[i >> 3][i >> 2 & 1][i >> 1 & 1][i & 1];
        if (c > 0)
            fprintf(f, " %s %d%d%d: %lu;", i >> 3 ? "CLEAN" : "DIRTY", i >> 2 & 1, i >> 1 & 1,
                    i & 1, c);
    }
    fprintf(f, "\ngc-chaos: the #18919 precondition (a CLEAN old MVar, head and tail as old, a "
            "younger interior node) %lu times, that node at queue position 1: %lu, 2: %lu, 3+: %lu\n",
            census.precondition, census.depth[0], census.depth[1], census.depth[2]);
    /* How often threads changed capability: Y's TSO lands on another
     * capability's mut list than X only if its thread moved between its
     * first run after a GC and its block (Note [Dirtying the thread about to
     * run] in rts/Schedule.h). */
    fprintf(f, "gc-chaos: threads run / stolen per capability:");
    for (uint32_t i = 0; i < n_capabilities; i++)
        fprintf(f, " %u: %lu / %lu;", i, (unsigned long)capabilities[i]->n_threads_run,
                (unsigned long)capabilities[i]->n_threads_stolen);
    fprintf(f, "\n");
}
