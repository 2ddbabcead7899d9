/* run_commands.c — the run-control commands (infrun_commands_init).
 *
 * Offers: run/r, start, continue/c, step/s, next/n, stepi/si, nexti/ni, finish, until/u,
 * advance, interrupt, signal, handle, info signals, break/b, tbreak,
 * delete/d, disable, enable, condition, commands, watch, rwatch, awatch,
 * info breakpoints, info watchpoints.  Wording and tables follow gdb's.
 *
 * Must not depend on: ptrace (everything goes through infrun.c and the
 * target), the runtime.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "infrun.h"
#include "watchpoint.h"
#include "watch_hw.h"

/* ---------- helpers ---------- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Parse an optional repeat count ("continue 3", "stepi 10"). */
static int parse_count(struct session *s, const char *args, int *out)
{
    args = skip_ws(args ? args : "");
    *out = 1;
    if (!*args)
        return 0;
    char *end;
    long n = strtol(args, &end, 0);
    if (end == args || *skip_ws(end) || n < 1 || n > 1000000000) {
        cmd_error(s, "Invalid number \"%s\".", args);
        return -1;
    }
    *out = (int)n;
    return 0;
}

static bool need_live(struct session *s)
{
    if (!target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return false;
    }
    return true;
}

/* ---------- locations ---------- */

/* " in main at t.c:5" for info breakpoints, "file t.c, line 5." for break;
 * before "run", from the program file (session_symtab). */
static bool addr_line(struct session *s, addr_t a, struct line_info *li)
{
    struct symtab *st = session_symtab(s);
    return st && symtab_line_for_addr(st, a, li) && li->file;
}

/* A line's rows: keep the lowest address in each function, as gdb puts
 * one location per function (a statement split over several rows would
 * otherwise stop several times per execution). */
static int one_per_function(struct symtab *st, addr_t *addrs, int n)
{
    int kept = 0;
    for (int i = 0; i < n; i++) {
        struct sym_info si, sj;
        bool have_i = symtab_lookup_addr(st, addrs[i], &si);
        bool dup = false;
        for (int j = 0; j < kept && !dup; j++) {
            if (have_i && symtab_lookup_addr(st, addrs[j], &sj) && sj.addr == si.addr) {
                if (addrs[i] < addrs[j])
                    addrs[j] = addrs[i];
                dup = true;
            }
        }
        if (!dup)
            addrs[kept++] = addrs[i];
    }
    return kept;
}

/* Note [Breakpoints by line]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * "break FILE:LINE" and "break LINE" are resolved from the program file
 * before "run" (gdb reports "Breakpoint 1 at 0x1157: file f.c, line 29."
 * with the file's addresses), and again from the process when it starts.
 * A bare LINE is in gdb's default source file: the selected frame's file
 * once the program has stopped somewhere with lines, else the file that
 * defines main; the breakpoint keeps that file ("f.c:LINE") so that it
 * means the same line when the process starts at the dynamic linker.
 * A line without code moves to the next line that has some; a line
 * address that is a function's first instruction moves past its
 * prologue, where "break FUNC" stops (gdb's skip_prologue_sal: "break
 * 20" on a function's '{' says line 21).  A line's statement rows give
 * one location per function, its lowest. */

/* Note [Functions before run]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * "break FUNC" before "run" resolves from the program file when the file
 * defines FUNC, as gdb 13 does: "Breakpoint 1 at 0x1149: file f.c, line
 * 5." (the file's address, past the prologue as at run time), or
 * "Breakpoint 1 at 0x408ba0" for a function without lines (getenv in a
 * static program).  When the process starts every breakpoint is
 * resolved again (infrun_target_attached, then each library load), so a
 * PIE's breakpoint moves to its run-time address and stops as before.
 * A function the file does not define stays pending before "run" and
 * resolves when a library defining it loads (Note [Shared-library
 * events] in solib.c).  gdb instead puts "break puts" of a dynamic
 * program that calls puts on its PLT entry ("Breakpoint 1 at 0x1030",
 * "<puts@plt>"), which it moves into libc's puts as soon as libc is
 * loaded, before the first call: the stop is the same.  rtsdb keeps it
 * pending: its symbol table has no synthetic "puts@plt" symbols, and a
 * location that lives only until the first library event is not worth
 * making them (solib.sh checks the pending form). */

/* The file a bare line number is in (Note [Breakpoints by line]), or
 * NULL. */
static const char *default_source_file(struct session *s, struct symtab *st)
{
    struct frame f;
    char ferr[128];
    struct line_info li;
    addr_t main_addr;
    if (s->target && s->symtab == st && session_selected_frame(s, &f, ferr, sizeof ferr) == 0
        && symtab_line_for_addr(st, f.pc, &li) && li.file)
        return li.file;
    if (symtab_function_breakpoint_addr(st, "main", &main_addr)
        && symtab_line_for_addr(st, main_addr, &li) && li.file)
        return li.file;
    return NULL;
}

/* FILE:LINE's breakpoint addresses (Note [Breakpoints by line]), and in
 * *line_out the line gdb names for the first: the line found (LINE or
 * the next with code), or past a prologue the line there. */
static int line_locations(struct symtab *st, const char *file, int line, addr_t *out, int max,
                          int *line_out)
{
    int n = symtab_addrs_for_line(st, file, line, out, max, line_out);
    bool moved = false;
    for (int i = 0; i < n; i++) {
        struct sym_info si;
        addr_t body;
        if (symtab_lookup_addr(st, out[i], &si) && si.addr == out[i]
            && (body = symtab_function_body_addr(st, out[i])) != out[i]) {
            out[i] = body;
            moved |= i == 0;
        }
    }
    n = n > 0 ? one_per_function(st, out, n) : n;
    struct line_info li;
    if (n > 0 && moved && symtab_line_for_addr(st, out[0], &li))
        *line_out = li.line;
    return n;
}

