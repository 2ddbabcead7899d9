/* test_mvar.c — MVar semantics (rts/MVar.c) on the real scheduler and GC:
 * try variants, FIFO wake-up of takers and putters, readers served first by
 * one put, values in flight surviving collections (and the TSO barrier on
 * the waker's store of a young value into an old taker), new MVars DIRTY, and the
 * #18919/#19145 barrier on the head pop (fixed, and both injections); the
 * frame-slot entry points (rts_takeMVarRoot/rts_putMVarRoot) with the same
 * checks; blocking as a safe point; blocked_since_ns with and without the
 * timer's ticks; the queue node's inline nursery bump at block and
 * nursery boundaries; the one-capability blocking hand-off (ping-pong with
 * and without a third runnable thread); a thread runs with its TSO and
 * STACK dirty (Note [Dirtying the thread about to run] in Schedule.h).
 *
 * mvar_matrix.sh runs it under -N1 and -N2 (orders are checked only on one
 * capability), small nurseries, -G3 and -DS.  Linked with librts_debug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include "rts.h"
#include "MVar.h"
#include "RtsFlags.h"
#include "Capability.h"
#include "sm/Storage.h"
#include "sm/GC.h"
#include "Schedule.h"
#include "yield_until.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

RTS_DEFINE_CONSTR(Box, 0, 1)       /* one word: an integer */
RTS_DEFINE_CONSTR(Two, 0, 2)       /* three words in all: fills odd gaps */

static StgClosure *box(StgWord v)
{
    StgClosure *b = rts_alloc_constr(&Box_con_info);
    rts_constr_set_word(b, 0, v);
    return b;
}

/* Put a fresh box(v) into the MVar in root slot `slot` of f (the box is
 * allocated first: allocating may move the MVar). */
static void put_box(RtsFrame f, uint32_t slot, StgWord v)
{
    StgClosure *b = box(v);
    rts_putMVar((StgMVar *)rts_get(f, slot), b);
}

static StgWord unbox(StgClosure *b)
{
    CHECK(b != NULL && b->header.info == &Box_con_info);
    return rts_constr_word(b, 0);
}

/* What each forked thread saw, in the order things happened. */
static StgWord got[64];
static int order[64], n_order;

/* Threads may run on another capability (-N2): record atomically. */
static void record(int i)
{
    int k = __atomic_fetch_add(&n_order, 1, __ATOMIC_ACQ_REL);
    order[k] = i;
}

/* Yield until at least n threads have recorded (bounded); returns how many. */
static int wait_recorded(int n)
{
    YIELD_UNTIL(__atomic_load_n(&n_order, __ATOMIC_ACQUIRE) >= n);
    return __atomic_load_n(&n_order, __ATOMIC_ACQUIRE);
}

/* The order of the records is the order of wake-ups only on one capability. */
static bool one_cap(void)
{
    return rts_getNumCapabilities() == 1;
}

/* ---- single-thread semantics ---- */

static void test_try_variants(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    CHECK(m->header.info == &stg_MVAR_DIRTY_info);        /* new MVars are DIRTY */
    CHECK(rts_isEmptyMVar(m));
    CHECK(rts_tryTakeMVar(m) == NULL);
    CHECK(rts_tryReadMVar(m) == NULL);
    rts_set(f, 1, box(7));
    m = (StgMVar *)rts_get(f, 0);
    CHECK(rts_tryPutMVar(m, rts_get(f, 1)));
    CHECK(!rts_tryPutMVar(m, rts_get(f, 1)));             /* full */
    CHECK(unbox(rts_tryReadMVar(m)) == 7);
    CHECK(unbox(rts_readMVar(m)) == 7);                    /* read leaves it full */
    m = (StgMVar *)rts_get(f, 0);
    CHECK(!rts_isEmptyMVar(m));
    CHECK(unbox(rts_takeMVar(m)) == 7);
    m = (StgMVar *)rts_get(f, 0);
    CHECK(rts_isEmptyMVar(m));
    rts_putMVar(m, rts_get(f, 1));                         /* put into empty: no block */
    m = (StgMVar *)rts_get(f, 0);
    CHECK(unbox(rts_tryTakeMVar(m)) == 7);
    rts_frame_pop(f);
}

