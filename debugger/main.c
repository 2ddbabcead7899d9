/* main.c — rtsdb's command line (gdb's conventions).
 *
 *   rtsdb [OPTIONS] [PROGRAM [ARGS...]]     PROGRAM CORE and PROGRAM PID as gdb
 *   rtsdb [OPTIONS] --args PROGRAM ARGS...
 *   rtsdb [OPTIONS] -p PID [PROGRAM]
 *   rtsdb [OPTIONS] --core CORE PROGRAM
 * Options: -ex CMD (repeatable, run in order with -x FILE), -x FILE, --batch,
 * -q, --json, --help, --version.
 *
 * Batch mode runs the commands and exits: status 0 only if every command
 * succeeded, 1 otherwise.  At exit a program rtsdb launched is killed and
 * one it attached to is detached with every breakpoint and watch removed.
 *
 * Depends on: session.h and every part's *_commands_init; nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "infrun.h"
#include "session_state.h"

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: rtsdb [OPTIONS] [PROGRAM [ARGS...]]\n"
        "       rtsdb [OPTIONS] --args PROGRAM ARGS...\n"
        "       rtsdb [OPTIONS] -p PID [PROGRAM]\n"
        "       rtsdb [OPTIONS] --core CORE PROGRAM      (or: rtsdb PROGRAM CORE)\n"
        "\n"
        "A gdb-like debugger for C programs and the rtsdb runtime (Linux x86-64).\n"
        "\n"
        "Options:\n"
        "  --args           pass the arguments after PROGRAM to it\n"
        "  -p, --pid PID    attach to the running process PID\n"
        "  -c, --core CORE  examine the core file CORE\n"
        "  -ex CMD          execute CMD (repeatable; run in order with -x)\n"
        "  -x FILE          execute the commands in FILE\n"
        "  --batch          run the commands, then exit (status 1 if any failed)\n"
        "  -q, --quiet      do not print the banner\n"
        "  --json           print each command's result as one JSON object per line\n"
        "  -h, --help       print this help and exit\n"
        "  -v, --version    print the version and exit\n");
}

/* A -ex or -x in the order given. */
struct startup_command {
    bool is_file;
    const char *text;
};

struct options {
    const char *program;
    char **positional;          /* PROGRAM and what follows it */
    char **program_args;
    int nprogram_args;
    const char *core;
    const char *pid;
    struct startup_command *cmds;
    int ncmds;
    bool batch, quiet, json;
};

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rtsdb: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry \"rtsdb --help\" for more information.\n");
    va_end(ap);
    exit(1);
}

/* "--opt=VALUE", "-opt VALUE" or "--opt VALUE": returns the value or NULL
 * when arg is not this option. */
static const char *option_value(int argc, char **argv, int *i, const char *const names[])
{
    const char *arg = argv[*i];
    for (int k = 0; names[k]; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(arg, names[k], n) != 0)
            continue;
        if (arg[n] == '=')
            return arg + n + 1;
        if (arg[n] == '\0') {
            if (*i + 1 >= argc)
                die_usage("option '%s' requires an argument", arg);
            return argv[++*i];
        }
    }
    return NULL;
}

