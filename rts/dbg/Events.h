/* Events.h — read the runtime's flight recorder (rts/FlightRecorder.h)
 * through the ABI: every ring, merged by timestamp, oldest first.
 *
 * Offers the merged log, event and category names from the table's
 * "event" and "event_category" constant groups, and the decoding of the
 * MVar state word (head/tail generations, nursery bits, clean/dirty before
 * and after), of a lost copy race's word (EVAC_RACE) and of a GC move
 * (MVAR_MOVE).  Rings are untrusted: sizes are bounded and a slot whose
 * sequence number does not match its position (overwritten while being
 * read, or garbage) is skipped.
 *
 * Depends on: AbiReader.h only.
 */
#ifndef RTS_DBG_EVENTS_H
#define RTS_DBG_EVENTS_H

#include "AbiReader.h"

typedef struct EvRecord {
    double ns;                  /* CLOCK_MONOTONIC ns, from the TSC */
    uint64_t tsc;
    uint16_t type;
    uint16_t ring;
    uint16_t ring_kind;         /* 0 capability, 1 GC thread */
    uint16_t ring_owner;        /* capability or GC-thread number */
    uint32_t seq;
    uint64_t a, b, c, d;
} EvRecord;

typedef struct EvLog {
    EvRecord *ev;               /* oldest first */
    size_t n;
    uint32_t enabled;           /* category bits in force */
    uint32_t n_rings, ring_size;
    uint64_t dropped;
    uint64_t recorder;          /* address of rts_recorder.enabled (for writing) */
    double ns_at_start;
} EvLog;

/* Read and merge every ring.  0, or -1 with a one-line reason. */
int ev_read_log(AbiReader *r, EvLog *log, char *err, size_t errlen);
/* The same without the events (ev is NULL): what is on, where the mask is. */
int ev_read_state(AbiReader *r, EvLog *log, char *err, size_t errlen);
void ev_free_log(EvLog *log);

/* "MVAR_PUT" (the constant's name without EVENT_), or "EVENT_<n>". */
const char *ev_type_name(AbiReader *r, uint16_t type, char *buf, size_t len);
/* Category bit of an event type (from its name: EVENT_GC_* is "gc"...); 0 if unknown. */
uint32_t ev_type_category(AbiReader *r, uint16_t type);
/* Parse "gc,mvar" or "all" with the table's category names: 0, or -1 with
 * the unknown name in err. */
int ev_parse_categories(AbiReader *r, const char *list, uint32_t *mask, char *err, size_t errlen);
/* "gc,mvar" for a mask ("none" for 0). */
const char *ev_format_categories(AbiReader *r, uint32_t mask, char *buf, size_t len);

/* The MVar state word of MVar events (RTS_MVAR_STATE). */
typedef struct EvMVarState {
    uint8_t head_gen, tail_gen;     /* 0xff: END_TSO_QUEUE (or static) */
    bool head_nursery, tail_nursery;
    bool dirty_before, dirty_after;
} EvMVarState;
EvMVarState ev_mvar_state(uint64_t d);
/* "@1", "@0", "@n" or "" (END) for a generation recorded in a state word. */
const char *ev_gen_suffix(uint8_t gen, bool nursery, char *buf, size_t len);

/* Word d of EVAC_RACE (RTS_EVAC_RACE): a lost copy race between GC threads. */
typedef struct EvEvacRace {
    uint8_t type;                   /* closure type */
    uint8_t from_gen, win_gen, lose_gen;
    uint16_t win_thread, lose_thread;   /* GC threads that made each copy */
} EvEvacRace;
EvEvacRace ev_evac_race(uint64_t d);

/* Word c of MVAR_MOVE (RTS_GC_MOVE): an MVar or queue node copied by a GC. */
typedef struct EvGcMove {
    uint8_t type;                   /* closure type: MVAR_CLEAN/DIRTY or MVAR_TSO_QUEUE */
    uint8_t from_gen, to_gen;
    uint16_t gc_thread;
} EvGcMove;
EvGcMove ev_gc_move(uint64_t c);

#endif