/* ---- blocking: takers, putters, readers ---- */

static void taker(void *arg)
{
    int i = (int)(intptr_t)arg;
    StgMVar *m = (StgMVar *)rts_get(rts_fork_frame(), 0);
    got[i] = unbox(rts_takeMVar(m));
    record(i);
}

static void reader(void *arg)
{
    int i = (int)(intptr_t)arg;
    StgMVar *m = (StgMVar *)rts_get(rts_fork_frame(), 0);
    got[i] = unbox(rts_readMVar(m));
    record(i);
}

static void putter(void *arg)
{
    int i = (int)(intptr_t)arg;
    RtsFrame f = rts_fork_frame();
    StgClosure *v = box(100 + (StgWord)i);   /* may GC: re-read the MVar after */
    rts_putMVar((StgMVar *)rts_get(f, 0), v);
    record(i);
}

static int queue_length(StgMVar *m)
{
    int n = 0;
    for (StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE && n < 64; q = q->link) n++;
    return n;
}

/* Fork fn(i) with the MVar in root slot 0 of f, and wait until it has
 * blocked on it (its node is in the queue), so that blocking order is
 * forking order even with -N2. */
static rts_ThreadId fork_on(RtsFrame f, void (*fn)(void *), int i)
{
    int before = queue_length((StgMVar *)rts_get(f, 0));
    StgClosure *v[1] = { rts_get(f, 0) };
    rts_ThreadId t = rts_fork_with(fn, (void *)(intptr_t)i, 1, v);
    YIELD_UNTIL(queue_length((StgMVar *)rts_get(f, 0)) > before);
    CHECK(queue_length((StgMVar *)rts_get(f, 0)) == before + 1);
    return t;
}

static void reset_log(void)
{
    memset(got, 0, sizeof got);
    n_order = 0;
}

/* Takers are served first-come first-served, one per put. */
static void test_fifo_takers(void)
{
    reset_log();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_ThreadId t[5];
    for (int i = 0; i < 5; i++) t[i] = fork_on(f, taker, i);
    CHECK(n_order == 0);                                  /* all blocked */
    for (int i = 0; i < 5; i++) {
        put_box(f, 0, 10 + (StgWord)i);
        CHECK(wait_recorded(i + 1) == i + 1);             /* exactly one woken */
    }
    for (int i = 0; i < 5; i++) {
        CHECK(rts_join(t[i]));
        CHECK(!one_cap() || order[i] == i);
        CHECK(got[i] == 10 + (StgWord)i);                 /* taker i got the i-th put */
    }
    CHECK(rts_isEmptyMVar((StgMVar *)rts_get(f, 0)));
    rts_frame_pop(f);
}

/* Putters wait in order; each take moves the first waiting putter's value in. */
static void test_fifo_putters(void)
{
    reset_log();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newFullMVar(box(99)));
    rts_ThreadId t[4];
    for (int i = 0; i < 4; i++) t[i] = fork_on(f, putter, i);
    CHECK(n_order == 0);
    CHECK(unbox(rts_takeMVar((StgMVar *)rts_get(f, 0))) == 99);
    for (int i = 0; i < 4; i++) {
        /* the MVar is full again with putter i's value, put by its waker */
        StgMVar *m = (StgMVar *)rts_get(f, 0);
        CHECK(!rts_isEmptyMVar(m));
        CHECK(unbox(rts_takeMVar(m)) == 100 + (StgWord)i);
    }
    for (int i = 0; i < 4; i++) CHECK(rts_join(t[i]));
    for (int i = 0; i < 4; i++) CHECK(!one_cap() || order[i] == i);
    rts_frame_pop(f);
}

