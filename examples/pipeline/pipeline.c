/* pipeline.c — the GHC #18919 seed's program, on this runtime.
 *
 *   pipeline [-w WORKERS] [-d DEPTH] [-s SUFFIX] [-o OUT] INPUT.json.gz [+RTS ... -RTS]
 *
 *   source  (main thread)  gunzips INPUT in a safe foreign call, 1000 lines
 *                          at a time, into a pinned byte array (a chunk);
 *                          sends {chunk, promise} to the workers and the
 *                          promise (an empty MVar) to the output thread
 *   workers (WORKERS)      parse each line with jansson on their own green
 *                          thread (not in a safe call), make every name a
 *                          byte array on the heap and cons the ones ending
 *                          in SUFFIX onto a list; at the chunk's end copy
 *                          them into a pinned byte array, put it in the
 *                          promise.  Their allocation is the safe points
 *                          the seed's Haskell workers had: a GC can fall
 *                          mid-chunk, the timer can preempt a worker and
 *                          another capability steal it (Note [Workers
 *                          parse on their green threads])
 *   output  (one thread)   takes the promises in input order, concatenates
 *                          the results into a pinned buffer, writes it out
 *                          in a safe call
 * Every stage is joined by BoundedChans of DEPTH slots (default 1, as in
 * the seed: most contention).  The output is the same for every -N, -A,
 * DEPTH and WORKERS.  On stderr, last line:
 *   pipeline: L lines, M names, checksum 0x..., R lines/s
 * Input: examples/pipeline/gen-fdns.  Twins: tests/bench/pipeline.{hs,go}.
 * Written against the public header only (plus filter.h, plain C).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "rts.h"
#include "filter.h"

/* Note [Why the pipeline does not reach #18919 here]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The only MVar of this program with queues of three or more threads is
 * the work chan's read-position lock (BoundedChan.c): the workers that
 * finished a chunk wait there behind the one that holds it.  The bug
 * needs, after a minor GC, that lock CLEAN in the old generation with an
 * old head and tail and a younger interior node, and then putMVar popping
 * every node before it while no new taker dirties the lock and before the
 * next GC promotes the node.  The GC makes that state only through a lost
 * copy race (Note [How an interior node gets younger than its MVar],
 * examples/mvar-repro.c): an old node X before two nursery nodes Y Z, and
 * two GC threads reaching Y at once, one through X, one through Y's
 * thread.  Session 3 counted all of this with +RTS --gc-chaos (Note [MVar
 * queue census], rts/sm/GCUtils.c), 5M lines (18919 seed),
 * --inject=mvar-no-dirty -A64k -N2 -DS, load 6.5-8.3 on 2 cores:
 *
 *                          minor GCs  >=3 queued  X Y Z  Y's TSO elsewhere  precondition  caught
 *   -w 4,  --gc-chaos=0      2876        579        20          0                0           no
 *   -w 4,  --gc-chaos=1      2867        557        38          3                1 (pos 1)   no
 *   -w 16, --gc-chaos=0      3231       3096       784         11                0           no
 *   -w 16, --gc-chaos=1      3205       2714      1068         19                2 (pos 3+)  no
 *
 * Why: the workers are long-lived, so their TSOs are old.  When Y's
 * thread blocks behind X it records X (X.link = Y) *and* its own TSO on
 * the mut list of the capability it runs on, so one GC thread scans both
 * entries and no race on Y is possible: 92-100% of the X Y Z above.  In
 * the remaining cases the two GC threads must overlap within a copy's
 * window; on this machine the capabilities' OS threads share two cores
 * with the workers' foreign calls and three other builds, and without
 * chaos mode not one queue node lost a race to an older copy (0 of 2-6
 * lost queue-node races per run).  Then the young node must be near the
 * head: with many workers the old part of the queue is long (position 3+).
 * The seed had 12 capabilities on 16 cores, threads migrating between
 * them (so X and Y's TSO on different capabilities' lists) and tens of
 * minutes; here the same program gets seconds on two shared cores.
 * Session 3 also tried, in chaos mode, and dropped for making no
 * measurable difference (1-4 preconditions per 5M lines either way, none
 * caught): GC threads meeting before their root scans, sleeping instead
 * of spinning in the copy pause, promoted copies waiting for the other
 * threads' root scans or for k of their mut-list entries, and GC threads
 * sharing every capability's mut list entry by entry (which made Y's TSO
 * and X land on different threads half the time, but then the young copy
 * of Y nearly always came first and took Z with it: "DIRTY 100").
 * examples/mvar-repro therefore stays the demo's program: it builds
 * hundreds of A -> B -> C queues a round with *young* threads, which the
 * collector's leader reaches through the thread lists (mark_threads in
 * rts/sm/GC.c).  That second route is ours, not GHC's: GHC's roots are
 * the capabilities' run queues, inboxes and suspended calls, not the
 * thread lists; a blocked thread is reached through the queue node that
 * holds it, or resurrected after the weak-pointer phase (reference §2.1).
 * In GHC, as here for the pipeline, the second route to Y is Y's old TSO
 * on another capability's mut list: a thread that ran on one capability
 * after the last GC and blocked on another.  Open question for the next
 * session: making mark_threads GHC's would take mvar-repro's route away.
 *
 * Session 4 made that route GHC's and measured it.  GHC's scheduler dirties
 * the TSO and STACK of the thread it is about to run on the capability
 * running it (rts/Schedule.c schedule(), run_thread: dirty_TSO(cap,t);
 * dirty_STACK(cap,t->stackobj); resumeThread does it again after a safe
 * call), and stg_takeMVarzh then writes CurrentTSO's _link/block_info with
 * no barrier.  Ours dirtied the TSO when it blocked, on the blocking
 * capability; now it does what GHC does (Note [Dirtying the thread about to
 * run] in rts/Schedule.h).  The census, 1M lines (18919 seed),
 * --inject=mvar-no-dirty -A64k -N2 -DS --gc-chaos=0, 5 runs each, load 6-9,
 * 2026-11-23; "steals" are runs of a thread stolen from the other
 * capability's run queue:
 *
 *                 minor GCs  >=3 queued  X Y Z  Y's TSO elsewhere  lost queue races  precondition  steals/runs
 *   -w 4,  before   3137        486        13        1                 15                0          6062/22118
 *   -w 4,  after    2974        500        13        1                 48                0          5792/21915
 *   -w 16, before   3550       3380       971        7                 17                0          6193/22477
 *   -w 16, after    3381       3226       810       11                 28                0          5854/22263
 * and 3 runs each with --gc-chaos=1 instead:
 *   -w 4,  before   1880        348        25        0                174                0          3630/13330
 *   -w 4,  after    1870        292        24        0                157                0          3635/13330
 *   -w 16, before   2036       1695       691        8                388           1 (pos 3+)      3517/13367
 *   -w 16, after    2050       1695       718        8                374           3 (pos 3+)      3528/13416
 * (no run caught: every precondition was 3+ nodes deep, promoted before
 * putMVar reached it, as in session 3).
 *
 * tests/integration/pipeline_soak.sh (10 injected runs of 60 s at most,
 * 20 without the injection), the same day, load 5-10:
 *   before: caught 0/10, clean 20/20; with --gc-chaos=1: caught 0/10, clean 20/20
 *   after:  caught 0/10, clean 20/20; with --gc-chaos=1: caught 0/10, clean 20/20
 *
 * Why it changes nothing here: threads do migrate (a quarter of all thread
 * runs are steals), but the move must fall between a thread's *first* run
 * after a GC (where its TSO is recorded) and its block on the read lock
 * (where X is recorded).  At -A64k there are about 7 thread runs per minor
 * GC, shared by 6 (-w 4) or 18 (-w 16) threads, so the run that records a
 * worker's TSO is nearly always the run that ends in the block: 98-99% of
 * the X Y Z above have Y's TSO on X's capability's list.  (A temporary
 * count, one run each of -w 4 and -w 16, of the dirtyings that recorded an
 * old TSO: scheduler loop 1178/1351, direct hand-off 204/245, return from a
 * safe call 250/219.)  The seed's workers parsed JSON in Haskell, so GHC
 * could preempt one mid-parse (the 20 ms timer, at a heap check) and push
 * it to an idle capability (schedulePushWork) before it blocked: a second
 * run in the same GC cycle, on another capability.  Ours parse a whole
 * chunk in one safe foreign call, which returns to the capability it left
 * (as GHC's resumeThread does) and has no safe point inside, so there is
 * no second run to move.  Our balancing (an idle capability steals from a
 * busy one's tail; GHC's busy capability pushes to idle ones) already
 * moves threads often; making it GHC's push would not create that second
 * run, so it was left alone.  The pipeline stays at 0/10 and
 * examples/mvar-repro remains the demo's program.
 *
 * Later in session 4 the workers stopped parsing in a safe call: they
 * parse line by line on their green threads and allocate every name on
 * the heap as they go (Note [Workers parse on their green threads]), so a
 * GC can fall mid-chunk and the timer can preempt a worker there, as in
 * the seed.  The census as above (1M lines, 18919 seed,
 * --inject=mvar-no-dirty -A64k -N2 -DS), sums over 5 runs each with
 * --gc-chaos=0, the old binary ("safe call") and the new ("green") of the
 * same build alternating run by run, 2026-11-23 09:14-09:16 UTC, load
 * 4.3-6.3 (a throwaway script alternating the two binaries):
 *
 *                    minor GCs  >=3 queued  X Y Z  Y's TSO elsewhere  lost queue races  precondition  steals/runs
 *   -w 4,  safe call   3036        525        23        1                 27                0          5793/21934
 *   -w 4,  green       3938        816        63        2                 17                0          5046/21909
 *   -w 16, safe call   3500       3333       903       10                 33                0          5981/22434
 *   -w 16, green       4465       4032       521        8                 10                0          5491/22347
 * and 3 runs each with --gc-chaos=1 (load 6.3-7.3):
 *   -w 4,  safe call   1922        329        28        1                190           1 (pos 1)       3762/13379
 *   -w 4,  green       2397        450       115        9                208                0          3215/13397
 *   -w 16, safe call   2103       1717       753        9                332           1 (pos 3+)      3803/13588
 *   -w 16, green       2689       2165       627       11                330                0          3397/13478
 *
 * tests/integration/pipeline_soak.sh with the new workers, 09:16-09:20 UTC,
 * load 5.7-8.8 (1M lines: each run takes 2-6 s of its 60):
 *   caught 0/10, clean 20/20; with --gc-chaos=1: caught 0/10, clean 20/20
 *   (the census met the precondition 4 times in the 30 chaos runs, all at
 *   position 1; one was in an injected run, which still ended clean: a new
 *   taker dirtied the lock, or the GC promoted the node, before a putMVar
 *   popped the head)
 * and with 10M lines (LINES=10000000), so that each run uses 17-35 s of
 * its 60, 09:21-09:35 UTC, load 3.5-7.1:
 *   caught 0/10 (100M injected lines), clean 20/20
 * and 10M lines with --gc-chaos=1, 09:38-09:53 UTC, load 2.2-4.8:
 *   caught 1/10, clean 20/20.  The catch, after 12 s of injected run 1:
 *   "sanity: MVAR_CLEAN ... (gen 1, clean) field head: old-to-young
 *   pointer (gen 1 -> gen 0) but the object is not on the mut list of gen
 *   1 (missing write barrier)" -- #18919 itself, the first catch of the
 *   pipeline in any session.  The census met the precondition in 16 of
 *   the 29 runs that finished, always at position 1.  Not measured for
 *   lack of time: the old (safe-call) workers on the same 10M chaos soak,
 *   so the catch may owe as much to the 10x longer runs as to the new
 *   workers.
 *
 * Why it changes so little: the new safe points add GCs (+27%: every name
 * is allocated now, as aeson allocates every record) but hardly any thread
 * runs (4,380-4,490 per run either way).  A chunk is 1.5-3 ms of parsing, the
 * timer ticks every 20 ms, so few ticks land inside one; and a GC that
 * falls mid-chunk stops the worker at a safe point and lets it resume on
 * the same capability, where its first run after the GC records its TSO
 * and its block records X.  Y's TSO is still on X's capability's list in
 * 98-99% of the X Y Z.  Ticking 20 times as often (+RTS -C0.001, 3 runs
 * each, not the seed's flags) gave more runs (5,200 per run) but 0 of 494
 * X Y Z with Y's TSO elsewhere, against 15 of 299 at -C0.02 in the same
 * minutes: preempting a worker mid-parse does not by itself put its TSO on
 * another capability's list here.  The seed's 12 capabilities, tens of
 * minutes and GB of input are what this machine cannot give: the
 * pipeline stays far below 9/10 (0/10 plain, 1/10 with chaos at 10M
 * lines), and examples/mvar-repro remains the demo's program.  The honest workers stay: they are the seed's shape, and still
 * beat GHC's twin.  Pipeline throughput, 500k lines, -w 2 -d 1 -N2, the
 * old binary, the new and GHC's twin (tests/bench/pipeline.hs) in turn:
 *   09:13 UTC, load 3.4-4.1, 6 rounds: new/GHC 1.04-1.26, median 1.11;
 *          old/GHC median 1.33; new/old median 0.85
 *   09:34 UTC, load 4.7-6.2 (one of our soak runs alongside), 7 rounds:
 *          new/GHC 1.21-2.04, median 1.55;
 *          old/GHC median 1.71; new/old median 0.93
 * (GHC's twin loses more to the load than ours; tests/bench/RESULTS.md).
 */