/* Is spec a bare line number ("29")? */
static bool bare_line(const char *spec, long *line)
{
    char *end;
    spec = skip_ws(spec);
    *line = strtol(spec, &end, 10);
    return end != spec && !*skip_ws(end);
}

/* Resolve "FUNC", "FILE:LINE", "LINE", "FILE:FUNC" or "*EXPR" to code
 * addresses.  Returns the count (> 0), 0 when the location is not found
 * yet (pending: before "run", a function the program file does not
 * define), or -1 with err set.  Lines and the program's functions
 * resolve before "run" too (Note [Breakpoints by line], Note [Functions
 * before run]); *line is the line gdb names for a FILE:LINE or LINE,
 * else 0. */
static int resolve_location(struct session *s, const char *spec, addr_t *out, int max,
                            int *line_out, char *err, size_t errlen)
{
    spec = skip_ws(spec);
    *line_out = 0;
    if (*spec == '*') {
        struct rd_value v;
        if (expr_eval(s, spec + 1, &v, err, errlen) < 0 || value_fetch(s, &v, err, errlen) < 0)
            return -1;
        out[0] = (addr_t)value_as_int(&v);
        return 1;
    }
    struct symtab *st = session_symtab(s);
    const char *colon = strrchr(spec, ':');
    long line;
    if (colon && st) {
        char *end;
        line = strtol(colon + 1, &end, 10);
        char file[200];
        snprintf(file, sizeof file, "%.*s", (int)(colon - spec), spec);
        if (end != colon + 1 && !*skip_ws(end)) {
            int n = line_locations(st, file, (int)line, out, max, line_out);
            if (n <= 0) {
                snprintf(err, errlen, "No line %ld in file \"%s\".", line, file);
                return -1;
            }
            return n;
        }
        spec = colon + 1;       /* FILE:FUNC */
    } else if (st && bare_line(spec, &line)) {
        const char *file = default_source_file(s, st);
        if (!file) {
            snprintf(err, errlen, "No default source file; use FILE:LINE.");
            return -1;
        }
        int n = line_locations(st, file, (int)line, out, max, line_out);
        if (n <= 0) {
            snprintf(err, errlen, "No line %ld in the current file.", line);
            return -1;
        }
        return n;
    }
    if (!st)
        return 0;   /* no symbols yet: pending until the process starts */
    if (!symtab_function_breakpoint_addr(st, spec, &out[0])) {
        if (!s->target)
            return 0;   /* Note [Functions before run]: perhaps a library's */
        snprintf(err, errlen, "Function \"%s\" not defined.", spec);
        return -1;
    }
    return 1;
}

/* Fill bp->where from the symbols, if loaded: "in main at t.c:5", or
 * where the address has no line "<printf>" ("<printf+4>"), as gdb's
 * info breakpoints shows it. */
static void describe_where(struct session *s, struct breakpoint *bp)
{
    struct line_info li;
    struct sym_info si;
    if (bp->nlocs == 0 || !session_symtab(s)
        || !symtab_lookup_addr(session_symtab(s), bp->locs[0].addr, &si) || !si.name)
        return;
    addr_t a = bp->locs[0].addr;
    if (addr_line(s, a, &li))
        snprintf(bp->where, sizeof bp->where, "in %s at %s:%d", si.name, li.file,
                 bp->line > 0 ? bp->line : li.line);
    else if (a == si.addr)
        snprintf(bp->where, sizeof bp->where, "<%s>", si.name);
    else
        snprintf(bp->where, sizeof bp->where, "<%s+%llu>", si.name,
                 (unsigned long long)(a - si.addr));
}

/* Is spec FUNC, FILE:LINE or FILE:FUNC (found in some module or not at
 * all), rather than *ADDR or a LINE of the selected frame's file? */
static bool by_name_or_file_line(const char *spec)
{
    spec = skip_ws(spec);
    char *end;
    strtol(spec, &end, 10);
    return *spec != '*' && (end == spec || *skip_ws(end));
}

void infrun_resolve_breakpoints(struct session *s)
{
    struct infrun *ir = infrun_of(s);
    for (struct breakpoint *bp = ir->bps.head; bp; bp = bp->next) {
        if (bp->kind != BP_BREAKPOINT || bp->num < 0)
            continue;
        addr_t addrs[BP_MAX_LOCS];
        char err[256];
        int line;
        int n = resolve_location(s, bp->spec, addrs, BP_MAX_LOCS, &line, err, sizeof err);
        if (n < 0 && by_name_or_file_line(bp->spec))
            bp->nlocs = 0;  /* its library was unloaded: pending again, as in gdb */
        if (n <= 0)
            continue;       /* stays as it was (pending, or an absolute address) */
        bp->nlocs = 0;
        bp->line = line;
        for (int i = 0; i < n; i++)
            bp_add_location(bp, addrs[i]);
        describe_where(s, bp);
    }
}

/* ---------- break / tbreak ---------- */