static bool is_flag(const char *arg, const char *const names[])
{
    for (int k = 0; names[k]; k++)
        if (strcmp(arg, names[k]) == 0)
            return true;
    return false;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Is path an ELF core file (e_type ET_CORE)? */
static bool is_core_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    unsigned char h[18];
    ssize_t n = read(fd, h, sizeof h);
    close(fd);
    return n == (ssize_t)sizeof h && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' &&
           h[16] == 4 && h[17] == 0;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    static const char *const ex_names[] = {"-ex", "--ex", "-eval-command", "--eval-command", NULL};
    static const char *const x_names[] = {"-x", "--x", "-command", "--command", NULL};
    static const char *const pid_names[] = {"-p", "--pid", "-pid", NULL};
    static const char *const core_names[] = {"-c", "--core", "-core", NULL};
    static const char *const batch_names[] = {"--batch", "-batch", NULL};
    static const char *const quiet_names[] = {"-q", "--quiet", "-quiet", "--silent", "-silent", "-nh", NULL};
    static const char *const ignored_names[] = {"-nx", "--nx", "-n", NULL};

    o->cmds = calloc((size_t)argc + 1, sizeof *o->cmds);
    if (!o->cmds)
        abort();
    char **positional = calloc((size_t)argc + 1, sizeof *positional);
    if (!positional)
        abort();
    o->positional = positional;
    int npos = 0;
    bool args_mode = false;
    const char *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (args_mode && npos > 0) {       /* everything after PROGRAM is its */
            positional[npos++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                positional[npos++] = argv[i];
            break;
        }
        if (a[0] != '-' || a[1] == '\0') {
            positional[npos++] = argv[i];
            continue;
        }
        if (is_flag(a, (const char *const[]){"-h", "--help", "-help", NULL})) {
            usage(stdout);
            exit(0);
        } else if (is_flag(a, (const char *const[]){"-v", "--version", "-version", NULL})) {
            printf("rtsdb %s\n", PACKAGE_VERSION);
            exit(0);
        } else if (strcmp(a, "--args") == 0 || strcmp(a, "-args") == 0) {
            args_mode = true;
        } else if (is_flag(a, batch_names)) {
            o->batch = true;
        } else if (is_flag(a, quiet_names)) {
            o->quiet = true;
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "-json") == 0) {
            o->json = true;
        } else if (is_flag(a, ignored_names)) {
            /* gdb's "no init file": rtsdb reads none anyway */
        } else if ((v = option_value(argc, argv, &i, ex_names)) != NULL) {
            o->cmds[o->ncmds].is_file = false;
            o->cmds[o->ncmds++].text = v;
        } else if ((v = option_value(argc, argv, &i, x_names)) != NULL) {
            o->cmds[o->ncmds].is_file = true;
            o->cmds[o->ncmds++].text = v;
        } else if ((v = option_value(argc, argv, &i, pid_names)) != NULL) {
            if (!all_digits(v))
                die_usage("invalid process id '%s'", v);
            o->pid = v;
        } else if ((v = option_value(argc, argv, &i, core_names)) != NULL) {
            o->core = v;
        } else {
            die_usage("unrecognized option '%s'", a);
        }
    }
    if (args_mode && npos == 0)
        die_usage("%s", "--args requires a program to debug");
    if (npos > 0)
        o->program = positional[0];
    if (args_mode || npos <= 1) {
        o->program_args = positional + (npos > 0 ? 1 : 0);
        o->nprogram_args = npos > 0 ? npos - 1 : 0;
        return;
    }
    /* gdb: "PROGRAM CORE" or "PROGRAM PID" when one more argument follows;
     * otherwise the rest are the program's arguments. */
    if (npos == 2 && !o->core && !o->pid && all_digits(positional[1])) {
        o->pid = positional[1];
        o->nprogram_args = 0;
    } else if (npos == 2 && !o->core && is_core_file(positional[1])) {
        o->core = positional[1];
        o->nprogram_args = 0;
    } else {
        o->program_args = positional + 1;
        o->nprogram_args = npos - 1;
    }
}

/* Run a start-up action (attach, core) as a command of its own, so batch
 * failures and --json records treat it like any other command. */
static int startup_attach(struct session *s, const char *pidstr)
{
    char line[64];
    snprintf(line, sizeof line, "attach %s", pidstr);
    out_begin_command(s, line);
    char err[512];
    int rc = -1;
    pid_t pid = (pid_t)strtol(pidstr, NULL, 10);
    struct target *t = target_attach(pid, err, sizeof err);
    if (!t) {
        cmd_error(s, "%s", err);
    } else {
        out_printf(s, "Attaching to process %d\n", (int)pid);
        json_int(s, "pid", pid);
        rc = session_set_target(s, t) < 0 ? -1 : 0;
    }
    if (rc)
        s->failures++;
    out_end_command(s, line, rc);
    return rc;
}