#define LINES_PER_CHUNK 1000
#define OUT_BUFFER (64 * 1024)

RTS_DEFINE_CONSTR(Job, 2, 1)       /* chunk (pinned bytes), promise (MVar); sequence number */
RTS_DEFINE_CONSTR(Stop, 0, 1)      /* end of stream */
RTS_DEFINE_CONSTR(Names, 2, 0)     /* a kept name (bytes), the names kept before it (or NULL) */

static const char *suffix = ".example.com";
static FILE *out;
static unsigned long n_lines, n_bad;
static uint64_t checksum = 0xcbf29ce484222325ULL;    /* FNV-1a of the output */

/* ---- foreign code: gunzip and write, in safe calls; touches no heap object ---- */

/* The gunzip side: a gz stream and the bytes read past the last chunk. */
typedef struct {
    gzFile gz;
    char *buf;          /* buf[0..len): data not yet handed out */
    size_t len, cap;
    size_t chunk_len;   /* result of the last read_chunk: bytes of whole lines */
    size_t chunk_lines;
    int error;
} Source;

/* Read until buf holds LINES_PER_CHUNK whole lines or the input ends. */
static void *read_chunk(void *arg)
{
    Source *s = arg;
    size_t lines = 0, scanned = 0;
    for (;;) {
        for (; scanned < s->len && lines < LINES_PER_CHUNK; scanned++)
            if (s->buf[scanned] == '\n') lines++;
        if (lines == LINES_PER_CHUNK) break;
        if (s->cap - s->len < 65536) {
            size_t ncap = s->cap * 2 + 65536;
            char *nbuf = realloc(s->buf, ncap);
            if (!nbuf) { s->error = ENOMEM; break; }
            s->buf = nbuf;
            s->cap = ncap;
        }
        int n = gzread(s->gz, s->buf + s->len, (unsigned)(s->cap - s->len));
        if (n < 0) { s->error = EIO; break; }
        if (n == 0) {
            int zerr = Z_OK;
            gzerror(s->gz, &zerr);
            if (zerr != Z_OK && zerr != Z_STREAM_END) { s->error = EIO; break; }   /* truncated */
            /* end: a last line without '\n' counts */
            if (scanned > 0 && s->buf[scanned - 1] != '\n') {
                s->buf[s->len++] = '\n';
                lines++;
                scanned = s->len;
            }
            break;
        }
        s->len += (size_t)n;
    }
    s->chunk_len = scanned;
    s->chunk_lines = lines;
    return NULL;
}

