/* yield_until.h — a test's wait for other green threads: yield until a
 * condition holds or a deadline passes.  Bounded by time, not by a count
 * of yields: with nothing else runnable on this capability a yield returns
 * at once (100,000 of them take a few milliseconds), and on a loaded
 * machine the thread waited for, on another capability's OS thread, may
 * not be scheduled for longer than that.  The deadline only stops a test
 * that would otherwise hang; the condition is checked by the caller. */
#ifndef TESTS_UNIT_YIELD_UNTIL_H
#define TESTS_UNIT_YIELD_UNTIL_H

#include <time.h>
#include "rts.h"

#define YIELD_UNTIL_SECONDS 30

static inline double yield_until_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define YIELD_UNTIL(cond)                                                     \
    do {                                                                      \
        double yield_until_deadline = yield_until_now() + YIELD_UNTIL_SECONDS; \
        while (!(cond) && yield_until_now() < yield_until_deadline)           \
            rts_yield();                                                      \
    } while (0)

#endif
