/* test_unwind_table.c — the .eh_frame search table rtsdb builds for
 * programs linked without .eh_frame_hdr (debugger/unwind_table.c, Note
 * [Programs without .eh_frame_hdr]).
 *
 *   1. On tests/debuggee/symtab_entry, which has both sections, the table
 *      built from .eh_frame is the linker's .eh_frame_hdr table: the same
 *      (function, FDE) rows in the same order.
 *   2. On tests/debuggee/unwind_static (static non-PIE: no .eh_frame_hdr),
 *      the table has a row for every FDE libdw finds in .eh_frame, sorted,
 *      each row naming an FDE record.
 *   3. Corrupted copies of that .eh_frame (fixed seed, a few thousand
 *      patches of 1-8 bytes) give tables that are sorted and point inside
 *      the section, never a crash or a read past the end (run under ASan
 *      with --enable-sanitizers).
 */
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elfutils/libdw.h>
#include "symtab_priv.h"
#include "test_symtab_check.h"
#include "../fuzz/fuzz_rng.h"

struct image {
    unsigned char *bytes;
    size_t size;
    Elf *elf;
};

static bool load(const char *name, struct image *im)
{
    char path[4096];
    debuggee_path(name, path, sizeof path);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return false;
    }
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    im->bytes = malloc(len > 0 ? (size_t)len : 1);
    im->size = im->bytes && len > 0 && fread(im->bytes, 1, (size_t)len, fp) == (size_t)len
               ? (size_t)len : 0;
    fclose(fp);
    elf_version(EV_CURRENT);
    im->elf = im->size ? elf_memory((char *)im->bytes, im->size) : NULL;
    return im->elf != NULL;
}

/* A section's bytes and address; NULL if the image has none by that name. */
static const unsigned char *section(struct image *im, const char *name, size_t *size,
                                    uint64_t *addr)
{
    size_t shstrndx;
    Elf_Scn *scn = NULL;
    if (elf_getshdrstrndx(im->elf, &shstrndx) != 0)
        return NULL;
    while ((scn = elf_nextscn(im->elf, scn)) != NULL) {
        GElf_Shdr sh;
        const char *n;
        if (gelf_getshdr(scn, &sh) && (n = elf_strptr(im->elf, shstrndx, sh.sh_name))
            && strcmp(n, name) == 0 && sh.sh_offset + sh.sh_size <= im->size) {
            *size = sh.sh_size;
            *addr = sh.sh_addr;
            return im->bytes + sh.sh_offset;
        }
    }
    return NULL;
}

static int32_t rd32(const unsigned char *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* 1: our table equals the linker's. */
static void same_as_linker(void)
{
    struct image im;
    size_t fsize, hsize, n;
    uint64_t faddr, haddr;
    CHECK(load("symtab_entry", &im), "symtab_entry not loaded");
    const unsigned char *frame = im.elf ? section(&im, ".eh_frame", &fsize, &faddr) : NULL;
    const unsigned char *hdr = im.elf ? section(&im, ".eh_frame_hdr", &hsize, &haddr) : NULL;
    CHECK(frame && hdr, "symtab_entry has no .eh_frame and .eh_frame_hdr");
    if (!frame || !hdr)
        return;
    CHECK(hsize >= 12 && hdr[0] == 1 && hdr[3] == 0x3b, "unexpected .eh_frame_hdr layout");
    uint32_t count = (uint32_t)rd32(hdr + 8);
    CHECK(12 + (size_t)count * 8 <= hsize, ".eh_frame_hdr table overruns");
    struct eh_index_entry *t = eh_frame_table(frame, fsize, faddr, &n);
    CHECK(t && n == count, "%zu rows, the linker has %u", n, count);
    for (size_t i = 0; t && i < n && i < count; i++) {
        uint64_t start = haddr + (uint64_t)(int64_t)rd32(hdr + 12 + 8 * i);
        uint64_t fde = haddr + (uint64_t)(int64_t)rd32(hdr + 16 + 8 * i);
        CHECK(faddr + (uint64_t)(int64_t)t[i].start == start
              && faddr + (uint64_t)(int64_t)t[i].fde == fde,
              "row %zu: (%#llx, %#llx), the linker's (%#llx, %#llx)", i,
              (unsigned long long)(faddr + (uint64_t)(int64_t)t[i].start),
              (unsigned long long)(faddr + (uint64_t)(int64_t)t[i].fde),
              (unsigned long long)start, (unsigned long long)fde);
    }
    free(t);
    elf_end(im.elf);
    free(im.bytes);
}

/* The invariants libunwind's binary search relies on. */
static bool well_formed(const struct eh_index_entry *t, size_t n, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].fde < 0 || (size_t)t[i].fde + 8 > size)
            return false;
        if (i > 0 && t[i - 1].start > t[i].start)
            return false;
    }
    return true;
}

/* 2 and 3: the static program, then corrupted copies of its .eh_frame. */
static void static_program(void)
{
    struct image im;
    size_t size, n;
    uint64_t addr;
    CHECK(load("unwind_static", &im), "unwind_static not loaded");
    const unsigned char *frame = im.elf ? section(&im, ".eh_frame", &size, &addr) : NULL;
    CHECK(frame, "unwind_static has no .eh_frame");
    if (!frame)
        return;
    size_t hsize;
    uint64_t haddr;
    CHECK(!section(&im, ".eh_frame_hdr", &hsize, &haddr),
          "unwind_static has a .eh_frame_hdr: not the case this test is for");
    /* Every FDE, counted by libdw's own reader (none has an empty range
     * here), is a row: CIEs of every augmentation ("zR", "zPLR", "zRS"). */
    size_t fdes = 0;
    Elf_Data data = { .d_buf = (void *)frame, .d_size = size, .d_type = ELF_T_BYTE };
    const unsigned char *ident = (const unsigned char *)elf_getident(im.elf, NULL);
    Dwarf_Off off = 0, next;
    Dwarf_CFI_Entry entry;
    while (ident && dwarf_next_cfi(ident, &data, true, off, &next, &entry) == 0) {
        if (!dwarf_cfi_cie_p(&entry))
            fdes++;
        off = next;
    }
    struct eh_index_entry *t = eh_frame_table(frame, size, addr, &n);
    CHECK(t && n > 500 && n == fdes, "%zu rows for %zu FDEs", n, fdes);
    CHECK(well_formed(t, n, size), "table not sorted or pointing outside .eh_frame");
    for (size_t i = 0; t && i < n; i++)     /* each row is an FDE: a non-zero CIE pointer */
        CHECK(rd32(frame + t[i].fde + 4) != 0, "row %zu names a CIE", i);
    free(t);

    unsigned char *copy = malloc(size);
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    int broken = 0;
    for (int round = 0; copy && round < 3000; round++) {
        memcpy(copy, frame, size);
        int patches = 1 + (int)(fuzz_rng(&rng) % 8);
        /* Most patches in the first few CIEs and FDEs, where one byte
         * changes the most rows; some anywhere. */
        size_t span = round % 4 == 0 ? size : (size < 512 ? size : 512);
        for (int k = 0; k < patches; k++)
            copy[fuzz_rng(&rng) % span] = (unsigned char)fuzz_rng(&rng);
        struct eh_index_entry *c = eh_frame_table(copy, size, addr, &n);
        if (!well_formed(c, n, size))
            broken++;
        free(c);
    }
    CHECK(broken == 0, "%d corrupted tables not sorted or pointing outside .eh_frame", broken);
    free(copy);
    elf_end(im.elf);
    free(im.bytes);
}

int main(void)
{
    same_as_linker();
    static_program();
    return check_status();
}
