/* test_weak.c — weak pointers and finalizers (rts/Weak.c, rts/sm/MarkWeak.c):
 * GHC's liveness rules (the value lives only while the key does, a key
 * reachable only through another weak's value, a value that refers to its
 * own key, weaks in an old generation during a minor GC), finalizer order
 * and exactly-once, rts_finalizeWeak, rts_deRefWeak after death, weaks keyed
 * on a TSO, a parallel churn under -DS, and --inject=weak-race reproduced
 * by the sanity checker with a fixed seed and a bounded number of attempts.
 *
 * Each case runs in a child process (this program re-executed with
 * `case NAME +RTS flags -RTS`) so that it gets its own heap and flags.
 * Linked with librts_debug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "rts.h"
#include "RtsFlags.h"
#include "sm/Storage.h"
#include "run_child.h"
#include "check.h"

RTS_DEFINE_CONSTR(Cell, 1, 1)       /* next, value */



/* ---- finalizer bookkeeping (C memory: finalizers may not touch the heap) ---- */

#define MAX_EVENTS 64
static char events[MAX_EVENTS + 1];     /* one letter per finalizer run, in order */
static unsigned n_events;

static void record(char c)
{
    unsigned i = __atomic_fetch_add(&n_events, 1, __ATOMIC_SEQ_CST);
    if (i < MAX_EVENTS)
        events[i] = c;
}

static void c_fin(void *ptr) { record(*(const char *)ptr); }

/* closure finalizer: env is a Cell whose word is the letter to record */
static void closure_fin(StgClosure *env) { record((char)rts_constr_word(env, 0)); }

static StgClosure *cell(StgWord v)
{
    StgClosure *c = rts_alloc_constr(&Cell_con_info);
    rts_constr_set_word(c, 0, v);
    return c;
}

/* Give queued closure finalizers the chance to run (bounded). */
static void let_finalizers_run(unsigned want)
{
    rts_safepoint();
    rts_yield();
    for (int i = 0; i < 2000 && __atomic_load_n(&n_events, __ATOMIC_SEQ_CST) < want; i++) {
        rts_safepoint();
        rts_yield();
        if (i > 100)
            usleep(100);
    }
}

static const char A = 'a', B = 'b', C = 'c';

/* A weak keyed on rts_get(f, key_slot) whose value is a fresh Cell(value)
 * (none when value is 0) and whose closure finalizer, when fn is given,
 * gets a fresh Cell(letter) as env.  (Arguments are built first: a raw
 * pointer is stale after the next allocation.) */
static StgWeak *mk_weak(RtsFrame f, uint32_t key_slot, StgWord value, rts_Finalizer fn, char letter)
{
    RtsFrame g = rts_frame_push(2);
    if (value != 0)
        rts_set(g, 0, cell(value));
    if (fn != NULL)
        rts_set(g, 1, cell((StgWord)letter));
    StgWeak *w = rts_mkWeak(rts_get(f, key_slot), rts_get(g, 0), fn, rts_get(g, 1));
    rts_frame_pop(g);
    return w;
}

/* The value is kept alive by the weak alone while the key lives, and the
 * weak dies (all finalizers, once) in the first GC after the key does. */
static void case_basic(void)
{
    RtsFrame f = rts_frame_push(2);     /* 0: key, 1: weak */
    rts_set(f, 0, cell(1));
    rts_set(f, 1, (StgClosure *)mk_weak(f, 0, 42, closure_fin, 'z'));
    CHECK(rts_addCFinalizer((StgWeak *)rts_get(f, 1), c_fin, (void *)&A), "addCFinalizer");
    for (int i = 0; i < 6; i++) {
        rts_gc(i % 3 == 2);
        StgClosure *v = rts_deRefWeak((StgWeak *)rts_get(f, 1));
        CHECK(v != NULL && rts_constr_word(v, 0) == 42, "value lost after GC %d", i);
    }
    CHECK(n_events == 0, "a finalizer ran while the key was alive");

    rts_set(f, 0, NULL);                /* drop the key */
    rts_gc(true);
    CHECK(rts_deRefWeak((StgWeak *)rts_get(f, 1)) == NULL, "deRefWeak after death");
    CHECK(!rts_weakAlive((StgWeak *)rts_get(f, 1)), "weakAlive after death");
    CHECK(n_events == 1 && events[0] == 'a', "C finalizer at GC end: %u events", n_events);
    let_finalizers_run(2);
    CHECK(n_events == 2 && events[1] == 'z', "closure finalizer in a thread: %u events", n_events);
    CHECK(!rts_addCFinalizer((StgWeak *)rts_get(f, 1), c_fin, (void *)&B), "addCFinalizer on a dead weak");
    for (int i = 0; i < 3; i++)
        rts_gc(true);
    let_finalizers_run(3);
    CHECK(n_events == 2, "finalizers ran again: %u events", n_events);
    rts_frame_pop(f);
}

