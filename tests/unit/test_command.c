/* test_command.c — the command registry and the commands about commands.
 *
 * Checks gdb-style lookup (multi-word names, unique prefixes, aliases,
 * gdb's abbreviations, ambiguity and undefined-command errors, "x/4x"),
 * define with $arg0/$argc, document + help, echo escapes, source (stopping
 * at the first error), the failure count batch mode exits on, and that
 * every registered command has help text, and the REPL's empty-line repeat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_capture.h"
#include "session_state.h"
#include "check.h"


static char last_call[256];

static int record(struct session *s, const char *args)
{
    snprintf(last_call, sizeof last_call, "%s|%s", cmd_current(s)->name, args);
    return 0;
}

static const struct command test_cmds[] = {
    {.name = "frobnicate", .summary = "t", .help = "t", .fn = record},
    {.name = "frobozz", .summary = "t", .help = "t", .fn = record},
    {.name = "continue", .summary = "t", .help = "t", .fn = record},
    {.name = "condition", .summary = "t", .help = "t", .fn = record},
    {.name = "break", .aliases = "brk", .summary = "t", .help = "t", .fn = record},
    {.name = "backtrace", .summary = "t", .help = "t", .fn = record},
    {.name = "info frame", .summary = "t", .help = "t", .fn = record},
    {.name = "info frobs", .summary = "t", .help = "t", .fn = record},
    {.name = "record", .summary = "t", .help = "t", .fn = record},
};

/* Resolve line; expect command name and args (NULL name: no command). */
static void lookup(const char *line, const char *name, const char *args)
{
    const char *a = NULL;
    const struct command *c = cmd_lookup(line, &a);
    if (!name) {
        CHECK(c == NULL, "%s: expected no command, got %s", line, c ? c->name : "");
        return;
    }
    CHECK(c && !strcmp(c->name, name), "%s: expected %s, got %s", line, name, c ? c->name : "(none)");
    CHECK(c && a && !strcmp(a, args), "%s: expected args '%s', got '%s'", line, args, a ? a : "(null)");
}

/* Execute line capturing output; compare stdout and stderr. */
static int run(struct session *s, const char *line, const char *want_out, const char *want_err)
{
    char *out, *err;
    capture_begin();
    int rc = cmd_execute(s, line);
    capture_end(&out, &err);
    if (want_out)
        CHECK(!strcmp(out, want_out), "%s: stdout\n  want: %s\n  got:  %s", line, want_out, out);
    if (want_err)
        CHECK(!strcmp(err, want_err), "%s: stderr\n  want: %s\n  got:  %s", line, want_err, err);
    free(out);
    free(err);
    return rc;
}

