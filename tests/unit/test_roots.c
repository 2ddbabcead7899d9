/* test_roots.c — the C roots API (Roots.c, RtsAPI.c) against the real GC:
 * objects held in root frames survive collections (and move), frames grow
 * the STACK, mutvar/array write barriers keep old-to-young references
 * alive through minor GCs, pinned bytes never move, and the debug build
 * catches a stale frame handle and a non-LIFO pop with a clear barf.
 *
 * Linked with librts_debug (DEBUG: handle checks on).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rts.h"
#include "Roots.h"
#include "RtsFlags.h"
#include "sm/Storage.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

RTS_DEFINE_CONSTR(Cell, 1, 1)      /* next, value */

/* A list of n cells with values 0..n-1 (head holds n-1), in slot `slot`. */
static void build_list(RtsFrame f, uint32_t slot, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        StgClosure *c = rts_alloc_constr_from(&Cell_con_info, f, slot);  /* next = the list so far */
        rts_constr_set_word(c, 0, i);
        rts_set(f, slot, c);
    }
}

static void check_list(StgClosure *c, unsigned n)
{
    for (unsigned i = n; i-- > 0; c = rts_constr_ptr(c, 0)) {
        CHECK(c != NULL);
        CHECK(c->header.info == &Cell_con_info);
        CHECK(rts_constr_word(c, 0) == i);
    }
    CHECK(c == NULL);
}

static void test_survive_gc(void)
{
    RtsFrame f = rts_frame_push(2);
    build_list(f, 0, 5000);                 /* several nursery blocks, at least one GC */
    StgClosure *before = rts_get(f, 0);
    rts_gc(false);
    StgClosure *after = rts_get(f, 0);
    CHECK(after != before);                 /* a nursery object was moved */
    check_list(after, 5000);
    rts_gc(false);
    rts_gc(true);
    check_list(rts_get(f, 0), 5000);
    CHECK(Bdescr(rts_get(f, 0))->gen_no == RtsFlags.GcFlags.generations - 1);
    rts_frame_pop(f);
}

/* Many frames: the STACK grows (and moves), ids stay valid. */
static void test_stack_growth(void)
{
    enum { FRAMES = 300, SLOTS = 7 };
    RtsFrame fr[FRAMES];
    for (unsigned k = 0; k < FRAMES; k++) {
        fr[k] = rts_frame_push(SLOTS);
        CHECK(rts_frame_size(fr[k]) == SLOTS);
        for (unsigned s = 0; s < SLOTS; s++) {
            CHECK(rts_get(fr[k], s) == NULL);
            StgClosure *c = rts_alloc_constr(&Cell_con_info);
            rts_constr_set_word(c, 0, k * SLOTS + s);
            rts_set(fr[k], s, c);
        }
    }
    CHECK(rts_current_cap()->current_tso->stackobj->stack_size > RTS_INITIAL_STACK_WORDS);
    rts_gc(false);
    rts_gc(true);
    for (unsigned k = 0; k < FRAMES; k++)
        for (unsigned s = 0; s < SLOTS; s++)
            CHECK(rts_constr_word(rts_get(fr[k], s), 0) == k * SLOTS + s);
    for (unsigned k = FRAMES; k-- > 0;)
        rts_frame_pop(fr[k]);
}

/* An old mutvar/array pointing at a young object keeps it alive through a
 * minor GC (the write barrier put the old object on the mut list). */