/* readMVar queues at the head: one put serves every reader, then the
 * first taker, and the MVar ends empty. */
static void test_readers_first(void)
{
    reset_log();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_ThreadId t0 = fork_on(f, taker, 0);
    rts_ThreadId t1 = fork_on(f, reader, 1);
    rts_ThreadId t2 = fork_on(f, reader, 2);
    rts_ThreadId t3 = fork_on(f, taker, 3);
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    CHECK(m->head->tso->why_blocked == BlockedOnMVarRead);    /* a reader is first */
    put_box(f, 0, 5);
    CHECK(wait_recorded(3) == 3);                          /* taker 3 still waits */
    CHECK(got[0] == 5 && got[1] == 5 && got[2] == 5);
    m = (StgMVar *)rts_get(f, 0);
    CHECK(rts_isEmptyMVar(m));
    put_box(f, 0, 6);
    CHECK(rts_join(t0) && rts_join(t1) && rts_join(t2) && rts_join(t3));
    CHECK(got[3] == 6);
    rts_frame_pop(f);
}

/* Values in flight live in the blocked threads' TSOs (mvar_value): they
 * survive (and follow) collections while their threads are blocked. */
static void test_inflight_survives_gc(void)
{
    reset_log();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newFullMVar(box(1)));
    rts_ThreadId t[3];
    for (int i = 0; i < 3; i++) t[i] = fork_on(f, putter, i);
    for (int k = 0; k < 3; k++) {
        rts_gc(false);
        rts_gc(true);
    }
    CHECK(unbox(rts_takeMVar((StgMVar *)rts_get(f, 0))) == 1);
    for (int i = 0; i < 3; i++) {
        rts_gc(i == 1);
        CHECK(unbox(rts_takeMVar((StgMVar *)rts_get(f, 0))) == 100 + (StgWord)i);
    }
    for (int i = 0; i < 3; i++) CHECK(rts_join(t[i]));

    /* and a taker's result written by its waker */
    reset_log();
    rts_ThreadId tt = fork_on(f, taker, 7);
    put_box(f, 0, 77);
    rts_gc(true);                                         /* before the taker runs */
    CHECK(rts_join(tt));
    CHECK(got[7] == 77);
    rts_frame_pop(f);
}

/* A taker blocked long enough to be old and clean receives a young value:
 * the waker's store into its TSO must be barriered (dirty_TSO) and
 * mvar_value traced, or the minor GC that runs before the taker does frees
 * the value (and -DS reports the old clean TSO pointing into the nursery).
 * Mode 0: the general put; 1: the slot entry point (whose lone-taker path
 * must leave a clean TSO to the general path); 2: a reader (the MVar keeps
 * the value too, so only -DS sees a missing barrier there). */
static void test_inflight_barrier(void)
{
    for (int mode = 0; mode < 3; mode++) {
        reset_log();
        RtsFrame f = rts_frame_push(1);
        rts_set(f, 0, (StgClosure *)rts_newMVar());
        rts_ThreadId t = fork_on(f, mode == 2 ? reader : taker, 9);
        rts_gc(true);
        rts_gc(true);
        StgTSO *tso = ((StgMVar *)rts_get(f, 0))->head->tso;
        if (one_cap()) {                      /* -N2: another capability may collect too */
            CHECK(Bdescr((StgPtr)tso)->gen_no > 0);
            CHECK(!tso->dirty);
            CHECK(tso->mvar_value == END_TSO_QUEUE);
        }
        StgClosure *b = box(900 + (StgWord)mode);         /* young */
        if (mode == 1)
            rts_putMVarRoot(f, 0, b);
        else
            rts_putMVar((StgMVar *)rts_get(f, 0), b);
        rts_gc(false);                                    /* minor, before the taker runs */
        rts_gc(false);
        /* overwrite the nursery, where a value the GC missed would still be */
        long boxes = (long)RtsFlags.GcFlags.minAllocAreaSize * BLOCK_SIZE / (2 * sizeof(StgWord));
        for (long k = 0; k < boxes; k++) box(0xdead);
        CHECK(rts_join(t));
        CHECK(got[9] == 900 + (StgWord)mode);
        rts_frame_pop(f);
    }
}

