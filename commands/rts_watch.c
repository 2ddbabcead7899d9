/* rts_watch.c — `watch -evac X`: the runtime-assisted evacuation watch.
 *
 * Offers rts_watch_register (rts_plugin.h): a watch mechanism named
 * "evacuation", selected by the flag -evac.  Arming writes an
 * RTS_WATCH_EVAC slot into the target's rts_watch_table and puts a trap
 * (a silent internal breakpoint, api->add_trap) on rts_dbg_trap; a stop
 * there whose event names our slot is reported as
 *
 *   Thread 3 hit evacuation watchpoint 2: debug_weak (stg_WEAK_info) 0x...@0 -> 0x...@1, GC #4
 *
 * followed by the copying thread's backtrace (rts_dbg_trap, watchEvacuated,
 * copy_tag, evacuate, ... GarbageCollect).  The runtime rewrites the slot
 * to the copy's address, so the watch follows the object GC after GC.
 * See Note [Why an evacuation watch].
 *
 * Everything about the runtime (where the table is, its layout, the watch
 * kinds) comes from the debug-info table through the AbiReader.
 *
 * Must not depend on: runtime headers, the debugger's internals (only
 * struct rtsdb_api, version 3 for add_trap/remove_trap).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rts_plugin.h"

/* Note [Why an evacuation watch]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A copying collector moves a live object at every GC that reaches it:
 * the words at the old address are never written (the GC reads them and
 * writes a forwarding pointer over the header at most), so a write watch
 * on the object sees nothing, and after the GC it watches from-space or
 * someone else's object.  Hardware watchpoints do not fire on our machines
 * and page protection only sees writes to the watched page, not the copy
 * made elsewhere by a GC thread.  So the runtime helps: the GC's copy paths
 * test the watch table (a load and a not-taken branch while it is empty),
 * and on a match move the slot to the new address, record the event and
 * call the empty function rts_dbg_trap().  The debugger only has to break
 * there.  Without a debugger the call returns at once.
 */

/* One armed `watch -evac`. */
struct evac_watch {
    RtsPlugin *pl;
    int wp_num;
    char *expr;
    uint32_t slot;              /* index in rts_watch_table.slots */
    uint64_t slot_addr;         /* &rts_watch_table.slots[slot] in the target */
    uint64_t table_addr;
    uint64_t trap_addr;         /* rts_dbg_trap */
};

/* The trap is shared by every evacuation watch of the session. */
static int trap_handle;
static int n_armed;

/* The layout the mechanism needs, from the debug-info table. */
struct watch_layout {
    uint64_t table, trap;
    const AbiField *n_active, *n_slots, *slots, *last;
    const AbiField *s_addr, *s_len, *s_kind, *s_id, *s_hits;
    const AbiField *e_kind, *e_slot, *e_from, *e_to, *e_from_gen, *e_to_gen, *e_gc_thread,
        *e_gc_number, *e_info;
    int64_t kind_evac;
};

/* Fill lay from the reader; -1 with a one-line reason when the runtime
 * does not describe its watch table. */
static int watch_layout(AbiReader *r, struct watch_layout *lay, char *err, size_t errlen)
{
    const AbiGlobal *gt = abi_global(r, "rts_watch_table");
    const AbiGlobal *gf = abi_global(r, "rts_dbg_trap");
    if (!gt || !gf || !gt->addr || !gf->addr) {
        snprintf(err, errlen, "The runtime exports no watch table (rts_watch_table, rts_dbg_trap).");
        return -1;
    }
    lay->table = gt->addr;
    lay->trap = gf->addr;
#define FIELD(dst, st, f) (((dst) = abi_field(r, st, f)) != NULL)
    bool ok = FIELD(lay->n_active, "RtsWatchTable", "n_active") &&
              FIELD(lay->n_slots, "RtsWatchTable", "n_slots") &&
              FIELD(lay->slots, "RtsWatchTable", "slots") &&
              FIELD(lay->last, "RtsWatchTable", "last") &&
              FIELD(lay->s_addr, "RtsWatchSlot", "addr") && FIELD(lay->s_len, "RtsWatchSlot", "len") &&
              FIELD(lay->s_kind, "RtsWatchSlot", "kind") && FIELD(lay->s_id, "RtsWatchSlot", "id") &&
              FIELD(lay->s_hits, "RtsWatchSlot", "hits") &&
              FIELD(lay->e_kind, "RtsWatchEvent", "kind") && FIELD(lay->e_slot, "RtsWatchEvent", "slot") &&
              FIELD(lay->e_from, "RtsWatchEvent", "from") && FIELD(lay->e_to, "RtsWatchEvent", "to") &&
              FIELD(lay->e_from_gen, "RtsWatchEvent", "from_gen") &&
              FIELD(lay->e_to_gen, "RtsWatchEvent", "to_gen") &&
              FIELD(lay->e_gc_thread, "RtsWatchEvent", "gc_thread") &&
              FIELD(lay->e_gc_number, "RtsWatchEvent", "gc_number") &&
              FIELD(lay->e_info, "RtsWatchEvent", "info");
#undef FIELD
    const AbiStruct *slot = abi_struct(r, "RtsWatchSlot");
    if (!ok || !slot || !slot->size) {
        snprintf(err, errlen, "The runtime's debug-info table does not describe its watch table.");
        return -1;
    }
    if (!abi_constant(r, "watch_kind", "evacuate", &lay->kind_evac)) {
        snprintf(err, errlen, "The runtime's debug-info table has no evacuation watch kind.");
        return -1;
    }
    return 0;
}

