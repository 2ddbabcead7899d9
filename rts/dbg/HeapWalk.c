/* HeapWalk.c — closures, pointer fields, blocks and chains of a heap read
 * through the ABI (HeapWalk.h).  The field semantics follow rts/sm/Sanity.c
 * (forEachPtrField) so that `rts sanity` reports what -DS would. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "HeapWalk.h"

#define MAX_CHAIN_BLOCKS 4000000u   /* a longer chain is a cycle */
#define MAX_GENERATIONS 64
#define MAX_CAPS 1024
#define MAX_STACK_WORDS (1ull << 37)   /* as hw_closure_size's bound on size fields: 1 TiB */

/* ---- the page cache ----
 * Note [Reading the heap a page at a time]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A heap walk reads every word of every block, field by field; through
 * ptrace or a core file each read is a system call or a lookup.  While a
 * command runs the target is stopped, so pages cannot change: we swap the
 * reader's callback for one that serves reads from a direct-mapped cache of
 * 4 KiB pages (unreadable pages cached too), and put the original back at
 * the end of the command.  The cache never outlives a command.
 */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1u << PAGE_SHIFT)
#define N_PAGES 1024

struct page_cache {
    abi_read_fn read;
    void *ctx;
    int depth;
    uint64_t tag[N_PAGES];      /* page address + 1; 0 = empty */
    bool ok[N_PAGES];
    uint8_t data[N_PAGES][PAGE_SIZE];
};

static struct page_cache *cache;

static int cached_read(void *ctxp, uint64_t addr, void *buf, size_t len)
{
    struct page_cache *c = ctxp;
    uint8_t *out = buf;
    while (len > 0) {
        uint64_t page = addr & ~(uint64_t)(PAGE_SIZE - 1);
        size_t off = (size_t)(addr - page), n = PAGE_SIZE - off;
        if (n > len) n = len;
        size_t slot = (size_t)(page >> PAGE_SHIFT) % N_PAGES;
        if (c->tag[slot] != page + 1) {
            c->tag[slot] = page + 1;
            c->ok[slot] = c->read(c->ctx, page, c->data[slot], PAGE_SIZE) == 0;
        }
        if (!c->ok[slot]) return c->read(c->ctx, addr, out, len);   /* partial page: ask directly */
        memcpy(out, c->data[slot] + off, n);
        out += n;
        addr += n;
        len -= n;
    }
    return 0;
}

void hw_cache_begin(AbiReader *r)
{
    if (cache && cache->depth > 0 && r->read == cached_read) {
        cache->depth++;
        return;
    }
    if (!cache) cache = malloc(sizeof *cache);
    if (!cache) return;                     /* uncached: slower, still correct */
    memset(cache->tag, 0, sizeof cache->tag);
    cache->read = r->read;
    cache->ctx = r->ctx;
    cache->depth = 1;
    r->read = cached_read;
    r->ctx = cache;
}

void hw_cache_end(AbiReader *r)
{
    if (!cache || r->read != cached_read || --cache->depth > 0) return;
    r->read = cache->read;
    r->ctx = cache->ctx;
}

/* ---- layouts, looked up once per table ---- */

struct layout {
    uint64_t serial;            /* the reader's abi_open it was read from */
    int t_thunk, t_ind, t_blackhole, t_bq, t_mvar_clean, t_mvar_dirty, t_mvar_q, t_tso, t_stack,
        t_weak, t_dead_weak, t_mutvar_clean, t_mutvar_dirty, t_arr_words, t_arr_clean, t_arr_dirty,
        t_upd, t_root, t_stop, t_ret_small, t_constr_static, t_fun_static, t_thunk_static,
        t_ind_static, t_whitehole;
    int64_t wb_mvar, wb_mvar_read, wb_bh, wb_throwto, wb_not;
    uint32_t thunk_hdr, sz_ind, sz_ind_static, sz_bq, sz_mvar, sz_mvar_q, sz_tso, stack_hdr,
        sz_weak, sz_mutvar, arr_words_hdr, arr_ptrs_hdr, sz_upd;
    const AbiField *arr_bytes, *arr_size, *arr_ptrs, *stack_size, *stack_sp;
    const AbiField *tso_why;
};

static struct layout L;

int hw_type(AbiReader *r, const char *name)
{
    int64_t v;
    return abi_constant(r, "closure_type", name, &v) ? (int)v : -1;
}

