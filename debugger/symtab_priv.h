/* symtab_priv.h — what the symtab's own files share, and nothing else may use.
 *
 * symtab.c owns the libdwfl session (modules, ELF symbols, lines); unwind.c,
 * frame.c, dwarf_loc.c and dwarf_types.c reach DWARF through the helpers
 * below.  Commands and other parts use symtab.h only.
 *
 * Depends on: symtab.h, types.h, elfutils libdwfl.
 */
#ifndef RTSDB_SYMTAB_PRIV_H
#define RTSDB_SYMTAB_PRIV_H

#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include "symtab.h"
#include "types.h"

struct sym_entry;           /* symtab.c: sorted name index */
struct dwarf_cache;         /* dwarf_types.c: DIE -> rd_type, name index */
struct eh_index;            /* unwind_table.c: a module's .eh_frame search table */

struct symtab {
    struct target *t;       /* NULL for a symtab loaded from a file alone */
    Dwfl *dwfl;
    int core_fd;            /* cores: the ELF core libdwfl reads notes from */
    Elf *core_elf;
    struct rd_module *mods; /* symtab_modules() */
    Dwfl_Module **dwmods;   /* parallel to mods */
    bool *is_main;          /* parallel to mods: the executable, not a library */
    size_t nmods;
    struct sym_entry *syms; /* built on first name lookup: sorted by name */
    struct sym_entry *syms_by_addr; /* the same, sorted by address then name */
    size_t nsyms;
    struct dwarf_cache *dc; /* built on first type/variable lookup */
    uint64_t maps_signature;/* live: file mappings when modules were last read */
    struct eh_index *eh_index;  /* unwind_table.c: tables of modules without */
    size_t neh_index;           /* .eh_frame_hdr, dropped with the module list */
    struct {                /* unwind_caller's answers while one frame line is
                               written (frame.c); off otherwise, since the
                               target may run between two lines */
        bool active;
        int n, next;
        struct { struct frame callee, caller; bool found; } e[4];
    } caller_memo;
    struct {                /* symtab_hide_inline_starts: frames hidden at a stop */
        pid_t tid;          /* 0: none */
        addr_t pc;
        int count;
    } hidden_inline;
};

/* The next section of elf after `after` (NULL: from the first) whose name
 * is name, or starts with it when prefix; its header in *sh.  NULL: none. */
Elf_Scn *symtab_elf_section(Elf *elf, const char *name, bool prefix, Elf_Scn *after, GElf_Shdr *sh);
/* Module containing addr, with its load bias; NULL if none. */
Dwfl_Module *symtab_module_at(struct symtab *st, addr_t addr, Dwarf_Addr *bias);
/* The module's path, or "" (never NULL). */
const char *symtab_module_path(Dwfl_Module *mod);
/* The executable among the modules? */
bool symtab_module_is_main(struct symtab *st, Dwfl_Module *mod);

/* Read target memory; where the target has no bytes (a core omits
 * read-only file mappings) fall back to the module's file image.
 * Returns 0 or -errno. */
int symtab_read_memory(struct symtab *st, addr_t addr, void *buf, size_t len);

/* The innermost DW_TAG_subprogram containing pc (biased address), and
 * the module bias; false if there is no DWARF for pc. */
bool symtab_function_die(struct symtab *st, addr_t pc, Dwarf_Die *fn, Dwarf_Addr *bias);

/* A function's name as gdb prints it: the DW_AT_linkage_name a C
 * function has when declared with an asm label (glibc's
 * "__GI__IO_puts" for _IO_puts), else DW_AT_name.  A mangled C++
 * linkage name ("_Z...") is not used: we do not demangle. */
const char *symtab_function_name(Dwarf_Die *fn);

/* File name as gdb prints it: relative to the CU's compilation directory
 * when the file lies under it.  Returns a pointer into `full` or `cu` strings. */
const char *symtab_display_file(Dwarf_Die *cudie, const char *full);

/* The line-table row holding addr: its full source path (for reading the
 * source), and the range [start, end) of addresses it covers. */
bool symtab_line_details(struct symtab *st, addr_t addr, char *path, size_t pathlen,
                         addr_t *start, addr_t *end);

/* ---- unwind_table.c: CFI of modules without .eh_frame_hdr ---- */

/* One row of an .eh_frame_hdr-style search table. */
struct eh_index_entry {
    int32_t start;      /* function start - segbase */
    int32_t fde;        /* FDE address - segbase */
};

/* The search table of an .eh_frame section's bytes, segbase being the
 * section's (unbiased) address sec: malloc'd rows sorted by start, their
 * number in *count; NULL when no FDE can be read. */
