/* rts_trace.c — `rts trace mvar X`: the flight recorder's history of one
 * MVar, its operations and the GCs that moved it and its queue, as the
 * seed's table (Note [Following an MVar across GCs]).
 *
 * The rings are read through rts/dbg/Events (rts_events.h), so the trace
 * works on a live process and on a core file alike.
 *
 * Must not depend on: any runtime header but the ABI's; the debuggee is
 * reached only through the plugin API (rts_plugin.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rts_events.h"

/* Note [Following an MVar across GCs]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * MVar events name the MVar by its address at the time, and a copying GC
 * moves it.  With the mvar category on, the GC records every MVar and
 * MVAR_TSO_QUEUE node it copies (MVAR_MOVE: from, to, generations, GC
 * number; Note [Recording lost copy races] in rts/sm/Evac.c), and a watched
 * object's moves are in EVAC_WATCHED.
 *
 * An address names one object only between GCs.  Nurseries are reused
 * after every GC, so one nursery address holds a new object after each
 * collection, and an old generation's block is reused once the GC that
 * emptied it is over.  The rule: an object in a generation that GC k
 * collected (the nursery and generation 0 always, generation g when GC_START
 * says a >= g) either moved at GC k, and the move names its new address, or
 * did not survive it.  An object in a generation GC k did not collect stays
 * where it is.  So the trace
 *   1. finds the object X names: the newest MVar event naming X (an
 *      operation at X, a move into or out of X), and follows it forward
 *      through every move out of its current address.  At each later GC
 *      that collected its generation without a move out, it died (or its
 *      move was not recorded): the trace ends there, and events at that
 *      address after it are another object's;
 *   2. walks the log back from there, newest first, with one current address
 *      and the generation of the object at it: taking the operations at that
 *      address; at a move into it, switching to the move's source (and its
 *      generation then); at a GC_START with no move into the address, going
 *      on when the object's generation was not collected, and stopping when
 *      it was: the object did not exist before that GC.  Earlier events at
 *      that address are an earlier occupant's, and the trace says how many;
 *   3. prints oldest first, with one "gc" row per collection in the
 *      MVar's lifetime: where the MVar went (0x...@g when it moved) and
 *      where the head and tail of the row before went.  A node in a
 *      generation the GC did not collect stays put; a node that must have
 *      moved but whose move is not in the log is shown as "?" (the seed's
 *      notation) until the next operation shows it.
 * The generation of the object is known from the move that brought it to
 * its address (to_gen) or the move that took it away (from_gen); an object
 * no recorded move brought is taken to be in the generation of its block
 * now (so one allocated in the nursery is collected by every GC).  A GC
 * still in progress when the log ends (the program stopped in it) has not
 * finished moving anything, so it ends no walk.  Without GC_START events
 * (gc category off) only the moves are followed.  When a GC ran before the
 * first event and no moves were being recorded then, the MVar's earlier
 * history is not derivable from the recorder, and the trace says so
 * instead of guessing.
 */

enum trace_kind { TK_OTHER, TK_OP, TK_MOVE, TK_WATCHED, TK_GC_START, TK_GC_END };

typedef struct TraceMove {
    uint64_t from, to;
    uint8_t from_gen, to_gen;
    bool is_mvar;               /* an MVar (or a watched object), not a queue node */
    bool has_gc;                /* gc is known */
    uint16_t gc_thread;
    uint64_t gc;
} TraceMove;

/* The log classified once: each event's kind, each move decoded, and for
 * each GC_START whether its GC_END is in the log. */
typedef struct TraceLog {
    AbiReader *r;
    const EvLog *log;
    size_t n;
    unsigned char *kind;        /* enum trace_kind */
    TraceMove *move;            /* valid where kind is TK_MOVE or TK_WATCHED */
    bool *gc_done;              /* valid where kind is TK_GC_START */
} TraceLog;

static enum trace_kind trace_kind(AbiReader *r, const EvRecord *e)
{
    char name[48];
    ev_type_name(r, e->type, name, sizeof name);
    if (rts_is_mvar_op(name)) return TK_OP;
    if (!strcmp(name, "MVAR_MOVE")) return TK_MOVE;
    if (!strcmp(name, "EVAC_WATCHED")) return TK_WATCHED;
    if (!strcmp(name, "GC_START")) return TK_GC_START;
    if (!strcmp(name, "GC_END")) return TK_GC_END;
    return TK_OTHER;
}

