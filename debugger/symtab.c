/* symtab.c — modules, ELF symbols and line tables of a target, via libdwfl.
 *
 * Offers symtab_load (a live process: dwfl_linux_proc_report; a core:
 * dwfl_core_file_report; a lone ELF file: dwfl_report_offline), module
 * lists with load bias, symbol lookup by address and by name, line tables
 * (address -> file:line, file:line -> addresses), the address "break FUNC"
 * should use, and name completion.  Separate debuginfo is found through
 * dwfl_standard_find_debuginfo (.gnu_debuglink, /usr/lib/debug, build-id).
 *
 * Memory of the target is read only through the target's operations.
 * Depends on: target.h, symtab_priv.h, elfutils.  Knows nothing of the runtime.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "solib.h"
#include "symtab_priv.h"

static char *debuginfo_path = "-.debug:/usr/lib/debug";

static const Dwfl_Callbacks proc_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

static const Dwfl_Callbacks core_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

/* ---- module list ---- */

struct module_walk {
    struct symtab *st;
    size_t cap;
};

/* The value of dynamic tag `tag`, or 0. */
static GElf_Xword elf_dynamic_value(Elf *elf, GElf_Sxword tag)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Dyn dyn;
            if (gelf_getdyn(d, (int)i, &dyn) && dyn.d_tag == tag)
                return dyn.d_un.d_val;
        }
    }
    return 0;
}

/* Does the ELF name itself with DT_SONAME (a shared library does; a PIE
 * does not)? */
static bool elf_has_soname(Elf *elf)
{
    return elf_dynamic_value(elf, DT_SONAME) != 0;
}

/* Is this ELF the program rather than a library: ET_EXEC, or a PIE (ET_DYN
 * with an interpreter and no soname: libc.so.6 has an interpreter too, as
 * it can be run)? */
static bool elf_is_program(Elf *elf)
{
    GElf_Ehdr eh;
    if (!elf || !gelf_getehdr(elf, &eh))
        return false;
    if (eh.e_type == ET_EXEC)
        return true;
    size_t n;
    if (eh.e_type != ET_DYN || elf_getphdrnum(elf, &n) != 0)
        return false;
    if (elf_dynamic_value(elf, DT_FLAGS_1) & DF_1_PIE)
        return true;    /* a PIE, static ones (no interpreter) too */
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP)
            return !elf_has_soname(elf);
    }
    return false;
}

/* Is there DWARF for this module, in the file or as separate debuginfo
 * (build-id or .gnu_debuglink under /usr/lib/debug)?  Answered without
 * loading it: libc's separate DWARF alone takes a few hundred ms to open,
 * which we pay only when a lookup needs it. */
static bool debuginfo_available(Dwfl_Module *mod, Elf *elf, const char *path)
{
    size_t shstrndx;
    Elf_Scn *scn = NULL;
    const char *debuglink = NULL;
    if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0) {
        while ((scn = elf_nextscn(elf, scn)) != NULL) {
            GElf_Shdr sh;
            const char *name;
            if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
                continue;
            if (strcmp(name, ".debug_info") == 0 && sh.sh_type != SHT_NOBITS)
                return true;
            if (strcmp(name, ".gnu_debuglink") == 0) {
                Elf_Data *d = elf_getdata(scn, NULL);
                if (d && d->d_size > 0 && memchr(d->d_buf, '\0', d->d_size))
                    debuglink = d->d_buf;
            }
        }
    }
    const unsigned char *bits;
    GElf_Addr vaddr;
    int len = dwfl_module_build_id(mod, &bits, &vaddr);
    char file[4096];
    if (len > 1) {
        int pos = snprintf(file, sizeof file, "/usr/lib/debug/.build-id/%02x/", bits[0]);
        for (int i = 1; i < len && pos < (int)sizeof file - 8; i++)
            pos += snprintf(file + pos, sizeof file - (size_t)pos, "%02x", bits[i]);
        snprintf(file + pos, sizeof file - (size_t)pos, ".debug");
        if (access(file, R_OK) == 0)
            return true;
    }
    if (debuglink && path[0] == '/') {
        const char *slash = strrchr(path, '/');
        int dirlen = (int)(slash - path);
        snprintf(file, sizeof file, "/usr/lib/debug%.*s/%s", dirlen, path, debuglink);
        if (access(file, R_OK) == 0)
            return true;
        snprintf(file, sizeof file, "%.*s/.debug/%s", dirlen, path, debuglink);
        if (access(file, R_OK) == 0)
            return true;
    }
    return false;
}

static int collect_module(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start,
                          void *arg)
{
    struct module_walk *w = arg;
    struct symtab *st = w->st;
    if (st->nmods == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct rd_module *m = realloc(st->mods, cap * sizeof *m);
        Dwfl_Module **d = m ? realloc(st->dwmods, cap * sizeof *d) : NULL;
        bool *b = d ? realloc(st->is_main, cap * sizeof *b) : NULL;
        if (m) st->mods = m;
        if (d) st->dwmods = d;
        if (b) st->is_main = b;
        if (!b)
            return DWARF_CB_ABORT;
        w->cap = cap;
    }
    struct rd_module *rm = &st->mods[st->nmods];
    memset(rm, 0, sizeof *rm);
    Dwarf_Addr lo, hi, bias = 0;
    const char *mainfile = NULL;
    dwfl_module_info(mod, NULL, &lo, &hi, NULL, NULL, &mainfile, NULL);
    Elf *elf = dwfl_module_getelf(mod, &bias);
    if (!mainfile)
        dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
    snprintf(rm->name, sizeof rm->name, "%s", mainfile ? mainfile : name);
    rm->lo = start;
    rm->hi = hi;
    rm->bias = bias;
    rm->has_debuginfo = debuginfo_available(mod, elf, rm->name);
    st->dwmods[st->nmods] = mod;
    st->is_main[st->nmods] = elf_is_program(elf);
    st->nmods++;
    return DWARF_CB_OK;
}