static uint32_t slot_stride(AbiReader *r, const struct watch_layout *lay)
{
    return lay->slots->elem_size ? lay->slots->elem_size : abi_struct(r, "RtsWatchSlot")->size;
}

/* Write the low `f->size` bytes of v into the field f of the struct at obj. */
static int put_field(RtsPlugin *pl, struct rtsdb_session *s, uint64_t obj, const AbiField *f, uint64_t v)
{
    if (f->size == 0 || f->size > 8)
        return -EINVAL;
    return pl->api->write_memory(s, obj + f->offset, &v, f->size);     /* x86-64: little-endian */
}

/* The object the user means: `watch -evac w` with w a pointer variable
 * watches the object w points at; `watch -evac *w` the object at w.
 * Whichever candidate has an info table in its header wins. */
static uint64_t choose_object(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r,
                              const char *expr, uint64_t lvalue_addr)
{
    uint64_t cands[2] = { 0, lvalue_addr };
    char err[256];
    if (pl->api->evaluate(s, expr, &cands[0], err, sizeof err) < 0)
        cands[0] = 0;
    for (int i = 0; i < 2; i++) {
        DecClosure c;
        if (cands[i] && dec_closure(r, cands[i], &c, err, sizeof err) == 0 && c.it && !c.forwarded)
            return cands[i];
    }
    return 0;
}

