/* expr.c — C-like expressions: lexer, parser and evaluator in one pass.
 *
 * Offers expr_eval (session.h): integers (decimal, 0x hex, 0 octal, 'c'
 * character literals), floating literals, identifiers (DWARF variables of the
 * selected frame, else ELF symbols as gdb treats symbols without debug info),
 * registers ($rip $rsp $rax ... $pc $sp $fp, $eax...), value history ($, $$,
 * $N, $$N), convenience variables ($name), unary * & - + ! ~, sizeof, casts
 * (TYPE) with types from DWARF, plugins or the built-ins, binary arithmetic,
 * shifts, comparisons, bitwise and logical operators, ?:, gdb's @ (artificial
 * arrays), -> . [] and assignment =.  Also value history and convenience
 * variable storage, and expr_parse_type for ptype/whatis.
 *
 * Values are lazy: an lvalue in memory is read only when its value is needed,
 * so &x, sizeof x and ptype never touch the target.
 *
 * Depends on: session.h, types.h, symtab.h (dwarf_lookup_variable,
 * dwarf_lookup_type, symtab_lookup_name), target.h.  Never calls ptrace.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_state.h"

/* gdb's types for symbols without debug info. */
struct rd_type type_nodebug_text = {.kind = TY_FUNC, .name = "<text variable, no debug info>", .size = 1};
struct rd_type type_nodebug_data = {.kind = TY_INT, .name = "<data variable, no debug info>", .size = 4,
                                    .is_signed = true};
/* $pc's type, "void (*)()", built on first use. */
static struct rd_type type_code = {.kind = TY_FUNC, .name = NULL, .size = 1};

enum tok {
    T_END, T_NUM, T_FLOAT, T_CHAR, T_IDENT, T_DOLLAR, T_STRING,
    T_ARROW, T_INC, T_DEC, T_SHL, T_SHR, T_LE, T_GE, T_EQ, T_NE, T_ANDAND, T_OROR,
    T_PUNCT,    /* single character in tok_char */
};

struct parser {
    struct session *s;
    const char *text, *p;
    /* current token */
    enum tok tok;
    char tok_char;
    const char *tok_start;
    unsigned long long num;
    bool num_unsigned, num_long;
    double fnum;
    char ident[256];
    bool noside;            /* evaluate for the type only */
    bool failed;
    char *err;
    size_t errlen;
    struct frame frame;     /* selected frame, fetched on first need */
    bool have_frame;
    unsigned ntok;          /* tokens read so far */
    unsigned ident_tok;     /* ntok of the last identifier evaluated as a variable */
    char ident_name[256];   /* ... and its name, for "&x" errors */
    bool ident_is_var;      /* ... found as a DWARF variable */
};

static void perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return;
    ps->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
}

/* ---- lexer ---- */

/* One escape after a backslash; advances *pp. */
static int lex_escape(const char **pp)
{
    const char *p = *pp;
    int c;
    switch (*p) {
    case 'n': c = '\n'; p++; break;
    case 't': c = '\t'; p++; break;
    case 'r': c = '\r'; p++; break;
    case 'a': c = '\a'; p++; break;
    case 'b': c = '\b'; p++; break;
    case 'f': c = '\f'; p++; break;
    case 'v': c = '\v'; p++; break;
    case 'e': c = 033; p++; break;
    case 'x': {
        p++;
        c = 0;
        while (isxdigit((unsigned char)*p)) {
            c = c * 16 + (isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
            c &= 0xff;
            p++;
        }
        break;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        c = 0;
        for (int i = 0; i < 3 && *p >= '0' && *p <= '7'; i++, p++)
            c = c * 8 + (*p - '0');
        break;
    case '\0': c = '\\'; break;
    default: c = (unsigned char)*p++; break;
    }
    *pp = p;
    return c;
}

static void next(struct parser *ps)
{
    const char *p = ps->p;
    ps->ntok++;
    while (isspace((unsigned char)*p))
        p++;
    ps->tok_start = p;
    if (!*p) {
        ps->tok = T_END;
        ps->p = p;
        return;
    }
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        const char *q = p;
        bool is_float = false;
        if (!(p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))) {
            while (isdigit((unsigned char)*q))
                q++;
            if (*q == '.' || *q == 'e' || *q == 'E')
                is_float = true;
        }
        if (is_float) {
            char *end;
            ps->fnum = strtod(p, &end);
            ps->tok = T_FLOAT;
            p = end;
            if (*p == 'f' || *p == 'F' || *p == 'l' || *p == 'L')
                p++;
        } else {
            char *end;
            int base = 10;
            const char *digits = p;
            if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                base = 16;
                digits = p + 2;
            } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
                base = 2;
                digits = p + 2;
            } else if (p[0] == '0') {
                base = 8;
            }
            errno = 0;
            ps->num = strtoull(digits, &end, base);
            if (end == digits && base != 8) {
                perr(ps, "Invalid number \"%.*s\".", (int)(end - p) + 1, p);
                ps->tok = T_END;
                return;
            }
            if (errno == ERANGE) {
                perr(ps, "Numeric constant too large.");
                ps->tok = T_END;
                return;
            }
            p = end;
            ps->num_unsigned = ps->num_long = false;
            while (*p == 'u' || *p == 'U' || *p == 'l' || *p == 'L') {
                if (*p == 'u' || *p == 'U')
                    ps->num_unsigned = true;
                else
                    ps->num_long = true;
                p++;
            }
            if (isalnum((unsigned char)*p) || *p == '_') {
                const char *e = p;
                while (isalnum((unsigned char)*e) || *e == '_')
                    e++;
                perr(ps, "Invalid number \"%.*s\".", (int)(e - ps->tok_start), ps->tok_start);
                ps->tok = T_END;
                return;
            }
            ps->tok = T_NUM;
        }
        ps->p = p;
        return;
    }
    if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
        bool dollar = *p == '$';
        const char *q = p + dollar;
        while (isalnum((unsigned char)*q) || *q == '_' || (dollar && *q == '$' && q == p + 1))
            q++;
        size_t n = (size_t)(q - p);
        if (n >= sizeof ps->ident) {
            perr(ps, "Name too long.");
            ps->tok = T_END;
            return;
        }
        memcpy(ps->ident, p, n);
        ps->ident[n] = '\0';
        ps->tok = dollar ? T_DOLLAR : T_IDENT;
        ps->p = q;
        return;
    }
    if (*p == '\'') {
        p++;
        int c;
        if (*p == '\\') {
            p++;
            c = lex_escape(&p);
        } else if (*p && *p != '\'') {
            c = (unsigned char)*p++;
        } else {
            perr(ps, "Empty character constant.");
            ps->tok = T_END;
            return;
        }
        if (*p != '\'') {
            perr(ps, "Unmatched single quote.");
            ps->tok = T_END;
            return;
        }
        ps->num = (unsigned long long)(long long)(signed char)c;
        ps->tok = T_CHAR;
        ps->p = p + 1;
        return;
    }
    if (*p == '"') {
        perr(ps, "String literals are not supported in expressions.");
        ps->tok = T_END;
        return;
    }
    static const struct { const char *s; enum tok t; } two[] = {
        {"->", T_ARROW}, {"++", T_INC}, {"--", T_DEC}, {"<<", T_SHL}, {">>", T_SHR},
        {"<=", T_LE}, {">=", T_GE}, {"==", T_EQ}, {"!=", T_NE}, {"&&", T_ANDAND}, {"||", T_OROR},
    };
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        if (p[0] == two[i].s[0] && p[1] == two[i].s[1]) {
            ps->tok = two[i].t;
            ps->p = p + 2;
            return;
        }
    if (strchr("+-*/%<>=!~&|^?:()[].,@{}", *p)) {
        ps->tok = T_PUNCT;
        ps->tok_char = *p;
        ps->p = p + 1;
        return;
    }
    perr(ps, "Invalid character '%c' in expression.", *p);
    ps->tok = T_END;
}

