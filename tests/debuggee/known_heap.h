/* known_heap.h — the heap of known shape that the plugin's tests stop in
 * (tests/debuggee/plugin_heap.c) and the runtime decoders' fuzzers
 * snapshot (tests/fuzz/rts_image.c): known_heap_build() fills a frame of
 * at least 8 slots with
 *   0  an empty MVar with three takers queued
 *   1  a full MVar with one putter queued
 *   2  a mutable variable, the key of
 *   3  a weak pointer (value: slot 1) and
 *   4  a finalized (dead) weak pointer
 *   5  a mutable variable (old once the caller collects twice)
 *   7  the gate MVar of the CAF `gated`, under evaluation by a thread
 *      blocked on the gate, with a second thread blocked on its blackhole
 * and evaluates the CAF `answer`.  The caller runs its GCs (promoting the
 * queues, threads and weaks) and adds its own objects.  Included by one
 * file of a program: it defines the program's CAFs and thread bodies. */
#ifndef TESTS_DEBUGGEE_KNOWN_HEAP_H
#define TESTS_DEBUGGEE_KNOWN_HEAP_H

#include "rts.h"

static StgClosure *answer_entry(StgClosure *self)
{
    (void)self;
    return rts_new_mutvar(NULL);
}
RTS_DEFINE_CAF(answer, answer_entry)

static StgClosure *gated_entry(StgClosure *self)
{
    (void)self;
    return rts_takeMVar((StgMVar *)rts_get(rts_fork_frame(), 0));
}
RTS_DEFINE_CAF(gated, gated_entry)

static void gated_forcer(void *arg)
{
    (void)arg;
    rts_force(RTS_CAF(gated));
}

static void taker(void *arg)
{
    (void)arg;
    rts_takeMVar((StgMVar *)rts_get(rts_fork_frame(), 0));
}

static void putter(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 0));
}

static unsigned queue_length(const StgMVar *m)
{
    unsigned n = 0;
    for (const StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE; q = q->link) n++;
    return n;
}

static void known_heap_build(RtsFrame f)
{
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newFullMVar(rts_new_mutvar(NULL)));
    for (int i = 0; i < 3; i++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        rts_fork_with(taker, NULL, 1, v);
    }
    StgClosure *pv[1] = { rts_get(f, 1) };
    rts_fork_with(putter, NULL, 1, pv);
    rts_force(RTS_CAF(answer));
    rts_set(f, 7, (StgClosure *)rts_newMVar());
    for (int i = 0; i < 2; i++) {
        StgClosure *g[1] = { rts_get(f, 7) };
        rts_fork_with(gated_forcer, NULL, 1, g);
    }
    for (int i = 0; i < 200 && (queue_length((StgMVar *)rts_get(f, 0)) < 3 ||
                                queue_length((StgMVar *)rts_get(f, 1)) < 1 ||
                                queue_length((StgMVar *)rts_get(f, 7)) < 1); i++)
        rts_yield();
    rts_set(f, 2, rts_new_mutvar(NULL));
    rts_set(f, 5, rts_new_mutvar(NULL));
    rts_set(f, 3, (StgClosure *)rts_mkWeak(rts_get(f, 2), rts_get(f, 1), NULL, NULL));
    rts_set(f, 4, (StgClosure *)rts_mkWeak(rts_get(f, 2), NULL, NULL, NULL));
    rts_finalizeWeak((StgWeak *)rts_get(f, 4));
}

#endif