static int set_breakpoint(struct session *s, const char *args, bool temporary)
{
    char spec[512];
    const char *cond = NULL;
    args = skip_ws(args ? args : "");
    /* "LOCATION if EXPR" */
    const char *ifp = NULL;
    for (const char *p = args; (p = strstr(p, "if")) != NULL; p += 2) {
        bool before = p == args || p[-1] == ' ' || p[-1] == '\t';
        bool after = p[2] == ' ' || p[2] == '\t' || p[2] == '(' || p[2] == '\0';
        if (before && after) {
            ifp = p;
            break;
        }
    }
    size_t speclen = ifp ? (size_t)(ifp - args) : strlen(args);
    while (speclen && (args[speclen - 1] == ' ' || args[speclen - 1] == '\t'))
        speclen--;
    if (speclen >= sizeof spec) {
        cmd_error(s, "Location too long.");
        return -1;
    }
    memcpy(spec, args, speclen);
    spec[speclen] = '\0';
    if (ifp) {
        cond = skip_ws(ifp + 2);
        if (!*cond) {
            cmd_error(s, "Argument required (boolean expression).");
            return -1;
        }
    }

    addr_t addrs[BP_MAX_LOCS];
    int n, line = 0;
    char err[256];
    if (!spec[0]) {
        /* No location: the selected frame's pc, as gdb. */
        struct frame f;
        if (!s->target || session_selected_frame(s, &f, err, sizeof err) < 0) {
            cmd_error(s, "No default breakpoint location: the program is not running.");
            return -1;
        }
        snprintf(spec, sizeof spec, "*0x%llx", (unsigned long long)f.pc);
        addrs[0] = f.pc;
        n = 1;
    } else {
        n = resolve_location(s, spec, addrs, BP_MAX_LOCS, &line, err, sizeof err);
        if (n < 0 && infrun_of(s)->pending_on && spec[0] != '*') {
            /* Perhaps in a library not loaded yet: gdb says why, then
             * makes it pending (Note [Shared-library events] in solib.c). */
            out_printf(s, "%s\n", err);
            n = 0;
        }
        if (n < 0) {
            cmd_error(s, "%s", err);
            return -1;
        }
        long bare;
        const char *file;
        if (n > 0 && bare_line(spec, &bare)
            && (file = default_source_file(s, session_symtab(s))) != NULL)
            snprintf(spec, sizeof spec, "%s:%ld", file, bare);  /* Note [Breakpoints by line] */
    }
    struct breakpoint *bp = bp_create(&infrun_of(s)->bps, BP_BREAKPOINT, spec, false);
    if (!bp) {
        cmd_error(s, "Out of memory.");
        return -1;
    }
    bp->temporary = temporary;
    bp->line = line;
    bp_set_condition(bp, cond);
    for (int i = 0; i < n; i++)
        bp_add_location(bp, addrs[i]);
    describe_where(s, bp);
    const char *title = temporary ? "Temporary breakpoint" : "Breakpoint";
    struct line_info li;
    if (n == 0)
        out_printf(s, "%s %d (%s) pending.\n", title, bp->num, spec);
    else if (n > 1)
        out_printf(s, "%s %d at 0x%llx: %s. (%d locations)\n", title, bp->num,
                   (unsigned long long)addrs[0], spec, n);
    else if (addr_line(s, addrs[0], &li))
        out_printf(s, "%s %d at 0x%llx: file %s, line %d.\n", title, bp->num,
                   (unsigned long long)addrs[0], li.file, line > 0 ? line : li.line);
    else
        out_printf(s, "%s %d at 0x%llx\n", title, bp->num, (unsigned long long)addrs[0]);
    json_int(s, "number", bp->num);
    if (n > 0)
        json_uint(s, "addr", addrs[0]);
    return 0;
}

static int cmd_break(struct session *s, const char *args) { return set_breakpoint(s, args, false); }
static int cmd_tbreak(struct session *s, const char *args) { return set_breakpoint(s, args, true); }

/* "set breakpoint pending on|off|auto": whether a location that is not
 * found (a function of a library not loaded yet) makes a pending
 * breakpoint.  gdb's "auto" asks; rtsdb never asks, so auto is off. */
static int cmd_set_breakpoint_pending(struct session *s, const char *args)
{
    args = skip_ws(args ? args : "");
    if (!*args || !strcmp(args, "on"))
        infrun_of(s)->pending_on = true;
    else if (!strcmp(args, "off") || !strcmp(args, "auto"))
        infrun_of(s)->pending_on = false;
    else {
        cmd_error(s, "\"on\", \"off\" or \"auto\" expected.");
        return -1;
    }
    return 0;
}

static int cmd_show_breakpoint_pending(struct session *s, const char *args)
{
    (void)args;
    bool on = infrun_of(s)->pending_on;
    out_printf(s, "Debugger's behavior regarding pending breakpoints is %s.\n", on ? "on" : "off");
    json_bool(s, "pending", on);
    return 0;
}

/* ---------- delete / disable / enable ---------- */

static void delete_one(struct session *s, struct breakpoint *bp)
{
    if (bp->watch)
        watch_delete(s, bp);
    else
        bp_delete(&infrun_of(s)->bps, bp);
}

/* Apply fn to each breakpoint named in args ("1 3 5-7"); all user ones
 * when args is empty.  Unknown numbers are reported, others still done. */
