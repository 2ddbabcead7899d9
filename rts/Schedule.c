/* Schedule.c — the scheduler: run queues, the scheduler loop of each OS
 * thread, blocking and waking, yielding at safe points, load balancing,
 * messages between capabilities, stopping the world for GC, and safe
 * foreign calls (GHC's Schedule.c, Capability.c, Task.c and Threads.c
 * ideas, without Cmm: green threads are C on their own C stacks).
 *
 * Must not depend on: the GC's internals (only sm/GC.h's entry points),
 * MVar internals, the debugger.
 */

/* Note [Tasks and capabilities]
 *
 * A Task is an OS thread.  A Task holding a capability runs that
 * capability's scheduler loop on the Task's own scheduler stack
 * (task->sched_ctx: the native pthread stack for workers, an mmap'd stack
 * for the program's main thread, whose native stack is green thread 1).
 * The loop picks a TSO and switches to its C stack; the TSO switches back
 * (task->ret says why) to the scheduler context of whatever Task it runs on
 * at that moment — green threads are not tied to an OS thread.
 *
 * A safe foreign call (rts_safe_call) keeps running on the calling Task but
 * hands the capability to a spare Task, which runs the capability's loop
 * meanwhile.  On return the Task queues on cap->returning_tasks; the
 * capability's holder hands the capability back at its next scheduling
 * point and becomes spare again.
 *
 * Locks: cap->lock guards the run queue, inbox, returning_tasks,
 * running_task and current_tso; spare_lock guards the spare Task list;
 * sync_lock the stop-the-world state.  Order: cap->lock, then spare_lock.
 */

/* Note [Safe points]
 *
 * Green threads are never interrupted asynchronously.  The timer (Timer.c)
 * sets cap->interrupt every -C seconds; rts_safepoint(), called from
 * allocation slow paths, MVar operations and yield, switches to the
 * scheduler when it is set.  A stop-the-world request sets it on every
 * capability.  A thread that loops without reaching a safe point keeps its
 * capability (and delays a GC), exactly as a non-allocating loop in GHC.
 */

/* Note [Run queue locking]
 *
 * A capability's run queue is changed only by the OS thread holding the
 * capability, except that another capability may steal from its tail
 * (stealWork, under cap->lock).  With one capability nobody steals, so the
 * run queue and current_tso need no lock at all (as GHC's LOCK_CLOSURE is
 * a no-op when n_capabilities == 1): lockRunQueue is free then.  The inbox
 * and returning_tasks are written by other OS threads and always take
 * cap->lock.
 */

/* Note [Direct hand-off]
 *
 * When the running thread blocks (an empty takeMVar, a full putMVar) or
 * yields, the scheduler loop would only take the head of the run queue and
 * switch to it: two context switches and several lock round trips for a
 * decision already known.  So blockCurrentThread and yieldThread switch
 * straight from the green thread to the head of the run queue — the thread
 * the loop would have picked, so fairness and order are GHC's — whenever the
 * loop has nothing else to do first (no sync, no shutdown, no messages in
 * the inbox, no Task returning from a foreign call; takeHandoffTarget).
 *
 * What the loop did once the old thread was fully switched out (unlock the
 * MVar it blocked on; put a yielder back on the run queue) must still wait
 * until its registers are saved: until then another capability must not
 * see the MVar unlocked or steal the yielder.  So the hand-off leaves it in
 * task->handoff_from/handoff_why and the thread switched to does it as its
 * very first act (resumed(): after its greenSwitch returns; completeHandoff
 * at the start of a new thread's entry).  A thread resumed by the scheduler loop
 * finds nothing pending.  (An MVar block on one capability makes the same
 * hand-off inline in its own frame, and, having no `after`, leaves nothing
 * in the Task: Note [Blocking on one capability] in Schedule.h.)  The
 * scheduler loop's own stack stays suspended in
 * runThread; whichever thread next switches back to it is, by then,
 * cap->current_tso, which is all threadReturned looks at.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "Schedule.h"
#include "FlightRecorder.h"
#include "WatchTable.h"
#include "Threads.h"
#include "GreenContext.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "sm/Storage.h"
#include "sm/GC.h"
#include "Roots.h"
#include "Weak.h"
#include "ThreadPaused.h"

static __thread Task *sched_my_task;  /* the calling OS thread's Task (myTask) */

static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static Task *spare_tasks;
static Task *all_tasks;                 /* guarded by spare_lock */

static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cond = PTHREAD_COND_INITIALIZER;
volatile bool sched_sync_pending;
static uint64_t sync_generation;
static uint32_t n_sync_stopped;
static void (*sync_worker)(Capability *cap);

volatile bool sched_shutting_down;
static bool scheduler_started;
static uint32_t n_in_ccall;             /* threads in safe foreign calls */
static uint32_t n_idle_caps;            /* capabilities asleep with nothing to do */

