/* test_symtab.c — symbols, lines and DWARF types of an ELF file, no process.
 *
 * Loads tests/debuggee/symtab_deep (PIE) and symtab_deep_nopie with
 * symtab_load_file and checks: name <-> address lookups, completion, line
 * tables both ways, the post-prologue breakpoint address, DWARF types
 * (struct with bitfields, union, array, enum, typedef, pointers) and their
 * names, global variables, and a stripped copy that must degrade to "no
 * symbol" without crashing; and gdb's line where several rows share an
 * address (tests/debuggee/infrun_step).  Also times the load and first
 * lookups.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "symtab.h"
#include "types.h"
#include "test_symtab_check.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int completions;
static void count_completion(const char *name, void *arg)
{
    (void)arg;
    CHECK(strncmp(name, "level_", 6) == 0, "completion %s", name);
    completions++;
}

static void check_symbols(struct symtab *st, const char *what)
{
    struct sym_info si, back;
    CHECK(symtab_lookup_name(st, "level_two", &si), "%s: level_two", what);
    CHECK(si.size > 0, "%s: level_two size", what);
    CHECK(symtab_lookup_addr(st, si.addr + 3, &back) && strcmp(back.name, "level_two") == 0
          && back.addr == si.addr, "%s: addr -> level_two", what);
    CHECK(!symtab_lookup_name(st, "no_such_function_xyz", &si), "%s: missing name", what);
    completions = 0;
    CHECK(symtab_complete(st, "level_", count_completion, NULL) == 3, "%s: completion", what);
    CHECK(completions == 3, "%s: 3 completions, got %d", what, completions);

    /* Line table, both ways. */
    struct line_info li;
    addr_t bp;
    CHECK(symtab_lookup_name(st, "level_one", &si), "%s: level_one", what);
    CHECK(symtab_line_for_addr(st, si.addr, &li), "%s: line of level_one", what);
    CHECK(strstr(li.file, "symtab_deep.c") != NULL, "%s: file %s", what, li.file);
    int decl_line = li.line;
    CHECK(symtab_function_breakpoint_addr(st, "level_one", &bp), "%s: bp addr", what);
    CHECK(bp > si.addr && bp < si.addr + si.size, "%s: bp 0x%lx after prologue", what,
          (unsigned long)bp);
    struct line_info bl;
    CHECK(symtab_line_for_addr(st, bp, &bl) && bl.line > decl_line,
          "%s: bp line %d > %d", what, bl.line, decl_line);
    addr_t addrs[8];
    int found = 0;
    int n = symtab_addrs_for_line(st, "symtab_deep.c", bl.line, addrs, 8, &found);
    CHECK(n >= 1 && addrs[0] == bp, "%s: FILE:LINE -> bp (%d)", what, n);
    CHECK(found == bl.line, "%s: FILE:LINE found line %d", what, found);
    CHECK(symtab_addrs_for_line(st, "no_such_file.c", 10, addrs, 8, NULL) == 0, "%s: bad file",
          what);
}

static void check_types(struct symtab *st)
{
    char buf[256];
    struct rd_type *pt = dwarf_lookup_type(st, "struct point");
    CHECK(pt && pt->kind == TY_STRUCT, "struct point");
    if (!pt)
        return;
    CHECK(pt->size == 56, "sizeof(struct point) = %lu", (unsigned long)pt->size);
    const struct rd_field *f = type_find_field(pt, "y");
    CHECK(f && f->offset == 4 && type_strip_typedefs(f->type)->kind == TY_INT, "field y");
    f = type_find_field(pt, "next");
    CHECK(f && f->offset == 16 && f->type->kind == TY_POINTER && f->type->target == pt,
          "field next is struct point *");
    CHECK(f && strcmp(type_name(f->type, buf, sizeof buf), "struct point *") == 0, "name %s", buf);
    f = type_find_field(pt, "label");
    CHECK(f && strcmp(type_name(f->type, buf, sizeof buf), "char *") == 0, "label: %s", buf);
    f = type_find_field(pt, "mode");
    CHECK(f && f->bit_size == 5 && f->offset * 8 + f->bit_offset == 24 * 8 + 3,
          "bitfield mode at bit %d", f ? (int)(f->offset * 8 + f->bit_offset) : -1);
    f = type_find_field(pt, "coords");
    CHECK(f && f->type->kind == TY_ARRAY && f->type->count == 4 && f->type->size == 16,
          "coords int[4]");
    CHECK(f && strcmp(type_name(f->type, buf, sizeof buf), "int [4]") == 0, "coords: %s", buf);
    f = type_find_field(pt, "u");
    CHECK(f && f->offset == 48 && type_strip_typedefs(f->type)->kind == TY_UNION, "union u");
    struct rd_type *td = dwarf_lookup_type(st, "point_t");
    CHECK(td && td->kind == TY_TYPEDEF && type_strip_typedefs(td) == pt, "typedef point_t");
    struct rd_type *en = dwarf_lookup_type(st, "enum color");
    CHECK(en && en->kind == TY_ENUM && en->nenumerators == 3
          && strcmp(en->enumerators[2].name, "BLUE") == 0 && en->enumerators[2].value == 6,
          "enum color");
    struct rd_type *in = dwarf_lookup_type(st, "int");
    CHECK(in && in->kind == TY_INT && in->size == 4 && in->is_signed, "int");
    CHECK(dwarf_lookup_type(st, "unsigned long") != NULL, "unsigned long (builtin)");
    CHECK(dwarf_lookup_type(st, "struct no_such_struct") == NULL, "missing struct");

    struct rd_value v;
    struct sym_info si;
    CHECK(dwarf_lookup_variable(st, NULL, "symtab_global_point", &v), "global point");
    CHECK(v.loc == VAL_MEMORY && symtab_lookup_name(st, "symtab_global_point", &si)
          && si.addr == v.addr, "global point address");
    CHECK(v.type == td, "global point type is point_t");
    CHECK(dwarf_lookup_variable(st, NULL, "symtab_global_counter", &v) && v.type == in,
          "global counter int");
    CHECK(!dwarf_lookup_variable(st, NULL, "no_such_var", &v), "missing var");
}