/* Rebuild st->mods from libdwfl's module list, sorted by address. */
static int collect_modules(struct symtab *st)
{
    struct module_walk w = { st, 0 };
    free(st->mods);
    free(st->dwmods);
    free(st->is_main);
    st->mods = NULL;
    st->dwmods = NULL;
    st->is_main = NULL;
    st->nmods = 0;
    if (dwfl_getmodules(st->dwfl, collect_module, &w, 0) != 0)
        return -1;
    /* Insertion sort by address: module counts are small. */
    for (size_t i = 1; i < st->nmods; i++)
        for (size_t j = i; j > 0 && st->mods[j].lo < st->mods[j - 1].lo; j--) {
            struct rd_module m = st->mods[j];
            st->mods[j] = st->mods[j - 1];
            st->mods[j - 1] = m;
            Dwfl_Module *d = st->dwmods[j];
            st->dwmods[j] = st->dwmods[j - 1];
            st->dwmods[j - 1] = d;
            bool b = st->is_main[j];
            st->is_main[j] = st->is_main[j - 1];
            st->is_main[j - 1] = b;
        }
    return 0;
}

/* ---- loading ---- */

static void free_name_index(struct symtab *st);
static int build_name_index(struct symtab *st);
static uint64_t maps_signature(pid_t pid);

struct sym_entry {
    const char *name;       /* owned by libdwfl, or by the entry (owns_name) */
    addr_t addr;
    uint64_t size;
    unsigned rank;          /* lower is preferred: module order (main first), globals
                               first, a default version before an old one */
    Dwfl_Module *mod;
    unsigned char type;     /* STT_FUNC, STT_GNU_IFUNC, ... */
    bool owns_name;         /* name is a malloc'd copy without its version */
};


/* Report the target's modules to a fresh or re-begun Dwfl. */
static int report_target(struct symtab *st, char *errbuf, size_t errlen)
{
    struct target *t = st->t;
    if (t->core_path[0]) {
        if (!st->core_elf) {
            st->core_fd = open(t->core_path, O_RDONLY | O_CLOEXEC);
            if (st->core_fd < 0) {
                snprintf(errbuf, errlen, "%s: %s", t->core_path, strerror(errno));
                return -1;
            }
            st->core_elf = elf_begin(st->core_fd, ELF_C_READ_MMAP, NULL);
            if (!st->core_elf) {
                snprintf(errbuf, errlen, "%s: %s", t->core_path, elf_errmsg(-1));
                return -1;
            }
        }
        if (dwfl_core_file_report(st->dwfl, st->core_elf, t->exe[0] ? t->exe : NULL) < 0) {
            snprintf(errbuf, errlen, "%s: cannot read modules: %s", t->core_path,
                     dwfl_errmsg(-1));
            return -1;
        }
        return 0;
    }
    int rc = dwfl_linux_proc_report(st->dwfl, t->pid);
    if (rc != 0) {
        snprintf(errbuf, errlen, "process %d: cannot read modules: %s", (int)t->pid,
                 rc > 0 ? strerror(rc) : dwfl_errmsg(-1));
        return -1;
    }
    return 0;
}

/* Load symbols for the target's executable and shared libraries: the
 * module list is read now; symbols, lines and DWARF on first use. */
struct symtab *symtab_load(struct target *t, char *errbuf, size_t errlen)
{
    struct symtab *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    st->t = t;
    st->core_fd = -1;
    elf_version(EV_CURRENT);
    st->dwfl = dwfl_begin(t->core_path[0] ? &core_callbacks : &proc_callbacks);
    if (!st->dwfl) {
        snprintf(errbuf, errlen, "libdwfl: %s", dwfl_errmsg(-1));
        free(st);
        return NULL;
    }
    if (!t->core_path[0])
        st->maps_signature = maps_signature(t->pid);
    dwfl_report_begin(st->dwfl);
    if (report_target(st, errbuf, errlen) != 0 || dwfl_report_end(st->dwfl, NULL, NULL) != 0
        || collect_modules(st) != 0) {
        if (!errbuf[0])
            snprintf(errbuf, errlen, "libdwfl: %s", dwfl_errmsg(-1));
        symtab_free(st);
        return NULL;
    }
    return st;
}

struct symtab *symtab_load_file(const char *path, char *errbuf, size_t errlen)
{
    struct symtab *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    st->core_fd = -1;
    elf_version(EV_CURRENT);
    st->dwfl = dwfl_begin(&offline_callbacks);
    if (!st->dwfl) {
        snprintf(errbuf, errlen, "libdwfl: %s", dwfl_errmsg(-1));
        free(st);
        return NULL;
    }
    dwfl_report_begin(st->dwfl);
    if (access(path, R_OK) != 0) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        symtab_free(st);
        return NULL;
    }
    /* At the file's own addresses, as gdb shows them before "run" ("break
     * main" at 0x1149 in a PIE): dwfl_report_offline would move a PIE up
     * by 0x10000. */
    const char *base = strrchr(path, '/');
    if (!dwfl_report_elf(st->dwfl, base ? base + 1 : path, path, -1, 0, false)) {
        snprintf(errbuf, errlen, "%s: not an ELF file we can read: %s", path, dwfl_errmsg(-1));
        symtab_free(st);
        return NULL;
    }
    if (dwfl_report_end(st->dwfl, NULL, NULL) != 0 || collect_modules(st) != 0) {
        snprintf(errbuf, errlen, "%s: %s", path, dwfl_errmsg(-1));
        symtab_free(st);
        return NULL;
    }
    return st;
}