static bool is_punct(struct parser *ps, char c)
{
    return ps->tok == T_PUNCT && ps->tok_char == c;
}

static bool expect_punct(struct parser *ps, char c)
{
    if (!is_punct(ps, c)) {
        perr(ps, "A syntax error in expression, near `%s'.", ps->tok_start);
        return false;
    }
    next(ps);
    return true;
}

/* ---- type helpers ---- */

static struct rd_type *strip(struct rd_type *t)
{
    return t ? type_strip_typedefs(t) : NULL;
}

static struct rd_type *builtin(const char *name)
{
    struct rd_type *t = type_builtin(name);
    return t;
}

static bool is_integral(struct rd_type *t)
{
    t = strip(t);
    return t && (t->kind == TY_INT || t->kind == TY_CHAR || t->kind == TY_BOOL || t->kind == TY_ENUM);
}

static bool is_float(struct rd_type *t)
{
    t = strip(t);
    return t && t->kind == TY_FLOAT;
}

static bool is_pointer(struct rd_type *t)
{
    t = strip(t);
    return t && t->kind == TY_POINTER;
}

static bool is_scalar(struct rd_type *t)
{
    return is_integral(t) || is_float(t) || is_pointer(t);
}

void value_from_int(struct rd_value *v, struct rd_type *t, int64_t x)
{
    memset(v, 0, sizeof *v);
    v->type = t;
    v->loc = VAL_CONST;
    size_t n = t && t->size && t->size <= 8 ? t->size : 8;
    memcpy(v->bytes, &x, n);       /* little-endian: the low bytes */
    v->fetched = true;
}

static void value_from_double(struct rd_value *v, struct rd_type *t, double d)
{
    memset(v, 0, sizeof *v);
    v->type = t;
    v->loc = VAL_CONST;
    if (t->size == 4) {
        float f = (float)d;
        memcpy(v->bytes, &f, 4);
    } else if (t->size == 8) {
        memcpy(v->bytes, &d, 8);
    } else {
        long double ld = d;
        memcpy(v->bytes, &ld, sizeof ld < sizeof v->bytes ? sizeof ld : sizeof v->bytes);
    }
    v->fetched = true;
}

/* ---- reading values ---- */

/* gdb's amd64 register numbers (rd_value.regno, see symtab.h) and where
 * each lives in user_regs_struct. */
static const struct { const char *name; size_t off; } gdb_regs[] = {
#define R(n) {#n, offsetof(struct user_regs_struct, n)}
    R(rax), R(rbx), R(rcx), R(rdx), R(rsi), R(rdi), R(rbp), R(rsp),
    R(r8), R(r9), R(r10), R(r11), R(r12), R(r13), R(r14), R(r15), R(rip),
    R(eflags), R(cs), R(ss), R(ds), R(es), R(fs), R(gs), R(fs_base), R(gs_base),
#undef R
};
#define NUM_GDB_REGS ((int)(sizeof gdb_regs / sizeof gdb_regs[0]))

/* gdb register number for $name (pc/sp/fp included); *width is 8, or 4 for
 * the $eXX halves.  -1 if name is not a register. */
static int register_slot(const char *name, int *width)
{
    static const struct { const char *alias, *reg; } aliases[] = {
        {"pc", "rip"}, {"sp", "rsp"}, {"fp", "rbp"},
        {"eax", "rax"}, {"ebx", "rbx"}, {"ecx", "rcx"}, {"edx", "rdx"}, {"esi", "rsi"},
        {"edi", "rdi"}, {"ebp", "rbp"}, {"esp", "rsp"}, {"r8d", "r8"}, {"r9d", "r9"},
        {"r10d", "r10"}, {"r11d", "r11"}, {"r12d", "r12"}, {"r13d", "r13"}, {"r14d", "r14"},
        {"r15d", "r15"}, {"eip", "rip"},
    };
    *width = 8;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].alias, name) == 0) {
            if (name[0] == 'e' || name[strlen(name) - 1] == 'd')
                *width = 4;
            name = aliases[i].reg;
            break;
        }
    for (int i = 0; i < NUM_GDB_REGS; i++)
        if (strcmp(gdb_regs[i].name, name) == 0)
            return i;
    return -1;
}

static uint64_t reg_value(const struct user_regs_struct *regs, int regno)
{
    uint64_t v;
    memcpy(&v, (const char *)regs + gdb_regs[regno].off, 8);
    return v;
}

static bool ensure_frame(struct parser *ps)
{
    if (ps->have_frame)
        return true;
    char err[256];
    if (session_selected_frame(ps->s, &ps->frame, err, sizeof err) < 0) {
        if (!ps->s->target)
            perr(ps, "No registers.");
        else
            perr(ps, "%s", err);
        return false;
    }
    ps->have_frame = true;
    return true;
}

/* Why v has no usable value (Note [Optimized out] in dwarf_loc.c): NULL
 * if its first len bytes are there. */
static const char *value_unavailable(const struct rd_value *v, size_t len)
{
    if (v->error)
        return v->error;
    if (v->optimized_out)
        return "value has been optimized out";
    uint64_t wanted = len >= 64 ? ~0ULL : (1ULL << len) - 1;
    if (v->unavailable & wanted)
        return "value has been optimized out";
    return NULL;
}

int value_read_bytes(struct session *s, const struct rd_value *v, void *buf, size_t len,
                     char *errbuf, size_t errlen)
{
    const char *why = value_unavailable(v, len);
    if (why) {
        snprintf(errbuf, errlen, "%s", why);
        return -1;
    }
    if (v->fetched || v->loc == VAL_CONST || v->loc == VAL_REGISTER) {
        if (len > sizeof v->bytes) {
            snprintf(errbuf, errlen, "Value too large.");
            return -1;
        }
        memcpy(buf, v->bytes, len);
        return 0;
    }
    if (v->loc != VAL_MEMORY) {
        snprintf(errbuf, errlen, "Value is not available.");
        return -1;
    }
    if (!s->target) {
        snprintf(errbuf, errlen, "Cannot access memory at address 0x%llx", (unsigned long long)v->addr);
        return -1;
    }
    int rc = target_read(s->target, v->addr, buf, len);
    if (rc < 0) {
        char m[128];
        snprintf(errbuf, errlen, "%s", target_errmsg(rc, v->addr, m, sizeof m));
        return -1;
    }
    return 0;
}

int value_fetch(struct session *s, struct rd_value *v, char *errbuf, size_t errlen)
{
    struct rd_type *wt = strip(v->type);
    size_t want = wt ? (size_t)wt->size : 0;
    const char *why = value_unavailable(v, want ? want : 1);
    if (why) {
        snprintf(errbuf, errlen, "%s", why);
        return -1;
    }
    if (v->fetched || v->loc == VAL_CONST || v->loc == VAL_REGISTER)
        return 0;
    if (v->type == &type_nodebug_data) {
        char name[256] = "symbol";
        struct sym_info si;
        struct symtab *sym = session_symtab(s);
        if (sym && symtab_lookup_addr(sym, v->addr, &si))
            snprintf(name, sizeof name, "%s", si.name);
        snprintf(errbuf, errlen, "'%s' has unknown type; cast it to its declared type", name);
        return -1;
    }
    size_t size = v->type ? strip(v->type)->size : 0;
    if (size == 0 || size > sizeof v->bytes) {
        /* Too large to hold: check it is readable, keep it in memory. */
        unsigned char probe[8];
        size_t n = size ? (size < sizeof probe ? size : sizeof probe) : 1;
        return value_read_bytes(s, v, probe, n, errbuf, errlen);
    }
    if (value_read_bytes(s, v, v->bytes, size, errbuf, errlen) < 0)
        return -1;
    v->fetched = true;
    return 0;
}

static bool fetch(struct parser *ps, struct rd_value *v)
{
    if (ps->failed)
        return false;
    char err[256];
    if (value_fetch(ps->s, v, err, sizeof err) < 0) {
        if (ps->noside) {
            memset(v->bytes, 0, sizeof v->bytes);
            v->fetched = true;
            return true;
        }
        perr(ps, "%s", err);
        return false;
    }
    return true;
}

