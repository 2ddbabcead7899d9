/* elfcore.c — parse an x86-64 ELF core file; see elfcore.h.
 *
 * Must not depend on: targets, ptrace, symbols.  Trusts nothing in the file.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfcore.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* True when [off, off+len) lies inside a buffer of `size` bytes. */
static bool in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int add_thread(struct elfcore *core, const unsigned char *desc, size_t descsz,
                      char *err, size_t errlen)
{
    struct elf_prstatus ps;
    if (descsz < sizeof ps)
        return fail(err, errlen, "malformed core: NT_PRSTATUS note is %zu bytes, expected %zu",
                    descsz, sizeof ps);
    memcpy(&ps, desc, sizeof ps);
    struct elfcore_thread *t = realloc(core->threads, (core->nthreads + 1) * sizeof *t);
    if (!t)
        return fail(err, errlen, "out of memory reading the core");
    core->threads = t;
    t = &core->threads[core->nthreads++];
    memset(t, 0, sizeof *t);
    t->tid = ps.pr_pid;
    t->signo = ps.pr_cursig;
    _Static_assert(sizeof ps.pr_reg == sizeof t->regs, "elf_gregset_t is user_regs_struct");
    memcpy(&t->regs, ps.pr_reg, sizeof t->regs);
    return 0;
}

static int parse_file_note(struct elfcore *core, const unsigned char *desc, size_t descsz,
                           char *err, size_t errlen)
{
    uint64_t count, page_size;
    if (descsz < 16)
        return fail(err, errlen, "malformed core: NT_FILE note too short");
    memcpy(&count, desc, 8);
    memcpy(&page_size, desc + 8, 8);
    if (count > (descsz - 16) / 24)
        return fail(err, errlen, "malformed core: NT_FILE claims %llu entries in %zu bytes",
                    (unsigned long long)count, descsz);
    if (page_size == 0 || page_size > (1u << 30))
        return fail(err, errlen, "malformed core: NT_FILE page size %llu",
                    (unsigned long long)page_size);
    core->files = calloc(count ? count : 1, sizeof *core->files);
    if (!core->files)
        return fail(err, errlen, "out of memory reading the core");
    const unsigned char *strings = desc + 16 + count * 24;
    const unsigned char *end = desc + descsz;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t e[3];
        memcpy(e, desc + 16 + i * 24, sizeof e);
        const unsigned char *nul = memchr(strings, '\0', (size_t)(end - strings));
        if (!nul)
            return fail(err, errlen, "malformed core: NT_FILE names are not terminated");
        struct elfcore_file *f = &core->files[core->nfiles++];
        f->start = e[0];
        f->end = e[1];
        f->offset = e[2] * page_size;
        f->path = (const char *)strings;
        strings = nul + 1;
    }
    return 0;
}

static int parse_note(struct elfcore *core, uint32_t type, const unsigned char *desc,
                      size_t descsz, char *err, size_t errlen)
{
    switch (type) {
    case NT_PRSTATUS:
        return add_thread(core, desc, descsz, err, errlen);
    case NT_FPREGSET:
        if (core->nthreads > 0 && descsz >= sizeof(struct user_fpregs_struct)) {
            struct elfcore_thread *t = &core->threads[core->nthreads - 1];
            memcpy(&t->fpregs, desc, sizeof t->fpregs);
            t->has_fpregs = true;
        }
        return 0;
    case NT_PRPSINFO: {
        struct elf_prpsinfo pi;
        if (descsz < sizeof pi)
            return fail(err, errlen, "malformed core: NT_PRPSINFO note is %zu bytes", descsz);
        memcpy(&pi, desc, sizeof pi);
        core->has_psinfo = true;
        core->pid = pi.pr_pid;
        memcpy(core->fname, pi.pr_fname, 16);
        core->fname[16] = '\0';
        memcpy(core->psargs, pi.pr_psargs, 80);
        core->psargs[80] = '\0';
        return 0;
    }
    case NT_AUXV:
        free(core->auxv);
        core->nauxv = descsz / 16;
        core->auxv = malloc(core->nauxv ? core->nauxv * 16 : 1);
        if (!core->auxv)
            return fail(err, errlen, "out of memory reading the core");
        memcpy(core->auxv, desc, core->nauxv * 16);
        return 0;
    case NT_FILE:
        if (core->files)
            return 0;       /* first one wins */
        return parse_file_note(core, desc, descsz, err, errlen);
    default:
        return 0;
    }
}

