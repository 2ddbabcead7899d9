/* plugin_heap.c — a stopped heap of known shape for the `rts ...` commands.
 *
 * Three threads blocked taking an empty MVar (their queue nodes moved out
 * of the nursery by a GC), one thread blocked putting into a full MVar, a
 * weak pointer keyed on a mutable variable, a dead (finalized) weak, an
 * old mutable variable on the mut list, an evaluated CAF and a CAF under
 * evaluation by a blocked thread with a second thread blocked on it;
 * then main calls plugin_heap_ready(), where tests/integration/
 * plugin_basic.sh stops it (a breakpoint) and runs every basic command.
 * The globals hold the objects' current addresses for the debugger; no GC
 * runs while the program is stopped; the test corrupts objects with
 * `set var` there and main repairs the one MVar it resumes on.
 */
#include <stdio.h>
#include "rts.h"
#include "known_heap.h"

StgMVar *volatile debug_mvar;        /* empty, three takers queued */
StgMVar *volatile debug_full_mvar;   /* full, one putter queued */
StgWeak *volatile debug_weak;        /* alive */
StgWeak *volatile debug_dead_weak;   /* finalized */
StgClosure *volatile debug_key;
StgClosure *volatile debug_dirty_mutvar; /* in gen 1, on the mut list */
StgClosure *volatile debug_young;        /* in the nursery */

/* The debugger stops here. */
__attribute__((noinline)) void plugin_heap_ready(void)
{
    __asm__ volatile("" ::: "memory");
}

static int main_fn(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    RtsFrame f = rts_frame_push(8);
    known_heap_build(f);
    rts_gc(false);          /* queue nodes, TSOs and weaks leave the nursery... */
    rts_gc(false);          /* ...and are promoted to generation 1 */
    rts_set(f, 6, rts_new_mutvar(NULL));
    rts_write_mutvar(rts_get(f, 5), rts_get(f, 6));     /* old points at young: mut list */
    debug_dirty_mutvar = rts_get(f, 5);
    debug_young = rts_get(f, 6);
    debug_mvar = (StgMVar *)rts_get(f, 0);
    debug_full_mvar = (StgMVar *)rts_get(f, 1);
    debug_key = rts_get(f, 2);
    debug_weak = (StgWeak *)rts_get(f, 3);
    debug_dead_weak = (StgWeak *)rts_get(f, 4);
    printf("queued %u takers, %u putters\n", queue_length(debug_mvar), queue_length(debug_full_mvar));
    fflush(stdout);
    plugin_heap_ready();
    /* resumed: release every blocked thread so the program ends */
    for (int i = 0; i < 3; i++) rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 0));
    rts_takeMVar((StgMVar *)rts_get(f, 1));
    rts_takeMVar((StgMVar *)rts_get(f, 1));
    rts_putMVar((StgMVar *)rts_get(f, 7), rts_get(f, 7));   /* the gated CAF's value */
    rts_frame_pop(f);
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, main_fn);
}
