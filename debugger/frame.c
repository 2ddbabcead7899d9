/* frame.c — one line per frame, as gdb prints it.
 *
 * Offers frame_describe, and frame0_describe (a thread's frame 0 without
 * its "#0  " level, for stop reports and "info threads"):
 *   #0  evacuate (p=0x4200001000) at rts/sm/Evac.c:147
 *   #1  0x000055555555513d in copy_tag (p=0x7ffd..., n=3) at rts/sm/Evac.c:147
 *   #2  0x00007ffff7c29d90 in __libc_start_call_main () from /lib/x86_64-linux-gnu/libc.so.6
 *   #3  0x0000000000401000 in ?? ()
 *   #4  <signal handler called>
 * Frame 0 shows no address when its pc is at the start of a line, as gdb;
 * nor does a frame whose callee was inlined into it (it is shown at the
 * call's line: Note [Inlined frames] in symtab_inline.c).
 * Arguments follow gdb's "print frame-arguments scalars": scalars by value,
 * char pointers with their string, aggregates as "...", and
 * "<optimized out>" when DWARF does not say cheaply where they are; with
 * gdb's default "print entry-values", a scalar's value on entry too
 * ("n=n@entry=5": Note [Entry values] in dwarf_entry.c).
 * frame_describe_args is the argument list alone, for "info frame".
 *
 * Depends on: symtab_priv.h, types.h.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "symtab_priv.h"

/* Bounded appends into the caller's buffer. */
struct outbuf {
    char *buf;
    size_t len, pos;
};

static void put(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct outbuf *o, const char *fmt, ...)
{
    if (o->pos + 1 >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->pos = o->pos + (size_t)n < o->len ? o->pos + (size_t)n : o->len - 1;
}

/* A char pointer's string as gdb shows it: 0x... "text", at most 200
 * characters then "...". */
static void put_string_at(struct outbuf *o, struct symtab *st, addr_t addr)
{
    put(o, "0x%" PRIx64, addr);
    if (addr == 0)
        return;
    char sym[300];
    if (symtab_symbolize(st, addr, sym, sizeof sym))
        put(o, " <%s>", sym);
    char s[201];
    size_t n = 0;
    for (; n < 200; n++) {
        if (symtab_read_memory(st, addr + n, &s[n], 1) != 0) {
            if (n == 0) {
                put(o, " <error: Cannot access memory at address 0x%" PRIx64 ">", addr);
                return;
            }
            break;
        }
        if (s[n] == '\0')
            break;
    }
    put(o, " \"");
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            put(o, "\\%c", c);
        else if (c == '\n')
            put(o, "\\n");
        else if (c == '\t')
            put(o, "\\t");
        else if (c < 0x20 || c >= 0x7f)
            put(o, "\\%03o", c);
        else
            put(o, "%c", c);
    }
    put(o, n == 200 ? "\"..." : "\"");
}

/* One scalar value of type t from its raw little-endian bytes. */
static void put_scalar(struct outbuf *o, struct symtab *st, struct rd_type *t,
                       const unsigned char *bytes)
{
    struct rd_type *u = type_strip_typedefs(t);
    uint64_t raw = 0;
    size_t size = u && u->size && u->size <= 8 ? u->size : 8;
    memcpy(&raw, bytes, size);
    int64_t sval = size < 8 && u && u->is_signed && (raw >> (size * 8 - 1)) & 1
                   ? (int64_t)(raw | ~((UINT64_C(1) << (size * 8)) - 1)) : (int64_t)raw;
    if (!u) {
        put(o, "%" PRId64, sval);
        return;
    }
    switch (u->kind) {
    case TY_POINTER: {
        struct rd_type *to = type_strip_typedefs(u->target);
        if (to && to->kind == TY_CHAR) {
            put_string_at(o, st, raw);
        } else {    /* gdb's "print symbol": function and data pointers alike */
            char sym[300];
            put(o, "0x%" PRIx64, raw);
            if (raw && symtab_symbolize(st, raw, sym, sizeof sym))
                put(o, " <%s>", sym);
        }
        return;
    }
    case TY_CHAR: {
        unsigned char c = (unsigned char)raw;
        put(o, "%" PRId64 " '", u->is_signed ? sval : (int64_t)c);
        if (c == '\'' || c == '\\')
            put(o, "\\%c'", c);
        else if (c == 0)
            put(o, "\\000'");
        else if (c < 0x20 || c >= 0x7f)
            put(o, "\\%03o'", c);
        else
            put(o, "%c'", c);
        return;
    }
    case TY_BOOL:
        put(o, raw ? "true" : "false");
        return;
    case TY_FLOAT:
        if (u->size == 4) {
            float fv;
            memcpy(&fv, bytes, sizeof fv);
            put(o, "%.9g", (double)fv);
        } else {
            double dv;
            memcpy(&dv, bytes, sizeof dv);
            put(o, "%.17g", dv);
        }
        return;
    case TY_ENUM:
        for (size_t i = 0; i < u->nenumerators; i++)
            if (u->enumerators[i].value == sval) {
                put(o, "%s", u->enumerators[i].name);
                return;
            }
        put(o, "%" PRId64, sval);
        return;
    default:
        if (u->is_signed)
            put(o, "%" PRId64, sval);
        else
            put(o, "%" PRIu64, raw);
        return;
    }
}

