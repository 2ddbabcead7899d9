/* Schedule.h — the scheduler's interface to the rest of the runtime (issue 3).
 *
 * Green threads (TSOs) run C code on their own C stacks (GreenContext.h);
 * each capability's OS thread runs a scheduler loop that switches between
 * them.  A green thread may resume on a different OS thread than the one it
 * blocked on: never cache thread-local addresses or Capability pointers
 * across a call that can block, yield or allocate — re-read myCapability().
 *
 * MVar operations (MVar.c), blackholes (issue 4) and the public API build on
 * these primitives.  The scheduler owns Schedule.c, Capability.c, Threads.c.
 */
#ifndef RTS_SCHEDULE_H
#define RTS_SCHEDULE_H

#include <stdbool.h>
#include "Capability.h"
#include "rts/storage/InfoTables.h"
#include "FlightRecorder.h"
#include "WatchTable.h"
#include "sm/Storage.h"
#include "GreenContext.h"
#include "RtsMessages.h"

/* The capability the calling green thread runs on (never inlined: it reads
 * thread-local state that changes when a green thread migrates). */
Capability *myCapability(void) __attribute__((noinline));
/* The calling green thread's TSO (cap->current_tso; the GC updates it). */
StgTSO *myTSO(void);

/* Block the calling green thread: it is suspended and the scheduler runs
 * `after(cap, arg)` on the scheduler's own stack once the thread is fully
 * switched out (GHC's BLOCK_BUT_FIRST: e.g. unlock the MVar only then).
 * The caller has already set tso->why_blocked and tso->block_info.
 * Returns when the thread has been woken and scheduled again, with the
 * capability it now runs on (maybe not the one it blocked on). */
Capability *blockCurrentThread(void (*after)(Capability *cap, void *arg), void *arg);

/* Make a blocked thread runnable.  Safe from any capability: when tso->cap
 * is another capability, a MSG_TRY_WAKEUP message is sent to it.  For
 * BlockedOnMVar/BlockedOnMVarRead the thread is woken only if
 * tso->_link == END_TSO_QUEUE (the waker completed its operation). */
void tryWakeupThread(Capability *cap, StgTSO *tso);

/* ---- the run queue and the inline wake-up ---- */

/* GHC's setTSOLink: the write barrier for a TSO's link field. */
static inline void setTSOLink(Capability *cap, StgTSO *tso, StgTSO *target)
{
    if (!tso->dirty)
        dirty_TSO(cap, tso);
    tso->_link = target;
}

/* Note [Dirtying the thread about to run]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * As GHC's scheduler does (rts/Schedule.c, schedule(), at run_thread:
 * dirty_TSO(cap,t); dirty_STACK(cap,t->stackobj); and resumeThread after a
 * safe foreign call, "We might have GC'd, mark the TSO dirty again"), every
 * path that starts or resumes running a thread marks its TSO and STACK
 * dirty on the capability that runs it: the scheduler loop (runThread), the
 * direct hand-off (takeHandoffTarget), the return from a safe foreign
 * call, and a collection made from the running thread itself
 * (scheduleCollect).  The fused block on one capability
 * (handOffOnOneCapability) only hands off to a thread that is dirty
 * already, and leaves any other to takeHandoffTarget.  The
 * running thread's own writes to its TSO (blocking on an MVar: _link,
 * block_info, why_blocked) then need no barrier, as in GHC's
 * stg_takeMVarzh: blockOnMVar only ASSERTs it.  The cost is two tests per
 * switch (a thread is recorded at most once per GC cycle): +4
 * instructions per -N1 ping-pong round trip, net of the barrier dropped.
 *
 * Consequence that matters for GHC #18919: a thread's TSO sits on the mut
 * list of the capability where it first ran after the last GC, while the
 * queue node X it links behind when it blocks is recorded where it blocks.
 * A thread that migrated in between has the two on different capabilities'
 * mut lists, so two GC threads can reach its queue node at once (Note [Why
 * the pipeline does not reach #18919 here] in examples/pipeline/pipeline.c).
 */
static inline __attribute__((always_inline))
void dirtyRunningThread(Capability *cap, StgTSO *tso)
{
    if (__builtin_expect(!tso->dirty, 0))
        dirty_TSO(cap, tso);
    if (__builtin_expect(!(tso->stackobj->dirty & STACK_DIRTY), 0))
        dirty_STACK(cap, tso->stackobj);
}

/* Put tso at the tail of cap's run queue (cap->lock held, or one
 * capability: Note [Run queue locking] in Schedule.c).  The scheduler's
 * own helper, here only so that tryWakeupThreadInline can use it. */
