/* abi_target.c — a live heap with known shape for the ABI conformance test.
 *
 * Builds an MVar with three threads blocked in takeMVar (their queue nodes
 * moved by a GC), prints the runtime's own view of it using the runtime's
 * headers directly, then stops itself (SIGSTOP) so that abi_reader — which
 * knows only the debug-info table — can decode the same heap from outside.
 */
#include <signal.h>
#include <stdio.h>
#include "rts.h"

/* For debuggers: the MVar while the program is stopped (no GC runs then). */
StgMVar *volatile debug_mvar;

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

static int gen_of(const void *p)
{
    return HEAP_ALLOCED(p) ? Bdescr(p)->gen_no : -1;
}

static int main_fn(int argc, char **argv)
{
    (void)argc; (void)argv;
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    for (int i = 0; i < 3; i++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        rts_fork_with(taker, NULL, 1, v);
    }
    for (int i = 0; i < 100 && queue_length((StgMVar *)rts_get(f, 0)) < 3; i++) rts_yield();
    rts_gc(false);          /* queue nodes and TSOs leave the nursery */
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    printf("mvar %p %s gen %d\n", (void *)m, m->header.info == &stg_MVAR_CLEAN_info ? "CLEAN" : "DIRTY", gen_of(m));
    for (const StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE; q = q->link)
        printf("node %p gen %d tso %p id %u why_blocked %u block_info %p\n", (void *)q, gen_of(q),
               (void *)q->tso, q->tso->id, q->tso->why_blocked, (void *)q->tso->block_info.closure);
    debug_mvar = m;
    printf("READY\n");
    fflush(stdout);
    raise(SIGSTOP);
    /* resumed: release the takers so the program ends cleanly */
    for (int i = 0; i < 3; i++) rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 0));
    rts_frame_pop(f);
    return 0;
}

int main(int argc, char **argv)
{
    rts_main(argc, argv, main_fn);
}
