/* types.c — the debugger's C type model: builtins, derived types, names.
 *
 * Offers the scalar types every expression needs even without DWARF
 * (type_builtin), interned pointer and array types, C-style type names
 * ("StgTSO *", "int [4]", "void (*)(void)"), field lookup that sees through
 * anonymous struct/union members, and the registry plugins use to add named
 * types.  Types live for the whole session: nothing here is ever freed.
 *
 * Depends on: types.h only (no DWARF: dwarf_types.c builds on top of this).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "types.h"

/* Allocate or die: the type model is small and a failed allocation here
 * cannot be reported more usefully than by stopping. */
static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "rtsdb: out of memory\n");
        abort();
    }
    return p;
}

/* ---- builtins ---- */

struct builtin {
    const char *names;      /* '|'-separated spellings of one type */
    enum rd_type_kind kind;
    uint64_t size;
    bool is_signed;
    struct rd_type *type;   /* built on first use */
};

static struct builtin builtins[] = {
    { "void", TY_VOID, 1, false, NULL },
    { "char", TY_CHAR, 1, true, NULL },
    { "signed char", TY_CHAR, 1, true, NULL },
    { "unsigned char", TY_CHAR, 1, false, NULL },
    { "short|short int|signed short|int16_t", TY_INT, 2, true, NULL },
    { "unsigned short|unsigned short int|short unsigned int|uint16_t", TY_INT, 2, false, NULL },
    { "int|signed|signed int|int32_t", TY_INT, 4, true, NULL },
    { "unsigned int|unsigned|uint32_t", TY_INT, 4, false, NULL },
    { "long|long int|signed long|ssize_t|int64_t|intptr_t|ptrdiff_t", TY_INT, 8, true, NULL },
    { "unsigned long|long unsigned int|unsigned long int|size_t|uint64_t|uintptr_t", TY_INT, 8, false, NULL },
    { "long long|long long int", TY_INT, 8, true, NULL },
    { "unsigned long long|long long unsigned int", TY_INT, 8, false, NULL },
    { "int8_t", TY_INT, 1, true, NULL },
    { "uint8_t", TY_INT, 1, false, NULL },
    { "_Bool|bool", TY_BOOL, 1, false, NULL },
    { "float", TY_FLOAT, 4, true, NULL },
    { "double", TY_FLOAT, 8, true, NULL },
    { "long double", TY_FLOAT, 16, true, NULL },
};

/* Does `name` equal one of the '|'-separated spellings? */
static bool spelling_matches(const char *names, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = names; *p; ) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

/* The builtin named `name` (any usual spelling), or NULL. */
struct rd_type *type_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        struct builtin *b = &builtins[i];
        if (!spelling_matches(b->names, name))
            continue;
        if (!b->type) {
            struct rd_type *t = xcalloc(1, sizeof *t);
            const char *bar = strchr(b->names, '|');
            t->kind = b->kind;
            t->name = bar ? strndup(b->names, (size_t)(bar - b->names)) : b->names;
            t->size = b->size;
            t->is_signed = b->is_signed;
            b->type = t;
        }
        return b->type;
    }
    return NULL;
}

/* ---- derived types, interned so equal types are pointer-equal ---- */

struct derived {
    struct derived *next;
    enum rd_type_kind kind;
    struct rd_type *target;
    uint64_t count;
    struct rd_type *type;
};

#define DERIVED_BUCKETS 1024
static struct derived *derived_table[DERIVED_BUCKETS];

static struct rd_type *derived_type(enum rd_type_kind kind, struct rd_type *target, uint64_t count)
{
    size_t h = (((uintptr_t)target >> 4) ^ (size_t)count * 31u ^ (size_t)kind) % DERIVED_BUCKETS;
    for (struct derived *d = derived_table[h]; d; d = d->next)
        if (d->kind == kind && d->target == target && d->count == count)
            return d->type;
    struct rd_type *t = xcalloc(1, sizeof *t);
    t->kind = kind;
    t->target = target;
    t->count = count;
    if (kind == TY_POINTER)
        t->size = 8;
    else
        t->size = target ? target->size * count : 0;
    struct derived *d = xcalloc(1, sizeof *d);
    *d = (struct derived){ derived_table[h], kind, target, count, t };
    derived_table[h] = d;
    return t;
}

struct rd_type *type_pointer_to(struct rd_type *t)
{
    return derived_type(TY_POINTER, t, 0);
}

struct rd_type *type_array_of(struct rd_type *t, uint64_t count)
{
    return derived_type(TY_ARRAY, t, count);
}

/* Follow typedefs to the underlying type (bounded, in case of a cycle in
 * corrupt or hostile debug info). */
struct rd_type *type_strip_typedefs(struct rd_type *t)
{
    for (int i = 0; t && t->kind == TY_TYPEDEF && i < 64; i++)
        t = t->target;
    return t;
}

/* ---- names ---- */

