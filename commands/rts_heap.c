/* rts_heap.c — the heap analyses: `rts census`, `rts sanity`, `rts findptr`.
 *
 * Each walks the whole heap of a stopped process or a core file through
 * rts/dbg/HeapWalk (every block of every generation, large-object list and
 * nursery, every closure in them), with a page cache for the duration of
 * the command.  `rts sanity` is rts/dbg/Check (the runtime's -DS checks,
 * every violation reported); `rts findptr` builds the heap's reverse
 * pointer graph once and searches it backwards from the address to the
 * roots (Note [Paths from roots]).
 *
 * Must not depend on: any runtime header but the ABI's; the debuggee is
 * reached only through the plugin API (rts_plugin.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rts_plugin.h"
#include "HeapWalk.h"
#include "Check.h"

#define MAX_EDGES (8u << 20)        /* pointer fields kept by findptr */
#define MAX_PATHS 5
#define MAX_DEPTH 64
#define MAX_REFERRERS 100

/* ==== rts census ==== */

#define MAX_TYPES 64
#define MAX_GENS 16                 /* column MAX_GENS is the nursery */

struct census {
    char type[MAX_TYPES][32];
    unsigned n_types;
    uint64_t objects[MAX_TYPES][MAX_GENS + 1], words[MAX_TYPES][MAX_GENS + 1];
    uint64_t forwarded;
    unsigned problems;
};

static unsigned type_slot(struct census *c, const char *name)
{
    for (unsigned i = 0; i < c->n_types; i++)
        if (strcmp(c->type[i], name) == 0) return i;
    if (c->n_types == MAX_TYPES) return MAX_TYPES - 1;
    snprintf(c->type[c->n_types], sizeof c->type[0], "%s", name);
    return c->n_types++;
}

static bool census_object(void *ctx, AbiReader *r, const HwBlock *b, const DecClosure *c, uint64_t words)
{
    struct census *cs = ctx;
    (void)r;
    if (c->forwarded) {
        cs->forwarded++;
        return true;
    }
    unsigned col = b->gen < 0 ? MAX_GENS : (unsigned)b->gen < MAX_GENS ? (unsigned)b->gen : MAX_GENS - 1;
    unsigned t = type_slot(cs, c->type_name);
    cs->objects[t][col]++;
    cs->words[t][col] += words;
    return true;
}