static uint32_t struct_size(AbiReader *r, const char *s)
{
    const AbiStruct *st = abi_struct(r, s);
    return st ? st->size : 0;
}

static uint32_t field_off(AbiReader *r, const char *s, const char *f)
{
    const AbiField *fl = abi_field(r, s, f);
    return fl ? fl->offset : 0;
}

static const struct layout *layout(AbiReader *r)
{
    if (L.serial == r->serial) return &L;
    memset(&L, 0, sizeof L);
    L.serial = r->serial;
#define T(field, name) L.field = hw_type(r, name)
    T(t_thunk, "THUNK"); T(t_ind, "IND"); T(t_blackhole, "BLACKHOLE"); T(t_bq, "BLOCKING_QUEUE");
    T(t_mvar_clean, "MVAR_CLEAN"); T(t_mvar_dirty, "MVAR_DIRTY"); T(t_mvar_q, "MVAR_TSO_QUEUE");
    T(t_tso, "TSO"); T(t_stack, "STACK"); T(t_weak, "WEAK"); T(t_dead_weak, "DEAD_WEAK");
    T(t_mutvar_clean, "MUT_VAR_CLEAN"); T(t_mutvar_dirty, "MUT_VAR_DIRTY"); T(t_arr_words, "ARR_WORDS");
    T(t_arr_clean, "MUT_ARR_PTRS_CLEAN"); T(t_arr_dirty, "MUT_ARR_PTRS_DIRTY");
    T(t_upd, "UPDATE_FRAME"); T(t_root, "ROOT_FRAME"); T(t_stop, "STOP_FRAME"); T(t_ret_small, "RET_SMALL");
    T(t_constr_static, "CONSTR_STATIC"); T(t_fun_static, "FUN_STATIC"); T(t_thunk_static, "THUNK_STATIC");
    T(t_ind_static, "IND_STATIC"); T(t_whitehole, "WHITEHOLE");
#undef T
    L.wb_mvar = L.wb_mvar_read = L.wb_bh = L.wb_throwto = L.wb_not = -1;
    abi_constant(r, "why_blocked", "BlockedOnMVar", &L.wb_mvar);
    abi_constant(r, "why_blocked", "BlockedOnMVarRead", &L.wb_mvar_read);
    abi_constant(r, "why_blocked", "BlockedOnBlackHole", &L.wb_bh);
    abi_constant(r, "why_blocked", "BlockedOnMsgThrowTo", &L.wb_throwto);
    abi_constant(r, "why_blocked", "NotBlocked", &L.wb_not);
    L.thunk_hdr = field_off(r, "StgThunk", "payload");
    L.sz_ind = struct_size(r, "StgInd");
    L.sz_ind_static = struct_size(r, "StgIndStatic");
    L.sz_bq = struct_size(r, "StgBlockingQueue");
    L.sz_mvar = struct_size(r, "StgMVar");
    L.sz_mvar_q = struct_size(r, "StgMVarTSOQueue");
    L.sz_tso = struct_size(r, "StgTSO");
    L.stack_hdr = field_off(r, "StgStack", "stack");
    L.sz_weak = struct_size(r, "StgWeak");
    L.sz_mutvar = struct_size(r, "StgMutVar");
    L.arr_words_hdr = field_off(r, "StgArrBytes", "payload");
    L.arr_ptrs_hdr = field_off(r, "StgMutArrPtrs", "payload");
    L.sz_upd = struct_size(r, "StgUpdateFrame");
    L.arr_bytes = abi_field(r, "StgArrBytes", "bytes");
    L.arr_size = abi_field(r, "StgMutArrPtrs", "size");
    L.arr_ptrs = abi_field(r, "StgMutArrPtrs", "ptrs");
    L.stack_size = abi_field(r, "StgStack", "stack_size");
    L.stack_sp = abi_field(r, "StgStack", "sp");
    L.tso_why = abi_field(r, "StgTSO", "why_blocked");
    return &L;
}

/* ---- closures ---- */

