/* rts_decode_all.c — every runtime-aware decoder over one image
 * (rts_decode_all.h): the rts/dbg decoders called directly, then the
 * plugin's memory-decoding commands through a fake debugger API. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rts_decode_all.h"
#include "Check.h"
#include "Decode.h"
#include "Events.h"
#include "HeapWalk.h"
#include "rts_plugin.h"

#define MAX_THREADS 16
#define MAX_MVARS 16

/* ---- the output sink: formatted, then dropped ---- */

static void null_emit(void *ctx, const char *text)
{
    size_t *bytes = ctx;
    *bytes += strlen(text);
}

static size_t out_bytes;
static const DecodeOut null_out = { null_emit, &out_bytes };

/* ---- a fake debugger whose target is the image (like a core file) ---- */

static abi_read_fn target_read;
static void *target_ctx;
static uint64_t target_header;
static char session_tag;
#define SESSION ((struct rtsdb_session *)&session_tag)

static int fake_read_memory(struct rtsdb_session *s, uint64_t addr, void *buf, size_t len)
{
    (void)s;
    return target_read(target_ctx, addr, buf, len);
}

static int fake_write_memory(struct rtsdb_session *s, uint64_t addr, const void *buf, size_t len)
{
    (void)s; (void)addr; (void)buf; (void)len;
    return -EPERM;                      /* a core file */
}

static int fake_get_regs(struct rtsdb_session *s, pid_t tid, struct user_regs_struct *regs)
{
    (void)s; (void)tid;
    memset(regs, 0, sizeof *regs);
    return -ESRCH;
}

static bool fake_is_live(struct rtsdb_session *s) { (void)s; return false; }
static pid_t fake_current_tid(struct rtsdb_session *s) { (void)s; return 1; }

static int fake_threads(struct rtsdb_session *s, pid_t *tids, int *nums, int max)
{
    (void)s;
    if (max < 1) return 0;
    tids[0] = 1;
    nums[0] = 1;
    return 1;
}

static bool fake_lookup_symbol(struct rtsdb_session *s, const char *name, uint64_t *addr, uint64_t *size)
{
    (void)s;
    if (strcmp(name, "rts_debug_abi") != 0) return false;
    *addr = target_header;
    if (size) *size = 0;
    return true;
}

static bool fake_symbolize(struct rtsdb_session *s, uint64_t addr, char *buf, size_t len)
{
    (void)s; (void)addr; (void)buf; (void)len;
    return false;
}

static int fake_backtrace(struct rtsdb_session *s, const struct user_regs_struct *regs, int max)
{
    (void)s; (void)regs; (void)max;
    return 0;
}

