/* Stats.c — +RTS -s / -S statistics (GHC's format) and GC CPU accounting.
 *
 * Offers the stat_* hooks the GC calls and stat_exit.  Times are
 * nanoseconds from clock_gettime: CLOCK_THREAD_CPUTIME_ID for each GC
 * thread's share, CLOCK_PROCESS_CPUTIME_ID for totals, CLOCK_MONOTONIC for
 * elapsed time.  MUT time is total minus GC (and minus init/exit, which we
 * do not separate: they are folded into MUT).
 *
 * Must not depend on: the scheduler, the debugger.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "Stats.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "sm/Storage.h"

static uint64_t clock_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t getProcessCPUTime(void) { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }
uint64_t getCurrentThreadCPUTime(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }
uint64_t getProcessElapsedTime(void) { return clock_ns(CLOCK_MONOTONIC); }

/* An always-on assertion of the accounting invariants; the message names
 * this file as the source tree spells it ("rts/Stats.c"), as GHC's does. */
#define STATS_ASSERT(e) ((e) ? (void)0 : _assertFail(#e, source_path(__FILE__), __LINE__))

static const char *source_path(const char *file)
{
    const char *p = strstr(file, "rts/"), *q;
    while (p != NULL && (q = strstr(p + 1, "rts/")) != NULL)
        p = q;
    return p != NULL ? p : file;
}

typedef struct {
    uint32_t colls;
    uint32_t par_colls;
    uint64_t cpu_ns;
    uint64_t elapsed_ns;
    uint64_t max_pause_ns;
} GenStats;

static struct {
    bool initialised;
    uint64_t start_elapsed;
    uint64_t start_cpu;

    /* the collection in progress */
    uint64_t gc_start_elapsed;
    uint64_t gc_cpu;                /* summed by stat_gcThreadsDone */

    /* totals */
    uint64_t gcs, major_gcs;
    uint64_t allocated_words;       /* up to the last GC */
    uint64_t copied_words;
    uint64_t max_live_words;
    uint64_t cumulative_live_words;
    uint32_t residency_samples;
    uint64_t gc_cpu_ns, gc_elapsed_ns;
    uint64_t par_copied_words;      /* in parallel GCs */
    uint64_t par_balanced_words;    /* see Note [Parallel GC work balance] */
    uint32_t par_threads;
    GenStats gen[MAX_GENERATIONS];
    bool header_printed;
} stats;

void initStats(void)
{
    if (stats.initialised)
        return;
    memset(&stats, 0, sizeof(stats));
    stats.initialised = true;
    stats.start_elapsed = getProcessElapsedTime();
    stats.start_cpu = getProcessCPUTime();
}

static FILE *stats_file(void)
{
    return RtsFlags.GcFlags.statsFile != NULL ? RtsFlags.GcFlags.statsFile : stderr;
}

static bool measuring(void)
{
    return RtsFlags.GcFlags.giveStats != NO_GC_STATS;
}

static uint64_t total_allocated_words(void)
{
    uint64_t w = 0;
    for (uint32_t i = 0; i < n_capabilities; i++)
        w += capabilities[i]->total_allocated;
    return w;
}

void stat_startGC(Capability *cap, gc_thread *leader)
{
    initStats();
    stats.gc_start_elapsed = getProcessElapsedTime();
}

void stat_startGCWorker(Capability *cap, gc_thread *t)
{
    t->copied = 0;
    t->scanned = 0;
    t->gc_start_elapsed = getProcessElapsedTime();
    if (measuring())
        t->gc_start_cpu = getCurrentThreadCPUTime();
}

void stat_endGCWorker(Capability *cap, gc_thread *t)
{
    if (measuring()) {
        t->gc_end_cpu = getCurrentThreadCPUTime();
        STATS_ASSERT(t->gc_end_cpu >= t->gc_start_cpu);
    }
    t->gc_end_elapsed = getProcessElapsedTime();
}

/* Note [Parallel GC work balance]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * For a parallel GC copying C words with n threads, thread i copying c_i,
 * the "balanced" part is B = sum_i min(c_i, C/n): the work that was spread
 * evenly.  B = C/n when one thread did everything and B = C when all did
 * the same.  Summed over all parallel GCs, we print
 *     (B/C - 1/n) / (1 - 1/n)
 * as a percentage: 0% serial, 100% perfect, as GHC labels it.
 */

void stat_gcThreadsDone(uint32_t n_threads)
{
    stats.gc_cpu = 0;
    if (!measuring())
        return;
    for (uint32_t i = 0; i < n_threads; i++) {
        gc_thread *t = gc_threads[i];
        /* Every thread wrote gc_end_cpu before it said "done"; see
         * Note [GC worker hand-shake] in GC.c. */
        STATS_ASSERT(t->gc_end_cpu >= t->gc_start_cpu);
        stats.gc_cpu += t->gc_end_cpu - t->gc_start_cpu;
    }
}

