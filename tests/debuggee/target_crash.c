/* target_crash.c — debuggee that crashes with SIGSEGV in a known frame.
 *
 * main -> crash_outer -> crash_inner, which writes through a NULL pointer.
 * A second thread named "sleeper" is blocked in sleep, so cores have two
 * threads.  Usage: target_crash [wait] — with "wait", it first prints its pid
 * and sleeps up to 30 s (for attach and gcore tests) instead of crashing.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile int *target_null_pointer;
char target_crash_note[32] = "crash-debuggee";

static volatile int sleeper_ready;

static void *sleeper(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "sleeper");
    sleeper_ready = 1;
    sleep(30);
    return NULL;
}

/* note points at data: frame lines show "note=0x... <target_crash_note+5>"
 * as gdb does for a pointer into a symbol. */
__attribute__((noinline)) void crash_inner(int depth, const char *note)
{
    *target_null_pointer = depth + note[0];
}

__attribute__((noinline)) void crash_outer(int depth)
{
    crash_inner(depth + 1, (const char *)target_crash_note + 5);
    __asm__ volatile("" ::: "memory");      /* not a tail call */
}

int main(int argc, char **argv)
{
    pthread_t th;
    pthread_create(&th, NULL, sleeper, NULL);
    /* A core must not catch the sleeper still in clone3, whose first
     * instructions have no CFI (target_core.sh compares with gdb). */
    while (!sleeper_ready)
        usleep(1000);
    usleep(20000);      /* and from there into sleep */
    if (argc > 1 && strcmp(argv[1], "wait") == 0) {
        printf("%d\n", (int)getpid());
        fflush(stdout);
        sleep(30);
        return 0;
    }
    crash_outer(1);
    return 0;
}