static int for_each_listed(struct session *s, const char *args,
                           void (*fn)(struct session *, struct breakpoint *))
{
    struct infrun *ir = infrun_of(s);
    args = skip_ws(args ? args : "");
    if (!strncmp(args, "breakpoints", 11))
        args = skip_ws(args + 11);
    if (!*args) {
        struct breakpoint *bp = ir->bps.head;
        while (bp) {
            struct breakpoint *next = bp->next;
            if (bp->num > 0)
                fn(s, bp);
            bp = next;
        }
        return 0;
    }
    int rc = 0;
    const char *p = args;
    while (*(p = skip_ws(p))) {
        char *end;
        long lo = strtol(p, &end, 10), hi;
        if (end == p) {
            cmd_error(s, "Convenience variable must have integer value.\nArgs must be numbers or '$' variables.");
            return -1;
        }
        hi = lo;
        if (*end == '-') {
            const char *q = end + 1;
            hi = strtol(q, &end, 10);
            if (end == q || hi < lo) {
                cmd_error(s, "Inverted breakpoint range at '%s'.", p);
                return -1;
            }
        }
        for (long n = lo; n <= hi; n++) {
            struct breakpoint *bp = n > 0 ? bp_find(&ir->bps, (int)n) : NULL;
            if (!bp) {
                out_printf(s, "No breakpoint number %ld.\n", n);
                rc = -1;
                continue;
            }
            fn(s, bp);
        }
        p = end;
    }
    if (rc < 0)
        s->failures++;
    return 0;
}

static void disable_one(struct session *s, struct breakpoint *bp)
{
    bp->enabled = false;
    if (bp->watch && s->target)
        pageprot_sync(s);
}

static void enable_one(struct session *s, struct breakpoint *bp)
{
    bp->enabled = true;
    if (bp->watch && target_can_run(s->target))
        watch_refresh(s);
}

static int cmd_delete(struct session *s, const char *args) { return for_each_listed(s, args, delete_one); }
static int cmd_disable(struct session *s, const char *args) { return for_each_listed(s, args, disable_one); }
static int cmd_enable(struct session *s, const char *args) { return for_each_listed(s, args, enable_one); }

/* ---------- condition / commands ---------- */

static struct breakpoint *parse_bp_number(struct session *s, const char **args)
{
    const char *p = skip_ws(*args ? *args : "");
    char *end;
    long n = strtol(p, &end, 10);
    if (end == p) {
        cmd_error(s, "Argument required (breakpoint number).");
        return NULL;
    }
    struct breakpoint *bp = n > 0 ? bp_find(&infrun_of(s)->bps, (int)n) : NULL;
    if (!bp) {
        cmd_error(s, "No breakpoint number %ld.", n);
        return NULL;
    }
    *args = skip_ws(end);
    return bp;
}

static int cmd_condition(struct session *s, const char *args)
{
    struct breakpoint *bp = parse_bp_number(s, &args);
    if (!bp)
        return -1;
    if (!*args) {
        bp_set_condition(bp, NULL);
        out_printf(s, "Breakpoint %d now unconditional.\n", bp->num);
        return 0;
    }
    bp_set_condition(bp, args);
    return 0;
}

static int cmd_commands(struct session *s, const char *args)
{
    struct infrun *ir = infrun_of(s);
    const char *p = skip_ws(args ? args : "");
    struct breakpoint *bp;
    if (!*p || *p == '\n') {
        bp = NULL;      /* the last breakpoint created */
        for (struct breakpoint *b = ir->bps.head; b; b = b->next)
            if (b->num > 0)
                bp = b;
        if (!bp) {
            cmd_error(s, "No breakpoints specified.");
            return -1;
        }
    } else if (!(bp = parse_bp_number(s, &p))) {
        return -1;
    }
    char **lines;
    size_t n;
    const char *nl = strchr(p, '\n');
    if (cmd_read_body(s, nl ? nl + 1 : NULL, &lines, &n) < 0) {
        cmd_error(s, "commands %d: end of input before \"end\".", bp->num);
        return -1;
    }
    bp_set_commands(bp, lines, (int)n);
    return 0;
}

/* ---------- info breakpoints / watchpoints ---------- */

/* An internal breakpoint's type is what it is for: "shlib events",
 * "return" (finish), "plugin trap"... */
static const char *bp_type_name(const struct breakpoint *bp)
{
    if (bp->num < 0)
        return bp->spec;
    return bp->kind == BP_BREAKPOINT ? "breakpoint" : watch_type_name(bp);
}

/* Does the table list bp?  Internal breakpoints only for "maint info
 * breakpoints". */
static bool listed(const struct breakpoint *bp, bool watch_only, bool internal)
{
    return (bp->num > 0 || (internal && bp->num < 0)) && (!watch_only || bp->watch);
}