#define IDLE_SPIN 2000

/* Give the calling OS thread's Task cap (or NULL); Roots.c finds the
 * current thread through rts_my_cap, so keep it in step. */
static void setTaskCap(Task *task, Capability *cap)
{
    task->cap = cap;
    rts_my_cap = cap;
}

Task *myTask(void)
{
    return sched_my_task;
}

Capability *myCapability(void)
{
    Task *t = sched_my_task;
    return t != NULL ? t->cap : NULL;
}

StgTSO *myTSO(void)
{
    Capability *cap = myCapability();
    return cap != NULL ? cap->current_tso : NULL;
}

uint64_t getMonotonicNSec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Note [Blocked-since timestamps]
 * Every block records tso->blocked_since_ns, which the debugger and the
 * deadlock report show as "blocked for 40 ms".  Reading a clock there, even
 * CLOCK_MONOTONIC_COARSE (~5 ns, ~4 ms resolution), was a tenth of a
 * one-capability ping-pong round trip.  So while the preemption timer runs
 * with a short period it publishes the time of its last tick
 * (timer_tick_ns, Timer.c) and a blocking thread copies that: the same
 * clock, never later than the truth, about one period (20 ms by default)
 * earlier — more only while the OS starves the timer thread.  With no
 * timer, or a -C longer than TIMER_TICK_STAMP_MAX_NS, the coarse clock is
 * read.  test_mvar's test_blocked_since checks both. */
volatile uint64_t timer_tick_ns;

static uint64_t getCoarseMonotonicNSec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* For blocked_since_ns: see Note [Blocked-since timestamps]. */
static inline uint64_t blockedSinceNow(void)
{
    uint64_t t = __atomic_load_n(&timer_tick_ns, __ATOMIC_RELAXED);
    return t != 0 ? t : getCoarseMonotonicNSec();
}

/* ---- run queue (cap->lock held) ---- */

static void setTSOPrev(Capability *cap, StgTSO *tso, StgTSO *target)
{
    if (!tso->dirty)
        dirty_TSO(cap, tso);
    tso->block_info.prev = target;
}

/* See Note [Run queue locking]. */
static inline void lockRunQueue(Capability *cap)
{
    if (n_capabilities > 1)
        pthread_mutex_lock(&cap->lock);
}

static inline void unlockRunQueue(Capability *cap)
{
    if (n_capabilities > 1)
        pthread_mutex_unlock(&cap->lock);
}

static void pushOnRunQueue(Capability *cap, StgTSO *tso)
{
    setTSOLink(cap, tso, cap->run_queue_hd);
    tso->block_info.prev = END_TSO_QUEUE;
    if (cap->run_queue_hd != END_TSO_QUEUE)
        setTSOPrev(cap, cap->run_queue_hd, tso);
    else
        cap->run_queue_tl = tso;
    cap->run_queue_hd = tso;
    cap->n_run_queue++;
}

static inline StgTSO *popRunQueue(Capability *cap)
{
    StgTSO *t = cap->run_queue_hd;
    if (t == END_TSO_QUEUE)
        return NULL;
    cap->run_queue_hd = t->_link;
    if (cap->run_queue_hd != END_TSO_QUEUE)
        cap->run_queue_hd->block_info.prev = END_TSO_QUEUE;
    else
        cap->run_queue_tl = END_TSO_QUEUE;
    t->_link = END_TSO_QUEUE;
    t->block_info.closure = END_TSO_QUEUE;
    cap->n_run_queue--;
    return t;
}

/* Take the newest unbound thread from the tail (for stealing). */
static StgTSO *popRunQueueTail(Capability *cap)
{
    StgTSO *t = cap->run_queue_tl;
    if (t == END_TSO_QUEUE || (t->flags & TSO_LOCKED))
        return NULL;
    StgTSO *prev = t->block_info.prev;
    if (prev == END_TSO_QUEUE) {
        cap->run_queue_hd = END_TSO_QUEUE;
        cap->run_queue_tl = END_TSO_QUEUE;
    } else {
        prev->_link = END_TSO_QUEUE;
        cap->run_queue_tl = prev;
    }
    t->_link = END_TSO_QUEUE;
    t->block_info.closure = END_TSO_QUEUE;
    cap->n_run_queue--;
    return t;
}

static void wakeCapability(Capability *cap)
{
    if (cap->sleeping)
        pthread_cond_signal(&cap->idle_cond);
}

/* Wake one sleeping capability so it can steal (GHC's schedulePushWork,
 * pull-style). */
static void wakeIdleCapabilityFor(Capability *busy)
{
    if (__atomic_load_n(&n_idle_caps, __ATOMIC_RELAXED) == 0)
        return;
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *c = capabilities[i];
        if (c == busy || !c->sleeping)
            continue;
        pthread_mutex_lock(&c->lock);
        wakeCapability(c);
        pthread_mutex_unlock(&c->lock);
        return;
    }
}

