/* fuzz_abi_reader.c — fuzz target for the ABI table reader
 * (rts/dbg/AbiReader.c) and everything that trusts what it answers.
 *
 * The image is a snapshot of a real runtime (rts_image.h); each input's
 * patches corrupt only the pages of its debug-info table — the header,
 * the sub-tables of structs, fields, constants, info tables and globals,
 * and their name strings: counts, strides, offsets beyond a struct's size,
 * absurd sizes, kinds, geometry constants, names without a NUL.  Then
 * abi_open and every query of the table run, and every decoder, walker and
 * plugin command over the intact heap, read with the corrupted layouts
 * (rts_decode_all.h).  Nothing may crash, read memory except through the
 * reader or loop without bound.  "make check" runs it with the standalone
 * driver (rts_fuzz_driver.c); "make fuzz-rts" builds it with libFuzzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include "Decode.h"
#include "HeapWalk.h"
#include "rts/DebugAbi.h"
#include "rts_decode_all.h"
#include "rts_fuzz.h"
#include "rts_image.h"

const char rts_fuzz_name[] = "abi_reader";

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
    rts_image_patch(&img, data, size, true);
    rts_image_decode(&img);
    return 0;
}

/* The address of the entry named name in the image's table at offset
 * table_off of the header (its entries have their name at name_off), read
 * into e (esize bytes), or 0. */
static uint64_t table_entry(size_t table_off, size_t name_off, const char *name, void *e, size_t esize)
{
    struct rts_dbg_header h;
    if (rts_image_read(&img, img.header, &h, sizeof h) < 0) return 0;
    struct rts_dbg_table t;
    memcpy(&t, (const char *)&h + table_off, sizeof t);
    for (uint32_t i = 0; i < t.count; i++) {
        uint64_t at = t.addr + (uint64_t)i * t.stride, name_at;
        char n[64] = "";
        if (rts_image_read(&img, at, e, esize) < 0) continue;
        memcpy(&name_at, (const char *)e + name_off, sizeof name_at);
        if (rts_image_read(&img, name_at, n, sizeof n - 1) < 0) continue;
        if (strcmp(n, name) == 0) return at;
    }
    return 0;
}
#define TABLE_ENTRY(table, type, entry_name, e) \
    table_entry(offsetof(struct rts_dbg_header, table), offsetof(type, name), (entry_name), (e), sizeof(type))

/* The size of the MVar at p as the heap walker computes it, reading the
 * table with r, which is (re)opened on the image first; 0 on failure. */
static uint64_t mvar_words(AbiReader *r, uint64_t p)
{
    char err[200];
    DecClosure c;
    uint64_t words = 0;
    if (abi_open(r, rts_image_read, &img, img.header, err, sizeof err) < 0 ||
        dec_closure(r, p, &c, err, sizeof err) < 0 || c.forwarded ||
        hw_closure_size(r, p, c.it, &words, err, sizeof err) < 0)
        words = 0;
    abi_close(r);
    return words;
}

/* Decode everything over the image as corrupted so far, then repair it.
 * A hang is caught by the driver's timer. */
static RtsDecodeStats decode_corrupted(void)
{
    return rts_image_decode(&img);
}

/* Corruptions the fuzzer found, made by hand: an info table claiming
 * 2^32-1 pointers (the heap walker's payload loop ran that many times), a
 * BLOCK_SHIFT of 99 (abi_bdescr shifted a 64-bit value by 99: undefined),
 * and a zero-sized StgUpdateFrame (the stack walk stood still on the first
 * update frame). */
static int regressions(void)
{
    struct rts_dbg_info ie;
    uint64_t at = TABLE_ENTRY(infos, struct rts_dbg_info, "stg_MUT_VAR_CLEAN_info", &ie);
    if (!at) {
        fprintf(stderr, "abi_reader: no stg_MUT_VAR_CLEAN_info in the table\n");
        return -1;
    }
    ie.ptrs = 0xffffffffu;
    rts_image_write(&img, at, &ie, sizeof ie);
    if (decode_corrupted().opened) {
        fprintf(stderr, "abi_reader: a table whose info table has 2^32-1 ptrs is accepted\n");
        return -1;
    }
    struct rts_dbg_constant ce;
    at = TABLE_ENTRY(constants, struct rts_dbg_constant, "BLOCK_SHIFT", &ce);
    if (!at) {
        fprintf(stderr, "abi_reader: no BLOCK_SHIFT in the table\n");
        return -1;
    }
    ce.value = 99;              /* abi_bdescr shifted by 99 and by 99 - BDESCR_SHIFT */
    rts_image_write(&img, at, &ce, sizeof ce);
    if (decode_corrupted().opened) {
        fprintf(stderr, "abi_reader: a table whose BLOCK_SHIFT is 99 is accepted\n");
        return -1;
    }
    struct rts_dbg_struct se;
    at = TABLE_ENTRY(structs, struct rts_dbg_struct, "StgUpdateFrame", &se);
    if (!at) {
        fprintf(stderr, "abi_reader: no StgUpdateFrame in the table\n");
        return -1;
    }
    se.size = 0;
    rts_image_write(&img, at, &se, sizeof se);
    decode_corrupted();
    return 0;
}

/* A reader reopened on a changed table (a program rebuilt and run again,
 * its table at the same address) must not decode with the old one's
 * layouts: HeapWalk caches them per table. */
int rts_fuzz_selftest(void)
{
    static AbiReader r;             /* one reader, reopened, as the plugin's */
    uint64_t mvar = img.mvars[0];
    struct rts_dbg_struct e;
    uint64_t at = TABLE_ENTRY(structs, struct rts_dbg_struct, "StgMVar", &e);
    uint64_t before = mvar_words(&r, mvar);
    if (!at || !before || before * 8 != e.size) {
        fprintf(stderr, "abi_reader: the clean image's MVar is %llu words, StgMVar %u bytes\n",
                (unsigned long long)before, at ? e.size : 0);
        return -1;
    }
    e.size += 64;
    rts_image_write(&img, at, &e, sizeof e);
    uint64_t after = mvar_words(&r, mvar);
    rts_image_restore(&img);
    if (after != before + 8) {
        fprintf(stderr, "abi_reader: after the table changed StgMVar to %u bytes, the heap walker sizes an "
                "MVar at %llu words (stale layout)\n", e.size, (unsigned long long)after);
        return -1;
    }
    if (regressions() < 0) return -1;
    printf("abi_reader: image of %zu pages, %zu of them the table's; a reopened reader sees a changed layout; "
           "regressions pass\n", img.n_pages, img.n_table_pages);
    fflush(stdout);
    return 0;
}