/* Integer value of a fetched scalar, sign- or zero-extended from its size. */
int64_t value_as_int(const struct rd_value *v)
{
    struct rd_type *t = v->type ? type_strip_typedefs(v->type) : NULL;
    if (!t)
        return 0;
    if (t->kind == TY_FLOAT) {
        if (t->size == 4) {
            float f;
            memcpy(&f, v->bytes, 4);
            return (int64_t)f;
        }
        if (t->size == 8) {
            double d;
            memcpy(&d, v->bytes, 8);
            return (int64_t)d;
        }
        long double ld;
        memcpy(&ld, v->bytes, sizeof ld);
        return (int64_t)ld;
    }
    size_t n = t->size;
    if (t->kind == TY_ARRAY || t->kind == TY_FUNC || t->kind == TY_STRUCT || t->kind == TY_UNION)
        return (int64_t)v->addr;
    if (n == 0 || n > 8)
        n = 8;
    uint64_t u = 0;
    memcpy(&u, v->bytes, n);
    if (n < 8) {
        bool is_signed = t->is_signed && t->kind != TY_POINTER;
        uint64_t sign = 1ULL << (n * 8 - 1);
        u &= (sign << 1) - 1;
        if (is_signed && (u & sign))
            u |= ~((sign << 1) - 1);
    }
    return (int64_t)u;
}

static double value_as_double(const struct rd_value *v)
{
    struct rd_type *t = strip(v->type);
    if (t && t->kind == TY_FLOAT) {
        if (t->size == 4) {
            float f;
            memcpy(&f, v->bytes, 4);
            return f;
        }
        if (t->size == 8) {
            double d;
            memcpy(&d, v->bytes, 8);
            return d;
        }
        long double ld;
        memcpy(&ld, v->bytes, sizeof ld);
        return (double)ld;
    }
    if (t && !t->is_signed && t->size == 8)
        return (double)(uint64_t)value_as_int(v);
    return (double)value_as_int(v);
}

/* Array and function values decay to pointers in rvalue contexts. */
static void decay(struct parser *ps, struct rd_value *v)
{
    struct rd_type *t = strip(v->type);
    if (!t || v->loc != VAL_MEMORY)
        return;
    if (t->kind == TY_ARRAY) {
        addr_t a = v->addr;
        value_from_int(v, type_pointer_to(t->target ? t->target : builtin("char")), (int64_t)a);
    } else if (t->kind == TY_FUNC) {
        addr_t a = v->addr;
        value_from_int(v, type_pointer_to(v->type), (int64_t)a);
    }
    (void)ps;
}

/* An rvalue: decayed and fetched; false on error. */
static bool rvalue(struct parser *ps, struct rd_value *v)
{
    if (ps->failed)
        return false;
    decay(ps, v);
    if (!v->type) {
        perr(ps, "Invalid expression.");
        return false;
    }
    return fetch(ps, v);
}

/* ---- value history and convenience variables ---- */

static void saved_copy(struct session *s, struct rd_value *dst, const struct rd_value *src)
{
    *dst = *src;
    char err[64];
    if (!dst->fetched && dst->loc == VAL_MEMORY)
        value_fetch(s, dst, err, sizeof err);
    /* Small memory values are snapshots from now on, as gdb's history is. */
    if (dst->fetched && dst->loc == VAL_MEMORY) {
        struct rd_type *t = strip(dst->type);
        if (t && t->kind != TY_ARRAY && t->kind != TY_STRUCT && t->kind != TY_UNION && t->kind != TY_FUNC)
            dst->loc = VAL_CONST;
    }
}

int value_history_add(struct session *s, const struct rd_value *v)
{
    struct session_state *st = session_state(s);
    struct saved_value *h = realloc(st->history, (st->nhistory + 1) * sizeof *h);
    if (!h)
        abort();
    st->history = h;
    memset(&h[st->nhistory], 0, sizeof h[0]);
    saved_copy(s, &h[st->nhistory].val, v);
    return (int)++st->nhistory;
}

static struct saved_value *conv_find(struct session *s, const char *name)
{
    struct session_state *st = session_state(s);
    for (size_t i = 0; i < st->nconv; i++)
        if (strcmp(st->conv[i].name, name) == 0)
            return &st->conv[i];
    return NULL;
}

static void conv_set(struct session *s, const char *name, const struct rd_value *v)
{
    struct session_state *st = session_state(s);
    struct saved_value *c = conv_find(s, name);
    if (!c) {
        struct saved_value *n = realloc(st->conv, (st->nconv + 1) * sizeof *n);
        if (!n)
            abort();
        st->conv = n;
        c = &st->conv[st->nconv++];
        c->name = strdup(name);
    }
    saved_copy(s, &c->val, v);
}

void expr_free_state(struct session *s)
{
    struct session_state *st = session_state(s);
    for (size_t i = 0; i < st->nconv; i++)
        free(st->conv[i].name);
    free(st->conv);
    free(st->history);
    st->conv = NULL;
    st->history = NULL;
    st->nconv = st->nhistory = 0;
}

/* ---- types in expressions ---- */

static bool is_type_keyword(const char *w)
{
    static const char *const kw[] = {"struct", "union", "enum", "unsigned", "signed", "short",
                                     "long", "int", "char", "float", "double", "void", "_Bool",
                                     "bool", "const", "volatile"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcmp(w, kw[i]) == 0)
            return true;
    return false;
}

/* Resolve a base type name: DWARF first (so a program's own "long unsigned
 * int" is used), then types registered by plugins, then the built-ins. */
static struct rd_type *lookup_type_name(struct session *s, const char *name)
{
    struct rd_type *t = NULL;
    struct symtab *sym = session_symtab(s);
    if (sym)
        t = dwarf_lookup_type(sym, name);
    if (!t)
        t = type_lookup_registered(name);
    if (!t)
        t = type_builtin(name);
    return t;
}

/* Canonical name of a built-in made of keywords ("long unsigned int" ->
 * "unsigned long"); NULL if the combination is not a C type. */
static const char *canonical_builtin(int nunsigned, int nsigned, int nshort, int nlong, int nint,
                                     int nchar, int nfloat, int ndouble, int nvoid, int nbool)
{
    if (nvoid)
        return nunsigned || nsigned || nshort || nlong || nint || nchar || nfloat || ndouble || nbool ? NULL : "void";
    if (nbool)
        return "_Bool";
    if (nfloat)
        return "float";
    if (ndouble)
        return nlong ? "long double" : "double";
    if (nchar)
        return nunsigned ? "unsigned char" : nsigned ? "signed char" : "char";
    if (nshort)
        return nunsigned ? "unsigned short" : "short";
    if (nlong >= 2)
        return nunsigned ? "unsigned long long" : "long long";
    if (nlong == 1)
        return nunsigned ? "unsigned long" : "long";
    (void)nint;
    return nunsigned ? "unsigned int" : "int";
}

/* Try to parse a type at the parser's position: base type, then '*'s and
 * [N]s.  Returns NULL (position unchanged, no error) when the text there is
 * not a type. */
static struct rd_type *parse_type(struct parser *ps)
{
    const char *save_p = ps->p, *save_start = ps->tok_start;
    enum tok save_tok = ps->tok;
    char save_char = ps->tok_char;
    char save_ident[sizeof ps->ident];
    memcpy(save_ident, ps->ident, sizeof save_ident);
    struct rd_type *t = NULL;

