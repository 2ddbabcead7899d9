/* test_gcbug.c — regression tests for the -N2 -DS "queue: TSO n has
 * block_info X, not this MVar" failure and for the #19145 mut-list check.
 *
 * The failure was the sanity checker's, not the GC's: when two GC threads
 * copy the same MVar, copy_tag's CAS leaves the loser's copy in to-space
 * (GHC does the same), and the heap walk checked that copy's queue as if
 * it were a live MVar (Note [Stale MVar copies], rts/sm/Sanity.c).  The
 * race is rare and timing-dependent, so stale_mvar plants the loser's copy
 * by hand, word for word as copy_tag makes it, next to a live MVar with a
 * blocked taker; -DS must accept it.  lost_node checks that a live MVar's
 * queue is still checked (from its blocked thread).  clean_unlock checks
 * that, under -DS, the GC's mut-list scan catches #19145 (an MVar recorded
 * on a mut list but unlocked CLEAN: --inject=mvar-clean-unlock).
 * stack_pool covers the other failure of the same -N2 repro loop, a jump
 * to address 0: a pooled green stack's pages released (MADV_DONTNEED)
 * after another capability had reused it and written its first frame
 * (greenContextFree, rts/GreenStack.c).
 *
 * Each case runs in a child process (this program re-executed with
 * `case NAME +RTS flags -RTS`); the parent checks its status and stderr.
 * Linked with the non-DEBUG librts, so -DS alone switches the checks on.
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
#include "yield_until.h"

RTS_DEFINE_CONSTR(Box, 0, 1)

#define MVAR_SIZEW (sizeof(StgMVar) / sizeof(StgWord))

static void die(const char *what)
{
    fprintf(stderr, "test_gcbug: set-up failed: %s\n", what);
    exit(3);
}

static StgClosure *box(StgWord v)
{
    StgClosure *b = rts_alloc_constr(&Box_con_info);
    rts_constr_set_word(b, 0, v);
    return b;
}

/* A thread that takes the MVar in slot 0 of its frame. */
static void taker(void *arg)
{
    (void)arg;
    rts_takeMVar((StgMVar *)rts_get(rts_fork_frame(), 0));
}

/* How many threads are queued on the MVar in slot 0 of f. */
static uint32_t queued_on(RtsFrame f)
{
    const StgMVar *m = (const StgMVar *)rts_get(f, 0);
    uint32_t queued = 0;
    for (const StgMVarTSOQueue *q = m->head; q != END_TSO_QUEUE; q = q->link)
        queued++;
    return queued;
}

/* Start a taker on the MVar in slot 0 of f and wait (bounded) until `n`
 * threads are queued on it. */
static rts_ThreadId fork_taker(RtsFrame f, uint32_t n)
{
    StgClosure *v[1] = { rts_get(f, 0) };
    rts_ThreadId t = rts_fork_with(taker, NULL, 1, v);
    YIELD_UNTIL(queued_on(f) >= n);
    if (queued_on(f) < n)
        die("the taker did not block");
    return t;
}

/* Release the takers queued on the MVar in slot 0 of f and join them. */
static void release(RtsFrame f, rts_ThreadId *t, int n)
{
    for (int i = 0; i < n; i++) {
        StgClosure *b = box((StgWord)i);
        rts_putMVar((StgMVar *)rts_get(f, 0), b);
    }
    for (int i = 0; i < n; i++)
        if (!rts_join(t[i]))
            die("join");
}

/* The loser's copy of an MVar with a blocked taker: unreachable, identical
 * to the winner, whose queued TSO's block_info names the winner. */
static int case_stale_mvar(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_ThreadId t = fork_taker(f, 1);
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    StgClosure *stale = (StgClosure *)allocate(rts_current_cap(), MVAR_SIZEW);
    memcpy(stale, m, MVAR_SIZEW * sizeof(StgWord));    /* copy_words, then lose the CAS */
    fprintf(stderr, "planted: stale copy %p of MVar %p\n", (void *)stale, (void *)m);
    rts_gc(false);                                     /* -DS: before and after */
    rts_gc(true);
    release(f, &t, 1);
    rts_frame_pop(f);
    return 0;
}

/* A live MVar that lost its blocked thread's node: still caught. */
static int case_lost_node(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    fork_taker(f, 1);
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    fprintf(stderr, "planted: TSO %p lost from MVar %p\n", (void *)m->head->tso, (void *)m);
    m->head = m->tail = END_TSO_QUEUE;
    rts_gc(false);
    rts_frame_pop(f);
    return 0;
}

