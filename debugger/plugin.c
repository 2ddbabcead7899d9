/* plugin.c — the host side of the plugin ABI (include/rtsdb-plugin.h).
 *
 * Offers: struct rtsdb_api filled with functions wrapping the session;
 * "plugin load PATH" and "info plugins"; autoloading at session_set_target
 * of every *.so in RTSDB_PLUGIN_DIR, RTSDB_BUILD_PLUGIN_DIR and the
 * colon-separated $RTSDB_PLUGIN_PATH whose rtsdb_plugin_recognise says yes.
 * Plugin commands go into the one command registry; plugin watch mechanisms
 * are forwarded to infrun_register_watch_mechanism.
 *
 * Depends on: session.h, infrun.h (watch mechanisms), symtab.h, target.h,
 * libdl.  A plugin sees the debuggee only through the API.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infrun.h"
#include "rtsdb-plugin.h"
#include "session_state.h"

#ifndef RTSDB_PLUGIN_DIR
#define RTSDB_PLUGIN_DIR ""
#endif
#ifndef RTSDB_BUILD_PLUGIN_DIR
#define RTSDB_BUILD_PLUGIN_DIR ""
#endif

/* One registered plugin command: the registry entry and the plugin's own. */
struct plugin_command {
    struct command cmd;
    struct rtsdb_plugin_command pc;
    char *name, *summary, *help;
    void *plugin_state;
    struct plugin_command *next;
};

struct loaded_plugin {
    char *path;
    void *handle;
    void *state;
    struct rtsdb_api api;
    struct plugin_command *commands;
    int nwatches;
    struct loaded_plugin *next;
};

/* The session a plugin sees is the debugger's session. */
static struct session *S(struct rtsdb_session *rs) { return (struct session *)rs; }

/* ---- the API ---- */

static int api_read_memory(struct rtsdb_session *rs, uint64_t addr, void *buf, size_t len)
{
    struct session *s = S(rs);
    if (!s->target)
        return -ESRCH;
    return target_read(s->target, addr, buf, len);
}

static int api_write_memory(struct rtsdb_session *rs, uint64_t addr, const void *buf, size_t len)
{
    struct session *s = S(rs);
    if (!s->target)
        return -ESRCH;
    return target_write(s->target, addr, buf, len);
}

static int api_get_regs(struct rtsdb_session *rs, pid_t tid, struct user_regs_struct *regs)
{
    struct session *s = S(rs);
    if (!s->target)
        return -ESRCH;
    return s->target->ops->get_regs(s->target, tid ? tid : session_current_tid(s), regs);
}

static bool api_is_live(struct rtsdb_session *rs) { return target_can_run(S(rs)->target); }
static pid_t api_current_tid(struct rtsdb_session *rs) { return session_current_tid(S(rs)); }

static int api_threads(struct rtsdb_session *rs, pid_t *tids, int *nums, int max)
{
    struct session *s = S(rs);
    if (!s->target)
        return 0;
    int n = 0;
    for (size_t i = 0; i < s->target->nthreads && n < max; i++) {
        if (s->target->threads[i].exited)
            continue;
        if (tids)
            tids[n] = s->target->threads[i].tid;
        if (nums)
            nums[n] = s->target->threads[i].num;
        n++;
    }
    return n;
}

static bool api_lookup_symbol(struct rtsdb_session *rs, const char *name, uint64_t *addr, uint64_t *size)
{
    struct session *s = S(rs);
    struct sym_info si;
    if (!s->symtab || !name || !symtab_lookup_name(s->symtab, name, &si))
        return false;
    if (addr)
        *addr = si.addr;
    if (size)
        *size = si.size;
    return true;
}

static bool api_symbolize(struct rtsdb_session *rs, uint64_t addr, char *buf, size_t len)
{
    struct session *s = S(rs);
    char tmp[512];
    format_address(s, addr, tmp, sizeof tmp);
    const char *lt = strchr(tmp, '<');
    if (!lt)
        return false;
    snprintf(buf, len, "%.*s", (int)strcspn(lt + 1, ">"), lt + 1);
    return true;
}