/* A weak does not keep its key alive through its own value. */
static void case_key_is_value(void)
{
    RtsFrame f = rts_frame_push(1);
    StgClosure *k = cell(7);
    rts_set(f, 0, (StgClosure *)rts_mkWeak(k, k, NULL, NULL));    /* no allocation in between */
    CHECK(rts_addCFinalizer((StgWeak *)rts_get(f, 0), c_fin, (void *)&A), "add");
    rts_gc(false);
    CHECK(rts_deRefWeak((StgWeak *)rts_get(f, 0)) == NULL, "a value that is its key kept it alive");
    CHECK(n_events == 1, "finalizer ran %u times", n_events);
    rts_frame_pop(f);
}

/* W1: key K1 (rooted), value K2.  W2: key K2, reachable only through W1's
 * value: W2 lives while K1 does (the fixpoint), and both die together. */
static void case_chain(void)
{
    RtsFrame f = rts_frame_push(4);     /* 0: K1, 1: W1, 2: W2, 3: K2 while building */
    rts_set(f, 0, cell(1));
    rts_set(f, 3, cell(2));
    rts_set(f, 2, (StgClosure *)mk_weak(f, 3, 22, NULL, 0));
    rts_set(f, 1, (StgClosure *)rts_mkWeak(rts_get(f, 0), rts_get(f, 3), NULL, NULL));
    rts_set(f, 3, NULL);
    CHECK(rts_addCFinalizer((StgWeak *)rts_get(f, 1), c_fin, (void *)&A), "add");
    CHECK(rts_addCFinalizer((StgWeak *)rts_get(f, 2), c_fin, (void *)&B), "add");
    for (int i = 0; i < 5; i++) {
        rts_gc(i % 2 == 1);
        StgClosure *v1 = rts_deRefWeak((StgWeak *)rts_get(f, 1));
        StgClosure *v2 = rts_deRefWeak((StgWeak *)rts_get(f, 2));
        CHECK(v1 != NULL && rts_constr_word(v1, 0) == 2, "W1's value after GC %d", i);
        CHECK(v2 != NULL && rts_constr_word(v2, 0) == 22, "W2 died though its key is W1's value (GC %d)", i);
        CHECK(v1 == ((StgWeak *)rts_get(f, 2))->key, "W2's key is not W1's value");
    }
    CHECK(n_events == 0, "%u finalizers ran early", n_events);
    rts_set(f, 0, NULL);
    rts_gc(true);
    CHECK(!rts_weakAlive((StgWeak *)rts_get(f, 1)) && !rts_weakAlive((StgWeak *)rts_get(f, 2)),
          "both die in the GC that loses K1");
    CHECK(n_events == 2, "%u finalizers", n_events);
    rts_frame_pop(f);
}

/* C finalizers of one weak run newest first, at the end of the GC and so
 * before the closure finalizer, which runs in a new thread afterwards. */
static void case_order(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 1, cell(0));
    rts_set(f, 0, (StgClosure *)mk_weak(f, 1, 0, closure_fin, 'z'));
    rts_set(f, 1, NULL);
    rts_addCFinalizer((StgWeak *)rts_get(f, 0), c_fin, (void *)&A);
    rts_addCFinalizer((StgWeak *)rts_get(f, 0), c_fin, (void *)&B);
    rts_addCFinalizer((StgWeak *)rts_get(f, 0), c_fin, (void *)&C);
    rts_gc(false);
    CHECK(n_events == 3 && memcmp(events, "cba", 3) == 0, "C finalizers: %.*s", (int)n_events, events);
    let_finalizers_run(4);
    CHECK(n_events == 4 && events[3] == 'z', "closure finalizer last: %.*s", (int)n_events, events);
    rts_frame_pop(f);
}

