/* Timer.c — the preemption timer (+RTS -C<secs>, default 0.02).
 *
 * One pthread ticks every RtsFlags.ConcFlags.ctxtSwitchTime_ns and sets
 * every capability's interrupt flag; green threads yield at their next safe
 * point (see Note [Safe points] in Schedule.c).  -C0 turns preemption off.
 * Each tick also publishes its time for blocking threads to record (Note
 * [Blocked-since timestamps] in Schedule.c).
 *
 * Must not depend on: the heap, the GC.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include "Schedule.h"
#include "RtsFlags.h"
#include "RtsMessages.h"

static pthread_t timer_thread;
static volatile bool timer_running;

static void *timerMain(void *arg)
{
    uint64_t period = RtsFlags.ConcFlags.ctxtSwitchTime_ns;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (timer_running) {
        next.tv_nsec += (long)(period % 1000000000u);
        next.tv_sec += (time_t)(period / 1000000000u);
        if (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        if (period <= TIMER_TICK_STAMP_MAX_NS)     /* Note [Blocked-since timestamps] */
            __atomic_store_n(&timer_tick_ns, getMonotonicNSec(), __ATOMIC_RELAXED);
        for (uint32_t i = 0; i < n_capabilities; i++)
            capabilities[i]->interrupt = true;
    }
    return NULL;
}

void startTimer(void)
{
    if (timer_running || RtsFlags.ConcFlags.ctxtSwitchTime_ns == 0)
        return;
    timer_running = true;
    if (RtsFlags.ConcFlags.ctxtSwitchTime_ns <= TIMER_TICK_STAMP_MAX_NS)
        __atomic_store_n(&timer_tick_ns, getMonotonicNSec(), __ATOMIC_RELAXED);
    int r = pthread_create(&timer_thread, NULL, timerMain, NULL);
    if (r != 0)
        barf("cannot start the preemption timer thread: %s", strerror(r));
}

void stopTimer(void)
{
    if (!timer_running)
        return;
    timer_running = false;
    pthread_join(timer_thread, NULL);
    __atomic_store_n(&timer_tick_ns, 0, __ATOMIC_RELAXED);
}
