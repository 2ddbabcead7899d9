/* BlockAlloc.c — the block allocator: groups of contiguous 4 KiB blocks.
 *
 * Offers allocGroup/freeGroup/freeChain (caller holds sm_mutex) and their
 * _lock variants.  A group is described by the descriptor of its first
 * block (the head: start, free, blocks); see Note [Block groups].
 *
 * Must not depend on: generations, nurseries, the GC (it only hands out
 * and takes back memory).
 */
#include <string.h>
#include "sm/Storage.h"
#include "RtsFlags.h"
#include "RtsMessages.h"

pthread_mutex_t sm_mutex = PTHREAD_MUTEX_INITIALIZER;

/* Note [Block groups]
 * A group of n < BLOCKS_PER_MBLOCK blocks lies inside one megablock.  Its
 * head descriptor has blocks = n; every other descriptor of the group has
 * blocks = 0 and link = head, so Bdescr(p)->link finds the head from any
 * block of an allocated group, and the descriptor just before a group is
 * always the tail (or the single head) of the group before it — that is
 * how freeGroup coalesces backwards.
 *
 * A group of n >= BLOCKS_PER_MBLOCK blocks (a "megablock group") spans
 * m = BLOCKS_TO_MBLOCKS(n) whole megablocks.  Only the first megablock has
 * descriptors: the descriptor areas of the others are part of the group's
 * memory, so Bdescr() of an address beyond the first megablock is
 * meaningless.  Objects in such groups (large objects) are always reached
 * through their first word, which is in the first megablock.
 *
 * Free groups: free = (StgPtr)-1 and flags = BF_FREE on the head.  Groups
 * smaller than a megablock are on free_list[log2(blocks)], doubly linked
 * (link, u.back), and always fully coalesced with their free neighbours in
 * the same megablock; a megablock that becomes entirely free moves to
 * free_mblock_list, which is sorted by address and coalesced, so freed
 * large objects can form the next bigger megablock group.
 */

#define NUM_FREE_LISTS 8        /* log2(BLOCKS_PER_MBLOCK) + 1 */
#define BLOCKS_PER_FULL_MBLOCK (MBLOCK_SIZE / BLOCK_SIZE)
#define MBLOCK_GROUP_BLOCKS(m) (BLOCKS_PER_MBLOCK + ((W_)(m) - 1) * BLOCKS_PER_FULL_MBLOCK)
#define FREE_MARK ((StgPtr)-1)

static bdescr *free_list[NUM_FREE_LISTS];
static bdescr *free_mblock_list;
static W_ n_alloc;              /* blocks in allocated groups */

static inline W_ blocks_to_mblocks(W_ n)
{
    if (n <= BLOCKS_PER_MBLOCK)
        return 1;
    return 1 + (n - BLOCKS_PER_MBLOCK + BLOCKS_PER_FULL_MBLOCK - 1) / BLOCKS_PER_FULL_MBLOCK;
}

static inline uintptr_t mblock_of(const bdescr *bd) { return (uintptr_t)bd & ~MBLOCK_MASK; }
static inline bdescr *first_bdescr(uintptr_t mb) { return (bdescr *)(mb + FIRST_BDESCR_OFF); }
static inline bdescr *last_bdescr(uintptr_t mb) { return first_bdescr(mb) + BLOCKS_PER_MBLOCK - 1; }

static inline unsigned log2_floor(W_ n) { return 63 - (unsigned)__builtin_clzl(n); }
static inline unsigned log2_ceil(W_ n) { return n <= 1 ? 0 : log2_floor(n - 1) + 1; }

static void fill_group(bdescr *bd, W_ bytes)
{
    if (RtsFlags.DebugFlags.zero_on_gc)
        memset(bd->start, 0xaa, bytes);
}

static W_ group_bytes(const bdescr *bd)
{
    if (bd->blocks >= BLOCKS_PER_MBLOCK)
        return MBLOCK_GROUP_BLOCKS(blocks_to_mblocks(bd->blocks)) * BLOCK_SIZE;
    return (W_)bd->blocks * BLOCK_SIZE;
}

/* Give every descriptor of megablock mb its start address and clear the rest. */
static void init_mblock_bdescrs(uintptr_t mb)
{
    bdescr *bd = first_bdescr(mb);
    for (W_ i = 0; i < BLOCKS_PER_MBLOCK; i++) {
        memset(&bd[i], 0, sizeof(bdescr));
        bd[i].start = (StgPtr)(mb + FIRST_BLOCK_OFF + i * BLOCK_SIZE);
    }
}

void initBlockAllocator(void)
{
    memset(free_list, 0, sizeof free_list);
    free_mblock_list = NULL;
    n_alloc = 0;
}

/* ---- free lists of groups smaller than a megablock ---- */

static void setup_tail(bdescr *bd)
{
    bdescr *tail = bd + bd->blocks - 1;
    if (tail != bd) {
        tail->blocks = 0;
        tail->free = 0;
        tail->link = bd;
    }
}