static rts_ThreadId fin_thread;
static void closure_fin_where(StgClosure *env)
{
    fin_thread = rts_myThreadId();
    closure_fin(env);
}

/* finalizeWeak runs everything now, in the caller, and only once. */
static void case_finalize(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, cell(5));
    rts_set(f, 1, (StgClosure *)mk_weak(f, 0, 6, closure_fin_where, 'z'));
    rts_addCFinalizer((StgWeak *)rts_get(f, 1), c_fin, (void *)&A);
    CHECK(rts_finalizeWeak((StgWeak *)rts_get(f, 1)), "finalizeWeak of a live weak");
    CHECK(n_events == 2 && memcmp(events, "az", 2) == 0, "finalizeWeak ran %.*s", (int)n_events, events);
    CHECK(rts_eqThreadId(fin_thread, rts_myThreadId()), "closure finalizer not run by the caller");
    CHECK(rts_deRefWeak((StgWeak *)rts_get(f, 1)) == NULL, "deRefWeak after finalizeWeak");
    CHECK(!rts_finalizeWeak((StgWeak *)rts_get(f, 1)), "second finalizeWeak");
    rts_gc(true);                       /* the DEAD_WEAK leaves the weak list */
    rts_set(f, 0, NULL);
    rts_gc(true);
    let_finalizers_run(3);
    CHECK(n_events == 2, "finalizers ran again after the key died: %u", n_events);
    CHECK(rts_get(f, 1)->header.info == &stg_DEAD_WEAK_info, "not DEAD_WEAK");
    rts_frame_pop(f);
}

/* A weak in an old generation is not traversed by a minor GC (it is
 * reached through its generation's lists), and its C finalizer list gets
 * the write barrier. */
static void case_old_gen(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, cell(1));
    rts_set(f, 1, (StgClosure *)mk_weak(f, 0, 11, NULL, 0));
    rts_gc(true);
    rts_gc(true);
    CHECK(Bdescr(rts_get(f, 1))->gen_no == RtsFlags.GcFlags.generations - 1, "weak not promoted");
    CHECK(rts_addCFinalizer((StgWeak *)rts_get(f, 1), c_fin, (void *)&A), "add to an old weak");
    rts_gc(false);                      /* -DS checks the old weak's young cfinalizers */
    rts_set(f, 0, NULL);
    rts_gc(false);                      /* minor: the old key is not collected */
    CHECK(rts_weakAlive((StgWeak *)rts_get(f, 1)), "old weak died in a minor GC");
    rts_gc(true);
    CHECK(!rts_weakAlive((StgWeak *)rts_get(f, 1)) && n_events == 1, "old weak after a major GC");
    rts_frame_pop(f);
}

/* ---- weaks keyed on TSOs ---- */

static rts_ThreadId child_id;
static void child(void *arg)
{
    (void)arg;
    StgWeak *w = rts_mkWeakThreadId();
    rts_write_mutvar(rts_get(rts_fork_frame(), 0), (StgClosure *)w);
    rts_addCFinalizer((StgWeak *)rts_read_mutvar(rts_get(rts_fork_frame(), 0)), c_fin, (void *)&C);
    child_id = rts_myThreadId();
    rts_gc(true);
    StgClosure *v = rts_deRefWeak((StgWeak *)rts_read_mutvar(rts_get(rts_fork_frame(), 0)));
    CHECK(v != NULL && rts_eqThreadId(rts_weakThreadId(v), rts_myThreadId()),
          "weak on a running thread's TSO");
}

