/* dwarf_entry.c — entry values: what a parameter register held when the
 * frame's function was entered, recovered from its caller's call site.
 *
 * Offers dwarf_entry_value (DW_OP_entry_value(DW_OP_regN) in a frame),
 * dwarf_parameter_entry_value (a parameter's value on entry, for gdb's
 * "n=n@entry=5" in frame lines) and the decoders they are built from:
 * dwarf_entry_register_of (the operand of DW_OP_entry_value),
 * dwarf_call_site_find (the DW_TAG_call_site at a return address),
 * dwarf_call_site_parameter (its DW_TAG_call_site_parameter for a
 * register) and dwarf_call_site_target (the function it calls).  See
 * Note [Entry values].
 *
 * Depends on: symtab_priv.h (scopes, the caller's frame from the
 * unwinder, the expression evaluator in dwarf_loc.c), libdw.  Knows
 * nothing of commands or output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "symtab_priv.h"

/* Note [Entry values]
 * ~~~~~~~~~~~~~~~~~~~
 * At -O2 gcc lets a parameter's register die once the parameter is no
 * longer needed, and describes the parameter from then on as
 * DW_OP_entry_value(DW_OP_reg5) DW_OP_stack_value: "what rdi held when
 * this function was entered".  The callee cannot know; the caller can.
 * For each call it makes, the caller's DWARF has a DW_TAG_call_site
 * (DW_TAG_GNU_call_site before DWARF 5) keyed by the return address
 * (DW_AT_call_return_pc, or DW_AT_low_pc in the GNU form), naming the
 * callee (DW_AT_call_origin, or DW_AT_call_target: an expression for an
 * indirect call), with one DW_TAG_call_site_parameter per argument it can
 * describe: DW_AT_location the register the argument is passed in,
 * DW_AT_call_value a DWARF expression for its value, valid in the
 * caller's frame at the return address (a constant, or a callee-saved
 * register, or itself an entry value of the caller's own parameters).
 *
 * We resolve it as gdb 13 does (dwarf_expr_reg_to_entry_parameter):
 *   1. the frame's real function (an inlined frame uses the function it
 *      is inlined into) and its entry address;
 *   2. the caller's machine frame, unwound again from the frame's
 *      registers (unwind_caller); none past main, as gdb;
 *   3. the call site at the caller's pc (the return address) among the
 *      scopes that hold the call instruction;
 *   4. its target must be the function of step 1 — otherwise the frame
 *      was reached some other way (a tail call) and the call site
 *      describes a different call;
 *   5. the parameter whose location is the register; its DW_AT_call_value
 *      evaluated in the caller's frame, where callee-saved registers are
 *      exact and call-clobbered ones are "same value" (Note [Optimized
 *      out] in dwarf_loc.c), which is gdb's rule and gives gdb's answers.
 * Any step that fails makes the value <optimized out>, never an error,
 * since DWARF promises nothing here (gdb's NO_ENTRY_VALUE_ERROR is silent
 * too); a call site entry that is corrupt gives one line of error.  Call
 * values that are entry values themselves recurse, at most
 * ENTRY_DEPTH_MAX callers deep.
 *
 * The frame line shows more than the current value: gdb's default
 * "print entry-values" prints a parameter's value on entry beside its
 * current one, "n=n@entry=5" when they agree, "n=12, n@entry=7" when the
 * function changed it, "n=<optimized out>, n@entry=5" when only the entry
 * value is known.  gdb's rule (read_frame_arg) reads both values and
 * compares their bytes over the type's length; it never decides from the
 * expressions (a location that is itself DW_OP_entry_value is equal
 * because its value is), and an entry value that is optimized out or not
 * found is left out silently.  frame.c's put_argument does the same.  So
 * where the two disagree it is a value that differs: at a function's
 * first instruction gdb takes the first location-list entry in list
 * order, gcc's empty "n in rsi" entry, where we once took the "rsi - 1"
 * entry after it and printed "n=2" for gdb's "n=n@entry=3", or
 * "p=0x...+4, p@entry=0x..." for a pointer walked from the start, at
 * every step into such a function (Note [Optimized out] in dwarf_loc.c).  The value on entry is found from the parameter's
 * location at the real function's first instruction: when that is a
 * single register, it is that register's entry value
 * (dwarf_parameter_entry_value).  For a parameter of an inlined function
 * that is the real function's entry too, as in gdb (get_frame_func), so
 * only an inlined call at the very start has entry values (measured on
 * the runtime's forEachPtrField, where each() is inlined: gdb shows none
 * for each's parameters).  gdb can also match a parameter at a
 * stack offset (DW_OP_fbreg) with a call-site parameter at an offset of
 * the caller's stack pointer; gcc 12 emits none for the stack arguments
 * of tests/debuggee/symtab_entry.c (gdb shows "g=7, h=8" there), and we
 * do not look for them.
 *
 * Not done: gdb refuses entry values in a function that can reach itself
 * through tail calls (func_verify_no_selftailcall), since the call site
 * found may then belong to an outer activation.  We check the direct case
 * only (the function tail-calls itself).
 */