/* scheduleThread with more than one capability: the run queue is shared
 * with thieves, and the capability may be asleep. */
static void __attribute__((noinline)) scheduleThreadShared(Capability *cap, StgTSO *tso)
{
    pthread_mutex_lock(&cap->lock);
    appendToRunQueue(cap, tso);
    bool more = cap->n_run_queue >= 2 || cap->current_tso != NULL;
    wakeCapability(cap);
    pthread_mutex_unlock(&cap->lock);
    if (more)
        wakeIdleCapabilityFor(cap);
}

void scheduleThread(Capability *cap, StgTSO *tso)
{
    tso->cap = cap;
    if (n_capabilities == 1)            /* Note [Run queue locking] */
        appendToRunQueue(cap, tso);
    else
        scheduleThreadShared(cap, tso);
}

/* ---- waking and messages ---- */

static void sendWakeup(Capability *from, Capability *to, StgTSO *tso)
{
    MessageWakeup *m = (MessageWakeup *)allocate(from, sizeof(MessageWakeup) / sizeof(StgWord));
    m->header.info = &stg_MSG_TRY_WAKEUP_info;
    m->tso = tso;
    pthread_mutex_lock(&to->lock);
    m->link = to->inbox;
    to->inbox = (Message *)m;
    wakeCapability(to);
    pthread_mutex_unlock(&to->lock);
}

/* What tryWakeupThread tells the flight recorder and the watch table, out
 * of line: the common wake-up (nothing recorded or watched, one capability)
 * then needs no registers saved. */
static void __attribute__((noinline)) reportWakeup(Capability *cap, StgTSO *tso)
{
    if (traceEnabled(EVCAT_THREAD))
        traceEvent(capRing(cap->no), EVENT_THREAD_WAKE, (uint64_t)(uintptr_t)tso, tso->id,
                   tso->why_blocked, (uint64_t)(uintptr_t)tso->block_info.closure);
    WATCH_STORE(cap->no, tso->block_info.closure, END_TSO_QUEUE);
    WATCH_STORE(cap->no, tso->why_blocked, NotBlocked);
}

/* The general wake-up; tryWakeupThreadInline (Schedule.h) is its
 * one-capability MVar fast path. */
void tryWakeupThread(Capability *cap, StgTSO *tso)
{
    if (tso->cap != cap) {
        sendWakeup(cap, tso->cap, tso);
        return;
    }
    uint16_t why = tso->why_blocked;
    if (why == BlockedOnMVar || why == BlockedOnMVarRead) {
        if (tso->_link != END_TSO_QUEUE)
            return;     /* the waker has not completed its operation */
    } else if (why == NotBlocked || why == BlockedOnCCall
               || why == BlockedOnCCall_Interruptible) {
        return;
    }
    if (traceEnabled(EVCAT_THREAD) || watchActive())
        reportWakeup(cap, tso);
    tso->block_info.closure = END_TSO_QUEUE;
    tso->why_blocked = NotBlocked;
    scheduleThread(cap, tso);
}

static void processInbox(Capability *cap)
{
    if (cap->inbox == END_TSO_QUEUE)
        return;
    pthread_mutex_lock(&cap->lock);
    Message *m = cap->inbox;
    cap->inbox = END_TSO_QUEUE;
    pthread_mutex_unlock(&cap->lock);
    while (m != END_TSO_QUEUE) {
        Message *next = m->link;
        if (m->header.info == &stg_MSG_TRY_WAKEUP_info)
            tryWakeupThread(cap, ((MessageWakeup *)m)->tso);
        m = next;   /* garbage now (not MSG_NULL: that is a smaller object) */
    }
}

/* ---- closure locks (GHC's SMPClosureOps.h) ---- */

/* lockClosure's contended case: spin, then yield the OS thread. */
const StgInfoTable *lockClosureSpin(StgClosure *p)
{
    for (;;) {
        for (int i = 0; i < 1000; i++) {
            const StgInfoTable *info =
                __atomic_exchange_n(&p->header.info, &stg_WHITEHOLE_info, __ATOMIC_ACQUIRE);
            if (info != &stg_WHITEHOLE_info)
                return info;
            __builtin_ia32_pause();
        }
        sched_yield();
    }
}

/* ---- leaving a green thread for the scheduler ---- */

/* completeHandoff for a thread that has just been switched back to: do what
 * the thread switched out by a direct hand-off left for its successor
 * (Note [Direct hand-off]).  Returns the capability we now run on. */
static inline Capability *resumed(void)
{
    Task *task = myTask();
    Capability *cap = task->cap;
    StgTSO *prev = task->handoff_from;
    if (prev == NULL)
        return cap;
    task->handoff_from = NULL;
    if (task->handoff_why == SchedYield) {
        lockRunQueue(cap);
        appendToRunQueue(cap, prev);
        unlockRunQueue(cap);
    } else if (task->block_after != NULL) {
        task->block_after(cap, task->block_arg);
    }
    return cap;
}

