/* plugin_trace.c — a known history of MVar operations and GCs, then a
 * stopped heap with old and young objects, for `rts events`, `rts trace
 * mvar`, `rts record`, `rts census`, `rts sanity`, `rts findptr`, `rts bt`
 * (tests/integration/plugin_events.sh and plugin_heap.sh).
 *
 * main calls plugin_trace_begin() first (a test stops there to switch the
 * recorder on with `rts record`), then, on one capability:
 *   - makes an MVar and promotes it to generation 1 (two GCs);
 *   - two takers block on it (their queue nodes in the nursery), a GC
 *     promotes the nodes, two puts wake the takers, a put and a take;
 *   - a third thread blocks for good on a second MVar (for `rts bt`);
 *   - allocates a young mutable variable (nursery) beside an old one;
 * and calls plugin_trace_ready(), where the tests stop it.  Every object
 * is reachable from a root frame, so no GC runs while it is stopped.
 */
#include <stdio.h>
#include "rts.h"

StgMVar *volatile debug_mvar;           /* the traced MVar, generation 1 */
StgMVar *volatile debug_block_mvar;     /* empty: ThreadId of the blocker waits on it */
StgMutVar *volatile debug_old_ref;      /* generation 1 */
StgClosure *volatile debug_young;       /* nursery */

__attribute__((noinline)) void plugin_trace_begin(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void plugin_trace_ready(void)
{
    __asm__ volatile("" ::: "memory");
}

static void taker(void *arg)
{
    (void)arg;
    rts_takeMVar((StgMVar *)rts_get(rts_fork_frame(), 0));
}

static unsigned queue_length(const StgMVar *m)
{
    unsigned n = 0;
    for (const StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE; q = q->link) n++;
    return n;
}

static int main_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    plugin_trace_begin();
    RtsFrame f = rts_frame_push(4);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, rts_new_mutvar(NULL));
    rts_set(f, 2, (StgClosure *)rts_newMVar());
    rts_gc(false);
    rts_gc(false);
    for (int i = 0; i < 2; i++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        rts_fork_with(taker, NULL, 1, v);
    }
    for (int i = 0; i < 200 && queue_length((StgMVar *)rts_get(f, 0)) < 2; i++) rts_yield();
    rts_gc(false);
    for (int i = 0; i < 2; i++) {
        rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 1));
        rts_yield();
    }
    for (int i = 0; i < 10; i++) rts_yield();
    rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 1));
    rts_takeMVar((StgMVar *)rts_get(f, 0));
    StgClosure *b[1] = { rts_get(f, 2) };
    rts_fork_with(taker, NULL, 1, b);
    for (int i = 0; i < 200 && queue_length((StgMVar *)rts_get(f, 2)) < 1; i++) rts_yield();
    rts_set(f, 3, rts_new_mutvar(NULL));
    debug_mvar = (StgMVar *)rts_get(f, 0);
    debug_old_ref = (StgMutVar *)rts_get(f, 1);
    debug_block_mvar = (StgMVar *)rts_get(f, 2);
    debug_young = rts_get(f, 3);
    printf("plugin_trace: ready\n");
    fflush(stdout);
    StgClosure *saved_var = debug_old_ref->var, *saved_value = debug_mvar->value;
    plugin_trace_ready();
    /* resumed (a test may have planted bad pointers): repair, release the blocker */
    debug_old_ref->var = saved_var;
    debug_mvar->value = saved_value;
    rts_putMVar((StgMVar *)rts_get(f, 2), rts_get(f, 1));
    rts_frame_pop(f);
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, main_fn);
}