static inline void appendToRunQueue(Capability *cap, StgTSO *tso)
{
    tso->_link = END_TSO_QUEUE;
    if (cap->run_queue_tl == END_TSO_QUEUE) {
        cap->run_queue_hd = tso;
        tso->block_info.prev = END_TSO_QUEUE;
    } else {
        setTSOLink(cap, cap->run_queue_tl, tso);
        if (!tso->dirty)
            dirty_TSO(cap, tso);
        tso->block_info.prev = cap->run_queue_tl;
    }
    cap->run_queue_tl = tso;
    cap->n_run_queue++;
}

/* Note [Inline wake-up]
 * ~~~~~~~~~~~~~~~~~~~~~~
 * An MVar operation that completes a blocked thread's take or put wakes it
 * with tryWakeupThreadInline: with one capability, a thread blocked on an
 * MVar whose operation is done (_link == END_TSO_QUEUE) and nothing recorded
 * or watched, the wake-up is two stores and an append to the run queue,
 * here in the caller.  Every other case — more capabilities (the run queue
 * is shared and the thread may belong to another capability), another
 * reason for blocking, the recorder or a watch on — is tryWakeupThread's.
 * The run queue stays the scheduler's: this header owns the inline code,
 * MVar.c only calls it (canWakeThreadInline and wakeInline also serve
 * putToLoneTaker, which must know before it changes anything). */

/* canWakeInline's tests of the thread and the capability. */
static inline bool canWakeThreadInline(Capability *cap, const StgTSO *tso)
{
    uint16_t why = tso->why_blocked;
    return n_capabilities == 1 && tso->cap == cap
        && (why == BlockedOnMVar || why == BlockedOnMVarRead);
}

/* canWakeThreadInline, and nobody to tell: the recorder's thread events
 * off, no watch set (putToLoneTaker makes these two tests itself, with
 * the recorder's MVar category in the same read). */
static inline bool canWakeInline(Capability *cap, const StgTSO *tso)
{
    return canWakeThreadInline(cap, tso) && !traceEnabled(EVCAT_THREAD) && !watchActive();
}

/* The inline wake-up itself, once canWakeInline said yes. */
static inline void wakeInline(Capability *cap, StgTSO *tso)
{
    tso->block_info.closure = END_TSO_QUEUE;
    tso->why_blocked = NotBlocked;
    appendToRunQueue(cap, tso);
}

static inline void tryWakeupThreadInline(Capability *cap, StgTSO *tso)
{
    if (tso->_link == END_TSO_QUEUE && canWakeInline(cap, tso))
        wakeInline(cap, tso);
    else
        tryWakeupThread(cap, tso);
}

/* Closure spin lock (WHITEHOLE in the header), GHC's lockClosure: no-op
 * returning the header when only one capability runs.  Inline: it is on
 * every MVar operation; the contended case spins out of line. */
const StgInfoTable *lockClosureSpin(StgClosure *p);

static inline const StgInfoTable *lockClosure(StgClosure *p)
{
    if (n_capabilities == 1)
        return p->header.info;
    const StgInfoTable *info =
        __atomic_exchange_n(&p->header.info, &stg_WHITEHOLE_info, __ATOMIC_ACQUIRE);
    if (__builtin_expect(info != &stg_WHITEHOLE_info, 1))
        return info;
    return lockClosureSpin(p);
}

static inline void unlockClosure(StgClosure *p, const StgInfoTable *info)
{
    __atomic_store_n(&p->header.info, info, __ATOMIC_RELEASE);
}

/* A safe point: yield if preemption or a GC sync was requested, collect if
 * this capability's nursery is exhausted.  Allocation calls it. */
void rts_safepoint(void);

/* ---- the scheduler's own interface (Schedule.c, Capability.c) ---- */

struct GreenContext_;

/* Why a green thread switched back to its OS thread's scheduler loop. */
enum SchedReturn {
    SchedYield,         /* runnable: back on the run queue */
    SchedBlock,         /* blocked: run block_after, then forget it */
    SchedFinish,        /* done: free its C stack */
    SchedHeapOverflow,  /* runnable, and this capability wants a GC */
};

/* An OS thread that drives capabilities (GHC's Task).  Each has a
 * scheduler loop on its own stack, suspended while it runs a green thread.
 * See Note [Tasks and capabilities] in Schedule.c. */
