/* test_gc.c — the copying collector: evacuate/scavenge, aging and
 * promotion, eager promotion, large and pinned objects, mut lists and
 * clean/dirty flips, parallel copying, and -s CPU accounting with the
 * stats-race injection.
 *
 * Each case runs in a child process (this program re-executed with
 * `case NAME +RTS flags -RTS`) so that it gets its own heap and flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "rts.h"
#include "Capability.h"
#include "RtsFlags.h"
#include "sm/Storage.h"
#include "run_child.h"
#include "check.h"

RTS_DEFINE_CONSTR(Cell, 1, 1)       /* next, value */



static uint32_t gen_of(const void *p) { return Bdescr(p)->gen_no; }
static bool in_nursery(const void *p) { return (Bdescr(p)->flags & BF_NURSERY) != 0; }

/* A list of n cells, values 0..n-1 from the head; raw pointer. */
static StgClosure *build_list(unsigned n)
{
    RtsFrame f = rts_frame_push(1);
    for (unsigned i = n; i-- > 0;) {
        StgClosure *c = rts_alloc_constr_from(&Cell_con_info, f, 0);
        rts_constr_set_word(c, 0, i);
        rts_set(f, 0, c);
    }
    StgClosure *head = rts_get(f, 0);
    rts_frame_pop(f);
    return head;
}

static unsigned check_list(const StgClosure *c, unsigned n)
{
    unsigned i = 0, bad = 0;
    for (; c != NULL && i < n; c = rts_constr_ptr(c, 0), i++)
        if (c->header.info != &Cell_con_info || rts_constr_word(c, 0) != i)
            bad++;
    return bad + (i != n);
}

static bool on_mut_list(const void *p, uint32_t gen)
{
    for (uint32_t i = 0; i < n_capabilities; i++)
        for (bdescr *bd = capabilities[i]->mut_lists[gen]; bd; bd = bd->link)
            for (StgPtr e = bd->start; e < bd->free; e++)
                if ((const void *)*e == p)
                    return true;
    return false;
}

/* Objects survive with their values; a nursery survivor ages once in gen 0
 * (an aging block, not a nursery block) and is promoted at the next GC. */
static void case_survive(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, build_list(5000));
    StgClosure *before = rts_get(f, 0);
    CHECK(in_nursery(before), "a fresh object is in the nursery");

    rts_gc(false);
    StgClosure *aged = rts_get(f, 0);
    CHECK(aged != before, "the GC moved the list head");
    CHECK(gen_of(aged) == 0 && !in_nursery(aged), "after one GC: gen %u, nursery %d",
          gen_of(aged), in_nursery(aged));
    CHECK(Bdescr(aged)->flags & BF_EVACUATED, "to-space blocks are BF_EVACUATED");
    CHECK(Bdescr(aged)->dest_no == 1, "aging blocks promote to gen 1 (dest %u)",
          Bdescr(aged)->dest_no);
    CHECK(check_list(aged, 5000) == 0, "values after one GC");

    rts_gc(false);
    StgClosure *promoted = rts_get(f, 0);
    CHECK(gen_of(promoted) == 1, "after two GCs the list is in gen 1 (gen %u)", gen_of(promoted));
    CHECK(check_list(promoted, 5000) == 0, "values after promotion");

    rts_gc(true);
    CHECK(check_list(rts_get(f, 0), 5000) == 0, "values after a major GC");
    rts_frame_pop(f);
}

/* Copying an object from an old generation pulls what it points to up to
 * that generation at once (eager promotion). */
static void case_eager(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, build_list(1));
    rts_gc(false);                              /* the cell ages: gen 0 */
    StgClosure *young = build_list(1);          /* a fresh nursery cell */
    StgClosure *x = rts_get(f, 0);
    CHECK(gen_of(x) == 0 && !in_nursery(x), "x aged");
    rts_constr_set_ptr(x, 0, young);            /* gen 0 object: no barrier needed */
    rts_gc(false);                              /* x promoted to gen 1 ... */
    x = rts_get(f, 0);
    StgClosure *y = rts_constr_ptr(x, 0);
    CHECK(gen_of(x) == 1, "x promoted (gen %u)", gen_of(x));
    CHECK(gen_of(y) == 1, "... and its nursery referent eagerly with it (gen %u)", gen_of(y));
    CHECK(rts_constr_word(y, 0) == 0, "the referent's value");
    rts_frame_pop(f);
}

