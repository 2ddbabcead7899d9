/* dwarf_loc.c — where a DWARF variable lives in a given frame.
 *
 * Offers dwarf_variable_location: evaluates a variable's DW_AT_location
 * (an expression or the location list entry for the frame's pc) with the
 * frame's registers and frame base, giving a memory address, a register, a
 * computed value, a value assembled from pieces, "optimized out", or a
 * one-line error for an expression we cannot or must not evaluate
 * (Note [Optimized out]).  dwarf_location_eval is the evaluator alone;
 * dwarf_expression_value evaluates a call site's DWARF expression to a
 * value.  DW_OP_entry_value is resolved by dwarf_entry.c.
 *
 * Depends on: symtab_priv.h, libdw.  Reads target memory only through
 * symtab_read_memory (DW_OP_deref, memory pieces).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "symtab_priv.h"

/* Note [Optimized out]
 * ~~~~~~~~~~~~~~~~~~~~
 * Optimised code (the runtime is built -O2 -g) leaves many variables
 * without a value at a given pc.  DWARF says so in these ways, and each
 * is VLOC_OPTIMIZED_OUT here, which the value layer prints as gdb does,
 * "<optimized out>", never as memory at some made-up address:
 *   - the location list has no entry for the pc, or an empty expression
 *     (or an empty DW_OP_piece); an entry whose range is empty counts
 *     only at the function's first instruction, as in gdb (gcc's
 *     location views describe a parameter there so), and there, as in
 *     gdb, the first entry in list order that applies wins: the empty
 *     entry "n in rsi" before the entry "n is rsi - 1" that starts at the
 *     same address (after the first view), so a stop at the entry shows
 *     the value the function was called with;
 *   - the expression needs a register the frame does not have (no
 *     registers at all: a symtab without a process);
 *   - DW_OP_entry_value (the value a register had on entry) whose value
 *     the caller's call site does not give (Note [Entry values] in
 *     dwarf_entry.c says how it is found when it does, as in gdb);
 * A struct split by the compiler is described in DW_OP_piece parts, each
 * with its own location or none; VLOC_PIECES carries the assembled bytes
 * and a mask of the optimized-out ones, so "print p" shows
 * "{kept = 46, dropped = <optimized out>}" as gdb does.
 *
 * Call-clobbered registers (rax rcx rdx rsi rdi r8-r11) in a caller
 * frame: like gdb, we take them to hold what they hold in the callee (the
 * CFI does not mention them: "same value").  That is not a guess about the
 * callee.  gcc's variable tracking ends a register location at a call that
 * clobbers the register (a parameter in rdi becomes DW_OP_entry_value from
 * the call instruction on), so a location list entry that covers the call
 * (the lookup pc of a caller frame is the call instruction) naming rax
 * means gcc proved the callee leaves rax alone (-fipa-ra), and the value is
 * right.  Measured on tests/debuggee/symtab_optout.c: gdb 13 and rtsdb
 * both print p = {kept = ..., dropped = ...} from rax/rsi in the caller.
 *
 * Anything else we do not understand (an unknown opcode, a stack
 * underflow, a corrupt expression) is VLOC_ERROR with one line of text,
 * gdb's where gdb has one, so a corrupt expression is reported, not
 * guessed at and not crashed on (tests/fuzz/fuzz_dwarf_loc.c).
 */

#define LOC_STACK_MAX 64

/* The frame's register for a DWARF register number; false if unknown.
 * Caller frames' call-clobbered registers are "same value" as in the
 * callee, as in gdb (Note [Optimized out]). */
static bool dwarf_reg_value(const struct frame *f, uint64_t dwreg, uint64_t *out)
{
    int regno = dwreg > 16 ? -1 : regno_from_dwarf((int)dwreg);
    if (regno < 0 || !f->regs_valid)
        return false;
    *out = frame_reg(f, regno);
    return true;
}

/* The ops of attribute `attr` (on die) that apply at unbiased pc: 1 if
 * found, 0 if the attribute has no location at pc, -1 if it is corrupt. */
