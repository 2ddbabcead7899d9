/* mvar-repro.c — GHC #18919 on this runtime: a CLEAN MVar in an old
 * generation whose queue has an interior node in a younger generation,
 * then putMVar pops the head.
 *
 *   mvar-repro [ROUNDS [MVARS]] +RTS -N2 -G3 [--gc-chaos[=SEED]] [-DS]
 *              [--inject=mvar-no-dirty] -RTS
 *
 * Each round builds MVARS queues of three blocked takers under the exact
 * conditions in which the precondition can arise (see Note [How an interior
 * node gets younger than its MVar]), collects, and looks at every queue.
 * When one has the precondition it says so, shows the queue with the
 * generation of every node, and pops its head with putMVar:
 *   - fixed runtime: the pop dirties the MVar; the program goes on clean;
 *   - --inject=mvar-no-dirty -DS: the next GC's sanity check names the MVar;
 *   - --inject=mvar-no-dirty: the next minor GC moves the young node and the
 *     MVar keeps pointing at its old copy; the following putMVar pops that
 *     dangling node ("blocked mismatch", as in the seed) or crashes.
 * Exit status: 0 done (clean), 77 the precondition never arose in ROUNDS
 * rounds (nothing was shown), anything else: the bug was caught.
 * Written against the public header only (rts.h gives object layouts and
 * Bdescr, which is how a debugging program reads generations).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rts.h"

/* Note [How an interior node gets younger than its MVar]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The GC marks an MVar CLEAN only when head, tail and value are at least as
 * old as the MVar.  Queue nodes are appended at the tail, so along the queue
 * they are created oldest first, and plain aging keeps their generations
 * non-increasing.  The only way a node gets *older* than its age is eager
 * promotion: the GC lifts an object into the generation of the object it
 * was reached from — but MVars and TSOs are scavenged with eager promotion
 * off (as in GHC), and queue nodes only point at the next node.  So the
 * tail can be lifted above an interior node only by its predecessor — that
 * interior node itself, while it was old.  With one GC thread this never
 * happens: no sequence of blocking, readers (queued at the head: they make
 * the head young, never the interior), -G3 aging, minor and major
 * collections builds the state of #18919.  Running this program with -N1
 * checks that claim: it never finds the precondition.
 *
 * With several GC threads it can (reference §1.4, and Ben Gamari's note that
 * the WEAK race was found while chasing this bug): two GC threads evacuate
 * the same node B at once, one from its predecessor A (old, on a mut list:
 * eager, into A's generation) and one from B's TSO (no eager: young).  The
 * young copy wins the CAS; the old loser copy is unreachable but is
 * scavenged like any other to-space object, and lifts B's successor C (the
 * tail) into the old generation.  A keeps pointing at the young B (A stays
 * on its mut list, correctly).  The MVar sees head A and tail C old: CLEAN.
 * Interior B is young.  That is the seed's precondition, made by the real
 * collector, and it is what this program waits for: each round builds many
 * queues A -> B -> C with A old and recorded, B and C fresh, their threads
 * young, and runs a parallel minor GC; then it inspects every queue.  It
 * needs +RTS -N2 (two GC threads) and luck; it never forges the state.
 */

/* Note [Who reaches B first]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Session 2 measured why the race of the Note above does not happen here.
 * +RTS --gc-chaos=0 counts lost copy races without perturbing anything,
 * and this program prints the shapes the minor GC left when it gives up.
 *   - The GC leader copies every thread of the collected generations
 *     (mark_threads, newest first) and scavenges them; the other GC thread
 *     scans its capability's mut list, where the takers blocked.  The
 *     losing-copy race on B needs the leader's scavenge of B's TSO to fall
 *     between the worker's copy of B (from A) and its CAS: a few ns.
 *     Natural rate: 2-6 lost races on queue nodes per 40 rounds of 256
 *     queues, none with the loser in the older generation.
 *   - Even then C must be copied first from the loser's copy of B, but the
 *     mut list holds the MVar (recorded when B blocked) *before* A, and
 *     scanning the MVar copies its tail C young at once.  Every queue ends
 *     as A old, C young, MVar DIRTY ("100 DIRTY" / "110 DIRTY").
 * +RTS --gc-chaos (Note [GC chaos mode] in rts/sm/GCUtils.c) widens the
 * window (pauses between copy and CAS), walks mut-list blocks in either
 * direction (A before its MVar) and scavenges a thread's own copies
 * between entries (a loser's B would lift C before the MVar is looked at).
 * Measured with it: 24 losing copies of a queue node in an older
 * generation in 400 rounds, "111 CLEAN" queues (all old) — but in none of
 * them was C still uncopied, so the precondition was still not reached.
 * It only reorders the collector's own steps and forges nothing.
 *
 * Session 2 (R2) gave chaos mode the orders that were missing, each legal
 * for any collector: a thread that loses a copy CAS scavenges its own
 * pending to-space at once (the losing old copy of B lifts C before
 * anybody copies C young); MVARs (and MUT_VARs, TSOs) on a mut list are
 * scavenged after its other entries; promoted copies pause up to 1 ms
 * before their CAS; half of the shared work blocks are taken newest
 * first (the leader copies the TSOs newest first, C's before B's, so
 * taking the newest block first scans B's TSOs before C's).  The minor
 * GC then leaves "1101 CLEAN" queues (MVar and A gen 1, B gen 0, C gen
 * 1: the precondition).  Measured, 200 rounds of 256 MVars, +RTS -N2
 * -G3 -DS --gc-chaos=SEED --inject=mvar-no-dirty: caught with each of
 * seeds 1-11, at rounds 0-192 (median 18; ~0.2 s a round, 40 s at worst), the sanity check naming the MVar ("MVAR_CLEAN ... (gen 1,
 * clean) field head: old-to-young pointer (gen 1 -> gen 0)").  Without
 * the injection the same runs reach it and end clean (status 0); without
 * --gc-chaos nothing changed (status 77).  The shapes above counted only
 * A B C; they now print the MVar's generation first.
 *
 * Session 3: the pipeline (examples/pipeline) does not get here, with or
 * without chaos mode; its workers are old threads, and Y's thread and X
 * are recorded on the same capability's mut list, so one GC thread takes
 * both routes to the node (Note [Why the pipeline does not reach #18919
 * here] in examples/pipeline/pipeline.c, counted by Note [MVar queue
 * census] in rts/sm/GCUtils.c).  This program's takers are young threads,
 * which the GC leader reaches through the thread lists while the other GC
 * thread scans A's mut list: two threads, two routes.
 */

