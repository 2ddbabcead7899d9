/* rts_basic.c — the basic `rts ...` commands: info, threads, tso, mvar,
 * closure, bd, gens, mutlist, weak, cafs.
 *
 * Each command decodes through the shared decoders (rts/dbg/Decode.h),
 * prints the same text the in-process printers print, and gives the same
 * facts as structured data for --json.  Target memory is untrusted: every
 * walk is bounded and cycle-checked, a bad pointer is a one-line message.
 *
 * Must not depend on: runtime headers (only the ABI table, through the
 * decoders) or the debugger's internals (only rtsdb-plugin.h).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rts_plugin.h"

#define MAX_LIST 100000         /* bound on weak/CAF list walks */
#define MAX_SHOWN 1000          /* entries printed per mut list */

/* The target's CLOCK_MONOTONIC: a live process runs on this machine, so its
 * clock is ours; a core file has no clock (0: print raw times). */
static uint64_t target_now_ns(RtsPlugin *pl, struct rtsdb_session *s)
{
    if (!pl->api->is_live(s))
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void json_verdicts(RtsPlugin *pl, struct rtsdb_session *s, const DecVerdicts *v)
{
    pl->api->json_begin_array(s, "verdicts");
    for (int i = 0; i < v->n; i++)
        pl->api->json_str(s, NULL, v->text[i]);
    pl->api->json_end_array(s);
}

/* Note [The commands' prologue]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Every command here begins the same way, so the beginning is written
 * once.  rts info, gens, weak and cafs take no argument: show_runtime
 * opens the reader and calls the command's show function.  rts tso, mvar,
 * closure and bd show one object that their argument names:
 * show_one_object opens the reader, parses the argument (an address, or a
 * thread for rts tso), makes the text output and calls the command's show
 * function, which decodes the object with its shared decoder and prints it
 * as text and as JSON.  Each failure is the command's one-line error and
 * -1: the reader's and the parser's are printed where they arise, and a
 * decoder's reason (put in why by the show function, which then returns
 * -1) is printed as the decoder wrote it.  The cmd_* functions, by the
 * command table at the end, only bind a command to its show function.
 */

/* Shows what the whole runtime holds (generations, weak lists, ...); 0, or
 * -1 after a one-line error. */
typedef int (*show_runtime_fn)(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r);

/* A command without an argument (Note [The commands' prologue]). */
static int show_runtime(RtsPlugin *pl, struct rtsdb_session *s, show_runtime_fn show)
{
    AbiReader *r = rts_reader(pl, s);
    return r ? show(pl, s, r) : -1;
}

/* Parses a command's argument into an address: rts_parse_addr or
 * rts_parse_tso. */
typedef int (*parse_arg_fn)(RtsPlugin *pl, struct rtsdb_session *s, const char *arg, uint64_t *p);

/* Decodes the object at p and shows it on out and as JSON; 0, or -1 with
 * the decoder's one-line reason in why (nothing printed). */
typedef int (*show_object_fn)(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t p,
                              const DecodeOut *out, char *why, size_t whylen);

/* A one-object command (Note [The commands' prologue]). */
static int show_one_object(RtsPlugin *pl, struct rtsdb_session *s, const char *args, parse_arg_fn parse,
                           show_object_fn show)
{
    AbiReader *r = rts_reader(pl, s);
    uint64_t p;
    if (!r || parse(pl, s, args, &p) < 0)
        return -1;
    DecodeOut out = rts_out(pl, s);
    char why[200];
    if (show(pl, s, r, p, &out, why, sizeof why) < 0) {
        pl->api->error(s, "%s", why);
        return -1;
    }
    return 0;
}

/* Whether the generations are set up; false after a one-line error. */
static bool gens_ready(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    uint64_t gens = 0;
    if (dec_global_ptr(r, "generations", &gens) < 0 || !gens) {
        pl->api->error(s, "The generations are not set up yet (the runtime has not started).");
        return false;
    }
    return true;
}

/* What a walk over one list of closures carries; n counts the entries met. */
struct list_walk {
    RtsPlugin *pl;
    struct rtsdb_session *s;
    int n;
};

/* ---- rts info ---- */

static void info_flags(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    const struct rtsdb_api *api = pl->api;
    const AbiGlobal *g = abi_global(r, "RtsFlags");
    static const char *const fields[] = { "nCapabilities", "generations", "minAllocAreaSize", "giveStats",
                                          "ctxtSwitchTime_ns", "eventlog", "sanity", "zero_on_gc" };
    api->printf(s, "runtime flags:");
    api->json_begin_object(s, "flags");
    for (size_t i = 0; g && i < sizeof fields / sizeof fields[0]; i++) {
        uint64_t v;
        if (abi_get(r, g->addr, "RTS_FLAGS", fields[i], &v) < 0)
            continue;
        api->printf(s, " %s=%" PRIu64, fields[i], v);
        api->json_uint(s, fields[i], v);
    }
    api->json_end_object(s);
    api->printf(s, "%s\n", g ? "" : " (not in the table)");

    uint64_t inject = 0;
    api->printf(s, "injected bugs:");
    api->json_begin_array(s, "injected");
    int n = 0;
    if (g && abi_get(r, g->addr, "RTS_FLAGS", "inject", &inject) == 0)
        for (uint32_t i = 0; i < r->n_constants; i++) {
            const AbiConstant *k = &r->constants[i];
            if (strcmp(k->group, "inject") == 0 && k->value >= 0 && k->value < 64 && (inject >> k->value) & 1) {
                api->printf(s, " %s", k->name);
                api->json_str(s, NULL, k->name);
                n++;
            }
        }
    api->json_end_array(s);
    api->printf(s, "%s\n", n ? "" : " none");
}

static void info_capabilities(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    const struct rtsdb_api *api = pl->api;
    uint32_t n = dec_n_capabilities(r);
    api->printf(s, "capabilities: %u\n", n);
    api->json_begin_array(s, "capabilities");
    for (uint32_t i = 0; i < n; i++) {
        DecCap c;
        if (dec_cap(r, i, &c) < 0) {
            api->printf(s, "  cap %u: unreadable\n", i);
            continue;
        }
        DecTSO t;
        char why[200], cur[64] = "none";
        if (c.current_tso && dec_tso(r, c.current_tso, &t, why, sizeof why) == 0)
            snprintf(cur, sizeof cur, "ThreadId %" PRIu64, t.id);
        api->printf(s, "  cap %" PRIu64 ": running %s, %" PRIu64 " in run queue, %" PRIu64 " nursery blocks, %" PRIu64
                       " words allocated\n", c.no, cur, c.n_run_queue, c.n_nursery_blocks, c.total_allocated);
        api->json_begin_object(s, NULL);
        api->json_uint(s, "no", c.no);
        rts_json_addr(pl, s, "addr", c.addr);
        rts_json_addr(pl, s, "current_tso", c.current_tso);
        api->json_uint(s, "n_run_queue", c.n_run_queue);
        api->json_uint(s, "n_nursery_blocks", c.n_nursery_blocks);
        api->json_uint(s, "total_allocated", c.total_allocated);
        api->json_end_object(s);
    }
    api->json_end_array(s);
}

static void json_gen(RtsPlugin *pl, struct rtsdb_session *s, const DecGen *g)
{
    const struct rtsdb_api *api = pl->api;
    api->json_begin_object(s, NULL);
    api->json_uint(s, "no", g->no);
    api->json_uint(s, "n_blocks", g->n_blocks);
    api->json_uint(s, "n_words", g->n_words);
    api->json_uint(s, "n_large_blocks", g->n_large_blocks);
    api->json_uint(s, "max_blocks", g->max_blocks);
    api->json_uint(s, "collections", g->collections);
    api->json_uint(s, "par_collections", g->par_collections);
    api->json_end_object(s);
}

/* "rts gens" and the generations part of "rts info". */
static int show_gens(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, const char *indent)
{
    const struct rtsdb_api *api = pl->api;
    if (!gens_ready(pl, s, r))
        return -1;
    api->json_begin_array(s, "generations");
    for (uint32_t g = 0; g < dec_n_generations(r); g++) {
        DecGen d;
        if (dec_gen(r, g, &d) < 0) {
            api->printf(s, "%sgen %u: unreadable\n", indent, g);
            continue;
        }
        api->printf(s, "%sgen %u: %" PRIu64 " blocks (%" PRIu64 " words), %" PRIu64 " large blocks, max %" PRIu64
                       " blocks, %" PRIu64 " collections (%" PRIu64 " parallel)\n",
                    indent, g, d.n_blocks, d.n_words, d.n_large_blocks, d.max_blocks, d.collections,
                    d.par_collections);
        json_gen(pl, s, &d);
    }
    api->json_end_array(s);
    return 0;
}

static int show_info(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    const struct rtsdb_api *api = pl->api;
    api->printf(s, "debug-info ABI %u.%u at 0x%" PRIx64 ", runtime \"%s\"\n", r->abi_major, r->abi_minor,
                r->header_addr, r->build_id);
    api->json_uint(s, "abi_major", r->abi_major);
    api->json_uint(s, "abi_minor", r->abi_minor);
    rts_json_addr(pl, s, "table", r->header_addr);
    api->json_str(s, "build_id", r->build_id);
    api->json_bool(s, "live", api->is_live(s));
    info_flags(pl, s, r);
    info_capabilities(pl, s, r);
    uint64_t gens = 0;
    if (dec_global_ptr(r, "generations", &gens) == 0 && gens) {
        api->printf(s, "generations: %u\n", dec_n_generations(r));
        show_gens(pl, s, r, "  ");
    } else {
        api->printf(s, "generations: not set up yet (the runtime has not started)\n");
    }
    return 0;
}

static int show_all_gens(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    return show_gens(pl, s, r, "");
}

/* ---- threads ---- */

static void json_blocked_on(RtsPlugin *pl, struct rtsdb_session *s, const DecBlockedOn *b)
{
    const struct rtsdb_api *api = pl->api;
    api->json_begin_object(s, "blocked_on");
    rts_json_addr(pl, s, "closure", b->closure);
    api->json_str(s, "type", b->type);
    api->json_str(s, "gen", b->gen);
    if (b->is_mvar)
        api->json_str(s, "mvar_state", b->mvar_state);
    if (b->blackhole) {
        rts_json_addr(pl, s, "blackhole", b->blackhole);
        rts_json_addr(pl, s, "owner", b->owner);
        if (b->owner)
            api->json_uint(s, "owner_id", b->owner_id);
    }
    api->json_end_object(s);
}

/* The fields every thread listing shares. */
static void json_thread(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, const DecTSO *t, uint64_t now)
{
    const struct rtsdb_api *api = pl->api;
    char gen[16];
    rts_json_addr(pl, s, "tso", t->addr);
    api->json_str(s, "gen", dec_gen_suffix(r, t->addr, gen, sizeof gen));
    api->json_uint(s, "id", t->id);
    api->json_int(s, "cap", t->cap_no);
    api->json_str(s, "what_next", t->what_next_name);
    api->json_str(s, "why_blocked", t->why_blocked_name);
    if (t->why_blocked) {
        DecBlockedOn b;
        dec_blocked_on(r, t, &b);
        json_blocked_on(pl, s, &b);
        api->json_uint(s, "blocked_since_ns", t->blocked_since_ns);
        if (now && t->blocked_since_ns && now >= t->blocked_since_ns)
            api->json_uint(s, "blocked_for_ns", now - t->blocked_since_ns);
    }
}

/* A set of addresses (open addressing), to see a cycle in a list the
 * first time an entry comes round again. */
struct addr_set {
    uint64_t *slots;
    size_t cap, n;
};

/* Add p; false if it was already there (or memory ran out). */
static bool addr_set_add(struct addr_set *set, uint64_t p)
{
    if (2 * (set->n + 1) > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 1024;
        uint64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i])
                for (size_t h = (set->slots[i] >> 3) & (cap - 1);; h = (h + 1) & (cap - 1))
                    if (!slots[h]) {
                        slots[h] = set->slots[i];
                        break;
                    }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    for (size_t h = (p >> 3) & (set->cap - 1);; h = (h + 1) & (set->cap - 1)) {
        if (set->slots[h] == p)
            return false;
        if (!set->slots[h]) {
            set->slots[h] = p;
            set->n++;
            return true;
        }
    }
}

