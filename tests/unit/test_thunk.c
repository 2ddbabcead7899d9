/* test_thunk — thunks, update frames, blackholes, blocking queues, CAFs,
 * duplicate-work abandonment, NonTermination, unsafePerformIO (issue 4).
 *
 * Each case runs in a child process (this program re-executed with
 * `case NAME +RTS flags -RTS`) so that it gets its own heap and flags;
 * several run under -DS (sanity checks around every GC, which also walk
 * the nursery over the slop of updated thunks) and with -N2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rts.h"
#include "Updates.h"
#include "CAF.h"
#include "RtsFlags.h"
#include "Schedule.h"
#include "sm/Storage.h"
#include "check.h"
#include "run_child.h"

RTS_DEFINE_CONSTR(Int, 0, 1)

static StgClosure *mkInt(StgWord n)
{
    StgClosure *c = rts_alloc_constr(&Int_con_info);
    rts_constr_set_word(c, 0, n);
    return c;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Spin (no safe point) until *flag >= want or ms milliseconds pass. */
static bool spin_until(volatile int *flag, int want, uint64_t ms)
{
    uint64_t deadline = now_ms() + ms;
    while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < want)
        if (now_ms() > deadline)
            return false;
    return true;
}

static uint32_t type_of(const StgClosure *c)
{
    return c->header.info->type;
}

/* ---- basic: update, sharing, slop, nested thunks, GC under evaluation ---- */

static int add_entries;

/* Add: a + b + k, where a and b are thunks or Ints; allocates plenty, so
 * the GC runs (and moves everything) while thunks are under evaluation. */
static StgClosure *add_entry(StgClosure *self)
{
    __atomic_add_fetch(&add_entries, 1, __ATOMIC_RELAXED);
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_thunk_ptr(self, 0));
    rts_set(f, 1, rts_thunk_ptr(self, 1));
    StgWord k = rts_thunk_word(self, 0);
    for (int i = 0; i < 200; i++)
        (void)rts_new_array(16, NULL);              /* garbage: -A64k collects often */
    StgWord a = rts_constr_word(rts_force(rts_get(f, 0)), 0);
    StgWord b = rts_constr_word(rts_force(rts_get(f, 1)), 0);
    rts_frame_pop(f);
    return mkInt(a + b + k);
}
RTS_DEFINE_THUNK(Add, 2, 1, add_entry)

static void case_basic(void)
{
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 0, mkInt(1));
    rts_set(f, 1, mkInt(2));
    /* t = Add 1 2 10; u = Add t t 100 (t shared) */
    StgClosure *t = rts_mkThunk(&Add_thunk_info, (StgClosure *[]){ rts_get(f, 0), rts_get(f, 1) },
                                (StgWord[]){ 10 });
    rts_set(f, 2, t);
    CHECK(type_of(rts_get(f, 2)) == THUNK, "a new thunk is a THUNK");
    StgClosure *u = rts_mkThunk(&Add_thunk_info, (StgClosure *[]){ rts_get(f, 2), rts_get(f, 2) },
                                (StgWord[]){ 100 });
    rts_set(f, 0, u);
    StgClosure *v = rts_force(rts_get(f, 0));
    CHECK(rts_constr_word(v, 0) == 126, "u = 13 + 13 + 100, got %lu", (unsigned long)rts_constr_word(v, 0));
    CHECK(add_entries == 2, "the shared thunk was evaluated once (entries %d)", add_entries);
    /* after the update: a BLACKHOLE (or shorted out by the GC) holding the value */
    StgClosure *t2 = rts_get(f, 2);
    CHECK(type_of(t2) == BLACKHOLE || type_of(t2) == CONSTR, "t is updated (type %u)", type_of(t2));
    CHECK(rts_constr_word(rts_force(t2), 0) == 13, "t = 13");
    CHECK(add_entries == 2, "forcing an updated thunk does not run it again");
    rts_gc(true);
    CHECK(rts_constr_word(rts_force(rts_get(f, 0)), 0) == 126, "value survives a major GC");
    CHECK(rts_force(mkInt(5)) != NULL && add_entries == 2, "forcing a value returns it");
    CHECK(rts_force(NULL) == NULL, "NULL is a value");
    rts_frame_pop(f);
}

/* A chain of 300 nested thunks (each forces the next from inside its entry
 * code): deep update-frame stacks that grow the STACK, under GC. */
static StgClosure *chain_entry(StgClosure *self)
{
    StgClosure *next = rts_thunk_ptr(self, 0);
    StgWord n = rts_thunk_word(self, 0);
    if (next == NULL)
        return mkInt(n);
    StgWord rest = rts_constr_word(rts_force(next), 0);
    rts_safepoint();
    return mkInt(rest + n);
}
RTS_DEFINE_THUNK(Chain, 1, 1, chain_entry)

