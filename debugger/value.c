/* value.c — printing values and types the way gdb prints them.
 *
 * Offers value_format (session.h) and its growable-buffer form: integers,
 * characters as `97 'a'`, pointers as `(struct foo *) 0x4052a0` (with
 * `<symbol>` when they point at one), `char *` as `0x402004 "text"`,
 * structs `{a = 1, b = 0x0}`, arrays `{1, 2, 3}` with gdb's `<repeats N
 * times>`, enums by name, functions `{int (int)} 0x401136 <main>`, the /x /d
 * /u /o /t /c /a /s /z formats; format_address (`0x4018a0 <stg_TSO_info+8>`);
 * and C declarations of types for ptype/whatis.
 *
 * Everything read from the target is untrusted: strings and arrays are
 * bounded (gdb's "print elements" limit, 200) and nesting is bounded.
 *
 * Depends on: session.h, types.h, symtab.h (symtab_lookup_addr), target.h.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_state.h"

#define PRINT_ELEMENTS 200      /* gdb's "set print elements" default */
#define REPEAT_THRESHOLD 10     /* gdb's "set print repeats" default */
#define MAX_NESTING 32

static struct rd_type *strip(struct rd_type *t)
{
    return t ? type_strip_typedefs(t) : NULL;
}

/* ---- type declarations ---- */

static void declarator(const struct rd_type *t, const char *inner, struct strbuf *sb, int depth);

static void func_params(const struct rd_type *t, struct strbuf *out, int depth)
{
    /* Parameters as far as the type model records them; DWARF-built
     * function types carry none, so "()" means "not known" here. */
    sb_append(out, "(", 1);
    for (size_t i = 0; t && i < t->nfields; i++) {
        if (i)
            sb_append(out, ", ", 2);
        declarator(t->fields[i].type, "", out, depth + 1);
    }
    sb_append(out, ")", 1);
}

/* C declarator of `inner` with type t: "int (*fp)(int)", "char *argv[4]". */
static void declarator(const struct rd_type *t, const char *inner, struct strbuf *sb, int depth)
{
    if (!t || depth > MAX_NESTING) {
        sb_appendf(sb, "void%s%s", *inner ? " " : "", inner);
        return;
    }
    struct strbuf in = {0};
    switch (t->kind) {
    case TY_POINTER: {
        const struct rd_type *target = t->target;
        bool paren = target && (target->kind == TY_ARRAY || target->kind == TY_FUNC);
        sb_appendf(&in, paren ? "(*%s)" : "*%s", inner);
        declarator(target, in.buf, sb, depth + 1);
        break;
    }
    case TY_ARRAY:
        if (t->count)
            sb_appendf(&in, "%s[%" PRIu64 "]", inner, t->count);
        else
            sb_appendf(&in, "%s[]", inner);
        declarator(t->target, in.buf, sb, depth + 1);
        break;
    case TY_FUNC:
        if (t->name && t->target == NULL && t->nfields == 0) {
            sb_appendf(sb, "%s%s%s", t->name, *inner ? " " : "", inner);   /* <text variable...> */
            break;
        }
        sb_appendf(&in, "%s", inner);
        func_params(t, &in, depth);
        declarator(t->target, in.buf, sb, depth + 1);
        break;
    default: {
        const char *name = t->name;
        char anon[32];
        if (!name) {
            snprintf(anon, sizeof anon, "%s {...}", t->kind == TY_STRUCT ? "struct" :
                     t->kind == TY_UNION ? "union" : t->kind == TY_ENUM ? "enum" : "void");
            name = anon;
        }
        sb_appendf(sb, "%s%s%s", name, *inner && inner[0] != '[' && inner[0] != '(' ? " " :
                   (*inner == '(' ? " " : ""), inner);
        break;
    }
    }
    sb_free(&in);
}

void type_declaration(const struct rd_type *t, const char *name, char *buf, size_t len)
{
    struct strbuf sb = {0};
    declarator(t, name ? name : "", &sb, 0);
    snprintf(buf, len, "%s", sb.buf ? sb.buf : "");
    sb_free(&sb);
}