static int ops_at(Dwarf_Die *die, int attr, Dwarf_Addr pc, Dwarf_Attribute *a,
                  Dwarf_Op **ops, size_t *nops)
{
    if (!dwarf_attr_integrate(die, attr, a))
        return 0;
    Dwarf_Op *exprs[1];
    size_t lens[1];
    int n = dwarf_getlocation_addr(a, pc, exprs, lens, 1);
    if (n < 0)
        return -1;
    if (n == 0 || lens[0] == 0)
        return 0;
    *ops = exprs[0];
    *nops = lens[0];
    return 1;
}

/* Is unbiased pc the first instruction of function fn (its low pc, or
 * the start of its first non-empty range)? */
static bool at_function_entry(Dwarf_Die *fn, Dwarf_Addr pc)
{
    Dwarf_Addr low, base, start, end;
    ptrdiff_t off = 0;
    if (dwarf_lowpc(fn, &low) == 0)
        return low == pc;
    while ((off = dwarf_ranges(fn, off, &base, &start, &end)) > 0)
        if (start < end)
            return start == pc;
    return false;
}

/* The ops of a function's first instruction, by gdb's rule
 * (dwarf2_find_location_expression): the first entry of the list, in list
 * order, that either has the empty range [pc, pc) or covers pc.  gcc's
 * location views give a parameter its entry location in such an empty
 * entry, before the entries that describe it after the first "view" at
 * the same address (Note [Optimized out]).  Same answers as ops_at. */
static int entry_ops_at(Dwarf_Attribute *a, Dwarf_Addr pc, Dwarf_Op **ops, size_t *nops)
{
    Dwarf_Addr base, start, end;
    ptrdiff_t off = 0;
    int entries = 0;
    while ((off = dwarf_getlocations(a, off, &base, &start, &end, ops, nops)) > 0
           && entries++ < 4096) {
        if ((start == end && start == pc) || (start <= pc && pc < end))
            return *nops > 0;
    }
    return off < 0 ? -1 : 0;
}

int dwarf_location_at(Dwarf_Die *fn, Dwarf_Die *var, Dwarf_Addr pc, Dwarf_Attribute *a,
                      Dwarf_Op **ops, size_t *nops)
{
    if (fn && at_function_entry(fn, pc) && dwarf_attr_integrate(var, DW_AT_location, a))
        return entry_ops_at(a, pc, ops, nops);
    return ops_at(var, DW_AT_location, pc, a, ops, nops);
}