struct thread_walk {
    RtsPlugin *pl;
    struct rtsdb_session *s;
    bool blocked_only;
    uint64_t now;
    int shown;
    long limit;                 /* -n: at most this many lines; 0 = all */
    long more;                  /* threads past the limit (counted, not shown) */
    DecodeOut out;
    struct addr_set seen;
};

static bool list_thread(AbiReader *r, uint64_t tso, void *arg)
{
    struct thread_walk *w = arg;
    DecTSO t;
    char why[200];
    if (!addr_set_add(&w->seen, tso)) {
        w->pl->api->printf(w->s, "verdict: the thread list has a cycle at TSO 0x%" PRIx64 "\n", tso);
        return false;
    }
    if (dec_tso(r, tso, &t, why, sizeof why) < 0) {
        w->pl->api->printf(w->s, "bad thread on the thread list: %s\n", why);
        return false;
    }
    if (w->blocked_only && !t.why_blocked)
        return true;
    if (w->limit > 0 && w->shown >= w->limit) {
        w->more++;
        return true;
    }
    dec_print_thread_line(r, &t, &w->out, w->now);
    w->pl->api->json_begin_object(w->s, NULL);
    json_thread(w->pl, w->s, r, &t, w->now);
    w->pl->api->json_end_object(w->s);
    w->shown++;
    return true;
}