static void indent(struct strbuf *sb, int n)
{
    for (int i = 0; i < n; i++)
        sb_append(sb, "    ", 4);
}

static void print_body(struct session *s, const struct rd_type *t, struct strbuf *sb, int level);

/* One member line of a struct body. */
static void print_member(struct session *s, const struct rd_field *f, struct strbuf *sb, int level)
{
    indent(sb, level);
    const struct rd_type *ft = f->type;
    /* Anonymous struct/union members are expanded in place. */
    const struct rd_type *sft = ft ? type_strip_typedefs((struct rd_type *)ft) : NULL;
    if (sft && (sft->kind == TY_STRUCT || sft->kind == TY_UNION) && !sft->name && ft == sft) {
        print_body(s, sft, sb, level);
        sb_appendf(sb, "%s%s;\n", f->name ? " " : "", f->name ? f->name : "");
        return;
    }
    struct strbuf d = {0};
    declarator(ft, f->name ? f->name : "", &d, 0);
    sb_append(sb, d.buf, d.len);
    sb_free(&d);
    if (f->bit_size > 0)
        sb_appendf(sb, " : %d", f->bit_size);
    sb_append(sb, ";\n", 2);
}

/* "struct foo {\n    int a;\n}" at indentation level. */
static void print_body(struct session *s, const struct rd_type *t, struct strbuf *sb, int level)
{
    if (t->kind == TY_ENUM) {
        sb_appendf(sb, "%s {", t->name ? t->name : "enum");
        int64_t expect = 0;
        for (size_t i = 0; i < t->nenumerators; i++) {
            sb_appendf(sb, "%s%s", i ? ", " : "", t->enumerators[i].name);
            if (t->enumerators[i].value != expect)
                sb_appendf(sb, " = %" PRId64, t->enumerators[i].value);
            expect = t->enumerators[i].value + 1;
        }
        sb_append(sb, "}", 1);
        return;
    }
    const char *kw = t->kind == TY_UNION ? "union" : "struct";
    if (t->name)
        sb_appendf(sb, "%s {\n", t->name);
    else
        sb_appendf(sb, "%s {\n", kw);
    if (level > MAX_NESTING) {
        indent(sb, level + 1);
        sb_append(sb, "...\n", 4);
    } else {
        for (size_t i = 0; i < t->nfields; i++)
            print_member(s, &t->fields[i], sb, level + 1);
    }
    indent(sb, level);
    sb_append(sb, "}", 1);
}

/* ptype: expand the outermost struct/union/enum (through typedefs and
 * pointers/arrays to it) and print the declarator around it. */
void type_print_full(struct session *s, const struct rd_type *t, struct strbuf *sb)
{
    const struct rd_type *st = type_strip_typedefs((struct rd_type *)t);
    /* Find the base under pointers/arrays, keeping the suffix ("*", "[4]"). */
    char suffix[256] = "";
    const struct rd_type *base = st;
    for (int i = 0; i < MAX_NESTING && base && (base->kind == TY_POINTER || base->kind == TY_ARRAY); i++) {
        char tmp[256];
        if (base->kind == TY_POINTER)
            snprintf(tmp, sizeof tmp, "*%s", suffix);
        else
            snprintf(tmp, sizeof tmp, "%s[%" PRIu64 "]", suffix, base->count);
        memcpy(suffix, tmp, sizeof suffix);
        base = base->target ? type_strip_typedefs(base->target) : NULL;
    }
    if (base && (base->kind == TY_STRUCT || base->kind == TY_UNION || base->kind == TY_ENUM)) {
        print_body(s, base, sb, 0);
        if (suffix[0])
            sb_appendf(sb, " %s", suffix);
        return;
    }
    struct strbuf d = {0};
    declarator(st, "", &d, 0);
    sb_append(sb, d.buf ? d.buf : "", d.len);
    sb_free(&d);
}

/* ---- addresses and characters ---- */

/* The symbol holding address a, as gdb's <sym+off>; false if none. */
static bool symbolize(struct session *s, addr_t a, char *buf, size_t len)
{
    return symtab_symbolize(session_symtab(s), a, buf, len);
}