static void loc_error(struct var_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void loc_error(struct var_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    loc->kind = VLOC_ERROR;
    vsnprintf(loc->error, sizeof loc->error, fmt, ap);
    va_end(ap);
}

static bool is_reg_op(const Dwarf_Op *op)
{
    return (op->atom >= DW_OP_reg0 && op->atom <= DW_OP_reg31) || op->atom == DW_OP_regx;
}

/* What an expression is evaluated against: the frame, the attribute it
 * came from (for operands libdw keeps out of line), the frame base (NULL
 * while evaluating the frame base itself), the module bias, and how many
 * DW_OP_entry_value resolutions deep we are (Note [Entry values] in
 * dwarf_entry.c). */
struct loc_ctx {
    struct symtab *st;
    const struct frame *f;
    Dwarf_Attribute *attr;
    const uint64_t *frame_base;
    Dwarf_Addr bias;
    int depth;
};

/* DW_OP_entry_value(SUB): the value SUB had on entry to the frame's
 * function, found at the caller's call site; false (with loc set to
 * optimized out or an error) when it cannot be found. */
static bool entry_value_op(const struct loc_ctx *c, const Dwarf_Op *op, uint64_t *value,
                           struct var_loc *loc)
{
    uint64_t dwreg;
    if (!c->attr || !c->st)
        return false;       /* no DWARF to decode SUB from (fuzzing): optimized out */
    int k = dwarf_entry_value_register(c->attr, op, &dwreg);
    if (k < 0) {
        loc_error(loc, "Corrupted DWARF expression: bad DW_OP_entry_value");
        return false;
    }
    if (k == 0)
        return false;       /* not a plain register: gdb cannot either */
    struct var_loc v = dwarf_entry_value(c->st, c->f, dwreg, c->depth);
    if (v.kind != VLOC_VALUE) {
        *loc = v;
        return false;
    }
    *value = v.value;
    return true;
}

/* Evaluate one simple location (no pieces): a register, an address, a
 * value or nothing. */
static struct var_loc eval_simple(const struct loc_ctx *c, const Dwarf_Op *ops, size_t nops)
{
    struct symtab *st = c->st;
    const struct frame *f = c->f;
    const uint64_t *frame_base = c->frame_base;
    Dwarf_Addr bias = c->bias;
    struct var_loc loc = { .kind = VLOC_OPTIMIZED_OUT };
    uint64_t stack[LOC_STACK_MAX];
    size_t sp = 0;
    if (nops == 0)
        return loc;     /* an empty piece: optimized out */
    if (is_reg_op(&ops[0])) {
        uint64_t dwreg = ops[0].atom == DW_OP_regx ? ops[0].number
                                                   : (uint64_t)(ops[0].atom - DW_OP_reg0);
        int regno = dwreg > 16 ? -1 : regno_from_dwarf((int)dwreg);
        if (nops != 1)
            loc_error(&loc, "DWARF-2 expression error: DW_OP_reg operations must be "
                      "used either alone or in conjunction with DW_OP_piece or DW_OP_bit_piece.");
        else if (regno < 0)
            loc_error(&loc, "Unsupported DWARF register number %llu", (unsigned long long)dwreg);
        else if (f->regs_valid) {
            loc.kind = VLOC_REGISTER;
            loc.regno = regno;
        }
        return loc;
    }
#define UNDERFLOW() do { loc_error(&loc, "DWARF expression stack underflow"); return loc; } while (0)
#define PUSH(v) do { if (sp == LOC_STACK_MAX) { \
        loc_error(&loc, "DWARF expression stack overflow"); return loc; } \
        stack[sp++] = (v); } while (0)