/* ---- the frame-slot entry points ---- */

static void root_taker(void *arg)
{
    int i = (int)(intptr_t)arg;
    got[i] = unbox(rts_takeMVarRoot(rts_fork_frame(), 0));
    record(i);
}

static void root_putter(void *arg)
{
    int i = (int)(intptr_t)arg;
    RtsFrame f = rts_fork_frame();
    StgClosure *v = box(100 + (StgWord)i);   /* may GC: the slot API re-reads the MVar */
    rts_putMVarRoot(f, 0, v);
    record(i);
}

/* rts_takeMVarRoot/rts_putMVarRoot: FIFO takers and putters, one wake-up
 * per operation, values in flight across collections while blocked. */
static void test_root_api(void)
{
    reset_log();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_ThreadId t[4];
    for (int i = 0; i < 4; i++) t[i] = fork_on(f, root_taker, i);
    rts_gc(true);
    for (int i = 0; i < 4; i++) {
        StgClosure *b = box(20 + (StgWord)i);
        rts_putMVarRoot(f, 0, b);
        CHECK(wait_recorded(i + 1) == i + 1);             /* exactly one woken */
    }
    for (int i = 0; i < 4; i++) {
        CHECK(rts_join(t[i]));
        CHECK(!one_cap() || order[i] == i);
        CHECK(got[i] == 20 + (StgWord)i);
    }

    reset_log();
    StgClosure *b = box(5);
    rts_putMVarRoot(f, 0, b);                             /* into empty: no block */
    for (int i = 0; i < 3; i++) t[i] = fork_on(f, root_putter, i);
    rts_gc(false);
    CHECK(unbox(rts_takeMVarRoot(f, 0)) == 5);
    for (int i = 0; i < 3; i++) {
        rts_gc(i == 1);
        CHECK(unbox(rts_takeMVarRoot(f, 0)) == 100 + (StgWord)i);
    }
    for (int i = 0; i < 3; i++) CHECK(rts_join(t[i]));
    for (int i = 0; i < 3; i++) CHECK(!one_cap() || order[i] == i);
    CHECK(rts_isEmptyMVar((StgMVar *)rts_get(f, 0)));
    rts_frame_pop(f);
}

/* The other side of test_blocking_collects: take from slot 0, put to slot 1. */
static void ponger(void *arg)
{
    long rounds = (long)(intptr_t)arg;
    RtsFrame f = rts_fork_frame();
    for (long i = 0; i < rounds; i++)
        rts_putMVarRoot(f, 1, rts_takeMVarRoot(f, 0));
}

/* Note [Blocking is a safe point] in MVar.c: a ping-pong that does nothing
 * but block still collects (its queue nodes fill the nursery), and the ball
 * survives every collection.  On one capability: enough rounds to fill the
 * nursery four times over. */
static void test_blocking_collects(void)
{
    long nursery = (long)RtsFlags.GcFlags.minAllocAreaSize * BLOCK_SIZE;
    long rounds = one_cap() ? 4 * nursery / (2 * (long)sizeof(StgMVarTSOQueue)) : 2000;
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newMVar());
    rts_set(f, 2, box(42));
    StgClosure *both[2] = { rts_get(f, 0), rts_get(f, 1) };
    rts_ThreadId t = rts_fork_with(ponger, (void *)(intptr_t)rounds, 2, both);
    uint64_t gcs = gc_count;
    for (long i = 0; i < rounds; i++) {
        rts_putMVarRoot(f, 0, rts_get(f, 2));
        rts_set(f, 2, rts_takeMVarRoot(f, 1));
    }
    CHECK(unbox(rts_get(f, 2)) == 42);
    CHECK(rts_join(t));
    CHECK(!one_cap() || gc_count >= gcs + 2);
    rts_frame_pop(f);
}

