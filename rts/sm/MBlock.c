/* MBlock.c — megablocks: 1 MiB aligned pieces of one reserved region.
 *
 * At start-up we reserve a large range of address space (PROT_NONE, no
 * memory behind it) and hand out megablocks from it in address order,
 * committing them (PROT_READ|PROT_WRITE) on demand.  One region means
 * HEAP_ALLOCED(p) is a range check and the debug ABI can publish the heap's
 * bounds.  Megablocks are never returned to the OS; the block allocator
 * recycles them (BlockAlloc.c).
 *
 * Must not depend on: the block allocator, generations, the GC.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "sm/Storage.h"
#include "RtsMessages.h"

uintptr_t mblock_address_space_begin, mblock_address_space_end;

static uintptr_t next_free_mblock;   /* first never-used megablock */
static uint64_t mblocks_committed;

#define MBLOCK_RESERVE_HINT   0x4200000000UL   /* as GHC's two-step allocator */
#define MBLOCK_RESERVE_MAX    (64UL << 30)
#define MBLOCK_RESERVE_MIN    (1UL << 30)

/* Reserve `size` bytes of address space aligned to MBLOCK_SIZE, trying the
 * hint first.  Returns 0 on failure. */
static uintptr_t reserve_aligned(uintptr_t hint, size_t size)
{
    size_t len = size + MBLOCK_SIZE;     /* slack for alignment */
    void *p = mmap((void *)hint, len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    uintptr_t a = (uintptr_t)p;
    uintptr_t aligned = (a + MBLOCK_MASK) & ~MBLOCK_MASK;
    /* give back the unaligned head and the unused tail */
    if (aligned > a)
        munmap(p, aligned - a);
    uintptr_t end = aligned + size;
    if (a + len > end)
        munmap((void *)end, a + len - end);
    return aligned;
}

/* Reserve the heap region (idempotent).  Tries 64 GiB at GHC's address,
 * then anywhere, then smaller sizes for machines with a tight
 * address-space limit (ulimit -v, sanitizers). */
void initMBlocks(void)
{
    if (mblock_address_space_begin)
        return;
    for (size_t size = MBLOCK_RESERVE_MAX; size >= MBLOCK_RESERVE_MIN; size /= 2) {
        uintptr_t a = reserve_aligned(MBLOCK_RESERVE_HINT, size);
        if (a) {
            mblock_address_space_begin = a;
            mblock_address_space_end = a + size;
            next_free_mblock = a;
            return;
        }
    }
    barf("initMBlocks: cannot reserve %lu MiB of address space for the heap: %s",
         MBLOCK_RESERVE_MIN >> 20, strerror(errno));
}

/* Commit n contiguous fresh megablocks and return the first.  Their memory
 * reads as zero.  Caller holds sm_mutex (or is single-threaded start-up). */
void *getMBlocks(uint32_t n)
{
    if (!mblock_address_space_begin)
        initMBlocks();
    uintptr_t a = next_free_mblock;
    size_t len = (size_t)n * MBLOCK_SIZE;
    if (n == 0 || len > mblock_address_space_end - a)
        barf("getMBlocks: out of heap address space (%lu MiB reserved, %lu MiB in use, %u MiB requested)",
             (mblock_address_space_end - mblock_address_space_begin) >> 20,
             (a - mblock_address_space_begin) >> 20, n);
    if (mprotect((void *)a, len, PROT_READ | PROT_WRITE) != 0)
        barf("getMBlocks: cannot commit %u MiB of heap: %s", n, strerror(errno));
    next_free_mblock = a + len;
    mblocks_committed += n;
    return (void *)a;
}

/* Megablocks committed so far (for stats and the debug ABI). */
uint64_t mblocks_allocated(void)
{
    return mblocks_committed;
}