#define NEED(k) do { if (sp < (k)) UNDERFLOW(); } while (0)
#define BINOP(expr) do { NEED(2); uint64_t b = stack[--sp], a = stack[sp - 1]; \
        (void)a; (void)b; stack[sp - 1] = (expr); } while (0)
    for (size_t i = 0; i < nops; i++) {
        const Dwarf_Op *op = &ops[i];
        uint64_t v;
        switch (op->atom) {
        case DW_OP_addr:
            PUSH(op->number + bias);
            break;
        case DW_OP_fbreg:
            if (!frame_base)
                return loc;
            PUSH(*frame_base + op->number);
            break;
        case DW_OP_breg0 ... DW_OP_breg31:
            if (!dwarf_reg_value(f, op->atom - DW_OP_breg0, &v))
                return loc;
            PUSH(v + op->number);
            break;
        case DW_OP_bregx:
            if (!dwarf_reg_value(f, op->number, &v))
                return loc;
            PUSH(v + op->number2);
            break;
        case DW_OP_call_frame_cfa:
            if (!f->cfa)
                return loc;
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
        case DW_OP_plus:  BINOP(a + b); break;
        case DW_OP_minus: BINOP(a - b); break;
        case DW_OP_mul:   BINOP(a * b); break;
        case DW_OP_and:   BINOP(a & b); break;
        case DW_OP_or:    BINOP(a | b); break;
        case DW_OP_xor:   BINOP(a ^ b); break;
        case DW_OP_shl:   BINOP(b >= 64 ? 0 : a << b); break;
        case DW_OP_shr:   BINOP(b >= 64 ? 0 : a >> b); break;
        case DW_OP_shra:  BINOP((uint64_t)((int64_t)a >> (b >= 64 ? 63 : b))); break;
        case DW_OP_eq:    BINOP(a == b); break;
        case DW_OP_ne:    BINOP(a != b); break;
        case DW_OP_lt:    BINOP((int64_t)a < (int64_t)b); break;
        case DW_OP_gt:    BINOP((int64_t)a > (int64_t)b); break;
        case DW_OP_le:    BINOP((int64_t)a <= (int64_t)b); break;
        case DW_OP_ge:    BINOP((int64_t)a >= (int64_t)b); break;
        case DW_OP_div:
        case DW_OP_mod:
            NEED(2);
            if (stack[sp - 1] == 0) {
                loc_error(&loc, "Division by zero");
                return loc;
            }
            if (op->atom == DW_OP_mod)
                BINOP(a % b);
            else if ((int64_t)stack[sp - 1] == -1)
                BINOP(0 - a);   /* INT64_MIN / -1 would trap */
            else
                BINOP((uint64_t)((int64_t)a / (int64_t)b));
            break;
        case DW_OP_neg:
            NEED(1);
            stack[sp - 1] = 0 - stack[sp - 1];
            break;
        case DW_OP_not:
            NEED(1);
            stack[sp - 1] = ~stack[sp - 1];
            break;
        case DW_OP_abs:
            NEED(1);
            if ((int64_t)stack[sp - 1] < 0)
                stack[sp - 1] = 0 - stack[sp - 1];
            break;
        case DW_OP_dup:
            NEED(1);
            v = stack[sp - 1];
            PUSH(v);
            break;
        case DW_OP_drop:
            NEED(1);
            sp--;
            break;
        case DW_OP_over:
            NEED(2);
            v = stack[sp - 2];
            PUSH(v);
            break;
        case DW_OP_pick:
            if (op->number >= sp)
                UNDERFLOW();
            v = stack[sp - 1 - op->number];
            PUSH(v);
            break;
        case DW_OP_swap:
            NEED(2);
            v = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = v;
            break;
        case DW_OP_rot:
            NEED(3);
            v = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = stack[sp - 3];
            stack[sp - 3] = v;
            break;
        case DW_OP_deref:
        case DW_OP_deref_size: {
            size_t n = op->atom == DW_OP_deref ? 8 : (size_t)op->number;
            NEED(1);
            if (n == 0 || n > 8) {
                loc_error(&loc, "Unsupported size %zu of DW_OP_deref_size", n);
                return loc;
            }
            v = 0;
            if (!st || symtab_read_memory(st, stack[sp - 1], &v, n) != 0) {
                loc_error(&loc, "Cannot access memory at address 0x%llx",
                          (unsigned long long)stack[sp - 1]);
                return loc;
            }
            stack[sp - 1] = v;
            break;
        }
        case DW_OP_stack_value:
            NEED(1);
            if (i + 1 != nops) {
                loc_error(&loc, "DWARF-2 expression error: DW_OP_stack_value must be "
                          "followed by DW_OP_piece or DW_OP_bit_piece.");
                return loc;
            }
            loc.kind = VLOC_VALUE;
            loc.value = stack[sp - 1];
            return loc;
        case DW_OP_implicit_value: {
            Dwarf_Block b;
            if (nops != 1 || !c->attr || dwarf_getlocation_implicit_value(c->attr, op, &b) != 0) {
                loc_error(&loc, "Corrupted DWARF expression: bad DW_OP_implicit_value");
                return loc;
            }
            loc.kind = VLOC_PIECES;
            loc.size = b.length < VLOC_MAX_BYTES ? b.length : VLOC_MAX_BYTES;
            memcpy(loc.bytes, b.data, loc.size);
            return loc;
        }
        case DW_OP_entry_value:
        case DW_OP_GNU_entry_value:
            if (!entry_value_op(c, op, &v, &loc))
                return loc;
            PUSH(v);
            break;
        case DW_OP_implicit_pointer:
        case DW_OP_GNU_implicit_pointer:
        case DW_OP_GNU_parameter_ref:
            return loc;     /* optimized out (Note [Optimized out]) */
        case DW_OP_nop:
            break;
        default:
            loc_error(&loc, "Unhandled dwarf expression opcode 0x%x", (unsigned)op->atom);
            return loc;
        }
    }
#undef PUSH
#undef NEED
#undef BINOP
#undef UNDERFLOW
    if (sp == 0) {
        loc_error(&loc, "DWARF expression stack underflow");
        return loc;
    }
    loc.kind = VLOC_MEMORY;
    loc.addr = stack[sp - 1];
    loc.value = stack[sp - 1];
    return loc;
}

