/* fuzz_heap_decode.c — fuzz target for the heap decoders (rts/dbg) and the
 * plugin commands built on them (commands/).
 *
 * The image is a snapshot of a real small heap (rts_image.h: blocked MVar
 * takers and a putter, TSOs, CAF thunks and blackholes, weak pointers, a
 * mut-list entry, the flight recorder's rings).  Each input's patches
 * corrupt words anywhere in it — heap objects, block descriptors, the
 * generations and capabilities, the rings, the table — and every decoder,
 * walker and memory-decoding command runs over the result
 * (rts_decode_all.h).  Nothing may crash, read memory except through the
 * reader, loop without bound or take more than milliseconds.  "make check"
 * runs it with the standalone driver (rts_fuzz_driver.c); "make fuzz-rts"
 * builds it with clang's libFuzzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "Check.h"
#include "Decode.h"
#include "HeapWalk.h"
#include "rts_decode_all.h"
#include "rts_fuzz.h"
#include "rts_image.h"

const char rts_fuzz_name[] = "heap_decode";

static RtsImage img;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (rts_image_build(&img) < 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rts_image_patch(&img, data, size, false);
    rts_image_decode(&img);
    return 0;
}

/* ---- regression cases: corruptions the fuzzer found, made by hand ---- */

struct root_slot { uint64_t slot; };

static void find_root_slot(void *ctx, uint64_t obj, uint64_t slot, uint64_t value, const char *field)
{
    struct root_slot *rs = ctx;
    (void)obj; (void)value;
    if (!rs->slot && strstr(field, "ROOT_FRAME") && strstr(field, "roots[0]")) rs->slot = slot;
}

struct stack_root { uint64_t stack, slot; };

static bool thread_with_root_frame(AbiReader *r, uint64_t tso, void *arg)
{
    struct stack_root *sr = arg;
    DecTSO t;
    DecClosure c;
    char why[200];
    uint64_t bad;
    struct root_slot rs = { 0 };
    if (dec_tso(r, tso, &t, why, sizeof why) < 0 || dec_closure(r, t.stackobj, &c, why, sizeof why) < 0 ||
        c.forwarded)
        return true;
    hw_for_each_ptr_field(r, t.stackobj, c.it, find_root_slot, &rs, why, sizeof why, &bad);
    if (!rs.slot) return true;
    sr->stack = t.stackobj;
    sr->slot = rs.slot;
    return false;
}

/* A cycle reported within a few nodes of the queue (not after 100000). */
static void count_cycle(void *ctx, const char *line)
{
    const char *at = strstr(line, "queue does not end after ");
    unsigned n;
    if (at && sscanf(at, "queue does not end after %u nodes", &n) == 1 && n < 100) ++*(int *)ctx;
}

/* A STACK claiming 2^31 or more words whose ROOT_FRAME claims half as many
 * roots (the frame walk read every one of them, unreadable or not), a heap
 * whose chains are empty, and an MVar queue node linked to itself (the
 * checker went round it 100000 times before calling it a cycle). */
static int regressions(void)
{
    AbiReader r;
    char err[200];
    if (abi_open(&r, rts_image_read, &img, img.header, err, sizeof err) < 0) {
        fprintf(stderr, "heap_decode: %s\n", err);
        return -1;
    }
    struct stack_root sr = { 0, 0 };
    dec_for_each_thread(&r, thread_with_root_frame, &sr);
    const AbiField *size = abi_field(&r, "StgStack", "stack_size");
    const AbiField *link = abi_field(&r, "StgMVarTSOQueue", "link");
    uint64_t head = 0;
    abi_get(&r, img.mvars[0], "StgMVar", "head", &head);
    if (!sr.slot || !size || size->size > 8 || !link || !head) {
        fprintf(stderr, "heap_decode: the clean image has no stack with a root frame or no MVar queue\n");
        abi_close(&r);
        return -1;
    }
    uint64_t words = size->size == 4 ? 0xffffffffu : 1ull << 37, roots = words / 2;
    rts_image_write(&img, sr.stack + size->offset, &words, size->size);
    rts_image_write(&img, sr.slot - 16, &roots, 8);          /* the frame's count */
    RtsDecodeStats st = rts_image_decode(&img);

    /* A heap whose chains are all empty: findptr sorted its NULL edge array
     * (undefined behaviour, caught by --enable-sanitizers=undefined). */
    uint64_t zero = 0;
    for (uint32_t g = 0; g < hw_n_generations(&r); g++) {
        const AbiField *b = abi_field(&r, "generation", "blocks"), *lo = abi_field(&r, "generation", "large_objects");
        if (b) rts_image_write(&img, hw_generation(&r, g) + b->offset, &zero, 8);
        if (lo) rts_image_write(&img, hw_generation(&r, g) + lo->offset, &zero, 8);
    }
    uint32_t ncaps = 0;
    hw_capability(&r, 0, &ncaps);
    const AbiField *nb = abi_field(&r, "Capability", "nursery_blocks");
    for (uint32_t i = 0; i < ncaps && nb; i++) rts_image_write(&img, hw_capability(&r, i, &ncaps) + nb->offset, &zero, 8);
    st = rts_image_decode(&img);
    if (st.objects != 0) {
        fprintf(stderr, "heap_decode: emptied chains still hold %ld objects\n", st.objects);
        abi_close(&r);
        return -1;
    }

    rts_image_write(&img, head + link->offset, &head, 8);
    CheckStats cs;
    int cycles = 0;
    check_heap(&r, count_cycle, &cycles, 0, &cs);
    st = rts_image_decode(&img);
    abi_close(&r);
    if (cycles != 1) {
        fprintf(stderr, "heap_decode: an MVar queue node linked to itself: %d prompt cycle reports, want 1\n", cycles);
        return -1;
    }
    return 0;
}

/* The clean image decodes as built: threads, queues, objects, events, and
 * no sanity violation. */
int rts_fuzz_selftest(void)
{
    RtsDecodeStats st = rts_image_decode(&img);
    printf("heap_decode: image of %zu pages (%zu of the table), %zu objects; clean run: %ld threads, "
           "%ld queue nodes, %ld objects in %ld blocks, %ld events, %ld violations, %ld commands\n",
           img.n_pages, img.n_table_pages, img.n_objects, st.threads, st.mvar_nodes, st.objects, st.blocks,
           st.events, st.violations, st.commands);
    fflush(stdout);
    if (!st.opened || st.threads < 5 || st.mvar_nodes < 4 || st.objects < 20 || st.events == 0 || st.violations) {
        fprintf(stderr, "heap_decode: the clean image does not decode as built\n");
        return -1;
    }
    return regressions();
}