static void info_table(struct session *s, bool watch_only, bool internal)
{
    struct infrun *ir = infrun_of(s);
    int type_w = 14, count = 0;
    for (struct breakpoint *bp = ir->bps.head; bp; bp = bp->next) {
        if (!listed(bp, watch_only, internal))
            continue;
        count++;
        int l = (int)strlen(bp_type_name(bp));
        if (l > type_w)
            type_w = l;
    }
    if (count == 0) {
        out_printf(s, watch_only ? "No watchpoints.\n" : "No breakpoints or watchpoints.\n");
        return;
    }
    out_printf(s, "Num     %-*s Disp Enb Address            What\n", type_w, "Type");
    json_begin_array(s, "breakpoints");
    for (struct breakpoint *bp = ir->bps.head; bp; bp = bp->next) {
        if (!listed(bp, watch_only, internal))
            continue;
        json_begin_object(s, NULL);
        json_int(s, "number", bp->num);
        json_str(s, "type", bp_type_name(bp));
        json_bool(s, "enabled", bp->enabled);
        json_int(s, "hits", bp->hits);
        char num[16];
        snprintf(num, sizeof num, "%d", bp->num);
        out_printf(s, "%-7s %-*s %-4s %-3s ", num, type_w, bp_type_name(bp),
                   bp->temporary ? "del" : "keep", bp->enabled ? "y" : "n");
        if (bp->watch) {
            out_printf(s, "%-18s %s\n", "", bp->spec);
            json_str(s, "what", bp->spec);
            json_str(s, "mechanism", watch_mechanism_name(bp->watch));
        } else if (bp->nlocs == 0) {
            out_printf(s, "%-18s %s\n", "<PENDING>", bp->spec);
            json_str(s, "what", bp->spec);
        } else if (bp->num < 0) {
            char sym[256] = "";
            addr_t a = bp->locs[0].addr;
            if (s->symtab)
                symtab_symbolize(s->symtab, a, sym, sizeof sym);
            out_printf(s, "0x%016llx <%s>\n", (unsigned long long)a, sym[0] ? sym : "??");
            json_uint(s, "addr", a);
        } else {
            addr_t a = bp->locs[0].addr;
            describe_where(s, bp);
            out_printf(s, "0x%016llx %s\n", (unsigned long long)a, bp->where[0] ? bp->where : bp->spec);
            json_uint(s, "addr", a);
            json_str(s, "what", bp->spec);
            for (int i = 1; i < bp->nlocs; i++)
                out_printf(s, "%-7s %-*s %-4s %-3s 0x%016llx\n", "", type_w, "", "", "",
                           (unsigned long long)bp->locs[i].addr);
        }
        if (bp->watch)
            out_printf(s, "\tusing %s\n", watch_mechanism_name(bp->watch));
        if (bp->cond) {
            out_printf(s, "\tstop only if %s\n", bp->cond);
            json_str(s, "cond", bp->cond);
        }
        if (bp->hits > 0)
            out_printf(s, "\tbreakpoint already hit %d time%s\n", bp->hits, bp->hits == 1 ? "" : "s");
        for (int i = 0; i < bp->ncommands; i++)
            out_printf(s, "        %s\n", bp->commands[i]);
        json_end_object(s);
    }
    json_end_array(s);
}

static int cmd_info_breakpoints(struct session *s, const char *args)
{
    (void)args;
    info_table(s, false, false);
    return 0;
}

/* gdb's "maint info breakpoints": the internal ones too (negative
 * numbers), such as the dynamic linker's "shlib events" (solib.c). */
static int cmd_maint_info_breakpoints(struct session *s, const char *args)
{
    (void)args;
    info_table(s, false, true);
    return 0;
}

static int cmd_info_watchpoints(struct session *s, const char *args)
{
    (void)args;
    info_table(s, true, false);
    if (!hwwatch_probe() && !watch_hw_wanted())
        out_printf(s, "(debug-register watchpoints do not fire on this machine: "
                      "watchpoints use page protection)\n");
    return 0;
}

/* ---------- watch ---------- */

static int cmd_watch(struct session *s, const char *args) { return watch_command(s, BP_WATCHPOINT, args); }
static int cmd_rwatch(struct session *s, const char *args) { return watch_command(s, BP_READ_WATCHPOINT, args); }
static int cmd_awatch(struct session *s, const char *args) { return watch_command(s, BP_ACC_WATCHPOINT, args); }

/* ---------- running ---------- */

static int launch(struct session *s)
{
    if (s->target) {
        cmd_error(s, "The program being debugged has been started already (kill it first).");
        return -1;
    }
    if (!s->exe || !*s->exe) {
        cmd_error(s, "No executable file specified.\nUse the \"file\" or \"exec-file\" command.");
        return -1;
    }
    size_t nargs = 0;
    while (s->prog_args && s->prog_args[nargs])
        nargs++;
    char **argv = calloc(nargs + 2, sizeof *argv);
    if (!argv) {
        cmd_error(s, "Out of memory.");
        return -1;
    }
    argv[0] = s->exe;
    for (size_t i = 0; i < nargs; i++)
        argv[i + 1] = s->prog_args[i];
    char err[512];
    struct target *t = target_launch(argv, err, sizeof err);
    free(argv);
    if (!t) {
        cmd_error(s, "%s", err);
        return -1;
    }
    out_printf(s, "Starting program: %s", t->exe[0] ? t->exe : s->exe);
    for (size_t i = 0; i < nargs; i++)
        out_printf(s, " %s", s->prog_args[i]);
    out_printf(s, " \n");
    if (session_set_target(s, t) < 0)
        return -1;
    return 0;
}

static int report_rc(int rc) { return rc < 0 ? -1 : 0; }

static int cmd_run(struct session *s, const char *args)
{
    (void)args;
    if (launch(s) < 0)
        return -1;
    return report_rc(infrun_continue(s));
}

static int cmd_start(struct session *s, const char *args)
{
    (void)args;
    if (s->target) {
        cmd_error(s, "The program being debugged has been started already (kill it first).");
        return -1;
    }
    struct infrun *ir = infrun_of(s);
    struct breakpoint *bp = bp_create(&ir->bps, BP_BREAKPOINT, "main", false);
    bp->temporary = true;
    if (launch(s) < 0) {
        bp_delete(&ir->bps, bp);
        return -1;
    }
    if (bp->nlocs == 0) {
        bp_delete(&ir->bps, bp);
        cmd_error(s, "No symbol table loaded: cannot find \"main\".");
        return -1;
    }
    struct line_info li;
    if (addr_line(s, bp->locs[0].addr, &li))
        out_printf(s, "Temporary breakpoint %d at 0x%llx: file %s, line %d.\n", bp->num,
                   (unsigned long long)bp->locs[0].addr, li.file, li.line);
    return report_rc(infrun_continue(s));
}