/* A hash of the file-backed mappings of a live process: it changes when
 * a library is mapped or unmapped, so refreshes cost one read of
 * /proc/PID/maps when nothing changed. */
static uint64_t maps_signature(pid_t pid)
{
    char path[64], line[4352];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    uint64_t h = 1469598103934665603ull;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        if (!strchr(line, '/'))
            continue;
        for (const char *p = line; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
    }
    fclose(f);
    return h;
}

/* Re-scan modules (after a shared library was loaded).  Modules already
 * known are kept by libdwfl; caches keyed by them are dropped.  Cheap when
 * the process's file mappings did not change. */
int symtab_refresh(struct symtab *st)
{
    char err[256] = "";
    if (!st || !st->t)
        return 0;
    if (st->t->core_path[0])
        return 0;   /* a core never changes */
    uint64_t sig = maps_signature(st->t->pid);
    if (sig && sig == st->maps_signature)
        return 0;
    st->maps_signature = sig;
    free_name_index(st);
    dwarf_cache_free(st);
    eh_frame_index_free(st);
    dwfl_report_begin(st->dwfl);
    if (report_target(st, err, sizeof err) != 0) {
        dwfl_report_end(st->dwfl, NULL, NULL);
        return -1;
    }
    if (dwfl_report_end(st->dwfl, NULL, NULL) != 0)
        return -1;
    return collect_modules(st);
}

void symtab_free(struct symtab *st)
{
    if (!st)
        return;
    free_name_index(st);
    dwarf_cache_free(st);
    eh_frame_index_free(st);
    if (st->dwfl)
        dwfl_end(st->dwfl);
    if (st->core_elf)
        elf_end(st->core_elf);
    if (st->core_fd >= 0)
        close(st->core_fd);
    free(st->mods);
    free(st->dwmods);
    free(st->is_main);
    free(st);
}

int symtab_modules(struct symtab *st, struct rd_module **out, size_t *n)
{
    *out = st->mods;
    *n = st->nmods;
    return 0;
}

/* ---- helpers shared with unwind.c, frame.c, dwarf_*.c ---- */

/* The module one of whose PT_LOAD segments holds addr in its memory
 * image: a process's file mappings end with the file's last page, and the
 * rest of .bss (the runtime's RtsFlags) is anonymous memory libdwfl does
 * not count as the module's, where gdb still names the symbol
 * ("f=f@entry=0x55555560ff60 <RtsFlags>"). */
static Dwfl_Module *module_by_segment(struct symtab *st, addr_t addr)
{
    for (size_t i = 0; i < st->nmods; i++) {
        Dwarf_Addr bias;
        Elf *elf = dwfl_module_getelf(st->dwmods[i], &bias);
        size_t nph;
        if (!elf || elf_getphdrnum(elf, &nph) != 0)
            continue;
        for (size_t k = 0; k < nph; k++) {
            GElf_Phdr ph;
            if (gelf_getphdr(elf, (int)k, &ph) && ph.p_type == PT_LOAD
                && addr >= ph.p_vaddr + bias && addr - (ph.p_vaddr + bias) < ph.p_memsz)
                return st->dwmods[i];
        }
    }
    return NULL;
}

Dwfl_Module *symtab_module_at(struct symtab *st, addr_t addr, Dwarf_Addr *bias)
{
    Dwfl_Module *mod = dwfl_addrmodule(st->dwfl, addr);
    if (!mod)
        mod = module_by_segment(st, addr);
    if (mod && bias)
        dwfl_module_getelf(mod, bias);
    return mod;
}

const char *symtab_module_path(Dwfl_Module *mod)
{
    const char *mainfile = NULL, *name;
    name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
    return mainfile ? mainfile : name ? name : "";
}

bool symtab_module_is_main(struct symtab *st, Dwfl_Module *mod)
{
    for (size_t i = 0; i < st->nmods; i++)
        if (st->dwmods[i] == mod)
            return st->is_main[i];
    return false;
}

/* Copy [addr, addr+len) from the module's file, when addr lies in the
 * file-backed part of one of its PT_LOAD segments. */
static int read_from_file_image(struct symtab *st, addr_t addr, void *buf, size_t len)
{
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, addr, &bias);
    if (!mod)
        return -EFAULT;
    Elf *elf = dwfl_module_getelf(mod, &bias);
    size_t rawsize = 0, nph;
    char *raw = elf ? elf_rawfile(elf, &rawsize) : NULL;
    if (!raw || elf_getphdrnum(elf, &nph) != 0)
        return -EFAULT;
    addr_t vaddr = addr - bias;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        if (vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz
            || len > ph.p_filesz - (vaddr - ph.p_vaddr))
            continue;
        uint64_t off = ph.p_offset + (vaddr - ph.p_vaddr);
        if (off > rawsize || len > rawsize - off)
            return -EFAULT;
        memcpy(buf, raw + off, len);
        return 0;
    }
    return -EFAULT;
}