static void free_list_insert(bdescr *bd)
{
    unsigned k = log2_floor(bd->blocks);
    bd->free = FREE_MARK;
    bd->flags = BF_FREE;
    bd->u.back = NULL;
    bd->link = free_list[k];
    if (free_list[k])
        free_list[k]->u.back = bd;
    free_list[k] = bd;
    setup_tail(bd);
}

static void free_list_remove(bdescr *bd)
{
    unsigned k = log2_floor(bd->blocks);
    if (bd->u.back)
        bd->u.back->link = bd->link;
    else
        free_list[k] = bd->link;
    if (bd->link)
        bd->link->u.back = bd->u.back;
}

/* ---- megablock groups ---- */

/* Take m contiguous megablocks from the free megablock list, or fresh ones.
 * Returns the first descriptor of the first megablock, descriptors reset. */
static bdescr *alloc_mega_group(W_ m)
{
    bdescr **prevp = &free_mblock_list;
    for (bdescr *bd = free_mblock_list; bd; prevp = &bd->link, bd = bd->link) {
        W_ have = blocks_to_mblocks(bd->blocks);
        if (have < m)
            continue;
        uintptr_t mb;
        if (have == m) {
            *prevp = bd->link;
            mb = mblock_of(bd);
        } else {
            /* keep the front on the list, hand out the last m megablocks */
            bd->blocks = (uint32_t)MBLOCK_GROUP_BLOCKS(have - m);
            mb = mblock_of(bd) + (have - m) * MBLOCK_SIZE;
        }
        init_mblock_bdescrs(mb);
        return first_bdescr(mb);
    }
    uintptr_t mb = (uintptr_t)getMBlocks((uint32_t)m);
    init_mblock_bdescrs(mb);
    return first_bdescr(mb);
}

/* Put the m-megablock group starting at bd back, sorted, coalescing with
 * the neighbouring free megablock groups. */
static void free_mega_group(bdescr *bd, W_ m)
{
    bd->blocks = (uint32_t)MBLOCK_GROUP_BLOCKS(m);
    bd->free = FREE_MARK;
    bd->flags = BF_FREE;
    bd->u.back = NULL;

    bdescr *prev = NULL, *next = free_mblock_list;
    while (next && next < bd) {
        prev = next;
        next = next->link;
    }
    bd->link = next;
    if (prev)
        prev->link = bd;
    else
        free_mblock_list = bd;

    if (next && mblock_of(bd) + m * MBLOCK_SIZE == mblock_of(next)) {
        m += blocks_to_mblocks(next->blocks);
        bd->blocks = (uint32_t)MBLOCK_GROUP_BLOCKS(m);
        bd->link = next->link;
    }
    if (prev) {
        W_ pm = blocks_to_mblocks(prev->blocks);
        if (mblock_of(prev) + pm * MBLOCK_SIZE == mblock_of(bd)) {
            prev->blocks = (uint32_t)MBLOCK_GROUP_BLOCKS(pm + m);
            prev->link = bd->link;
        }
    }
}

/* ---- allocation ---- */

/* Mark bd as the head of an allocated group of n blocks (see Note [Block
 * groups]); only the first megablock's descriptors are touched. */
static void init_group(bdescr *bd, W_ n)
{
    W_ in_first = n < BLOCKS_PER_MBLOCK ? n : BLOCKS_PER_MBLOCK;
    bd->blocks = (uint32_t)n;
    bd->free = bd->start;
    bd->link = NULL;
    bd->u.back = NULL;
    bd->flags = 0;
    bd->gen = NULL;
    bd->gen_no = bd->dest_no = 0;
    for (W_ i = 1; i < in_first; i++) {
        bd[i].blocks = 0;
        bd[i].free = 0;
        bd[i].flags = 0;
        bd[i].link = bd;
    }
}

/* Find a free group of at least n (< BLOCKS_PER_MBLOCK) blocks and cut
 * exactly n off its end; NULL when the free lists have none. */
static bdescr *alloc_from_free_lists(W_ n)
{
    bdescr *bd = NULL;
    /* groups in the floor bucket may be big enough: first fit there */
    for (bdescr *c = free_list[log2_floor(n)]; c; c = c->link)
        if (c->blocks >= n) {
            bd = c;
            break;
        }
    for (unsigned k = log2_ceil(n); !bd && k < NUM_FREE_LISTS; k++)
        bd = free_list[k];
    if (!bd)
        return NULL;
    free_list_remove(bd);
    if (bd->blocks == n)
        return bd;
    W_ rest = bd->blocks - n;
    bd->blocks = (uint32_t)rest;
    free_list_insert(bd);
    return bd + rest;
}

bdescr *allocGroup(W_ n)
{
    bdescr *bd;
    if (n == 0)
        barf("allocGroup: zero blocks requested");
    if (n >= BLOCKS_PER_MBLOCK) {
        W_ m = blocks_to_mblocks(n);
        if (m > UINT32_MAX / BLOCKS_PER_FULL_MBLOCK)
            barf("allocGroup: %lu blocks is too large a request", (unsigned long)n);
        bd = alloc_mega_group(m);
    } else {
        bd = alloc_from_free_lists(n);
        if (!bd) {
            bdescr *mb = alloc_mega_group(1);
            mb->blocks = BLOCKS_PER_MBLOCK;
            W_ rest = BLOCKS_PER_MBLOCK - n;
            if (rest) {
                mb->blocks = (uint32_t)rest;
                free_list_insert(mb);
            }
            bd = mb + rest;
        }
    }
    init_group(bd, n);
    n_alloc += n;
    fill_group(bd, group_bytes(bd));
    return bd;
}

