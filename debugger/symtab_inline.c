/* symtab_inline.c — inlined functions: the chain of DWARF scopes at a pc,
 * and which part of it belongs to each (virtual) frame.
 *
 * Offers symtab_pc_scopes (every scope containing a pc, from the innermost
 * block up to the real function), symtab_inline_depth (how many inlined
 * calls the pc sits in) and frame_scopes_get (the scopes of one frame: its
 * own function, which may be an inlined instance, and the real function
 * whose frame base and registers it shares).  See Note [Inlined frames].
 * symtab_hide_inline_starts hides, as gdb does at most stops, the inlined
 * calls a thread is about to make (Note [Inlined frames at their first
 * instruction]).
 *
 * Depends on: symtab_priv.h, libdw.  Knows nothing of commands or output.
 */
#include <stdlib.h>
#include <string.h>
#include "symtab_priv.h"

/* Note [Inlined frames]
 * A static inline function the compiler copied into its caller has no
 * machine frame: its code is part of the caller's, and DWARF describes it
 * as a DW_TAG_inlined_subroutine (DW_AT_abstract_origin names the function,
 * DW_AT_call_file/DW_AT_call_line the call site) nested inside the real
 * DW_TAG_subprogram, possibly several deep.  gdb shows each inlined call
 * as a frame of its own, and so do we: unwind_from_regs turns one machine
 * frame whose pc lies in N inlined calls into N + 1 frames with the same
 * pc, sp, CFA and registers, told apart by frame.inline_depth (N for the
 * innermost inlined function, 0 for the real function).  The innermost is
 * shown at the pc's line; each outer one at the line of the call it makes
 * (DW_AT_call_line of the inlined instance just inside it), and without an
 * address, as gdb does, since its pc is not where that line's code starts.
 *
 * libdw's dwarf_getscopes cannot be used to find the chain: for a pc in an
 * inlined instance it returns that instance and then jumps to the scopes of
 * the abstract definition (the CU), so the real function and the outer
 * inlined calls are lost.  symtab_pc_scopes walks down from the CU instead,
 * keeping every subprogram, lexical block and inlined instance whose ranges
 * hold the pc. */

#define MAX_SCOPES 64

/* Append to out the scopes under `parent` that contain pc, outermost first. */
static int descend(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *out, int n)
{
    Dwarf_Die child;
    if (n >= MAX_SCOPES || dwarf_child(parent, &child) != 0)
        return n;
    do {
        int tag = dwarf_tag(&child);
        if (tag != DW_TAG_subprogram && tag != DW_TAG_lexical_block
            && tag != DW_TAG_inlined_subroutine)
            continue;
        if (dwarf_haspc(&child, pc) <= 0)
            continue;
        out[n++] = child;
        return descend(&out[n - 1], pc, out, n);
    } while (dwarf_siblingof(&child, &child) == 0);
    return n;
}

int symtab_pc_scopes(struct symtab *st, addr_t pc, Dwarf_Die **scopes, Dwarf_Addr *bias)
{
    Dwarf_Addr b = 0;
    *scopes = NULL;
    Dwfl_Module *mod = symtab_module_at(st, pc, NULL);
    Dwarf_Die *cu = mod ? dwfl_module_addrdie(mod, pc, &b) : NULL;
    if (bias)
        *bias = b;
    if (!cu)
        return 0;
    Dwarf_Die found[MAX_SCOPES];
    int n = descend(cu, pc - b, found, 0);
    /* Keep the chain from the innermost subprogram in: a nested
     * subprogram (GNU C nested functions) is its own frame. */
    int start = 0;
    for (int i = 0; i < n; i++)
        if (dwarf_tag(&found[i]) == DW_TAG_subprogram)
            start = i;
    if (n == 0 || dwarf_tag(&found[start]) != DW_TAG_subprogram)
        return 0;
    /* GNU as describes one routine under each of its names (__clone3,
     * __GI___clone3, clone3); gdb's block lookup ends on the last of them. */
    Dwarf_Word lang;
    Dwarf_Attribute a;
    if (dwarf_formudata(dwarf_attr(cu, DW_AT_language, &a), &lang) == 0
        && lang == DW_LANG_Mips_Assembler) {
        Dwarf_Die next = found[start];
        while (dwarf_siblingof(&next, &next) == 0)
            if (dwarf_tag(&next) == DW_TAG_subprogram && dwarf_haspc(&next, pc - b) == 1)
                found[start] = next;
    }
    n -= start;
    Dwarf_Die *out = malloc((size_t)n * sizeof *out);
    if (!out)
        return 0;
    for (int i = 0; i < n; i++)     /* innermost first, as dwarf_getscopes */
        out[i] = found[start + n - 1 - i];
    *scopes = out;
    return n;
}