    if (ps->tok != T_IDENT)
        return NULL;
    if (!strcmp(ps->ident, "struct") || !strcmp(ps->ident, "union") || !strcmp(ps->ident, "enum")) {
        char name[300];
        snprintf(name, sizeof name, "%s ", ps->ident);
        next(ps);
        if (ps->tok != T_IDENT)
            goto not_a_type;
        strncat(name, ps->ident, sizeof name - strlen(name) - 1);
        t = lookup_type_name(ps->s, name);
        if (!t)
            t = lookup_type_name(ps->s, ps->ident);     /* plugins may register the bare name */
        if (!t) {
            perr(ps, "No %s type named %s.", save_ident, ps->ident);
            return NULL;
        }
        next(ps);
    } else if (is_type_keyword(ps->ident)) {
        int nu = 0, ns = 0, nsh = 0, nl = 0, ni = 0, nc = 0, nf = 0, nd = 0, nv = 0, nb = 0;
        char words[256] = "";
        while (ps->tok == T_IDENT && is_type_keyword(ps->ident) && strcmp(ps->ident, "struct") &&
               strcmp(ps->ident, "union") && strcmp(ps->ident, "enum")) {
            const char *w = ps->ident;
            if (!strcmp(w, "unsigned")) nu++;
            else if (!strcmp(w, "signed")) ns++;
            else if (!strcmp(w, "short")) nsh++;
            else if (!strcmp(w, "long")) nl++;
            else if (!strcmp(w, "int")) ni++;
            else if (!strcmp(w, "char")) nc++;
            else if (!strcmp(w, "float")) nf++;
            else if (!strcmp(w, "double")) nd++;
            else if (!strcmp(w, "void")) nv++;
            else if (!strcmp(w, "_Bool") || !strcmp(w, "bool")) nb++;
            if (strcmp(w, "const") && strcmp(w, "volatile")) {
                if (words[0])
                    strncat(words, " ", sizeof words - strlen(words) - 1);
                strncat(words, w, sizeof words - strlen(words) - 1);
            }
            next(ps);
        }
        /* The program's own spelling first ("long unsigned int"), then C's. */
        struct symtab *sym = session_symtab(ps->s);
        t = sym && words[0] ? dwarf_lookup_type(sym, words) : NULL;
        if (!t) {
            const char *canon = canonical_builtin(nu, ns, nsh, nl, ni, nc, nf, nd, nv, nb);
            t = canon ? lookup_type_name(ps->s, canon) : NULL;
        }
        if (!t)
            goto not_a_type;
    } else {
        t = lookup_type_name(ps->s, ps->ident);
        if (!t)
            goto not_a_type;
        /* A bare name is a type only where a cast or sizeof could follow. */
        const char *q = ps->p;
        while (isspace((unsigned char)*q))
            q++;
        if (*q != ')' && *q != '*' && *q != '\0' && *q != '[')
            goto not_a_type;
        next(ps);
    }
    while (ps->tok == T_IDENT && (!strcmp(ps->ident, "const") || !strcmp(ps->ident, "volatile")))
        next(ps);
    while (is_punct(ps, '*')) {
        t = type_pointer_to(t);
        next(ps);
        while (ps->tok == T_IDENT && (!strcmp(ps->ident, "const") || !strcmp(ps->ident, "volatile")))
            next(ps);
    }
    while (is_punct(ps, '[')) {
        next(ps);
        if (ps->tok != T_NUM) {
            perr(ps, "Array size must be a constant.");
            return NULL;
        }
        unsigned long long n = ps->num;
        next(ps);
        if (!expect_punct(ps, ']'))
            return NULL;
        t = type_array_of(t, n);
    }
    return t;

not_a_type:
    ps->p = save_p;
    ps->tok_start = save_start;
    ps->tok = save_tok;
    ps->tok_char = save_char;
    memcpy(ps->ident, save_ident, sizeof save_ident);
    return NULL;
}

/* ---- the grammar ---- */

static void parse_assign(struct parser *ps, struct rd_value *v);
static void parse_unary(struct parser *ps, struct rd_value *v);
static void parse_cond(struct parser *ps, struct rd_value *v);

/* Identifier: DWARF variable, else an ELF symbol (gdb's no-debug-info view). */
static void eval_identifier(struct parser *ps, const char *name, struct rd_value *v)
{
    struct session *s = ps->s;
    memset(v, 0, sizeof *v);
    struct symtab *sym = session_symtab(s);
    if (!sym) {
        perr(ps, "No symbol \"%s\" in current context.", name);
        return;
    }
    struct frame fr;
    memset(&fr, 0, sizeof fr);
    const struct frame *fp = NULL;
    if (s->target && !s->target->running) {
        char err[128];
        if (ps->have_frame || session_selected_frame(s, &ps->frame, err, sizeof err) == 0) {
            ps->have_frame = true;
            fp = &ps->frame;
        }
    }
    if (dwarf_lookup_variable(sym, fp ? fp : &fr, name, v) && v->type) {
        ps->ident_is_var = true;
        return;
    }
    struct sym_info si;
    if (symtab_lookup_name(sym, name, &si)) {
        memset(v, 0, sizeof *v);
        v->loc = VAL_MEMORY;
        v->addr = si.addr;
        v->type = &type_nodebug_data;
        /* Code or data: by the mapping that holds it. */
        struct rd_map *maps = NULL;
        size_t n = 0;
        if (s->target && s->target->ops->maps && s->target->ops->maps(s->target, &maps, &n) == 0) {
            for (size_t i = 0; i < n; i++)
                if (si.addr >= maps[i].start && si.addr < maps[i].end && maps[i].x)
                    v->type = &type_nodebug_text;
            free(maps);
        }
        return;
    }
    if (lookup_type_name(s, name))
        perr(ps, "Attempt to use a type name as an expression");
    else
        perr(ps, "No symbol \"%s\" in current context.", name);
}

static void eval_dollar(struct parser *ps, const char *name, struct rd_value *v)
{
    struct session *s = ps->s;
    struct session_state *st = session_state(s);
    memset(v, 0, sizeof *v);
    const char *n = name + 1;      /* after '$' */
    /* History: $, $$, $N, $$N */
    if (*n == '\0' || *n == '$' || isdigit((unsigned char)*n)) {
        long idx;
        if (*n == '\0')
            idx = (long)st->nhistory;
        else if (*n == '$')
            idx = (long)st->nhistory - (n[1] ? strtol(n + 1, NULL, 10) : 1);
        else
            idx = strtol(n, NULL, 10);
        if (st->nhistory == 0 && (*n == '\0' || *n == '$')) {
            v->type = builtin("void");
            v->loc = VAL_CONST;
            v->fetched = true;
            return;
        }
        if (idx <= 0 || (size_t)idx > st->nhistory) {
            perr(ps, "History has not yet reached $%ld.", idx);
            return;
        }
        *v = st->history[idx - 1].val;
        return;
    }
    int width;
    int slot = register_slot(n, &width);
    if (slot >= 0) {
        if (!ensure_frame(ps))
            return;
        uint64_t val = reg_value(&ps->frame.regs, slot);
        v->loc = VAL_REGISTER;
        v->regno = slot;
        v->fetched = true;
        if (!strcmp(n, "pc") || !strcmp(n, "rip"))
            v->type = type_pointer_to(&type_code);
        else if (!strcmp(n, "sp") || !strcmp(n, "fp") || !strcmp(n, "rsp") || !strcmp(n, "rbp"))
            v->type = type_pointer_to(builtin("void"));
        else if (width == 4)
            v->type = builtin("int");
        else if (!strcmp(n, "eflags") || !strcmp(n, "cs") || !strcmp(n, "ss") || !strcmp(n, "ds") ||
                 !strcmp(n, "es") || !strcmp(n, "fs") || !strcmp(n, "gs"))
            v->type = builtin("int");
        else
            v->type = builtin("long");
        memcpy(v->bytes, &val, 8);
        if (width == 4)
            memset(v->bytes + 4, 0, 4);
        return;
    }
    struct saved_value *c = conv_find(s, n);
    if (c) {
        *v = c->val;
        return;
    }
    /* An unset convenience variable is void, as in gdb. */
    v->type = builtin("void");
    v->loc = VAL_CONST;
    v->fetched = true;
}