static int evac_arm(struct rtsdb_session *s, int wp_num, const char *expr, uint64_t addr,
                    size_t len, void **state, char *errbuf, size_t errlen, void *plugin_state)
{
    (void)len;
    RtsPlugin *pl = plugin_state;
    const struct rtsdb_api *api = pl->api;
    if (api->version < 3 || api->size < offsetof(struct rtsdb_api, remove_trap) + sizeof api->remove_trap) {
        snprintf(errbuf, errlen, "watch -evac needs rtsdb plugin API version 3 (this rtsdb has %u).",
                 api->version);
        return -1;
    }
    AbiReader *r = rts_reader(pl, s);
    if (!r) {
        snprintf(errbuf, errlen, "Cannot watch evacuations: no runtime debug-info table.");
        return -1;
    }
    struct watch_layout lay;
    if (watch_layout(r, &lay, errbuf, errlen) < 0)
        return -1;
    uint64_t obj = choose_object(pl, s, r, expr, addr);
    if (!obj) {
        snprintf(errbuf, errlen, "`%s' is not a heap object (nor a pointer to one): no info table in its header.",
                 expr);
        return -1;
    }
    DecLocation loc;
    if (dec_locate(r, obj, &loc) < 0 || !loc.heap) {
        snprintf(errbuf, errlen, "0x%llx is not in the heap (a static closure): the GC never moves it.",
                 (unsigned long long)obj);
        return -1;
    }

    /* A free slot: kind NONE. */
    uint64_t n_slots = 0;
    abi_read_field(r, lay.table, lay.n_slots, &n_slots);
    if (n_slots == 0 || n_slots > 1024)
        n_slots = 0;
    uint32_t stride = slot_stride(r, &lay);
    uint64_t slots = lay.table + lay.slots->offset;
    uint32_t slot = UINT32_MAX;
    for (uint32_t i = 0; i < n_slots && slot == UINT32_MAX; i++) {
        uint64_t kind;
        if (abi_read_field(r, slots + (uint64_t)i * stride, lay.s_kind, &kind) == 0 && kind == 0)
            slot = i;
    }
    if (slot == UINT32_MAX) {
        snprintf(errbuf, errlen, "The runtime's watch table is full (%llu slots).", (unsigned long long)n_slots);
        return -1;
    }
    uint64_t sa = slots + (uint64_t)slot * stride;
    uint64_t n_active = 0;
    abi_read_field(r, lay.table, lay.n_active, &n_active);
    /* The kind goes in last: the GC tests kind before address. */
    if (put_field(pl, s, sa, lay.s_addr, obj) < 0 || put_field(pl, s, sa, lay.s_len, 8) < 0 ||
        put_field(pl, s, sa, lay.s_id, (uint64_t)wp_num) < 0 || put_field(pl, s, sa, lay.s_hits, 0) < 0 ||
        put_field(pl, s, sa, lay.s_kind, (uint64_t)lay.kind_evac) < 0 ||
        put_field(pl, s, lay.table, lay.n_active, n_active + 1) < 0) {
        put_field(pl, s, sa, lay.s_kind, 0);
        snprintf(errbuf, errlen, "Cannot write the runtime's watch table at 0x%llx.",
                 (unsigned long long)lay.table);
        return -1;
    }
    if (n_armed == 0 || trap_handle <= 0) {
        trap_handle = api->add_trap(s, lay.trap);
        if (trap_handle <= 0) {
            put_field(pl, s, sa, lay.s_kind, 0);
            put_field(pl, s, lay.table, lay.n_active, n_active);
            snprintf(errbuf, errlen, "Cannot put a trap on rts_dbg_trap: %s.", strerror(-trap_handle));
            return -1;
        }
    }
    n_armed++;

    struct evac_watch *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    *w = (struct evac_watch){ .pl = pl, .wp_num = wp_num, .expr = strdup(expr), .slot = slot,
                              .slot_addr = sa, .table_addr = lay.table, .trap_addr = lay.trap };
    *state = w;
    char type[96], gen[16];
    api->printf(s, "Watching 0x%llx%s (%s) for evacuation: slot %u of rts_watch_table.\n",
                (unsigned long long)obj, dec_gen_suffix(r, obj, gen, sizeof gen),
                dec_type_of(r, obj, type, sizeof type), slot);
    api->json_uint(s, "object", obj);
    api->json_int(s, "slot", slot);
    return 0;
}

static void evac_disarm(struct rtsdb_session *s, void *state, void *plugin_state)
{
    (void)plugin_state;
    struct evac_watch *w = state;
    if (!w)
        return;
    RtsPlugin *pl = w->pl;
    const struct rtsdb_api *api = pl->api;
    /* Free the slot only if it is still ours (the process may have been
     * re-run since: its table is then a different one). */
    AbiReader *r = api->is_live(s) ? rts_reader(pl, s) : NULL;
    struct watch_layout lay;
    char err[256];
    if (r && watch_layout(r, &lay, err, sizeof err) == 0 && lay.table == w->table_addr) {
        uint64_t kind = 0, id = 0, n_active = 0;
        if (abi_read_field(r, w->slot_addr, lay.s_kind, &kind) == 0 &&
            abi_read_field(r, w->slot_addr, lay.s_id, &id) == 0 && kind == (uint64_t)lay.kind_evac &&
            id == (uint64_t)w->wp_num) {
            put_field(pl, s, w->slot_addr, lay.s_kind, 0);
            put_field(pl, s, w->slot_addr, lay.s_addr, 0);
            if (abi_read_field(r, lay.table, lay.n_active, &n_active) == 0 && n_active > 0)
                put_field(pl, s, lay.table, lay.n_active, n_active - 1);
        }
    }
    if (n_armed > 0 && --n_armed == 0 && trap_handle > 0) {
        api->remove_trap(s, trap_handle);
        trap_handle = 0;
    }
    free(w->expr);
    free(w);
}

/* "Thread 3 " as gdb numbers threads (nothing for a single thread). */
static void thread_prefix(const struct rtsdb_api *api, struct rtsdb_session *s, pid_t tid,
                          char *buf, size_t len)
{
    pid_t tids[256];
    int nums[256];
    int n = api->threads(s, tids, nums, 256);
    buf[0] = '\0';
    for (int i = 0; i < n && n > 1; i++)
        if (tids[i] == tid)
            snprintf(buf, len, "Thread %d ", nums[i]);
}

