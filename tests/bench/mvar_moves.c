/* mvar_moves.c — what recording the GC's MVar moves costs (a benchmark
 * for tests/bench/run-recorder.sh).
 *
 *   mvar_moves [MVARS [GCS]] [+RTS ... -RTS]
 *
 * Makes MVARS empty MVars held by one array, then runs GCS major
 * collections, each of which copies every MVar once: with +RTS
 * --record=mvar each copy is one EVENT_MVAR_MOVE (rts/sm/Evac.c,
 * Note [Recording lost copy races]).  The last line is
 * "mvar_moves: <T> ns per MVar per major GC"; the difference between a
 * run with and without --record=mvar is the cost of recording a move.
 * Written against the public header only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rts.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int moves_main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 50000;
    long gcs = argc > 2 ? atol(argv[2]) : 10;
    if (n <= 0 || gcs <= 0) {
        fprintf(stderr, "usage: mvar_moves [MVARS>0 [GCS>0]] [+RTS ... -RTS]\n");
        return 2;
    }
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_array((StgWord)n, NULL));
    for (long i = 0; i < n; i++) {
        StgClosure *m = (StgClosure *)rts_newMVar();
        rts_array_write(rts_get(f, 0), (StgWord)i, m);
    }
    rts_gc(true);           /* settle: everything in the oldest generation */
    uint64_t t0 = now_ns();
    for (long g = 0; g < gcs; g++)
        rts_gc(true);
    uint64_t t1 = now_ns();
    rts_frame_pop(f);
    printf("mvar_moves: %.2f ns per MVar per major GC\n", (double)(t1 - t0) / ((double)n * (double)gcs));
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, moves_main);
}
