/* solib.c — what the dynamic linker tells us: library loads, IFUNC targets.
 *
 * Offers what solib.h declares: the internal "shlib events" breakpoint
 * that makes breakpoints in shared libraries work (pending ones resolve
 * when their library is loaded, at start or by dlopen), and breakpoints
 * on GNU indirect functions (Note [Breakpoints on IFUNCs]).
 *
 * Reads the target only through its operations (and symtab_read_memory);
 * /proc/PID/auxv for AT_BASE, as symtab.c reads /proc/PID/maps.
 * Depends on: symtab_priv.h, infrun.h, target.h.  Knows nothing of the runtime.
 *
 * Note [Shared-library events]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * glibc's dynamic linker keeps a `struct r_debug` (<link.h>) describing
 * the loaded objects, and calls the empty function r_brk
 * (_dl_debug_state) each time the list changes: once with r_state =
 * RT_ADD (or RT_DELETE) before it maps or unmaps anything, once with
 * RT_CONSISTENT after.  It does so at start-up, around loading the
 * program's needed libraries, and for every dlopen/dlclose.  A debugger
 * finds r_debug through the program's DT_DEBUG dynamic entry, which the
 * dynamic linker fills in before its first event.
 *
 * So, as gdb's solib-svr4 does, we keep an internal breakpoint (a negative
 * number, spec SOLIB_EVENT_SPEC: listed by "maint info breakpoints", not
 * by "info breakpoints") on r_brk.  When it is hit with r_state ==
 * RT_CONSISTENT, the modules are re-read (libdwfl over /proc/PID/maps)
 * and every user breakpoint is resolved again
 * (infrun_resolve_breakpoints), which inserts the pending ones whose
 * function now exists and makes pending again those whose library was
 * unloaded (with gdb's warning); then the program resumes silently, as
 * gdb does.
 *
 * Where r_brk is: after start-up (an attached process) r_debug.r_brk.
 * At a launched program's exec stop the dynamic linker has not run, so
 * DT_DEBUG is still 0: the address is then the symbol _dl_debug_state of
 * the dynamic linker itself, the module loaded at the auxiliary vector's
 * AT_BASE (gdb also starts from AT_BASE; it prefers ld.so's SystemTap
 * probes, and falls back to this symbol, one of its solib_break_names).  A
 * static program has no dynamic linker (AT_BASE 0) and gets no event
 * breakpoint.
 */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "infrun.h"
#include "solib.h"
#include "symtab_priv.h"

/* Note [Breakpoints on IFUNCs]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A GNU indirect function (STT_GNU_IFUNC: libc's strlen, memcpy, ...) is
 * a resolver: the dynamic linker calls it once and binds the name to the
 * function it returns (__strlen_avx2 on this CPU).  "break strlen" means
 * the latter, as for gdb (elf_gnu_ifunc_resolve_addr):
 *
 *  1. A GOT slot already resolved answers it: a JUMP_SLOT or GLOB_DAT
 *     relocation against the name in any module, whose slot holds the
 *     start of a function outside any PLT (solib_ifunc_target).
 *  2. Otherwise (lazy binding, nothing called it yet) the breakpoint goes
 *     on the resolver.  When the resolver is entered for it we do not
 *     stop: an internal breakpoint on its return address catches the
 *     return, %rax is the target, remembered by name; every breakpoint
 *     is resolved again, now to the target, and the program resumes, so
 *     the call the dynamic linker then makes stops there.  That is what
 *     gdb means to do (bp_gnu_ifunc_resolver); gdb 13.1 on Debian 12,
 *     tried by hand, stops in the resolver instead
 *     ("strlen_ifunc_selector ()") for a lazily bound first call of strlen.
 *
 * "break strlen_ifunc" (the resolver by its own name) or "break *ADDR"
 * still stops in the resolver.  Remembered targets are forgotten with the
 * process.
 */

#define IFUNC_RETURN_SPEC "ifunc resolver return"
#define MAX_IFUNC_TARGETS 32
#define MAX_RESOLVER_RETURNS 8

/* One debugged process at a time, as in infrun.c. */
static struct {
    struct { char name[64]; addr_t target; } targets[MAX_IFUNC_TARGETS];
    int ntargets;
    struct {                    /* resolvers entered, waiting for their return */
        struct breakpoint *bp;  /* internal, IFUNC_RETURN_SPEC, at the return address */
        pid_t tid;
        addr_t sp;              /* rsp once returned */
        char name[64];          /* the IFUNC */
    } returns[MAX_RESOLVER_RETURNS];
    int nreturns;
} ifuncs;

