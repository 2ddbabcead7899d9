/* hello_plugin.c — a sample rtsdb plugin, loaded by tests/integration/cli_plugin.sh.
 *
 * Shows the whole plugin ABI from the plugin's side: version check,
 * recognising a target (it wants programs defining `hello_plugin_wanted`),
 * a command that reads target memory, looks up symbols and emits text and
 * JSON, and a watch mechanism ("-hello") that declines to arm.
 *
 * Depends on: include/rtsdb-plugin.h only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtsdb-plugin.h"

struct hello_state {
    const struct rtsdb_api *api;
    int calls;
};

/* "hello [SYMBOL]": greet, and print the int at SYMBOL. */
static int cmd_hello(struct rtsdb_session *s, const char *args, void *plugin_state)
{
    struct hello_state *st = plugin_state;
    const struct rtsdb_api *api = st->api;
    st->calls++;
    api->printf(s, "Hello from a plugin (call %d, %s target)\n", st->calls, api->is_live(s) ? "live" : "core");
    api->json_int(s, "calls", st->calls);
    if (args && *args) {
        uint64_t addr, size;
        int value;
        if (!api->lookup_symbol(s, args, &addr, &size)) {
            api->error(s, "hello: no symbol \"%s\"", args);
            return -1;
        }
        if (api->read_memory(s, addr, &value, sizeof value) != 0) {
            api->error(s, "hello: cannot read %s", args);
            return -1;
        }
        char where[128] = "";
        api->symbolize(s, addr, where, sizeof where);
        api->printf(s, "%s = %d (at <%s>)\n", args, value, where);
        api->json_str(s, "symbol", args);
        api->json_int(s, "value", value);
    }
    return 0;
}

static void complete_hello(struct rtsdb_session *s, const char *text,
                           void (*add)(const char *cand, void *arg), void *arg, void *plugin_state)
{
    (void)s;
    (void)text;
    (void)plugin_state;
    add("counter", arg);
}

static int watch_arm(struct rtsdb_session *s, int wp_num, const char *expr, uint64_t addr,
                     size_t len, void **state, char *errbuf, size_t errlen, void *plugin_state)
{
    (void)s;
    (void)wp_num;
    (void)addr;
    (void)len;
    (void)state;
    (void)plugin_state;
    snprintf(errbuf, errlen, "hello watches are only a demonstration (asked to watch %s)", expr);
    return -1;
}

static void watch_disarm(struct rtsdb_session *s, void *state, void *plugin_state)
{
    (void)s;
    (void)state;
    (void)plugin_state;
}

static bool watch_check(struct rtsdb_session *s, void *state, pid_t tid, int signo, void *plugin_state)
{
    (void)s;
    (void)state;
    (void)tid;
    (void)signo;
    (void)plugin_state;
    return false;
}

int rtsdb_plugin_recognise(const struct rtsdb_api *api)
{
    uint64_t addr;
    return api->version >= 1 && api->lookup_symbol(api->session, "hello_plugin_wanted", &addr, NULL);
}

int rtsdb_plugin_init(const struct rtsdb_api *api, void **plugin_state)
{
    if (api->version < 1 || api->size < offsetof(struct rtsdb_api, resume_and_wait))
        return -1;
    struct hello_state *st = calloc(1, sizeof *st);
    if (!st)
        return -1;
    st->api = api;
    *plugin_state = st;
    static const struct rtsdb_plugin_command hello = {
        .name = "hello",
        .summary = "Greet from the sample plugin.",
        .help = "hello [SYMBOL]\nPrint a greeting, and the int at SYMBOL if given.",
        .fn = cmd_hello,
        .complete = complete_hello,
    };
    static const struct rtsdb_plugin_watch watch = {
        .name = "hello",
        .flag = "-hello",
        .arm = watch_arm,
        .disarm = watch_disarm,
        .check_stop = watch_check,
    };
    if (api->register_command(api->session, &hello, st) != 0)
        return -1;
    api->register_watch(api->session, &watch, st);
    return 0;
}
