/* test_dwarf_entry.c — the decoders behind entry values (debugger/dwarf_entry.c).
 *
 * Loads tests/debuggee/symtab_entry (-O2 -g) with symtab_load_file (no
 * process) and checks, against what its source says gcc must emit:
 *   - dwarf_entry_register_of accepts a lone DW_OP_regN/regx only;
 *   - each call in main is found by its return address
 *     (dwarf_call_site_find), names the function called
 *     (dwarf_call_site_target: lost_after_call's address; the call
 *     through a pointer names none without the caller's registers), and
 *     gives the constant argument in rdi (dwarf_call_site_parameter, its
 *     value evaluated by dwarf_expression_value): 5, 7, 11, 20, 30;
 *   - no parameter for a register the call does not pass, no call site
 *     at an address that is not a return address;
 *   - chain_outer's call of chain_inner passes an entry value plus one
 *     (DW_OP_entry_value(DW_OP_reg5) DW_OP_plus_uconst 1), which without
 *     a caller frame resolves to <optimized out>, not to a made-up value;
 *   - lost_after_call's n has an entry value location after the call.
 */
#include <stdlib.h>
#include <string.h>
#include "symtab_priv.h"
#include "test_symtab_check.h"

/* Every call site directly under main's DIE, in order. */
static int main_call_sites(struct symtab *st, Dwarf_Die *main_die, Dwarf_Addr *bias,
                           Dwarf_Die *sites, int max)
{
    struct sym_info si;
    int n = 0;
    if (!symtab_lookup_name(st, "main", &si) || !symtab_function_die(st, si.addr, main_die, bias))
        return 0;
    Dwarf_Die child;
    if (dwarf_child(main_die, &child) != 0)
        return 0;
    do {
        int tag = dwarf_tag(&child);
        if ((tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) && n < max)
            sites[n++] = child;
    } while (dwarf_siblingof(&child, &child) == 0);
    return n;
}

static addr_t return_pc(Dwarf_Die *site)
{
    Dwarf_Attribute a;
    Dwarf_Addr pc = 0;
    if (dwarf_attr(site, DW_AT_call_return_pc, &a) || dwarf_attr(site, DW_AT_low_pc, &a))
        dwarf_formaddr(&a, &pc);
    return pc;
}

static void check_register_of(void)
{
    uint64_t r = 99;
    Dwarf_Op reg5 = { .atom = DW_OP_reg5 }, regx = { .atom = DW_OP_regx, .number = 17 };
    Dwarf_Op breg5 = { .atom = DW_OP_breg5 }, two[2] = { { .atom = DW_OP_reg5 },
                                                          { .atom = DW_OP_stack_value } };
    CHECK(dwarf_entry_register_of(&reg5, 1, &r) == 1 && r == 5, "reg5 -> %llu",
          (unsigned long long)r);
    CHECK(dwarf_entry_register_of(&regx, 1, &r) == 1 && r == 17, "regx 17");
    CHECK(dwarf_entry_register_of(&breg5, 1, &r) == 0, "breg5 is not a register");
    CHECK(dwarf_entry_register_of(two, 2, &r) == 0, "two ops");
    CHECK(dwarf_entry_register_of(NULL, 0, &r) == 0, "no ops");
}

