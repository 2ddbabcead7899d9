/* Decode.h — one decoder per runtime structure, driven only by the ABI table.
 *
 * Shared by the in-process printers (rts_dbg_print_*, for gdb's `call`),
 * the rtsdb plugin (`rts ...` commands) and the ABI conformance test: each
 * reads memory through an AbiReader, so it works on the live process itself,
 * on another process, and on a core file alike.  Target memory is untrusted:
 * walks are bounded, cycles are detected, and a bad pointer (such as the
 * 0xaaaaaaaaaaaaaaaa of freed memory under -DZ) is reported, not followed.
 *
 * Depends on: AbiReader.h only.
 */
#ifndef RTS_DBG_DECODE_H
#define RTS_DBG_DECODE_H

#include <stdarg.h>
#include "AbiReader.h"

/* Where output goes: text lines for people. */
typedef struct DecodeOut {
    void (*emit)(void *ctx, const char *text);
    void *ctx;
} DecodeOut;

void dec_printf(const DecodeOut *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where an address lives in the heap. */
typedef struct DecLocation {
    bool heap;              /* inside the heap's reserved range */
    bool valid_block;       /* its block descriptor reads and is not free */
    uint64_t bdescr;
    uint32_t gen_no;
    uint32_t flags;
    bool nursery;           /* BF_NURSERY: not a gen-0 aging block */
} DecLocation;

int dec_locate(AbiReader *r, uint64_t p, DecLocation *loc);
/* "@1", "@0", "@n" (nursery), "@static" or "@?" into buf. */
const char *dec_gen_suffix(AbiReader *r, uint64_t p, char *buf, size_t len);

/* A closure's header decoded. */
typedef struct DecClosure {
    uint64_t addr;
    uint64_t info;              /* the header word */
    bool forwarded;             /* header is a forwarding pointer */
    uint64_t forward_to;
    const AbiInfo *it;          /* NULL when the header is not an info table */
    const char *type_name;      /* "MVAR_CLEAN", ... */
} DecClosure;

/* Returns 0, or -1 with a one-line reason in why (bad pointer, unreadable,
 * not a closure). */
int dec_closure(AbiReader *r, uint64_t p, DecClosure *c, char *why, size_t whylen);

/* Printers: the text forms used everywhere (rts closure/tso/mvar/bd/gens/threads). */
int dec_print_closure(AbiReader *r, uint64_t p, const DecodeOut *out);
int dec_print_tso(AbiReader *r, uint64_t tso, const DecodeOut *out);
/* MVar with its queue as 0x...@1 -> 0x...@0 -> END, each node's TSO, and a
 * verdict when an invariant is broken. */
int dec_print_mvar(AbiReader *r, uint64_t mvar, const DecodeOut *out);
int dec_print_bdescr(AbiReader *r, uint64_t p, const DecodeOut *out);
int dec_print_gens(AbiReader *r, const DecodeOut *out);
int dec_print_threads(AbiReader *r, const DecodeOut *out);

/* Is obj on some capability's mut list for generation gen? (bounded walk) */
bool dec_on_mut_list(AbiReader *r, uint64_t obj, uint32_t gen);

/* Iterate every thread (generations[g].threads via global_link); cb returns
 * false to stop.  Returns the number visited or -1. */
int dec_for_each_thread(AbiReader *r, bool (*cb)(AbiReader *r, uint64_t tso, void *arg), void *arg);

/* Read a global pointer variable by name (e.g. "generations"). */
int dec_global_ptr(AbiReader *r, const char *name, uint64_t *out);

#endif
