/* fuzz_driver.c — a standalone driver for libFuzzer targets (gcc builds).
 *
 * Usage: fuzz_X [FILE...]       run each FILE once (reproduce a crash)
 *        fuzz_X                 mutate the target's seeds for FUZZ_SECONDS
 *                               seconds (default 2), at most FUZZ_RUNS inputs
 * The generator's seed is fixed (FUZZ_SEED overrides it), so a run is
 * reproducible up to where the time limit cuts it.  A crash is a failure of
 * the test by itself; the input that crashed is written to
 * fuzz-crash-input by a signal handler first.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_driver.h"

#define MAX_INPUT 512

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    uint64_t x = rng_state;   /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* The input being run, for the crash handler. */
static const unsigned char *current;
static size_t current_len;

static void on_crash(int sig)
{
    int fd = open("fuzz-crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, current, current_len) < 0) { /* nothing more to do */ }
        close(fd);
    }
    static const char msg[] = "fuzz: crash; input saved in fuzz-crash-input\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    signal(sig, SIG_DFL);
    raise(sig);
}

static size_t count(const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return n;
}

/* One mutation of buf (len bytes) in place; returns the new length. */
static size_t mutate(unsigned char *buf, size_t len)
{
    size_t ntok = count(fuzz_tokens), nseed = count(fuzz_seeds);
    switch (rng() % 6) {
    case 0:     /* flip a byte */
        if (len)
            buf[rng() % len] = (unsigned char)rng();
        break;
    case 1:     /* delete a range */
        if (len) {
            size_t at = rng() % len, n = 1 + rng() % 4;
            if (at + n > len)
                n = len - at;
            memmove(buf + at, buf + at + n, len - at - n);
            len -= n;
        }
        break;
    case 2:     /* insert a token */
    case 3: {
        const char *t = fuzz_tokens[rng() % ntok];
        size_t tl = strlen(t), at = len ? rng() % (len + 1) : 0;
        if (len + tl < MAX_INPUT) {
            memmove(buf + at + tl, buf + at, len - at);
            memcpy(buf + at, t, tl);
            len += tl;
        }
        break;
    }
    case 4: {   /* splice the tail of another seed */
        const char *sd = fuzz_seeds[rng() % nseed];
        size_t sl = strlen(sd), from = sl ? rng() % sl : 0, at = len ? rng() % len : 0;
        size_t n = sl - from;
        if (at + n >= MAX_INPUT)
            n = MAX_INPUT - at - 1;
        memcpy(buf + at, sd + from, n);
        len = at + n;
        break;
    }
    default:    /* duplicate a range */
        if (len && len * 2 < MAX_INPUT) {
            memcpy(buf + len, buf, len);
            len *= 2;
        }
        break;
    }
    return len;
}

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    static unsigned char data[1 << 16];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_file(argv[i]);
        return 0;
    }
    double seconds = getenv("FUZZ_SECONDS") ? atof(getenv("FUZZ_SECONDS")) : 2.0;
    long max_runs = getenv("FUZZ_RUNS") ? atol(getenv("FUZZ_RUNS")) : 1000000;
    if (getenv("FUZZ_SEED"))
        rng_state = strtoull(getenv("FUZZ_SEED"), NULL, 0) | 1;
    signal(SIGSEGV, on_crash);
    signal(SIGABRT, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGFPE, on_crash);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t nseed = count(fuzz_seeds);
    unsigned char buf[MAX_INPUT];
    long runs = 0;
    for (size_t i = 0; i < nseed; i++, runs++) {
        current = (const unsigned char *)fuzz_seeds[i];
        current_len = strlen(fuzz_seeds[i]);
        LLVMFuzzerTestOneInput(current, current_len);
    }
    for (;;) {
        if ((runs & 63) == 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            double el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
            if (el >= seconds || runs >= max_runs)
                break;
        }
        const char *sd = fuzz_seeds[rng() % nseed];
        size_t len = strlen(sd);
        if (len >= MAX_INPUT)
            len = MAX_INPUT - 1;
        memcpy(buf, sd, len);
        int rounds = 1 + (int)(rng() % 8);
        for (int r = 0; r < rounds; r++)
            len = mutate(buf, len);
        current = buf;
        current_len = len;
        LLVMFuzzerTestOneInput(buf, len);
        runs++;
    }
    fprintf(stderr, "%s: %ld inputs, no crash\n", argv[0], runs);
    return 0;
}
