/* abi_target.c — a live heap with known shape for the ABI conformance test.
 *
 * Builds an MVar with three threads blocked in takeMVar (their queue nodes
 * moved by a GC), a weak pointer (moved by the GC onto its generation's
 * weak list) and an evaluated CAF (on the CAF list), prints the runtime's
 * own view of them using the runtime's headers directly, then stops itself
 * (SIGSTOP) so that abi_reader — which knows only the debug-info table —
 * can decode the same heap from outside.
 */
#include <signal.h>
#include <stdio.h>
#include "rts.h"
#include "CAF.h"
#include "RtsFlags.h"
#include "sm/Storage.h"

RTS_DEFINE_CONSTR(Answer, 0, 1)

static StgClosure *answer_entry(StgClosure *self)
{
    (void)self;
    StgClosure *c = rts_alloc_constr(&Answer_con_info);
    rts_constr_set_word(c, 0, 42);
    return c;
}
RTS_DEFINE_CAF(answer, answer_entry)

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

static bool on_weak_list(const StgWeak *w)
{
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++)
        for (const StgWeak *x = generations[g].weak_ptr_list; x != NULL; x = x->link)
            if (x == w) return true;
    return false;
}

static bool on_caf_list(const StgIndStatic *caf)
{
    for (const StgIndStatic *c = dyn_caf_list; c != END_OF_CAF_LIST; c = c->static_link)
        if (c == caf) return true;
    return false;
}

static int main_fn(int argc, char **argv)
{
    (void)argc; (void)argv;
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 1, rts_new_mutvar(NULL));        /* the weak's key, kept alive */
    rts_set(f, 2, (StgClosure *)rts_mkWeak(rts_get(f, 1), rts_get(f, 1), NULL, NULL));
    rts_force(RTS_CAF(answer));
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
    const StgWeak *w = (const StgWeak *)rts_get(f, 2);
    printf("weak %p gen %d type %u key %p value %p finalizer %p on_weak_list %s\n", (const void *)w,
           gen_of(w), w->header.info->type, (void *)w->key, (void *)w->value, (void *)w->finalizer,
           on_weak_list(w) ? "yes" : "no");
    const StgIndStatic *caf = &answer_caf;
    printf("caf %p type %u on_caf_list %s\n", (const void *)caf, caf->header.info->type,
           on_caf_list(caf) ? "yes" : "no");
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