/* A move event decoded; an EVAC_WATCHED belongs to the GC that started
 * last before it (gc_open, when has_open). */
static TraceMove trace_move(AbiReader *r, const EvRecord *e, enum trace_kind k, bool has_open, uint64_t gc_open)
{
    TraceMove m = { .from = e->a, .to = e->b };
    if (k == TK_MOVE) {
        EvGcMove g = ev_gc_move(e->c);
        const char *t = abi_constant_name(r, "closure_type", g.type);
        m.from_gen = g.from_gen;
        m.to_gen = g.to_gen;
        m.is_mvar = !t || strcmp(t, "MVAR_TSO_QUEUE") != 0;
        m.has_gc = true;
        m.gc = e->d;
        m.gc_thread = g.gc_thread;
    } else {
        m.from_gen = (uint8_t)e->c;
        m.to_gen = (uint8_t)e->d;
        m.is_mvar = true;
        m.has_gc = has_open;
        m.gc = gc_open;
        m.gc_thread = e->ring_owner;
    }
    return m;
}

static void trace_log_free(TraceLog *tl)
{
    free(tl->kind);
    free(tl->move);
    free(tl->gc_done);
}

static int trace_log_init(TraceLog *tl, AbiReader *r, const EvLog *log)
{
    size_t n = log->n, cap = n ? n : 1;
    *tl = (TraceLog){ .r = r, .log = log, .n = n };
    tl->kind = calloc(cap, 1);
    tl->move = calloc(cap, sizeof *tl->move);
    tl->gc_done = calloc(cap, sizeof *tl->gc_done);
    if (!tl->kind || !tl->move || !tl->gc_done) {
        trace_log_free(tl);
        return -1;
    }
    bool has_open = false;
    uint64_t gc_open = 0;
    for (size_t i = 0; i < n; i++) {
        const EvRecord *e = &log->ev[i];
        enum trace_kind k = trace_kind(r, e);
        tl->kind[i] = (unsigned char)k;
        if (k == TK_GC_START) {
            has_open = true;
            gc_open = e->b;
        } else if (k == TK_MOVE || k == TK_WATCHED) {
            tl->move[i] = trace_move(r, e, k, has_open, gc_open);
        }
    }
    /* a GC_START whose GC_END follows: the GC finished inside the log */
    for (size_t i = n; i-- > 0;) {
        if (tl->kind[i] != TK_GC_END) continue;
        for (size_t j = i; j-- > 0;) {
            if (tl->kind[j] == TK_GC_START && log->ev[j].b == log->ev[i].b) {
                tl->gc_done[j] = true;
                break;
            }
        }
    }
    return 0;
}

static bool is_move(const TraceLog *tl, size_t i)
{
    return tl->kind[i] == TK_MOVE || tl->kind[i] == TK_WATCHED;
}

/* Did GC k (its GC_START at index start) move the MVar at addr? */
static bool gc_moves_out(const TraceLog *tl, size_t start, uint64_t addr)
{
    uint64_t k = tl->log->ev[start].b;
    for (size_t j = start + 1; j < tl->n; j++) {
        if (tl->kind[j] == TK_GC_START) break;
        if (tl->kind[j] == TK_GC_END && tl->log->ev[j].b == k) break;
        const TraceMove *m = &tl->move[j];
        if (is_move(tl, j) && m->is_mvar && m->from == addr && (!m->has_gc || m->gc == k)) return true;
    }
    return false;
}

/* Did the GC that event i is a GC_START of collect generation gen? */
static bool gc_collects(const TraceLog *tl, size_t i, int gen)
{
    return gen <= (int)tl->log->ev[i].a;
}

/* The generation of the object at addr at event i, when no walk has seen
 * it move: the to_gen of the newest move into addr before i, or else the
 * generation of addr's block now (0, collected by every GC, for the nursery
 * or an address outside the heap). */
