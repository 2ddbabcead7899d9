/* threads-hello.c — a tour of the thread API in rts.h: fork with a heap
 * argument, labels, thread ids as values, yield, a safe foreign call that
 * lets the others run, join.
 *
 *   threads-hello [+RTS -N2 -RTS]
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "rts.h"

RTS_DEFINE_CONSTR(Greeting, 0, 1)

/* Foreign code: must not touch the heap (it gets a malloc'd/pinned buffer
 * or plain values). */
static void *slow_square(void *arg)
{
    usleep(50 * 1000);
    long x = (long)(intptr_t)arg;
    return (void *)(intptr_t)(x * x);
}

static void worker(void *arg)
{
    long n = (long)(intptr_t)arg;
    RtsFrame in = rts_fork_frame();             /* the heap value we were given */
    StgWord greeting = rts_constr_word(rts_get(in, 0), 0);
    char me[32];
    rts_showThreadId(rts_myThreadId(), me, sizeof me);
    for (int i = 0; i < 3; i++)
        rts_yield();
    long sq = (long)(intptr_t)rts_safe_call(slow_square, (void *)(intptr_t)n);
    printf("%s: greeting %lu, %ld squared is %ld\n", me, (unsigned long)greeting, n, sq);
}

static int hello_main(int argc, char **argv)
{
    enum { N = 4 };
    rts_ThreadId ids[N];
    for (int i = 0; i < N; i++) {
        StgClosure *g = rts_alloc_constr(&Greeting_con_info);
        rts_constr_set_word(g, 0, 42);
        StgClosure *vals[1] = { g };
        ids[i] = rts_fork_with(worker, (void *)(intptr_t)(i + 1), 1, vals);
        char label[16];
        snprintf(label, sizeof label, "worker-%d", i + 1);
        rts_thread_label(ids[i], label);
    }
    for (int i = 0; i < N; i++)
        rts_join(ids[i]);
    char me[32];
    rts_showThreadId(rts_myThreadId(), me, sizeof me);
    printf("%s (main): all %d workers joined on %u capabilities\n", me, N,
           rts_getNumCapabilities());
    return 0;
}

int main(int argc, char **argv)
{
    rts_main(argc, argv, hello_main);
}
