/* unwind_table.c — a search table over a module's .eh_frame, for programs
 * linked without .eh_frame_hdr (static non-PIE executables).
 *
 * Offers eh_frame_index (the table of a module, built once and kept in the
 * symtab), eh_frame_index_read (libunwind reads the table through our
 * access_mem, from an address no target can have), eh_frame_index_free,
 * and eh_frame_table (the table of an .eh_frame's bytes, for the tests).
 * unwind.c hands the table to libunwind's own binary search exactly as it
 * hands a .eh_frame_hdr.  See Note [Programs without .eh_frame_hdr].
 *
 * Depends on: symtab_priv.h, libelf (the module's file).  Knows nothing of
 * libunwind's types: the table has .eh_frame_hdr's layout.
 */
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include "symtab_priv.h"

/* Note [Programs without .eh_frame_hdr]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * libunwind finds a frame's CFI through the PT_GNU_EH_FRAME segment
 * (.eh_frame_hdr): a table of (function start, FDE) pairs, sorted, that it
 * binary-searches in the target's memory.  gcc asks the linker for that
 * segment for every link except a static non-PIE one ("gcc -static
 * -no-pie": LINK_EH_SPEC is "%{!static|static-pie:--eh-frame-hdr}"), since
 * libgcc's own unwinder finds a static program's FDEs through
 * __register_frame_info instead.  Such a program still has all its CFI in
 * .eh_frame, and gdb reads .eh_frame directly; rtsdb found no table, got
 * no CFI for any pc, and libunwind's frame-pointer guess ended the walk at
 * the first function keeping no frame pointer (all of static libc).
 *
 * So for a module without PT_GNU_EH_FRAME we build the table the linker
 * would have built: walk .eh_frame's records in the module's file, decode
 * each FDE's initial location with its CIE's pointer encoding (augmentation
 * 'R'), and keep (start - segbase, fde - segbase) as two int32s sorted by
 * start, where segbase is .eh_frame's run-time address.  libunwind
 * (_Ux86_64_dwarf_search_unwind_table, UNW_INFO_FORMAT_REMOTE_TABLE) reads
 * the table through the address space's access_mem, so each table is given
 * a non-canonical x86-64 address (EH_INDEX_BASE and up: neither user nor
 * kernel space, so never a target address) and access_mem serves reads
 * there from the table.  The FDEs themselves are read from the target, as
 * for a .eh_frame_hdr (from the file where a core leaves the segment out).
 *
 * The table is built once per module (tests/debuggee/unwind_static, with
 * static glibc's 1042 FDEs: about 0.15 ms) and dropped with the module
 * list (symtab_refresh, symtab_free).  FDEs of zero length, those whose
 * encoding we do not decode (datarel, indirect, aligned) and those out of
 * int32 range of .eh_frame are left out: their pcs get no CFI, as before.
 */

#define EH_INDEX_BASE 0x8000000000000000ull
#define EH_INDEX_SPAN 0x100000000ull    /* address space per table */

struct eh_index {
    Dwfl_Module *mod;
    addr_t segbase;     /* .eh_frame's run-time address */
    addr_t addr;        /* where libunwind reads the table (non-canonical) */
    struct eh_index_entry *entries;     /* NULL: the module has no usable .eh_frame */
    size_t n;
};

/* A bounded reader over a section's bytes. */
struct cursor {
    const unsigned char *p, *end;
    bool bad;
};

static uint64_t read_bytes(struct cursor *c, size_t n)
{
    uint64_t v = 0;
    if ((size_t)(c->end - c->p) < n) {
        c->bad = true;
        c->p = c->end;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)c->p[i] << (8 * i);
    c->p += n;
    return v;
}

