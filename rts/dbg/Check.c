/* Check.c — rts/sm/Sanity.c's checks over the ABI, reporting every
 * violation (Check.h).  The wording of each message is Sanity.c's, so a
 * line from `rts sanity` greps like the runtime's own -DS report.
 *
 * Objects are read through the shared walkers and decoders (HeapWalk.h,
 * Decode.h: dec_tso, dec_weak, dec_gen, dec_walk_list,
 * dec_for_each_mut_entry), one read per object, never field by field
 * beside them.  Must not depend on: runtime headers (only the ABI table). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "Check.h"
#include "Decode.h"
#include "HeapWalk.h"

#define FILL_WORD 0xaaaaaaaaaaaaaaaaULL
#define WALK_LIMIT 10000000u

typedef struct Checker {
    AbiReader *r;
    void (*report)(void *ctx, const char *line);
    void *ctx;
    unsigned long max_report;
    CheckStats *st;
    uint64_t heap_lo, heap_hi, end_tso_queue, mblock_mask, first_block_off;
    int64_t bf_free, bf_large, bf_pinned;
    int t_tso, t_stack, t_mvar_q, t_mvar_clean, t_mvar_dirty, t_weak, t_dead_weak, t_arr_words,
        t_mutvar_clean, t_mutvar_dirty, t_arr_clean, t_arr_dirty, t_bq;
    uint64_t bq_clean_info;
    int64_t wb_mvar, wb_mvar_read, stack_dirty;
    /* the MVar queues already checked, with the TSOs queued on each
     * (several threads blocked on one MVar check its queue once) */
    struct checked_mvar { uint64_t mvar; uint64_t *tsos; size_t n; } *mvars;
    size_t n_mvars, cap_mvars;
    /* the mut lists: (object, generation), open addressing */
    uint64_t *mut_obj;
    uint8_t *mut_gen;
    size_t mut_size;
} Checker;

/* ---- reporting ---- */

/* "MVAR_CLEAN 0x... (gen 1, clean)", as sanity_fail describes an object. */
static void describe(Checker *k, uint64_t obj, char *buf, size_t len);