int symtab_read_memory(struct symtab *st, addr_t addr, void *buf, size_t len)
{
    int rc = -EFAULT;
    if (st->t && st->t->ops && st->t->ops->read_memory)
        rc = st->t->ops->read_memory(st->t, addr, buf, len);
    if (rc != 0 && read_from_file_image(st, addr, buf, len) == 0)
        return 0;
    return rc;
}

bool symtab_function_die(struct symtab *st, addr_t pc, Dwarf_Die *fn, Dwarf_Addr *bias)
{
    Dwarf_Addr b = 0;
    Dwfl_Module *mod = symtab_module_at(st, pc, NULL);
    if (!mod)
        return false;
    Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, &b);
    if (!cu)
        return false;
    /* Not dwarf_getscopes: it loses the real function of a pc in inlined
     * code (Note [Inlined frames] in symtab_inline.c). */
    Dwarf_Die *scopes = NULL;
    int n = symtab_pc_scopes(st, pc, &scopes, NULL);
    bool found = n > 0;
    if (found)
        *fn = scopes[n - 1];
    free(scopes);
    if (found && bias)
        *bias = b;
    return found;
}

const char *symtab_display_file(Dwarf_Die *cudie, const char *full)
{
    Dwarf_Attribute a;
    const char *comp_dir = cudie ? dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &a)) : NULL;
    const char *cu_name = cudie ? dwarf_diename(cudie) : NULL;
    if (!full)
        return "??";
    /* gdb prints the name the compiler was given: relative names stay
     * relative.  A relative comp_dir (glibc's "./nptl") is kept, as gdb does. */
    if (comp_dir && comp_dir[0] == '/' && cu_name && cu_name[0] != '/') {
        size_t n = strlen(comp_dir);
        if (strncmp(full, comp_dir, n) == 0 && full[n] == '/')
            return full + n + 1;
    }
    return full;
}

const char *symtab_function_name(Dwarf_Die *fn)
{
    Dwarf_Attribute a;
    const char *linkage = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_linkage_name, &a));
    if (linkage && strncmp(linkage, "_Z", 2) != 0)
        return linkage;
    return dwarf_diename(fn);
}

/* ---- symbols by address ---- */

/* Of several symbols at one address (clone3 and __clone3), the name gdb
 * shows: it sorts minimal symbols by address then name and takes the last
 * of the run, preferring one with a size. */
static const char *gdb_preferred_name(struct symtab *st, Dwfl_Module *mod, addr_t start,
                                      const char *found)
{
    if (build_name_index(st) != 0 || st->nsyms == 0)
        return found;
    size_t lo = 0, hi = st->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->syms_by_addr[mid].addr < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    const char *best = NULL, *best_sized = NULL;
    for (size_t i = lo; i < st->nsyms && st->syms_by_addr[i].addr == start; i++) {
        if (st->syms_by_addr[i].mod != mod)
            continue;
        best = st->syms_by_addr[i].name;
        if (st->syms_by_addr[i].size)
            best_sized = best;
    }
    return best_sized ? best_sized : best ? best : found;
}

bool symtab_lookup_addr(struct symtab *st, addr_t addr, struct sym_info *out)
{
    Dwfl_Module *mod = symtab_module_at(st, addr, NULL);
    if (!mod)
        return false;
    GElf_Off off = 0;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
    if (!name)
        return false;
    out->name = gdb_preferred_name(st, mod, addr - off, name);
    out->addr = addr - off;
    out->size = sym.st_size;
    out->module = symtab_module_path(mod);
    return true;
}

bool symtab_symbolize(struct symtab *st, addr_t a, char *buf, size_t len)
{
    struct sym_info si;
    if (!st || !symtab_lookup_addr(st, a, &si) || !si.name)
        return false;
    if (a < si.addr || (si.size && a >= si.addr + si.size) || (!si.size && a != si.addr))
        return false;
    if (a == si.addr)
        snprintf(buf, len, "%s", si.name);
    else
        snprintf(buf, len, "%s+%" PRIu64, si.name, (uint64_t)(a - si.addr));
    return true;
}

/* ---- symbols by name: a sorted index over every module's symbol table ---- */

static void free_entries(struct sym_entry *v, size_t n);

static void free_name_index(struct symtab *st)
{
    free_entries(st->syms, st->nsyms);     /* syms_by_addr shares the names */
    free(st->syms_by_addr);
    st->syms = NULL;
    st->syms_by_addr = NULL;
    st->nsyms = 0;
}

/* Free n index entries and the names they own. */
static void free_entries(struct sym_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].owns_name)
            free((char *)v[i].name);
    free(v);
}

