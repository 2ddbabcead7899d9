/* FlightRecorder.c — set-up, calibration and the -l dump of the event rings.
 * See FlightRecorder.h for what the recorder is and who writes it.
 *
 * Note [Switching categories at run time]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * rts_recorder.enabled is the only switch: every call site tests its own
 * category bit in it (traceEnabled) and then writes its own ring.  A
 * debugger may therefore write the mask at any moment, from outside the
 * process, with no lock and no cooperation:
 *   - the rings exist from initFlightRecorder on whatever the mask says,
 *     and are never freed, so an event recorded because of a bit set a
 *     nanosecond ago has somewhere to go;
 *   - a site that read the old mask records one more event or one fewer;
 *     a ring has one writer whatever the mask, so nothing tears;
 *   - bits beyond EVCAT_ALL are ignored (no site tests them).
 * The one rule for a debugger is to write the mask only once
 * rts_recorder.rings is non-NULL (the runtime has started): before that
 * initFlightRecorder would overwrite it anyway.  The category names and
 * bits are in the ABI's "event_category" constants, the event numbers in
 * "event", and the mask's address is the "rts_recorder" global plus the
 * offset of FlightRecorder.enabled.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "FlightRecorder.h"
#include "RtsMessages.h"

FlightRecorder rts_recorder;
char rts_sanity_failure[256];
static char *dump_file;             /* +RTS -l: where the rings go at exit or barf */

static const char *const event_names[] = {
#define RTS_EV_NAME(name, val) [val] = #name,
    RTS_EVENT_TYPES(RTS_EV_NAME)
#undef RTS_EV_NAME
};

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Measure TSC ticks per nanosecond over a short interval (~2 ms). */
static void calibrate(void)
{
    uint64_t ns0 = monotonic_ns(), t0 = rts_rdtsc();
    uint64_t ns1;
    do { ns1 = monotonic_ns(); } while (ns1 - ns0 < 2000000);
    uint64_t t1 = rts_rdtsc();
    rts_recorder.tsc_at_start = t0;
    rts_recorder.ns_at_start = ns0;
    rts_recorder.ns_per_tick = t1 > t0 ? (double)(ns1 - ns0) / (double)(t1 - t0) : 1.0;
}

/* Allocate 2 * n_caps rings of ring_size events (rounded up to a power of
 * two).  The rings exist even when recording is off, so a debugger can
 * switch categories on at run time. */
void initFlightRecorder(uint32_t n_caps, uint32_t categories, uint32_t ring_size)
{
    uint32_t size = 16;
    while (size < ring_size) size <<= 1;
    rts_recorder.n_caps = n_caps;
    rts_recorder.ring_size = size;
    rts_recorder.n_rings = 2 * n_caps;
    rts_recorder.rings = calloc(rts_recorder.n_rings, sizeof(EventRing));
    if (!rts_recorder.rings) { perror("rts: flight recorder"); exit(1); }
    for (uint32_t i = 0; i < rts_recorder.n_rings; i++) {
        EventRing *r = &rts_recorder.rings[i];
        r->size = size;
        r->kind = i < n_caps ? 0 : 1;
        r->owner = (uint16_t)(i < n_caps ? i : i - n_caps);
        r->events = calloc(size, sizeof(RtsEvent));
        if (!r->events) { perror("rts: flight recorder"); exit(1); }
    }
    calibrate();
    rts_recorder.enabled = categories;
}

static void write_dump_file(void)
{
    int rc = dumpFlightRecorder(dump_file);
    if (rc < 0)
        errorBelch("cannot write the event log %s: %s", dump_file, strerror(-rc));
}

/* barf's last act before abort(): the dump then ends with the failure
 * (a sanity failure's EVENT_SANITY_FAIL, the last MVar operations...). */
static void dump_on_barf(void)
{
    rts_recorder.enabled = 0;
    write_dump_file();
}