static void violation(Checker *k, uint64_t obj, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void violation(Checker *k, uint64_t obj, const char *field, const char *fmt, ...)
{
    char what[512], objdesc[160] = "", line[800];
    va_list ap;
    k->st->violations++;
    if (k->max_report && k->st->reported >= k->max_report) return;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (obj) describe(k, obj, objdesc, sizeof objdesc);
    /* a field is one of obj's: without an object the message stands alone */
    if (objdesc[0])
        snprintf(line, sizeof line, "%s%s%s: %s", objdesc, field ? " field " : "", field ? field : "", what);
    else
        snprintf(line, sizeof line, "%s", what);
    k->st->reported++;
    k->report(k->ctx, line);
}

/* ---- what the runtime knows from inside, rebuilt from the table ---- */

static bool in_heap(Checker *k, uint64_t p) { return p >= k->heap_lo && p < k->heap_hi; }

static const char *type_name(Checker *k, uint32_t t)
{
    const char *n = abi_constant_name(k->r, "closure_type", t);
    return n ? n : "?";
}

/* Closure type at p (header read and known), or -1. */
static int type_at(Checker *k, uint64_t p)
{
    uint64_t info = 0;
    if (abi_read(k->r, p, &info, 8) < 0) return -1;
    const AbiInfo *it = abi_info(k->r, info);
    return it ? (int)it->type : -1;
}

static int gen_at(Checker *k, uint64_t p)
{
    uint64_t g = 0;
    if (!in_heap(k, p) || abi_get(k->r, abi_bdescr(k->r, p), "bdescr", "gen_no", &g) < 0) return -1;
    return (int)g;
}

/* "clean" / "dirty" for the objects that have the distinction (closureCleanDirty). */
static const char *clean_dirty(Checker *k, uint64_t p, int t)
{
    uint64_t v = 0, info = 0;
    if (t == k->t_mutvar_clean || t == k->t_mvar_clean || t == k->t_arr_clean) return "clean";
    if (t == k->t_mutvar_dirty || t == k->t_mvar_dirty || t == k->t_arr_dirty) return "dirty";
    if (t == k->t_bq) {
        abi_read(k->r, p, &info, 8);
        return info == k->bq_clean_info ? "clean" : "dirty";
    }
    if (t == k->t_tso) {
        DecTSO tso;
        char why[200];
        return dec_tso(k->r, p, &tso, why, sizeof why) == 0 && tso.dirty ? "dirty" : "clean";
    }
    if (t == k->t_stack) {
        abi_get(k->r, p, "StgStack", "dirty", &v);
        return (v & (uint64_t)k->stack_dirty) ? "dirty" : "clean";
    }
    return NULL;
}

static void describe(Checker *k, uint64_t obj, char *buf, size_t len)
{
    int t = type_at(k, obj);
    if (t < 0) {
        snprintf(buf, len, "object 0x%" PRIx64, obj);
        return;
    }
    const char *cd = clean_dirty(k, obj, t);
    int g = gen_at(k, obj);
    char where[16] = "static";
    if (g >= 0) snprintf(where, sizeof where, "gen %d", g);
    snprintf(buf, len, "%s 0x%" PRIx64 " (%s%s%s)", type_name(k, (uint32_t)t), obj, where, cd ? ", " : "",
             cd ? cd : "");
}

/* Is q a pointer we may follow (Sanity.c's bad_pointer)?  NULL if so. */
static const char *bad_pointer(Checker *k, uint64_t q)
{
    uint64_t info = 0;
    if (q == 0) return NULL;
    if (q == FILL_WORD) return "holds the 0xaa fill of freed memory (dangling pointer)";
    if (q & 7) return "is not word-aligned";
    if (in_heap(k, q)) {
        uint64_t start, free, flags, blocks;
        AbiObject bd;
        if ((q & k->mblock_mask) < k->first_block_off || abi_load(k->r, abi_bdescr(k->r, q), "bdescr", &bd) < 0 ||
            abi_obj_get(&bd, "start", &start) < 0 || abi_obj_get(&bd, "free", &free) < 0 ||
            abi_obj_get(&bd, "flags", &flags) < 0 || abi_obj_get(&bd, "blocks", &blocks) < 0)
            return "points into a megablock's descriptor area or uncommitted heap";
        if (free == UINT64_MAX || (flags & (uint64_t)k->bf_free)) return "points into a free block (dangling pointer)";
        if (blocks == 0) return "points into the middle of a block group";
        if (q < start || q >= free) return "points beyond its block's free pointer";
        if (abi_read(k->r, q, &info, 8) < 0) return "points to unreadable memory";
        if (info & 1) return "points to an evacuated object (forwarding pointer)";
        if (!abi_info(k->r, info)) return "points to an object whose header is not an info pointer";
        return NULL;
    }
    if (abi_read(k->r, q, &info, 8) < 0) return "points outside the heap and the static area";
    if (!abi_info(k->r, info)) return "points to a static object whose header is not an info pointer";
    return NULL;
}

static size_t ptr_hash(uint64_t p, size_t size)
{
    return (size_t)((p >> 3) * 0x9E3779B97F4A7C15ULL >> 20) & (size - 1);
}

static void mut_add(Checker *k, uint64_t p, uint32_t gen)
{
    for (size_t i = ptr_hash(p, k->mut_size);; i = (i + 1) & (k->mut_size - 1)) {
        if (k->mut_obj[i] == p) return;
        if (k->mut_obj[i] == 0) {
            k->mut_obj[i] = p;
            k->mut_gen[i] = (uint8_t)gen;
            return;
        }
    }
}

static bool on_mut_list(Checker *k, uint64_t p, uint32_t gen)
{
    if (!k->mut_size) return false;
    for (size_t i = ptr_hash(p, k->mut_size);; i = (i + 1) & (k->mut_size - 1)) {
        if (k->mut_obj[i] == p) return k->mut_gen[i] == gen;
        if (k->mut_obj[i] == 0) return false;
    }
}

/* ---- the mut lists (checkMutableLists) ---- */

typedef void (*mut_entry_fn)(Checker *k, uint32_t cap, uint32_t gen, uint64_t slot, uint64_t entry);

struct mut_walk { Checker *k; mut_entry_fn fn; };

static bool mut_walk_entry(AbiReader *r, const DecMutEntry *e, void *arg)
{
    (void)r;
    struct mut_walk *w = arg;
    if (w->fn) w->fn(w->k, e->cap, e->gen, e->slot, e->entry);
    return true;
}

/* Every entry of every mut list (dec_for_each_mut_entry); with fn, a block
 * that is not a sane mut-list block is a violation.  Returns the count. */
static unsigned long for_each_mut_entry(Checker *k, mut_entry_fn fn)
{
    unsigned long n = 0;
    uint32_t ncaps = dec_n_capabilities(k->r), ng = hw_n_generations(k->r);
    struct mut_walk w = { k, fn };
    for (uint32_t i = 0; i < ncaps; i++)
        for (uint32_t g = 1; g < ng; g++) {
            uint64_t bad = 0;
            int got = dec_for_each_mut_entry(k->r, i, g, mut_walk_entry, &w, &bad);
            if (got > 0) n += (unsigned long)got;
            if (bad && fn) violation(k, 0, NULL, "mut list of cap %u gen %u: bad block 0x%" PRIx64, i, g, bad);
        }
    return n;
}

static void check_mut_entry(Checker *k, uint32_t cap, uint32_t g, uint64_t slot, uint64_t p)
{
    (void)slot;
    const char *why = bad_pointer(k, p);
    if (!why && (p == 0 || !in_heap(k, p))) why = "is not a heap object";
    if (why) {
        violation(k, 0, NULL, "mut list of cap %u gen %u: entry 0x%" PRIx64 " %s", cap, g, p, why);
        return;
    }
    int pg = gen_at(k, p);
    if (pg != (int)g)
        violation(k, p, "mut list entry", "on the mut list of cap %u gen %u but lives in gen %d", cap, g, pg);
    mut_add(k, p, g);
}

static void check_mutable_lists(Checker *k)
{
    unsigned long entries = for_each_mut_entry(k, NULL);
    k->mut_size = 64;
    while (k->mut_size < 2 * entries) k->mut_size *= 2;
    k->mut_obj = calloc(k->mut_size, sizeof *k->mut_obj);
    k->mut_gen = calloc(k->mut_size, 1);
    if (!k->mut_obj || !k->mut_gen) {
        k->mut_size = 0;
        return;
    }
    k->st->mut_entries = (long)for_each_mut_entry(k, check_mut_entry);
}

/* ---- one pointer field (check_field) ---- */

static void check_field(void *ctx, uint64_t obj, uint64_t slot, uint64_t q, const char *field)
{
    Checker *k = ctx;
    (void)slot;
    const char *why = bad_pointer(k, q);
    if (why) {
        violation(k, obj, field, "0x%" PRIx64 " %s", q, why);
        return;
    }
    if (q == 0 || !in_heap(k, q) || !in_heap(k, obj)) return;
    /* The remembered-set invariant (DESIGN §4.3). */
    int og = gen_at(k, obj), tg = gen_at(k, q);
    if (og > tg && tg >= 0) {
        if (!on_mut_list(k, obj, (uint32_t)og)) {
            violation(k, obj, field, "old-to-young pointer (gen %d -> gen %d) but the object is not on the mut list of gen %d (missing write barrier)",
                      og, tg, og);
            return;
        }
        int t = type_at(k, obj);
        const char *cd = t >= 0 ? clean_dirty(k, obj, t) : NULL;
        if (cd && strcmp(cd, "clean") == 0)
            violation(k, obj, field, "old-to-young pointer (gen %d -> gen %d) from a CLEAN object", og, tg);
    }
}

/* ---- TSOs, MVar queues (checkTSO, checkBlockedOnMVar, checkMVarQueue) ---- */

/* Is the thread blocked on an MVar (for a take/put or a read)? */
static bool blocked_on_mvar(Checker *k, const DecTSO *t)
{
    return (int64_t)t->why_blocked == k->wb_mvar || (int64_t)t->why_blocked == k->wb_mvar_read;
}

/* Note [Checking a TSO field by field]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A TSO is read once (dec_tso) and each of its fields that has a rule of
 * its own gets one small check below, listed in tso_field_checks; a new
 * field's rule is one more function and one more row.  (Every pointer
 * field is also checked as a pointer by the heap walk: check_field.)
 */
typedef void (*tso_field_check)(Checker *k, const DecTSO *t);

static void check_tso_why_blocked(Checker *k, const DecTSO *t)
{
    if (!abi_constant_name(k->r, "why_blocked", (int64_t)t->why_blocked))
        violation(k, t->addr, "why_blocked", "invalid why_blocked %" PRIu64, t->why_blocked);
}

static void check_tso_link(Checker *k, const DecTSO *t)
{
    if (!t->link || t->link == k->end_tso_queue || bad_pointer(k, t->link)) return;
    int lt = type_at(k, t->link);
    if (lt != k->t_tso && lt != k->t_mvar_q)
        violation(k, t->addr, "_link", "_link is a %s, not END_TSO_QUEUE, a TSO or an MVAR_TSO_QUEUE",
                  type_name(k, (uint32_t)lt));
}

static void check_tso_stackobj(Checker *k, const DecTSO *t)
{
    if (!t->stackobj || bad_pointer(k, t->stackobj) || type_at(k, t->stackobj) != k->t_stack)
        violation(k, t->addr, "stackobj", "stackobj is not a STACK");
}

static const tso_field_check tso_field_checks[] = {
    check_tso_why_blocked,
    check_tso_link,
    check_tso_stackobj,
};

/* checkTSO: every rule of tso_field_checks on the TSO at tso. */
static void check_tso(Checker *k, uint64_t tso)
{
    DecTSO t;
    char why[200];
    if (dec_tso(k->r, tso, &t, why, sizeof why) < 0) {
        violation(k, tso, NULL, "%s", why);
        return;
    }
    for (size_t i = 0; i < sizeof tso_field_checks / sizeof tso_field_checks[0]; i++)
        tso_field_checks[i](k, &t);
}

static void queued(struct checked_mvar *m, uint64_t tso)
{
    if ((m->n & (m->n + 1)) == 0 || m->n == 0) {     /* grow at 0, 1, 3, 7... */
        uint64_t *n = realloc(m->tsos, (2 * m->n + 2) * sizeof *n);
        if (!n) return;
        m->tsos = n;
    }
    m->tsos[m->n++] = tso;
}

/* Check that the MVar's queue is well formed (reporting what is not) and
 * record the TSOs queued on it in m. */
static void check_mvar_queue(Checker *k, uint64_t mvar, struct checked_mvar *m)
{
    uint64_t q = 0, tail = 0, last = 0;
    AbiObject mv;
    if (abi_load(k->r, mvar, "StgMVar", &mv) == 0) {
        abi_obj_get(&mv, "head", &q);
        abi_obj_get(&mv, "tail", &tail);
    }
    if (q == k->end_tso_queue) {
        if (tail != k->end_tso_queue)
            violation(k, mvar, "tail", "queue is empty (head is END_TSO_QUEUE) but tail is not");
        return;
    }
    DecCycle cyc = DEC_CYCLE_INIT;
    for (uint32_t n = 0; q != k->end_tso_queue; n++) {
        const char *fname = last ? "link" : "head";
        if (dec_cycle_seen(&cyc, q)) {
            violation(k, mvar, "head", "queue does not end after %u nodes (cycle)", n);
            return;
        }
        uint64_t from = last ? last : mvar, tso = 0;
        const char *why = bad_pointer(k, q);
        if (q == 0) why = "is NULL instead of END_TSO_QUEUE";
        if (why) {
            violation(k, from, fname, "MVar 0x%" PRIx64 " queue: 0x%" PRIx64 " %s", mvar, q, why);
            return;
        }
        int t = type_at(k, q);
        if (t != k->t_mvar_q) {
            violation(k, from, fname, "MVar 0x%" PRIx64 " queue: node is a %s, not an MVAR_TSO_QUEUE", mvar,
                      type_name(k, (uint32_t)t));
            return;
        }
        AbiObject node;         /* the node, read once */
        uint64_t next = 0;
        if (abi_load(k->r, q, "StgMVarTSOQueue", &node) < 0 || abi_obj_get(&node, "link", &next) < 0) return;
        abi_obj_get(&node, "tso", &tso);
        DecTSO qt;
        char twhy[200];
        if (!tso || bad_pointer(k, tso) || type_at(k, tso) != k->t_tso ||
            dec_tso(k->r, tso, &qt, twhy, sizeof twhy) < 0)
            violation(k, q, "tso", "MVar 0x%" PRIx64 " queue: node does not hold a TSO", mvar);
        else if (!blocked_on_mvar(k, &qt))
            violation(k, q, "tso", "MVar 0x%" PRIx64 " queue: TSO %" PRIu64 " is not blocked on an MVar (why_blocked %" PRIu64 ")",
                      mvar, qt.id, qt.why_blocked);
        else if (qt.block_info != mvar)
            violation(k, q, "tso", "MVar 0x%" PRIx64 " queue: TSO %" PRIu64 " has block_info 0x%" PRIx64 ", not this MVar",
                      mvar, qt.id, qt.block_info);
        queued(m, tso);
        last = q;
        q = next;
        if (n > 100000) {
            violation(k, mvar, "head", "queue does not end after %u nodes (too long)", n);
            return;
        }
    }
    if (tail != last)
        violation(k, mvar, "tail", "tail is not the last node of the queue (last is 0x%" PRIx64 ")", last);
}

/* Is tso in the queue of mvar?  Checks the queue the first time. */
static bool in_mvar_queue(Checker *k, uint64_t mvar, uint64_t tso)
{
    struct checked_mvar *m = NULL;
    for (size_t i = 0; i < k->n_mvars && !m; i++)
        if (k->mvars[i].mvar == mvar) m = &k->mvars[i];
    if (!m) {
        if (k->n_mvars == k->cap_mvars) {
            size_t ncap = k->cap_mvars ? 2 * k->cap_mvars : 16;
            struct checked_mvar *n = realloc(k->mvars, ncap * sizeof *n);
            if (!n) return true;            /* out of memory: do not accuse */
            k->mvars = n;
            k->cap_mvars = ncap;
        }
        m = &k->mvars[k->n_mvars++];
        *m = (struct checked_mvar){ mvar, NULL, 0 };
        check_mvar_queue(k, mvar, m);
    }
    for (size_t i = 0; i < m->n; i++)
        if (m->tsos[i] == tso) return true;
    return false;
}

/* checkBlockedOnMVar: a thread blocked on an MVar is in its queue. */
static void check_blocked_on_mvar(Checker *k, const DecTSO *t)
{
    if (!blocked_on_mvar(k, t)) return;
    if (t->link == k->end_tso_queue) return;    /* performed; MSG_TRY_WAKEUP on its way */
    uint64_t m = t->block_info;
    const char *why = bad_pointer(k, m);
    if (!why && (m == 0 || !in_heap(k, m))) why = "is not a heap object";
    if (why) {
        violation(k, t->addr, "block_info", "TSO %" PRIu64 " is blocked on an MVar but block_info 0x%" PRIx64 " %s",
                  t->id, m, why);
        return;
    }
    int mt = type_at(k, m);
    if (mt != k->t_mvar_clean && mt != k->t_mvar_dirty) {
        violation(k, t->addr, "block_info", "TSO %" PRIu64 " is blocked on an MVar but block_info is a %s", t->id,
                  type_name(k, (uint32_t)mt));
        return;
    }
    if (!in_mvar_queue(k, m, t->addr))
        violation(k, t->addr, "block_info", "TSO %" PRIu64 " is blocked on MVar 0x%" PRIx64 " (queue node 0x%" PRIx64 ") but is not in its queue",
                  t->id, m, t->link);
}

/* ---- the heap walk (checkHeapChain, checkLargeObjects, checkClosure) ---- */

static bool check_block(void *ctx, AbiReader *r, const HwBlock *b)
{
    Checker *k = ctx;
    (void)r;
    uint32_t want = b->gen < 0 ? 0 : (uint32_t)b->gen;
    k->st->blocks++;
    if (b->free == UINT64_MAX || (b->flags & (uint64_t)k->bf_free))
        violation(k, 0, NULL, "free block 0x%" PRIx64 " on %s", b->bd, b->where);
    else if (b->gen_no != want)
        violation(k, 0, NULL, "block 0x%" PRIx64 " on %s has gen_no %u", b->bd, b->where, b->gen_no);
    if (b->blocks == 0 || (b->free != UINT64_MAX && (b->free < b->start ||
                                                     b->free - b->start > ((uint64_t)b->blocks << k->r->block_shift))))
        violation(k, 0, NULL, "block 0x%" PRIx64 " on %s has a bad free pointer or size", b->bd, b->where);
    if (b->large && !(b->flags & (uint64_t)k->bf_large))
        violation(k, 0, NULL, "block 0x%" PRIx64 " on %s is not BF_LARGE", b->bd, b->where);
    return true;
}

static bool check_object(void *ctx, AbiReader *r, const HwBlock *b, const DecClosure *c, uint64_t words)
{
    Checker *k = ctx;
    char why[200];
    uint64_t bad = 0;
    (void)words;
    k->st->objects++;
    if (c->forwarded) {
        violation(k, c->addr, NULL, "forwarding pointer left in the heap");
        return true;
    }
    const char *tn = c->type_name;
    if (!strcmp(tn, "CONSTR_STATIC") || !strcmp(tn, "FUN_STATIC") || !strcmp(tn, "THUNK_STATIC") ||
        !strcmp(tn, "IND_STATIC") || !strcmp(tn, "UPDATE_FRAME") || !strcmp(tn, "ROOT_FRAME") ||
        !strcmp(tn, "STOP_FRAME") || !strcmp(tn, "RET_SMALL")) {
        violation(k, c->addr, NULL, "a %s cannot live in the heap", tn);
        return true;
    }
    if (b->large && (b->flags & (uint64_t)k->bf_pinned) && (int)c->it->type != k->t_arr_words)
        violation(k, c->addr, NULL, "pinned block holds a non-ARR_WORDS");
    if (hw_for_each_ptr_field(r, c->addr, c->it, check_field, k, why, sizeof why, &bad) < 0)
        violation(k, c->addr, "stack", "%s (at 0x%" PRIx64 ")", why, bad);
    if ((int)c->it->type == k->t_tso) check_tso(k, c->addr);
    return true;
}

static void walk_problem(void *ctx, AbiReader *r, uint64_t obj, uint64_t slot, const char *what)
{
    Checker *k = ctx;
    (void)r;
    (void)slot;
    if (obj) violation(k, 0, NULL, "0x%" PRIx64 ": %s", obj, what);
    else violation(k, 0, NULL, "%s", what);
}

/* ---- thread and weak lists (checkThreadList, checkGenWeakPtrList) ---- */

/* Note [Checking a list through dec_walk_list]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The thread and weak lists are walked by the shared walker, dec_walk_list
 * (bounded, Brent's cycle check), and each entry is decoded once, by
 * dec_tso or dec_weak.  The checker judges every link before the walker
 * follows it, in Sanity.c's words (bad_pointer): the head before the walk,
 * and each entry's next link, from the decoded entry, in the callback,
 * which stops the walk at a bad one.  So what the walker itself can still
 * stop on is a cycle or the bound: the list "does not end".  A gen_list
 * says what differs between the two lists.
 */
struct list_check;

/* One kind of list a generation heads. */
struct gen_list {
    const char *what;                   /* "thread list", "weak list" */
    const char *strct, *link;           /* the entries' struct and link field */
    /* why p is not a sane link of this list, or NULL (its end included) */
    const char *(*bad_link)(Checker *k, uint64_t p);
    /* check the entry at p, give its next link; false stops the walk */
    bool (*check_entry)(struct list_check *lc, uint64_t p, uint64_t *next);
};

struct list_check {
    Checker *k;
    uint32_t g;
    const struct gen_list *list;
};

/* dec_walk_list's callback: the entry, then its next link. */
static bool check_list_entry(AbiReader *r, uint64_t p, void *arg)
{
    struct list_check *lc = arg;
    uint64_t next = 0;
    (void)r;
    if (!lc->list->check_entry(lc, p, &next)) return false;
    const char *bad = lc->list->bad_link(lc->k, next);
    if (bad) {
        violation(lc->k, 0, NULL, "%s of gen %u: 0x%" PRIx64 " %s", lc->list->what, lc->g, next, bad);
        return false;
    }
    return true;
}

/* Every entry of the list from head, ending at end (checkThreadList,
 * checkGenWeakPtrList). */
static void check_gen_list(Checker *k, uint32_t g, uint64_t head, uint64_t end, const struct gen_list *list)
{
    const char *bad = list->bad_link(k, head);
    if (bad) {
        violation(k, 0, NULL, "%s of gen %u: 0x%" PRIx64 " %s", list->what, g, head, bad);
        return;
    }
    struct list_check lc = { k, g, list };
    char problem[256];
    dec_walk_list(k->r, head, list->strct, list->link, end, WALK_LIMIT, check_list_entry, &lc, problem,
                  sizeof problem);
    if (problem[0])
        violation(k, 0, NULL, "%s of gen %u does not end: %s", list->what, g, problem);
}

static const char *bad_thread_link(Checker *k, uint64_t p)
{
    if (p == k->end_tso_queue) return NULL;
    if (p == 0) return "is NULL instead of END_TSO_QUEUE";
    const char *why = bad_pointer(k, p);
    return why ? why : type_at(k, p) != k->t_tso ? "is not a TSO" : NULL;
}

/* A TSO on the thread list of its generation, blocked where it says. */
static bool check_listed_thread(struct list_check *lc, uint64_t p, uint64_t *next)
{
    Checker *k = lc->k;
    DecTSO t;
    char why[200];
    if (dec_tso(k->r, p, &t, why, sizeof why) < 0) {
        violation(k, 0, NULL, "thread list of gen %u: %s", lc->g, why);
        return false;
    }
    k->st->threads++;
    int tg = gen_at(k, p);
    if (tg != (int)lc->g)
        violation(k, p, "global_link", "TSO %" PRIu64 " is on the thread list of gen %u but lives in gen %d", t.id,
                  lc->g, tg);
    check_blocked_on_mvar(k, &t);
    *next = t.global_link;
    return true;
}

static const struct gen_list thread_list = { "thread list", "StgTSO", "global_link", bad_thread_link,
                                             check_listed_thread };

static const char *bad_weak_link(Checker *k, uint64_t p)
{
    if (p == 0) return NULL;
    const char *why = bad_pointer(k, p);
    return why ? why : !in_heap(k, p) ? "is not a heap object" : NULL;
}

/* A WEAK or DEAD_WEAK on the weak list of its generation; a live one's
 * fields are sane pointers. */
static bool check_listed_weak(struct list_check *lc, uint64_t p, uint64_t *next)
{
    Checker *k = lc->k;
    DecWeak w;
    char why[200];
    k->st->weaks++;
    int wg = gen_at(k, p);
    if (dec_weak(k->r, p, &w, why, sizeof why) < 0) {
        /* its link is not a weak's link: the walk stops here */
        violation(k, p, NULL, "on the weak list of gen %u but not a WEAK", lc->g);
        return false;
    }
    if (wg != (int)lc->g)
        violation(k, p, NULL, "on the weak list of gen %u but lives in gen %d", lc->g, wg);
    if (!w.dead) {
        /* check_field does not use the slot (0 here) */
        check_field(k, p, 0, w.cfinalizers, "cfinalizers");
        check_field(k, p, 0, w.key, "key");
        check_field(k, p, 0, w.value, "value");
        check_field(k, p, 0, w.finalizer, "finalizer");
    }
    *next = w.link;
    return true;
}

static const struct gen_list weak_list = { "weak list", "StgWeak", "link", bad_weak_link, check_listed_weak };

int check_heap(AbiReader *r, void (*report)(void *ctx, const char *line), void *ctx, unsigned long max_report,
               CheckStats *stats)
{
    Checker k = { .r = r, .report = report, .ctx = ctx, .max_report = max_report, .st = stats };
    memset(stats, 0, sizeof *stats);
    if (!hw_generation(r, 0)) {
        report(ctx, "the generations are not set up (runtime not started?)");
        return -1;
    }
    hw_cache_begin(r);
    dec_global_ptr(r, "mblock_address_space_begin", &k.heap_lo);
    dec_global_ptr(r, "mblock_address_space_end", &k.heap_hi);
    k.end_tso_queue = hw_end_tso_queue(r);
    k.mblock_mask = (1ull << r->mblock_shift) - 1;
    k.first_block_off = r->first_block_off;
    abi_constant(r, "block_flag", "BF_FREE", &k.bf_free);
    abi_constant(r, "block_flag", "BF_LARGE", &k.bf_large);
    abi_constant(r, "block_flag", "BF_PINNED", &k.bf_pinned);
    abi_constant(r, "geometry", "STACK_DIRTY", &k.stack_dirty);
    k.wb_mvar = k.wb_mvar_read = -1;
    abi_constant(r, "why_blocked", "BlockedOnMVar", &k.wb_mvar);
    abi_constant(r, "why_blocked", "BlockedOnMVarRead", &k.wb_mvar_read);
    k.t_tso = hw_type(r, "TSO");
    k.t_stack = hw_type(r, "STACK");
    k.t_mvar_q = hw_type(r, "MVAR_TSO_QUEUE");
    k.t_mvar_clean = hw_type(r, "MVAR_CLEAN");
    k.t_mvar_dirty = hw_type(r, "MVAR_DIRTY");
    k.t_weak = hw_type(r, "WEAK");
    k.t_dead_weak = hw_type(r, "DEAD_WEAK");
    k.t_arr_words = hw_type(r, "ARR_WORDS");
    k.t_mutvar_clean = hw_type(r, "MUT_VAR_CLEAN");
    k.t_mutvar_dirty = hw_type(r, "MUT_VAR_DIRTY");
    k.t_arr_clean = hw_type(r, "MUT_ARR_PTRS_CLEAN");
    k.t_arr_dirty = hw_type(r, "MUT_ARR_PTRS_DIRTY");
    k.t_bq = hw_type(r, "BLOCKING_QUEUE");
    for (uint32_t i = 0; i < r->n_infos; i++)
        if (!strcmp(r->infos[i].name, "stg_BLOCKING_QUEUE_CLEAN_info")) k.bq_clean_info = r->infos[i].addr;

    check_mutable_lists(&k);
    HwVisitor v = { .block = check_block, .object = check_object, .problem = walk_problem, .ctx = &k };
    hw_walk_heap(r, &v);
    uint32_t ng = hw_n_generations(r);
    for (uint32_t g = 0; g < ng; g++) {
        DecGen gen;
        if (dec_gen(r, g, &gen) < 0) {
            violation(&k, 0, NULL, "generation %u is unreadable", g);
            continue;
        }
        check_gen_list(&k, g, gen.threads, k.end_tso_queue, &thread_list);
        check_gen_list(&k, g, gen.weak_ptr_list, 0, &weak_list);
    }
    for (size_t i = 0; i < k.n_mvars; i++) free(k.mvars[i].tsos);
    free(k.mvars);
    free(k.mut_obj);
    free(k.mut_gen);
    hw_cache_end(r);
    return 0;
}
