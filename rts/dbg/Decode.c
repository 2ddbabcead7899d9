/* Decode.c — decoders and text printers for runtime structures (Decode.h).
 *
 * Everything here is driven by the ABI table: field offsets, constants and
 * info tables come from the AbiReader, never from a runtime header.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "Decode.h"
#include "rts/DebugAbi.h"

#define MAX_QUEUE 100000        /* bound on MVar queue walks */
#define MAX_THREADS 10000000    /* bound on thread-list walks */
#define MAX_MUTLIST_BLOCKS 1000000

void dec_printf(const DecodeOut *out, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out->emit(out->ctx, buf);
}

int dec_global_ptr(AbiReader *r, const char *name, uint64_t *out)
{
    const AbiGlobal *g = abi_global(r, name);
    if (!g || g->size == 0 || g->size > 8) return -ENOENT;
    *out = 0;
    return abi_read(r, g->addr, out, g->size);
}

static int global_field(AbiReader *r, const char *global, const char *strct, const char *field, uint64_t *out)
{
    const AbiGlobal *g = abi_global(r, global);
    if (!g) return -ENOENT;
    return abi_get(r, g->addr, strct, field, out);
}

static uint32_t n_generations(AbiReader *r)
{
    uint64_t g = 0;
    if (global_field(r, "RtsFlags", "RTS_FLAGS", "generations", &g) < 0 || g == 0 || g > 64) return 2;
    return (uint32_t)g;
}

static bool in_heap(AbiReader *r, uint64_t p)
{
    uint64_t lo = 0, hi = 0;
    if (dec_global_ptr(r, "mblock_address_space_begin", &lo) < 0 ||
        dec_global_ptr(r, "mblock_address_space_end", &hi) < 0)
        return false;
    return p >= lo && p < hi;
}

int dec_locate(AbiReader *r, uint64_t p, DecLocation *loc)
{
    memset(loc, 0, sizeof *loc);
    loc->heap = in_heap(r, p);
    if (!loc->heap) return 0;
    loc->bdescr = abi_bdescr(r, p);
    uint64_t gen_no, flags, free;
    if (abi_get(r, loc->bdescr, "bdescr", "gen_no", &gen_no) < 0 ||
        abi_get(r, loc->bdescr, "bdescr", "flags", &flags) < 0 ||
        abi_get(r, loc->bdescr, "bdescr", "free", &free) < 0)
        return -1;
    int64_t bf_free = 0, bf_nursery = 0;
    abi_constant(r, "block_flag", "BF_FREE", &bf_free);
    abi_constant(r, "block_flag", "BF_NURSERY", &bf_nursery);
    loc->gen_no = (uint32_t)gen_no;
    loc->flags = (uint32_t)flags;
    loc->valid_block = free != UINT64_MAX && !(bf_free && (flags & (uint64_t)bf_free));
    loc->nursery = bf_nursery && (flags & (uint64_t)bf_nursery);
    return 0;
}

const char *dec_gen_suffix(AbiReader *r, uint64_t p, char *buf, size_t len)
{
    DecLocation loc;
    if (dec_locate(r, p, &loc) < 0) snprintf(buf, len, "@?");
    else if (!loc.heap) snprintf(buf, len, "@static");
    else if (!loc.valid_block) snprintf(buf, len, "@free");
    else if (loc.nursery) snprintf(buf, len, "@n");
    else snprintf(buf, len, "@%u", loc.gen_no);
    return buf;
}

int dec_closure(AbiReader *r, uint64_t p, DecClosure *c, char *why, size_t whylen)
{
    memset(c, 0, sizeof *c);
    c->addr = p;
    if (p == 0 || (p & 7)) {
        snprintf(why, whylen, "0x%" PRIx64 " is not a closure pointer (misaligned or null)", p);
        return -1;
    }
    if (abi_read(r, p, &c->info, sizeof c->info) < 0) {
        snprintf(why, whylen, "cannot read closure at 0x%" PRIx64, p);
        return -1;
    }
    if (c->info == 0xaaaaaaaaaaaaaaaaULL) {
        snprintf(why, whylen, "0x%" PRIx64 " holds 0xaaaaaaaaaaaaaaaa: freed memory (dangling pointer)", p);
        return -1;
    }
    if (c->info & 1) {
        c->forwarded = true;
        c->forward_to = c->info - 1;
        return 0;
    }
    c->it = abi_info(r, c->info);
    if (!c->it) {
        snprintf(why, whylen, "0x%" PRIx64 " has header 0x%" PRIx64 ", which is not an info table", p, c->info);
        return -1;
    }
    c->type_name = abi_constant_name(r, "closure_type", c->it->type);
    if (!c->type_name) c->type_name = "?";
    return 0;
}