static int compare_sym_addr(const void *a, const void *b)
{
    const struct sym_entry *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int compare_sym_entry(const void *a, const void *b)
{
    const struct sym_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Note [Versioned symbol names]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A library's full symbol table (libc's separate debuginfo) names
 * versioned symbols with their version: "pthread_create@@GLIBC_2.34" (the
 * default version, what new programs link to) and
 * "pthread_create@GLIBC_2.2.5" (an old one kept for old programs).  gdb
 * records them without the version, so "break pthread_create", "print
 * pthread_create", "info address" and "info symbol" find the function by
 * its plain name.  The index does the same: each such name is stored
 * without its version (a copy the entry owns), the default version ranked
 * before old ones (gdb's "print realpath" happens to pick the old one).
 * "@plt" is not a version and is kept. */

/* The name of a versioned symbol without its version (malloc'd), and
 * whether it is an old (non-default) version; NULL for other names. */
static char *unversioned_name(const char *name, bool *old_version)
{
    const char *at = strchr(name, '@');
    if (!at || at == name || strcmp(at, "@plt") == 0)
        return NULL;
    *old_version = at[1] != '@';
    return strndup(name, (size_t)(at - name));
}

/* Build the name index: functions and data objects defined in a module,
 * versioned names without their versions (Note [Versioned symbol names]). */
static int build_name_index(struct symtab *st)
{
    if (st->syms)
        return 0;
    size_t cap = 0, n = 0;
    struct sym_entry *v = NULL;
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t m = 0; m < st->nmods; m++) {
            if (st->is_main[m] != (pass == 0))
                continue;
            Dwfl_Module *mod = st->dwmods[m];
            int count = dwfl_module_getsymtab(mod);
            for (int i = 1; i < count; i++) {
                GElf_Sym sym;
                GElf_Addr addr;
                GElf_Word shndx;
                const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL,
                                                           NULL);
                int type = GELF_ST_TYPE(sym.st_info);
                if (!name || !*name || sym.st_shndx == SHN_UNDEF)
                    continue;
                if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC
                    && type != STT_TLS)
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 4096;
                    struct sym_entry *nv = realloc(v, cap * sizeof *nv);
                    if (!nv) {
                        free_entries(v, n);
                        return -1;
                    }
                    v = nv;
                }
                unsigned local = GELF_ST_BIND(sym.st_info) == STB_LOCAL;
                bool old_version = false;
                char *plain = unversioned_name(name, &old_version);
                v[n++] = (struct sym_entry){ plain ? plain : name, addr, sym.st_size,
                                             ((unsigned)(pass * 2 + m) * 2 + local) * 2
                                                 + old_version,
                                             mod, (unsigned char)type, plain != NULL };
            }
        }
    struct sym_entry *by_addr = malloc((n ? n : 1) * sizeof *by_addr);
    if (!by_addr) {
        free_entries(v, n);
        return -1;
    }
    memcpy(by_addr, v, n * sizeof *v);
    qsort(v, n, sizeof *v, compare_sym_entry);
    qsort(by_addr, n, sizeof *by_addr, compare_sym_addr);
    st->syms = v;
    st->syms_by_addr = by_addr;
    st->nsyms = n;
    return 0;
}

/* Index of the first entry whose name is >= key (by the first klen bytes
 * when prefix is set). */