/* Large objects are relinked, not copied; pinned objects never move. */
static void case_large_pinned(void)
{
    enum { BYTES = 64 * 1024, NPIN = 20 };
    RtsFrame f = rts_frame_push(2 + NPIN);
    rts_set(f, 0, rts_new_bytes(BYTES));
    unsigned char *data = rts_bytes_ptr(rts_get(f, 0));
    for (unsigned i = 0; i < BYTES; i++)
        data[i] = (unsigned char)(i * 7);
    rts_set(f, 1, rts_new_array(2000, NULL));
    for (unsigned i = 0; i < 2000; i += 100)
        rts_array_write(rts_get(f, 1), i, build_list(3));
    void *pinned[NPIN];
    for (unsigned i = 0; i < NPIN; i++) {
        rts_set(f, 2 + i, rts_new_pinned_bytes(40 + i));
        pinned[i] = rts_get(f, 2 + i);
        memset(rts_bytes_ptr(rts_get(f, 2 + i)), (int)i, 40 + i);
    }
    void *big = rts_get(f, 0), *arr = rts_get(f, 1);
    CHECK(Bdescr(big)->flags & BF_LARGE, "a 64 KiB byte array is a large object");
    CHECK(Bdescr(arr)->flags & BF_LARGE, "a 2000-element array is a large object");

    for (int gc = 0; gc < 3; gc++) {
        rts_gc(gc == 2);
        CHECK(rts_get(f, 0) == big, "large byte array not moved (GC %d)", gc);
        CHECK(rts_get(f, 1) == arr, "large array not moved (GC %d)", gc);
        for (unsigned i = 0; i < NPIN; i++)
            CHECK(rts_get(f, 2 + i) == pinned[i], "pinned object %u not moved (GC %d)", i, gc);
    }
    CHECK(gen_of(big) == 1, "the large object was promoted in place (gen %u)", gen_of(big));
    data = rts_bytes_ptr(rts_get(f, 0));
    unsigned bad = 0;
    for (unsigned i = 0; i < BYTES; i++)
        bad += data[i] != (unsigned char)(i * 7);
    CHECK(bad == 0, "large byte array contents (%u bad bytes)", bad);
    for (unsigned i = 0; i < 2000; i += 100)
        CHECK(check_list(rts_array_read(rts_get(f, 1), i), 3) == 0, "array element %u", i);
    for (unsigned i = 0; i < NPIN; i++) {
        unsigned char *p = rts_bytes_ptr(rts_get(f, 2 + i));
        CHECK(p[0] == i && p[39 + i] == i, "pinned object %u contents", i);
    }
    rts_frame_pop(f);
}

/* An old MUT_VAR / MUT_ARR_PTRS written to point at a young object keeps
 * it alive through a minor GC (the mut list is a root), stays DIRTY and
 * on the mut list while the target is younger, and is cleaned once the
 * target has been promoted. */
static void case_mutlist(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_new_mutvar(NULL));
    rts_set(f, 1, rts_new_array(8, NULL));
    rts_gc(false);
    rts_gc(false);
    StgClosure *mv = rts_get(f, 0), *arr = rts_get(f, 1);
    CHECK(gen_of(mv) == 1 && gen_of(arr) == 1, "promoted to gen 1");
    CHECK(mv->header.info == &stg_MUT_VAR_CLEAN_info, "an old MUT_VAR pointing nowhere young is CLEAN");
    CHECK(arr->header.info == &stg_MUT_ARR_PTRS_CLEAN_info, "... and so is the array");
    CHECK(!on_mut_list(mv, 1) && !on_mut_list(arr, 1), "clean objects are not on the mut list");

    StgClosure *young = build_list(10);
    mv = rts_get(f, 0);
    rts_write_mutvar(mv, young);
    young = build_list(20);
    arr = rts_get(f, 1);
    rts_array_write(arr, 3, young);
    mv = rts_get(f, 0);
    CHECK(mv->header.info == &stg_MUT_VAR_DIRTY_info, "the write barrier dirtied the MUT_VAR");
    CHECK(on_mut_list(mv, 1) && on_mut_list(arr, 1), "... and recorded both on the mut list");

    rts_gc(false);                  /* minor: only the mut list keeps the lists alive */
    mv = rts_get(f, 0);
    arr = rts_get(f, 1);
    StgClosure *l1 = rts_read_mutvar(mv), *l2 = rts_array_read(arr, 3);
    CHECK(check_list(l1, 10) == 0 && check_list(l2, 20) == 0, "old-to-young targets survived");
    CHECK(gen_of(l1) == 0 && !in_nursery(l1), "the target aged in gen 0 (no eager promotion "
          "from a mutable object): gen %u", gen_of(l1));
    CHECK(mv->header.info == &stg_MUT_VAR_DIRTY_info, "still points young: stays DIRTY");
    CHECK(arr->header.info == &stg_MUT_ARR_PTRS_DIRTY_info, "array stays DIRTY");
    CHECK(on_mut_list(mv, 1) && on_mut_list(arr, 1), "... and on the mut list");

    rts_gc(false);                  /* the targets are promoted: clean again */
    mv = rts_get(f, 0);
    arr = rts_get(f, 1);
    l1 = rts_read_mutvar(mv);
    l2 = rts_array_read(arr, 3);
    CHECK(gen_of(l1) == 1 && gen_of(l2) == 1, "targets promoted");
    CHECK(check_list(l1, 10) == 0 && check_list(l2, 20) == 0, "values after promotion");
    CHECK(mv->header.info == &stg_MUT_VAR_CLEAN_info, "MUT_VAR flipped back to CLEAN");
    CHECK(arr->header.info == &stg_MUT_ARR_PTRS_CLEAN_info, "array flipped back to CLEAN");
    CHECK(!on_mut_list(mv, 1) && !on_mut_list(arr, 1), "... and dropped from the mut list");
    rts_frame_pop(f);
}

