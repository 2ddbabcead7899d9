/* test_recorder.c — the flight recorder and the watch table (issue 5).
 *
 * Recording is switched on at run time by writing rts_recorder.enabled, as
 * a debugger does; MVar and GC events must then appear with the right
 * payload, the rings must wrap, and category names must parse.  An
 * evacuation watch must follow its object across GCs (the slot holds the new
 * address after each copy) and a free watch must report the object's death.
 * Weaks record their creation, finalization and death at GC; write watches
 * fire on the MVar, TSO and weak fields the runtime mutates, with the old
 * and new values; a sanity failure is recorded and, under -l, the dump
 * written by barf ends with it (that case runs in a child process).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rts.h"
#include "Schedule.h"
#include "FlightRecorder.h"
#include "WatchTable.h"
#include "check.h"
#include "run_child.h"


/* Find the newest event of `type` in ring 0; NULL if none. */
static const RtsEvent *newest(uint16_t type)
{
    EventRing *r = capRing(0);
    for (uint64_t h = r->head; h > 0 && r->head - h < r->size; h--) {
        const RtsEvent *e = &r->events[(h - 1) & (r->size - 1)];
        if (e->type == type) return e;
    }
    return NULL;
}

/* Find the newest event of `type` in any ring; NULL if none. */
static const RtsEvent *newest_anywhere(uint16_t type)
{
    const RtsEvent *best = NULL;
    for (uint32_t i = 0; i < rts_recorder.n_rings; i++) {
        EventRing *r = &rts_recorder.rings[i];
        for (uint64_t h = r->head; h > 0 && r->head - h < r->size; h--) {
            const RtsEvent *e = &r->events[(h - 1) & (r->size - 1)];
            if (e->type == type) {
                if (!best || e->time > best->time) best = e;
                break;
            }
        }
    }
    return best;
}

static int finalized;
static void count_finalizer(StgClosure *env) { (void)env; finalized++; }
static void c_finalizer(void *p) { (void)p; }

/* Weak events: creation, finalization by rts_finalizeWeak, death at GC;
 * and the write watch on a weak: a new C finalizer, then finalization
 * reported on any watched field of the weak. */
