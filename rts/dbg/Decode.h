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

/* Brent's cycle detection for a walk along links in untrusted memory:
 * call dec_cycle_seen with each node before following it; true when the
 * node was met before (a saved node, moved every power of two steps, is
 * met again within twice the cycle's length).  Start from DEC_CYCLE_INIT. */
typedef struct DecCycle { uint64_t saved; uint32_t power, lam; } DecCycle;
#define DEC_CYCLE_INIT { 0, 1, 0 }
static inline bool dec_cycle_seen(DecCycle *c, uint64_t p)
{
    if (p == c->saved) return true;
    if (++c->lam == c->power) { c->saved = p; c->power *= 2; c->lam = 0; }
    return false;
}

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

/* Up to DEC_MAX_VERDICTS broken invariants, each stated in words. */
#define DEC_MAX_VERDICTS 8
typedef struct DecVerdicts {
    int n;
    char text[DEC_MAX_VERDICTS][256];
} DecVerdicts;

/* A TSO's fields, decoded. */
typedef struct DecTSO {
    uint64_t addr;
    uint64_t id, what_next, why_blocked, flags, dirty, saved_errno;
    uint64_t block_info, link, global_link, stackobj, bq, cap, ctx;
    uint64_t mvar_value;            /* 0 from a runtime before ABI 1.3 */
    uint64_t blocked_since_ns, tot_stack_size;
    int64_t cap_no;                 /* -1 when cap is NULL or unreadable */
    const char *what_next_name;     /* "ThreadRunGHC", "?" */
    const char *why_blocked_name;   /* "BlockedOnMVar", "?" */
} DecTSO;

/* Returns 0, or -1 with a one-line reason (bad pointer, not a TSO). */
int dec_tso(AbiReader *r, uint64_t p, DecTSO *t, char *why, size_t whylen);

/* What a blocked thread waits on, decoded from block_info: the MVar with
 * its state and generation, or the blackhole and the thread that owns it. */
typedef struct DecBlockedOn {
    uint64_t closure;           /* block_info */
    char type[96];              /* info table name, "bad", "forwarded to ..." */
    char gen[16];
    bool is_mvar;
    const char *mvar_state;     /* "CLEAN", "DIRTY", "LOCKED" when is_mvar */
    uint64_t blackhole;         /* the BLACKHOLE, when blocked on one */
    uint64_t owner;             /* the owning TSO (0 unknown) */
    uint64_t owner_id;
} DecBlockedOn;
void dec_blocked_on(AbiReader *r, const DecTSO *t, DecBlockedOn *b);

/* Inconsistencies of a thread with what it is blocked on: why_blocked says
 * MVar but block_info is not one, or the thread is not in its queue; the
 * thread is queued on another MVar (found through the other threads'
 * MVars) than its block_info says.  Returns the number found. */
int dec_tso_verdicts(AbiReader *r, const DecTSO *t, DecVerdicts *v);

/* An MVar and its queue.  The walk is bounded and cycle-checked; nodes
 * holds the first DEC_MVAR_MAX_NODES nodes (n_nodes may be larger). */
#define DEC_MVAR_MAX_NODES 4096
typedef struct DecMVarNode {
    uint64_t node, tso, tso_id, why_blocked, block_info;
    char node_gen[16], tso_gen[16];
    const char *why_blocked_name;
} DecMVarNode;
typedef enum { DEC_QUEUE_END, DEC_QUEUE_CYCLE, DEC_QUEUE_BAD, DEC_QUEUE_TOO_LONG } DecQueueEnd;
typedef struct DecMVar {
    uint64_t addr, head, tail, value, end;
    char gen[16];
    int gen_no;                 /* -1 outside the heap */
    bool locked, clean, full;
    const char *state;          /* "CLEAN", "DIRTY", "LOCKED (WHITEHOLE)" */
    char value_type[96], value_gen[16];
    DecMVarNode *nodes;         /* malloc'd: dec_mvar_free */
    uint32_t n_nodes;
    DecQueueEnd queue_end;
    uint64_t bad_node;          /* DEC_QUEUE_BAD/CYCLE: where it went wrong */
    char bad_why[160];
    DecVerdicts verdicts;
} DecMVar;
int dec_mvar(AbiReader *r, uint64_t p, DecMVar *m, char *why, size_t whylen);
void dec_mvar_free(DecMVar *m);

/* A block descriptor (of the block holding p). */
typedef struct DecBdescr {
    uint64_t bd, start, free, link, gen_no, dest_no, flags, blocks;
    bool nursery;
    char flag_names[200];       /* "BF_EVACUATED|BF_NURSERY" or "0" */
    const char *kind;           /* "nursery", "gen-0 aging block, not nursery", "old generation" */
} DecBdescr;
int dec_bdescr(AbiReader *r, uint64_t p, DecBdescr *b, char *why, size_t whylen);

/* One generation. */
typedef struct DecGen {
    uint32_t no;
    uint64_t addr, n_blocks, n_words, n_large_blocks, max_blocks, collections, par_collections;
    uint64_t threads, weak_ptr_list;
} DecGen;
uint32_t dec_n_generations(AbiReader *r);
int dec_gen(AbiReader *r, uint32_t g, DecGen *gen);

