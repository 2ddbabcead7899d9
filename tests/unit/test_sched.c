/* test_sched.c — green threads on capabilities, through the public API.
 *
 *   test_sched              run every case below in a child process, each
 *                           with its own +RTS flags, and check its output
 *   test_sched CASE [+RTS ...]   run one case (exit 0 = passed)
 *
 * Cases: yield (fairness), forkjoin (100,000 forks and joins), preempt (a
 * spinning thread does not starve others with -N1), migrate (-N2: threads
 * run on both capabilities, and move), ccall (a sleeping safe foreign call
 * does not stop a counter thread), gc (threads allocating under GC keep
 * their data), deadlock (reported, exit 3), overflow (names the thread,
 * exit 2), label/ids, handoff (-N1 ping-pong switches thread to thread
 * without the scheduler loop), gcthreads (-N2 collections run on the
 * capabilities' own OS threads: none is added), ccall_pingpong (-N1
 * ping-pong threads resume on another OS thread while a third sleeps in a
 * safe foreign call).  Each child has a 20 s alarm: a hang fails.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rts.h"

extern char **environ;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
                                          __FILE__, __LINE__, #c); rts_exit(1); } } while (0)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- yield: two threads on -N1 alternate strictly ---- */

#define YIELD_ROUNDS 1000
static int yield_log[2 * YIELD_ROUNDS];
static int yield_n;

static void yielder(void *arg)
{
    for (int i = 0; i < YIELD_ROUNDS; i++) {
        yield_log[yield_n++] = (int)(intptr_t)arg;
        rts_yield();
    }
}

static int case_yield(void)
{
    rts_ThreadId a = rts_fork(yielder, (void *)0);
    rts_ThreadId b = rts_fork(yielder, (void *)1);
    CHECK(rts_join(a) && rts_join(b));
    CHECK(yield_n == 2 * YIELD_ROUNDS);
    for (int i = 1; i < yield_n; i++)
        CHECK(yield_log[i] != yield_log[i - 1]);
    return 0;
}

/* ---- handoff: MVar ping-pong on -N1 switches thread to thread ---- */

RTS_DEFINE_CONSTR(Cell, 1, 1)

/* Runtime counters (Schedule.h); this test otherwise uses rts.h only. */
uint64_t capabilityThreadsRun(uint32_t cap_no);
uint64_t capabilityHandoffs(uint32_t cap_no);

#define HANDOFF_ROUNDS 2000

static void echoer(void *arg)
{
    RtsFrame f = rts_fork_frame();
    for (int i = 0; i < HANDOFF_ROUNDS; i++)
        rts_putMVar((StgMVar *)rts_get(f, 1), rts_takeMVar((StgMVar *)rts_get(f, 0)));
}

/* Every blocking take hands the capability straight to the thread it woke
 * (Note [Direct hand-off]): nearly every switch bypasses the scheduler
 * loop, and the values still go round in order. */
static int case_handoff(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newMVar());
    StgClosure *both[2] = { rts_get(f, 0), rts_get(f, 1) };
    rts_ThreadId t = rts_fork_with(echoer, NULL, 2, both);
    rts_yield();                        /* let the echoer start and block */
    uint64_t run0 = capabilityThreadsRun(0), hand0 = capabilityHandoffs(0);
    for (int i = 0; i < HANDOFF_ROUNDS; i++) {
        StgClosure *c = rts_alloc_constr(&Cell_con_info);
        rts_constr_set_word(c, 0, (StgWord)i);
        rts_putMVar((StgMVar *)rts_get(f, 0), c);
        CHECK(rts_constr_word(rts_takeMVar((StgMVar *)rts_get(f, 1)), 0) == (StgWord)i);
    }
    uint64_t runs = capabilityThreadsRun(0) - run0, hands = capabilityHandoffs(0) - hand0;
    CHECK(rts_join(t));
    rts_frame_pop(f);
    fprintf(stderr, "handoff: %llu switches, %llu of them direct\n",
            (unsigned long long)runs, (unsigned long long)hands);
    CHECK(runs >= 2 * HANDOFF_ROUNDS - 2);
    CHECK(hands + 10 >= runs);          /* a GC or a timer tick may go through the loop */
    return 0;
}

/* ---- gcthreads: the GC borrows the capabilities' OS threads ---- */

static int os_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return n;
}

static void churner(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++)
        rts_alloc_constr(&Cell_con_info);
}