bdescr *allocBlock(void)
{
    return allocGroup(1);
}

/* ---- freeing ---- */

void freeGroup(bdescr *bd)
{
    if (bd->free == FREE_MARK || bd->blocks == 0)
        barf("freeGroup: block group %p (start %p) is already free or not a group head",
             (void *)bd, (void *)bd->start);
    n_alloc -= bd->blocks;
    fill_group(bd, group_bytes(bd));

    if (bd->blocks >= BLOCKS_PER_MBLOCK) {
        free_mega_group(bd, blocks_to_mblocks(bd->blocks));
        return;
    }

    uintptr_t mb = mblock_of(bd);
    bd->free = FREE_MARK;
    bd->flags = BF_FREE;

    bdescr *next = bd + bd->blocks;
    if (next <= last_bdescr(mb) && next->free == FREE_MARK) {
        free_list_remove(next);
        bd->blocks += next->blocks;
    }
    if (bd > first_bdescr(mb)) {
        bdescr *prev = bd - 1;
        if (prev->blocks == 0)
            prev = prev->link;          /* a tail: find its head */
        if (prev->free == FREE_MARK) {
            free_list_remove(prev);
            prev->blocks += bd->blocks;
            bd = prev;
        }
    }
    if (bd->blocks == BLOCKS_PER_MBLOCK)
        free_mega_group(bd, 1);
    else
        free_list_insert(bd);
}

void freeChain(bdescr *bd)
{
    while (bd) {
        bdescr *next = bd->link;
        freeGroup(bd);
        bd = next;
    }
}

bdescr *allocGroup_lock(W_ n)
{
    pthread_mutex_lock(&sm_mutex);
    bdescr *bd = allocGroup(n);
    pthread_mutex_unlock(&sm_mutex);
    return bd;
}

bdescr *allocBlock_lock(void)
{
    return allocGroup_lock(1);
}

void freeGroup_lock(bdescr *bd)
{
    pthread_mutex_lock(&sm_mutex);
    freeGroup(bd);
    pthread_mutex_unlock(&sm_mutex);
}

void freeChain_lock(bdescr *bd)
{
    pthread_mutex_lock(&sm_mutex);
    freeChain(bd);
    pthread_mutex_unlock(&sm_mutex);
}

W_ n_alloc_blocks(void)
{
    return n_alloc;
}

/* ---- checking ---- */

/* Check the free lists (each group free, in its size bucket, tail linked
 * back, fully coalesced) and the megablock list (sorted, not adjacent).
 * barf()s on the first inconsistency; returns the number of free blocks. */
W_ checkFreeListSanity(void)
{
    W_ total = 0;
    for (unsigned k = 0; k < NUM_FREE_LISTS; k++) {
        bdescr *back = NULL;
        for (bdescr *bd = free_list[k]; bd; back = bd, bd = bd->link) {
            uintptr_t mb = mblock_of(bd);
            if (bd->free != FREE_MARK || !(bd->flags & BF_FREE))
                barf("checkFreeListSanity: group %p on free list %u is not marked free", (void *)bd, k);
            if (bd->u.back != back)
                barf("checkFreeListSanity: group %p has a bad back link", (void *)bd);
            if (bd->blocks == 0 || log2_floor(bd->blocks) != k)
                barf("checkFreeListSanity: group %p of %u blocks on free list %u", (void *)bd, bd->blocks, k);
            bdescr *tail = bd + bd->blocks - 1;
            if (tail > last_bdescr(mb))
                barf("checkFreeListSanity: group %p runs past its megablock", (void *)bd);
            if (tail != bd && (tail->blocks != 0 || tail->link != bd))
                barf("checkFreeListSanity: group %p: tail %p does not link back", (void *)bd, (void *)tail);
            bdescr *next = tail + 1;
            if (next <= last_bdescr(mb) && next->free == FREE_MARK)
                barf("checkFreeListSanity: free groups %p and %p are not coalesced", (void *)bd, (void *)next);
            total += bd->blocks;
        }
    }
    for (bdescr *bd = free_mblock_list; bd; bd = bd->link) {
        if (bd->free != FREE_MARK || bd->blocks < BLOCKS_PER_MBLOCK)
            barf("checkFreeListSanity: megablock group %p is not a free megablock group", (void *)bd);
        if (bd->link && mblock_of(bd) + blocks_to_mblocks(bd->blocks) * MBLOCK_SIZE >= mblock_of(bd->link))
            barf("checkFreeListSanity: megablock groups %p and %p overlap, touch or are unsorted",
                 (void *)bd, (void *)bd->link);
        total += bd->blocks;
    }
    return total;
}