/* Note [Blocked-since timestamps] in Schedule.c: a blocked thread records
 * when it blocked — never in the future, not long before — both from the
 * timer's published ticks and, with the timer stopped, from the clock. */
static void test_blocked_since(void)
{
    for (int ticking = 1; ticking >= 0; ticking--) {
        if (!ticking) stopTimer();
        CHECK(ticking || timer_tick_ns == 0);
        reset_log();
        RtsFrame f = rts_frame_push(1);
        rts_set(f, 0, (StgClosure *)rts_newMVar());
        uint64_t before = getMonotonicNSec();
        rts_ThreadId t = fork_on(f, taker, 0);
        /* with -N2 the taker (on the other capability) is in the queue a
         * moment before blockCurrentThread stamps it */
        YIELD_UNTIL(((StgMVar *)rts_get(f, 0))->head->tso->blocked_since_ns != 0);
        uint64_t after = getMonotonicNSec();
        uint64_t since = ((StgMVar *)rts_get(f, 0))->head->tso->blocked_since_ns;
        CHECK(since != 0 && since <= after);
        /* one timer period (or the coarse clock's few ms), plus a loaded machine */
        CHECK(since + RtsFlags.ConcFlags.ctxtSwitchTime_ns + 1000000000u >= before);
        put_box(f, 0, 1);
        CHECK(rts_join(t) && got[0] == 1);
        rts_frame_pop(f);
        if (!ticking) startTimer();
    }
}

/* ---- the barrier on the head pop (Note [Popping the head of a clean MVar]) ---- */

static bool on_mut_list(StgClosure *p)
{
    uint32_t g = Bdescr(p)->gen_no;
    for (uint32_t c = 0; c < n_capabilities; c++) {
        for (bdescr *bd = capabilities[c]->mut_lists[g]; bd != NULL; bd = bd->link) {
            for (StgPtr q = bd->start; q < bd->free; q++) {
                if ((StgClosure *)*q == p) return true;
            }
        }
    }
    return false;
}

/* An old, CLEAN MVar with two blocked takers (whose nodes are old too),
 * then one put: it pops the head and exposes the second node.  Returns the
 * header the MVar was left with; the second taker is released after. */
static const StgInfoTable *pop_head_of_clean_mvar(bool *recorded, bool via_root)
{
    reset_log();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_ThreadId a = fork_on(f, taker, 0);
    rts_ThreadId b = fork_on(f, taker, 1);
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++)
        rts_gc(true);                                     /* one step per GC: to the oldest */
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    CHECK(Bdescr(m)->gen_no == RtsFlags.GcFlags.generations - 1);
    CHECK(m->header.info == &stg_MVAR_CLEAN_info);        /* the GC cleaned it */
    CHECK(!on_mut_list((StgClosure *)m));
    StgClosure *one = box(1);                             /* may GC: re-read m */
    m = (StgMVar *)rts_get(f, 0);
    if (via_root)
        rts_putMVarRoot(f, 0, one);                       /* wakes a, head = b's node */
    else
        rts_putMVar(m, one);
    const StgInfoTable *info = m->header.info;
    *recorded = on_mut_list((StgClosure *)m);
    if (info == &stg_MVAR_CLEAN_info && *recorded)        /* #19145: the next GC barfs */
        m->header.info = &stg_MVAR_DIRTY_info;            /* (checkMVarOnMutList; test_gcbug) */
    put_box(f, 0, 2);
    CHECK(rts_join(a) && rts_join(b));
    CHECK(got[0] == 1 && got[1] == 2);
    rts_frame_pop(f);
    return info;
}