void format_address(struct session *s, addr_t a, char *buf, size_t len)
{
    char sym[300];
    if (symbolize(s, a, sym, sizeof sym))
        snprintf(buf, len, "0x%" PRIx64 " <%s>", (uint64_t)a, sym);
    else
        snprintf(buf, len, "0x%" PRIx64, (uint64_t)a);
}

/* The escape gdb uses for c inside quotes q ('\'' or '"'); NULL if printable. */
static const char *char_escape(int c, int q, char *tmp)
{
    switch (c) {
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\a': return "\\a";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\v': return "\\v";
    case 033: return "\\033";
    case '\\': return "\\\\";
    }
    if (c == q) {
        tmp[0] = '\\';
        tmp[1] = (char)c;
        tmp[2] = '\0';
        return tmp;
    }
    if (c < 0x20 || c >= 0x7f) {
        snprintf(tmp, 8, "\\%03o", c & 0xff);
        return tmp;
    }
    return NULL;
}

void format_char_literal(int c, struct strbuf *sb)
{
    char tmp[8];
    const char *e = char_escape(c & 0xff, '\'', tmp);
    sb_append(sb, "'", 1);
    if (e)
        sb_append(sb, e, strlen(e));
    else {
        char ch = (char)c;
        sb_append(sb, &ch, 1);
    }
    sb_append(sb, "'", 1);
}

/* gdb's string printing: runs longer than the repeat threshold become
 * `'c' <repeats N times>` segments; `...` when truncated. */
static void format_char_run(const unsigned char *p, size_t n, bool truncated, struct strbuf *sb)
{
    bool in_quotes = false, any = false;
    size_t i = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && p[i + run] == p[i])
            run++;
        if (run > REPEAT_THRESHOLD) {
            if (in_quotes) {
                sb_append(sb, "\", ", 3);
                in_quotes = false;
            } else if (any) {
                sb_append(sb, ", ", 2);
            }
            format_char_literal(p[i], sb);
            sb_appendf(sb, " <repeats %zu times>", run);
            any = true;
            i += run;
            continue;
        }
        if (!in_quotes) {
            if (any)
                sb_append(sb, ", ", 2);
            sb_append(sb, "\"", 1);
            in_quotes = true;
            any = true;
        }
        for (size_t k = 0; k < run; k++) {
            char tmp[8];
            const char *e = char_escape(p[i], '"', tmp);
            if (e)
                sb_append(sb, e, strlen(e));
            else
                sb_append(sb, (const char *)&p[i], 1);
        }
        i += run;
    }
    if (in_quotes)
        sb_append(sb, "\"", 1);
    if (!any)
        sb_append(sb, "\"\"", 2);
    if (truncated)
        sb_append(sb, "...", 3);
}

/* A C string at address a: `"text"`, or `<error: Cannot access memory...>`. */
static void format_c_string(struct session *s, addr_t a, struct strbuf *sb)
{
    unsigned char buf[PRINT_ELEMENTS + 1];
    size_t n = 0;
    bool ok = true;
    /* Read in chunks so a string ending just before unmapped memory prints. */
    while (n < sizeof buf) {
        size_t chunk = 32 - ((a + n) % 32);
        if (chunk > sizeof buf - n)
            chunk = sizeof buf - n;
        if (!s->target || target_read(s->target, a + n, buf + n, chunk) < 0) {
            /* byte by byte for the rest of this chunk */
            size_t k;
            for (k = 0; k < chunk; k++)
                if (!s->target || target_read(s->target, a + n + k, buf + n + k, 1) < 0)
                    break;
            n += k;
            if (k < chunk) {
                ok = false;
                break;
            }
            continue;
        }
        void *nul = memchr(buf + n, 0, chunk);
        n += chunk;
        if (nul)
            break;
    }
    void *nul = memchr(buf, 0, n);
    size_t len = nul ? (size_t)((unsigned char *)nul - buf) : n;
    if (!nul && !ok && len == 0) {
        sb_appendf(sb, "<error: Cannot access memory at address 0x%" PRIx64 ">", (uint64_t)a);
        return;
    }
    bool truncated = !nul && len >= PRINT_ELEMENTS;
    if (len > PRINT_ELEMENTS)
        len = PRINT_ELEMENTS;
    format_char_run(buf, len, truncated, sb);
    if (!nul && !ok)
        sb_appendf(sb, "<error: Cannot access memory at address 0x%" PRIx64 ">", (uint64_t)(a + n));
}

