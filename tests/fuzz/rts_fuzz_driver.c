/* rts_fuzz_driver.c — the standalone driver of the runtime-aware fuzz
 * targets (rts_fuzz.h) for "make check" (gcc, no libFuzzer).
 *
 * Usage: fuzz_X FILE...    replay each input file (reproduce a crash)
 *        fuzz_X            run the target's self-test (its regression
 *                          cases), then random patch lists for
 *                          FUZZ_SECONDS seconds (default 3)
 * The generator's seed is fixed (FUZZ_SEED overrides it), so a run makes
 * the same inputs every time, up to where the time limit cuts it.  A crash
 * writes the input to fuzz-crash-input first; an input that takes longer
 * than FUZZ_INPUT_MS milliseconds (default 2000, generous for a loaded
 * machine: a typical one takes a few) is a hang: a timer writes it to
 * fuzz-hang-input and fails the run.  With FUZZ_SAVE_SLOWEST set, the
 * slowest input so far is kept in fuzz-slowest-input.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_rng.h"
#include "rts_fuzz.h"
#include "rts_image.h"

#define MAX_PATCHES 16
#define MAX_PATCH_BYTES (64 * RTS_IMAGE_PATCH_SIZE)

static const uint8_t *current;
static size_t current_len;

static void save(const char *path, const uint8_t *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    if (write(fd, data, len) < 0) { /* nothing more to do */ }
    close(fd);
}

static void on_crash(int sig)
{
    save("fuzz-crash-input", current, current_len);
    static const char msg[] = "fuzz: crash; input saved in fuzz-crash-input\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_hang(int sig)
{
    (void)sig;
    save("fuzz-hang-input", current, current_len);
    static const char msg[] = "fuzz: an input runs past FUZZ_INPUT_MS; saved in fuzz-hang-input\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    signal(SIGABRT, SIG_DFL);
    abort();
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double max_ms, limit_ms;

/* Run one input under the hang timer, timed. */
static void run(const uint8_t *data, size_t len)
{
    current = data;
    current_len = len;
    struct itimerval it = { .it_value = { (time_t)(limit_ms / 1e3), (suseconds_t)((long)limit_ms % 1000 * 1000) } };
    setitimer(ITIMER_REAL, &it, NULL);
    double t0 = now_ms();
    LLVMFuzzerTestOneInput(data, len);
    double ms = now_ms() - t0;
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    if (ms > max_ms) {
        max_ms = ms;
        if (getenv("FUZZ_SAVE_SLOWEST")) save("fuzz-slowest-input", data, len);
    }
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    limit_ms = getenv("FUZZ_INPUT_MS") ? atof(getenv("FUZZ_INPUT_MS")) : 2000.0;
    LLVMFuzzerInitialize(&argc, &argv);
    signal(SIGSEGV, on_crash);
    signal(SIGABRT, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGFPE, on_crash);
    signal(SIGALRM, on_hang);
    if (argc > 1) {
        static uint8_t buf[1 << 16];
        for (int i = 1; i < argc; i++) {
            size_t len = read_file(argv[i], buf, sizeof buf);
            max_ms = 0;
            run(buf, len);
            fprintf(stderr, "%s: %s: %zu patches, %.1f ms, no crash\n", rts_fuzz_name, argv[i],
                    len / RTS_IMAGE_PATCH_SIZE, max_ms);
        }
        return 0;
    }
    /* the self-test's regression cases under the hang timer too */
    struct itimerval it = { .it_value = { (time_t)(5 * limit_ms / 1e3), 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    if (rts_fuzz_selftest() < 0) return 1;
    run(NULL, 0);
    double seconds = getenv("FUZZ_SECONDS") ? atof(getenv("FUZZ_SECONDS")) : 3.0;
    uint64_t state = getenv("FUZZ_SEED") ? strtoull(getenv("FUZZ_SEED"), NULL, 0) | 1 : 0x2545F4914F6CDD1DULL;
    double end = now_ms() + seconds * 1e3;
    long runs = 0;
    static uint8_t buf[MAX_PATCH_BYTES];
    while (now_ms() < end) {
        /* 1 to 16 patches: scattered, or a burst on neighbouring words */
        size_t n = 1 + fuzz_rng(&state) % MAX_PATCHES;
        uint32_t at = (uint32_t)fuzz_rng(&state);
        bool burst = fuzz_rng(&state) % 3 == 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = fuzz_rng(&state);
            uint32_t off = burst ? at + (uint32_t)(x % 8) : (uint32_t)x;
            uint8_t *p = buf + i * RTS_IMAGE_PATCH_SIZE;
            p[0] = (uint8_t)off;
            p[1] = (uint8_t)(off >> 8);
            p[2] = (uint8_t)(off >> 16);
            p[3] = (uint8_t)(x >> 24);
            p[4] = (uint8_t)(x >> 32);
            p[5] = (uint8_t)(x >> 40);
        }
        run(buf, n * RTS_IMAGE_PATCH_SIZE);
        runs++;
    }
    printf("%s: %ld corrupted images, no crash; slowest input %.1f ms\n", rts_fuzz_name, runs, max_ms);
    return 0;
}
