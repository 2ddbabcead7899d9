/* rts_image.c — the snapshot of a real runtime's memory and its
 * corruptions (rts_image.h).
 *
 * Note [Snapshotting the pages the decoders read]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The decoders read the table (executable data), the globals, the heap's
 * megablocks, and C-heap objects of the runtime (generations, capabilities,
 * mut-list arrays, the recorder's rings).  Rather than guess those ranges,
 * the child runs rts_decode_all once over its own memory through a reader
 * that copies every 4 KiB page it touches into memory shared with the
 * parent: the snapshot is exactly what the decoders need for a clean run,
 * and a corrupted run that wanders elsewhere gets -EFAULT, as from a core
 * file without the page.  The child does this on a plain pthread while its
 * Haskell main thread waits in pthread_join holding the only capability,
 * so no green thread or GC changes the heap meanwhile; then it _exits
 * without shutting the runtime down (threads are still blocked).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rts.h"
#include "rts_image.h"
#include "../debuggee/known_heap.h"
#include "rts_decode_all.h"
#include "rts/DebugAbi.h"

extern const struct rts_dbg_header rts_debug_abi;

#define MAX_PAGES 8192                  /* 32 MiB of snapshot at most */
#define HASH_SIZE (4 * MAX_PAGES)

/* What the child hands the parent (one shared mapping). */
struct shared {
    uint64_t header;
    size_t n_pages;
    int failed;
    uint64_t objects[RTS_IMAGE_MAX_OBJECTS];
    size_t n_objects;
    uint64_t infos[512];
    size_t n_infos;
    uint64_t mvars[8], weaks[4], mutvars[4];
    RtsImagePage pages[MAX_PAGES];
};

static struct shared *sh;

/* ---- the child: record the pages a clean run reads ---- */

static uint64_t page_key[HASH_SIZE];    /* page address + 1; 0 empty */
static long page_index[HASH_SIZE];      /* into sh->pages, or -1: unreadable */
static bool recording_table;

static long page_of(uint64_t page)
{
    size_t h = (size_t)((page >> 12) * 0x9E3779B97F4A7C15ULL >> 40) % HASH_SIZE;
    for (;; h = (h + 1) % HASH_SIZE) {
        if (page_key[h] == page + 1) return page_index[h];
        if (page_key[h] == 0) break;
    }
    long idx = -1;
    if (sh->n_pages < MAX_PAGES) {
        RtsImagePage *p = &sh->pages[sh->n_pages];
        struct iovec local = { p->data, RTS_IMAGE_PAGE }, remote = { (void *)(uintptr_t)page, RTS_IMAGE_PAGE };
        if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)RTS_IMAGE_PAGE) {
            p->addr = page;
            p->table = recording_table;
            idx = (long)sh->n_pages++;
        }
    }
    page_key[h] = page + 1;
    page_index[h] = idx;
    return idx;
}

/* Copy len bytes between buf and the pages at addr, page by page: into the
 * pages when into_pages, else out of them.  page_data(ctx, page) gives a
 * page's bytes (NULL: not in the image, -EFAULT). */
static int copy_paged(uint64_t addr, uint8_t *buf, size_t len, bool into_pages,
                      uint8_t *(*page_data)(void *ctx, uint64_t page), void *ctx)
{
    while (len > 0) {
        uint64_t page = addr & ~(uint64_t)(RTS_IMAGE_PAGE - 1);
        size_t off = (size_t)(addr - page), n = RTS_IMAGE_PAGE - off;
        if (n > len) n = len;
        uint8_t *data = page_data(ctx, page);
        if (!data) return -EFAULT;
        if (into_pages) memcpy(data + off, buf, n);
        else memcpy(buf, data + off, n);
        buf += n;
        addr += n;
        len -= n;
    }
    return 0;
}

static uint8_t *recorded_page(void *ctx, uint64_t page)
{
    (void)ctx;
    long i = page_of(page);
    return i < 0 ? NULL : sh->pages[i].data;
}

