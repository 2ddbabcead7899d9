/* HeapWalk.h — walk a runtime's whole heap from outside, through the ABI.
 *
 * Offers, for any memory an AbiReader reads (a live process, a core file):
 *   - a page cache around the reader, so that a walk reads each page once;
 *   - the size of any closure and the iteration of its pointer fields, with
 *     the field names and the semantics of the runtime's sanity checker
 *     (rts/sm/Sanity.c, forEachPtrField: a WEAK's key/value/finalizer are
 *     not followed, a TSO's block_info only for closure-valued reasons, a
 *     STACK's frames are walked from sp);
 *   - every block of every generation (blocks, large objects), of every
 *     capability's nursery, and every closure in them.
 * Target memory is untrusted: every chain walk is bounded and detects
 * cycles, every object size is checked against its block, and a problem is
 * reported through a callback (one line) instead of being followed.
 *
 * Depends on: AbiReader.h and Decode.h only (no runtime header).
 */
#ifndef RTS_DBG_HEAPWALK_H
#define RTS_DBG_HEAPWALK_H

#include "AbiReader.h"
#include "Decode.h"

/* ---- a page cache around the reader ---- */

/* Install a cache of target pages in r (until hw_cache_end): reads of the
 * heap then cost one target read per 4 KiB page.  Only for a stopped
 * target; nests (the innermost end removes it). */
void hw_cache_begin(AbiReader *r);
void hw_cache_end(AbiReader *r);

/* ---- closures ---- */

/* A closure's size in words (GHC's closure_sizeW), from its info table and,
 * for variable-sized objects, its own fields.  0, or -1 with a reason. */
int hw_closure_size(AbiReader *r, uint64_t p, const AbiInfo *it, uint64_t *words, char *why, size_t whylen);

/* One pointer field of obj: the address of the slot, its value, and its name
 * as Sanity.c prints it ("head", "payload[2]", "stack frame stg_upd_frame_info@sp+4 updatee"). */
typedef void (*hw_field_fn)(void *ctx, uint64_t obj, uint64_t slot, uint64_t value, const char *field);

/* Call fn on every pointer field of the closure at p (header `it`).
 * Returns 0, or -1 with a reason (a broken stack) after the fields it could
 * read; *bad_slot is then the word at fault (0 if none). */
int hw_for_each_ptr_field(AbiReader *r, uint64_t p, const AbiInfo *it, hw_field_fn fn, void *ctx,
                          char *why, size_t whylen, uint64_t *bad_slot);

/* ---- blocks ---- */

typedef struct HwBlock {
    uint64_t bd;                /* the block descriptor */
    uint64_t start, free;
    uint32_t blocks, gen_no, flags;
    uint64_t link, u;           /* next in its chain; u (a large object's back link) */
    int gen;                    /* the generation whose list it is on; -1: a nursery */
    int cap;                    /* the capability of a nursery; -1 otherwise */
    bool large;                 /* on a large-object list */
    const char *where;          /* "the blocks of gen 1", "the nursery of cap 0", ... */
} HwBlock;

typedef struct HwVisitor {
    /* Each block of each chain; false stops the walk. */
    bool (*block)(void *ctx, AbiReader *r, const HwBlock *b);
    /* Each closure of a block (NULL: blocks only); false stops the walk.
     * c is the decoded header (c->it valid unless c->forwarded). */
    bool (*object)(void *ctx, AbiReader *r, const HwBlock *b, const DecClosure *c, uint64_t words);
    /* A problem with a chain or an object that stops the walk of that block
     * or chain: one line, in Sanity.c's words.  obj/slot may be 0. */
    void (*problem)(void *ctx, AbiReader *r, uint64_t obj, uint64_t slot, const char *what);
    void *ctx;
} HwVisitor;

/* Walk every chain: for each generation its blocks then its large objects,
 * then each capability's nursery.  Returns the number of blocks visited,
 * or -1 when the generations cannot be read at all (runtime not started). */
long hw_walk_heap(AbiReader *r, const HwVisitor *v);

/* ---- small shared helpers ---- */

uint32_t hw_n_generations(AbiReader *r);
/* Address of generations[g], or 0. */
uint64_t hw_generation(AbiReader *r, uint32_t g);
/* capabilities[i] for i < *n; 0 when unreadable. */
uint64_t hw_capability(AbiReader *r, uint32_t i, uint32_t *n);
/* The address of stg_END_TSO_QUEUE_closure. */
uint64_t hw_end_tso_queue(AbiReader *r);
/* Closure type number by name (e.g. "TSO"), -1 if absent. */
int hw_type(AbiReader *r, const char *name);

#endif
