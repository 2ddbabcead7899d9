/* Storage.c — generations, nurseries, allocation and write barriers.
 *
 * Offers initStorage/exitStorage, allocate/allocatePinned (bump allocation
 * in the capability's nursery; large objects in their own groups; the
 * inline fast path allocateInline and nurseryExhausted are in Storage.h),
 * resetNurseries (after GC), the per-capability per-generation mut lists
 * (recordMutableCap) and the write barriers that keep them exact
 * (dirty_MUT_VAR, dirty_MUT_ARR_PTRS, dirty_MVAR, dirty_TSO, dirty_STACK).
 *
 * Must not depend on: the GC's internals (it only calls resetNurseries),
 * the scheduler.  Allocation never collects: see Note [Allocation never GCs].
 */
#include <stdlib.h>
#include <string.h>
#include "sm/Storage.h"
#include "RtsFlags.h"
#include "RtsMessages.h"

generation *generations;
generation *g0;
generation *oldest_gen;
W_ large_words_limit;

/* Note [Allocation never GCs]
 * allocate() always succeeds (or barf()s when the address space is gone):
 * when the nursery is used up it keeps going with fresh blocks linked after
 * the current nursery block, and nurseryExhausted() turns true.  Collection
 * happens only at safe points (rts_safepoint(), the scheduler), where every
 * heap reference the mutator holds is in a root frame.  So a caller of
 * allocate() may hold raw pointers across it; a caller of an allocating
 * *public* function may not, because those call the safe point first. */

/* Note [Aging]
 * Nursery blocks are initBdescr(bd, g0, g0) and flagged BF_NURSERY: their
 * survivors are copied into gen-0 to-space blocks, which the GC gives
 * dest g0->to = g1 (and no BF_NURSERY), so an object ages in gen 0 for one
 * GC before promotion.  A nursery block is told from an aging block by
 * BF_NURSERY alone: both have gen_no 0.  oldest_gen->to == oldest_gen. */

static void init_generation(generation *gen, uint32_t no)
{
    memset(gen, 0, sizeof *gen);
    gen->no = no;
    gen->threads = END_TSO_QUEUE;
    pthread_spin_init(&gen->sync, PTHREAD_PROCESS_PRIVATE);
}

static bdescr *new_nursery_block(void)
{
    bdescr *bd = allocBlock();
    initBdescr(bd, g0, g0);
    bd->flags = BF_NURSERY;
    bd->free = bd->start;
    return bd;
}

static bdescr *new_mut_list_block(bdescr *link)
{
    bdescr *bd = allocBlock_lock();
    bd->link = link;
    bd->free = bd->start;
    return bd;
}

static void init_capability_storage(Capability *cap)
{
    uint32_t n = (uint32_t)RtsFlags.GcFlags.minAllocAreaSize;
    bdescr *head = NULL;
    pthread_mutex_lock(&sm_mutex);
    for (uint32_t i = 0; i < n; i++) {
        bdescr *bd = new_nursery_block();
        bd->link = head;
        head = bd;
    }
    pthread_mutex_unlock(&sm_mutex);
    cap->nursery_blocks = head;
    cap->n_nursery_blocks = n;
    cap->current_nursery = head;
    cap->pinned_object_block = NULL;
    cap->pinned_object_blocks = NULL;

    uint32_t ngens = RtsFlags.GcFlags.generations;
    cap->mut_lists = calloc(ngens, sizeof(bdescr *));
    cap->saved_mut_lists = calloc(ngens, sizeof(bdescr *));
    if (!cap->mut_lists || !cap->saved_mut_lists)
        barf("initStorage: out of memory");
    for (uint32_t g = 1; g < ngens; g++)
        cap->mut_lists[g] = new_mut_list_block(NULL);
    cap->weak_ptr_list_hd = cap->weak_ptr_list_tl = NULL;
    cap->total_allocated = 0;
}