static uint64_t read_uleb(struct cursor *c)
{
    uint64_t v = 0;
    for (int shift = 0; c->p < c->end; shift += 7) {
        unsigned char b = *c->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    c->bad = true;
    return v;
}

/* The size of a DW_EH_PE value format; 0 for one we do not decode. */
static size_t encoded_size(unsigned enc)
{
    switch (enc & 0x0f) {
    case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8: return 8;
    case DW_EH_PE_udata4: case DW_EH_PE_sdata4: return 4;
    case DW_EH_PE_udata2: case DW_EH_PE_sdata2: return 2;
    default: return 0;
    }
}

/* Read a pointer encoded as enc at c, whose byte 0 is at unbiased address
 * here.  Only absolute and pc-relative values: false for anything else. */
static bool read_encoded(struct cursor *c, unsigned enc, uint64_t here, uint64_t *out)
{
    size_t size = encoded_size(enc);
    if (size == 0 || (enc & 0x80) || ((enc & 0x70) != DW_EH_PE_absptr
                                      && (enc & 0x70) != DW_EH_PE_pcrel))
        return false;
    uint64_t v = read_bytes(c, size);
    if (enc & 0x08 && size < 8 && (v >> (size * 8 - 1)) & 1)  /* sdata2/4 */
        v |= ~0ull << (size * 8);
    if ((enc & 0x70) == DW_EH_PE_pcrel)
        v += here;
    *out = v;
    return !c->bad;
}

/* The FDE pointer encoding of the CIE at c (after its id): its
 * augmentation's 'R', absptr without one; false for a CIE we cannot read. */
static bool cie_fde_encoding(struct cursor c, unsigned *enc)
{
    unsigned version = (unsigned)read_bytes(&c, 1);
    const char *aug = (const char *)c.p;
    size_t auglen = strnlen(aug, (size_t)(c.end - c.p));
    if (c.bad || auglen == (size_t)(c.end - c.p))
        return false;
    c.p += auglen + 1;
    *enc = DW_EH_PE_absptr;
    if (auglen == 0)
        return true;
    if (aug[0] != 'z')
        return false;   /* "eh" and other pre-'z' forms: not emitted since gcc 3 */
    read_uleb(&c);      /* code alignment */
    read_uleb(&c);      /* data alignment (sleb: its bytes alone matter here) */
    if (version == 1)
        read_bytes(&c, 1);
    else
        read_uleb(&c);  /* return address register */
    read_uleb(&c);      /* augmentation data length */
    for (size_t i = 1; i < auglen && !c.bad; i++) {
        switch (aug[i]) {
        case 'R':
            *enc = (unsigned)read_bytes(&c, 1);
            return !c.bad;
        case 'L':
            read_bytes(&c, 1);
            break;
        case 'P': {     /* the personality routine: skipped, however encoded */
            size_t psize = encoded_size((unsigned)read_bytes(&c, 1));
            if (psize == 0)
                return false;
            read_bytes(&c, psize);
            break;
        }
        case 'S': case 'B':
            break;
        default:
            return false;
        }
    }
    return !c.bad;
}

static int by_start(const void *a, const void *b)
{
    const struct eh_index_entry *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The .eh_frame section of elf: its data and unbiased address. */
static Elf_Data *eh_frame_section(Elf *elf, GElf_Addr *addr)
{
    GElf_Shdr sh;
    Elf_Scn *scn = symtab_elf_section(elf, ".eh_frame", false, NULL, &sh);
    if (!scn || sh.sh_type != SHT_PROGBITS)
        return NULL;
    *addr = sh.sh_addr;
    return elf_getdata(scn, NULL);
}

/* The FDE pointer encoding of the CIE at offset at of the section, or
 * false if it is not a CIE we can read. */
static bool cie_at_offset(const unsigned char *base, const unsigned char *end, size_t at,
                          unsigned *enc)
{
    struct cursor c = { base + at, end, false };
    uint64_t len = read_bytes(&c, 4);
    if (len == 0xffffffffu)
        len = read_bytes(&c, 8);
    if (c.bad || len < 4 || len > (uint64_t)(end - c.p))
        return false;
    c.end = c.p + len;
    if (read_bytes(&c, 4) != 0)
        return false;
    return cie_fde_encoding(c, enc);
}

struct eh_index_entry *eh_frame_table(const unsigned char *base, size_t size, uint64_t sec,
                                      size_t *count)
{
    const unsigned char *end = base + size;
    struct eh_index_entry *entries = NULL;
    size_t n = 0, cap = 0, cie_at = (size_t)-1;
    unsigned cie_enc = 0;
    bool cie_ok = false;
    for (const unsigned char *rec = base, *next; end - rec >= 4; rec = next) {
        struct cursor c = { rec, end, false };
        uint64_t len = read_bytes(&c, 4);
        if (len == 0)
            break;                      /* the terminator */
        if (len == 0xffffffffu)
            len = read_bytes(&c, 8);
        if (c.bad || len < 4 || len > (uint64_t)(end - c.p))
            break;
        const unsigned char *id_at = c.p;
        next = c.end = c.p + len;
        uint32_t id = (uint32_t)read_bytes(&c, 4);
        if (id == 0 || id > (uint64_t)(id_at - base))
            continue;                   /* a CIE (read when an FDE names it), or bad */
        size_t cie = (size_t)(id_at - base) - id;
        if (cie != cie_at) {
            cie_at = cie;
            cie_ok = cie_at_offset(base, end, cie, &cie_enc);
        }
        uint64_t start, range;
        if (!cie_ok || !read_encoded(&c, cie_enc, sec + (uint64_t)(c.p - base), &start)
            || !read_encoded(&c, cie_enc & 0x0f, 0, &range) || range == 0)
            continue;
        int64_t rel_start = (int64_t)(start - sec), rel_fde = rec - base;
        if (rel_start != (int32_t)rel_start || rel_fde != (int32_t)rel_fde)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            struct eh_index_entry *e = realloc(entries, cap * sizeof *e);
            if (!e)
                break;
            entries = e;
        }
        entries[n].start = (int32_t)rel_start;
        entries[n].fde = (int32_t)rel_fde;
        n++;
    }
    if (n == 0) {
        free(entries);
        entries = NULL;
    } else {
        qsort(entries, n, sizeof entries[0], by_start);
    }
    *count = n;
    return entries;
}

/* Build ix's entries from the module's .eh_frame (Note [Programs without
 * .eh_frame_hdr]); leaves ix->entries NULL when there is none to use. */
static void build_index(struct eh_index *ix)
{
    Dwarf_Addr bias;
    GElf_Addr sec;
    Elf *elf = dwfl_module_getelf(ix->mod, &bias);
    Elf_Data *d = elf ? eh_frame_section(elf, &sec) : NULL;
    if (!d || !d->d_buf || d->d_size < 8)
        return;
    ix->segbase = sec + bias;
    ix->entries = eh_frame_table(d->d_buf, d->d_size, sec, &ix->n);
}

bool eh_frame_index(struct symtab *st, Dwfl_Module *mod, addr_t *table, size_t *n,
                    addr_t *segbase)
{
    struct eh_index *ix = NULL;
    for (size_t i = 0; i < st->neh_index; i++)
        if (st->eh_index[i].mod == mod)
            ix = &st->eh_index[i];
    if (!ix) {
        struct eh_index *grown = realloc(st->eh_index, (st->neh_index + 1) * sizeof *grown);
        if (!grown)
            return false;
        st->eh_index = grown;
        ix = &st->eh_index[st->neh_index];
        memset(ix, 0, sizeof *ix);
        ix->mod = mod;
        ix->addr = EH_INDEX_BASE + st->neh_index * EH_INDEX_SPAN;
        st->neh_index++;
        build_index(ix);
    }
    if (!ix->entries)
        return false;
    *table = ix->addr;
    *n = ix->n;
    *segbase = ix->segbase;
    return true;
}

bool eh_frame_index_read(struct symtab *st, addr_t addr, void *buf, size_t len)
{
    if (addr < EH_INDEX_BASE)
        return false;
    size_t i = (size_t)((addr - EH_INDEX_BASE) / EH_INDEX_SPAN);
    if (i >= st->neh_index || !st->eh_index[i].entries)
        return false;
    struct eh_index *ix = &st->eh_index[i];
    uint64_t off = addr - ix->addr, size = ix->n * sizeof ix->entries[0];
    if (off > size || len > size - off)
        return false;
    memcpy(buf, (const unsigned char *)ix->entries + off, len);
    return true;
}

void eh_frame_index_free(struct symtab *st)
{
    for (size_t i = 0; i < st->neh_index; i++)
        free(st->eh_index[i].entries);
    free(st->eh_index);
    st->eh_index = NULL;
    st->neh_index = 0;
}
