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

static bool is_mvar_event(const char *name) { return strncmp(name, "MVAR_", 5) == 0; }

/* One event's arguments, decoded by its type (FlightRecorder.h). */
static void event_details(AbiReader *r, const EvRecord *e, const char *name, uint64_t end, char *buf, size_t len)
{
    if (is_mvar_event(name)) {
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

static void json_event(RtsPlugin *pl, struct rtsdb_session *s, const EvLog *log, const EvRecord *e,
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

static int cmd_events(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    if (!r) return -1;
    long shown = DEFAULT_SHOWN, cap = -1;
    uint32_t cats = 0xffffffffu;
    char w[256], err[300];
    const char *p = args;
    while (next_word(&p, w, sizeof w)) {
        char v[256] = "";
        char *end;
        if (!strcmp(w, "-n") || !strcmp(w, "--cat") || !strcmp(w, "--cap")) {
            if (!next_word(&p, v, sizeof v)) {
                api->error(s, "%s needs a value.  Usage: rts events [-n N] [--cat CATS] [--cap N]", w);
                return -1;
            }
        } else {
            api->error(s, "Unknown argument \"%s\".  Usage: rts events [-n N] [--cat CATS] [--cap N]", w);
            return -1;
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
        json_event(pl, s, &log, e, name, ring, det);
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
 * moves it.  The recorder logs a move only for watched objects
 * (EVAC_WATCHED, from `watch -evac` or the watch table), so the trace
 * walks the log newest first with the set of addresses the MVar is known
 * to have had, starting from X, and adds the source address of every
 * EVAC_WATCHED event whose destination is in the set.  GCs in between are
 * shown as "gc" rows, like the seed's table.  When a GC happened before
 * the oldest event we could attribute and no move explains where the MVar
 * was before it, the earlier history is not derivable from the recorder,
 * and the trace says so instead of guessing.
 */

#define MAX_ALIASES 64

static bool has_alias(const uint64_t *al, int n, uint64_t p)
{
    for (int i = 0; i < n; i++)
        if (al[i] == p) return true;
    return false;
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

    /* See Note [Following an MVar across GCs] */
    uint64_t alias[MAX_ALIASES] = { x };
    int n_alias = 1;
    bool *mine = calloc(log.n ? log.n : 1, sizeof *mine);
    if (!mine) { ev_free_log(&log); return -1; }
    size_t oldest = log.n, n_mine = 0;
    for (size_t i = log.n; i-- > 0;) {
        const EvRecord *e = &log.ev[i];
        char name[48];
        ev_type_name(r, e->type, name, sizeof name);
        if (!strcmp(name, "EVAC_WATCHED") && has_alias(alias, n_alias, e->b)) {
            if (n_alias < MAX_ALIASES && !has_alias(alias, n_alias, e->a)) alias[n_alias++] = e->a;
            mine[i] = true;
            oldest = i;
        } else if (is_mvar_event(name) && has_alias(alias, n_alias, e->a)) {
            mine[i] = true;
            oldest = i;
            n_mine++;
        }
    }
    /* GCs after the first event of the MVar */
    for (size_t i = oldest; i < log.n; i++) {
        char name[48];
        ev_type_name(r, log.ev[i].type, name, sizeof name);
        if (!strcmp(name, "GC_START")) mine[i] = true;
    }
    bool gc_before = false;
    for (size_t i = 0; i < oldest && i < log.n; i++) {
        char name[48];
        if (!strcmp(ev_type_name(r, log.ev[i].type, name, sizeof name), "GC_START")) gc_before = true;
    }

    char cats[160];
    api->printf(s, "MVar 0x%" PRIx64 ": %zu MVar events in the recorder (recording: %s)\n", x, n_mine,
                ev_format_categories(r, log.enabled, cats, sizeof cats));
    rts_json_addr(pl, s, "mvar", x);
    api->json_uint(s, "mvar_events", n_mine);
    api->json_begin_array(s, "trace");
    if (n_mine)
        api->printf(s, "%4s %12s %-5s %-6s %-18s %-20s %-20s %s\n", "#", "time(ms)", "ring", "op", "mvar", "head",
                    "tail", "state");
    unsigned row = 0;
    for (size_t i = oldest; i < log.n; i++) {
        if (!mine[i]) continue;
        const EvRecord *e = &log.ev[i];
        char name[48], ring[16], h[40], t[40], m[40], op[48];
        ev_type_name(r, e->type, name, sizeof name);
        ring_name(e, ring, sizeof ring);
        api->json_begin_object(s, NULL);
        char ms[32];
        snprintf(ms, sizeof ms, "%.6f", ms_since_start(&log, e));
        api->json_str(s, "time_ms", ms);
        api->json_str(s, "ring", ring);
        if (is_mvar_event(name)) {
            EvMVarState st = ev_mvar_state(e->d);
            snprintf(op, sizeof op, "%s", name + 5);
            for (char *c = op; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
            snprintf(m, sizeof m, "0x%" PRIx64, e->a);
            queue_ptr(e->b, st.head_gen, st.head_nursery, end, h, sizeof h);
            queue_ptr(e->c, st.tail_gen, st.tail_nursery, end, t, sizeof t);
            api->printf(s, "%4u %12.6f %-5s %-6s %-18s %-20s %-20s [%c]->[%c]\n", ++row, ms_since_start(&log, e), ring,
                        op, m, h, t, st.dirty_before ? 'd' : 'c', st.dirty_after ? 'd' : 'c');
            api->json_str(s, "op", op);
            rts_json_addr(pl, s, "mvar", e->a);
            api->json_str(s, "head", h);
            api->json_str(s, "tail", t);
            api->json_str(s, "before", st.dirty_before ? "dirty" : "clean");
            api->json_str(s, "after", st.dirty_after ? "dirty" : "clean");
        } else if (!strcmp(name, "EVAC_WATCHED")) {
            api->printf(s, "%4u %12.6f %-5s %-6s 0x%" PRIx64 "@%" PRIu64 " -> 0x%" PRIx64 "@%" PRIu64 " (moved by GC thread %u)\n",
                        ++row, ms_since_start(&log, e), ring, "gc", e->a, e->c, e->b, e->d, e->ring_owner);
            api->json_str(s, "op", "gc");
            rts_json_addr(pl, s, "from", e->a);
            rts_json_addr(pl, s, "to", e->b);
            api->json_uint(s, "from_gen", e->c);
            api->json_uint(s, "to_gen", e->d);
        } else {
            api->printf(s, "%4u %12.6f %-5s %-6s GC #%" PRIu64 " of gen %" PRIu64 ": head/tail may move (? until the next op shows them)\n",
                        ++row, ms_since_start(&log, e), ring, "gc", e->b, e->a);
            api->json_str(s, "op", "gc");
            api->json_uint(s, "gc", e->b);
            api->json_uint(s, "collect_gen", e->a);
        }
        api->json_end_object(s);
    }
    api->json_end_array(s);
    bool derivable = !(gc_before && n_mine);
    api->json_bool(s, "history_complete", derivable && n_mine);
    uint32_t mvar_cat = 0;
    char err[300];
    ev_parse_categories(r, "mvar", &mvar_cat, err, sizeof err);
    if (!n_mine)
        api->printf(s, "no MVar events for 0x%" PRIx64 ": %s\n", x,
                    !(log.enabled & mvar_cat) ? "the mvar category is off (rts record mvar, or +RTS --record=mvar)"
                    : "the MVar had no operations in the rings' window, or lived at another address then "
                      "(the recorder logs moves only for watched objects: watch -evac ADDRESS)");
    else if (!derivable)
        api->printf(s, "(earlier history not derivable: a GC ran before the first event shown and the recorder has no "
                       "EVAC_WATCHED move for this MVar; \"watch -evac 0x%" PRIx64 "\" makes the next moves traceable)\n",
                    alias[n_alias - 1]);
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
    static const char *const flags[] = { "-n", "--cat", "--cap", NULL };
    if (text[0] == '-') {
        for (const char *const *f = flags; *f; f++)
            if (strncmp(*f, text, strlen(text)) == 0) add(*f, arg);
        return;
    }
    complete_categories(state, s, text, add, arg, NULL);
}

static const struct rtsdb_plugin_command event_commands[] = {
    {.name = "rts events", .summary = "The flight recorder's events, all rings merged by time.",
     .help = "rts events [-n N] [--cat CATS] [--cap N]\nShow the last N events (default 50, 0: all) of every capability's and GC\n"
             "thread's ring, merged by timestamp: time since start-up in ms, the ring\n"
             "(cap0, gc1...), the event and its arguments decoded.  --cat keeps the\n"
             "categories listed (gc,evac,mvar,caf,thread,sanity,watch or all), --cap N\n"
             "the ring of capability N.  Works on a core file.",
     .fn = cmd_events, .complete = complete_events},
    {.name = "rts trace mvar", .summary = "The history of one MVar: put/take/block and GCs, with [c]/[d].",
     .help = "rts trace mvar ADDRESS\nThe recorder's events for one MVar as a table: op (put, take, read, block;\n"
             "gc for a collection or a recorded move), the queue's head and tail with\n"
             "their generation at the time (@n nursery, @0, @1; END when empty), and the\n"
             "MVar's clean/dirty state before and after ([c]->[d]).  Follows the MVar\n"
             "across GC moves recorded for watched objects, and says when earlier history\n"
             "is not derivable.  Needs the mvar category (rts record mvar,gc).",
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
