/* test_expr.c — the expression evaluator and value printer on a fake target.
 *
 * Builds a struct type by hand (as a plugin registers ABI types), lays out an
 * instance in the fake target's memory, and checks gdb's output for
 * arithmetic, literals, registers, casts, ->/./[], @, history, convenience
 * variables, assignment and the error messages.  No process, no DWARF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_fake_target.h"
#include "session_state.h"

static int failures;
static struct session *s;

/* Evaluate expr, format with fmt, compare with want (or with an error). */
static void check(const char *expr, int fmt, const char *want)
{
    struct rd_value v;
    char err[256], got[1024];
    if (expr_eval(s, expr, &v, err, sizeof err) < 0) {
        snprintf(got, sizeof got, "error: %s", err);
    } else {
        struct strbuf sb = {0};
        if (value_format_sb(s, &v, fmt, true, &sb, err, sizeof err) < 0)
            snprintf(got, sizeof got, "error: %s", err);
        else
            snprintf(got, sizeof got, "%s", sb.buf ? sb.buf : "");
        sb_free(&sb);
    }
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "FAIL: %s (/%c)\n  want: %s\n  got:  %s\n", expr, fmt ? fmt : '-', want, got);
        failures++;
    }
}

static struct rd_field foo_fields[4];
static struct rd_type foo_type, foo_typedef, color_type;
static struct rd_enumerator colors[] = {{"RED", 0}, {"GREEN", 1}, {"BLUE", 2}};

static void register_types(void)
{
    struct rd_type *int_t = type_builtin("int");
    foo_type.kind = TY_STRUCT;
    foo_type.name = "struct foo";
    foo_type.size = 40;
    foo_fields[0] = (struct rd_field){.name = "a", .offset = 0, .type = int_t};
    foo_fields[1] = (struct rd_field){.name = "name", .offset = 8, .type = type_pointer_to(type_builtin("char"))};
    foo_fields[2] = (struct rd_field){.name = "next", .offset = 16, .type = type_pointer_to(&foo_type)};
    foo_fields[3] = (struct rd_field){.name = "arr", .offset = 24, .type = type_array_of(int_t, 4)};
    foo_type.fields = foo_fields;
    foo_type.nfields = 4;
    type_register(&foo_type);
    foo_typedef = (struct rd_type){.kind = TY_TYPEDEF, .name = "Foo", .size = 40, .target = &foo_type};
    type_register(&foo_typedef);
    color_type = (struct rd_type){.kind = TY_ENUM, .name = "enum color", .size = 4, .is_signed = false,
                                  .enumerators = colors, .nenumerators = 3};
    type_register(&color_type);
}

static void fill_memory(struct fake_target *f)
{
    int a = 7;
    uint64_t name = FAKE_BASE + 0x200, next = 0;
    int arr[4] = {1, 2, 3, 4};
    memcpy(f->mem + 0x100, &a, 4);
    memcpy(f->mem + 0x108, &name, 8);
    memcpy(f->mem + 0x110, &next, 8);
    memcpy(f->mem + 0x118, arr, sizeof arr);
    strcpy((char *)f->mem + 0x200, "hello");
    strcpy((char *)f->mem + 0x300, "hello");      /* a char[20] */
    double d = 2.5;
    memcpy(f->mem + 0x400, &d, 8);
}