static void census_problem(void *ctx, AbiReader *r, uint64_t obj, uint64_t slot, const char *what)
{
    (void)r; (void)obj; (void)slot; (void)what;
    ((struct census *)ctx)->problems++;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

static int cmd_census(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    args = rts_skip_blanks(args);
    if (*args && strcmp(args, "--json") != 0) {
        api->error(s, "Usage: rts census [--json]");
        return -1;
    }
    AbiReader *r = rts_reader(pl, s);
    if (!r) return -1;
    struct census *cs = calloc(1, sizeof *cs);
    if (!cs) return -1;
    hw_cache_begin(r);
    HwVisitor v = { .object = census_object, .problem = census_problem, .ctx = cs };
    long blocks = hw_walk_heap(r, &v);
    hw_cache_end(r);
    if (blocks < 0) {
        api->error(s, "The generations are not set up (the runtime has not started).");
        free(cs);
        return -1;
    }
    /* sort the rows by type name (deterministic output), carrying counts */
    struct census *sorted = calloc(1, sizeof *sorted);
    if (!sorted) { free(cs); return -1; }
    memcpy(sorted->type, cs->type, sizeof cs->type);
    qsort(sorted->type, cs->n_types, sizeof sorted->type[0], by_name);
    sorted->n_types = cs->n_types;
    for (unsigned i = 0; i < cs->n_types; i++) {
        unsigned j = 0;
        while (strcmp(cs->type[j], sorted->type[i]) != 0) j++;
        memcpy(sorted->objects[i], cs->objects[j], sizeof cs->objects[j]);
        memcpy(sorted->words[i], cs->words[j], sizeof cs->words[j]);
    }
    uint32_t ng = hw_n_generations(r);
    if (ng > MAX_GENS - 1) ng = MAX_GENS - 1;
    api->printf(s, "%-20s %-8s %10s %12s\n", "closure type", "where", "objects", "bytes");
    api->json_begin_array(s, "census");
    uint64_t tot_o[MAX_GENS + 1] = { 0 }, tot_w[MAX_GENS + 1] = { 0 };
    for (unsigned i = 0; i < sorted->n_types; i++) {
        for (unsigned col = 0; col <= MAX_GENS; col++) {
            if (!sorted->objects[i][col]) continue;
            char where[16];
            if (col == MAX_GENS) snprintf(where, sizeof where, "nursery");
            else snprintf(where, sizeof where, "gen %u", col);
            api->printf(s, "%-20s %-8s %10" PRIu64 " %12" PRIu64 "\n", sorted->type[i], where,
                        sorted->objects[i][col], 8 * sorted->words[i][col]);
            tot_o[col] += sorted->objects[i][col];
            tot_w[col] += sorted->words[i][col];
            api->json_begin_object(s, NULL);
            api->json_str(s, "type", sorted->type[i]);
            api->json_str(s, "where", where);
            api->json_uint(s, "objects", sorted->objects[i][col]);
            api->json_uint(s, "bytes", 8 * sorted->words[i][col]);
            api->json_end_object(s);
        }
    }
    api->json_end_array(s);
    uint64_t all_o = 0, all_w = 0;
    api->json_begin_array(s, "totals");
    for (unsigned col = 0; col <= MAX_GENS; col++) {
        if (!tot_o[col] && col != MAX_GENS && col >= ng) continue;
        char where[16];
        if (col == MAX_GENS) snprintf(where, sizeof where, "nursery");
        else snprintf(where, sizeof where, "gen %u", col);
        api->printf(s, "%-20s %-8s %10" PRIu64 " %12" PRIu64 "\n", "total", where, tot_o[col], 8 * tot_w[col]);
        api->json_begin_object(s, NULL);
        api->json_str(s, "where", where);
        api->json_uint(s, "objects", tot_o[col]);
        api->json_uint(s, "bytes", 8 * tot_w[col]);
        api->json_end_object(s);
        all_o += tot_o[col];
        all_w += tot_w[col];
    }
    api->json_end_array(s);
    api->printf(s, "%-20s %-8s %10" PRIu64 " %12" PRIu64 "\n", "total", "all", all_o, 8 * all_w);
    api->json_uint(s, "objects", all_o);
    api->json_uint(s, "bytes", 8 * all_w);
    api->json_uint(s, "blocks", (uint64_t)blocks);
    if (cs->forwarded)
        api->printf(s, "(%" PRIu64 " forwarding pointers not counted: stopped inside a GC)\n", cs->forwarded);
    if (cs->problems)
        api->printf(s, "(%u blocks could not be walked to their end: see \"rts sanity\")\n", cs->problems);
    api->json_uint(s, "unwalkable_blocks", cs->problems);
    free(sorted);
    free(cs);
    return 0;
}

/* ==== rts sanity ==== */

struct sanity_out {
    RtsPlugin *pl;
    struct rtsdb_session *s;
};

static void sanity_line(void *ctx, const char *line)
{
    struct sanity_out *o = ctx;
    o->pl->api->printf(o->s, "sanity: %s\n", line);
    o->pl->api->json_str(o->s, NULL, line);
}

static int cmd_sanity(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    args = rts_skip_blanks(args);
    unsigned long max = 1000;
    if (strncmp(args, "-n", 2) == 0) {
        char *end;
        max = strtoul(rts_skip_blanks(args + 2), &end, 10);
        if (*rts_skip_blanks(end)) {
            api->error(s, "Usage: rts sanity [-n MAX_REPORTED]");
            return -1;
        }
    } else if (*args) {
        api->error(s, "Usage: rts sanity [-n MAX_REPORTED]");
        return -1;
    }
    AbiReader *r = rts_reader(pl, s);
    if (!r) return -1;
    struct sanity_out o = { pl, s };
    CheckStats st;
    api->json_begin_array(s, "violations");
    int rc = check_heap(r, sanity_line, &o, max, &st);
    api->json_end_array(s);
    if (rc < 0) return -1;
    api->json_uint(s, "count", st.violations);
    api->json_uint(s, "blocks", (uint64_t)st.blocks);
    api->json_uint(s, "objects", (uint64_t)st.objects);
    api->json_uint(s, "threads", (uint64_t)st.threads);
    if (st.violations > st.reported)
        api->printf(s, "sanity: ... and %lu more (rts sanity -n 0 shows all)\n", st.violations - st.reported);
    api->printf(s, "%lu violation%s in %ld blocks, %ld objects, %ld threads, %ld mut-list entries, %ld weaks\n",
                st.violations, st.violations == 1 ? "" : "s", st.blocks, st.objects, st.threads, st.mut_entries,
                st.weaks);
    return 0;
}

/* ==== rts findptr ==== */

/* Note [Paths from roots]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * "Who points here" is answered from one walk of the whole heap that keeps
 * every pointer field whose value is a heap address (an edge src -> dst),
 * sorted by dst.  The direct referrers of X are the edges into X.  Paths
 * come from a breadth-first search backwards from X over those edges; it
 * stops at objects that are roots — the threads on each generation's
 * thread list and each capability's run queue (their stacks' ROOT_FRAMEs
 * are reached through stackobj), the mut lists, the weak lists, the CAF
 * list when the table exports one — so the first paths found are the
 * shortest.  The search is bounded (depth, paths, edges kept) and marks
 * what it has visited, so a cyclic or corrupted heap cannot hang it.
 * Static closures are not in the heap walk; the ones the runtime lists —
 * the CAFs on its CAF lists — are walked too (their indirectee is an edge
 * into the heap), so a value held only by an evaluated or running CAF has
 * a path from that CAF, which is a root like in GHC's GC.  Other static
 * closures (constant constructors) are not listed anywhere and are not
 * searched.
 */

typedef struct Edge { uint64_t src, dst, slot; } Edge;

struct graph {
    Edge *e;
    size_t n, cap;
    bool truncated;
    uint64_t lo, hi;
};

static void keep_edge(void *ctx, uint64_t obj, uint64_t slot, uint64_t value, const char *field)
{
    struct graph *g = ctx;
    (void)field;
    if (value < g->lo || value >= g->hi) return;
    if (g->n == g->cap) {
        size_t ncap = g->cap ? 2 * g->cap : 4096;
        if (ncap > MAX_EDGES) { g->truncated = true; return; }
        Edge *n = realloc(g->e, ncap * sizeof *n);
        if (!n) { g->truncated = true; return; }
        g->e = n;
        g->cap = ncap;
    }
    g->e[g->n++] = (Edge){ obj, value & ~7ull, slot };
}

static bool graph_object(void *ctx, AbiReader *r, const HwBlock *b, const DecClosure *c, uint64_t words)
{
    (void)b; (void)words;
    if (c->forwarded) return true;
    char why[160];
    uint64_t bad;
    hw_for_each_ptr_field(r, c->addr, c->it, keep_edge, ctx, why, sizeof why, &bad);
    return true;
}

static int by_dst(const void *a, const void *b)
{
    const Edge *x = a, *y = b;
    if (x->dst != y->dst) return x->dst < y->dst ? -1 : 1;
    return x->src < y->src ? -1 : x->src > y->src;
}

/* The first edge into dst, and how many. */
static const Edge *edges_into(const struct graph *g, uint64_t dst, size_t *count)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->e[mid].dst < dst) lo = mid + 1; else hi = mid;
    }
    size_t n = 0;
    while (lo + n < g->n && g->e[lo + n].dst == dst) n++;
    *count = n;
    return n ? &g->e[lo] : NULL;
}