static void test_head_pop_barrier(void)
{
    bool recorded;
    uint32_t saved = RtsFlags.DebugFlags.inject;

    for (int via_root = 0; via_root <= 1; via_root++) {
        RtsFlags.DebugFlags.inject = 0;                   /* fixed: dirtied, recorded, DIRTY */
        CHECK(pop_head_of_clean_mvar(&recorded, via_root) == &stg_MVAR_DIRTY_info);
        CHECK(recorded);

        RtsFlags.DebugFlags.inject = 1u << INJECT_MVAR_NO_DIRTY;      /* #18919 */
        CHECK(pop_head_of_clean_mvar(&recorded, via_root) == &stg_MVAR_CLEAN_info);
        CHECK(!recorded);

        RtsFlags.DebugFlags.inject = 1u << INJECT_MVAR_CLEAN_UNLOCK;  /* #19145 */
        CHECK(pop_head_of_clean_mvar(&recorded, via_root) == &stg_MVAR_CLEAN_info);
        CHECK(recorded);
    }

    RtsFlags.DebugFlags.inject = saved;
    rts_gc(false);
}

/* checkMVarOnMutList catches #19145's state: run in a child, expect the barf. */
static void test_clean_on_mut_list_check(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) dup2(fd, 2);
        StgMVar *m = (StgMVar *)rts_get(f, 0);
        m->header.info = &stg_MVAR_CLEAN_info;
        checkMVarOnMutList((StgClosure *)m, 1);
        _exit(0);                                          /* not reached */
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));
    checkMVarOnMutList(rts_get(f, 0), 1);                 /* DIRTY: fine */
    rts_frame_pop(f);
}

/* ---- the queue node's inline allocation (Note [Inline nursery bump]) ---- */

#define NODE_W (sizeof(StgMVarTSOQueue) / sizeof(StgWord))

static StgMVarTSOQueue *seen_node;      /* the MVar's head, seen by node_checker */

/* Fill cap's current nursery block with small constructors, with allocate()
 * (which never collects or yields), until exactly `left` words remain in
 * it; in the nursery's last block when `last`, else in one with a block
 * after it.  Returns that block. */
static bdescr *leave_words_in_block(Capability *cap, W_ left, bool last)
{
    for (;;) {
        bdescr *bd = cap->current_nursery;
        if (!last && bd->link == NULL) {
            rts_gc(false);
            continue;
        }
        W_ rem = (W_)(bd->start + BLOCK_SIZE_W - bd->free);
        bool wrong_block = last && bd->link != NULL;
        if (!wrong_block && rem == left)
            return bd;
        bool two = !wrong_block && rem > left && (rem - left) % 2 == 1 && rem - left >= 3;
        StgPtr p = allocate(cap, two ? 3 : 2);
        p[0] = (StgWord)(two ? &Two_con_info : &Box_con_info);
        p[1] = p[two ? 2 : 1] = 0;
    }
}

/* Roots {go, m, ball}: wait for go, note m's queue head, put the ball in m. */
static void node_checker(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    (void)rts_takeMVarRoot(f, 0);
    StgMVar *m = (StgMVar *)rts_get(f, 1);
    seen_node = m->head == END_TSO_QUEUE ? NULL : m->head;
    rts_putMVarRoot(f, 1, rts_get(f, 2));
}

/* Block on an empty MVar with `left` words left in the nursery block (in
 * its last block when `last`), and check where the queue node went: at the
 * block's free pointer when it fits, else at the start of the next block;
 * in the last block the take is a safe point and collects first. */