typedef struct { const void *p; size_t n; int error; } WriteCall;

static void *write_call(void *arg)
{
    WriteCall *w = arg;
    if (w->n && fwrite(w->p, 1, w->n, out) != w->n) w->error = errno ? errno : EIO;
    return NULL;
}

/* ---- the threads ---- */

/* Roots of the worker and output threads (from rts_fork_with). */
enum { R_WORK, R_OUTQ, N_CHANS };

static StgClosure *new_stop(void)
{
    return rts_alloc_constr(&Stop_con_info);
}

/* Note [Workers parse on their green threads]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The seed's workers parsed with aeson, in Haskell: every line allocated
 * its parsed value and its name on the heap, and B.concat built the
 * chunk's result at the end (tests/bench/pipeline.hs does the same).  So a
 * GHC worker met a heap check on every line: a GC could fall in the middle
 * of a chunk, the 20 ms timer could preempt the worker there, and an idle
 * capability could take it before it blocked on the work chan again.
 * Ours do the same with the public API: jansson parses one line at a time
 * on the worker's own green thread (its C stack is the thread's), the name
 * of every record becomes a byte array in the nursery (rts_new_bytes, a
 * safe point: collect when the nursery is full, yield when the timer
 * asked), the kept ones are consed onto a list of Names, and the pinned
 * result is filled from that list at the end, back to front, since the
 * list is newest first.  Only the gunzip and the write stay in safe calls.
 * The chunk is pinned, so the line pointer into it survives every
 * collection, and the jansson record, malloc'd, is not the GC's to move.
 */

