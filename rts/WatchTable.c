/* WatchTable.c — the slow paths of the watch table (see WatchTable.h).
 *
 * Note [Watching across GC moves]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * An address-bound watchpoint is useless in a copying collector: the object
 * moves at every GC that reaches it, and the old address becomes from-space
 * (0xaa under -DZ) or someone else's object.  An RTS_WATCH_EVAC slot is
 * therefore tested in copy_tag/copy after the copy is claimed: when the
 * source address matches, the slot is rewritten to the destination, so the
 * next GC recognises the object again.  Only the GC thread that won the
 * claim reports; a losing (discarded) copy does not move the watch.  Hits
 * from parallel GC threads are serialised by a spin lock, so `last` is
 * coherent when the debugger reads it in rts_dbg_trap().
 *
 * Must not depend on: the GC's internals (it is called with plain values).
 */
#include "WatchTable.h"
#include "FlightRecorder.h"

RtsWatchTable rts_watch_table = { .n_slots = RTS_WATCH_SLOTS };

void rts_dbg_trap(const RtsWatchEvent *ev)
{
    /* Nothing to do: a debugger's breakpoint here is the point. The asm
     * keeps the call and the argument from being optimised away. */
    __asm__ __volatile__("" : : "r"(ev) : "memory");
}

static void lock_table(void)
{
    while (__atomic_exchange_n(&rts_watch_table.lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void unlock_table(void)
{
    __atomic_store_n(&rts_watch_table.lock, 0, __ATOMIC_RELEASE);
}

void watchEvacuated(const void *from, const void *to, uint64_t info, uint32_t from_gen,
                    uint32_t to_gen, uint32_t gc_thread, uint32_t gc_number)
{
    uint64_t f = (uint64_t)(uintptr_t)from;
    for (uint32_t i = 0; i < RTS_WATCH_SLOTS; i++) {
        RtsWatchSlot *s = &rts_watch_table.slots[i];
        if (s->kind != RTS_WATCH_EVAC && s->kind != RTS_WATCH_FREE) continue;
        if (s->addr != f) continue;
        lock_table();
        if (s->addr == f) {
            s->addr = (uint64_t)(uintptr_t)to;
            s->hits++;
            RtsWatchEvent *ev = &rts_watch_table.last;
            *ev = (RtsWatchEvent){ .kind = RTS_WATCH_EVAC, .slot = i, .from = f,
                                   .to = (uint64_t)(uintptr_t)to, .from_gen = from_gen,
                                   .to_gen = to_gen, .gc_thread = gc_thread,
                                   .gc_number = gc_number, .info = info };
            if (traceEnabled(EVCAT_EVAC | EVCAT_WATCH) && gc_thread < rts_recorder.n_caps)
                traceEvent(gcRing(gc_thread), EVENT_EVAC_WATCHED, f, ev->to, from_gen, to_gen);
            if (s->kind == RTS_WATCH_EVAC)
                rts_dbg_trap(ev);
        }
        unlock_table();
    }
}

/* Does [a, a + size) overlap the slot's range? */
static bool slot_overlaps(const RtsWatchSlot *s, uint64_t a, uint64_t size)
{
    uint64_t end = s->addr + (s->len ? s->len : 1);
    return a < end && s->addr < a + (size ? size : 1);
}

void watchWrite(const void *field, uint64_t old_value, uint64_t new_value, uint32_t cap)
{
    watchWriteRange(field, 1, old_value, new_value, cap);
}

void watchWriteRange(const void *field, uint64_t size, uint64_t old_value, uint64_t new_value,
                     uint32_t cap)
{
    uint64_t a = (uint64_t)(uintptr_t)field;
    for (uint32_t i = 0; i < RTS_WATCH_SLOTS; i++) {
        RtsWatchSlot *s = &rts_watch_table.slots[i];
        if (s->kind != RTS_WATCH_WRITE || !slot_overlaps(s, a, size)) continue;
        lock_table();
        s->hits++;
        RtsWatchEvent *ev = &rts_watch_table.last;
        *ev = (RtsWatchEvent){ .kind = RTS_WATCH_WRITE, .slot = i, .from = a,
                               .old_value = old_value, .new_value = new_value, .gc_thread = cap };
        if (traceEnabled(EVCAT_WATCH) && cap < rts_recorder.n_caps)
            traceEvent(capRing(cap), EVENT_WATCH_WRITE, a, old_value, new_value, i);
        rts_dbg_trap(ev);
        unlock_table();
    }
}

void watchAfterGC(bool (*is_live)(const void *addr), uint32_t gc_number)
{
    for (uint32_t i = 0; i < RTS_WATCH_SLOTS; i++) {
        RtsWatchSlot *s = &rts_watch_table.slots[i];
        if (s->kind != RTS_WATCH_FREE || s->addr == 0) continue;
        if (is_live((const void *)(uintptr_t)s->addr)) continue;
        lock_table();
        s->hits++;
        RtsWatchEvent *ev = &rts_watch_table.last;
        *ev = (RtsWatchEvent){ .kind = RTS_WATCH_FREE, .slot = i, .from = s->addr,
                               .gc_number = gc_number };
        if (traceEnabled(EVCAT_WATCH))
            traceEvent(gcRing(0), EVENT_WATCH_FREE, s->addr, i, 0, 0);
        s->addr = 0;        /* dead: nothing more to follow */
        rts_dbg_trap(ev);
        unlock_table();
    }
}

int rts_watch_add(const void *addr, uint64_t len, enum RtsWatchKind kind, uint32_t id)
{
    lock_table();
    int slot = -1;
    for (uint32_t i = 0; i < RTS_WATCH_SLOTS; i++) {
        RtsWatchSlot *s = &rts_watch_table.slots[i];
        if (s->kind != RTS_WATCH_NONE) continue;
        s->addr = (uint64_t)(uintptr_t)addr;
        s->len = len;
        s->id = id;
        s->hits = 0;
        __atomic_store_n(&s->kind, (uint32_t)kind, __ATOMIC_RELEASE);
        rts_watch_table.n_active++;
        slot = (int)i;
        break;
    }
    unlock_table();
    return slot;
}

void rts_watch_remove(int slot)
{
    if (slot < 0 || slot >= RTS_WATCH_SLOTS) return;
    lock_table();
    RtsWatchSlot *s = &rts_watch_table.slots[slot];
    if (s->kind != RTS_WATCH_NONE) {
        s->kind = RTS_WATCH_NONE;
        s->addr = 0;
        rts_watch_table.n_active--;
    }
    unlock_table();
}
