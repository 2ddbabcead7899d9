/* rts_events.h — what the flight-recorder commands share: rts_events.c
 * (rts events, rts record) offers these to rts_trace.c (rts trace mvar).
 *
 * Must not depend on: any runtime header but the ABI's (rts/dbg/Events.h
 * reads the rings).
 */
#ifndef RTS_EVENTS_H
#define RTS_EVENTS_H

#include "rts_plugin.h"
#include "Events.h"

/* Read the rings (with_events) or only the recorder's state into *log;
 * -1 after a one-line error. */
int rts_read_log(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, EvLog *log, bool with_events);

/* "cap0" or "gc1": the ring that recorded e. */
const char *rts_ring_name(const EvRecord *e, char *buf, size_t len);

/* Milliseconds since the runtime started. */
double rts_ms_since_start(const EvLog *log, const EvRecord *e);

/* "0x4200012000@1" for a queue pointer recorded with its generation, END
 * for END_TSO_QUEUE (end). */
const char *rts_queue_ptr(uint64_t p, uint8_t gen, bool nursery, uint64_t end, char *buf, size_t len);

/* An MVar operation (put, take, read, block, wake): a=mvar, d=state word. */
bool rts_is_mvar_op(const char *name);

/* "WEAK" for a closure type recorded in an event. */
const char *rts_type_name(AbiReader *r, uint8_t type, char *buf, size_t len);

#endif
