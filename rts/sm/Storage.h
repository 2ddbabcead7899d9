/* Storage.h — the storage manager's interface to the rest of the runtime.
 *
 * Megablocks (MBlock.c), the block allocator (BlockAlloc.c), generations,
 * nurseries and allocation (Storage.c), and the write barriers that keep the
 * remembered set (mut lists) exact (DESIGN §4.3).
 *
 * Must not depend on: the scheduler's internals, the debugger.
 */
#ifndef RTS_SM_STORAGE_H
#define RTS_SM_STORAGE_H

#include <stdbool.h>
#include <pthread.h>
#include "rts/storage/Closures.h"
#include "rts/storage/Block.h"
#include "Capability.h"
#include "RtsMessages.h"

typedef StgWord W_;

typedef struct generation_ {
    uint32_t no;
    bdescr *blocks;             /* blocks of live objects (to-space after GC) */
    uint32_t n_blocks;
    W_ n_words;
    bdescr *large_objects;      /* BF_LARGE groups, doubly linked via u.back */
    uint32_t n_large_blocks;
    W_ n_large_words;
    W_ n_new_large_words;       /* large words allocated since the last GC */
    uint32_t max_blocks;        /* collect this generation when n_blocks exceeds it */
    StgTSO *threads;            /* threads of this generation, via global_link */
    StgWeak *weak_ptr_list;
    struct generation_ *to;     /* survivors go here (aging: g0 -> g0 once) */
    uint32_t collections;
    uint32_t par_collections;
    uint32_t failed_promotions;

    /* used only during GC */
    pthread_spinlock_t sync;    /* large-object list and block claims */
    bdescr *old_blocks;         /* from-space */
    uint32_t n_old_blocks;
    W_ live_estimate;
    bdescr *scavenged_large_objects;
    uint32_t n_scavenged_large_blocks;
    StgTSO *old_threads;
    StgWeak *old_weak_ptr_list;
} generation;

extern generation *generations;     /* [RtsFlags.GcFlags.generations] */
extern generation *g0;
extern generation *oldest_gen;

/* ---- megablocks and blocks (MBlock.c, BlockAlloc.c) ---- */
void initMBlocks(void);
void *getMBlocks(uint32_t n);
void initBlockAllocator(void);
bdescr *allocGroup(W_ n);           /* caller holds sm_mutex */
bdescr *allocBlock(void);
void freeGroup(bdescr *bd);         /* fills with 0xaa under -DZ */
void freeChain(bdescr *bd);
bdescr *allocGroup_lock(W_ n);      /* take sm_mutex */
bdescr *allocBlock_lock(void);
void freeGroup_lock(bdescr *bd);
void freeChain_lock(bdescr *bd);
W_ n_alloc_blocks(void);            /* blocks currently allocated */
extern pthread_mutex_t sm_mutex;
uint64_t mblocks_allocated(void);   /* megablocks committed so far */
/* Check the block allocator's free lists; barf()s on an inconsistency,
 * returns the number of free blocks. */
W_ checkFreeListSanity(void);

/* initBdescr: block belongs to gen, survivors go to dest. */
static inline void initBdescr(bdescr *bd, generation *gen, generation *dest)
{
    bd->gen = gen;
    bd->gen_no = (uint16_t)gen->no;
    bd->dest_no = (uint16_t)dest->no;
}

/* ---- set-up and allocation (Storage.c) ---- */
void initStorage(void);
void exitStorage(void);

/* Allocate n words in cap's nursery (large objects get their own group).
 * Returns fresh, uninitialised memory (0xaa-filled under -DZ).  Never
 * collects: rts_safepoint() (Schedule.c) collects when nurseryExhausted(). */
StgPtr allocate(Capability *cap, W_ n);
/* Allocate n words that will never move (byte arrays for foreign code).
 * See Note [Pinned blocks] in Storage.c: pinned blocks are BF_PINNED|BF_LARGE
 * groups on g0->large_objects, retained whole by the GC while any object in
 * them is reachable; objects in them must be pointer-free (ARR_WORDS). */
