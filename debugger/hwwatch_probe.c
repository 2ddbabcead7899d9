/* hwwatch_probe.c — do x86 debug-register watchpoints fire on this machine?
 *
 * Offers hwwatch_probe() (infrun.h).  Forks a tiny child that stops itself,
 * sets DR0 = &probe_var and DR7 = "local enable 0, break on write, 8 bytes"
 * in it with PTRACE_POKEUSER, lets it write probe_var and watches whether a
 * SIGTRAP arrives before the child exits.  The answer is cached.
 *
 * This is the one file of run control that calls ptrace itself: it probes
 * the machine with a child of its own, not the debuggee.  On the project's
 * VMs the registers are accepted and never fire (gdb then silently misses
 * every hit), so the answer is false and page protection is used.
 *
 * Must not depend on: the session, the target.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "infrun.h"

static volatile long probe_var;

#define DR7_L0          (1UL << 0)
#define DR7_RW0_WRITE   (1UL << 16)
#define DR7_LEN0_8      (2UL << 18)     /* 10b = 8 bytes in long mode */

static void probe_child(void)
{
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
        _exit(2);
    raise(SIGSTOP);
    probe_var = 42;
    _exit(0);
}

static enum hwwatch_answer run_probe(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return HWWATCH_NO_PROBE;
    if (pid == 0)
        probe_child();
    enum hwwatch_answer answer = HWWATCH_NO_PROBE;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
        goto out;
    answer = HWWATCH_REJECTED;
    long dr0 = offsetof(struct user, u_debugreg[0]);
    long dr7 = offsetof(struct user, u_debugreg[7]);
    if (ptrace(PTRACE_POKEUSER, pid, (void *)dr0, (void *)&probe_var) < 0 ||
        ptrace(PTRACE_POKEUSER, pid, (void *)dr7,
               (void *)(DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8)) < 0)
        goto out;
    answer = HWWATCH_NO_PROBE;
    if (ptrace(PTRACE_CONT, pid, 0, 0) < 0 || waitpid(pid, &status, 0) != pid)
        goto out;
    if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP)
        answer = HWWATCH_FIRES;
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        answer = HWWATCH_SILENT;    /* the write ran to the end: no trap */
out:
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) == pid && !WIFEXITED(status) && !WIFSIGNALED(status))
        ;
    return answer;
}

enum hwwatch_answer hwwatch_probe_answer(void)
{
    static int cached = -1;
    if (cached < 0)
        cached = (int)run_probe();
    return (enum hwwatch_answer)cached;
}

bool hwwatch_probe(void)
{
    return hwwatch_probe_answer() == HWWATCH_FIRES;
}