static int api_backtrace_from_regs(struct rtsdb_session *rs, const struct user_regs_struct *regs, int max)
{
    struct session *s = S(rs);
    if (!s->symtab) {
        cmd_error(s, "No symbol table is loaded.");
        return -1;
    }
    if (max <= 0 || max > RD_MAX_FRAMES)
        max = RD_MAX_FRAMES;
    struct frame *frames = calloc((size_t)max, sizeof *frames);
    if (!frames)
        return -1;
    int n = unwind_from_regs(s->symtab, regs, frames, max);
    char line[1024];
    json_begin_array(s, "frames");
    for (int i = 0; i < n; i++) {
        frame_describe(s->symtab, &frames[i], line, sizeof line);
        out_printf(s, "%s\n", line);
        json_str(s, NULL, line);
    }
    json_end_array(s);
    free(frames);
    return n < 0 ? -1 : n;
}

static void api_printf(struct rtsdb_session *rs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(S(rs), fmt, ap);
    va_end(ap);
}

static void api_error(struct rtsdb_session *rs, const char *fmt, ...)
{
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(&sb, fmt, ap);
    va_end(ap);
    cmd_error(S(rs), "%s", sb.buf ? sb.buf : "plugin error");
    sb_free(&sb);
}

static bool api_json_mode(struct rtsdb_session *rs) { return S(rs)->json; }
static void api_json_str(struct rtsdb_session *rs, const char *k, const char *v) { json_str(S(rs), k, v); }
static void api_json_int(struct rtsdb_session *rs, const char *k, long long v) { json_int(S(rs), k, v); }
static void api_json_uint(struct rtsdb_session *rs, const char *k, unsigned long long v) { json_uint(S(rs), k, v); }
static void api_json_bool(struct rtsdb_session *rs, const char *k, bool v) { json_bool(S(rs), k, v); }
static void api_json_begin_object(struct rtsdb_session *rs, const char *k) { json_begin_object(S(rs), k); }
static void api_json_end_object(struct rtsdb_session *rs) { json_end_object(S(rs)); }
static void api_json_begin_array(struct rtsdb_session *rs, const char *k) { json_begin_array(S(rs), k); }
static void api_json_end_array(struct rtsdb_session *rs) { json_end_array(S(rs)); }

/* The plugin registering now (init runs with it set). */
static struct loaded_plugin *registering;

static int plugin_command_fn(struct session *s, const char *args)
{
    const struct command *c = cmd_current(s);
    struct plugin_command *pc = c ? c->data : NULL;
    if (!pc)
        return -1;
    return pc->pc.fn((struct rtsdb_session *)s, args, pc->plugin_state) == 0 ? 0 : -1;
}

static void plugin_complete_fn(struct session *s, const char *text,
                               void (*add)(const char *, void *), void *arg)
{
    const struct command *c = cmd_current(s);
    struct plugin_command *pc = c ? c->data : NULL;
    if (pc && pc->pc.complete)
        pc->pc.complete((struct rtsdb_session *)s, text, add, arg, pc->plugin_state);
}

static int api_register_command(struct rtsdb_session *rs, const struct rtsdb_plugin_command *cmd,
                                void *plugin_state)
{
    (void)rs;
    if (!cmd || !cmd->name || !*cmd->name || !cmd->fn)
        return -EINVAL;
    struct plugin_command *pc = calloc(1, sizeof *pc);
    if (!pc)
        return -ENOMEM;
    pc->pc = *cmd;
    /* Copy the strings: the plugin may build them on its stack. */
    pc->name = strdup(cmd->name);
    pc->summary = strdup(cmd->summary ? cmd->summary : "Plugin command.");
    pc->help = strdup(cmd->help ? cmd->help : pc->summary);
    pc->plugin_state = plugin_state;
    pc->cmd.name = pc->name;
    pc->cmd.summary = pc->summary;
    pc->cmd.help = pc->help;
    pc->cmd.fn = plugin_command_fn;
    pc->cmd.complete = cmd->complete ? plugin_complete_fn : NULL;
    pc->cmd.needs_target = true;
    pc->cmd.needs_live = cmd->needs_live;
    pc->cmd.data = pc;
    if (registering) {
        pc->next = registering->commands;
        registering->commands = pc;
    }
    cmd_register(&pc->cmd);
    return 0;
}

/* Note [Forwarding plugin watch mechanisms]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * infrun's struct watch_mechanism calls arm/disarm/check_stop without any
 * per-mechanism argument, while a plugin's callbacks need its plugin_state.
 * So each forwarded mechanism gets a slot with its own small trampolines
 * (WATCH_SLOTS of them, the same bound infrun keeps on mechanisms) that
 * find the plugin's rtsdb_plugin_watch and state in that slot.
 */
