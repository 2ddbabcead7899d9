/* data_commands.c — the commands that examine and change data.
 *
 * Offers cli_commands_init(): print/p (with /FMT), output, x/NFU, info
 * registers, set var / set variable / set EXPR, ptype, whatis, show version.
 * Output formats are gdb's (see value.c for values).
 *
 * Depends on: session.h, session_state.h, expr.c, value.c, target.h (reads
 * through target_read only), command.c's registry.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "session_state.h"

/* Parse gdb's "/FMT" prefix: count, format letter, size letter, in any order.
 * Returns the rest of the line, or NULL with an error reported. */
static const char *parse_slash(struct session *s, const char *args, long *count, char *fmt, char *size)
{
    if (!args || *args != '/')
        return args ? args : "";
    const char *p = args + 1;
    if (isdigit((unsigned char)*p) || *p == '-') {
        char *end;
        long n = strtol(p, &end, 10);
        if (count)
            *count = n;
        else {
            cmd_error(s, "Item count other than 1 is meaningless in \"print\" command.");
            return NULL;
        }
        p = end;
    }
    while (*p && !isspace((unsigned char)*p)) {
        char c = *p++;
        if (strchr("bhwg", c) && size) {
            *size = c;
        } else if (strchr("xduotacfsizr", c)) {
            *fmt = c;
        } else {
            cmd_error(s, "Undefined output format \"%c\".", c);
            return NULL;
        }
    }
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Evaluate args and print it formatted; shared by print and output. */
static int print_value(struct session *s, const char *args, bool record)
{
    char fmt = 0;
    const char *expr = parse_slash(s, args, NULL, &fmt, NULL);
    if (!expr)
        return -1;
    if (fmt == 'i' || fmt == 'r') {
        cmd_error(s, "Format letter \"%c\" is meaningless in \"print\" command.", fmt);
        return -1;
    }
    struct rd_value v;
    char err[512];
    if (*expr == '\0') {
        if (expr_eval(s, "$", &v, err, sizeof err) < 0) {
            cmd_error(s, "%s", err);
            return -1;
        }
    } else if (expr_eval(s, expr, &v, err, sizeof err) < 0) {
        cmd_error(s, "%s", err);
        return -1;
    }
    struct strbuf sb = {0};
    if (value_format_sb(s, &v, fmt, true, &sb, err, sizeof err) < 0) {
        sb_free(&sb);
        cmd_error(s, "%s", err);
        return -1;
    }
    char tn[256];
    type_declaration(v.type, "", tn, sizeof tn);
    if (record) {
        int n = value_history_add(s, &v);
        out_printf(s, "$%d = %s\n", n, sb.buf ? sb.buf : "");
        json_int(s, "history", n);
    } else {
        out_printf(s, "%s", sb.buf ? sb.buf : "");
    }
    json_str(s, "value", sb.buf ? sb.buf : "");
    json_str(s, "type", tn);
    if (v.loc == VAL_MEMORY)
        json_uint(s, "address", v.addr);
    /* Optimised code (Note [Optimized out] in dwarf_loc.c): the value, or
     * some of its members, has no location here. */
    if (v.optimized_out)
        json_bool(s, "optimized_out", true);
    else if (v.unavailable && value_partly_optimized_out(&v))
        json_bool(s, "partly_optimized_out", true);
    sb_free(&sb);
    return 0;
}

static int cmd_print(struct session *s, const char *args) { return print_value(s, args, true); }
static int cmd_output(struct session *s, const char *args) { return print_value(s, args, false); }

static int cmd_call(struct session *s, const char *args)
{
    if (args && strchr(args, '(')) {
        cmd_error(s, "Calling functions in the program is not supported.");
        return -1;
    }
    return print_value(s, args, true);
}

/* ---- x ---- */

static int unit_bytes(char size)
{
    switch (size) {
    case 'b': return 1;
    case 'h': return 2;
    case 'g': return 8;
    default: return 4;
    }
}

/* One unit of x output (without the separator). */
static void x_unit(struct session *s, const unsigned char *p, int n, char fmt, struct strbuf *sb)
{
    uint64_t u = 0;
    memcpy(&u, p, (size_t)n);
    int64_t sv = n == 8 ? (int64_t)u : n == 4 ? (int32_t)u : n == 2 ? (int16_t)u : (int8_t)u;
    switch (fmt) {
    case 'x':
        sb_appendf(sb, "0x%0*" PRIx64, n * 2, u);
        break;
    case 'z':
        sb_appendf(sb, "0x%0*" PRIx64, n * 2, u);
        break;
    case 'd':
        sb_appendf(sb, "%" PRId64, sv);
        break;
    case 'u':
        sb_appendf(sb, "%" PRIu64, u);
        break;
    case 'o':
        if (u)
            sb_appendf(sb, "0%" PRIo64, u);
        else
            sb_append(sb, "0", 1);
        break;
    case 't':
        for (int i = n * 8 - 1; i >= 0; i--)
            sb_append(sb, (u >> i) & 1 ? "1" : "0", 1);
        break;
    case 'c':
        sb_appendf(sb, "%d ", (int)(int8_t)u);
        format_char_literal((int)(u & 0xff), sb);
        break;
    case 'a': {
        char a[400];
        format_address(s, (addr_t)u, a, sizeof a);
        sb_append(sb, a, strlen(a));
        break;
    }
    case 'f':
        if (n == 8) {
            double d;
            memcpy(&d, p, 8);
            sb_appendf(sb, "%.17g", d);
        } else if (n == 4) {
            float f;
            memcpy(&f, p, 4);
            sb_appendf(sb, "%.9g", (double)f);
        } else {
            sb_appendf(sb, "%" PRId64, sv);
        }
        break;
    }
}

static void x_label(struct session *s, addr_t a, struct strbuf *sb)
{
    char buf[400];
    format_address(s, a, buf, sizeof buf);
    sb_appendf(sb, "%s:", buf);
}

/* x/s: COUNT strings, one per line. */
static int x_strings(struct session *s, addr_t a, long count, addr_t *next_out)
{
    for (long i = 0; i < count; i++) {
        struct strbuf line = {0};
        x_label(s, a, &line);
        struct rd_value v;
        memset(&v, 0, sizeof v);
        v.type = type_pointer_to(type_builtin("char"));
        v.loc = VAL_CONST;
        v.fetched = true;
        memcpy(v.bytes, &a, sizeof a);
        /* Reuse the char * printer and drop its leading address. */
        struct strbuf sb = {0};
        char err[256];
        unsigned char probe;
        if (target_read(s->target, a, &probe, 1) < 0) {
            sb_free(&line);
            sb_free(&sb);
            cmd_error(s, "Cannot access memory at address 0x%" PRIx64, (uint64_t)a);
            return -1;
        }
        value_format_sb(s, &v, 0, false, &sb, err, sizeof err);
        const char *str = sb.buf ? strchr(sb.buf, ' ') : NULL;
        out_printf(s, "%s\t%s\n", line.buf, str ? str + 1 : "\"\"");
        json_begin_object(s, NULL);
        json_uint(s, "address", a);
        json_str(s, "value", str ? str + 1 : "\"\"");
        json_end_object(s);
        /* Next string starts after this one's NUL (bounded). */
        char buf[4096];
        int len = target_read_string(s->target, a, buf, sizeof buf);
        a += (len >= 0 ? (addr_t)len : 0) + 1;
        sb_free(&sb);
        sb_free(&line);
    }
    *next_out = a;
    return 0;
}

/* As gdb: Enter after "x/4xw ADDR" shows the next 4 words, not the same ones. */
static void x_set_repeat(struct session *s, long count, char fmt, char size)
{
    struct session_state *st = session_state(s);
    if (st->depth != 1)
        return;
    char line[64];
    snprintf(line, sizeof line, "x/%ld%c%c", count, fmt, size);
    free(st->last_line);
    st->last_line = strdup(line);
}

static int cmd_x(struct session *s, const char *args)
{
    struct session_state *st = session_state(s);
    long count = 1;
    char fmt = st->x_fmt, size = 0;
    const char *expr = parse_slash(s, args, &count, &fmt, &size);
    if (!expr)
        return -1;
    if (fmt == 'i') {
        cmd_error(s, "x/i (disassembly) is not supported; use gdb or objdump -d for instructions.");
        return -1;
    }
    if (count <= 0) {
        cmd_error(s, "Invalid number %ld.", count);
        return -1;
    }
    if (count > 65536) {
        cmd_error(s, "x: count %ld is too large (at most 65536).", count);
        return -1;
    }
    if (!size) {
        if (fmt == 'a')
            size = 'g';
        else if (fmt == 'c' || fmt == 's')
            size = 'b';
        else if (fmt == 'f')
            size = st->x_size == 'w' || st->x_size == 'g' ? st->x_size : 'g';
        else
            size = st->x_size;
    }
    if (fmt == 'a')
        size = 'g';
    addr_t a;
    char err[512];
    if (*expr) {
        struct rd_value v;
        if (expr_eval(s, expr, &v, err, sizeof err) < 0 || value_as_address(s, &v, &a, err, sizeof err) < 0) {
            cmd_error(s, "%s", err);
            return -1;
        }
    } else if (st->x_next_valid) {
        a = st->x_next;
    } else {
        cmd_error(s, "Argument required (starting display address).");
        return -1;
    }
    if (!s->target) {
        cmd_error(s, "Cannot access memory at address 0x%" PRIx64, (uint64_t)a);
        return -1;
    }
    st->x_fmt = fmt;
    if (fmt != 'a' && fmt != 's' && fmt != 'c')
        st->x_size = size;
    json_begin_array(s, "units");
    addr_t next_addr;
    if (fmt == 's') {
        int rc = x_strings(s, a, count, &next_addr);
        json_end_array(s);
        if (rc == 0) {
            st->x_next = next_addr;
            st->x_next_valid = true;
            x_set_repeat(s, count, fmt, size);
        }
        return rc;
    }
    int n = unit_bytes(size);
    int per_line = fmt == 'a' ? 2 : n == 8 ? 2 : n == 4 ? 4 : 8;
    if (fmt == 'c')
        per_line = 8;
    struct strbuf line = {0};
    int rc = 0;
    for (long i = 0; i < count; i++) {
        addr_t ua = a + (addr_t)(i * n);
        if (i % per_line == 0) {
            if (line.len) {
                out_printf(s, "%s\n", line.buf);
                sb_reset(&line);
            }
            x_label(s, ua, &line);
        }
        unsigned char buf[8];
        int r = target_read(s->target, ua, buf, (size_t)n);
        if (r < 0) {
            if (line.len && strchr(line.buf, '\t'))
                out_printf(s, "%s\n", line.buf);
            char m[128];
            cmd_error(s, "%s", target_errmsg(r, ua, m, sizeof m));
            rc = -1;
            sb_reset(&line);
            next_addr = ua;
            break;
        }
        sb_append(&line, "\t", 1);
        size_t before = line.len;
        x_unit(s, buf, n, fmt, &line);
        json_begin_object(s, NULL);
        json_uint(s, "address", ua);
        json_str(s, "value", line.buf + before);
        json_end_object(s);
        next_addr = ua + (addr_t)n;
    }
    if (line.len)
        out_printf(s, "%s\n", line.buf);
    sb_free(&line);
    json_end_array(s);
    st->x_next = next_addr;
    st->x_next_valid = true;
    x_set_repeat(s, count, fmt, size);
    return rc;
}

/* ---- info registers ---- */

static const struct { const char *name; size_t off; char kind; } x86_regs[] = {
    /* kind: 'i' integer, 'p' data pointer, 'c' code pointer, 'f' eflags */
#define R(n, k) {#n, offsetof(struct user_regs_struct, n), k}
    R(rax, 'i'), R(rbx, 'i'), R(rcx, 'i'), R(rdx, 'i'), R(rsi, 'i'), R(rdi, 'i'),
    R(rbp, 'p'), R(rsp, 'p'), R(r8, 'i'), R(r9, 'i'), R(r10, 'i'), R(r11, 'i'),
    R(r12, 'i'), R(r13, 'i'), R(r14, 'i'), R(r15, 'i'), R(rip, 'c'), R(eflags, 'f'),
    R(cs, 'i'), R(ss, 'i'), R(ds, 'i'), R(es, 'i'), R(fs, 'i'), R(gs, 'i'),
    R(fs_base, 'i'), R(gs_base, 'i'),
#undef R
};

/* gdb's eflags rendering: "[ PF ZF IF ]" (low bit first). */
static void eflags_string(uint64_t f, struct strbuf *sb)
{
    static const struct { int bit; const char *name; } flags[] = {
        {0, "CF"}, {2, "PF"}, {4, "AF"}, {6, "ZF"}, {7, "SF"}, {8, "TF"}, {9, "IF"},
        {10, "DF"}, {11, "OF"}, {14, "NT"}, {16, "RF"}, {17, "VM"}, {18, "AC"},
        {19, "VIF"}, {20, "VIP"}, {21, "ID"},
    };
    sb_append(sb, "[ ", 2);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if ((f >> flags[i].bit) & 1)
            sb_appendf(sb, "%s ", flags[i].name);
    sb_append(sb, "]", 1);
}

static void print_register(struct session *s, int i, uint64_t v)
{
    struct strbuf natural = {0};
    switch (x86_regs[i].kind) {
    case 'p':
        sb_appendf(&natural, "0x%" PRIx64, v);
        break;
    case 'c': {
        char a[400];
        format_address(s, (addr_t)v, a, sizeof a);
        sb_append(&natural, a, strlen(a));
        break;
    }
    case 'f':
        eflags_string(v, &natural);
        break;
    default:
        sb_appendf(&natural, "%" PRId64, (int64_t)v);
        break;
    }
    char hex[32];
    snprintf(hex, sizeof hex, "0x%" PRIx64, v);
    out_printf(s, "%-15s%-20s%s\n", x86_regs[i].name, hex, natural.buf);
    json_begin_object(s, NULL);
    json_str(s, "name", x86_regs[i].name);
    json_uint(s, "value", v);
    json_str(s, "natural", natural.buf);
    json_end_object(s);
    sb_free(&natural);
}

static int cmd_info_registers(struct session *s, const char *args)
{
    struct frame fr;
    char err[256];
    if (session_selected_frame(s, &fr, err, sizeof err) < 0) {
        cmd_error(s, "%s", err);
        return -1;
    }
    uint64_t slots[sizeof(struct user_regs_struct) / 8];
    memcpy(slots, &fr.regs, sizeof slots);
    int nregs = (int)(sizeof x86_regs / sizeof x86_regs[0]);
    json_begin_array(s, "registers");
    if (!args || !*args) {
        for (int i = 0; i < nregs; i++)
            print_register(s, i, slots[x86_regs[i].off / 8]);
        json_end_array(s);
        return 0;
    }
    /* Named registers, with or without '$'; pc/sp/fp as gdb aliases. */
    const char *p = args;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && !isspace((unsigned char)*e))
            e++;
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(e - p), *p == '$' ? p + 1 : p);
        if (*p == '$' && (size_t)(e - p) <= sizeof name)
            name[e - p - 1] = '\0';
        const char *want = !strcmp(name, "pc") ? "rip" : !strcmp(name, "sp") ? "rsp" :
                           !strcmp(name, "fp") ? "rbp" : name;
        int found = -1;
        for (int i = 0; i < nregs; i++)
            if (!strcmp(x86_regs[i].name, want))
                found = i;
        if (found < 0) {
            json_end_array(s);
            cmd_error(s, "Invalid register `%s'", name);
            return -1;
        }
        print_register(s, found, slots[x86_regs[found].off / 8]);
        p = e;
    }
    json_end_array(s);
    return 0;
}

