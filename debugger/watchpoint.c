/* watchpoint.c — watch, rwatch, awatch and their mechanisms.
 *
 * Offers watchpoint.h's watch_* functions and infrun_register_watch_mechanism.
 * A watchpoint is a breakpoint of a watch kind (shared numbering) whose
 * struct watchpoint says what is watched and by which mechanism:
 *   page-protection   watch_pageprot.c (the default here: see hwwatch_probe.c)
 *   a plugin's        registered with infrun_register_watch_mechanism and
 *                     selected by its flag ("watch -evac EXPR").
 *   hw                watch_hw.c: debug registers, chosen when the probe
 *                     says they fire (or RTSDB_FORCE_HW_WATCH=1) and slots
 *                     are free; otherwise page protection.
 *
 * Must not depend on: ptrace, the runtime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchpoint.h"
#include "watch_hw.h"

#define MAX_MECHANISMS 8

static const struct watch_mechanism *mechanisms[MAX_MECHANISMS];
static int nmechanisms;

void infrun_register_watch_mechanism(const struct watch_mechanism *m)
{
    for (int i = 0; i < nmechanisms; i++)
        if (strcmp(mechanisms[i]->name, m->name) == 0) {
            mechanisms[i] = m;      /* a reloaded plugin replaces its mechanism */
            return;
        }
    if (nmechanisms < MAX_MECHANISMS)
        mechanisms[nmechanisms++] = m;
}

/* Does the option word (e.g. "-evac") name mechanism m? */
static bool flag_matches(const struct watch_mechanism *m, const char *word, size_t len)
{
    if (m->flag)
        return strlen(m->flag) == len && strncmp(m->flag, word, len) == 0;
    return word[0] == '-' && strlen(m->name) == len - 1 && strncmp(m->name, word + 1, len - 1) == 0;
}

const char *watch_type_name(const struct breakpoint *bp)
{
    bool hw = bp->watch && bp->watch->mech == WM_HW;
    switch (bp->kind) {
    case BP_WATCHPOINT: return hw ? "hw watchpoint" : "watchpoint";
    case BP_READ_WATCHPOINT: return "read watchpoint";
    case BP_ACC_WATCHPOINT: return "acc watchpoint";
    default: return "breakpoint";
    }
}

/* "Watchpoint", "Hardware read watchpoint", ... as gdb names them in reports. */
static const char *watch_title(const struct breakpoint *bp)
{
    bool hw = bp->watch && bp->watch->mech == WM_HW;
    switch (bp->kind) {
    case BP_READ_WATCHPOINT: return hw ? "Hardware read watchpoint" : "Read watchpoint";
    case BP_ACC_WATCHPOINT:
        return hw ? "Hardware access (read/write) watchpoint" : "Access (read/write) watchpoint";
    default: return hw ? "Hardware watchpoint" : "Watchpoint";
    }
}

const char *watch_mechanism_name(const struct watchpoint *w)
{
    switch (w->mech) {
    case WM_HW: return "hw";
    case WM_PAGEPROT: return "page-protection";
    case WM_PLUGIN: return w->plugin ? w->plugin->name : "plugin";
    }
    return "?";
}

static void format_value(struct session *s, struct watchpoint *w, const unsigned char *bytes,
                         char *buf, size_t len)
{
    struct rd_value v;
    memset(&v, 0, sizeof v);
    v.type = w->type;
    v.loc = VAL_CONST;
    v.addr = w->addr;
    memcpy(v.bytes, bytes, w->len < sizeof v.bytes ? w->len : sizeof v.bytes);
    v.fetched = true;
    if (!w->type || value_format(s, &v, 0, buf, len) < 0) {
        /* No type: show the bytes as one little-endian integer. */
        unsigned long long x = 0;
        for (size_t i = 0; i < w->len && i < 8; i++)
            x |= (unsigned long long)bytes[i] << (8 * i);
        snprintf(buf, len, "%llu", x);
    }
}

