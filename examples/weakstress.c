/* weakstress — many threads creating weak pointers and dropping them.
 *
 *     weakstress [threads] [rounds] [seed] +RTS -N2 -A64k -DS -RTS
 *
 * Each worker thread, every round: makes a batch of weaks on fresh data
 * (a C finalizer and a closure finalizer each), stores every weak in a
 * shared array as well (so that a weak is reachable both from its weak
 * list and from an ordinary object, as in GHC #18919's seed), drops its
 * keys every few rounds, and forks a short-lived thread that makes a weak
 * on its own TSO (rts_mkWeakThreadId) with a C finalizer and stores it in
 * the shared array too.  At the end everything is dropped and the program
 * collects until every finalizer has run; it prints the counts and checks
 * that each finalizer ran exactly once (exit status 1 otherwise).
 *
 * With +RTS -N2 -A64k -DS --inject=weak-race the pre-fix sanity check
 * stops the run on a stale copy of a WEAK (Note [Racing weak pointer
 * evacuation] in rts/sm/Sanity.c); by default the runs are clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rts.h"

RTS_DEFINE_CONSTR(Datum, 0, 1)          /* a serial number */

#define BATCH 32
#define SHARED_SLOTS 4096

static unsigned n_threads = 8, n_rounds = 100, seed0 = 1;
static unsigned max_weaks, n_weaks, n_tso_weaks;
static unsigned *c_ran, *k_ran;          /* per serial: finalizer runs */
static unsigned char *has_closure_fin;   /* per serial: 1 for data weaks */

static void c_finalizer(void *ptr) { __atomic_fetch_add((unsigned *)ptr, 1, __ATOMIC_SEQ_CST); }

static void closure_finalizer(StgClosure *env)
{
    __atomic_fetch_add(&k_ran[rts_constr_word(env, 0)], 1, __ATOMIC_SEQ_CST);
}

static StgClosure *datum(StgWord v)
{
    StgClosure *d = rts_alloc_constr(&Datum_con_info);
    rts_constr_set_word(d, 0, v);
    return d;
}

static unsigned new_serial(void)
{
    unsigned s = __atomic_fetch_add(&n_weaks, 1, __ATOMIC_SEQ_CST);
    if (s >= max_weaks) {
        fprintf(stderr, "weakstress: more than %u weaks (internal limit)\n", max_weaks);
        exit(2);
    }
    return s;
}

/* Store weak w in a random slot of the shared array (frame slot 0). */
static void share(RtsFrame f, StgClosure *w, unsigned *seed)
{
    StgClosure *arr = rts_get(f, 0);
    rts_array_write(arr, rand_r(seed) % rts_array_length(arr), w);
}

/* A thread that makes a weak on its own TSO and finishes. */
static void tso_thread(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    RtsFrame f = rts_fork_frame();          /* 0: shared array */
    RtsFrame g = rts_frame_push(1);
    unsigned s = new_serial();
    __atomic_fetch_add(&n_tso_weaks, 1, __ATOMIC_SEQ_CST);
    rts_set(g, 0, (StgClosure *)rts_mkWeakThreadId());
    rts_addCFinalizer((StgWeak *)rts_get(g, 0), c_finalizer, &c_ran[s]);
    share(f, rts_get(g, 0), &seed);
    rts_frame_pop(g);
}