/* ---- values ---- */

struct fmt_ctx {
    struct session *s;
    int fmt;
    char *err;
    size_t errlen;
    /* A value assembled from pieces: which of its bytes are optimized out
     * (bit i = base[i]; Note [Optimized out] in dwarf_loc.c). */
    uintptr_t base;
    uint64_t unavailable;
};

/* How many of bytes[0..size) are optimized out. */
static size_t bytes_unavailable(const struct fmt_ctx *c, const unsigned char *bytes, size_t size)
{
    uintptr_t b = (uintptr_t)bytes;
    if (!c->unavailable || !bytes || b < c->base || b >= c->base + 64)
        return 0;
    size_t at = (size_t)(b - c->base), n = 0;
    for (size_t k = at; k < at + size; k++)
        n += k >= 64 || ((c->unavailable >> k) & 1);
    return n;
}

/* format_struct and format_array work on a copy `buf` of `bytes`: make the
 * mask of unavailable bytes follow it.  Returns the base to restore. */
static uintptr_t follow_copy(struct fmt_ctx *c, const unsigned char *bytes, const unsigned char *buf)
{
    uintptr_t old = c->base, b = (uintptr_t)bytes;
    if (c->unavailable && bytes && b >= c->base && b < c->base + 64)
        c->base = (uintptr_t)buf - (b - c->base);
    return old;
}

static int format_value(struct fmt_ctx *c, struct rd_type *type, enum rd_value_loc loc, addr_t addr,
                        const unsigned char *bytes, bool top, int depth, struct strbuf *sb);

static uint64_t load_uint(const unsigned char *bytes, size_t n)
{
    uint64_t u = 0;
    memcpy(&u, bytes, n > 8 ? 8 : n);
    return u;
}

static int64_t extend(uint64_t u, size_t n, bool is_signed)
{
    if (n >= 8 || n == 0)
        return (int64_t)u;
    uint64_t sign = 1ULL << (n * 8 - 1);
    u &= (sign << 1) - 1;
    if (is_signed && (u & sign))
        u |= ~((sign << 1) - 1);
    return (int64_t)u;
}

/* An integer in format fmt (0 = natural decimal). */
static void format_integer(struct fmt_ctx *c, uint64_t u, size_t size, bool is_signed, int fmt,
                           struct strbuf *sb)
{
    uint64_t mask = size >= 8 || size == 0 ? ~0ULL : (1ULL << (size * 8)) - 1;
    uint64_t m = u & mask;
    switch (fmt) {
    case 'x':
        sb_appendf(sb, "0x%" PRIx64, m);
        return;
    case 'z':
        sb_appendf(sb, "0x%0*" PRIx64, (int)(size ? size * 2 : 16), m);
        return;
    case 'o':
        if (m)
            sb_appendf(sb, "0%" PRIo64, m);
        else
            sb_append(sb, "0", 1);
        return;
    case 't': {
        char bits[65];
        int n = 0;
        for (int i = 63; i >= 0; i--)
            if ((m >> i) & 1 || n)
                bits[n++] = (m >> i) & 1 ? '1' : '0';
        if (!n)
            bits[n++] = '0';
        bits[n] = '\0';
        sb_append(sb, bits, (size_t)n);
        return;
    }
    case 'u':
        sb_appendf(sb, "%" PRIu64, m);
        return;
    case 'd':
        sb_appendf(sb, "%" PRId64, extend(u, size, true));
        return;
    case 'c': {
        int64_t v = extend(u, size > 1 ? 1 : size, is_signed);
        sb_appendf(sb, "%" PRId64 " ", v);
        format_char_literal((int)(v & 0xff), sb);
        return;
    }
    case 'a': {
        char a[400];
        format_address(c->s, (addr_t)m, a, sizeof a);
        sb_append(sb, a, strlen(a));
        return;
    }
    default:
        if (is_signed)
            sb_appendf(sb, "%" PRId64, extend(u, size, true));
        else
            sb_appendf(sb, "%" PRIu64, m);
        return;
    }
}