int hw_closure_size(AbiReader *r, uint64_t p, const AbiInfo *it, uint64_t *words, char *why, size_t whylen)
{
    const struct layout *l = layout(r);
    int t = (int)it->type;
    uint64_t v = 0, bytes;
    if (t == l->t_thunk) bytes = l->thunk_hdr + 8ull * ((uint64_t)it->ptrs + it->nptrs);
    else if (t == l->t_thunk_static || t == l->t_ind_static) bytes = l->sz_ind_static;
    else if (t == l->t_ind || t == l->t_blackhole) bytes = l->sz_ind;
    else if (t == l->t_bq) bytes = l->sz_bq;
    else if (t == l->t_mvar_clean || t == l->t_mvar_dirty) bytes = l->sz_mvar;
    else if (t == l->t_mvar_q) bytes = l->sz_mvar_q;
    else if (t == l->t_tso) bytes = l->sz_tso;
    else if (t == l->t_weak || t == l->t_dead_weak) bytes = l->sz_weak;
    else if (t == l->t_mutvar_clean || t == l->t_mutvar_dirty) bytes = l->sz_mutvar;
    else if (t == l->t_upd) bytes = l->sz_upd;
    else if (t == l->t_stack) {
        if (abi_read_field(r, p, l->stack_size, &v) < 0) goto unreadable;
        bytes = l->stack_hdr + 8 * v;
    } else if (t == l->t_arr_words) {
        if (abi_read_field(r, p, l->arr_bytes, &v) < 0) goto unreadable;
        bytes = l->arr_words_hdr + ((v + 7) & ~7ull);
    } else if (t == l->t_arr_clean || t == l->t_arr_dirty) {
        if (abi_read_field(r, p, l->arr_size, &v) < 0) goto unreadable;
        bytes = l->arr_ptrs_hdr + 8 * v;
    } else if (t == l->t_root) {
        if (abi_read(r, p + 8, &v, 8) < 0) goto unreadable;
        bytes = 8 * (3 + v);
    } else {
        bytes = 8ull * (1 + (uint64_t)it->ptrs + it->nptrs);
    }
    if (v > (1ull << 40) || bytes == 0) {
        snprintf(why, whylen, "implausible size field %" PRIu64 " in a %s", v, it->name);
        return -1;
    }
    *words = (bytes + 7) / 8;
    return 0;
unreadable:
    snprintf(why, whylen, "cannot read the size of the %s at 0x%" PRIx64, it->name, p);
    return -1;
}

/* fn on the pointer field at slot; false when the slot cannot be read. */
static bool field(hw_field_fn fn, void *ctx, AbiReader *r, uint64_t obj, uint64_t slot, const char *name)
{
    uint64_t v = 0;
    if (abi_read(r, slot, &v, 8) < 0) return false;
    fn(ctx, obj, slot, v, name);
    return true;
}

static void named_field(hw_field_fn fn, void *ctx, AbiReader *r, uint64_t obj, const char *strct, const char *name)
{
    const AbiField *f = abi_field(r, strct, name);
    if (f) field(fn, ctx, r, obj, obj + f->offset, name);
}