void initStorage(void)
{
    if (generations)
        return;
    initMBlocks();
    initBlockAllocator();
    uint32_t ngens = RtsFlags.GcFlags.generations;
    if (ngens < 1 || ngens > MAX_GENERATIONS)
        barf("initStorage: %u generations (expected 1..%d)", ngens, MAX_GENERATIONS);
    generations = calloc(ngens, sizeof(generation));
    if (!generations)
        barf("initStorage: out of memory");
    for (uint32_t g = 0; g < ngens; g++)
        init_generation(&generations[g], g);
    g0 = &generations[0];
    oldest_gen = &generations[ngens - 1];
    for (uint32_t g = 0; g + 1 < ngens; g++)
        generations[g].to = &generations[g + 1];
    oldest_gen->to = oldest_gen;
    /* First estimate only: the GC resizes max_blocks from the live data. */
    uint32_t initial = (uint32_t)(4 * RtsFlags.GcFlags.minAllocAreaSize * n_capabilities);
    for (uint32_t g = 1; g < ngens; g++)
        generations[g].max_blocks = initial < 256 ? 256 : initial;

    for (uint32_t i = 0; i < n_capabilities; i++)
        init_capability_storage(capabilities[i]);
    large_words_limit = (W_)RtsFlags.GcFlags.minAllocAreaSize * BLOCK_SIZE_W * n_capabilities;
}

void exitStorage(void)
{
    /* The heap dies with the process; nothing to flush.  Kept as the place
     * where end-of-run heap checks and accounting go. */
}

/* ---- allocation ---- */

static StgPtr allocate_large(Capability *cap, W_ n, uint16_t flags)
{
    W_ blocks = (n * sizeof(StgWord) + BLOCK_SIZE - 1) / BLOCK_SIZE;
    pthread_mutex_lock(&sm_mutex);
    bdescr *bd = allocGroup(blocks);
    initBdescr(bd, g0, g0);
    bd->flags = flags;
    bd->free = bd->start + n;
    bd->u.back = NULL;
    bd->link = g0->large_objects;
    if (g0->large_objects)
        g0->large_objects->u.back = bd;
    g0->large_objects = bd;
    g0->n_large_blocks += (uint32_t)blocks;
    g0->n_large_words += n;
    g0->n_new_large_words += n;
    pthread_mutex_unlock(&sm_mutex);
    cap->total_allocated += n;
    return bd->start;
}

#ifdef DEBUG
/* Under -DS: fresh nursery memory at p must still be 0xaa-filled (-DZ). */
void checkFreshNurseryMemory(StgPtr p)
{
    if (RtsFlags.DebugFlags.sanity && *p != (StgWord)0xaaaaaaaaaaaaaaaaULL)
        barf("allocate: fresh nursery memory at %p is not 0xaa-filled", (void *)p);
}
#endif

StgPtr allocate(Capability *cap, W_ n)
{
    if (n >= LARGE_OBJECT_THRESHOLD / sizeof(StgWord))
        return allocate_large(cap, n, BF_LARGE);

    bdescr *bd = cap->current_nursery;
    if (bd->free + n > bd->start + BLOCK_SIZE_W) {
        if (bd->link) {
            bd = bd->link;
        } else {
            /* Nursery used up: carry on in a fresh block (Note [Allocation never GCs]). */
            pthread_mutex_lock(&sm_mutex);
            bdescr *fresh = new_nursery_block();
            pthread_mutex_unlock(&sm_mutex);
            bd->link = fresh;
            bd = fresh;
        }
        cap->current_nursery = bd;
    }
    StgPtr p = bd->free;
#ifdef DEBUG
    checkFreshNurseryMemory(p);
#endif
    bd->free += n;
    cap->total_allocated += n;
    return p;
}

/* Note [Pinned blocks]
 * Pinned objects (byte arrays whose address foreign code may keep) are
 * bump-allocated in single blocks flagged BF_PINNED|BF_LARGE that sit on
 * g0->large_objects from the moment they are created, as GHC's
 * collect_pinned_object_blocks arranges at GC time.  The GC therefore treats
 * a pinned block like a large object: reaching any object in it retains the
 * whole block (relinked, never copied).  The objects must be pointer-free
 * (ARR_WORDS): the GC does not scan pinned blocks.  After a GC,
 * resetNurseries forgets cap->pinned_object_block, so new pinned objects
 * never go into a block that was promoted or freed. */