/* Switch from the running green thread to its OS thread's scheduler loop;
 * returns when the thread is scheduled again (maybe on another OS thread). */
static Capability *switchToScheduler(enum SchedReturn why)
{
    Task *task = myTask();
    StgTSO *tso = task->cap->current_tso;
    task->ret = why;
    greenSwitch(tso->ctx, task->sched_ctx);
    return resumed();
}

/* The thread a green thread that blocks or yields on cap switches to
 * directly, taken off the run queue and made current; NULL when the
 * scheduler loop has other work first.  See Note [Direct hand-off]. */
static inline StgTSO *takeHandoffTarget(Capability *cap)
{
    if (cap->run_queue_hd == END_TSO_QUEUE || sched_sync_pending || sched_shutting_down
        || cap->inbox != END_TSO_QUEUE || cap->returning_tasks != NULL)
        return NULL;
    lockRunQueue(cap);
    StgTSO *next = cap->run_queue_hd;
    /* A thread that never ran has no C stack yet; making one takes the
     * thread table's lock, which the blocker may hold until its block_after
     * (joinThread does): let the loop start it. */
    if (next != END_TSO_QUEUE && next->ctx != NULL) {
        popRunQueue(cap);
        cap->current_tso = next;
        dirtyRunningThread(cap, next);  /* Note [Dirtying the thread about to run] */
    } else {
        next = NULL;
    }
    unlockRunQueue(cap);
    return next;
}

/* Switch from the running thread `from` to `to` (already current) without
 * the scheduler loop; returns when `from` runs again, with the capability
 * it then runs on. */
static inline Capability *handoffTo(Task *task, StgTSO *from, StgTSO *to, enum SchedReturn why)
{
    GreenContext *ctx = to->ctx;
    task->handoff_from = from;
    task->handoff_why = why;
    task->cap->n_threads_run++;
    task->cap->n_handoffs++;
    greenSwitch(from->ctx, ctx);
    return resumed();
}

Capability *completeHandoff(void)
{
    return resumed();
}

void yieldThread(void)
{
    Task *task = myTask();
    if (task == NULL || task->cap == NULL)
        return;
    Capability *cap = task->cap;
    StgTSO *self = cap->current_tso;
    threadPaused(cap, self);        /* lazy blackholing; may abandon duplicate work */
    StgTSO *next = takeHandoffTarget(cap);
    if (next != NULL)
        handoffTo(task, self, next, SchedYield);
    else
        switchToScheduler(SchedYield);
}

Capability *blockCurrentThread(void (*after)(Capability *cap, void *arg), void *arg)
{
    Task *task = sched_my_task;   /* read directly: nothing has switched yet (resumed() calls myTask) */
    Capability *cap = task->cap;
    StgTSO *tso = cap->current_tso;
    ASSERT(tso->why_blocked != NotBlocked);
    if (tso->upd_frames != 0)           /* Note [Counting update frames] in ThreadPaused.c */
        threadPausedBlocked(cap, tso);  /* lazy blackholing (ThreadPaused.h) */
    tso->blocked_since_ns = blockedSinceNow();
    if (traceEnabled(EVCAT_THREAD))
        traceEvent(capRing(cap->no), EVENT_THREAD_BLOCK, (uint64_t)(uintptr_t)tso, tso->id,
                   tso->why_blocked, (uint64_t)(uintptr_t)tso->block_info.closure);
    task->block_after = after;
    task->block_arg = arg;
    StgTSO *next = takeHandoffTarget(cap);
    if (next != NULL)
        return handoffTo(task, tso, next, SchedBlock);
    return switchToScheduler(SchedBlock);
}

void finishCurrentThread(void)
{
    Task *task = myTask();
    task->cap->current_tso->ctx->finished = true;
    switchToScheduler(SchedFinish);
    barf("finished thread was scheduled again");
}

/* See Note [Safe points]. */
void rts_safepoint(void)
{
    Task *task = myTask();
    if (task == NULL || task->cap == NULL) {
        /* Before initScheduler (or after exitScheduler): one mutator. */
        if (rts_my_cap != NULL && nurseryExhausted(rts_my_cap))
            GarbageCollect(rts_my_cap, 0, false);
        return;
    }
    if (finalizers_pending)         /* weak pointers: Note [When finalizers run] in Weak.c */
        runPendingFinalizers();
    Capability *cap = task->cap;
    if (nurseryExhausted(cap)) {
        threadPaused(cap, cap->current_tso);    /* may abandon duplicate work */
        cap->interrupt = false;
        switchToScheduler(SchedHeapOverflow);
        return;
    }
    if (!cap->interrupt)
        return;
    cap->interrupt = false;
    if (sched_sync_pending || sched_shutting_down || cap->run_queue_hd != END_TSO_QUEUE
        || cap->inbox != END_TSO_QUEUE || cap->returning_tasks != NULL)
        yieldThread();
}

