/* Weak.c — weak pointers and finalizers seen from the mutator (DESIGN §4.9).
 *
 * Offers rts_mkWeak, rts_deRefWeak, rts_finalizeWeak, rts_addCFinalizer,
 * rts_mkWeakThreadId (rts.h) and the finalizer queue (Weak.h).  What keeps
 * a weak's key, value and finalizer alive is the collector's business:
 * see Note [Weak pointer traversal] in sm/MarkWeak.c.
 *
 * Each weak's life is recorded (category "weak": EVENT_WEAK_CREATE,
 * EVENT_WEAK_FINALIZE, EVENT_WEAK_DEAD) and its mutations test the watch
 * table (Note [Watching a weak]).
 *
 * Must not depend on: the GC's internals (only the roots registry and
 * gc_count of GC.h), the debugger.
 */
#include <pthread.h>
#include <stdlib.h>
#include "Weak.h"
#include "Roots.h"
#include "Schedule.h"
#include "RtsMessages.h"
#include "sm/Storage.h"
#include "sm/GC.h"
#include "FlightRecorder.h"
#include "WatchTable.h"

/* Note [When finalizers run]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A weak dies when a collection finds its key unreachable.  Every dead
 * weak becomes DEAD_WEAK at the end of that collection, so each of its
 * finalizers runs exactly once:
 *   - its C finalizers (rts_addCFinalizer) run on the GC leader at the end
 *     of the collection, world stopped, most recently added first (GHC's
 *     runCFinalizers).  They get a plain C pointer and must not touch the
 *     heap or call the runtime;
 *   - its closure finalizer (rts_mkWeak's fn and env) cannot run inside
 *     the collector: starting a thread allocates.  The leader queues it
 *     here (the queue is a GC root) and the next safe point of any
 *     capability (rts_safepoint) starts it with rts_fork_with in a new
 *     green thread, as GHC's scheduleFinalizers starts an IO thread.  One
 *     green thread at a time drains the queue, so the forks made inside
 *     rts_fork_with's own safe point do not nest.
 * rts_finalizeWeak kills a weak before its key dies: it runs the C
 * finalizers and then the closure finalizer in the calling thread.
 * Finalizers still queued when the program exits are not run (as in GHC).
 */

/* Note [Watching a weak]
 * ~~~~~~~~~~~~~~~~~~~~~~
 * After rts_mkWeak the mutator writes a weak in two places only: a new C
 * finalizer is pushed on cfinalizers, and finalization (rts_finalizeWeak,
 * or the GC finding the key dead) turns the header from WEAK into
 * DEAD_WEAK.  Key, value and finalizer are never stored again, but
 * finalization ends them all: deRefWeak answers NULL from then on and the
 * finalizer runs.  So finalization is reported as a write of the whole
 * object (watchWriteRange over sizeof(StgWeak), old and new header): a
 * write watch on any field of the weak stops there, with the header's
 * WEAK -> DEAD_WEAK as old and new value.
 */
static void weakFinalized(StgWeak *w, uint32_t cap_no)
{
    if (watchActive())
        watchWriteRange(w, sizeof(StgWeak), (uint64_t)(uintptr_t)&stg_WEAK_info,
                        (uint64_t)(uintptr_t)&stg_DEAD_WEAK_info, cap_no);
}

RTS_DEFINE_CONSTR(Finalizer, 1, 1)          /* env; fn */
RTS_DEFINE_CONSTR(CFinalizerList, 1, 2)     /* link; fn, ptr */
RTS_DEFINE_CONSTR(ThreadId, 1, 0)           /* tso */

#define SIZEOF_W(t) (sizeof(t) / sizeof(StgWord))

/* ---- creating weaks ---- */

/* A weak on the calling capability's list of fresh weaks (GHC's mkWeak#:
 * prepended to weak_ptr_list_hd, so no write barrier is needed).  The
 * arguments are read from root frame f (key, value, env); nothing may
 * collect between the safe point and the return. */
static StgWeak *mkWeakFromFrame(RtsFrame f, rts_Finalizer fn)
{
    Capability *cap;
    StgClosure *fin = NULL;
    StgWeak *w;

    rts_safepoint();
    cap = rts_current_cap();
    if (fn != NULL) {
        fin = (StgClosure *)allocate(cap, 1 + 2);
        fin->header.info = &Finalizer_con_info;
        fin->payload[0] = rts_get(f, 2);
        fin->payload[1] = (StgClosure *)(StgWord)fn;
    }
    w = (StgWeak *)allocate(cap, SIZEOF_W(StgWeak));
    w->header.info = &stg_WEAK_info;
    w->cfinalizers = NULL;
    w->key = rts_get(f, 0);
    w->value = rts_get(f, 1);
    w->finalizer = fin;
    w->link = cap->weak_ptr_list_hd;
    cap->weak_ptr_list_hd = w;
    if (cap->weak_ptr_list_tl == NULL)
        cap->weak_ptr_list_tl = w;
    if (traceEnabled(EVCAT_WEAK))
        traceEvent(capRing(cap->no), EVENT_WEAK_CREATE, (uint64_t)(uintptr_t)w,
                   (uint64_t)(uintptr_t)w->key, (uint64_t)(uintptr_t)w->value,
                   (uint64_t)(uintptr_t)fin);
    return w;
}