static void case_tso(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_mkWeakThreadId());         /* on the main thread */
    rts_set(f, 1, rts_new_mutvar(NULL));
    StgClosure *mv = rts_get(f, 1);
    rts_ThreadId t = rts_fork_with(child, NULL, 1, &mv);
    CHECK(rts_join(t), "join");
    CHECK(rts_eqThreadId(child_id, t), "child id");
    StgWeak *w = (StgWeak *)rts_read_mutvar(rts_get(f, 1));
    CHECK(w != NULL && w->header.info == &stg_WEAK_info, "child's weak");
    CHECK(((StgWeak *)w)->key->header.info->type == TSO, "key is not a TSO");
    for (int i = 0; i < 4 && n_events == 0; i++)
        rts_gc(true);
    w = (StgWeak *)rts_read_mutvar(rts_get(f, 1));
    CHECK(!rts_weakAlive(w) && n_events == 1 && events[0] == 'c',
          "weak on a finished thread's TSO: alive %d, %u finalizers", rts_weakAlive(w), n_events);
    StgClosure *v = rts_deRefWeak((StgWeak *)rts_get(f, 0));
    CHECK(v != NULL && rts_eqThreadId(rts_weakThreadId(v), rts_myThreadId()),
          "weak on the running main thread died");
    rts_frame_pop(f);
}

/* ---- parallel churn: weaks reachable from the weak lists and from an array ---- */

#define CHURN_THREADS 4
#define CHURN_ROUNDS 40
#define CHURN_BATCH 64
#define CHURN_WEAKS (CHURN_THREADS * CHURN_ROUNDS * CHURN_BATCH)
static unsigned c_ran[CHURN_WEAKS], k_ran[CHURN_WEAKS];
static unsigned churn_seed = 12345;

static void churn_cfin(void *ptr) { __atomic_fetch_add((unsigned *)ptr, 1, __ATOMIC_SEQ_CST); }
static void churn_kfin(StgClosure *env)
{
    __atomic_fetch_add(&k_ran[rts_constr_word(env, 0)], 1, __ATOMIC_SEQ_CST);
}

/* slot 0: the shared array of weaks, slot 1: this thread's live keys */
static void churn_thread(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg, seed = churn_seed + me;
    RtsFrame f = rts_fork_frame();
    rts_set(f, 1, rts_new_array(CHURN_BATCH, NULL));
    for (unsigned r = 0; r < CHURN_ROUNDS; r++) {
        for (unsigned b = 0; b < CHURN_BATCH; b++) {
            unsigned serial = (me * CHURN_ROUNDS + r) * CHURN_BATCH + b;
            RtsFrame g = rts_frame_push(3);     /* weak, value, env */
            StgClosure *key = cell(serial);
            rts_array_write(rts_get(f, 1), b, key);
            rts_set(g, 1, cell(serial));
            rts_set(g, 2, cell(serial));
            StgWeak *w = rts_mkWeak(rts_array_read(rts_get(f, 1), b), rts_get(g, 1), churn_kfin,
                                    rts_get(g, 2));
            rts_set(g, 0, (StgClosure *)w);
            rts_addCFinalizer((StgWeak *)rts_get(g, 0), churn_cfin, &c_ran[serial]);
            StgClosure *arr = rts_get(f, 0);
            rts_array_write(arr, rand_r(&seed) % rts_array_length(arr), rts_get(g, 0));
            rts_frame_pop(g);
        }
        if (r % 4 == 3)                 /* drop this thread's keys now and then */
            for (unsigned b = 0; b < CHURN_BATCH; b++)
                rts_array_write(rts_get(f, 1), b, NULL);
    }
    rts_set(f, 1, NULL);
}

static void case_churn(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_array(CHURN_WEAKS / 4, NULL));
    rts_ThreadId t[CHURN_THREADS];
    for (unsigned i = 0; i < CHURN_THREADS; i++) {
        StgClosure *a[2] = { rts_get(f, 0), NULL };
        t[i] = rts_fork_with(churn_thread, (void *)(uintptr_t)i, 2, a);
    }
    for (unsigned i = 0; i < CHURN_THREADS; i++)
        rts_join(t[i]);
    rts_set(f, 0, NULL);
    unsigned c = 0, k = 0;
    for (int round = 0; round < 200; round++) {
        rts_gc(true);
        let_finalizers_run(0);
        rts_yield();
        c = k = 0;
        for (unsigned i = 0; i < CHURN_WEAKS; i++) {
            CHECK(c_ran[i] <= 1 && k_ran[i] <= 1, "weak %u finalized twice", i);
            c += c_ran[i];
            k += k_ran[i];
        }
        if (c == CHURN_WEAKS && k == CHURN_WEAKS)
            break;
        usleep(1000);
    }
    CHECK(c == CHURN_WEAKS && k == CHURN_WEAKS, "finalizers: %u C, %u closure of %u", c, k, CHURN_WEAKS);
    rts_frame_pop(f);
}