#define WATCH_SLOTS 8

struct watch_slot {
    struct rtsdb_plugin_watch pw;
    void *plugin_state;
    struct watch_mechanism wm;
    bool used;
};
static struct watch_slot watch_slots[WATCH_SLOTS];

#define WATCH_TRAMPOLINES(N)                                                                    \
    static int watch_arm_##N(struct session *s, int wp, const char *expr, addr_t addr, size_t len, \
                             void **state, char *err, size_t errlen)                          \
    {                                                                                           \
        return watch_slots[N].pw.arm((struct rtsdb_session *)s, wp, expr, addr, len, state, err, \
                                     errlen, watch_slots[N].plugin_state);                      \
    }                                                                                           \
    static void watch_disarm_##N(struct session *s, void *state)                               \
    {                                                                                           \
        if (watch_slots[N].pw.disarm)                                                           \
            watch_slots[N].pw.disarm((struct rtsdb_session *)s, state, watch_slots[N].plugin_state); \
    }                                                                                           \
    static bool watch_check_##N(struct session *s, void *state, const struct stop_event *ev)   \
    {                                                                                           \
        return watch_slots[N].pw.check_stop &&                                                  \
               watch_slots[N].pw.check_stop((struct rtsdb_session *)s, state, ev->tid, ev->signo, \
                                            watch_slots[N].plugin_state);                       \
    }
WATCH_TRAMPOLINES(0)
WATCH_TRAMPOLINES(1)
WATCH_TRAMPOLINES(2)
WATCH_TRAMPOLINES(3)
WATCH_TRAMPOLINES(4)
WATCH_TRAMPOLINES(5)
WATCH_TRAMPOLINES(6)
WATCH_TRAMPOLINES(7)
#undef WATCH_TRAMPOLINES

static const struct {
    int (*arm)(struct session *, int, const char *, addr_t, size_t, void **, char *, size_t);
    void (*disarm)(struct session *, void *);
    bool (*check)(struct session *, void *, const struct stop_event *);
} watch_trampolines[WATCH_SLOTS] = {
#define T(N) {watch_arm_##N, watch_disarm_##N, watch_check_##N}
    T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7),
#undef T
};

static int api_register_watch(struct rtsdb_session *rs, const struct rtsdb_plugin_watch *w,
                              void *plugin_state)
{
    (void)rs;
    if (!w || !w->name || !w->arm)
        return -EINVAL;
    int slot = -1;
    for (int i = 0; i < WATCH_SLOTS; i++)
        if (watch_slots[i].used && strcmp(watch_slots[i].pw.name, w->name) == 0)
            slot = i;       /* a reloaded plugin reuses its slot */
    for (int i = 0; i < WATCH_SLOTS && slot < 0; i++)
        if (!watch_slots[i].used)
            slot = i;
    if (slot < 0)
        return -ENOSPC;
    struct watch_slot *ws = &watch_slots[slot];
    ws->pw = *w;
    ws->pw.name = strdup(w->name);
    ws->pw.flag = w->flag ? strdup(w->flag) : NULL;
    ws->plugin_state = plugin_state;
    ws->used = true;
    ws->wm.name = ws->pw.name;
    ws->wm.flag = ws->pw.flag;
    ws->wm.arm = watch_trampolines[slot].arm;
    ws->wm.disarm = watch_trampolines[slot].disarm;
    ws->wm.check_stop = watch_trampolines[slot].check;
    ws->wm.arg = plugin_state;
    infrun_register_watch_mechanism(&ws->wm);
    if (registering)
        registering->nwatches++;
    return 0;
}

static int api_execute(struct rtsdb_session *rs, const char *line)
{
    return cmd_execute(S(rs), line);
}