StgWeak *rts_mkWeak(StgClosure *key, StgClosure *value, rts_Finalizer fn, StgClosure *env)
{
    StgWeak *w;

    if (key == NULL)
        barf("rts_mkWeak: the key is NULL (a weak pointer needs an object to watch)");
    RtsFrame f = rts_frame_push(3);
    rts_set(f, 0, key);
    rts_set(f, 1, value);
    rts_set(f, 2, env);
    w = mkWeakFromFrame(f, fn);
    rts_frame_pop(f);
    return w;
}

/* GHC's mkWeakThreadId: the key is the TSO, the value a ThreadId
 * constructor over that same TSO (the seed's weak, reference §2.3). */
StgWeak *rts_mkWeakThreadId(void)
{
    StgWeak *w;

    if (myTask() == NULL || myTask()->cap == NULL)
        barf("rts_mkWeakThreadId: not called from a green thread (call it inside rts_main)");
    RtsFrame f = rts_frame_push(3);
    StgClosure *tid = rts_alloc_constr(&ThreadId_con_info);
    rts_constr_set_ptr(tid, 0, (StgClosure *)myTSO());
    rts_set(f, 1, tid);
    rts_set(f, 0, (StgClosure *)myTSO());       /* the GC keeps current_tso current */
    w = mkWeakFromFrame(f, NULL);
    rts_frame_pop(f);
    return w;
}

rts_ThreadId rts_weakThreadId(const StgClosure *value)
{
    rts_ThreadId t = { 0 };
    if (value != NULL && value->header.info == &ThreadId_con_info)
        t.id = ((const StgTSO *)value->payload[0])->id;
    return t;
}

/* ---- using weaks ---- */

/* Lock w and check it is a weak; returns its info (WEAK or DEAD_WEAK). */
static const StgInfoTable *lockWeak(const char *who, StgWeak *w)
{
    const StgInfoTable *info;
    if (w == NULL)
        barf("%s: the weak pointer is NULL", who);
    info = lockClosure((StgClosure *)w);
    if (info != &stg_WEAK_info && info != &stg_DEAD_WEAK_info) {
        unlockClosure((StgClosure *)w, info);
        barf("%s: %p is not a weak pointer", who, (void *)w);
    }
    return info;
}

StgClosure *rts_deRefWeak(StgWeak *w)
{
    const StgInfoTable *info = lockWeak("rts_deRefWeak", w);
    StgClosure *value = info == &stg_WEAK_info ? w->value : NULL;
    unlockClosure((StgClosure *)w, info);
    return value;
}

bool rts_weakAlive(StgWeak *w)
{
    const StgInfoTable *info = lockWeak("rts_weakAlive", w);
    unlockClosure((StgClosure *)w, info);
    return info == &stg_WEAK_info;
}

bool rts_addCFinalizer(StgWeak *w, rts_CFinalizer fn, void *ptr)
{
    const StgInfoTable *info;
    Capability *cap;
    StgClosure *c;

    if (fn == NULL)
        barf("rts_addCFinalizer: the finalizer function is NULL");
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, (StgClosure *)w);
    rts_safepoint();
    cap = rts_current_cap();
    c = (StgClosure *)allocate(cap, 1 + 3);
    c->header.info = &CFinalizerList_con_info;
    c->payload[0] = NULL;
    rts_constr_set_word(c, 0, (StgWord)fn);
    rts_constr_set_word(c, 1, (StgWord)ptr);
    w = (StgWeak *)rts_get(f, 0);
    rts_frame_pop(f);

    info = lockWeak("rts_addCFinalizer", w);
    if (info != &stg_WEAK_info) {
        unlockClosure((StgClosure *)w, info);
        return false;
    }
    c->payload[0] = w->cfinalizers;
    WATCH_STORE(cap->no, w->cfinalizers, c);
    w->cfinalizers = c;
    /* the write barrier: an old weak now points at a young list node */
    if (HEAP_ALLOCED(w) && Bdescr(w)->gen_no > 0)
        recordMutableCap((StgClosure *)w, cap, Bdescr(w)->gen_no);
    unlockClosure((StgClosure *)w, info);
    return true;
}

void runCFinalizers(StgClosure *list)
{
    for (StgClosure *c = list; c != NULL; c = c->payload[0]) {
        rts_CFinalizer fn = (rts_CFinalizer)rts_constr_word(c, 0);
        fn((void *)rts_constr_word(c, 1));
    }
}