static int cmd_threads(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    static const char usage[] = "Usage: rts threads [-b] [-n N]  (-b: blocked threads only; "
                                "-n: the first N, 0 = all)";
    bool blocked_only = false;
    long limit = 0;
    for (args = rts_skip_blanks(args); *args; args = rts_skip_blanks(args)) {
        if (strncmp(args, "-b", 2) == 0 && (args[2] == '\0' || isspace((unsigned char)args[2]))) {
            blocked_only = true;
            args += 2;
        } else if (strncmp(args, "-n", 2) == 0 && (args[2] == '\0' || isspace((unsigned char)args[2]))) {
            char *end;
            args = rts_skip_blanks(args + 2);
            errno = 0;
            limit = strtol(args, &end, 10);
            if (end == args || errno || limit < 0 || (*end && !isspace((unsigned char)*end))) {
                api->error(s, "-n takes a number of threads.  %s", usage);
                return -1;
            }
            args = end;
        } else {
            api->error(s, "%s", usage);
            return -1;
        }
    }
    AbiReader *r = rts_reader(pl, s);
    if (!r)
        return -1;
    struct thread_walk w = { pl, s, blocked_only, target_now_ns(pl, s), 0, limit, 0,
                             rts_out(pl, s), { NULL, 0, 0 } };
    api->json_begin_array(s, "threads");
    int n = dec_for_each_thread(r, list_thread, &w);
    api->json_end_array(s);
    free(w.seen.slots);
    if (n < 0) {
        api->error(s, "No thread list (the runtime has not started).");
        return -1;
    }
    if (w.shown == 0)
        api->printf(s, "No %sthreads.\n", blocked_only ? "blocked " : "");
    if (w.more > 0)
        api->printf(s, "... and %ld more (rts threads -n 0 lists them all)\n", w.more);
    api->json_int(s, "more", w.more);
    return 0;
}

