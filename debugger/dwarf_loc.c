/* dwarf_loc.c — where a DWARF variable lives in a given frame.
 *
 * Offers dwarf_variable_location: evaluates a variable's DW_AT_location
 * (an expression or a location list entry for the frame's pc) with the
 * frame's registers and frame base, giving a memory address, a register,
 * a computed value, or "optimized out".  Only the simple, common forms are
 * understood (what gcc and clang emit for unoptimised code, and most
 * optimised parameters); anything else is reported as optimized out rather
 * than guessed.
 *
 * Depends on: symtab_priv.h, libdw.  Reads target memory only through
 * symtab_read_memory (for DW_OP_deref).
 */
#include <string.h>
#include "symtab_priv.h"

#define LOC_STACK_MAX 16

/* Registers whose value in a caller frame is what it was at the call:
 * libunwind restores exactly these (and rsp/rip); the others are
 * clobbered by the call, so gdb reports them as not saved. */
static bool reg_known_in_frame(const struct frame *f, int regno)
{
    if (f->level == 0 || f->interrupted)
        return true;
    switch (regno) {
    case 1: case 6: case 7: case 12: case 13: case 14: case 15: case 16:
        return true;    /* rbx rbp rsp r12-r15 rip */
    default:
        return false;
    }
}

/* The frame's register for a DWARF register number; false if unknown. */
static bool dwarf_reg_value(const struct frame *f, unsigned dwreg, uint64_t *out)
{
    int regno = regno_from_dwarf((int)dwreg);
    if (regno < 0 || !f->regs_valid || !reg_known_in_frame(f, regno))
        return false;
    *out = frame_reg(f, regno);
    return true;
}

/* The ops of attribute `attr` (on die) that apply at unbiased pc. */
static bool ops_at(Dwarf_Die *die, int attr, Dwarf_Addr pc, Dwarf_Op **ops, size_t *nops)
{
    Dwarf_Attribute a;
    if (!dwarf_attr_integrate(die, attr, &a))
        return false;
    Dwarf_Op *exprs[1];
    size_t lens[1];
    int n = dwarf_getlocation_addr(&a, pc, exprs, lens, 1);
    if (n < 1 || lens[0] == 0)
        return false;
    *ops = exprs[0];
    *nops = lens[0];
    return true;
}

/* Evaluate a DWARF expression on a small stack.  frame_base may be NULL
 * (evaluating the frame base itself).  Sets *is_value when the result is a
 * value (DW_OP_stack_value) rather than an address.  False when the
 * expression uses something we do not support. */
static bool eval_ops(struct symtab *st, const struct frame *f, const Dwarf_Op *ops, size_t nops,
                     const uint64_t *frame_base, Dwarf_Addr bias, uint64_t *result,
                     bool *is_value)
{
    uint64_t stack[LOC_STACK_MAX];
    size_t sp = 0;
    *is_value = false;
#define PUSH(v) do { if (sp == LOC_STACK_MAX) return false; stack[sp++] = (v); } while (0)
#define NEED(k) do { if (sp < (k)) return false; } while (0)
    for (size_t i = 0; i < nops; i++) {
        const Dwarf_Op *op = &ops[i];
        uint64_t v;
        switch (op->atom) {
        case DW_OP_addr:
            PUSH(op->number + bias);
            break;
        case DW_OP_fbreg:
            if (!frame_base)
                return false;
            PUSH(*frame_base + op->number);
            break;
        case DW_OP_breg0 ... DW_OP_breg31:
            if (!dwarf_reg_value(f, op->atom - DW_OP_breg0, &v))
                return false;
            PUSH(v + op->number);
            break;
        case DW_OP_bregx:
            if (!dwarf_reg_value(f, (unsigned)op->number, &v))
                return false;
            PUSH(v + op->number2);
            break;
        case DW_OP_call_frame_cfa:
            if (!f->cfa)
                return false;
            PUSH(f->cfa);
            break;
        case DW_OP_lit0 ... DW_OP_lit31:
            PUSH(op->atom - DW_OP_lit0);
            break;
        case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u: case DW_OP_const2s:
        case DW_OP_const4u: case DW_OP_const4s: case DW_OP_const8u: case DW_OP_const8s:
        case DW_OP_constu: case DW_OP_consts:
            PUSH(op->number);
            break;
        case DW_OP_plus_uconst:
            NEED(1);
            stack[sp - 1] += op->number;
            break;
        case DW_OP_plus:
            NEED(2);
            stack[sp - 2] += stack[sp - 1];
            sp--;
            break;
        case DW_OP_minus:
            NEED(2);
            stack[sp - 2] -= stack[sp - 1];
            sp--;
            break;
        case DW_OP_dup:
            NEED(1);
            v = stack[sp - 1];
            PUSH(v);
            break;
        case DW_OP_deref:
            NEED(1);
            if (symtab_read_memory(st, stack[sp - 1], &v, sizeof v) != 0)
                return false;
            stack[sp - 1] = v;
            break;
        case DW_OP_stack_value:
            NEED(1);
            *result = stack[sp - 1];
            *is_value = true;
            return i + 1 == nops;
        default:
            return false;   /* pieces, entry values, TLS, ...: not cheap */
        }
    }
#undef PUSH
#undef NEED
    if (sp == 0)
        return false;
    *result = stack[sp - 1];
    return true;
}