static void test_weaks(void)
{
    rts_recorder.enabled = EVCAT_WEAK;
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 0, rts_new_mutvar(NULL));            /* key */
    rts_set(f, 1, rts_new_mutvar(NULL));            /* value */
    rts_set(f, 2, (StgClosure *)rts_mkWeak(rts_get(f, 0), rts_get(f, 1), count_finalizer, NULL));
    StgWeak *w = (StgWeak *)rts_get(f, 2);
    const RtsEvent *e = newest(EVENT_WEAK_CREATE);
    CHECK(e && e->a == (uint64_t)(uintptr_t)w && e->b == (uint64_t)(uintptr_t)rts_get(f, 0) &&
          e->c == (uint64_t)(uintptr_t)rts_get(f, 1) && e->d == (uint64_t)(uintptr_t)w->finalizer &&
          e->d != 0, "EVENT_WEAK_CREATE names the weak, key, value and finalizer");

    /* write watches: the whole weak, and its value field alone */
    int whole = rts_watch_add(w, sizeof(StgWeak), RTS_WATCH_WRITE, 21);
    int value = rts_watch_add(&w->value, sizeof w->value, RTS_WATCH_WRITE, 22);
    StgClosure *old_cfins = w->cfinalizers;
    CHECK(rts_addCFinalizer(w, c_finalizer, NULL), "C finalizer added");
    w = (StgWeak *)rts_get(f, 2);                    /* (rts_addCFinalizer may GC) */
    CHECK(rts_watch_table.slots[whole].hits == 1 && rts_watch_table.slots[value].hits == 0 &&
          rts_watch_table.last.from == (uint64_t)(uintptr_t)&w->cfinalizers &&
          rts_watch_table.last.old_value == (uint64_t)(uintptr_t)old_cfins &&
          rts_watch_table.last.new_value == (uint64_t)(uintptr_t)w->cfinalizers,
          "a new C finalizer is a write of cfinalizers (hits %llu/%llu)",
          (unsigned long long)rts_watch_table.slots[whole].hits,
          (unsigned long long)rts_watch_table.slots[value].hits);
    CHECK(rts_finalizeWeak(w) && finalized == 1, "finalizeWeak runs the finalizer");
    CHECK(rts_watch_table.slots[value].hits == 1 && rts_watch_table.slots[whole].hits == 2 &&
          rts_watch_table.last.old_value == (uint64_t)(uintptr_t)&stg_WEAK_info &&
          rts_watch_table.last.new_value == (uint64_t)(uintptr_t)&stg_DEAD_WEAK_info,
          "finalization hits a watch on the weak's value: WEAK -> DEAD_WEAK");
    e = newest(EVENT_WEAK_FINALIZE);
    CHECK(e && e->a == (uint64_t)(uintptr_t)w && e->c == 1, "EVENT_WEAK_FINALIZE (with C finalizers)");
    rts_watch_remove(whole);
    rts_watch_remove(value);

    /* a weak whose key dies at GC: EVENT_WEAK_DEAD on a GC thread's ring */
    rts_set(f, 2, (StgClosure *)rts_mkWeak(rts_get(f, 0), rts_get(f, 1), count_finalizer, NULL));
    rts_set(f, 0, NULL);                            /* the key is now unreachable */
    rts_gc(true);
    e = newest_anywhere(EVENT_WEAK_DEAD);
    w = (StgWeak *)rts_get(f, 2);
    CHECK(e && e->a == (uint64_t)(uintptr_t)w && rts_recorder.rings[e->ring].kind == 1 &&
          !rts_weakAlive(w), "EVENT_WEAK_DEAD names the weak (now at %p), on a GC ring", (void *)w);
    rts_frame_pop(f);
    rts_recorder.enabled = 0;
}

/* MVar and TSO fields: a write watch on the MVar's value, on its queue
 * (head and tail) and on the blocked thread's why_blocked. */
static void putter(void *arg)
{
    (void)arg;
    StgMVar *m = (StgMVar *)rts_get(rts_fork_frame(), 0);
    rts_putMVar(m, (StgClosure *)m);        /* any closure will do */
}

static void test_write_watches(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    StgTSO *me = myTSO();
    int sv = rts_watch_add(&m->value, sizeof m->value, RTS_WATCH_WRITE, 31);
    int sq = rts_watch_add(&m->head, 2 * sizeof(void *), RTS_WATCH_WRITE, 32);  /* head, tail */
    int st = rts_watch_add(&me->why_blocked, sizeof me->why_blocked, RTS_WATCH_WRITE, 33);
    CHECK(sv >= 0 && sq >= 0 && st >= 0, "three watch slots");
    StgClosure *fork_args[1] = { (StgClosure *)m };
    rts_fork_with(putter, NULL, 1, fork_args);
    StgClosure *v = rts_takeMVar(m);                /* blocks until the putter runs */
    m = (StgMVar *)rts_get(f, 0);
    CHECK(v == (StgClosure *)m, "the putter's value");
    CHECK(rts_watch_table.slots[st].hits >= 2,
          "blocking and waking wrote why_blocked (%llu hits)",
          (unsigned long long)rts_watch_table.slots[st].hits);
    CHECK(rts_watch_table.slots[sq].hits >= 2,
          "queueing and popping the taker wrote head/tail (%llu hits)",
          (unsigned long long)rts_watch_table.slots[sq].hits);
    /* the putter handed its value to us directly: the value field is
     * written only by a put into an empty MVar with no taker */
    uint64_t before = rts_watch_table.slots[sv].hits;
    rts_putMVar(m, v);
    CHECK(rts_watch_table.slots[sv].hits == before + 1 &&
          rts_watch_table.last.from == (uint64_t)(uintptr_t)&m->value &&
          rts_watch_table.last.old_value == (uint64_t)(uintptr_t)END_TSO_QUEUE &&
          rts_watch_table.last.new_value == (uint64_t)(uintptr_t)v,
          "put into an empty MVar: value END_TSO_QUEUE -> the value");
    rts_takeMVar(m);
    CHECK(rts_watch_table.slots[sv].hits == before + 2 &&
          rts_watch_table.last.new_value == (uint64_t)(uintptr_t)END_TSO_QUEUE,
          "take: value -> END_TSO_QUEUE");
    rts_watch_remove(sv);
    rts_watch_remove(sq);
    rts_watch_remove(st);
    rts_frame_pop(f);
}

