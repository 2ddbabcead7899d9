/* symtab.h — symbols, lines, modules and frames of a target.
 *
 * Built on elfutils libdwfl/libdw (modules, PIE load bias, shared libraries,
 * separate debuginfo) for symbols and lines, and on libunwind (-ptrace live,
 * -coredump for cores) for unwinding.  One symtab per target.
 *
 * Depends on: target.h, types.h.  Knows nothing of the runtime.
 */
#ifndef RTSDB_SYMTAB_H
#define RTSDB_SYMTAB_H

#include "target.h"

struct rd_type;
struct symtab;

struct rd_module {
    char name[256];     /* path of the ELF file */
    addr_t lo, hi;      /* mapped address range */
    addr_t bias;        /* load bias (PIE / shared library) */
    bool has_debuginfo;
};

struct sym_info {
    const char *name;   /* owned by the symtab; valid until symtab_free */
    addr_t addr;        /* start of the symbol */
    uint64_t size;
    const char *module; /* module path */
};

struct line_info {
    const char *file;   /* as recorded in DWARF (owned by the symtab) */
    int line;
    addr_t addr;        /* start address of the line-table row */
    bool is_stmt;       /* that row is a statement boundary: a line starts
                           there for gdb (stops and steps end only at one) */
};

/* One line-table row as gdb's stepping sees it (find_pc_line's
 * symtab_and_line): [start, end) is the row's own range, not the line's. */
struct line_row {
    const char *file;
    int line;
    addr_t start, end;
    bool is_stmt;
};

/* Load symbols for the target's executable and shared libraries. */
struct symtab *symtab_load(struct target *t, char *errbuf, size_t errlen);
/* Load symbols of one ELF file at its link-time addresses, with no target
 * (PROGRAM before "run", unit tests).  Frames cannot be unwound. */
struct symtab *symtab_load_file(const char *path, char *errbuf, size_t errlen);
/* Re-scan modules (after a shared library was loaded). */
int symtab_refresh(struct symtab *st);
void symtab_free(struct symtab *st);

int symtab_modules(struct symtab *st, struct rd_module **out, size_t *n);
bool symtab_lookup_addr(struct symtab *st, addr_t addr, struct sym_info *out);
/* gdb's "<sym>" / "<sym+off>" for an address inside a symbol (exactly at
 * one without a size), into buf without the brackets; false if none. */
bool symtab_symbolize(struct symtab *st, addr_t addr, char *buf, size_t len);
/* Functions and data objects by name (first match; main executable first). */
bool symtab_lookup_name(struct symtab *st, const char *name, struct sym_info *out);
/* Address just past a function's prologue, for "break FUNC". */
bool symtab_function_breakpoint_addr(struct symtab *st, const char *name, addr_t *out);
/* The same for the function starting at entry (where "step" stops in a
 * function it enters): entry itself when there is nothing to skip. */
addr_t symtab_function_body_addr(struct symtab *st, addr_t entry);
bool symtab_line_for_addr(struct symtab *st, addr_t addr, struct line_info *out);
/* The row holding addr (Note [Rows that share an address] in symtab.c). */
bool symtab_row_for_addr(struct symtab *st, addr_t addr, struct line_row *out);
/* Addresses of the first instruction of FILE:LINE (basename match allowed);
 * returns how many were written to out (at most max). */
int symtab_addrs_for_line(struct symtab *st, const char *file, int line, addr_t *out, int max,
                          int *line_found);
/* Is addr inside a PLT section (.plt, .plt.sec, .plt.got) of its module?
 * (A GOT slot pointing there is still lazily bound.) */
bool symtab_in_plt(struct symtab *st, addr_t addr);
/* Is pc in a PLT stub or in the dynamic linker, the code a lazily bound
 * call runs through before its function (gdb's
 * in_solib_dynsym_resolve_code)? */
bool symtab_in_dynsym_resolve_code(struct symtab *st, addr_t pc);
/* Iterate symbol names starting with prefix (for completion); returns count. */
int symtab_complete(struct symtab *st, const char *prefix,
                    void (*cb)(const char *name, void *arg), void *arg);

/* ---- frames ---- */

#define RD_MAX_FRAMES 256

struct frame {
    int level;
    addr_t pc;          /* for level > 0, the return address */
    addr_t sp, cfa;
    struct user_regs_struct regs;   /* registers recovered for this frame
                                       (callee-saved ones are exact; others best effort) */
    bool regs_valid;
    bool signal_frame;  /* the kernel's signal trampoline: "<signal handler called>" */
    bool interrupted;   /* pc is exact, not a return address, and every register
                           is known: interrupted by a signal, or a frame of the
                           machine frame 0 that inlined functions split */
    int inline_depth;   /* 0: a machine frame (the real function); n > 0: the
                           frame of a function inlined n calls deep into it,
                           sharing its pc, sp and registers (symtab_inline.c) */
};

