/* test_recorder.c — the flight recorder and the watch table (issue 5).
 *
 * Recording is switched on at run time by writing rts_recorder.enabled, as
 * a debugger does; MVar and GC events must then appear with the right
 * payload, the rings must wrap, and category names must parse.  An
 * evacuation watch must follow its object across GCs (the slot holds the new
 * address after each copy) and a free watch must report the object's death.
 */
#include <stdio.h>
#include <string.h>
#include "rts.h"
#include "FlightRecorder.h"
#include "WatchTable.h"
#include "check.h"


/* Find the newest event of `type` in ring 0; NULL if none. */
static const RtsEvent *newest(uint16_t type)
{
    EventRing *r = capRing(0);
    for (uint64_t h = r->head; h > 0 && r->head - h < r->size; h--) {
        const RtsEvent *e = &r->events[(h - 1) & (r->size - 1)];
        if (e->type == type) return e;
    }
    return NULL;
}

static int main_fn(int argc, char **argv)
{
    (void)argc; (void)argv;

    /* categories */
    CHECK(parseEventCategories("gc,mvar") == (EVCAT_GC | EVCAT_MVAR), "gc,mvar");
    CHECK(parseEventCategories("all") == EVCAT_ALL, "all");
    CHECK(parseEventCategories("gc,bogus") == -1, "unknown category rejected");

    /* off: nothing recorded */
    uint64_t h0 = capRing(0)->head;
    RtsFrame f = rts_frame_push(2);
    rts_set(f, 0, (StgClosure *)rts_newMVar());
    rts_putMVar((StgMVar *)rts_get(f, 0), rts_get(f, 0));
    CHECK(capRing(0)->head == h0, "recording off, yet %llu events",
          (unsigned long long)(capRing(0)->head - h0));

    /* on (as a debugger would switch it): a take from a full MVar */
    rts_recorder.enabled = EVCAT_ALL;
    StgClosure *v = rts_takeMVar((StgMVar *)rts_get(f, 0));
    (void)v;
    const RtsEvent *e = newest(EVENT_MVAR_TAKE);
    CHECK(e != NULL, "no EVENT_MVAR_TAKE");
    if (e) {
        CHECK(e->a == (uint64_t)(uintptr_t)rts_get(f, 0), "take event names the MVar");
        CHECK(e->b == (uint64_t)(uintptr_t)END_TSO_QUEUE && (e->d & 0xff) == 0xff,
              "empty queue: head END, generation 0xff (d=0x%llx)", (unsigned long long)e->d);
        CHECK(e->d & (1u << 18), "a new MVar is DIRTY before the take");
    }
    rts_gc(false);
    CHECK(newest(EVENT_GC_START) && newest(EVENT_GC_END), "GC start/end recorded");

    /* rings wrap: head keeps counting, the newest events survive */
    EventRing *r = capRing(0);
    uint64_t before = r->head;
    for (uint32_t i = 0; i < r->size + 10; i++)
        traceEvent(r, EVENT_SANITY_FAIL, i, 0, 0, 0);
    CHECK(r->head == before + r->size + 10, "head counts every event");
    CHECK(r->events[(r->head - 1) & (r->size - 1)].a == r->size + 9, "newest event kept");
    rts_recorder.enabled = 0;

    /* an evacuation watch follows its object */
    rts_set(f, 1, rts_new_mutvar(NULL));
    StgClosure *obj = rts_get(f, 1);
    int slot = rts_watch_add(obj, sizeof(StgMutVar), RTS_WATCH_EVAC, 7);
    CHECK(slot >= 0, "watch slot");
    rts_gc(false);
    StgClosure *moved = rts_get(f, 1);
    CHECK(moved != obj, "the GC moved the object");
    CHECK(rts_watch_table.slots[slot].addr == (uint64_t)(uintptr_t)moved,
          "slot follows the object: 0x%llx vs %p", (unsigned long long)rts_watch_table.slots[slot].addr, (void *)moved);
    CHECK(rts_watch_table.slots[slot].hits == 1, "one hit");
    CHECK(rts_watch_table.last.from == (uint64_t)(uintptr_t)obj &&
          rts_watch_table.last.to == (uint64_t)(uintptr_t)moved, "event from/to");
    rts_gc(false);
    CHECK(rts_watch_table.slots[slot].addr == (uint64_t)(uintptr_t)rts_get(f, 1) &&
          rts_watch_table.last.to_gen == 1, "second GC: followed into generation 1 (to_gen %u)",
          rts_watch_table.last.to_gen);
    rts_watch_remove(slot);
    CHECK(rts_watch_table.n_active == 0, "slot freed");

    /* a free watch reports the object's death */
    StgClosure *doomed = rts_new_mutvar(NULL);
    int fs = rts_watch_add(doomed, 8, RTS_WATCH_FREE, 8);
    rts_gc(false);
    CHECK(rts_watch_table.slots[fs].hits == 1 && rts_watch_table.last.kind == RTS_WATCH_FREE &&
          rts_watch_table.last.from == (uint64_t)(uintptr_t)doomed, "death reported");
    rts_watch_remove(fs);

    rts_frame_pop(f);
    if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
    printf("test_recorder: ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    rts_main(argc, argv, main_fn);
}