/* With two GC threads a mutable object reachable from many places is
 * copied exactly once: every reference ends up at the same copy. */
static void case_parallel(void)
{
    enum { CELLS = 20000 };
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_new_mutvar(NULL));
    rts_set(f, 1, rts_new_array(CELLS, NULL));
    for (unsigned i = 0; i < CELLS; i++) {
        StgClosure *c = rts_alloc_constr(&Cell_con_info);
        rts_constr_set_ptr(c, 0, rts_get(f, 0));    /* every cell -> the MUT_VAR */
        rts_constr_set_word(c, 0, i);
        rts_array_write(rts_get(f, 1), i, c);
    }
    for (int gc = 0; gc < 6; gc++) {
        rts_gc(gc == 5);
        StgClosure *mv = rts_get(f, 0), *arr = rts_get(f, 1);
        unsigned wrong = 0, bad = 0;
        for (unsigned i = 0; i < CELLS; i++) {
            StgClosure *c = rts_array_read(arr, i);
            wrong += rts_constr_ptr(c, 0) != mv;
            bad += rts_constr_word(c, 0) != i;
        }
        CHECK(wrong == 0, "GC %d: %u cells point at another copy of the MUT_VAR", gc, wrong);
        CHECK(bad == 0, "GC %d: %u cells lost their value", gc, bad);
    }
    CHECK(n_capabilities == 2, "ran with two GC threads");
    CHECK(generations[0].par_collections > 0, "parallel collections were counted");
    rts_frame_pop(f);
}

/* Many small collections with two GC threads and -s (for the stats-race
 * cases: the leader sums the workers' CPU times after every GC). */
static void case_many_gcs(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, build_list(2000));
    for (int i = 0; i < 1500; i++)
        rts_gc(false);
    CHECK(check_list(rts_get(f, 0), 2000) == 0, "values");
    rts_frame_pop(f);
}

static const RunChildCase cases[] = {
    { "survive", case_survive },
    { "eager", case_eager },
    { "large_pinned", case_large_pinned },
    { "mutlist", case_mutlist },
    { "parallel", case_parallel },
    { "many_gcs", case_many_gcs },
};

/* Run `self case NAME +RTS flags -RTS`, capturing stderr into err. */
static int run_child(const char *name, const char *flags, char *err, size_t errlen)
{
    return run_child_as("test_gc", name, flags, err, errlen);
}

static int expect_ok(const char *name, const char *flags)
{
    return run_child_expect_ok("test_gc", name, flags);
}

/* --inject=stats-race must be caught by the assertion in rts/Stats.c (the
 * race is timing-dependent: a few attempts); without it, -s is clean. */
static int check_stats_race(void)
{
    static char err[1 << 16];
    int bad = 0, caught = 0;
    for (int attempt = 0; attempt < 5 && !caught; attempt++) {
        int status = run_child("many_gcs", "-N2 -s -A64k --inject=stats-race", err, sizeof err);
        caught = !(WIFEXITED(status) && WEXITSTATUS(status) == 0)
                 && strstr(err, "ASSERTION FAILED: file rts/Stats.c, line") != NULL
                 && strstr(err, "gc_end_cpu >= t->gc_start_cpu") != NULL;
    }
    printf("%s stats-race injected is caught\n", caught ? "PASS" : "FAIL");
    if (!caught) {
        fprintf(stderr, "last child's stderr:\n%s", err);
        bad++;
    }
    int status = run_child("many_gcs", "-N2 -s -A64k", err, sizeof err);
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0
                 && strstr(err, "ASSERTION FAILED") == NULL
                 && strstr(err, "bytes copied during GC") != NULL
                 && strstr(err, "Parallel GC work balance") != NULL;
    printf("%s stats without injection: no assertion, -s summary printed\n", clean ? "PASS" : "FAIL");
    if (!clean) {
        fprintf(stderr, "%s", err);
        bad++;
    }
    return bad;
}

int main(int argc, char **argv)
{
    run_child_case(&argc, &argv, cases, sizeof cases / sizeof cases[0]);

    int bad = 0;
    bad += expect_ok("survive", "-A64k");
    bad += expect_ok("survive", "-A64k -N2 -DS");
    bad += expect_ok("eager", "-A64k");
    bad += expect_ok("large_pinned", "-A64k -DS");
    bad += expect_ok("large_pinned", "-A64k -N2");
    bad += expect_ok("mutlist", "-A64k -DS");
    bad += expect_ok("mutlist", "-A64k -N2 -G3");
    bad += expect_ok("parallel", "-A64k -N2");
    bad += expect_ok("parallel", "-A64k -N2 -DS");
    bad += check_stats_race();
    printf("%s\n", bad ? "FAILED" : "all passed");
    return bad ? 1 : 0;
}
