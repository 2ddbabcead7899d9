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

uint32_t dec_n_generations(AbiReader *r)
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
    if (p == 0) snprintf(buf, len, "%s", "");      /* NULL lives nowhere */
    else if (dec_locate(r, p, &loc) < 0) snprintf(buf, len, "@?");
    else if (!loc.heap && abi_read(r, p, &(uint64_t){0}, 8) < 0) snprintf(buf, len, "@?");
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
    if (p == 0xaaaaaaaaaaaaaaaaULL) {
        snprintf(why, whylen, "0x%" PRIx64 " is not a closure pointer: it is the fill of freed memory (-DZ), "
                 "read from a dangling pointer", p);
        return -1;
    }
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
        /* a forwarding pointer points into the heap; anything else with the
         * low bit set is garbage (text scribbled over the object, say) */
        if (!in_heap(r, c->info - 1)) {
            snprintf(why, whylen, "0x%" PRIx64 " has header 0x%" PRIx64 ", which is not an info table "
                     "(nor a forwarding pointer into the heap)", p, c->info);
            return -1;
        }
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

const char *dec_type_of(AbiReader *r, uint64_t p, char *buf, size_t len)
{
    DecClosure c;
    char why[160];
    if (p == 0) snprintf(buf, len, "NULL");
    else if (dec_closure(r, p, &c, why, sizeof why) < 0) snprintf(buf, len, "bad");
    else if (c.forwarded) snprintf(buf, len, "forwarded to 0x%" PRIx64, c.forward_to);
    else snprintf(buf, len, "%s", c.it->name);
    return buf;
}

/* The closure type of p by name, or NULL (bad pointer, forwarded). */
static const char *closure_type_name(AbiReader *r, uint64_t p)
{
    DecClosure c;
    char why[160];
    if (dec_closure(r, p, &c, why, sizeof why) < 0 || c.forwarded) return NULL;
    return c.type_name;
}

/* The name of p's info table ("stg_MSG_BLACKHOLE_info"), or NULL: for
 * objects that share a closure type (messages are all PRIM). */
static const char *closure_info_name(AbiReader *r, uint64_t p)
{
    DecClosure c;
    char why[160];
    if (dec_closure(r, p, &c, why, sizeof why) < 0 || c.forwarded) return NULL;
    return c.it->name;
}

int dec_walk_list(AbiReader *r, uint64_t first, const char *strct, const char *link, uint64_t end,
                  int max, bool (*cb)(AbiReader *r, uint64_t p, void *arg), void *arg,
                  char *problem, size_t problen)
{
    if (problem && problen) problem[0] = '\0';
    const AbiField *lf = abi_field(r, strct, link);
    if (!lf) {
        if (problem) snprintf(problem, problen, "the ABI table has no %s.%s", strct, link);
        return 0;
    }
    DecCycle cyc = DEC_CYCLE_INIT;
    uint64_t p = first;
    int n = 0;
    while (p && p != end) {
        if (n >= max) {
            if (problem) snprintf(problem, problen, "stopped after %d entries (list too long or corrupt)", max);
            break;
        }
        if (dec_cycle_seen(&cyc, p)) {
            if (problem) snprintf(problem, problen, "the list has a cycle at 0x%" PRIx64, p);
            break;
        }
        DecClosure c;
        char why[200];
        if (dec_closure(r, p, &c, why, sizeof why) < 0) {
            if (problem) snprintf(problem, problen, "bad entry: %s", why);
            break;
        }
        n++;
        if (cb && !cb(r, p, arg)) break;
        uint64_t next = 0;
        if (abi_read_field(r, p, lf, &next) < 0) {
            if (problem) snprintf(problem, problen, "cannot read %s.%s of 0x%" PRIx64, strct, link, p);
            break;
        }
        p = next;
    }
    return n;
}

