/* test_flags.c — the RTS flag parser (RtsFlags.c): good flags, argv
 * compaction, RTS_OPTS, every kind of bad input, and what rts_init does
 * with a bad flag (one line on stderr, exit status 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rts.h"
#include "RtsFlags.h"
#include "FlightRecorder.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

static char err[512];

/* Parse a NULL-terminated argument list (copied, so it can be compacted). */
static enum RtsFlagsResult parse(RTS_FLAGS *f, const char *env, int *argc_out, char **argv, const char *const *args)
{
    int argc = 0;
    for (; args[argc]; argc++)
        argv[argc] = (char *)args[argc];
    argv[argc] = NULL;
    setDefaultRtsFlags(f);
    enum RtsFlagsResult r = parseRtsFlags(f, &argc, argv, env, err, sizeof err);
    if (argc_out)
        *argc_out = argc;
    return r;
}

static enum RtsFlagsResult parse1(RTS_FLAGS *f, const char *flag)
{
    const char *args[] = { "prog", "+RTS", flag, NULL };
    char *argv[8];
    return parse(f, NULL, NULL, argv, args);
}

static void expect_error(const char *flag, const char *message)
{
    RTS_FLAGS f;
    enum RtsFlagsResult r = parse1(&f, flag);
    if (r != RTS_FLAGS_ERROR || strstr(err, message) == NULL) {
        fprintf(stderr, "flag %s: expected an error containing \"%s\", got %d \"%s\"\n", flag, message, r, err);
        exit(1);
    }
    CHECK(strchr(err, '\n') == NULL);     /* one line */
}

static void test_defaults(void)
{
    RTS_FLAGS f;
    const char *args[] = { "prog", NULL };
    char *argv[4];
    int argc;
    CHECK(parse(&f, NULL, &argc, argv, args) == RTS_FLAGS_OK);
    CHECK(argc == 1);
    CHECK(f.GcFlags.generations == 2);
    CHECK(f.GcFlags.minAllocAreaSize * BLOCK_SIZE == 1024 * 1024);
    CHECK(f.ParFlags.nCapabilities == 1);
    CHECK(f.GcFlags.giveStats == NO_GC_STATS);
    CHECK(!f.DebugFlags.sanity && !f.DebugFlags.zero_on_gc && f.DebugFlags.inject == 0);
    CHECK(f.ConcFlags.ctxtSwitchTime_ns == 20000000);
}