static size_t lower_bound(struct symtab *st, const char *key, bool prefix)
{
    size_t lo = 0, hi = st->nsyms, klen = strlen(key);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = prefix ? strncmp(st->syms[mid].name, key, klen) : strcmp(st->syms[mid].name, key);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct sym_entry *find_symbol(struct symtab *st, const char *name)
{
    if (build_name_index(st) != 0)
        return NULL;
    size_t i = lower_bound(st, name, false);
    if (i < st->nsyms && strcmp(st->syms[i].name, name) == 0)
        return &st->syms[i];
    return NULL;
}

bool symtab_lookup_name(struct symtab *st, const char *name, struct sym_info *out)
{
    const struct sym_entry *e = find_symbol(st, name);
    if (!e)
        return false;
    out->name = e->name;
    out->addr = e->addr;
    out->size = e->size;
    out->module = symtab_module_path(e->mod);
    return true;
}

int symtab_complete(struct symtab *st, const char *prefix,
                    void (*cb)(const char *name, void *arg), void *arg)
{
    if (build_name_index(st) != 0)
        return 0;
    size_t klen = strlen(prefix);
    int count = 0;
    const char *last = NULL;
    for (size_t i = lower_bound(st, prefix, true); i < st->nsyms; i++) {
        const char *name = st->syms[i].name;
        if (strncmp(name, prefix, klen) != 0)
            break;
        if (last && strcmp(last, name) == 0)
            continue;
        cb(name, arg);
        last = name;
        count++;
    }
    return count;
}

/* ---- lines ---- */

/* Note [Where a line starts, as gdb sees it]
 * gdb drops a line-table row that repeats the previous row's line when that
 * line carries a non-zero discriminator (optimised code emits many such
 * rows, e.g. in libc).  So for gdb the line containing pc starts at the
 * first of the run of same-line rows, and frame 0 shows its address unless
 * pc is at that first row.  We walk back the same way.  Likewise a row
 * that is not a statement boundary (is_stmt false: GCC's location views
 * emit them mid-line) does not start a line for gdb: a fault there shows
 * "0x... in crash_inner (...)" with its address.  For -O0 code, where
 * consecutive rows differ in line, this is simply the row holding pc. */
static size_t line_run_start(Dwarf_Lines *lines, size_t i)
{
    int lineno, prev_line;
    bool discriminated = false, end_seq;
    unsigned int disc;
    const char *file = dwarf_linesrc(dwarf_onesrcline(lines, i), NULL, NULL);
    if (dwarf_lineno(dwarf_onesrcline(lines, i), &lineno) != 0)
        return i;
    size_t j = i;
    while (j > 0) {
        Dwarf_Line *prev = dwarf_onesrcline(lines, j - 1);
        if (dwarf_lineendsequence(prev, &end_seq) != 0 || end_seq
            || dwarf_lineno(prev, &prev_line) != 0 || prev_line != lineno
            || dwarf_linesrc(prev, NULL, NULL) != file)
            break;
        j--;
    }
    for (size_t k = j; k <= i; k++)
        if (dwarf_linediscriminator(dwarf_onesrcline(lines, k), &disc) == 0 && disc != 0)
            discriminated = true;
    if (discriminated)
        return j;
    /* A row that is not a statement boundary (is_stmt false) continues the
     * line before it: the line starts at the last statement row. */
    bool stmt;
    size_t k = i;
    while (k > j && dwarf_linebeginstatement(dwarf_onesrcline(lines, k), &stmt) == 0 && !stmt)
        k--;
    return k;
}

/* Note [Rows that share an address]
 * GCC often emits several rows at one address, most visibly at a
 * function's first instruction: the line of its '{', then the line of
 * its first statement (both statement boundaries), sometimes followed by
 * a non-statement row for '{' again (a location view).  gdb's
 * find_pc_sect_line takes the last row at or below pc, and when that row
 * is not a statement boundary, the nearest statement row before it at
 * the same address.  So at pingpong_main's entry gdb says line 57 (the
 * `if`), not 56 ('{'), in "break", the stop report, bt, "info line",
 * "list" and stepping alike; every one of those asks symtab_line_for_addr,
 * so the rule is applied here once.  Rows at one address form a run in
 * libdw's table (it sorts by address and keeps the order of rows at one
 * address), so the walk is over that run. */
static size_t same_address_statement(Dwarf_Lines *lines, size_t i)
{
    bool stmt;
    Dwarf_Addr a, prev_a;
    if (dwarf_linebeginstatement(dwarf_onesrcline(lines, i), &stmt) != 0 || stmt
        || dwarf_lineaddr(dwarf_onesrcline(lines, i), &a) != 0)
        return i;
    for (size_t k = i; k > 0; k--) {
        Dwarf_Line *prev = dwarf_onesrcline(lines, k - 1);
        bool end_seq;
        if (dwarf_lineaddr(prev, &prev_a) != 0 || prev_a != a
            || dwarf_lineendsequence(prev, &end_seq) != 0 || end_seq)
            break;
        if (dwarf_linebeginstatement(prev, &stmt) == 0 && stmt)
            return k - 1;
    }
    return i;
}

/* The line-table row gdb takes for addr: the last at or below it, then
 * Note [Rows that share an address].  False past the end of a sequence
 * (no code there) or without lines. */
struct row_at {
    Dwarf_Die *cu;
    Dwarf_Addr bias;
    Dwarf_Lines *lines;
    size_t n, i;
    int line;
    const char *file;       /* full path, as libdw gives it */
};

static bool row_at_addr(struct symtab *st, addr_t addr, struct row_at *r)
{
    Dwfl_Module *mod = symtab_module_at(st, addr, NULL);
    r->cu = mod ? dwfl_module_addrdie(mod, addr, &r->bias) : NULL;
    if (!r->cu || dwarf_getsrclines(r->cu, &r->lines, &r->n) != 0 || r->n == 0)
        return false;
    /* The last row at or below addr (libdw sorts rows by address). */
    Dwarf_Addr rel = addr - r->bias, a;
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dwarf_lineaddr(dwarf_onesrcline(r->lines, mid), &a) == 0 && a <= rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    r->i = same_address_statement(r->lines, lo - 1);
    Dwarf_Line *row = dwarf_onesrcline(r->lines, r->i);
    bool end_seq = false;
    if (dwarf_lineendsequence(row, &end_seq) != 0 || end_seq
        || dwarf_lineno(row, &r->line) != 0 || r->line <= 0)
        return false;   /* past the end of a sequence: no code here */
    r->file = dwarf_linesrc(row, NULL, NULL);
    return r->file != NULL;
}

bool symtab_line_for_addr(struct symtab *st, addr_t addr, struct line_info *out)
{
    struct row_at r;
    if (!row_at_addr(st, addr, &r))
        return false;
    size_t start = line_run_start(r.lines, r.i);   /* See Note [Where a line starts, as gdb sees it] */
    Dwarf_Addr a;
    bool stmt;
    if (dwarf_lineaddr(dwarf_onesrcline(r.lines, start), &a) != 0
        || dwarf_linebeginstatement(dwarf_onesrcline(r.lines, start), &stmt) != 0)
        return false;
    out->file = symtab_display_file(r.cu, r.file);
    out->line = r.line;
    out->addr = a + r.bias;
    out->is_stmt = stmt;
    return true;
}

/* Does gdb leave row k out of its line table?  It records a row that
 * repeats the previous row's line (same file) only while that line has
 * had no non-zero discriminator (gdb's dwarf_record_line_p): GCC marks a
 * loop's increment and test rows so, and gdb sees one row there. */
static bool gdb_coalesces_row(Dwarf_Lines *lines, size_t k)
{
    int line, prev_line;
    bool end_seq;
    unsigned int disc;
    Dwarf_Line *row = dwarf_onesrcline(lines, k);
    if (k == 0 || dwarf_lineendsequence(row, &end_seq) != 0 || end_seq
        || dwarf_lineno(row, &line) != 0)
        return false;
    const char *file = dwarf_linesrc(row, NULL, NULL);
    /* Walk the run of rows of this line back to its first (j). */
    for (size_t j = k;; j--) {
        Dwarf_Line *prev = j > 0 ? dwarf_onesrcline(lines, j - 1) : NULL;
        bool same = prev && dwarf_lineendsequence(prev, &end_seq) == 0 && !end_seq
                    && dwarf_lineno(prev, &prev_line) == 0 && prev_line == line
                    && dwarf_linesrc(prev, NULL, NULL) == file;
        if (j == k && !same)
            return false;       /* k starts its line */
        if (dwarf_linediscriminator(dwarf_onesrcline(lines, j), &disc) == 0 && disc != 0)
            return true;
        if (!same)
            return false;       /* the run had no discriminator */
    }
}

/* The row holding addr as gdb's line table has it: rows gdb leaves out
 * (gdb_coalesces_row) belong to the row before them. */
bool symtab_row_for_addr(struct symtab *st, addr_t addr, struct line_row *out)
{
    struct row_at r;
    Dwarf_Addr a, next;
    bool stmt;
    Dwarf_Line *row;
    if (!row_at_addr(st, addr, &r))
        return false;
    size_t i = r.i;
    while (gdb_coalesces_row(r.lines, i))
        i--;
    row = dwarf_onesrcline(r.lines, i);
    if (dwarf_lineaddr(row, &a) != 0 || dwarf_linebeginstatement(row, &stmt) != 0)
        return false;
    out->file = symtab_display_file(r.cu, r.file);
    out->line = r.line;
    out->start = a + r.bias;
    out->end = addr + 1;
    out->is_stmt = stmt;
    for (size_t k = r.i + 1; k < r.n; k++)
        if (dwarf_lineaddr(dwarf_onesrcline(r.lines, k), &next) == 0 && next + r.bias > addr
            && !gdb_coalesces_row(r.lines, k)) {
            out->end = next + r.bias;
            break;
        }
    return true;
}

bool symtab_line_details(struct symtab *st, addr_t addr, char *path, size_t pathlen,
                         addr_t *start, addr_t *end)
{
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, addr, NULL);
    Dwfl_Line *line = mod ? dwfl_module_getsrc(mod, addr) : NULL;
    Dwarf_Line *dl = line ? dwfl_dwarf_line(line, &bias) : NULL;
    Dwarf_Addr laddr;
    const char *file = line ? dwfl_lineinfo(line, &laddr, NULL, NULL, NULL, NULL) : NULL;
    if (!file || !dl)
        return false;
    snprintf(path, pathlen, "%s", file);
    *start = *end = laddr;
    /* The row ends where the next row with a higher address starts. */
    Dwarf_Lines *lines;
    size_t n;
    Dwarf_Die *cu = dwfl_linecu(line);
    if (cu && dwarf_getsrclines(cu, &lines, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            Dwarf_Line *l = dwarf_onesrcline(lines, i);
            Dwarf_Addr a;
            if (l && dwarf_lineaddr(l, &a) == 0 && a + bias > laddr
                && (*end == laddr || a + bias < *end))
                *end = a + bias;
        }
    }
    return true;
}

