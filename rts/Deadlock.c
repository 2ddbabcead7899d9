/* Deadlock.c — report a deadlock and exit.
 *
 * The scheduler calls reportDeadlock() when every capability is idle with
 * nothing queued, no thread is in (or returning from) a safe foreign call,
 * and threads are still alive: nothing can ever wake them.  (GHC would
 * throw BlockedIndefinitelyOnMVar; we have no exceptions, so we say which
 * threads are blocked on what and exit with RTS_EXIT_DEADLOCK, 3.)
 *
 *   rts: deadlock: every thread is blocked and nothing can wake them
 *   rts:   thread 1 (main) blocked on MVar 0x4200012a0 (BlockedOnMVar) for 12 ms
 *   rts:   thread 3 blocked joining thread 1 (BlockedOnMsgThrowTo) for 11 ms
 *
 * Must not depend on: MVar internals, the GC's internals.
 */
#include <stdio.h>
#include <unistd.h>
#include "Schedule.h"
#include "Threads.h"
#include "RtsFlags.h"
#include "sm/Storage.h"

static void printThread(const StgTSO *tso, uint64_t now)
{
    char label[48];
    char named[64] = "";
    if (getThreadLabel(tso->id, label, sizeof label) && label[0] != '\0')
        snprintf(named, sizeof named, " (%s)", label);
    double ms = tso->blocked_since_ns != 0 ? (double)(now - tso->blocked_since_ns) / 1e6 : 0;
    const char *what;
    switch (tso->why_blocked) {
    case BlockedOnMVar:
    case BlockedOnMVarRead:  what = "MVar"; break;
    case BlockedOnBlackHole: what = "BLACKHOLE"; break;
    default:                 what = "closure"; break;
    }
    if (tso->why_blocked == BlockedOnMsgThrowTo)
        return;     /* joiners are listed with the thread they join */
    fprintf(stderr, "rts:   thread %u%s blocked on %s %p (%s) for %.0f ms\n",
            tso->id, named, what, (void *)tso->block_info.closure,
            whyBlockedName(tso->why_blocked), ms);
}

struct joinReport { uint64_t now; };

static void printJoiners(ThreadRecord *r, void *user)
{
    uint64_t now = ((struct joinReport *)user)->now;
    for (StgTSO *j = r->joiners; j != END_TSO_QUEUE; j = j->_link) {
        double ms = j->blocked_since_ns != 0 ? (double)(now - j->blocked_since_ns) / 1e6 : 0;
        char label[48], named[64] = "";
        if (getThreadLabelLocked(j->id, label, sizeof label) && label[0] != '\0')
            snprintf(named, sizeof named, " (%s)", label);
        fprintf(stderr, "rts:   thread %u%s blocked joining thread %u (%s) for %.0f ms\n",
                j->id, named, r->id, whyBlockedName(j->why_blocked), ms);
    }
}

void reportDeadlock(void)
{
    /* Several idle capabilities may see the deadlock at once: one reports. */
    static int reported;
    if (__atomic_exchange_n(&reported, 1, __ATOMIC_ACQ_REL))
        for (;;)
            pause();
    uint64_t now = getMonotonicNSec();
    fflush(stdout);
    fprintf(stderr, "rts: deadlock: every thread is blocked and nothing can wake them\n");
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++)
        for (StgTSO *t = generations[g].threads;
             t != NULL && t != END_TSO_QUEUE; t = t->global_link)
            if (t->what_next != ThreadComplete && t->why_blocked != NotBlocked)
                printThread(t, now);
    struct joinReport jr = { now };
    forEachThreadRecord(printJoiners, &jr);
    fflush(stderr);
    _exit(RTS_EXIT_DEADLOCK);
}
