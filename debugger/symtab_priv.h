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
};

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

/* File name as gdb prints it: relative to the CU's compilation directory
 * when the file lies under it.  Returns a pointer into `full` or `cu` strings. */
const char *symtab_display_file(Dwarf_Die *cudie, const char *full);

/* The line-table row holding addr: its full source path (for reading the
 * source), and the range [start, end) of addresses it covers. */
bool symtab_line_details(struct symtab *st, addr_t addr, char *path, size_t pathlen,
                         addr_t *start, addr_t *end);

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
 * operations, stack_value, implicit_value, piece and location lists; no
 * location at the pc (or an entry value) is VLOC_OPTIMIZED_OUT, anything
 * unknown or malformed VLOC_ERROR. */
struct var_loc dwarf_variable_location(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                                       Dwarf_Die *var, Dwarf_Addr bias);
/* The same for an already decoded expression (no location list, no
 * DW_AT_const_value); attr (for DW_OP_implicit_value) and frame_base may be
 * NULL, st too (memory is then unreadable).  For the fuzz test. */
struct var_loc dwarf_location_eval(struct symtab *st, const struct frame *f, Dwarf_Attribute *attr,
                                   const Dwarf_Op *ops, size_t nops, const uint64_t *frame_base,
                                   Dwarf_Addr bias);

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
/* The line frame f is at: the pc's line, or for the outer frames of an
 * inline chain the call site's line (out->addr is then 0, and *full_path,
 * if asked for, the source file's full path; NULL otherwise). */
bool frame_line(struct symtab *st, const struct frame *f, struct line_info *out,
                const char **full_path);

/* ---- unwind.c ---- */

/* pc to use for symbol and line lookups of frame f: the call instruction
 * (pc - 1) for callers, pc itself for frame 0 and signal frames. */
addr_t frame_lookup_pc(const struct frame *f);

#endif