static int api_resume_and_wait(struct rtsdb_session *rs)
{
    struct session *s = S(rs);
    if (!target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    return infrun_continue(s);
}

static int api_evaluate(struct rtsdb_session *rs, const char *expr, uint64_t *value,
                        char *errbuf, size_t errlen)
{
    struct session *s = S(rs);
    struct rd_value v;
    if (expr_eval(s, expr, &v, errbuf, errlen) < 0 || value_fetch(s, &v, errbuf, errlen) < 0)
        return -1;
    *value = (uint64_t)value_as_int(&v);
    return 0;
}

/* Traps are internal breakpoints (negative numbers): hidden from "info
 * breakpoints" and "delete", never re-resolved, and a hit that no plugin
 * watch claims resumes silently (see breakpoint_event in infrun.c). */
static int api_add_trap(struct rtsdb_session *rs, uint64_t addr)
{
    struct breakpoint *bp = bp_create(&infrun_of(S(rs))->bps, BP_BREAKPOINT, "plugin trap", true);
    if (!bp)
        return -ENOMEM;
    bp_add_location(bp, addr);
    return -bp->num;
}

static void api_remove_trap(struct rtsdb_session *rs, int handle)
{
    struct bp_table *tab = &infrun_of(S(rs))->bps;
    struct breakpoint *bp = handle > 0 ? bp_find(tab, -handle) : NULL;
    if (bp)
        bp_delete(tab, bp);     /* int3s are out while stopped: nothing to restore */
}

static void fill_api(struct session *s, struct rtsdb_api *api)
{
    memset(api, 0, sizeof *api);
    api->version = RTSDB_PLUGIN_API_VERSION;
    api->size = sizeof *api;
    api->session = (struct rtsdb_session *)s;
    api->read_memory = api_read_memory;
    api->write_memory = api_write_memory;
    api->get_regs = api_get_regs;
    api->is_live = api_is_live;
    api->current_tid = api_current_tid;
    api->threads = api_threads;
    api->lookup_symbol = api_lookup_symbol;
    api->symbolize = api_symbolize;
    api->backtrace_from_regs = api_backtrace_from_regs;
    api->printf = api_printf;
    api->error = api_error;
    api->json_mode = api_json_mode;
    api->json_str = api_json_str;
    api->json_int = api_json_int;
    api->json_uint = api_json_uint;
    api->json_bool = api_json_bool;
    api->json_begin_object = api_json_begin_object;
    api->json_end_object = api_json_end_object;
    api->json_begin_array = api_json_begin_array;
    api->json_end_array = api_json_end_array;
    api->register_command = api_register_command;
    api->register_watch = api_register_watch;
    api->execute = api_execute;
    api->resume_and_wait = api_resume_and_wait;
    api->evaluate = api_evaluate;
    api->add_trap = api_add_trap;
    api->remove_trap = api_remove_trap;
}

/* ---- loading ---- */

static struct loaded_plugin *find_loaded(struct session *s, const char *path)
{
    for (struct loaded_plugin *p = session_state(s)->plugins; p; p = p->next)
        if (strcmp(p->path, path) == 0)
            return p;
    return NULL;
}

/* dlopen path; with `only_if_recognised`, keep it only when its recogniser
 * says yes.  Returns 1 loaded, 0 declined, -1 error (errbuf set). */
static int plugin_open(struct session *s, const char *path, bool only_if_recognised,
                       char *errbuf, size_t errlen)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        snprintf(errbuf, errlen, "%s: %s.", path, strerror(errno));
        return -1;
    }
    if (find_loaded(s, real)) {
        snprintf(errbuf, errlen, "Plugin %.900s is already loaded.", real);
        return only_if_recognised ? 0 : -1;
    }
    void *h = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(errbuf, errlen, "Cannot load plugin: %s", dlerror());
        return -1;
    }
    rtsdb_plugin_init_fn init = (rtsdb_plugin_init_fn)dlsym(h, "rtsdb_plugin_init");
    rtsdb_plugin_recognise_fn recognise = (rtsdb_plugin_recognise_fn)dlsym(h, "rtsdb_plugin_recognise");
    if (!init) {
        dlclose(h);
        snprintf(errbuf, errlen, "%.900s is not an rtsdb plugin (no rtsdb_plugin_init).", real);
        return -1;
    }
    struct loaded_plugin *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->path = strdup(real);
    p->handle = h;
    fill_api(s, &p->api);
    if (only_if_recognised && (!recognise || recognise(&p->api) != 1)) {
        dlclose(h);
        free(p->path);
        free(p);
        return 0;
    }
    registering = p;
    int rc = init(&p->api, &p->state);
    registering = NULL;
    if (rc != 0) {
        /* Declined: forget its commands.  The object stays mapped (a watch
         * mechanism it registered may point into it). */
        struct plugin_command *c = p->commands;
        while (c) {
            struct plugin_command *next = c->next;
            cmd_unregister(&c->cmd);
            free(c->name);
            free(c->summary);
            free(c->help);
            free(c);
            c = next;
        }
        free(p->path);
        free(p);
        snprintf(errbuf, errlen, "Plugin %.900s failed to initialise (status %d).", real, rc);
        return -1;
    }
    p->next = session_state(s)->plugins;
    session_state(s)->plugins = p;
    return 1;
}

