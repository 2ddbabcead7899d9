/* AbiReader.c — load and query the runtime's debug-info table (AbiReader.h).
 *
 * Everything read is untrusted: counts and strides are bounded, strings are
 * read with a length limit, and a failed read is an error, never a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include "AbiReader.h"
#include "rts/DebugAbi.h"

#define MAX_ENTRIES 4096    /* sanity bound on any sub-table */
#define MAX_PAYLOAD (1u << 20)  /* sanity bound on an info table's ptrs and nptrs */

int abi_read(const AbiReader *r, uint64_t addr, void *buf, size_t len)
{
    if (addr == 0) return -EFAULT;
    return r->read(r->ctx, addr, buf, len);
}

int abi_read_string(const AbiReader *r, uint64_t addr, char *buf, size_t len)
{
    if (len == 0) return -EINVAL;
    buf[0] = '\0';
    size_t got = 0;
    /* read in small chunks so a string near the end of a mapping still reads */
    while (got + 1 < len) {
        char chunk[32];
        size_t n = sizeof chunk;
        if (n > len - 1 - got) n = len - 1 - got;
        int rc = abi_read(r, addr + got, chunk, n);
        if (rc < 0) {
            if (n > 1) {            /* retry byte by byte at a mapping end */
                rc = abi_read(r, addr + got, chunk, 1);
                if (rc < 0) return got ? 0 : rc;
                n = 1;
            } else {
                return got ? 0 : rc;
            }
        }
        for (size_t i = 0; i < n; i++) {
            buf[got] = chunk[i];
            if (chunk[i] == '\0') return 0;
            got++;
        }
    }
    buf[got] = '\0';
    return 0;
}

/* Read `count` entries of `stride` bytes into a buffer of `want` bytes each
 * (zero-padded when the writer's entries are smaller). */
static void *read_table(const AbiReader *r, const struct rts_dbg_table *t, size_t want, int *rc)
{
    *rc = 0;
    if (t->count == 0) return calloc(1, want);
    if (t->count > MAX_ENTRIES || t->stride == 0 || t->stride > 4096) { *rc = -EINVAL; return NULL; }
    unsigned char *raw = malloc((size_t)t->count * t->stride);
    unsigned char *out = calloc(t->count, want);
    if (!raw || !out) { free(raw); free(out); *rc = -ENOMEM; return NULL; }
    *rc = abi_read(r, t->addr, raw, (size_t)t->count * t->stride);
    if (*rc < 0) { free(raw); free(out); return NULL; }
    size_t n = t->stride < want ? t->stride : want;
    for (uint32_t i = 0; i < t->count; i++)
        memcpy(out + (size_t)i * want, raw + (size_t)i * t->stride, n);
    free(raw);
    return out;
}

