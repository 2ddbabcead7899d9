/* filter.h — the pipeline's per-line work: parse one JSON line, find its name.
 *
 * Pure C over plain memory (no heap objects): the worker calls it on its
 * green thread, line by line, between the allocations that build the
 * kept names (Note [Workers parse on their green threads], pipeline.c).
 * Must not depend on: the runtime.
 */
#ifndef PIPELINE_FILTER_H
#define PIPELINE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* One parsed line: its "name" string, which lives inside the parsed record
 * until record_done(). */
typedef struct {
    void *rec;              /* the jansson value */
    const char *name;
    size_t name_len;
} Record;

/* Parse line[0..len) (no '\n') with jansson.  True when it is an object
 * with a string "name" (then call record_done(r)); false when malformed. */
bool record_parse(const char *line, size_t len, Record *r);
void record_done(Record *r);

/* Does s[0..len) end with suffix? */
bool ends_with(const char *s, size_t len, const char *suffix);

#endif
