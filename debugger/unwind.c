/* unwind.c — backtraces with libunwind, from a thread or from any registers.
 *
 * Offers unwind_thread (a thread of a live process or of a core),
 * unwind_from_regs (any saved register set, e.g. a green thread's context)
 * and unwind_caller (the machine frame that called a given frame, for
 * entry values: Note [Entry values] in dwarf_entry.c).
 * Both run libunwind's remote unwinder over accessors of our own: registers
 * come from the given set, memory from the target, and unwind tables from
 * the module libdwfl says holds the pc.  See Note [One unwinder for every
 * target].  Walks are bounded: at most `max` frames, and they stop on a
 * zero pc, a repeating (pc, sp) or a stack that grows the wrong way, so a
 * corrupted stack never hangs the debugger.  Each machine frame is followed
 * by the frames of the functions inlined at its pc (symtab_inline.c).
 *
 * Depends on: symtab_priv.h (unwind_table.c's tables), libunwind (generic
 * remote API).
 */
#include <errno.h>
#include <stdlib.h>
#include <gelf.h>
#include <string.h>
#include <libunwind.h>
#include "symtab_priv.h"

/* Note [One unwinder for every target]
 * libunwind-ptrace (_UPT_accessors) reads memory with PTRACE_PEEKDATA and
 * finds unwind tables through /proc/PID/maps; libunwind-coredump
 * (_UCD_accessors) reads the core itself, and in the version we build
 * against does not read NT_FILE, so it finds no tables for a core unless
 * every backing file is added by hand.  Both also call access_mem with their
 * own handle as `arg`, so overriding access_mem alone would not keep reads
 * inside the target.  We therefore install one accessor set for every
 * target: access_reg serves the register set we were given, access_mem goes
 * through the target (falling back to the module's file for read-only
 * segments a core leaves out), and find_proc_info locates the module's
 * .eh_frame_hdr with libdwfl and hands it to libunwind's own table search
 * (the same call _UPT_find_proc_info makes); a module linked without one
 * gets a table built from its .eh_frame (Note [Programs without
 * .eh_frame_hdr] in unwind_table.c).  A pc without unwind info falls
 * back to libunwind's frame-pointer heuristic. */

/* libunwind's binary search over a .eh_frame_hdr table in the target's
 * address space; exported (it is what _UPT_find_proc_info calls) but not
 * declared in the public headers. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip,
                                              unw_dyn_info_t *di, unw_proc_info_t *pi,
                                              int need_unwind_info, void *arg);

struct unwind_ctx {
    struct symtab *st;
    struct user_regs_struct regs;   /* the registers of frame 0 */
};

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
                      void *arg)
{
    struct unwind_ctx *c = arg;
    if (write)
        return -UNW_EREADONLYREG;
    if (eh_frame_index_read(c->st, addr, val, sizeof *val))
        return 0;       /* Note [Programs without .eh_frame_hdr] */
    if (symtab_read_memory(c->st, addr, val, sizeof *val) != 0)
        return -UNW_EINVAL;
    return 0;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
                      void *arg)
{
    struct unwind_ctx *c = arg;
    struct frame f;
    int regno = regno_from_dwarf(reg);   /* libunwind's x86-64 numbers are DWARF's */
    if (write || regno < 0)
        return -UNW_EBADREG;
    f.regs = c->regs;
    *val = frame_reg(&f, regno);
    return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
                        void *arg)
{
    return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *cursor, void *arg)
{
    return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
                         unw_word_t *offp, void *arg)
{
    struct unwind_ctx *c = arg;
    struct sym_info si;
    if (!symtab_lookup_addr(c->st, addr, &si))
        return -UNW_ENOINFO;
    snprintf(buf, len, "%s", si.name);
    *offp = addr - si.addr;
    return 0;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dilap, void *arg)
{
    return -UNW_ENOINFO;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
    /* Table-format info is freed by libunwind itself; nothing else is
     * ever handed out by find_proc_info below. */
}

/* Describe the unwind search table of the module holding ip, in the
 * target's address space, as libunwind's remote-table format: the
 * module's .eh_frame_hdr, or for a module linked without one (a static
 * non-PIE program) the table unwind_table.c builds from its .eh_frame
 * (Note [Programs without .eh_frame_hdr]). */