static int cmp_info(const void *a, const void *b)
{
    const AbiInfo *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int abi_open(AbiReader *r, abi_read_fn read, void *ctx, uint64_t header_addr,
             char *err, size_t errlen)
{
    static uint64_t opened;
    memset(r, 0, sizeof *r);
    r->read = read;
    r->ctx = ctx;
    r->header_addr = header_addr;
    r->serial = __atomic_add_fetch(&opened, 1, __ATOMIC_RELAXED);
    struct rts_dbg_header h;
    memset(&h, 0, sizeof h);
    if (abi_read(r, header_addr, &h, sizeof h) < 0) {
        snprintf(err, errlen, "cannot read the debug-info table at 0x%llx", (unsigned long long)header_addr);
        return -1;
    }
    if (memcmp(h.magic, RTS_DBG_MAGIC, 8) != 0) {
        snprintf(err, errlen, "no debug-info table at 0x%llx (bad magic)", (unsigned long long)header_addr);
        return -1;
    }
    if (h.abi_major != RTS_DBG_ABI_MAJOR) {
        snprintf(err, errlen, "debug-info ABI %u.%u is not supported (this reader knows %u.x)",
                 h.abi_major, h.abi_minor, RTS_DBG_ABI_MAJOR);
        return -1;
    }
    if (h.pointer_size != 8 || h.byte_order != RTS_DBG_BYTE_ORDER_LITTLE) {
        snprintf(err, errlen, "debug-info table describes a %u-byte-pointer, byte order %u runtime",
                 h.pointer_size, h.byte_order);
        return -1;
    }
    r->abi_major = h.abi_major;
    r->abi_minor = h.abi_minor;
    abi_read_string(r, h.build_id, r->build_id, sizeof r->build_id);

    int rc;
    struct rts_dbg_struct *ss = read_table(r, &h.structs, sizeof *ss, &rc);
    struct rts_dbg_field *fs = ss ? read_table(r, &h.fields, sizeof *fs, &rc) : NULL;
    struct rts_dbg_constant *cs = fs ? read_table(r, &h.constants, sizeof *cs, &rc) : NULL;
    struct rts_dbg_info *is = cs ? read_table(r, &h.infos, sizeof *is, &rc) : NULL;
    struct rts_dbg_global *gs = is ? read_table(r, &h.globals, sizeof *gs, &rc) : NULL;
    if (!gs) {
        snprintf(err, errlen, "debug-info table is unreadable or malformed (%s)", strerror(-rc));
        free(ss); free(fs); free(cs); free(is);
        return -1;
    }

    r->n_structs = h.structs.count;
    r->structs = calloc(r->n_structs ? r->n_structs : 1, sizeof(AbiStruct));
    for (uint32_t i = 0; i < r->n_structs; i++) {
        AbiStruct *s = &r->structs[i];
        abi_read_string(r, ss[i].name, s->name, sizeof s->name);
        s->size = ss[i].size;
        uint32_t first = ss[i].first_field, n = ss[i].n_fields;
        if (first > h.fields.count || n > h.fields.count - first) n = 0;
        s->fields = calloc(n ? n : 1, sizeof(AbiField));
        s->n_fields = n;
        for (uint32_t j = 0; j < n; j++) {
            const struct rts_dbg_field *src = &fs[first + j];
            AbiField *f = &s->fields[j];
            abi_read_string(r, src->name, f->name, sizeof f->name);
            if (src->type_name) abi_read_string(r, src->type_name, f->type, sizeof f->type);
            f->offset = src->offset;
            f->size = src->size;
            f->kind = src->kind;
            f->elem_size = src->elem_size;
        }
    }
    r->n_constants = h.constants.count;
    r->constants = calloc(r->n_constants ? r->n_constants : 1, sizeof(AbiConstant));
    for (uint32_t i = 0; i < r->n_constants; i++) {
        abi_read_string(r, cs[i].group, r->constants[i].group, sizeof r->constants[i].group);
        abi_read_string(r, cs[i].name, r->constants[i].name, sizeof r->constants[i].name);
        r->constants[i].value = cs[i].value;
    }
    for (uint32_t i = 0; i < h.infos.count; i++)
        if (is[i].ptrs > MAX_PAYLOAD || is[i].nptrs > MAX_PAYLOAD) {
            snprintf(err, errlen, "debug-info table is malformed (info table %u has %u ptrs, %u nptrs)", i,
                     is[i].ptrs, is[i].nptrs);
            abi_close(r);
            free(ss); free(fs); free(cs); free(is); free(gs);
            return -1;
        }
    r->n_infos = h.infos.count;
    r->infos = calloc(r->n_infos ? r->n_infos : 1, sizeof(AbiInfo));
    for (uint32_t i = 0; i < r->n_infos; i++) {
        r->infos[i].addr = is[i].addr;
        abi_read_string(r, is[i].name, r->infos[i].name, sizeof r->infos[i].name);
        r->infos[i].type = is[i].type;
        r->infos[i].ptrs = is[i].ptrs;
        r->infos[i].nptrs = is[i].nptrs;
    }
    qsort(r->infos, r->n_infos, sizeof(AbiInfo), cmp_info);
    r->n_globals = h.globals.count;
    r->globals = calloc(r->n_globals ? r->n_globals : 1, sizeof(AbiGlobal));
    for (uint32_t i = 0; i < r->n_globals; i++) {
        AbiGlobal *g = &r->globals[i];
        abi_read_string(r, gs[i].name, g->name, sizeof g->name);
        if (gs[i].type_name) abi_read_string(r, gs[i].type_name, g->type, sizeof g->type);
        g->addr = gs[i].addr;
        g->size = gs[i].size;
        g->kind = gs[i].kind;
    }
    free(ss); free(fs); free(cs); free(is); free(gs);

    int64_t v;
    r->block_shift = abi_constant(r, "geometry", "BLOCK_SHIFT", &v) ? (uint32_t)v : 12;
    r->mblock_shift = abi_constant(r, "geometry", "MBLOCK_SHIFT", &v) ? (uint32_t)v : 20;
    r->bdescr_shift = abi_constant(r, "geometry", "BDESCR_SHIFT", &v) ? (uint32_t)v : 6;
    r->first_block_off = abi_constant(r, "geometry", "FIRST_BLOCK_OFF", &v) ? (uint64_t)v : 0x4000;
    if (!(r->bdescr_shift < r->block_shift && r->block_shift < r->mblock_shift && r->mblock_shift < 64)) {
        /* abi_bdescr and the walkers shift by these */
        snprintf(err, errlen, "debug-info table is malformed (geometry: BLOCK_SHIFT %u, MBLOCK_SHIFT %u, BDESCR_SHIFT %u)",
                 r->block_shift, r->mblock_shift, r->bdescr_shift);
        abi_close(r);
        return -1;
    }

    /* Info tables that are not in the table (constructors of programs) are
     * read through the StgInfoTable layout; fill the table's own entries'
     * layouts the same way when rts_dbg_init has not run yet (a core taken
     * before start-up completed). */
    for (uint32_t i = 0; i < r->n_infos; i++) {
        uint64_t t;
        if (r->infos[i].type == 0 && abi_get(r, r->infos[i].addr, "StgInfoTable", "type", &t) == 0) {
            r->infos[i].type = (uint32_t)t;
            uint64_t p = 0, np = 0;
            abi_get(r, r->infos[i].addr, "StgInfoTable", "ptrs", &p);
            abi_get(r, r->infos[i].addr, "StgInfoTable", "nptrs", &np);
            r->infos[i].ptrs = p > MAX_PAYLOAD ? 0 : (uint32_t)p;
            r->infos[i].nptrs = np > MAX_PAYLOAD ? 0 : (uint32_t)np;
        }
    }
    return 0;
}

void abi_close(AbiReader *r)
{
    for (uint32_t i = 0; i < r->n_structs; i++) free(r->structs[i].fields);
    free(r->structs);
    free(r->constants);
    free(r->infos);
    free(r->globals);
    free(r->extra_infos);
    memset(r, 0, sizeof *r);
}

const AbiStruct *abi_struct(const AbiReader *r, const char *name)
{
    for (uint32_t i = 0; i < r->n_structs; i++)
        if (strcmp(r->structs[i].name, name) == 0) return &r->structs[i];
    return NULL;
}

const AbiField *abi_field(const AbiReader *r, const char *strct, const char *field)
{
    const AbiStruct *s = abi_struct(r, strct);
    if (!s) return NULL;
    for (uint32_t i = 0; i < s->n_fields; i++)
        if (strcmp(s->fields[i].name, field) == 0) return &s->fields[i];
    return NULL;
}

bool abi_constant(const AbiReader *r, const char *group, const char *name, int64_t *out)
{
    for (uint32_t i = 0; i < r->n_constants; i++)
        if (strcmp(r->constants[i].group, group) == 0 && strcmp(r->constants[i].name, name) == 0) {
            *out = r->constants[i].value;
            return true;
        }
    return false;
}

const char *abi_constant_name(const AbiReader *r, const char *group, int64_t v)
{
    for (uint32_t i = 0; i < r->n_constants; i++)
        if (r->constants[i].value == v && strcmp(r->constants[i].group, group) == 0)
            return r->constants[i].name;
    return NULL;
}

const AbiGlobal *abi_global(const AbiReader *r, const char *name)
{
    for (uint32_t i = 0; i < r->n_globals; i++)
        if (strcmp(r->globals[i].name, name) == 0) return &r->globals[i];
    return NULL;
}

int abi_read_field(const AbiReader *r, uint64_t obj, const AbiField *f, uint64_t *out)
{
    if (!f || f->size == 0 || f->size > 8) return -EINVAL;
    uint64_t v = 0;
    int rc = abi_read(r, obj + f->offset, &v, f->size);   /* little-endian */
    if (rc < 0) return rc;
    *out = v;
    return 0;
}

int abi_get(const AbiReader *r, uint64_t obj, const char *strct, const char *field, uint64_t *out)
{
    const AbiField *f = abi_field(r, strct, field);
    if (!f) return -ENOENT;
    return abi_read_field(r, obj, f, out);
}

int abi_load(const AbiReader *r, uint64_t addr, const char *strct, AbiObject *o)
{
    o->r = r;
    o->s = abi_struct(r, strct);
    o->addr = addr;
    o->have = 0;
    if (!o->s) return -ENOENT;
    uint32_t n = o->s->size < ABI_OBJECT_MAX ? o->s->size : ABI_OBJECT_MAX;
    if (abi_read(r, addr, o->bytes, n) == 0)
        o->have = n;
    return 0;
}

int abi_obj_get(const AbiObject *o, const char *field, uint64_t *out)
{
    if (!o->s) return -ENOENT;
    const AbiField *f = NULL;
    for (uint32_t i = 0; i < o->s->n_fields && !f; i++)
        if (strcmp(o->s->fields[i].name, field) == 0) f = &o->s->fields[i];
    if (!f) return -ENOENT;
    if (f->size == 0 || f->size > 8) return -EINVAL;
    if ((uint64_t)f->offset + f->size > o->have)
        return abi_read_field(o->r, o->addr, f, out);
    uint64_t v = 0;
    memcpy(&v, o->bytes + f->offset, f->size);          /* little-endian */
    *out = v;
    return 0;
}

uint64_t abi_bdescr(const AbiReader *r, uint64_t p)
{
    uint64_t mmask = (1ULL << r->mblock_shift) - 1, bmask = (1ULL << r->block_shift) - 1;
    return (((p & mmask & ~bmask) >> (r->block_shift - r->bdescr_shift)) | (p & ~mmask));
}

/* Does addr look like an info table?  Known ones are in the table; others
 * (constructors of the program) must have a plausible type and a readable
 * name.  Results for unknown tables are cached. */
const AbiInfo *abi_info(AbiReader *r, uint64_t addr)
{
    if (addr == 0 || (addr & 7) != 0) return NULL;
    size_t lo = 0, hi = r->n_infos;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->infos[mid].addr == addr) return &r->infos[mid];
        if (r->infos[mid].addr < addr) lo = mid + 1; else hi = mid;
    }
    for (uint32_t i = 0; i < r->n_extra_infos; i++)
        if (r->extra_infos[i].addr == addr) return &r->extra_infos[i];
    uint64_t type, ptrs, nptrs, name;
    int64_t ntypes = 0;
    abi_constant(r, "closure_type", "RET_SMALL", &ntypes);
    if (abi_get(r, addr, "StgInfoTable", "type", &type) < 0 || type == 0 || (int64_t)type > ntypes)
        return NULL;
    if (abi_get(r, addr, "StgInfoTable", "ptrs", &ptrs) < 0 || ptrs > MAX_PAYLOAD) return NULL;
    if (abi_get(r, addr, "StgInfoTable", "nptrs", &nptrs) < 0 || nptrs > MAX_PAYLOAD) return NULL;
    if (abi_get(r, addr, "StgInfoTable", "name", &name) < 0) return NULL;
    AbiInfo info = { .addr = addr, .type = (uint32_t)type, .ptrs = (uint32_t)ptrs, .nptrs = (uint32_t)nptrs };
    char nm[48];
    if (abi_read_string(r, name, nm, sizeof nm) < 0 || nm[0] == '\0') return NULL;
    snprintf(info.name, sizeof info.name, "%s", nm);
    if (r->n_extra_infos == r->cap_extra_infos) {
        uint32_t cap = r->cap_extra_infos ? 2 * r->cap_extra_infos : 16;
        AbiInfo *n = realloc(r->extra_infos, cap * sizeof(AbiInfo));
        if (!n) return NULL;
        r->extra_infos = n;
        r->cap_extra_infos = cap;
    }
    r->extra_infos[r->n_extra_infos] = info;
    return &r->extra_infos[r->n_extra_infos++];
}

