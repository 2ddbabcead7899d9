/* infrun_threads.c — many threads running into one breakpoint.
 *
 * NTHREADS threads each call hit() NCALLS times at the same moment (a
 * barrier lines them up), so several threads reach its int3 together.  The
 * total printed at the end must be NTHREADS * NCALLS under the debugger too:
 * no hit may be skipped or run twice.
 */
/* Built unoptimised whatever CFLAGS say (automake puts the user's -O2 after
 * per-target flags): the tests rely on exact lines, frames and variables. */
#if defined(__clang__)
#pragma clang optimize off
#elif defined(__GNUC__)
#pragma GCC optimize ("O0")
#endif
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4
#define NCALLS 25

static pthread_barrier_t start;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

__attribute__((noinline)) void hit(int id)
{
    pthread_mutex_lock(&lock);
    total += 1;
    pthread_mutex_unlock(&lock);
    (void)id;
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < NCALLS; i++)
        hit(id);
    return NULL;
}

int main(void)
{
    pthread_t th[NTHREADS];
    pthread_barrier_init(&start, NULL, NTHREADS);
    for (long i = 0; i < NTHREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    printf("total %ld\n", total);
    return 0;
}
