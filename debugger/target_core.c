/* target_core.c — the core-file target: a process image frozen in an ELF core.
 *
 * Offers target_open_core and the "core" target_ops: memory from PT_LOAD
 * segments, threads and registers from NT_PRSTATUS/NT_FPREGSET, mappings
 * from PT_LOAD + NT_FILE.  Cores cannot run: run-control operations are NULL.
 *
 * Must not depend on: ptrace, symbols, the session.
 *
 * Note [Memory the core does not hold]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A PT_LOAD may hold fewer bytes in the file than it maps (p_filesz <
 * p_memsz): the kernel leaves out read-only file-backed pages (text of the
 * program and its libraries, per /proc/PID/coredump_filter) and gdb leaves
 * out what it could not read.  For such bytes, when NT_FILE names the file
 * mapped there and that file can still be read, the bytes come from the file
 * at the mapping's offset; otherwise they read as zeros.  Addresses outside
 * every PT_LOAD are unmapped: -EFAULT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>

#include "elfcore.h"
#include "target.h"
#include "target_internal.h"

struct core_state {
    struct elfcore core;
    /* One open descriptor per NT_FILE entry (-1: not opened yet, -2: unreadable). */
    int *file_fds;
};

static struct core_state *core_of(struct target *t) { return t->priv; }

/* Bytes of a mapped file for an address the core left out, or zeros. */
static void read_omitted(struct target *t, uint64_t addr, unsigned char *buf, size_t len)
{
    struct core_state *cs = core_of(t);
    const struct elfcore_file *f = elfcore_file_at(&cs->core, addr);
    memset(buf, 0, len);
    if (!f)
        return;
    size_t i = (size_t)(f - cs->core.files);
    if (cs->file_fds[i] == -1) {
        cs->file_fds[i] = open(f->path, O_RDONLY | O_CLOEXEC);
        if (cs->file_fds[i] < 0)
            cs->file_fds[i] = -2;
    }
    if (cs->file_fds[i] < 0)
        return;
    if (len > f->end - addr)
        len = (size_t)(f->end - addr);
    ssize_t n = pread(cs->file_fds[i], buf, len, (off_t)(f->offset + (addr - f->start)));
    (void)n;        /* short read past the file's end: the rest stays zero */
}

/* See Note [Memory the core does not hold]. */
static int core_read_memory(struct target *t, addr_t addr, void *buf, size_t len)
{
    struct elfcore *core = &core_of(t)->core;
    unsigned char *out = buf;
    while (len > 0) {
        const struct elfcore_segment *s = elfcore_segment_at(core, addr);
        if (!s)
            return -EFAULT;
        uint64_t off = addr - s->vaddr;
        size_t n = len;
        if (n > s->memsz - off)
            n = (size_t)(s->memsz - off);
        if (off < s->filesz) {
            if (n > s->filesz - off)
                n = (size_t)(s->filesz - off);
            memcpy(out, core->data + s->offset + off, n);
        } else {
            read_omitted(t, addr, out, n);
        }
        out += n;
        addr += n;
        len -= n;
    }
    return 0;
}

static int core_write_memory(struct target *t, addr_t addr, const void *buf, size_t len)
{
    return -EROFS;
}

static const struct elfcore_thread *core_thread(struct target *t, pid_t tid)
{
    struct elfcore *core = &core_of(t)->core;
    for (size_t i = 0; i < core->nthreads; i++)
        if (core->threads[i].tid == tid)
            return &core->threads[i];
    return NULL;
}

static int core_get_regs(struct target *t, pid_t tid, struct user_regs_struct *regs)
{
    const struct elfcore_thread *th = core_thread(t, tid);
    if (!th)
        return -ESRCH;
    *regs = th->regs;
    return 0;
}

static int core_set_regs(struct target *t, pid_t tid, const struct user_regs_struct *regs)
{
    return -EROFS;
}

static int core_get_fpregs(struct target *t, pid_t tid, struct user_fpregs_struct *fp)
{
    const struct elfcore_thread *th = core_thread(t, tid);
    if (!th)
        return -ESRCH;
    if (!th->has_fpregs)
        return -ENODATA;
    *fp = th->fpregs;
    return 0;
}

static int core_update_threads(struct target *t)
{
    return 0;
}

static int core_maps(struct target *t, struct rd_map **out, size_t *n)
{
    struct elfcore *core = &core_of(t)->core;
    struct rd_map *maps = calloc(core->nsegs ? core->nsegs : 1, sizeof *maps);
    if (!maps)
        return -ENOMEM;
    for (size_t i = 0; i < core->nsegs; i++) {
        const struct elfcore_segment *s = &core->segs[i];
        struct rd_map *m = &maps[i];
        m->start = s->vaddr;
        m->end = s->vaddr + s->memsz;
        m->r = s->r;
        m->w = s->w;
        m->x = s->x;
        const struct elfcore_file *f = elfcore_file_at(core, s->vaddr);
        if (f) {
            m->offset = f->offset + (s->vaddr - f->start);
            snprintf(m->path, sizeof m->path, "%s", f->path);
        }
    }
    *out = maps;
    *n = core->nsegs;
    return 0;
}