/* Append to a fixed buffer, truncating safely. */
static void append(char *buf, size_t len, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    if (*pos + 1 >= len)
        return;
    if (n > len - 1 - *pos)
        n = len - 1 - *pos;
    memcpy(buf + *pos, s, n);
    *pos += n;
    buf[*pos] = '\0';
}

/* Write the C declaration of `t` around the declarator text `decl`
 * (e.g. "*", "[4]", "(*)(int)"), following C's inside-out rules. */
static void name_with_declarator(const struct rd_type *t, const char *decl, char *buf, size_t len,
                                 int depth)
{
    char inner[256];
    if (!t) {
        snprintf(buf, len, "void%s%s", *decl ? " " : "", decl);
        return;
    }
    if (depth > 16) {
        snprintf(buf, len, "...");
        return;
    }
    switch (t->kind) {
    case TY_POINTER: {
        const struct rd_type *to = t->target;
        bool needs_parens = to && (to->kind == TY_ARRAY || to->kind == TY_FUNC);
        snprintf(inner, sizeof inner, needs_parens ? "(*%s)" : "*%s", decl);
        name_with_declarator(to, inner, buf, len, depth + 1);
        return;
    }
    case TY_ARRAY:
        if (t->count)
            snprintf(inner, sizeof inner, "%s[%llu]", decl, (unsigned long long)t->count);
        else
            snprintf(inner, sizeof inner, "%s[]", decl);
        name_with_declarator(t->target, inner, buf, len, depth + 1);
        return;
    case TY_FUNC:
        snprintf(inner, sizeof inner, "%s(void)", decl);
        name_with_declarator(t->target, inner, buf, len, depth + 1);
        return;
    default: {
        const char *base = t->name;
        char anon[32];
        if (!base) {
            snprintf(anon, sizeof anon, "%s {...}",
                     t->kind == TY_STRUCT ? "struct" : t->kind == TY_UNION ? "union"
                     : t->kind == TY_ENUM ? "enum" : "<unnamed>");
            base = anon;
        }
        size_t pos = 0;
        buf[0] = '\0';
        append(buf, len, &pos, base);
        if (*decl) {
            /* gdb writes "int *", "int [4]", "void (*)(void)". */
            append(buf, len, &pos, " ");
            append(buf, len, &pos, decl);
        }
        return;
    }
    }
}

/* "StgTSO *", "int [4]", "struct foo" — written into buf. */
const char *type_name(const struct rd_type *t, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    name_with_declarator(t, "", buf, len, 0);
    return buf;
}

/* ---- fields ---- */

/* A member found inside an anonymous struct/union member, with its offset
 * made relative to the outer type.  Interned per (outer type, name). */
struct nested_field {
    struct nested_field *next;
    const struct rd_type *outer;
    struct rd_field field;
};
static struct nested_field *nested_fields;

static const struct rd_field *find_field(struct rd_type *t, const char *name, uint64_t *extra,
                                         int depth)
{
    t = type_strip_typedefs(t);
    if (!t || (t->kind != TY_STRUCT && t->kind != TY_UNION) || depth > 8)
        return NULL;
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].name && strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    for (size_t i = 0; i < t->nfields; i++) {
        if (t->fields[i].name)
            continue;
        uint64_t inner_extra = 0;
        const struct rd_field *f = find_field(t->fields[i].type, name, &inner_extra, depth + 1);
        if (f) {
            *extra += t->fields[i].offset + inner_extra;
            return f;
        }
    }
    return NULL;
}

/* The member `name` of a struct/union (through typedefs and anonymous
 * members); its offset is always relative to `t`. */
const struct rd_field *type_find_field(struct rd_type *t, const char *name)
{
    uint64_t extra = 0;
    const struct rd_field *f = find_field(t, name, &extra, 0);
    if (!f || extra == 0)
        return f;
    for (struct nested_field *n = nested_fields; n; n = n->next)
        if (n->outer == t && strcmp(n->field.name, name) == 0)
            return &n->field;
    struct nested_field *n = xcalloc(1, sizeof *n);
    n->outer = t;
    n->field = *f;
    n->field.offset += extra;
    n->next = nested_fields;
    nested_fields = n;
    return &n->field;
}

/* ---- registry of named types (plugins, DWARF) ---- */

static struct rd_type **registered;
static size_t nregistered, registered_cap;

void type_register(struct rd_type *t)
{
    if (!t || !t->name)
        return;
    if (nregistered == registered_cap) {
        size_t cap = registered_cap ? registered_cap * 2 : 64;
        struct rd_type **r = realloc(registered, cap * sizeof *r);
        if (!r)
            return;
        registered = r;
        registered_cap = cap;
    }
    registered[nregistered++] = t;
}

/* The most recently registered type called `name` (so a plugin can
 * override an earlier definition). */
struct rd_type *type_lookup_registered(const char *name)
{
    for (size_t i = nregistered; i-- > 0; )
        if (strcmp(registered[i]->name, name) == 0)
            return registered[i];
    return NULL;
}
