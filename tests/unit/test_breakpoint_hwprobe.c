/* test_breakpoint_hwprobe.c — unit test of the debug-register probe
 * (hwwatch_probe.c).
 *
 * The probe must come back with an answer (DR0/DR7 accepted, the child ran
 * its write and was reaped, no zombie left), quickly, and cache it (a second call forks nothing).
 * Whether the registers fire depends on the machine; the answer is printed
 * so the test log says what this machine does.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>

#include "infrun.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    int failures = 0;
    double t0 = now();
    bool fires = hwwatch_probe();
    double t1 = now();
    bool again = hwwatch_probe();
    double t2 = now();

    /* No child left behind, not even a zombie. */
    int status;
    if (!(waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD)) {
        fprintf(stderr, "probe left a child process\n");
        failures++;
    }
    /* The probe must have really tested: registers accepted, child ran. */
    enum hwwatch_answer a = hwwatch_probe_answer();
    if (a != HWWATCH_FIRES && a != HWWATCH_SILENT) {
        fprintf(stderr, "probe did not run to an answer (%s)\n",
                a == HWWATCH_REJECTED ? "debug registers rejected" : "probe child failed");
        failures++;
    }
    if (again != fires || fires != (a == HWWATCH_FIRES)) {
        fprintf(stderr, "probe answer changed between calls\n");
        failures++;
    }
    if (t1 - t0 > 5.0) {
        fprintf(stderr, "probe took %.2f s\n", t1 - t0);
        failures++;
    }
    if (t2 - t1 > 0.001) {      /* cached: no fork, no ptrace */
        fprintf(stderr, "second probe took %.6f s: not cached\n", t2 - t1);
        failures++;
    }
    printf("hardware watchpoints %s on this machine (probe %.1f ms)\n",
           fires ? "fire" : "do not fire", (t1 - t0) * 1e3);
    return failures ? 1 : 0;
}
