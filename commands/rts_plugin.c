/* rts_plugin.c — the runtime-aware plugin's entry points (rts_plugin.h).
 *
 * Offers rtsdb_plugin_recognise (the target exports the debug-info ABI),
 * rtsdb_plugin_init (registers every group of `rts ...` commands), and the
 * helpers the groups share: rts_reader (one AbiReader over the current
 * target, reopened when the target changes), rts_out, rts_parse_addr,
 * rts_parse_tso, rts_complete_tso, rts_skip_blanks, rts_json_addr and
 * rts_register_commands.
 *
 * Must not depend on: any runtime header but the ABI's, or the debugger's
 * internals: the debuggee is reached only through struct rtsdb_api.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>

#include "rts_plugin.h"
#include "rts/DebugAbi.h"

/* API version 2 brought `evaluate`, which rts_parse_addr needs. */
#define RTS_PLUGIN_API_MIN 2

static bool api_usable(const struct rtsdb_api *api)
{
    return api && api->version >= RTS_PLUGIN_API_MIN &&
           api->size >= offsetof(struct rtsdb_api, evaluate) + sizeof api->evaluate;
}

/* The reader's memory callback: ctx is the API. */
static int read_target(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const struct rtsdb_api *api = ctx;
    return api->read_memory(api->session, addr, buf, len);
}

static bool has_magic(const struct rtsdb_api *api, uint64_t addr)
{
    char magic[8];
    return addr && read_target((void *)api, addr, magic, sizeof magic) == 0 &&
           memcmp(magic, RTS_DBG_MAGIC, sizeof magic) == 0;
}

/* The ELF note through the live process's auxiliary vector (AT_PHDR): for
 * executables that export no symbol for the table (stripped, or linked
 * without --export-dynamic-symbol).  0 when not found. */
static uint64_t header_from_note(const struct rtsdb_api *api)
{
    if (!api->is_live(api->session))
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", (int)api->current_tid(api->session));
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    Elf64_auxv_t a;
    uint64_t phdr = 0, phnum = 0;
    while (fread(&a, sizeof a, 1, f) == 1 && a.a_type != AT_NULL) {
        if (a.a_type == AT_PHDR) phdr = a.a_un.a_val;
        if (a.a_type == AT_PHNUM) phnum = a.a_un.a_val;
    }
    fclose(f);
    if (!phdr || !phnum || phnum > 256)
        return 0;
    uint64_t bias = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        Elf64_Phdr ph;
        if (read_target((void *)api, phdr + i * sizeof ph, &ph, sizeof ph) < 0)
            return 0;
        if (ph.p_type == PT_PHDR)
            bias = phdr - ph.p_vaddr;
    }
    return abi_find_header_from_phdrs(read_target, (void *)api, phdr, (uint32_t)phnum, bias);
}

/* Where the table is: the exported symbol, its hidden alias, or the note. */
static uint64_t find_header(const struct rtsdb_api *api)
{
    static const char *const names[] = { "rts_debug_abi", "rts_debug_abi_here" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint64_t addr = 0;
        if (api->lookup_symbol(api->session, names[i], &addr, NULL) && has_magic(api, addr))
            return addr;
    }
    uint64_t addr = header_from_note(api);
    return has_magic(api, addr) ? addr : 0;
}

/* Note [When the reader is reopened]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The table and the info tables the reader caches are read-only data of
 * the executable, so a reader stays valid for as long as the target is the
 * same program.  The plugin is loaded once per session but the target
 * changes (run again, attach, core-file): the reader remembers the table's
 * address, the first thread's id and whether the target was live, and is
 * reopened when any of them differs.
 */
static pid_t first_tid(const struct rtsdb_api *api)
{
    pid_t tid = 0;
    int num = 0;
    return api->threads(api->session, &tid, &num, 1) == 1 ? tid : 0;
}

static struct {
    uint64_t header;
    pid_t tid;
    bool live;
} reader_key;

AbiReader *rts_reader(RtsPlugin *pl, struct rtsdb_session *s)
{
    const struct rtsdb_api *api = pl->api;
    uint64_t header = find_header(api);
    if (!header) {
        api->error(s, "The program has no readable runtime debug-info table (rts_debug_abi): not an rtsdb runtime?");
        return NULL;
    }
    pid_t tid = first_tid(api);
    bool live = api->is_live(s);
    /* See Note [When the reader is reopened] */
    if (pl->reader_open &&
        (reader_key.header != header || reader_key.tid != tid || reader_key.live != live)) {
        abi_close(&pl->reader);
        pl->reader_open = false;
    }
    if (!pl->reader_open) {
        char err[256];
        if (abi_open(&pl->reader, read_target, (void *)api, header, err, sizeof err) < 0) {
            api->error(s, "Cannot read the runtime's debug-info table: %s.", err);
            return NULL;
        }
        pl->reader_open = true;
        reader_key.header = header;
        reader_key.tid = tid;
        reader_key.live = live;
    }
    return &pl->reader;
}

static void emit_text(void *ctx, const char *text)
{
    RtsPlugin *pl = ctx;
    pl->api->printf(pl->api->session, "%s", text);
}

DecodeOut rts_out(RtsPlugin *pl, struct rtsdb_session *s)
{
    (void)s;
    DecodeOut out = { emit_text, pl };
    return out;
}