/* The frames of a STACK from sp to its end (Sanity.c's stack_frames). */
static int stack_frames(AbiReader *r, uint64_t stack, hw_field_fn fn, void *ctx, char *why, size_t whylen,
                        uint64_t *bad)
{
    const struct layout *l = layout(r);
    uint64_t sp = 0, size = 0;
    if (abi_read_field(r, stack, l->stack_sp, &sp) < 0 || abi_read_field(r, stack, l->stack_size, &size) < 0) {
        snprintf(why, whylen, "cannot read the stack's sp");
        *bad = stack;
        return -1;
    }
    uint64_t lo = stack + l->stack_hdr, end = lo + 8 * size;
    if (size > MAX_STACK_WORDS || end < lo) {
        snprintf(why, whylen, "implausible stack size %" PRIu64 " words", size);
        *bad = stack + (l->stack_size ? l->stack_size->offset : 0);
        return -1;
    }
    if (sp < lo || sp > end || (sp & 7)) {
        snprintf(why, whylen, "sp outside the stack");
        *bad = stack + (l->stack_sp ? l->stack_sp->offset : 0);
        return -1;
    }
    for (uint64_t p = sp; p < end;) {
        uint64_t info = 0;
        char name[160];
        if (abi_read(r, p, &info, 8) < 0) { *bad = p; snprintf(why, whylen, "unreadable stack frame"); return -1; }
        const AbiInfo *ip = abi_info(r, info);
        if (!ip) { *bad = p; snprintf(why, whylen, "stack frame with an invalid info pointer"); return -1; }
        AbiInfo fi = *ip;
        uint64_t fsize, off = (p - sp) / 8, words_left = (end - p) / 8;
        int t = (int)fi.type;
        if (t == l->t_root) {
            uint64_t n = 0;
            if (abi_read(r, p + 8, &n, 8) < 0 || n > words_left - 3 || words_left < 3) { *bad = p; snprintf(why, whylen, "ROOT_FRAME runs past the end of the stack"); return -1; }
            fsize = 3 + n;
            for (uint64_t i = 0; i < n; i++) {
                snprintf(name, sizeof name, "stack frame ROOT_FRAME@sp+%" PRIu64 " roots[%" PRIu64 "]", off, i);
                if (!field(fn, ctx, r, stack, p + 8 * (3 + i), name)) { *bad = p + 8 * (3 + i); snprintf(why, whylen, "unreadable stack frame"); return -1; }
            }
        } else if (t == l->t_upd) {
            fsize = l->sz_upd / 8;
            if (fsize < 2 || fsize > words_left) { *bad = p; snprintf(why, whylen, "UPDATE_FRAME runs past the end of the stack"); return -1; }
            snprintf(name, sizeof name, "stack frame UPDATE_FRAME@sp+%" PRIu64 " updatee", off);
            field(fn, ctx, r, stack, p + 8, name);
        } else if (t == l->t_stop) {
            fsize = 1;
        } else if (t == l->t_ret_small) {
            fsize = 1 + (uint64_t)fi.ptrs + fi.nptrs;
            if (fsize > words_left) { *bad = p; snprintf(why, whylen, "frame runs past the end of the stack"); return -1; }
            for (uint32_t i = 0; i < fi.ptrs; i++) {
                snprintf(name, sizeof name, "stack frame %s@sp+%" PRIu64 " payload[%u]", fi.name, off, i);
                field(fn, ctx, r, stack, p + 8 * (1 + i), name);
            }
        } else {
            *bad = p;
            snprintf(why, whylen, "a non-frame info pointer on the stack");
            return -1;
        }
        p += 8 * fsize;
    }
    return 0;
}

int hw_for_each_ptr_field(AbiReader *r, uint64_t p, const AbiInfo *it, hw_field_fn fn, void *ctx,
                          char *why, size_t whylen, uint64_t *bad_slot)
{
    const struct layout *l = layout(r);
    int t = (int)it->type;
    char name[48];
    *bad_slot = 0;
    if (t == l->t_mvar_clean || t == l->t_mvar_dirty) {
        named_field(fn, ctx, r, p, "StgMVar", "head");
        named_field(fn, ctx, r, p, "StgMVar", "tail");
        named_field(fn, ctx, r, p, "StgMVar", "value");
    } else if (t == l->t_mvar_q) {
        named_field(fn, ctx, r, p, "StgMVarTSOQueue", "link");
        named_field(fn, ctx, r, p, "StgMVarTSOQueue", "tso");
    } else if (t == l->t_mutvar_clean || t == l->t_mutvar_dirty) {
        named_field(fn, ctx, r, p, "StgMutVar", "var");
    } else if (t == l->t_ind_static) {      /* an entered CAF: static, points into the heap */
        named_field(fn, ctx, r, p, "StgIndStatic", "indirectee");
    } else if (t == l->t_ind || t == l->t_blackhole) {
        named_field(fn, ctx, r, p, "StgInd", "indirectee");
    } else if (t == l->t_bq) {
        named_field(fn, ctx, r, p, "StgBlockingQueue", "link");
        named_field(fn, ctx, r, p, "StgBlockingQueue", "bh");
        named_field(fn, ctx, r, p, "StgBlockingQueue", "owner");
        named_field(fn, ctx, r, p, "StgBlockingQueue", "queue");
    } else if (t == l->t_weak) {
        named_field(fn, ctx, r, p, "StgWeak", "cfinalizers");   /* Note [Racing weak pointer evacuation] */
    } else if (t == l->t_tso) {
        uint64_t wb = 0;
        named_field(fn, ctx, r, p, "StgTSO", "_link");
        named_field(fn, ctx, r, p, "StgTSO", "stackobj");
        if (abi_read_field(r, p, l->tso_why, &wb) == 0 &&
            ((int64_t)wb == l->wb_mvar || (int64_t)wb == l->wb_mvar_read || (int64_t)wb == l->wb_bh ||
             (int64_t)wb == l->wb_throwto || (int64_t)wb == l->wb_not))
            named_field(fn, ctx, r, p, "StgTSO", "block_info");
        named_field(fn, ctx, r, p, "StgTSO", "bq");
        named_field(fn, ctx, r, p, "StgTSO", "mvar_value");     /* ABI 1.3 on */
    } else if (t == l->t_stack) {
        return stack_frames(r, p, fn, ctx, why, whylen, bad_slot);
    } else if (t == l->t_arr_clean || t == l->t_arr_dirty) {
        uint64_t n = 0;
        if (abi_read_field(r, p, l->arr_ptrs, &n) < 0 || n > (1u << 28)) {
            snprintf(why, whylen, "cannot read the array's length");
            return -1;
        }
        for (uint64_t i = 0; i < n; i++) {
            snprintf(name, sizeof name, "payload[%" PRIu64 "]", i);
            if (!field(fn, ctx, r, p, p + l->arr_ptrs_hdr + 8 * i, name)) break;   /* the rest is unreadable too */
        }
    } else if (t == l->t_arr_words || t == l->t_dead_weak || t == l->t_whitehole) {
        /* no pointers */
    } else {
        uint64_t base = t == l->t_thunk ? p + l->thunk_hdr : p + 8;
        for (uint32_t i = 0; i < it->ptrs; i++) {
            snprintf(name, sizeof name, "payload[%u]", i);
            if (!field(fn, ctx, r, p, base + 8ull * i, name)) break;           /* the rest is unreadable too */
        }
    }
    return 0;
}