/* With -N2, collections (nursery exhaustion on both capabilities, and
 * rts_gc) are parallel and start no OS thread of their own: each stopped
 * capability's thread is its GC thread (Note [GC threads are the
 * capabilities' OS threads] in sm/GC.c).  A parallel GC whose workers did
 * not turn up would hang the leader: the alarm catches that. */
static int case_gcthreads(void)
{
    int before = os_threads();
    CHECK(before > 0);
    rts_ThreadId ids[4];
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 4; i++)
            ids[i] = rts_fork(churner, NULL);
        rts_gc(round % 2 == 0);
        for (int i = 0; i < 4; i++)
            CHECK(rts_join(ids[i]));
    }
    int after = os_threads();
    fprintf(stderr, "gcthreads: %d OS threads before, %d after\n", before, after);
    CHECK(after == before);
    return 0;
}

/* ---- forkjoin: 100,000 threads ---- */

static long forkjoin_sum;

static void adder(void *arg)
{
    __atomic_add_fetch(&forkjoin_sum, (long)(intptr_t)arg, __ATOMIC_RELAXED);
}

static int case_forkjoin(void)
{
    enum { N = 100000, BATCH = 1000 };
    static rts_ThreadId ids[BATCH];
    uint64_t t0 = now_ns();
    for (int i = 0; i < N; i += BATCH) {
        for (int j = 0; j < BATCH; j++)
            ids[j] = rts_fork(adder, (void *)(intptr_t)(i + j));
        for (int j = 0; j < BATCH; j++)
            CHECK(rts_join(ids[j]));
    }
    uint64_t t1 = now_ns();
    CHECK(forkjoin_sum == (long)N * (N - 1) / 2);
    printf("forkjoin: %d threads, %.0f ns/thread\n", N, (double)(t1 - t0) / N);
    return 0;
}

/* ---- preempt: a thread spinning at safe points does not starve ---- */

static volatile int stop_spinning;
static volatile long spins;

static void spinner(void *arg)
{
    while (!stop_spinning) {
        spins++;
        rts_safepoint();        /* never yields by itself: only the timer makes it */
    }
}

static void stopper(void *arg)
{
    stop_spinning = 1;
}

static int case_preempt(void)
{
    rts_ThreadId s = rts_fork(spinner, NULL);
    rts_yield();                /* the spinner now owns the only capability */
    rts_ThreadId t = rts_fork(stopper, NULL);
    CHECK(rts_join(t));
    CHECK(rts_join(s));
    CHECK(stop_spinning == 1 && spins > 0);
    return 0;
}

/* ---- migrate: -N2 spreads threads, and threads move ---- */

static volatile int ran_on[2];
static volatile int moved;

static void wanderer(void *arg)
{
    uint32_t first = rts_myCapabilityNo();
    ran_on[first] = 1;
    for (int i = 0; i < 200; i++) {
        volatile long x = 0;
        for (int k = 0; k < 20000; k++)
            x += k;
        rts_yield();
        uint32_t c = rts_myCapabilityNo();
        ran_on[c] = 1;
        if (c != first)
            moved = 1;
    }
}

static int case_migrate(void)
{
    CHECK(rts_getNumCapabilities() == 2);
    enum { N = 8 };
    rts_ThreadId ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = rts_fork(wanderer, NULL);
    for (int i = 0; i < N; i++)
        CHECK(rts_join(ids[i]));
    CHECK(ran_on[0] && ran_on[1]);
    CHECK(moved);
    return 0;
}

/* ---- ccall: a sleeping foreign call lets others run ---- */

static volatile long counter;
static volatile int sleeper_done;

