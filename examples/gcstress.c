/* gcstress.c — a GC stress workload on the public API (rts.h only).
 *
 *   gcstress [seed [rounds [ring]]] [+RTS ... -RTS]
 *
 * Each round builds a binary tree of random depth and stores it in a ring
 * (a MUT_ARR_PTRS that soon lives in the old generation), dropping the tree
 * it replaces: the live set keeps changing.  Old MUT_VARs and a large old
 * MUT_ARR_PTRS are made to point at freshly built young trees, large byte
 * arrays and pinned byte arrays come and go.  Everything is driven by a
 * xorshift PRNG from the seed, so the program's behaviour does not depend
 * on when collections happen; the checksum on the last line folds in every
 * tree and array dropped and everything live at the end, so a GC bug that
 * loses or corrupts an object changes it.  It must be identical under
 * every -N, -A, -G and -DS.  tests/bench/gcstress.hs is the same workload
 * in Haskell, and prints the same checksum.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "rts.h"

RTS_DEFINE_CONSTR(Tree, 2, 1)       /* left, right, value */

enum { NVARS = 64, NBIG = 8, NPINNED = 16, BIGARR = 1000 };
enum { R_RING, R_VARS, R_BIG, R_PINNED, R_BIGARR, N_ROOTS };

static uint64_t rng_state;