/* struct r_debug's fields on x86-64 (<link.h>): int r_version; struct
 * link_map *r_map; ElfW(Addr) r_brk; enum r_state; ElfW(Addr) r_ldbase. */
#define R_DEBUG_VERSION 0
#define R_DEBUG_BRK 16
#define R_DEBUG_STATE 24
#define RT_CONSISTENT 0

/* Does a symbol name equal `name`, ignoring an ELF version suffix
 * ("_dl_debug_state@@GLIBC_PRIVATE")? */
static bool same_base_name(const char *sym, const char *name)
{
    size_t n = strlen(name);
    return strncmp(sym, name, n) == 0 && (sym[n] == '\0' || sym[n] == '@');
}

/* The executable's module, or NULL. */
static Dwfl_Module *main_module(struct symtab *st)
{
    for (size_t i = 0; i < st->nmods; i++)
        if (st->is_main[i])
            return st->dwmods[i];
    return NULL;
}

/* The address of r_debug, from the executable's DT_DEBUG entry in memory;
 * 0 when there is none yet (before the dynamic linker ran) or at all. */
static addr_t r_debug_addr(struct symtab *st)
{
    Dwfl_Module *mod = main_module(st);
    Dwarf_Addr bias;
    Elf *elf = mod ? dwfl_module_getelf(mod, &bias) : NULL;
    size_t nph;
    if (!elf || elf_getphdrnum(elf, &nph) != 0)
        return 0;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_DYNAMIC)
            continue;
        for (uint64_t off = 0; off + 16 <= ph.p_memsz && off < 4096 * 16; off += 16) {
            uint64_t dyn[2];
            if (symtab_read_memory(st, ph.p_vaddr + bias + off, dyn, sizeof dyn) != 0
                || dyn[0] == DT_NULL)
                return 0;
            if (dyn[0] == DT_DEBUG)
                return dyn[1];
        }
    }
    return 0;
}

/* AT_BASE of a live process: where its dynamic linker is loaded (0 for a
 * static program). */
static addr_t interpreter_base(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t av[2];
    addr_t base = 0;
    while (read(fd, av, sizeof av) == (ssize_t)sizeof av && av[0] != AT_NULL)
        if (av[0] == AT_BASE)
            base = av[1];
    close(fd);
    return base;
}

/* The address of the function named `name` defined in module mod. */
static bool module_function(Dwfl_Module *mod, const char *name, addr_t *out)
{
    int count = dwfl_module_getsymtab(mod);
    for (int i = 1; i < count; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        const char *sname = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL, NULL);
        if (sname && GELF_ST_TYPE(sym.st_info) == STT_FUNC && sym.st_shndx != SHN_UNDEF
            && same_base_name(sname, name)) {
            *out = addr;
            return true;
        }
    }
    return false;
}

/* Where the dynamic linker reports library events (Note [Shared-library
 * events]): r_debug.r_brk once r_debug is set up, else _dl_debug_state
 * in the module at AT_BASE. */
static bool event_address(struct symtab *st, addr_t *out)
{
    addr_t rd = r_debug_addr(st);
    uint64_t brk = 0;
    uint32_t version = 0;
    if (rd && symtab_read_memory(st, rd + R_DEBUG_VERSION, &version, sizeof version) == 0
        && version != 0 && symtab_read_memory(st, rd + R_DEBUG_BRK, &brk, sizeof brk) == 0
        && brk != 0) {
        *out = brk;
        return true;
    }
    addr_t base = interpreter_base(st->t->pid);
    Dwfl_Module *ld = base ? symtab_module_at(st, base, NULL) : NULL;
    return ld && module_function(ld, "_dl_debug_state", out);
}

/* The shlib-events breakpoint in the table, or NULL. */
static struct breakpoint *event_breakpoint(struct session *s)
{
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next)
        if (bp->num < 0 && strcmp(bp->spec, SOLIB_EVENT_SPEC) == 0)
            return bp;
    return NULL;
}

void solib_target_attached(struct session *s)
{
    struct breakpoint *old = event_breakpoint(s);
    if (old)
        bp_delete(&infrun_of(s)->bps, old);     /* a previous process's: not inserted */
    for (int i = 0; i < ifuncs.nreturns; i++)
        bp_delete(&infrun_of(s)->bps, ifuncs.returns[i].bp);
    ifuncs.nreturns = 0;
    ifuncs.ntargets = 0;
    addr_t addr;
    if (!target_can_run(s->target) || !s->symtab || !event_address(s->symtab, &addr))
        return;
    struct breakpoint *bp = bp_create(&infrun_of(s)->bps, BP_BREAKPOINT, SOLIB_EVENT_SPEC, true);
    if (bp)
        bp_add_location(bp, addr);
}

