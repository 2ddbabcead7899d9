/* test_sanity.c — the -DS sanity checker catches a planted missing write
 * barrier at the next GC, names the object and the field, and ends in
 * barf ("internal error", non-zero exit); with the barrier it is silent.
 *
 * Each case runs in a child process (this program re-executed with
 * `case NAME +RTS -DS ... -RTS`); the parent checks its stderr and status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "rts.h"
#include "Capability.h"
#include "RtsFlags.h"
#include "Roots.h"
#include "sm/Storage.h"
#include "run_child.h"

RTS_DEFINE_CONSTR(Leaf, 0, 1)

static StgClosure *new_leaf(StgWord v)
{
    StgClosure *c = rts_alloc_constr(&Leaf_con_info);
    rts_constr_set_word(c, 0, v);
    return c;
}

/* An old, CLEAN MUT_VAR; then a young object stored into it, with or
 * without the write barrier. */
static void plant_mutvar(bool barrier)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_new_mutvar(NULL));
    rts_gc(false);
    rts_gc(false);                          /* the MUT_VAR is in gen 1, CLEAN */
    rts_set(f, 1, new_leaf(42));
    StgMutVar *mv = (StgMutVar *)rts_get(f, 0);
    if (barrier)
        rts_write_mutvar((StgClosure *)mv, rts_get(f, 1));
    else
        mv->var = rts_get(f, 1);            /* the bug: no dirty_MUT_VAR */
    fprintf(stderr, "planted: MUT_VAR %p\n", (void *)mv);
    rts_gc(false);                          /* -DS checks before collecting */
    rts_frame_pop(f);
}

static void case_mutvar_no_barrier(void) { plant_mutvar(false); }
static void case_mutvar_barrier(void) { plant_mutvar(true); }

/* #18919 in miniature: a CLEAN MVar in gen 1 whose head is set to a young
 * MVAR_TSO_QUEUE node without dirty_MVAR. */
static void case_mvar_no_barrier(void)
{
    Capability *cap = rts_current_cap();
    RtsFrame f = rts_frame_push(2);
    StgMVar *m = (StgMVar *)allocate(cap, sizeof(StgMVar) / sizeof(StgWord));
    m->header.info = &stg_MVAR_DIRTY_info;
    m->head = m->tail = END_TSO_QUEUE;
    m->value = END_TSO_QUEUE;
    rts_set(f, 0, (StgClosure *)m);
    rts_gc(false);
    rts_gc(false);
    m = (StgMVar *)rts_get(f, 0);
    if (m->header.info != &stg_MVAR_CLEAN_info || Bdescr(m)->gen_no != 1) {
        fprintf(stderr, "set-up failed: MVar not CLEAN in gen 1\n");
        rts_exit(3);
    }
    StgMVarTSOQueue *q = (StgMVarTSOQueue *)allocate(cap, sizeof(StgMVarTSOQueue) / sizeof(StgWord));
    q->header.info = &stg_MVAR_TSO_QUEUE_info;
    q->link = END_TSO_QUEUE;
    q->tso = cap->current_tso;
    m->head = m->tail = q;                  /* the bug: no dirty_MVAR */
    fprintf(stderr, "planted: MVAR %p\n", (void *)m);
    rts_gc(false);
    rts_frame_pop(f);
}

/* A field holding the 0xaa fill pattern (a dangling pointer into freed
 * memory, as in the seed's gdb session). */
static void plant_bad_pointer(StgWord bad)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_mutvar(NULL));
    StgMutVar *mv = (StgMutVar *)rts_get(f, 0);
    mv->var = (StgClosure *)bad;
    fprintf(stderr, "planted: MUT_VAR %p\n", (void *)mv);
    rts_gc(false);
    rts_frame_pop(f);
}

static void case_dangling(void) { plant_bad_pointer(0xaaaaaaaaaaaaaaaaULL); }
/* an aligned address that is neither heap nor static data */
static void case_wild(void) { plant_bad_pointer(0x10000); }

static const RunChildCase cases[] = {
    { "mutvar_no_barrier", case_mutvar_no_barrier },
    { "mutvar_barrier", case_mutvar_barrier },
    { "mvar_no_barrier", case_mvar_no_barrier },
    { "dangling", case_dangling },
    { "wild", case_wild },
};

static int run_child(const char *name, const char *flags, char *err, size_t errlen)
{
    return run_child_as("test_sanity", name, flags, err, errlen);
}

/* The child must fail, and its stderr must contain each of `want` plus the
 * planted object's address (from its "planted: TYPE ADDR" line). */
static int expect_caught(const char *name, const char *flags, const char *const *want)
{
    static char err[1 << 16];
    int status = run_child(name, flags, err, sizeof err), bad = 0;
    char addr[64] = "", barf_line[512] = "";
    const char *p = strstr(err, "planted: ");

    if (p != NULL)
        sscanf(p, "planted: %*s %63s", addr);
    p = strstr(err, "internal error: sanity: ");
    if (p != NULL)
        sscanf(p, "%511[^\n]", barf_line);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        bad++, fprintf(stderr, "  %s: exited 0\n", name);
    if (addr[0] == '\0' || barf_line[0] == '\0' || strstr(barf_line, addr) == NULL)
        bad++, fprintf(stderr, "  %s: the barf line does not name the object %s\n", name, addr);
    for (; *want; want++)
        if (strstr(barf_line, *want) == NULL)
            bad++, fprintf(stderr, "  %s: the barf line lacks \"%s\"\n", name, *want);
    printf("%s %s caught [%s]\n", bad ? "FAIL" : "PASS", name, flags);
    if (bad)
        fprintf(stderr, "child's stderr:\n%s", err);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    run_child_case(&argc, &argv, cases, sizeof cases / sizeof cases[0]);

    static char err[1 << 16];
    int bad = 0;
    static const char *const mutvar[] = { "MUT_VAR_CLEAN", "field var", "gen 1 -> gen 0",
                                          "not on the mut list", NULL };
    static const char *const mvar[] = { "MVAR_CLEAN", "field head", "gen 1 -> gen 0",
                                        "not on the mut list", NULL };
    static const char *const dangling[] = { "MUT_VAR", "field var", "0xaa fill",
                                            "dangling pointer", NULL };
    static const char *const wild[] = { "MUT_VAR", "field var",
                                        "outside the heap and the static area", NULL };
    bad += expect_caught("mutvar_no_barrier", "-DS -A64k", mutvar);
    bad += expect_caught("mutvar_no_barrier", "-DS -A64k -N2", mutvar);
    bad += expect_caught("mvar_no_barrier", "-DS -A64k", mvar);
    bad += expect_caught("dangling", "-DS -A64k", dangling);
    bad += expect_caught("wild", "-DS -A64k", wild);

    /* the same program with the barrier passes -DS */
    int status = run_child("mutvar_barrier", "-DS -A64k", err, sizeof err);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("%s mutvar_barrier passes -DS\n", ok ? "PASS" : "FAIL");
    if (!ok)
        fprintf(stderr, "%s", err), bad++;

    printf("%s\n", bad ? "FAILED" : "all passed");
    return bad ? 1 : 0;
}