/* Parse and filter one chunk on this green thread, line by line, as the
 * seed's Haskell workers did (Note [Workers parse on their green threads]):
 * every record's name becomes a byte array on the heap ("name\n"), the
 * kept ones are consed onto a list, and only at the end are they copied,
 * in input order, into the pinned result.  Slot 0 of w holds the job (and
 * so the pinned chunk, whose bytes never move); slots 1 and 2 are scratch.
 * Returns the result; every allocation on the way is a safe point. */
static StgClosure *filter_chunk(RtsFrame w, unsigned long *bad)
{
    enum { NAME = 1, KEPT = 2 };               /* a name, the kept names (newest first) */
    StgClosure *chunk = rts_constr_ptr(rts_get(w, 0), 0);
    const char *p = rts_bytes_ptr(chunk), *end = p + rts_bytes_len(chunk);
    size_t total = 0;
    rts_set(w, KEPT, NULL);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);
        Record r;
        if (record_parse(p, linelen, &r)) {
            rts_set(w, NAME, rts_new_bytes(r.name_len + 1));     /* may GC or yield */
            char *name = rts_bytes_ptr(rts_get(w, NAME));
            memcpy(name, r.name, r.name_len);
            name[r.name_len] = '\n';
            if (ends_with(name, r.name_len, suffix)) {
                rts_set(w, KEPT, rts_alloc_constr_from(&Names_con_info, w, NAME));
                total += r.name_len + 1;
            }
            record_done(&r);
        } else {
            (*bad)++;
        }
        p += linelen + 1;
    }
    StgClosure *result = rts_new_pinned_bytes(total);
    char *fill = (char *)rts_bytes_ptr(result) + total;
    for (StgClosure *l = rts_get(w, KEPT); l != NULL; l = rts_constr_ptr(l, 1)) {
        StgClosure *name = rts_constr_ptr(l, 0);
        fill -= rts_bytes_len(name);
        memcpy(fill, rts_bytes_ptr(name), rts_bytes_len(name));
    }
    rts_set(w, NAME, NULL);
    rts_set(w, KEPT, NULL);
    return result;
}

