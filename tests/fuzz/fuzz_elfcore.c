/* fuzz_elfcore.c — fuzz target for the ELF core reader (debugger/elfcore.c).
 *
 * LLVMFuzzerTestOneInput parses the input as a core and, when it parses,
 * walks everything the core target would use (segments, threads, NT_FILE,
 * auxv, the bytes of each segment).  Built with clang -fsanitize=fuzzer by
 * "make fuzz-elfcore"; built by gcc for "make check" with the standalone
 * driver below, which replays files given as arguments or, without
 * arguments, mutates a synthetic valid core with a fixed seed for ~1 s.
 */
#include "fuzz_rng.h"
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <time.h>

#include "elfcore.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elfcore core;
    char err[512];
    if (elfcore_parse(data, size, &core, err, sizeof err) == 0) {
        volatile uint64_t sum = 0;
        for (size_t i = 0; i < core.nsegs; i++) {
            const struct elfcore_segment *s = &core.segs[i];
            if (s->filesz)
                sum += core.data[s->offset] + core.data[s->offset + s->filesz - 1];
            sum += elfcore_segment_at(&core, s->vaddr) != NULL;
        }
        for (size_t i = 0; i < core.nfiles; i++)
            sum += strlen(core.files[i].path) + (elfcore_file_at(&core, core.files[i].start) != NULL);
        for (size_t i = 0; i < core.nthreads; i++)
            sum += core.threads[i].regs.rip;
        sum += elfcore_auxv(&core, AT_ENTRY) + strlen(core.fname) + strlen(core.psargs);
        (void)sum;
    } else if (strchr(err, '\n') || err[0] == '\0') {
        abort();            /* errors are one non-empty line */
    }
    elfcore_free(&core);
    return 0;
}

#ifndef RTSDB_LIBFUZZER

/* ---- standalone driver ---- */

struct buf {
    unsigned char *p;
    size_t len;
};

static void put(struct buf *b, const void *p, size_t n)
{
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void note(struct buf *b, uint32_t type, const void *desc, uint32_t descsz)
{
    uint32_t h[3] = { 5, descsz, type };
    put(b, h, 12);
    put(b, "CORE\0\0\0", 8);
    put(b, desc, descsz);
    while (b->len % 4)
        b->p[b->len++] = 0;
}

/* A small valid core: one thread, psinfo, auxv, NT_FILE, two PT_LOADs (one
 * with p_filesz < p_memsz). */
static size_t make_seed(unsigned char *out)
{
    struct buf b = { out, 0 };
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_CORE;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 3;
    put(&b, &eh, sizeof eh);
    size_t ph_at = b.len;
    b.len += 3 * sizeof(Elf64_Phdr);
    size_t notes_at = b.len;
    struct elf_prstatus ps;
    memset(&ps, 0, sizeof ps);
    ps.pr_pid = 42;
    ps.pr_cursig = 11;
    ps.pr_reg[16] = 0x401000;       /* rip */
    note(&b, NT_PRSTATUS, &ps, sizeof ps);
    struct elf_prpsinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.pr_pid = 42;
    strcpy(pi.pr_fname, "seed");
    strcpy(pi.pr_psargs, "seed --fuzz");
    note(&b, NT_PRPSINFO, &pi, sizeof pi);
    uint64_t auxv[6] = { AT_ENTRY, 0x401000, AT_PHDR, 0x400040, AT_NULL, 0 };
    note(&b, NT_AUXV, auxv, sizeof auxv);
    unsigned char file[16 + 48 + 32];
    uint64_t fh[8] = { 2, 4096, 0x400000, 0x401000, 0, 0x401000, 0x402000, 1 };
    memcpy(file, fh, sizeof fh);
    memcpy(file + 64, "/bin/seed\0/bin/seed\0", 20);
    note(&b, NT_FILE, file, 84);
    size_t notes_len = b.len - notes_at;
    size_t load_at = b.len;
    for (int i = 0; i < 256; i++)
        b.p[b.len++] = (unsigned char)i;
    Elf64_Phdr ph[3];
    memset(ph, 0, sizeof ph);
    ph[0].p_type = PT_NOTE;
    ph[0].p_offset = notes_at;
    ph[0].p_filesz = notes_len;
    ph[1].p_type = PT_LOAD;
    ph[1].p_vaddr = 0x400000;
    ph[1].p_offset = load_at;
    ph[1].p_filesz = 128;
    ph[1].p_memsz = 0x1000;
    ph[1].p_flags = PF_R | PF_X;
    ph[2] = ph[1];
    ph[2].p_vaddr = 0x401000;
    ph[2].p_offset = load_at + 128;
    ph[2].p_filesz = ph[2].p_memsz = 128;
    ph[2].p_flags = PF_R | PF_W;
    memcpy(b.p + ph_at, ph, sizeof ph);
    return b.len;
}

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;     /* fixed seed: deterministic */

static uint64_t rng(void)
{
    return fuzz_rng(&rng_state);
}

static size_t mutate(unsigned char *d, size_t len, size_t cap)
{
    int n = 1 + (int)(rng() % 4);
    for (int i = 0; i < n && len > 0; i++) {
        size_t at = rng() % len;
        switch (rng() % 6) {
        case 0: d[at] ^= (unsigned char)(1u << (rng() % 8)); break;
        case 1: d[at] = (unsigned char)rng(); break;
        case 2: {                               /* an extreme 32/64-bit field */
            static const uint64_t v[] = { 0, 1, 0x7fffffff, 0xffffffff, 0x80000000,
                                          UINT64_MAX, UINT64_MAX / 2, 4096 };
            uint64_t x = v[rng() % 8];
            size_t w = rng() % 2 ? 4 : 8;
            if (at + w <= len)
                memcpy(d + at, &x, w);
            break;
        }
        case 3: len = at; break;                /* truncate */
        case 4: if (len < cap) d[len++] = (unsigned char)rng(); break;
        default: break;
        }
    }
    return len;
}

static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static unsigned char data[1 << 24];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        int rc = 0;
        for (int i = 1; i < argc; i++)
            rc |= replay(argv[i]);
        return rc;
    }
    static unsigned char seed[8192], work[8192];
    size_t seed_len = make_seed(seed);
    struct elfcore core;
    char err[256];
    if (elfcore_parse(seed, seed_len, &core, err, sizeof err) != 0 || core.nthreads != 1 ||
        core.nfiles != 2 || core.nsegs != 2 || elfcore_auxv(&core, AT_ENTRY) != 0x401000) {
        fprintf(stderr, "fuzz_elfcore: the seed core does not parse: %s\n", err);
        return 1;
    }
    elfcore_free(&core);
    struct timespec now, end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += 1;                            /* about one second */
    long runs = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
            break;
        memcpy(work, seed, seed_len);
        size_t len = seed_len;
        for (int k = 0; k < 4; k++) {
            len = mutate(work, len, sizeof work);
            /* The input is copied to an exact-size buffer so that reads past
             * its end are caught by ASan builds. */
            unsigned char *exact = malloc(len ? len : 1);
            memcpy(exact, work, len);
            LLVMFuzzerTestOneInput(exact, len);
            free(exact);
            runs++;
        }
    }
    printf("fuzz_elfcore: %ld inputs, no crash\n", runs);
    return 0;
}
#endif