static int show_tso(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t p, const DecodeOut *out,
                    char *why, size_t whylen)
{
    const struct rtsdb_api *api = pl->api;
    DecTSO t;
    if (dec_tso(r, p, &t, why, whylen) < 0)
        return -1;
    uint64_t now = target_now_ns(pl, s);
    DecVerdicts v;
    dec_tso_verdicts(r, &t, &v);
    dec_show_tso(r, &t, &v, out, now);
    json_thread(pl, s, r, &t, now);
    rts_json_addr(pl, s, "_link", t.link);
    rts_json_addr(pl, s, "global_link", t.global_link);
    rts_json_addr(pl, s, "stackobj", t.stackobj);
    rts_json_addr(pl, s, "bq", t.bq);
    rts_json_addr(pl, s, "mvar_value", t.mvar_value);
    rts_json_addr(pl, s, "cap_addr", t.cap);
    rts_json_addr(pl, s, "ctx", t.ctx);
    rts_json_addr(pl, s, "block_info", t.block_info);
    api->json_uint(s, "flags", t.flags);
    api->json_uint(s, "dirty", t.dirty);
    api->json_uint(s, "saved_errno", t.saved_errno);
    api->json_uint(s, "tot_stack_size", t.tot_stack_size);
    json_verdicts(pl, s, &v);
    return 0;
}

static void complete_threads(struct rtsdb_session *s, const char *text, void (*add)(const char *cand, void *arg),
                             void *arg, void *state)
{
    (void)s;
    (void)state;
    if (strncmp("-b", text, strlen(text)) == 0)
        add("-b", arg);
    if (strncmp("-n", text, strlen(text)) == 0)
        add("-n", arg);
}

/* ---- MVars, closures, blocks ---- */

static int show_mvar(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t p, const DecodeOut *out,
                     char *why, size_t whylen)
{
    const struct rtsdb_api *api = pl->api;
    DecMVar m;
    if (dec_mvar(r, p, &m, why, whylen) < 0)
        return -1;
    dec_show_mvar(r, &m, out);
    static const char *const ends[] = { "END", "cycle", "bad node", "too long" };
    rts_json_addr(pl, s, "mvar", m.addr);
    api->json_str(s, "gen", m.gen);
    api->json_str(s, "state", m.state);
    api->json_bool(s, "full", m.full);
    if (m.full) {
        rts_json_addr(pl, s, "value", m.value);
        api->json_str(s, "value_gen", m.value_gen);
        api->json_str(s, "value_type", m.value_type);
    }
    rts_json_addr(pl, s, "head", m.head);
    rts_json_addr(pl, s, "tail", m.tail);
    api->json_begin_array(s, "queue");
    for (uint32_t i = 0; i < m.n_nodes && i < DEC_MVAR_MAX_NODES && m.nodes[i].node; i++) {
        const DecMVarNode *nd = &m.nodes[i];
        api->json_begin_object(s, NULL);
        rts_json_addr(pl, s, "node", nd->node);
        api->json_str(s, "gen", nd->node_gen);
        rts_json_addr(pl, s, "tso", nd->tso);
        api->json_str(s, "tso_gen", nd->tso_gen);
        api->json_uint(s, "id", nd->tso_id);
        api->json_str(s, "why_blocked", nd->why_blocked_name);
        rts_json_addr(pl, s, "block_info", nd->block_info);
        api->json_end_object(s);
    }
    api->json_end_array(s);
    api->json_str(s, "queue_end", ends[m.queue_end]);
    json_verdicts(pl, s, &m.verdicts);
    dec_mvar_free(&m);
    return 0;
}

