/* test_green.c — the green layer alone (GreenContext.h): context switch,
 * callee-saved registers across switches, C stacks recycled through the
 * pool, lazy commit, and the stack-overflow report naming the thread.
 *
 *   test_green            run every check
 *   test_green bt         run one green thread that stops in bt_leaf()
 *                         (the target of tests/integration/green_gdb_bt.sh)
 *   test_green overflow   overflow a green stack (run by the checks in a child)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "GreenContext.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
                                          __FILE__, __LINE__, #c); exit(1); } } while (0)

static GreenContext main_ctx;
static GreenContext *cur;

/* ---- ping-pong: values survive switches in callee-saved registers ---- */

static volatile long counter;

static void pingpong_entry(void *arg)
{
    long n = (long)arg;
    long local = 1000;              /* lives in a callee-saved register at -O2 */
    for (long i = 0; i < n; i++) {
        counter++;
        local += i;
        greenSwitch(cur, &main_ctx);
    }
    counter = local;
    cur->finished = true;
    greenSwitch(cur, &main_ctx);
    abort();
}

static void test_pingpong(void)
{
    long n = 100000;
    counter = 0;
    cur = greenContextNew(pingpong_entry, (void *)n);
    CHECK(cur != NULL);
    long mine = 7, sum = 0;
    for (long i = 0; i < n; i++) {
        greenSwitch(&main_ctx, cur);
        CHECK(counter == i + 1);
        sum += mine;
    }
    greenSwitch(&main_ctx, cur);
    CHECK(counter == 1000 + n * (n - 1) / 2);
    CHECK(sum == 7 * n);
    greenContextFree(cur);
}

/* ---- many contexts: the pool bounds what stays mapped ---- */

static void finish_entry(void *arg)
{
    *(int *)arg += 1;
    cur->finished = true;
    greenSwitch(cur, &main_ctx);
    abort();
}

static void test_pool(void)
{
    int runs = 0;
    size_t before = greenStacksMapped();
    for (int i = 0; i < 20000; i++) {
        cur = greenContextNew(finish_entry, &runs);
        CHECK(cur != NULL);
        greenSwitch(&main_ctx, cur);
        greenContextFree(cur);
    }
    CHECK(runs == 20000);
    CHECK(greenStacksMapped() - before <= 1);   /* one stack, reused 20000 times */
    CHECK(greenStacksPooled() >= 1);

    /* Many alive at once: distinct stacks, all runnable. */
    enum { N = 300 };
    GreenContext *ctxs[N];
    for (int i = 0; i < N; i++) {
        ctxs[i] = greenContextNew(finish_entry, &runs);
        CHECK(ctxs[i] != NULL);
        for (int j = 0; j < i; j++)
            CHECK(ctxs[j]->stack_lo != ctxs[i]->stack_lo);
    }
    for (int i = 0; i < N; i++) {
        cur = ctxs[i];
        greenSwitch(&main_ctx, cur);
    }
    for (int i = 0; i < N; i++)
        greenContextFree(ctxs[i]);
    CHECK(runs == 20000 + N);
}

/* ---- lazy commit: a fresh stack is not resident until touched ---- */

static void test_lazy_commit(void)
{
    GreenContext *c = greenContextNew(finish_entry, NULL);
    CHECK(c != NULL);
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (size_t)((char *)c->stack_hi - (char *)c->stack_lo) / ps;
    unsigned char *vec = malloc(pages);
    CHECK(mincore(c->stack_lo, pages * ps, vec) == 0);
    size_t resident = 0;
    for (size_t i = 0; i < pages; i++)
        resident += vec[i] & 1;
    /* Only the top page (initial frame) may be resident; pooled stacks may
     * have a few more from earlier runs.  Never the whole stack. */
    CHECK(resident < pages / 4);
    free(vec);
    greenContextFree(c);
}

/* ---- overflow: reported with the thread's id and label ---- */

static __attribute__((noinline)) long recurse(long depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth > (1L << 40))     /* never: the guard page stops us first */
        return 0;
    return recurse(depth + 1) + pad[0];
}

static void overflow_entry(void *arg)
{
    recurse(0);
}

static int run_overflow(void)
{
    greenInitOSThread();
    cur = greenContextNew(overflow_entry, NULL);
    cur->thread_id = 42;
    strcpy(cur->label, "deep-recursion");
    greenSwitch(&main_ctx, cur);
    return 0;   /* not reached */
}

static void test_overflow_report(void)
{
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        _exit(run_overflow());
    }
    close(pipefd[1]);
    char buf[512] = {0};
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(pipefd[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    close(pipefd[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    CHECK(strstr(buf, "rts: stack overflow in thread 42 (deep-recursion)") != NULL);
}

/* A fault that is not in a guard page still crashes as a SIGSEGV. */
static void test_other_fault_passes_on(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        greenInitOSThread();
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        static volatile uintptr_t bad = 16;
        *(volatile int *)bad = 1;
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    /* Killed by the SIGSEGV (or, under ASan, reported and aborted by its
     * handler, which ours hands the fault to): never our overflow exit. */
    CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
          || (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2));
}

/* ---- target of the gdb test ---- */

static volatile int bt_sink;

__attribute__((noinline)) void bt_leaf(int x)
{
    bt_sink = x;
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void bt_middle(int x)
{
    bt_leaf(x + 1);
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void bt_thread_entry(void *arg)
{
    bt_middle(1);
    __asm__ volatile("" ::: "memory");
    cur->finished = true;
    greenSwitch(cur, &main_ctx);
    abort();
}

int main(int argc, char **argv)
{
    greenContextInitNative(&main_ctx);
    if (argc > 1 && strcmp(argv[1], "bt") == 0) {
        cur = greenContextNew(bt_thread_entry, NULL);
        greenSwitch(&main_ctx, cur);
        greenContextFree(cur);
        printf("bt: done\n");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "overflow") == 0)
        return run_overflow();

    greenInitOSThread();
    test_pingpong();
    test_pool();
    test_lazy_commit();
    test_overflow_report();
    test_other_fault_passes_on();
    printf("test_green: ok\n");
    return 0;
}