static void test_write_barriers(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, rts_new_mutvar(NULL));
    rts_set(f, 1, rts_new_array(10, NULL));
    rts_gc(false);
    rts_gc(false);                          /* aged, then promoted */
    CHECK(Bdescr(rts_get(f, 0))->gen_no >= 1);
    CHECK(Bdescr(rts_get(f, 1))->gen_no >= 1);
    rts_gc(true);
    CHECK(rts_get(f, 0)->header.info == &stg_MUT_VAR_CLEAN_info);   /* the GC cleaned it */

    StgClosure *c = rts_alloc_constr(&Cell_con_info);
    rts_constr_set_word(c, 0, 77);
    rts_write_mutvar(rts_get(f, 0), c);
    CHECK(rts_get(f, 0)->header.info == &stg_MUT_VAR_DIRTY_info);
    c = rts_alloc_constr(&Cell_con_info);
    rts_constr_set_word(c, 0, 88);
    rts_array_write(rts_get(f, 1), 3, c);
    CHECK(rts_get(f, 1)->header.info == &stg_MUT_ARR_PTRS_DIRTY_info);

    rts_gc(false);
    rts_gc(false);
    CHECK(rts_constr_word(rts_read_mutvar(rts_get(f, 0)), 0) == 77);
    CHECK(rts_constr_word(rts_array_read(rts_get(f, 1), 3), 0) == 88);
    CHECK(rts_array_read(rts_get(f, 1), 2) == NULL);
    CHECK(rts_array_length(rts_get(f, 1)) == 10);
    rts_frame_pop(f);
}

/* Pinned bytes keep their address; large ones too. */
static void test_pinned_and_large(void)
{
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 0, rts_new_pinned_bytes(100));
    rts_set(f, 1, rts_new_bytes(64 * 1024));           /* large object */
    rts_set(f, 2, rts_new_bytes(24));
    void *pinned = rts_bytes_ptr(rts_get(f, 0));
    StgClosure *large = rts_get(f, 1);
    memset(pinned, 0x42, 100);
    CHECK(Bdescr(pinned)->flags & BF_PINNED);
    CHECK(Bdescr(large)->flags & BF_LARGE);
    CHECK(Bdescr(rts_get(f, 2))->flags & BF_NURSERY);
    rts_gc(false);
    rts_gc(true);
    CHECK(rts_bytes_ptr(rts_get(f, 0)) == pinned);
    CHECK(rts_get(f, 1) == large);
    CHECK(rts_bytes_len(rts_get(f, 0)) == 100 && ((unsigned char *)pinned)[99] == 0x42);
    CHECK(rts_bytes_len(rts_get(f, 2)) == 24);
    rts_frame_pop(f);
}

/* Run fn in a child; it must die by barf with `message` on stderr. */
static void expect_barf(void (*fn)(void), const char *message)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        fn();
        _exit(0);
    }
    close(fds[1]);
    char buf[1024];
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT || !strstr(buf, "internal error: ") ||
        !strstr(buf, message)) {
        fprintf(stderr, "expected a barf with \"%s\"; status %d, stderr: %s\n", message, status, buf);
        exit(1);
    }
}

static void use_after_pop(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_frame_pop(f);
    (void)rts_get(f, 0);
}

static void use_after_pop_and_push(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_frame_pop(f);
    RtsFrame g = rts_frame_push(2);      /* same place on the stack */
    (void)g;
    rts_set(f, 1, NULL);
}

static void pop_out_of_order(void)
{
    RtsFrame f = rts_frame_push(1);
    RtsFrame g = rts_frame_push(1);
    (void)g;
    rts_frame_pop(f);
}

static void slot_out_of_range(void)
{
    RtsFrame f = rts_frame_push(2);
    (void)rts_get(f, 2);
}

int main(int argc, char **argv)
{
    char *args[] = { argv[0], "+RTS", "-A64k", "-DS", "-RTS", NULL };
    int n = 5;
    char **av = args;
    (void)argc;
    rts_init(&n, &av);
    CHECK(n == 1);
    test_survive_gc();
    test_stack_growth();
    test_write_barriers();
    test_pinned_and_large();
    expect_barf(use_after_pop, "rts_get: stale root frame handle");
    expect_barf(use_after_pop_and_push, "rts_set: stale root frame handle");
    expect_barf(pop_out_of_order, "rts_frame_pop: frame id");
    expect_barf(slot_out_of_range, "root slot 2 out of range");
    printf("test_roots: ok\n");
    rts_exit(0);
}