static int record_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    return copy_paged(addr, buf, len, false, recorded_page, NULL);
}

static void *record(void *arg)
{
    (void)arg;
    AbiReader r;
    char err[256];
    recording_table = true;
    if (abi_open(&r, record_read, NULL, sh->header, err, sizeof err) < 0) {
        fprintf(stderr, "rts_image: cannot read the table: %s\n", err);
        sh->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < r.n_infos && sh->n_infos < 512; i++) sh->infos[sh->n_infos++] = r.infos[i].addr;
    abi_close(&r);
    recording_table = false;
    uint64_t known[16];
    size_t n = 0;
    for (int i = 0; i < 8; i++) if (sh->mvars[i]) known[n++] = sh->mvars[i];
    for (int i = 0; i < 4; i++) if (sh->weaks[i]) known[n++] = sh->weaks[i];
    for (int i = 0; i < 4; i++) if (sh->mutvars[i]) known[n++] = sh->mutvars[i];
    RtsKnown k = { known, n };
    RtsDecodeStats st;
    rts_decode_all(record_read, NULL, sh->header, &k, &st);
    sh->n_objects = rts_decode_objects(record_read, NULL, sh->header, sh->objects, RTS_IMAGE_MAX_OBJECTS);
    if (!st.opened || st.threads < 5 || st.mvar_nodes < 4 || st.events == 0 || sh->n_objects < 20) {
        fprintf(stderr, "rts_image: the clean heap decodes too little (%ld threads, %ld queue nodes, %ld events, %zu objects)\n",
                st.threads, st.mvar_nodes, st.events, sh->n_objects);
        sh->failed = 1;
    }
    return NULL;
}

/* ---- the child: the heap of known shape (tests/debuggee/known_heap.h) ---- */

static int child_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    RtsFrame f = rts_frame_push(12);
    known_heap_build(f);
    rts_set(f, 8, rts_new_array(6, rts_get(f, 2)));
    rts_set(f, 9, rts_new_bytes(40));
    rts_gc(false);
    rts_gc(false);
    rts_set(f, 6, rts_new_mutvar(NULL));
    rts_write_mutvar(rts_get(f, 5), rts_get(f, 6));     /* old points at young: a mut list entry */
    rts_array_write(rts_get(f, 8), 1, rts_get(f, 6));
    rts_gc(false);
    rts_set(f, 10, rts_new_mutvar(rts_get(f, 9)));       /* young, in the nursery */

    sh->header = (uint64_t)(uintptr_t)&rts_debug_abi;
    const int mv[] = { 0, 1, 7 };
    for (int i = 0; i < 3; i++) sh->mvars[i] = (uint64_t)(uintptr_t)rts_get(f, (uint32_t)mv[i]);
    sh->weaks[0] = (uint64_t)(uintptr_t)rts_get(f, 3);
    sh->weaks[1] = (uint64_t)(uintptr_t)rts_get(f, 4);
    sh->mutvars[0] = (uint64_t)(uintptr_t)rts_get(f, 5);
    sh->mutvars[1] = (uint64_t)(uintptr_t)rts_get(f, 6);
    sh->mutvars[2] = (uint64_t)(uintptr_t)rts_get(f, 8);
    sh->mutvars[3] = (uint64_t)(uintptr_t)rts_get(f, 10);
    /* See Note [Snapshotting the pages the decoders read] */
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20);
    if (pthread_create(&t, &attr, record, NULL) != 0 || pthread_join(t, NULL) != 0) sh->failed = 1;
    fflush(stderr);
    _exit(sh->failed ? 1 : 0);
}

/* ---- the parent ---- */

