/* rts_decode_all.h — run every runtime-aware decoder over one memory image.
 *
 * rts_decode_all opens an AbiReader on the table at `header` through `read`
 * and runs, with output to a null sink: every abi_* query of the table;
 * the dec_* decoders (generations, capabilities, mut lists, every thread
 * with its verdicts and what it is blocked on, MVars with their queues,
 * weak pointers, closures, block descriptors); a heap walk that sizes
 * every closure and visits every pointer field (HeapWalk); the sanity
 * checker (check_heap); the flight-recorder reader; and the `rts ...`
 * commands of the plugin (commands/) that decode memory — info, threads,
 * tso, mvar, closure, bd, gens, mutlist, weak, cafs, census, sanity,
 * findptr (who points here), events, bt — through a fake debugger API
 * whose target is the image, as a core file is.  Used by the fuzzers for
 * each input, and once by rts_image_build to learn which pages they read.
 *
 * Depends on: rts/dbg (AbiReader, Decode, HeapWalk, Check, Events),
 * commands/rts_plugin.h and debugger/include/rtsdb-plugin.h.
 */
#ifndef FUZZ_RTS_DECODE_ALL_H
#define FUZZ_RTS_DECODE_ALL_H

#include <stddef.h>
#include <stdint.h>
#include "AbiReader.h"

typedef struct RtsDecodeStats {
    bool opened;                /* abi_open succeeded */
    long threads, mvar_nodes, objects, blocks, events, violations, commands;
} RtsDecodeStats;

/* Addresses worth decoding besides what the walks find (may be 0). */
typedef struct RtsKnown {
    const uint64_t *addrs;
    size_t n;
} RtsKnown;

void rts_decode_all(abi_read_fn read, void *ctx, uint64_t header, const RtsKnown *known,
                    RtsDecodeStats *st);

/* Every closure a heap walk of the image finds (up to max): the pointer
 * values the heap fuzzer writes.  Returns the count. */
size_t rts_decode_objects(abi_read_fn read, void *ctx, uint64_t header, uint64_t *out, size_t max);

#endif