struct eh_index_entry *eh_frame_table(const unsigned char *data, size_t size, uint64_t sec,
                                      size_t *count);

/* The search table of mod's .eh_frame, in .eh_frame_hdr's layout: n
 * pairs of int32 (function start, FDE address), both relative to *segbase,
 * readable at the address *table with eh_frame_index_read.  Built on first
 * use; false if mod has no .eh_frame we can index (Note [Programs without
 * .eh_frame_hdr]). */
bool eh_frame_index(struct symtab *st, Dwfl_Module *mod, addr_t *table, size_t *n,
                    addr_t *segbase);
/* Copy len bytes at addr of a table eh_frame_index gave; false if addr is
 * not in one (it is then a target address). */
bool eh_frame_index_read(struct symtab *st, addr_t addr, void *buf, size_t len);
/* Drop every table (their modules may be gone). */
void eh_frame_index_free(struct symtab *st);

/* ---- dwarf_loc.c: where a variable lives in a frame ---- */

/* VLOC_OPTIMIZED_OUT: no location at this pc (or in a register the call
 * clobbered); VLOC_PIECES: a value assembled from DW_OP_piece parts, some
 * of which may be optimized out; VLOC_ERROR: the expression is corrupt or
 * uses an operation we do not know (Note [Optimized out] in dwarf_loc.c). */
enum var_loc_kind { VLOC_MEMORY, VLOC_REGISTER, VLOC_VALUE, VLOC_OPTIMIZED_OUT,
                    VLOC_PIECES, VLOC_ERROR };

#define VLOC_MAX_BYTES 64   /* = sizeof ((struct rd_value *)0)->bytes */

struct var_loc {
    enum var_loc_kind kind;
    addr_t addr;            /* VLOC_MEMORY */
    int regno;              /* VLOC_REGISTER: gdb register number (regno_from_dwarf) */
    uint64_t value;         /* VLOC_VALUE (DW_OP_stack_value, DW_OP_lit*, ...) */
    unsigned char bytes[VLOC_MAX_BYTES];    /* VLOC_PIECES: the value's bytes */
    size_t size;            /* VLOC_PIECES: how many bytes the pieces describe */
    uint64_t unavailable;   /* VLOC_PIECES: bit i set = bytes[i] is optimized out */
    char error[96];         /* VLOC_ERROR: one line, gdb's wording where it has one */
};

/* Evaluate the DW_AT_location of `var` for frame f, whose function DIE is
 * `fn` (for DW_AT_frame_base) in a module with load bias `bias`.  Supports
 * DW_OP_addr, fbreg, breg*, reg*, call_frame_cfa, the stack and arithmetic
 * operations, stack_value, implicit_value, piece, entry_value (through
 * the caller's call site, dwarf_entry.c) and location lists; no location
 * at the pc (or an entry value the caller does not give) is
 * VLOC_OPTIMIZED_OUT, anything unknown or malformed VLOC_ERROR. */
struct var_loc dwarf_variable_location(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                       Dwarf_Die *var, Dwarf_Addr bias);
/* The same for an already decoded expression (no location list, no
 * DW_AT_const_value); attr (for DW_OP_implicit_value) and frame_base may be
 * NULL, st too (memory is then unreadable).  For the fuzz test. */
struct var_loc dwarf_location_eval(struct symtab *st, const struct frame *f, Dwarf_Attribute *attr,
                                   const Dwarf_Op *ops, size_t nops, const uint64_t *frame_base,
                                   Dwarf_Addr bias);

/* The location expression of variable var at unbiased pc in real
 * function fn (NULL: none known): 1 found, 0 none there (optimized out),
 * -1 corrupt.  A location list entry with an empty range applies at fn's
 * first instruction only, as in gdb (Note [Optimized out]). */
int dwarf_location_at(Dwarf_Die *fn, Dwarf_Die *var, Dwarf_Addr pc, Dwarf_Attribute *a,
                      Dwarf_Op **ops, size_t *nops);

/* The value of a call site's DWARF expression (DW_AT_call_value,
 * DW_AT_call_target) in frame f, whose real function is fn (for its frame
 * base): VLOC_VALUE, VLOC_OPTIMIZED_OUT or VLOC_ERROR.  depth counts
 * nested entry values (Note [Entry values] in dwarf_entry.c). */
struct var_loc dwarf_expression_value(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                      Dwarf_Attribute *attr, Dwarf_Addr bias, int depth);

/* ---- dwarf_entry.c: entry values (Note [Entry values]) ---- */

/* The register DW_OP_entry_value's operand names: 1 and *dwreg (a DWARF
 * register number) for a lone DW_OP_regN/regx, 0 for anything else. */
