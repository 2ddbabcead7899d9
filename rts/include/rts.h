/* rts.h — the runtime's public C API.
 *
 * A program on this runtime:
 *
 *     RTS_DEFINE_CONSTR(Node, 2, 1)          // 2 pointer fields, 1 word
 *
 *     int main(int argc, char **argv) {
 *         rts_init(&argc, &argv);             // eats +RTS ... -RTS
 *         RtsFrame f = rts_frame_push(2);     // two GC-visible slots
 *         rts_set(f, 0, rts_new_mutvar(NULL));
 *         StgClosure *n = rts_alloc_constr(&Node_con_info);  // may GC
 *         rts_constr_set_word(n, 0, 42);
 *         rts_write_mutvar(rts_get(f, 0), n); // re-read roots after allocating
 *         rts_frame_pop(f);
 *         rts_exit(0);                         // prints +RTS -s stats
 *     }
 *
 * Note [Raw pointers die at allocation]
 * The one rule of this API: any call that may allocate — every rts_alloc_*, rts_new_*, rts_safepoint, rts_gc and
 * rts_frame_push — may run the garbage collector, which moves objects.  A
 * StgClosure* held in a C variable across such a call is stale afterwards.
 * Keep references in root frames (rts_frame_push/rts_set/rts_get) and
 * re-read them after every allocating call.  Arguments passed *to* an
 * allocating function are protected by that function.
 *
 * NULL is a valid value for every pointer field and root slot.
 *
 * Must not depend on: the runtime's internal headers (only rts/storage/).
 */
#ifndef RTS_H
#define RTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rts/storage/Closures.h"
#include "rts/storage/Block.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Start-up and shut-down
 * ------------------------------------------------------------------- */

/* Start the runtime: parse and remove `+RTS ... -RTS` from argv (and read
 * RTS_OPTS from the environment), set up the heap and the main thread.
 * A bad flag prints one line on stderr and exits with status 1; `+RTS -?`
 * prints the flags and exits with status 0. */
void rts_init(int *argc, char ***argv);

/* Shut the runtime down (printing +RTS -s statistics) and exit(status). */
void rts_exit(int status) __attribute__((noreturn));

/* ---------------------------------------------------------------------
 * Roots: holding heap references across allocation
 * ------------------------------------------------------------------- */

/* A handle to a root frame of n slots on the current thread's STACK.  It
 * stays valid, and its slots keep their objects alive and up to date,
 * until rts_frame_pop.  Frames are popped last-in first-out.  DEBUG builds
 * (librts_debug) barf on any use of a popped frame's handle. */
typedef struct RtsFrame_ {
    uint32_t id;        /* distance of the frame from the end of the stack, in words */
    uint32_t serial;    /* which push this was */
} RtsFrame;

/* Push a frame of n slots, all NULL.  May allocate (to grow the stack) but
 * never collects. */
RtsFrame rts_frame_push(uint32_t n);
void rts_frame_pop(RtsFrame f);
StgClosure *rts_get(RtsFrame f, uint32_t slot);
void rts_set(RtsFrame f, uint32_t slot, StgClosure *p);
uint32_t rts_frame_size(RtsFrame f);

/* ---------------------------------------------------------------------
 * Safe points and collection
 * ------------------------------------------------------------------- */

/* A safe point: collect if the nursery is used up (and, once green threads
 * exist, yield when asked to).  Every allocating API function calls it. */
void rts_safepoint(void);

/* Collect now: the young generations, or every generation when major. */
void rts_gc(bool major);

/* ---------------------------------------------------------------------
 * Constructors: immutable objects with `ptrs` pointer fields followed by
 * `nptrs` words.  Set their fields right after allocating them, before
 * the next allocating call; never store into an older constructor (use a
 * mutvar or an array: they have write barriers).
 * ------------------------------------------------------------------- */

void rts_register_info_table(const StgInfoTable *info);

/* Define `const StgInfoTable Name_con_info` at file scope, registered with
 * the runtime before main (so the sanity checker and debuggers know it). */
