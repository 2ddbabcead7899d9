/* gcore.c — write an ELF core of a stopped live target (target_gcore).
 *
 * The core has what the kernel's and gdb's have and what gdb and rtsdb read:
 * one PT_NOTE (NT_PRSTATUS + NT_FPREGSET per thread, NT_PRPSINFO, NT_AUXV,
 * NT_FILE) and one PT_LOAD per readable mapping with its full contents.
 * Pages that cannot be read (a file mapping past its file's end) are written
 * as zeros; [vvar*] and [vsyscall] are left out, as are unreadable mappings.
 *
 * Must not depend on: ptrace (memory and registers come through target_ops),
 * symbols, the session.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <unistd.h>

#include "target.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

#define GCORE_PAGE 4096UL
#define GCORE_CHUNK (1UL << 20)

/* A growable byte buffer for the notes. */
struct notebuf {
    unsigned char *data;
    size_t len, cap;
    bool oom;
};

static void nb_put(struct notebuf *nb, const void *p, size_t n)
{
    if (nb->oom)
        return;
    if (nb->len + n > nb->cap) {
        size_t cap = nb->cap ? nb->cap * 2 : 4096;
        while (cap < nb->len + n)
            cap *= 2;
        unsigned char *d = realloc(nb->data, cap);
        if (!d) {
            nb->oom = true;
            return;
        }
        nb->data = d;
        nb->cap = cap;
    }
    memcpy(nb->data + nb->len, p, n);
    nb->len += n;
}

static void nb_pad4(struct notebuf *nb)
{
    static const unsigned char zero[4];
    nb_put(nb, zero, (4 - nb->len % 4) % 4);
}

static void add_note(struct notebuf *nb, uint32_t type, const void *desc, size_t descsz)
{
    uint32_t hdr[3] = { 5, (uint32_t)descsz, type };
    nb_put(nb, hdr, sizeof hdr);
    nb_put(nb, "CORE\0\0\0", 8);        /* "CORE\0" padded to 4 */
    nb_put(nb, desc, descsz);
    nb_pad4(nb);
}

static size_t read_proc_file(pid_t pid, const char *what, void *buf, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t got = 0;
    ssize_t n;
    while (got < max && (n = read(fd, (char *)buf + got, max - got)) > 0)
        got += (size_t)n;
    close(fd);
    return got;
}

static void add_psinfo(struct notebuf *nb, struct target *t)
{
    struct elf_prpsinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.pr_pid = t->pid;
    pi.pr_ppid = getpid();
    pi.pr_uid = getuid();
    pi.pr_gid = getgid();
    pi.pr_sname = 't';
    pi.pr_state = 3;
    char comm[32] = "";
    size_t n = read_proc_file(t->pid, "comm", comm, sizeof comm - 1);
    comm[n] = '\0';
    comm[strcspn(comm, "\n")] = '\0';
    memcpy(pi.pr_fname, comm, strnlen(comm, sizeof pi.pr_fname));
    n = read_proc_file(t->pid, "cmdline", pi.pr_psargs, sizeof pi.pr_psargs - 1);
    for (size_t i = 0; n > 0 && i < n - 1; i++)
        if (pi.pr_psargs[i] == '\0')
            pi.pr_psargs[i] = ' ';
    add_note(nb, NT_PRPSINFO, &pi, sizeof pi);
}

static int add_thread_notes(struct notebuf *nb, struct target *t, const struct rd_thread *th)
{
    struct elf_prstatus ps;
    memset(&ps, 0, sizeof ps);
    struct user_regs_struct regs;
    int rc = t->ops->get_regs(t, th->tid, &regs);
    if (rc < 0)
        return rc;
    memcpy(ps.pr_reg, &regs, sizeof regs);
    ps.pr_pid = th->tid;
    ps.pr_ppid = getpid();
    ps.pr_pgrp = getpgid(t->pid);
    ps.pr_sid = getsid(t->pid);
    ps.pr_info.si_signo = th->last_siginfo.si_signo;
    ps.pr_cursig = (short)th->last_siginfo.si_signo;
    struct user_fpregs_struct fp;
    bool have_fp = t->ops->get_fpregs && t->ops->get_fpregs(t, th->tid, &fp) == 0;
    ps.pr_fpvalid = have_fp;
    add_note(nb, NT_PRSTATUS, &ps, sizeof ps);
    if (have_fp)
        add_note(nb, NT_FPREGSET, &fp, sizeof fp);
    return 0;
}

static bool is_dumped(const struct rd_map *m)
{
    /* "[vvar]" and, on newer kernels, "[vvar_vclock]": not readable memory */
    return m->r && strncmp(m->path, "[vvar", 5) != 0 && strcmp(m->path, "[vsyscall]") != 0 &&
           m->end > m->start;
}

static void add_file_note(struct notebuf *nb, const struct rd_map *maps, size_t n)
{
    uint64_t count = 0, page = GCORE_PAGE;
    for (size_t i = 0; i < n; i++)
        if (maps[i].path[0] == '/')
            count++;
    struct notebuf d = { 0 };
    nb_put(&d, &count, 8);
    nb_put(&d, &page, 8);
    for (size_t i = 0; i < n; i++) {
        if (maps[i].path[0] != '/')
            continue;
        uint64_t e[3] = { maps[i].start, maps[i].end, maps[i].offset / GCORE_PAGE };
        nb_put(&d, e, sizeof e);
    }
    for (size_t i = 0; i < n; i++)
        if (maps[i].path[0] == '/')
            nb_put(&d, maps[i].path, strlen(maps[i].path) + 1);
    if (d.oom)
        nb->oom = true;
    else
        add_note(nb, NT_FILE, d.data, d.len);
    free(d.data);
}