bool rts_finalizeWeak(StgWeak *w)
{
    const StgInfoTable *info = lockWeak("rts_finalizeWeak", w);
    StgClosure *cfins, *fin;

    if (info != &stg_WEAK_info) {
        unlockClosure((StgClosure *)w, info);
        return false;               /* already dead: its finalizers have run */
    }
    cfins = w->cfinalizers;
    fin = w->finalizer;
    uint32_t cap_no = rts_current_cap()->no;
    if (traceEnabled(EVCAT_WEAK))
        traceEvent(capRing(cap_no), EVENT_WEAK_FINALIZE, (uint64_t)(uintptr_t)w,
                   (uint64_t)(uintptr_t)w->key, cfins != NULL, (uint64_t)(uintptr_t)fin);
    weakFinalized(w, cap_no);
    unlockClosure((StgClosure *)w, &stg_DEAD_WEAK_info);

    runCFinalizers(cfins);          /* does not allocate: fin stays valid */
    if (fin != NULL) {
        rts_Finalizer fn = (rts_Finalizer)rts_constr_word(fin, 0);
        RtsFrame f = rts_frame_push(1);     /* never collects */
        rts_set(f, 0, rts_constr_ptr(fin, 0));
        fn(rts_get(f, 0));
        rts_frame_pop(f);
    }
    return true;
}

void weakDied(StgWeak *w, uint32_t gc_thread)
{
    if (traceEnabled(EVCAT_WEAK) && gc_thread < rts_recorder.n_caps)
        traceEvent(gcRing(gc_thread), EVENT_WEAK_DEAD, (uint64_t)(uintptr_t)w,
                   (uint64_t)(uintptr_t)w->key, gc_count, (uint64_t)(uintptr_t)w->finalizer);
    weakFinalized(w, gc_thread);
}

/* ---- the queue of closure finalizers (Note [When finalizers run]) ---- */

static pthread_mutex_t finalizer_lock = PTHREAD_MUTEX_INITIALIZER;
static StgClosure **finalizer_queue;        /* Finalizer closures; a GC root */
static size_t n_finalizers_queued, finalizer_queue_size;
static bool finalizer_roots_registered;
static bool finalizer_runner_active;        /* a green thread drains the queue */
volatile bool finalizers_pending;

static void markFinalizerQueue(evac_fn evac, void *user)
{
    for (size_t i = 0; i < n_finalizers_queued; i++)
        evac(user, &finalizer_queue[i]);
}

void queueFinalizer(StgClosure *finalizer)
{
    pthread_mutex_lock(&finalizer_lock);
    if (!finalizer_roots_registered) {
        registerGcRoots(markFinalizerQueue);    /* world stopped: no race */
        finalizer_roots_registered = true;
    }
    if (n_finalizers_queued == finalizer_queue_size) {
        size_t n = finalizer_queue_size ? 2 * finalizer_queue_size : 64;
        StgClosure **q = realloc(finalizer_queue, n * sizeof(*q));
        if (q == NULL)
            barf("queueFinalizer: out of memory (%zu finalizers queued)", n_finalizers_queued);
        finalizer_queue = q;
        finalizer_queue_size = n;
    }
    finalizer_queue[n_finalizers_queued++] = finalizer;
    finalizers_pending = true;
    pthread_mutex_unlock(&finalizer_lock);
}

/* The body of a finalizer thread: its root frame's slot 0 holds the
 * Finalizer closure; it is replaced by env, where fn may re-read it. */
static void finalizerThread(void *arg)
{
    (void)arg;
    RtsFrame f = rts_fork_frame();
    StgClosure *fin = rts_get(f, 0);
    rts_Finalizer fn = (rts_Finalizer)rts_constr_word(fin, 0);
    rts_set(f, 0, rts_constr_ptr(fin, 0));
    fn(rts_get(f, 0));
}

void runPendingFinalizers(void)
{
    pthread_mutex_lock(&finalizer_lock);
    if (finalizer_runner_active || n_finalizers_queued == 0) {
        pthread_mutex_unlock(&finalizer_lock);
        return;
    }
    finalizer_runner_active = true;
    for (;;) {
        StgClosure *fin;
        if (n_finalizers_queued == 0) {
            finalizers_pending = false;
            break;
        }
        fin = finalizer_queue[--n_finalizers_queued];
        pthread_mutex_unlock(&finalizer_lock);
        /* no safe point between the pop and the call: fin stays valid,
         * and rts_fork_with protects it from there on */
        rts_fork_with(finalizerThread, NULL, 1, &fin);
        pthread_mutex_lock(&finalizer_lock);
    }
    finalizer_runner_active = false;
    pthread_mutex_unlock(&finalizer_lock);
}