static void worker(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg, seed = seed0 * 7919u + me;
    RtsFrame f = rts_fork_frame();          /* 0: shared array */
    RtsFrame keys = rts_frame_push(1);
    rts_set(keys, 0, rts_new_array(BATCH, NULL));

    for (unsigned r = 0; r < n_rounds; r++) {
        for (unsigned b = 0; b < BATCH; b++) {
            unsigned s = new_serial();
            RtsFrame g = rts_frame_push(3);     /* weak, value, env */
            has_closure_fin[s] = 1;
            rts_array_write(rts_get(keys, 0), b, datum(s));
            rts_set(g, 1, datum(s));
            rts_set(g, 2, datum(s));
            rts_set(g, 0, (StgClosure *)rts_mkWeak(rts_array_read(rts_get(keys, 0), b),
                                                   rts_get(g, 1), closure_finalizer, rts_get(g, 2)));
            rts_addCFinalizer((StgWeak *)rts_get(g, 0), c_finalizer, &c_ran[s]);
            share(f, rts_get(g, 0), &seed);
            rts_frame_pop(g);
        }
        if (rand_r(&seed) % 3 == 0)         /* drop this batch's keys */
            for (unsigned b = 0; b < BATCH; b++)
                rts_array_write(rts_get(keys, 0), b, NULL);
        StgClosure *arr = rts_get(f, 0);
        rts_fork_with(tso_thread, (void *)(uintptr_t)rand_r(&seed), 1, &arr);
    }
    rts_frame_pop(keys);
}

static unsigned parse(const char *s, const char *what)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v == 0 || v > 100000) {
        fprintf(stderr, "weakstress: bad %s '%s' (a number from 1 to 100000)\n", what, s);
        exit(1);
    }
    return (unsigned)v;
}

static int weakstress_main(int argc, char **argv)
{
    if (argc > 4) {
        fprintf(stderr, "usage: weakstress [threads] [rounds] [seed] [+RTS flags -RTS]\n");
        return 1;
    }
    if (argc > 1) n_threads = parse(argv[1], "thread count");
    if (argc > 2) n_rounds = parse(argv[2], "round count");
    if (argc > 3) seed0 = parse(argv[3], "seed");
    max_weaks = n_threads * n_rounds * (BATCH + 1);
    c_ran = calloc(max_weaks, sizeof *c_ran);
    k_ran = calloc(max_weaks, sizeof *k_ran);
    has_closure_fin = calloc(max_weaks, 1);
    rts_ThreadId *ids = calloc(n_threads, sizeof *ids);
    if (!c_ran || !k_ran || !has_closure_fin || !ids) {
        fprintf(stderr, "weakstress: out of memory\n");
        return 1;
    }

    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_array(SHARED_SLOTS, NULL));
    for (unsigned i = 0; i < n_threads; i++) {
        StgClosure *arr = rts_get(f, 0);
        ids[i] = rts_fork_with(worker, (void *)(uintptr_t)i, 1, &arr);
    }
    for (unsigned i = 0; i < n_threads; i++)
        rts_join(ids[i]);
    rts_set(f, 0, NULL);

    /* Collect until every finalizer has run (bounded: 20 s). */
    unsigned c = 0, k = 0, want_k = 0, twice = 0;
    for (unsigned i = 0; i < n_weaks; i++)
        want_k += has_closure_fin[i];
    for (int tries = 0; tries < 2000; tries++) {
        rts_gc(true);
        rts_safepoint();                    /* starts the closure finalizers */
        for (int y = 0; y < 10; y++)
            rts_yield();
        c = k = twice = 0;
        for (unsigned i = 0; i < n_weaks; i++) {
            c += c_ran[i] != 0;
            k += k_ran[i] != 0;
            twice += c_ran[i] > 1 || k_ran[i] > 1;
        }
        if (twice || (c == n_weaks && k == want_k))
            break;
        usleep(10000);
    }
    rts_frame_pop(f);
    printf("weakstress: %u weaks (%u on threads): C finalizers ran for %u, closure finalizers for %u of %u\n",
           n_weaks, n_tso_weaks, c, k, want_k);
    if (twice) {
        printf("weakstress: FAIL: %u finalizers ran more than once\n", twice);
        return 1;
    }
    if (c != n_weaks || k != want_k) {
        printf("weakstress: FAIL: %u C and %u closure finalizers never ran\n", n_weaks - c, want_k - k);
        return 1;
    }
    printf("weakstress: every finalizer ran exactly once\n");
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, weakstress_main);
}