#define TAKERS 3

static int mvars = 256;

static unsigned gen_of(const void *p)
{
    return HEAP_ALLOCED(p) ? Bdescr(p)->gen_no : 99;    /* 99: static */
}

static StgClosure *token(void);

/* A taker: blocks on the MVar in its fork frame. */
static void taker(void *arg)
{
    (void)arg;
    rts_takeMVar((StgMVar *)rts_get(rts_fork_frame(), 0));
}

/* Nodes in m's queue (bounded walk). */
static int queue_length(StgMVar *m)
{
    int n = 0;
    for (StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE && n < 64; q = q->link) n++;
    return n;
}

/* Fork one taker on every MVar of the array in root slot 0 of f, and wait
 * until every queue holds `expect` nodes (with -N2 the takers run on the
 * other capability, so yielding once is not enough). */
static void fork_takers(RtsFrame f, rts_ThreadId *tids, int expect)
{
    for (int i = 0; i < mvars; i++) {
        StgClosure *v[1] = { rts_array_read(rts_get(f, 0), (StgWord)i) };
        tids[i] = rts_fork_with(taker, NULL, 1, v);
    }
    for (long spin = 0; spin < 1000000; spin++) {
        int i = 0;
        while (i < mvars && queue_length((StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i)) >= expect)
            i++;
        if (i == mvars) return;
        rts_yield();
    }
    fprintf(stderr, "mvar-repro: takers did not block (scheduler stuck?)\n");
    exit(2);
}

/* The precondition on m: old, CLEAN, head and tail as old as m, and an
 * interior node younger than m. */
static StgMVarTSOQueue *young_interior(StgMVar *m)
{
    unsigned g = gen_of(m);
    if (g == 0 || m->header.info != &stg_MVAR_CLEAN_info) return NULL;
    if (m->head == END_TSO_QUEUE || gen_of(m->head) < g || gen_of(m->tail) < g) return NULL;
    int n = 0;
    for (StgMVarTSOQueue *q = m->head->link; q != END_TSO_QUEUE && q != m->tail && n < 16;
         q = q->link, n++) {
        if (gen_of(q) < g) return q;
    }
    return NULL;
}

/* How the minor GCs left every MVar M and the first three nodes A -> B -> C
 * of its queue: [gen M][gen A][gen B][gen C][clean], printed when the precondition was not
 * reached (what the collector did instead). */
static long shapes[3][3][3][3][2];

static void count_shapes(RtsFrame f)
{
    for (int i = 0; i < mvars; i++) {
        StgMVar *m = (StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i);
        StgMVarTSOQueue *a = m->head, *b, *c;
        if (a == END_TSO_QUEUE || (b = a->link) == END_TSO_QUEUE || (c = b->link) == END_TSO_QUEUE)
            continue;
        unsigned gm = gen_of(m), ga = gen_of(a), gb = gen_of(b), gc = gen_of(c);
        if (gm < 3 && ga < 3 && gb < 3 && gc < 3)
            shapes[gm][ga][gb][gc][m->header.info == &stg_MVAR_CLEAN_info]++;
    }
}