static void format_float(const unsigned char *bytes, size_t size, struct strbuf *sb)
{
    char tmp[64];
    if (size == 4) {
        float f;
        memcpy(&f, bytes, 4);
        snprintf(tmp, sizeof tmp, "%.9g", (double)f);
    } else if (size == 8) {
        double d;
        memcpy(&d, bytes, 8);
        snprintf(tmp, sizeof tmp, "%.17g", d);
    } else {
        long double ld = 0;
        memcpy(&ld, bytes, size < sizeof ld ? size : sizeof ld);
        snprintf(tmp, sizeof tmp, "%.21Lg", ld);
    }
    /* gdb writes inf/nan as "inf", "-nan(0x8000000000000)"; keep C's spelling. */
    sb_append(sb, tmp, strlen(tmp));
}

static bool is_char_type(struct rd_type *t)
{
    t = strip(t);
    return t && (t->kind == TY_CHAR || (t->kind == TY_INT && t->size == 1 && t->name &&
                                        strstr(t->name, "char")));
}

static void format_enum(struct rd_type *t, int64_t v, struct strbuf *sb)
{
    for (size_t i = 0; i < t->nenumerators; i++)
        if (t->enumerators[i].value == v) {
            sb_append(sb, t->enumerators[i].name, strlen(t->enumerators[i].name));
            return;
        }
    /* A "flag enum" (every enumerator a distinct bit set): (A | B | unknown: 0x8). */
    bool flags = t->nenumerators > 0 && v > 0;
    uint64_t seen = 0;
    for (size_t i = 0; flags && i < t->nenumerators; i++) {
        uint64_t e = (uint64_t)t->enumerators[i].value;
        if (e == 0 || (e & seen))
            flags = false;
        seen |= e;
    }
    if (!flags) {
        sb_appendf(sb, "%" PRId64, v);
        return;
    }
    uint64_t rest = (uint64_t)v;
    bool first = true;
    sb_append(sb, "(", 1);
    for (size_t i = 0; i < t->nenumerators; i++) {
        uint64_t e = (uint64_t)t->enumerators[i].value;
        if ((rest & e) == e) {
            sb_appendf(sb, "%s%s", first ? "" : " | ", t->enumerators[i].name);
            rest &= ~e;
            first = false;
        }
    }
    if (rest)
        sb_appendf(sb, "%sunknown: 0x%" PRIx64, first ? "" : " | ", rest);
    sb_append(sb, ")", 1);
}

/* Read size bytes of a value into a fresh buffer (memory or held bytes). */
static unsigned char *value_bytes(struct fmt_ctx *c, enum rd_value_loc loc, addr_t addr,
                                  const unsigned char *bytes, size_t size)
{
    unsigned char *buf = calloc(1, size ? size : 1);
    if (!buf)
        abort();
    if (bytes) {
        memcpy(buf, bytes, size > 64 ? 64 : size);
        return buf;
    }
    if (loc == VAL_MEMORY && c->s->target) {
        int rc = target_read(c->s->target, addr, buf, size);
        if (rc == 0)
            return buf;
        char m[128];
        snprintf(c->err, c->errlen, "%s", target_errmsg(rc, addr, m, sizeof m));
    } else {
        snprintf(c->err, c->errlen, "Cannot access memory at address 0x%" PRIx64, (uint64_t)addr);
    }
    free(buf);
    return NULL;
}