StgPtr allocatePinned(Capability *cap, W_ n);
/* Note [Inline nursery bump]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * GHC allocates small objects inline, by bumping Hp against HpLim, and
 * calls the RTS only when the block is full.  allocateInline is that fast
 * path for runtime code on a hot path (an MVar's queue node on every
 * block): when n words fit in the current nursery block it bumps bd->free
 * there and then; otherwise — the block is full, the object is large — it
 * is allocate() itself, which moves to the next block or links a fresh one
 * (Note [Allocation never GCs] in Storage.c).  Either way it never collects.
 * DEBUG builds take the same fast path and check under -DS, out of line,
 * that the fresh memory is still 0xaa-filled, as allocate() does.
 * test_mvar's test_queue_node_blocks blocks with the node fitting its
 * block exactly, not fitting by a word, and at the end of the nursery.
 * always_inline: otherwise GCC may make it a call to an out-of-line
 * constant-size clone, on the very path it is meant to keep call-free
 * (Note [Taking alone on one capability] in MVar.c). */
#ifdef DEBUG
void checkFreshNurseryMemory(StgPtr p);
#endif

/* True when n words (a small object) fit in cap's current nursery block:
 * allocateInline will only bump. */
static inline __attribute__((always_inline)) bool nurseryBlockFits(Capability *cap, W_ n)
{
    bdescr *bd = cap->current_nursery;
    return bd->free + n <= bd->start + BLOCK_SIZE_W && n < LARGE_OBJECT_THRESHOLD / sizeof(StgWord);
}

/* allocateInline's bump alone, for a caller that has just been told
 * nurseryBlockFits(cap, n) with nothing allocated since. */
static inline __attribute__((always_inline)) StgPtr allocateInBlock(Capability *cap, W_ n)
{
    bdescr *bd = cap->current_nursery;
    StgPtr p = bd->free;
    ASSERT(nurseryBlockFits(cap, n));
#ifdef DEBUG
    checkFreshNurseryMemory(p);
#endif
    bd->free = p + n;
    cap->total_allocated += n;
    return p;
}

static inline __attribute__((always_inline)) StgPtr allocateInline(Capability *cap, W_ n)
{
    if (__builtin_expect(nurseryBlockFits(cap, n), 1))
        return allocateInBlock(cap, n);
    return allocate(cap, n);
}

/* Large objects count against the nursery too, as in GHC: words of them
 * (g0->n_new_large_words) that exhaust the nurseries, -A times -N, set by
 * initStorage. */
extern W_ large_words_limit;

/* True when cap's nursery is exhausted and a GC should run at the next safe
 * point: its last block is in use, or large objects used up its share.
 * Inline: it is asked on every blocking MVar operation. */
static inline bool nurseryExhausted(Capability *cap)
{
    return cap->current_nursery->link == NULL || g0->n_new_large_words >= large_words_limit;
}
/* After GC: every nursery back to its -A size, empty (0xaa under -DZ),
 * pinned_object_block forgotten, g0->n_new_large_words = 0. */
void resetNurseries(void);

/* ---- write barriers and the remembered set ---- */
/* Put p (in generation gen > 0) on cap's mut list for gen. */
void recordMutableCap(StgClosure *p, Capability *cap, uint32_t gen);
/* Record p if it lives in an old generation. */
void recordClosureMutated(Capability *cap, StgClosure *p);
void dirty_MUT_VAR(Capability *cap, StgMutVar *mv);
void dirty_MUT_ARR_PTRS(Capability *cap, StgMutArrPtrs *a);
void dirty_MVAR(Capability *cap, StgMVar *mvar);
void dirty_TSO(Capability *cap, StgTSO *tso);
void dirty_STACK(Capability *cap, StgStack *stack);

/* Size of a heap object in words, from its info table and fields. */
W_ closure_sizeW(const StgClosure *p);

#endif