static void parse_primary(struct parser *ps, struct rd_value *v)
{
    memset(v, 0, sizeof *v);
    if (ps->failed)
        return;
    switch (ps->tok) {
    case T_NUM: {
        unsigned long long n = ps->num;
        struct rd_type *t;
        if (ps->num_unsigned)
            t = builtin(ps->num_long || n > 0xffffffffULL ? "unsigned long" : "unsigned int");
        else if (!ps->num_long && n <= 0x7fffffffULL)
            t = builtin("int");
        else if (n <= 0x7fffffffffffffffULL)
            t = builtin("long");
        else
            t = builtin("unsigned long");
        value_from_int(v, t, (int64_t)n);
        next(ps);
        return;
    }
    case T_FLOAT:
        value_from_double(v, builtin("double"), ps->fnum);
        next(ps);
        return;
    case T_CHAR:
        value_from_int(v, builtin("char"), (int64_t)ps->num);
        next(ps);
        return;
    case T_DOLLAR: {
        char name[sizeof ps->ident];
        memcpy(name, ps->ident, sizeof name);
        next(ps);
        eval_dollar(ps, name, v);
        return;
    }
    case T_IDENT: {
        if (!strcmp(ps->ident, "sizeof")) {
            perr(ps, "A syntax error in expression, near `%s'.", ps->tok_start);
            return;
        }
        if (is_type_keyword(ps->ident)) {
            perr(ps, "Attempt to use a type name as an expression");
            return;
        }
        char name[sizeof ps->ident];
        memcpy(name, ps->ident, sizeof name);
        ps->ident_tok = ps->ntok;
        ps->ident_is_var = false;
        memcpy(ps->ident_name, name, sizeof name);
        next(ps);
        eval_identifier(ps, name, v);
        return;
    }
    case T_PUNCT:
        if (ps->tok_char == '(') {
            next(ps);
            parse_assign(ps, v);
            expect_punct(ps, ')');
            return;
        }
        break;
    default:
        break;
    }
    if (ps->tok == T_END)
        perr(ps, "A syntax error in expression, near `'.");
    else
        perr(ps, "A syntax error in expression, near `%s'.", ps->tok_start);
}

/* v.field for a struct/union value in memory or held in bytes. */
static void member(struct parser *ps, struct rd_value *v, const char *field)
{
    struct rd_type *t = strip(v->type);
    if (!t || (t->kind != TY_STRUCT && t->kind != TY_UNION)) {
        char tn[128];
        perr(ps, "Attempt to extract a component of a value that is not a structure%s%s.",
             t ? " of type " : "", t ? type_name(v->type, tn, sizeof tn) : "");
        return;
    }
    const struct rd_field *f = type_find_field(t, field);
    if (!f) {
        perr(ps, "There is no member named %s.", field);
        return;
    }
    struct rd_value r;
    memset(&r, 0, sizeof r);
    r.type = f->type;
    if (v->optimized_out || v->error) {
        r.optimized_out = v->optimized_out;     /* p.x of an optimized-out p */
        r.error = v->error;
        *v = r;
        return;
    }
    if (f->bit_size > 0) {
        /* Bitfields are read whole and become constants. */
        uint64_t word = 0;
        size_t span = (size_t)((f->bit_offset % 8) + f->bit_size + 7) / 8;
        if (span > 8)
            span = 8;
        unsigned char buf[8] = {0};
        struct rd_value whole = *v;
        char err[256];
        if (whole.loc == VAL_MEMORY && !whole.fetched) {
            whole.addr = v->addr + f->offset + (uint64_t)(f->bit_offset / 8);
            if (value_read_bytes(ps->s, &whole, buf, span, err, sizeof err) < 0 && !ps->noside) {
                perr(ps, "%s", err);
                return;
            }
        } else if (f->offset + (uint64_t)f->bit_offset / 8 + span <= sizeof v->bytes) {
            memcpy(buf, v->bytes + f->offset + f->bit_offset / 8, span);
        }
        memcpy(&word, buf, span);
        size_t first = (size_t)(f->offset + (uint64_t)f->bit_offset / 8);
        if (v->loc != VAL_MEMORY && first < 64 && (v->unavailable >> first) & ((1ULL << span) - 1)) {
            r.optimized_out = true;
            *v = r;
            return;
        }
        word >>= f->bit_offset % 8;
        uint64_t mask = f->bit_size >= 64 ? ~0ULL : (1ULL << f->bit_size) - 1;
        word &= mask;
        struct rd_type *ft = strip(f->type);
        if (ft && ft->is_signed && f->bit_size < 64 && (word >> (f->bit_size - 1)) & 1)
            word |= ~mask;
        value_from_int(&r, f->type, (int64_t)word);
        *v = r;
        return;
    }
    if (v->loc == VAL_MEMORY) {
        r.loc = VAL_MEMORY;
        r.addr = v->addr + f->offset;
        if (v->fetched && f->offset + (f->type ? strip(f->type)->size : 0) <= sizeof v->bytes) {
            memcpy(r.bytes, v->bytes + f->offset, sizeof r.bytes - f->offset);
            r.fetched = true;
        }
    } else {
        r.loc = VAL_CONST;
        r.fetched = true;
        if (f->offset < sizeof v->bytes) {
            memcpy(r.bytes, v->bytes + f->offset, sizeof r.bytes - f->offset);
            r.unavailable = v->unavailable >> f->offset;
        }
        /* Bytes past the parent's 64 are not there. */
        size_t kept = f->offset < 64 ? 64 - (size_t)f->offset : 0;
        if (kept < 64)
            r.unavailable |= ~0ULL << kept;
        struct rd_type *ft = strip(f->type);
        size_t fsize = ft ? (size_t)ft->size : 0;
        if (fsize && fsize <= 64 && (r.unavailable & (fsize >= 64 ? ~0ULL : (1ULL << fsize) - 1))
                                        == (fsize >= 64 ? ~0ULL : (1ULL << fsize) - 1))
            r.optimized_out = true;     /* nothing of it is there */
    }
    *v = r;
}

/* *v: the lvalue a pointer points at (arrays give their first element). */
static void deref(struct parser *ps, struct rd_value *v)
{
    struct rd_type *t = strip(v->type);
    if (!t) {
        perr(ps, "Attempt to take contents of a non-pointer value.");
        return;
    }
    if (t->kind == TY_ARRAY && v->loc == VAL_MEMORY) {
        struct rd_value r;
        memset(&r, 0, sizeof r);
        r.type = t->target;
        r.loc = VAL_MEMORY;
        r.addr = v->addr;
        *v = r;
        return;
    }
    if (t->kind == TY_FUNC) {
        return;     /* *func is func, as in C */
    }
    if (t->kind != TY_POINTER) {
        perr(ps, "Attempt to take contents of a non-pointer value.");
        return;
    }
    if (!fetch(ps, v))
        return;
    struct rd_type *target = t->target ? t->target : builtin("void");
    if (strip(target)->kind == TY_VOID) {
        perr(ps, "Attempt to take contents of a non-pointer value.");
        return;
    }
    addr_t a = (addr_t)value_as_int(v);
    memset(v, 0, sizeof *v);
    v->type = target;
    v->loc = VAL_MEMORY;
    v->addr = a;
}

/* a + n for a pointer a: scaled by the pointee size (void * steps by 1). */
static void pointer_add(struct parser *ps, struct rd_value *ptr, int64_t n)
{
    struct rd_type *t = strip(ptr->type);
    uint64_t size = 1;
    if (t->target) {
        struct rd_type *tt = strip(t->target);
        size = tt->kind == TY_VOID || tt->kind == TY_FUNC || tt->size == 0 ? 1 : tt->size;
    }
    /* unsigned arithmetic: addresses wrap like the target's (no signed overflow) */
    addr_t a = (addr_t)value_as_int(ptr) + (addr_t)n * size;
    value_from_int(ptr, ptr->type, (int64_t)a);
    (void)ps;
}