static void case_chain(void)
{
    RtsFrame f = rts_frame_push(1);
    for (StgWord i = 1; i <= 300; i++)
        rts_set(f, 0, rts_mkThunk(&Chain_thunk_info, (StgClosure *[]){ rts_get(f, 0) }, &i));
    StgClosure *v = rts_force(rts_get(f, 0));
    CHECK(rts_constr_word(v, 0) == 300 * 301 / 2, "sum of the chain, got %lu",
          (unsigned long)rts_constr_word(v, 0));
    rts_gc(true);
    rts_frame_pop(f);
}

/* ---- blocking on a blackhole (BLOCKING_QUEUE, BlockedOnBlackHole) ---- */

static volatile int slow_started, slow_release, slow_entries;

/* Yields (so threadPaused claims the thunk) until released. */
static StgClosure *slow_entry(StgClosure *self)
{
    StgWord n = rts_thunk_word(self, 0);
    __atomic_add_fetch(&slow_entries, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&slow_started, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&slow_release, __ATOMIC_ACQUIRE))
        rts_yield();
    return mkInt(n);
}
RTS_DEFINE_THUNK(Slow, 0, 1, slow_entry)

static volatile int waiters_done;
static StgWord waiter_results[8];

static void waiter(void *arg)
{
    StgClosure *v = rts_force(rts_get(rts_fork_frame(), 0));
    waiter_results[(uintptr_t)arg] = rts_constr_word(v, 0);
    __atomic_add_fetch(&waiters_done, 1, __ATOMIC_ACQ_REL);
}

static void owner(void *arg)
{
    (void)arg;
    (void)rts_force(rts_get(rts_fork_frame(), 0));
}

/* Count the threads blocked on a blackhole whose block_info is a
 * MSG_BLACKHOLE for bh. */
static int blocked_on(StgClosure *bh)
{
    int n = 0;
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++)
        for (StgTSO *t = generations[g].threads; t != NULL && t != END_TSO_QUEUE; t = t->global_link)
            if (t->what_next != ThreadComplete && t->why_blocked == BlockedOnBlackHole
                && t->block_info.bh->header.info == &stg_MSG_BLACKHOLE_info
                && t->block_info.bh->bh == bh)
                n++;
    return n;
}

static void case_blackhole(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_mkThunk(&Slow_thunk_info, NULL, (StgWord[]){ 42 }));
    StgClosure *t = rts_get(f, 0);
    rts_fork_with(owner, NULL, 1, &t);
    while (!slow_started)
        rts_yield();
    /* The owner claims t when it next pauses (its rts_yield).  On one
     * capability our yield lets it run to that point; with -N2 it runs on
     * the other capability's OS thread, which the kernel may not have run
     * yet, so wait for the pause (bounded) instead of assuming it. */
    uint64_t claim_deadline = now_ms() + 5000;
    do
        rts_yield();
    while (type_of(rts_get(f, 0)) != BLACKHOLE && now_ms() < claim_deadline);
    t = rts_get(f, 0);
    CHECK(type_of(t) == BLACKHOLE, "the thunk under evaluation is blackholed (type %u)", type_of(t));
    CHECK(t->header.info == &stg_BLACKHOLE_info, "lazy blackholing makes stg_BLACKHOLE");
    CHECK(blackHoleOwner(t) != NULL && blackHoleOwner(t) != myTSO(), "owned by the other thread");
    for (uintptr_t i = 0; i < 4; i++)
        rts_fork_with(waiter, (void *)i, 1, &t);
    uint64_t deadline = now_ms() + 5000;
    while (blocked_on(rts_get(f, 0)) < 4 && now_ms() < deadline)
        rts_yield();
    t = rts_get(f, 0);
    CHECK(blocked_on(t) == 4, "four threads BlockedOnBlackHole with block_info = MSG_BLACKHOLE (got %d)",
          blocked_on(t));
    StgClosure *ind = ((StgInd *)t)->indirectee;
    CHECK(type_of(ind) == BLOCKING_QUEUE, "the indirectee is a BLOCKING_QUEUE (type %u)", type_of(ind));
    if (type_of(ind) == BLOCKING_QUEUE) {
        StgBlockingQueue *bq = (StgBlockingQueue *)ind;
        int n = 0;
        for (MessageBlackHole *m = bq->queue; m != END_TSO_QUEUE; m = m->link)
            n++;
        CHECK(n == 4 && bq->bh == t, "the queue holds the four messages (got %d)", n);
    }
    rts_gc(false);                                 /* blocked threads, BQ and messages move */
    __atomic_store_n(&slow_release, 1, __ATOMIC_RELEASE);
    deadline = now_ms() + 5000;
    while (waiters_done < 4 && now_ms() < deadline)
        rts_yield();
    CHECK(waiters_done == 4, "every waiter woke (%d)", waiters_done);
    for (int i = 0; i < 4; i++)
        CHECK(waiter_results[i] == 42, "waiter %d got %lu", i, (unsigned long)waiter_results[i]);
    CHECK(slow_entries == 1, "evaluated once (%d)", slow_entries);
    rts_frame_pop(f);
}

