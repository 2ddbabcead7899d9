/* Events.c — the flight recorder's rings read through the ABI and merged
 * by timestamp (Events.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "Events.h"

#define MAX_RINGS 4096
#define MAX_RING_SIZE (1u << 24)
#define MAX_EVENTS (1u << 24)

static int cmp_time(const void *x, const void *y)
{
    const EvRecord *a = x, *b = y;
    if (a->tsc != b->tsc) return a->tsc < b->tsc ? -1 : 1;
    if (a->ring != b->ring) return a->ring < b->ring ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int get(AbiReader *r, uint64_t obj, const char *s, const char *f, uint64_t *out)
{
    *out = 0;
    return abi_get(r, obj, s, f, out);
}

static int read_log(AbiReader *r, EvLog *log, bool with_events, char *err, size_t errlen)
{
    memset(log, 0, sizeof *log);
    const AbiGlobal *g = abi_global(r, "rts_recorder");
    const AbiStruct *ring_s = abi_struct(r, "EventRing"), *ev_s = abi_struct(r, "RtsEvent");
    const AbiField *npt = abi_field(r, "FlightRecorder", "ns_per_tick");
    if (!g || !ring_s || !ev_s || !npt || npt->size != 8) {
        snprintf(err, errlen, "the target's debug-info table does not describe the flight recorder");
        return -1;
    }
    uint64_t rec = g->addr, enabled, n_rings, rings, ring_size, tsc0, ns0, dropped;
    double ns_per_tick = 1.0;
    if (get(r, rec, "FlightRecorder", "enabled", &enabled) < 0 || get(r, rec, "FlightRecorder", "n_rings", &n_rings) < 0 ||
        get(r, rec, "FlightRecorder", "rings", &rings) < 0 || abi_read(r, rec + npt->offset, &ns_per_tick, 8) < 0) {
        snprintf(err, errlen, "cannot read rts_recorder at 0x%" PRIx64, rec);
        return -1;
    }
    get(r, rec, "FlightRecorder", "ring_size", &ring_size);
    get(r, rec, "FlightRecorder", "tsc_at_start", &tsc0);
    get(r, rec, "FlightRecorder", "ns_at_start", &ns0);
    get(r, rec, "FlightRecorder", "dropped", &dropped);
    const AbiField *ef = abi_field(r, "FlightRecorder", "enabled");
    log->recorder = rec + (ef ? ef->offset : 0);
    log->enabled = (uint32_t)enabled;
    log->ring_size = (uint32_t)ring_size;
    log->dropped = dropped;
    log->ns_at_start = (double)ns0;
    if (n_rings == 0 || !rings || !with_events) return 0;   /* not set up yet, or not asked */
    if (n_rings > MAX_RINGS) {
        snprintf(err, errlen, "rts_recorder.n_rings = %" PRIu64 " is implausible (corrupted recorder?)", n_rings);
        return -1;
    }
    if (!(ns_per_tick > 0 && ns_per_tick < 1e6)) ns_per_tick = 1.0;
    log->n_rings = (uint32_t)n_rings;
    size_t cap = 0;
    for (uint64_t i = 0; i < n_rings; i++) {
        uint64_t ring = rings + i * ring_s->size, head, size, kind, owner, events;
        if (get(r, ring, "EventRing", "head", &head) < 0 || get(r, ring, "EventRing", "size", &size) < 0 ||
            get(r, ring, "EventRing", "events", &events) < 0) {
            snprintf(err, errlen, "cannot read event ring %" PRIu64 " at 0x%" PRIx64, i, ring);
            ev_free_log(log);
            return -1;
        }
        get(r, ring, "EventRing", "kind", &kind);
        get(r, ring, "EventRing", "owner", &owner);
        if (size == 0 || size > MAX_RING_SIZE || (size & (size - 1))) {
            snprintf(err, errlen, "event ring %" PRIu64 " has an implausible size %" PRIu64, i, size);
            ev_free_log(log);
            return -1;
        }
        uint64_t first = head > size ? head - size : 0;
        for (uint64_t h = first; h < head; h++) {
            uint64_t slot = events + (h & (size - 1)) * ev_s->size, v;
            EvRecord e = { .ring = (uint16_t)i, .ring_kind = (uint16_t)kind, .ring_owner = (uint16_t)owner };
            if (get(r, slot, "RtsEvent", "seq", &v) < 0) break;
            if ((uint32_t)v != (uint32_t)h) continue;      /* overwritten or never written */
            e.seq = (uint32_t)v;
            get(r, slot, "RtsEvent", "time", &e.tsc);
            get(r, slot, "RtsEvent", "type", &v);
            e.type = (uint16_t)v;
            get(r, slot, "RtsEvent", "a", &e.a);
            get(r, slot, "RtsEvent", "b", &e.b);
            get(r, slot, "RtsEvent", "c", &e.c);
            get(r, slot, "RtsEvent", "d", &e.d);
            e.ns = (double)ns0 + ((double)e.tsc - (double)tsc0) * ns_per_tick;
            if (log->n == cap) {
                size_t ncap = cap ? 2 * cap : 256;
                if (ncap > MAX_EVENTS) break;
                EvRecord *n = realloc(log->ev, ncap * sizeof *n);
                if (!n) break;
                log->ev = n;
                cap = ncap;
            }
            log->ev[log->n++] = e;
        }
    }
    if (log->n) qsort(log->ev, log->n, sizeof *log->ev, cmp_time);    /* ev is NULL when no slot was valid */
    return 0;
}