static void *sleep_200ms(void *arg)
{
    struct timespec ts = { 0, 200 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    return arg;
}

static void sleeper(void *arg)
{
    long before = counter;
    void *r = rts_safe_call(sleep_200ms, (void *)0x1234);
    CHECK(r == (void *)0x1234);
    *(long *)arg = counter - before;
    sleeper_done = 1;
}

static void count_up(void *arg)
{
    while (!sleeper_done) {
        counter++;
        rts_yield();
    }
}

static int case_ccall(void)
{
    static long advanced;
    rts_ThreadId s = rts_fork(sleeper, &advanced);
    rts_ThreadId c = rts_fork(count_up, NULL);
    CHECK(rts_join(s) && rts_join(c));
    /* Without releasing the capability the counter could not move while
     * the only capability slept in nanosleep. */
    CHECK(advanced > 1000);
    printf("ccall: counter advanced %ld during a 200 ms foreign call\n", advanced);
    return 0;
}

/* ---- ccall_pingpong: the fused hand-off resumes on another OS thread ----
 * A root-API ping-pong on -N1 (Note [Blocking on one capability] in
 * rts/Schedule.h) while a third thread sleeps in a safe foreign call: the
 * capability moves to a spare Task's OS thread and back, and a thread that
 * blocked on one OS thread resumes on the other, in the fused block's own
 * frame.  It must read that OS thread's Task, not one read before the
 * switch: the Task it blocked on holds no capability meanwhile, so a stale
 * read crashes or hangs here. */

static volatile int cp_stop, cp_sleeper_done;
static int cp_moves;            /* OS thread changes seen by the ponger */

static void *sleep_50ms(void *arg)
{
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    return arg;
}

static void cp_sleeper(void *arg)
{
    (void)arg;
    CHECK(rts_safe_call(sleep_50ms, (void *)0x5678) == (void *)0x5678);
    cp_sleeper_done = 1;
}

/* The OS thread running the caller: gettid, not pthread_self, which glibc
 * declares const, so that GCC may reuse its value across the take — the
 * very mistake this case is about. */
static long cp_os_thread(void)
{
    return syscall(SYS_gettid);
}

static void cp_ponger(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    long os = cp_os_thread();
    for (;;) {
        StgClosure *v = rts_takeMVarRoot(f, 0);
        if (os != cp_os_thread()) {
            cp_moves++;
            os = cp_os_thread();
        }
        rts_putMVarRoot(f, 1, v);
        if (cp_stop)
            return;
    }
}

static int case_ccall_pingpong(void)
{
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_set(f, 1, (StgClosure *)rts_newMVar());
    StgClosure *both[2] = { rts_get(f, 0), rts_get(f, 1) };
    rts_ThreadId p = rts_fork_with(cp_ponger, NULL, 2, both);
    rts_ThreadId s = rts_fork(cp_sleeper, NULL);
    long rounds = 0, after = 0;     /* rounds, and rounds since the call returned */
    while (!cp_stop) {
        if (cp_sleeper_done && ++after == 1000)
            cp_stop = 1;                /* the ponger's last round */
        rts_putMVarRoot(f, 0, rts_get(f, 0));
        CHECK(rts_takeMVarRoot(f, 1) == rts_get(f, 0));
        rounds++;
    }
    CHECK(rts_join(p) && rts_join(s));
    rts_frame_pop(f);
    /* blocked on the first OS thread, resumed on the spare Task's, and back */
    CHECK(cp_moves >= 2);
    printf("ccall_pingpong: %ld rounds, the ponger changed OS thread %d times\n", rounds, cp_moves);
    return 0;
}

/* ---- gc: threads allocate lists under frequent GCs ---- */


enum { GC_THREADS = 100, GC_CELLS = 1000 };

static void builder(void *arg)
{
    RtsFrame in = rts_fork_frame();
    CHECK(in.id != 0);
    RtsFrame f = rts_frame_push(1);          /* the list being built */
    for (int i = 0; i < GC_CELLS; i++) {
        StgClosure *c = rts_alloc_constr_from(&Cell_con_info, f, 0);
        rts_constr_set_word(c, 0, (StgWord)((intptr_t)arg * 100000 + i));
        rts_set(f, 0, c);
        if (i % 100 == 0)
            rts_yield();
    }
    rts_write_mutvar(rts_get(in, 0), rts_get(f, 0));
    rts_frame_pop(f);
}

static int case_gc(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_array(GC_THREADS, NULL));
    rts_ThreadId ids[GC_THREADS];
    for (int t = 0; t < GC_THREADS; t++) {
        StgClosure *mv = rts_new_mutvar(NULL);
        rts_array_write(rts_get(f, 0), (StgWord)t, mv);
        StgClosure *vals[1] = { mv };
        ids[t] = rts_fork_with(builder, (void *)(intptr_t)t, 1, vals);
    }
    for (int t = 0; t < GC_THREADS; t++)
        CHECK(rts_join(ids[t]));
    rts_gc(true);
    for (int t = 0; t < GC_THREADS; t++) {
        StgClosure *c = rts_read_mutvar(rts_array_read(rts_get(f, 0), (StgWord)t));
        for (int i = GC_CELLS - 1; i >= 0; i--) {
            CHECK(c != NULL);
            CHECK(rts_constr_word(c, 0) == (StgWord)(t * 100000 + i));
            c = rts_constr_ptr(c, 0);
        }
        CHECK(c == NULL);
    }
    rts_frame_pop(f);
    return 0;
}