static void worker(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    RtsFrame w = rts_frame_push(3);            /* the job; filter_chunk's scratch */
    unsigned long bad = 0;
    for (;;) {
        StgClosure *job = rts_readBoundedChan(rts_get(f, R_WORK));
        if (job->header.info == &Stop_con_info) break;
        rts_set(w, 0, job);
        StgClosure *result = filter_chunk(w, &bad);
        rts_putMVar((StgMVar *)rts_constr_ptr(rts_get(w, 0), 1), result);
    }
    __atomic_fetch_add(&n_bad, bad, __ATOMIC_RELAXED);
    rts_frame_pop(w);
}

/* Write the first `used` bytes of the pinned buffer in root slot 0 of b. */
static void flush_out(RtsFrame b, size_t used)
{
    const unsigned char *p = rts_bytes_ptr(rts_get(b, 0));
    for (size_t i = 0; i < used; i++) checksum = (checksum ^ p[i]) * 0x100000001b3ULL;
    WriteCall wc = { p, used, 0 };
    rts_safe_call(write_call, &wc);
    if (wc.error) {
        fprintf(stderr, "pipeline: write failed: %s\n", strerror(wc.error));
        exit(1);
    }
}

static void output(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    RtsFrame b = rts_frame_push(2);            /* the concatenation buffer, a result */
    rts_set(b, 0, rts_new_pinned_bytes(OUT_BUFFER));
    size_t used = 0;
    for (;;) {
        StgClosure *promise = rts_readBoundedChan(rts_get(f, R_OUTQ));
        if (promise->header.info == &Stop_con_info) break;
        rts_set(b, 1, rts_takeMVar((StgMVar *)promise));
        size_t n = rts_bytes_len(rts_get(b, 1));
        if (used + n > OUT_BUFFER) {
            flush_out(b, used);
            used = 0;
        }
        if (n > OUT_BUFFER) {                   /* larger than the buffer: write it alone */
            RtsFrame one = rts_frame_push(1);
            rts_set(one, 0, rts_get(b, 1));
            flush_out(one, n);
            rts_frame_pop(one);
            continue;
        }
        memcpy((char *)rts_bytes_ptr(rts_get(b, 0)) + used, rts_bytes_ptr(rts_get(b, 1)), n);
        used += n;
    }
    flush_out(b, used);
    fflush(out);
    rts_frame_pop(b);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr, "usage: pipeline [-w WORKERS] [-d DEPTH] [-s SUFFIX] [-o OUT] INPUT.json.gz\n");
    exit(1);
}

