/* WatchTable.h — slots a debugger writes into the runtime to watch objects.
 *
 * Hardware watchpoints do not fire on our machines and single-stepping costs
 * ~30 µs a trap, so the runtime helps: a debugger writes a slot (address,
 * length, kind) into rts_watch_table and bumps n_active.  The GC's copy
 * paths and the primitive operations that mutate MVars, TSOs and weaks test
 * the table cheaply (one load and a predicted-not-taken branch while it is
 * empty).  On a hit the runtime records the event in the flight recorder,
 * fills rts_watch_table.last with it, and calls rts_dbg_trap(), a known,
 * never-inlined, empty function: a debugger that set a breakpoint there
 * stops with the event in hand; without a debugger nothing happens and the
 * program carries on.
 *
 * An evacuation watch follows its object: after a copy the slot's address
 * is the new one (see Note [Watching across GC moves] in WatchTable.c).
 *
 * Must not depend on: the debugger.
 */
#ifndef RTS_WATCHTABLE_H
#define RTS_WATCHTABLE_H

#include <stdint.h>
#include <stdbool.h>

#define RTS_WATCH_SLOTS 16

enum RtsWatchKind {
    RTS_WATCH_NONE = 0,
    RTS_WATCH_WRITE = 1,    /* a runtime-managed field in [addr, addr+len) is written */
    RTS_WATCH_EVAC = 2,     /* the object at addr is evacuated (slot follows it) */
    RTS_WATCH_FREE = 3,     /* the object at addr dies (its block is freed, not evacuated) */
};

typedef struct RtsWatchSlot_ {
    volatile uint64_t addr;
    uint64_t len;
    uint32_t kind;          /* enum RtsWatchKind; NONE = free slot */
    uint32_t id;            /* the debugger's watchpoint number */
    uint64_t hits;
} RtsWatchSlot;

/* The event of the last hit, for the debugger stopped in rts_dbg_trap. */
typedef struct RtsWatchEvent_ {
    uint32_t kind;
    uint32_t slot;
    uint64_t from, to;      /* evacuation: old and new address; write: field address (from) */
    uint64_t old_value, new_value;
    uint32_t from_gen, to_gen;
    uint32_t gc_thread;     /* GC thread (evacuation) or capability (write) */
    uint32_t gc_number;
    uint64_t info;          /* info pointer of the object */
} RtsWatchEvent;

typedef struct RtsWatchTable_ {
    volatile uint32_t n_active;     /* slots in use; 0 = the fast path */
    uint32_t n_slots;               /* RTS_WATCH_SLOTS */
    RtsWatchSlot slots[RTS_WATCH_SLOTS];
    RtsWatchEvent last;             /* written just before rts_dbg_trap() */
    volatile uint32_t lock;         /* serialises hits from parallel GC threads */
} RtsWatchTable;

extern RtsWatchTable rts_watch_table;

static inline bool watchActive(void)
{
    return __builtin_expect(rts_watch_table.n_active != 0, 0);
}

/* The trap: empty and never inlined; a debugger breaks here. */
void rts_dbg_trap(const RtsWatchEvent *ev) __attribute__((noinline, used));

/* Slow paths, called only when watchActive(). */
void watchEvacuated(const void *from, const void *to, uint64_t info, uint32_t from_gen,
                    uint32_t to_gen, uint32_t gc_thread, uint32_t gc_number);
void watchWrite(const void *field, uint64_t old_value, uint64_t new_value, uint32_t cap);
/* The same for a write that changes `size` bytes at `field` (or, for a
 * weak's finalization, the whole object): it hits every write slot whose
 * range overlaps [field, field + size). */
void watchWriteRange(const void *field, uint64_t size, uint64_t old_value, uint64_t new_value,
                     uint32_t cap);

/* One line before each store to a runtime-managed field (MVar head, tail,
 * value; TSO why_blocked, block_info, _link; weak header and fields):
 *
 *     WATCH_STORE(cap->no, mvar->tail, q);
 *     mvar->tail = q;
 *
 * While the table is empty this is one load and a predicted-not-taken
 * branch; on a hit it records the field's current value and the one about
 * to be stored and calls rts_dbg_trap().  A macro only so that the old
 * value, the address and the size come from the one lvalue. */
#define WATCH_STORE(cap_no, lvalue, new_value)                                        \
    do {                                                                              \
        if (watchActive())                                                            \
            watchWriteRange(&(lvalue), sizeof(lvalue), (uint64_t)(uintptr_t)(lvalue),    \
                            (uint64_t)(uintptr_t)(new_value), (cap_no));              \
    } while (0)
/* After a GC: report watched objects that died (their address is in freed memory). */
void watchAfterGC(bool (*is_evacuated_or_live)(const void *addr), uint32_t gc_number);

/* In-process API (tests, programs that watch themselves). Returns the slot or -1. */
int rts_watch_add(const void *addr, uint64_t len, enum RtsWatchKind kind, uint32_t id);
void rts_watch_remove(int slot);

#endif