static void case_null_key(void)
{
    rts_mkWeak(NULL, NULL, NULL, NULL);
}

/* ---- driver ---- */

static const RunChildCase cases[] = {
    { "basic", case_basic }, { "key_is_value", case_key_is_value }, { "chain", case_chain },
    { "order", case_order }, { "finalize", case_finalize }, { "old_gen", case_old_gen },
    { "tso", case_tso }, { "churn", case_churn }, { "null_key", case_null_key },
};

static int run_child(const char *name, const char *flags, char *err, size_t errlen)
{
    return run_child_as("test_weak", name, flags, err, errlen);
}

static char err[1 << 16];

static int expect_ok(const char *name, const char *flags)
{
    return run_child_expect_ok("test_weak", name, flags);
}

/* The child must fail and say `want` on stderr. */
static int expect_fail(const char *name, const char *flags, const char *want)
{
    int status = run_child(name, flags, err, sizeof err);
    bool ok = !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && strstr(err, want) != NULL;
    printf("%s %s [%s] fails with \"%s\"\n", ok ? "PASS" : "FAIL", name, flags, want);
    if (!ok)
        fprintf(stderr, "%s", err);
    return ok ? 0 : 1;
}

/* --inject=weak-race: the pre-fix sanity check reports the stale copy of
 * a WEAK within a bounded number of runs of the churn (each run has its own
 * seed, fixed: 1, 2, ...).  Prints how many runs it took. */
static int check_weak_race(void)
{
    const int attempts = 30;
    for (int i = 1; i <= attempts; i++) {
        char flags[128];
        snprintf(flags, sizeof flags, "-A64k -N2 -DS --inject=weak-race");
        char seed[16];
        snprintf(seed, sizeof seed, "%d", i);
        setenv("TEST_WEAK_SEED", seed, 1);
        int status = run_child("churn", flags, err, sizeof err);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            continue;
        bool ok = strstr(err, "sanity") != NULL && strstr(err, "<stg_WEAK_info> WEAK") != NULL
                  && strstr(err, "field key") != NULL;
        printf("%s weak-race reproduced in run %d of %d%s\n", ok ? "PASS" : "FAIL", i, attempts,
               ok ? "" : " (but not as the stale-WEAK report)");
        if (!ok || getenv("TEST_WEAK_VERBOSE") != NULL)
            fprintf(stderr, "%s", err);
        unsetenv("TEST_WEAK_SEED");
        return ok ? 0 : 1;
    }
    unsetenv("TEST_WEAK_SEED");
    printf("FAIL weak-race not reproduced in %d runs\n", attempts);
    return 1;
}

int main(int argc, char **argv)
{
    const char *s = getenv("TEST_WEAK_SEED");  /* check_weak_race's children */
    if (s != NULL)
        churn_seed = (unsigned)strtoul(s, NULL, 10) * 7919u;
    run_child_case(&argc, &argv, cases, sizeof cases / sizeof cases[0]);

    int bad = 0;
    bad += expect_ok("basic", "-A64k -DS");
    bad += expect_ok("key_is_value", "-A64k -DS");
    bad += expect_ok("chain", "-A64k -DS");
    bad += expect_ok("chain", "-A64k -N2 -G3");
    bad += expect_ok("order", "-A64k -DS");
    bad += expect_ok("finalize", "-A64k -DS");
    bad += expect_ok("old_gen", "-A64k -DS");
    bad += expect_ok("tso", "-A64k -DS");
    bad += expect_ok("tso", "-A64k -N2");
    bad += expect_ok("churn", "-A64k -DS");
    bad += expect_ok("churn", "-A64k -N2 -DS");
    bad += expect_fail("null_key", "", "rts_mkWeak: the key is NULL");
    bad += check_weak_race();
    printf("%s\n", bad ? "FAILED" : "all passed");
    return bad ? 1 : 0;
}