static long positive(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0 || v > 4096) {
        fprintf(stderr, "pipeline: bad %s '%s' (expected 1..4096)\n", what, s);
        exit(1);
    }
    return v;
}

static int pipeline_main(int argc, char **argv)
{
    long workers = 4, depth = 1;
    const char *out_name = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "w:d:s:o:")) != -1) {
        switch (opt) {
        case 'w': workers = positive(optarg, "worker count"); break;
        case 'd': depth = positive(optarg, "depth"); break;
        case 's': suffix = optarg; break;
        case 'o': out_name = optarg; break;
        default: usage();
        }
    }
    if (optind != argc - 1) usage();
    out = out_name ? fopen(out_name, "w") : stdout;
    if (!out) {
        fprintf(stderr, "pipeline: cannot write %s: %s\n", out_name, strerror(errno));
        return 1;
    }
    Source src = { .gz = gzopen(argv[optind], "rb") };
    if (!src.gz) {
        fprintf(stderr, "pipeline: cannot read %s: %s\n", argv[optind], strerror(errno ? errno : EIO));
        return 1;
    }
    uint64_t t0 = now_ns();

    RtsFrame f = rts_frame_push(N_CHANS + 2);
    rts_set(f, R_WORK, rts_newBoundedChan((uint32_t)depth));
    rts_set(f, R_OUTQ, rts_newBoundedChan((uint32_t)depth));
    rts_ThreadId *t = malloc(sizeof *t * (size_t)(workers + 1));
    if (!t) return 1;
    for (long i = 0; i <= workers; i++) {
        StgClosure *chans[N_CHANS] = { rts_get(f, R_WORK), rts_get(f, R_OUTQ) };
        t[i] = rts_fork_with(i < workers ? worker : output, NULL, N_CHANS, chans);
        rts_thread_label(t[i], i < workers ? "worker" : "output");
    }

    /* The source: slots N_CHANS (chunk) and N_CHANS+1 (promise). */
    const uint32_t S_CHUNK = N_CHANS, S_PROMISE = N_CHANS + 1;
    for (StgWord seq = 0;; seq++) {
        rts_safe_call(read_chunk, &src);
        if (src.error) {
            fprintf(stderr, "pipeline: %s: %s\n", argv[optind],
                    src.error == EIO ? "corrupt or truncated gzip data" : strerror(src.error));
            exit(1);
        }
        if (src.chunk_lines == 0) break;
        n_lines += src.chunk_lines;
        rts_set(f, S_CHUNK, rts_new_pinned_bytes(src.chunk_len));
        memcpy(rts_bytes_ptr(rts_get(f, S_CHUNK)), src.buf, src.chunk_len);
        memmove(src.buf, src.buf + src.chunk_len, src.len - src.chunk_len);
        src.len -= src.chunk_len;
        rts_set(f, S_PROMISE, (StgClosure *)rts_newMVar());
        StgClosure *job = rts_alloc_constr_from(&Job_con_info, f, S_CHUNK);
        rts_constr_set_word(job, 0, seq);
        rts_writeBoundedChan(rts_get(f, R_WORK), job);
        rts_writeBoundedChan(rts_get(f, R_OUTQ), rts_get(f, S_PROMISE));
    }
    for (long i = 0; i < workers; i++) {
        StgClosure *stop = new_stop();
        rts_writeBoundedChan(rts_get(f, R_WORK), stop);
    }
    StgClosure *stop = new_stop();
    rts_writeBoundedChan(rts_get(f, R_OUTQ), stop);
    for (long i = 0; i <= workers; i++) rts_join(t[i]);
    rts_frame_pop(f);
    free(t);
    gzclose(src.gz);
    free(src.buf);
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "pipeline: write failed: %s\n", strerror(errno));
        return 1;
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    fprintf(stderr, "pipeline: %lu lines, %lu malformed, checksum 0x%016llx, %.0f lines/s\n",
            n_lines, n_bad, (unsigned long long)checksum, (double)n_lines / secs);
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, pipeline_main);
}