static void fake_printf(struct rtsdb_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fake_printf(struct rtsdb_session *s, const char *fmt, ...)
{
    (void)s;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out_bytes += n > 0 ? (size_t)n : 0;
}

static bool fake_json_mode(struct rtsdb_session *s) { (void)s; return false; }
static void fake_json_str(struct rtsdb_session *s, const char *k, const char *v) { (void)s; (void)k; out_bytes += strlen(v); }
static void fake_json_int(struct rtsdb_session *s, const char *k, long long v) { (void)s; (void)k; (void)v; }
static void fake_json_uint(struct rtsdb_session *s, const char *k, unsigned long long v) { (void)s; (void)k; (void)v; }
static void fake_json_bool(struct rtsdb_session *s, const char *k, bool v) { (void)s; (void)k; (void)v; }
static void fake_json_key(struct rtsdb_session *s, const char *k) { (void)s; (void)k; }
static void fake_json_end(struct rtsdb_session *s) { (void)s; }

#define MAX_COMMANDS 64
static struct { const char *name; rtsdb_cmd_fn fn; void *state; } commands[MAX_COMMANDS];
static size_t n_commands;

static int fake_register_command(struct rtsdb_session *s, const struct rtsdb_plugin_command *cmd, void *state)
{
    (void)s;
    if (n_commands == MAX_COMMANDS) return -1;
    commands[n_commands].name = cmd->name;
    commands[n_commands].fn = cmd->fn;
    commands[n_commands].state = state;
    n_commands++;
    return 0;
}

static int fake_register_watch(struct rtsdb_session *s, const struct rtsdb_plugin_watch *w, void *state)
{
    (void)s; (void)w; (void)state;
    return 0;
}

static int fake_execute(struct rtsdb_session *s, const char *line) { (void)s; (void)line; return -1; }
static int fake_resume(struct rtsdb_session *s) { (void)s; return 1; }

static int fake_evaluate(struct rtsdb_session *s, const char *expr, uint64_t *v, char *err, size_t errlen)
{
    (void)s; (void)expr; (void)v;
    snprintf(err, errlen, "no expressions in the fuzzer");
    return -1;
}

static int fake_add_trap(struct rtsdb_session *s, uint64_t addr) { (void)s; (void)addr; return -ENOSYS; }
static void fake_remove_trap(struct rtsdb_session *s, int h) { (void)s; (void)h; }

static const struct rtsdb_api fake_api = {
    .version = RTSDB_PLUGIN_API_VERSION,
    .size = sizeof(struct rtsdb_api),
    .session = SESSION,
    .read_memory = fake_read_memory,
    .write_memory = fake_write_memory,
    .get_regs = fake_get_regs,
    .is_live = fake_is_live,
    .current_tid = fake_current_tid,
    .threads = fake_threads,
    .lookup_symbol = fake_lookup_symbol,
    .symbolize = fake_symbolize,
    .backtrace_from_regs = fake_backtrace,
    .printf = fake_printf,
    .error = fake_printf,
    .json_mode = fake_json_mode,
    .json_str = fake_json_str,
    .json_int = fake_json_int,
    .json_uint = fake_json_uint,
    .json_bool = fake_json_bool,
    .json_begin_object = fake_json_key,
    .json_end_object = fake_json_end,
    .json_begin_array = fake_json_key,
    .json_end_array = fake_json_end,
    .register_command = fake_register_command,
    .register_watch = fake_register_watch,
    .execute = fake_execute,
    .resume_and_wait = fake_resume,
    .evaluate = fake_evaluate,
    .add_trap = fake_add_trap,
    .remove_trap = fake_remove_trap,
};

/* The plugin's entry point (commands/rts_plugin.c). */
int rtsdb_plugin_init(const struct rtsdb_api *api, void **plugin_state);

/* rts_plugin.c refers to the command groups weakly (Note [Command groups
 * written in parallel]): from an archive they are linked only if something
 * refers to them strongly, as here. */
__attribute__((used)) static void (*const command_groups[])(RtsPlugin *) = {
    rts_basic_register, rts_heap_register, rts_events_register, rts_trace_register, rts_bt_register,
    rts_watch_register,
};

static RtsPlugin *plugin;

static void run_command(RtsDecodeStats *st, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void run_command(RtsDecodeStats *st, const char *name, const char *fmt, ...)
{
    char args[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(commands[i].name, name) == 0) {
            commands[i].fn(SESSION, args, commands[i].state);
            st->commands++;
            return;
        }
    fprintf(stderr, "rts_decode_all: the plugin has no command \"%s\"\n", name);
    abort();
}

/* ---- the decoders, called directly ---- */

struct found {
    uint64_t tsos[MAX_THREADS], mvars[MAX_MVARS];
    int n_tsos, n_mvars;
};

static void add_mvar(struct found *f, uint64_t p)
{
    for (int i = 0; i < f->n_mvars; i++)
        if (f->mvars[i] == p) return;
    if (f->n_mvars < MAX_MVARS) f->mvars[f->n_mvars++] = p;
}

static bool collect_thread(AbiReader *r, uint64_t tso, void *arg)
{
    struct found *f = arg;
    DecTSO t;
    char why[200];
    if (dec_tso(r, tso, &t, why, sizeof why) == 0) {
        DecBlockedOn b;
        dec_blocked_on(r, &t, &b);
        if (b.is_mvar) add_mvar(f, t.block_info);
    }
    f->tsos[f->n_tsos++] = tso;
    return f->n_tsos < MAX_THREADS;
}

static bool count_weak(AbiReader *r, uint64_t p, void *arg)
{
    DecWeak w;
    char why[200];
    dec_weak(r, p, &w, why, sizeof why);
    (*(long *)arg)++;
    return true;
}

static bool count_mut(AbiReader *r, const DecMutEntry *e, void *arg)
{
    char t[96];
    dec_type_of(r, e->entry, t, sizeof t);
    (*(long *)arg)++;
    return true;
}

struct walk {
    RtsDecodeStats *st;
    uint64_t sum;
};

static void visit_field(void *ctx, uint64_t obj, uint64_t slot, uint64_t value, const char *field)
{
    struct walk *w = ctx;
    w->sum += obj ^ slot ^ value ^ strlen(field);
}

static bool visit_block(void *ctx, AbiReader *r, const HwBlock *b)
{
    struct walk *w = ctx;
    (void)r;
    w->st->blocks++;
    w->sum += strlen(b->where);
    return true;
}

static bool visit_object(void *ctx, AbiReader *r, const HwBlock *b, const DecClosure *c, uint64_t words)
{
    struct walk *w = ctx;
    char why[200];
    uint64_t bad;
    (void)b;
    w->st->objects++;
    w->sum += words;
    if (!c->forwarded) hw_for_each_ptr_field(r, c->addr, c->it, visit_field, w, why, sizeof why, &bad);
    return true;
}

static void visit_problem(void *ctx, AbiReader *r, uint64_t obj, uint64_t slot, const char *what)
{
    struct walk *w = ctx;
    (void)r;
    w->sum += obj ^ slot ^ strlen(what);
}

static void count_violation(void *ctx, const char *line)
{
    RtsDecodeStats *st = ctx;
    st->violations++;
    out_bytes += strlen(line);
}

/* Every query of the table itself. */
static void query_table(AbiReader *r)
{
    for (uint32_t i = 0; i < r->n_structs; i++) {
        const AbiStruct *s = &r->structs[i];
        abi_struct(r, s->name);
        for (uint32_t j = 0; j < s->n_fields; j++) abi_field(r, s->name, s->fields[j].name);
    }
    int64_t v;
    for (uint32_t i = 0; i < r->n_constants; i++) {
        abi_constant(r, r->constants[i].group, r->constants[i].name, &v);
        abi_constant_name(r, r->constants[i].group, r->constants[i].value);
    }
    for (uint32_t i = 0; i < r->n_globals; i++) abi_global(r, r->globals[i].name);
    for (uint32_t i = 0; i < r->n_infos && i < 256; i++) abi_info(r, r->infos[i].addr + 8);
    abi_bdescr(r, r->header_addr);
}

static void decode_direct(AbiReader *r, const RtsKnown *known, RtsDecodeStats *st, struct found *f)
{
    char why[200], buf[160];
    query_table(r);
    dec_print_gens(r, &null_out);
    DecThreadOpts opts = { .blocked_only = true, .now_ns = 1 };
    dec_print_thread_list(r, &null_out, &opts);
    dec_for_each_thread(r, collect_thread, f);
    st->threads = f->n_tsos;
    for (size_t i = 0; known && i < known->n; i++) {
        DecClosure c;
        if (dec_closure(r, known->addrs[i], &c, why, sizeof why) == 0 && !c.forwarded && c.type_name &&
            strncmp(c.type_name, "MVAR_", 5) == 0)
            add_mvar(f, known->addrs[i]);
    }
    for (int i = 0; i < f->n_tsos; i++) dec_print_tso_at(r, f->tsos[i], &null_out, 1);
    for (int i = 0; i < f->n_mvars; i++) {
        DecMVar m;
        if (dec_mvar(r, f->mvars[i], &m, why, sizeof why) == 0) {
            st->mvar_nodes += m.n_nodes;
            dec_show_mvar(r, &m, &null_out);
            dec_mvar_free(&m);
        }
    }
    for (size_t i = 0; known && i < known->n; i++) {
        uint64_t p = known->addrs[i];
        DecWeak w;
        DecBdescr b;
        DecLocation loc;
        dec_print_closure(r, p, &null_out);
        dec_print_bdescr(r, p, &null_out);
        dec_bdescr(r, p, &b, why, sizeof why);
        dec_weak(r, p, &w, why, sizeof why);
        dec_locate(r, p, &loc);
        dec_gen_suffix(r, p, buf, sizeof buf);
    }
    long weaks = 0, muts = 0;
    uint32_t ng = dec_n_generations(r), ncaps = dec_n_capabilities(r);
    for (uint32_t g = 0; g < ng; g++) {
        DecGen gen;
        if (dec_gen(r, g, &gen) == 0)
            dec_walk_list(r, gen.weak_ptr_list, "StgWeak", "link", 0, 100000, count_weak, &weaks, buf, sizeof buf);
    }
    for (uint32_t c = 0; c < ncaps; c++) {
        DecCap cap;
        dec_cap(r, c, &cap);
        for (uint32_t g = 0; g < ng; g++) {
            uint64_t bad;
            dec_for_each_mut_entry(r, c, g, count_mut, &muts, &bad);
        }
    }
    if (f->n_mvars) dec_on_mut_list(r, f->mvars[0], 1);

    struct walk w = { .st = st };
    HwVisitor v = { .block = visit_block, .object = visit_object, .problem = visit_problem, .ctx = &w };
    hw_cache_begin(r);
    hw_walk_heap(r, &v);
    hw_cache_end(r);
    CheckStats cs;
    check_heap(r, count_violation, st, 0, &cs);

    EvLog log;
    char err[200];
    if (ev_read_log(r, &log, err, sizeof err) == 0) {
        st->events = (long)log.n;
        for (size_t i = 0; i < log.n; i++) {
            ev_type_name(r, log.ev[i].type, buf, sizeof buf);
            ev_type_category(r, log.ev[i].type);
        }
        ev_format_categories(r, log.enabled, buf, sizeof buf);
        ev_free_log(&log);
    }
    uint32_t mask;
    ev_parse_categories(r, "all", &mask, err, sizeof err);
}

static void decode_commands(const RtsKnown *known, RtsDecodeStats *st, const struct found *f)
{
    if (plugin->reader_open) {          /* a new image: read its table again */
        abi_close(&plugin->reader);
        plugin->reader_open = false;
    }
    static const char *const plain[] = { "rts info", "rts gens", "rts mutlist", "rts weak", "rts cafs",
                                         "rts census", "rts sanity" };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) run_command(st, plain[i], "%s", "");
    run_command(st, "rts threads", "%s", "-n 0");
    run_command(st, "rts events", "%s", "0");
    run_command(st, "rts record", "%s", "show");
    for (int i = 0; i < f->n_tsos && i < 4; i++) {
        run_command(st, "rts tso", "0x%" PRIx64, f->tsos[i]);
        run_command(st, "rts bt", "0x%" PRIx64, f->tsos[i]);
    }
    for (int i = 0; i < f->n_mvars && i < 4; i++) run_command(st, "rts mvar", "0x%" PRIx64, f->mvars[i]);
    for (size_t i = 0; known && i < known->n; i++) {
        run_command(st, "rts closure", "0x%" PRIx64, known->addrs[i]);
        run_command(st, "rts bd", "0x%" PRIx64, known->addrs[i]);
    }
    /* who points here: an MVar (its blocked threads) and a thread */
    if (f->n_mvars) run_command(st, "rts findptr", "0x%" PRIx64, f->mvars[0]);
    if (f->n_tsos) run_command(st, "rts findptr", "0x%" PRIx64, f->tsos[0]);
}

void rts_decode_all(abi_read_fn read, void *ctx, uint64_t header, const RtsKnown *known, RtsDecodeStats *st)
{
    memset(st, 0, sizeof *st);
    target_read = read;
    target_ctx = ctx;
    target_header = header;
    if (!plugin) {
        void *state = NULL;
        if (rtsdb_plugin_init(&fake_api, &state) < 0) {
            fprintf(stderr, "rts_decode_all: the plugin refuses the fake debugger\n");
            abort();
        }
        plugin = state;
        if (n_commands < sizeof command_groups / sizeof command_groups[0]) abort();
    }
    AbiReader r;
    char err[256];
    struct found f = { .n_tsos = 0 };
    if (abi_open(&r, read, ctx, header, err, sizeof err) == 0) {
        st->opened = true;
        decode_direct(&r, known, st, &f);
        abi_close(&r);
    } else if (err[0] == '\0' || strchr(err, '\n')) {
        abort();                        /* errors are one non-empty line */
    }
    decode_commands(known, st, &f);
}

struct collect {
    uint64_t *out;
    size_t n, max;
};

static bool collect_object(void *ctx, AbiReader *r, const HwBlock *b, const DecClosure *c, uint64_t words)
{
    struct collect *cl = ctx;
    (void)r; (void)b; (void)words;
    if (cl->n < cl->max) cl->out[cl->n++] = c->addr;
    return cl->n < cl->max;
}

size_t rts_decode_objects(abi_read_fn read, void *ctx, uint64_t header, uint64_t *out, size_t max)
{
    AbiReader r;
    char err[256];
    if (abi_open(&r, read, ctx, header, err, sizeof err) < 0) return 0;
    struct collect cl = { out, 0, max };
    HwVisitor v = { .object = collect_object, .ctx = &cl };
    hw_walk_heap(&r, &v);
    abi_close(&r);
    return cl.n;
}