#define ENTRY_DEPTH_MAX 8

int dwarf_entry_register_of(const Dwarf_Op *sub, size_t nsub, uint64_t *dwreg)
{
    if (nsub != 1)
        return 0;
    if (sub[0].atom >= DW_OP_reg0 && sub[0].atom <= DW_OP_reg31) {
        *dwreg = sub[0].atom - DW_OP_reg0;
        return 1;
    }
    if (sub[0].atom == DW_OP_regx) {
        *dwreg = sub[0].number;
        return 1;
    }
    return 0;
}

int dwarf_entry_value_register(Dwarf_Attribute *attr, const Dwarf_Op *op, uint64_t *dwreg)
{
    Dwarf_Attribute sub_attr;
    Dwarf_Op *sub;
    size_t nsub;
    if (dwarf_getlocation_attr(attr, op, &sub_attr) != 0
        || dwarf_getlocation(&sub_attr, &sub, &nsub) != 0)
        return -1;
    return dwarf_entry_register_of(sub, nsub, dwreg);
}

/* The address a function (or inlined instance) starts at, unbiased: its
 * low pc, or the first of its non-empty ranges (gdb's BLOCK_ENTRY_PC). */
static bool die_entry_pc(Dwarf_Die *die, Dwarf_Addr *out)
{
    Dwarf_Addr base, start, end;
    ptrdiff_t off = 0;
    if (dwarf_lowpc(die, out) == 0)
        return true;
    while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0)
        if (start < end) {
            *out = start;
            return true;
        }
    return false;
}

static bool is_call_site(Dwarf_Die *die)
{
    int tag = dwarf_tag(die);
    return tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site;
}

