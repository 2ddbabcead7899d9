/* fuzz_expr.c — fuzz target: the expression parser, evaluator and printer.
 *
 * Each input is evaluated as an expression against a fake in-memory target
 * (tests/unit/cli_fake_target.h) that holds a registered struct type, then
 * printed in every format, and also parsed as a type name.  Any crash,
 * sanitizer report or hang is a bug: bad input must give an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_fake_target.h"
#include "fuzz_driver.h"
#include "session_state.h"

const char *const fuzz_seeds[] = {
    "1 + 2 * 3", "(char)65", "'\\n'", "0x10 << 3", "sizeof(struct foo)",
    "((struct foo *)0x10100)->next->a", "*(int *)0x10118@4", "$rax = $rsp - 8",
    "$x = (struct foo *)0x10100", "$x->arr[3]", "$$2", "(unsigned long)-1 / 0",
    "1 ? 2 : 3 && !4 || ~5", "&((struct foo *)0x10100)->arr[1]", "*(char *)0x10200@300",
    "(struct foo)1", "(double)1 / 3", "-(-9223372036854775807L - 1) % -1", NULL,
};

const char *const fuzz_tokens[] = {
    "(", ")", "*", "&", "->", ".", "[", "]", "@", "$", "$$", "$1", "sizeof", "(struct foo *)",
    "(int)", "(char *)", "0x10100", "0x10", "=", "?", ":", "'", "\\", "-", "~", "!", "<<",
    "1.5e308", "999999999999999999999", "struct", "unsigned long", "$rip", "$eflags", NULL,
};

static struct session *s;
static struct rd_field fields[3];
static struct rd_type foo;

static void setup(void)
{
    s = session_new();
    struct fake_target *f = fake_target_new();
    fake_target_install(s, f);
    foo.kind = TY_STRUCT;
    foo.name = "struct foo";
    foo.size = 40;
    fields[0] = (struct rd_field){.name = "a", .offset = 0, .type = type_builtin("int")};
    fields[1] = (struct rd_field){.name = "next", .offset = 8, .type = type_pointer_to(&foo)};
    fields[2] = (struct rd_field){.name = "arr", .offset = 16, .type = type_array_of(type_builtin("int"), 6)};
    foo.fields = fields;
    foo.nfields = 3;
    type_register(&foo);
    for (int i = 0; i < 0x100; i++)
        f->mem[0x100 + i] = (unsigned char)(i * 7);
    memcpy(f->mem + 0x200, "hello", 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s)
        setup();
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct rd_value v;
    char err[256];
    if (expr_eval(s, text, &v, err, sizeof err) == 0) {
        static const int fmts[] = {0, 'x', 'd', 'u', 'o', 't', 'c', 'a', 's', 'z'};
        for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
            struct strbuf sb = {0};
            value_format_sb(s, &v, fmts[i], true, &sb, err, sizeof err);
            sb_free(&sb);
        }
        addr_t a;
        value_as_address(s, &v, &a, err, sizeof err);
    }
    expr_eval_noside(s, text, &v, err, sizeof err);
    struct rd_type *t = expr_parse_type(s, text);
    if (t) {
        struct strbuf sb = {0};
        type_print_full(s, t, &sb);
        sb_free(&sb);
    }
    free(text);
    return 0;
}
