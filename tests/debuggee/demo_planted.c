/* demo_planted.c — a planted broken MVar, to test the demo scripts' steps.
 *
 * The #18919 demo (examples/demos/mvar-18919.sh) waits for the real race
 * to build its precondition, which a run may or may not reach.  This
 * program plants a broken MVar by hand so that tests/integration/
 * demo_18919.sh can check, every time, what the demo does once the
 * runtime's check fires: stop at rts_trap_barf, find the MVar the message
 * names, decode it live, save a core and decode it again from the core.
 * It is not the bug: the MVar's head is simply overwritten with the -DZ
 * fill pattern, and a GC with -DS then reports it.
 * Run with +RTS -DS; without -DS it exits 0.
 */
#include <stdio.h>
#include "rts.h"

static void taker(void *arg)
{
    (void)arg;
    rts_takeMVar((StgMVar *)rts_get(rts_fork_frame(), 0));
}

static int main_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    for (int i = 0; i < 2; i++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        rts_fork_with(taker, NULL, 1, v);
    }
    for (int i = 0; i < 100 && ((StgMVar *)rts_get(f, 0))->head == END_TSO_QUEUE; i++)
        rts_yield();
    rts_gc(false);
    rts_gc(false);          /* the MVar is in generation 1 now, CLEAN */
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    StgMVarTSOQueue *saved = m->head;
    m->head = (StgMVarTSOQueue *)(uintptr_t)0xaaaaaaaaaaaaaaaaULL;
    rts_gc(true);           /* -DS: the sanity check names the MVar and stops */
    m = (StgMVar *)rts_get(f, 0);
    m->head = saved;
    for (int i = 0; i < 2; i++)
        rts_putMVar(m, rts_get(f, 0));
    rts_frame_pop(f);
    printf("no check ran (run with +RTS -DS)\n");
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, main_fn);
}
