/* peek — the seed's unsafeDupablePerformIO vs unsafePerformIO benchmark.
 *
 *     peek [samples] +RTS -N2 -RTS
 *
 * The Haskell original (criterion):
 *
 *     let sz = 1024*1024
 *     buf <- mallocBytes sz
 *     let get i = peekByteOff buf i :: IO Word8
 *         peek_d i = unsafeDupablePerformIO (get i)
 *         peek_n i = unsafePerformIO (get i)
 *         idxes = take 1024 $ randomRs (0, sz-1) (mkStdGen 49)
 *     defaultMain [ bench "dup" $ nf (map peek_d) idxes
 *                 , bench "noDup" $ nf (map peek_n) idxes ]
 *
 * One sample = build 1024 thunks `peek_x i` (as `map` does) and force
 * them all (as `nf` does), summing the bytes.  The two variants alternate
 * sample by sample after a warm-up, so both see the same machine; we print
 * mean, standard deviation and median per sample, and the ratio.  The
 * difference is rts_noDuplicate: a walk of the thread's STACK to its last
 * marked update frame, claiming the thunk under evaluation with a CAS
 * (threadPaused) — GHC's noDuplicate# — on every peek.  With -N1
 * noDuplicate is a no-op, as in GHC.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rts.h"

#define SZ (1024 * 1024)
#define N_IDX 1024
#define WARMUP 200

static unsigned char *buf;
static StgWord idxes[N_IDX];

/* Boxed Word8s, preallocated as GHC's static small-int closures, so that a
 * peek allocates nothing but its thunk. */
RTS_DEFINE_CONSTR(W8, 0, 1)
static struct { StgHeader header; StgWord w; } w8_closures[256];

static StgClosure *get(void *arg)                      /* peekByteOff buf i */
{
    return (StgClosure *)&w8_closures[buf[(StgWord)arg]];
}

static StgClosure *peek_d_entry(StgClosure *self)
{
    return rts_unsafeDupablePerformIO(get, (void *)rts_thunk_word(self, 0));
}
static StgClosure *peek_n_entry(StgClosure *self)
{
    return rts_unsafePerformIO(get, (void *)rts_thunk_word(self, 0));
}
RTS_DEFINE_THUNK(PeekD, 0, 1, peek_d_entry)
RTS_DEFINE_THUNK(PeekN, 0, 1, peek_n_entry)

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* nf (map peek) idxes: returns the sum of the bytes, *us the time taken. */
static StgWord sample(const StgInfoTable *peek, double *us)
{
    double t0 = now_us();
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_array(N_IDX, NULL));
    for (StgWord i = 0; i < N_IDX; i++) {
        StgClosure *t = rts_mkThunk(peek, NULL, &idxes[i]);
        rts_array_write(rts_get(f, 0), i, t);
    }
    StgWord sum = 0;
    for (StgWord i = 0; i < N_IDX; i++)
        sum += rts_constr_word(rts_force(rts_array_read(rts_get(f, 0), i)), 0);
    rts_frame_pop(f);
    *us = now_us() - t0;
    return sum;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct stats { double mean, sd, median; };

static struct stats summarise(double *v, int n)
{
    struct stats s = { 0, 0, 0 };
    for (int i = 0; i < n; i++)
        s.mean += v[i];
    s.mean /= n;
    for (int i = 0; i < n; i++)
        s.sd += (v[i] - s.mean) * (v[i] - s.mean);
    s.sd = n > 1 ? sqrt(s.sd / (n - 1)) : 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    s.median = v[n / 2];
    return s;
}

static int peek_main(int argc, char **argv)
{
    int samples = argc > 1 ? atoi(argv[1]) : 2000;
    if (samples < 10 || samples > 10000000) {
        fprintf(stderr, "usage: peek [samples 10..10000000] +RTS -N2 -RTS\n");
        return 1;
    }
    buf = malloc(SZ);
    double *dup = malloc((size_t)samples * sizeof *dup), *nodup = malloc((size_t)samples * sizeof *nodup);
    if (buf == NULL || dup == NULL || nodup == NULL)
        return 1;
    for (int i = 0; i < 256; i++) {
        w8_closures[i].header.info = &W8_con_info;
        w8_closures[i].w = (StgWord)i;
    }
    srand(49);
    for (int i = 0; i < SZ; i++)
        buf[i] = (unsigned char)rand();
    for (int i = 0; i < N_IDX; i++)
        idxes[i] = (StgWord)rand() % SZ;

    double us;
    StgWord sum_d = 0, sum_n = 0;
    for (int i = 0; i < WARMUP; i++) {
        sum_d = sample(&PeekD_thunk_info, &us);
        sum_n = sample(&PeekN_thunk_info, &us);
    }
    for (int i = 0; i < samples; i++) {
        sum_d = sample(&PeekD_thunk_info, &dup[i]);
        sum_n = sample(&PeekN_thunk_info, &nodup[i]);
    }
    if (sum_d != sum_n) {
        fprintf(stderr, "peek: the two variants disagree: %lu vs %lu\n",
                (unsigned long)sum_d, (unsigned long)sum_n);
        return 1;
    }
    struct stats d = summarise(dup, samples), n = summarise(nodup, samples);
    printf("peek: %d peeks per sample, %d samples after %d warm-up, %u capabilities\n",
           N_IDX, samples, WARMUP, rts_getNumCapabilities());
    printf("dup    mean %8.2f us  sd %7.2f us  median %8.2f us\n", d.mean, d.sd, d.median);
    printf("noDup  mean %8.2f us  sd %7.2f us  median %8.2f us\n", n.mean, n.sd, n.median);
    printf("noDup/dup %.2fx mean, %.2fx median (seed, GHC 7.2 criterion means: 142.17/76.43 us = 1.86x)\n",
           n.mean / d.mean, n.median / d.median);
    free(buf);
    free(dup);
    free(nodup);
    return 0;
}

int main(int argc, char **argv)
{
    rts_main(argc, argv, peek_main);
}