typedef struct Task_ {
    Capability *cap;                /* held capability, NULL if none */
    struct GreenContext_ *sched_ctx;/* where this OS thread's scheduler loop runs */
    StgTSO *incall_tso;             /* GC root: the thread in a safe foreign call here */
    enum SchedReturn ret;           /* set by the green thread before switching back */
    void (*block_after)(Capability *cap, void *arg);
    void *block_arg;
    StgTSO *handoff_from;           /* switched out by a direct hand-off, not yet
                                     * finished with (Note [Direct hand-off]) */
    enum SchedReturn handoff_why;   /* SchedYield or SchedBlock */
    pthread_cond_t cond;            /* waits to be handed a capability */
    bool is_worker;                 /* a pthread we started (not the program's main) */
    struct Task_ *next_returning;   /* on cap->returning_tasks */
    struct Task_ *next_spare;
    struct Task_ *all_next;
} Task;

/* The calling OS thread's Task (NULL before initScheduler / on foreign threads). */
Task *myTask(void) __attribute__((noinline));

/* Note [Blocking on one capability]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The MVar round trip at -N1 is put (wakes the other side), take (blocks,
 * hands off to the thread just woken), over and over.  blockCurrentThread
 * is a function level of its own (six register saves, their restores, the
 * hand-off checks in the general form, `after` to store and test, the
 * resume through resumed()).  blockOnOneCapability is the same decision
 * made in the blocker's own frame, for the one case that needs none of
 * that: one capability, no `after` (the MVar is already unlocked), no
 * update frames to blackhole, the recorder's thread events off, the timer
 * stamping blocked_since (Note [Blocked-since timestamps]), nothing for the
 * scheduler loop to do first (no sync, no shutdown, no inbox message, no
 * returning Task) and a run-queue head that already has a C stack and is
 * dirty (Note [Dirtying the thread about to run]).  Then it does exactly
 * what blockCurrentThread + takeHandoffTarget + handoffTo do (pop the
 * head, make it current, count the switch, switch) and, on resuming, what
 * resumed() does.  It leaves nothing in the Task for the thread it
 * switches to: a block without an `after` has nothing to be done once its
 * registers are saved (resumed() would only forget it), so the Task is not
 * touched before the switch, and the thread switched to, which may have
 * been resumed by any kind of switch, finds handoff_from NULL.  Any other
 * case takes blockCurrentThread, so recorder, watch, -DS and sync behave
 * as before.  With one capability nobody else touches the run queue (Note
 * [Run queue locking]), so there is no lock to take.
 *
 * The tests (handOffStampOnOneCapability) and the hand-off
 * (handOffOnOneCapability) are two functions so that a caller can make
 * the tests before it changes anything, and then switch with no call in
 * between: Note [Taking alone on one capability] in MVar.c.
 *
 * After the switch the thread may run on another OS thread (a safe
 * foreign call hands the capability to another Task), and a thread-local
 * address computed before the switch may be stale then: the Task is read
 * through myTask()'s call.  (An inline initial-exec read of sched_my_task
 * in a volatile asm saves two instructions per switch, not measurable in
 * the round trip's time: not done.)  test_sched's ccall_pingpong case
 * resumes a thread blocked here on another OS thread. */
extern volatile bool sched_sync_pending, sched_shutting_down;
/* A green thread's first act when it starts or resumes running: finish a
 * direct hand-off from the thread it replaced (Note [Direct hand-off]).
 * Returns the capability it runs on. */
Capability *completeHandoff(void);
extern volatile uint64_t timer_tick_ns;

/* The blocked_since_ns stamp for a block that can hand off on one
 * capability as Note [Blocking on one capability] says, or 0 when it
 * cannot (blockCurrentThread's case).  The recorder aside: the caller
 * tests traceEnabled(EVCAT_THREAD), in one read with its own categories.
 * 0 too when the thread about to run is not dirty yet, so that
 * handOffOnOneCapability never has to call dirty_TSO or dirty_STACK (Note
 * [Taking alone on one capability] in MVar.c); the general path dirties
 * it. */
static inline __attribute__((always_inline))
uint64_t handOffStampOnOneCapability(Capability *cap)
{
    StgTSO *next = cap->run_queue_hd;
    uint64_t since = __atomic_load_n(&timer_tick_ns, __ATOMIC_RELAXED);
    if (n_capabilities != 1 || next == END_TSO_QUEUE || next->ctx == NULL
        || cap->current_tso->upd_frames != 0
        || sched_sync_pending || sched_shutting_down
        || cap->inbox != END_TSO_QUEUE || cap->returning_tasks != NULL
        || !next->dirty || !(next->stackobj->dirty & STACK_DIRTY))
        return 0;
    return since;
}