int ev_read_log(AbiReader *r, EvLog *log, char *err, size_t errlen)
{
    return read_log(r, log, true, err, errlen);
}

int ev_read_state(AbiReader *r, EvLog *log, char *err, size_t errlen)
{
    return read_log(r, log, false, err, errlen);
}

void ev_free_log(EvLog *log)
{
    free(log->ev);
    log->ev = NULL;
    log->n = 0;
}

const char *ev_type_name(AbiReader *r, uint16_t type, char *buf, size_t len)
{
    const char *n = abi_constant_name(r, "event", type);
    if (n && strncmp(n, "EVENT_", 6) == 0) n += 6;
    if (n) snprintf(buf, len, "%s", n);
    else snprintf(buf, len, "EVENT_%u", type);
    return buf;
}

uint32_t ev_type_category(AbiReader *r, uint16_t type)
{
    /* Event names begin with their category: EVENT_GC_START is "gc",
     * EVENT_EVAC_WATCHED "evac", EVENT_MVAR_PUT "mvar"... */
    const char *n = abi_constant_name(r, "event", type);
    if (!n || strncmp(n, "EVENT_", 6) != 0) return 0;
    n += 6;
    for (uint32_t i = 0; i < r->n_constants; i++) {
        const AbiConstant *k = &r->constants[i];
        if (strcmp(k->group, "event_category") != 0) continue;
        size_t l = strlen(k->name);
        if (strncasecmp(n, k->name, l) == 0 && (n[l] == '_' || n[l] == '\0')) return (uint32_t)k->value;
    }
    return 0;
}

int ev_parse_categories(AbiReader *r, const char *list, uint32_t *mask, char *err, size_t errlen)
{
    *mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ", ");
        if (n == 0) { p++; continue; }
        bool found = false;
        for (uint32_t i = 0; i < r->n_constants; i++) {
            const AbiConstant *k = &r->constants[i];
            if (strcmp(k->group, "event_category") != 0) continue;
            if ((n == 3 && strncmp(p, "all", 3) == 0) || (strlen(k->name) == n && strncmp(p, k->name, n) == 0)) {
                *mask |= (uint32_t)k->value;
                found = true;
            }
        }
        if (!found) {
            char known[256];
            ev_format_categories(r, 0xffffffffu, known, sizeof known);
            snprintf(err, errlen, "unknown event category \"%.*s\" (known: all,%s)", (int)n, p, known);
            return -1;
        }
        p += n;
    }
    return 0;
}

const char *ev_format_categories(AbiReader *r, uint32_t mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < r->n_constants && used < len; i++) {
        const AbiConstant *k = &r->constants[i];
        if (strcmp(k->group, "event_category") != 0 || !(mask & (uint32_t)k->value)) continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", k->name);
    }
    if (!used) snprintf(buf, len, "none");
    return buf;
}

EvMVarState ev_mvar_state(uint64_t d)
{
    EvMVarState s = {
        .head_gen = (uint8_t)(d & 0xff),
        .tail_gen = (uint8_t)((d >> 8) & 0xff),
        .head_nursery = (d >> 16) & 1,
        .tail_nursery = (d >> 17) & 1,
        .dirty_before = (d >> 18) & 1,
        .dirty_after = (d >> 19) & 1,
    };
    return s;
}

const char *ev_gen_suffix(uint8_t gen, bool nursery, char *buf, size_t len)
{
    if (gen == 0xff) snprintf(buf, len, "%s", "");
    else if (nursery) snprintf(buf, len, "@n");
    else snprintf(buf, len, "@%u", gen);
    return buf;
}

EvEvacRace ev_evac_race(uint64_t d)
{
    EvEvacRace x = {
        .type = (uint8_t)(d & 0xff),
        .from_gen = (uint8_t)((d >> 8) & 0xff),
        .win_gen = (uint8_t)((d >> 16) & 0xff),
        .lose_gen = (uint8_t)((d >> 24) & 0xff),
        .win_thread = (uint16_t)((d >> 32) & 0xffff),
        .lose_thread = (uint16_t)((d >> 48) & 0xffff),
    };
    return x;
}

EvGcMove ev_gc_move(uint64_t c)
{
    EvGcMove m = {
        .type = (uint8_t)(c & 0xff),
        .from_gen = (uint8_t)((c >> 8) & 0xff),
        .to_gen = (uint8_t)((c >> 16) & 0xff),
        .gc_thread = (uint16_t)((c >> 32) & 0xffff),
    };
    return m;
}