static void subscript(struct parser *ps, struct rd_value *v, struct rd_value *idx)
{
    if (!rvalue(ps, idx))
        return;
    if (!is_integral(idx->type)) {
        perr(ps, "Argument to arithmetic operation not a number or boolean.");
        return;
    }
    if (!rvalue(ps, v))
        return;
    if (!is_pointer(v->type)) {
        char tn[128];
        perr(ps, "cannot subscript something of type `%s'", type_name(v->type, tn, sizeof tn));
        return;
    }
    pointer_add(ps, v, value_as_int(idx));
    deref(ps, v);
}

static void parse_postfix(struct parser *ps, struct rd_value *v)
{
    parse_primary(ps, v);
    while (!ps->failed) {
        if (is_punct(ps, '[')) {
            next(ps);
            struct rd_value idx;
            parse_assign(ps, &idx);
            if (!expect_punct(ps, ']'))
                return;
            subscript(ps, v, &idx);
        } else if (is_punct(ps, '.') || ps->tok == T_ARROW) {
            bool arrow = ps->tok == T_ARROW;
            next(ps);
            if (ps->tok != T_IDENT) {
                perr(ps, "A syntax error in expression, near `%s'.", ps->tok_start);
                return;
            }
            char field[sizeof ps->ident];
            memcpy(field, ps->ident, sizeof field);
            next(ps);
            if (arrow) {
                struct rd_type *t = strip(v->type);
                if (!t || t->kind != TY_POINTER) {
                    char tn[128];
                    perr(ps, "The -> operator must be applied to a pointer, not `%s'.",
                         v->type ? type_name(v->type, tn, sizeof tn) : "?");
                    return;
                }
                deref(ps, v);
            } else if (is_pointer(v->type)) {
                deref(ps, v);     /* gdb accepts p.field for a pointer p */
            }
            if (!ps->failed)
                member(ps, v, field);
        } else if (ps->tok == T_INC || ps->tok == T_DEC) {
            perr(ps, "Increment and decrement operators are not supported.");
            return;
        } else {
            return;
        }
    }
}

/* Convert v to type t (a C cast between scalars; other casts reinterpret
 * an lvalue in memory, as gdb does for symbols without debug info). */
static void cast(struct parser *ps, struct rd_value *v, struct rd_type *t)
{
    struct rd_type *to = strip(t);
    if (ps->failed)
        return;
    if (v->type == &type_nodebug_data || v->type == &type_nodebug_text) {
        if (v->type == &type_nodebug_text && to->kind != TY_FUNC) {
            decay(ps, v);
        } else {
            v->type = t;        /* reinterpret the memory at the symbol */
            v->fetched = false;
            return;
        }
    }
    if (to->kind == TY_VOID) {
        memset(v, 0, sizeof *v);
        v->type = t;
        v->loc = VAL_CONST;
        v->fetched = true;
        return;
    }
    if (to->kind == TY_STRUCT || to->kind == TY_UNION || to->kind == TY_ARRAY || to->kind == TY_FUNC) {
        struct rd_type *from = strip(v->type);
        if (v->loc == VAL_MEMORY && from && from->size == to->size) {
            v->type = t;
            v->fetched = false;
            return;
        }
        perr(ps, "Invalid cast.");
        return;
    }
    if (!rvalue(ps, v))
        return;
    if (!is_scalar(v->type)) {
        perr(ps, "Invalid cast.");
        return;
    }
    if (to->kind == TY_FLOAT)
        value_from_double(v, t, value_as_double(v));
    else if (to->kind == TY_BOOL)
        value_from_int(v, t, is_float(v->type) ? value_as_double(v) != 0 : value_as_int(v) != 0);
    else
        value_from_int(v, t, is_float(v->type) ? (int64_t)value_as_double(v) : value_as_int(v));
}

/* sizeof (TYPE) or sizeof EXPR. */
static void parse_sizeof(struct parser *ps, struct rd_value *v)
{
    next(ps);
    struct rd_type *t = NULL;
    if (is_punct(ps, '(')) {
        const char *save_p = ps->p, *save_start = ps->tok_start;
        next(ps);
        t = parse_type(ps);
        if (t && is_punct(ps, ')')) {
            next(ps);
        } else {
            if (ps->failed)
                return;
            t = NULL;
            ps->p = save_p;
            ps->tok_start = save_start;
            ps->tok = T_PUNCT;
            ps->tok_char = '(';
        }
    }
    if (!t) {
        bool saved = ps->noside;
        ps->noside = true;
        struct rd_value operand;
        parse_unary(ps, &operand);
        ps->noside = saved;
        if (ps->failed)
            return;
        t = operand.type;
    }
    if (!t) {
        perr(ps, "Invalid sizeof.");
        return;
    }
    value_from_int(v, builtin("unsigned long"), (int64_t)strip(t)->size);
}

static void parse_unary(struct parser *ps, struct rd_value *v)
{
    if (ps->failed)
        return;
    if (ps->tok == T_IDENT && !strcmp(ps->ident, "sizeof")) {
        parse_sizeof(ps, v);
        return;
    }
    if (ps->tok == T_PUNCT) {
        char op = ps->tok_char;
        if (op == '(') {
            /* A cast, if a type follows. */
            const char *save_p = ps->p, *save_start = ps->tok_start;
            next(ps);
            struct rd_type *t = parse_type(ps);
            if (t && is_punct(ps, ')')) {
                next(ps);
                parse_unary(ps, v);
                cast(ps, v, t);
                return;
            }
            if (ps->failed)
                return;
            ps->p = save_p;
            ps->tok_start = save_start;
            ps->tok = T_PUNCT;
            ps->tok_char = '(';
            parse_postfix(ps, v);
            return;
        }
        if (op == '-' || op == '+' || op == '!' || op == '~' || op == '*' || op == '&') {
            next(ps);
            unsigned operand_tok = ps->ntok;
            parse_unary(ps, v);
            if (ps->failed)
                return;
            switch (op) {
            case '*':
                if (v->type == &type_nodebug_data) {
                    perr(ps, "Attempt to take contents of a non-pointer value.");
                    return;
                }
                deref(ps, v);
                return;
            case '&': {
                bool bare_ident = ps->ident_is_var && ps->ident_tok == operand_tok
                                  && ps->ntok == operand_tok + 1;
                if (v->loc == VAL_REGISTER && bare_ident && v->type) {
                    perr(ps, "Address requested for identifier \"%s\" which is in register $%s",
                         ps->ident_name, regno_name(v->regno) ? regno_name(v->regno) : "?");
                    return;
                }
                if (v->loc != VAL_MEMORY && bare_ident) {
                    perr(ps, "Can't take address of \"%s\" which isn't an lvalue.", ps->ident_name);
                    return;
                }
                if (v->loc != VAL_MEMORY) {
                    perr(ps, "Attempt to take address of value not located in memory.");
                    return;
                }
                addr_t a = v->addr;
                struct rd_type *pt = type_pointer_to(v->type);
                value_from_int(v, pt, (int64_t)a);
                return;
            }
            case '+':
            case '-':
                if (!rvalue(ps, v))
                    return;
                if (is_float(v->type)) {
                    if (op == '-')
                        value_from_double(v, v->type, -value_as_double(v));
                    return;
                }
                if (!is_integral(v->type)) {
                    perr(ps, "Argument to arithmetic operation not a number or boolean.");
                    return;
                }
                {
                    struct rd_type *t = strip(v->type);
                    struct rd_type *rt = t->size < 4 || t->kind != TY_INT ? builtin("int") : v->type;
                    int64_t x = value_as_int(v);
                    value_from_int(v, rt, op == '-' ? (int64_t)(0 - (uint64_t)x) : x);
                }
                return;
            case '!':
                if (!rvalue(ps, v))
                    return;
                value_from_int(v, builtin("int"),
                               is_float(v->type) ? value_as_double(v) == 0 : value_as_int(v) == 0);
                return;
            case '~':
                if (!rvalue(ps, v))
                    return;
                if (!is_integral(v->type)) {
                    perr(ps, "Argument to complement operation not an integer, boolean.");
                    return;
                }
                {
                    struct rd_type *t = strip(v->type);
                    struct rd_type *rt = t->size < 4 || t->kind != TY_INT ? builtin("int") : v->type;
                    value_from_int(v, rt, ~value_as_int(v));
                }
                return;
            }
        }
    }
    parse_postfix(ps, v);
}