/* The bytes of scalar parameter `param` in frame f: true with bytes
 * filled, or false with what to print instead ("<optimized out>", an
 * error) already put. */
static bool argument_bytes(struct outbuf *o, struct symtab *st, const struct frame *f,
                           Dwarf_Die *fn, Dwarf_Die *param, Dwarf_Addr bias, size_t size,
                           unsigned char *bytes)
{
    struct var_loc loc = dwarf_variable_location(st, f, fn, param, bias);
    switch (loc.kind) {
    case VLOC_MEMORY:
        if (symtab_read_memory(st, loc.addr, bytes, size) != 0) {
            put(o, "<error: Cannot access memory at address 0x%" PRIx64 ">", loc.addr);
            return false;
        }
        return true;
    case VLOC_REGISTER: {
        uint64_t v = frame_reg(f, loc.regno);
        memcpy(bytes, &v, sizeof v);
        return true;
    }
    case VLOC_VALUE:
        memcpy(bytes, &loc.value, sizeof loc.value);
        return true;
    case VLOC_PIECES:
        if (loc.size < size || (loc.unavailable & ((1ULL << size) - 1))) {
            put(o, "<optimized out>");
            return false;
        }
        memcpy(bytes, loc.bytes, size);
        return true;
    case VLOC_ERROR:
        put(o, "<error: %s>", loc.error);
        return false;
    case VLOC_OPTIMIZED_OUT:
    default:
        put(o, "<optimized out>");
        return false;
    }
}

/* "name=value" for one parameter DIE of frame f, with its value on entry
 * as gdb's default "print entry-values" shows it: "n=n@entry=5" when the
 * two agree, "n=12, n@entry=7" when they do not, "n=<optimized out>,
 * n@entry=5" when only the entry value is known (Note [Entry values] in
 * dwarf_entry.c).  fn is the real function (param may belong to a
 * function inlined into it). */
static void put_argument(struct outbuf *o, struct symtab *st, const struct frame *f,
                         Dwarf_Die *fn, Dwarf_Die *param, Dwarf_Addr bias)
{
    const char *name = dwarf_diename(param);
    struct rd_type *t = dwarf_var_type(st, param);
    struct rd_type *u = type_strip_typedefs(t);
    unsigned char bytes[16] = { 0 }, entry[16] = { 0 };
    name = name ? name : "?";
    put(o, "%s=", name);
    if (u && (u->kind == TY_STRUCT || u->kind == TY_UNION || u->kind == TY_ARRAY)) {
        struct var_loc loc = dwarf_variable_location(st, f, fn, param, bias);
        put(o, loc.kind == VLOC_OPTIMIZED_OUT
               || (loc.kind == VLOC_PIECES && loc.size < 64
                   && loc.unavailable == (1ULL << loc.size) - 1)
               ? "<optimized out>" : "...");
        return;
    }
    size_t size = u && u->size && u->size <= 8 ? u->size : 8;
    uint64_t entry_value;
    bool have_entry = dwarf_parameter_entry_value(st, f, fn, param, &entry_value);
    memcpy(entry, &entry_value, sizeof entry_value);
    bool have_value = argument_bytes(o, st, f, fn, param, bias, size, bytes);
    if (have_value && have_entry && memcmp(bytes, entry, size) == 0) {
        put(o, "%s@entry=", name);
        put_scalar(o, st, t, bytes);
        return;
    }
    if (have_value)
        put_scalar(o, st, t, bytes);
    if (have_entry) {
        put(o, ", %s@entry=", name);
        put_scalar(o, st, t, entry);
    }
}