/* Registers in gdb's amd64 order, as used by rd_value.regno and $name:
 * rax rbx rcx rdx rsi rdi rbp rsp r8..r15 rip eflags cs ss ds es fs gs
 * fs_base gs_base (0..25). */
#define RD_NUM_REGS 26
/* gdb register number for a DWARF x86-64 register number; -1 if none. */
int regno_from_dwarf(int dwarf_reg);
/* Value of register regno (gdb order) in frame f's recovered registers. */
uint64_t frame_reg(const struct frame *f, int regno);
/* Set register regno (gdb numbering) of f's register set; out of range: nothing. */
void frame_set_reg(struct frame *f, int regno, uint64_t v);
/* "rax", "rip", ... for regno (gdb order); NULL if out of range. */
const char *regno_name(int regno);
/* gdb register number for "rax"/"rip"/"pc"/"sp"/"fp" (no '$'); -1 if none. */
int regno_from_name(const char *name);

/* Unwind thread `tid` of the target from its current registers.  Every
 * machine frame is followed by the frames of the functions inlined into it
 * at its pc (innermost first, as gdb); `max` counts all of them. */
int unwind_thread(struct symtab *st, pid_t tid, struct frame *out, int max);
/* Unwind from an arbitrary register set (e.g. a green thread's saved context):
 * memory is read through the target, unwind info found as for a thread. */
int unwind_from_regs(struct symtab *st, const struct user_regs_struct *regs,
                     struct frame *out, int max);

/* gdb hides the inlined functions that start at the pc a thread stopped
 * at (a crash or a breakpoint on the first instruction of an inlined
 * call shows the caller, at the call's line), except after stepi/nexti
 * and at a breakpoint set by line or address: Note [Inlined frames at
 * their first instruction] in symtab_inline.c.  The run-control layer
 * calls this at such a stop of thread tid at pc; unwind_thread then
 * leaves those frames out while the thread's pc is pc.  tid 0 clears. */
void symtab_hide_inline_starts(struct symtab *st, pid_t tid, addr_t pc);
/* How many inlined frames are hidden for thread tid at pc (0: none). */
int symtab_hidden_inline(struct symtab *st, pid_t tid, addr_t pc);
/* Show the outermost hidden one again, as gdb's "step" does at an inlined
 * call's first instruction (step_into_inline_frame); false if none. */
bool symtab_show_one_inline(struct symtab *st, pid_t tid, addr_t pc);

/* The line frame f is at: the pc's line, or for a frame whose callee was
 * inlined into it (also hidden: symtab_hide_inline_starts) the call
 * site's line (out->addr is then 0, and *full_path, if asked for, the
 * source file's full path; NULL otherwise). */
bool frame_line(struct symtab *st, const struct frame *f, struct line_info *out,
                const char **full_path);

/* Which function frame f is in, inlined functions told apart (an opaque
 * nonzero id; 0 without DWARF): a step that changes it shows the frame. */
uint64_t frame_function_id(struct symtab *st, const struct frame *f);

/* Print "#N  0x... in func (a=1, b=0x...) at file.c:12" like gdb, into buf.
 * Arguments are printed where DWARF makes them cheap.  An inlined frame's
 * callers in the same machine frame print without an address, at the
 * line of their call ("#2  middle (m=0) at x.c:34"), as gdb does. */
void frame_describe(struct symtab *st, const struct frame *f, char *buf, size_t len);
/* Thread tid's frame 0 as frame_describe prints it, without the "#0  "
 * level (as gdb's stop and "info threads" lines show it); false when the
 * thread cannot be unwound (buf untouched). */
bool frame0_describe(struct symtab *st, pid_t tid, char *buf, size_t len);
/* Frame f's arguments as frame_describe shows them, without parentheses:
 * "n=n@entry=5, p=0x4010" ("" for none). */
void frame_describe_args(struct symtab *st, const struct frame *f, char *buf, size_t len);

/* ---- DWARF variables and types (for expressions) ---- */

/* Look up a type by name ("struct foo", "StgTSO", "int", "char *" is parsed
 * by the expression layer); NULL if unknown. */
struct rd_type *dwarf_lookup_type(struct symtab *st, const char *name);
/* The return type of the function whose code holds pc, from its DWARF
 * subprogram (void's type when it has none); NULL when pc has no DWARF
 * function (an ELF symbol alone, as libc without its debug package). */
struct rd_type *dwarf_function_return_type(struct symtab *st, addr_t pc);
/* Look up a variable visible in frame f (locals, parameters, then globals). 
 * On success fills the type and where it lives (an address, or a register
 * value for register-located variables). */
struct rd_value;
bool dwarf_lookup_variable(struct symtab *st, const struct frame *f, const char *name,
                           struct rd_value *out);

/* Register bt/frame/up/down/info frame/info symbol/... (symtab_commands.c). */
void symtab_commands_init(void);

#endif