/* ---- generations, capabilities ---- */

uint32_t hw_n_generations(AbiReader *r)
{
    const AbiGlobal *g = abi_global(r, "RtsFlags");
    uint64_t n = 0;
    if (!g || abi_get(r, g->addr, "RTS_FLAGS", "generations", &n) < 0 || n == 0 || n > MAX_GENERATIONS) return 2;
    return (uint32_t)n;
}

uint64_t hw_generation(AbiReader *r, uint32_t g)
{
    uint64_t gens = 0;
    const AbiStruct *gs = abi_struct(r, "generation");
    if (!gs || dec_global_ptr(r, "generations", &gens) < 0 || !gens) return 0;
    return gens + (uint64_t)g * gs->size;
}

uint64_t hw_capability(AbiReader *r, uint32_t i, uint32_t *n)
{
    uint64_t caps = 0, ncaps = 0, cap = 0;
    if (dec_global_ptr(r, "capabilities", &caps) < 0 || dec_global_ptr(r, "n_capabilities", &ncaps) < 0 ||
        !caps || ncaps > MAX_CAPS) {
        *n = 0;
        return 0;
    }
    *n = (uint32_t)ncaps;
    if (i >= ncaps || abi_read(r, caps + 8ull * i, &cap, 8) < 0) return 0;
    return cap;
}

uint64_t hw_end_tso_queue(AbiReader *r)
{
    const AbiGlobal *g = abi_global(r, "stg_END_TSO_QUEUE_closure");
    return g ? g->addr : 0;
}

/* ---- blocks and chains ---- */

static int read_block(AbiReader *r, uint64_t bd, HwBlock *b)
{
    uint64_t v;
    b->bd = bd;
    if (abi_get(r, bd, "bdescr", "start", &b->start) < 0 || abi_get(r, bd, "bdescr", "free", &b->free) < 0 ||
        abi_get(r, bd, "bdescr", "link", &b->link) < 0)
        return -1;
    abi_get(r, bd, "bdescr", "u", &b->u);
    if (abi_get(r, bd, "bdescr", "blocks", &v) < 0) return -1;
    b->blocks = (uint32_t)v;
    if (abi_get(r, bd, "bdescr", "gen_no", &v) < 0) return -1;
    b->gen_no = (uint32_t)v;
    if (abi_get(r, bd, "bdescr", "flags", &v) < 0) return -1;
    b->flags = (uint32_t)v;
    return 0;
}