/* Is this stop the runtime's trap reporting an evacuation of our slot?
 * If so print the hit and the copying thread's backtrace. */
static bool evac_check_stop(struct rtsdb_session *s, void *state, pid_t tid, int signo,
                            void *plugin_state)
{
    (void)plugin_state;
    struct evac_watch *w = state;
    if (!w || signo != SIGTRAP)
        return false;
    RtsPlugin *pl = w->pl;
    const struct rtsdb_api *api = pl->api;
    struct user_regs_struct regs;
    if (api->get_regs(s, tid, &regs) < 0)
        return false;
    /* pc is one past the int3, or at the trap when the pc was set back. */
    if (regs.rip - 1 != w->trap_addr && regs.rip != w->trap_addr)
        return false;
    AbiReader *r = rts_reader(pl, s);
    struct watch_layout lay;
    char err[256];
    if (!r || watch_layout(r, &lay, err, sizeof err) < 0 || lay.table != w->table_addr)
        return false;
    uint64_t ev = lay.table + lay.last->offset;
    uint64_t kind, slot, from, to, from_gen, to_gen, gc_thread, gc_number, info;
    if (abi_read_field(r, ev, lay.e_kind, &kind) < 0 || abi_read_field(r, ev, lay.e_slot, &slot) < 0 ||
        kind != (uint64_t)lay.kind_evac || slot != w->slot)
        return false;
    if (abi_read_field(r, ev, lay.e_from, &from) < 0 || abi_read_field(r, ev, lay.e_to, &to) < 0 ||
        abi_read_field(r, ev, lay.e_from_gen, &from_gen) < 0 ||
        abi_read_field(r, ev, lay.e_to_gen, &to_gen) < 0 ||
        abi_read_field(r, ev, lay.e_gc_thread, &gc_thread) < 0 ||
        abi_read_field(r, ev, lay.e_gc_number, &gc_number) < 0 ||
        abi_read_field(r, ev, lay.e_info, &info) < 0)
        return false;
    const AbiInfo *it = abi_info(r, info);
    /* "@n" (nursery) from the blocks when they read; else the event's gens. */
    char fsuf[16], tsuf[16];
    dec_gen_suffix(r, from, fsuf, sizeof fsuf);
    dec_gen_suffix(r, to, tsuf, sizeof tsuf);
    if (strcmp(fsuf, "@?") == 0)
        snprintf(fsuf, sizeof fsuf, "@%llu", (unsigned long long)from_gen);
    if (strcmp(tsuf, "@?") == 0)
        snprintf(tsuf, sizeof tsuf, "@%llu", (unsigned long long)to_gen);
    char prefix[64];
    thread_prefix(api, s, tid, prefix, sizeof prefix);
    api->printf(s, "\n%s%s %d: %s (%s) 0x%llx%s -> 0x%llx%s, GC #%llu\n", prefix,
                prefix[0] ? "hit evacuation watchpoint" : "Evacuation watchpoint", w->wp_num, w->expr,
                it ? it->name : "unknown info table", (unsigned long long)from, fsuf,
                (unsigned long long)to, tsuf, (unsigned long long)gc_number);
    api->printf(s, "Copied by GC thread %llu; the watch now follows 0x%llx.\n\n",
                (unsigned long long)gc_thread, (unsigned long long)to);
    api->json_str(s, "reason", "evacuation-watchpoint-trigger");
    api->json_int(s, "wpnum", w->wp_num);
    api->json_str(s, "info", it ? it->name : "");
    api->json_uint(s, "from", from);
    api->json_uint(s, "to", to);
    api->json_uint(s, "from_gen", from_gen);
    api->json_uint(s, "to_gen", to_gen);
    api->json_uint(s, "gc", gc_number);
    api->json_uint(s, "gc_thread", gc_thread);
    regs.rip = w->trap_addr;
    api->backtrace_from_regs(s, &regs, 0);
    return true;
}

static const struct rtsdb_plugin_watch evac_watch = {
    .name = "evacuation",
    .flag = "-evac",
    .arm = evac_arm,
    .disarm = evac_disarm,
    .check_stop = evac_check_stop,
};

/* `rts watch`: the runtime's watch table as it is now (live or core):
 * which slots are in use, what they watch and how often they fired. */