static bool module_unwind_table(struct symtab *st, unw_word_t ip, unw_dyn_info_t *di)
{
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, ip, &bias);
    Elf *elf = mod ? dwfl_module_getelf(mod, &bias) : NULL;
    size_t nph;
    if (!elf || elf_getphdrnum(elf, &nph) != 0)
        return false;
    Dwarf_Addr lo, hi;
    dwfl_module_info(mod, NULL, &lo, &hi, NULL, NULL, NULL, NULL);
    memset(di, 0, sizeof *di);
    di->format = UNW_INFO_FORMAT_REMOTE_TABLE;
    di->start_ip = lo;
    di->end_ip = hi;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_GNU_EH_FRAME)
            continue;
        addr_t hdr = ph.p_vaddr + bias;
        unsigned char h[12];
        if (symtab_read_memory(st, hdr, h, sizeof h) != 0)
            return false;
        /* version 1; eh_frame_ptr pcrel|sdata4; fde_count udata4;
         * table datarel|sdata4: the only layout libunwind searches. */
        if (h[0] != 1 || h[1] != (DW_EH_PE_pcrel | DW_EH_PE_sdata4)
            || h[2] != DW_EH_PE_udata4 || h[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
            return false;
        uint32_t fde_count;
        memcpy(&fde_count, h + 8, sizeof fde_count);
        di->u.rti.segbase = hdr;
        di->u.rti.table_data = hdr + 12;
        di->u.rti.table_len = fde_count * 8 / sizeof(unw_word_t);
        return true;
    }
    addr_t table, segbase;
    size_t n;
    if (!eh_frame_index(st, mod, &table, &n, &segbase))
        return false;
    di->u.rti.segbase = segbase;
    di->u.rti.table_data = table;
    di->u.rti.table_len = n * 8 / sizeof(unw_word_t);
    return true;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
                          int need_unwind_info, void *arg)
{
    struct unwind_ctx *c = arg;
    unw_dyn_info_t di;
    if (!module_unwind_table(c->st, ip, &di))
        return -UNW_ENOINFO;
    return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
}

static unw_accessors_t target_accessors = {
    .find_proc_info = find_proc_info,
    .put_unwind_info = put_unwind_info,
    .get_dyn_info_list_addr = get_dyn_info_list_addr,
    .access_mem = access_mem,
    .access_reg = access_reg,
    .access_fpreg = access_fpreg,
    .resume = resume,
    .get_proc_name = get_proc_name,
};

/* The canonical frame address of a frame, from the module's CFI (libdw):
 * CFA rules are almost always "register + offset", evaluated with the
 * registers recovered for the frame.  0 when unknown. */
static addr_t cfa_from_cfi(struct symtab *st, const struct frame *f)
{
    addr_t pc = frame_lookup_pc(f);
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, pc, NULL);
    if (!mod)
        return 0;
    Dwarf_Addr dbias = 0;
    for (int i = 0; i < 2; i++) {
        Dwarf_Frame *fr = NULL;
        Dwarf_Op *ops;
        size_t nops;
        /* .eh_frame first: .debug_frame may mean loading all of a
         * library's separate DWARF (hundreds of ms for libc). */
        Dwarf_CFI *cfi = i == 0 ? dwfl_module_eh_cfi(mod, &bias)
                                : dwfl_module_dwarf_cfi(mod, &dbias);
        Dwarf_Addr b = i == 0 ? bias : dbias;
        if (!cfi || dwarf_cfi_addrframe(cfi, pc - b, &fr) != 0)
            continue;
        addr_t cfa = 0;
        /* libdw gives a "register + offset" rule as DW_OP_bregx reg, off. */
        if (dwarf_frame_cfa(fr, &ops, &nops) == 0 && nops == 1) {
            int regno = -1;
            Dwarf_Sword off = 0;
            if (ops[0].atom == DW_OP_bregx) {
                regno = regno_from_dwarf((int)ops[0].number);
                off = (Dwarf_Sword)ops[0].number2;
            } else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg16) {
                regno = regno_from_dwarf(ops[0].atom - DW_OP_breg0);
                off = (Dwarf_Sword)ops[0].number;
            }
            if (regno >= 0)
                cfa = frame_reg(f, regno) + off;
        }
        free(fr);
        if (cfa)
            return cfa;
    }
    return 0;
}