static int by_addr(const void *a, const void *b)
{
    const RtsImagePage *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int rts_image_build(RtsImage *img)
{
    memset(img, 0, sizeof *img);
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (sh == MAP_FAILED) {
        perror("rts_image: mmap");
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("rts_image: fork");
        return -1;
    }
    if (pid == 0) {
        char *argv[] = { "fuzz_rts", "+RTS", "--record=all", "-RTS", NULL };
        rts_main(4, argv, child_main);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || sh->failed) {
        fprintf(stderr, "rts_image: the snapshot child failed (status 0x%x)\n", status);
        return -1;
    }
    img->header = sh->header;
    img->n_pages = sh->n_pages;
    img->pages = malloc(img->n_pages * sizeof *img->pages);
    img->pristine = malloc(img->n_pages * sizeof *img->pristine);
    img->table_pages = malloc(img->n_pages * sizeof *img->table_pages);
    if (!img->pages || !img->pristine || !img->table_pages) return -1;
    memcpy(img->pristine, sh->pages, img->n_pages * sizeof *img->pristine);
    qsort(img->pristine, img->n_pages, sizeof *img->pristine, by_addr);
    memcpy(img->pages, img->pristine, img->n_pages * sizeof *img->pages);
    for (size_t i = 0; i < img->n_pages; i++)
        if (img->pages[i].table) img->table_pages[img->n_table_pages++] = i;
    memcpy(img->objects, sh->objects, sizeof img->objects);
    img->n_objects = sh->n_objects;
    memcpy(img->infos, sh->infos, sizeof img->infos);
    img->n_infos = sh->n_infos;
    memcpy(img->mvars, sh->mvars, sizeof img->mvars);
    memcpy(img->weaks, sh->weaks, sizeof img->weaks);
    memcpy(img->mutvars, sh->mutvars, sizeof img->mutvars);
    for (int i = 0; i < 8; i++) if (img->mvars[i]) img->known[img->n_known++] = img->mvars[i];
    for (int i = 0; i < 4; i++) if (img->weaks[i]) img->known[img->n_known++] = img->weaks[i];
    for (int i = 0; i < 4; i++) if (img->mutvars[i]) img->known[img->n_known++] = img->mutvars[i];
    munmap(sh, sizeof *sh);
    sh = NULL;
    return 0;
}

/* The index of the page at page, or -1. */
static long find_page(const RtsImage *img, uint64_t page)
{
    size_t lo = 0, hi = img->n_pages;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (img->pages[mid].addr < page) lo = mid + 1;
        else hi = mid;
    }
    return lo < img->n_pages && img->pages[lo].addr == page ? (long)lo : -1;
}

static uint8_t *image_page(void *ctx, uint64_t page)
{
    RtsImage *img = ctx;
    long i = find_page(img, page);
    return i < 0 ? NULL : img->pages[i].data;
}

int rts_image_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    return copy_paged(addr, buf, len, false, image_page, ctx);
}

static void touch(RtsImage *img, size_t page);

/* image_page, marking the page touched (rts_image_restore copies it back). */
static uint8_t *touched_page(void *ctx, uint64_t page)
{
    RtsImage *img = ctx;
    long i = find_page(img, page);
    if (i < 0) return NULL;
    touch(img, (size_t)i);
    return img->pages[i].data;
}

int rts_image_write(RtsImage *img, uint64_t addr, const void *buf, size_t len)
{
    return copy_paged(addr, (uint8_t *)(uintptr_t)buf, len, true, touched_page, img);
}

/* ---- corruptions ---- */

