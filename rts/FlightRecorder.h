/* FlightRecorder.h — per-capability and per-GC-thread rings of recent events.
 *
 * A bounded, lock-free history of what the runtime did last: GC start/end,
 * evacuations of watched objects, lost copy races between GC threads
 * (evac), MVars and their queue nodes moved by the GC, MVar operations
 * with the queue's head and tail generations and the clean/dirty state
 * before and after, CAF entry, thread life cycle, weaks (created,
 * finalized, dead at GC), sanity failures, watch hits.  Each ring has
 * exactly one writer at a time (the OS thread holding the capability, or
 * one GC thread), so writing is a few stores and no atomics.  The rings live in ordinary memory that
 * the debug-info ABI describes, so a debugger reads them from a live process
 * or a core file; `+RTS -l[FILE]` also writes them to a file at exit.
 *
 * Cost when off: one load and a predicted-not-taken branch per call site
 * (traceEnabled()); the GC's copy of a mutable object has one such site
 * (MVar moves), its lost-race path another.  Categories can be switched
 * at run time by writing rts_recorder.enabled (the debugger does; see
 * Note [Switching categories at run time] in FlightRecorder.c).  The -l
 * file is written at exit and, so that it holds the failure, by barf().
 *
 * Must not depend on: the scheduler's or the GC's internals.
 */
#ifndef RTS_FLIGHTRECORDER_H
#define RTS_FLIGHTRECORDER_H

#include <stdbool.h>
#include <stdint.h>

/* Event types: the ABI exports these as the "event" constant group. */
#define RTS_EVENT_TYPES(X)                                                   \
    X(EVENT_GC_START, 1)      /* a=collect_gen b=gc number c=n_gc_threads */ \
    X(EVENT_GC_END, 2)        /* a=collect_gen b=gc number c=bytes copied */ \
    X(EVENT_GC_WORK_START, 3) /* a=gc number */                              \
    X(EVENT_GC_WORK_END, 4)   /* a=gc number b=words copied */               \
    X(EVENT_EVAC_WATCHED, 5)  /* a=from b=to c=from gen d=to gen */          \
    X(EVENT_MVAR_TAKE, 6)     /* a=mvar b=head c=tail d=RTS_MVAR_STATE(...) */ \
    X(EVENT_MVAR_PUT, 7)                                                     \
    X(EVENT_MVAR_READ, 8)                                                    \
    X(EVENT_MVAR_BLOCK, 9)    /* a=mvar b=tso c=queue node d=state */        \
    X(EVENT_MVAR_WAKE, 10)    /* a=mvar b=tso c=new head d=state */          \
    X(EVENT_CAF_ENTER, 11)    /* a=caf b=tso c=won(1)/lost(0) d=caf's info */ \
    X(EVENT_CAF_LOCK, 12)     /* a=caf b=blackhole c=tso (owner) */          \
    X(EVENT_THREAD_CREATE, 13) /* a=tso b=id */                              \
    X(EVENT_THREAD_BLOCK, 14) /* a=tso b=id c=why_blocked d=block_info */    \
    X(EVENT_THREAD_WAKE, 15)  /* a=tso b=id c=waker cap */                   \
    X(EVENT_THREAD_FINISH, 16) /* a=tso b=id */                              \
    X(EVENT_SANITY_FAIL, 17)  /* a=object b=field address c=value d=message */ \
    X(EVENT_WATCH_WRITE, 18)  /* a=address b=old c=new d=slot */             \
    X(EVENT_WATCH_FREE, 19)   /* a=address b=slot */                         \
    X(EVENT_WEAK_CREATE, 20)  /* a=weak b=key c=value d=finalizer */         \
    X(EVENT_WEAK_FINALIZE, 21) /* a=weak b=key c=has C finalizers d=finalizer */ \
    X(EVENT_WEAK_DEAD, 22)    /* a=weak b=key c=gc number d=finalizer */ \
    X(EVENT_EVAC_RACE, 23)    /* a=from b=winner's copy c=loser's copy d=RTS_EVAC_RACE(...) */ \
    X(EVENT_MVAR_MOVE, 24)    /* a=from b=to c=RTS_GC_MOVE(...) d=gc number */