/* gdb's artificial arrays: lvalue@count. */
static void parse_at(struct parser *ps, struct rd_value *v)
{
    parse_unary(ps, v);
    while (!ps->failed && is_punct(ps, '@')) {
        next(ps);
        struct rd_value n;
        parse_unary(ps, &n);
        if (!rvalue(ps, &n))
            return;
        int64_t count = value_as_int(&n);
        if (count <= 0) {
            perr(ps, "Only values in memory can be extended with '@'.");
            return;
        }
        if (v->loc != VAL_MEMORY) {
            perr(ps, "Only values in memory can be extended with '@'.");
            return;
        }
        v->type = type_array_of(v->type, (uint64_t)count);
        v->fetched = false;
    }
}

/* Usual arithmetic conversions: the common type of two integral operands. */
static struct rd_type *common_int_type(struct rd_type *a, struct rd_type *b)
{
    a = strip(a);
    b = strip(b);
    uint64_t sa = a->kind == TY_INT && a->size >= 4 ? a->size : 4;
    uint64_t sb = b->kind == TY_INT && b->size >= 4 ? b->size : 4;
    bool ua = a->kind == TY_INT && a->size >= 4 && !a->is_signed;
    bool ub = b->kind == TY_INT && b->size >= 4 && !b->is_signed;
    uint64_t size = sa > sb ? sa : sb;
    bool uns = (sa == size && ua) || (sb == size && ub);
    if (size >= 8)
        return builtin(uns ? "unsigned long" : "long");
    return builtin(uns ? "unsigned int" : "int");
}

/* One binary operator on two parsed operands. */
static void binop(struct parser *ps, int op, struct rd_value *l, struct rd_value *r)
{
    if (!rvalue(ps, l) || !rvalue(ps, r))
        return;
    bool lp = is_pointer(l->type), rp = is_pointer(r->type);
    /* pointer arithmetic */
    if ((op == '+' || op == '-') && lp && is_integral(r->type)) {
        int64_t n = value_as_int(r);
        pointer_add(ps, l, op == '-' ? (int64_t)(0 - (uint64_t)n) : n);
        return;
    }
    if (op == '+' && rp && is_integral(l->type)) {
        int64_t n = value_as_int(l);
        *l = *r;
        pointer_add(ps, l, n);
        return;
    }
    if (op == '-' && lp && rp) {
        struct rd_type *t = strip(strip(l->type)->target);
        int64_t size = t && t->size && t->kind != TY_VOID ? (int64_t)t->size : 1;
        value_from_int(l, builtin("long"),
                       (int64_t)((uint64_t)value_as_int(l) - (uint64_t)value_as_int(r)) / (int64_t)size);
        return;
    }
    bool is_cmp = op == '<' || op == '>' || op == T_LE || op == T_GE || op == T_EQ || op == T_NE;
    if ((lp || rp) && is_cmp) {
        uint64_t a = (uint64_t)value_as_int(l), b = (uint64_t)value_as_int(r);
        int res = op == '<' ? a < b : op == '>' ? a > b : op == T_LE ? a <= b :
                  op == T_GE ? a >= b : op == T_EQ ? a == b : a != b;
        value_from_int(l, builtin("int"), res);
        return;
    }
    if (!(is_integral(l->type) || is_float(l->type)) || !(is_integral(r->type) || is_float(r->type))) {
        perr(ps, "Argument to arithmetic operation not a number or boolean.");
        return;
    }
    if (is_float(l->type) || is_float(r->type)) {
        double a = value_as_double(l), b = value_as_double(r);
        if (is_cmp) {
            int res = op == '<' ? a < b : op == '>' ? a > b : op == T_LE ? a <= b :
                      op == T_GE ? a >= b : op == T_EQ ? a == b : a != b;
            value_from_int(l, builtin("int"), res);
            return;
        }
        double res;
        switch (op) {
        case '+': res = a + b; break;
        case '-': res = a - b; break;
        case '*': res = a * b; break;
        case '/': res = a / b; break;
        default:
            perr(ps, "Integer only operation.");
            return;
        }
        value_from_double(l, builtin("double"), res);
        return;
    }
    struct rd_type *t = common_int_type(l->type, r->type);
    bool uns = !strip(t)->is_signed;
    int64_t a = value_as_int(l), b = value_as_int(r);
    if (strip(t)->size == 4) {
        a = uns ? (int64_t)(uint32_t)a : (int64_t)(int32_t)a;
        b = uns ? (int64_t)(uint32_t)b : (int64_t)(int32_t)b;
    }
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    int64_t res = 0;
    if (is_cmp) {
        int c = uns ? (op == '<' ? ua < ub : op == '>' ? ua > ub : op == T_LE ? ua <= ub :
                       op == T_GE ? ua >= ub : op == T_EQ ? ua == ub : ua != ub)
                    : (op == '<' ? a < b : op == '>' ? a > b : op == T_LE ? a <= b :
                       op == T_GE ? a >= b : op == T_EQ ? a == b : a != b);
        value_from_int(l, builtin("int"), c);
        return;
    }
    switch (op) {
    case '+': res = (int64_t)(ua + ub); break;
    case '-': res = (int64_t)(ua - ub); break;
    case '*': res = (int64_t)(ua * ub); break;
    case '/':
    case '%':
        if (b == 0) {
            if (ps->noside) {           /* not evaluated: 0 && 1 / 0 */
                res = 0;
                break;
            }
            perr(ps, "Division by zero");
            return;
        }
        if (uns)
            res = (int64_t)(op == '/' ? ua / ub : ua % ub);
        else if (a == INT64_MIN && b == -1)
            res = op == '/' ? a : 0;
        else
            res = op == '/' ? a / b : a % b;
        break;
    case '&': res = a & b; break;
    case '|': res = a | b; break;
    case '^': res = a ^ b; break;
    case T_SHL:
    case T_SHR: {
        /* The result has the (promoted) left operand's type. */
        struct rd_type *lt = common_int_type(l->type, l->type);
        unsigned bits = (unsigned)strip(lt)->size * 8;
        if (b < 0 || (uint64_t)b >= bits) {
            res = 0;
        } else if (op == T_SHL) {
            res = (int64_t)(ua << b);
        } else {
            res = strip(lt)->is_signed ? a >> b : (int64_t)(ua >> b);
        }
        value_from_int(l, lt, res);
        return;
    }
    }
    value_from_int(l, t, res);
}

/* Precedence climbing over the binary operators (C's levels). */
static int binop_prec(struct parser *ps, int *op)
{
    switch (ps->tok) {
    case T_OROR: *op = T_OROR; return 1;
    case T_ANDAND: *op = T_ANDAND; return 2;
    case T_EQ: *op = T_EQ; return 6;
    case T_NE: *op = T_NE; return 6;
    case T_LE: *op = T_LE; return 7;
    case T_GE: *op = T_GE; return 7;
    case T_SHL: *op = T_SHL; return 8;
    case T_SHR: *op = T_SHR; return 8;
    case T_PUNCT:
        *op = ps->tok_char;
        switch (ps->tok_char) {
        case '|': return 3;
        case '^': return 4;
        case '&': return 5;
        case '<': case '>': return 7;
        case '+': case '-': return 9;
        case '*': case '/': case '%': return 10;
        }
        return 0;
    default:
        return 0;
    }
}

static bool truth(struct parser *ps, struct rd_value *v)
{
    if (!rvalue(ps, v))
        return false;
    return is_float(v->type) ? value_as_double(v) != 0 : value_as_int(v) != 0;
}