static void test_good_flags(void)
{
    RTS_FLAGS f;
    const char *args[] = { "prog", "a", "+RTS", "-N2", "-A64k", "-G3", "-DS", "-Sgc.log", "-C0.5",
                           "-lev.log", "--inject=mvar-no-dirty,stats-race", "-RTS", "b",
                           "+RTS", "-s", NULL };
    char *argv[32];
    int argc;
    CHECK(parse(&f, NULL, &argc, argv, args) == RTS_FLAGS_OK);
    CHECK(argc == 3 && strcmp(argv[0], "prog") == 0 && strcmp(argv[1], "a") == 0 &&
          strcmp(argv[2], "b") == 0 && argv[3] == NULL);
    CHECK(f.ParFlags.nCapabilities == 2);
    CHECK(f.GcFlags.minAllocAreaSize == 16);
    CHECK(f.GcFlags.generations == 3);
    CHECK(f.DebugFlags.sanity && f.DebugFlags.zero_on_gc);      /* -DS implies -DZ */
    CHECK(f.GcFlags.giveStats == SUMMARY_GC_STATS && f.GcFlags.statsFileName == NULL);
    CHECK(f.ConcFlags.ctxtSwitchTime_ns == 500000000);
    CHECK(f.TraceFlags.eventlog && strcmp(f.TraceFlags.eventlogFileName, "ev.log") == 0);
    CHECK(f.DebugFlags.inject == ((1u << INJECT_MVAR_NO_DIRTY) | (1u << INJECT_STATS_RACE)));

    CHECK(parse1(&f, "-A8m") == RTS_FLAGS_OK && f.GcFlags.minAllocAreaSize == 2048);
    CHECK(parse1(&f, "--record=gc,mvar") == RTS_FLAGS_OK && f.TraceFlags.record == (EVCAT_GC | EVCAT_MVAR));
    CHECK(parse1(&f, "--record=all") == RTS_FLAGS_OK && f.TraceFlags.record == EVCAT_ALL);
    CHECK(parse1(&f, "-A1G") == RTS_FLAGS_OK && f.GcFlags.minAllocAreaSize == 262144);
    CHECK(parse1(&f, "-A5000") == RTS_FLAGS_OK && f.GcFlags.minAllocAreaSize == 2);   /* rounded up */
    CHECK(parse1(&f, "-N") == RTS_FLAGS_OK && f.ParFlags.nCapabilities >= 1);
    CHECK(parse1(&f, "-DZ") == RTS_FLAGS_OK && f.DebugFlags.zero_on_gc && !f.DebugFlags.sanity);
    CHECK(parse1(&f, "-Sout") == RTS_FLAGS_OK && f.GcFlags.giveStats == VERBOSE_GC_STATS &&
          strcmp(f.GcFlags.statsFileName, "out") == 0);
    CHECK(parse1(&f, "-l") == RTS_FLAGS_OK && f.TraceFlags.eventlog && !f.TraceFlags.eventlogFileName);
    CHECK(parse1(&f, "-C") == RTS_FLAGS_OK && f.ConcFlags.ctxtSwitchTime_ns == 0);
    CHECK(parse1(&f, "-?") == RTS_FLAGS_HELP);
    for (int b = 0; b < N_INJECT_BUGS; b++) {
        char opt[64];
        snprintf(opt, sizeof opt, "--inject=%s", inject_bug_names[b]);
        CHECK(parse1(&f, opt) == RTS_FLAGS_OK && f.DebugFlags.inject == 1u << b);
    }
    /* -RTS outside a section and words after a section's end belong to the program */
    const char *args2[] = { "prog", "-RTS", "+RTS", "-G1", NULL };
    CHECK(parse(&f, NULL, &argc, argv, args2) == RTS_FLAGS_OK);
    CHECK(argc == 2 && strcmp(argv[1], "-RTS") == 0 && f.GcFlags.generations == 1);
}

static void test_env(void)
{
    RTS_FLAGS f;
    const char *args[] = { "prog", "+RTS", "-A8m", "-RTS", NULL };
    char *argv[8];
    int argc;
    CHECK(parse(&f, "  -N2\t-A64k  -DZ ", &argc, argv, args) == RTS_FLAGS_OK);
    CHECK(argc == 1);
    CHECK(f.ParFlags.nCapabilities == 2 && f.DebugFlags.zero_on_gc);
    CHECK(f.GcFlags.minAllocAreaSize == 2048);          /* the command line wins */
    CHECK(parse(&f, "+RTS -G3 -RTS", &argc, argv, args) == RTS_FLAGS_OK && f.GcFlags.generations == 3);
    CHECK(parse(&f, "", &argc, argv, args) == RTS_FLAGS_OK);
    CHECK(parse(&f, "-X", &argc, argv, args) == RTS_FLAGS_ERROR);
    CHECK(strcmp(err, "unknown RTS option: -X (try +RTS -? for help)") == 0);
}