enum RtsEventType {
#define RTS_EV_ENUM(name, val) name = val,
    RTS_EVENT_TYPES(RTS_EV_ENUM)
#undef RTS_EV_ENUM
};

/* Categories (bits of rts_recorder.enabled). */
#define RTS_EVENT_CATEGORIES(X)         \
    X(EVCAT_GC, 0x01, "gc")             \
    X(EVCAT_EVAC, 0x02, "evac")         \
    X(EVCAT_MVAR, 0x04, "mvar")         \
    X(EVCAT_CAF, 0x08, "caf")           \
    X(EVCAT_THREAD, 0x10, "thread")     \
    X(EVCAT_SANITY, 0x20, "sanity")     \
    X(EVCAT_WATCH, 0x40, "watch")       \
    X(EVCAT_WEAK, 0x80, "weak")

enum RtsEventCategory {
#define RTS_EVCAT_ENUM(name, bit, str) name = bit,
    RTS_EVENT_CATEGORIES(RTS_EVCAT_ENUM)
#undef RTS_EVCAT_ENUM
    EVCAT_ALL = 0xff
};

/* MVar state word for MVar events: generation of head and tail (0xff when
 * END_TSO_QUEUE), nursery bits, and clean/dirty before and after. */
#define RTS_MVAR_STATE(head_gen, tail_gen, head_nursery, tail_nursery, dirty_before, dirty_after) \
    ((uint64_t)(head_gen) | ((uint64_t)(tail_gen) << 8) | ((uint64_t)(head_nursery) << 16) |          \
     ((uint64_t)(tail_nursery) << 17) | ((uint64_t)(dirty_before) << 18) | ((uint64_t)(dirty_after) << 19))

/* Word d of EVENT_EVAC_RACE (Note [Recording lost copy races] in
 * sm/Evac.c): the object's closure type, its generation, the generations
 * of the winning and the losing copy, and the GC threads that made them. */
#define RTS_EVAC_RACE(type, from_gen, win_gen, lose_gen, win_thread, lose_thread)             \
    ((uint64_t)(uint8_t)(type) | ((uint64_t)(uint8_t)(from_gen) << 8) |                         \
     ((uint64_t)(uint8_t)(win_gen) << 16) | ((uint64_t)(uint8_t)(lose_gen) << 24) |             \
     ((uint64_t)(uint16_t)(win_thread) << 32) | ((uint64_t)(uint16_t)(lose_thread) << 48))

/* Word c of EVENT_MVAR_MOVE: the closure type (an MVAR_* or an
 * MVAR_TSO_QUEUE node), from and to generation, and the GC thread that
 * copied it (the winner of any race: only it records the move). */
#define RTS_GC_MOVE(type, from_gen, to_gen, gc_thread)                                         \
    ((uint64_t)(uint8_t)(type) | ((uint64_t)(uint8_t)(from_gen) << 8) |                         \
     ((uint64_t)(uint8_t)(to_gen) << 16) | ((uint64_t)(uint16_t)(gc_thread) << 32))

typedef struct RtsEvent_ {
    uint64_t time;          /* TSC ticks; rts_recorder converts to ns */
    uint16_t type;          /* enum RtsEventType */
    uint16_t ring;          /* ring index that recorded it */
    uint32_t seq;           /* per-ring sequence number (low 32 bits of head) */
    uint64_t a, b, c, d;
} RtsEvent;

typedef struct EventRing_ {
    volatile uint64_t head;     /* events ever written; slot = head & (size - 1) */
    uint32_t size;              /* slots, a power of two */
    uint16_t kind;              /* 0 = capability, 1 = GC thread */
    uint16_t owner;             /* capability or GC thread number */
    RtsEvent *events;
} EventRing;