/* ---- stop the world ---- */

/* A capability's part in someone else's sync: stop here until it is over. */
static void syncParticipate(Capability *cap)
{
    pthread_mutex_lock(&sync_lock);
    if (!sched_sync_pending) {
        pthread_mutex_unlock(&sync_lock);
        return;
    }
    uint64_t gen = sync_generation;
    void (*worker)(Capability *) = sync_worker;
    n_sync_stopped++;
    pthread_cond_broadcast(&sync_cond);
    pthread_mutex_unlock(&sync_lock);
    if (worker != NULL)
        worker(cap);
    pthread_mutex_lock(&sync_lock);
    while (sched_sync_pending && sync_generation == gen)
        pthread_cond_wait(&sync_cond, &sync_lock);
    pthread_mutex_unlock(&sync_lock);
    cap->interrupt = false;
}

void stopTheWorld(Capability *cap, void (*leader)(Capability *cap, void *arg),
                  void (*worker)(Capability *cap), void *arg)
{
    pthread_mutex_lock(&sync_lock);
    while (sched_sync_pending) {              /* someone else got there first */
        pthread_mutex_unlock(&sync_lock);
        syncParticipate(cap);
        pthread_mutex_lock(&sync_lock);
    }
    sched_sync_pending = true;
    sync_generation++;
    sync_worker = worker;
    n_sync_stopped = 0;
    pthread_mutex_unlock(&sync_lock);

    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *c = capabilities[i];
        if (c == cap)
            continue;
        c->interrupt = true;
        pthread_mutex_lock(&c->lock);
        wakeCapability(c);
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_lock(&sync_lock);
    while (n_sync_stopped < n_capabilities - 1)
        pthread_cond_wait(&sync_cond, &sync_lock);
    pthread_mutex_unlock(&sync_lock);

    leader(cap, arg);

    pthread_mutex_lock(&sync_lock);
    sched_sync_pending = false;
    pthread_cond_broadcast(&sync_cond);
    pthread_mutex_unlock(&sync_lock);
}

/* Unlink finished threads from the generations' thread lists (world
 * stopped): the GC treats every listed thread as a root, and a finished
 * thread should live only as long as something points to it. */
static void pruneFinishedThreads(Capability *cap)
{
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++) {
        StgTSO *prev = NULL;
        StgTSO **link = &generations[g].threads;
        StgTSO *t = *link;
        while (t != NULL && t != END_TSO_QUEUE) {
            StgTSO *next = t->global_link;
            if (t->what_next == ThreadComplete) {
                if (prev != NULL && !prev->dirty)
                    dirty_TSO(cap, prev);
                *link = next;
            } else {
                prev = t;
                link = &t->global_link;
            }
            t = next;
        }
    }
}

struct gcRequest { uint32_t collect_gen; bool force_major; };

static void gcLeader(Capability *cap, void *arg)
{
    const struct gcRequest *req = arg;
    pruneFinishedThreads(cap);
    GarbageCollect(cap, req->collect_gen, req->force_major);
}

void scheduleCollect(uint32_t collect_gen, bool force_major)
{
    struct gcRequest req = { collect_gen, force_major };
    Task *task = myTask();
    if (task == NULL || task->cap == NULL) {
        if (rts_my_cap != NULL)
            GarbageCollect(rts_my_cap, collect_gen, force_major);
        return;
    }
    stopTheWorld(task->cap, gcLeader, gcWorkerThread, &req);
    /* The calling thread goes on running without passing the scheduler:
     * dirty it again (Note [Dirtying the thread about to run]). */
    if (task->cap->current_tso != NULL)
        dirtyRunningThread(task->cap, task->cap->current_tso);
}

/* This capability's nursery is used up: collect, with every capability's
 * OS thread as one of the GC threads (Note [GC threads are the
 * capabilities' OS threads] in sm/GC.c). */
static void scheduleDoGC(Capability *cap)
{
    struct gcRequest req = { 0, false };
    stopTheWorld(cap, gcLeader, gcWorkerThread, &req);
}

/* ---- the scheduler loop ---- */

static Task *newTask(bool is_worker)
{
    Task *t = calloc(1, sizeof *t);
    if (t == NULL)
        barf("out of memory allocating a Task");
    pthread_cond_init(&t->cond, NULL);
    t->is_worker = is_worker;
    pthread_mutex_lock(&spare_lock);
    t->all_next = all_tasks;
    all_tasks = t;
    pthread_mutex_unlock(&spare_lock);
    return t;
}

