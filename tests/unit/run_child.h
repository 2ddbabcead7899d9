/* run_child.h — run one case of a runtime test in a fresh child process.
 *
 * Runtime tests need a fresh runtime per case (flags are fixed at rts_init,
 * and some cases must barf).  run_child re-executes the test binary as
 * `PROG case NAME +RTS FLAGS -RTS`, collects what the child writes to
 * stderr into err (NUL-terminated, truncated to errlen), and returns its
 * wait status.  Each test's main dispatches "case NAME" to the case.
 */
#ifndef TESTS_UNIT_RUN_CHILD_H
#define TESTS_UNIT_RUN_CHILD_H

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

#endif