static int parse_notes(struct elfcore *core, uint64_t off, uint64_t len, char *err, size_t errlen)
{
    const unsigned char *p = core->data + off;
    uint64_t pos = 0;
    while (len - pos >= 12) {
        uint32_t namesz, descsz, type;
        memcpy(&namesz, p + pos, 4);
        memcpy(&descsz, p + pos + 4, 4);
        memcpy(&type, p + pos + 8, 4);
        pos += 12;
        uint64_t name_pad = ((uint64_t)namesz + 3) & ~3ULL;
        uint64_t desc_pad = ((uint64_t)descsz + 3) & ~3ULL;
        if (name_pad > len - pos || desc_pad > len - pos - name_pad)
            return fail(err, errlen, "malformed core: a note runs past its PT_NOTE segment");
        const char *name = (const char *)p + pos;
        pos += name_pad;
        /* Only "CORE" notes: "LINUX" ones reuse small type numbers. */
        if (namesz == 5 && memcmp(name, "CORE", 5) == 0) {
            if (parse_note(core, type, p + pos, descsz, err, errlen) < 0)
                return -1;
        }
        pos += desc_pad;
    }
    return 0;
}

int elfcore_parse(const void *data, size_t size, struct elfcore *core, char *err, size_t errlen)
{
    memset(core, 0, sizeof *core);
    core->data = data;
    core->size = size;
    const unsigned char *d = data;
    if (size < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG) != 0)
        return fail(err, errlen, "not an ELF file");
    if (d[EI_CLASS] != ELFCLASS64 || d[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "wrong architecture: the core is not 64-bit little-endian "
                    "(rtsdb reads x86-64 cores only)");
    if (size < sizeof(Elf64_Ehdr))
        return fail(err, errlen, "core file is truncated: %zu bytes, not even an ELF header", size);
    Elf64_Ehdr eh;
    memcpy(&eh, d, sizeof eh);
    if (eh.e_type != ET_CORE)
        return fail(err, errlen, "not a core file (ELF type %u, a core is %u)",
                    eh.e_type, ET_CORE);
    if (eh.e_machine != EM_X86_64)
        return fail(err, errlen, "wrong architecture: the core is for ELF machine %u, "
                    "rtsdb reads x86-64 (%u) cores only", eh.e_machine, EM_X86_64);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM)
        return fail(err, errlen, "malformed core: bad program header table (%u entries of %u bytes)",
                    eh.e_phnum, eh.e_phentsize);
    if (!in_bounds(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size))
        return fail(err, errlen, "core file is truncated: program headers end past its %zu bytes",
                    size);
    core->segs = calloc(eh.e_phnum, sizeof *core->segs);
    if (!core->segs)
        return fail(err, errlen, "out of memory reading the core");
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, d + eh.e_phoff + (uint64_t)i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_NOTE) {
            if (!in_bounds(ph.p_offset, ph.p_filesz, size))
                return fail(err, errlen, "core file is truncated: notes end at byte %llu, "
                            "the file has %zu", (unsigned long long)(ph.p_offset + ph.p_filesz), size);
            if (parse_notes(core, ph.p_offset, ph.p_filesz, err, errlen) < 0)
                return -1;
        } else if (ph.p_type == PT_LOAD) {
            if (ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
                return fail(err, errlen, "malformed core: PT_LOAD at 0x%llx has bad sizes",
                            (unsigned long long)ph.p_vaddr);
            if (!in_bounds(ph.p_offset, ph.p_filesz, size))
                return fail(err, errlen, "core file is truncated: the segment at 0x%llx needs "
                            "bytes up to %llu, the file has %zu",
                            (unsigned long long)ph.p_vaddr,
                            (unsigned long long)(ph.p_offset + ph.p_filesz), size);
            struct elfcore_segment *s = &core->segs[core->nsegs++];
            s->vaddr = ph.p_vaddr;
            s->memsz = ph.p_memsz;
            s->offset = ph.p_offset;
            s->filesz = ph.p_filesz;
            s->r = ph.p_flags & PF_R;
            s->w = ph.p_flags & PF_W;
            s->x = ph.p_flags & PF_X;
        }
    }
    if (core->nthreads == 0)
        return fail(err, errlen, "malformed core: no NT_PRSTATUS note (no thread registers)");
    if (!core->has_psinfo)
        core->pid = core->threads[0].tid;
    return 0;
}