int watch_command(struct session *s, enum bp_kind kind, const char *args)
{
    bool location = false;
    const struct watch_mechanism *plugin = NULL;
    const char *p = args ? args : "";
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '-')
            break;
        size_t n = strcspn(p, " \t");
        if ((n == 2 && strncmp(p, "-l", 2) == 0) || (n == 9 && strncmp(p, "-location", 9) == 0)) {
            location = true;
        } else {
            int i;
            for (i = 0; i < nmechanisms; i++)
                if (flag_matches(mechanisms[i], p, n))
                    break;
            if (i == nmechanisms) {
                /* A leading minus may be part of the expression ("-x"): only
                 * words that look like options are rejected. */
                if (n > 1 && p[1] >= 'a' && p[1] <= 'z') {
                    cmd_error(s, "Unknown watch option \"%.*s\" (try -l, or a plugin's flag).",
                              (int)n, p);
                    return -1;
                }
                break;
            }
            plugin = mechanisms[i];
        }
        p += n;
    }
    const char *expr = p;
    if (!*expr) {
        cmd_error(s, "Argument required (expression to compute).");
        return -1;
    }
    if (!target_can_run(s->target)) {
        if (plugin && s->target)    /* a core: a plugin's watch waits for what never comes */
            cmd_error(s, "watch %s needs a live process: a core file has no future to watch.",
                      plugin->flag ? plugin->flag : plugin->name);
        else
            cmd_error(s, "The program is not being run.");
        return -1;
    }
    struct rd_value v;
    char err[256];
    if (expr_eval(s, expr, &v, err, sizeof err) < 0) {
        cmd_error(s, "%s", err);
        return -1;
    }
    /* A plugin's mechanism watches what the expression names by its own
     * rules (watch -evac 0x4200001000, or a whole closure): any value will
     * do, it gets the lvalue's address when there is one and re-evaluates. */
    bool by_plugin = plugin != NULL;
    if (v.loc != VAL_MEMORY && !by_plugin) {
        cmd_error(s, "Cannot watch constant value `%s'.", expr);
        return -1;
    }
    if (v.loc != VAL_MEMORY)
        v.addr = 0;
    size_t len = v.type ? v.type->size : 0;
    if (by_plugin && len > WATCH_MAX_LEN)
        len = WATCH_MAX_LEN;
    if (by_plugin && v.addr == 0)
        len = 0;
    if (!by_plugin && (len == 0 || len > WATCH_MAX_LEN)) {
        cmd_error(s, "Cannot watch `%s': its size (%zu bytes) must be 1 to %d bytes.", expr, len,
                  WATCH_MAX_LEN);
        return -1;
    }

    struct watchpoint *w = calloc(1, sizeof *w);
    if (!w) {
        cmd_error(s, "Out of memory.");
        return -1;
    }
    w->location = location;
    w->addr = v.addr;
    w->len = len;
    w->type = v.type;
    if (len > 0 && s->target->ops->read_memory(s->target, w->addr, w->old, len) < 0) {
        cmd_error(s, "Cannot access memory at address 0x%llx", (unsigned long long)w->addr);
        free(w);
        return -1;
    }
    char spec[600];
    snprintf(spec, sizeof spec, "%s%s", location ? "-location " : "", expr);
    struct breakpoint *bp = bp_create(&infrun_of(s)->bps, kind, spec, false);
    if (!bp) {
        free(w);
        cmd_error(s, "Out of memory.");
        return -1;
    }
    bp->watch = w;
    w->bp = bp;

    int rc;
    if (plugin) {
        w->mech = WM_PLUGIN;
        w->plugin = plugin;
        rc = plugin->arm(s, bp->num, expr, w->addr, len, &w->plugin_state, err, sizeof err);
    } else {
        /* watch_hw: debug registers when they fire and fit, else page protection. */
        rc = -1;
        if (watch_hw_wanted()) {
            w->mech = WM_HW;
            rc = watch_hw_arm(s, w, err, sizeof err);
            if (rc < 0)
                out_printf(s, "%s: using page protection.\n", err);
        }
        if (rc < 0) {
            w->mech = WM_PAGEPROT;
            rc = pageprot_arm(s, w->addr, len, err, sizeof err);
        }
    }
    if (rc < 0) {
        bp->watch = NULL;
        bp_delete(&infrun_of(s)->bps, bp);
        free(w);
        if (!plugin)
            pageprot_sync(s);
        cmd_error(s, "%s", err);
        return -1;
    }
    out_printf(s, "%s %d: %s\n", watch_title(bp), bp->num, bp->spec);
    json_int(s, "number", bp->num);
    json_str(s, "mechanism", watch_mechanism_name(w));
    return 0;
}