static int show_closure(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t p, const DecodeOut *out,
                        char *why, size_t whylen)
{
    const struct rtsdb_api *api = pl->api;
    DecClosure c;
    char gen[16];
    if (dec_closure(r, p, &c, why, whylen) < 0)
        return -1;
    dec_show_closure(r, &c, out);
    rts_json_addr(pl, s, "closure", p);
    api->json_str(s, "gen", dec_gen_suffix(r, p, gen, sizeof gen));
    rts_json_addr(pl, s, "info", c.info);
    if (c.forwarded) {
        rts_json_addr(pl, s, "forwarded_to", c.forward_to);
        return 0;
    }
    api->json_str(s, "info_name", c.it->name);
    api->json_str(s, "type", c.type_name);
    api->json_uint(s, "ptrs", c.it->ptrs);
    api->json_uint(s, "nptrs", c.it->nptrs);
    api->json_begin_array(s, "payload");
    for (uint32_t i = 0; i < c.it->ptrs + c.it->nptrs && i < 16; i++) {
        uint64_t w;
        if (abi_read(r, p + 8 + 8 * (uint64_t)i, &w, 8) < 0)
            break;
        char t[96], g[16];
        api->json_begin_object(s, NULL);
        rts_json_addr(pl, s, "word", w);
        api->json_bool(s, "pointer", i < c.it->ptrs);
        if (i < c.it->ptrs) {
            api->json_str(s, "gen", dec_gen_suffix(r, w, g, sizeof g));
            api->json_str(s, "type", dec_type_of(r, w, t, sizeof t));
        }
        api->json_end_object(s);
    }
    api->json_end_array(s);
    return 0;
}

static int show_bdescr(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t p, const DecodeOut *out,
                       char *why, size_t whylen)
{
    const struct rtsdb_api *api = pl->api;
    DecBdescr b;
    if (dec_bdescr(r, p, &b, why, whylen) < 0)
        return -1;
    dec_show_bdescr(&b, p, out);
    rts_json_addr(pl, s, "bdescr", b.bd);
    rts_json_addr(pl, s, "start", b.start);
    rts_json_addr(pl, s, "free", b.free);
    rts_json_addr(pl, s, "link", b.link);
    api->json_uint(s, "gen_no", b.gen_no);
    api->json_uint(s, "dest_no", b.dest_no);
    api->json_uint(s, "blocks", b.blocks);
    api->json_uint(s, "flags", b.flags);
    api->json_str(s, "flag_names", b.flag_names);
    api->json_bool(s, "nursery", b.nursery);
    return 0;
}

/* ---- mut lists ---- */

static bool show_mut_entry(AbiReader *r, const DecMutEntry *me, void *arg)
{
    struct list_walk *w = arg;
    uint64_t e = me->entry;
    const struct rtsdb_api *api = w->pl->api;
    if (w->n++ >= MAX_SHOWN)
        return true;            /* counted, not shown */
    char g[16], t[96];
    dec_gen_suffix(r, e, g, sizeof g);
    dec_type_of(r, e, t, sizeof t);
    api->printf(w->s, "    0x%" PRIx64 "%s %s\n", e, g, t);
    api->json_begin_object(w->s, NULL);
    rts_json_addr(w->pl, w->s, "closure", e);
    api->json_str(w->s, "gen", g);
    api->json_str(w->s, "type", t);
    api->json_end_object(w->s);
    return true;
}

static int cmd_mutlist(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    if (!r)
        return -1;
    uint32_t ngens = dec_n_generations(r), ncaps = dec_n_capabilities(r);
    uint32_t first = 1, last = ngens ? ngens - 1 : 0;
    args = rts_skip_blanks(args);
    if (*args) {
        char *end;
        unsigned long g = strtoul(args, &end, 10);
        if (end == args || *rts_skip_blanks(end) || g >= ngens) {
            api->error(s, "Usage: rts mutlist [GEN]  (GEN from 0 to %u)", ngens ? ngens - 1 : 0);
            return -1;
        }
        first = last = (uint32_t)g;
    }
    if (ncaps == 0) {
        api->error(s, "No capabilities (the runtime has not started).");
        return -1;
    }
    api->json_begin_array(s, "mut_lists");
    for (uint32_t c = 0; c < ncaps; c++)
        for (uint32_t g = first; g <= last && g < ngens; g++) {
            api->json_begin_object(s, NULL);
            api->json_uint(s, "cap", c);
            api->json_uint(s, "gen", g);
            api->printf(s, "cap %u, gen %u:\n", c, g);
            struct list_walk w = { pl, s, 0 };
            api->json_begin_array(s, "entries");
            int n = dec_for_each_mut_entry(r, c, g, show_mut_entry, &w, NULL);
            api->json_end_array(s);
            if (n < 0)
                api->printf(s, "    (unreadable)\n");
            else if (n == 0)
                api->printf(s, "    (empty)\n");
            else if (n > MAX_SHOWN)
                api->printf(s, "    ... %d more\n", n - MAX_SHOWN);
            api->json_int(s, "count", n);
            api->json_end_object(s);
        }
    api->json_end_array(s);
    return 0;
}

static void complete_mutlist(struct rtsdb_session *s, const char *text, void (*add)(const char *cand, void *arg),
                             void *arg, void *state)
{
    RtsPlugin *pl = state;
    if (!pl->reader_open)
        return;
    uint32_t n = dec_n_generations(&pl->reader);
    (void)s;
    for (uint32_t g = 0; g < n; g++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%u", g);
        if (strncmp(buf, text, strlen(text)) == 0)
            add(buf, arg);
    }
}