/* The library (module path) of each user breakpoint's first location,
 * in table order (NULL: none, or in the executable); malloc'd, or NULL. */
static char **breakpoint_libraries(struct session *s)
{
    size_t n = 0, i = 0;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next)
        n++;
    char **lib_of = calloc(n ? n : 1, sizeof *lib_of);
    for (struct breakpoint *bp = infrun_of(s)->bps.head; lib_of && bp; bp = bp->next, i++) {
        Dwfl_Module *mod = bp->num > 0 && bp->kind == BP_BREAKPOINT && bp->nlocs > 0
                               ? symtab_module_at(s->symtab, bp->locs[0].addr, NULL) : NULL;
        if (mod && !symtab_module_is_main(s->symtab, mod))
            lib_of[i] = strdup(symtab_module_path(mod));
    }
    return lib_of;
}

/* gdb's warning, once per library, for a library whose unloading
 * (dlclose) made some of the breakpoints of lib_of (breakpoint_libraries
 * before the event) pending again; frees lib_of.  The table gains or
 * loses no breakpoint between the two calls. */
static void warn_unloaded(struct session *s, char **lib_of)
{
    if (!lib_of)
        return;
    size_t n = 0;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next)
        n++;
    size_t i = 0;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next, i++) {
        if (!lib_of[i] || bp->nlocs > 0)
            continue;
        out_printf(s, "warning: Temporarily disabling breakpoints for unloaded shared library "
                      "\"%s\"\n", lib_of[i]);
        for (size_t k = i + 1; k < n; k++)      /* once per library */
            if (lib_of[k] && strcmp(lib_of[k], lib_of[i]) == 0) {
                free(lib_of[k]);
                lib_of[k] = NULL;
            }
    }
    for (i = 0; i < n; i++)
        free(lib_of[i]);
    free(lib_of);
}

static bool resolver_returned(struct session *s, addr_t pc);

bool solib_handle_event(struct session *s, addr_t pc)
{
    if (resolver_returned(s, pc))
        return true;
    struct breakpoint *bp = event_breakpoint(s);
    if (!bp || bp->nlocs == 0 || bp->locs[0].addr != pc || !s->symtab)
        return false;
    /* Only a consistent link map is worth reading: at RT_ADD the library
     * may be half mapped. */
    addr_t rd = r_debug_addr(s->symtab);
    int32_t state = RT_CONSISTENT;
    if (rd && symtab_read_memory(s->symtab, rd + R_DEBUG_STATE, &state, sizeof state) == 0
        && state != RT_CONSISTENT)
        return true;
    char **lib_of = breakpoint_libraries(s);
    symtab_refresh(s->symtab);
    infrun_resolve_breakpoints(s);
    warn_unloaded(s, lib_of);
    return true;
}

/* ---- IFUNC targets ---- */

/* The resolved value of a GOT slot of mod holding `name`'s address, if
 * the dynamic linker has filled one in with the start of a function. */
static bool module_got_target(struct symtab *st, Dwfl_Module *mod, const char *name,
                              addr_t *out)
{
    Dwarf_Addr bias;
    Elf *elf = dwfl_module_getelf(mod, &bias);
    Elf_Scn *scn = NULL;
    while (elf && (scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh, symsh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || sh.sh_entsize == 0)
            continue;
        Elf_Scn *symscn = elf_getscn(elf, sh.sh_link);
        Elf_Data *rel = elf_getdata(scn, NULL), *syms = symscn ? elf_getdata(symscn, NULL) : NULL;
        if (!rel || !syms || !gelf_getshdr(symscn, &symsh))
            continue;
        for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Rela r;
            GElf_Sym sym;
            if (!gelf_getrela(rel, (int)i, &r))
                break;
            unsigned type = (unsigned)GELF_R_TYPE(r.r_info);
            if ((type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
                || !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym))
                continue;
            const char *sname = elf_strptr(elf, symsh.sh_link, sym.st_name);
            uint64_t value;
            struct sym_info si;
            if (!sname || strcmp(sname, name) != 0
                || symtab_read_memory(st, r.r_offset + bias, &value, sizeof value) != 0)
                continue;
            /* As gdb (elf_gnu_ifunc_record_cache): the slot must hold the
             * start of a function, outside any PLT. */
            if (value && symtab_lookup_addr(st, value, &si) && si.addr == value
                && !symtab_in_plt(st, value)) {
                *out = value;
                return true;
            }
        }
    }
    return false;
}