/* ---- CAFs under contention ---- */

static volatile int caf_entries;

static StgClosure *table_entry(StgClosure *self)
{
    (void)self;
    __atomic_add_fetch(&caf_entries, 1, __ATOMIC_ACQ_REL);
    for (int i = 0; i < 20; i++)
        rts_yield();                               /* let the others pile up on it */
    return mkInt(7);
}
RTS_DEFINE_CAF(table, table_entry)

static volatile int caf_done;
static volatile StgWord caf_sum;

static void caf_user(void *arg)
{
    (void)arg;
    StgClosure *v = rts_force(RTS_CAF(table));
    __atomic_add_fetch(&caf_sum, rts_constr_word(v, 0), __ATOMIC_ACQ_REL);
    __atomic_add_fetch(&caf_done, 1, __ATOMIC_ACQ_REL);
}

static void case_caf(void)
{
    CHECK(table_caf.header.info->type == THUNK_STATIC, "an unentered CAF is THUNK_STATIC");
    for (int i = 0; i < 50; i++)
        rts_fork(caf_user, NULL);
    uint64_t deadline = now_ms() + 10000;
    while (caf_done < 50 && now_ms() < deadline)
        rts_yield();
    CHECK(caf_done == 50 && caf_sum == 350, "50 threads got 7 (done %d, sum %lu)", caf_done,
          (unsigned long)caf_sum);
    CHECK(caf_entries == 1, "the CAF was entered once (%d)", caf_entries);
    StgIndStatic *caf = &table_caf;
    CHECK(caf->header.info == &stg_IND_STATIC_info, "an entered CAF is IND_STATIC");
    CHECK(caf->saved_info != NULL && caf->saved_info->type == THUNK_STATIC, "saved_info keeps the CAF's info");
    bool listed = false;
    for (StgIndStatic *c = dyn_caf_list; c != END_OF_CAF_LIST; c = c->static_link)
        listed |= c == caf;
    CHECK(listed && countCAFs() == 1, "on dyn_caf_list once (%u CAFs)", countCAFs());
    for (int i = 0; i < 3; i++)
        rts_gc(i == 2);                            /* the value lives through the CAF list */
    CHECK(rts_constr_word(rts_force(RTS_CAF(table)), 0) == 7, "the CAF's value after GC");
}

/* Two threads on two capabilities enter one CAF at the same moment.  Its
 * entry waits (no safe point) for a second entry: with atomic entry the
 * second thread blocks instead, so the wait times out and there is one
 * entry; with --inject=caf-nonatomic both enter (GHC #5558). */
static volatile int race_entries, race_done;

static StgClosure *race_entry(StgClosure *self)
{
    (void)self;
    __atomic_add_fetch(&race_entries, 1, __ATOMIC_ACQ_REL);
    spin_until(&race_entries, 2, 300);
    return mkInt(1);
}
RTS_DEFINE_CAF(race, race_entry)

static volatile int race_ready;

/* Both threads start forcing once both run (on the two capabilities). */
static void race_user(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&race_ready, 1, __ATOMIC_ACQ_REL);
    spin_until(&race_ready, 2, 5000);
    (void)rts_force(RTS_CAF(race));
    __atomic_add_fetch(&race_done, 1, __ATOMIC_ACQ_REL);
}

static void run_caf_race(void)
{
    rts_ThreadId a = rts_fork(race_user, NULL);
    rts_ThreadId b = rts_fork(race_user, NULL);
    rts_join(a);                                /* block: free this capability for one of them */
    rts_join(b);
    CHECK(race_done == 2, "both threads finished (%d)", race_done);
}

static void case_caf_atomic(void)
{
    run_caf_race();
    CHECK(race_entries == 1, "atomic CAF entry: one entry (%d)", race_entries);
}

static void case_caf_nonatomic(void)
{
    run_caf_race();
    CHECK(race_entries == 2, "--inject=caf-nonatomic: both threads entered (%d)", race_entries);
}

