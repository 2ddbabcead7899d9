/* bchan-bench.c — BoundedChan throughput (a benchmark).
 *
 *   bchan-bench [MESSAGES [PRODUCERS [CONSUMERS [DEPTH]]]] [+RTS ... -RTS]
 *
 * PRODUCERS threads write MESSAGES small heap values in total into one
 * BoundedChan of DEPTH slots; CONSUMERS threads read them and sum them.
 * Checks that the sum is right (nothing lost or duplicated).  The last line
 * is "bchan: <N> ns/message".  Twins: tests/bench/bchan.hs (GHC, the same
 * BoundedChan), tests/bench/bchan.go (a buffered Go channel).
 * Written against the public header only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rts.h"

RTS_DEFINE_CONSTR(Int, 0, 1)

static long messages = 200000, producers = 4, consumers = 4, depth = 1;
static long long sums[256];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void producer(void *arg)
{
    long p = (long)(intptr_t)arg;
    RtsFrame f = rts_fork_frame();
    for (long v = p; v < messages; v += producers) {
        StgClosure *box = rts_alloc_constr(&Int_con_info);
        rts_constr_set_word(box, 0, (StgWord)v);
        rts_writeBoundedChan(rts_get(f, 0), box);
    }
}

static void consumer(void *arg)
{
    long c = (long)(intptr_t)arg;
    RtsFrame f = rts_fork_frame();
    long long s = 0;
    for (long v = c; v < messages; v += consumers)
        s += (long long)rts_constr_word(rts_readBoundedChan(rts_get(f, 0)), 0);
    sums[c] = s;
}

static long arg(int argc, char **argv, int i, long dflt)
{
    if (argc <= i) return dflt;
    char *end;
    long v = strtol(argv[i], &end, 10);
    if (*end != '\0' || v <= 0) {
        fprintf(stderr, "bchan-bench: bad argument '%s' (expected a positive integer)\n", argv[i]);
        exit(1);
    }
    return v;
}

static int bchan_main(int argc, char **argv)
{
    messages = arg(argc, argv, 1, messages);
    producers = arg(argc, argv, 2, producers);
    consumers = arg(argc, argv, 3, consumers);
    depth = arg(argc, argv, 4, depth);
    if (consumers > 256 || producers > 100000) {
        fprintf(stderr, "bchan-bench: at most 256 consumers and 100000 producers\n");
        return 1;
    }
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_newBoundedChan((uint32_t)depth));
    rts_ThreadId *t = malloc(sizeof *t * (size_t)(producers + consumers));
    if (!t) return 1;
    uint64_t t0 = now_ns();
    for (long c = 0; c < consumers; c++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        t[c] = rts_fork_with(consumer, (void *)(intptr_t)c, 1, v);
    }
    for (long p = 0; p < producers; p++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        t[consumers + p] = rts_fork_with(producer, (void *)(intptr_t)p, 1, v);
    }
    for (long i = 0; i < producers + consumers; i++) rts_join(t[i]);
    uint64_t t1 = now_ns();
    long long total = 0;
    for (long c = 0; c < consumers; c++) total += sums[c];
    free(t);
    rts_frame_pop(f);
    if (total != (long long)messages * (messages - 1) / 2) {
        fprintf(stderr, "bchan-bench: lost or duplicated messages (sum %lld)\n", total);
        return 1;
    }
    printf("bchan: %.1f ns/message\n", (double)(t1 - t0) / (double)messages);
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, bchan_main);
}