int main(void)
{
    cli_commands_init();
    for (size_t i = 0; i < sizeof test_cmds / sizeof test_cmds[0]; i++)
        cmd_register(&test_cmds[i]);
    struct session *s = session_new();

    /* lookup */
    lookup("print 1 + 2", "print", "1 + 2");
    lookup("p 1", "print", "1");
    lookup("x/4xg $sp", "x", "/4xg $sp");
    lookup("p/x 255", "print", "/x 255");
    lookup("frobn", "frobnicate", "");
    lookup("frob", NULL, NULL);
    lookup("c", "continue", "");
    lookup("cont 3", "continue", "3");
    lookup("b main", "break", "main");
    lookup("brk main", "break", "main");
    lookup("bt 5", "backtrace", "5");
    lookup("i r rip", "info registers", "rip");
    lookup("info registers", "info registers", "");
    lookup("info fra", "info frame", "");
    lookup("i f", "info frame", "");
    lookup("set var x = 1", "set variable", "x = 1");
    lookup("set $x = 1", "set", "$x = 1");
    lookup("set confirm off", "set confirm", "off");
    lookup("  help   print  ", "help", "print  ");
    lookup("nosuch", NULL, NULL);

    /* errors, as gdb words them; failures are counted */
    s->failures = 0;
    CHECK(run(s, "frob", "", "Ambiguous command \"frob\": frobnicate, frobozz.\n") == -1, "ambiguous");
    CHECK(run(s, "nosuch 1 2", "", "Undefined command: \"nosuch\".  Try \"help\".\n") == -1, "undefined");
    CHECK(run(s, "info nosuch", "", "Undefined info command: \"nosuch\".  Try \"help info\".\n") == -1,
          "undefined info");
    CHECK(run(s, "x/4x 0", "", "The program is not being run.\n") == -1, "needs target");
    CHECK(s->failures == 4, "failures counted: %d", s->failures);
    CHECK(run(s, "info", NULL, "") == 0, "prefix alone lists subcommands");
    CHECK(run(s, "", "", "") == 0, "empty line");
    CHECK(run(s, "# a comment", "", "") == 0, "comment");

    /* echo */
    run(s, "echo a\\tb\\101\\n", "a\tbA\n", "");
    run(s, "echo no newline", "no newline", "");

    /* define / document / help */
    CHECK(run(s, "define twice\nrecord $arg0 $arg0 $argc\nrecord done\nend", "", "") == 0, "define");
    run(s, "twice (1 + 2)", "", "");
    CHECK(!strcmp(last_call, "record|done"), "last body line ran: %s", last_call);
    run(s, "define once\nrecord $arg0 $argc\nend", "", "");
    run(s, "once \"a b\"", "", "");
    CHECK(!strcmp(last_call, "record|\"a b\" 1"), "quoted argument kept whole: %s", last_call);
    run(s, "document once\nRecord its argument once.\nend", "", "");
    run(s, "help once", "Record its argument once.\n", "");
    run(s, "define failing\nnosuch\nrecord unreached\nend", "", "");
    last_call[0] = '\0';
    CHECK(run(s, "failing", "", "Undefined command: \"nosuch\".  Try \"help\".\n") == -1, "failing define");
    CHECK(last_call[0] == '\0', "a user command stops at its first error");
    run(s, "define rec\nrec\nend", "", "");
    CHECK(run(s, "rec", "", "Max user call depth exceeded -- command aborted.\n") == -1, "recursion bounded");

    /* help for every registered command is non-empty */
    for (size_t i = 0; i < cmd_count(); i++) {
        const struct command *c = cmd_at(i);
        char line[300], *out, *err;
        snprintf(line, sizeof line, "help %s", c->name);
        capture_begin();
        int rc = cmd_execute(s, line);
        capture_end(&out, &err);
        CHECK(rc == 0 && strlen(out) > 1 && err[0] == '\0', "%s: rc %d out '%s' err '%s'", line, rc, out, err);
        free(out);
        free(err);
    }

    /* source: runs lines in order, stops at the first error */
    char path[] = "/tmp/test_command_XXXXXX";
    int fd = mkstemp(path);
    const char *script = "record one\n\n# comment\nrecord two\nnosuch\nrecord three\n";
    CHECK(fd >= 0 && write(fd, script, strlen(script)) == (ssize_t)strlen(script), "write script");
    close(fd);
    char line[300];
    snprintf(line, sizeof line, "source %s", path);
    CHECK(run(s, line, "", "Undefined command: \"nosuch\".  Try \"help\".\n") == -1, "source fails");
    CHECK(!strcmp(last_call, "record|two"), "source stopped at the error: %s", last_call);
    unlink(path);
    CHECK(run(s, "source /nonexistent/file", "", "/nonexistent/file: No such file or directory.\n") == -1,
          "source missing file");

    /* REPL: an empty line repeats the last command, except dont-repeat ones */
    s->interactive = true;
    run(s, "record again", "", "");
    last_call[0] = '\0';
    run(s, "", "", "");
    CHECK(!strcmp(last_call, "record|again"), "empty line repeats: %s", last_call);
    run(s, "shell true", NULL, NULL);
    last_call[0] = '\0';
    CHECK(run(s, "", "", "") == 0 && last_call[0] == '\0', "shell is not repeated");
    s->interactive = false;

    /* quit */
    run(s, "quit 3", "", "");
    CHECK(session_state(s)->quit_requested && session_state(s)->quit_status == 3, "quit 3");

    session_free(s);
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("test_command: all passed\n");
    return failures ? 1 : 0;
}