/* ---- set ---- */

static int eval_for_effect(struct session *s, const char *args)
{
    struct rd_value v;
    char err[512];
    if (!args || !*args) {
        cmd_error(s, "Argument required (expression to compute).");
        return -1;
    }
    if (expr_eval(s, args, &v, err, sizeof err) < 0) {
        cmd_error(s, "%s", err);
        return -1;
    }
    return 0;
}

static int cmd_set_var(struct session *s, const char *args) { return eval_for_effect(s, args); }

/* "set EXPR": gdb evaluates an expression when no setting matches. */
static int cmd_set(struct session *s, const char *args)
{
    if (!args || !*args) {
        cmd_error(s, "Argument required (expression to compute).");
        return -1;
    }
    if (!strchr(args, '=')) {
        cmd_error(s, "Undefined set command: \"%s\".  Try \"help set\".", args);
        return -1;
    }
    return eval_for_effect(s, args);
}

/* ---- ptype / whatis ---- */

/* The type an argument names: a type name, or the type of an expression
 * (evaluated without touching memory). */
static struct rd_type *arg_type(struct session *s, const char *args, bool *is_type_name)
{
    char err[512];
    const char *p = args;
    if (*p == '/') {        /* ptype/o and friends: flags accepted, ignored */
        while (*p && !isspace((unsigned char)*p))
            p++;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (!*p) {
        cmd_error(s, "Argument required (one or more choices).");
        return NULL;
    }
    struct rd_type *t = expr_parse_type(s, p);
    if (t) {
        *is_type_name = true;
        return t;
    }
    *is_type_name = false;
    struct rd_value v;
    if (expr_eval_noside(s, p, &v, err, sizeof err) < 0) {
        cmd_error(s, "%s", err);
        return NULL;
    }
    return v.type;
}

static int cmd_ptype(struct session *s, const char *args)
{
    bool is_name;
    struct rd_type *t = arg_type(s, args ? args : "", &is_name);
    if (!t)
        return -1;
    struct strbuf sb = {0};
    type_print_full(s, t, &sb);
    out_printf(s, "type = %s\n", sb.buf ? sb.buf : "");
    json_str(s, "type", sb.buf ? sb.buf : "");
    sb_free(&sb);
    return 0;
}

static int cmd_whatis(struct session *s, const char *args)
{
    bool is_name;
    struct rd_type *t = arg_type(s, args ? args : "", &is_name);
    if (!t)
        return -1;
    /* whatis of a typedef name unrolls one level, as gdb does. */
    if (is_name && t->kind == TY_TYPEDEF && t->target)
        t = t->target;
    char decl[512];
    type_declaration(t, "", decl, sizeof decl);
    out_printf(s, "type = %s\n", decl);
    json_str(s, "type", decl);
    return 0;
}

/* ---- show version ---- */

static int cmd_show_version(struct session *s, const char *args)
{
    out_printf(s, "rtsdb %s\n"
                  "A gdb-like debugger for C programs and the rtsdb runtime on Linux x86-64.\n",
               PACKAGE_VERSION);
    json_str(s, "version", PACKAGE_VERSION);
    return 0;
}

static const struct command data_commands[] = {
    {.name = "print", .aliases = "p inspect", .summary = "Print value of expression EXP.",
     .help = "print[/FMT] [EXP]\nPrint the value of EXP and record it in the value history as $N.\n"
             "FMT is one of x (hex), d (signed decimal), u (unsigned), o (octal), t (binary),\n"
             "c (character), a (address), s (string), z (zero-padded hex).  Without EXP,\n"
             "print the last value again.",
     .fn = cmd_print},
    {.name = "output", .summary = "Like \"print\" but don't put in value history and don't print newline.",
     .help = "output[/FMT] EXP\nPrint the value of EXP, without \"$N = \" and without a newline.",
     .fn = cmd_output},
    {.name = "call", .summary = "Print the value of an expression (no function calls).",
     .help = "call EXP\nAs \"print\"; calling functions in the program is not supported.",
     .fn = cmd_call},
    {.name = "x", .summary = "Examine memory: x/FMT ADDRESS.",
     .help = "x/NFU ADDRESS\nExamine N units of memory at ADDRESS.  F is a format letter: x d u o t\n"
             "a c f s z (i is not supported); U is the unit size: b (1 byte), h (2),\n"
             "w (4), g (8).  Defaults are the last ones used (initially x and w); a bare\n"
             "\"x\" continues after the last unit shown.",
     .fn = cmd_x, .needs_target = true},
    {.name = "info registers", .aliases = "r", .summary = "List of integer registers and their contents.",
     .help = "info registers [REG...]\nPrint the general registers of the selected frame, or only\n"
             "the named ones (rip, $rsp, pc, ...), in gdb's layout.",
     .fn = cmd_info_registers, .needs_target = true},
    {.name = "set variable", .aliases = "var", .summary = "Evaluate expression EXP and assign result to variable VAR.",
     .help = "set variable VAR = EXP\nAssign EXP to VAR (a variable, *ADDRESS, a register or a\n"
             "$convenience variable).",
     .fn = cmd_set_var},
    {.name = "set", .summary = "Evaluate expression EXP and assign result to variable VAR.",
     .help = "set VAR = EXP\nAs \"set variable\" when VAR is not the name of a setting;\n"
             "\"set $name = EXP\" makes a convenience variable.",
     .fn = cmd_set},
    {.name = "ptype", .summary = "Print definition of type TYPE.",
     .help = "ptype TYPE|EXP\nPrint the full definition of TYPE, or of the type of EXP (structs\n"
             "expanded with their members).",
     .fn = cmd_ptype},
    {.name = "whatis", .summary = "Print data type of expression EXP.",
     .help = "whatis TYPE|EXP\nPrint the type of EXP, or what typedef TYPE stands for (one level).",
     .fn = cmd_whatis},
    {.name = "show version", .summary = "Show what version of rtsdb this is.",
     .help = "show version\nPrint the debugger's version.",
     .fn = cmd_show_version},
};

void cli_commands_init(void)
{
    command_builtins_init();
    for (size_t i = 0; i < sizeof data_commands / sizeof data_commands[0]; i++)
        cmd_register(&data_commands[i]);
    plugin_commands_init();
}