static const char *type_of(AbiReader *r, uint64_t p, char *buf, size_t len)
{
    DecClosure c;
    char why[160];
    if (dec_closure(r, p, &c, why, sizeof why) < 0) snprintf(buf, len, "bad");
    else if (c.forwarded) snprintf(buf, len, "forwarded to 0x%" PRIx64, c.forward_to);
    else snprintf(buf, len, "%s", c.it->name);
    return buf;
}

int dec_print_closure(AbiReader *r, uint64_t p, const DecodeOut *out)
{
    DecClosure c;
    char why[200], gen[16];
    if (dec_closure(r, p, &c, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    dec_gen_suffix(r, p, gen, sizeof gen);
    if (c.forwarded) {
        dec_printf(out, "0x%" PRIx64 "%s: forwarding pointer to 0x%" PRIx64 "\n", p, gen, c.forward_to);
        return 0;
    }
    dec_printf(out, "0x%" PRIx64 "%s: %s (%s), %u ptrs, %u nptrs\n", p, gen, c.it->name, c.type_name,
               c.it->ptrs, c.it->nptrs);
    /* payload words by the info table's layout (bounded) */
    uint32_t n = c.it->ptrs + c.it->nptrs;
    if (n > 16) n = 16;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t w;
        if (abi_read(r, p + 8 + 8 * (uint64_t)i, &w, 8) < 0) break;
        if (i < c.it->ptrs) {
            char t[96], g[16];
            dec_printf(out, "  payload[%u] = 0x%" PRIx64 "%s (%s)\n", i, w, dec_gen_suffix(r, w, g, sizeof g),
                       type_of(r, w, t, sizeof t));
        } else {
            dec_printf(out, "  payload[%u] = 0x%" PRIx64 " (non-pointer)\n", i, w);
        }
    }
    return 0;
}

static const char *why_blocked_name(AbiReader *r, uint64_t v)
{
    const char *n = abi_constant_name(r, "why_blocked", (int64_t)v);
    return n ? n : "?";
}

int dec_print_tso(AbiReader *r, uint64_t tso, const DecodeOut *out)
{
    DecClosure c;
    char why[200], gen[16];
    if (dec_closure(r, tso, &c, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    if (c.forwarded || strcmp(c.type_name, "TSO") != 0) {
        dec_printf(out, "0x%" PRIx64 " is not a TSO (%s)\n", tso, c.forwarded ? "forwarding pointer" : c.it->name);
        return -1;
    }
    uint64_t id = 0, wb = 0, wn = 0, bi = 0, link = 0, dirty = 0, cap = 0, capno = 0, stack = 0, flags = 0, since = 0;
    abi_get(r, tso, "StgTSO", "id", &id);
    abi_get(r, tso, "StgTSO", "why_blocked", &wb);
    abi_get(r, tso, "StgTSO", "what_next", &wn);
    abi_get(r, tso, "StgTSO", "block_info", &bi);
    abi_get(r, tso, "StgTSO", "_link", &link);
    abi_get(r, tso, "StgTSO", "dirty", &dirty);
    abi_get(r, tso, "StgTSO", "cap", &cap);
    abi_get(r, tso, "StgTSO", "stackobj", &stack);
    abi_get(r, tso, "StgTSO", "flags", &flags);
    abi_get(r, tso, "StgTSO", "blocked_since_ns", &since);
    if (cap) abi_get(r, cap, "Capability", "no", &capno);
    const char *wnn = abi_constant_name(r, "what_next", (int64_t)wn);
    dec_printf(out, "TSO 0x%" PRIx64 "%s: ThreadId %" PRIu64 ", cap %" PRIu64 ", what_next=%s, why_blocked=%s\n",
               tso, dec_gen_suffix(r, tso, gen, sizeof gen), id, capno, wnn ? wnn : "?", why_blocked_name(r, wb));
    char t[96], g1[16], g2[16], g3[16];
    dec_printf(out, "  block_info = 0x%" PRIx64 "%s (%s)\n", bi, dec_gen_suffix(r, bi, g1, sizeof g1),
               wb ? type_of(r, bi, t, sizeof t) : "-");
    dec_printf(out, "  _link = 0x%" PRIx64 "%s, stackobj = 0x%" PRIx64 "%s, dirty = %" PRIu64 ", flags = 0x%" PRIx64 "\n",
               link, dec_gen_suffix(r, link, g2, sizeof g2), stack, dec_gen_suffix(r, stack, g3, sizeof g3), dirty, flags);
    if (wb && since) dec_printf(out, "  blocked since %" PRIu64 " ns (monotonic)\n", since);
    return 0;
}

bool dec_on_mut_list(AbiReader *r, uint64_t obj, uint32_t gen)
{
    uint64_t caps = 0, ncaps = 0;
    if (dec_global_ptr(r, "capabilities", &caps) < 0 || dec_global_ptr(r, "n_capabilities", &ncaps) < 0)
        return false;
    if (ncaps > 256) return false;
    for (uint64_t i = 0; i < ncaps; i++) {
        uint64_t cap = 0, lists = 0, bd = 0;
        if (abi_read(r, caps + 8 * i, &cap, 8) < 0) continue;
        if (abi_get(r, cap, "Capability", "mut_lists", &lists) < 0 || !lists) continue;
        if (abi_read(r, lists + 8 * (uint64_t)gen, &bd, 8) < 0) continue;
        for (int nb = 0; bd && nb < MAX_MUTLIST_BLOCKS; nb++) {
            uint64_t start = 0, free = 0, link = 0;
            if (abi_get(r, bd, "bdescr", "start", &start) < 0 || abi_get(r, bd, "bdescr", "free", &free) < 0)
                break;
            if (free < start || free - start > (1u << 24)) break;
            for (uint64_t p = start; p < free; p += 8) {
                uint64_t e;
                if (abi_read(r, p, &e, 8) < 0) break;
                if (e == obj) return true;
            }
            if (abi_get(r, bd, "bdescr", "link", &link) < 0) break;
            bd = link;
        }
    }
    return false;
}

/* Generation of p for comparisons: nursery counts as 0; -1 when not in the heap. */
static int gen_of(AbiReader *r, uint64_t p)
{
    DecLocation loc;
    if (dec_locate(r, p, &loc) < 0 || !loc.heap) return -1;
    return (int)loc.gen_no;
}

int dec_print_mvar(AbiReader *r, uint64_t mvar, const DecodeOut *out)
{
    DecClosure c;
    char why[200], gen[16];
    if (dec_closure(r, mvar, &c, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    bool locked = !c.forwarded && strcmp(c.type_name, "WHITEHOLE") == 0;
    if (c.forwarded || (!locked && strncmp(c.type_name, "MVAR_", 5) != 0) ||
        (!locked && strcmp(c.type_name, "MVAR_TSO_QUEUE") == 0)) {
        dec_printf(out, "0x%" PRIx64 " is not an MVar (%s)\n", mvar, c.forwarded ? "forwarding pointer" : c.it->name);
        return -1;
    }
    bool clean = !locked && strcmp(c.type_name, "MVAR_CLEAN") == 0;
    uint64_t head = 0, tail = 0, value = 0, end = 0;
    abi_get(r, mvar, "StgMVar", "head", &head);
    abi_get(r, mvar, "StgMVar", "tail", &tail);
    abi_get(r, mvar, "StgMVar", "value", &value);
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    end = eg ? eg->addr : 0;
    int mgen = gen_of(r, mvar);
    dec_printf(out, "MVar 0x%" PRIx64 "%s: %s, %s\n", mvar, dec_gen_suffix(r, mvar, gen, sizeof gen),
               locked ? "LOCKED (WHITEHOLE)" : clean ? "CLEAN" : "DIRTY",
               value == end ? "empty" : "full");
    if (value != end) {
        char t[96], g[16];
        dec_printf(out, "  value = 0x%" PRIx64 "%s (%s)\n", value, dec_gen_suffix(r, value, g, sizeof g),
                   type_of(r, value, t, sizeof t));
    }
    /* the queue: 0x...@1 -> 0x...@0 -> END, walked with a bound and a
     * visited set so a corrupted queue can neither crash nor hang us */
    enum { Q_END, Q_CYCLE, Q_BAD, Q_TOO_LONG } state = Q_TOO_LONG;
    char line[1024];
    size_t used = (size_t)snprintf(line, sizeof line, "  queue: ");
    int problems = 0, n = 0;
    uint64_t q = head, last = 0;
    uint64_t *seen = malloc(MAX_QUEUE * sizeof *seen);
    if (!seen) return -1;
    why[0] = '\0';
    for (; n < MAX_QUEUE; n++) {
        if (q == end) { state = Q_END; break; }
        char g[16];
        dec_gen_suffix(r, q, g, sizeof g);
        if (used < sizeof line - 48)
            used += (size_t)snprintf(line + used, sizeof line - used, "0x%" PRIx64 "%s -> ", q, g);
        bool cycle = false;
        for (int i = 0; i < n && !cycle; i++) cycle = seen[i] == q;
        if (cycle) { state = Q_CYCLE; break; }
        seen[n] = q;
        DecClosure qc;
        if (dec_closure(r, q, &qc, why, sizeof why) < 0 || qc.forwarded ||
            strcmp(qc.type_name, "MVAR_TSO_QUEUE") != 0) {
            if (!why[0] || qc.forwarded || qc.it)
                snprintf(why, sizeof why, "%s", qc.forwarded ? "a forwarding pointer (stale after GC)" : qc.it ? qc.it->name : "unreadable");
            state = Q_BAD;
            break;
        }
        last = q;
        if (abi_get(r, q, "StgMVarTSOQueue", "link", &q) < 0) { state = Q_BAD; break; }
    }
    switch (state) {
    case Q_END:
        dec_printf(out, "%sEND\n", line);
        if (last && last != tail) {
            dec_printf(out, "  verdict: tail 0x%" PRIx64 " is not the last node 0x%" PRIx64 "\n", tail, last);
            problems++;
        }
        break;
    case Q_CYCLE:
        dec_printf(out, "%s(cycle)\n  verdict: the queue has a cycle at 0x%" PRIx64 "\n", line, q);
        problems++;
        break;
    case Q_BAD:
        dec_printf(out, "%s?\n  verdict: queue node 0x%" PRIx64 " is not an MVAR_TSO_QUEUE: %s\n", line, q, why);
        problems++;
        break;
    case Q_TOO_LONG:
        dec_printf(out, "%s...\n  verdict: queue longer than %d nodes\n", line, MAX_QUEUE);
        problems++;
        break;
    }
    /* each node's TSO */
    q = head;
    for (int i = 0; i < n && q != end; i++) {
        uint64_t tso = 0, wb = 0, bi = 0, id = 0, link = 0;
        char g[16], tg[16];
        abi_get(r, q, "StgMVarTSOQueue", "tso", &tso);
        abi_get(r, tso, "StgTSO", "why_blocked", &wb);
        abi_get(r, tso, "StgTSO", "block_info", &bi);
        abi_get(r, tso, "StgTSO", "id", &id);
        dec_printf(out, "    node 0x%" PRIx64 "%s: TSO 0x%" PRIx64 "%s ThreadId %" PRIu64 " %s\n", q,
                   dec_gen_suffix(r, q, g, sizeof g), tso, dec_gen_suffix(r, tso, tg, sizeof tg), id,
                   why_blocked_name(r, wb));
        const char *wbn = why_blocked_name(r, wb);
        if ((strcmp(wbn, "BlockedOnMVar") != 0 && strcmp(wbn, "BlockedOnMVarRead") != 0) || bi != mvar) {
            dec_printf(out, "  verdict: blocked mismatch: ThreadId %" PRIu64 " is queued on this MVar but why_blocked=%s, block_info=0x%" PRIx64 "\n",
                       id, wbn, bi);
            problems++;
        }
        if (abi_get(r, q, "StgMVarTSOQueue", "link", &link) < 0) break;
        q = link;
    }
    /* the write-barrier invariant: a CLEAN MVar in an old generation must
     * not point younger, and must not be on a mut list (walked once: the
     * walk reads every capability's remembered set) */
    bool on_mut_list = clean && mgen > 0 && dec_on_mut_list(r, mvar, (uint32_t)mgen);
    if (clean && mgen > 0 && !on_mut_list) {
        const char *fields[] = { "head", "tail", "value" };
        uint64_t vals[] = { head, tail, value };
        for (int i = 0; i < 3; i++) {
            int fg = gen_of(r, vals[i]);
            if (fg >= 0 && fg < mgen) {
                dec_printf(out, "  verdict: clean MVar in generation %d points at a generation-%d %s (%s = 0x%" PRIx64 ") and is not on a mut list: missing write barrier\n",
                           mgen, fg, i < 2 ? "queue node" : "value", fields[i], vals[i]);
                problems++;
            }
        }
    }
    if (on_mut_list) {
        dec_printf(out, "  verdict: MVAR_CLEAN on mutable list (an MVar on a mut list must be DIRTY)\n");
        problems++;
    }
    free(seen);
    return problems ? 1 : 0;
}

static void flags_string(AbiReader *r, uint64_t flags, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < r->n_constants; i++) {
        const AbiConstant *k = &r->constants[i];
        if (strcmp(k->group, "block_flag") != 0 || !k->value) continue;
        if ((flags & (uint64_t)k->value) == (uint64_t)k->value && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "|" : "", k->name);
    }
    if (!used) snprintf(buf, len, "0");
}

int dec_print_bdescr(AbiReader *r, uint64_t p, const DecodeOut *out)
{
    if (!in_heap(r, p)) {
        dec_printf(out, "0x%" PRIx64 " is not in the heap\n", p);
        return -1;
    }
    uint64_t bd = abi_bdescr(r, p);
    uint64_t start, free, link, gen_no, dest_no, flags, blocks;
    if (abi_get(r, bd, "bdescr", "start", &start) < 0 || abi_get(r, bd, "bdescr", "free", &free) < 0 ||
        abi_get(r, bd, "bdescr", "link", &link) < 0 || abi_get(r, bd, "bdescr", "gen_no", &gen_no) < 0 ||
        abi_get(r, bd, "bdescr", "dest_no", &dest_no) < 0 || abi_get(r, bd, "bdescr", "flags", &flags) < 0 ||
        abi_get(r, bd, "bdescr", "blocks", &blocks) < 0) {
        dec_printf(out, "cannot read the block descriptor 0x%" PRIx64 " of 0x%" PRIx64 "\n", bd, p);
        return -1;
    }
    char fl[200];
    flags_string(r, flags, fl, sizeof fl);
    int64_t bf_nursery = 0;
    abi_constant(r, "block_flag", "BF_NURSERY", &bf_nursery);
    bool nursery = bf_nursery && (flags & (uint64_t)bf_nursery);
    dec_printf(out, "bdescr 0x%" PRIx64 " for 0x%" PRIx64 ": start=0x%" PRIx64 " free=0x%" PRIx64 " link=0x%" PRIx64 "\n",
               bd, p, start, free, link);
    dec_printf(out, "  gen_no=%" PRIu64 " dest_no=%" PRIu64 " blocks=%" PRIu64 " flags=%s (%s)\n", gen_no, dest_no,
               blocks, fl, nursery ? "nursery" : gen_no == 0 ? "gen-0 aging block, not nursery" : "old generation");
    return 0;
}

int dec_print_gens(AbiReader *r, const DecodeOut *out)
{
    uint64_t gens = 0;
    if (dec_global_ptr(r, "generations", &gens) < 0 || !gens) {
        dec_printf(out, "generations are not set up (runtime not started?)\n");
        return -1;
    }
    const AbiStruct *gs = abi_struct(r, "generation");
    if (!gs) return -1;
    uint32_t ng = n_generations(r);
    for (uint32_t g = 0; g < ng; g++) {
        uint64_t gen = gens + (uint64_t)g * gs->size;
        uint64_t nb = 0, nlb = 0, coll = 0, pcoll = 0, maxb = 0, nw = 0;
        abi_get(r, gen, "generation", "n_blocks", &nb);
        abi_get(r, gen, "generation", "n_large_blocks", &nlb);
        abi_get(r, gen, "generation", "collections", &coll);
        abi_get(r, gen, "generation", "par_collections", &pcoll);
        abi_get(r, gen, "generation", "max_blocks", &maxb);
        abi_get(r, gen, "generation", "n_words", &nw);
        dec_printf(out, "gen %u: %" PRIu64 " blocks (%" PRIu64 " words), %" PRIu64 " large blocks, max %" PRIu64
                        " blocks, %" PRIu64 " collections (%" PRIu64 " parallel)\n",
                   g, nb, nw, nlb, maxb, coll, pcoll);
    }
    return 0;
}

int dec_for_each_thread(AbiReader *r, bool (*cb)(AbiReader *r, uint64_t tso, void *arg), void *arg)
{
    uint64_t gens = 0, end = 0;
    if (dec_global_ptr(r, "generations", &gens) < 0 || !gens) return -1;
    const AbiStruct *gs = abi_struct(r, "generation");
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    if (!gs || !eg) return -1;
    end = eg->addr;
    int visited = 0;
    uint32_t ng = n_generations(r);
    for (uint32_t g = 0; g < ng; g++) {
        uint64_t t = 0;
        if (abi_get(r, gens + (uint64_t)g * gs->size, "generation", "threads", &t) < 0) continue;
        for (int n = 0; t && t != end && n < MAX_THREADS; n++) {
            visited++;
            if (!cb(r, t, arg)) return visited;
            uint64_t next = 0;
            if (abi_get(r, t, "StgTSO", "global_link", &next) < 0) break;
            if (next == t) break;
            t = next;
        }
    }
    return visited;
}

static bool print_thread_line(AbiReader *r, uint64_t tso, void *arg)
{
    const DecodeOut *out = arg;
    uint64_t id = 0, wb = 0, bi = 0, cap = 0, capno = 0, wn = 0;
    char g[16], bg[16], t[96];
    abi_get(r, tso, "StgTSO", "id", &id);
    abi_get(r, tso, "StgTSO", "why_blocked", &wb);
    abi_get(r, tso, "StgTSO", "block_info", &bi);
    abi_get(r, tso, "StgTSO", "what_next", &wn);
    abi_get(r, tso, "StgTSO", "cap", &cap);
    if (cap) abi_get(r, cap, "Capability", "no", &capno);
    const char *wnn = abi_constant_name(r, "what_next", (int64_t)wn);
    if (wb)
        dec_printf(out, "ThreadId %-5" PRIu64 " TSO 0x%" PRIx64 "%s cap %" PRIu64 " %-16s on 0x%" PRIx64 "%s (%s)\n", id, tso,
                   dec_gen_suffix(r, tso, g, sizeof g), capno, why_blocked_name(r, wb), bi,
                   dec_gen_suffix(r, bi, bg, sizeof bg), type_of(r, bi, t, sizeof t));
    else
        dec_printf(out, "ThreadId %-5" PRIu64 " TSO 0x%" PRIx64 "%s cap %" PRIu64 " %s\n", id, tso,
                   dec_gen_suffix(r, tso, g, sizeof g), capno,
                   wnn && strcmp(wnn, "ThreadComplete") == 0 ? "finished" : "runnable");
    return true;
}

int dec_print_threads(AbiReader *r, const DecodeOut *out)
{
    int n = dec_for_each_thread(r, print_thread_line, (void *)out);
    if (n < 0) dec_printf(out, "no thread list (runtime not started?)\n");
    return n < 0 ? -1 : 0;
}