void stat_endGC(Capability *cap, gc_thread *leader, uint32_t gen,
                W_ live_words, uint32_t n_threads)
{
    uint64_t end_elapsed = getProcessElapsedTime();
    uint64_t elapsed = end_elapsed - stats.gc_start_elapsed;
    uint64_t cpu = stats.gc_cpu, copied = 0, alloc_now, alloc;
    GenStats *gs = &stats.gen[gen < MAX_GENERATIONS ? gen : MAX_GENERATIONS - 1];

    for (uint32_t i = 0; i < n_threads; i++)
        copied += gc_threads[i]->copied;
    if (n_threads > 1 && copied > 0) {
        double fair = (double)copied / n_threads;
        for (uint32_t i = 0; i < n_threads; i++) {
            double c = (double)gc_threads[i]->copied;
            stats.par_balanced_words += (uint64_t)(c < fair ? c : fair);
        }
        stats.par_copied_words += copied;
        stats.par_threads = n_threads;
    }

    alloc_now = total_allocated_words();
    alloc = alloc_now - stats.allocated_words;
    stats.allocated_words = alloc_now;

    stats.gcs++;
    stats.copied_words += copied;
    stats.gc_cpu_ns += cpu;
    stats.gc_elapsed_ns += elapsed;
    gs->colls++;
    if (n_threads > 1)
        gs->par_colls++;
    gs->cpu_ns += cpu;
    gs->elapsed_ns += elapsed;
    if (elapsed > gs->max_pause_ns)
        gs->max_pause_ns = elapsed;

    if (gen == RtsFlags.GcFlags.generations - 1) {
        stats.major_gcs++;
        stats.residency_samples++;
        stats.cumulative_live_words += live_words;
        if (live_words > stats.max_live_words)
            stats.max_live_words = live_words;
    }

    if (RtsFlags.GcFlags.giveStats == VERBOSE_GC_STATS) {
        FILE *f = stats_file();
        if (!stats.header_printed) {
            fprintf(f, "    Alloc    Copied     Live     GC     GC      TOT      TOT\n"
                       "    bytes     bytes     bytes   user   elap     user     elap\n");
            stats.header_printed = true;
        }
        fprintf(f, "%9llu %9llu %9llu %6.3f %6.3f %8.3f %8.3f  (Gen: %2u)\n",
                (unsigned long long)(alloc * sizeof(W_)),
                (unsigned long long)(copied * sizeof(W_)),
                (unsigned long long)(live_words * sizeof(W_)),
                cpu / 1e9, elapsed / 1e9,
                (getProcessCPUTime() - stats.start_cpu) / 1e9,
                (end_elapsed - stats.start_elapsed) / 1e9, gen);
        fflush(f);
    }
}

/* 1234567 -> "1,234,567" */
static const char *commas(uint64_t n, char buf[32])
{
    char tmp[32];
    int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

void stat_exit(void)
{
    FILE *f;
    char b1[32];
    uint64_t total_cpu, total_elapsed, mut_cpu, mut_elapsed, alloc_words;

    if (!measuring())
        return;
    initStats();
    f = stats_file();
    total_cpu = getProcessCPUTime() - stats.start_cpu;
    total_elapsed = getProcessElapsedTime() - stats.start_elapsed;
    mut_cpu = total_cpu > stats.gc_cpu_ns ? total_cpu - stats.gc_cpu_ns : 0;
    mut_elapsed = total_elapsed > stats.gc_elapsed_ns ? total_elapsed - stats.gc_elapsed_ns : 0;
    alloc_words = total_allocated_words();

    if (RtsFlags.GcFlags.giveStats == VERBOSE_GC_STATS)
        fputc('\n', f);
    fprintf(f, "%16s bytes allocated in the heap\n", commas(alloc_words * sizeof(W_), b1));
    fprintf(f, "%16s bytes copied during GC\n", commas(stats.copied_words * sizeof(W_), b1));
    fprintf(f, "%16s bytes maximum residency (%u sample(s))\n",
            commas(stats.max_live_words * sizeof(W_), b1), stats.residency_samples);
    fprintf(f, "%16llu MiB total memory in use\n\n",
            (unsigned long long)(n_alloc_blocks() * BLOCK_SIZE / (1024 * 1024)));

    fprintf(f, "                                     Tot time (elapsed)  Avg pause  Max pause\n");
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations && g < MAX_GENERATIONS; g++) {
        GenStats *gs = &stats.gen[g];
        fprintf(f, "  Gen %2u     %5u colls, %5u par   %7.3fs  %7.3fs     %7.4fs   %7.4fs\n",
                g, gs->colls, gs->par_colls, gs->cpu_ns / 1e9, gs->elapsed_ns / 1e9,
                gs->colls ? gs->elapsed_ns / 1e9 / gs->colls : 0.0, gs->max_pause_ns / 1e9);
    }
    fputc('\n', f);
    if (stats.par_copied_words > 0 && stats.par_threads > 1) {
        double n = stats.par_threads;
        double ratio = (double)stats.par_balanced_words / (double)stats.par_copied_words;
        double balance = (ratio - 1.0 / n) / (1.0 - 1.0 / n);
        fprintf(f, "  Parallel GC work balance: %.2f%% (serial 0%%, perfect 100%%)\n\n",
                balance * 100.0);
    }
    fprintf(f, "  MUT     time  %7.3fs  (%7.3fs elapsed)\n", mut_cpu / 1e9, mut_elapsed / 1e9);
    fprintf(f, "  GC      time  %7.3fs  (%7.3fs elapsed)\n",
            stats.gc_cpu_ns / 1e9, stats.gc_elapsed_ns / 1e9);
    fprintf(f, "  Total   time  %7.3fs  (%7.3fs elapsed)\n\n", total_cpu / 1e9, total_elapsed / 1e9);
    fprintf(f, "  Alloc rate    %s bytes per MUT second\n\n",
            commas(mut_cpu ? (uint64_t)(alloc_words * sizeof(W_) / (mut_cpu / 1e9)) : 0, b1));
    fprintf(f, "  Productivity %5.1f%% of total user, %5.1f%% of total elapsed\n\n",
            total_cpu ? 100.0 * mut_cpu / total_cpu : 0.0,
            total_elapsed ? 100.0 * mut_elapsed / total_elapsed : 0.0);
    fflush(f);
}
