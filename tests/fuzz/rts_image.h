/* rts_image.h — a snapshot of a real runtime's memory for the runtime-aware
 * fuzzers (fuzz_abi_reader, fuzz_heap_decode), and the corruptions applied
 * to it.
 *
 * rts_image_build() forks a child that starts the runtime linked into the
 * fuzz binary, builds a small heap of known shape (MVars with blocked
 * takers and a putter, TSOs, thunks and blackholes, weak pointers, a
 * mutable variable on a mut list, arrays, a few GCs, the flight recorder
 * on) and then runs every decoder once (rts_decode_all) through a reader
 * that copies each 4 KiB page it touches.  Those pages are the image: the
 * parent reads them through rts_image_read, and a read of any other
 * address fails with -EFAULT, as in a core file that lacks the page.
 * Pages first read while the reader loaded the ABI table are marked as the
 * table's.
 *
 * An input is a list of 6-byte patches (rts_image_patch): a word offset
 * into the image (or into its table pages only), an operation and an
 * argument; the operations write the values a corrupted heap holds: 0, the
 * 0xaa fill, huge sizes, pointers to other objects or into their middle,
 * other info pointers, forwarding pointers, self-pointers.  Offsets are
 * relative to the sorted pages, so an input means the same corruption in
 * every run.
 *
 * Depends on: rts.h (the child), rts_decode_all.h.
 */
#ifndef FUZZ_RTS_IMAGE_H
#define FUZZ_RTS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rts_decode_all.h"

#define RTS_IMAGE_PAGE 4096u
#define RTS_IMAGE_MAX_OBJECTS 2048
#define RTS_IMAGE_PATCH_SIZE 6

typedef struct RtsImagePage {
    uint64_t addr;
    bool table;                 /* first read by abi_open */
    uint8_t data[RTS_IMAGE_PAGE];
} RtsImagePage;

typedef struct RtsImage {
    uint64_t header;            /* address of rts_debug_abi */
    RtsImagePage *pages;        /* sorted by address; the working copy */
    RtsImagePage *pristine;     /* as snapshotted */
    size_t n_pages;
    size_t *table_pages;        /* indices of the table's pages */
    size_t n_table_pages;
    /* every closure of the heap (from a heap walk), for pointer values */
    uint64_t objects[RTS_IMAGE_MAX_OBJECTS];
    size_t n_objects;
    uint64_t infos[512];        /* info-table addresses of the ABI table */
    size_t n_infos;
    uint64_t mvars[8], weaks[4], mutvars[4];   /* what the child built */
    uint64_t known[16];         /* the non-zero ones of those, for RtsKnown */
    size_t n_known;
    size_t touched[64];         /* pages the last patch list changed */
    size_t n_touched;
    bool touched_overflow;
} RtsImage;

/* Build the image (once per process): 0, or -1 with a reason on stderr. */
int rts_image_build(RtsImage *img);

/* abi_read_fn over the working copy (ctx is the RtsImage). */
int rts_image_read(void *ctx, uint64_t addr, void *buf, size_t len);

/* Apply the patches of data (size / 6 of them) to the working copy; with
 * table_only, the offsets index the table's pages only. */
void rts_image_patch(RtsImage *img, const uint8_t *data, size_t size, bool table_only);
/* Write len bytes at addr in the working copy: 0, or -EFAULT outside it. */
int rts_image_write(RtsImage *img, uint64_t addr, const void *buf, size_t len);
/* Put the working copy back as snapshotted. */
void rts_image_restore(RtsImage *img);
/* Run every decoder over the working copy as corrupted so far (with the
 * image's known objects), then restore it; what they found. */
RtsDecodeStats rts_image_decode(RtsImage *img);

#endif