bool dwarf_call_site_find(Dwarf_Die *scopes, int nscopes, Dwarf_Addr return_pc, Dwarf_Die *site)
{
    /* gcc puts a call site in the innermost scope holding the call. */
    for (int i = 0; i < nscopes; i++) {
        Dwarf_Die child;
        if (dwarf_child(&scopes[i], &child) != 0)
            continue;
        do {
            Dwarf_Attribute a;
            Dwarf_Addr pc;
            if (!is_call_site(&child))
                continue;
            if (!dwarf_attr(&child, DW_AT_call_return_pc, &a)
                && !dwarf_attr(&child, DW_AT_low_pc, &a))
                continue;
            if (dwarf_formaddr(&a, &pc) == 0 && pc == return_pc) {
                *site = child;
                return true;
            }
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    return false;
}

bool dwarf_call_site_parameter(Dwarf_Die *site, uint64_t dwreg, Dwarf_Attribute *value)
{
    Dwarf_Die child;
    if (dwarf_child(site, &child) != 0)
        return false;
    do {
        int tag = dwarf_tag(&child);
        Dwarf_Attribute a;
        Dwarf_Op *ops;
        size_t nops;
        uint64_t reg;
        if (tag != DW_TAG_call_site_parameter && tag != DW_TAG_GNU_call_site_parameter)
            continue;
        if (!dwarf_attr(&child, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &nops) != 0
            || dwarf_entry_register_of(ops, nops, &reg) != 1 || reg != dwreg)
            continue;
        return dwarf_attr(&child, DW_AT_call_value, value)
               || dwarf_attr(&child, DW_AT_GNU_call_site_value, value);
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

/* The address of the function a DIE names: its entry pc if it has code,
 * else (a declaration) its ELF symbol. */
static bool function_addr(struct symtab *st, Dwarf_Die *fn, Dwarf_Addr bias, addr_t *out)
{
    Dwarf_Addr pc;
    if (die_entry_pc(fn, &pc)) {
        *out = pc + bias;
        return true;
    }
    Dwarf_Attribute a;
    const char *name = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_linkage_name, &a));
    if (!name)
        name = dwarf_diename(fn);
    struct sym_info si;
    if (!st || !name || !symtab_lookup_name(st, name, &si))
        return false;
    *out = si.addr;
    return true;
}

int dwarf_call_site_target(struct symtab *st, Dwarf_Die *site, const struct frame *caller,
                           Dwarf_Die *caller_fn, Dwarf_Addr bias, int depth, addr_t *target)
{
    Dwarf_Attribute a;
    Dwarf_Die origin;
    if (dwarf_attr(site, DW_AT_call_origin, &a) || dwarf_attr(site, DW_AT_abstract_origin, &a)) {
        if (!dwarf_formref_die(&a, &origin))
            return -1;
        return function_addr(st, &origin, bias, target) ? 1 : 0;
    }
    if (!caller)
        return 0;
    if (dwarf_attr(site, DW_AT_call_target, &a) || dwarf_attr(site, DW_AT_GNU_call_site_target, &a)) {
        struct var_loc v = dwarf_expression_value(st, caller, caller_fn, &a, bias, depth);
        if (v.kind == VLOC_ERROR)
            return -1;
        if (v.kind != VLOC_VALUE)
            return 0;
        *target = v.value;
        return 1;
    }
    return 0;
}

/* Does function fn tail-call itself directly (a call site marked as a
 * tail call whose origin is fn)?  Its entry values are then unreliable
 * (Note [Entry values]). */
static bool tail_calls_itself(struct symtab *st, Dwarf_Die *fn, Dwarf_Addr bias, addr_t fn_addr)
{
    Dwarf_Die stack[16];
    int sp = 0;
    stack[sp++] = *fn;
    while (sp > 0) {
        Dwarf_Die die = stack[--sp], child;
        if (dwarf_child(&die, &child) != 0)
            continue;
        do {
            int tag = dwarf_tag(&child);
            addr_t target;
            if (is_call_site(&child)) {
                if ((dwarf_hasattr(&child, DW_AT_call_tail_call)
                     || dwarf_hasattr(&child, DW_AT_GNU_tail_call))
                    && dwarf_call_site_target(st, &child, NULL, NULL, bias, 0, &target) == 1
                    && target == fn_addr)
                    return true;
            } else if ((tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine)
                       && sp < 16) {
                stack[sp++] = child;
            }
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    return false;
}

struct var_loc dwarf_entry_value(struct symtab *st, const struct frame *f, uint64_t dwreg,
                                 int depth)
{
    struct var_loc loc = { .kind = VLOC_OPTIMIZED_OUT };
    Dwarf_Die *scopes = NULL, *cscopes = NULL;
    Dwarf_Addr bias, cbias, entry;
    struct frame caller;
    Dwarf_Die site;
    Dwarf_Attribute value;
    addr_t target = 0;
    if (!st || !f || depth >= ENTRY_DEPTH_MAX)
        return loc;
    /* 1. The real function and where it starts. */
    int n = symtab_pc_scopes(st, frame_lookup_pc(f), &scopes, &bias);
    if (n <= 0 || !die_entry_pc(&scopes[n - 1], &entry))
        goto out;
    /* 2, 3. The caller and its call site at the return address. */
    if (!unwind_caller(st, f, &caller))
        goto out;
    int cn = symtab_pc_scopes(st, frame_lookup_pc(&caller), &cscopes, &cbias);
    if (cn <= 0 || !dwarf_call_site_find(cscopes, cn, caller.pc - cbias, &site))
        goto out;
    /* 4. It calls this function, which does not tail-call itself. */
    int k = dwarf_call_site_target(st, &site, &caller, &cscopes[cn - 1], cbias, depth + 1,
                                   &target);
    if (k < 0) {
        snprintf(loc.error, sizeof loc.error, "Corrupted DWARF call site at 0x%llx",
                 (unsigned long long)caller.pc);
        loc.kind = VLOC_ERROR;
        goto out;
    }
    if (k == 0 || target != entry + bias || tail_calls_itself(st, &scopes[n - 1], bias, target))
        goto out;
    /* 5. The argument passed in the register, in the caller's frame. */
    if (dwarf_call_site_parameter(&site, dwreg, &value))
        loc = dwarf_expression_value(st, &caller, &cscopes[cn - 1], &value, cbias, depth + 1);
out:
    free(scopes);
    free(cscopes);
    return loc;
}

bool dwarf_parameter_entry_value(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                 Dwarf_Die *param, uint64_t *value)
{
    Dwarf_Addr entry;
    Dwarf_Attribute a;
    Dwarf_Op *ops;
    size_t nops;
    uint64_t dwreg;
    if (!die_entry_pc(fn, &entry) || dwarf_location_at(fn, param, entry, &a, &ops, &nops) != 1
        || dwarf_entry_register_of(ops, nops, &dwreg) != 1)
        return false;
    struct var_loc loc = dwarf_entry_value(st, f, dwreg, 0);
    if (loc.kind != VLOC_VALUE)
        return false;
    *value = loc.value;
    return true;
}