bool solib_ifunc_target(struct symtab *st, const char *name, addr_t *out)
{
    if (!st->t)
        return false;       /* a file alone: nothing is resolved */
    for (int i = 0; i < ifuncs.ntargets; i++)
        if (strcmp(ifuncs.targets[i].name, name) == 0) {
            *out = ifuncs.targets[i].target;
            return true;
        }
    for (size_t i = 0; i < st->nmods; i++)
        if (module_got_target(st, st->dwmods[i], name, out))
            return true;
    return false;
}

/* Is there a symbol `name` (its version aside) of type STT_GNU_IFUNC at
 * addr? */
static bool ifunc_named_at(struct symtab *st, addr_t addr, const char *name)
{
    Dwfl_Module *mod = symtab_module_at(st, addr, NULL);
    int count = mod ? dwfl_module_getsymtab(mod) : 0;
    for (int i = 1; i < count; i++) {
        GElf_Sym sym;
        GElf_Addr a;
        const char *sname = dwfl_module_getsym_info(mod, i, &sym, &a, NULL, NULL, NULL);
        if (a == addr && sname && GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC
            && same_base_name(sname, name))
            return true;
    }
    return false;
}

bool solib_ifunc_resolver_hit(struct session *s, struct breakpoint *bp, addr_t pc)
{
    struct target *t = s->target;
    struct sym_info si;
    if (bp->num <= 0 || !s->symtab || !bp->spec || strchr(bp->spec, ':') || bp->spec[0] == '*'
        || strlen(bp->spec) >= sizeof ifuncs.returns[0].name
        || !symtab_lookup_name(s->symtab, bp->spec, &si) || si.addr != pc
        || !ifunc_named_at(s->symtab, pc, bp->spec))
        return false;
    pid_t tid = session_current_tid(s);
    struct user_regs_struct regs;
    uint64_t ret;
    if (t->ops->get_regs(t, tid, &regs) < 0 || target_read_u64(t, regs.rsp, &ret) < 0)
        return false;   /* cannot follow it: stop in the resolver */
    for (int i = 0; i < ifuncs.nreturns; i++)
        if (ifuncs.returns[i].tid == tid && ifuncs.returns[i].sp == regs.rsp + 8)
            return true;    /* the same entry, for a second breakpoint on it */
    if (ifuncs.nreturns == MAX_RESOLVER_RETURNS)
        return false;
    struct breakpoint *rb = bp_create(&infrun_of(s)->bps, BP_BREAKPOINT, IFUNC_RETURN_SPEC, true);
    if (!rb)
        return false;
    bp_add_location(rb, ret);
    int i = ifuncs.nreturns++;
    ifuncs.returns[i].bp = rb;
    ifuncs.returns[i].tid = tid;
    ifuncs.returns[i].sp = regs.rsp + 8;
    snprintf(ifuncs.returns[i].name, sizeof ifuncs.returns[i].name, "%s", bp->spec);
    return true;
}

/* Is pc the return of a resolver we wait for, in its thread with its
 * frame gone?  Then remember its target (%rax) and resolve every
 * breakpoint again (Note [Breakpoints on IFUNCs]). */
static bool resolver_returned(struct session *s, addr_t pc)
{
    struct target *t = s->target;
    pid_t tid = session_current_tid(s);
    for (int i = 0; i < ifuncs.nreturns; i++) {
        if (ifuncs.returns[i].bp->locs[0].addr != pc || ifuncs.returns[i].tid != tid)
            continue;
        struct user_regs_struct regs;
        if (t->ops->get_regs(t, tid, &regs) < 0 || regs.rsp < ifuncs.returns[i].sp)
            return false;   /* a deeper call returning to the same place */
        if (ifuncs.ntargets < MAX_IFUNC_TARGETS && regs.rax) {
            int k = ifuncs.ntargets++;
            memcpy(ifuncs.targets[k].name, ifuncs.returns[i].name, sizeof ifuncs.targets[k].name);
            ifuncs.targets[k].target = regs.rax;
        }
        bp_delete(&infrun_of(s)->bps, ifuncs.returns[i].bp);
        ifuncs.returns[i] = ifuncs.returns[--ifuncs.nreturns];
        infrun_resolve_breakpoints(s);
        return true;
    }
    return false;
}