/* A debugger may write the mask at any moment (Note [Switching categories
 * at run time]): another OS thread flips it, with bits beyond EVCAT_ALL,
 * while this one does MVar operations, weaks and GCs; nothing may break and
 * events must be recorded while it is on. */
static volatile bool flipping;

static void *flip_mask(void *arg)
{
    (void)arg;
    for (uint32_t n = 0; flipping; n++)
        rts_recorder.enabled = (n & 1) ? 0xffffffffu : 0;
    return NULL;
}

static void test_mask_flipping(void)
{
    uint64_t before = 0, after = 0;
    for (uint32_t i = 0; i < rts_recorder.n_rings; i++) before += rts_recorder.rings[i].head;
    pthread_t t;
    flipping = true;
    CHECK(pthread_create(&t, NULL, flip_mask, NULL) == 0, "flipper thread");
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    /* at least 20000 rounds, and on a loaded machine until the flipper
     * has been scheduled and some events recorded (at most ~10 s) */
    for (int i = 0; i < 20000 || (after == before && i < 20000000); i++) {
        rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 0));
        rts_takeMVar((StgMVar *)rts_get(f, 0));
        if (i % 5000 == 0) {
            rts_mkWeak(rts_get(f, 0), rts_get(f, 0), NULL, NULL);
            rts_gc(false);
            after = 0;
            for (uint32_t r = 0; r < rts_recorder.n_rings; r++) after += rts_recorder.rings[r].head;
        }
    }
    rts_frame_pop(f);
    flipping = false;
    pthread_join(t, NULL);
    rts_recorder.enabled = 0;
    after = 0;
    for (uint32_t i = 0; i < rts_recorder.n_rings; i++) after += rts_recorder.rings[i].head;
    CHECK(after > before, "events recorded while the mask was on (%llu)",
          (unsigned long long)(after - before));
}

static long te_rounds;

/* The other side of test_thread_events' ping-pong, through the root API. */
static void te_ponger(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    for (long i = 0; i < te_rounds; i++)
        rts_putMVarRoot(f, 1, rts_takeMVarRoot(f, 0));
}

/* With only the thread category on, a one-capability ping-pong through the
 * root API records every block and every wake-up: the fused take and put
 * (Notes [Taking alone on one capability] and [Putting to a lone taker] in
 * rts/MVar.c) read the thread category with their own, in one read, and
 * leave such a take or put to the general paths, which record. */
