/* target_threads.c — debuggee for the target tests: several named pthreads.
 *
 * Usage: target_threads [REPORT_FD [NTHREADS]]
 * Starts NTHREADS (default 3) threads named "worker1".. with
 * pthread_setname_np, then writes one line "<pid> <&target_counter>
 * <&target_message> <&target_ready>\n" to REPORT_FD (when given) so a test
 * without symbols knows where to look.  Runs until killed, at most 60 s.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile unsigned long target_counter;
char target_message[64] = "hello from target_threads";
volatile int target_ready;
static int n_named;

static void *worker(void *arg)
{
    char name[16];
    snprintf(name, sizeof name, "worker%d", (int)(long)arg);
    pthread_setname_np(pthread_self(), name);
    __atomic_fetch_add(&n_named, 1, __ATOMIC_RELEASE);
    for (;;) {
        __atomic_fetch_add(&target_counter, 1, __ATOMIC_RELAXED);
        usleep(1000);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int fd = argc > 1 ? atoi(argv[1]) : -1;
    int n = argc > 2 ? atoi(argv[2]) : 3;
    alarm(60);
    pthread_t th[16];
    if (n > 16)
        n = 16;
    for (int i = 0; i < n; i++)
        pthread_create(&th[i], NULL, worker, (void *)(long)(i + 1));
    while (__atomic_load_n(&n_named, __ATOMIC_ACQUIRE) < n)
        usleep(1000);   /* every worker has named itself before we report */
    target_ready = 1;
    if (fd >= 0) {
        char line[128];
        int len = snprintf(line, sizeof line, "%d %p %p %p\n", (int)getpid(),
                           (void *)&target_counter, (void *)target_message, (void *)&target_ready);
        if (write(fd, line, (size_t)len) != len)
            return 2;
        close(fd);
    }
    for (;;)
        pause();
}