/* The edges out of the CAFs on the runtime's CAF lists (static closures,
 * outside the heap walk: Note [Paths from roots]). */
static void static_caf_edges(AbiReader *r, struct graph *g)
{
    static const char *const caf_lists[] = { "caf_list", "revertible_caf_list", "dyn_caf_list" };
    for (size_t i = 0; i < sizeof caf_lists / sizeof caf_lists[0]; i++) {
        uint64_t c = 0;
        if (dec_global_ptr(r, caf_lists[i], &c) < 0) continue;
        for (unsigned n = 0; c > 1 && n < 100000; n++) {     /* 1 is END_OF_CAF_LIST */
            DecClosure dc;
            char why[160];
            uint64_t bad;
            if (dec_closure(r, c, &dc, why, sizeof why) == 0 && !dc.forwarded)
                hw_for_each_ptr_field(r, c, dc.it, keep_edge, g, why, sizeof why, &bad);
            if (abi_get(r, c, "StgIndStatic", "static_link", &c) < 0) break;
        }
    }
}

/* ---- roots ---- */

typedef struct Root { uint64_t obj; size_t order; char what[64]; } Root;

struct roots {
    Root *r;
    size_t n, cap;
};

static void add_root(struct roots *rs, uint64_t obj, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_root(struct roots *rs, uint64_t obj, const char *fmt, ...)
{
    if (!obj) return;
    if (rs->n == rs->cap) {
        size_t ncap = rs->cap ? 2 * rs->cap : 64;
        Root *n = realloc(rs->r, ncap * sizeof *n);
        if (!n) return;
        rs->r = n;
        rs->cap = ncap;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rs->r[rs->n].what, sizeof rs->r[rs->n].what, fmt, ap);
    va_end(ap);
    rs->r[rs->n].order = rs->n;
    rs->r[rs->n++].obj = obj;
}

static int by_obj_then_order(const void *a, const void *b)
{
    const Root *x = a, *y = b;
    if (x->obj != y->obj) return x->obj < y->obj ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort by object, keeping the first (most telling) name of each. */
static void finish_roots(struct roots *rs)
{
    if (!rs->n) return;
    qsort(rs->r, rs->n, sizeof *rs->r, by_obj_then_order);
    size_t w = 1;
    for (size_t i = 1; i < rs->n; i++)
        if (rs->r[i].obj != rs->r[w - 1].obj) rs->r[w++] = rs->r[i];
    rs->n = w;
}

static const char *root_name(const struct roots *rs, uint64_t obj)
{
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rs->r[mid].obj == obj) return rs->r[mid].what;
        if (rs->r[mid].obj < obj) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

struct list_roots { struct roots *rs; const char *what; };

static bool add_list_root(AbiReader *r, uint64_t p, void *arg)
{
    struct list_roots *lr = arg;
    (void)r;
    add_root(lr->rs, p, "%s", lr->what);
    return true;
}

/* Follow a list through a link field with the shared walker (bounded, a
 * cycle anywhere in it is cut, a bad entry ends it). */
static void add_list(AbiReader *r, struct roots *rs, uint64_t first, const char *strct, const char *link,
                     uint64_t end, const char *what)
{
    struct list_roots lr = { rs, what };
    dec_walk_list(r, first, strct, link, end, 100000, add_list_root, &lr, NULL, 0);
}

static bool add_mut_root(AbiReader *r, const DecMutEntry *e, void *rs)
{
    (void)r;
    add_root(rs, e->entry, "mut list of cap %u gen %u", e->cap, e->gen);
    return true;
}

/* The roots findptr's paths start from, each with what it is; capabilities,
 * generations and mut lists through their decoders (rts/dbg/Decode.h). */
static void collect_roots(AbiReader *r, struct roots *rs)
{
    uint64_t end = hw_end_tso_queue(r);
    uint32_t ncaps = dec_n_capabilities(r), ng = hw_n_generations(r);
    char what[64];
    for (uint32_t i = 0; i < ncaps; i++) {
        DecCap cap;
        if (dec_cap(r, i, &cap) < 0) continue;
        if (cap.current_tso) add_root(rs, cap.current_tso, "running thread of cap %u", i);
        snprintf(what, sizeof what, "run queue of cap %u", i);
        add_list(r, rs, cap.run_queue_hd, "StgTSO", "_link", end, what);
        snprintf(what, sizeof what, "weak list of cap %u", i);
        add_list(r, rs, cap.weak_ptr_list_hd, "StgWeak", "link", 0, what);
    }
    for (uint32_t g = 0; g < ng; g++) {
        DecGen gen;
        if (dec_gen(r, g, &gen) < 0) continue;
        snprintf(what, sizeof what, "thread list of gen %u", g);
        add_list(r, rs, gen.threads, "StgTSO", "global_link", end, what);
        snprintf(what, sizeof what, "weak list of gen %u", g);
        add_list(r, rs, gen.weak_ptr_list, "StgWeak", "link", 0, what);
    }
    for (uint32_t i = 0; i < ncaps; i++)
        for (uint32_t g = 1; g < ng; g++)
            dec_for_each_mut_entry(r, i, g, add_mut_root, rs, NULL);
    /* the CAF list, when the table exports one */
    static const char *const caf_lists[] = { "caf_list", "revertible_caf_list", "dyn_caf_list" };
    for (size_t i = 0; i < sizeof caf_lists / sizeof caf_lists[0]; i++) {
        uint64_t c = 0;
        if (dec_global_ptr(r, caf_lists[i], &c) == 0)
            add_list(r, rs, c, "StgIndStatic", "static_link", 0, caf_lists[i]);
    }
}

/* ---- the backward search ---- */

struct visit { uint64_t obj, next, slot; };     /* obj points at next through slot */

struct search {
    struct visit *v;
    size_t n, cap;
    uint64_t *hash;         /* index+1 into v, open addressing */
    size_t hsize;
};

static size_t h_of(uint64_t p, size_t size) { return (size_t)((p >> 3) * 0x9E3779B97F4A7C15ULL >> 17) & (size - 1); }

static long find_visit(struct search *sr, uint64_t obj)
{
    for (size_t i = h_of(obj, sr->hsize);; i = (i + 1) & (sr->hsize - 1)) {
        if (!sr->hash[i]) return -1;
        if (sr->v[sr->hash[i] - 1].obj == obj) return (long)sr->hash[i] - 1;
    }
}

static bool add_visit(struct search *sr, uint64_t obj, uint64_t next, uint64_t slot)
{
    if (sr->n + 1 > sr->hsize / 2) return false;            /* bound reached */
    if (find_visit(sr, obj) >= 0) return false;
    if (sr->n == sr->cap) {
        size_t ncap = sr->cap ? 2 * sr->cap : 1024;
        struct visit *nv = realloc(sr->v, ncap * sizeof *nv);
        if (!nv) return false;
        sr->v = nv;
        sr->cap = ncap;
    }
    sr->v[sr->n] = (struct visit){ obj, next, slot };
    for (size_t i = h_of(obj, sr->hsize);; i = (i + 1) & (sr->hsize - 1))
        if (!sr->hash[i]) { sr->hash[i] = ++sr->n; break; }
    return true;
}

struct field_name { uint64_t slot; char name[160]; };

static void match_slot(void *ctx, uint64_t obj, uint64_t slot, uint64_t value, const char *field)
{
    struct field_name *f = ctx;
    (void)obj; (void)value;
    if (slot == f->slot && !f->name[0]) snprintf(f->name, sizeof f->name, "%s", field);
}

/* The name of the field of obj at slot ("head", "payload[1]"...). */
static const char *slot_name(AbiReader *r, uint64_t obj, uint64_t slot, char *buf, size_t len)
{
    DecClosure c;
    char why[160];
    uint64_t bad;
    struct field_name f = { slot, "" };
    if (dec_closure(r, obj, &c, why, sizeof why) == 0 && !c.forwarded) {
        AbiInfo it = *c.it;
        hw_for_each_ptr_field(r, obj, &it, match_slot, &f, why, sizeof why, &bad);
    }
    if (f.name[0]) snprintf(buf, len, "%s", f.name);
    else snprintf(buf, len, "+0x%" PRIx64, slot - obj);
    return buf;
}

static const char *describe(AbiReader *r, uint64_t p, char *buf, size_t len)
{
    DecClosure c;
    char why[160], gen[16];
    dec_gen_suffix(r, p, gen, sizeof gen);
    if (dec_closure(r, p, &c, why, sizeof why) < 0) snprintf(buf, len, "0x%" PRIx64 "%s (bad: %s)", p, gen, why);
    else if (c.forwarded) snprintf(buf, len, "0x%" PRIx64 "%s (forwarded)", p, gen);
    else {
        uint64_t id = 0;
        if (strcmp(c.type_name, "TSO") == 0 && abi_get(r, p, "StgTSO", "id", &id) == 0)
            snprintf(buf, len, "0x%" PRIx64 "%s %s (ThreadId %" PRIu64 ")", p, gen, c.type_name, id);
        else
            snprintf(buf, len, "0x%" PRIx64 "%s %s", p, gen, c.type_name);
    }
    return buf;
}

static void dot_node(FILE *f, AbiReader *r, uint64_t p, const char *root, bool target)
{
    char d[200];
    describe(r, p, d, sizeof d);
    fprintf(f, "  \"0x%" PRIx64 "\" [label=\"%s%s%s\"%s];\n", p, d, root ? "\\nroot: " : "", root ? root : "",
            target ? ", style=filled, fillcolor=salmon" : root ? ", style=filled, fillcolor=lightblue" : "");
}

static int cmd_findptr(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    char arg[256] = "", dotfile[256] = "";
    args = rts_skip_blanks(args);
    const char *dot = strstr(args, "--dot");
    if (dot) {
        const char *file = rts_skip_blanks(dot + 5);
        size_t n = strcspn(file, " \t");
        if (n == 0 || n >= sizeof dotfile) {
            api->error(s, "Usage: rts findptr ADDRESS [--dot FILE]");
            return -1;
        }
        memcpy(dotfile, file, n);
        size_t an = (size_t)(dot - args);
        if (an >= sizeof arg) an = sizeof arg - 1;
        memcpy(arg, args, an);
    } else {
        snprintf(arg, sizeof arg, "%s", args);
    }
    AbiReader *r = rts_reader(pl, s);
    uint64_t x;
    if (!r || rts_parse_addr(pl, s, arg, &x) < 0) return -1;

    struct graph g = { 0 };
    dec_global_ptr(r, "mblock_address_space_begin", &g.lo);
    dec_global_ptr(r, "mblock_address_space_end", &g.hi);
    hw_cache_begin(r);
    HwVisitor v = { .object = graph_object, .ctx = &g };
    if (hw_walk_heap(r, &v) < 0) {
        hw_cache_end(r);
        api->error(s, "The generations are not set up (the runtime has not started).");
        return -1;
    }
    static_caf_edges(r, &g);
    if (g.n) qsort(g.e, g.n, sizeof *g.e, by_dst);     /* g.e is NULL for a heap without pointers */
    struct roots rs = { 0 };
    collect_roots(r, &rs);
    finish_roots(&rs);

    char d[200], fname[160];
    api->printf(s, "%s\n", describe(r, x, d, sizeof d));
    rts_json_addr(pl, s, "address", x);
    const char *xroot = root_name(&rs, x);
    if (xroot) api->printf(s, "  is a root: %s\n", xroot);
    if (xroot) api->json_str(s, "root", xroot);

    size_t nref;
    const Edge *ref = edges_into(&g, x, &nref);
    api->printf(s, "%zu heap field%s point here%s\n", nref, nref == 1 ? "" : "s", nref ? ":" : "");
    api->json_begin_array(s, "referrers");
    for (size_t i = 0; i < nref && i < MAX_REFERRERS; i++) {
        api->printf(s, "  %s field %s\n", describe(r, ref[i].src, d, sizeof d),
                    slot_name(r, ref[i].src, ref[i].slot, fname, sizeof fname));
        api->json_begin_object(s, NULL);
        rts_json_addr(pl, s, "object", ref[i].src);
        api->json_str(s, "field", fname);
        api->json_end_object(s);
    }
    api->json_end_array(s);
    if (nref > MAX_REFERRERS) api->printf(s, "  ... and %zu more\n", nref - MAX_REFERRERS);

    /* See Note [Paths from roots] */
    struct search sr = { 0 };
    sr.hsize = 1u << 20;
    sr.hash = calloc(sr.hsize, sizeof *sr.hash);
    uint64_t found[MAX_PATHS];
    int nfound = 0;
    size_t head = 0;
    if (sr.hash) {
        add_visit(&sr, x, 0, 0);
        size_t level_end = sr.n;
        int depth = 0;
        if (xroot) found[nfound++] = x;
        while (head < sr.n && nfound < MAX_PATHS && depth < MAX_DEPTH) {
            uint64_t cur = sr.v[head].obj;
            size_t n;
            const Edge *in = edges_into(&g, cur, &n);
            for (size_t i = 0; i < n && nfound < MAX_PATHS; i++) {
                if (!add_visit(&sr, in[i].src, cur, in[i].slot)) continue;
                if (root_name(&rs, in[i].src)) found[nfound++] = in[i].src;
            }
            if (++head == level_end) { depth++; level_end = sr.n; }
        }
    }
    FILE *df = NULL;
    if (dotfile[0]) {
        df = fopen(dotfile, "w");
        if (!df) api->error(s, "Cannot write %s: %s.", dotfile, strerror(errno));
        else fprintf(df, "digraph findptr {\n  node [shape=box, fontname=monospace];\n");
    }
    if (df) dot_node(df, r, x, xroot, true);
    api->json_begin_array(s, "paths");
    if (!nfound)
        api->printf(s, "no path from a root found%s\n",
                    g.truncated ? " (heap too large: not every pointer was kept)" : " (unreachable, or reachable only from registers or unlisted static closures)");
    for (int i = 0; i < nfound; i++) {
        uint64_t p = found[i];
        api->printf(s, "path %d, from the %s:\n", i + 1, root_name(&rs, p));
        api->json_begin_object(s, NULL);
        api->json_str(s, "root", root_name(&rs, p));
        api->json_begin_array(s, "hops");
        for (int hop = 0; hop <= MAX_DEPTH; hop++) {
            long vi = find_visit(&sr, p);
            if (vi < 0) break;
            struct visit vv = sr.v[vi];
            describe(r, p, d, sizeof d);
            api->json_begin_object(s, NULL);
            rts_json_addr(pl, s, "object", p);
            if (p == x) {
                api->printf(s, "  %s%s\n", hop ? "-> " : "", d);
                api->json_end_object(s);
                break;
            }
            slot_name(r, p, vv.slot, fname, sizeof fname);
            api->json_str(s, "field", fname);
            api->json_end_object(s);
            api->printf(s, "  %s%s field %s\n", hop ? "-> " : "", d, fname);
            if (df) {
                dot_node(df, r, p, root_name(&rs, p), false);
                fprintf(df, "  \"0x%" PRIx64 "\" -> \"0x%" PRIx64 "\" [label=\"%s\"];\n", p, vv.next, fname);
            }
            p = vv.next;
        }
        api->json_end_array(s);
        api->json_end_object(s);
    }
    api->json_end_array(s);
    if (df) {
        fprintf(df, "}\n");
        fclose(df);
        api->printf(s, "wrote %s\n", dotfile);
    }
    hw_cache_end(r);
    free(sr.v);
    free(sr.hash);
    free(rs.r);
    free(g.e);
    return 0;
}

/* ==== registration ==== */

static void complete_flags(const char *const *flags, const char *text, void (*add)(const char *, void *), void *arg)
{
    for (; *flags; flags++)
        if (strncmp(*flags, text, strlen(text)) == 0) add(*flags, arg);
}

static void complete_census(struct rtsdb_session *s, const char *text, void (*add)(const char *, void *), void *arg,
                            void *state)
{
    static const char *const flags[] = { "--json", NULL };
    (void)s; (void)state;
    complete_flags(flags, text, add, arg);
}

static void complete_sanity(struct rtsdb_session *s, const char *text, void (*add)(const char *, void *), void *arg,
                            void *state)
{
    static const char *const flags[] = { "-n", NULL };
    (void)s; (void)state;
    complete_flags(flags, text, add, arg);
}

static void complete_findptr(struct rtsdb_session *s, const char *text, void (*add)(const char *, void *), void *arg,
                             void *state)
{
    static const char *const flags[] = { "--dot", NULL };
    (void)s; (void)state;
    complete_flags(flags, text, add, arg);
}

static const struct rtsdb_plugin_command heap_commands[] = {
    {.name = "rts census", .summary = "Count heap objects and bytes by closure type and generation.",
     .help = "rts census [--json]\nWalk every block of every generation, large-object list and nursery and\n"
             "count the closures in them: objects and bytes by closure type, per generation,\n"
             "with the nurseries in their own column (\"nursery\"), then the totals.",
     .fn = cmd_census, .complete = complete_census},
    {.name = "rts sanity", .summary = "Run the runtime's -DS heap checks from outside; report every violation.",
     .help = "rts sanity [-n MAX]\nCheck the heap of the stopped process or core as +RTS -DS would: block\n"
             "descriptors, info pointers, every pointer field (not 0xaa fill, not into a\n"
             "free block, not a forwarding pointer), the remembered set (an old object\n"
             "pointing at a younger one is on its mut list and not CLEAN), the mut lists,\n"
             "thread lists and MVar queues, weak lists, TSOs and stacks.  Every violation\n"
             "is one line naming the object, its generation, the field and the target;\n"
             "at most MAX are printed (default 1000, 0: all).",
     .fn = cmd_sanity, .complete = complete_sanity},
    {.name = "rts findptr", .summary = "Who points at an address: referrers and paths from the roots.",
     .help = "rts findptr ADDRESS [--dot FILE]\nList every heap object (and CAF) with a field holding ADDRESS, then the\n"
             "shortest paths to it from the roots (thread lists, run queues, running\n"
             "threads, mut lists, weak lists, the CAFs on the CAF lists, which are static\n"
             "closures; stacks' root frames through their TSO).\n"
             "--dot FILE writes the paths as a Graphviz graph.",
     .fn = cmd_findptr, .complete = complete_findptr},
};

void rts_heap_register(RtsPlugin *pl)
{
    rts_register_commands(pl, heap_commands, sizeof heap_commands / sizeof heap_commands[0]);
}