static int cmd_continue(struct session *s, const char *args)
{
    int count;
    if (!need_live(s) || parse_count(s, args, &count) < 0)
        return -1;
    if (count > 1) {
        /* "continue N": ignore the breakpoint we stand on N-1 more times. */
        struct breakpoint *bp = NULL;
        struct user_regs_struct regs;
        if (s->target->ops->get_regs(s->target, session_current_tid(s), &regs) == 0)
            bp = bp_next_at(&infrun_of(s)->bps, NULL, regs.rip);
        if (bp && bp->num > 0) {
            bp->ignore_count = count - 1;
            out_printf(s, "Will ignore next %d crossings of breakpoint %d.  Continuing.\n",
                       count - 1, bp->num);
        } else {
            out_printf(s, "Not stopped at any breakpoint; argument ignored.\nContinuing.\n");
        }
    } else {
        out_printf(s, "Continuing.\n");
    }
    return report_rc(infrun_continue(s));
}

static int cmd_stepi(struct session *s, const char *args)
{
    int count;
    if (!need_live(s) || parse_count(s, args, &count) < 0)
        return -1;
    return report_rc(infrun_stepi(s, count, false));
}

static int cmd_nexti(struct session *s, const char *args)
{
    int count;
    if (!need_live(s) || parse_count(s, args, &count) < 0)
        return -1;
    return report_rc(infrun_stepi(s, count, true));
}

static int cmd_next(struct session *s, const char *args)
{
    int count;
    if (!need_live(s) || parse_count(s, args, &count) < 0)
        return -1;
    return report_rc(infrun_next(s, count));
}

static int cmd_step(struct session *s, const char *args)
{
    int count;
    if (!need_live(s) || parse_count(s, args, &count) < 0)
        return -1;
    return report_rc(infrun_step(s, count));
}

static int cmd_finish(struct session *s, const char *args)
{
    (void)args;
    if (!need_live(s))
        return -1;
    return report_rc(infrun_finish(s));
}

static int until_location(struct session *s, const char *args, bool required)
{
    if (!need_live(s))
        return -1;
    args = skip_ws(args ? args : "");
    if (!*args) {
        if (required) {
            cmd_error(s, "Argument required (a location).");
            return -1;
        }
        return report_rc(infrun_until(s, 0));
    }
    addr_t addrs[BP_MAX_LOCS];
    char err[256];
    int line;
    int n = resolve_location(s, args, addrs, BP_MAX_LOCS, &line, err, sizeof err);
    if (n <= 0) {
        cmd_error(s, "%s", n < 0 ? err : "No symbol table is loaded.");
        return -1;
    }
    return report_rc(infrun_until(s, addrs[0]));
}

static int cmd_until(struct session *s, const char *args) { return until_location(s, args, false); }
static int cmd_advance(struct session *s, const char *args) { return until_location(s, args, true); }

static int cmd_interrupt(struct session *s, const char *args)
{
    (void)args;
    if (!need_live(s))
        return -1;
    if (!s->target->running)
        return 0;       /* all-stop: already stopped */
    return s->target->ops->interrupt(s->target) < 0 ? -1 : 0;
}

/* ---------- signals ---------- */

/* "SIGSEGV", "SEGV", "11" -> 11; 0 if unknown. */
static int parse_signal(const char *word, size_t len)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, word, len);
    buf[len] = '\0';
    if (isdigit((unsigned char)buf[0])) {
        long n = strtol(buf, NULL, 10);
        return n > 0 && n < NSIG ? (int)n : 0;
    }
    const char *name = strncasecmp(buf, "SIG", 3) == 0 ? buf + 3 : buf;
    for (int sig = 1; sig < NSIG; sig++) {
        char full[32];
        infrun_signal_name(sig, full, sizeof full);
        if (strcasecmp(full + 3, name) == 0)
            return sig;
    }
    return 0;
}

static void print_signal_header(struct session *s)
{
    out_printf(s, "Signal        Stop\tPrint\tPass to program\tDescription\n");
}

static void print_signal_row(struct session *s, int sig)
{
    struct signal_handling h = infrun_of(s)->handle[sig];
    char name[32];
    infrun_signal_name(sig, name, sizeof name);
    out_printf(s, "%-13s %s\t%s\t%s\t\t%s\n", name, h.stop ? "Yes" : "No", h.print ? "Yes" : "No",
               h.pass ? "Yes" : "No", infrun_signal_description(sig));
    json_begin_object(s, NULL);
    json_str(s, "signal", name);
    json_bool(s, "stop", h.stop);
    json_bool(s, "print", h.print);
    json_bool(s, "pass", h.pass);
    json_end_object(s);
}