static const uint64_t interesting64[] = {
    0, 1, 7, 8, 0xff, 0x1000, 0x100000, 0x7fffffff, 0x80000000, 0xffffffff, 1ull << 32, 1ull << 40,
    1ull << 63, UINT64_MAX, UINT64_MAX - 7, 0x5555555555555555ULL,
};
static const uint32_t interesting32[] = {
    0, 1, 2, 7, 8, 63, 64, 65, 255, 4096, 4097, 100000, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void touch(RtsImage *img, size_t page)
{
    for (size_t i = 0; i < img->n_touched; i++)
        if (img->touched[i] == page) return;
    if (img->n_touched < N(img->touched)) img->touched[img->n_touched++] = page;
    else img->touched_overflow = true;
}

void rts_image_patch(RtsImage *img, const uint8_t *data, size_t size, bool table_only)
{
    size_t n_pages = table_only ? img->n_table_pages : img->n_pages;
    if (n_pages == 0) return;
    uint64_t words = (uint64_t)n_pages * (RTS_IMAGE_PAGE / 8);
    for (size_t i = 0; i + RTS_IMAGE_PATCH_SIZE <= size; i += RTS_IMAGE_PATCH_SIZE) {
        const uint8_t *d = data + i;
        uint64_t w = ((uint64_t)d[0] | (uint64_t)d[1] << 8 | (uint64_t)d[2] << 16) % words;
        unsigned op = d[3];
        unsigned arg = (unsigned)d[4] | (unsigned)d[5] << 8;
        size_t pi = (size_t)(w / (RTS_IMAGE_PAGE / 8));
        if (table_only) pi = img->table_pages[pi];
        touch(img, pi);
        uint8_t *p = img->pages[pi].data + (w % (RTS_IMAGE_PAGE / 8)) * 8;
        uint64_t addr = img->pages[pi].addr + (uint64_t)(p - img->pages[pi].data), v;
        memcpy(&v, p, 8);
        uint64_t obj = img->n_objects ? img->objects[arg % img->n_objects] : addr;
        switch (op % 14) {
        case 0: v = 0; break;
        case 1: v = 0xaaaaaaaaaaaaaaaaULL; break;                   /* -DZ fill */
        case 2: v = interesting64[arg % N(interesting64)]; break;   /* huge sizes, -1 */
        case 3: v = obj; break;                                     /* another object */
        case 4: v = obj + 8 * (1 + (arg >> 11) % 8); break;         /* the middle of one */
        case 5: v = img->n_infos ? img->infos[arg % img->n_infos] : 0; break;  /* another info table */
        case 6: v = addr - 8 * (arg % 4); break;                    /* itself, its object */
        case 7: v = obj + 1; break;                                 /* a forwarding pointer */
        case 8: p[(arg >> 8) & 7] = (uint8_t)arg; memcpy(&v, p, 8); break;
        case 9: v ^= 1ull << (arg & 63); break;
        case 10: v += (uint64_t)(int64_t)(int16_t)arg; break;       /* off by a little */
        case 11: v = img->pages[arg % img->n_pages].addr + 8 * ((arg * 7u) % (RTS_IMAGE_PAGE / 8)); break;
        case 12: {                                                  /* a 32-bit count, offset, size */
            uint32_t x = interesting32[(arg >> 1) % N(interesting32)];
            memcpy(p + 4 * (arg & 1), &x, 4);
            memcpy(&v, p, 8);
            break;
        }
        default: {                                                  /* a 16-bit kind, version */
            uint16_t x = (uint16_t)interesting32[(arg >> 2) % N(interesting32)];
            memcpy(p + 2 * (arg & 3), &x, 2);
            memcpy(&v, p, 8);
            break;
        }
        }
        memcpy(p, &v, 8);
    }
}

void rts_image_restore(RtsImage *img)
{
    if (img->touched_overflow) {
        memcpy(img->pages, img->pristine, img->n_pages * sizeof *img->pages);
    } else {
        for (size_t i = 0; i < img->n_touched; i++)
            memcpy(&img->pages[img->touched[i]], &img->pristine[img->touched[i]], sizeof *img->pages);
    }
    img->n_touched = 0;
    img->touched_overflow = false;
}

RtsDecodeStats rts_image_decode(RtsImage *img)
{
    RtsKnown k = { img->known, img->n_known };
    RtsDecodeStats st;
    rts_decode_all(rts_image_read, img, img->header, &k, &st);
    rts_image_restore(img);
    return st;
}