/* ---- joiners: threads blocked in rts_join survive collections ----
 * Their only root is the joined thread's record (Note [The joined list] in
 * rts/Threads.c): every target gets JOINERS joiners, collections move
 * them, and the targets end in an order unlike the one they were joined
 * in, so records leave the joined list from its middle. */

enum { JOIN_TARGETS = 8, JOINERS = 3 };
static rts_ThreadId join_targets[JOIN_TARGETS];
static volatile int joined_count;

static void join_target(void *arg)
{
    RtsFrame in = rts_fork_frame();
    rts_takeMVar((StgMVar *)rts_get(in, 0));            /* the gate */
}

static void joiner(void *arg)
{
    CHECK(rts_join(join_targets[(intptr_t)arg]));
    __atomic_fetch_add(&joined_count, 1, __ATOMIC_RELAXED);
}

static int case_joiners(void)
{
    RtsFrame f = rts_frame_push(JOIN_TARGETS);
    rts_ThreadId js[JOIN_TARGETS * JOINERS];
    for (int i = 0; i < JOIN_TARGETS; i++) {
        rts_set(f, (uint32_t)i, (StgClosure *)rts_newMVar());
        StgClosure *gate[1] = { rts_get(f, (uint32_t)i) };
        join_targets[i] = rts_fork_with(join_target, NULL, 1, gate);
    }
    for (int k = 0; k < JOIN_TARGETS * JOINERS; k++)
        js[k] = rts_fork(joiner, (void *)(intptr_t)(k % JOIN_TARGETS));
    for (int i = 0; i < 20; i++)
        rts_yield();
    rts_gc(false);
    rts_gc(true);
    static const int order[JOIN_TARGETS] = { 3, 0, 7, 5, 1, 6, 2, 4 };
    for (int i = 0; i < JOIN_TARGETS; i++) {
        rts_putMVar((StgMVar *)rts_get(f, (uint32_t)order[i]), rts_get(f, 0));
        CHECK(rts_join(join_targets[order[i]]));
        rts_gc(i % 2 == 0);
    }
    for (int k = 0; k < JOIN_TARGETS * JOINERS; k++)
        CHECK(rts_join(js[k]));
    CHECK(joined_count == JOIN_TARGETS * JOINERS);
    rts_frame_pop(f);
    return 0;
}

/* ---- deadlock: a join cycle, and a take on an empty MVar ---- */

static rts_ThreadId main_id;

static void join_main(void *arg)
{
    rts_join(main_id);
}

static void take_forever(void *arg)
{
    rts_takeMVar(rts_newMVar());
}

static int case_deadlock(void)
{
    main_id = rts_myThreadId();
    rts_ThreadId t = rts_fork(take_forever, NULL);
    rts_thread_label(t, "taker");
    rts_ThreadId j = rts_fork(join_main, NULL);
    rts_yield();
    rts_join(j);                /* j joins us: nobody can ever finish */
    fprintf(stderr, "deadlock: not detected\n");
    return 1;
}

/* ---- overflow: a forked thread runs off its C stack ---- */

static __attribute__((noinline)) long deep(long d)
{
    volatile char pad[1024];
    pad[0] = (char)d;
    if (d > (1L << 40))
        return 0;
    return deep(d + 1) + pad[0];
}

static void recurser(void *arg)
{
    deep(0);
}

static int case_overflow(void)
{
    rts_ThreadId t = rts_fork(recurser, NULL);
    rts_thread_label(t, "recurser");
    rts_join(t);
    return 1;
}

/* ---- ids and labels ---- */

static void nop(void *arg) { }

static int case_ids(void)
{
    rts_ThreadId me = rts_myThreadId();
    CHECK(me.id == 1);
    char buf[32];
    rts_showThreadId(me, buf, sizeof buf);
    CHECK(strcmp(buf, "ThreadId 1") == 0);
    rts_ThreadId a = rts_fork(nop, NULL), b = rts_fork(nop, NULL);
    CHECK(!rts_eqThreadId(a, b) && rts_cmpThreadId(a, b) < 0 && rts_cmpThreadId(b, a) > 0);
    CHECK(rts_thread_label(a, "a"));
    CHECK(rts_join(a) && rts_join(b));
    CHECK(!rts_thread_label(a, "gone"));
    CHECK(!rts_join(me));                       /* joining yourself */
    rts_ThreadId never = { 1000000 };
    CHECK(!rts_join(never));
    return 0;
}

/* ---- the driver ---- */

struct sched_case {
    const char *name;
    int (*run)(void);
    const char *rts_flags;      /* space-separated */
    int want_status;
    const char *want_stderr;    /* substring, or NULL */
    const char *want_stderr2;
};

