/* SchedulerAPI.c — the public thread API of rts.h ("Threads" section):
 * fork, yield, thread ids, labels, join, rts_main, capability numbers.
 *
 * Must not depend on: the GC's internals, MVars.
 */
#include <stdio.h>
#include <string.h>
#include "rts.h"
#include "Schedule.h"
#include "Threads.h"
#include "Roots.h"
#include "RtsMessages.h"

#define RTS_FORK_MAX_VALUES 64u

static Capability *requireCap(const char *what)
{
    Capability *cap = myCapability();
    if (cap == NULL || cap->current_tso == NULL)
        barf("%s called outside a green thread (call rts_init first)", what);
    return cap;
}

int rts_showThreadId(rts_ThreadId t, char *buf, size_t len)
{
    return snprintf(buf, len, RTS_THREADID_FMT, t.id);
}

int rts_main(int argc, char **argv, int (*main_fn)(int argc, char **argv))
{
    rts_init(&argc, &argv);
    int status = main_fn(argc, argv);
    rts_exit(status);
}

rts_ThreadId rts_fork(void (*fn)(void *arg), void *arg)
{
    requireCap("rts_fork");
    rts_safepoint();
    Capability *cap = myCapability();
    StgTSO *tso = createThread(cap, fn, arg);
    rts_ThreadId t = { tso->id };
    scheduleThread(cap, tso);
    return t;
}

rts_ThreadId rts_fork_with(void (*fn)(void *arg), void *arg,
                           uint32_t n, StgClosure *const values[])
{
    requireCap("rts_fork_with");
    if (n == 0)
        return rts_fork(fn, arg);
    if (n > RTS_FORK_MAX_VALUES)
        barf("rts_fork_with: at most %u values (got %u)", RTS_FORK_MAX_VALUES, n);

    /* Keep the values alive and up to date across the safe point. */
    RtsFrame pf = rts_frame_push(n);
    for (uint32_t i = 0; i < n; i++)
        rts_set(pf, i, values[i]);
    rts_safepoint();

    /* From here to scheduleThread nothing collects. */
    Capability *cap = myCapability();
    StgClosure *fresh[RTS_FORK_MAX_VALUES];
    for (uint32_t i = 0; i < n; i++)
        fresh[i] = rts_get(pf, i);
    StgTSO *child = createThread(cap, fn, arg);

    /* Push the child's frame with Roots.c's own code by making the child
     * the capability's current thread for a moment. */
    StgTSO *parent = cap->current_tso;
    cap->current_tso = child;
    RtsFrame cf = rts_frame_push(n);
    for (uint32_t i = 0; i < n; i++)
        rts_set(cf, i, fresh[i]);
    cap->current_tso = parent;
    setThreadForkFrame(child->id, cf.id, cf.serial);

    rts_frame_pop(pf);
    rts_ThreadId t = { child->id };
    scheduleThread(cap, child);
    return t;
}

RtsFrame rts_fork_frame(void)
{
    Capability *cap = requireCap("rts_fork_frame");
    RtsFrame f = { 0, 0 };
    getThreadForkFrame(cap->current_tso->id, &f.id, &f.serial);
    return f;
}

void rts_yield(void)
{
    requireCap("rts_yield");
    yieldThread();
}

rts_ThreadId rts_myThreadId(void)
{
    Capability *cap = requireCap("rts_myThreadId");
    rts_ThreadId t = { cap->current_tso->id };
    return t;
}

bool rts_thread_label(rts_ThreadId t, const char *label)
{
    return setThreadLabel(t.id, label);
}

bool rts_join(rts_ThreadId t)
{
    requireCap("rts_join");
    return joinThread(t.id);
}

uint32_t rts_getNumCapabilities(void)
{
    return n_capabilities;
}

uint32_t rts_myCapabilityNo(void)
{
    return requireCap("rts_myCapabilityNo")->no;
}