/* The function's frame base (DW_AT_frame_base) for frame f. */
static bool frame_base_of(struct symtab *st, const struct frame *f, Dwarf_Die *fn, Dwarf_Addr pc,
                          Dwarf_Addr bias, uint64_t *out)
{
    Dwarf_Op *ops;
    size_t nops;
    bool is_value;
    if (!fn || !ops_at(fn, DW_AT_frame_base, pc, &ops, &nops))
        return false;
    if (nops == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
        return dwarf_reg_value(f, ops[0].atom - DW_OP_reg0, out);
    return eval_ops(st, f, ops, nops, NULL, bias, out, &is_value) && !is_value;
}

struct var_loc dwarf_variable_location(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                       Dwarf_Die *var, Dwarf_Addr bias)
{
    struct var_loc loc = { .kind = VLOC_OPTIMIZED_OUT };
    Dwarf_Addr pc = f ? frame_lookup_pc(f) - bias : 0;
    Dwarf_Op *ops;
    size_t nops;
    static const struct frame no_frame;
    if (!f)
        f = &no_frame;

    /* A constant folded away entirely. */
    Dwarf_Attribute a;
    if (dwarf_attr_integrate(var, DW_AT_const_value, &a)) {
        Dwarf_Sword s;
        Dwarf_Word u;
        if (dwarf_formsdata(&a, &s) == 0) {
            loc.kind = VLOC_VALUE;
            loc.value = (uint64_t)s;
        } else if (dwarf_formudata(&a, &u) == 0) {
            loc.kind = VLOC_VALUE;
            loc.value = u;
        }
        return loc;
    }
    if (!ops_at(var, DW_AT_location, pc, &ops, &nops))
        return loc;

    if (nops == 1 && ((ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
                      || ops[0].atom == DW_OP_regx)) {
        unsigned dwreg = ops[0].atom == DW_OP_regx ? (unsigned)ops[0].number
                                                   : (unsigned)(ops[0].atom - DW_OP_reg0);
        int regno = regno_from_dwarf((int)dwreg);
        if (regno >= 0 && f->regs_valid && reg_known_in_frame(f, regno)) {
            loc.kind = VLOC_REGISTER;
            loc.regno = regno;
        }
        return loc;
    }

    uint64_t fb, result;
    bool have_fb = frame_base_of(st, f, fn, pc, bias, &fb), is_value;
    if (!eval_ops(st, f, ops, nops, have_fb ? &fb : NULL, bias, &result, &is_value))
        return loc;
    loc.kind = is_value ? VLOC_VALUE : VLOC_MEMORY;
    loc.addr = result;
    loc.value = result;
    return loc;
}