static void problemf(const HwVisitor *v, AbiReader *r, uint64_t obj, uint64_t slot, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void problemf(const HwVisitor *v, AbiReader *r, uint64_t obj, uint64_t slot, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (v->problem) v->problem(v->ctx, r, obj, slot, buf);
}

/* Every closure of one block, from start to free; stops at the first
 * object that cannot be sized (the rest of the block is unparseable). */
static bool walk_objects(AbiReader *r, const HwVisitor *v, const HwBlock *b)
{
    uint64_t end = b->free;
    for (uint64_t p = b->start; p < end;) {
        DecClosure c;
        char why[200];
        uint64_t words = 1;
        if (dec_closure(r, p, &c, why, sizeof why) < 0) {
            problemf(v, r, p, 0, "%s in %s; the rest of block 0x%" PRIx64 " is not walked", why, b->where, b->bd);
            return true;
        }
        AbiInfo it;
        if (c.forwarded) {
            /* a forwarding pointer: its size is the copy's */
            DecClosure to;
            bool sized = dec_closure(r, c.forward_to, &to, why, sizeof why) == 0 && !to.forwarded;
            if (sized) {
                it = *to.it;
                sized = hw_closure_size(r, c.forward_to, &it, &words, why, sizeof why) == 0;
            }
            if (!sized) {
                if (!v->object(v->ctx, r, b, &c, 0)) return false;
                problemf(v, r, p, 0, "forwarding pointer to 0x%" PRIx64 " whose size is unknown in %s; the rest of the block is not walked",
                         c.forward_to, b->where);
                return true;
            }
        } else {
            it = *c.it;
            c.it = &it;
            if (hw_closure_size(r, p, &it, &words, why, sizeof why) < 0) {
                problemf(v, r, p, 0, "%s; the rest of block 0x%" PRIx64 " is not walked", why, b->bd);
                return true;
            }
        }
        if (p + 8 * words > end) {
            if (!v->object(v->ctx, r, b, &c, words)) return false;
            problemf(v, r, p, 0, "object of %" PRIu64 " words runs past its block's free pointer", words);
            return true;
        }
        if (!v->object(v->ctx, r, b, &c, words)) return false;
        p += 8 * words;
    }
    return true;
}

/* One chain of blocks starting at bd, bounded; false when the visitor stopped. */
static bool walk_chain(AbiReader *r, const HwVisitor *v, uint64_t bd, int gen, int cap, bool large,
                       const char *where, long *count)
{
    uint64_t slow = bd;
    unsigned n = 0;
    while (bd) {
        HwBlock b = { .gen = gen, .cap = cap, .large = large, .where = where };
        if (read_block(r, bd, &b) < 0) {
            problemf(v, r, 0, 0, "cannot read block descriptor 0x%" PRIx64 " on %s", bd, where);
            return true;
        }
        (*count)++;
        if (v->block && !v->block(v->ctx, r, &b)) return false;
        bool sane = b.blocks > 0 && b.free >= b.start && b.free != UINT64_MAX &&
                    b.free - b.start <= ((uint64_t)b.blocks << r->block_shift);
        if (sane && v->object && !walk_objects(r, v, &b)) return false;
        bd = b.link;
        /* Floyd: the slow pointer moves every second block */
        if (++n % 2 == 0 && slow) {
            uint64_t next = 0;
            abi_get(r, slow, "bdescr", "link", &next);
            slow = next;
        }
        if ((bd && bd == slow) || n > MAX_CHAIN_BLOCKS) {
            problemf(v, r, 0, 0, "%s does not end (cycle)", where);
            return true;
        }
    }
    return true;
}

long hw_walk_heap(AbiReader *r, const HwVisitor *v)
{
    long count = 0;
    uint32_t ng = hw_n_generations(r);
    if (!hw_generation(r, 0)) return -1;
    static char where[MAX_GENERATIONS * 2 + MAX_CAPS][48];
    unsigned w = 0;
    for (uint32_t g = 0; g < ng; g++) {
        uint64_t gen = hw_generation(r, g), bd = 0, lo = 0;
        abi_get(r, gen, "generation", "blocks", &bd);
        abi_get(r, gen, "generation", "large_objects", &lo);
        snprintf(where[w], sizeof where[w], "the blocks of gen %u", g);
        if (!walk_chain(r, v, bd, (int)g, -1, false, where[w++], &count)) return count;
        snprintf(where[w], sizeof where[w], "the large objects of gen %u", g);
        if (!walk_chain(r, v, lo, (int)g, -1, true, where[w++], &count)) return count;
    }
    uint32_t ncaps = 0;
    hw_capability(r, 0, &ncaps);
    for (uint32_t i = 0; i < ncaps && w < sizeof where / sizeof where[0]; i++) {
        uint64_t cap = hw_capability(r, i, &ncaps), bd = 0;
        if (!cap || abi_get(r, cap, "Capability", "nursery_blocks", &bd) < 0) continue;
        snprintf(where[w], sizeof where[w], "the nursery of cap %u", i);
        if (!walk_chain(r, v, bd, -1, (int)i, false, where[w++], &count)) return count;
    }
    return count;
}