void watch_delete(struct session *s, struct breakpoint *bp)
{
    struct watchpoint *w = bp->watch;
    struct infrun *ir = infrun_of(s);
    bp->watch = NULL;
    bp_delete(&ir->bps, bp);
    if (!w)
        return;
    if (w->mech == WM_PLUGIN && w->plugin && w->plugin->disarm)
        w->plugin->disarm(s, w->plugin_state);
    if (w->mech == WM_HW)
        watch_hw_disarm(s, w);      /* watch_hw: free its debug registers */
    free(w);
    if (s->target && target_can_run(s->target))
        pageprot_sync(s);
}

void watch_refresh(struct session *s)
{
    struct target *t = s->target;
    if (!t)
        return;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next) {
        struct watchpoint *w = bp->watch;
        if (!w)
            continue;
        if (w->mech == WM_PAGEPROT && bp->enabled) {
            char err[256];
            if (!pageprot_owns(s, w->addr) && pageprot_arm(s, w->addr, w->len, err, sizeof err) < 0)
                continue;
        }
        t->ops->read_memory(t, w->addr, w->old, w->len);
    }
    pageprot_sync(s);
    watch_hw_sync(s);       /* watch_hw: a new process, or enable/disable */
}

struct breakpoint *watch_report_hits(struct session *s, pid_t tid)
{
    struct breakpoint *first = NULL;
    struct target *t = s->target;
    char prefix[64];
    infrun_thread_prefix(s, tid, prefix, sizeof prefix);
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next) {
        struct watchpoint *w = bp->watch;
        if (!w || !w->hit_pending)
            continue;
        w->hit_pending = false;
        unsigned char now[WATCH_MAX_LEN];
        if (t->ops->read_memory(t, w->addr, now, w->len) < 0)
            continue;
        char oldv[512], newv[512];
        format_value(s, w, w->old, oldv, sizeof oldv);
        format_value(s, w, now, newv, sizeof newv);
        memcpy(w->old, now, w->len);
        if (!infrun_hit_stops(s, bp))
            continue;
        if (!first)
            first = bp;
        bool silent = bp->ncommands > 0 && strcmp(bp->commands[0], "silent") == 0;
        if (!silent) {
            out_printf(s, "\n%s%s%s %d: %s\n\n", prefix, prefix[0] ? "hit " : "",
                       watch_title(bp), bp->num, bp->spec);
            if (w->was_read)
                out_printf(s, "Value = %s\n", newv);
            else
                out_printf(s, "Old value = %s\nNew value = %s\n", oldv, newv);
        }
        json_str(s, "reason", bp->kind == BP_WATCHPOINT ? "watchpoint-trigger"
                              : bp->kind == BP_READ_WATCHPOINT ? "read-watchpoint-trigger"
                                                               : "access-watchpoint-trigger");
        json_int(s, "wpnum", bp->num);
        json_str(s, "old", oldv);
        json_str(s, "new", newv);
    }
    if (first)
        json_int(s, "thread", s->cur_thread);
    return first;
}

bool watch_plugins_check_stop(struct session *s, const struct stop_event *ev)
{
    bool claimed = false;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next) {
        struct watchpoint *w = bp->watch;
        if (!w || w->mech != WM_PLUGIN || !bp->enabled || !w->plugin->check_stop)
            continue;
        if (w->plugin->check_stop(s, w->plugin_state, ev)) {
            bp->hits++;
            claimed = true;
        }
    }
    return claimed;
}