/* The statement rows of FILE:LINE in every module: their addresses, at
 * most max of them, none twice. */
static int rows_of_line(struct symtab *st, const char *file, int line, addr_t *out, int max,
                        int *nearest)
{
    int n = 0;
    *nearest = 0;
    for (size_t m = 0; m < st->nmods && n < max; m++) {
        Dwfl_Line **srcs = NULL;
        size_t nsrcs = 0;
        Dwarf_Addr b;
        if (!dwfl_module_getdwarf(st->dwmods[m], &b))
            continue;
        if (dwfl_module_getsrc_file(st->dwmods[m], file, line, 0, &srcs, &nsrcs) != 0)
            continue;
        for (size_t i = 0; i < nsrcs && n < max; i++) {
            Dwarf_Addr a, bias;
            int lineno;
            bool end_seq, stmt;
            Dwarf_Line *dl = dwfl_dwarf_line(srcs[i], &bias);
            if (!dwfl_lineinfo(srcs[i], &a, &lineno, NULL, NULL, NULL) || !dl
                || dwarf_lineendsequence(dl, &end_seq) != 0 || end_seq
                || dwarf_linebeginstatement(dl, &stmt) != 0 || !stmt)
                continue;
            if (lineno != line) {       /* libdw's nearest following line */
                if (lineno > line && (*nearest == 0 || lineno < *nearest))
                    *nearest = lineno;
                continue;
            }
            bool dup = false;
            for (int k = 0; k < n; k++)
                dup |= out[k] == a;
            if (!dup)
                out[n++] = a;
        }
        free(srcs);
    }
    return n;
}

/* Addresses of the first instruction of FILE:LINE in every module, or,
 * when LINE has no code, of the nearest following line that has, as gdb
 * does (*line_found, if not NULL, says which line).  Rows ending a sequence and rows that are not statements are not
 * places a line starts. */
int symtab_addrs_for_line(struct symtab *st, const char *file, int line, addr_t *out, int max,
                          int *line_found)
{
    int nearest;
    int n = rows_of_line(st, file, line, out, max, &nearest);
    if (line_found)
        *line_found = line;
    if (n == 0 && nearest > line) {
        if (line_found)
            *line_found = nearest;
        n = rows_of_line(st, file, nearest, out, max, &nearest);
    }
    return n;
}

/* ---- the dynamic linker's lazy binding ---- */

/* Is mod the program's interpreter (the dynamic linker named by the
 * executable's PT_INTERP)?  Compared by file name: the program says
 * /lib64/ld-linux-x86-64.so.2, the maps the real path. */