const char *rts_skip_blanks(const char *a)
{
    while (a && (*a == ' ' || *a == '\t'))
        a++;
    return a ? a : "";
}

void rts_json_addr(RtsPlugin *pl, struct rtsdb_session *s, const char *key, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    pl->api->json_str(s, key, buf);
}

int rts_parse_addr(RtsPlugin *pl, struct rtsdb_session *s, const char *arg, uint64_t *out)
{
    while (arg && (*arg == ' ' || *arg == '\t'))
        arg++;
    if (!arg || !*arg) {
        pl->api->error(s, "Argument required (an address or an expression).");
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 0);
    while (*end == ' ' || *end == '\t')
        end++;
    if (errno == 0 && *end == '\0' && arg[0] != '-') {
        *out = v;
        return 0;
    }
    char err[256] = "";
    if (pl->api->evaluate(s, arg, out, err, sizeof err) < 0) {
        pl->api->error(s, "%s", err[0] ? err : "cannot evaluate the expression");
        return -1;
    }
    return 0;
}

void rts_register_commands(RtsPlugin *pl, const struct rtsdb_plugin_command *cmds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pl->api->register_command(pl->api->session, &cmds[i], pl);
}

struct find_thread {
    uint64_t id, tso;
};

static bool match_thread_id(AbiReader *r, uint64_t tso, void *arg)
{
    struct find_thread *f = arg;
    uint64_t id = 0;
    if (abi_get(r, tso, "StgTSO", "id", &id) == 0 && id == f->id) {
        f->tso = tso;
        return false;
    }
    return true;
}

/* Note [Naming a thread]
 * ~~~~~~~~~~~~~~~~~~~~~~
 * `rts tso` and `rts bt` take a thread id as `#N` or as a plain decimal
 * number below 2^20 (no heap address is that small), and anything else as
 * an address or an expression, so `rts tso 3`, `rts tso #3`,
 * `rts tso 0x4200012000` and `rts tso q->tso` all work.
 */
int rts_parse_tso(RtsPlugin *pl, struct rtsdb_session *s, const char *arg, uint64_t *tso)
{
    arg = rts_skip_blanks(arg);
    const char *num = arg[0] == '#' ? arg + 1 : arg;
    char *end;
    unsigned long long id = strtoull(num, &end, 10);
    bool is_id = end != num && *rts_skip_blanks(end) == '\0' && (arg[0] == '#' || (num[0] != '0' && id < (1u << 20)));
    if (arg[0] == '#' && !is_id) {
        pl->api->error(s, "Bad thread id \"%s\" (use #N).", arg);
        return -1;
    }
    if (!is_id)
        return rts_parse_addr(pl, s, arg, tso);
    AbiReader *r = rts_reader(pl, s);
    if (!r)
        return -1;
    struct find_thread f = { id, 0 };
    if (dec_for_each_thread(r, match_thread_id, &f) < 0) {
        pl->api->error(s, "No thread list (the runtime has not started).");
        return -1;
    }
    if (!f.tso) {
        pl->api->error(s, "No thread with id %llu (see \"rts threads\").", id);
        return -1;
    }
    *tso = f.tso;
    return 0;
}

struct id_completion {
    const char *text;
    void (*add)(const char *cand, void *arg);
    void *arg;
};

static bool add_thread_id(AbiReader *r, uint64_t tso, void *arg)
{
    struct id_completion *c = arg;
    uint64_t id = 0;
    char buf[32];
    if (abi_get(r, tso, "StgTSO", "id", &id) == 0) {
        snprintf(buf, sizeof buf, "#%" PRIu64, id);
        if (strncmp(buf, c->text, strlen(c->text)) == 0)
            c->add(buf, c->arg);
    }
    return true;
}

void rts_complete_tso(struct rtsdb_session *s, const char *text, void (*add)(const char *cand, void *arg),
                      void *arg, void *state)
{
    AbiReader *r = rts_reader(state, s);
    if (!r)
        return;
    struct id_completion c = { text, add, arg };
    dec_for_each_thread(r, add_thread_id, &c);
}

/* Note [Command groups written in parallel]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Each group of commands lives in its own file, written by its own
 * engineer, and joins the module when its file is added to
 * RTS_PLUGIN_SOURCES (commands/local.mk).  The register functions of the
 * groups other than the basic one are weak references here, so the module
 * links and loads whichever groups are built, and a group registers itself
 * as soon as its file is compiled in.
 */
#pragma weak rts_heap_register
#pragma weak rts_events_register
#pragma weak rts_trace_register
#pragma weak rts_bt_register
#pragma weak rts_watch_register

int rtsdb_plugin_recognise(const struct rtsdb_api *api)
{
    return api_usable(api) && find_header(api) != 0;
}

int rtsdb_plugin_init(const struct rtsdb_api *api, void **plugin_state)
{
    if (!api_usable(api))
        return -1;
    RtsPlugin *pl = calloc(1, sizeof *pl);
    if (!pl)
        return -1;
    pl->api = api;
    *plugin_state = pl;
    rts_basic_register(pl);
    /* See Note [Command groups written in parallel] */
    if (rts_heap_register) rts_heap_register(pl);
    if (rts_events_register) rts_events_register(pl);
    if (rts_trace_register) rts_trace_register(pl);
    if (rts_bt_register) rts_bt_register(pl);
    if (rts_watch_register) rts_watch_register(pl);
    return 0;
}