static bool workAvailable(Capability *cap)
{
    if (cap->run_queue_hd != END_TSO_QUEUE || cap->inbox != END_TSO_QUEUE
        || cap->returning_tasks != NULL || sched_sync_pending || sched_shutting_down)
        return true;
    for (uint32_t i = 0; i < n_capabilities; i++)
        if (capabilities[i]->n_run_queue > 0 && capabilities[i] != cap)
            return true;
    return false;
}

/* Take one thread from the busiest other capability. */
static StgTSO *stealWork(Capability *cap)
{
    for (uint32_t k = 1; k < n_capabilities; k++) {
        Capability *victim = capabilities[(cap->no + k) % n_capabilities];
        if (victim->n_run_queue == 0)
            continue;
        if (pthread_mutex_trylock(&victim->lock) != 0)
            continue;
        StgTSO *t = popRunQueueTail(victim);
        pthread_mutex_unlock(&victim->lock);
        if (t != NULL) {
            t->cap = cap;
            cap->n_threads_stolen++;
            return t;
        }
    }
    return NULL;
}

/* No capability can ever run anything again?  (All asleep, nothing queued,
 * nobody in a foreign call or returning from one, no sync.)  Caller holds
 * no capability lock. */
static bool globallyDeadlocked(void)
{
    if (__atomic_load_n(&n_in_ccall, __ATOMIC_ACQUIRE) != 0 || sched_sync_pending || sched_shutting_down)
        return false;
    if (threadsAlive() == 0)
        return false;
    for (uint32_t i = 0; i < n_capabilities; i++)
        pthread_mutex_lock(&capabilities[i]->lock);
    bool dead = __atomic_load_n(&n_idle_caps, __ATOMIC_ACQUIRE) == n_capabilities;
    for (uint32_t i = 0; i < n_capabilities && dead; i++) {
        Capability *c = capabilities[i];
        if (c->run_queue_hd != END_TSO_QUEUE || c->inbox != END_TSO_QUEUE
            || c->returning_tasks != NULL || c->current_tso != NULL)
            dead = false;
    }
    if (__atomic_load_n(&n_in_ccall, __ATOMIC_ACQUIRE) != 0)
        dead = false;
    for (uint32_t i = 0; i < n_capabilities; i++)
        pthread_mutex_unlock(&capabilities[i]->lock);
    return dead;
}

/* Nothing to run: spin a little, then sleep until woken (or 10 ms, to look
 * for work to steal again). */
static void idleWait(Capability *cap)
{
    for (int i = 0; i < IDLE_SPIN; i++) {
        if (workAvailable(cap))
            return;
        __builtin_ia32_pause();
    }
    pthread_mutex_lock(&cap->lock);
    if (cap->run_queue_hd != END_TSO_QUEUE || cap->inbox != END_TSO_QUEUE
        || cap->returning_tasks != NULL || sched_sync_pending || sched_shutting_down) {
        pthread_mutex_unlock(&cap->lock);
        return;
    }
    cap->sleeping = true;
    __atomic_add_fetch(&n_idle_caps, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&cap->lock);

    if (globallyDeadlocked())
        reportDeadlock();

    pthread_mutex_lock(&cap->lock);
    if (cap->run_queue_hd == END_TSO_QUEUE && cap->inbox == END_TSO_QUEUE
        && cap->returning_tasks == NULL && !sched_sync_pending && !sched_shutting_down) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&cap->idle_cond, &cap->lock, &ts);
    }
    cap->sleeping = false;
    __atomic_sub_fetch(&n_idle_caps, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&cap->lock);
}

/* The current green thread has switched back to this Task's scheduler:
 * deal with it according to task->ret. */
static void threadReturned(Task *task)
{
    Capability *cap = task->cap;
    GreenContext *ctx;
    pthread_mutex_lock(&cap->lock);
    StgTSO *tso = cap->current_tso;
    switch (task->ret) {
    case SchedYield:
        appendToRunQueue(cap, tso);
        cap->current_tso = NULL;
        pthread_mutex_unlock(&cap->lock);
        return;
    case SchedHeapOverflow:
        pushOnRunQueue(cap, tso);
        cap->current_tso = NULL;
        pthread_mutex_unlock(&cap->lock);
        scheduleDoGC(cap);
        return;
    case SchedBlock:
        cap->current_tso = NULL;
        pthread_mutex_unlock(&cap->lock);
        if (task->block_after != NULL)
            task->block_after(cap, task->block_arg);
        return;
    case SchedFinish:
        cap->current_tso = NULL;
        pthread_mutex_unlock(&cap->lock);
        ctx = tso->ctx;
        tso->ctx = NULL;
        threadFinished(cap, tso);
        greenContextFree(ctx);
        return;
    }
}

/* Run tso on this Task until it switches back; handle why. */
static void runThread(Task *task, StgTSO *tso)
{
    GreenContext *ctx = tso->ctx != NULL ? tso->ctx : threadContext(tso);
    task->cap->n_threads_run++;
    greenSwitch(task->sched_ctx, ctx);
    threadReturned(myTask());           /* the same Task: a scheduler loop never migrates */
}