static void test_thread_events(void)
{
    te_rounds = 100;
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newMVar());
    StgClosure *both[2] = { rts_get(f, 0), rts_get(f, 1) };
    rts_ThreadId t = rts_fork_with(te_ponger, NULL, 2, both);
    rts_yield();                                /* the ponger blocks on slot 0 */
    EventRing *r = capRing(0);
    uint64_t h0 = r->head;
    rts_recorder.enabled = EVCAT_THREAD;
    for (long i = 0; i < te_rounds; i++) {
        rts_putMVarRoot(f, 0, rts_get(f, 0));
        (void)rts_takeMVarRoot(f, 1);
    }
    rts_recorder.enabled = 0;
    uint64_t h1 = r->head;
    long blocks = 0, wakes = 0;
    for (uint64_t h = h0; h < h1 && h1 - h0 <= r->size; h++) {
        uint16_t type = r->events[h & (r->size - 1)].type;
        blocks += type == EVENT_THREAD_BLOCK;
        wakes += type == EVENT_THREAD_WAKE;
    }
    CHECK(rts_join(t), "ponger joined");
    CHECK(h1 - h0 <= r->size, "the ring holds the ping-pong's events (%llu)",
          (unsigned long long)(h1 - h0));
    /* two takes block and two puts wake per round, but for the ponger's
     * last take */
    CHECK(blocks >= 2 * te_rounds - 1 && wakes >= 2 * te_rounds - 1,
          "thread events of the ping-pong: %ld blocks, %ld wake-ups", blocks, wakes);
    rts_frame_pop(f);
}

/* Child case: +RTS -DS -l<file>: an old CLEAN MUT_VAR made to point at a
 * young object without the barrier; the sanity check barfs. */
static void case_sanity_barf(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_new_mutvar(NULL));
    rts_gc(false);
    rts_gc(false);
    rts_set(f, 1, rts_new_mutvar(NULL));
    ((StgMutVar *)rts_get(f, 0))->var = rts_get(f, 1);     /* no dirty_MUT_VAR */
    fprintf(stderr, "planted: MUT_VAR %p\n", (void *)rts_get(f, 0));
    rts_gc(false);                                          /* barfs */
    rts_frame_pop(f);
}

/* The -l dump written by barf holds the sanity failure, last. */
static void test_dump_on_barf(void)
{
    char path[64], flags[128], err[8192], line[512], last[512] = "";
    snprintf(path, sizeof path, "/tmp/test_recorder.%d.eventlog", (int)getpid());
    snprintf(flags, sizeof flags, "-DS -A64k -l%s", path);
    int status = run_child_as("test_recorder", "sanity_barf", flags, err, sizeof err);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "the child barfs (status 0x%x): %s",
          status, err);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL, "barf wrote the event log %s", path);
    if (!fp) return;
    int n = 0;
    while (fgets(line, sizeof line, fp)) {
        n++;
        if (strstr(line, "EVENT_")) snprintf(last, sizeof last, "%s", line);
    }
    fclose(fp);
    unlink(path);
    const char *planted = strstr(err, "planted: MUT_VAR ");
    char addr[32] = "?";
    if (planted) sscanf(planted + 17, "%31s", addr);
    CHECK(n > 2 && strstr(last, "EVENT_SANITY_FAIL") && strstr(last, addr + 2) &&
          strstr(last, "mut list"), "the dump ends with the sanity failure on %s: %s", addr, last);
}