int symtab_inline_depth(struct symtab *st, addr_t pc)
{
    Dwarf_Die *scopes;
    int n = symtab_pc_scopes(st, pc, &scopes, NULL), depth = 0;
    for (int i = 0; i < n; i++)
        if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine)
            depth++;
    free(scopes);
    return depth;
}

/* Note [Inlined frames at their first instruction]
 * When a thread stops at the first instruction of an inlined call, gdb
 * does not show the inlined function yet: the program is "about to call"
 * it, so frame 0 is the caller, at the line of the call, without an
 * address (gdb's skip_inline_frames; "step" would then enter it without
 * moving).  gdb 13, measured on tests/debuggee/symtab_inline_start.c
 * (tests/integration/symtab_inline.sh):
 *   - a signal there (a null pointer read by the inlined function's first
 *     instruction), a watchpoint hit, "finish", "until", and a breakpoint
 *     set by the name of the real function it is inlined into: hidden,
 *     "#0  reader (n=4) at x.c:16", "16\t    int v = load(where);";
 *   - "stepi"/"nexti" (gdb does not look for inlined calls after a
 *     single-instruction step) and a breakpoint set by line or by address
 *     (its location names the inlined function, or nothing, and gdb then
 *     presents the innermost): shown;
 *   - a core file: shown (gdb only hides at the stops it runs to).
 * Which inlined calls start at pc: from the innermost, every inlined
 * instance whose entry (low pc, or first range) is pc, or whose ranges
 * hold pc but not pc - 1 (gdb's block_starting_point_at), up to the first
 * that does not; lexical blocks in between do not stop the walk.
 * symtab_hide_inline_starts records the count for one thread and pc;
 * unwind_thread leaves those frames out while the thread stays there, and
 * the run-control layer clears it whenever the program moves. */

/* Does the inlined instance start at pc (unbiased)? */
static bool inline_starts_at(Dwarf_Die *die, Dwarf_Addr pc)
{
    Dwarf_Addr low, base, start, end;
    ptrdiff_t off = 0;
    if (dwarf_lowpc(die, &low) == 0)
        return low == pc || dwarf_haspc(die, pc - 1) <= 0;
    /* The first non-empty range is the entry. */
    while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0)
        if (start < end)
            return start == pc || dwarf_haspc(die, pc - 1) <= 0;
    return false;
}

int symtab_inline_starts(struct symtab *st, addr_t pc)
{
    Dwarf_Die *scopes;
    Dwarf_Addr bias;
    int n = symtab_pc_scopes(st, pc, &scopes, &bias), count = 0;
    for (int i = 0; i < n; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_subprogram)
            break;
        if (tag != DW_TAG_inlined_subroutine)
            continue;
        if (!inline_starts_at(&scopes[i], pc - bias))
            break;
        count++;
    }
    free(scopes);
    return count;
}

void symtab_hide_inline_starts(struct symtab *st, pid_t tid, addr_t pc)
{
    if (!st)
        return;
    st->hidden_inline.tid = 0;
    if (tid == 0)
        return;
    int count = symtab_inline_starts(st, pc);
    if (count > 0) {
        st->hidden_inline.tid = tid;
        st->hidden_inline.pc = pc;
        st->hidden_inline.count = count;
    }
}