int dwarf_entry_register_of(const Dwarf_Op *sub, size_t nsub, uint64_t *dwreg);
/* The same for the DW_OP_entry_value op of attribute attr; -1 if its
 * operand cannot be decoded. */
int dwarf_entry_value_register(Dwarf_Attribute *attr, const Dwarf_Op *op, uint64_t *dwreg);
/* The DW_TAG_call_site among the children of scopes[0..n) whose return
 * address (unbiased) is return_pc. */
bool dwarf_call_site_find(Dwarf_Die *scopes, int nscopes, Dwarf_Addr return_pc, Dwarf_Die *site);
/* The DW_AT_call_value of the call site's parameter passed in DWARF
 * register dwreg. */
bool dwarf_call_site_parameter(Dwarf_Die *site, uint64_t dwreg, Dwarf_Attribute *value);
/* The (biased) address of the function the call site calls: 1 found, 0
 * not said (an indirect call needs the caller's frame), -1 corrupt. */
int dwarf_call_site_target(struct symtab *st, Dwarf_Die *site, const struct frame *caller,
                           Dwarf_Die *caller_fn, Dwarf_Addr bias, int depth, addr_t *target);
/* What DWARF register dwreg held on entry to frame f's function, from its
 * caller's call site: VLOC_VALUE, VLOC_OPTIMIZED_OUT when the caller does
 * not say, VLOC_ERROR for a corrupt call site. */
struct var_loc dwarf_entry_value(struct symtab *st, const struct frame *f, uint64_t dwreg,
                                 int depth);
/* The value parameter `param` (of real function fn, or of a function
 * inlined into it) had on entry to fn, when its location at fn's first
 * instruction is a register the caller's call site gives; for
 * "n=n@entry=5". */
bool dwarf_parameter_entry_value(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                 Dwarf_Die *param, uint64_t *value);

/* ---- dwarf_types.c ---- */

/* The rd_type for a DWARF type DIE (cached); NULL DIE = void. */
struct rd_type *dwarf_die_type(struct symtab *st, Dwarf_Die *type_die);
/* The rd_type of a variable/parameter DIE's DW_AT_type. */
struct rd_type *dwarf_var_type(struct symtab *st, Dwarf_Die *var);
/* Drop cached DWARF (modules changed). */
void dwarf_cache_free(struct symtab *st);

/* ---- symtab_inline.c: inlined functions (Note [Inlined frames]) ---- */

/* Every DWARF scope holding pc, innermost first, ending with the real
 * function (DW_TAG_subprogram): lexical blocks and inlined instances.
 * Returns the count (0 without DWARF); *scopes is malloc'd. */
int symtab_pc_scopes(struct symtab *st, addr_t pc, Dwarf_Die **scopes, Dwarf_Addr *bias);
/* How many inlined calls pc lies in (0 in a function's own code). */
int symtab_inline_depth(struct symtab *st, addr_t pc);

/* The scopes of frame f (by its inline_depth), as indexes into scopes[]. */
struct frame_scopes {
    Dwarf_Die *scopes;      /* symtab_pc_scopes of the frame's lookup pc */
    int n;
    Dwarf_Addr bias;
    int first;              /* innermost scope of f's own function (its blocks) */
    int func;               /* f's function: inlined instance or subprogram */
    int subprogram;         /* the real function: frame base, registers */
    int inner_call;         /* the inlined call f makes (next inner frame); -1 */
};
bool frame_scopes_get(struct symtab *st, const struct frame *f, struct frame_scopes *fs);
void frame_scopes_free(struct frame_scopes *fs);
/* How many inlined functions, innermost first, have their first
 * instruction at pc (Note [Inlined frames at their first instruction]). */
int symtab_inline_starts(struct symtab *st, addr_t pc);

/* ---- unwind.c ---- */

/* pc to use for symbol and line lookups of frame f: the call instruction
 * (pc - 1) for callers, pc itself for frame 0 and signal frames. */
addr_t frame_lookup_pc(const struct frame *f);
/* The machine frame that called f's machine frame (its real function's
 * caller; inlined frames share their machine frame's caller), unwound
 * again from f's registers; false at the outermost frame or when the
 * unwinder cannot say. */
bool unwind_caller(struct symtab *st, const struct frame *f, struct frame *caller);
/* Remember unwind_caller's answers (on) until told to forget them (off):
 * each parameter of a frame line asks for the same caller. */
void unwind_caller_memo(struct symtab *st, bool on);
/* unwind_from_regs, leaving out the `hide` innermost inlined frames of
 * frame 0 (symtab_hide_inline_starts). */
int unwind_regs(struct symtab *st, const struct user_regs_struct *regs, struct frame *out,
                int max, int hide);

#endif