static void print_shapes(void)
{
    printf("mvar-repro: queues after the minor GC (generations of M A B C, MVar state: count):");
    for (int x = 0; x < 162; x++) {
        long n = shapes[x / 54][x / 18 % 3][x / 6 % 3][x / 2 % 3][x % 2];
        if (n > 0)
            printf(" %d%d%d%d %s: %ld;", x / 54, x / 18 % 3, x / 6 % 3, x / 2 % 3,
                   x % 2 ? "CLEAN" : "DIRTY", n);
    }
    printf("\n");
}

static void show_queue(const char *when, StgMVar *m)
{
    printf("mvar-repro: %s: MVar %p gen %u %s, queue:", when, (void *)m, gen_of(m),
           m->header.info == &stg_MVAR_CLEAN_info ? "CLEAN" :
           m->header.info == &stg_MVAR_DIRTY_info ? "DIRTY" : "?");
    int n = 0;
    for (StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE && n < 8; q = q->link, n++)
        printf(" %p@%u", (void *)q, gen_of(q));
    printf(" END\n");
    fflush(stdout);
}

static StgClosure *token(void)
{
    return (StgClosure *)rts_newMVar();       /* any closure will do as a value */
}

/* Give every MVar one value per taker (MVar `done` already had `done_puts`)
 * and join all takers. */
static void release_all(RtsFrame f, rts_ThreadId *tids, int done, int done_puts)
{
    for (int k = 0; k < TAKERS; k++) {
        for (int i = 0; i < mvars; i++) {
            if (i == done && k < done_puts) continue;
            StgClosure *v = token();
            rts_putMVar((StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i), v);
        }
    }
    for (int i = 0; i < mvars * TAKERS; i++) rts_join(tids[i]);
}

static int repro_main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    if (argc > 2) mvars = (int)strtol(argv[2], NULL, 10);
    if (rounds <= 0 || mvars <= 0 || mvars > 100000 || argc > 3) {
        fprintf(stderr, "usage: mvar-repro [ROUNDS [MVARS]] +RTS -N2 -G3 [--gc-chaos] [-DS] [--inject=mvar-no-dirty]\n");
        return 1;
    }
    if (rts_getNumCapabilities() < 2)
        printf("mvar-repro: note: with one GC thread the precondition cannot arise (+RTS -N2)\n");
    rts_ThreadId *tids = malloc(sizeof *tids * (size_t)mvars * TAKERS);
    if (!tids) return 1;
    RtsFrame f = rts_frame_push(1);
    for (long r = 0; r < rounds; r++) {
        /* 1. fresh MVars, each with one blocked taker A; a major GC puts
         *    MVars, nodes and threads in the oldest generation, CLEAN */
        rts_set(f, 0, rts_new_array((StgWord)mvars, NULL));
        for (int i = 0; i < mvars; i++) {
            StgClosure *m = (StgClosure *)rts_newMVar();
            rts_array_write(rts_get(f, 0), (StgWord)i, m);
        }
        fork_takers(f, tids, 1);
        for (unsigned g = 99; g != gen_of(rts_array_read(rts_get(f, 0), 0)); ) {
            g = gen_of(rts_array_read(rts_get(f, 0), 0));
            rts_gc(true);                       /* objects age one generation per GC */
        }
        /* 2. B and C block behind A: A.link is written (A recorded on the
         *    mut list of its generation), B, C and their threads are young
         *    (Note [Who reaches B first]) */
        fork_takers(f, tids + mvars, 2);
        fork_takers(f, tids + 2 * mvars, 3);
        /* 3. a parallel minor GC: the race of the Note may leave B young */
        rts_gc(false);
        count_shapes(f);
        /* 4. look for the precondition */
        for (int i = 0; i < mvars; i++) {
            StgMVar *m = (StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i);
            StgMVarTSOQueue *b = young_interior(m);
            if (b == NULL) continue;
            printf("mvar-repro: round %ld: precondition reached: interior node %p gen %u < MVar gen %u\n",
                   r, (void *)b, gen_of(b), gen_of(m));
            show_queue("before putMVar", m);
            StgClosure *v = token();
            m = (StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i);
            rts_putMVar(m, v);                      /* pops A: head = B */
            m = (StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i);
            show_queue("after putMVar", m);
            rts_gc(false);                          /* B moves (and -DS checks) */
            m = (StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i);
            show_queue("after a minor GC", m);
            v = token();
            m = (StgMVar *)rts_array_read(rts_get(f, 0), (StgWord)i);
            rts_putMVar(m, v);                      /* pops B (dangling if the bug is on) */
            release_all(f, tids, i, 2);
            printf("mvar-repro: clean: the MVar was dirtied and its queue followed B\n");
            rts_frame_pop(f);
            free(tids);
            return 0;
        }
        release_all(f, tids, -1, 0);
    }
    rts_frame_pop(f);
    free(tids);
    print_shapes();
    printf("mvar-repro: precondition not reached in %ld rounds of %d MVars "
           "(see Note [How an interior node gets younger than its MVar])\n", rounds, mvars);
    return 77;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, repro_main);
}