/* ---- weak pointers ---- */

static bool show_weak(AbiReader *r, uint64_t p, void *arg)
{
    struct list_walk *w = arg;
    const struct rtsdb_api *api = w->pl->api;
    DecWeak wk;
    char why[200];
    if (dec_weak(r, p, &wk, why, sizeof why) < 0) {
        api->printf(w->s, "    %s\n", why);
        return false;
    }
    char kg[16], kt[96], vg[16], vt[96], ft[96];
    dec_gen_suffix(r, wk.key, kg, sizeof kg);
    dec_type_of(r, wk.key, kt, sizeof kt);
    dec_gen_suffix(r, wk.value, vg, sizeof vg);
    dec_type_of(r, wk.value, vt, sizeof vt);
    dec_type_of(r, wk.finalizer, ft, sizeof ft);
    api->printf(w->s, "    0x%" PRIx64 "%s %s: key 0x%" PRIx64 "%s (%s), value 0x%" PRIx64 "%s (%s), finalizer 0x%" PRIx64
                      " (%s)\n", p, wk.gen, wk.dead ? "dead" : "alive", wk.key, kg, kt, wk.value, vg, vt,
                wk.finalizer, ft);
    bool bad_key = !wk.dead && (strcmp(kt, "bad") == 0 || strncmp(kt, "forwarded", 9) == 0);
    if (bad_key)
        api->printf(w->s, "      verdict: the key of a live weak is %s\n",
                    kt[0] == 'b' ? "not a closure (dangling)" : "a forwarding pointer (stale after GC)");
    api->json_begin_object(w->s, NULL);
    rts_json_addr(w->pl, w->s, "weak", p);
    api->json_str(w->s, "gen", wk.gen);
    api->json_bool(w->s, "dead", wk.dead);
    rts_json_addr(w->pl, w->s, "key", wk.key);
    api->json_str(w->s, "key_type", kt);
    rts_json_addr(w->pl, w->s, "value", wk.value);
    api->json_str(w->s, "value_type", vt);
    rts_json_addr(w->pl, w->s, "finalizer", wk.finalizer);
    rts_json_addr(w->pl, w->s, "cfinalizers", wk.cfinalizers);
    api->json_bool(w->s, "bad_key", bad_key);
    api->json_end_object(w->s);
    w->n++;
    return true;
}

/* One weak list: a generation's or a capability's (not yet collected). */
static void show_weak_list(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, const char *what, uint64_t first)
{
    const struct rtsdb_api *api = pl->api;
    api->printf(s, "%s:\n", what);
    api->json_begin_object(s, NULL);
    api->json_str(s, "list", what);
    api->json_begin_array(s, "weaks");
    struct list_walk w = { pl, s, 0 };
    char problem[256];
    dec_walk_list(r, first, "StgWeak", "link", 0, MAX_LIST, show_weak, &w, problem, sizeof problem);
    api->json_end_array(s);
    if (problem[0]) {
        api->printf(s, "    verdict: %s\n", problem);
        api->json_str(s, "problem", problem);
    } else if (w.n == 0) {
        api->printf(s, "    (empty)\n");
    }
    api->json_end_object(s);
}

static int show_weak_lists(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    const struct rtsdb_api *api = pl->api;
    if (!gens_ready(pl, s, r))
        return -1;
    api->json_begin_array(s, "weak_lists");
    for (uint32_t g = 0; g < dec_n_generations(r); g++) {
        DecGen d;
        char what[64];
        snprintf(what, sizeof what, "gen %u weak_ptr_list", g);
        if (dec_gen(r, g, &d) == 0)
            show_weak_list(pl, s, r, what, d.weak_ptr_list);
    }
    for (uint32_t c = 0; c < dec_n_capabilities(r); c++) {
        DecCap cap;
        char what[64];
        snprintf(what, sizeof what, "cap %u new weaks", c);
        if (dec_cap(r, c, &cap) == 0)
            show_weak_list(pl, s, r, what, cap.weak_ptr_list_hd);
    }
    api->json_end_array(s);
    return 0;
}

/* ---- CAFs ---- */

/* Note [The CAF list global]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Evaluated CAFs are chained through StgIndStatic.static_link from a list
 * head the runtime exports in the ABI table's globals.  GHC keeps several
 * such lists (dyn_caf_list, debug_caf_list, revertible_caf_list); the first
 * of these names the table has is used (this runtime exports dyn_caf_list,
 * rts/CAF.h), and a runtime that exports none gets a one-line error.  The
 * list ends with the constant END_OF_CAF_LIST (1, as in GHC).
 */
static const char *const caf_list_names[] = { "dyn_caf_list", "debug_caf_list", "revertible_caf_list" };