typedef struct FlightRecorder_ {
    volatile uint32_t enabled;  /* category bits; the debugger may write it */
    uint32_t n_rings;
    EventRing *rings;           /* [n_caps] capability rings, then [n_caps] GC-thread rings */
    uint32_t n_caps;
    uint32_t ring_size;
    uint64_t tsc_at_start;      /* time base: TSC and CLOCK_MONOTONIC ns at start-up */
    uint64_t ns_at_start;
    double ns_per_tick;         /* calibrated at start-up */
    uint64_t dropped;           /* events that overwrote unread older ones (informative) */
} FlightRecorder;

extern FlightRecorder rts_recorder;

void initFlightRecorder(uint32_t n_caps, uint32_t categories, uint32_t ring_size);
/* Ask for the rings to be written to path (+RTS -l) by exitFlightRecorder
 * and, should the runtime barf first, just before it aborts. */
void setFlightRecorderDumpFile(const char *path);
void exitFlightRecorder(void);      /* stops recording; writes the -l file when asked */
/* Parse "gc,mvar,..." or "all"; returns the bit set or -1 on an unknown name. */
long parseEventCategories(const char *list);

#ifndef RTS_NO_RECORDER
static inline bool traceEnabled(uint32_t category)
{
    return __builtin_expect((rts_recorder.enabled & category) != 0, 0);
}
#else
/* Only for measuring the hooks' cost (tests/bench/run-recorder.sh builds
 * the runtime once with -DRTS_NO_RECORDER): every call site compiles away. */
static inline bool traceEnabled(uint32_t category)
{
    (void)category;
    return false;
}
#endif

/* Ring helpers: the capability ring of cap `no`, the GC-thread ring of GC thread `no`. */
static inline EventRing *capRing(uint32_t no) { return &rts_recorder.rings[no]; }
static inline EventRing *gcRing(uint32_t no) { return &rts_recorder.rings[rts_recorder.n_caps + no]; }

static inline uint64_t rts_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Record one event in `ring` (the caller is its only writer). */
static inline void traceEvent(EventRing *ring, uint16_t type, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t h = ring->head;
    RtsEvent *e = &ring->events[h & (ring->size - 1)];
    e->time = rts_rdtsc();
    e->type = type;
    e->ring = (uint16_t)(ring - rts_recorder.rings);
    e->seq = (uint32_t)h;
    e->a = a; e->b = b; e->c = c; e->d = d;
    __atomic_store_n(&ring->head, h + 1, __ATOMIC_RELEASE);
}

/* Write every ring's events, oldest first, as text lines to path.
 * Returns 0 or -errno. */
int dumpFlightRecorder(const char *path);

/* ---- events with a fixed payload, one line at each call site ---- */

/* The sanity checker found a broken invariant in obj (at field, which may
 * be NULL); `what` is its one-line verdict.  Called just before barf: the
 * verdict is kept in rts_sanity_failure (an ABI global) so a core file or
 * the -l dump shows it. */
void traceSanityFailure(const void *obj, const void *field, const char *what);
extern char rts_sanity_failure[256];

/* A thread entered a CAF: won = it blackholed it and evaluates it. */
static inline void traceCafEnter(uint32_t cap_no, const void *caf, const void *tso, bool won,
                                 const void *info)
{
    if (traceEnabled(EVCAT_CAF))
        traceEvent(capRing(cap_no), EVENT_CAF_ENTER, (uint64_t)(uintptr_t)caf,
                   (uint64_t)(uintptr_t)tso, won, (uint64_t)(uintptr_t)info);
}

/* A thread locked a CAF with blackhole (CAF_BLACKHOLE owned by tso). */
static inline void traceCafLock(uint32_t cap_no, const void *caf, const void *blackhole,
                                const void *tso)
{
    if (traceEnabled(EVCAT_CAF))
        traceEvent(capRing(cap_no), EVENT_CAF_LOCK, (uint64_t)(uintptr_t)caf,
                   (uint64_t)(uintptr_t)blackhole, (uint64_t)(uintptr_t)tso, 0);
}

#endif
