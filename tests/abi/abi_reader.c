/* abi_reader.c — decode another process's runtime using only its table.
 *
 * Includes no runtime header but rts/DebugAbi.h (through AbiReader.h):
 * everything it knows about layouts, constants and info tables it reads
 * from the target.  Finds the table through the ELF note (auxv gives the
 * program headers), then prints the MVar at the given address in the same
 * format as abi_target's own view; then the weak at WEAK (and whether it
 * is on its generation's weak list) and the CAF at CAF (and whether it is
 * on the CAF list).
 *
 *   abi_reader PID MVAR_ADDRESS [WEAK_ADDRESS CAF_ADDRESS]
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include "dbg/AbiReader.h"
#include "dbg/Decode.h"

static pid_t target;

static int read_target(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
    ssize_t n = process_vm_readv(target, &l, 1, &r, 1, 0);
    return n == (ssize_t)len ? 0 : -EFAULT;
}

static uint64_t find_table(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", (int)target);
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    Elf64_auxv_t a;
    uint64_t phdr = 0, phnum = 0;
    while (fread(&a, sizeof a, 1, f) == 1 && a.a_type != AT_NULL) {
        if (a.a_type == AT_PHDR) phdr = a.a_un.a_val;
        if (a.a_type == AT_PHNUM) phnum = a.a_un.a_val;
    }
    fclose(f);
    /* load bias = where the program headers are minus where PT_PHDR says */
    uint64_t bias = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        Elf64_Phdr ph;
        if (read_target(NULL, phdr + i * sizeof ph, &ph, sizeof ph) < 0) return 0;
        if (ph.p_type == PT_PHDR) bias = phdr - ph.p_vaddr;
    }
    return abi_find_header_from_phdrs(read_target, NULL, phdr, (uint32_t)phnum, bias);
}

/* The closure type of the object at p, read through its info table. */
static uint64_t closure_type(AbiReader *r, uint64_t p)
{
    uint64_t info = 0, type = 0;
    abi_get(r, p, "StgClosure", "info", &info);
    abi_get(r, info, "StgInfoTable", "type", &type);
    return type;
}

/* Is w on the weak list of some generation?  generations is an array of
 * RtsFlags.generations structs of the size the table gives. */
static bool on_weak_list(AbiReader *r, uint64_t w)
{
    const AbiGlobal *gens = abi_global(r, "generations"), *flags = abi_global(r, "RtsFlags");
    const AbiStruct *gen = abi_struct(r, "generation");
    uint64_t base = 0, n = 0;
    if (!gens || !flags || !gen || abi_read(r, gens->addr, &base, 8) < 0 ||
        abi_get(r, flags->addr, "RTS_FLAGS", "generations", &n) < 0)
        return false;
    for (uint64_t g = 0; g < n && g < 16; g++) {
        uint64_t x = 0;
        abi_get(r, base + g * gen->size, "generation", "weak_ptr_list", &x);
        for (int k = 0; x != 0 && k < 100000; k++) {
            if (x == w) return true;
            if (abi_get(r, x, "StgWeak", "link", &x) < 0) break;
        }
    }
    return false;
}

static bool on_caf_list(AbiReader *r, uint64_t caf)
{
    const AbiGlobal *list = abi_global(r, "dyn_caf_list");
    int64_t end = 0;
    uint64_t c = 0;
    if (!list || !abi_constant(r, "geometry", "END_OF_CAF_LIST", &end) ||
        abi_read(r, list->addr, &c, 8) < 0)
        return false;
    for (int k = 0; c != (uint64_t)end && c != 0 && k < 100000; k++) {
        if (c == caf) return true;
        if (abi_get(r, c, "StgIndStatic", "static_link", &c) < 0) break;
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) { fprintf(stderr, "usage: abi_reader PID MVAR [WEAK CAF]\n"); return 2; }
    target = (pid_t)atoi(argv[1]);
    uint64_t mvar = strtoull(argv[2], NULL, 0);
    uint64_t hdr = find_table();
    if (!hdr) { fprintf(stderr, "abi_reader: no rtsdb note in process %d\n", (int)target); return 1; }
    AbiReader r;
    char err[200];
    if (abi_open(&r, read_target, NULL, hdr, err, sizeof err) < 0) { fprintf(stderr, "abi_reader: %s\n", err); return 1; }

    DecClosure c;
    DecLocation loc;
    if (dec_closure(&r, mvar, &c, err, sizeof err) < 0) { fprintf(stderr, "abi_reader: %s\n", err); return 1; }
    dec_locate(&r, mvar, &loc);
    printf("mvar 0x%" PRIx64 " %s gen %d\n", mvar, strcmp(c.type_name, "MVAR_CLEAN") == 0 ? "CLEAN" : "DIRTY",
           loc.heap ? (int)loc.gen_no : -1);
    const AbiGlobal *end = abi_global(&r, "stg_END_TSO_QUEUE_closure");
    uint64_t q = 0;
    abi_get(&r, mvar, "StgMVar", "head", &q);
    for (int n = 0; end && q != end->addr && n < 1000; n++) {
        uint64_t tso = 0, id = 0, wb = 0, bi = 0, next = 0;
        abi_get(&r, q, "StgMVarTSOQueue", "tso", &tso);
        abi_get(&r, tso, "StgTSO", "id", &id);
        abi_get(&r, tso, "StgTSO", "why_blocked", &wb);
        abi_get(&r, tso, "StgTSO", "block_info", &bi);
        dec_locate(&r, q, &loc);
        printf("node 0x%" PRIx64 " gen %d tso 0x%" PRIx64 " id %" PRIu64 " why_blocked %" PRIu64 " block_info 0x%" PRIx64 "\n",
               q, loc.heap ? (int)loc.gen_no : -1, tso, id, wb, bi);
        if (abi_get(&r, q, "StgMVarTSOQueue", "link", &next) < 0) break;
        q = next;
    }
    if (argc == 5) {
        uint64_t w = strtoull(argv[3], NULL, 0), caf = strtoull(argv[4], NULL, 0);
        uint64_t key = 0, value = 0, fin = 0;
        abi_get(&r, w, "StgWeak", "key", &key);
        abi_get(&r, w, "StgWeak", "value", &value);
        abi_get(&r, w, "StgWeak", "finalizer", &fin);
        dec_locate(&r, w, &loc);
        char fin_text[32] = "(nil)";        /* as the target's %p prints NULL */
        if (fin) snprintf(fin_text, sizeof fin_text, "0x%" PRIx64, fin);
        printf("weak 0x%" PRIx64 " gen %d type %" PRIu64 " key 0x%" PRIx64 " value 0x%" PRIx64
               " finalizer %s on_weak_list %s\n", w, loc.heap ? (int)loc.gen_no : -1,
               closure_type(&r, w), key, value, fin_text, on_weak_list(&r, w) ? "yes" : "no");
        printf("caf 0x%" PRIx64 " type %" PRIu64 " on_caf_list %s\n", caf, closure_type(&r, caf),
               on_caf_list(&r, caf) ? "yes" : "no");
    }
    abi_close(&r);
    return 0;
}