static int cmd_handle(struct session *s, const char *args)
{
    const char *p = skip_ws(args ? args : "");
    int sigs[NSIG], nsigs = 0;
    struct signal_handling set = { 0 }, clear = { 0 };
    if (!*p) {
        cmd_error(s, "Argument required (signal to handle).");
        return -1;
    }
    while (*(p = skip_ws(p))) {
        size_t n = strcspn(p, " \t");
        char w[32];
        snprintf(w, sizeof w, "%.*s", (int)(n < sizeof w ? n : sizeof w - 1), p);
        if (!strcmp(w, "stop")) {
            set.stop = set.print = true;
            clear.stop = clear.print = false;
        } else if (!strcmp(w, "nostop")) {
            clear.stop = true;
            set.stop = false;
        } else if (!strcmp(w, "print")) {
            set.print = true;
            clear.print = false;
        } else if (!strcmp(w, "noprint")) {
            clear.print = clear.stop = true;
            set.print = set.stop = false;
        } else if (!strcmp(w, "pass") || !strcmp(w, "noignore")) {
            set.pass = true;
            clear.pass = false;
        } else if (!strcmp(w, "nopass") || !strcmp(w, "ignore")) {
            clear.pass = true;
            set.pass = false;
        } else if (!strcmp(w, "all")) {
            for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGTRAP && sig != SIGINT && nsigs < NSIG)
                    sigs[nsigs++] = sig;
        } else {
            int sig = parse_signal(p, n);
            if (!sig) {
                cmd_error(s, "Unrecognized or ambiguous flag word: \"%s\".", w);
                return -1;
            }
            if (nsigs < NSIG)
                sigs[nsigs++] = sig;
        }
        p += n;
    }
    struct infrun *ir = infrun_of(s);
    for (int i = 0; i < nsigs; i++) {
        struct signal_handling *h = &ir->handle[sigs[i]];
        if (set.stop) h->stop = true;
        if (set.print) h->print = true;
        if (set.pass) h->pass = true;
        if (clear.stop) h->stop = false;
        if (clear.print) h->print = false;
        if (clear.pass) h->pass = false;
    }
    print_signal_header(s);
    json_begin_array(s, "signals");
    for (int i = 0; i < nsigs; i++)
        print_signal_row(s, sigs[i]);
    json_end_array(s);
    return 0;
}

static int cmd_info_signals(struct session *s, const char *args)
{
    const char *p = skip_ws(args ? args : "");
    print_signal_header(s);
    json_begin_array(s, "signals");
    if (*p) {
        int sig = parse_signal(p, strcspn(p, " \t"));
        if (!sig) {
            json_end_array(s);
            cmd_error(s, "Only signals 1-%d are valid as numeric signals.", NSIG - 1);
            return -1;
        }
        print_signal_row(s, sig);
    } else {
        out_printf(s, "\n");
        for (int sig = 1; sig < SIGRTMIN; sig++)
            print_signal_row(s, sig);
        out_printf(s, "\nUse the \"handle\" command to change these tables.\n");
    }
    json_end_array(s);
    return 0;
}

static int cmd_signal(struct session *s, const char *args)
{
    if (!need_live(s))
        return -1;
    const char *p = skip_ws(args ? args : "");
    int sig = 0;
    if (strcmp(p, "0") != 0) {
        sig = parse_signal(p, strcspn(p, " \t"));
        if (!sig) {
            cmd_error(s, "Argument required (signal number or name).");
            return -1;
        }
    }
    struct rd_thread *th = target_thread_by_num(s->target, s->cur_thread);
    if (!th) {
        cmd_error(s, "No selected thread.");
        return -1;
    }
    char name[32];
    if (sig)
        out_printf(s, "Continuing with signal %s.\n", infrun_signal_name(sig, name, sizeof name));
    else
        out_printf(s, "Continuing with no signal.\n");
    th->pending_signal = sig;
    return report_rc(infrun_continue(s));
}

/* ---------- registration ---------- */