int dec_print_closure(AbiReader *r, uint64_t p, const DecodeOut *out)
{
    DecClosure c;
    char why[200];
    if (dec_closure(r, p, &c, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    dec_show_closure(r, &c, out);
    return 0;
}

void dec_show_closure(AbiReader *r, const DecClosure *c, const DecodeOut *out)
{
    const uint64_t p = c->addr;
    char gen[16];
    dec_gen_suffix(r, p, gen, sizeof gen);
    if (c->forwarded) {
        dec_printf(out, "0x%" PRIx64 "%s: forwarding pointer to 0x%" PRIx64 "\n", p, gen, c->forward_to);
        return;
    }
    dec_printf(out, "0x%" PRIx64 "%s: %s (%s), %u ptrs, %u nptrs\n", p, gen, c->it->name, c->type_name,
               c->it->ptrs, c->it->nptrs);
    /* payload words by the info table's layout (bounded) */
    uint32_t n = c->it->ptrs + c->it->nptrs;
    if (n > 16) n = 16;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t w;
        if (abi_read(r, p + 8 + 8 * (uint64_t)i, &w, 8) < 0) break;
        if (i < c->it->ptrs) {
            char t[96], g[16];
            dec_printf(out, "  payload[%u] = 0x%" PRIx64 "%s (%s)\n", i, w, dec_gen_suffix(r, w, g, sizeof g),
                       dec_type_of(r, w, t, sizeof t));
        } else {
            dec_printf(out, "  payload[%u] = 0x%" PRIx64 " (non-pointer)\n", i, w);
        }
    }
}

static const char *why_blocked_name(AbiReader *r, uint64_t v)
{
    const char *n = abi_constant_name(r, "why_blocked", (int64_t)v);
    return n ? n : "?";
}

/* ---- threads ---- */

int dec_tso(AbiReader *r, uint64_t p, DecTSO *t, char *why, size_t whylen)
{
    memset(t, 0, sizeof *t);
    t->addr = p;
    DecClosure c;
    if (dec_closure(r, p, &c, why, whylen) < 0) return -1;
    if (c.forwarded || strcmp(c.type_name, "TSO") != 0) {
        snprintf(why, whylen, "0x%" PRIx64 " is not a TSO (%s)", p,
                 c.forwarded ? "forwarding pointer" : c.it->name);
        return -1;
    }
    AbiObject o;
    abi_load(r, p, "StgTSO", &o);
    abi_obj_get(&o, "id", &t->id);
    abi_obj_get(&o, "what_next", &t->what_next);
    abi_obj_get(&o, "why_blocked", &t->why_blocked);
    abi_obj_get(&o, "flags", &t->flags);
    abi_obj_get(&o, "dirty", &t->dirty);
    abi_obj_get(&o, "saved_errno", &t->saved_errno);
    abi_obj_get(&o, "block_info", &t->block_info);
    abi_obj_get(&o, "_link", &t->link);
    abi_obj_get(&o, "global_link", &t->global_link);
    abi_obj_get(&o, "stackobj", &t->stackobj);
    abi_obj_get(&o, "bq", &t->bq);
    abi_obj_get(&o, "mvar_value", &t->mvar_value);
    abi_obj_get(&o, "cap", &t->cap);
    abi_obj_get(&o, "ctx", &t->ctx);
    abi_obj_get(&o, "blocked_since_ns", &t->blocked_since_ns);
    abi_obj_get(&o, "tot_stack_size", &t->tot_stack_size);
    uint64_t no = 0;
    t->cap_no = t->cap && abi_get(r, t->cap, "Capability", "no", &no) == 0 ? (int64_t)no : -1;
    t->what_next_name = abi_constant_name(r, "what_next", (int64_t)t->what_next);
    if (!t->what_next_name) t->what_next_name = "?";
    t->why_blocked_name = why_blocked_name(r, t->why_blocked);
    return 0;
}

static bool is_blocked_on_mvar(const DecTSO *t)
{
    return strcmp(t->why_blocked_name, "BlockedOnMVar") == 0 ||
           strcmp(t->why_blocked_name, "BlockedOnMVarRead") == 0;
}

/* Note [Decoding a blackhole's owner]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A thread blocked on a blackhole has in block_info either the blackhole
 * itself or, as in GHC, the MSG_BLACKHOLE it sent (whose bh field is the
 * blackhole).  The blackhole's indirectee is its owner: the TSO evaluating
 * the thunk, or a BLOCKING_QUEUE whose owner field is that TSO.  Anything
 * else means the thunk has been updated meanwhile.
 */
void dec_blocked_on(AbiReader *r, const DecTSO *t, DecBlockedOn *b)
{
    memset(b, 0, sizeof *b);
    b->closure = t->block_info;
    dec_type_of(r, t->block_info, b->type, sizeof b->type);
    dec_gen_suffix(r, t->block_info, b->gen, sizeof b->gen);
    const char *ct = closure_type_name(r, t->block_info);
    if (!ct) return;
    if (strcmp(ct, "MVAR_CLEAN") == 0 || strcmp(ct, "MVAR_DIRTY") == 0 ||
        (strcmp(ct, "WHITEHOLE") == 0 && is_blocked_on_mvar(t))) {
        b->is_mvar = true;
        b->mvar_state = ct[0] == 'W' ? "LOCKED" : ct[5] == 'C' ? "CLEAN" : "DIRTY";
        return;
    }
    /* See Note [Decoding a blackhole's owner] */
    uint64_t bh = t->block_info;
    const char *in = closure_info_name(r, bh);
    if (in && strcmp(in, "stg_MSG_BLACKHOLE_info") == 0 && abi_get(r, bh, "MessageBlackHole", "bh", &bh) < 0) return;
    const char *bt = closure_type_name(r, bh);
    if (!bt || !strstr(bt, "BLACKHOLE")) return;
    b->blackhole = bh;
    uint64_t ind = 0, owner = 0;
    if (abi_get(r, bh, "StgInd", "indirectee", &ind) < 0) return;
    const char *it = closure_info_name(r, ind);
    if (it && strcmp(it, "stg_TSO_info") == 0) owner = ind;
    else if (it && strncmp(it, "stg_BLOCKING_QUEUE", 18) == 0) abi_get(r, ind, "StgBlockingQueue", "owner", &owner);
    DecTSO o;
    char why[160];
    if (owner && dec_tso(r, owner, &o, why, sizeof why) == 0) {
        b->owner = owner;
        b->owner_id = o.id;
    }
}

static void verdict(DecVerdicts *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void verdict(DecVerdicts *v, const char *fmt, ...)
{
    if (v->n >= DEC_MAX_VERDICTS) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->text[v->n++], sizeof v->text[0], fmt, ap);
    va_end(ap);
}

/* Is tso queued on the MVar m?  0 no, 1 yes, -1 the queue is unreadable. */
static int mvar_queue_has(AbiReader *r, uint64_t m, uint64_t tso)
{
    DecMVar mv;
    char why[200];
    if (dec_mvar(r, m, &mv, why, sizeof why) < 0) return -1;
    int found = 0;
    for (uint32_t i = 0; i < mv.n_nodes && i < DEC_MVAR_MAX_NODES; i++)
        if (mv.nodes[i].tso == tso) found = 1;
    dec_mvar_free(&mv);
    return found;
}

struct other_mvars {
    const DecTSO *me;
    uint64_t mvars[256];
    int n;
};

static bool collect_other_mvars(AbiReader *r, uint64_t tso, void *arg)
{
    struct other_mvars *om = arg;
    DecTSO t;
    char why[160];
    if (tso == om->me->addr || dec_tso(r, tso, &t, why, sizeof why) < 0 || !is_blocked_on_mvar(&t) ||
        t.block_info == om->me->block_info)
        return true;
    for (int i = 0; i < om->n; i++)
        if (om->mvars[i] == t.block_info) return true;
    if (om->n < (int)(sizeof om->mvars / sizeof om->mvars[0])) om->mvars[om->n++] = t.block_info;
    return om->n < (int)(sizeof om->mvars / sizeof om->mvars[0]);
}

int dec_tso_verdicts(AbiReader *r, const DecTSO *t, DecVerdicts *v)
{
    memset(v, 0, sizeof *v);
    DecBlockedOn b;
    dec_blocked_on(r, t, &b);
    if (is_blocked_on_mvar(t)) {
        if (!b.is_mvar)
            verdict(v, "why_blocked=%s but block_info 0x%" PRIx64 " is not an MVar (%s)",
                    t->why_blocked_name, t->block_info, b.type);
        else if (mvar_queue_has(r, t->block_info, t->addr) == 0)
            verdict(v, "why_blocked=%s but ThreadId %" PRIu64 " is not in the queue of MVar 0x%" PRIx64,
                    t->why_blocked_name, t->id, t->block_info);
    }
    /* queued on some other MVar than block_info says (the MVars the other
     * blocked threads wait on are the ones we can find without a heap walk) */
    struct other_mvars om = { .me = t };
    dec_for_each_thread(r, collect_other_mvars, &om);
    for (int i = 0; i < om.n; i++)
        if (mvar_queue_has(r, om.mvars[i], t->addr) == 1)
            verdict(v, "ThreadId %" PRIu64 " is queued on MVar 0x%" PRIx64 " but its block_info is 0x%" PRIx64
                       " (why_blocked=%s)", t->id, om.mvars[i], t->block_info, t->why_blocked_name);
    return v->n;
}

const char *dec_blocked_for(uint64_t since_ns, uint64_t now_ns, char *buf, size_t len)
{
    if (!since_ns) snprintf(buf, len, "since an unknown time");
    else if (!now_ns) snprintf(buf, len, "since %" PRIu64 " ns (monotonic)", since_ns);
    else if (now_ns < since_ns) snprintf(buf, len, "since %" PRIu64 " ns (monotonic, after now?)", since_ns);
    else {
        double d = (double)(now_ns - since_ns) / 1e9;
        if (d >= 1.0) snprintf(buf, len, "for %.1f s", d);
        else if (d >= 1e-3) snprintf(buf, len, "for %.0f ms", d * 1e3);
        else snprintf(buf, len, "for %.0f us", d * 1e6);
    }
    return buf;
}

void dec_show_tso(AbiReader *r, const DecTSO *t, const DecVerdicts *v, const DecodeOut *out, uint64_t now_ns)
{
    char gen[16], g2[16], g3[16], g4[16];
    dec_printf(out, "TSO 0x%" PRIx64 "%s: ThreadId %" PRIu64 ", cap %" PRId64 ", what_next=%s, why_blocked=%s\n",
               t->addr, dec_gen_suffix(r, t->addr, gen, sizeof gen), t->id, t->cap_no, t->what_next_name,
               t->why_blocked_name);
    DecBlockedOn b;
    dec_blocked_on(r, t, &b);
    if (!t->why_blocked)
        dec_printf(out, "  block_info = 0x%" PRIx64 "%s (-)\n", t->block_info, b.gen);
    else if (b.is_mvar)
        dec_printf(out, "  block_info = 0x%" PRIx64 "%s (%s, %s)\n", t->block_info, b.gen, b.type, b.mvar_state);
    else if (b.blackhole && b.owner)
        dec_printf(out, "  block_info = 0x%" PRIx64 "%s (%s): blackhole 0x%" PRIx64 " owned by ThreadId %" PRIu64
                        " (TSO 0x%" PRIx64 ")\n", t->block_info, b.gen, b.type, b.blackhole, b.owner_id, b.owner);
    else
        dec_printf(out, "  block_info = 0x%" PRIx64 "%s (%s)\n", t->block_info, b.gen, b.type);
    dec_printf(out, "  _link = 0x%" PRIx64 "%s, stackobj = 0x%" PRIx64 "%s, dirty = %" PRIu64 ", flags = 0x%" PRIx64 "\n",
               t->link, dec_gen_suffix(r, t->link, g2, sizeof g2), t->stackobj,
               dec_gen_suffix(r, t->stackobj, g3, sizeof g3), t->dirty, t->flags);
    dec_printf(out, "  global_link = 0x%" PRIx64 "%s, bq = 0x%" PRIx64 ", cap = 0x%" PRIx64 ", ctx = 0x%" PRIx64
                    ", saved_errno = %" PRIu64 ", tot_stack_size = %" PRIu64 "\n",
               t->global_link, dec_gen_suffix(r, t->global_link, g4, sizeof g4), t->bq, t->cap, t->ctx,
               t->saved_errno, t->tot_stack_size);
    if (t->why_blocked && t->blocked_since_ns) {
        char f[64];
        dec_printf(out, "  blocked %s\n", dec_blocked_for(t->blocked_since_ns, now_ns, f, sizeof f));
    }
    for (int i = 0; v && i < v->n; i++) dec_printf(out, "  verdict: %s\n", v->text[i]);
}

int dec_print_tso_at(AbiReader *r, uint64_t tso, const DecodeOut *out, uint64_t now_ns)
{
    DecTSO t;
    char why[200];
    if (dec_tso(r, tso, &t, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    DecVerdicts v;
    dec_tso_verdicts(r, &t, &v);
    dec_show_tso(r, &t, &v, out, now_ns);
    return v.n ? 1 : 0;
}

int dec_print_tso(AbiReader *r, uint64_t tso, const DecodeOut *out)
{
    return dec_print_tso_at(r, tso, out, 0);
}

/* ---- capabilities and mut lists ---- */

uint32_t dec_n_capabilities(AbiReader *r)
{
    uint64_t n = 0;
    if (dec_global_ptr(r, "n_capabilities", &n) < 0 || n > 256) return 0;
    return (uint32_t)n;
}

int dec_cap(AbiReader *r, uint32_t i, DecCap *c)
{
    memset(c, 0, sizeof *c);
    c->index = i;
    uint64_t caps = 0;
    if (i >= dec_n_capabilities(r) || dec_global_ptr(r, "capabilities", &caps) < 0 || !caps ||
        abi_read(r, caps + 8 * (uint64_t)i, &c->addr, 8) < 0 || !c->addr)
        return -1;
    AbiObject o;
    abi_load(r, c->addr, "Capability", &o);
    if (abi_obj_get(&o, "no", &c->no) < 0) return -1;
    abi_obj_get(&o, "n_run_queue", &c->n_run_queue);
    abi_obj_get(&o, "run_queue_hd", &c->run_queue_hd);
    abi_obj_get(&o, "current_tso", &c->current_tso);
    abi_obj_get(&o, "total_allocated", &c->total_allocated);
    abi_obj_get(&o, "n_nursery_blocks", &c->n_nursery_blocks);
    abi_obj_get(&o, "weak_ptr_list_hd", &c->weak_ptr_list_hd);
    return 0;
}

int dec_for_each_mut_entry(AbiReader *r, uint32_t cap, uint32_t gen,
                           bool (*cb)(AbiReader *r, const DecMutEntry *e, void *arg), void *arg,
                           uint64_t *bad_block)
{
    DecCap c;
    uint64_t lists = 0, bd = 0;
    if (bad_block) *bad_block = 0;
    if (gen >= dec_n_generations(r) || dec_cap(r, cap, &c) < 0) return -1;
    if (abi_get(r, c.addr, "Capability", "mut_lists", &lists) < 0 || !lists) return -1;
    if (abi_read(r, lists + 8 * (uint64_t)gen, &bd, 8) < 0) return -1;
    DecMutEntry e = { .cap = cap, .gen = gen };
    int n = 0, nb = 0;
    DecCycle cyc = DEC_CYCLE_INIT;
    for (; bd && nb < MAX_MUTLIST_BLOCKS; nb++) {
        if (dec_cycle_seen(&cyc, bd)) {
            if (bad_block) *bad_block = bd;
            return n;
        }
        AbiObject o;
        uint64_t start = 0, free = 0, link = 0;
        abi_load(r, bd, "bdescr", &o);
        if (abi_obj_get(&o, "start", &start) < 0 || abi_obj_get(&o, "free", &free) < 0
            || free < start || free - start > (1u << 24)) {
            if (bad_block) *bad_block = bd;
            break;
        }
        for (e.slot = start; e.slot < free; e.slot += 8) {
            if (abi_read(r, e.slot, &e.entry, 8) < 0) break;
            n++;
            if (!cb(r, &e, arg)) return n;
        }
        if (abi_obj_get(&o, "link", &link) < 0) break;
        bd = link;
    }
    if (bd && nb == MAX_MUTLIST_BLOCKS && bad_block) *bad_block = bd;
    return n;
}

static bool mut_entry_is(AbiReader *r, const DecMutEntry *e, void *arg)
{
    (void)r;
    uint64_t *want = arg;
    if (e->entry != want[0]) return true;
    want[1] = 1;
    return false;
}

bool dec_on_mut_list(AbiReader *r, uint64_t obj, uint32_t gen)
{
    uint32_t ncaps = dec_n_capabilities(r);
    for (uint32_t i = 0; i < ncaps; i++) {
        uint64_t want[2] = { obj, 0 };
        dec_for_each_mut_entry(r, i, gen, mut_entry_is, want, NULL);
        if (want[1]) return true;
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

/* ---- MVars ---- */

void dec_mvar_free(DecMVar *m)
{
    free(m->nodes);
    m->nodes = NULL;
}

/* Walk the queue from head: bounded, with a visited set so a corrupted
 * queue can neither crash nor hang us. */
static void mvar_walk_queue(AbiReader *r, DecMVar *m)
{
    m->queue_end = DEC_QUEUE_TOO_LONG;
    uint64_t q = m->head, last = 0;
    uint32_t n = 0;
    for (; n < MAX_QUEUE; n++) {
        if (q == m->end) { m->queue_end = DEC_QUEUE_END; break; }
        bool cycle = false;
        for (uint32_t i = 0; i < n && i < DEC_MVAR_MAX_NODES && !cycle; i++) cycle = m->nodes[i].node == q;
        if (cycle) { m->queue_end = DEC_QUEUE_CYCLE; m->bad_node = q; break; }
        DecClosure qc;
        char why[200] = "";
        if (dec_closure(r, q, &qc, why, sizeof why) < 0 || qc.forwarded ||
            strcmp(qc.type_name, "MVAR_TSO_QUEUE") != 0) {
            snprintf(m->bad_why, sizeof m->bad_why, "%s",
                     qc.forwarded ? "a forwarding pointer (stale after GC)" : qc.it ? qc.it->name : why);
            m->queue_end = DEC_QUEUE_BAD;
            m->bad_node = q;
            break;
        }
        if (n < DEC_MVAR_MAX_NODES) {
            DecMVarNode *nd = &m->nodes[n];
            nd->node = q;
            dec_gen_suffix(r, q, nd->node_gen, sizeof nd->node_gen);
            abi_get(r, q, "StgMVarTSOQueue", "tso", &nd->tso);
            abi_get(r, nd->tso, "StgTSO", "why_blocked", &nd->why_blocked);
            abi_get(r, nd->tso, "StgTSO", "block_info", &nd->block_info);
            abi_get(r, nd->tso, "StgTSO", "id", &nd->tso_id);
            dec_gen_suffix(r, nd->tso, nd->tso_gen, sizeof nd->tso_gen);
            nd->why_blocked_name = why_blocked_name(r, nd->why_blocked);
        }
        last = q;
        if (abi_get(r, q, "StgMVarTSOQueue", "link", &q) < 0) {
            snprintf(m->bad_why, sizeof m->bad_why, "its link is unreadable");
            m->queue_end = DEC_QUEUE_BAD;
            m->bad_node = last;
            n++;
            break;
        }
    }
    m->n_nodes = n;
    switch (m->queue_end) {
    case DEC_QUEUE_END:
        if (last && last != m->tail)
            verdict(&m->verdicts, "tail 0x%" PRIx64 " is not the last node 0x%" PRIx64, m->tail, last);
        if (!last && m->tail != m->end)
            verdict(&m->verdicts, "the queue is empty but tail is 0x%" PRIx64, m->tail);
        break;
    case DEC_QUEUE_CYCLE:
        verdict(&m->verdicts, "the queue has a cycle at 0x%" PRIx64, m->bad_node);
        break;
    case DEC_QUEUE_BAD:
        verdict(&m->verdicts, "queue node 0x%" PRIx64 " is not an MVAR_TSO_QUEUE: %s", m->bad_node, m->bad_why);
        break;
    case DEC_QUEUE_TOO_LONG:
        verdict(&m->verdicts, "queue longer than %d nodes", MAX_QUEUE);
        break;
    }
}

/* Note [The MVar write-barrier verdict]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A CLEAN MVar in an old generation promises the GC that it points at
 * nothing younger; when it must (after putMVar/takeMVar pops a node) it is
 * dirtied and put on its capability's mut list.  A clean MVar in gen g > 0
 * pointing at a younger head/tail/value that is not on a mut list is the
 * missing write barrier of GHC #18919: the next minor GC will not scavenge
 * it, and its pointer dangles.  An MVar on a mut list must be DIRTY.  The
 * mut lists are walked once (they are every capability's remembered set).
 */
int dec_mvar(AbiReader *r, uint64_t p, DecMVar *m, char *why, size_t whylen)
{
    memset(m, 0, sizeof *m);
    m->addr = p;
    DecClosure c;
    if (dec_closure(r, p, &c, why, whylen) < 0) return -1;
    m->locked = !c.forwarded && strcmp(c.type_name, "WHITEHOLE") == 0;
    if (c.forwarded || (!m->locked && strncmp(c.type_name, "MVAR_", 5) != 0) ||
        (!m->locked && strcmp(c.type_name, "MVAR_TSO_QUEUE") == 0)) {
        snprintf(why, whylen, "0x%" PRIx64 " is not an MVar (%s)", p, c.forwarded ? "forwarding pointer" : c.it->name);
        return -1;
    }
    m->nodes = calloc(DEC_MVAR_MAX_NODES, sizeof *m->nodes);
    if (!m->nodes) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    m->clean = !m->locked && strcmp(c.type_name, "MVAR_CLEAN") == 0;
    m->state = m->locked ? "LOCKED (WHITEHOLE)" : m->clean ? "CLEAN" : "DIRTY";
    AbiObject o;
    abi_load(r, p, "StgMVar", &o);
    abi_obj_get(&o, "head", &m->head);
    abi_obj_get(&o, "tail", &m->tail);
    abi_obj_get(&o, "value", &m->value);
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    m->end = eg ? eg->addr : 0;
    m->full = m->value != m->end;
    m->gen_no = gen_of(r, p);
    dec_gen_suffix(r, p, m->gen, sizeof m->gen);
    if (m->full) {
        dec_type_of(r, m->value, m->value_type, sizeof m->value_type);
        dec_gen_suffix(r, m->value, m->value_gen, sizeof m->value_gen);
    }
    mvar_walk_queue(r, m);
    for (uint32_t i = 0; i < m->n_nodes && i < DEC_MVAR_MAX_NODES; i++) {
        const DecMVarNode *nd = &m->nodes[i];
        if (!nd->node) break;
        const char *wbn = nd->why_blocked_name;
        if ((strcmp(wbn, "BlockedOnMVar") != 0 && strcmp(wbn, "BlockedOnMVarRead") != 0) || nd->block_info != p)
            verdict(&m->verdicts, "blocked mismatch: ThreadId %" PRIu64 " is queued on this MVar but why_blocked=%s, block_info=0x%" PRIx64,
                    nd->tso_id, wbn, nd->block_info);
    }
    /* See Note [The MVar write-barrier verdict] */
    bool on_mut_list = m->clean && m->gen_no > 0 && dec_on_mut_list(r, p, (uint32_t)m->gen_no);
    if (m->clean && m->gen_no > 0 && !on_mut_list) {
        const char *fields[] = { "head", "tail", "value" };
        uint64_t vals[] = { m->head, m->tail, m->value };
        for (int i = 0; i < 3; i++) {
            int fg = gen_of(r, vals[i]);
            if (fg >= 0 && fg < m->gen_no)
                verdict(&m->verdicts, "clean MVar in generation %d points at a generation-%d %s (%s = 0x%" PRIx64 ") and is not on a mut list: missing write barrier",
                        m->gen_no, fg, i < 2 ? "queue node" : "value", fields[i], vals[i]);
        }
    }
    if (on_mut_list)
        verdict(&m->verdicts, "MVAR_CLEAN on mutable list (an MVar on a mut list must be DIRTY)");
    return 0;
}

void dec_show_mvar(AbiReader *r, const DecMVar *m, const DecodeOut *out)
{
    dec_printf(out, "MVar 0x%" PRIx64 "%s: %s, %s\n", m->addr, m->gen, m->state, m->full ? "full" : "empty");
    if (m->full) dec_printf(out, "  value = 0x%" PRIx64 "%s (%s)\n", m->value, m->value_gen, m->value_type);
    dec_printf(out, "  head = 0x%" PRIx64 ", tail = 0x%" PRIx64 "\n", m->head, m->tail);
    /* the queue on one line: 0x...@1 -> 0x...@0 -> END */
    char line[1024];
    size_t used = (size_t)snprintf(line, sizeof line, "  queue: ");
    uint32_t shown = m->n_nodes < DEC_MVAR_MAX_NODES ? m->n_nodes : DEC_MVAR_MAX_NODES;
    bool cut = false;
    for (uint32_t i = 0; i < shown && m->nodes[i].node; i++) {
        if (used >= sizeof line - 48) { cut = true; break; }
        used += (size_t)snprintf(line + used, sizeof line - used, "0x%" PRIx64 "%s -> ", m->nodes[i].node,
                                 m->nodes[i].node_gen);
    }
    if ((m->queue_end == DEC_QUEUE_BAD || m->queue_end == DEC_QUEUE_CYCLE) && !cut) {
        char g[16];
        used += (size_t)snprintf(line + used, sizeof line - used, "0x%" PRIx64 "%s -> ", m->bad_node,
                                 dec_gen_suffix(r, m->bad_node, g, sizeof g));
    }
    const char *end = m->queue_end == DEC_QUEUE_END ? "END" : m->queue_end == DEC_QUEUE_CYCLE ? "(cycle)"
                    : m->queue_end == DEC_QUEUE_BAD ? "?" : "...";
    dec_printf(out, "%s%s%s\n", line, cut ? "... -> " : "", end);
    for (uint32_t i = 0; i < shown && m->nodes[i].node; i++) {
        const DecMVarNode *nd = &m->nodes[i];
        dec_printf(out, "    node 0x%" PRIx64 "%s: TSO 0x%" PRIx64 "%s ThreadId %" PRIu64 " %s\n", nd->node,
                   nd->node_gen, nd->tso, nd->tso_gen, nd->tso_id, nd->why_blocked_name);
    }
    for (int i = 0; i < m->verdicts.n; i++) dec_printf(out, "  verdict: %s\n", m->verdicts.text[i]);
}

int dec_print_mvar(AbiReader *r, uint64_t mvar, const DecodeOut *out)
{
    DecMVar m;
    char why[200];
    if (dec_mvar(r, mvar, &m, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    dec_show_mvar(r, &m, out);
    int problems = m.verdicts.n;
    dec_mvar_free(&m);
    return problems ? 1 : 0;
}

/* ---- blocks and generations ---- */

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

int dec_bdescr(AbiReader *r, uint64_t p, DecBdescr *b, char *why, size_t whylen)
{
    memset(b, 0, sizeof *b);
    if (!in_heap(r, p)) {
        snprintf(why, whylen, "0x%" PRIx64 " is not in the heap", p);
        return -1;
    }
    b->bd = abi_bdescr(r, p);
    AbiObject o;
    abi_load(r, b->bd, "bdescr", &o);
    if (abi_obj_get(&o, "start", &b->start) < 0 || abi_obj_get(&o, "free", &b->free) < 0 ||
        abi_obj_get(&o, "link", &b->link) < 0 || abi_obj_get(&o, "gen_no", &b->gen_no) < 0 ||
        abi_obj_get(&o, "dest_no", &b->dest_no) < 0 || abi_obj_get(&o, "flags", &b->flags) < 0 ||
        abi_obj_get(&o, "blocks", &b->blocks) < 0) {
        snprintf(why, whylen, "cannot read the block descriptor 0x%" PRIx64 " of 0x%" PRIx64, b->bd, p);
        return -1;
    }
    flags_string(r, b->flags, b->flag_names, sizeof b->flag_names);
    int64_t bf_nursery = 0;
    abi_constant(r, "block_flag", "BF_NURSERY", &bf_nursery);
    b->nursery = bf_nursery && (b->flags & (uint64_t)bf_nursery);
    b->kind = b->nursery ? "nursery" : b->gen_no == 0 ? "gen-0 aging block, not nursery" : "old generation";
    return 0;
}

void dec_show_bdescr(const DecBdescr *b, uint64_t p, const DecodeOut *out)
{
    dec_printf(out, "bdescr 0x%" PRIx64 " for 0x%" PRIx64 ": start=0x%" PRIx64 " free=0x%" PRIx64 " link=0x%" PRIx64 "\n",
               b->bd, p, b->start, b->free, b->link);
    dec_printf(out, "  gen_no=%" PRIu64 " dest_no=%" PRIu64 " blocks=%" PRIu64 " flags=%s (%s)\n", b->gen_no,
               b->dest_no, b->blocks, b->flag_names, b->kind);
}

int dec_print_bdescr(AbiReader *r, uint64_t p, const DecodeOut *out)
{
    DecBdescr b;
    char why[200];
    if (dec_bdescr(r, p, &b, why, sizeof why) < 0) {
        dec_printf(out, "%s\n", why);
        return -1;
    }
    dec_show_bdescr(&b, p, out);
    return 0;
}

int dec_gen(AbiReader *r, uint32_t g, DecGen *gen)
{
    memset(gen, 0, sizeof *gen);
    gen->no = g;
    uint64_t gens = 0;
    const AbiStruct *gs = abi_struct(r, "generation");
    if (!gs || g >= dec_n_generations(r) || dec_global_ptr(r, "generations", &gens) < 0 || !gens) return -1;
    gen->addr = gens + (uint64_t)g * gs->size;
    AbiObject o;
    abi_load(r, gen->addr, "generation", &o);
    if (abi_obj_get(&o, "n_blocks", &gen->n_blocks) < 0) return -1;
    abi_obj_get(&o, "n_words", &gen->n_words);
    abi_obj_get(&o, "n_large_blocks", &gen->n_large_blocks);
    abi_obj_get(&o, "max_blocks", &gen->max_blocks);
    abi_obj_get(&o, "collections", &gen->collections);
    abi_obj_get(&o, "par_collections", &gen->par_collections);
    abi_obj_get(&o, "threads", &gen->threads);
    abi_obj_get(&o, "weak_ptr_list", &gen->weak_ptr_list);
    return 0;
}

int dec_print_gens(AbiReader *r, const DecodeOut *out)
{
    uint64_t gens = 0;
    if (dec_global_ptr(r, "generations", &gens) < 0 || !gens) {
        dec_printf(out, "generations are not set up (runtime not started?)\n");
        return -1;
    }
    uint32_t ng = dec_n_generations(r);
    for (uint32_t g = 0; g < ng; g++) {
        DecGen d;
        if (dec_gen(r, g, &d) < 0) {
            dec_printf(out, "gen %u: unreadable\n", g);
            continue;
        }
        dec_printf(out, "gen %u: %" PRIu64 " blocks (%" PRIu64 " words), %" PRIu64 " large blocks, max %" PRIu64
                        " blocks, %" PRIu64 " collections (%" PRIu64 " parallel)\n",
                   g, d.n_blocks, d.n_words, d.n_large_blocks, d.max_blocks, d.collections, d.par_collections);
    }
    return 0;
}

/* ---- weak pointers ---- */

int dec_weak(AbiReader *r, uint64_t p, DecWeak *w, char *why, size_t whylen)
{
    memset(w, 0, sizeof *w);
    w->addr = p;
    DecClosure c;
    if (dec_closure(r, p, &c, why, whylen) < 0) return -1;
    if (c.forwarded || (strcmp(c.type_name, "WEAK") != 0 && strcmp(c.type_name, "DEAD_WEAK") != 0)) {
        snprintf(why, whylen, "0x%" PRIx64 " is not a WEAK (%s)", p, c.forwarded ? "forwarding pointer" : c.it->name);
        return -1;
    }
    w->dead = strcmp(c.type_name, "DEAD_WEAK") == 0;
    AbiObject o;
    abi_load(r, p, "StgWeak", &o);
    abi_obj_get(&o, "key", &w->key);
    abi_obj_get(&o, "value", &w->value);
    abi_obj_get(&o, "finalizer", &w->finalizer);
    abi_obj_get(&o, "cfinalizers", &w->cfinalizers);
    abi_obj_get(&o, "link", &w->link);
    dec_gen_suffix(r, p, w->gen, sizeof w->gen);
    return 0;
}

/* ---- the thread list ---- */

int dec_for_each_thread(AbiReader *r, bool (*cb)(AbiReader *r, uint64_t tso, void *arg), void *arg)
{
    uint64_t gens = 0;
    if (dec_global_ptr(r, "generations", &gens) < 0 || !gens) return -1;
    const AbiGlobal *eg = abi_global(r, "stg_END_TSO_QUEUE_closure");
    if (!eg) return -1;
    int visited = 0;
    uint32_t ng = dec_n_generations(r);
    for (uint32_t g = 0; g < ng; g++) {
        DecGen d;
        if (dec_gen(r, g, &d) < 0) continue;
        /* bounded, cycle-checked walk along global_link */
        DecCycle cyc = DEC_CYCLE_INIT;
        uint64_t t = d.threads;
        for (int n = 0; t && t != eg->addr && n < MAX_THREADS && !dec_cycle_seen(&cyc, t); n++) {
            visited++;
            if (!cb(r, t, arg)) return visited;
            uint64_t next = 0;
            if (abi_get(r, t, "StgTSO", "global_link", &next) < 0) break;
            t = next;
        }
    }
    return visited;
}

void dec_print_thread_line(AbiReader *r, const DecTSO *t, const DecodeOut *out, uint64_t now_ns)
{
    char g[16];
    dec_gen_suffix(r, t->addr, g, sizeof g);
    if (!t->why_blocked) {
        const char *state = strcmp(t->what_next_name, "ThreadComplete") == 0 ? "finished"
                          : strcmp(t->what_next_name, "ThreadKilled") == 0 ? "killed" : "runnable";
        dec_printf(out, "ThreadId %-5" PRIu64 " TSO 0x%" PRIx64 "%s cap %" PRId64 " %s\n", t->id, t->addr, g,
                   t->cap_no, state);
        return;
    }
    DecBlockedOn b;
    dec_blocked_on(r, t, &b);
    char what[256], since[64];
    if (b.is_mvar)
        snprintf(what, sizeof what, "MVar 0x%" PRIx64 "%s %s", b.closure, b.gen, b.mvar_state);
    else if (b.blackhole && b.owner) {
        char bg[16];
        snprintf(what, sizeof what, "blackhole 0x%" PRIx64 "%s owned by ThreadId %" PRIu64, b.blackhole,
                 dec_gen_suffix(r, b.blackhole, bg, sizeof bg), b.owner_id);
    }
    else
        snprintf(what, sizeof what, "0x%" PRIx64 "%s (%s)", b.closure, b.gen, b.type);
    dec_printf(out, "ThreadId %-5" PRIu64 " TSO 0x%" PRIx64 "%s cap %" PRId64 " %-16s on %s, %s\n", t->id, t->addr,
               g, t->cap_no, t->why_blocked_name, what, dec_blocked_for(t->blocked_since_ns, now_ns, since, sizeof since));
}

struct thread_list {
    const DecodeOut *out;
    const DecThreadOpts *opts;
};

static bool print_thread(AbiReader *r, uint64_t tso, void *arg)
{
    struct thread_list *tl = arg;
    DecTSO t;
    char why[200];
    if (dec_tso(r, tso, &t, why, sizeof why) < 0) {
        dec_printf(tl->out, "bad thread on the list: %s\n", why);
        return false;
    }
    if (!tl->opts->blocked_only || t.why_blocked)
        dec_print_thread_line(r, &t, tl->out, tl->opts->now_ns);
    return true;
}

int dec_print_thread_list(AbiReader *r, const DecodeOut *out, const DecThreadOpts *opts)
{
    struct thread_list tl = { out, opts };
    int n = dec_for_each_thread(r, print_thread, &tl);
    if (n < 0) dec_printf(out, "no thread list (runtime not started?)\n");
    return n < 0 ? -1 : 0;
}

int dec_print_threads(AbiReader *r, const DecodeOut *out)
{
    DecThreadOpts opts = { .blocked_only = false, .now_ns = 0 };
    return dec_print_thread_list(r, out, &opts);
}
