/* fuzz_dwarf_entry.c — fuzz target for the call-site decoders behind entry
 * values (debugger/dwarf_entry.c).
 *
 * The input is a list of byte patches (two offset bytes, one value byte
 * each) applied to the .debug_info of tests/debuggee/symtab_entry (-O2
 * -g, full of DW_TAG_call_site and entry values), read once at start-up.
 * Each patched image is opened with libdw from memory and every DIE is
 * walked (bounded): for each call site, dwarf_call_site_find by its return
 * address, dwarf_call_site_parameter for every register and the value's
 * dwarf_expression_value in a made-up frame, dwarf_call_site_target; for
 * each DW_OP_entry_value in a parameter's location,
 * dwarf_entry_value_register.  Whatever the bytes, results must be
 * location kinds and errors one non-empty line; libdw's own refusals are
 * fine.  For "make check" gcc builds it with the driver below: a
 * fixed-seed generator patches for about a second (arguments replay
 * files instead).
 */
#include "fuzz_rng.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <elfutils/libdw.h>

#include "symtab_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *image;        /* the debuggee's bytes */
static size_t image_size;
static size_t info_off, info_size;  /* its .debug_info, in the file */
/* What the last input reached: the unpatched image must reach the call
 * sites' values and the entry values, or the fuzzing proves nothing. */
static int call_values_seen, entry_ops_seen;

/* Read the debuggee and find .debug_info; false if it cannot be. */
static bool load_image(void)
{
    const char *top = getenv("top_builddir");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/debuggee/symtab_entry", top && *top ? top : ".");
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return false;
    }
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    image = malloc(len > 0 ? (size_t)len : 1);
    image_size = image && len > 0 && fread(image, 1, (size_t)len, fp) == (size_t)len ? (size_t)len : 0;
    fclose(fp);
    elf_version(EV_CURRENT);
    Elf *elf = image_size ? elf_memory((char *)image, image_size) : NULL;
    size_t shstrndx;
    Elf_Scn *scn = NULL;
    if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0) {
        while ((scn = elf_nextscn(elf, scn))) {
            GElf_Shdr sh;
            const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
            if (name && strcmp(name, ".debug_info") == 0) {
                info_off = sh.sh_offset;
                info_size = sh.sh_size;
            }
        }
    }
    if (elf)
        elf_end(elf);
    if (!info_size || info_off + info_size > image_size) {
        fprintf(stderr, "%s: no .debug_info\n", path);
        return false;
    }
    return true;
}

static void check_loc(const struct var_loc *loc)
{
    switch (loc->kind) {
    case VLOC_MEMORY: case VLOC_REGISTER: case VLOC_VALUE: case VLOC_OPTIMIZED_OUT:
    case VLOC_PIECES:
        break;
    case VLOC_ERROR:
        if (loc->error[0] == '\0' || strchr(loc->error, '\n'))
            abort();
        break;
    default:
        abort();
    }
}

/* Everything dwarf_entry.c decodes about one call site under parent. */
static void fuzz_call_site(Dwarf_Die *parent, Dwarf_Die *site, const struct frame *f)
{
    Dwarf_Attribute a, value;
    Dwarf_Addr pc;
    Dwarf_Die found;
    addr_t target;
    if ((dwarf_attr(site, DW_AT_call_return_pc, &a) || dwarf_attr(site, DW_AT_low_pc, &a))
        && dwarf_formaddr(&a, &pc) == 0)
        (void)dwarf_call_site_find(parent, 1, pc, &found);
    for (uint64_t reg = 0; reg <= 16; reg++) {
        if (!dwarf_call_site_parameter(site, reg, &value))
            continue;
        struct var_loc v = dwarf_expression_value(NULL, f, parent, &value, 0, 0);
        check_loc(&v);
        call_values_seen++;
        if (v.kind != VLOC_VALUE && v.kind != VLOC_OPTIMIZED_OUT && v.kind != VLOC_ERROR)
            abort();    /* an expression's value, nothing else */
    }
    int k = dwarf_call_site_target(NULL, site, f, parent, 0, 0, &target);
    if (k < -1 || k > 1)
        abort();
}