static int gen_at(const TraceLog *tl, uint64_t addr, size_t i)
{
    for (size_t j = i; j-- > 0;)
        if (is_move(tl, j) && tl->move[j].is_mvar && tl->move[j].to == addr) return tl->move[j].to_gen;
    DecBdescr b;
    char why[160];
    if (dec_bdescr(tl->r, addr, &b, why, sizeof why) < 0 || b.nursery) return 0;
    return (int)b.gen_no;
}

/* What steps 1 and 2 of the Note find. */
typedef struct TraceWalk {
    bool *mine;                 /* the MVar's operations and moves */
    size_t oldest, limit;       /* its first event (n: none); the end of its life in the log */
    size_t n_earlier;           /* events of an earlier occupant of its first address */
    uint64_t first_addr, last_addr;
    bool born, died;            /* the walk stopped at a GC: born after it / died in it */
    uint64_t born_gc, died_gc;
} TraceWalk;

/* Step 1: the object x names, followed forward to the end of its life. */
static void trace_forward(const TraceLog *tl, uint64_t x, TraceWalk *w, int *gen_out)
{
    size_t n = tl->n, anchor = n;
    for (size_t i = 0; i < n; i++) {
        if (tl->kind[i] == TK_OP && tl->log->ev[i].a == x) anchor = i;
        if (is_move(tl, i) && tl->move[i].is_mvar && (tl->move[i].from == x || tl->move[i].to == x)) anchor = i;
    }
    uint64_t cur = x;
    int gen;
    bool crossed = false;
    uint64_t crossed_gc = 0;
    w->limit = n;
    if (anchor == n) {
        w->last_addr = x;
        *gen_out = gen_at(tl, x, n);
        return;
    }
    if (is_move(tl, anchor) && tl->move[anchor].to == x) {
        gen = tl->move[anchor].to_gen;
        crossed = tl->move[anchor].has_gc;
        crossed_gc = tl->move[anchor].gc;
    } else if (is_move(tl, anchor)) {
        gen = tl->move[anchor].from_gen;
    } else {
        gen = gen_at(tl, x, anchor);
    }
    for (size_t i = anchor; i < n; i++) {
        if (is_move(tl, i)) {
            const TraceMove *m = &tl->move[i];
            if (!m->is_mvar || m->from != cur) continue;
            if (crossed && m->has_gc && m->gc == crossed_gc) continue;   /* already moved in this GC */
            cur = m->to;
            gen = m->to_gen;
            crossed = m->has_gc;
            crossed_gc = m->gc;
        } else if (tl->kind[i] == TK_GC_START && i > anchor && tl->gc_done[i]) {
            if (gc_moves_out(tl, i, cur) || !gc_collects(tl, i, gen)) continue;
            w->limit = i;
            w->died = true;
            w->died_gc = tl->log->ev[i].b;
            break;
        }
    }
    w->last_addr = cur;
    *gen_out = gen;
}

/* Step 2: newest first from the end of its life, one current address. */
static void trace_back(const TraceLog *tl, TraceWalk *w, int gen)
{
    uint64_t cur = w->last_addr;
    bool crossed = false;
    uint64_t crossed_gc = 0;
    size_t stop = 0;
    w->oldest = tl->n;
    for (size_t i = w->limit; i-- > 0;) {
        const EvRecord *e = &tl->log->ev[i];
        if (tl->kind[i] == TK_OP && e->a == cur) {
            w->mine[i] = true;
            w->oldest = i;
        } else if (is_move(tl, i)) {
            const TraceMove *m = &tl->move[i];
            if (!m->is_mvar || m->to != cur) continue;
            if (crossed && m->has_gc && m->gc == crossed_gc) continue;
            w->mine[i] = true;
            w->oldest = i;
            cur = m->from;
            gen = m->from_gen;
            crossed = m->has_gc;
            crossed_gc = m->gc;
        } else if (tl->kind[i] == TK_GC_START && tl->gc_done[i]) {
            if (crossed && crossed_gc == e->b) {
                crossed = false;
                continue;
            }
            if (!gc_collects(tl, i, gen)) continue;
            w->born = true;
            w->born_gc = e->b;
            stop = i;
            break;
        }
    }
    w->first_addr = cur;
    w->n_earlier = 0;
    for (size_t i = 0; w->born && i < stop; i++) {
        const TraceMove *m = &tl->move[i];
        if ((tl->kind[i] == TK_OP && tl->log->ev[i].a == cur) ||
            (is_move(tl, i) && m->is_mvar && (m->to == cur || m->from == cur)))
            w->n_earlier++;
    }
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
    bool dry;                   /* count the rows, print nothing */
    unsigned row, n_ops, n_gcs;
    uint64_t mvar;              /* current address */
    bool have_row;              /* head/tail below are from an operation row */
    TracePtr head, tail;
    TraceGc gc;
} TraceState;