uint64_t abi_find_header_from_phdrs(abi_read_fn read, void *ctx, uint64_t phdr_addr,
                                    uint32_t phnum, uint64_t load_bias)
{
    if (phnum == 0 || phnum > 256) return 0;
    for (uint32_t i = 0; i < phnum; i++) {
        Elf64_Phdr ph;
        if (read(ctx, phdr_addr + (uint64_t)i * sizeof ph, &ph, sizeof ph) < 0) return 0;
        if (ph.p_type != PT_NOTE || ph.p_memsz > (1u << 20)) continue;
        uint64_t p = load_bias + ph.p_vaddr, end = p + ph.p_memsz;
        while (p + sizeof(Elf64_Nhdr) <= end) {
            Elf64_Nhdr nh;
            if (read(ctx, p, &nh, sizeof nh) < 0) break;
            uint64_t name_at = p + sizeof nh;
            uint64_t desc_at = name_at + ((nh.n_namesz + 3) & ~3u);
            if (nh.n_type == NT_RTSDB_ABI && nh.n_namesz == sizeof RTS_DBG_NOTE_OWNER && nh.n_descsz == 8) {
                char owner[sizeof RTS_DBG_NOTE_OWNER];
                int64_t rel;
                if (read(ctx, name_at, owner, sizeof owner) == 0 &&
                    memcmp(owner, RTS_DBG_NOTE_OWNER, sizeof owner) == 0 &&
                    read(ctx, desc_at, &rel, sizeof rel) == 0)
                    return desc_at + (uint64_t)rel;
            }
            p = desc_at + ((nh.n_descsz + 3) & ~3u);
        }
    }
    return 0;
}