static void show_caf(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t p)
{
    const struct rtsdb_api *api = pl->api;
    DecClosure c;
    char why[200];
    api->json_begin_object(s, NULL);
    rts_json_addr(pl, s, "caf", p);
    if (dec_closure(r, p, &c, why, sizeof why) < 0 || c.forwarded) {
        api->printf(s, "  0x%" PRIx64 ": %s\n", p, c.forwarded ? "forwarding pointer (a static closure cannot move)" : why);
        api->json_str(s, "error", c.forwarded ? "forwarding pointer" : why);
        api->json_end_object(s);
        return;
    }
    uint64_t saved = 0, ind = 0;
    abi_get(r, p, "StgIndStatic", "saved_info", &saved);
    abi_get(r, p, "StgIndStatic", "indirectee", &ind);
    char name[96] = "?";
    const AbiInfo *si = saved ? abi_info(r, saved) : NULL;
    if (si)
        snprintf(name, sizeof name, "%s", si->name);
    bool evaluated = strcmp(c.type_name, "IND_STATIC") == 0;
    api->json_str(s, "info_name", c.it->name);
    api->json_str(s, "saved_info", name);
    api->json_bool(s, "evaluated", evaluated);
    if (!evaluated) {
        api->printf(s, "  0x%" PRIx64 " (%s): %s\n", p, name,
                    strcmp(c.type_name, "WHITEHOLE") == 0 ? "being claimed (WHITEHOLE)" : "not evaluated");
        api->json_end_object(s);
        return;
    }
    char g[16], t[96];
    dec_gen_suffix(r, ind, g, sizeof g);
    dec_type_of(r, ind, t, sizeof t);
    rts_json_addr(pl, s, "indirectee", ind);
    api->json_str(s, "indirectee_type", t);
    if (strstr(t, "BLACKHOLE")) {
        /* under evaluation: the blackhole's indirectee is its owner */
        uint64_t owner = 0, id = 0;
        abi_get(r, ind, "StgInd", "indirectee", &owner);
        if (strncmp(dec_type_of(r, owner, t, sizeof t), "stg_BLOCKING_QUEUE", 18) == 0)
            abi_get(r, owner, "StgBlockingQueue", "owner", &owner);
        bool known = strcmp(dec_type_of(r, owner, t, sizeof t), "stg_TSO_info") == 0 &&
                     abi_get(r, owner, "StgTSO", "id", &id) == 0;
        if (known) {
            api->printf(s, "  0x%" PRIx64 " (%s): being evaluated by ThreadId %" PRIu64 " (blackhole 0x%" PRIx64 "%s)\n",
                        p, name, id, ind, g);
            api->json_uint(s, "owner_id", id);
        } else {
            api->printf(s, "  0x%" PRIx64 " (%s): being evaluated (blackhole 0x%" PRIx64 "%s)\n", p, name, ind, g);
        }
    } else {
        api->printf(s, "  0x%" PRIx64 " (%s): evaluated -> 0x%" PRIx64 "%s (%s)\n", p, name, ind, g, t);
    }
    api->json_end_object(s);
}

static int show_cafs(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r)
{
    const struct rtsdb_api *api = pl->api;
    /* See Note [The CAF list global] */
    const AbiGlobal *g = NULL;
    for (size_t i = 0; !g && i < sizeof caf_list_names / sizeof caf_list_names[0]; i++)
        g = abi_global(r, caf_list_names[i]);
    if (!g) {
        api->error(s, "This runtime's debug-info table exports no CAF list (global dyn_caf_list): cannot list CAFs.");
        return -1;
    }
    uint64_t p = 0;
    if (dec_global_ptr(r, g->name, &p) < 0) {
        api->error(s, "Cannot read the CAF list head %s at 0x%" PRIx64 ".", g->name, g->addr);
        return -1;
    }
    api->printf(s, "CAFs on %s:\n", g->name);
    api->json_str(s, "list", g->name);
    api->json_begin_array(s, "cafs");
    const AbiField *lf = abi_field(r, "StgIndStatic", "static_link");
    int64_t end = 1;
    abi_constant(r, "geometry", "END_OF_CAF_LIST", &end);
    int n = 0;
    uint64_t saved = 0;
    int power = 1, lam = 0;
    for (; p && p != (uint64_t)end && n < MAX_LIST; n++) {
        if (p == saved) {
            api->printf(s, "  verdict: the CAF list has a cycle at 0x%" PRIx64 "\n", p);
            break;
        }
        show_caf(pl, s, r, p);
        if (++lam == power) { saved = p; power *= 2; lam = 0; }
        uint64_t next = 0;
        if (!lf || abi_read_field(r, p, lf, &next) < 0) {
            api->printf(s, "  verdict: cannot read static_link of 0x%" PRIx64 "\n", p);
            break;
        }
        p = next;
    }
    api->json_end_array(s);
    if (n == 0)
        api->printf(s, "  (none)\n");
    return 0;
}

/* ---- the commands, bound to their show functions (Note [The commands'
 * prologue]) ---- */

static int cmd_info(struct rtsdb_session *s, const char *args, void *pl)
{
    (void)args;
    return show_runtime(pl, s, show_info);
}

static int cmd_gens(struct rtsdb_session *s, const char *args, void *pl)
{
    (void)args;
    return show_runtime(pl, s, show_all_gens);
}

