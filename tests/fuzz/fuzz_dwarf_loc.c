/* fuzz_dwarf_loc.c — fuzz target for the DWARF location evaluator
 * (debugger/dwarf_loc.c, dwarf_location_eval).
 *
 * LLVMFuzzerTestOneInput decodes the input as a DWARF expression (each op
 * an opcode byte, mostly from the opcodes the evaluator knows, and two
 * operands) and evaluates it in a made-up frame 0 or caller frame, with
 * and without a frame base.  Whatever the bytes, the result must be one of
 * the location kinds, pieces must fit the value buffer, and an error must
 * be one non-empty line; dwarf_entry_register_of (DW_OP_entry_value's
 * operand) must name a register for a lone DW_OP_reg op only.  For "make
 * check" gcc builds it with the driver below: a fixed-seed generator makes
 * random and mutated expressions for about a second (arguments replay
 * files instead).
 */
#include "fuzz_rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symtab_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Opcodes worth hitting often: everything the evaluator handles, and its
 * neighbours. */
static const uint8_t known_ops[] = {
    DW_OP_addr, DW_OP_deref, DW_OP_const1u, DW_OP_const1s, DW_OP_const8u, DW_OP_constu,
    DW_OP_consts, DW_OP_dup, DW_OP_drop, DW_OP_over, DW_OP_pick, DW_OP_swap, DW_OP_rot,
    DW_OP_abs, DW_OP_and, DW_OP_div, DW_OP_minus, DW_OP_mod, DW_OP_mul, DW_OP_neg,
    DW_OP_not, DW_OP_or, DW_OP_plus, DW_OP_plus_uconst, DW_OP_shl, DW_OP_shr, DW_OP_shra,
    DW_OP_xor, DW_OP_eq, DW_OP_lt, DW_OP_ne, DW_OP_lit0, DW_OP_lit7, DW_OP_lit31,
    DW_OP_reg0, DW_OP_reg5, DW_OP_reg16, DW_OP_reg31, DW_OP_regx, DW_OP_breg0, DW_OP_breg7,
    DW_OP_breg31, DW_OP_bregx, DW_OP_fbreg, DW_OP_piece, DW_OP_bit_piece, DW_OP_deref_size,
    DW_OP_nop, DW_OP_call_frame_cfa, DW_OP_implicit_value, DW_OP_stack_value,
    DW_OP_entry_value, DW_OP_GNU_entry_value, DW_OP_implicit_pointer, DW_OP_skip,
};

#define MAX_OPS 64

static uint64_t get_u64(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    memcpy(&v, p, n < 8 ? n : 8);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Dwarf_Op ops[MAX_OPS];
    size_t nops = 0;
    if (size < 1)
        return 0;
    struct frame f;
    memset(&f, 0, sizeof f);
    f.level = data[0] & 1;
    f.regs_valid = (data[0] & 2) == 0;
    f.cfa = (data[0] & 4) ? 0x7ffc0000 : 0;
    f.regs.rsp = 0x7ffc0000;
    f.regs.rax = 0xfffffffffffffff0ULL;
    f.regs.rdi = 5;
    uint64_t fb = 0x7ffc0100;
    const uint64_t *frame_base = (data[0] & 8) ? &fb : NULL;
    size_t i = 1;
    /* Each op: a selector byte, then operands of 1, 2 or 8 bytes by its
     * top bits, so short inputs still give small, interesting numbers. */
    while (i < size && nops < MAX_OPS) {
        uint8_t sel = data[i++];
        Dwarf_Op *op = &ops[nops];
        memset(op, 0, sizeof *op);
        op->atom = (sel & 0x80) ? known_ops[sel % sizeof known_ops] : sel;
        size_t width = (sel & 0x40) ? 8 : (sel & 0x20) ? 2 : 1;
        size_t n = size - i < width ? size - i : width;
        op->number = get_u64(data + i, n);
        i += n;
        n = size - i < width ? size - i : width;
        op->number2 = get_u64(data + i, n);
        i += n;
        op->offset = nops;
        nops++;
    }
    struct var_loc loc = dwarf_location_eval(NULL, &f, NULL, ops, nops, frame_base, 0x1000);
    switch (loc.kind) {
    case VLOC_MEMORY: case VLOC_REGISTER: case VLOC_VALUE: case VLOC_OPTIMIZED_OUT:
        break;
    case VLOC_PIECES:
        if (loc.size > VLOC_MAX_BYTES)
            abort();
        break;
    case VLOC_ERROR:
        if (loc.error[0] == '\0' || strchr(loc.error, '\n'))
            abort();    /* errors are one non-empty line */
        break;
    default:
        abort();
    }
    if (loc.kind == VLOC_REGISTER && (loc.regno < 0 || loc.regno >= RD_NUM_REGS))
        abort();
    /* The same ops as the operand of a DW_OP_entry_value (dwarf_entry.c):
     * a register only for one DW_OP_reg op. */
    uint64_t reg = 0;
    int k = dwarf_entry_register_of(ops, nops, &reg);
    if (k != 0 && (k != 1 || nops != 1
                   || !((ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
                        || ops[0].atom == DW_OP_regx)))
        abort();
    return 0;
}

#ifndef RTSDB_LIBFUZZER

/* ---- standalone driver ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;     /* fixed seed: deterministic */

static uint64_t rng(void)
{
    return fuzz_rng(&rng_state);
}

static int replay(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return 1;
    }
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int a = 1; a < argc; a++)
            if (replay(argv[a]) != 0)
                return 1;
        return 0;
    }
    /* Seeds: well-formed expressions the evaluator should accept. */
    static const uint8_t seeds[][16] = {
        { 0, 0x80 | 43 /* fbreg */, 0xf0, 0 },
        { 1, 0x80 | 46 /* piece */, 4, 0 },
        { 0, DW_OP_breg7, 8, 0, DW_OP_lit3, 0, 0, DW_OP_mul, 0, 0, DW_OP_stack_value, 0, 0 },
        { 0, DW_OP_reg0, 0, 0, DW_OP_piece, 4, 0, DW_OP_piece, 4, 0 },
        { 2, DW_OP_lit1, 0, 0, DW_OP_lit0, 0, 0, DW_OP_div, 0, 0 },
        { 0, DW_OP_addr, 0x10, 0, DW_OP_deref, 0, 0 },
    };
    uint8_t buf[256];
    size_t runs = 0;
    clock_t end = clock() + CLOCKS_PER_SEC;
    while (clock() < end) {
        for (int k = 0; k < 256; k++, runs++) {
            size_t len;
            if (rng() % 2) {
                const uint8_t *s = seeds[rng() % (sizeof seeds / sizeof seeds[0])];
                len = 16;
                memcpy(buf, s, len);
                for (int m = (int)(rng() % 4); m >= 0; m--)
                    buf[rng() % len] = (uint8_t)rng();
            } else {
                len = 1 + rng() % (sizeof buf - 1);
                for (size_t j = 0; j < len; j++)
                    buf[j] = (uint8_t)rng();
            }
            LLVMFuzzerTestOneInput(buf, len);
        }
    }
    printf("fuzz_dwarf_loc: %zu expressions, no crash\n", runs);
    return 0;
}

#endif