/* tests/debuggee/infrun_step (-O2): at main's and add's first address GCC
 * emits the '{' row, then the first statement's row, then a non-statement
 * '{' row.  gdb takes the last statement row there (Note [Rows that share
 * an address] in debugger/symtab.c): main is at line 45, add at 31. */
static void check_rows_sharing_an_address(void)
{
    char path[4096], err[256];
    struct symtab *st = symtab_load_file(debuggee_path("infrun_step", path, sizeof path),
                                         err, sizeof err);
    CHECK(st != NULL, "load %s: %s", path, err);
    if (!st)
        return;
    static const struct { const char *fn; int line; } want[] = { { "main", 45 }, { "add", 31 } };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct sym_info si;
        struct line_info li;
        struct line_row row;
        CHECK(symtab_lookup_name(st, want[i].fn, &si), "%s", want[i].fn);
        CHECK(symtab_line_for_addr(st, si.addr, &li) && li.line == want[i].line
              && li.addr == si.addr && li.is_stmt,
              "%s's entry: line %d, want %d", want[i].fn, li.line, want[i].line);
        CHECK(symtab_row_for_addr(st, si.addr, &row) && row.line == want[i].line
              && row.start == si.addr && row.end > si.addr && row.is_stmt,
              "%s's entry row: line %d", want[i].fn, row.line);
        addr_t body = symtab_function_body_addr(st, si.addr);
        CHECK(body == si.addr, "%s (-O2, no frame pointer): body at its entry", want[i].fn);
    }
    symtab_free(st);
}

int main(void)
{
    char path[4096], err[256];
    double t0 = now_ms();
    struct symtab *st = symtab_load_file(debuggee_path("symtab_deep", path, sizeof path),
                                         err, sizeof err);
    CHECK(st != NULL, "load %s: %s", path, err);
    if (!st)
        return check_status();
    struct sym_info si;
    symtab_lookup_name(st, "main", &si);
    struct rd_type *t = dwarf_lookup_type(st, "struct point");
    double t1 = now_ms();
    printf("load + first symbol + first type lookup: %.2f ms (%s)\n", t1 - t0, t ? "ok" : "none");
    struct rd_module *mods;
    size_t nmods;
    symtab_modules(st, &mods, &nmods);
    CHECK(nmods == 1 && mods[0].has_debuginfo, "one module with debuginfo");
    check_symbols(st, "pie");
    check_types(st);
    symtab_free(st);

    st = symtab_load_file(debuggee_path("symtab_deep_nopie", path, sizeof path), err, sizeof err);
    CHECK(st != NULL, "load %s: %s", path, err);
    if (st) {
        check_symbols(st, "nopie");
        CHECK(symtab_lookup_name(st, "main", &si) && si.addr >= 0x400000 && si.addr < 0x1000000,
              "non-PIE main at link address 0x%lx", (unsigned long)si.addr);
        symtab_free(st);
    }

    /* A stripped copy: no .symtab, no DWARF.  Lookups fail cleanly. */
    char stripped[] = "/tmp/test_symtab_stripped_XXXXXX", cmd[8192];
    int fd = mkstemp(stripped);
    CHECK(fd >= 0, "mkstemp");
    if (fd >= 0) {
        close(fd);
        snprintf(cmd, sizeof cmd, "strip -o %s %s", stripped,
                 debuggee_path("symtab_deep", path, sizeof path));
        CHECK(system(cmd) == 0, "%s", cmd);
        st = symtab_load_file(stripped, err, sizeof err);
        CHECK(st != NULL, "load stripped: %s", err);
        if (st) {
            struct rd_module *m;
            size_t nm;
            struct line_info li;
            symtab_modules(st, &m, &nm);
            CHECK(nm == 1 && !m[0].has_debuginfo, "stripped: no debuginfo");
            CHECK(!symtab_lookup_name(st, "level_two", &si), "stripped: no level_two");
            CHECK(!symtab_line_for_addr(st, m[0].lo + 0x1100, &li), "stripped: no lines");
            CHECK(dwarf_lookup_type(st, "struct point") == NULL, "stripped: no types");
            symtab_free(st);
        }
        unlink(stripped);
    }
    check_rows_sharing_an_address();
    CHECK(symtab_load_file("/nonexistent/prog", err, sizeof err) == NULL && err[0],
          "missing file gives an error");
    return check_status();
}
