/* run_child.h — run one case of a runtime test in a fresh child process.
 *
 * Runtime tests need a fresh runtime per case (flags are fixed at rts_init,
 * and some cases must barf).  run_child re-executes the test binary as
 * `PROG case NAME +RTS FLAGS -RTS`, collects what the child writes to
 * stderr into err (NUL-terminated, truncated to errlen), and returns its
 * wait status.  The child's main hands `case NAME` to run_child_case,
 * which runs the case under a fresh runtime; run_child_expect_ok is the
 * usual parent's check of one case.
 */
#ifndef TESTS_UNIT_RUN_CHILD_H
#define TESTS_UNIT_RUN_CHILD_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rts.h"
#include "check.h"

static inline int run_child_as(const char *prog, const char *name, const char *flags,
                               char *err, size_t errlen)
{
    int pipefd[2], status;
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[32], buf[256];
        int argc = 0;
        snprintf(buf, sizeof buf, "%s", flags);
        argv[argc++] = (char *)prog;
        argv[argc++] = "case";
        argv[argc++] = (char *)name;
        argv[argc++] = "+RTS";
        for (char *t = strtok(buf, " "); t && argc < 28; t = strtok(NULL, " "))
            argv[argc++] = t;
        argv[argc++] = "-RTS";
        argv[argc] = NULL;
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(pipefd[1]);
    size_t n = 0;
    ssize_t r;
    char sink[4096];
    while ((r = read(pipefd[0], n + 1 < errlen ? err + n : sink,
                     n + 1 < errlen ? errlen - 1 - n : sizeof sink)) > 0)
        if (n + 1 < errlen)
            n += (size_t)r;
    err[n] = '\0';
    close(pipefd[0]);
    waitpid(pid, &status, 0);
    return status;
}

/* One case of a runtime test: its name and what the child runs. */
typedef struct RunChildCase {
    const char *name;
    void (*run)(void);
} RunChildCase;

/* The child's side.  When argv is `PROG case NAME ...`, start the runtime,
 * run case NAME and exit: 1 if a CHECK failed, else 0 (2 for an unknown
 * name).  Otherwise (the parent) return and let main go on. */
static inline void run_child_case(int *argc, char ***argv, const RunChildCase *cases,
                                  size_t n_cases)
{
    if (*argc < 3 || strcmp((*argv)[1], "case") != 0)
        return;
    const char *prog = (*argv)[0], *name = (*argv)[2];
    rts_init(argc, argv);
    for (size_t i = 0; i < n_cases; i++)
        if (strcmp(cases[i].name, name) == 0) {
            cases[i].run();
            rts_exit(failures ? 1 : 0);
        }
    fprintf(stderr, "%s: unknown case %s\n", prog, name);
    exit(2);
}

/* The parent's side: run case NAME of PROG under FLAGS; it passes when the
 * child exits 0.  Prints PASS/FAIL and, on failure, the child's stderr and
 * wait status.  Returns 0 or 1 (a count of failures). */
static inline int run_child_expect_ok(const char *prog, const char *name, const char *flags)
{
    static char err[1 << 16];
    int status = run_child_as(prog, name, flags, err, sizeof err);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("%s %s [%s]\n", ok ? "PASS" : "FAIL", name, flags);
    if (!ok)
        fprintf(stderr, "%s(status %#x)\n", err, (unsigned)status);
    return ok ? 0 : 1;
}

#endif