/* #19145: an old CLEAN MVar with two blocked takers; one put pops the head
 * and exposes the second node.  With --inject=mvar-clean-unlock it is left
 * CLEAN on a mut list, and the next GC's mut-list scan must barf (-DS). */
static int case_clean_unlock(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_ThreadId t[2];
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    t[0] = fork_taker(f, 1);
    t[1] = fork_taker(f, 2);
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++)
        rts_gc(true);                                  /* to the oldest generation */
    if (((StgMVar *)rts_get(f, 0))->header.info != &stg_MVAR_CLEAN_info)
        die("the MVar is not CLEAN after the GCs");
    StgClosure *one = box(1);
    StgMVar *m = (StgMVar *)rts_get(f, 0);
    rts_putMVar(m, one);
    fprintf(stderr, "planted: MVar %p popped (%s)\n", (void *)m,
            m->header.info == &stg_MVAR_CLEAN_info ? "CLEAN" : "DIRTY");
    rts_gc(false);                                     /* scans the mut lists */
    StgClosure *two = box(2);
    rts_putMVar((StgMVar *)rts_get(f, 0), two);
    for (int i = 0; i < 2; i++)
        if (!rts_join(t[i]))
            die("join");
    rts_frame_pop(f);
    return 0;
}

/* Green-stack pool churn on two capabilities: threads finish (their C
 * stacks go to the pool, beyond POOL_KEEP_RESIDENT with MADV_DONTNEED)
 * while threads on the other capability start on pooled stacks.  The
 * page release used to happen after the stack was back in the pool, so it
 * could zero a new thread's first frame (a jump to address 0). */
static void nop(void *arg) { (void)arg; }

static void spawner(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++) {
        rts_ThreadId t = rts_fork(nop, NULL);
        if (!rts_join(t))
            die("join");
    }
}

static int case_stack_pool(void)
{
    enum { ROUNDS = 40, WIDTH = 160 };
    static rts_ThreadId t[WIDTH];
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < WIDTH; i++)
            t[i] = rts_fork(spawner, NULL);
        for (int i = 0; i < WIDTH; i++)
            if (!rts_join(t[i]))
                die("join");
    }
    return 0;
}

static const struct { const char *name; int (*run)(void); } cases[] = {
    { "stack_pool", case_stack_pool },
    { "stale_mvar", case_stale_mvar },
    { "lost_node", case_lost_node },
    { "clean_unlock", case_clean_unlock },
};

static int case_main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (argc >= 3 && strcmp(cases[i].name, argv[2]) == 0)
            return cases[i].run();
    fprintf(stderr, "test_gcbug: unknown case %s\n", argc >= 3 ? argv[2] : "(none)");
    return 2;
}

/* Run `case name +RTS flags -RTS` in a child (timeout 60 s); its stderr
 * goes to err. */
static int run_child(const char *name, const char *flags, char *err, size_t errlen)
{
    return run_child_as("test_gcbug", name, flags, err, errlen);
}

/* want == NULL: the child must exit 0.  Otherwise it must fail with an
 * "internal error" line containing want. */
static int expect(const char *name, const char *flags, const char *want)
{
    static char err[1 << 16];
    int status = run_child(name, flags, err, sizeof err);
    bool passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const char *barf = strstr(err, "internal error");
    bool ok = want == NULL ? passed && barf == NULL
                           : !passed && barf != NULL && strstr(barf, want) != NULL;

    printf("%s %s [%s] %s\n", ok ? "PASS" : "FAIL", name, flags,
           want ? want : "passes");
    if (!ok)
        fprintf(stderr, "child's status %#x, stderr:\n%s", (unsigned)status, err);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "case") == 0)
        return rts_main(argc, argv, case_main);

    int bad = 0;
    for (int i = 0; i < 3; i++)
        bad += expect("stack_pool", "-N2", NULL);
    bad += expect("stale_mvar", "-DS -A64k", NULL);
    bad += expect("stale_mvar", "-DS -A64k -N2", NULL);
    bad += expect("lost_node", "-DS -A64k", "is not in its queue");
    bad += expect("clean_unlock", "-DS -A64k --inject=mvar-clean-unlock",
                  "MVAR_CLEAN on mutable list");
    bad += expect("clean_unlock", "-DS -A64k -N2 --inject=mvar-clean-unlock",
                  "MVAR_CLEAN on mutable list");
    bad += expect("clean_unlock", "-DS -A64k", NULL);          /* fixed: DIRTY */
    bad += expect("clean_unlock", "-A64k --inject=mvar-clean-unlock", NULL); /* no -DS: no check */
    printf("test_gcbug: %s\n", bad ? "FAILED" : "all passed");
    return bad ? 1 : 0;
}