/* The parameters of `scope` (a subprogram or an inlined instance of one),
 * located with the frame base of the real function `fn`: "a=1, b=2". */
static void put_arguments(struct outbuf *o, struct symtab *st, const struct frame *f,
                          Dwarf_Die *scope, Dwarf_Die *fn, Dwarf_Addr bias)
{
    Dwarf_Die child;
    bool first = true;
    if (dwarf_child(scope, &child) != 0)
        return;
    unwind_caller_memo(st, true);   /* each entry value asks for the same caller */
    do {
        if (dwarf_tag(&child) != DW_TAG_formal_parameter)
            continue;
        if (!first)
            put(o, ", ");
        put_argument(o, st, f, fn, &child, bias);
        first = false;
    } while (dwarf_siblingof(&child, &child) == 0);
    unwind_caller_memo(st, false);
}

void frame_describe_args(struct symtab *st, const struct frame *f, char *buf, size_t len)
{
    struct outbuf o = { buf, len, 0 };
    struct frame_scopes fs;
    if (len == 0)
        return;
    buf[0] = '\0';
    if (f->signal_frame || !frame_scopes_get(st, f, &fs))
        return;
    put_arguments(&o, st, f, &fs.scopes[fs.func], &fs.scopes[fs.subprogram], fs.bias);
    frame_scopes_free(&fs);
}

void frame_describe(struct symtab *st, const struct frame *f, char *buf, size_t len)
{
    struct outbuf o = { buf, len, 0 };
    if (len == 0)
        return;
    buf[0] = '\0';
    put(&o, "#%-2d ", f->level);
    if (f->signal_frame) {
        put(&o, "<signal handler called>");
        return;
    }
    addr_t pc = frame_lookup_pc(f);
    struct frame_scopes fs;
    bool have_fn = frame_scopes_get(st, f, &fs);
    struct sym_info si;
    bool have_sym = symtab_lookup_addr(st, pc, &si);
    struct line_info li;
    bool have_line = frame_line(st, f, &li, NULL);
    const char *name = have_fn ? symtab_function_name(&fs.scopes[fs.func]) : NULL;
    if (!name)
        name = have_sym ? si.name : "??";

    /* gdb shows the address unless the pc is where the line's code starts
     * at a statement row (gdb 13's frame_show_address): never for frame 0
     * at a line's first instruction, nor for a frame whose callee was
     * inlined into it (Note [Inlined frames]). */
    bool calls_inlined = have_fn && fs.inner_call >= 0;
    if (!calls_inlined && (f->level > 0 || !have_line || li.addr != f->pc || !li.is_stmt))
        put(&o, "0x%016" PRIx64 " in ", f->pc);
    put(&o, "%s", name);
    put(&o, " (");
    if (have_fn)
        put_arguments(&o, st, f, &fs.scopes[fs.func], &fs.scopes[fs.subprogram], fs.bias);
    put(&o, ")");
    if (have_fn)
        frame_scopes_free(&fs);
    if (have_line) {
        put(&o, " at %s:%d", li.file, li.line);
    } else {
        Dwfl_Module *mod = symtab_module_at(st, pc, NULL);
        if (mod && !symtab_module_is_main(st, mod))
            put(&o, " from %s", symtab_module_path(mod));
    }
}

bool frame0_describe(struct symtab *st, pid_t tid, char *buf, size_t len)
{
    struct frame f;
    if (!st || unwind_thread(st, tid, &f, 1) < 1)
        return false;
    char line[1024];
    frame_describe(st, &f, line, sizeof line);
    const char *p = line;
    if (*p == '#') {                    /* drop the "#0  " level */
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
    }
    snprintf(buf, len, "%s", p);
    return true;
}