int main(void)
{
    s = session_new();
    struct fake_target *f = fake_target_new();
    fake_target_install(s, f);
    register_types();
    fill_memory(f);

    /* literals and arithmetic */
    check("1 + 2 * 3", 0, "7");
    check("(1 + 2) * 3", 0, "9");
    check("10 / 3", 0, "3");
    check("10 % 3", 0, "1");
    check("-5 / 2", 0, "-2");
    check("0x10", 0, "16");
    check("010", 0, "8");
    check("'a'", 0, "97 'a'");
    check("'\\n'", 0, "10 '\\n'");
    check("1 << 4", 0, "16");
    check("~0", 0, "-1");
    check("!0", 0, "1");
    check("3 > 2 && 1", 0, "1");
    check("0 || 0", 0, "0");
    check("1 ? 5 : 6", 0, "5");
    check("0 ? 5 : 6", 0, "6");
    check("4294967295U + 1", 0, "0");
    check("-1", 'x', "0xffffffff");
    check("255", 't', "11111111");
    check("8", 'o', "010");
    check("65", 'c', "65 'A'");
    check("-1L", 'u', "18446744073709551615");
    check("1.5 * 2", 0, "3");
    check("1.0 / 4", 0, "0.25");
    check("10 / 0", 0, "error: Division by zero");
    check("0 && 1 / 0", 0, "0");        /* short-circuit: no error */

    /* types */
    check("sizeof(int)", 0, "4");
    check("sizeof(struct foo)", 0, "40");
    check("sizeof(char *)", 0, "8");
    check("sizeof(Foo)", 0, "40");
    check("(char)65", 0, "65 'A'");
    check("(unsigned char)300", 0, "44 ','");
    check("(short)-1", 'x', "0xffff");
    check("(enum color)1", 0, "GREEN");
    check("(enum color)7", 0, "7");
    check("(long)3.9", 0, "3");

    /* registers */
    check("$rax", 0, "42");
    check("$rax + 1", 0, "43");
    check("$pc", 0, "(void (*)()) 0x10010");
    check("$sp", 0, "(void *) 0x10800");
    check("$eflags", 0, "582");

    /* memory, structs, pointers */
    check("(struct foo *)0x10100", 0, "(struct foo *) 0x10100");
    check("(Foo *)0x10100", 0, "(Foo *) 0x10100");
    check("((struct foo *)0x10100)->a", 0, "7");
    check("((struct foo *)0x10100)->name", 0, "0x10200 \"hello\"");
    check("((struct foo *)0x10100)->arr[2]", 0, "3");
    check("((struct foo *)0x10100)->arr", 0, "{1, 2, 3, 4}");
    check("*(struct foo *)0x10100", 0,
          "{a = 7, name = 0x10200 \"hello\", next = 0x0, arr = {1, 2, 3, 4}}");
    check("*(struct foo *)0x10100", 'x',
          "{a = 0x7, name = 0x10200, next = 0x0, arr = {0x1, 0x2, 0x3, 0x4}}");
    check("(*(struct foo *)0x10100).a", 0, "7");
    check("&((struct foo *)0x10100)->arr[1]", 0, "(int *) 0x1011c");
    check("*(int *)0x10118@4", 0, "{1, 2, 3, 4}");
    check("*(char *)0x10300@20", 0, "\"hello\", '\\000' <repeats 14 times>");
    check("*(double *)0x10400", 0, "2.5");
    check("(char *)0x10200", 0, "0x10200 \"hello\"");
    check("((char *)0x10200)[1]", 0, "101 'e'");
    check("*((int *)0x10118 + 3)", 0, "4");
    check("(int *)0x10120 - (int *)0x10118", 0, "2");

    /* errors, worded as gdb's */
    check("*(int *)0x10", 0, "error: Cannot access memory at address 0x10");
    check("nosuch", 0, "error: No symbol \"nosuch\" in current context.");
    check("1 +", 0, "error: A syntax error in expression, near `'.");
    check("((struct foo *)0x10100)->nosuch", 0, "error: There is no member named nosuch.");
    check("*1", 0, "error: Attempt to take contents of a non-pointer value.");
    check("&1", 0, "error: Attempt to take address of value not located in memory.");
    check("(struct nosuch *)0", 0, "error: No struct type named nosuch.");
    check("$99", 0, "error: History has not yet reached $99.");
    check("1 2", 0, "error: A syntax error in expression, near `2'.");
    check("\"str\"", 0, "error: String literals are not supported in expressions.");

    /* assignment, convenience variables, history */
    check("*(int *)0x10100 = 9", 0, "9");
    check("((struct foo *)0x10100)->a", 0, "9");
    check("$x = 5", 0, "5");
    check("$x * 2", 0, "10");
    check("$unset", 0, "void");
    check("$rip = 0x10020", 0, "(void (*)()) 0x10020");
    if (f->regs.rip != 0x10020) {
        fprintf(stderr, "FAIL: $rip assignment did not reach the target\n");
        failures++;
    }
    struct rd_value v;
    char err[128];
    expr_eval(s, "40 + 2", &v, err, sizeof err);
    int n = value_history_add(s, &v);
    expr_eval(s, "7", &v, err, sizeof err);
    value_history_add(s, &v);
    char want_n[32];
    snprintf(want_n, sizeof want_n, "$%d", n);
    check(want_n, 0, "42");
    check("$", 0, "7");
    check("$$", 0, "42");

    /* type parsing for ptype/whatis */
    struct rd_type *t = expr_parse_type(s, "unsigned long");
    if (!t || t->size != 8) {
        fprintf(stderr, "FAIL: expr_parse_type(unsigned long)\n");
        failures++;
    }
    t = expr_parse_type(s, "struct foo *");
    char decl[128];
    type_declaration(t, "", decl, sizeof decl);
    if (strcmp(decl, "struct foo *") != 0) {
        fprintf(stderr, "FAIL: type_declaration: %s\n", decl);
        failures++;
    }
    struct strbuf sb = {0};
    type_print_full(s, &foo_typedef, &sb);
    const char *want_ptype = "struct foo {\n    int a;\n    char *name;\n    struct foo *next;\n"
                             "    int arr[4];\n}";
    if (!sb.buf || strcmp(sb.buf, want_ptype) != 0) {
        fprintf(stderr, "FAIL: ptype Foo:\n%s\n", sb.buf ? sb.buf : "(null)");
        failures++;
    }
    sb_free(&sb);

    session_free(s);
    free(f);
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("test_expr: all passed\n");
    return failures ? 1 : 0;
}