int elfcore_open(const char *path, struct elfcore *core, char *err, size_t errlen)
{
    memset(core, 0, sizeof *core);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, errlen, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return fail(err, errlen, "%s: empty file, not a core", path);
    }
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    char why[400];
    if (elfcore_parse(data, (size_t)st.st_size, core, why, sizeof why) < 0) {
        elfcore_free(core);
        munmap(data, (size_t)st.st_size);
        return fail(err, errlen, "%s: %s", path, why);
    }
    core->mapped = true;
    return 0;
}

void elfcore_free(struct elfcore *core)
{
    if (core->mapped)
        munmap((void *)core->data, core->size);
    free(core->segs);
    free(core->threads);
    free(core->files);
    free(core->auxv);
    memset(core, 0, sizeof *core);
}

uint64_t elfcore_auxv(const struct elfcore *core, uint64_t type)
{
    for (size_t i = 0; i < core->nauxv; i++) {
        if (core->auxv[i][0] == type)
            return core->auxv[i][1];
        if (core->auxv[i][0] == AT_NULL)
            break;
    }
    return 0;
}

const struct elfcore_segment *elfcore_segment_at(const struct elfcore *core, uint64_t addr)
{
    for (size_t i = 0; i < core->nsegs; i++) {
        const struct elfcore_segment *s = &core->segs[i];
        if (addr >= s->vaddr && addr - s->vaddr < s->memsz)
            return s;
    }
    return NULL;
}

const struct elfcore_file *elfcore_file_at(const struct elfcore *core, uint64_t addr)
{
    for (size_t i = 0; i < core->nfiles; i++)
        if (addr >= core->files[i].start && addr < core->files[i].end)
            return &core->files[i];
    return NULL;
}

int elf_build_id(elf_image_reader read, void *ctx, unsigned char *out, size_t max)
{
    Elf64_Ehdr eh;
    if (read(ctx, 0, &eh, sizeof eh) < 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
        return -1;
    for (unsigned i = 0; i < eh.e_phnum && i < 64; i++) {
        Elf64_Phdr ph;
        if (read(ctx, eh.e_phoff + (uint64_t)i * sizeof ph, &ph, sizeof ph) < 0)
            return -1;
        if (ph.p_type != PT_NOTE || ph.p_filesz > 65536)
            continue;
        unsigned char notes[65536];
        if (read(ctx, ph.p_offset, notes, ph.p_filesz) < 0)
            continue;
        uint64_t pos = 0;
        while (ph.p_filesz - pos >= 12) {
            uint32_t namesz, descsz, type;
            memcpy(&namesz, notes + pos, 4);
            memcpy(&descsz, notes + pos + 4, 4);
            memcpy(&type, notes + pos + 8, 4);
            pos += 12;
            uint64_t np = ((uint64_t)namesz + 3) & ~3ULL, dp = ((uint64_t)descsz + 3) & ~3ULL;
            if (np > ph.p_filesz - pos || dp > ph.p_filesz - pos - np)
                break;
            if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(notes + pos, "GNU", 4) == 0 &&
                descsz > 0 && descsz <= max) {
                memcpy(out, notes + pos + np, descsz);
                return (int)descsz;
            }
            pos += np + dp;
        }
    }
    return -1;
}

static int read_fd(void *ctx, uint64_t offset, void *buf, size_t len)
{
    int fd = *(int *)ctx;
    return pread(fd, buf, len, (off_t)offset) == (ssize_t)len ? 0 : -1;
}

int elf_file_build_id(const char *path, unsigned char *out, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int n = elf_build_id(read_fd, &fd, out, max);
    close(fd);
    return n;
}
