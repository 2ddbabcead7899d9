/* dupe — the seed's unsafePerformIO-in-a-CAF program (GHC #5558).
 *
 *     dupe [threads] [--together] +RTS -N2 [--inject=caf-nonatomic] -RTS
 *
 * The Haskell original:
 *
 *     ioThunk :: ()
 *     ioThunk = unsafePerformIO $ do
 *         me <- myThreadId
 *         putStrLn ("IO executed by " ++ show me)
 *     {-# NOINLINE ioThunk #-}
 *
 *     main = do
 *         replicateM_ 100 (forkIO (print ioThunk))
 *         threadDelay 10000 -- wait for other threads
 *
 * ioThunk is a CAF whose value comes from unsafePerformIO, so its effect
 * must run once however many threads force it at once: the output has
 * exactly one "IO executed by ThreadId N" line, then one "()" per thread.
 * With +RTS --inject=caf-nonatomic (GHC 7.2's CAF entry) two threads can
 * both enter the CAF, and sometimes two such lines appear.  Unlike the
 * original, main waits for every thread (rts_join) instead of sleeping,
 * so every run prints every line.
 *
 * --together: the threads wait until all are forked, then force ioThunk at
 * once (they spin on a flag, yielding).  In the seed's program only the
 * first thread of each capability can race, so the bug shows in about one
 * run in 150 here (tests/integration/dupe.sh); started together, threads
 * on both capabilities enter the CAF at the same moment far more often.
 * It changes nothing in the runtime, only the timing of the entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rts.h"

RTS_DEFINE_CONSTR(Unit, 0, 0)
static StgClosure unit = { .header = { .info = &Unit_con_info } };

/* do { me <- myThreadId; putStrLn ("IO executed by " ++ show me) } */
static StgClosure *print_me(void *arg)
{
    (void)arg;
    char shown[32];
    rts_showThreadId(rts_myThreadId(), shown, sizeof shown);
    printf("IO executed by %s\n", shown);
    return &unit;
}

/* ioThunk = unsafePerformIO $ ... */
static StgClosure *ioThunk_entry(StgClosure *self)
{
    (void)self;
    return rts_unsafePerformIO(print_me, NULL);
}
RTS_DEFINE_CAF(ioThunk, ioThunk_entry)

static volatile int go = 1;

/* forkIO (print ioThunk) */
static void print_ioThunk(void *arg)
{
    (void)arg;
    while (!go)
        rts_yield();
    StgClosure *v = rts_force(RTS_CAF(ioThunk));
    printf("%s\n", v == &unit ? "()" : "?");
}

static int dupe_main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    bool together = argc > 2 && strcmp(argv[2], "--together") == 0;
    if (n < 1 || n > 100000 || (argc > 2 && !together) || argc > 3) {
        fprintf(stderr, "usage: dupe [threads 1..100000] [--together] +RTS -N2 -RTS\n");
        return 1;
    }
    go = !together;
    rts_ThreadId *ts = malloc((size_t)n * sizeof *ts);
    if (ts == NULL)
        return 1;
    for (int i = 0; i < n; i++)
        ts[i] = rts_fork(print_ioThunk, NULL);
    go = 1;
    for (int i = 0; i < n; i++)
        rts_join(ts[i]);
    free(ts);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    rts_main(argc, argv, dupe_main);
}