static int cmd_rts_watch(struct rtsdb_session *s, const char *args, void *plugin_state)
{
    (void)args;
    RtsPlugin *pl = plugin_state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    if (!r)
        return -1;
    struct watch_layout lay;
    char err[256];
    if (watch_layout(r, &lay, err, sizeof err) < 0) {
        api->error(s, "%s", err);
        return -1;
    }
    uint64_t n_slots = 0, n_active = 0;
    if (abi_read_field(r, lay.table, lay.n_slots, &n_slots) < 0 ||
        abi_read_field(r, lay.table, lay.n_active, &n_active) < 0) {
        api->error(s, "Cannot read rts_watch_table at 0x%llx.", (unsigned long long)lay.table);
        return -1;
    }
    if (n_slots > 1024)
        n_slots = 1024;
    api->printf(s, "rts_watch_table at 0x%llx: %llu of %llu slots active\n", (unsigned long long)lay.table,
                (unsigned long long)n_active, (unsigned long long)n_slots);
    api->json_uint(s, "table", lay.table);
    api->json_uint(s, "n_active", n_active);
    api->json_begin_array(s, "slots");
    uint32_t stride = slot_stride(r, &lay);
    for (uint32_t i = 0; i < n_slots; i++) {
        uint64_t sa = lay.table + lay.slots->offset + (uint64_t)i * stride;
        uint64_t kind = 0, addr = 0, len = 0, id = 0, hits = 0;
        if (abi_read_field(r, sa, lay.s_kind, &kind) < 0 || kind == 0)
            continue;
        abi_read_field(r, sa, lay.s_addr, &addr);
        abi_read_field(r, sa, lay.s_len, &len);
        abi_read_field(r, sa, lay.s_id, &id);
        abi_read_field(r, sa, lay.s_hits, &hits);
        const char *kname = abi_constant_name(r, "watch_kind", (int64_t)kind);
        char type[96], gen[16];
        api->printf(s, "  slot %u: %-8s 0x%llx%s (%s), len %llu, watchpoint %llu, %llu hit%s\n", i,
                    kname ? kname : "?", (unsigned long long)addr,
                    addr ? dec_gen_suffix(r, addr, gen, sizeof gen) : "",
                    addr ? dec_type_of(r, addr, type, sizeof type) : "dead", (unsigned long long)len,
                    (unsigned long long)id, (unsigned long long)hits, hits == 1 ? "" : "s");
        api->json_begin_object(s, NULL);
        api->json_int(s, "slot", i);
        api->json_str(s, "kind", kname ? kname : "?");
        api->json_uint(s, "addr", addr);
        api->json_uint(s, "len", len);
        api->json_uint(s, "id", id);
        api->json_uint(s, "hits", hits);
        api->json_end_object(s);
    }
    api->json_end_array(s);
    return 0;
}

static const struct rtsdb_plugin_command rts_watch_cmd = {
    .name = "rts watch",
    .summary = "Show the runtime's watch table (the slots behind watch -evac).",
    .help = "rts watch\n"
            "List the slots of the runtime's rts_watch_table in use: kind, the address\n"
            "watched now (evacuation slots follow their object), watchpoint, hits.\n"
            "\n"
            "watch -evac EXPR\n"
            "Stop when a GC thread copies (evacuates) the heap object EXPR: a pointer\n"
            "variable (watch -evac w) or the object itself (watch -evac *w).  rtsdb\n"
            "writes a slot into the runtime's rts_watch_table and breaks on\n"
            "rts_dbg_trap; a hit prints\n"
            "  Thread N hit evacuation watchpoint K: EXPR (stg_WEAK_info) 0x...@0 -> 0x...@1, GC #M\n"
            "and the copying thread's backtrace (copy_tag, evacuate, ... GarbageCollect).\n"
            "The runtime moves the slot to the copy, so the watch follows the object\n"
            "from GC to GC.  \"info watchpoints\" lists it (using evacuation) and\n"
            "\"delete\" frees the slot.\n"
            "Why: a copying GC never writes the object it moves, so a write watch sees\n"
            "nothing and is left watching from-space; hardware watchpoints do not fire\n"
            "here and page protection only sees writes to the watched page, not the\n"
            "copy a GC thread makes elsewhere.  The runtime's copy paths test the table\n"
            "instead (one load while it is empty); without a debugger the trap is an\n"
            "empty function and the program runs on.  Live processes only.",
    .fn = cmd_rts_watch,
};

void rts_watch_register(RtsPlugin *pl)
{
    pl->api->register_watch(pl->api->session, &evac_watch, pl);
    pl->api->register_command(pl->api->session, &rts_watch_cmd, pl);
}
