/* Block.h — megablocks, blocks and block descriptors (DESIGN §4.2).
 *
 * The heap is carved from one reserved region of address space (so
 * HEAP_ALLOCED is a range check and the debug ABI can publish the heap's
 * bounds).  It is divided into 1 MiB megablocks, aligned; each megablock
 * holds 4 KiB blocks, and its first blocks hold the block descriptors of the
 * rest, found by address arithmetic (Bdescr).  Geometry as GHC's on 64-bit.
 */
#ifndef RTS_STORAGE_BLOCK_H
#define RTS_STORAGE_BLOCK_H

#include <stdint.h>
#include <stdbool.h>
#include "Closures.h"

#define BLOCK_SHIFT   12
#define BLOCK_SIZE    (1UL << BLOCK_SHIFT)            /* 4 KiB */
#define BLOCK_SIZE_W  (BLOCK_SIZE / sizeof(StgWord))
#define BLOCK_MASK    (BLOCK_SIZE - 1)
#define MBLOCK_SHIFT  20
#define MBLOCK_SIZE   (1UL << MBLOCK_SHIFT)           /* 1 MiB */
#define MBLOCK_MASK   (MBLOCK_SIZE - 1)
#define BDESCR_SHIFT  6                               /* sizeof(bdescr) == 64 */
#define BDESCR_SIZE   (1UL << BDESCR_SHIFT)
#define FIRST_BLOCK_OFF 0x4000UL  /* round_up(BDESCR_SIZE * (MBLOCK_SIZE / BLOCK_SIZE), BLOCK_SIZE) = 16 KiB */
#define BLOCKS_PER_MBLOCK ((MBLOCK_SIZE - FIRST_BLOCK_OFF) / BLOCK_SIZE)   /* 252 */
#define FIRST_BDESCR_OFF  (FIRST_BLOCK_OFF >> (BLOCK_SHIFT - BDESCR_SHIFT))

/* Objects of at least this many bytes get a block group of their own
 * (BF_LARGE) and are relinked, not copied, by the GC. */
#define LARGE_OBJECT_THRESHOLD ((BLOCK_SIZE * 8) / 10)

/* Block flags: GHC's values and meanings; BF_NURSERY is ours. */
#define RTS_BLOCK_FLAGS(X)          \
    X(BF_EVACUATED, 0x0001)  /* to-space block of the current/last GC */ \
    X(BF_LARGE,     0x0002)  /* a large object's group */                \
    X(BF_PINNED,    0x0004)  /* pinned objects: never moved */           \
    X(BF_MARKED,    0x0008)                                              \
    X(BF_EXEC,      0x0020)                                              \
    X(BF_FRAGMENTED,0x0040)                                              \
    X(BF_KNOWN,     0x0080)                                              \
    X(BF_SWEPT,     0x0100)                                              \
    X(BF_COMPACT,   0x0200)                                              \
    X(BF_NURSERY,   0x1000)  /* a capability's nursery block (not a gen-0 aging block) */ \
    X(BF_FREE,      0x2000)  /* on the free list */

enum BlockFlag {
#define RTS_BF_ENUM(name, val) name = val,
    RTS_BLOCK_FLAGS(RTS_BF_ENUM)
#undef RTS_BF_ENUM
};

struct generation_;

typedef struct bdescr_ {
    StgPtr start;               /* first word of the block (read-only) */
    StgPtr free;                /* first free word; (StgPtr)-1 when the block is free */
    struct bdescr_ *link;       /* chain: generation's blocks, free list, ... */
    union {
        struct bdescr_ *back;   /* large objects: doubly linked */
        StgPtr scan;            /* GC: scan pointer */
    } u;
    struct generation_ *gen;    /* generation this block belongs to */
    uint16_t gen_no;            /* == gen->no, cached */
    uint16_t dest_no;           /* generation survivors are copied to */
    uint16_t node;
    uint16_t flags;             /* BF_* */
    uint32_t blocks;            /* blocks in the group (group head only) */
    uint16_t gc_thread;         /* to-space blocks: the GC thread copying into it (alloc_todo_block) */
    uint16_t _pad1;
    uint64_t _pad2;
} bdescr;

_Static_assert(sizeof(bdescr) == BDESCR_SIZE, "bdescr must be 64 bytes");

static inline bdescr *Bdescr(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return (bdescr *)(((a & MBLOCK_MASK & ~BLOCK_MASK) >> (BLOCK_SHIFT - BDESCR_SHIFT))
                      | (a & ~MBLOCK_MASK));
}

/* The reserved heap region (set by initMBlocks). */
extern uintptr_t mblock_address_space_begin, mblock_address_space_end;

static inline bool HEAP_ALLOCED(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return a >= mblock_address_space_begin && a < mblock_address_space_end;
}

/* Forwarding pointers replace the info pointer of an evacuated object. */
#define IS_FORWARDING_PTR(p)  ((((StgWord)(p)) & 1) != 0)
#define MK_FORWARDING_PTR(p)  (((StgWord)(p)) | 1)
#define UN_FORWARDING_PTR(p)  (((StgWord)(p)) - 1)

#endif