static uint64_t next_rand(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint64_t fold(uint64_t sum, uint64_t x)
{
    return sum * 1099511628211ULL + x;
}

/* A tree of the given depth; the result is a raw pointer, valid until the
 * next allocating call.  Children first, then the node's own value. */
static StgClosure *build(unsigned depth)
{
    RtsFrame f = rts_frame_push(2);
    if (depth > 0) {
        StgClosure *l = build(depth - 1);
        rts_set(f, 0, l);
        StgClosure *r = build(depth - 1);
        rts_set(f, 1, r);
    }
    StgClosure *t = rts_alloc_constr_from(&Tree_con_info, f, 0);
    rts_constr_set_word(t, 0, next_rand());
    rts_frame_pop(f);
    return t;
}

/* Checksum of a tree; allocates nothing. */
static uint64_t tree_hash(const StgClosure *t)
{
    if (t == NULL)
        return 1;
    if (t->header.info != &Tree_con_info) {
        fprintf(stderr, "gcstress: corrupted heap: %p is not a Tree\n", (const void *)t);
        exit(2);
    }
    return (tree_hash(rts_constr_ptr(t, 0)) * 0x100000001B3ULL + tree_hash(rts_constr_ptr(t, 1)))
           ^ rts_constr_word(t, 0);
}

static uint64_t bytes_hash(StgClosure *b)
{
    if (b == NULL)
        return 7;
    const uint64_t *w = rts_bytes_ptr(b);
    uint64_t h = rts_bytes_len(b);
    for (StgWord i = 0; i < rts_bytes_len(b) / 8; i++)
        h = fold(h, w[i]);
    return h;
}

static StgClosure *new_filled_bytes(StgWord nbytes, bool pinned)
{
    StgClosure *b = pinned ? rts_new_pinned_bytes(nbytes) : rts_new_bytes(nbytes);
    uint64_t *w = rts_bytes_ptr(b);
    for (StgWord i = 0; i < nbytes / 8; i++)
        w[i] = next_rand();
    return b;
}

int main(int argc, char **argv)
{
    rts_init(&argc, &argv);
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    long rounds = argc > 2 ? strtol(argv[2], NULL, 0) : 3000;
    long ring = argc > 3 ? strtol(argv[3], NULL, 0) : 256;
    if (seed == 0 || rounds < 0 || ring < 1) {
        fprintf(stderr, "usage: gcstress [seed>0 [rounds>=0 [ring>=1]]] [+RTS ... -RTS]\n");
        rts_exit(1);
    }
    rng_state = seed;
    void *pinned_addr[NPINNED] = { 0 };

    RtsFrame roots = rts_frame_push(N_ROOTS);
    StgClosure *a = rts_new_array((StgWord)ring, NULL);
    rts_set(roots, R_RING, a);
    a = rts_new_array(NVARS, NULL);
    rts_set(roots, R_VARS, a);
    a = rts_new_array(NBIG, NULL);
    rts_set(roots, R_BIG, a);
    a = rts_new_array(NPINNED, NULL);
    rts_set(roots, R_PINNED, a);
    a = rts_new_array(BIGARR, NULL);          /* a large object */
    rts_set(roots, R_BIGARR, a);
    for (int i = 0; i < NVARS; i++) {
        StgClosure *mv = rts_new_mutvar(NULL);
        rts_array_write(rts_get(roots, R_VARS), (StgWord)i, mv);
    }

    uint64_t sum = seed;
    for (long r = 0; r < rounds; r++) {
        /* the ring: replace one tree */
        unsigned depth = 3 + (unsigned)(next_rand() % 8);
        StgClosure *t = build(depth);
        StgWord slot = next_rand() % (StgWord)ring;
        StgClosure *ringarr = rts_get(roots, R_RING);
        sum = fold(sum, tree_hash(rts_array_read(ringarr, slot)));
        rts_array_write(ringarr, slot, t);

        /* an old mutvar now points at a young tree */
        t = build(2);
        StgClosure *mv = rts_array_read(rts_get(roots, R_VARS), next_rand() % NVARS);
        sum = fold(sum, tree_hash(rts_read_mutvar(mv)));
        rts_write_mutvar(mv, t);

        if (r % 8 == 0) {           /* the large old array points at a young tree */
            t = build(1);
            StgClosure *big = rts_get(roots, R_BIGARR);
            StgWord i = next_rand() % BIGARR;
            sum = fold(sum, tree_hash(rts_array_read(big, i)));
            rts_array_write(big, i, t);
        }
        if (r % 16 == 0) {          /* a large byte array */
            StgWord n = 8 * (2048 + next_rand() % 6144);     /* 16..64 KiB */
            StgClosure *b = new_filled_bytes(n, false);
            StgClosure *bigs = rts_get(roots, R_BIG);
            StgWord i = next_rand() % NBIG;
            sum = fold(sum, bytes_hash(rts_array_read(bigs, i)));
            rts_array_write(bigs, i, b);
        }
        if (r % 32 == 0) {          /* a pinned byte array, which must never move */
            StgWord n = 8 * (32 + next_rand() % 224);        /* 256..2048 bytes */
            StgClosure *b = new_filled_bytes(n, true);
            StgClosure *pins = rts_get(roots, R_PINNED);
            StgWord i = next_rand() % NPINNED;
            StgClosure *old = rts_array_read(pins, i);
            if (old && rts_bytes_ptr(old) != pinned_addr[i]) {
                fprintf(stderr, "gcstress: pinned array %lu moved from %p to %p\n",
                        (unsigned long)i, pinned_addr[i], rts_bytes_ptr(old));
                rts_exit(2);
            }
            sum = fold(sum, bytes_hash(old));
            rts_array_write(pins, i, b);
            pinned_addr[i] = rts_bytes_ptr(b);
        }
    }

    /* everything still live */
    for (long i = 0; i < ring; i++)
        sum = fold(sum, tree_hash(rts_array_read(rts_get(roots, R_RING), (StgWord)i)));
    for (int i = 0; i < NVARS; i++)
        sum = fold(sum, tree_hash(rts_read_mutvar(rts_array_read(rts_get(roots, R_VARS), (StgWord)i))));
    for (int i = 0; i < BIGARR; i++)
        sum = fold(sum, tree_hash(rts_array_read(rts_get(roots, R_BIGARR), (StgWord)i)));
    for (int i = 0; i < NBIG; i++)
        sum = fold(sum, bytes_hash(rts_array_read(rts_get(roots, R_BIG), (StgWord)i)));
    for (int i = 0; i < NPINNED; i++) {
        StgClosure *b = rts_array_read(rts_get(roots, R_PINNED), (StgWord)i);
        if (b && rts_bytes_ptr(b) != pinned_addr[i]) {
            fprintf(stderr, "gcstress: pinned array %d moved\n", i);
            rts_exit(2);
        }
        sum = fold(sum, bytes_hash(b));
    }
    rts_frame_pop(roots);
    printf("checksum: 0x%016" PRIx64 "\n", sum);
    rts_exit(0);
}