static void test_bad_flags(void)
{
    expect_error("--record=gc,nonsense", "expected event categories");
    expect_error("--record=", "expected event categories");
    expect_error("-Q", "unknown RTS option: -Q (try +RTS -? for help)");
    expect_error("foo", "unknown RTS option: foo");
    expect_error("-", "unknown RTS option: -");
    expect_error("-?x", "unknown RTS option: -?x");
    expect_error("--nonsense", "unknown RTS option: --nonsense");
    expect_error("-A", "malformed RTS option: -A");
    expect_error("-Axyz", "malformed RTS option: -Axyz");
    expect_error("-A0", "malformed RTS option: -A0");
    expect_error("-A1q", "malformed RTS option: -A1q");
    expect_error("-A-4k", "malformed RTS option: -A-4k");
    expect_error("-A99999999999999999999999k", "malformed RTS option");
    expect_error("-N0", "malformed RTS option: -N0");
    expect_error("-N65", "malformed RTS option: -N65");
    expect_error("-Nx", "malformed RTS option: -Nx");
    expect_error("-G0", "malformed RTS option: -G0");
    expect_error("-G17", "malformed RTS option: -G17");
    expect_error("-G", "malformed RTS option: -G");
    expect_error("-D", "malformed RTS option: -D");
    expect_error("-Dq", "malformed RTS option: -Dq");
    expect_error("-C-1", "malformed RTS option: -C-1");
    expect_error("-Cabc", "malformed RTS option: -Cabc");
    expect_error("--inject=", "empty list");
    expect_error("--inject=nope", "unknown bug 'nope' in --inject=nope (known bugs: mvar-no-dirty, "
                 "mvar-clean-unlock, caf-nonatomic, weak-race, stats-race)");
    expect_error("--inject=weak-race,,stats-race", "unknown bug ''");
    expect_error("--inject=weak-race,", "unknown bug ''");
}

/* What a program does with flags: run rts_init in a child. */
static int run_child(const char *env, const char *const *args, char *out, size_t outlen, char *errout, size_t errlen)
{
    int ofd[2], efd[2];
    CHECK(pipe(ofd) == 0 && pipe(efd) == 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(ofd[1], 1);
        dup2(efd[1], 2);
        if (env)
            setenv("RTS_OPTS", env, 1);
        else
            unsetenv("RTS_OPTS");
        char *argv[16];
        int argc = 0;
        for (; args[argc]; argc++)
            argv[argc] = (char *)args[argc];
        argv[argc] = NULL;
        char **av = argv;
        rts_init(&argc, &av);
        printf("argc=%d G=%u\n", argc, RtsFlags.GcFlags.generations);
        rts_exit(0);
    }
    close(ofd[1]);
    close(efd[1]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    ssize_t n = read(ofd[0], out, outlen - 1);
    out[n > 0 ? n : 0] = '\0';
    n = read(efd[0], errout, errlen - 1);
    errout[n > 0 ? n : 0] = '\0';
    close(ofd[0]);
    close(efd[0]);
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_rts_init(void)
{
    char out[4096], errout[4096];
    const char *bad[] = { "/path/to/myprog", "+RTS", "-Q", "-RTS", NULL };
    CHECK(run_child(NULL, bad, out, sizeof out, errout, sizeof errout) == 1);
    CHECK(strcmp(errout, "myprog: unknown RTS option: -Q (try +RTS -? for help)\n") == 0);
    CHECK(out[0] == '\0');

    CHECK(run_child("-G9x", (const char *const[]){ "p", NULL }, out, sizeof out, errout, sizeof errout) == 1);
    CHECK(strstr(errout, "p: malformed RTS option: -G9x") == errout);

    const char *help[] = { "p", "+RTS", "-?", NULL };
    CHECK(run_child(NULL, help, out, sizeof out, errout, sizeof errout) == 0);
    const char *must_list[] = { "-N", "-A", "-G", "-s", "-S", "-C", "-l", "-DS", "-DZ", "--inject",
                                "mvar-no-dirty", "stats-race" };
    for (size_t i = 0; i < sizeof must_list / sizeof must_list[0]; i++)
        CHECK(strstr(out, must_list[i]) != NULL);

    const char *good[] = { "p", "x", "+RTS", "-G3", "-RTS", "y", NULL };
    CHECK(run_child("-A64k", good, out, sizeof out, errout, sizeof errout) == 0);
    CHECK(strcmp(out, "argc=3 G=3\n") == 0);
}

int main(void)
{
    test_defaults();
    test_good_flags();
    test_env();
    test_bad_flags();
    test_rts_init();
    printf("test_flags: ok\n");
    return 0;
}