/* The hand-off itself, once handOffStampOnOneCapability gave `since`: the
 * current thread (marked blocked, nothing to run after it is switched
 * out) switches straight to the head of the run queue.  Returns, once the
 * thread has been woken and switched back to, the capability it runs on. */
static inline __attribute__((always_inline))
Capability *handOffOnOneCapability(Capability *cap, uint64_t since)
{
    StgTSO *tso = cap->current_tso;
    StgTSO *next = cap->run_queue_hd;
    tso->blocked_since_ns = since;
    /* popRunQueue (Schedule.c), one capability: no lock */
    StgTSO *rest = next->_link;
    cap->run_queue_hd = rest;
    if (rest != END_TSO_QUEUE)
        rest->block_info.prev = END_TSO_QUEUE;
    else
        cap->run_queue_tl = END_TSO_QUEUE;
    next->_link = END_TSO_QUEUE;
    next->block_info.closure = END_TSO_QUEUE;
    cap->n_run_queue--;
    cap->current_tso = next;
    /* handoffTo (Schedule.c), with nothing left in the Task for next */
    cap->n_threads_run++;
    cap->n_handoffs++;
    /* Note [Dirtying the thread about to run] */
    ASSERT(next->dirty && (next->stackobj->dirty & STACK_DIRTY));
    greenSwitchInline(tso->ctx, next->ctx);
    /* resumed() (Schedule.c): whoever switched back to us may have left
     * work in the Task */
    Task *task = myTask();                  /* a call: see the Note */
    if (task->handoff_from != NULL)
        return completeHandoff();
    return task->cap;
}

/* Block the current thread, already marked blocked with nothing to run
 * once it is switched out, on one capability: Note [Blocking on one
 * capability]. */
static inline __attribute__((always_inline))
Capability *blockOnOneCapability(Capability *cap)
{
    uint64_t since = handOffStampOnOneCapability(cap);
    if (since == 0 || traceEnabled(EVCAT_THREAD))
        return blockCurrentThread(NULL, NULL);
    return handOffOnOneCapability(cap, since);
}

/* Start the scheduler: capabilities (RtsFlags -N), their OS threads, the
 * preemption timer (-C), and the calling native stack as thread 1 holding
 * capability 0.  Call after initStorage.  Idempotent. */
void initScheduler(void);
/* Stop every other capability's OS thread and the timer (called by the
 * main thread; other green threads are abandoned, as in GHC). */
void exitScheduler(void);

/* Put a runnable thread on cap's run queue (cap must be tso->cap's, or the
 * thread not yet scheduled anywhere). */
void scheduleThread(Capability *cap, StgTSO *tso);
/* Give up the capability to other runnable threads for a moment. */
void yieldThread(void);
/* The calling green thread is done (its function returned): never returns. */
void finishCurrentThread(void) __attribute__((noreturn));

/* Stop the world: every other capability stops at a safe point (or idle,
 * or released in a foreign call); the caller runs leader(cap) while each
 * stopped capability's OS thread runs worker(its cap), which must return
 * once the leader is done.  worker may be NULL (they just wait). */
void stopTheWorld(Capability *cap, void (*leader)(Capability *cap, void *arg),
                  void (*worker)(Capability *cap), void *arg);

/* Collect with the world stopped (rts_gc): generations 0..collect_gen at
 * least, all of them when force_major.  From a green thread or not. */
void scheduleCollect(uint32_t collect_gen, bool force_major);

/* Times a green thread was switched to on capability cap_no, and how many
 * of those were direct hand-offs (tests, benchmarks). */
uint64_t capabilityThreadsRun(uint32_t cap_no);
uint64_t capabilityHandoffs(uint32_t cap_no);

/* Deadlock.c: print which threads are blocked on what, exit(RTS_EXIT_DEADLOCK). */
#define RTS_EXIT_DEADLOCK 3
void reportDeadlock(void) __attribute__((noreturn));

/* Timer.c: the preemption timer (-C). */
void startTimer(void);
void stopTimer(void);
/* CLOCK_MONOTONIC ns of the timer's last tick while it ticks at least every
 * TIMER_TICK_STAMP_MAX_NS, else 0 (Note [Blocked-since timestamps] in
 * Schedule.c). */
extern volatile uint64_t timer_tick_ns;
#define TIMER_TICK_STAMP_MAX_NS (50u * 1000 * 1000)

/* Monotonic nanoseconds. */
uint64_t getMonotonicNSec(void);

#endif
