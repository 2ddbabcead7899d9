/* forkjoin.c — fork-and-join of many green threads (the benchmark hook of
 * issue 3; GHC's twin is forkIO + an MVar per child, Go's a goroutine +
 * WaitGroup).
 *
 *   forkjoin [N [BATCH]] [+RTS -N2 ...]   default N = 100000, BATCH = 1000
 *
 * Forks BATCH threads, joins them, repeats until N threads have run; each
 * adds its index to a sum that is checked at the end.  Last line:
 *   forkjoin: <ns> ns/thread
 * (wall-clock, fork to join, averaged over N).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rts.h"

static long sum;

static void child(void *arg)
{
    __atomic_add_fetch(&sum, (long)(intptr_t)arg, __ATOMIC_RELAXED);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int forkjoin_main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    long batch = argc > 2 ? atol(argv[2]) : 1000;
    if (n <= 0 || batch <= 0) {
        fprintf(stderr, "forkjoin: N and BATCH must be positive (got %s %s)\n",
                argc > 1 ? argv[1] : "", argc > 2 ? argv[2] : "");
        return 1;
    }
    rts_ThreadId *ids = malloc((size_t)batch * sizeof *ids);
    if (ids == NULL) {
        fprintf(stderr, "forkjoin: out of memory for %ld thread ids\n", batch);
        return 1;
    }
    double t0 = now_ns();
    for (long done = 0; done < n; done += batch) {
        long k = n - done < batch ? n - done : batch;
        for (long j = 0; j < k; j++)
            ids[j] = rts_fork(child, (void *)(intptr_t)(done + j));
        for (long j = 0; j < k; j++)
            rts_join(ids[j]);
    }
    double t1 = now_ns();
    free(ids);
    if (sum != n * (n - 1) / 2) {
        fprintf(stderr, "forkjoin: wrong sum %ld (want %ld)\n", sum, n * (n - 1) / 2);
        return 1;
    }
    printf("forkjoin: %ld threads on %u capabilities\n", n, rts_getNumCapabilities());
    printf("forkjoin: %.0f ns/thread\n", (t1 - t0) / (double)n);
    return 0;
}

int main(int argc, char **argv)
{
    rts_main(argc, argv, forkjoin_main);
}
