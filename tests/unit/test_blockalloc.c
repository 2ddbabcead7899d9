/* test_blockalloc.c — the megablock and block allocator (MBlock.c,
 * BlockAlloc.c): Bdescr of every address in a group, groups that never
 * overlap, coalescing back into whole megablocks, megablock groups, the
 * 0xaa fill under -DZ, and a clear barf on a double free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sm/Storage.h"
#include "RtsFlags.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static bool all_bytes(const void *p, size_t n, unsigned char v)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != v)
            return false;
    return true;
}

/* Every word of every block of a group maps to that block's descriptor,
 * whose start is the block and whose link (non-head) is the head. */
static void test_bdescr_interior(void)
{
    bdescr *bd = allocGroup(5);
    CHECK(bd->blocks == 5 && bd->free == bd->start);
    CHECK(((uintptr_t)bd->start & BLOCK_MASK) == 0);
    CHECK(HEAP_ALLOCED(bd->start) && !HEAP_ALLOCED(&rng));
    for (unsigned i = 0; i < 5; i++) {
        StgPtr blk = bd->start + i * BLOCK_SIZE_W;
        CHECK(bd[i].start == blk);
        for (unsigned w = 0; w < BLOCK_SIZE_W; w += 37)
            CHECK(Bdescr(blk + w) == bd + i);
        CHECK(Bdescr(blk + BLOCK_SIZE_W - 1) == bd + i);
        if (i > 0)
            CHECK(bd[i].blocks == 0 && bd[i].link == bd);
    }
    /* fresh memory is 0xaa under -DZ */
    CHECK(all_bytes(bd->start, 5 * BLOCK_SIZE, 0xaa));
    memset(bd->start, 0x11, 5 * BLOCK_SIZE);
    StgPtr start = bd->start;
    freeGroup(bd);
    /* freed memory is 0xaa under -DZ, and the head says free */
    CHECK(all_bytes(start, 5 * BLOCK_SIZE, 0xaa));
    CHECK(Bdescr(start)->free == (StgPtr)-1 || Bdescr(start)->blocks == 0);
    checkFreeListSanity();
}

/* Free neighbours in either order end up as one group. */
static void test_coalescing(void)
{
    bdescr *a = allocGroup(10), *b = allocGroup(10), *c = allocGroup(10);
    /* groups are cut from the end of a free group: c, b, a are adjacent */
    CHECK(b + 10 == a && c + 10 == b);
    W_ before = checkFreeListSanity();
    freeGroup(a);
    freeGroup(c);
    checkFreeListSanity();
    freeGroup(b);               /* joins c (below) and a (above) */
    CHECK(checkFreeListSanity() == before + 30);
    /* the coalesced space is reused for a group of 30 */
    bdescr *d = allocGroup(30);
    CHECK(d == c);
    freeGroup(d);
    checkFreeListSanity();
}

/* A group larger than a megablock: one descriptor, whole megablocks. */
static void test_mega_groups(void)
{
    W_ n = BLOCKS_PER_MBLOCK + 300;       /* needs 3 megablocks */
    bdescr *bd = allocGroup(n);
    CHECK(bd->blocks == n);
    CHECK(((uintptr_t)bd->start & MBLOCK_MASK) == FIRST_BLOCK_OFF);
    CHECK(Bdescr(bd->start) == bd);
    CHECK(Bdescr(bd->start + 100 * BLOCK_SIZE_W) == bd + 100);
    CHECK(bd[100].link == bd);
    size_t bytes = 3 * MBLOCK_SIZE - FIRST_BLOCK_OFF;
    CHECK(all_bytes(bd->start, bytes, 0xaa));
    memset(bd->start, 0x5c, bytes);       /* the whole span is ours */
    freeGroup(bd);
    checkFreeListSanity();
    /* the three megablocks come back as one group */
    uint64_t committed = mblocks_allocated();
    bdescr *again = allocGroup(n);
    CHECK(again == bd);
    CHECK(mblocks_allocated() == committed);
    freeGroup(again);
}

/* Many groups of random sizes: no overlap, frees in random order, and at
 * the end every megablock is whole again. */
static void test_random(void)
{
    enum { N = 400 };
    static bdescr *g[N];
    W_ base = n_alloc_blocks();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            if (g[i])
                continue;
            W_ n = 1 + next_rand() % (next_rand() % 8 == 0 ? 600 : 40);
            g[i] = allocGroup(n);
            W_ bytes = n * BLOCK_SIZE;
            if (n >= BLOCKS_PER_MBLOCK)
                bytes = BLOCKS_PER_MBLOCK * BLOCK_SIZE;   /* first megablock only */
            for (W_ w = 0; w < bytes / sizeof(StgWord); w += 61)
                g[i]->start[w] = (StgWord)i;
            g[i]->start[bytes / sizeof(StgWord) - 1] = (StgWord)i;
        }
        for (int i = 0; i < N; i++) {
            W_ bytes = g[i]->blocks >= BLOCKS_PER_MBLOCK ? BLOCKS_PER_MBLOCK * BLOCK_SIZE
                                                          : g[i]->blocks * BLOCK_SIZE;
            for (W_ w = 0; w < bytes / sizeof(StgWord); w += 61)
                CHECK(g[i]->start[w] == (StgWord)i);
            CHECK(g[i]->start[bytes / sizeof(StgWord) - 1] == (StgWord)i);
            CHECK(Bdescr(g[i]->start) == g[i]);
        }
        for (int k = 0; k < N / 2; k++) {
            int i = (int)(next_rand() % N);
            if (g[i]) {
                freeGroup(g[i]);
                g[i] = NULL;
            }
        }
        checkFreeListSanity();
    }
    for (int i = 0; i < N; i++)
        if (g[i]) {
            freeGroup(g[i]);
            g[i] = NULL;
        }
    CHECK(n_alloc_blocks() == base);
    /* everything we ever committed is free and contiguous: one megablock
     * group of all of it must be available without committing more */
    uint64_t m = mblocks_allocated();
    W_ all = BLOCKS_PER_MBLOCK + (m - 1) * (MBLOCK_SIZE / BLOCK_SIZE);
    CHECK(checkFreeListSanity() == all);
    bdescr *whole = allocGroup(all);
    CHECK(mblocks_allocated() == m);
    freeGroup(whole);
}

/* A double free is an internal error with a clear message. */
static void test_double_free(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        bdescr *bd = allocGroup(3);
        freeGroup(bd);
        freeGroup(bd);
        _exit(0);
    }
    close(fds[1]);
    char buf[512] = "";
    ssize_t len = read(fds[0], buf, sizeof buf - 1);
    buf[len > 0 ? len : 0] = '\0';
    close(fds[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(buf, "internal error: freeGroup:") != NULL);
    CHECK(strstr(buf, "already free") != NULL);
}

int main(void)
{
    setDefaultRtsFlags(&RtsFlags);
    RtsFlags.DebugFlags.zero_on_gc = true;
    initMBlocks();
    initBlockAllocator();
    CHECK(mblock_address_space_end - mblock_address_space_begin >= (1UL << 30));
    CHECK((mblock_address_space_begin & MBLOCK_MASK) == 0);

    test_bdescr_interior();
    test_coalescing();
    test_mega_groups();
    test_random();
    test_double_free();
    printf("test_blockalloc: ok (%lu megablocks used)\n", (unsigned long)mblocks_allocated());
    return 0;
}