/* Run cap's scheduler loop until this Task hands the capability over (to a
 * Task returning from a foreign call) or the runtime shuts down. */
static void schedulerLoop(Task *task)
{
    for (;;) {
        Capability *cap = task->cap;
        pthread_mutex_lock(&cap->lock);
        if (cap->returning_tasks != NULL || sched_shutting_down) {
            Task *r = cap->returning_tasks;
            if (r != NULL) {
                cap->returning_tasks = r->next_returning;
                r->next_returning = NULL;
                r->cap = cap;
                pthread_cond_signal(&r->cond);
            }
            cap->running_task = r;
            setTaskCap(task, NULL);
            pthread_mutex_unlock(&cap->lock);
            return;
        }
        pthread_mutex_unlock(&cap->lock);

        if (sched_sync_pending) {
            syncParticipate(cap);
            continue;
        }
        processInbox(cap);

        pthread_mutex_lock(&cap->lock);
        StgTSO *tso = popRunQueue(cap);
        if (tso != NULL)
            cap->current_tso = tso;
        pthread_mutex_unlock(&cap->lock);
        if (tso == NULL && n_capabilities > 1 && (tso = stealWork(cap)) != NULL) {
            pthread_mutex_lock(&cap->lock);
            cap->current_tso = tso;
            pthread_mutex_unlock(&cap->lock);
        }
        if (tso == NULL) {
            idleWait(cap);
            continue;
        }
        tso->cap = cap;
        cap->interrupt = false;
        dirtyRunningThread(cap, tso);   /* Note [Dirtying the thread about to run] */
        runThread(task, tso);
    }
}

/* A Task without a capability waits to be handed one (or for shutdown). */
static bool waitForCapability(Task *task)
{
    pthread_mutex_lock(&spare_lock);
    while (task->cap == NULL && !sched_shutting_down) {
        task->next_spare = spare_tasks;
        spare_tasks = task;
        pthread_cond_wait(&task->cond, &spare_lock);
        if (task->cap == NULL) {            /* spurious, or shutdown: unlink */
            Task **p = &spare_tasks;
            while (*p != NULL && *p != task)
                p = &(*p)->next_spare;
            if (*p == task)
                *p = task->next_spare;
        }
    }
    bool got = task->cap != NULL;
    pthread_mutex_unlock(&spare_lock);
    setTaskCap(task, task->cap);        /* handed over by another OS thread */
    return got;
}

/* Body of every Task's scheduler context. */
static void taskMain(void *arg)
{
    Task *task = arg;
    /* The main Task's scheduler starts on the main thread's first switch
     * to it: handle that thread first. */
    if (task->cap != NULL && task->cap->current_tso != NULL)
        threadReturned(task);
    for (;;) {
        if (task->cap != NULL)
            schedulerLoop(task);
        if (!waitForCapability(task))
            break;
    }
    /* Shut down.  Worker pthreads return from workerMain; the main
     * Task's scheduler stack simply stays parked. */
    if (task->is_worker)
        return;
    for (;;)
        pause();
}

static void *workerMain(void *arg)
{
    Task *task = arg;
    sched_my_task = task;
    setTaskCap(task, task->cap);
    greenInitOSThread();
    GreenContext native;
    greenContextInitNative(&native);
    task->sched_ctx = &native;
    taskMain(task);
    greenExitOSThread();
    return NULL;
}

static void startWorker(Task *task)
{
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&tid, &attr, workerMain, task);
    pthread_attr_destroy(&attr);
    if (r != 0)
        barf("cannot start an OS thread for the scheduler: %s", strerror(r));
}

/* Hand cap (lock held) to a spare Task, starting one if none waits. */
static void releaseCapabilityToSpare(Capability *cap)
{
    pthread_mutex_lock(&spare_lock);
    Task *t = spare_tasks;
    if (t != NULL) {
        spare_tasks = t->next_spare;
        t->cap = cap;
        cap->running_task = t;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&spare_lock);
        return;
    }
    pthread_mutex_unlock(&spare_lock);
    t = newTask(true);
    t->cap = cap;
    cap->running_task = t;
    startWorker(t);
}

/* ---- safe foreign calls ---- */