/* ---- duplicate work found by threadPaused is abandoned ---- */

static volatile int dup_entered, dup_claimed, dup_after_nodup, dup_finished;

/* Entered by two threads on two capabilities before either pauses. */
static StgClosure *dup_entry(StgClosure *self)
{
    (void)self;
    int me = __atomic_add_fetch(&dup_entered, 1, __ATOMIC_ACQ_REL);
    spin_until(&dup_entered, 2, 5000);
    if (me == 1) {
        /* the owner: pause (claiming the thunk), then wait for the other
         * thread to find the duplicate and block on us */
        rts_yield();
        __atomic_store_n(&dup_claimed, 1, __ATOMIC_RELEASE);
        uint64_t deadline = now_ms() + 5000;
        while (now_ms() < deadline) {
            StgClosure *t = rts_get(rts_fork_frame(), 0);
            StgClosure *r = ((StgInd *)t)->indirectee;
            if (type_of(t) == BLACKHOLE && type_of(r) == BLOCKING_QUEUE)
                break;
            rts_yield();
        }
        __atomic_add_fetch(&dup_finished, 1, __ATOMIC_ACQ_REL);
        return mkInt(1);
    }
    spin_until(&dup_claimed, 1, 5000);
    rts_noDuplicate();                             /* finds the thunk owned by the other thread */
    __atomic_store_n(&dup_after_nodup, 1, __ATOMIC_RELEASE);
    __atomic_add_fetch(&dup_finished, 1, __ATOMIC_ACQ_REL);
    return mkInt(2);
}
RTS_DEFINE_THUNK(Dup, 0, 0, dup_entry)

static volatile int dup_done;
static StgWord dup_results[2];

static void dup_user(void *arg)
{
    StgClosure *v = rts_force(rts_get(rts_fork_frame(), 0));
    dup_results[(uintptr_t)arg] = rts_constr_word(v, 0);
    __atomic_add_fetch(&dup_done, 1, __ATOMIC_ACQ_REL);
}

static void case_duplicate(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_mkThunk(&Dup_thunk_info, NULL, NULL));
    StgClosure *t = rts_get(f, 0);
    rts_ThreadId a = rts_fork_with(dup_user, (void *)0, 1, &t);
    t = rts_get(f, 0);
    rts_ThreadId b = rts_fork_with(dup_user, (void *)1, 1, &t);
    /* block (not yield): the two threads must run on the two capabilities */
    rts_join(a);
    rts_join(b);
    CHECK(dup_done == 2, "both threads returned (%d)", dup_done);
    CHECK(dup_entered == 2, "both entered the thunk (%d)", dup_entered);
    CHECK(dup_after_nodup == 0, "the duplicate did not get past rts_noDuplicate");
    CHECK(dup_finished == 1, "one evaluation finished (%d)", dup_finished);
    CHECK(dup_results[0] == 1 && dup_results[1] == 1, "both got the owner's value (%lu, %lu)",
          (unsigned long)dup_results[0], (unsigned long)dup_results[1]);
    rts_frame_pop(f);
}

/* ---- NonTermination ---- */

RTS_DECLARE_CAF(selfish);

static StgClosure *selfish_entry(StgClosure *self)
{
    (void)self;
    return rts_force(RTS_CAF(selfish));
}
RTS_DEFINE_CAF(selfish, selfish_entry)

static void case_loop_caf(void)
{
    (void)rts_force(RTS_CAF(selfish));
    CHECK(false, "forcing a CAF from its own entry code returned");
}

/* A thunk whose free variable is a mutvar holding the thunk itself. */
static StgClosure *knot_entry(StgClosure *self)
{
    StgClosure *mv = rts_thunk_ptr(self, 0);
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, mv);
    if (rts_thunk_word(self, 0))
        rts_yield();                                /* lazy: the pause claims the thunk */
    StgClosure *v = rts_force(rts_read_mutvar(rts_get(f, 0)));
    rts_frame_pop(f);
    return v;
}
RTS_DEFINE_THUNK(Knot, 1, 1, knot_entry)

static void knot(StgWord pause_first)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_mutvar(NULL));
    StgClosure *mv = rts_get(f, 0);
    StgClosure *t = rts_mkThunk(&Knot_thunk_info, &mv, &pause_first);
    rts_write_mutvar(rts_get(f, 0), t);
    (void)rts_force(t);
    CHECK(false, "forcing a thunk from its own entry code returned");
    rts_frame_pop(f);
}

static void case_loop_eager(void) { knot(0); }
static void case_loop_lazy(void) { knot(1); }