/* Copy the `size` bytes of simple location `part` into pieces[at...],
 * marking them unavailable when it is optimized out.  False (with the
 * error in *out) when the part cannot be read. */
static bool put_piece(struct symtab *st, const struct frame *f, const struct var_loc *part,
                      size_t at, size_t size, struct var_loc *out)
{
    uint64_t v;
    switch (part->kind) {
    case VLOC_OPTIMIZED_OUT:
        for (size_t k = at; k < at + size; k++)
            out->unavailable |= 1ULL << k;
        return true;
    case VLOC_REGISTER:
        if (size > 8) {
            loc_error(out, "Piece of %zu bytes in one register", size);
            return false;
        }
        v = frame_reg(f, part->regno);
        memcpy(out->bytes + at, &v, size);
        return true;
    case VLOC_VALUE:
        v = part->value;
        memcpy(out->bytes + at, &v, size < 8 ? size : 8);
        return true;
    case VLOC_PIECES:   /* DW_OP_implicit_value */
        memcpy(out->bytes + at, part->bytes, size < part->size ? size : part->size);
        return true;
    case VLOC_MEMORY:
        if (!st || symtab_read_memory(st, part->addr, out->bytes + at, size) != 0) {
            loc_error(out, "Cannot access memory at address 0x%llx",
                      (unsigned long long)part->addr);
            return false;
        }
        return true;
    case VLOC_ERROR:
    default:
        *out = *part;
        return false;
    }
}

/* An expression made of DW_OP_piece parts: the bytes they give. */
static struct var_loc eval_pieces(const struct loc_ctx *c, const Dwarf_Op *ops, size_t nops)
{
    struct var_loc loc = { .kind = VLOC_PIECES };
    size_t start = 0;
    for (size_t i = 0; i < nops; i++) {
        if (ops[i].atom != DW_OP_piece && ops[i].atom != DW_OP_bit_piece)
            continue;
        if (ops[i].atom == DW_OP_bit_piece && (ops[i].number % 8 || ops[i].number2 % 8)) {
            loc_error(&loc, "Unsupported DW_OP_bit_piece of %llu bits at bit %llu",
                      (unsigned long long)ops[i].number, (unsigned long long)ops[i].number2);
            return loc;
        }
        size_t size = ops[i].atom == DW_OP_piece ? ops[i].number : ops[i].number / 8;
        if (size == 0 || size > VLOC_MAX_BYTES - loc.size) {
            loc_error(&loc, "Unsupported DW_OP_piece of %llu bytes at byte %zu",
                      (unsigned long long)ops[i].number, loc.size);
            return loc;
        }
        struct var_loc part = eval_simple(c, ops + start, i - start);
        if (part.kind == VLOC_MEMORY && ops[i].atom == DW_OP_bit_piece)
            part.addr += ops[i].number2 / 8;
        if (!put_piece(c->st, c->f, &part, loc.size, size, &loc))
            return loc;
        loc.size += size;
        start = i + 1;
    }
    if (start != nops)
        loc_error(&loc, "Corrupted DWARF expression: operations after the last DW_OP_piece");
    return loc;
}

static struct var_loc location_eval(const struct loc_ctx *c, const Dwarf_Op *ops, size_t nops)
{
    for (size_t i = 0; i < nops; i++)
        if (ops[i].atom == DW_OP_piece || ops[i].atom == DW_OP_bit_piece)
            return eval_pieces(c, ops, nops);
    return eval_simple(c, ops, nops);
}

struct var_loc dwarf_location_eval(struct symtab *st, const struct frame *f, Dwarf_Attribute *attr,
                                   const Dwarf_Op *ops, size_t nops, const uint64_t *frame_base,
                                   Dwarf_Addr bias)
{
    static const struct frame no_frame;
    struct loc_ctx c = { st, f ? f : &no_frame, attr, frame_base, bias, 0 };
    return location_eval(&c, ops, nops);
}