static const struct sched_case cases[] = {
    { "yield",    case_yield,    "-N1", 0, NULL, NULL },
    { "ids",      case_ids,      "-N1", 0, NULL, NULL },
    { "handoff",  case_handoff,  "-N1 -C0", 0, NULL, NULL },
    { "handoff",  case_handoff,  "-N1 -A64k -DS", 0, NULL, NULL },
    { "gcthreads", case_gcthreads, "-N2 -A64k", 0, NULL, NULL },
    { "gcthreads", case_gcthreads, "-N2 -A64k -DS", 0, NULL, NULL },
    { "forkjoin", case_forkjoin, "-N1", 0, NULL, NULL },
    { "forkjoin", case_forkjoin, "-N2", 0, NULL, NULL },
    { "preempt",  case_preempt,  "-N1 -C0.02", 0, NULL, NULL },
    { "migrate",  case_migrate,  "-N2", 0, NULL, NULL },
    { "ccall",    case_ccall,    "-N1", 0, NULL, NULL },
    { "ccall",    case_ccall,    "-N2", 0, NULL, NULL },
    { "ccall_pingpong", case_ccall_pingpong, "-N1", 0, NULL, NULL },
    { "gc",       case_gc,       "-N1 -A64k", 0, NULL, NULL },
    { "gc",       case_gc,       "-N2 -A64k -DS", 0, NULL, NULL },
    { "joiners",  case_joiners,  "-N1 -A64k -DS", 0, NULL, NULL },
    { "joiners",  case_joiners,  "-N2 -A64k -DS", 0, NULL, NULL },
    { "deadlock", case_deadlock, "-N2", 3, "rts: deadlock:",
      "thread 2 (taker) blocked on MVar" },
    { "overflow", case_overflow, "-N1", 2, "rts: stack overflow in thread 2 (recurser)", NULL },
};
#define N_CASES (sizeof cases / sizeof cases[0])

static int run_child(const struct sched_case *c, const char *self, const char *argv0)
{
    char flags[128];
    snprintf(flags, sizeof flags, "%s", c->rts_flags);
    char *argv[16];
    int argc = 0;
    argv[argc++] = (char *)argv0;
    argv[argc++] = (char *)c->name;
    argv[argc++] = "+RTS";
    for (char *tok = strtok(flags, " "); tok != NULL && argc < 14; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc++] = "-RTS";
    argv[argc] = NULL;

    char errfile[] = "/tmp/test_sched.XXXXXX";
    int fd = mkstemp(errfile);
    if (fd < 0)
        return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
    pid_t pid;
    uint64_t t0 = now_ns();
    if (posix_spawn(&pid, self, &fa, NULL, argv, environ) != 0) {
        unlink(errfile);
        return 1;
    }
    int status;
    waitpid(pid, &status, 0);
    double ms = (double)(now_ns() - t0) / 1e6;
    posix_spawn_file_actions_destroy(&fa);

    char err[8192] = {0};
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, err, sizeof err - 1);
    (void)n;
    close(fd);
    unlink(errfile);

    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == c->want_status;
    if (ok && c->want_stderr != NULL && strstr(err, c->want_stderr) == NULL)
        ok = false;
    if (ok && c->want_stderr2 != NULL && strstr(err, c->want_stderr2) == NULL)
        ok = false;
    printf("%s %-9s %-16s (%.0f ms)\n", ok ? "PASS" : "FAIL", c->name, c->rts_flags, ms);
    if (!ok) {
        if (WIFEXITED(status))
            printf("  exit status %d (want %d)\n", WEXITSTATUS(status), c->want_status);
        else
            printf("  killed by signal %d\n", WTERMSIG(status));
        printf("  stderr: %s\n", err);
    }
    return ok ? 0 : 1;
}

static int (*chosen)(void);

static int run_chosen(int argc, char **argv)
{
    return chosen();
}

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] != '+') {
        for (size_t i = 0; i < N_CASES; i++)
            if (strcmp(argv[1], cases[i].name) == 0)
                chosen = cases[i].run;
        if (chosen == NULL) {
            fprintf(stderr, "test_sched: unknown case %s\n", argv[1]);
            return 1;
        }
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        alarm(20);
        rts_main(argc, argv, run_chosen);
    }
    int failed = 0;
    for (size_t i = 0; i < N_CASES; i++)
        failed += run_child(&cases[i], "/proc/self/exe", argv[0]);
    return failed != 0;
}
