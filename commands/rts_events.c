/* rts_events.c — the flight recorder: `rts events` and `rts record
 * CATS|off|show`, and the helpers rts_trace.c shares (rts_events.h).
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

#include "rts_events.h"
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

const char *rts_ring_name(const EvRecord *e, char *buf, size_t len)
{
    snprintf(buf, len, "%s%u", e->ring_kind ? "gc" : "cap", e->ring_owner);
    return buf;
}

/* Milliseconds since the runtime started. */
double rts_ms_since_start(const EvLog *log, const EvRecord *e)
{
    return (e->ns - log->ns_at_start) / 1e6;
}

/* "0x4200012000@1" for a queue pointer recorded with its generation. */
const char *rts_queue_ptr(uint64_t p, uint8_t gen, bool nursery, uint64_t end, char *buf, size_t len)
{
    char g[8];
    if (p == end || gen == 0xff) snprintf(buf, len, "END");
    else snprintf(buf, len, "0x%" PRIx64 "%s", p, ev_gen_suffix(gen, nursery, g, sizeof g));
    return buf;
}

/* An MVar operation (put, take, read, block, wake): a=mvar, d=state word. */
bool rts_is_mvar_op(const char *name) { return strncmp(name, "MVAR_", 5) == 0 && strcmp(name, "MVAR_MOVE") != 0; }

/* "WEAK" for a closure type recorded in an event. */
const char *rts_type_name(AbiReader *r, uint8_t type, char *buf, size_t len)
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
             rts_type_name(r, x.type, t, sizeof t), e->a, x.from_gen, x.win_thread, e->b, x.win_gen, x.lose_thread,
             e->c, x.lose_gen);
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
                 rts_type_name(r, m.type, t, sizeof t), e->a, m.from_gen, e->b, m.to_gen, m.gc_thread, e->d);
    } else if (rts_is_mvar_op(name)) {
        EvMVarState st = ev_mvar_state(e->d);
        char h[40], t[40];
        snprintf(buf, len, "mvar 0x%" PRIx64 " head %s tail %s [%c]->[%c]", e->a,
                 rts_queue_ptr(e->b, st.head_gen, st.head_nursery, end, h, sizeof h),
                 rts_queue_ptr(e->c, st.tail_gen, st.tail_nursery, end, t, sizeof t), st.dirty_before ? 'd' : 'c',
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
    snprintf(ms, sizeof ms, "%.6f", rts_ms_since_start(log, e));
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
        api->json_str(s, "closure_type", rts_type_name(r, x.type, t, sizeof t));
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
        api->json_str(s, "closure_type", rts_type_name(r, m.type, t, sizeof t));
        rts_json_addr(pl, s, "from", e->a);
        rts_json_addr(pl, s, "to", e->b);
        api->json_uint(s, "from_gen", m.from_gen);
        api->json_uint(s, "to_gen", m.to_gen);
        api->json_uint(s, "gc_thread", m.gc_thread);
        api->json_uint(s, "gc", e->d);
    }
    api->json_end_object(s);
}

int rts_read_log(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, EvLog *log, bool with_events)
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
    if (rts_read_log(pl, s, r, &log, true) < 0) return -1;
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
        rts_ring_name(e, ring, sizeof ring);
        event_details(r, e, name, end, det, sizeof det);
        api->printf(s, "%14.6f  %-5s %-14s %s\n", rts_ms_since_start(&log, e), ring, name, det);
        json_event(pl, s, r, &log, e, name, ring, det);
    }
    api->json_end_array(s);
    free(sel);
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
    if (rts_read_log(pl, s, r, &log, false) < 0) return -1;
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
