/* pingpong.c — MVar ping-pong between two green threads (a benchmark).
 *
 *   pingpong [ROUNDS [plain]] [+RTS -N1|-N2 -RTS]
 *
 * The main thread puts a value into `ping` and takes one from `pong`; the
 * other thread takes from `ping` and puts into `pong`.  With -N1 both run on
 * one capability (every round trip is two context switches, each a direct
 * hand-off from the blocking thread to the one it woke: Note [Direct
 * hand-off] in rts/Schedule.c); with -N2 the scheduler spreads them over
 * two capabilities (each wake-up crosses OS threads).  Both sides keep
 * their MVars in root frames and use rts_takeMVarRoot/rts_putMVarRoot;
 * "plain" uses rts_get with rts_takeMVar/rts_putMVar instead (the same
 * work through the general API, for comparison).  The last line is
 * "pingpong: <N> ns/roundtrip"; the line before it says which capabilities
 * the two threads ended on.  The same
 * workload in GHC and Go: tests/bench/pingpong.hs, tests/bench/pingpong.go.
 * Written against the public header only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rts.h"

RTS_DEFINE_CONSTR(Ball, 0, 1)

static long rounds = 200000;
static bool plain;
static uint32_t ponger_cap;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The other side: roots {ping, pong} from the fork. */
static void ponger(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    if (plain) {
        for (long i = 0; i < rounds; i++) {
            StgClosure *v = rts_takeMVar((StgMVar *)rts_get(f, 0));
            rts_putMVar((StgMVar *)rts_get(f, 1), v);
        }
    } else {
        for (long i = 0; i < rounds; i++)
            rts_putMVarRoot(f, 1, rts_takeMVarRoot(f, 0));
    }
    ponger_cap = rts_myCapabilityNo();
}

static int pingpong_main(int argc, char **argv)
{
    if (argc > 3 || (argc >= 2 && (rounds = strtol(argv[1], NULL, 10)) <= 0)
        || (argc == 3 && !(plain = strcmp(argv[2], "plain") == 0))) {
        fprintf(stderr, "usage: pingpong [ROUNDS [plain]] [+RTS -N1|-N2 -RTS]\n");
        return 1;
    }
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newMVar());
    StgClosure *both[2] = { rts_get(f, 0), rts_get(f, 1) };
    rts_ThreadId t = rts_fork_with(ponger, NULL, 2, both);
    rts_thread_label(t, "ponger");

    /* A take or put that blocks may collect (Note [Blocking is a safe
     * point] in rts/MVar.c), but the ball is only held from a take, which
     * returns it fresh, to the next put, which protects it: no root needed. */
    StgClosure *ball = rts_alloc_constr(&Ball_con_info);
    uint64_t t0 = now_ns();
    if (plain) {
        for (long i = 0; i < rounds; i++) {
            rts_putMVar((StgMVar *)rts_get(f, 0), ball);
            ball = rts_takeMVar((StgMVar *)rts_get(f, 1));
        }
    } else {
        for (long i = 0; i < rounds; i++) {
            rts_putMVarRoot(f, 0, ball);
            ball = rts_takeMVarRoot(f, 1);
        }
    }
    uint64_t t1 = now_ns();
    uint32_t pinger_cap = rts_myCapabilityNo();
    rts_join(t);
    rts_frame_pop(f);
    printf("pingpong: %ld rounds, capabilities %u (main) and %u (ponger) of %u\n",
           rounds, pinger_cap, ponger_cap, rts_getNumCapabilities());
    printf("pingpong: %.1f ns/roundtrip\n", (double)(t1 - t0) / (double)rounds);
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, pingpong_main);
}