/* Copy [start, end) of the target to fd at offset; unreadable pages become
 * zeros.  Returns 0 or -errno of a failed write. */
static int dump_region(struct target *t, int fd, addr_t start, addr_t end, off_t offset,
                       unsigned char *buf)
{
    for (addr_t a = start; a < end; ) {
        size_t n = end - a > GCORE_CHUNK ? GCORE_CHUNK : (size_t)(end - a);
        if (target_read(t, a, buf, n) < 0) {
            for (size_t p = 0; p < n; p += GCORE_PAGE) {
                size_t pn = n - p > GCORE_PAGE ? GCORE_PAGE : n - p;
                if (target_read(t, a + p, buf + p, pn) < 0)
                    memset(buf + p, 0, pn);
            }
        }
        for (size_t done = 0; done < n; ) {
            ssize_t w = pwrite(fd, buf + done, n - done, offset + (off_t)(a - start + done));
            if (w <= 0)
                return w < 0 ? -errno : -EIO;
            done += (size_t)w;
        }
        a += n;
    }
    return 0;
}

int target_gcore(struct target *t, const char *path, char *errbuf, size_t errlen)
{
    if (!target_can_run(t)) {
        snprintf(errbuf, errlen, "gcore needs a live process, not a %s", t ? t->ops->name : "missing target");
        return -1;
    }
    if (t->running) {
        snprintf(errbuf, errlen, "gcore needs the program stopped");
        return -1;
    }
    struct rd_map *maps = NULL;
    size_t nmaps = 0;
    int rc = t->ops->maps(t, &maps, &nmaps);
    if (rc < 0) {
        snprintf(errbuf, errlen, "cannot read the mappings of process %d: %s", (int)t->pid,
                 strerror(-rc));
        return -1;
    }

    struct notebuf notes = { 0 };
    add_psinfo(&notes, t);
    for (size_t i = 0; i < t->nthreads; i++) {
        if (t->threads[i].exited)
            continue;
        rc = add_thread_notes(&notes, t, &t->threads[i]);
        if (rc < 0) {
            snprintf(errbuf, errlen, "cannot read registers of thread %d (LWP %d): %s",
                     t->threads[i].num, (int)t->threads[i].tid, strerror(-rc));
            goto fail;
        }
    }
    unsigned char auxv[4096];
    size_t auxv_len = read_proc_file(t->pid, "auxv", auxv, sizeof auxv);
    if (auxv_len > 0)
        add_note(&notes, NT_AUXV, auxv, auxv_len);
    add_file_note(&notes, maps, nmaps);
    if (notes.oom) {
        snprintf(errbuf, errlen, "out of memory building the core notes");
        goto fail;
    }

    size_t nload = 0;
    for (size_t i = 0; i < nmaps; i++)
        if (is_dumped(&maps[i]))
            nload++;
    size_t nph = nload + 1;
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_CORE;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (Elf64_Half)(nph < PN_XNUM ? nph : PN_XNUM);
    if (nph >= PN_XNUM) {
        snprintf(errbuf, errlen, "too many mappings (%zu) for one core", nmaps);
        goto fail;
    }

    Elf64_Phdr *ph = calloc(nph, sizeof *ph);
    unsigned char *buf = malloc(GCORE_CHUNK);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (!ph || !buf || fd < 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, fd < 0 ? strerror(errno) : "out of memory");
        if (fd >= 0)
            close(fd);
        free(ph);
        free(buf);
        goto fail;
    }
    uint64_t off = sizeof eh + nph * sizeof *ph;
    ph[0].p_type = PT_NOTE;
    ph[0].p_offset = off;
    ph[0].p_filesz = notes.len;
    ph[0].p_align = 4;
    off = (off + notes.len + GCORE_PAGE - 1) & ~(GCORE_PAGE - 1);
    size_t k = 1;
    for (size_t i = 0; i < nmaps; i++) {
        if (!is_dumped(&maps[i]))
            continue;
        Elf64_Phdr *p = &ph[k++];
        p->p_type = PT_LOAD;
        p->p_vaddr = maps[i].start;
        p->p_offset = off;
        p->p_filesz = p->p_memsz = maps[i].end - maps[i].start;
        p->p_flags = (maps[i].r ? PF_R : 0) | (maps[i].w ? PF_W : 0) | (maps[i].x ? PF_X : 0);
        p->p_align = GCORE_PAGE;
        off += p->p_filesz;
    }
    rc = 0;
    if (pwrite(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
        pwrite(fd, ph, nph * sizeof *ph, sizeof eh) != (ssize_t)(nph * sizeof *ph) ||
        pwrite(fd, notes.data, notes.len, (off_t)ph[0].p_offset) != (ssize_t)notes.len)
        rc = -(errno ? errno : EIO);
    for (size_t i = 1; rc == 0 && i < nph; i++)
        rc = dump_region(t, fd, ph[i].p_vaddr, ph[i].p_vaddr + ph[i].p_memsz,
                         (off_t)ph[i].p_offset, buf);
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    free(ph);
    free(buf);
    if (rc < 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(-rc));
        unlink(path);
        goto fail;
    }
    free(notes.data);
    free(maps);
    return 0;
fail:
    free(notes.data);
    free(maps);
    return -1;
}
