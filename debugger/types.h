/* types.h — the debugger's model of C types and values.
 *
 * Types come from DWARF (symtab.c) or from plugins (the runtime's debug-info
 * ABI describes struct layouts without DWARF).  Values are what expressions
 * evaluate to and what print/x format.
 *
 * Depends on: target.h.
 */
#ifndef RTSDB_TYPES_H
#define RTSDB_TYPES_H

#include "target.h"

enum rd_type_kind {
    TY_VOID, TY_INT, TY_BOOL, TY_CHAR, TY_FLOAT, TY_POINTER, TY_STRUCT, TY_UNION,
    TY_ARRAY, TY_ENUM, TY_FUNC, TY_TYPEDEF,
};

struct rd_field {
    const char *name;
    uint64_t offset;        /* bytes */
    int bit_offset, bit_size;   /* bit_size 0 = not a bitfield */
    struct rd_type *type;
};

struct rd_enumerator { const char *name; int64_t value; };

struct rd_type {
    enum rd_type_kind kind;
    const char *name;       /* "int", "StgTSO", "struct foo"; NULL if anonymous */
    uint64_t size;          /* bytes */
    bool is_signed;         /* TY_INT / TY_CHAR / TY_ENUM */
    struct rd_type *target; /* pointee, element, typedef target, return type */
    uint64_t count;         /* array element count (0 = unknown) */
    struct rd_field *fields;    /* struct/union members */
    size_t nfields;
    struct rd_enumerator *enumerators;
    size_t nenumerators;
};

/* Built-in scalar types (always available, even without DWARF). */
struct rd_type *type_builtin(const char *name);     /* "int", "long", "char", "unsigned long", "double", "void", ... */
struct rd_type *type_pointer_to(struct rd_type *t); /* interned */
struct rd_type *type_array_of(struct rd_type *t, uint64_t count);
struct rd_type *type_strip_typedefs(struct rd_type *t);
/* "StgTSO *", "int [4]", "struct foo" — written into buf. */
const char *type_name(const struct rd_type *t, char *buf, size_t len);
const struct rd_field *type_find_field(struct rd_type *t, const char *name);

/* Plugins and DWARF register named types here; lookups try this registry
 * after DWARF.  Takes ownership of nothing: t must live for the session. */
void type_register(struct rd_type *t);
struct rd_type *type_lookup_registered(const char *name);

enum rd_value_loc { VAL_NONE, VAL_MEMORY, VAL_REGISTER, VAL_CONST };

struct rd_value {
    struct rd_type *type;
    enum rd_value_loc loc;
    addr_t addr;            /* VAL_MEMORY: where it lives (an lvalue) */
    int regno;              /* VAL_REGISTER: index into user_regs_struct as gdb names it */
    unsigned char bytes[64];/* VAL_CONST/VAL_REGISTER, or a fetched copy of small memory values */
    bool fetched;           /* bytes hold the value */
    /* Optimised code (Note [Optimized out] in dwarf_loc.c): the whole value
     * has no location here (loc is then VAL_NONE), or, for a value
     * assembled from pieces, bit i of `unavailable` says bytes[i] has none.
     * Either prints as "<optimized out>"; using it as a number is an error. */
    bool optimized_out;
    uint64_t unavailable;
    const char *error;      /* a location we could not evaluate: why (static) */
};

#endif