addr_t frame_lookup_pc(const struct frame *f)
{
    if (f->level == 0 || f->interrupted || f->signal_frame || f->pc == 0)
        return f->pc;
    return f->pc - 1;
}

/* Registers libunwind can recover for a caller frame, DWARF numbering. */
static const int recoverable_regs[] = {
    UNW_X86_64_RAX, UNW_X86_64_RDX, UNW_X86_64_RCX, UNW_X86_64_RBX, UNW_X86_64_RSI,
    UNW_X86_64_RDI, UNW_X86_64_RBP, UNW_X86_64_RSP, UNW_X86_64_R8, UNW_X86_64_R9,
    UNW_X86_64_R10, UNW_X86_64_R11, UNW_X86_64_R12, UNW_X86_64_R13, UNW_X86_64_R14,
    UNW_X86_64_R15, UNW_X86_64_RIP,
};

/* Fill f->regs from the cursor: start from frame 0's full set (so segment
 * registers and anything libunwind cannot say stay plausible) and overwrite
 * what libunwind recovers. */
static void fill_frame_regs(unw_cursor_t *cur, const struct user_regs_struct *regs0,
                            struct frame *f)
{
    f->regs = *regs0;
    for (size_t i = 0; i < sizeof recoverable_regs / sizeof recoverable_regs[0]; i++) {
        unw_word_t v;
        int dw = recoverable_regs[i];
        if (unw_get_reg(cur, dw, &v) != 0)
            continue;
        frame_set_reg(f, regno_from_dwarf(dw), (uint64_t)v);
    }
    f->regs_valid = true;
}

/* Is pc in the program's main()?  gdb stops backtraces there ("backtrace
 * past-main" is off by default) and so do we, so frame lists agree. */
static bool is_main_function(struct symtab *st, const struct frame *f)
{
    struct sym_info si;
    addr_t pc = frame_lookup_pc(f);
    if (!symtab_lookup_addr(st, pc, &si) || strcmp(si.name, "main") != 0)
        return false;
    Dwfl_Module *mod = symtab_module_at(st, pc, NULL);
    return mod && symtab_module_is_main(st, mod);
}

int unwind_from_regs(struct symtab *st, const struct user_regs_struct *regs, struct frame *out,
                     int max)
{
    return unwind_regs(st, regs, out, max, 0);
}

int unwind_regs(struct symtab *st, const struct user_regs_struct *regs, struct frame *out,
                int max, int hide)
{
    if (!st || !regs || max <= 0)
        return 0;
    if (max > RD_MAX_FRAMES)
        max = RD_MAX_FRAMES;
    struct unwind_ctx ctx = { st, *regs };
    unw_addr_space_t as = unw_create_addr_space(&target_accessors, 0);
    if (!as)
        return -1;
    unw_set_caching_policy(as, UNW_CACHE_NONE);
    unw_cursor_t cur;
    int n = 0;
    if (unw_init_remote(&cur, as, &ctx) != 0) {
        /* No unwind info at all: report frame 0 from the registers alone. */
        memset(&out[0], 0, sizeof out[0]);
        out[0].pc = regs->rip;
        out[0].sp = out[0].cfa = regs->rsp;
        out[0].regs = *regs;
        out[0].regs_valid = true;
        unw_destroy_addr_space(as);
        return 1;
    }
    bool next_interrupted = false;
    struct frame prev = { 0 };     /* the last machine frame */
    while (n < max) {
        struct frame *f = &out[n];
        unw_word_t ip = 0, sp = 0;
        memset(f, 0, sizeof *f);
        unw_get_reg(&cur, UNW_REG_IP, &ip);
        unw_get_reg(&cur, UNW_REG_SP, &sp);
        f->level = n;
        f->pc = ip;
        f->sp = sp;
        f->signal_frame = unw_is_signal_frame(&cur) > 0;
        f->interrupted = next_interrupted;
        if (n == 0) {
            f->regs = *regs;
            f->regs_valid = true;
        } else {
            fill_frame_regs(&cur, regs, f);
        }
        f->cfa = cfa_from_cfi(st, f);
        if (ip == 0 && n > 0)
            break;
        if (n > 0) {
            if (ip == prev.pc && sp == prev.sp)
                break;          /* repeating: no progress */
            if (sp < prev.sp && !prev.signal_frame)
                break;          /* the stack grows down: a caller is never below */
        }
        /* The functions inlined at this pc come first, innermost first:
         * Note [Inlined frames] in symtab_inline.c. */
        int inlined = f->signal_frame ? 0 : symtab_inline_depth(st, frame_lookup_pc(f));
        int first = n;
        if (n == 0)     /* Note [Inlined frames at their first instruction] */
            inlined = hide < inlined ? inlined - hide : 0;
        for (int d = inlined; d > 0 && n < max; d--) {
            out[n] = *f;
            out[n].level = n;
            out[n].inline_depth = d;
            out[n].interrupted |= first == 0;    /* frame 0's pc is exact */
            n++;
        }
        if (n >= max)
            break;
        if (n > first) {
            out[n] = out[first];
            out[n].inline_depth = 0;
            out[n].level = n;
            out[n].interrupted |= first == 0;
        }
        f = &out[n];
        n++;
        prev = *f;
        if (is_main_function(st, f))
            break;
        next_interrupted = f->signal_frame;
        if (unw_step(&cur) <= 0)
            break;
        /* Without CFI, the CFA is the caller's sp (x86-64 calls). */
        unw_word_t caller_sp = 0;
        if (!f->cfa && unw_get_reg(&cur, UNW_REG_SP, &caller_sp) == 0) {
            for (int i = first; i < n; i++)
                out[i].cfa = caller_sp;
            prev.cfa = caller_sp;
        }
    }
    unw_destroy_addr_space(as);
    return n;
}