static int format_pointer(struct fmt_ctx *c, struct rd_type *type, uint64_t a, bool top,
                          struct strbuf *sb)
{
    struct rd_type *t = strip(type);
    struct rd_type *target = strip(t->target);
    if (c->fmt && c->fmt != 's' && c->fmt != 'a') {
        format_integer(c, a, 8, false, c->fmt, sb);
        return 0;
    }
    if (c->fmt == 'a') {
        format_integer(c, a, 8, false, 'a', sb);
        return 0;
    }
    char sym[300];
    if (target && is_char_type(target)) {
        sb_appendf(sb, "0x%" PRIx64, a);
        if (a != 0 && symbolize(c->s, (addr_t)a, sym, sizeof sym))
            sb_appendf(sb, " <%s>", sym);
        if (a != 0) {
            sb_append(sb, " ", 1);
            format_c_string(c->s, (addr_t)a, sb);
        }
        return 0;
    }
    if (top) {
        char decl[256];
        type_declaration(type, "", decl, sizeof decl);
        sb_appendf(sb, "(%s) ", decl);
    }
    sb_appendf(sb, "0x%" PRIx64, a);
    if (a && symbolize(c->s, (addr_t)a, sym, sizeof sym))
        sb_appendf(sb, " <%s>", sym);
    return 0;
}

static int format_array(struct fmt_ctx *c, struct rd_type *t, addr_t addr, const unsigned char *bytes,
                        int depth, struct strbuf *sb)
{
    struct rd_type *et = t->target;
    struct rd_type *set = strip(et);
    uint64_t esize = set ? set->size : 0;
    uint64_t count = t->count;
    if (!set || esize == 0 || count == 0) {
        sb_append(sb, "{}", 2);     /* flexible or unknown-size array */
        return 0;
    }
    uint64_t shown = count > PRINT_ELEMENTS ? PRINT_ELEMENTS : count;
    if (is_char_type(et) && esize == 1 && (c->fmt == 0 || c->fmt == 's')) {
        unsigned char *buf = value_bytes(c, bytes ? VAL_CONST : VAL_MEMORY, addr, bytes, shown);
        if (!buf)
            return -1;
        size_t n = shown;
        /* gdb drops one terminating NUL when the whole array was printed. */
        if (count <= PRINT_ELEMENTS && n > 0 && buf[n - 1] == 0)
            n--;
        format_char_run(buf, n, count > PRINT_ELEMENTS, sb);
        free(buf);
        return 0;
    }
    if (esize * shown > (1u << 20)) {
        snprintf(c->err, c->errlen, "Array too large to print.");
        return -1;
    }
    unsigned char *buf = value_bytes(c, bytes ? VAL_CONST : VAL_MEMORY, addr, bytes, esize * shown);
    if (!buf)
        return -1;
    uintptr_t saved_base = follow_copy(c, bytes, buf);
    sb_append(sb, "{", 1);
    uint64_t i = 0;
    bool first = true;
    while (i < shown) {
        uint64_t run = 1;
        while (i + run < shown && memcmp(buf + i * esize, buf + (i + run) * esize, esize) == 0)
            run++;
        if (!first)
            sb_append(sb, ", ", 2);
        first = false;
        const unsigned char *eb = esize <= 64 ? buf + i * esize : NULL;
        if (format_value(c, et, VAL_MEMORY, addr + i * esize, eb, false, depth + 1, sb) < 0) {
            c->base = saved_base;
            free(buf);
            return -1;
        }
        if (run > REPEAT_THRESHOLD) {
            sb_appendf(sb, " <repeats %" PRIu64 " times>", run);
            i += run;
        } else {
            i++;
        }
    }
    if (count > shown)
        sb_append(sb, "...", 3);
    sb_append(sb, "}", 1);
    c->base = saved_base;
    free(buf);
    return 0;
}

