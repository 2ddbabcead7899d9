/* rts_events.c — the flight recorder: `rts events`, `rts trace mvar X`,
 * `rts record CATS|off|show`.
 *
 * The rings are read and merged through rts/dbg/Events (ABI only), so the
 * commands work on a live process and on a core file alike; `rts record`
 * writes the target's category mask (rts_recorder.enabled), which the
 * runtime reads at every event site, so it needs a live process.
 *
 * Must not depend on: any runtime header but the ABI's; the debuggee is
 * reached only through the plugin API (rts_plugin.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rts_plugin.h"
#include "Events.h"
#include "HeapWalk.h"

#define DEFAULT_SHOWN 50

/* The next blank-separated word of *p into buf; false at the end. */
static bool next_word(const char **p, char *buf, size_t len)
{
    const char *a = rts_skip_blanks(*p);
    size_t n = strcspn(a, " \t");
    if (n == 0) return false;
    snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), a);
    *p = a + n;
    return true;
}

static const char *ring_name(const EvRecord *e, char *buf, size_t len)
{
    snprintf(buf, len, "%s%u", e->ring_kind ? "gc" : "cap", e->ring_owner);
    return buf;
}

/* Milliseconds since the runtime started. */
static double ms_since_start(const EvLog *log, const EvRecord *e)
{
    return (e->ns - log->ns_at_start) / 1e6;
}

/* "0x4200012000@1" for a queue pointer recorded with its generation. */
static const char *queue_ptr(uint64_t p, uint8_t gen, bool nursery, uint64_t end, char *buf, size_t len)
{
    char g[8];
    if (p == end || gen == 0xff) snprintf(buf, len, "END");
    else snprintf(buf, len, "0x%" PRIx64 "%s", p, ev_gen_suffix(gen, nursery, g, sizeof g));
    return buf;
}

/* An MVar operation (put, take, read, block, wake): a=mvar, d=state word. */
static bool is_mvar_event(const char *name) { return strncmp(name, "MVAR_", 5) == 0 && strcmp(name, "MVAR_MOVE") != 0; }

/* "WEAK" for a closure type recorded in an event. */
static const char *type_name(AbiReader *r, uint8_t type, char *buf, size_t len)
{
    const char *n = abi_constant_name(r, "closure_type", type);
    if (n) snprintf(buf, len, "%s", n);
    else snprintf(buf, len, "closure type %u", type);
    return buf;
}

/* "race: WEAK 0x..@0 copied twice: gc1 -> 0x..@1 (won), gc0 -> 0x..@1 (lost)" */
static void race_details(AbiReader *r, const EvRecord *e, char *buf, size_t len)
{
    EvEvacRace x = ev_evac_race(e->d);
    char t[40];
    snprintf(buf, len,
             "race: %s 0x%" PRIx64 "@%u copied twice: gc%u -> 0x%" PRIx64 "@%u (won), gc%u -> 0x%" PRIx64 "@%u (lost)",
             type_name(r, x.type, t, sizeof t), e->a, x.from_gen, x.win_thread, e->b, x.win_gen, x.lose_thread, e->c,
             x.lose_gen);
}

