/* elfcore.h — a parsed x86-64 ELF core file (ET_CORE).
 *
 * Offers: elfcore_parse (from bytes: the fuzz target's entry), elfcore_open
 * (mmap a file), the PT_LOAD segments, the threads of NT_PRSTATUS (with the
 * NT_FPREGSET that follows each), NT_PRPSINFO, NT_FILE and NT_AUXV, and a
 * build-id reader for ELF images (a file, or one mapped in a core).
 * Everything in the file is untrusted: every offset and size is checked
 * against the file; malformed input gives a one-line error, never a crash.
 *
 * Must not depend on: targets, ptrace, symbols.
 */
#ifndef RTSDB_ELFCORE_H
#define RTSDB_ELFCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct elfcore_segment {
    uint64_t vaddr, memsz;
    uint64_t offset, filesz;        /* bytes present in the file */
    bool r, w, x;
};

struct elfcore_thread {
    pid_t tid;
    int signo;                      /* pr_cursig */
    struct user_regs_struct regs;
    bool has_fpregs;
    struct user_fpregs_struct fpregs;
};

struct elfcore_file {
    uint64_t start, end;
    uint64_t offset;                /* byte offset in the file */
    const char *path;               /* points into the core's NT_FILE note */
};

struct elfcore {
    const unsigned char *data;      /* the whole core */
    size_t size;
    bool mapped;                    /* data is an mmap of the file */
    struct elfcore_segment *segs;
    size_t nsegs;
    struct elfcore_thread *threads;
    size_t nthreads;
    struct elfcore_file *files;
    size_t nfiles;
    uint64_t (*auxv)[2];
    size_t nauxv;
    bool has_psinfo;
    pid_t pid;                      /* from NT_PRPSINFO, else the first thread */
    char fname[17];                 /* process name */
    char psargs[81];                /* command line (truncated by the kernel) */
};

/* Parse a core held in memory (not copied: data must outlive *core).
 * Returns 0, or -1 with a one-line reason in err. */
int elfcore_parse(const void *data, size_t size, struct elfcore *core, char *err, size_t errlen);
/* Map and parse the core file at path. */
int elfcore_open(const char *path, struct elfcore *core, char *err, size_t errlen);
void elfcore_free(struct elfcore *core);

/* The value of auxv entry `type`, or 0 when absent. */
uint64_t elfcore_auxv(const struct elfcore *core, uint64_t type);
/* The PT_LOAD segment / NT_FILE entry containing addr, or NULL. */
const struct elfcore_segment *elfcore_segment_at(const struct elfcore *core, uint64_t addr);
const struct elfcore_file *elfcore_file_at(const struct elfcore *core, uint64_t addr);

/* Read the GNU build id of an ELF image through `read` (offsets are file
 * offsets of the image).  Returns its length (> 0), or -1 when there is none. */
typedef int (*elf_image_reader)(void *ctx, uint64_t offset, void *buf, size_t len);
int elf_build_id(elf_image_reader read, void *ctx, unsigned char *out, size_t max);
/* The same for a file on disk. */
int elf_file_build_id(const char *path, unsigned char *out, size_t max);

#endif