static void parse_binary(struct parser *ps, struct rd_value *v, int min_prec)
{
    parse_at(ps, v);
    int op, prec;
    while (!ps->failed && (prec = binop_prec(ps, &op)) >= min_prec && prec > 0) {
        next(ps);
        if (op == T_ANDAND || op == T_OROR) {
            bool l = truth(ps, v);
            bool saved = ps->noside;
            /* The right side is parsed but not evaluated when short-circuited. */
            if ((op == T_ANDAND && !l) || (op == T_OROR && l))
                ps->noside = true;
            struct rd_value r;
            parse_binary(ps, &r, prec + 1);
            bool rv = ps->noside ? false : truth(ps, &r);
            ps->noside = saved;
            value_from_int(v, builtin("int"), op == T_ANDAND ? (l && rv) : (l || rv));
            continue;
        }
        struct rd_value r;
        parse_binary(ps, &r, prec + 1);
        if (ps->failed)
            return;
        binop(ps, op, v, &r);
    }
}

static void parse_cond(struct parser *ps, struct rd_value *v)
{
    parse_binary(ps, v, 1);
    if (ps->failed || !is_punct(ps, '?'))
        return;
    next(ps);
    bool c = truth(ps, v);
    bool saved = ps->noside;
    struct rd_value a, b;
    ps->noside = saved || !c;
    parse_assign(ps, &a);
    ps->noside = saved;
    if (!expect_punct(ps, ':'))
        return;
    ps->noside = saved || c;
    parse_cond(ps, &b);
    ps->noside = saved;
    *v = c ? a : b;
}

/* Store r into lvalue l (converted to l's type); l becomes the new value. */
static void assign(struct parser *ps, struct rd_value *l, const char *conv_name, struct rd_value *r)
{
    struct session *s = ps->s;
    if (conv_name) {
        decay(ps, r);
        if (!fetch(ps, r))
            return;
        if (!ps->noside)
            conv_set(s, conv_name, r);
        *l = *r;
        return;
    }
    if (l->loc != VAL_MEMORY && l->loc != VAL_REGISTER) {
        perr(ps, "Left operand of assignment is not an lvalue.");
        return;
    }
    struct rd_type *lt = strip(l->type);
    struct rd_value conv;
    if (lt->kind == TY_STRUCT || lt->kind == TY_UNION) {
        struct rd_type *rt = strip(r->type);
        if (rt != lt) {
            perr(ps, "Invalid cast.");
            return;
        }
        conv = *r;
    } else if (lt->kind == TY_ARRAY || lt->kind == TY_FUNC) {
        perr(ps, "Invalid cast.");
        return;
    } else {
        conv = *r;
        cast(ps, &conv, l->type);
    }
    if (ps->failed || ps->noside)
        return;
    size_t size = lt->size;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf)
        abort();
    char err[256];
    if (value_read_bytes(s, &conv, buf, size, err, sizeof err) < 0) {
        free(buf);
        perr(ps, "%s", err);
        return;
    }
    if (l->loc == VAL_REGISTER) {
        if (!s->target || !s->target->ops->set_regs) {
            free(buf);
            perr(ps, "Cannot write registers of this target.");
            return;
        }
        if (s->cur_frame != 0) {
            free(buf);
            perr(ps, "Registers can only be written in the innermost frame (frame 0).");
            return;
        }
        pid_t tid = session_current_tid(s);
        struct user_regs_struct regs;
        if (s->target->ops->get_regs(s->target, tid, &regs) < 0) {
            free(buf);
            perr(ps, "Cannot read registers.");
            return;
        }
        uint64_t val = 0;
        memcpy(&val, buf, size < 8 ? size : 8);
        if (size < 8)   /* the $eXX halves: writing them zero-extends, as on x86-64 */
            val &= (1ULL << (size * 8)) - 1;
        if (l->regno < 0 || l->regno >= NUM_GDB_REGS) {
            free(buf);
            perr(ps, "Invalid register number %d.", l->regno);
            return;
        }
        memcpy((char *)&regs + gdb_regs[l->regno].off, &val, 8);
        if (s->target->ops->set_regs(s->target, tid, &regs) < 0) {
            free(buf);
            perr(ps, "Cannot write registers of thread %d.", s->cur_thread);
            return;
        }
        memcpy(l->bytes, &val, 8);
        ps->have_frame = false;
        free(buf);
        return;
    }
    if (!s->target) {
        free(buf);
        perr(ps, "Cannot access memory at address 0x%llx", (unsigned long long)l->addr);
        return;
    }
    int rc = target_write(s->target, l->addr, buf, size);
    if (rc < 0) {
        char m[128];
        perr(ps, "%s", target_errmsg(rc, l->addr, m, sizeof m));
        free(buf);
        return;
    }
    l->fetched = false;
    if (size <= sizeof l->bytes) {
        memcpy(l->bytes, buf, size);
        l->fetched = true;
    }
    free(buf);
}

static void parse_assign(struct parser *ps, struct rd_value *v)
{
    /* Remember a convenience-variable target before it is evaluated. */
    char conv_name[sizeof ps->ident] = "";
    if (ps->tok == T_DOLLAR) {
        const char *n = ps->ident + 1;
        int width;
        if (*n && *n != '$' && !isdigit((unsigned char)*n) && register_slot(n, &width) < 0)
            snprintf(conv_name, sizeof conv_name, "%s", n);
    }
    parse_cond(ps, v);
    if (ps->failed || !is_punct(ps, '='))
        return;
    next(ps);
    struct rd_value r;
    parse_assign(ps, &r);
    if (ps->failed)
        return;
    assign(ps, v, conv_name[0] ? conv_name : NULL, &r);
}

static int eval(struct session *s, const char *text, struct rd_value *out, char *errbuf,
                size_t errlen, bool noside)
{
    struct parser ps;
    memset(&ps, 0, sizeof ps);
    ps.s = s;
    ps.text = ps.p = text ? text : "";
    ps.err = errbuf;
    ps.errlen = errlen;
    ps.noside = noside;
    if (errlen)
        errbuf[0] = '\0';
    memset(out, 0, sizeof *out);
    next(&ps);
    if (ps.tok == T_END && !ps.failed) {
        snprintf(errbuf, errlen, "Argument required (expression to compute).");
        return -1;
    }
    parse_assign(&ps, out);
    if (!ps.failed && ps.tok != T_END)
        perr(&ps, "A syntax error in expression, near `%s'.", ps.tok_start);
    if (!ps.failed && !out->type)
        perr(&ps, "Invalid expression.");
    return ps.failed ? -1 : 0;
}

int expr_eval(struct session *s, const char *text, struct rd_value *out, char *errbuf, size_t errlen)
{
    return eval(s, text, out, errbuf, errlen, false);
}

int expr_eval_noside(struct session *s, const char *text, struct rd_value *out,
                     char *errbuf, size_t errlen)
{
    return eval(s, text, out, errbuf, errlen, true);
}

struct rd_type *expr_parse_type(struct session *s, const char *text)
{
    struct parser ps;
    char err[256];
    memset(&ps, 0, sizeof ps);
    ps.s = s;
    ps.text = ps.p = text;
    ps.err = err;
    ps.errlen = sizeof err;
    next(&ps);
    struct rd_type *t = parse_type(&ps);
    if (!t || ps.failed || ps.tok != T_END)
        return NULL;
    return t;
}

int value_as_address(struct session *s, struct rd_value *v, addr_t *out, char *errbuf, size_t errlen)
{
    struct rd_type *t = v->type ? strip(v->type) : NULL;
    if (!t) {
        snprintf(errbuf, errlen, "Invalid address expression.");
        return -1;
    }
    if (v->loc == VAL_MEMORY && (t->kind == TY_ARRAY || t->kind == TY_FUNC || t->kind == TY_STRUCT ||
                                 t->kind == TY_UNION || v->type == &type_nodebug_data)) {
        *out = v->addr;
        return 0;
    }
    if (value_fetch(s, v, errbuf, errlen) < 0)
        return -1;
    if (t->kind == TY_FLOAT || t->kind == TY_VOID) {
        snprintf(errbuf, errlen, "Invalid address expression.");
        return -1;
    }
    *out = (addr_t)value_as_int(v);
    return 0;
}