/* One event's arguments, decoded by its type (FlightRecorder.h). */
static void event_details(AbiReader *r, const EvRecord *e, const char *name, uint64_t end, char *buf, size_t len)
{
    if (!strcmp(name, "EVAC_RACE")) {
        race_details(r, e, buf, len);
    } else if (!strcmp(name, "MVAR_MOVE")) {
        EvGcMove m = ev_gc_move(e->c);
        char t[40];
        snprintf(buf, len, "%s 0x%" PRIx64 "@%u -> 0x%" PRIx64 "@%u by gc%u, GC #%" PRIu64,
                 type_name(r, m.type, t, sizeof t), e->a, m.from_gen, e->b, m.to_gen, m.gc_thread, e->d);
    } else if (is_mvar_event(name)) {
        EvMVarState st = ev_mvar_state(e->d);
        char h[40], t[40];
        snprintf(buf, len, "mvar 0x%" PRIx64 " head %s tail %s [%c]->[%c]", e->a,
                 queue_ptr(e->b, st.head_gen, st.head_nursery, end, h, sizeof h),
                 queue_ptr(e->c, st.tail_gen, st.tail_nursery, end, t, sizeof t), st.dirty_before ? 'd' : 'c',
                 st.dirty_after ? 'd' : 'c');
    } else if (!strcmp(name, "GC_START")) {
        snprintf(buf, len, "GC #%" PRIu64 " of gen %" PRIu64 ", %" PRIu64 " GC threads", e->b, e->a, e->c);
    } else if (!strcmp(name, "GC_END")) {
        snprintf(buf, len, "GC #%" PRIu64 " of gen %" PRIu64 ", %" PRIu64 " bytes copied", e->b, e->a, e->c);
    } else if (!strcmp(name, "GC_WORK_START")) {
        snprintf(buf, len, "GC #%" PRIu64, e->a);
    } else if (!strcmp(name, "GC_WORK_END")) {
        snprintf(buf, len, "GC #%" PRIu64 ", %" PRIu64 " words copied", e->a, e->b);
    } else if (!strcmp(name, "EVAC_WATCHED")) {
        snprintf(buf, len, "0x%" PRIx64 "@%" PRIu64 " -> 0x%" PRIx64 "@%" PRIu64, e->a, e->c, e->b, e->d);
    } else if (!strcmp(name, "CAF_ENTER")) {
        snprintf(buf, len, "caf 0x%" PRIx64 " tso 0x%" PRIx64 " %s", e->a, e->b, e->c ? "won" : "lost");
    } else if (!strcmp(name, "CAF_LOCK")) {
        snprintf(buf, len, "caf 0x%" PRIx64 " blackhole 0x%" PRIx64, e->a, e->b);
    } else if (!strcmp(name, "THREAD_BLOCK")) {
        const char *wb = abi_constant_name(r, "why_blocked", (int64_t)e->c);
        snprintf(buf, len, "ThreadId %" PRIu64 " (tso 0x%" PRIx64 ") %s on 0x%" PRIx64, e->b, e->a, wb ? wb : "?", e->d);
    } else if (!strcmp(name, "THREAD_WAKE")) {
        snprintf(buf, len, "ThreadId %" PRIu64 " (tso 0x%" PRIx64 ") by cap %" PRIu64, e->b, e->a, e->c);
    } else if (!strncmp(name, "THREAD_", 7)) {
        snprintf(buf, len, "ThreadId %" PRIu64 " (tso 0x%" PRIx64 ")", e->b, e->a);
    } else if (!strcmp(name, "SANITY_FAIL")) {
        snprintf(buf, len, "object 0x%" PRIx64 " field at 0x%" PRIx64 " = 0x%" PRIx64, e->a, e->b, e->c);
    } else if (!strcmp(name, "WATCH_WRITE")) {
        snprintf(buf, len, "0x%" PRIx64 ": 0x%" PRIx64 " -> 0x%" PRIx64 " (slot %" PRIu64 ")", e->a, e->b, e->c, e->d);
    } else if (!strcmp(name, "WATCH_FREE")) {
        snprintf(buf, len, "0x%" PRIx64 " freed (slot %" PRIu64 ")", e->a, e->b);
    } else {
        snprintf(buf, len, "0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64, e->a, e->b, e->c, e->d);
    }
}

static void json_event(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, const EvLog *log, const EvRecord *e,
                       const char *name, const char *ring, const char *details)
{
    const struct rtsdb_api *api = pl->api;
    char ms[32];
    snprintf(ms, sizeof ms, "%.6f", ms_since_start(log, e));
    api->json_begin_object(s, NULL);
    api->json_str(s, "time_ms", ms);
    api->json_str(s, "ring", ring);
    api->json_str(s, "event", name);
    api->json_str(s, "details", details);
    rts_json_addr(pl, s, "a", e->a);
    rts_json_addr(pl, s, "b", e->b);
    rts_json_addr(pl, s, "c", e->c);
    rts_json_addr(pl, s, "d", e->d);
    if (!strcmp(name, "EVAC_RACE")) {
        EvEvacRace x = ev_evac_race(e->d);
        char t[40];
        api->json_str(s, "closure_type", type_name(r, x.type, t, sizeof t));
        rts_json_addr(pl, s, "from", e->a);
        rts_json_addr(pl, s, "winner", e->b);
        rts_json_addr(pl, s, "loser", e->c);
        api->json_uint(s, "from_gen", x.from_gen);
        api->json_uint(s, "winner_gen", x.win_gen);
        api->json_uint(s, "loser_gen", x.lose_gen);
        api->json_uint(s, "winner_gc_thread", x.win_thread);
        api->json_uint(s, "loser_gc_thread", x.lose_thread);
    } else if (!strcmp(name, "MVAR_MOVE")) {
        EvGcMove m = ev_gc_move(e->c);
        char t[40];
        api->json_str(s, "closure_type", type_name(r, m.type, t, sizeof t));
        rts_json_addr(pl, s, "from", e->a);
        rts_json_addr(pl, s, "to", e->b);
        api->json_uint(s, "from_gen", m.from_gen);
        api->json_uint(s, "to_gen", m.to_gen);
        api->json_uint(s, "gc_thread", m.gc_thread);
        api->json_uint(s, "gc", e->d);
    }
    api->json_end_object(s);
}

static int read_log(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, EvLog *log, bool with_events)
{
    char err[256];
    hw_cache_begin(r);      /* the rings are read a page at a time */
    int rc = with_events ? ev_read_log(r, log, err, sizeof err) : ev_read_state(r, log, err, sizeof err);
    hw_cache_end(r);
    if (rc < 0) {
        pl->api->error(s, "%s.", err);
        return -1;
    }
    return 0;
}

static void print_recording(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, const EvLog *log)
{
    char cats[160];
    pl->api->printf(s, "recording: %s (mask 0x%x)\n", ev_format_categories(r, log->enabled, cats, sizeof cats),
                    log->enabled);
}

/* ==== rts events ==== */

#define EVENTS_USAGE "rts events [-n N] [--cat CATS] [--cap N] [--addr X]"

/* Does event e name address x: the object, or one of its addresses (a
 * copy, a queue node...), in a, b or c?  d is a state or number word,
 * except in the events whose d is a pointer too. */
static bool names_addr(const EvRecord *e, const char *name, uint64_t x)
{
    if (e->a == x || e->b == x || e->c == x) return true;
    return e->d == x && (!strcmp(name, "THREAD_BLOCK") || !strcmp(name, "WEAK_CREATE") ||
                         !strcmp(name, "WEAK_FINALIZE") || !strcmp(name, "WEAK_DEAD"));
}

static int cmd_events(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    if (!r) return -1;
    long shown = DEFAULT_SHOWN, cap = -1;
    uint64_t addr = 0;
    bool by_addr = false;
    uint32_t cats = 0xffffffffu;
    char w[256], err[300];
    const char *p = args;
    while (next_word(&p, w, sizeof w)) {
        char v[256] = "";
        char *end;
        if (!strcmp(w, "-n") || !strcmp(w, "--cat") || !strcmp(w, "--cap") || !strcmp(w, "--addr")) {
            if (!next_word(&p, v, sizeof v)) {
                api->error(s, "%s needs a value.  Usage: " EVENTS_USAGE, w);
                return -1;
            }
        } else {
            api->error(s, "Unknown argument \"%s\".  Usage: " EVENTS_USAGE, w);
            return -1;
        }
        if (!strcmp(w, "--addr")) {
            if (rts_parse_addr(pl, s, v, &addr) < 0) return -1;
            by_addr = true;
            continue;
        }
        if (!strcmp(w, "--cat")) {
            if (ev_parse_categories(r, v, &cats, err, sizeof err) < 0) {
                api->error(s, "%s.", err);
                return -1;
            }
            continue;
        }
        long n = strtol(v, &end, 10);
        if (*end || n < 0) {
            api->error(s, "%s takes a number, not \"%s\".", w, v);
            return -1;
        }
        if (!strcmp(w, "-n")) shown = n;
        else cap = n;
    }
    EvLog log;
    if (read_log(pl, s, r, &log, true) < 0) return -1;
    uint64_t end = 0;
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    if (eg) end = eg->addr;
    /* the events that pass the filters; the last `shown` of them */
    size_t *sel = malloc((log.n ? log.n : 1) * sizeof *sel), nsel = 0;
    if (!sel) { ev_free_log(&log); return -1; }
    for (size_t i = 0; i < log.n; i++) {
        const EvRecord *e = &log.ev[i];
        if (cap >= 0 && (e->ring_kind != 0 || e->ring_owner != cap)) continue;
        uint32_t c = ev_type_category(r, e->type);
        if (c && !(c & cats)) continue;
        if (by_addr) {
            char name[48];
            if (!names_addr(e, ev_type_name(r, e->type, name, sizeof name), addr)) continue;
        }
        sel[nsel++] = i;
    }
    size_t first = shown && nsel > (size_t)shown ? nsel - (size_t)shown : 0;
    print_recording(pl, s, r, &log);
    api->json_uint(s, "enabled", log.enabled);
    api->json_uint(s, "total", nsel);
    if (first) api->printf(s, "(%zu older events not shown: rts events -n %zu)\n", first, nsel);
    if (!nsel) api->printf(s, "no events recorded%s\n", log.enabled ? "" : " (switch categories on with \"rts record CATS\" or +RTS --record=CATS)");
    else api->printf(s, "%14s  %-5s %-14s %s\n", "time(ms)", "ring", "event", "details");
    api->json_begin_array(s, "events");
    for (size_t k = first; k < nsel; k++) {
        const EvRecord *e = &log.ev[sel[k]];
        char name[48], ring[16], det[256];
        ev_type_name(r, e->type, name, sizeof name);
        ring_name(e, ring, sizeof ring);
        event_details(r, e, name, end, det, sizeof det);
        api->printf(s, "%14.6f  %-5s %-14s %s\n", ms_since_start(&log, e), ring, name, det);
        json_event(pl, s, r, &log, e, name, ring, det);
    }
    api->json_end_array(s);
    free(sel);
    ev_free_log(&log);
    return 0;
}

/* ==== rts trace mvar ==== */

/* Note [Following an MVar across GCs]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * MVar events name the MVar by its address at the time, and a copying GC
 * moves it.  With the mvar category on, the GC records every MVar and
 * MVAR_TSO_QUEUE node it copies (MVAR_MOVE: from, to, generations, GC
 * number; Note [Recording lost copy races] in rts/sm/Evac.c), and a watched
 * object's moves are in EVAC_WATCHED.  So the trace
 *   1. follows X forward, from the last move into X, through every move
 *      out of the current address: the MVar's newest address (X itself
 *      when X is where it lives now);
 *   2. walks the log newest first with one current address, starting at
 *      the newest, taking the MVar events at that address, and switching
 *      to the source of the move into it when it meets that move.  An
 *      address the MVar reached by a move is therefore not confused with
 *      another object that lived there before;
 *   3. prints oldest first, with one "gc" row per collection after the
 *      MVar's first event: where the MVar went (0x...@g when it moved) and
 *      where the head and tail of the row before went.  A node in a
 *      generation the GC did not collect stays put; a node that must have
 *      moved but whose move is not in the log is shown as "?" (the seed's
 *      notation) until the next operation shows it.
 * When a GC ran before the first event and no moves were being recorded
 * then, the MVar's earlier history is not derivable from the recorder, and
 * the trace says so instead of guessing.
 */

enum trace_kind { TK_OTHER, TK_OP, TK_MOVE, TK_WATCHED, TK_GC_START, TK_GC_END };

typedef struct TraceMove {
    uint64_t from, to;
    uint8_t to_gen;
    bool is_mvar;               /* an MVar (or a watched object), not a queue node */
    bool has_gc;                /* gc is known (MVAR_MOVE) */
    uint16_t gc_thread;
    uint64_t gc;
} TraceMove;

static enum trace_kind trace_kind(AbiReader *r, const EvRecord *e)
{
    char name[48];
    ev_type_name(r, e->type, name, sizeof name);
    if (is_mvar_event(name)) return TK_OP;
    if (!strcmp(name, "MVAR_MOVE")) return TK_MOVE;
    if (!strcmp(name, "EVAC_WATCHED")) return TK_WATCHED;
    if (!strcmp(name, "GC_START")) return TK_GC_START;
    if (!strcmp(name, "GC_END")) return TK_GC_END;
    return TK_OTHER;
}

static TraceMove trace_move(AbiReader *r, const EvRecord *e, enum trace_kind k)
{
    TraceMove m = { .from = e->a, .to = e->b };
    if (k == TK_MOVE) {
        EvGcMove g = ev_gc_move(e->c);
        const char *t = abi_constant_name(r, "closure_type", g.type);
        m.to_gen = g.to_gen;
        m.is_mvar = !t || strcmp(t, "MVAR_TSO_QUEUE") != 0;
        m.has_gc = true;
        m.gc = e->d;
        m.gc_thread = g.gc_thread;
    } else {
        m.to_gen = (uint8_t)e->d;
        m.is_mvar = true;
        m.gc_thread = e->ring_owner;
    }
    return m;
}

/* Where a queue pointer of the last row is, as the trace knows it. */
typedef struct TracePtr {
    uint64_t p;
    uint8_t gen;                /* 0xff: END */
    bool nursery;
    bool known;                 /* false: "?" (moved, not recorded) or no row yet */
} TracePtr;

/* A "gc" row being gathered: printed when its GC ends or the next row comes. */
typedef struct TraceGc {
    bool open;
    bool has_gc;                /* gc number known */
    uint64_t gc;
    int collect_gen;            /* -1: unknown (no GC_START recorded) */
    const EvRecord *first;      /* event that opened it (time, ring) */
    bool mvar_moved;
    uint64_t mvar_to;
    uint8_t mvar_gen;
    uint16_t by;
    TracePtr head, tail;        /* after the GC */
    bool head_moved, tail_moved;
} TraceGc;

typedef struct TraceState {
    RtsPlugin *pl;
    struct rtsdb_session *s;
    const EvLog *log;
    uint64_t end;               /* END_TSO_QUEUE */
    unsigned row;
    uint64_t mvar;              /* current address */
    bool have_row;              /* head/tail below are from an operation row */
    TracePtr head, tail;
    TraceGc gc;
} TraceState;

static const char *trace_ptr(const TraceState *t, const TracePtr *q, char *buf, size_t len)
{
    if (!t->have_row) snprintf(buf, len, "-");
    else if (!q->known) snprintf(buf, len, "?");
    else queue_ptr(q->p, q->gen, q->nursery, t->end, buf, len);
    return buf;
}

/* Where a queue pointer went in the GC being gathered. */
static TracePtr after_gc(const TraceState *t, const TracePtr *q, int collect_gen)
{
    TracePtr a = *q;
    if (!q->known || q->gen == 0xff || q->p == t->end) return a;
    uint8_t g = q->nursery ? 0 : q->gen;
    if (collect_gen < 0 || g <= collect_gen) a.known = false;   /* collected: it moved */
    return a;
}

static void trace_gc_open(TraceState *t, const EvRecord *e, bool has_gc, uint64_t gc, int collect_gen)
{
    TraceGc *g = &t->gc;
    memset(g, 0, sizeof *g);
    g->open = true;
    g->first = e;
    g->has_gc = has_gc;
    g->gc = gc;
    g->collect_gen = collect_gen;
    g->head = after_gc(t, &t->head, collect_gen);
    g->tail = after_gc(t, &t->tail, collect_gen);
}

/* A move during the GC being gathered: the MVar's, or its head's or tail's. */
static void trace_gc_move(TraceState *t, const TraceMove *m)
{
    TraceGc *g = &t->gc;
    if (m->is_mvar && m->from == t->mvar) {
        g->mvar_moved = true;
        g->mvar_to = m->to;
        g->mvar_gen = m->to_gen;
        g->by = m->gc_thread;
    }
    if (!m->is_mvar && t->have_row) {
        TracePtr moved = { .p = m->to, .gen = m->to_gen, .nursery = false, .known = true };
        if (t->head.known && m->from == t->head.p) { g->head = moved; g->head_moved = true; }
        if (t->tail.known && m->from == t->tail.p) { g->tail = moved; g->tail_moved = true; }
    }
}

/* Print the gathered gc row.  in_progress: the log ends inside this GC
 * (the program stopped in it), so what it did not move yet is still where
 * it was. */
static void trace_gc_flush(TraceState *t, bool in_progress)
{
    TraceGc *g = &t->gc;
    if (!g->open) return;
    const struct rtsdb_api *api = t->pl->api;
    char ring[16], m[48], h[40], tl[40], what[128], ms[32];
    ring_name(g->first, ring, sizeof ring);
    if (g->mvar_moved) snprintf(m, sizeof m, "0x%" PRIx64 "@%u", g->mvar_to, g->mvar_gen);
    else snprintf(m, sizeof m, "0x%" PRIx64, t->mvar);
    if (!in_progress || g->head_moved) t->head = g->head;
    if (!in_progress || g->tail_moved) t->tail = g->tail;
    trace_ptr(t, &t->head, h, sizeof h);
    trace_ptr(t, &t->tail, tl, sizeof tl);
    size_t n = 0;
    if (g->has_gc) n += (size_t)snprintf(what, sizeof what, "GC #%" PRIu64, g->gc);
    else n += (size_t)snprintf(what, sizeof what, "GC");
    if (g->collect_gen >= 0) n += (size_t)snprintf(what + n, sizeof what - n, " of gen %d", g->collect_gen);
    if (g->mvar_moved) n += (size_t)snprintf(what + n, sizeof what - n, ", moved from 0x%" PRIx64 " by gc%u", t->mvar, g->by);
    if (in_progress && n < sizeof what) snprintf(what + n, sizeof what - n, " (in progress when the log ends)");
    double when = ms_since_start(t->log, g->first);
    api->printf(t->s, "%4u %12.6f %-5s %-6s %-18s %-20s %-20s %s\n", ++t->row, when, ring, "gc", m, h, tl, what);
    api->json_begin_object(t->s, NULL);
    snprintf(ms, sizeof ms, "%.6f", when);
    api->json_str(t->s, "time_ms", ms);
    api->json_str(t->s, "ring", ring);
    api->json_str(t->s, "op", "gc");
    if (g->has_gc) api->json_uint(t->s, "gc", g->gc);
    if (g->collect_gen >= 0) api->json_uint(t->s, "collect_gen", (uint64_t)g->collect_gen);
    rts_json_addr(t->pl, t->s, "mvar", g->mvar_moved ? g->mvar_to : t->mvar);
    api->json_bool(t->s, "moved", g->mvar_moved);
    api->json_bool(t->s, "in_progress", in_progress);
    if (g->mvar_moved) {
        rts_json_addr(t->pl, t->s, "from", t->mvar);
        api->json_uint(t->s, "to_gen", g->mvar_gen);
        api->json_uint(t->s, "gc_thread", g->by);
    }
    api->json_str(t->s, "head", h);
    api->json_str(t->s, "tail", tl);
    api->json_end_object(t->s);
    if (g->mvar_moved) t->mvar = g->mvar_to;
    g->open = false;
}

static void trace_op_row(TraceState *t, const EvRecord *e, const char *name)
{
    const struct rtsdb_api *api = t->pl->api;
    EvMVarState st = ev_mvar_state(e->d);
    char op[48], ring[16], m[40], h[40], tl[40], ms[32];
    snprintf(op, sizeof op, "%s", name + 5);
    for (char *c = op; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    ring_name(e, ring, sizeof ring);
    snprintf(m, sizeof m, "0x%" PRIx64, e->a);
    queue_ptr(e->b, st.head_gen, st.head_nursery, t->end, h, sizeof h);
    queue_ptr(e->c, st.tail_gen, st.tail_nursery, t->end, tl, sizeof tl);
    api->printf(t->s, "%4u %12.6f %-5s %-6s %-18s %-20s %-20s [%c]->[%c]\n", ++t->row, ms_since_start(t->log, e), ring,
                op, m, h, tl, st.dirty_before ? 'd' : 'c', st.dirty_after ? 'd' : 'c');
    api->json_begin_object(t->s, NULL);
    snprintf(ms, sizeof ms, "%.6f", ms_since_start(t->log, e));
    api->json_str(t->s, "time_ms", ms);
    api->json_str(t->s, "ring", ring);
    api->json_str(t->s, "op", op);
    rts_json_addr(t->pl, t->s, "mvar", e->a);
    api->json_str(t->s, "head", h);
    api->json_str(t->s, "tail", tl);
    api->json_str(t->s, "before", st.dirty_before ? "dirty" : "clean");
    api->json_str(t->s, "after", st.dirty_after ? "dirty" : "clean");
    api->json_end_object(t->s);
    t->mvar = e->a;
    t->have_row = true;
    t->head = (TracePtr){ .p = e->b, .gen = st.head_gen, .nursery = st.head_nursery, .known = true };
    t->tail = (TracePtr){ .p = e->c, .gen = st.tail_gen, .nursery = st.tail_nursery, .known = true };
}

static int cmd_trace_mvar(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    uint64_t x;
    if (!r || rts_parse_addr(pl, s, args, &x) < 0) return -1;
    EvLog log;
    if (read_log(pl, s, r, &log, true) < 0) return -1;
    uint64_t end = 0;
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    if (eg) end = eg->addr;

    size_t n = log.n;
    unsigned char *kind = calloc(n ? n : 1, 1);
    bool *mine = calloc(n ? n : 1, sizeof *mine);
    if (!kind || !mine) { free(kind); free(mine); ev_free_log(&log); return -1; }
    for (size_t i = 0; i < n; i++) kind[i] = (unsigned char)trace_kind(r, &log.ev[i]);

    /* See Note [Following an MVar across GCs]: 1. forward to the newest address */
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if ((kind[i] == TK_MOVE || kind[i] == TK_WATCHED) && log.ev[i].b == x) start = i;
    uint64_t cur = x;
    for (size_t i = start; i < n; i++) {
        if (kind[i] != TK_MOVE && kind[i] != TK_WATCHED) continue;
        TraceMove m = trace_move(r, &log.ev[i], (enum trace_kind)kind[i]);
        if (m.is_mvar && m.from == cur) cur = m.to;
    }
    /* 2. newest first, one current address */
    size_t oldest = n, n_mine = 0;
    for (size_t i = n; i-- > 0;) {
        const EvRecord *e = &log.ev[i];
        if (kind[i] == TK_OP && e->a == cur) {
            mine[i] = true;
            oldest = i;
            n_mine++;
        } else if (kind[i] == TK_MOVE || kind[i] == TK_WATCHED) {
            TraceMove m = trace_move(r, e, (enum trace_kind)kind[i]);
            if (m.is_mvar && m.to == cur) {
                mine[i] = true;
                oldest = i;
                cur = m.from;
            }
        }
    }
    /* earlier history: derivable when no GC ran before the first event, or
     * moves were being recorded then (the MVar's would be in the log) */
    bool gc_before = false, moves_before = false;
    uint64_t first_gc = UINT64_MAX;
    if (oldest < n && kind[oldest] == TK_MOVE) first_gc = log.ev[oldest].d;
    for (size_t i = 0; i < oldest && i < n; i++) {
        if (kind[i] == TK_GC_START && log.ev[i].b < first_gc) gc_before = true;
        if (kind[i] == TK_MOVE) moves_before = true;
    }

    char cats[160];
    api->printf(s, "MVar 0x%" PRIx64 ": %zu MVar events in the recorder (recording: %s)\n", x, n_mine,
                ev_format_categories(r, log.enabled, cats, sizeof cats));
    rts_json_addr(pl, s, "mvar", x);
    api->json_uint(s, "mvar_events", n_mine);
    api->json_begin_array(s, "trace");
    bool any = oldest < n;
    if (any)
        api->printf(s, "%4s %12s %-5s %-6s %-18s %-20s %-20s %s\n", "#", "time(ms)", "ring", "op", "mvar", "head",
                    "tail", "state");
    /* 3. oldest first, with the GCs in between; a first row that is a
     * move starts at its GC's GC_START */
    size_t from = oldest;
    for (size_t i = oldest; first_gc != UINT64_MAX && i-- > 0;)
        if (kind[i] == TK_GC_START && log.ev[i].b == first_gc) { from = i; break; }
    TraceState t = { .pl = pl, .s = s, .log = &log, .end = end, .mvar = cur };
    for (size_t i = from; i < n; i++) {
        const EvRecord *e = &log.ev[i];
        switch ((enum trace_kind)kind[i]) {
        case TK_OP:
            if (mine[i]) {
                char name[48];
                trace_gc_flush(&t, false);
                trace_op_row(&t, e, ev_type_name(r, e->type, name, sizeof name));
            }
            break;
        case TK_GC_START:
            trace_gc_flush(&t, false);
            trace_gc_open(&t, e, true, e->b, (int)e->a);
            break;
        case TK_GC_END:
            if (t.gc.open && (!t.gc.has_gc || t.gc.gc == e->b)) trace_gc_flush(&t, false);
            break;
        case TK_MOVE:
        case TK_WATCHED: {
            TraceMove m = trace_move(r, e, (enum trace_kind)kind[i]);
            bool ours = (m.is_mvar && m.from == t.mvar) ||
                        (!m.is_mvar && t.have_row && ((t.head.known && m.from == t.head.p) ||
                                                      (t.tail.known && m.from == t.tail.p)));
            if (!ours) break;
            if (!t.gc.open || (m.has_gc && t.gc.has_gc && t.gc.gc != m.gc)) {
                trace_gc_flush(&t, false);
                trace_gc_open(&t, e, m.has_gc, m.gc, -1);
            } else if (m.has_gc && !t.gc.has_gc) {
                t.gc.has_gc = true;
                t.gc.gc = m.gc;
            }
            trace_gc_move(&t, &m);
            break;
        }
        default:
            break;
        }
    }
    trace_gc_flush(&t, t.gc.collect_gen >= 0);   /* a GC_START with no GC_END: the log ends in it */
    api->json_end_array(s);
    bool derivable = !gc_before || moves_before;
    api->json_bool(s, "history_complete", derivable && any);
    uint32_t mvar_cat = 0;
    char err[300];
    ev_parse_categories(r, "mvar", &mvar_cat, err, sizeof err);
    if (!any)
        api->printf(s, "no MVar events for 0x%" PRIx64 ": %s\n", x,
                    !(log.enabled & mvar_cat) ? "the mvar category is off (rts record mvar, or +RTS --record=mvar)"
                    : "the MVar had no operations or moves in the rings' window");
    else if (!derivable)
        api->printf(s, "(earlier history not derivable: a GC ran before the first event shown while MVar moves were "
                       "not being recorded; \"rts record mvar,gc\" records them from now on)\n");
    free(kind);
    free(mine);
    ev_free_log(&log);
    return 0;
}

/* ==== rts record ==== */

static int cmd_record(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    if (!r) return -1;
    EvLog log;
    if (read_log(pl, s, r, &log, false) < 0) return -1;
    args = rts_skip_blanks(args);
    char w[256] = "";
    const char *p = args;
    next_word(&p, w, sizeof w);
    if (*rts_skip_blanks(p)) {
        api->error(s, "Usage: rts record [CATS|off|show] (CATS: all or a comma-separated list)");
        return -1;
    }
    char cats[160];
    api->json_str(s, "categories_known", ev_format_categories(r, 0xffffffffu, cats, sizeof cats));
    if (!w[0] || !strcmp(w, "show")) {
        print_recording(pl, s, r, &log);
        api->json_uint(s, "enabled", log.enabled);
        return 0;
    }
    uint32_t mask = 0;
    char err[300];
    if (strcmp(w, "off") != 0 && ev_parse_categories(r, w, &mask, err, sizeof err) < 0) {
        api->error(s, "%s.", err);
        return -1;
    }
    if (!api->is_live(s)) {
        api->error(s, "Cannot switch recording on a core file (it is a snapshot); \"rts record show\" shows what was on.");
        return -1;
    }
    if (!log.recorder || api->write_memory(s, log.recorder, &mask, sizeof mask) < 0) {
        api->error(s, "Cannot write rts_recorder.enabled at 0x%" PRIx64 ".", log.recorder);
        return -1;
    }
    log.enabled = mask;
    print_recording(pl, s, r, &log);
    api->json_uint(s, "enabled", mask);
    return 0;
}

/* ==== registration ==== */

static void complete_categories(RtsPlugin *pl, struct rtsdb_session *s, const char *text,
                                void (*add)(const char *, void *), void *arg, const char *const *extra)
{
    for (; extra && *extra; extra++)
        if (strncmp(*extra, text, strlen(text)) == 0) add(*extra, arg);
    AbiReader *r = pl->reader_open ? &pl->reader : rts_reader(pl, s);
    if (!r) return;
    /* complete the last name of a comma-separated list */
    const char *last = strrchr(text, ',');
    size_t keep = last ? (size_t)(last + 1 - text) : 0;
    for (uint32_t i = 0; i < r->n_constants; i++) {
        const AbiConstant *k = &r->constants[i];
        if (strcmp(k->group, "event_category") != 0) continue;
        if (strncmp(k->name, text + keep, strlen(text + keep)) != 0) continue;
        char cand[256];
        snprintf(cand, sizeof cand, "%.*s%s", (int)keep, text, k->name);
        add(cand, arg);
    }
}

static void complete_record(struct rtsdb_session *s, const char *text, void (*add)(const char *, void *), void *arg,
                            void *state)
{
    static const char *const extra[] = { "all", "off", "show", NULL };
    complete_categories(state, s, text, add, arg, extra);
}

static void complete_events(struct rtsdb_session *s, const char *text, void (*add)(const char *, void *), void *arg,
                            void *state)
{
    static const char *const flags[] = { "-n", "--cat", "--cap", "--addr", NULL };
    if (text[0] == '-') {
        for (const char *const *f = flags; *f; f++)
            if (strncmp(*f, text, strlen(text)) == 0) add(*f, arg);
        return;
    }
    complete_categories(state, s, text, add, arg, NULL);
}

static const struct rtsdb_plugin_command event_commands[] = {
    {.name = "rts events", .summary = "The flight recorder's events, all rings merged by time.",
     .help = EVENTS_USAGE "\nShow the last N events (default 50, 0: all) of every capability's and GC\n"
             "thread's ring, merged by timestamp: time since start-up in ms, the ring\n"
             "(cap0, gc1...), the event and its arguments decoded.  --cat keeps the\n"
             "categories listed (gc,evac,mvar,caf,thread,sanity,watch,weak or all), --cap N\n"
             "the ring of capability N, --addr X the events that name address X (an\n"
             "object, a copy of it, a queue node).  EVAC_RACE (category evac) is a lost\n"
             "copy race: the object, the winning and the losing copy and the GC thread\n"
             "that made each; MVAR_MOVE (category mvar) an MVar or queue node moved by\n"
             "a GC.  Works on a core file.",
     .fn = cmd_events, .complete = complete_events},
    {.name = "rts trace mvar", .summary = "The history of one MVar: put/take/block and GCs, with [c]/[d].",
     .help = "rts trace mvar ADDRESS\nThe recorder's events for one MVar as a table: op (put, take, read, block;\n"
             "gc for a collection or a recorded move), the queue's head and tail with\n"
             "their generation at the time (@n nursery, @0, @1; END when empty), and the\n"
             "MVar's clean/dirty state before and after ([c]->[d]).  A gc row shows where\n"
             "the GC moved the MVar (0x...@g, and the GC thread) and the head and tail\n"
             "(? when they must have moved but the move was not recorded).  ADDRESS may\n"
             "be any address the MVar had: the trace follows its moves back and forward,\n"
             "and says when earlier history is not derivable.  Needs the mvar category\n"
             "(rts record mvar,gc).",
     .fn = cmd_trace_mvar},
    {.name = "rts record", .summary = "Switch flight-recorder categories at run time, or show them.",
     .help = "rts record [CATS|off|show]\nSet the categories the runtime records (all, or a list such as gc,mvar,evac)\n"
             "by writing the target's rts_recorder.enabled, or switch recording off; with\n"
             "no argument or \"show\", print what is on.  Setting needs a live process.",
     .fn = cmd_record, .complete = complete_record},
};

void rts_events_register(RtsPlugin *pl)
{
    rts_register_commands(pl, event_commands, sizeof event_commands / sizeof event_commands[0]);
}