static const char *trace_ptr(const TraceState *t, const TracePtr *q, char *buf, size_t len)
{
    if (!t->have_row) snprintf(buf, len, "-");
    else if (!q->known) snprintf(buf, len, "?");
    else rts_queue_ptr(q->p, q->gen, q->nursery, t->end, buf, len);
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

/* A move during the GC being gathered: the MVar's (is_mine), or its
 * head's or tail's. */
static void trace_gc_move(TraceState *t, const TraceMove *m, bool is_mine)
{
    TraceGc *g = &t->gc;
    if (is_mine) {
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

static void trace_gc_print(TraceState *t, bool in_progress)
{
    const TraceGc *g = &t->gc;
    const struct rtsdb_api *api = t->pl->api;
    char ring[16], m[48], h[40], tl[40], what[128], ms[32];
    rts_ring_name(g->first, ring, sizeof ring);
    if (g->mvar_moved) snprintf(m, sizeof m, "0x%" PRIx64 "@%u", g->mvar_to, g->mvar_gen);
    else snprintf(m, sizeof m, "0x%" PRIx64, t->mvar);
    trace_ptr(t, &t->head, h, sizeof h);
    trace_ptr(t, &t->tail, tl, sizeof tl);
    size_t n = 0;
    if (g->has_gc) n += (size_t)snprintf(what, sizeof what, "GC #%" PRIu64, g->gc);
    else n += (size_t)snprintf(what, sizeof what, "GC");
    if (g->collect_gen >= 0) n += (size_t)snprintf(what + n, sizeof what - n, " of gen %d", g->collect_gen);
    if (g->mvar_moved)
        n += (size_t)snprintf(what + n, sizeof what - n, ", moved from 0x%" PRIx64 " by gc%u", t->mvar, g->by);
    if (in_progress && n < sizeof what) snprintf(what + n, sizeof what - n, " (in progress when the log ends)");
    double when = rts_ms_since_start(t->log, g->first);
    api->printf(t->s, "%4u %12.6f %-5s %-6s %-18s %-20s %-20s %s\n", t->row, when, ring, "gc", m, h, tl, what);
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
}

/* The gathered gc row (printed unless dry).  in_progress: the log ends
 * inside this GC (the program stopped in it), so what it did not move yet
 * is still where it was. */
static void trace_gc_flush(TraceState *t, bool in_progress)
{
    TraceGc *g = &t->gc;
    if (!g->open) return;
    if (!in_progress || g->head_moved) t->head = g->head;
    if (!in_progress || g->tail_moved) t->tail = g->tail;
    t->row++;
    t->n_gcs++;
    if (!t->dry) trace_gc_print(t, in_progress);
    if (g->mvar_moved) t->mvar = g->mvar_to;
    g->open = false;
}

static void trace_op_row(TraceState *t, const EvRecord *e, const char *name)
{
    const struct rtsdb_api *api = t->pl->api;
    EvMVarState st = ev_mvar_state(e->d);
    t->row++;
    t->n_ops++;
    if (!t->dry) {
        char op[48], ring[16], m[40], h[40], tl[40], ms[32];
        snprintf(op, sizeof op, "%s", name + 5);
        for (char *c = op; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        rts_ring_name(e, ring, sizeof ring);
        snprintf(m, sizeof m, "0x%" PRIx64, e->a);
        rts_queue_ptr(e->b, st.head_gen, st.head_nursery, t->end, h, sizeof h);
        rts_queue_ptr(e->c, st.tail_gen, st.tail_nursery, t->end, tl, sizeof tl);
        api->printf(t->s, "%4u %12.6f %-5s %-6s %-18s %-20s %-20s [%c]->[%c]\n", t->row,
                    rts_ms_since_start(t->log, e), ring, op, m, h, tl, st.dirty_before ? 'd' : 'c',
                    st.dirty_after ? 'd' : 'c');
        api->json_begin_object(t->s, NULL);
        snprintf(ms, sizeof ms, "%.6f", rts_ms_since_start(t->log, e));
        api->json_str(t->s, "time_ms", ms);
        api->json_str(t->s, "ring", ring);
        api->json_str(t->s, "op", op);
        rts_json_addr(t->pl, t->s, "mvar", e->a);
        api->json_str(t->s, "head", h);
        api->json_str(t->s, "tail", tl);
        api->json_str(t->s, "before", st.dirty_before ? "dirty" : "clean");
        api->json_str(t->s, "after", st.dirty_after ? "dirty" : "clean");
        api->json_end_object(t->s);
    }
    t->mvar = e->a;
    t->have_row = true;
    t->head = (TracePtr){ .p = e->b, .gen = st.head_gen, .nursery = st.head_nursery, .known = true };
    t->tail = (TracePtr){ .p = e->c, .gen = st.tail_gen, .nursery = st.tail_nursery, .known = true };
}

/* Step 3: the rows of events from..limit-1, oldest first (counted only
 * when t->dry). */
static void trace_rows(TraceState *t, const TraceLog *tl, const TraceWalk *w, size_t from)
{
    for (size_t i = from; i < w->limit; i++) {
        const EvRecord *e = &tl->log->ev[i];
        switch ((enum trace_kind)tl->kind[i]) {
        case TK_OP:
            if (w->mine[i]) {
                char name[48];
                trace_gc_flush(t, false);
                trace_op_row(t, e, ev_type_name(tl->r, e->type, name, sizeof name));
            }
            break;
        case TK_GC_START:
            trace_gc_flush(t, false);
            trace_gc_open(t, e, true, e->b, (int)e->a);
            break;
        case TK_GC_END:
            if (t->gc.open && (!t->gc.has_gc || t->gc.gc == e->b)) trace_gc_flush(t, false);
            break;
        case TK_MOVE:
        case TK_WATCHED: {
            const TraceMove *m = &tl->move[i];
            bool ours = w->mine[i] || (!m->is_mvar && t->have_row && ((t->head.known && m->from == t->head.p) ||
                                                                     (t->tail.known && m->from == t->tail.p)));
            if (!ours) break;
            if (!t->gc.open || (m->has_gc && t->gc.has_gc && t->gc.gc != m->gc)) {
                trace_gc_flush(t, false);
                trace_gc_open(t, e, m->has_gc, m->gc, -1);
            } else if (m->has_gc && !t->gc.has_gc) {
                t->gc.has_gc = true;
                t->gc.gc = m->gc;
            }
            trace_gc_move(t, m, w->mine[i]);
            break;
        }
        default:
            break;
        }
    }
    /* a GC_START with no GC_END: the log ends in it */
    trace_gc_flush(t, w->limit == tl->n && t->gc.collect_gen >= 0);
}

static int cmd_trace_mvar(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    uint64_t x;
    if (!r || rts_parse_addr(pl, s, args, &x) < 0) return -1;
    EvLog log;
    if (rts_read_log(pl, s, r, &log, true) < 0) return -1;
    uint64_t end = 0;
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    if (eg) end = eg->addr;

    TraceLog tl;
    TraceWalk w = { 0 };
    size_t n = log.n;
    w.mine = calloc(n ? n : 1, sizeof *w.mine);
    if (!w.mine || trace_log_init(&tl, r, &log) < 0) {
        free(w.mine);
        ev_free_log(&log);
        api->error(s, "Out of memory reading the flight recorder.");
        return -1;
    }
    /* See Note [Following an MVar across GCs] */
    int gen;
    trace_forward(&tl, x, &w, &gen);
    trace_back(&tl, &w, gen);

    /* earlier history: known when the walk found where the MVar was born,
     * when no GC ran before its first event, or when moves were being
     * recorded then (the MVar's would be in the log) */
    size_t oldest = w.oldest;
    bool gc_before = false, moves_before = false;
    uint64_t first_gc = UINT64_MAX;
    if (oldest < n && is_move(&tl, oldest) && tl.move[oldest].has_gc) first_gc = tl.move[oldest].gc;
    for (size_t i = 0; i < oldest && i < n; i++) {
        if (tl.kind[i] == TK_GC_START && log.ev[i].b < first_gc) gc_before = true;
        if (tl.kind[i] == TK_MOVE) moves_before = true;
    }
    /* 3. oldest first, with the GCs in between; a first row that is a
     * move starts at its GC's GC_START */
    size_t from = oldest;
    for (size_t i = oldest; first_gc != UINT64_MAX && i-- > 0;)
        if (tl.kind[i] == TK_GC_START && log.ev[i].b == first_gc) { from = i; break; }
    TraceState t = { .pl = pl, .s = s, .log = &log, .end = end, .mvar = w.first_addr, .dry = true };
    bool any = oldest < n;
    if (any) trace_rows(&t, &tl, &w, from);
    unsigned n_ops = t.n_ops, n_gcs = t.n_gcs;

    char cats[160];
    api->printf(s, "MVar 0x%" PRIx64 ": %u operation%s, %u collection%s in the recorder (recording: %s)\n", x, n_ops,
                n_ops == 1 ? "" : "s", n_gcs, n_gcs == 1 ? "" : "s",
                ev_format_categories(r, log.enabled, cats, sizeof cats));
    rts_json_addr(pl, s, "mvar", x);
    api->json_uint(s, "operations", n_ops);
    api->json_uint(s, "collections", n_gcs);
    api->json_begin_array(s, "trace");
    if (any) {
        api->printf(s, "%4s %12s %-5s %-6s %-18s %-20s %-20s %s\n", "#", "time(ms)", "ring", "op", "mvar", "head",
                    "tail", "state");
        t = (TraceState){ .pl = pl, .s = s, .log = &log, .end = end, .mvar = w.first_addr };
        trace_rows(&t, &tl, &w, from);
    }
    api->json_end_array(s);
    bool derivable = w.born || !gc_before || moves_before;
    api->json_bool(s, "history_complete", derivable && any);
    if (w.born) api->json_uint(s, "born_after_gc", w.born_gc);
    if (w.died) api->json_uint(s, "died_in_gc", w.died_gc);
    api->json_uint(s, "earlier_occupant_events", w.n_earlier);
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
    if (any && w.n_earlier)
        api->printf(s, "(%zu earlier events at 0x%" PRIx64 " are another object's: this MVar was made there after "
                       "GC #%" PRIu64 ")\n", w.n_earlier, w.first_addr, w.born_gc);
    if (any && w.died)
        api->printf(s, "(GC #%" PRIu64 " collected 0x%" PRIx64 "'s generation without moving it: the MVar died there "
                       "or its move was not recorded; later events at that address are another object's)\n",
                    w.died_gc, w.last_addr);
    trace_log_free(&tl);
    free(w.mine);
    ev_free_log(&log);
    return 0;
}

static const struct rtsdb_plugin_command trace_commands[] = {
    {.name = "rts trace mvar", .summary = "The history of one MVar: put/take/block and GCs, with [c]/[d].",
     .help = "rts trace mvar ADDRESS\nThe recorder's events for one MVar as a table: op (put, take, read, block;\n"
             "gc for a collection or a recorded move), the queue's head and tail with\n"
             "their generation at the time (@n nursery, @0, @1; END when empty), and the\n"
             "MVar's clean/dirty state before and after ([c]->[d]).  A gc row shows where\n"
             "the GC moved the MVar (0x...@g, and the GC thread) and the head and tail\n"
             "(? when they must have moved but the move was not recorded).  ADDRESS may\n"
             "be any address the MVar had: the trace follows its moves back and forward,\n"
             "and says when earlier history is not derivable.  An address names one\n"
             "object only between GCs: events of an earlier object at the same address\n"
             "(a reused nursery) are left out.  Needs the mvar category\n"
             "(rts record mvar,gc).",
     .fn = cmd_trace_mvar},
};

void rts_trace_register(RtsPlugin *pl)
{
    rts_register_commands(pl, trace_commands, sizeof trace_commands / sizeof trace_commands[0]);
}