static int format_struct(struct fmt_ctx *c, struct rd_type *t, addr_t addr, const unsigned char *bytes,
                         int depth, struct strbuf *sb)
{
    if (t->nfields == 0) {
        sb_append(sb, "{<No data fields>}", 18);
        return 0;
    }
    unsigned char *buf = value_bytes(c, bytes ? VAL_CONST : VAL_MEMORY, addr, bytes, t->size);
    if (!buf)
        return -1;
    uintptr_t saved_base = follow_copy(c, bytes, buf);
    sb_append(sb, "{", 1);
    for (size_t i = 0; i < t->nfields; i++) {
        const struct rd_field *f = &t->fields[i];
        if (i)
            sb_append(sb, ", ", 2);
        if (f->name)
            sb_appendf(sb, "%s = ", f->name);
        struct rd_type *ft = strip(f->type);
        if (!ft || f->offset + (f->bit_size ? 0 : ft->size) > t->size) {
            sb_append(sb, "<invalid field>", 15);
            continue;
        }
        if (f->bit_size > 0) {
            size_t span = (size_t)((f->bit_offset % 8) + f->bit_size + 7) / 8;
            uint64_t word = 0;
            size_t at = (size_t)f->offset + (size_t)f->bit_offset / 8;
            if (span > 8)
                span = 8;
            if (at + span > t->size)
                span = at < t->size ? t->size - at : 0;
            if (bytes_unavailable(c, buf + at, span)) {
                sb_append(sb, "<optimized out>", 15);
                continue;
            }
            memcpy(&word, buf + at, span);
            word >>= f->bit_offset % 8;
            uint64_t mask = f->bit_size >= 64 ? ~0ULL : (1ULL << f->bit_size) - 1;
            word &= mask;
            if (ft->is_signed && f->bit_size < 64 && ((word >> (f->bit_size - 1)) & 1))
                word |= ~mask;
            unsigned char wb[8];
            memcpy(wb, &word, 8);
            struct rd_type wide = *ft;
            wide.size = 8;
            if (format_value(c, ft->kind == TY_ENUM || ft->kind == TY_BOOL ? ft : &wide,
                             VAL_CONST, 0, wb, false, depth + 1, sb) < 0)
                break;
            continue;
        }
        const unsigned char *fb = ft->size <= 64 ? buf + f->offset : NULL;
        if (format_value(c, f->type, VAL_MEMORY, addr + f->offset, fb, false, depth + 1, sb) < 0) {
            /* A nested read failure (a huge member) is shown in place. */
            sb_appendf(sb, "<error: %s>", c->err);
            c->err[0] = '\0';
        }
    }
    sb_append(sb, "}", 1);
    c->base = saved_base;
    free(buf);
    return 0;
}

/* Format a value whose bytes are in `bytes` (when non-NULL; at least
 * min(size, 64) of them) or in memory at addr. */
static int format_value(struct fmt_ctx *c, struct rd_type *type, enum rd_value_loc loc, addr_t addr,
                        const unsigned char *bytes, bool top, int depth, struct strbuf *sb)
{
    struct rd_type *t = strip(type);
    if (!t || t->kind == TY_VOID) {
        sb_append(sb, "void", 4);
        return 0;
    }
    if (depth > MAX_NESTING) {
        sb_append(sb, "...", 3);
        return 0;
    }
    /* Optimized out, wholly or (scalars) in part: gdb prints no digits. */
    size_t missing = bytes_unavailable(c, bytes, t->size ? t->size : 1);
    if (missing && (missing == (t->size ? t->size : 1) ||
                    (t->kind != TY_STRUCT && t->kind != TY_UNION && t->kind != TY_ARRAY))) {
        sb_append(sb, "<optimized out>", 15);
        return 0;
    }
    if (t->kind == TY_STRUCT || t->kind == TY_UNION)
        return format_struct(c, t, addr, bytes && t->size <= 64 ? bytes : NULL, depth, sb);
    if (t->kind == TY_ARRAY)
        return format_array(c, t, addr, bytes && t->size <= 64 ? bytes : NULL, depth, sb);
    if (t->kind == TY_FUNC) {
        if (c->fmt && c->fmt != 'a') {
            format_integer(c, addr, 8, false, c->fmt, sb);
            return 0;
        }
        char decl[256], a[400];
        type_declaration(type, "", decl, sizeof decl);
        format_address(c->s, addr, a, sizeof a);
        sb_appendf(sb, "{%s} %s", decl, a);
        return 0;
    }
    size_t size = t->size ? t->size : 8;
    unsigned char local[64];
    if (!bytes) {
        if (size > sizeof local) {
            snprintf(c->err, c->errlen, "Value too large to print.");
            return -1;
        }
        unsigned char *buf = value_bytes(c, loc, addr, NULL, size);
        if (!buf)
            return -1;
        memcpy(local, buf, size);
        free(buf);
        bytes = local;
    }
    uint64_t u = load_uint(bytes, size);
    switch (t->kind) {
    case TY_POINTER:
        return format_pointer(c, type, u, top, sb);
    case TY_FLOAT:
        if (c->fmt && c->fmt != 'f') {
            double d;
            if (size == 4) {
                float f;
                memcpy(&f, bytes, 4);
                d = f;
            } else {
                memcpy(&d, bytes, 8);
            }
            format_integer(c, (uint64_t)(int64_t)d, 8, true, c->fmt, sb);
            return 0;
        }
        format_float(bytes, size, sb);
        return 0;
    case TY_BOOL:
        if (c->fmt) {
            format_integer(c, u, size, false, c->fmt, sb);
            return 0;
        }
        if ((u & 0xff) <= 1)
            sb_append(sb, (u & 0xff) ? "true" : "false", (u & 0xff) ? 4 : 5);
        else
            sb_appendf(sb, "%" PRIu64, u & 0xff);
        return 0;
    case TY_ENUM:
        if (c->fmt) {
            format_integer(c, u, size, t->is_signed, c->fmt, sb);
            return 0;
        }
        format_enum(t, extend(u, size, t->is_signed || size < 8), sb);
        return 0;
    case TY_CHAR:
        format_integer(c, u, size, t->is_signed, c->fmt ? c->fmt : 'c', sb);
        return 0;
    default:
        if (is_char_type(t) && !c->fmt) {
            format_integer(c, u, size, t->is_signed, 'c', sb);
            return 0;
        }
        format_integer(c, u, size, t->is_signed, c->fmt == 's' ? 0 : c->fmt, sb);
        return 0;
    }
}