static int main_fn(int argc, char **argv)
{
    (void)argc; (void)argv;

    /* categories */
    CHECK(parseEventCategories("gc,mvar") == (EVCAT_GC | EVCAT_MVAR), "gc,mvar");
    CHECK(parseEventCategories("all") == EVCAT_ALL, "all");
    CHECK(parseEventCategories("gc,bogus") == -1, "unknown category rejected");

    /* off: nothing recorded */
    uint64_t h0 = capRing(0)->head;
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 0));
    CHECK(capRing(0)->head == h0, "recording off, yet %llu events",
          (unsigned long long)(capRing(0)->head - h0));

    /* on (as a debugger would switch it): a take from a full MVar */
    rts_recorder.enabled = EVCAT_ALL;
    StgClosure *v = rts_takeMVar((StgMVar *)rts_get(f, 0));
    (void)v;
    const RtsEvent *e = newest(EVENT_MVAR_TAKE);
    CHECK(e != NULL, "no EVENT_MVAR_TAKE");
    if (e) {
        CHECK(e->a == (uint64_t)(uintptr_t)rts_get(f, 0), "take event names the MVar");
        CHECK(e->b == (uint64_t)(uintptr_t)END_TSO_QUEUE && (e->d & 0xff) == 0xff,
              "empty queue: head END, generation 0xff (d=0x%llx)", (unsigned long long)e->d);
        CHECK(e->d & (1u << 18), "a new MVar is DIRTY before the take");
    }
    rts_gc(false);
    CHECK(newest(EVENT_GC_START) && newest(EVENT_GC_END), "GC start/end recorded");

    /* rings wrap: head keeps counting, the newest events survive */
    EventRing *r = capRing(0);
    uint64_t before = r->head;
    for (uint32_t i = 0; i < r->size + 10; i++)
        traceEvent(r, EVENT_SANITY_FAIL, i, 0, 0, 0);
    CHECK(r->head == before + r->size + 10, "head counts every event");
    CHECK(r->events[(r->head - 1) & (r->size - 1)].a == r->size + 9, "newest event kept");
    rts_recorder.enabled = 0;

    /* an evacuation watch follows its object */
    rts_set(f, 1, rts_new_mutvar(NULL));
    StgClosure *obj = rts_get(f, 1);
    int slot = rts_watch_add(obj, sizeof(StgMutVar), RTS_WATCH_EVAC, 7);
    CHECK(slot >= 0, "watch slot");
    rts_gc(false);
    StgClosure *moved = rts_get(f, 1);
    CHECK(moved != obj, "the GC moved the object");
    CHECK(rts_watch_table.slots[slot].addr == (uint64_t)(uintptr_t)moved,
          "slot follows the object: 0x%llx vs %p", (unsigned long long)rts_watch_table.slots[slot].addr, (void *)moved);
    CHECK(rts_watch_table.slots[slot].hits == 1, "one hit");
    CHECK(rts_watch_table.last.from == (uint64_t)(uintptr_t)obj &&
          rts_watch_table.last.to == (uint64_t)(uintptr_t)moved, "event from/to");
    rts_gc(false);
    CHECK(rts_watch_table.slots[slot].addr == (uint64_t)(uintptr_t)rts_get(f, 1) &&
          rts_watch_table.last.to_gen == 1, "second GC: followed into generation 1 (to_gen %u)",
          rts_watch_table.last.to_gen);
    rts_watch_remove(slot);
    CHECK(rts_watch_table.n_active == 0, "slot freed");

    /* a free watch reports the object's death */
    StgClosure *doomed = rts_new_mutvar(NULL);
    int fs = rts_watch_add(doomed, 8, RTS_WATCH_FREE, 8);
    rts_gc(false);
    CHECK(rts_watch_table.slots[fs].hits == 1 && rts_watch_table.last.kind == RTS_WATCH_FREE &&
          rts_watch_table.last.from == (uint64_t)(uintptr_t)doomed, "death reported");
    rts_watch_remove(fs);

    rts_frame_pop(f);

    /* the sanity failure event, in process */
    rts_recorder.enabled = EVCAT_SANITY;
    uint64_t object[2] = { 0, 0x1234 };
    traceSanityFailure(object, &object[1], "planted verdict");
    e = newest_anywhere(EVENT_SANITY_FAIL);
    CHECK(e && e->a == (uint64_t)(uintptr_t)object && e->b == (uint64_t)(uintptr_t)&object[1] &&
          e->c == 0x1234 &&
          strcmp((const char *)(uintptr_t)e->d, "planted verdict") == 0,
          "EVENT_SANITY_FAIL: field, value and the verdict");
    rts_recorder.enabled = 0;

    test_weaks();
    test_thread_events();
    test_write_watches();
    test_mask_flipping();
    test_dump_on_barf();

    if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
    printf("test_recorder: ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "case") == 0) {
        rts_init(&argc, &argv);
        if (strcmp(argv[2], "sanity_barf") == 0)
            case_sanity_barf();
        rts_exit(2);                    /* not reached when the case barfs */
    }
    rts_main(argc, argv, main_fn);
}
