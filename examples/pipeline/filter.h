/* filter.h — the pipeline's per-chunk work: parse JSON lines, keep names.
 *
 * Pure C over plain memory (no heap objects), so it runs inside a safe
 * foreign call.  Must not depend on: the runtime.
 */
#ifndef PIPELINE_FILTER_H
#define PIPELINE_FILTER_H

#include <stddef.h>

/* Parse each '\n'-terminated JSON line of lines[0..len) with jansson and
 * append the "name" of every record whose name ends with suffix, one per
 * line, to out (capacity outcap; len bytes always suffice).  Returns the
 * bytes written; malformed lines are counted in *bad and skipped. */
size_t filter_chunk(const char *lines, size_t len, const char *suffix,
                    char *out, size_t outcap, size_t *bad);

#endif
