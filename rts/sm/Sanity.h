/* Sanity.h — the heap sanity checker (+RTS -DS) and the decoders it uses.
 *
 * checkSanity walks every block of every generation, the nurseries, the
 * large objects, the mut lists, the thread and weak lists, and checks the
 * invariants of DESIGN §4.5: valid info pointers, pointer fields into live
 * heap blocks or the static area, no forwarding pointers, the
 * remembered-set invariant, well-formed MVar queues and TSOs.  The first
 * violation is printed with the object, the field, the block descriptor and
 * a decoded neighbourhood, then barf("sanity: ...") ends the program.
 *
 * The decoders (one per structure) never dereference memory they have not
 * validated, so the debug ABI and the debugger plugin can share them.
 *
 * Must not depend on: the scheduler's internals, the debugger.
 */
#ifndef RTS_SM_SANITY_H
#define RTS_SM_SANITY_H

#include <stdbool.h>
#include <stdio.h>
#include "Storage.h"

/* Check the whole heap; after_gc: called at the end of a collection.
 * Returns only when every check passed. */
void checkSanity(bool after_gc, bool major_gc);

/* ---- decoders ---- */

/* "stg_MVAR_CLEAN_info" for a runtime table, "Cons_con_info" for a
 * registered constructor, NULL when p is not a known info table. */
const char *infoTableName(const void *p, char *buf, size_t len);

/* "clean", "dirty" or NULL for objects without that state. */
const char *closureCleanDirty(const StgClosure *p);

/* One word, symbolised: info tables by name, heap addresses with their
 * generation (n = nursery), the 0xaa fill, forwarding pointers. */
void printWord(FILE *f, StgWord w);

/* "bdescr 0x...: start 0x... free 0x... gen_no 1 dest_no 1 blocks 1
 * flags BF_EVACUATED (aging block, not nursery)". */
void printBdescr(FILE *f, const bdescr *bd);

/* "0x... <stg_MVAR_CLEAN_info> MVAR_CLEAN, gen 1, clean" (validates first). */
void printClosureHeader(FILE *f, const StgClosure *p);

/* The words from addr - before to addr + after (inside addr's block), one
 * per line, symbolised, with addr marked. */
void printNeighbourhood(FILE *f, const StgWord *addr, int before, int after);

/* True when p is a committed heap address outside any descriptor area. */
bool heapAddressReadable(const void *p);

/* True when p lies in a loaded ELF object's segments (the static area). */
bool inStaticArea(const void *p);

/* The name of a pointer field, built only when someone prints it:
 * member ("head", "payload"), index (>= 0 for array elements), and for
 * STACK frames the frame's type and its offset from sp. */
typedef struct {
    const char *member;
    long index;                 /* -1: not an element */
    const char *frame;          /* NULL: not in a stack frame */
    long frame_off;
} FieldName;

/* "head", "payload[2]", "stack frame ROOT_FRAME@sp+4 roots[1]". */
const char *fieldNameStr(const FieldName *f, char *buf, size_t len);

/* Call fn on every heap-pointer field of the valid object p.  Fields the
 * collector reaches only through lists (TSO global_link, a WEAK's
 * key/value/finalizer/link) are not included.  Returns NULL, or a
 * description of a malformed STACK frame (with *bad set to its address). */
typedef void (*ptr_field_fn)(void *ctx, const StgClosure *obj,
                             StgClosure *const *slot, const FieldName *field);
const char *forEachPtrField(const StgClosure *p, ptr_field_fn fn, void *ctx,
                            const StgWord **bad);

#endif
