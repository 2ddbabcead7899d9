/* watch_evac.c — a weak pointer and an MVar that GCs move, for `watch -evac`.
 *
 * main makes an MVar and a weak pointer (keyed on a mutable variable, so it
 * stays alive), publishes their addresses in globals and calls
 * watch_evac_ready(), where tests/integration/watch_evac.sh stops it and
 * arms `watch -evac`.  Then it runs three minor GCs and one major GC,
 * republishing the addresses after each (watch_evac_moved()), and checks
 * the objects are intact.  With the argument "self" it arms an evacuation
 * slot itself, with no debugger, to show the trap is harmless: the program
 * must still print "done" and exit 0.
 */
#include <stdio.h>
#include <string.h>
#include "rts.h"
#include "WatchTable.h"

StgMVar *volatile debug_mvar;
StgWeak *volatile debug_weak;
volatile int debug_gcs;

/* The debugger stops here before the GCs. */
__attribute__((noinline)) void watch_evac_ready(void)
{
    __asm__ volatile("" ::: "memory");
}

/* And here after each GC (the globals hold the new addresses). */
__attribute__((noinline)) void watch_evac_moved(void)
{
    __asm__ volatile("" ::: "memory");
}

static void publish(RtsFrame f)
{
    debug_mvar = (StgMVar *)rts_get(f, 0);
    debug_weak = (StgWeak *)rts_get(f, 2);
}

static int main_fn(int argc, char **argv)
{
    bool self = argc > 1 && strcmp(argv[1], "self") == 0;
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 1, rts_new_mutvar(NULL));
    rts_set(f, 0, (StgClosure *)rts_newFullMVar(rts_get(f, 1)));
    rts_set(f, 2, (StgClosure *)rts_mkWeak(rts_get(f, 1), rts_get(f, 0), NULL, NULL));
    publish(f);
    int slot = -1;
    if (self)
        slot = rts_watch_add((const void *)debug_weak, 8, RTS_WATCH_EVAC, 99);
    watch_evac_ready();
    for (int i = 0; i < 4; i++) {
        rts_gc(i == 3);
        debug_gcs = i + 1;
        publish(f);
        watch_evac_moved();
    }
    /* The objects survived their moves: the weak still finds its value. */
    StgClosure *v = rts_deRefWeak((StgWeak *)rts_get(f, 2));
    bool ok = v == rts_get(f, 0);
    if (self) {
        ok = ok && rts_watch_table.slots[slot].addr == (uint64_t)(uintptr_t)rts_get(f, 2) &&
             rts_watch_table.slots[slot].hits >= 1;
        rts_watch_remove(slot);
    }
    printf("%s\n", ok ? "done" : "objects lost");
    rts_frame_pop(f);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, main_fn);
}