static bool module_is_interpreter(struct symtab *st, Dwfl_Module *mod)
{
    const char *path = symtab_module_path(mod), *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t m = 0; m < st->nmods; m++) {
        Dwarf_Addr bias;
        Elf *elf = st->is_main[m] ? dwfl_module_getelf(st->dwmods[m], &bias) : NULL;
        size_t nph, rawsize;
        char *raw = elf ? elf_rawfile(elf, &rawsize) : NULL;
        if (!raw || elf_getphdrnum(elf, &nph) != 0)
            continue;
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_INTERP
                || ph.p_offset >= rawsize || ph.p_filesz > rawsize - ph.p_offset
                || !memchr(raw + ph.p_offset, '\0', ph.p_filesz))
                continue;
            const char *interp = raw + ph.p_offset, *ibase = strrchr(interp, '/');
            return strcmp(ibase ? ibase + 1 : interp, base) == 0;
        }
    }
    return false;
}

Elf_Scn *symtab_elf_section(Elf *elf, const char *name, bool prefix, Elf_Scn *after, GElf_Shdr *sh)
{
    size_t shstrndx;
    if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    Elf_Scn *scn = after;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        const char *sname;
        if (gelf_getshdr(scn, sh) && (sname = elf_strptr(elf, shstrndx, sh->sh_name))
            && (prefix ? strncmp(sname, name, strlen(name)) == 0 : strcmp(sname, name) == 0))
            return scn;
    }
    return NULL;
}

bool symtab_in_plt(struct symtab *st, addr_t addr)
{
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, addr, &bias);
    Elf *elf = mod ? dwfl_module_getelf(mod, &bias) : NULL;
    GElf_Shdr sh;
    for (Elf_Scn *scn = NULL; (scn = symtab_elf_section(elf, ".plt", true, scn, &sh)) != NULL;)
        if (addr - bias >= sh.sh_addr && addr - bias < sh.sh_addr + sh.sh_size)
            return true;
    return false;
}

bool symtab_in_dynsym_resolve_code(struct symtab *st, addr_t pc)
{
    if (symtab_in_plt(st, pc))
        return true;
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, pc, &bias);
    return mod && module_is_interpreter(st, mod);
}

/* ---- breakpoint address for a function ---- */

/* The lowest line-table row inside [lo, hi) whose line differs from the
 * function's first row: the end of the prologue at -O0, as gdb finds it. */
static bool second_line_addr(Dwarf_Die *cu, Dwarf_Addr lo, Dwarf_Addr hi, Dwarf_Addr *out)
{
    Dwarf_Lines *lines;
    size_t n;
    if (dwarf_getsrclines(cu, &lines, &n) != 0)
        return false;
    int first_line = -1;
    for (size_t i = 0; i < n; i++) {
        Dwarf_Line *l = dwarf_onesrcline(lines, i);
        Dwarf_Addr a;
        int lineno;
        if (!l || dwarf_lineaddr(l, &a) != 0 || a < lo || a >= hi || dwarf_lineno(l, &lineno) != 0)
            continue;
        if (first_line < 0) {
            first_line = lineno;
            continue;
        }
        if (lineno != first_line && a > lo) {
            *out = a;
            return true;
        }
    }
    return false;
}

/* Does the code at addr set up a frame pointer ("push %rbp; mov %rsp,%rbp",
 * perhaps after endbr64)?  gdb 13 on x86-64 skips a prologue for gcc's code
 * only then (amd64_analyze_prologue); a function without one (most at
 * -O2) is stopped at its first instruction. */
static bool sets_up_frame_pointer(struct symtab *st, addr_t addr)
{
    unsigned char code[8];
    size_t at = 0;
    if (symtab_read_memory(st, addr, code, sizeof code) != 0)
        return true;    /* cannot tell: keep the line-table rule */
    if (code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa)
        at = 4;         /* endbr64 */
    return code[at] == 0x55 && code[at + 1] == 0x48
           && ((code[at + 2] == 0x89 && code[at + 3] == 0xe5)
               || (code[at + 2] == 0x8b && code[at + 3] == 0xec));
}

addr_t symtab_function_body_addr(struct symtab *st, addr_t entry)
{
    if (!sets_up_frame_pointer(st, entry))
        return entry;
    Dwarf_Die fn;
    Dwarf_Addr bias;
    if (!symtab_function_die(st, entry, &fn, &bias))
        return entry;   /* no DWARF: the entry itself */
    Dwarf_Addr lo, hi;
    if (dwarf_lowpc(&fn, &lo) != 0 || dwarf_highpc(&fn, &hi) != 0)
        return entry;
    Dwarf_Die cu;
    if (!dwarf_diecu(&fn, &cu, NULL, NULL))
        return entry;
    Dwarf_Addr a;
    if (second_line_addr(&cu, lo, hi, &a))
        return a + bias;
    addr_t body = entry;
    Dwarf_Addr *bkpts = NULL;
    if (dwarf_entry_breakpoints(&fn, &bkpts) > 0)
        body = bkpts[0] + bias;
    free(bkpts);
    return body;
}

/* "break FUNC": a GNU indirect function is broken at the function its
 * resolver chose when a GOT slot tells, else at the resolver, whose
 * return run control then follows (Note [Breakpoints on IFUNCs] in
 * solib.c). */
bool symtab_function_breakpoint_addr(struct symtab *st, const char *name, addr_t *out)
{
    const struct sym_entry *e = find_symbol(st, name);
    if (!e)
        return false;
    addr_t entry = e->addr;
    if (e->type == STT_GNU_IFUNC)
        solib_ifunc_target(st, name, &entry);
    *out = symtab_function_body_addr(st, entry);
    return true;
}