int main(void)
{
    char path[4096], err[256];
    check_register_of();
    struct symtab *st = symtab_load_file(debuggee_path("symtab_entry", path, sizeof path),
                                         err, sizeof err);
    CHECK(st != NULL, "load %s: %s", path, err);
    if (!st)
        return 1;
    Dwarf_Die main_die, sites[16];
    Dwarf_Addr bias = 0;
    int n = main_call_sites(st, &main_die, &bias, sites, 16);
    CHECK(n >= 6, "main has %d call sites, want 6 or more", n);

    /* A frame of main's at each return address: rdi and friends unknown
     * (regs_valid false), so only constants evaluate. */
    struct frame f;
    memset(&f, 0, sizeof f);
    f.level = 1;
    static const int want[] = { 5, 7, 11, 20, 30 };
    int found = 0;
    for (int i = 0; i < n; i++) {
        Dwarf_Die site;
        Dwarf_Attribute value;
        addr_t pc = return_pc(&sites[i]);
        CHECK(dwarf_call_site_find(&main_die, 1, pc, &site)
              && dwarf_dieoffset(&site) == dwarf_dieoffset(&sites[i]),
              "site %d found at its return pc 0x%lx", i, (unsigned long)pc);
        CHECK(!dwarf_call_site_find(&main_die, 1, pc + 1, &site), "no site at pc + 1");
        CHECK(!dwarf_call_site_parameter(&sites[i], 15, &value), "no r15 argument");
        if (!dwarf_call_site_parameter(&sites[i], 5, &value))
            continue;
        f.pc = pc + bias;
        struct var_loc v = dwarf_expression_value(st, &f, &main_die, &value, bias, 0);
        if (v.kind == VLOC_VALUE && found < 5 && v.value == (uint64_t)want[found])
            found++;
        if (i == 0) {
            struct sym_info callee;
            addr_t target = 0;
            CHECK(symtab_lookup_name(st, "lost_after_call", &callee), "lost_after_call");
            CHECK(dwarf_call_site_target(st, &sites[i], NULL, NULL, bias, 0, &target) == 1
                  && target == callee.addr, "first call: lost_after_call at 0x%lx, got 0x%lx",
                  (unsigned long)callee.addr, (unsigned long)target);
            CHECK(v.kind == VLOC_VALUE && v.value == 5, "lost_after_call(5): kind %d", v.kind);
        }
    }
    CHECK(found == 5, "rdi arguments 5, 7, 11, 20, 30 in order: %d found", found);

    /* The call through via_pointer_ptr names no callee. */
    int indirect = 0;
    for (int i = 0; i < n; i++) {
        addr_t target;
        if (dwarf_call_site_target(st, &sites[i], NULL, NULL, bias, 0, &target) == 0)
            indirect++;
    }
    CHECK(indirect >= 1, "an indirect call in main");

    /* chain_outer -> chain_inner passes entry_value(rdi) + 1. */
    struct sym_info si;
    Dwarf_Die outer, child, value_site;
    Dwarf_Attribute value;
    bool chained = false;
    CHECK(symtab_lookup_name(st, "chain_outer", &si) && symtab_function_die(st, si.addr, &outer, &bias),
          "chain_outer DIE");
    if (dwarf_child(&outer, &child) == 0) {
        do {
            if ((dwarf_tag(&child) == DW_TAG_call_site || dwarf_tag(&child) == DW_TAG_GNU_call_site)
                && dwarf_call_site_parameter(&child, 5, &value)) {
                Dwarf_Op *ops;
                size_t nops;
                uint64_t reg;
                value_site = child;
                chained = dwarf_getlocation(&value, &ops, &nops) == 0 && nops >= 1
                          && (ops[0].atom == DW_OP_entry_value || ops[0].atom == DW_OP_GNU_entry_value)
                          && dwarf_entry_value_register(&value, &ops[0], &reg) == 1 && reg == 5;
                f.pc = return_pc(&value_site) + bias;
                struct var_loc v = dwarf_expression_value(st, &f, &outer, &value, bias, 0);
                CHECK(v.kind == VLOC_OPTIMIZED_OUT, "entry value without a caller: kind %d", v.kind);
            }
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    CHECK(chained, "chain_outer passes DW_OP_entry_value(DW_OP_reg5) + 1");

    /* No process: the entry value of any register is unknown. */
    struct var_loc none = dwarf_entry_value(st, &f, 5, 0);
    CHECK(none.kind == VLOC_OPTIMIZED_OUT, "no caller frame: kind %d", none.kind);
    symtab_free(st);
    return check_status();
}