/* The function's frame base (DW_AT_frame_base) for frame f. */
static bool frame_base_of(struct symtab *st, const struct frame *f, Dwarf_Die *fn, Dwarf_Addr pc,
                          Dwarf_Addr bias, uint64_t *out)
{
    Dwarf_Attribute a;
    Dwarf_Op *ops;
    size_t nops;
    if (!fn || ops_at(fn, DW_AT_frame_base, pc, &a, &ops, &nops) != 1)
        return false;
    struct loc_ctx c = { st, f, &a, NULL, bias, 0 };
    struct var_loc loc = eval_simple(&c, ops, nops);
    if (loc.kind == VLOC_REGISTER)
        *out = frame_reg(f, loc.regno);
    else if (loc.kind == VLOC_MEMORY)
        *out = loc.addr;
    else
        return false;
    return true;
}

struct var_loc dwarf_variable_location(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                       Dwarf_Die *var, Dwarf_Addr bias)
{
    struct var_loc loc = { .kind = VLOC_OPTIMIZED_OUT };
    static const struct frame no_frame;
    Dwarf_Addr pc = f ? frame_lookup_pc(f) - bias : 0;
    Dwarf_Op *ops;
    size_t nops;
    if (!f)
        f = &no_frame;

    /* A constant folded away entirely. */
    Dwarf_Attribute a;
    if (dwarf_attr_integrate(var, DW_AT_const_value, &a)) {
        Dwarf_Sword s;
        Dwarf_Word u;
        Dwarf_Block b;
        if (dwarf_formsdata(&a, &s) == 0) {
            loc.kind = VLOC_VALUE;
            loc.value = (uint64_t)s;
        } else if (dwarf_formudata(&a, &u) == 0) {
            loc.kind = VLOC_VALUE;
            loc.value = u;
        } else if (dwarf_formblock(&a, &b) == 0) {
            loc.kind = VLOC_PIECES;
            loc.size = b.length < VLOC_MAX_BYTES ? b.length : VLOC_MAX_BYTES;
            memcpy(loc.bytes, b.data, loc.size);
        }
        return loc;
    }
    int found = dwarf_location_at(fn, var, pc, &a, &ops, &nops);
    if (found < 0) {
        loc_error(&loc, "Corrupted DWARF expression for symbol \"%.40s\"",
                  dwarf_diename(var) ? dwarf_diename(var) : "?");
        return loc;
    }
    if (found == 0)
        return loc;     /* no location at this pc: optimized out */
    uint64_t fb;
    bool have_fb = frame_base_of(st, f, fn, pc, bias, &fb);
    return dwarf_location_eval(st, f, &a, ops, nops, have_fb ? &fb : NULL, bias);
}

/* The value of DWARF expression `ops` (a DW_AT_call_value or
 * DW_AT_call_target: an expression, not a location) in frame f. */
struct var_loc dwarf_expression_value(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                      Dwarf_Attribute *attr, Dwarf_Addr bias, int depth)
{
    struct var_loc loc = { .kind = VLOC_OPTIMIZED_OUT };
    Dwarf_Op *ops;
    size_t nops;
    if (dwarf_getlocation(attr, &ops, &nops) != 0) {
        loc_error(&loc, "Corrupted DWARF expression in a call site");
        return loc;
    }
    uint64_t fb;
    Dwarf_Addr pc = frame_lookup_pc(f) - bias;
    bool have_fb = frame_base_of(st, f, fn, pc, bias, &fb);
    struct loc_ctx c = { st, f, attr, have_fb ? &fb : NULL, bias, depth };
    loc = location_eval(&c, ops, nops);
    switch (loc.kind) {
    case VLOC_MEMORY:       /* the value the expression left on the stack */
        loc.kind = VLOC_VALUE;
        loc.value = loc.addr;
        break;
    case VLOC_REGISTER:
        loc.kind = VLOC_VALUE;
        loc.value = frame_reg(f, loc.regno);
        break;
    case VLOC_PIECES:
        loc.kind = VLOC_OPTIMIZED_OUT;  /* not a scalar: gdb gives up too */
        break;
    default:
        break;
    }
    return loc;
}