static void block_with_words_left(W_ left, bool last)
{
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newMVar());
    rts_set(f, 2, box(7));
    StgClosure *roots[3] = { rts_get(f, 0), rts_get(f, 1), rts_get(f, 2) };
    rts_ThreadId t = rts_fork_with(node_checker, NULL, 3, roots);
    rts_yield();                                  /* the checker blocks on go */
    Capability *cap = myCapability();
    bdescr *bd = leave_words_in_block(cap, left, last);
    StgPtr expect = left >= NODE_W ? bd->free : bd->link != NULL ? bd->link->free : NULL;
    uint64_t allocated = cap->total_allocated, gcs = gc_count;
    seen_node = NULL;
    rts_putMVarRoot(f, 0, rts_get(f, 2));         /* wake the checker: allocates nothing */
    CHECK(cap->total_allocated == allocated);
    CHECK(unbox(rts_takeMVarRoot(f, 1)) == 7);    /* blocks: the checker puts */
    CHECK(rts_join(t));
    if (!last) {
        CHECK(gc_count == gcs);
        CHECK(seen_node != NULL && (StgPtr)seen_node == expect);
        CHECK(Bdescr(seen_node)->flags & BF_NURSERY);
    } else {
        /* the safe point collected; the checker may have run first */
        CHECK(gc_count > gcs);
        CHECK(seen_node == NULL || (Bdescr(seen_node)->flags & BF_NURSERY));
    }
    rts_frame_pop(f);
}

static void test_queue_node_blocks(void)
{
    if (!one_cap())                 /* the checker must run only when we block */
        return;
    block_with_words_left(NODE_W + 1, false);     /* fits, one word to spare */
    block_with_words_left(NODE_W, false);         /* fits exactly */
    block_with_words_left(NODE_W - 1, false);     /* a word short: the next block */
    block_with_words_left(0, false);              /* full block */
    block_with_words_left(NODE_W - 1, true);      /* the nursery is used up */
}

/* ---- Note [Blocking on one capability] (rts/Schedule.h) ---- */

static long pp_rounds;
static int pp_yields;
static int pp_clean_runs;   /* times the ponger ran with its TSO or STACK clean */

/* The other side of the ping-pong: take from slot 0, put the same box back
 * into slot 1, through the frame-slot entry points; each time it runs
 * again it checks that it runs dirty (Note [Dirtying the thread about to
 * run] in rts/Schedule.h). */
static void pp_ponger(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    for (long i = 0; i < pp_rounds; i++) {
        StgClosure *v = rts_takeMVarRoot(f, 0);
        StgTSO *me = myCapability()->current_tso;
        if (!me->dirty || !(me->stackobj->dirty & STACK_DIRTY))
            pp_clean_runs++;
        rts_putMVarRoot(f, 1, v);
    }
}

/* A third runnable thread, queued behind the ping-pong's hand-offs. */
static void pp_yielder(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        __atomic_fetch_add(&pp_yields, 1, __ATOMIC_RELAXED);
        rts_yield();
    }
}

/* Ping-pong through the root API: every blocking take is a direct
 * hand-off (on one capability: the fused path, or blockCurrentThread when
 * the timer has not stamped yet), each box comes back as sent; with a
 * yielder in the run queue the hand-off still goes to the head and the
 * yielder still runs; the last hand-off goes to a thread that blocked in
 * rts_join (a block with an `after`, which the fused resume leaves to
 * completeHandoff).  Every hundredth put follows a major GC, so the put
 * finds its taker's TSO and STACK clean and takes the general path instead
 * of Note [Putting to a lone taker]'s, and the take that follows finds the
 * ponger's STACK clean (the put dirtied only its TSO): the fused take must
 * leave the hand-off to the general path, which dirties it — the ponger
 * checks that it always runs dirty. */