int symtab_hidden_inline(struct symtab *st, pid_t tid, addr_t pc)
{
    if (!st || st->hidden_inline.tid == 0 || st->hidden_inline.tid != tid
        || st->hidden_inline.pc != pc)
        return 0;
    return st->hidden_inline.count;
}

bool symtab_show_one_inline(struct symtab *st, pid_t tid, addr_t pc)
{
    if (symtab_hidden_inline(st, tid, pc) == 0)
        return false;
    if (--st->hidden_inline.count == 0)
        st->hidden_inline.tid = 0;
    return true;
}

bool frame_scopes_get(struct symtab *st, const struct frame *f, struct frame_scopes *fs)
{
    memset(fs, 0, sizeof *fs);
    fs->func = fs->subprogram = fs->inner_call = -1;
    fs->n = symtab_pc_scopes(st, frame_lookup_pc(f), &fs->scopes, &fs->bias);
    if (fs->n <= 0)
        return false;
    /* The chain of functions, innermost first: each inlined instance,
     * then the subprogram (always last in symtab_pc_scopes' answer). */
    int chain[MAX_SCOPES], m = 0;
    for (int i = 0; i < fs->n; i++)
        if (dwarf_tag(&fs->scopes[i]) == DW_TAG_inlined_subroutine
            || dwarf_tag(&fs->scopes[i]) == DW_TAG_subprogram)
            chain[m++] = i;
    int depth = f->inline_depth < m ? f->inline_depth : m - 1;
    int idx = m - 1 - depth;        /* frame f's function in the chain */
    fs->func = chain[idx];
    fs->subprogram = chain[m - 1];
    fs->inner_call = idx > 0 ? chain[idx - 1] : -1;
    fs->first = idx > 0 ? chain[idx - 1] + 1 : 0;
    return true;
}

uint64_t frame_function_id(struct symtab *st, const struct frame *f)
{
    struct frame_scopes fs;
    if (!frame_scopes_get(st, f, &fs))
        return 0;
    uint64_t id = dwarf_dieoffset(&fs.scopes[fs.func]) + fs.bias + 1;
    frame_scopes_free(&fs);
    return id;
}

void frame_scopes_free(struct frame_scopes *fs)
{
    free(fs->scopes);
    fs->scopes = NULL;
    fs->n = 0;
}

bool frame_line(struct symtab *st, const struct frame *f, struct line_info *out,
                const char **full_path)
{
    if (full_path)
        *full_path = NULL;
    struct frame_scopes fs;
    if (!frame_scopes_get(st, f, &fs))
        return symtab_line_for_addr(st, frame_lookup_pc(f), out);
    if (fs.inner_call < 0) {
        frame_scopes_free(&fs);
        return symtab_line_for_addr(st, frame_lookup_pc(f), out);
    }
    /* An outer frame of an inline chain: the call site of the inlined
     * instance just inside it. */
    Dwarf_Die *call = &fs.scopes[fs.inner_call];
    Dwarf_Attribute a;
    Dwarf_Word file_idx, line;
    Dwarf_Die cudie;
    Dwarf_Files *files;
    size_t nfiles;
    bool ok = dwarf_formudata(dwarf_attr(call, DW_AT_call_file, &a), &file_idx) == 0
              && dwarf_formudata(dwarf_attr(call, DW_AT_call_line, &a), &line) == 0
              && dwarf_diecu(call, &cudie, NULL, NULL)
              && dwarf_getsrcfiles(&cudie, &files, &nfiles) == 0 && file_idx < nfiles;
    const char *full = ok ? dwarf_filesrc(files, file_idx, NULL, NULL) : NULL;
    if (full) {
        if (full_path)
            *full_path = full;
        out->file = symtab_display_file(&cudie, full);
        out->line = (int)line;
        out->addr = 0;      /* no code starts here: see Note [Inlined frames] */
        out->is_stmt = true;
    }
    frame_scopes_free(&fs);
    return full != NULL;
}