/* Each DW_OP_entry_value in the parameter's location (every list entry). */
static void fuzz_parameter(Dwarf_Die *param)
{
    Dwarf_Attribute a;
    Dwarf_Addr base, start, end;
    Dwarf_Op *ops;
    size_t nops;
    ptrdiff_t off = 0;
    int entries = 0;
    if (!dwarf_attr(param, DW_AT_location, &a))
        return;
    while ((off = dwarf_getlocations(&a, off, &base, &start, &end, &ops, &nops)) > 0
           && entries++ < 64) {
        for (size_t i = 0; i < nops; i++) {
            uint64_t reg;
            if (ops[i].atom != DW_OP_entry_value && ops[i].atom != DW_OP_GNU_entry_value)
                continue;
            int k = dwarf_entry_value_register(&a, &ops[i], &reg);
            if (k < -1 || k > 1)
                abort();
            entry_ops_seen++;
        }
    }
}

#define MAX_DEPTH 32
#define MAX_DIES 20000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool loaded, ok;
    if (!loaded) {
        loaded = true;
        ok = load_image();
    }
    if (!ok)
        abort();
    call_values_seen = entry_ops_seen = 0;
    unsigned char *copy = malloc(image_size);
    if (!copy)
        return 0;
    memcpy(copy, image, image_size);
    for (size_t i = 0; i + 3 <= size; i += 3) {
        size_t at = ((size_t)data[i] | (size_t)data[i + 1] << 8) % info_size;
        copy[info_off + at] = data[i + 2];
    }
    struct frame f;
    memset(&f, 0, sizeof f);
    f.level = 1;
    f.pc = 0x1100;
    f.regs_valid = size & 1;
    f.regs.rdi = 5;
    Elf *elf = elf_memory((char *)copy, image_size);
    Dwarf *dw = elf ? dwarf_begin_elf(elf, DWARF_C_READ, NULL) : NULL;
    Dwarf_Off cu_off = 0, next;
    size_t hsize;
    int dies = 0;
    while (dw && dwarf_nextcu(dw, cu_off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die stack[MAX_DEPTH];
        int depth = 0;
        if (!dwarf_offdie(dw, cu_off + hsize, &stack[0]))
            break;
        cu_off = next;
        /* Pre-order walk: stack[d] is the current DIE at depth d. */
        for (;;) {
            Dwarf_Die *die = &stack[depth];
            if (++dies > MAX_DIES)
                break;
            int tag = dwarf_tag(die);
            if ((tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) && depth > 0)
                fuzz_call_site(&stack[depth - 1], die, &f);
            if (tag == DW_TAG_formal_parameter)
                fuzz_parameter(die);
            if (depth + 1 < MAX_DEPTH && dwarf_child(die, &stack[depth + 1]) == 0) {
                depth++;
                continue;
            }
            while (depth > 0 && dwarf_siblingof(&stack[depth], &stack[depth]) != 0)
                depth--;
            if (depth == 0)
                break;
        }
        if (dies > MAX_DIES)
            break;
    }
    if (dw)
        dwarf_end(dw);
    if (elf)
        elf_end(elf);
    free(copy);
    return 0;
}

#ifndef RTSDB_LIBFUZZER

/* ---- standalone driver ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;     /* fixed seed: deterministic */

static uint64_t rng(void)
{
    return fuzz_rng(&rng_state);
}

int main(int argc, char **argv)
{
    static uint8_t buf[3 * 64];
    if (argc > 1) {
        for (int a = 1; a < argc; a++) {
            FILE *fp = fopen(argv[a], "rb");
            if (!fp) {
                perror(argv[a]);
                return 1;
            }
            size_t n = fread(buf, 1, sizeof buf, fp);
            fclose(fp);
            LLVMFuzzerTestOneInput(buf, n);
        }
        return 0;
    }
    LLVMFuzzerTestOneInput(buf, 0);     /* the image as built */
    if (call_values_seen < 6 || entry_ops_seen < 2) {
        fprintf(stderr, "fuzz_dwarf_entry: the debuggee has %d call values and %d entry "
                "values, want at least 6 and 2\n", call_values_seen, entry_ops_seen);
        return 1;
    }
    size_t runs = 1;
    clock_t end = clock() + CLOCKS_PER_SEC;
    while (clock() < end) {
        /* One to 64 patches: a few bytes anywhere, or a burst in one place. */
        size_t patches = 1 + rng() % 64, len = 3 * patches;
        uint16_t at = (uint16_t)rng();
        for (size_t i = 0; i < len; i += 3) {
            uint16_t off = rng() % 2 ? (uint16_t)rng() : (uint16_t)(at + i / 3);
            buf[i] = (uint8_t)off;
            buf[i + 1] = (uint8_t)(off >> 8);
            buf[i + 2] = (uint8_t)rng();
        }
        LLVMFuzzerTestOneInput(buf, len);
        runs++;
    }
    printf("fuzz_dwarf_entry: %zu patched images, no crash\n", runs);
    return 0;
}

#endif
