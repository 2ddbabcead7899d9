/* dwarf_types.c — DWARF types and variables for expressions.
 *
 * Offers dwarf_lookup_type ("struct foo", "StgTSO", "int"), and
 * dwarf_lookup_variable (locals and parameters of a frame, function-scope
 * statics, then globals), building struct rd_type (types.h) from DWARF DIEs:
 * base, pointer, struct, union, array, enum, typedef, function; const,
 * volatile and restrict are stripped.  Every DIE is converted once and
 * cached; names are indexed per module on first use, the executable first,
 * so a lookup in a program never pays for libc's debug info unless the name
 * is not in the program.
 *
 * Depends on: symtab_priv.h, types.h, libdw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "symtab_priv.h"

/* ---- caches ---- */

struct die_entry {          /* DIE -> converted type */
    struct die_entry *next;
    Dwarf *dbg;
    Dwarf_Off off;
    struct rd_type *type;
};

struct name_entry {         /* a named type or global variable of one module */
    struct name_entry *next;
    char *name;             /* "struct foo", "foo_t", "int", or a variable name */
    bool is_variable;
    bool is_declaration;    /* DW_AT_declaration: prefer a definition */
    Dwarf *dbg;
    Dwarf_Off off;
    Dwarf_Addr bias;
};

#define DIE_BUCKETS 4096
#define NAME_BUCKETS 8192

struct dwarf_cache {
    struct die_entry *dies[DIE_BUCKETS];
    struct name_entry *names[NAME_BUCKETS];
    bool *indexed;          /* per module (st->mods order) */
    size_t nindexed;
};

static unsigned long hash_string(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static struct dwarf_cache *cache_of(struct symtab *st)
{
    if (!st->dc) {
        st->dc = calloc(1, sizeof *st->dc);
        if (st->dc) {
            st->dc->indexed = calloc(st->nmods ? st->nmods : 1, sizeof(bool));
            st->dc->nindexed = st->nmods;
            if (!st->dc->indexed) {
                free(st->dc);
                st->dc = NULL;
            }
        }
    }
    return st->dc;
}

/* Types built from DWARF are never freed (rd_type has no owner and
 * values handed out keep pointing at them); only the indexes go. */
void dwarf_cache_free(struct symtab *st)
{
    struct dwarf_cache *dc = st->dc;
    if (!dc)
        return;
    for (size_t i = 0; i < DIE_BUCKETS; i++)
        for (struct die_entry *e = dc->dies[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    for (size_t i = 0; i < NAME_BUCKETS; i++)
        for (struct name_entry *e = dc->names[i], *next; e; e = next) {
            next = e->next;
            free(e->name);
            free(e);
        }
    free(dc->indexed);
    free(dc);
    st->dc = NULL;
}

static struct die_entry **die_slot(struct dwarf_cache *dc, Dwarf *dbg, Dwarf_Off off)
{
    size_t h = (((uintptr_t)dbg >> 4) ^ off) % DIE_BUCKETS;
    return &dc->dies[h];
}

static struct rd_type *cached_type(struct dwarf_cache *dc, Dwarf *dbg, Dwarf_Off off)
{
    for (struct die_entry *e = *die_slot(dc, dbg, off); e; e = e->next)
        if (e->dbg == dbg && e->off == off)
            return e->type;
    return NULL;
}

static void cache_type(struct dwarf_cache *dc, Dwarf *dbg, Dwarf_Off off, struct rd_type *t)
{
    struct die_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    struct die_entry **slot = die_slot(dc, dbg, off);
    *e = (struct die_entry){ *slot, dbg, off, t };
    *slot = e;
}

/* ---- DIE -> rd_type ---- */

static Dwarf_Word attr_udata(Dwarf_Die *die, int name, Dwarf_Word dflt)
{
    Dwarf_Attribute a;
    Dwarf_Word w;
    if (dwarf_attr_integrate(die, name, &a) && dwarf_formudata(&a, &w) == 0)
        return w;
    return dflt;
}

static bool attr_flag(Dwarf_Die *die, int name)
{
    Dwarf_Attribute a;
    bool flag = false;
    /* Not integrated: a definition's DW_AT_specification is a declaration. */
    return dwarf_attr(die, name, &a) && dwarf_formflag(&a, &flag) == 0 && flag;
}

/* The DIE that attribute DW_AT_type of die refers to; false for void. */
static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
    Dwarf_Attribute a;
    return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out) != NULL;
}

static char *prefixed_name(const char *prefix, const char *name)
{
    if (!name)
        return NULL;
    size_t n = strlen(prefix) + strlen(name) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", prefix, name);
    return s;
}

static struct rd_type *find_definition(struct symtab *st, const char *name, Dwarf_Off skip);

/* Byte offset of a member (DW_AT_data_member_location: a constant, or the
 * DWARF 2 form DW_OP_plus_uconst N). */
static uint64_t member_offset(Dwarf_Die *m)
{
    Dwarf_Attribute a;
    Dwarf_Word w;
    if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a))
        return 0;
    if (dwarf_formudata(&a, &w) == 0)
        return w;
    Dwarf_Op *ops;
    size_t n;
    if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_plus_uconst)
        return ops[0].number;
    return 0;
}