#define RTS_DEFINE_CONSTR(Name, ptrs_, nptrs_)                                  \
    const StgInfoTable Name##_con_info = {                                      \
        .type = CONSTR, .ptrs = (ptrs_), .nptrs = (nptrs_), .con_tag = 0,        \
        .name = #Name, .entry = NULL };                                         \
    static void __attribute__((constructor)) Name##_con_info_register(void)     \
    {                                                                           \
        rts_register_info_table(&Name##_con_info);                              \
    }
#define RTS_DECLARE_CONSTR(Name) extern const StgInfoTable Name##_con_info

/* A new constructor: pointer fields NULL, words 0. */
StgClosure *rts_alloc_constr(const StgInfoTable *info);
/* A new constructor whose pointer fields are taken from root slots
 * first .. first+ptrs-1 of frame f (read after the allocation). */
StgClosure *rts_alloc_constr_from(const StgInfoTable *info, RtsFrame f, uint32_t first);

static inline StgClosure *rts_constr_ptr(const StgClosure *c, uint32_t i)
{
    return c->payload[i];
}
static inline void rts_constr_set_ptr(StgClosure *c, uint32_t i, StgClosure *v)
{
    c->payload[i] = v;
}
static inline StgWord rts_constr_word(const StgClosure *c, uint32_t i)
{
    return (StgWord)c->payload[c->header.info->ptrs + i];
}
static inline void rts_constr_set_word(StgClosure *c, uint32_t i, StgWord w)
{
    c->payload[c->header.info->ptrs + i] = (StgClosure *)w;
}
static inline const char *rts_closure_name(const StgClosure *c)
{
    return c->header.info->name;
}

/* ---------------------------------------------------------------------
 * Mutable variables and arrays (with the generational write barrier)
 * ------------------------------------------------------------------- */

StgClosure *rts_new_mutvar(StgClosure *init);
StgClosure *rts_read_mutvar(const StgClosure *mv);
void rts_write_mutvar(StgClosure *mv, StgClosure *v);

StgClosure *rts_new_array(StgWord n, StgClosure *init);
StgClosure *rts_array_read(const StgClosure *a, StgWord i);
void rts_array_write(StgClosure *a, StgWord i, StgClosure *v);
StgWord rts_array_length(const StgClosure *a);

/* ---------------------------------------------------------------------
 * Byte arrays (ARR_WORDS): zero-filled.  Pinned ones never move, so their
 * payload address may be given to foreign code; unpinned ones move.
 * ------------------------------------------------------------------- */

StgClosure *rts_new_bytes(StgWord nbytes);
StgClosure *rts_new_pinned_bytes(StgWord nbytes);
static inline void *rts_bytes_ptr(StgClosure *b)
{
    return ((StgArrBytes *)b)->payload;
}
static inline StgWord rts_bytes_len(const StgClosure *b)
{
    return ((const StgArrBytes *)b)->bytes;
}

/* ---------------------------------------------------------------------
 * MVars and BoundedChans (rts/MVar.c, rts/BoundedChan.c; issue 3)
 *
 * An MVar is a box that is empty or holds one value; takeMVar empties it
 * (blocking while empty), putMVar fills it (blocking while full), readMVar
 * returns the value without taking it.  GHC's semantics: blocked threads
 * are served first-come first-served, each operation wakes at most one
 * thread (one put wakes all readers waiting at the front), and the waker
 * completes the woken thread's operation, so a put is never "lost".
 *
 * The blocking calls (take/put/read, and everything on BoundedChans) let
 * other threads and the GC run: by Note [Raw pointers die at allocation]
 * every StgClosure* the caller holds in C variables, the MVar included, is
 * stale when they return.  The MVar and value passed in are protected by the
 * call; the value returned is fresh.  The try variants never block and
 * never collect.  Values are any heap closure or static closure, except
 * NULL (what the try variants return for "nothing") and END_TSO_QUEUE (what
 * an empty MVar holds).
 * ------------------------------------------------------------------- */

StgMVar *rts_newMVar(void);                          /* empty; may GC */
StgMVar *rts_newFullMVar(StgClosure *value);         /* holding value; may GC */
StgClosure *rts_takeMVar(StgMVar *mvar);
void rts_putMVar(StgMVar *mvar, StgClosure *value);
StgClosure *rts_readMVar(StgMVar *mvar);
StgClosure *rts_tryTakeMVar(StgMVar *mvar);          /* NULL when empty */
bool rts_tryPutMVar(StgMVar *mvar, StgClosure *value); /* false when full */
StgClosure *rts_tryReadMVar(StgMVar *mvar);          /* NULL when empty */
bool rts_isEmptyMVar(StgMVar *mvar);

/* takeMVar and putMVar on the MVar held in root slot `slot` of frame f (a
 * frame of the calling thread): the same operations, for loops that keep
 * their MVars in a frame anyway — no rts_get, and no raw MVar pointer in
 * the caller at all.  The fast path of ping-pong style programs. */
StgClosure *rts_takeMVarRoot(RtsFrame f, uint32_t slot);
void rts_putMVarRoot(RtsFrame f, uint32_t slot, StgClosure *value);

/* A BoundedChan of `size` slots (GaloisInc's BoundedChan: slot MVars plus
 * read and write position MVars).  Writers block while the channel is full,
 * readers while it is empty; values from one writer come out in order. */
StgClosure *rts_newBoundedChan(uint32_t size);       /* may GC */
uint32_t rts_boundedChanSize(StgClosure *chan);
void rts_writeBoundedChan(StgClosure *chan, StgClosure *value);
StgClosure *rts_readBoundedChan(StgClosure *chan);
bool rts_tryWriteBoundedChan(StgClosure *chan, StgClosure *value); /* false when full */
StgClosure *rts_tryReadBoundedChan(StgClosure *chan);              /* NULL when empty */

/* ---------------------------------------------------------------------
 * Threads (issue 3; this section is the scheduler's: rts/SchedulerAPI.c)
 *
 * Green threads run C functions on their own C stacks (256 KiB, guard page
 * below: an overflow prints "rts: stack overflow in thread N (label)" and
 * exits with status 2).  With +RTS -N<n> they run on n capabilities (OS
 * threads) and migrate between them; they are preempted only at safe
 * points (every allocating call, MVar operations, rts_yield), every -C
 * seconds (default 0.02).  A thread may resume on another OS thread after
 * any call that can block, yield or allocate: keep no thread-local
 * addresses across those.
 *
 * When every thread is blocked and nothing can wake them, the runtime
 * prints which thread is blocked on what and exits with status 3.
 * ------------------------------------------------------------------- */

/* A thread id is a value: copy it, compare it, print it ("ThreadId 7"). */
typedef struct rts_ThreadId_ {
    uint32_t id;            /* 1 = the main thread; 0 = no thread */
} rts_ThreadId;

#define RTS_THREADID_FMT "ThreadId %u"
static inline bool rts_eqThreadId(rts_ThreadId a, rts_ThreadId b) { return a.id == b.id; }
static inline int rts_cmpThreadId(rts_ThreadId a, rts_ThreadId b)
{
    return a.id < b.id ? -1 : a.id > b.id;
}
/* "ThreadId 7" into buf; returns snprintf's result. */
int rts_showThreadId(rts_ThreadId t, char *buf, size_t len);

/* Run main_fn as the main thread (id 1): rts_init, main_fn, rts_exit with
 * its result.  Other threads still running when it returns are abandoned,
 * as in GHC. */
int rts_main(int argc, char **argv, int (*main_fn)(int argc, char **argv))
    __attribute__((noreturn));

/* Start fn(arg) in a new thread; arg is not a heap object (the GC does not
 * see it).  May GC. */
rts_ThreadId rts_fork(void (*fn)(void *arg), void *arg);
/* Start fn(arg) in a new thread that receives heap objects: its stack
 * starts with a root frame holding values[0..n-1], read in the child with
 * rts_get(rts_fork_frame(), i).  The values are protected during the call. */
rts_ThreadId rts_fork_with(void (*fn)(void *arg), void *arg,
                           uint32_t n, StgClosure *const values[]);
/* In a thread started by rts_fork_with: its root frame (n == 0: none). */
RtsFrame rts_fork_frame(void);

/* Let other runnable threads run. */
void rts_yield(void);
rts_ThreadId rts_myThreadId(void);
/* Name a thread (reports, debuggers); false if it has finished. */
bool rts_thread_label(rts_ThreadId t, const char *label);
/* Wait until thread t has finished (returns at once if it has).  False
 * for an id never given out, or t == rts_myThreadId(). */
bool rts_join(rts_ThreadId t);

/* Call fn(arg) outside the runtime: the capability is released while fn
 * blocks or computes, so other threads run (and the GC may move objects).
 * fn must not touch the heap: pass malloc'd memory or a pinned byte array
 * (rts_new_pinned_bytes) whose payload does not move.  errno is kept. */
void *rts_safe_call(void *(*fn)(void *arg), void *arg);

/* Capabilities (+RTS -N) and the one the calling thread runs on now. */
uint32_t rts_getNumCapabilities(void);
uint32_t rts_myCapabilityNo(void);

/* ---------------------------------------------------------------------
 * Weak pointers (issue 4; this section is the weak engineer's: rts/Weak.c)
 *
 * A weak pointer refers to a key, a value and finalizers without keeping
 * the key alive.  GHC's semantics: while the key is reachable (other than
 * through weak pointers), the weak keeps its value and finalizer alive and
 * rts_deRefWeak returns the value; the first collection that finds the key
 * unreachable kills the weak (rts_deRefWeak returns NULL from then on) and
 * runs its finalizers, each exactly once:
 *   - C finalizers (rts_addCFinalizer) run at the end of that collection,
 *     on the collecting OS thread with the world stopped, the most recently
 *     added first.  They must not touch the heap or call the runtime.
 *   - the closure finalizer (rts_mkWeak's fn, env) runs in a new green
 *     thread started at the next safe point after that collection.
 * A value that refers to its own key does not keep the key alive.
 * Finalizers still pending when the program exits are not run.
 * ------------------------------------------------------------------- */

/* A closure finalizer: env is fresh when fn is called and stays in slot 0
 * of the finalizer thread's frame (re-read it with
 * rts_get(rts_fork_frame(), 0) after allocating). */
typedef void (*rts_Finalizer)(StgClosure *env);
/* A C finalizer: receives the ptr given to rts_addCFinalizer. */
typedef void (*rts_CFinalizer)(void *ptr);

/* A new weak pointer from key (not NULL) to value (may be NULL), with a
 * closure finalizer fn(env) (fn may be NULL: none).  May GC. */
StgWeak *rts_mkWeak(StgClosure *key, StgClosure *value, rts_Finalizer fn, StgClosure *env);
/* GHC's `myThreadId >>= mkWeakThreadId`: a weak whose key is the calling
 * thread's TSO and whose value is a ThreadId constructor over that TSO (it
 * dies once the thread has finished and nothing else refers to its TSO).
 * Only from a green thread.  May GC. */
StgWeak *rts_mkWeakThreadId(void);
/* The thread id held by such a ThreadId value; id 0 for anything else. */
rts_ThreadId rts_weakThreadId(const StgClosure *value);
/* The value, or NULL once the weak is dead. */
StgClosure *rts_deRefWeak(StgWeak *w);
/* False once the weak is dead (its finalizers have run or are queued). */
bool rts_weakAlive(StgWeak *w);
/* Add a C finalizer fn(ptr).  False (and fn is never called) if the weak
 * is already dead.  May GC. */
bool rts_addCFinalizer(StgWeak *w, rts_CFinalizer fn, void *ptr);
/* Kill the weak now: run its C finalizers, then its closure finalizer in
 * the calling thread.  False if it was already dead (nothing runs). */
bool rts_finalizeWeak(StgWeak *w);

/* ---------------------------------------------------------------------
 * Thunks, CAFs and unsafePerformIO (issue 4; this section is the thunk
 * engineer's: rts/Updates.c, rts/CAF.c, rts/ThreadPaused.c)
 *
 * A thunk is a suspended computation: C entry code plus free variables
 * (`ptrs` heap references, then `nptrs` words).  rts_force evaluates it
 * once, on whichever thread gets there first, and overwrites it with its
 * value; other threads forcing it meanwhile block until the value is
 * there (GHC's blackholing).  A CAF is a thunk in static memory with no
 * free variables (a top-level value).
 *
 *     static StgClosure *sum_entry(StgClosure *self) {
 *         StgClosure *a = rts_thunk_ptr(self, 0);  // read free variables
 *         StgWord n = rts_thunk_word(self, 0);     // before allocating
 *         ...
 *         return value;                            // WHNF or another thunk
 *     }
 *     RTS_DEFINE_THUNK(Sum, 1, 1, sum_entry)      // Sum_thunk_info
 *     RTS_DEFINE_CAF(table, table_entry)          // RTS_CAF(table)
 *
 *     StgClosure *t = rts_mkThunk(&Sum_thunk_info, (StgClosure *[]){ a }, (StgWord[]){ 3 });
 *     StgClosure *v = rts_force(t);               // may GC: re-read roots
 *
 * Rules for entry code (Note [Update frames and unwinding], Updates.c):
 *   - `self` is a private copy of the thunk, valid until the first
 *     allocating call: read the free variables first and keep the pointers
 *     in root frames; pop every root frame before returning.
 *   - its work may be dropped at any call that can yield, when another
 *     thread turns out to be evaluating the same thunk (GHC's duplicate
 *     work abandonment): hold no locks or malloc'd memory across such
 *     calls.  Put side effects under rts_unsafePerformIO.
 *   - forcing the thunk (or CAF) one is evaluating oneself is an infinite
 *     loop; once the runtime sees it (the thunk is blackholed: always for
 *     CAFs, after a pause or with +RTS --eager-blackholing for thunks) the
 *     program prints "PROG: <<loop>>" and exits with status 1, as GHC's.
 * ------------------------------------------------------------------- */

/* Define `const StgInfoTable Name_thunk_info` (a THUNK with ptrs_ pointer
 * and nptrs_ word free variables and entry code entry_), registered with
 * the runtime before main. */
#define RTS_DEFINE_THUNK(Name, ptrs_, nptrs_, entry_)                               \
    const StgInfoTable Name##_thunk_info = {                                        \
        .type = THUNK, .ptrs = (ptrs_), .nptrs = (nptrs_), .con_tag = 0,            \
        .name = #Name, .entry = (entry_) };                                         \
    static void __attribute__((constructor)) Name##_thunk_info_register(void)       \
    {                                                                               \
        rts_register_info_table(&Name##_thunk_info);                                \
    }
#define RTS_DECLARE_THUNK(Name) extern const StgInfoTable Name##_thunk_info

/* Define a CAF `name`: a static closure whose value is entry_(self) (self
 * is the CAF; it has no free variables), computed once, by one thread,
 * the first time it is forced.  Use it as RTS_CAF(name). */
#define RTS_DEFINE_CAF(cafname, entry_)                                             \
    const StgInfoTable cafname##_caf_info = {                                       \
        .type = THUNK_STATIC, .ptrs = 0, .nptrs = 0, .con_tag = 0,                  \
        .name = #cafname, .entry = (entry_) };                                      \
    StgIndStatic cafname##_caf = { .header = { .info = &cafname##_caf_info } };     \
    static void __attribute__((constructor)) cafname##_caf_info_register(void)      \
    {                                                                               \
        rts_register_info_table(&cafname##_caf_info);                               \
    }
#define RTS_DECLARE_CAF(cafname) extern StgIndStatic cafname##_caf
#define RTS_CAF(name) ((StgClosure *)(void *)&name##_caf)

/* A new thunk of `info` (from RTS_DEFINE_THUNK) with pointer free
 * variables ptrs[0..info->ptrs) and word free variables
 * words[0..info->nptrs) (words may be NULL: zeros).  The pointers are
 * protected during the call.  May GC. */
StgClosure *rts_mkThunk(const StgInfoTable *info, StgClosure *const ptrs[], const StgWord words[]);

/* Free variables, for entry code reading `self` (and for tests). */
static inline StgClosure *rts_thunk_ptr(const StgClosure *self, uint32_t i)
{
    return ((const StgThunk *)self)->payload[i];
}
static inline StgWord rts_thunk_word(const StgClosure *self, uint32_t i)
{
    return (StgWord)((const StgThunk *)self)->payload[self->header.info->ptrs + i];
}

/* Evaluate c to weak head normal form and return the value (c itself when
 * it is already a value; NULL for NULL).  May block (on a thunk another
 * thread is evaluating), yield and GC: every raw pointer the caller holds,
 * c included, is stale afterwards; the result is fresh. */
StgClosure *rts_force(StgClosure *c);

/* An IO action for the unsafePerformIO pair: returns a heap value. */
typedef StgClosure *(*rts_IO)(void *arg);

/* GHC's noDuplicate#: if another thread is evaluating a thunk that the
 * calling thread is evaluating too, stop here (the duplicate work is
 * dropped and the caller's rts_force waits for the other thread's value);
 * otherwise claim the thunks under evaluation so that no other thread
 * starts them.  A no-op with one capability. */
void rts_noDuplicate(void);
/* GHC's unsafePerformIO: rts_noDuplicate(), then io(arg): the effect runs
 * at most once per thunk. */
StgClosure *rts_unsafePerformIO(rts_IO io, void *arg);
/* GHC's unsafeDupablePerformIO: io(arg) — cheaper (no stack walk), but two
 * threads forcing the same thunk may both run it. */
StgClosure *rts_unsafeDupablePerformIO(rts_IO io, void *arg);

#ifdef __cplusplus
}
#endif

#endif