StgPtr allocatePinned(Capability *cap, W_ n)
{
    if (n >= LARGE_OBJECT_THRESHOLD / sizeof(StgWord))
        return allocate_large(cap, n, BF_LARGE | BF_PINNED);

    bdescr *bd = cap->pinned_object_block;
    if (bd == NULL || bd->free + n > bd->start + BLOCK_SIZE_W) {
        pthread_mutex_lock(&sm_mutex);
        bd = allocBlock();
        initBdescr(bd, g0, g0);
        bd->flags = BF_PINNED | BF_LARGE;
        bd->free = bd->start;
        bd->u.back = NULL;
        bd->link = g0->large_objects;
        if (g0->large_objects)
            g0->large_objects->u.back = bd;
        g0->large_objects = bd;
        g0->n_large_blocks += 1;
        g0->n_large_words += BLOCK_SIZE_W;
        g0->n_new_large_words += BLOCK_SIZE_W;
        pthread_mutex_unlock(&sm_mutex);
        cap->pinned_object_block = bd;
    }
    StgPtr p = bd->free;
    bd->free += n;
    cap->total_allocated += n;
    return p;
}

void resetNurseries(void)
{
    for (uint32_t i = 0; i < n_capabilities; i++) {
        Capability *cap = capabilities[i];
        bdescr *bd = cap->nursery_blocks, *last = NULL;
        for (uint32_t k = 0; k < cap->n_nursery_blocks && bd; k++) {
            bd->free = bd->start;
            bd->flags = BF_NURSERY;
            initBdescr(bd, g0, g0);
            if (RtsFlags.DebugFlags.zero_on_gc)
                memset(bd->start, 0xaa, BLOCK_SIZE);
            last = bd;
            bd = bd->link;
        }
        if (last) {
            last->link = NULL;
            freeChain_lock(bd);     /* the blocks taken beyond -A */
        }
        cap->current_nursery = cap->nursery_blocks;
        cap->pinned_object_block = NULL;
    }
    g0->n_new_large_words = 0;
}

/* ---- the remembered set ---- */

void recordMutableCap(StgClosure *p, Capability *cap, uint32_t gen)
{
    bdescr *bd = cap->mut_lists[gen];
    if (bd->free >= bd->start + BLOCK_SIZE_W) {
        bd = new_mut_list_block(bd);
        cap->mut_lists[gen] = bd;
    }
    *bd->free++ = (StgWord)p;
}

void recordClosureMutated(Capability *cap, StgClosure *p)
{
    if (!HEAP_ALLOCED(p))
        return;
    bdescr *bd = Bdescr(p);
    if (bd->gen_no != 0)
        recordMutableCap(p, cap, bd->gen_no);
}

/* Note [Write barriers]
 * A mutable object in an old generation may point to a younger object only
 * if it is on its capability's mut list for its generation (the
 * remembered-set invariant the sanity checker verifies).  Each barrier
 * below is called *before or after* storing a pointer into the object, on
 * every store: a CLEAN object is flipped to DIRTY and recorded once; a DIRTY
 * one is already on a mut list (or young).  The GC re-cleans objects whose
 * fields turned out not to point into younger generations.  dirty_MVAR only
 * records: the MVar's header is locked (WHITEHOLE) by the caller, who
 * unlocks it with the DIRTY info table, as in GHC. */

void dirty_MUT_VAR(Capability *cap, StgMutVar *mv)
{
    if (mv->header.info == &stg_MUT_VAR_CLEAN_info) {
        mv->header.info = &stg_MUT_VAR_DIRTY_info;
        recordClosureMutated(cap, (StgClosure *)mv);
    }
}

void dirty_MUT_ARR_PTRS(Capability *cap, StgMutArrPtrs *a)
{
    if (a->header.info == &stg_MUT_ARR_PTRS_CLEAN_info) {
        a->header.info = &stg_MUT_ARR_PTRS_DIRTY_info;
        recordClosureMutated(cap, (StgClosure *)a);
    }
}

void dirty_MVAR(Capability *cap, StgMVar *mvar)
{
    recordClosureMutated(cap, (StgClosure *)mvar);
}

void dirty_TSO(Capability *cap, StgTSO *tso)
{
    if (tso->dirty == 0) {
        tso->dirty = 1;
        recordClosureMutated(cap, (StgClosure *)tso);
    }
}

void dirty_STACK(Capability *cap, StgStack *stack)
{
    if (!(stack->dirty & STACK_DIRTY)) {
        stack->dirty = STACK_DIRTY;
        recordClosureMutated(cap, (StgClosure *)stack);
    }
}