static void convert_members(struct symtab *st, Dwarf_Die *die, struct rd_type *t)
{
    Dwarf_Die child;
    size_t n = 0, cap = 0;
    struct rd_field *fields = NULL;
    if (dwarf_child(die, &child) != 0)
        return;
    do {
        if (dwarf_tag(&child) != DW_TAG_member)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            struct rd_field *nf = realloc(fields, cap * sizeof *nf);
            if (!nf)
                break;
            fields = nf;
        }
        struct rd_field *f = &fields[n++];
        memset(f, 0, sizeof *f);
        const char *name = dwarf_diename(&child);
        f->name = name ? strdup(name) : NULL;
        f->offset = member_offset(&child);
        Dwarf_Die td;
        f->type = type_of(&child, &td) ? dwarf_die_type(st, &td) : type_builtin("int");
        f->bit_size = (int)attr_udata(&child, DW_AT_bit_size, 0);
        if (f->bit_size) {
            Dwarf_Attribute a;
            if (dwarf_attr_integrate(&child, DW_AT_data_bit_offset, &a)) {
                uint64_t bits = attr_udata(&child, DW_AT_data_bit_offset, 0);
                f->offset = bits / 8;
                f->bit_offset = (int)(bits % 8);
            } else {
                /* DWARF 2/3: bit offset from the most significant bit of a
                 * storage unit of DW_AT_byte_size bytes (little-endian x86). */
                uint64_t unit = attr_udata(&child, DW_AT_byte_size, f->type ? f->type->size : 4);
                uint64_t msb = attr_udata(&child, DW_AT_bit_offset, 0);
                uint64_t lsb = unit * 8 - msb - (uint64_t)f->bit_size;
                f->offset += lsb / 8;
                f->bit_offset = (int)(lsb % 8);
            }
        }
    } while (dwarf_siblingof(&child, &child) == 0);
    t->fields = fields;
    t->nfields = n;
}

static void convert_enumerators(Dwarf_Die *die, struct rd_type *t)
{
    Dwarf_Die child;
    size_t n = 0, cap = 0;
    struct rd_enumerator *v = NULL;
    if (dwarf_child(die, &child) != 0)
        return;
    do {
        if (dwarf_tag(&child) != DW_TAG_enumerator)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            struct rd_enumerator *nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        Dwarf_Attribute a;
        Dwarf_Sword s = 0;
        Dwarf_Word u = 0;
        if (dwarf_attr(&child, DW_AT_const_value, &a)) {
            if (dwarf_formsdata(&a, &s) != 0 && dwarf_formudata(&a, &u) == 0)
                s = (Dwarf_Sword)u;
        }
        const char *name = dwarf_diename(&child);
        v[n].name = strdup(name ? name : "?");
        v[n].value = s;
        n++;
    } while (dwarf_siblingof(&child, &child) == 0);
    t->enumerators = v;
    t->nenumerators = n;
}

