/* plugin_trace_reuse.c — two MVars made one after the other at the same
 * nursery address, for `rts trace mvar` (tests/integration/plugin_events.sh):
 * the trace of the second must not show the first's events
 * (Note [Following an MVar across GCs] in commands/rts_trace.c).
 *
 * On one capability: a GC empties the nursery; the first MVar is the first
 * object allocated after it (address A), gets put, take, put, and survives
 * the next GC, which moves it away and empties the nursery again; the second
 * MVar is again the first object allocated after that GC (the nursery is a
 * bump pointer, so it lands at A too), gets put and take; a third MVar gets
 * a put and is dropped; a third GC moves the first two and frees the third.
 * main prints the birth addresses and stops in plugin_trace_reuse_ready,
 * where the tests look.
 */
#include <stdio.h>
#include "rts.h"

StgMVar *volatile debug_mvar1;          /* the first MVar, where it lives now */
StgMVar *volatile debug_mvar2;          /* the second */

__attribute__((noinline)) void plugin_trace_reuse_ready(void)
{
    __asm__ volatile("" ::: "memory");
}

static int main_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 2, rts_new_mutvar(NULL));        /* the value put, allocated before the GCs */
    rts_gc(false);
    StgMVar *m1 = rts_newMVar();
    rts_set(f, 0, (StgClosure *)m1);
    uintptr_t birth1 = (uintptr_t)m1;
    rts_putMVar(m1, rts_get(f, 2));
    rts_takeMVar(m1);
    rts_putMVar(m1, rts_get(f, 2));
    rts_gc(false);                              /* m1 moves away; the nursery is empty again */
    StgMVar *m2 = rts_newMVar();
    rts_set(f, 1, (StgClosure *)m2);
    uintptr_t birth2 = (uintptr_t)m2;
    rts_putMVar(m2, rts_get(f, 2));
    rts_takeMVar(m2);
    StgMVar *m3 = rts_newMVar();                /* dropped: it dies in the next GC */
    uintptr_t birth3 = (uintptr_t)m3;
    rts_putMVar(m3, rts_get(f, 2));
    rts_gc(false);                              /* m1 and m2 move, m3 is freed */
    debug_mvar1 = (StgMVar *)rts_get(f, 0);
    debug_mvar2 = (StgMVar *)rts_get(f, 1);
    printf("plugin_trace_reuse: born at 0x%lx and 0x%lx: %s\n", (unsigned long)birth1, (unsigned long)birth2,
           birth1 == birth2 ? "same address" : "different addresses");
    printf("plugin_trace_reuse: the dropped MVar was at 0x%lx\n", (unsigned long)birth3);
    fflush(stdout);
    plugin_trace_reuse_ready();
    rts_frame_pop(f);
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, main_fn);
}