int value_format_sb(struct session *s, struct rd_value *v, int fmt, bool top_level,
                    struct strbuf *sb, char *errbuf, size_t errlen)
{
    struct fmt_ctx c = {.s = s, .fmt = fmt, .err = errbuf, .errlen = errlen};
    if (errlen)
        errbuf[0] = '\0';
    if (!v->type) {
        snprintf(errbuf, errlen, "Value has no type.");
        return -1;
    }
    if (v->type == &type_nodebug_data && value_fetch(s, v, errbuf, errlen) < 0)
        return -1;
    if (v->error) {
        snprintf(errbuf, errlen, "%s", v->error);
        return -1;
    }
    if (v->optimized_out) {
        sb_append(sb, "<optimized out>", 15);
        return 0;
    }
    struct rd_type *t = strip(v->type);
    const unsigned char *bytes = NULL;
    if (v->fetched || v->loc == VAL_CONST || v->loc == VAL_REGISTER)
        bytes = v->bytes;
    if (bytes && v->unavailable) {
        c.base = (uintptr_t)bytes;
        c.unavailable = v->unavailable;
    }
    if (t && t->size > sizeof v->bytes && v->loc != VAL_MEMORY) {
        snprintf(errbuf, errlen, "Value is not available.");
        return -1;
    }
    return format_value(&c, v->type, v->loc, v->addr, bytes, top_level, 0, sb);
}

static int format_into(struct session *s, struct rd_value *v, int fmt, bool top_level,
                       char *buf, size_t len)
{
    struct strbuf sb = {0};
    char err[256];
    int rc = value_format_sb(s, v, fmt, top_level, &sb, err, sizeof err);
    if (rc < 0)
        snprintf(buf, len, "<error: %s>", err);
    else
        snprintf(buf, len, "%s", sb.buf ? sb.buf : "");
    sb_free(&sb);
    return rc;
}

int value_format(struct session *s, struct rd_value *v, int fmt, char *buf, size_t len)
{
    return format_into(s, v, fmt, true, buf, len);
}

int value_format_variable(struct session *s, struct rd_value *v, char *buf, size_t len)
{
    return format_into(s, v, 0, false, buf, len);
}

bool value_partly_optimized_out(const struct rd_value *v)
{
    struct rd_type *t = strip(v->type);
    size_t size = t && t->size ? (size_t)t->size : 1;
    uint64_t all = size >= 64 ? ~0ULL : (1ULL << size) - 1;
    return !v->optimized_out && (v->unavailable & all) != 0;
}