/* Try every *.so of one folder (sorted, so the order is reproducible). */
static void autoload_dir(struct session *s, const char *dir)
{
    if (!dir || !*dir)
        return;
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        size_t l = strlen(nm);
        if (l > 3 && strcmp(nm + l - 3, ".so") == 0) {
            char path[PATH_MAX], err[512];
            snprintf(path, sizeof path, "%s/%s", dir, nm);
            if (plugin_open(s, path, true, err, sizeof err) < 0)
                out_warning(s, "%s", err);
        }
        free(names[i]);
    }
    free(names);
}

void plugin_autoload(struct session *s)
{
    if (getenv("RTSDB_NO_AUTOLOAD"))
        return;
    autoload_dir(s, RTSDB_PLUGIN_DIR);
    autoload_dir(s, RTSDB_BUILD_PLUGIN_DIR);
    const char *path = getenv("RTSDB_PLUGIN_PATH");
    if (path) {
        char *copy = strdup(path), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
            autoload_dir(s, d);
        free(copy);
    }
}

/* Plugins stay mapped until the session ends: their commands, printers and
 * watch mechanisms point into them. */
void plugin_unload_all(struct session *s)
{
    struct loaded_plugin *p = session_state(s)->plugins;
    while (p) {
        struct loaded_plugin *next = p->next;
        free(p->path);
        /* The handle is not closed: registered commands may outlive the
         * session in the process-wide registry (see cmd_register). */
        free(p);
        p = next;
    }
    session_state(s)->plugins = NULL;
}

/* ---- commands ---- */

static int cmd_plugin_load(struct session *s, const char *args)
{
    if (!args || !*args) {
        cmd_error(s, "Argument required (plugin file name).");
        return -1;
    }
    char err[1024];
    int rc = plugin_open(s, args, false, err, sizeof err);
    if (rc < 0) {
        cmd_error(s, "%s", err);
        return -1;
    }
    struct loaded_plugin *p = session_state(s)->plugins;
    out_printf(s, "Loaded plugin %s\n", p->path);
    json_str(s, "path", p->path);
    return 0;
}

static int cmd_info_plugins(struct session *s, const char *args)
{
    (void)args;
    struct loaded_plugin *p = session_state(s)->plugins;
    if (!p) {
        out_printf(s, "No plugins loaded.\n");
        json_begin_array(s, "plugins");
        json_end_array(s);
        return 0;
    }
    json_begin_array(s, "plugins");
    for (; p; p = p->next) {
        int ncmds = 0;
        for (struct plugin_command *c = p->commands; c; c = c->next)
            ncmds++;
        out_printf(s, "%s: %d command%s, %d watch mechanism%s\n", p->path, ncmds, ncmds == 1 ? "" : "s",
                   p->nwatches, p->nwatches == 1 ? "" : "s");
        for (struct plugin_command *c = p->commands; c; c = c->next)
            out_printf(s, "  %s -- %s\n", c->name, c->summary);
        json_begin_object(s, NULL);
        json_str(s, "path", p->path);
        json_begin_array(s, "commands");
        for (struct plugin_command *c = p->commands; c; c = c->next)
            json_str(s, NULL, c->name);
        json_end_array(s);
        json_int(s, "watch_mechanisms", p->nwatches);
        json_end_object(s);
    }
    json_end_array(s);
    return 0;
}

static const struct command plugin_cmds[] = {
    {.name = "plugin load", .summary = "Load an rtsdb plugin (a shared object).",
     .help = "plugin load PATH\nLoad the plugin PATH (see include/rtsdb-plugin.h) whether or not it\n"
             "recognises the target.  Plugins in the plugin folders (and in\n"
             "$RTSDB_PLUGIN_PATH) load by themselves when they recognise the target.",
     .fn = cmd_plugin_load},
    {.name = "info plugins", .summary = "List the loaded plugins and what they registered.",
     .help = "info plugins\nList loaded plugins with their commands and watch mechanisms.",
     .fn = cmd_info_plugins},
};

void plugin_commands_init(void)
{
    for (size_t i = 0; i < sizeof plugin_cmds / sizeof plugin_cmds[0]; i++)
        cmd_register(&plugin_cmds[i]);
}