static void core_close(struct target *t)
{
    struct core_state *cs = core_of(t);
    for (size_t i = 0; i < cs->core.nfiles; i++)
        if (cs->file_fds[i] >= 0)
            close(cs->file_fds[i]);
    free(cs->file_fds);
    elfcore_free(&cs->core);
    free(cs);
    target_free_common(t);
}

static const struct target_ops core_ops = {
    .name = "core",
    .read_memory = core_read_memory,
    .write_memory = core_write_memory,
    .get_regs = core_get_regs,
    .set_regs = core_set_regs,
    .get_fpregs = core_get_fpregs,
    .update_threads = core_update_threads,
    .maps = core_maps,
    .close = core_close,
};

/* The path of the main executable as the core records it: the NT_FILE
 * mapping that holds the program headers (AT_PHDR), else AT_ENTRY. */
static const struct elfcore_file *core_exe_file(const struct elfcore *core)
{
    const struct elfcore_file *f = elfcore_file_at(core, elfcore_auxv(core, AT_PHDR));
    if (!f)
        f = elfcore_file_at(core, elfcore_auxv(core, AT_ENTRY));
    return f;
}

struct image_in_core {
    struct target *t;
    addr_t base;
};

static int read_image_in_core(void *ctx, uint64_t offset, void *buf, size_t len)
{
    struct image_in_core *img = ctx;
    return core_read_memory(img->t, img->base + offset, buf, len);
}

/* Does the executable the core was made from match `exe`?  Same file, or
 * failing that the same build id.  On mismatch, a one-line reason. */
static bool exe_matches(struct target *t, const char *exe, char *errbuf, size_t errlen)
{
    struct elfcore *core = &core_of(t)->core;
    const struct elfcore_file *f = core_exe_file(core);
    if (!f)
        return true;        /* nothing recorded to compare with */
    char want[PATH_MAX], have[PATH_MAX];
    if (!realpath(exe, want)) {
        snprintf(errbuf, errlen, "%s: %s", exe, strerror(errno));
        return false;
    }
    if (realpath(f->path, have) && strcmp(want, have) == 0)
        return true;
    /* Different path: accept a copy with the same build id. */
    addr_t base = f->start - f->offset;
    const struct elfcore_file *first = NULL;
    for (size_t i = 0; i < core->nfiles; i++)
        if (strcmp(core->files[i].path, f->path) == 0 && core->files[i].offset == 0)
            first = &core->files[i];
    if (first)
        base = first->start;
    unsigned char id_exe[64], id_core[64];
    struct image_in_core img = { t, base };
    int n1 = elf_file_build_id(exe, id_exe, sizeof id_exe);
    int n2 = elf_build_id(read_image_in_core, &img, id_core, sizeof id_core);
    if (n1 > 0 && n1 == n2 && memcmp(id_exe, id_core, (size_t)n1) == 0)
        return true;
    snprintf(errbuf, errlen, "core file was generated by '%s', not by '%s'%s", f->path, exe,
             n1 > 0 && n2 > 0 ? " (build ids differ)" : "");
    return false;
}

struct target *target_open_core(const char *core_path, const char *exe, char *errbuf, size_t errlen)
{
    struct target *t = calloc(1, sizeof *t);
    struct core_state *cs = calloc(1, sizeof *cs);
    if (!t || !cs) {
        free(t);
        free(cs);
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (elfcore_open(core_path, &cs->core, errbuf, errlen) < 0) {
        free(cs);
        free(t);
        return NULL;
    }
    t->ops = &core_ops;
    t->priv = cs;
    t->next_thread_num = 1;
    cs->file_fds = malloc((cs->core.nfiles ? cs->core.nfiles : 1) * sizeof *cs->file_fds);
    if (!cs->file_fds) {
        snprintf(errbuf, errlen, "out of memory");
        core_close(t);
        return NULL;
    }
    for (size_t i = 0; i < cs->core.nfiles; i++)
        cs->file_fds[i] = -1;
    t->pid = cs->core.pid;
    snprintf(t->core_path, sizeof t->core_path, "%s", core_path);
    for (size_t i = 0; i < cs->core.nthreads; i++) {
        struct rd_thread *th = target_add_thread(t, cs->core.threads[i].tid);
        if (!th) {
            snprintf(errbuf, errlen, "out of memory");
            core_close(t);
            return NULL;
        }
        th->stopped = true;
        th->last_siginfo.si_signo = cs->core.threads[i].signo;
        if (i == 0)
            memcpy(th->name, cs->core.fname, sizeof th->name);
    }
    if (exe && *exe) {
        char why[4096 + 300];
        if (!exe_matches(t, exe, why, sizeof why)) {
            snprintf(errbuf, errlen, "%s: %s", core_path, why);
            core_close(t);
            return NULL;
        }
        snprintf(t->exe, sizeof t->exe, "%s", exe);
    } else {
        const struct elfcore_file *f = core_exe_file(&cs->core);
        if (f)
            snprintf(t->exe, sizeof t->exe, "%s", f->path);
    }
    return t;
}