void *rts_safe_call(void *(*fn)(void *), void *arg)
{
    Task *task = myTask();
    if (task == NULL || task->cap == NULL)
        return fn(arg);

    Capability *cap = task->cap;
    pthread_mutex_lock(&cap->lock);
    StgTSO *tso = cap->current_tso;
    tso->why_blocked = BlockedOnCCall;
    tso->blocked_since_ns = getMonotonicNSec();
    task->incall_tso = tso;             /* a GC root while we are away */
    cap->current_tso = NULL;
    __atomic_add_fetch(&n_in_ccall, 1, __ATOMIC_ACQ_REL);
    setTaskCap(task, NULL);
    releaseCapabilityToSpare(cap);
    pthread_mutex_unlock(&cap->lock);

    int saved_errno = errno;
    void *result = fn(arg);
    saved_errno = errno;

    /* Back: wait for our capability (its holder hands it over at its next
     * scheduling point; nudge a running thread towards a safe point). */
    pthread_mutex_lock(&cap->lock);
    task->next_returning = NULL;
    Task **p = &cap->returning_tasks;
    while (*p != NULL)
        p = &(*p)->next_returning;
    *p = task;
    cap->interrupt = true;
    wakeCapability(cap);
    while (task->cap == NULL)
        pthread_cond_wait(&task->cond, &cap->lock);
    setTaskCap(task, task->cap);        /* handed over by the holder */
    __atomic_sub_fetch(&n_in_ccall, 1, __ATOMIC_ACQ_REL);
    tso = task->incall_tso;
    task->incall_tso = NULL;
    tso->why_blocked = NotBlocked;
    tso->cap = cap;
    cap->current_tso = tso;
    dirtyRunningThread(cap, tso);       /* we may have GC'd: as GHC's resumeThread */
    pthread_mutex_unlock(&cap->lock);
    errno = saved_errno;
    return result;
}

uint64_t capabilityThreadsRun(uint32_t cap_no)
{
    return cap_no < n_capabilities ? capabilities[cap_no]->n_threads_run : 0;
}

uint64_t capabilityHandoffs(uint32_t cap_no)
{
    return cap_no < n_capabilities ? capabilities[cap_no]->n_handoffs : 0;
}

/* ---- set-up and shutdown ---- */

static GreenContext main_native_ctx;

static void markTasks(evac_fn evac, void *user)
{
    for (Task *t = all_tasks; t != NULL; t = t->all_next)
        if (t->incall_tso != NULL)
            evac(user, (StgClosure **)&t->incall_tso);
    markThreadRecords(evac, user);
}

void initScheduler(void)
{
    if (scheduler_started)
        return;
    scheduler_started = true;
    if (capabilities == NULL)
        initCapabilities(RtsFlags.ParFlags.nCapabilities);
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *cap = capabilities[i];
        cap->run_queue_hd = END_TSO_QUEUE;
        cap->run_queue_tl = END_TSO_QUEUE;
        cap->n_run_queue = 0;
        cap->inbox = END_TSO_QUEUE;
        cap->returning_tasks = NULL;
        cap->running_task = NULL;
        pthread_mutex_init(&cap->lock, NULL);
        pthread_cond_init(&cap->idle_cond, NULL);
    }
    registerGcRoots(markTasks);

    /* The calling OS thread: holds capability 0; its native stack is
     * thread 1; its scheduler loop gets a stack of its own. */
    Task *task = newTask(false);
    sched_my_task = task;
    greenInitOSThread();
    greenContextInitNative(&main_native_ctx);
    task->sched_ctx = greenContextNew(taskMain, task);
    if (task->sched_ctx == NULL)
        barf("cannot map a stack for the main scheduler loop: %s", strerror(errno));
    Capability *cap0 = capabilities[0];
    setTaskCap(task, cap0);
    cap0->running_task = task;
    if (cap0->current_tso == NULL)
        barf("initScheduler: rts_init made no main thread");
    adoptMainThread(cap0->current_tso, &main_native_ctx);
    dirtyRunningThread(cap0, cap0->current_tso);    /* it may have survived a GC already */

    for (uint32_t i = 1; i < n_capabilities; i++) {
        Task *w = newTask(true);
        w->cap = capabilities[i];
        capabilities[i]->running_task = w;
        startWorker(w);
    }
    gcWorkersAreCapabilities(true);
    startTimer();
}

void exitScheduler(void)
{
    if (!scheduler_started)
        return;
    stopTimer();
    sched_shutting_down = true;
    Task *me = myTask();
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *c = capabilities[i];
        c->interrupt = true;
        pthread_mutex_lock(&c->lock);
        pthread_cond_broadcast(&c->idle_cond);
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_lock(&spare_lock);
    for (Task *t = spare_tasks; t != NULL; t = t->next_spare)
        pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&spare_lock);

    /* Wait (a bounded time) for every other capability to be let go. */
    uint64_t deadline = getMonotonicNSec() + 1000000000u;
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *c = capabilities[i];
        if (me != NULL && c == me->cap)
            continue;
        while (__atomic_load_n(&c->running_task, __ATOMIC_ACQUIRE) != NULL
               && getMonotonicNSec() < deadline) {
            struct timespec ts = { 0, 1000000 };
            nanosleep(&ts, NULL);
        }
    }
    gcWorkersAreCapabilities(false);    /* a GC from now on brings its own threads */
}