void setFlightRecorderDumpFile(const char *path)
{
    free(dump_file);
    dump_file = path ? strdup(path) : NULL;
    if (path && !dump_file) { perror("rts: flight recorder"); exit(1); }
    rts_barf_hook = dump_file ? dump_on_barf : NULL;
}

void exitFlightRecorder(void)
{
    rts_recorder.enabled = 0;
    rts_barf_hook = NULL;
    if (dump_file) {
        write_dump_file();
        free(dump_file);
        dump_file = NULL;
    }
}

void traceSanityFailure(const void *obj, const void *field, const char *what)
{
    snprintf(rts_sanity_failure, sizeof rts_sanity_failure, "%s", what ? what : "");
    /* The checker runs with the world stopped, where GC thread 0's ring
     * has no other writer. */
    if (rts_recorder.rings && traceEnabled(EVCAT_SANITY))
        traceEvent(gcRing(0), EVENT_SANITY_FAIL, (uint64_t)(uintptr_t)obj,
                   (uint64_t)(uintptr_t)field, field ? *(const uint64_t *)field : 0,
                   (uint64_t)(uintptr_t)rts_sanity_failure);
}

long parseEventCategories(const char *list)
{
    long bits = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            bits |= EVCAT_ALL;
        } else {
            long bit = 0;
#define RTS_EVCAT_MATCH(name, b, str) \
            if (n == strlen(str) && strncmp(p, str, n) == 0) bit = b;
            RTS_EVENT_CATEGORIES(RTS_EVCAT_MATCH)
#undef RTS_EVCAT_MATCH
            if (!bit) return -1;
            bits |= bit;
        }
        p += n;
        if (*p == ',') p++;
    }
    return bits;
}

static double event_ns(const RtsEvent *e)
{
    return (double)rts_recorder.ns_at_start +
           ((double)e->time - (double)rts_recorder.tsc_at_start) * rts_recorder.ns_per_tick;
}

/* Merge the rings by time, oldest first, and print one line per event. */
int dumpFlightRecorder(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -errno;
    uint32_t n = rts_recorder.n_rings;
    uint64_t *pos = calloc(n ? n : 1, sizeof(uint64_t));
    if (!pos) { fclose(f); return -ENOMEM; }
    for (uint32_t i = 0; i < n; i++) {
        EventRing *r = &rts_recorder.rings[i];
        pos[i] = r->head > r->size ? r->head - r->size : 0;
    }
    uint64_t recorded = 0;
    for (uint32_t i = 0; i < n; i++)
        recorded += rts_recorder.rings[i].head;
    fprintf(f, "# rtsdb flight recorder: %u rings of %u events, %" PRIu64 " events recorded\n", n,
            rts_recorder.ring_size, recorded);
    for (;;) {
        int best = -1;
        uint64_t best_t = 0;
        for (uint32_t i = 0; i < n; i++) {
            EventRing *r = &rts_recorder.rings[i];
            if (pos[i] >= r->head) continue;
            const RtsEvent *e = &r->events[pos[i] & (r->size - 1)];
            if (best < 0 || e->time < best_t) { best = (int)i; best_t = e->time; }
        }
        if (best < 0) break;
        EventRing *r = &rts_recorder.rings[best];
        const RtsEvent *e = &r->events[pos[best]++ & (r->size - 1)];
        const char *name = e->type < sizeof(event_names) / sizeof(event_names[0]) && event_names[e->type]
                               ? event_names[e->type] : "EVENT_UNKNOWN";
        fprintf(f, "%.0f %s%u %s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
                event_ns(e), r->kind ? "gc" : "cap", r->owner, name, e->a, e->b, e->c, e->d);
        if (e->type == EVENT_SANITY_FAIL && e->d == (uint64_t)(uintptr_t)rts_sanity_failure)
            fprintf(f, " \"%s\"", rts_sanity_failure);
        fputc('\n', f);
    }
    free(pos);
    return fclose(f) == 0 ? 0 : -errno;
}