/* Array dimensions: int a[2][3] is an array of 2 arrays of 3 ints. */
static struct rd_type *convert_array(struct symtab *st, Dwarf_Die *die)
{
    Dwarf_Die td, child;
    struct rd_type *elem = type_of(die, &td) ? dwarf_die_type(st, &td) : type_builtin("int");
    uint64_t counts[8];
    int ndims = 0;
    if (dwarf_child(die, &child) == 0) {
        do {
            if (dwarf_tag(&child) != DW_TAG_subrange_type || ndims == 8)
                continue;
            Dwarf_Attribute a;
            uint64_t count = 0;
            if (dwarf_attr_integrate(&child, DW_AT_count, &a))
                count = attr_udata(&child, DW_AT_count, 0);
            else if (dwarf_attr_integrate(&child, DW_AT_upper_bound, &a)) {
                Dwarf_Word ub;
                if (dwarf_formudata(&a, &ub) == 0)
                    count = ub + 1 - attr_udata(&child, DW_AT_lower_bound, 0);
            }
            counts[ndims++] = count;
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    if (ndims == 0)
        counts[ndims++] = 0;
    struct rd_type *t = elem;
    for (int i = ndims; i-- > 0; )
        t = type_array_of(t, counts[i]);
    return t;
}

static struct rd_type *convert_die(struct symtab *st, Dwarf_Die *die, Dwarf *dbg, Dwarf_Off off)
{
    struct dwarf_cache *dc = st->dc;
    Dwarf_Die td;
    const char *name = dwarf_diename(die);
    struct rd_type *t;
    int tag = dwarf_tag(die);
    switch (tag) {
    case DW_TAG_base_type: {
        t = calloc(1, sizeof *t);
        if (!t)
            return NULL;
        Dwarf_Word enc = attr_udata(die, DW_AT_encoding, DW_ATE_signed);
        t->name = strdup(name ? name : "?");
        t->size = attr_udata(die, DW_AT_byte_size, 0);
        switch (enc) {
        case DW_ATE_boolean: t->kind = TY_BOOL; break;
        case DW_ATE_float: t->kind = TY_FLOAT; t->is_signed = true; break;
        case DW_ATE_signed_char: t->kind = TY_CHAR; t->is_signed = true; break;
        case DW_ATE_unsigned_char: t->kind = TY_CHAR; break;
        case DW_ATE_signed: t->kind = TY_INT; t->is_signed = true; break;
        default: t->kind = TY_INT; break;
        }
        break;
    }
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
        t = type_pointer_to(type_of(die, &td) ? dwarf_die_type(st, &td) : type_builtin("void"));
        break;
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
        t = type_of(die, &td) ? dwarf_die_type(st, &td) : type_builtin("void");
        break;
    case DW_TAG_typedef:
        t = calloc(1, sizeof *t);
        if (!t)
            return NULL;
        t->kind = TY_TYPEDEF;
        t->name = strdup(name ? name : "?");
        cache_type(dc, dbg, off, t);    /* before the target: it may refer back */
        t->target = type_of(die, &td) ? dwarf_die_type(st, &td) : type_builtin("void");
        t->size = t->target ? t->target->size : 0;
        return t;
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type: {
        const char *prefix = tag == DW_TAG_union_type ? "union " : "struct ";
        if (attr_flag(die, DW_AT_declaration) && name) {
            char *full = prefixed_name(prefix, name);
            struct rd_type *def = full ? find_definition(st, full, off) : NULL;
            free(full);
            if (def) {
                cache_type(dc, dbg, off, def);
                return def;
            }
        }
        t = calloc(1, sizeof *t);
        if (!t)
            return NULL;
        t->kind = tag == DW_TAG_union_type ? TY_UNION : TY_STRUCT;
        t->name = prefixed_name(prefix, name);
        t->size = attr_udata(die, DW_AT_byte_size, 0);
        cache_type(dc, dbg, off, t);    /* members may point back at it */
        convert_members(st, die, t);
        return t;
    }
    case DW_TAG_enumeration_type:
        t = calloc(1, sizeof *t);
        if (!t)
            return NULL;
        t->kind = TY_ENUM;
        t->name = prefixed_name("enum ", name);
        t->size = attr_udata(die, DW_AT_byte_size, 4);
        if (type_of(die, &td)) {
            struct rd_type *under = type_strip_typedefs(dwarf_die_type(st, &td));
            t->is_signed = under && under->is_signed;
        }
        convert_enumerators(die, t);
        if (!type_of(die, &td)) {
            for (size_t i = 0; i < t->nenumerators; i++)
                t->is_signed |= t->enumerators[i].value < 0;
        }
        break;
    case DW_TAG_array_type:
        t = convert_array(st, die);
        break;
    case DW_TAG_subroutine_type:
    case DW_TAG_subprogram:
        t = calloc(1, sizeof *t);
        if (!t)
            return NULL;
        t->kind = TY_FUNC;
        t->size = 1;
        cache_type(dc, dbg, off, t);
        t->target = type_of(die, &td) ? dwarf_die_type(st, &td) : type_builtin("void");
        return t;
    default:    /* DW_TAG_unspecified_type and anything exotic */
        t = type_builtin("void");
        break;
    }
    if (t)
        cache_type(dc, dbg, off, t);
    return t;
}

struct rd_type *dwarf_die_type(struct symtab *st, Dwarf_Die *die)
{
    if (!die)
        return type_builtin("void");
    struct dwarf_cache *dc = cache_of(st);
    Dwarf *dbg = dwarf_cu_getdwarf(die->cu);
    Dwarf_Off off = dwarf_dieoffset(die);
    if (!dc)
        return NULL;
    struct rd_type *t = cached_type(dc, dbg, off);
    return t ? t : convert_die(st, die, dbg, off);
}

struct rd_type *dwarf_var_type(struct symtab *st, Dwarf_Die *var)
{
    Dwarf_Die td;
    if (!type_of(var, &td))
        return type_builtin("int");
    return dwarf_die_type(st, &td);
}

struct rd_type *dwarf_function_return_type(struct symtab *st, addr_t pc)
{
    Dwarf_Die fn, td;
    if (!symtab_function_die(st, pc, &fn, NULL))
        return NULL;
    return type_of(&fn, &td) ? dwarf_die_type(st, &td) : type_builtin("void");
}

/* ---- name index ---- */

static void add_name(struct dwarf_cache *dc, const char *name, bool is_variable,
                     bool is_declaration, Dwarf *dbg, Dwarf_Off off, Dwarf_Addr bias)
{
    struct name_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    e->name = strdup(name);
    if (!e->name) {
        free(e);
        return;
    }
    size_t h = hash_string(name) % NAME_BUCKETS;
    e->is_variable = is_variable;
    e->is_declaration = is_declaration;
    e->dbg = dbg;
    e->off = off;
    e->bias = bias;
    e->next = dc->names[h];
    dc->names[h] = e;
}

/* Index the top-level named types and variables of module m. */
static void index_module(struct symtab *st, size_t m)
{
    struct dwarf_cache *dc = st->dc;
    if (m >= dc->nindexed || dc->indexed[m])
        return;
    dc->indexed[m] = true;
    Dwfl_Module *mod = st->dwmods[m];
    Dwarf_Addr bias;
    Dwarf_Die *cu = NULL;
    while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL) {
        Dwarf_Die child;
        if (dwarf_child(cu, &child) != 0)
            continue;
        Dwarf *dbg = dwarf_cu_getdwarf(child.cu);
        do {
            const char *name = dwarf_diename(&child);
            const char *prefix = NULL;
            bool is_variable = false;
            if (!name)
                continue;
            switch (dwarf_tag(&child)) {
            case DW_TAG_structure_type: case DW_TAG_class_type: prefix = "struct "; break;
            case DW_TAG_union_type: prefix = "union "; break;
            case DW_TAG_enumeration_type: prefix = "enum "; break;
            case DW_TAG_typedef: case DW_TAG_base_type: prefix = ""; break;
            case DW_TAG_variable: prefix = ""; is_variable = true; break;
            default: continue;
            }
            char *full = prefixed_name(prefix, name);
            if (!full)
                continue;
            bool decl = attr_flag(&child, DW_AT_declaration);
            if (is_variable) {
                Dwarf_Attribute a;
                decl = !dwarf_attr(&child, DW_AT_location, &a)
                       && !dwarf_attr(&child, DW_AT_const_value, &a);
            }
            add_name(dc, full, is_variable, decl, dbg, dwarf_dieoffset(&child), bias);
            free(full);
        } while (dwarf_siblingof(&child, &child) == 0);
    }
}

/* Best index entry for name in module m: a definition over a declaration. */
static struct name_entry *lookup_in_module(struct symtab *st, size_t m, const char *name,
                                           bool is_variable, Dwarf_Off skip)
{
    struct dwarf_cache *dc = st->dc;
    index_module(st, m);
    Dwarf_Addr b;
    Dwarf *dbg = dwfl_module_getdwarf(st->dwmods[m], &b);
    struct name_entry *best = NULL;
    if (!dbg)
        return NULL;
    for (struct name_entry *e = dc->names[hash_string(name) % NAME_BUCKETS]; e; e = e->next) {
        if (e->is_variable != is_variable || e->dbg != dbg || strcmp(e->name, name) != 0)
            continue;
        if (e->off == skip)
            continue;
        if (!best || (best->is_declaration && !e->is_declaration))
            best = e;
    }
    return best;
}

/* Find name in every module, the executable first; definitions win. */
static struct name_entry *lookup_name(struct symtab *st, const char *name, bool is_variable,
                                      Dwarf_Off skip)
{
    struct name_entry *decl = NULL;
    if (!cache_of(st))
        return NULL;
    for (int pass = 0; pass < 2; pass++)
        for (size_t m = 0; m < st->nmods; m++) {
            if (st->is_main[m] != (pass == 0) || !st->mods[m].has_debuginfo)
                continue;
            struct name_entry *e = lookup_in_module(st, m, name, is_variable, skip);
            if (e && !e->is_declaration)
                return e;
            if (e && !decl)
                decl = e;
        }
    return decl;
}

static bool die_of_entry(struct name_entry *e, Dwarf_Die *out)
{
    return dwarf_offdie(e->dbg, e->off, out) != NULL;
}

static struct rd_type *find_definition(struct symtab *st, const char *name, Dwarf_Off skip)
{
    struct name_entry *e = lookup_name(st, name, false, skip);
    Dwarf_Die die;
    if (!e || e->is_declaration || !die_of_entry(e, &die))
        return NULL;
    return dwarf_die_type(st, &die);
}

struct rd_type *dwarf_lookup_type(struct symtab *st, const char *name)
{
    struct rd_type *t = NULL;
    if (st) {
        struct name_entry *e = lookup_name(st, name, false, (Dwarf_Off)-1);
        Dwarf_Die die;
        if (e && die_of_entry(e, &die))
            t = dwarf_die_type(st, &die);
    }
    if (!t)
        t = type_lookup_registered(name);
    if (!t)
        t = type_builtin(name);
    return t;
}

/* ---- variables ---- */

/* rd_value.error lives for the session: each distinct message once. */
static const char *interned_error(const char *msg)
{
    static struct msg { struct msg *next; char text[sizeof ((struct var_loc *)0)->error]; } *msgs;
    struct msg *m;
    for (m = msgs; m; m = m->next)
        if (strcmp(m->text, msg) == 0)
            return m->text;
    m = calloc(1, sizeof *m);
    if (!m)
        return "Corrupted DWARF expression";
    snprintf(m->text, sizeof m->text, "%s", msg);
    m->next = msgs;
    msgs = m;
    return m->text;
}

/* Fill out from a variable DIE's location in frame f. */
static bool variable_value(struct symtab *st, const struct frame *f, Dwarf_Die *fn,
                           Dwarf_Die *var, Dwarf_Addr bias, struct rd_value *out)
{
    struct var_loc loc = dwarf_variable_location(st, f, fn, var, bias);
    memset(out, 0, sizeof *out);
    out->type = dwarf_var_type(st, var);
    switch (loc.kind) {
    case VLOC_MEMORY:
        out->loc = VAL_MEMORY;
        out->addr = loc.addr;
        return true;
    case VLOC_REGISTER: {
        uint64_t v = frame_reg(f, loc.regno);
        out->loc = VAL_REGISTER;
        out->regno = loc.regno;
        memcpy(out->bytes, &v, sizeof v);
        out->fetched = true;
        return true;
    }
    case VLOC_VALUE:
        out->loc = VAL_CONST;
        memcpy(out->bytes, &loc.value, sizeof loc.value);
        out->fetched = true;
        return true;
    case VLOC_PIECES:
        /* Assembled from pieces: not an lvalue; some bytes may be missing. */
        out->loc = VAL_CONST;
        memcpy(out->bytes, loc.bytes, sizeof out->bytes);
        out->unavailable = loc.unavailable;
        for (size_t k = loc.size; k < sizeof out->bytes; k++)
            out->unavailable |= 1ULL << k;
        out->fetched = true;
        return true;
    case VLOC_ERROR:
        out->loc = VAL_NONE;
        out->error = interned_error(loc.error);
        return true;
    case VLOC_OPTIMIZED_OUT:
    default:
        out->loc = VAL_NONE;    /* "<optimized out>" */
        out->optimized_out = true;
        return true;
    }
}

bool dwarf_lookup_variable(struct symtab *st, const struct frame *f, const char *name,
                           struct rd_value *out)
{
    if (!st || !name)
        return false;
    /* Locals and parameters of the frame's function, innermost scope
     * first; an inlined frame sees its own function's scopes only, and
     * locates them with the real function's frame base. */
    if (f) {
        struct frame_scopes fs;
        if (frame_scopes_get(st, f, &fs)) {
            Dwarf_Die var;
            int k = dwarf_getscopevar(fs.scopes + fs.first, fs.func - fs.first + 1, name, 0,
                                      NULL, 0, 0, &var);
            if (k >= 0) {
                Dwarf_Die fn = fs.scopes[fs.subprogram];
                bool ok = variable_value(st, f, &fn, &var, fs.bias, out);
                frame_scopes_free(&fs);
                return ok;
            }
            frame_scopes_free(&fs);
        }
    }
    /* Globals: the executable first, then libraries. */
    struct name_entry *e = lookup_name(st, name, true, (Dwarf_Off)-1);
    Dwarf_Die var;
    if (!e || !die_of_entry(e, &var))
        return false;
    if (e->is_declaration) {
        /* Declared here, defined without debug info: type from DWARF,
         * address from the ELF symbol. */
        struct sym_info si;
        if (!symtab_lookup_name(st, name, &si))
            return false;
        memset(out, 0, sizeof *out);
        out->type = dwarf_var_type(st, &var);
        out->loc = VAL_MEMORY;
        out->addr = si.addr;
        return true;
    }
    return variable_value(st, f, NULL, &var, e->bias, out);
}