static void test_one_capability_block(void)
{
    for (int with_yielder = 0; with_yielder <= 1; with_yielder++) {
        pp_rounds = 500;
        pp_yields = 0;
        pp_clean_runs = 0;
        RtsFrame f = rts_frame_push(2);
        rts_set(f, 0, (StgClosure *)rts_newMVar());
        rts_set(f, 1, (StgClosure *)rts_newMVar());
        StgClosure *both[2] = { rts_get(f, 0), rts_get(f, 1) };
        rts_ThreadId p = rts_fork_with(pp_ponger, NULL, 2, both);
        rts_ThreadId y = with_yielder ? rts_fork_with(pp_yielder, NULL, 0, NULL) : p;
        uint64_t handoffs0 = capabilityHandoffs(0);
        for (long i = 0; i < pp_rounds; i++) {
            if (i % 100 == 50)
                rts_gc(true);   /* the waiting taker's TSO, STACK, MVar clean: the general put */
            rts_putMVarRoot(f, 0, box((StgWord)i));
            CHECK(unbox(rts_takeMVarRoot(f, 1)) == (StgWord)i);
        }
        if (one_cap())
            /* all but two: the loop starts the ponger and sees it finish */
            CHECK(capabilityHandoffs(0) - handoffs0 >= 2 * (uint64_t)pp_rounds - 2);
        CHECK(rts_join(p));
        CHECK(pp_clean_runs == 0);
        if (with_yielder) {
            CHECK(rts_join(y));
            CHECK(pp_yields == 200);
        }
        CHECK(rts_isEmptyMVar((StgMVar *)rts_get(f, 0)));
        CHECK(rts_isEmptyMVar((StgMVar *)rts_get(f, 1)));
        rts_frame_pop(f);
    }
}

/* Is p on cap's own mut list for p's generation? */
static bool on_cap_mut_list(Capability *cap, const void *p)
{
    uint32_t g = Bdescr((StgPtr)p)->gen_no;
    for (bdescr *bd = g > 0 ? cap->mut_lists[g] : NULL; bd != NULL; bd = bd->link)
        for (StgPtr q = bd->start; q < bd->free; q++)
            if ((const void *)*q == p)
                return true;
    return false;
}

static volatile int dr_ok = -1;

/* Blocks on the MVar in its fork frame's slot 0; once woken, looks at its
 * own TSO and STACK. */
static void dr_taker(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    (void)rts_takeMVarRoot(f, 0);
    Capability *cap = myCapability();
    StgTSO *me = cap->current_tso;
    dr_ok = me->dirty && (me->stackobj->dirty & STACK_DIRTY) && Bdescr((StgPtr)me)->gen_no > 0
            && (!one_cap() || (on_cap_mut_list(cap, me) && on_cap_mut_list(cap, me->stackobj)));
}

/* Note [Dirtying the thread about to run] (rts/Schedule.h): a thread
 * blocked across two major GCs has an old, CLEAN TSO; when it runs again
 * its TSO and STACK are dirty, and on one capability recorded on the mut
 * list of the capability running it — although nothing wrote its TSO when
 * it was woken (the run queue was empty).  The thread calling rts_gc goes
 * on running dirty too. */
static void test_running_thread_dirty(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    StgClosure *mv = rts_get(f, 0);
    dr_ok = -1;
    rts_ThreadId t = rts_fork_with(dr_taker, NULL, 1, &mv);
    while (((StgMVar *)rts_get(f, 0))->head == (StgMVarTSOQueue *)END_TSO_QUEUE)
        rts_yield();
    rts_gc(true);
    rts_gc(true);
    StgTSO *taker = ((StgMVar *)rts_get(f, 0))->head->tso;
    CHECK(Bdescr((StgPtr)taker)->gen_no > 0 && !taker->dirty);
    StgTSO *me = myCapability()->current_tso;
    CHECK(me->dirty && (me->stackobj->dirty & STACK_DIRTY));
    rts_putMVarRoot(f, 0, box(7));
    CHECK(rts_join(t));
    CHECK(dr_ok == 1);
    rts_frame_pop(f);
}

static int mvar_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_try_variants();
    test_fifo_takers();
    test_fifo_putters();
    test_readers_first();
    test_inflight_survives_gc();
    test_inflight_barrier();
    test_root_api();
    test_blocking_collects();
    test_blocked_since();
    test_head_pop_barrier();
    test_clean_on_mut_list_check();
    test_queue_node_blocks();
    test_one_capability_block();
    test_running_thread_dirty();
    printf("test_mvar: all passed\n");
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, mvar_main);
}