static int startup_core(struct session *s, const char *core, const char *program)
{
    struct strbuf line = {0};
    sb_appendf(&line, "core-file %s", core);
    out_begin_command(s, line.buf);
    char err[512];
    int rc = -1;
    struct target *t = target_open_core(core, program, err, sizeof err);
    if (!t) {
        cmd_error(s, "%s", err);
    } else {
        json_str(s, "core", core);
        rc = session_set_target(s, t) < 0 ? -1 : 0;
    }
    if (rc)
        s->failures++;
    out_end_command(s, line.buf, rc);
    sb_free(&line);
    return rc;
}

/* Leave the target as gdb does at exit: kill what we started, detach from
 * what we attached to (breakpoints and watches removed first). */
static void release_target(struct session *s)
{
    struct target *t = s->target;
    if (!t)
        return;
    if (target_can_run(t)) {
        if (t->launched) {
            if (t->ops->kill)
                t->ops->kill(t);
        } else {
            if (t->running && t->ops->interrupt) {
                struct stop_event ev;
                t->ops->interrupt(t);
                if (t->ops->wait)
                    t->ops->wait(t, &ev, 2000);
            }
            infrun_remove_all(s);
            if (t->ops->detach)
                t->ops->detach(t);
        }
    }
    session_drop_target(s);
}

int main(int argc, char **argv)
{
    struct options o;
    memset(&o, 0, sizeof o);
    parse_options(argc, argv, &o);

    target_commands_init();
    symtab_commands_init();
    infrun_commands_init();
    cli_commands_init();

    struct session *s = session_new();
    struct session_state *st = session_state(s);
    s->batch = o.batch;
    s->quiet = o.quiet;
    s->json = o.json;
    s->interactive = !o.batch && isatty(STDIN_FILENO);
    /* In --json mode stdout carries only records: keep it line-buffered. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (s->interactive && !s->quiet)
        printf("rtsdb %s\nType \"help\" for a list of commands.\n", PACKAGE_VERSION);

    if (o.program) {
        struct stat sb;
        if (stat(o.program, &sb) < 0) {
            out_begin_command(s, o.program);
            cmd_error(s, "%s: %s.", o.program, strerror(errno));
            s->failures++;
            out_end_command(s, o.program, -1);
        }
        char real[PATH_MAX];
        s->exe = strdup(realpath(o.program, real) ? real : o.program);
        s->prog_args = calloc((size_t)o.nprogram_args + 1, sizeof *s->prog_args);
        if (!s->prog_args)
            abort();
        for (int i = 0; i < o.nprogram_args; i++)
            s->prog_args[i] = strdup(o.program_args[i]);
    }
    repl_install_sigint(s);

    if (o.core)
        startup_core(s, o.core, s->exe);
    else if (o.pid)
        startup_attach(s, o.pid);

    for (int i = 0; i < o.ncmds && !st->quit_requested; i++) {
        if (o.cmds[i].is_file) {
            FILE *f = fopen(o.cmds[i].text, "r");
            if (!f) {
                /* Reported like a failed "source FILE" command. */
                struct strbuf line = {0};
                sb_appendf(&line, "source %s", o.cmds[i].text);
                out_begin_command(s, line.buf);
                cmd_error(s, "%s: %s.", o.cmds[i].text, strerror(errno));
                s->failures++;
                out_end_command(s, line.buf, -1);
                sb_free(&line);
                continue;
            }
            cmd_source_stream(s, f, o.cmds[i].text);
            fclose(f);
        } else {
            cmd_execute(s, o.cmds[i].text);
        }
    }

    if (!o.batch && !st->quit_requested)
        repl_run(s);

    int status = st->quit_requested ? st->quit_status : 0;
    if (o.batch && s->failures > 0)
        status = 1;
    release_target(s);
    session_free(s);
    free(o.cmds);
    free(o.positional);
    fflush(stdout);
    return status;
}