static const struct command run_commands[] = {
    {.name = "run", .aliases = "r", .summary = "Start the debugged program.",
     .help = "run\nStart PROGRAM with the arguments given on rtsdb's command line.", .fn = cmd_run},
    {.name = "start", .summary = "Start the program and stop at the beginning of main.",
     .help = "start\nSet a temporary breakpoint on main and run.", .fn = cmd_start},
    {.name = "continue", .aliases = "c cont fg", .summary = "Continue the stopped program.",
     .help = "continue [N]\nResume every thread.  With N, ignore the breakpoint the program "
             "stands on N-1 more times.", .fn = cmd_continue, .needs_live = true},
    {.name = "stepi", .aliases = "si", .summary = "Step one machine instruction.",
     .help = "stepi [N]\nStep N instructions of the selected thread, into calls.",
     .fn = cmd_stepi, .needs_live = true},
    {.name = "nexti", .aliases = "ni", .summary = "Step one instruction, stepping over calls.",
     .help = "nexti [N]\nStep N instructions; a call runs until it returns.",
     .fn = cmd_nexti, .needs_live = true},
    {.name = "step", .aliases = "s", .summary = "Step to the next source line, into calls.",
     .help = "step [N]\nRun to the next source line; enter calls of functions with line "
             "information and inlined calls,\nstep over the others (libc without debug info).",
     .fn = cmd_step, .needs_live = true},
    {.name = "next", .aliases = "n", .summary = "Step to the next source line, over calls.",
     .help = "next [N]\nRun to the next source line of the selected frame; calls run to their "
             "return.", .fn = cmd_next, .needs_live = true},
    {.name = "finish", .aliases = "fin", .summary = "Run until the selected frame returns.",
     .help = "finish\nRun until the selected frame returns; print the returned value.",
     .fn = cmd_finish, .needs_live = true},
    {.name = "until", .aliases = "u", .summary = "Run until a line past the current one, or LOCATION.",
     .help = "until [LOCATION]\nWithout argument, \"next\" that does not go back: at a loop's last "
             "line it runs\nthe loop to its end.  With LOCATION, run until it is reached or the "
             "current frame returns.",
     .fn = cmd_until, .needs_live = true},
    {.name = "advance", .summary = "Run until LOCATION (or the current frame returns).",
     .help = "advance LOCATION\nRun until LOCATION is reached or the current frame returns.",
     .fn = cmd_advance, .needs_live = true},
    {.name = "interrupt", .summary = "Interrupt the running program.",
     .help = "interrupt\nStop the running program (Ctrl-C does the same while it runs).",
     .fn = cmd_interrupt, .needs_live = true},
    {.name = "signal", .summary = "Continue the program giving it a signal.",
     .help = "signal SIG\nResume, delivering SIG (a name or number; 0 for none) to the selected thread.",
     .fn = cmd_signal, .needs_live = true},
    {.name = "handle", .summary = "Say what to do when the program gets a signal.",
     .help = "handle SIG... [stop|nostop|print|noprint|pass|nopass]...\nSIG is a name (SIGUSR1, "
             "USR1), a number or \"all\".", .fn = cmd_handle},
    {.name = "info signals", .aliases = NULL, .summary = "What rtsdb does with each signal.",
     .help = "info signals [SIG]\nThe handle table: stop, print, pass to program.",
     .fn = cmd_info_signals},
    {.name = "info handle", .summary = "What rtsdb does with each signal.",
     .help = "info handle [SIG]\nSame as \"info signals\".", .fn = cmd_info_signals},
    {.name = "break", .aliases = "b br brea", .summary = "Set a breakpoint.",
     .help = "break [LOCATION] [if EXPR]\nLOCATION: FUNCTION, FILE:LINE, LINE or *ADDRESS.  "
             "With \"if\", stop only when EXPR is non-zero.\nA LINE alone is in the file of the "
             "last stop, or before one in the file of main;\na line without code goes to the next "
             "line with code.", .fn = cmd_break},
    {.name = "tbreak", .summary = "Set a temporary breakpoint.",
     .help = "tbreak [LOCATION] [if EXPR]\nLike break; deleted when hit.", .fn = cmd_tbreak},
    {.name = "delete", .aliases = "d", .summary = "Delete breakpoints or watchpoints.",
     .help = "delete [N...]\nDelete the numbered breakpoints (ranges like 2-4 allowed), or all.",
     .fn = cmd_delete},
    {.name = "disable", .summary = "Disable breakpoints or watchpoints.",
     .help = "disable [N...]\nDisable the numbered breakpoints, or all.", .fn = cmd_disable},
    {.name = "enable", .summary = "Enable breakpoints or watchpoints.",
     .help = "enable [N...]\nEnable the numbered breakpoints, or all.", .fn = cmd_enable},
    {.name = "condition", .summary = "Set or remove a breakpoint's condition.",
     .help = "condition N [EXPR]\nStop at breakpoint N only when EXPR is non-zero; without EXPR, "
             "always.", .fn = cmd_condition},
    {.name = "commands", .summary = "Commands to run when a breakpoint is hit.",
     .help = "commands [N]\nThe lines that follow, up to \"end\", run each time breakpoint N "
             "stops\nthe program.  A first line \"silent\" hides the stop report; a \"continue\" "
             "resumes.", .fn = cmd_commands},
    {.name = "watch", .summary = "Stop when an expression's value changes.",
     .help = "watch [-l|-location] [-FLAG] EXPR\nStop when the memory of EXPR is written with a new "
             "value.  -l watches\nthe address.  A plugin's FLAG (e.g. -evac) selects its mechanism.",
     .fn = cmd_watch},      /* watch_command says why a core cannot be watched */
    {.name = "rwatch", .summary = "Stop when an expression is read.",
     .help = "rwatch [-l|-location] EXPR\nStop when the memory of EXPR is read.",
     .fn = cmd_rwatch, .needs_live = true},
    {.name = "awatch", .summary = "Stop when an expression is read or written.",
     .help = "awatch [-l|-location] EXPR\nStop when the memory of EXPR is read or written.",
     .fn = cmd_awatch, .needs_live = true},
    {.name = "set breakpoint pending", .summary = "Set debugger's behavior regarding pending breakpoints.",
     .help = "set breakpoint pending on|off|auto\nWith on, \"break\" at a function or line not found "
             "(yet) makes a pending\nbreakpoint, resolved when a shared library defining it is "
             "loaded.\nauto (the default) is off: rtsdb never asks.",
     .fn = cmd_set_breakpoint_pending},
    {.name = "show breakpoint pending", .summary = "Show debugger's behavior regarding pending breakpoints.",
     .help = "show breakpoint pending\nShow the \"set breakpoint pending\" setting.",
     .fn = cmd_show_breakpoint_pending},
    {.name = "info breakpoints", .summary = "List breakpoints and watchpoints.",
     .help = "info breakpoints\nNumber, type, disposition, enabled, address, location, conditions, "
             "hit counts\nand commands of every breakpoint and watchpoint.",
     .fn = cmd_info_breakpoints},
    {.name = "maint info breakpoints", .summary = "List breakpoints, internal ones too.",
     .help = "maint info breakpoints\nAs \"info breakpoints\", with the debugger's internal "
             "breakpoints (negative\nnumbers): shlib events, finish's return, plugin traps.",
     .fn = cmd_maint_info_breakpoints},
    {.name = "info watchpoints", .summary = "List watchpoints and their mechanisms.",
     .help = "info watchpoints\nLike info breakpoints, for watchpoints only; says which mechanism "
             "(page-protection,\nhw, or a plugin's) each uses.", .fn = cmd_info_watchpoints},
};

void infrun_commands_init(void)
{
    for (size_t i = 0; i < sizeof run_commands / sizeof run_commands[0]; i++)
        cmd_register(&run_commands[i]);
    watch_hw_commands_init();   /* watch_hw.c: "maint info debug-registers" */
}