/* One capability. */
typedef struct DecCap {
    uint32_t index;
    uint64_t addr, no, n_run_queue, run_queue_hd, current_tso, total_allocated, n_nursery_blocks;
    uint64_t weak_ptr_list_hd;
} DecCap;
/* Number of capabilities (0 before start-up; bounded to 256). */
uint32_t dec_n_capabilities(AbiReader *r);
int dec_cap(AbiReader *r, uint32_t i, DecCap *c);

/* One mut-list entry: its capability and generation, the slot it is
 * stored in and the object it names. */
typedef struct DecMutEntry {
    uint32_t cap, gen;
    uint64_t slot, entry;
} DecMutEntry;
/* Every entry of capability `cap`'s mut list for generation gen (bounded
 * walk, one read per block); cb returns false to stop.  Returns the number
 * visited or -1 when the list cannot be read.  *bad_block (may be NULL)
 * gets the first block that is not a sane mut-list block (the walk stops
 * there; the bound counts as one), or 0.  The one mut-list walker: the
 * checker, findptr and rts mutlist all use it. */
int dec_for_each_mut_entry(AbiReader *r, uint32_t cap, uint32_t gen,
                           bool (*cb)(AbiReader *r, const DecMutEntry *e, void *arg), void *arg,
                           uint64_t *bad_block);

/* A weak pointer. */
typedef struct DecWeak {
    uint64_t addr, key, value, finalizer, cfinalizers, link;
    bool dead;                  /* DEAD_WEAK: finalized */
    char gen[16];
} DecWeak;
int dec_weak(AbiReader *r, uint64_t p, DecWeak *w, char *why, size_t whylen);

/* Walk a linked list of closures from first through the `link` field of
 * struct `strct`, bounded by max and cycle-checked (Brent).  cb returns
 * false to stop.  Returns the number visited; *problem (may be NULL) gets
 * a one-line reason when the walk stopped on a cycle, a bad pointer or
 * the bound. */
int dec_walk_list(AbiReader *r, uint64_t first, const char *strct, const char *link, uint64_t end,
                  int max, bool (*cb)(AbiReader *r, uint64_t p, void *arg), void *arg,
                  char *problem, size_t problen);

/* The type of the closure at p in a few words: its info table's name,
 * "forwarded to 0x...", or "bad". */
const char *dec_type_of(AbiReader *r, uint64_t p, char *buf, size_t len);

/* Thread listing options for dec_print_thread_list. */
typedef struct DecThreadOpts {
    bool blocked_only;
    uint64_t now_ns;            /* CLOCK_MONOTONIC of the target; 0 unknown: print raw */
} DecThreadOpts;
/* "for 1.2 s" (or "since 123 ns (monotonic)" without a clock) into buf. */
const char *dec_blocked_for(uint64_t since_ns, uint64_t now_ns, char *buf, size_t len);

/* Printers: the text forms used everywhere (rts closure/tso/mvar/bd/gens/threads). */
int dec_print_closure(AbiReader *r, uint64_t p, const DecodeOut *out);
/* The text of an already decoded closure (what dec_print_closure prints). */
void dec_show_closure(AbiReader *r, const DecClosure *c, const DecodeOut *out);
int dec_print_tso(AbiReader *r, uint64_t tso, const DecodeOut *out);
/* MVar with its queue as 0x...@1 -> 0x...@0 -> END, each node's TSO, and a
 * verdict when an invariant is broken. */
int dec_print_mvar(AbiReader *r, uint64_t mvar, const DecodeOut *out);
int dec_print_bdescr(AbiReader *r, uint64_t p, const DecodeOut *out);
int dec_print_gens(AbiReader *r, const DecodeOut *out);
int dec_print_threads(AbiReader *r, const DecodeOut *out);
int dec_print_thread_list(AbiReader *r, const DecodeOut *out, const DecThreadOpts *opts);
/* One thread's line as `rts threads` prints it. */
void dec_print_thread_line(AbiReader *r, const DecTSO *t, const DecodeOut *out, uint64_t now_ns);
/* Text of already decoded structures (what the dec_print_* print). */
void dec_show_tso(AbiReader *r, const DecTSO *t, const DecVerdicts *v, const DecodeOut *out, uint64_t now_ns);
void dec_show_mvar(AbiReader *r, const DecMVar *m, const DecodeOut *out);
void dec_show_bdescr(const DecBdescr *b, uint64_t p, const DecodeOut *out);
/* TSO with its verdicts, and the blocked-for time when now_ns is known. */
int dec_print_tso_at(AbiReader *r, uint64_t tso, const DecodeOut *out, uint64_t now_ns);

/* Is obj on some capability's mut list for generation gen? (bounded walk) */
bool dec_on_mut_list(AbiReader *r, uint64_t obj, uint32_t gen);

/* Iterate every thread (generations[g].threads via global_link); cb returns
 * false to stop.  Returns the number visited or -1. */
int dec_for_each_thread(AbiReader *r, bool (*cb)(AbiReader *r, uint64_t tso, void *arg), void *arg);

/* Read a global pointer variable by name (e.g. "generations"). */
int dec_global_ptr(AbiReader *r, const char *name, uint64_t *out);

#endif
