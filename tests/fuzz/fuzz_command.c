/* fuzz_command.c — fuzz target: the command parser and the cli commands.
 *
 * Each input is a script: its lines run through cmd_execute in --json mode
 * against a fake in-memory target, with multi-line commands (define,
 * document) reading their bodies from the same input.  Commands that reach
 * outside the process (shell, source, plugin load) are unregistered first.
 * Any crash or sanitizer report is a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_fake_target.h"
#include "fuzz_driver.h"
#include "session_state.h"

const char *const fuzz_seeds[] = {
    "p 1 + 2\np/x $\noutput $1\n",
    "x/4xw 0x10100\nx/2s 0x10200\nx\nx/3a $sp\nx/8cb 0x10200\n",
    "info registers\ninfo registers rip $rsp pc\ni r eflags\n",
    "define f\np $arg0 * $argc\nend\nf 21\ndocument f\nDoubles.\nend\nhelp f\n",
    "set var $v = 3\nset $w = $v << 2\np $w\nset confirm off\nshow confirm\n",
    "echo a\\tb\\101\\n\nhelp\nhelp x\nhelp info\ninfo\nptype int\nwhatis 1 + 1\n",
    "frob\nc\nb\ninfo nosuch\nx/0x 1\nx/9999999999 0\np/q 1\nquit 2\n",
    NULL,
};

const char *const fuzz_tokens[] = {
    "\n", " ", "p ", "x/", "define ", "end\n", "document ", "$arg0", "$argc", "info ",
    "registers", "help ", "echo ", "\\", "set ", "var ", "$", "=", "/x", "/s", "/a", "/100",
    "quit", "ptype ", "whatis ", "output ", "0x10100", "#", NULL,
};

static struct session *s;

static void setup(void)
{
    cli_commands_init();
    static const char *const outside[] = {"shell", "source", "plugin load", NULL};
    for (int i = 0; outside[i]; i++) {
        const struct command *c = cmd_lookup(outside[i], NULL);
        if (c)
            cmd_unregister(c);
    }
    s = session_new();
    s->json = true;
    struct fake_target *f = fake_target_new();
    fake_target_install(s, f);
    memcpy(f->mem + 0x200, "hello\0world", 12);
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s)
        setup();
    if (size > 4096)
        return 0;
    char *script = malloc(size + 1);
    if (!script)
        return 0;
    memcpy(script, data, size);
    script[size] = '\0';
    /* "!CMD" is a shell escape: never run one. */
    bool line_start = true;
    for (size_t i = 0; i < size; i++) {
        if (script[i] == '!' && line_start)
            script[i] = ' ';
        if (script[i] == '\n')
            line_start = true;
        else if (script[i] != ' ' && script[i] != '\t')
            line_start = false;
    }
    FILE *in = fmemopen(script, size ? size : 1, "r");
    if (!in) {
        free(script);
        return 0;
    }
    struct session_state *st = session_state(s);
    st->line_source = in;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!st->quit_requested && (n = getline(&line, &cap, in)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        cmd_execute(s, line);
    }
    free(line);
    st->line_source = NULL;
    st->quit_requested = false;
    s->failures = 0;
    command_free_all(s);        /* forget this input's "define"s */
    expr_free_state(s);
    fclose(in);
    free(script);
    return 0;
}