static int cmd_weak(struct rtsdb_session *s, const char *args, void *pl)
{
    (void)args;
    return show_runtime(pl, s, show_weak_lists);
}

static int cmd_cafs(struct rtsdb_session *s, const char *args, void *pl)
{
    (void)args;
    return show_runtime(pl, s, show_cafs);
}

static int cmd_tso(struct rtsdb_session *s, const char *args, void *pl)
{
    return show_one_object(pl, s, args, rts_parse_tso, show_tso);
}

static int cmd_mvar(struct rtsdb_session *s, const char *args, void *pl)
{
    return show_one_object(pl, s, args, rts_parse_addr, show_mvar);
}

static int cmd_closure(struct rtsdb_session *s, const char *args, void *pl)
{
    return show_one_object(pl, s, args, rts_parse_addr, show_closure);
}

static int cmd_bd(struct rtsdb_session *s, const char *args, void *pl)
{
    return show_one_object(pl, s, args, rts_parse_addr, show_bdescr);
}

/* ---- registration ---- */

static const struct rtsdb_plugin_command basic_commands[] = {
    {.name = "rts info", .summary = "Runtime: ABI version, flags, injected bugs, capabilities, generations.",
     .help = "rts info\nShow the runtime's debug-info ABI version and build id, the runtime flags in\n"
             "force, the bugs switched back on with --inject, each capability (running\n"
             "thread, run queue, nursery) and each generation.",
     .fn = cmd_info},
    {.name = "rts threads", .summary = "List every Haskell thread (TSO) with its state.",
     .help = "rts threads [-b] [-n N]\nList every TSO: thread id, address@generation, capability, and either its\n"
             "state or why it is blocked and on what (the MVar with CLEAN/DIRTY and its\n"
             "generation, the blackhole and the thread that owns it), and for how long.\n"
             "-b lists blocked threads only; -n N the first N of them (0: all, the default)\n"
             "and how many more there are.",
     .fn = cmd_threads, .complete = complete_threads},
    {.name = "rts tso", .summary = "Show a thread's TSO, decoded, with inconsistencies.",
     .help = "rts tso THREAD\nTHREAD is a thread id (#N or N) or the TSO's address or an expression.\n"
             "Prints every field decoded and states inconsistencies in words: blocked on\n"
             "an MVar it is not queued on, queued on an MVar its block_info does not name.",
     .fn = cmd_tso, .complete = rts_complete_tso},
    {.name = "rts mvar", .summary = "Show an MVar: CLEAN/DIRTY, value, queue, broken invariants.",
     .help = "rts mvar ADDRESS\nPrint an MVar: its header (CLEAN/DIRTY), value, head/tail and the queue of\n"
             "blocked threads as 0x...@1 -> 0x...@0 -> END with each node's TSO and state.\n"
             "@n marks a nursery block, @0 a gen-0 aging block, @1 generation 1.  A broken\n"
             "invariant is stated as a verdict (e.g. a missing write barrier).",
     .fn = cmd_mvar},
    {.name = "rts closure", .summary = "Show any heap or static closure by its info table.",
     .help = "rts closure ADDRESS\nDecode the closure at ADDRESS by its info table: name, closure type,\n"
             "generation, and its payload (pointers with their generation and type).",
     .fn = cmd_closure},
    {.name = "rts bd", .summary = "Show the block descriptor of an address.",
     .help = "rts bd ADDRESS\nShow the block descriptor of the block holding ADDRESS: start, free,\n"
             "link, generation, destination, flags by name, and nursery or not.",
     .fn = cmd_bd},
    {.name = "rts gens", .summary = "Show each generation's size and collections.",
     .help = "rts gens\nShow each generation: blocks, words, large blocks, limit, collections.",
     .fn = cmd_gens},
    {.name = "rts mutlist", .summary = "Show each capability's mut lists (remembered sets).",
     .help = "rts mutlist [GEN]\nShow each capability's mut list entries for generation GEN (default: every\n"
             "generation above 0), each decoded as address@generation and type.",
     .fn = cmd_mutlist, .complete = complete_mutlist},
    {.name = "rts weak", .summary = "Show the weak pointer lists: key, value, finalizer, dead or alive.",
     .help = "rts weak\nShow each generation's weak pointer list and each capability's new weaks:\n"
             "key, value and finalizer decoded, dead (finalized) or alive, and a verdict\n"
             "when a live weak's key is not a valid closure.",
     .fn = cmd_weak},
    {.name = "rts cafs", .summary = "Show the CAF list: evaluated or not, and what each points at.",
     .help = "rts cafs\nShow the CAFs on the runtime's CAF list: evaluated (and to what), under\n"
             "evaluation (and by which thread), or not evaluated.",
     .fn = cmd_cafs},
};

void rts_basic_register(RtsPlugin *pl)
{
    rts_register_commands(pl, basic_commands, sizeof basic_commands / sizeof basic_commands[0]);
}