void unwind_caller_memo(struct symtab *st, bool on)
{
    st->caller_memo.active = on;
    st->caller_memo.n = st->caller_memo.next = 0;
}

static bool unwind_caller_uncached(struct symtab *st, const struct frame *f, struct frame *caller);

bool unwind_caller(struct symtab *st, const struct frame *f, struct frame *caller)
{
    if (!st->caller_memo.active)
        return unwind_caller_uncached(st, f, caller);
    for (int i = 0; i < st->caller_memo.n; i++)
        if (memcmp(&st->caller_memo.e[i].callee, f, sizeof *f) == 0) {
            *caller = st->caller_memo.e[i].caller;
            return st->caller_memo.e[i].found;
        }
    int k = st->caller_memo.next;
    st->caller_memo.next = (k + 1) % 4;
    if (st->caller_memo.n < 4)
        st->caller_memo.n++;
    memset(&st->caller_memo.e[k], 0, sizeof st->caller_memo.e[k]);
    st->caller_memo.e[k].callee = *f;
    st->caller_memo.e[k].found = unwind_caller_uncached(st, f, &st->caller_memo.e[k].caller);
    *caller = st->caller_memo.e[k].caller;
    return st->caller_memo.e[k].found;
}

static bool unwind_caller_uncached(struct symtab *st, const struct frame *f, struct frame *caller)
{
    if (!f->regs_valid || f->signal_frame || f->pc == 0)
        return false;
    /* Unwind from f's own registers, with its lookup pc as the pc, so the
     * CFI row is the call instruction's, as when f was unwound. */
    struct user_regs_struct regs = f->regs;
    regs.rip = frame_lookup_pc(f);
    enum { MAX = 2 * 64 + 2 };      /* two machine frames and their inlined ones */
    struct frame *frames = malloc(MAX * sizeof *frames);
    if (!frames)
        return false;
    int n = unwind_from_regs(st, &regs, frames, MAX), machine = 0;
    bool found = false;
    for (int i = 0; i < n && !found; i++) {
        if (frames[i].inline_depth > 0)
            continue;
        if (machine++ == 1) {
            *caller = frames[i];
            caller->level = f->level + 1;   /* a return address: looked up at pc - 1 */
            found = !caller->signal_frame && caller->pc != 0;
        }
    }
    free(frames);
    return found;
}

int unwind_thread(struct symtab *st, pid_t tid, struct frame *out, int max)
{
    struct user_regs_struct regs;
    if (!st || !st->t || !st->t->ops->get_regs)
        return -1;
    symtab_refresh(st);     /* libraries loaded since the last stop */
    int rc = st->t->ops->get_regs(st->t, tid, &regs);
    if (rc != 0)
        return rc < 0 ? rc : -1;
    int hide = st->hidden_inline.tid == tid && st->hidden_inline.pc == regs.rip
               ? st->hidden_inline.count : 0;
    return unwind_regs(st, &regs, out, max, hide);
}