/* ---- unsafePerformIO / unsafeDupablePerformIO ---- */

static int io_runs;
static StgClosure *io_action(void *arg)
{
    io_runs++;
    return mkInt((StgWord)(uintptr_t)arg);
}
static StgClosure *upio_entry(StgClosure *self)
{
    return rts_thunk_word(self, 0) ? rts_unsafePerformIO(io_action, (void *)(uintptr_t)5)
                                   : rts_unsafeDupablePerformIO(io_action, (void *)(uintptr_t)6);
}
RTS_DEFINE_THUNK(Upio, 0, 1, upio_entry)

static void case_unsafe_io(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_mkThunk(&Upio_thunk_info, NULL, (StgWord[]){ 1 }));
    rts_set(f, 1, rts_mkThunk(&Upio_thunk_info, NULL, (StgWord[]){ 0 }));
    for (int i = 0; i < 3; i++) {
        CHECK(rts_constr_word(rts_force(rts_get(f, 0)), 0) == 5, "unsafePerformIO's value");
        CHECK(rts_constr_word(rts_force(rts_get(f, 1)), 0) == 6, "unsafeDupablePerformIO's value");
    }
    CHECK(io_runs == 2, "each action ran once (%d)", io_runs);
    rts_noDuplicate();                              /* outside any thunk: nothing to do */
    rts_frame_pop(f);
}

/* ---- the driver ---- */

static const RunChildCase cases[] = {
    { "basic", case_basic },
    { "chain", case_chain },
    { "blackhole", case_blackhole },
    { "caf", case_caf },
    { "caf_atomic", case_caf_atomic },
    { "caf_nonatomic", case_caf_nonatomic },
    { "duplicate", case_duplicate },
    { "loop_caf", case_loop_caf },
    { "loop_eager", case_loop_eager },
    { "loop_lazy", case_loop_lazy },
    { "unsafe_io", case_unsafe_io },
};

static char err[1 << 16];

static int expect_ok(const char *name, const char *flags)
{
    return run_child_expect_ok("test_thunk", name, flags);
}

/* The child must exit with `code` and say `want` on stderr. */
static int expect_exit(const char *name, const char *flags, int code, const char *want)
{
    int status = run_child_as("test_thunk", name, flags, err, sizeof err);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == code && strstr(err, want) != NULL;
    printf("%s %s [%s] exits %d with \"%s\"\n", ok ? "PASS" : "FAIL", name, flags, code, want);
    if (!ok)
        fprintf(stderr, "%s(status %#x)\n", err, status);
    return ok ? 0 : 1;
}

/* --inject=caf-nonatomic: both threads enter the CAF.  It needs both
 * capabilities' OS threads to run at once, which a loaded machine does not
 * always grant: a bounded number of attempts. */
static int expect_caf_race(void)
{
    const int attempts = 8;
    for (int i = 1; i <= attempts; i++) {
        int status = run_child_as("test_thunk", "caf_nonatomic", "-N2 --inject=caf-nonatomic",
                                  err, sizeof err);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            printf("PASS caf_nonatomic [-N2 --inject=caf-nonatomic]: both entered, attempt %d\n", i);
            return 0;
        }
    }
    printf("FAIL caf_nonatomic [-N2 --inject=caf-nonatomic]: one entry in each of %d attempts\n",
           attempts);
    fprintf(stderr, "%s", err);
    return 1;
}

int main(int argc, char **argv)
{
    run_child_case(&argc, &argv, cases, sizeof cases / sizeof cases[0]);

    int bad = 0;
    bad += expect_ok("basic", "-A64k -DS");
    bad += expect_ok("basic", "-A64k -N2 --eager-blackholing");
    bad += expect_ok("chain", "-A64k -DS");
    bad += expect_ok("chain", "-A64k -N2 -G3 -DS");
    bad += expect_ok("blackhole", "-A64k -DS");
    bad += expect_ok("blackhole", "-A64k -N2 -DS");
    bad += expect_ok("caf", "-A64k -DS");
    bad += expect_ok("caf", "-A64k -N2 -DS");
    bad += expect_ok("caf_atomic", "-N2");
    bad += expect_caf_race();
    bad += expect_ok("duplicate", "-N2 -DS");
    bad += expect_ok("unsafe_io", "-N2 -DS");
    bad += expect_exit("loop_caf", "", 1, "<<loop>>");
    bad += expect_exit("loop_eager", "--eager-blackholing", 1, "<<loop>>");
    bad += expect_exit("loop_lazy", "", 1, "<<loop>>");
    printf("%s\n", bad ? "FAILED" : "all passed");
    return bad ? 1 : 0;
}
