/* CAF.c — entering CAFs: newCAF and lockCAF, the CAF list and its GC roots.
 *
 * Must not depend on: the GC's internals (only the roots registry of
 * sm/GC.h), the debugger.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "rts.h"
#include "CAF.h"
#include "Updates.h"
#include "FlightRecorder.h"
#include "Roots.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "sm/GC.h"
#include "sm/Storage.h"

/* Note [Atomic CAF entry]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * (GHC's note of the same name, #5558; reference §3.)  A CAF is a static
 * THUNK_STATIC; entering it allocates a CAF_BLACKHOLE in the heap owned by
 * the entering thread, makes the CAF an IND_STATIC pointing at it, and
 * evaluates under an update frame whose updatee is that blackhole.  Every
 * later entry follows IND_STATIC to the blackhole and blocks on it.
 *
 * Duplicate evaluation of ordinary thunks is found by threadPaused, which
 * looks at the updatees of the thread's own update frames.  If two threads
 * entered a CAF at once and each built its own CAF_BLACKHOLE (GHC < 7.4),
 * each would only ever see its own blackhole, and nothing would notice the
 * duplicate — not even noDuplicate, so unsafePerformIO at the top level ran
 * twice.  Hence lockCAF: the entering thread CASes the CAF's header from
 * its THUNK_STATIC info to WHITEHOLE; only the winner builds the blackhole
 * and publishes IND_STATIC (after the indirectee, with a release store).
 * A loser finds IND_STATIC or WHITEHOLE and re-enters the CAF: rts_force
 * spins on the WHITEHOLE, follows IND_STATIC to the winner's blackhole and
 * blocks on it (BlackHole.c).
 *
 * +RTS --inject=caf-nonatomic is the pre-fix entry: plain stores, one
 * blackhole per entering thread, the last IND_STATIC store wins.
 */

StgIndStatic *volatile dyn_caf_list = END_OF_CAF_LIST;

static void markCAFs(evac_fn evac, void *user)
{
    for (StgIndStatic *c = dyn_caf_list; c != END_OF_CAF_LIST; c = c->static_link)
        evac(user, &c->indirectee);
}

static pthread_once_t caf_roots_once = PTHREAD_ONCE_INIT;

static void registerCAFRoots(void)
{
    registerGcRoots(markCAFs);
}

/* Put caf on dyn_caf_list once: static_link goes from NULL to a claim
 * mark first, so a CAF entered twice (inject) is linked once. */
static void linkCAF(StgIndStatic *caf)
{
    StgIndStatic *expected = NULL;
    if (!__atomic_compare_exchange_n(&caf->static_link, &expected, END_OF_CAF_LIST, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return;
    StgIndStatic *head = __atomic_load_n(&dyn_caf_list, __ATOMIC_ACQUIRE);
    do {
        caf->static_link = head;
    } while (!__atomic_compare_exchange_n(&dyn_caf_list, &head, caf, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
}

static StgClosure *newCAFBlackHole(Capability *cap)
{
    StgInd *bh = (StgInd *)allocate(cap, sizeof(StgInd) / sizeof(StgWord));
    bh->header.info = &stg_CAF_BLACKHOLE_info;
    bh->indirectee = (StgClosure *)cap->current_tso;
    return (StgClosure *)bh;
}

/* GHC's lockCAF: see Note [Atomic CAF entry]. */
static StgClosure *lockCAF(Capability *cap, StgIndStatic *caf, const StgInfoTable *orig_info)
{
    if (orig_info == &stg_IND_STATIC_info || orig_info == &stg_WHITEHOLE_info)
        return NULL;
    const StgInfoTable *expected = orig_info;
    if (!__atomic_compare_exchange_n(&caf->header.info, &expected, &stg_WHITEHOLE_info, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return NULL;
    caf->saved_info = orig_info;
    StgClosure *bh = newCAFBlackHole(cap);      /* allocate never collects */
    caf->indirectee = bh;
    __atomic_store_n(&caf->header.info, &stg_IND_STATIC_info, __ATOMIC_RELEASE);
    return bh;
}

/* GHC 7.2's entry window held a heap check and newCAF's sm_mutex; ours is
 * a handful of instructions, and on this shared 2-core machine the seed's
 * program showed the duplicate in about one run in 150 (2 in 300).  Under
 * the injection only, a thread lingers in the window for up to 20 ms (a
 * few OS time slices on a loaded machine, so that the other capability's
 * OS thread gets to run), or until a second thread is inside it too.  This
 * only widens the race; it exists without the wait. */
static uint32_t caf_window_threads;

static void widen_caf_race(void)
{
    if (n_capabilities < 2)
        return;
    __atomic_add_fetch(&caf_window_threads, 1, __ATOMIC_ACQ_REL);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        if (__atomic_load_n(&caf_window_threads, __ATOMIC_ACQUIRE) > 1)
            break;
        for (int i = 0; i < 100; i++)
            __builtin_ia32_pause();
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 20000000L);
    __atomic_sub_fetch(&caf_window_threads, 1, __ATOMIC_ACQ_REL);
}

/* GHC 7.2's entry, for --inject=caf-nonatomic. */
static StgClosure *lockCAFNonAtomic(Capability *cap, StgIndStatic *caf, const StgInfoTable *orig_info)
{
    widen_caf_race();
    StgClosure *bh = newCAFBlackHole(cap);
    caf->saved_info = orig_info;
    caf->indirectee = bh;
    caf->header.info = &stg_IND_STATIC_info;
    return bh;
}

StgClosure *newCAF(Capability *cap, StgIndStatic *caf, const StgInfoTable *orig_info)
{
    pthread_once(&caf_roots_once, registerCAFRoots);
    StgClosure *bh = rts_injected(INJECT_CAF_NONATOMIC) ? lockCAFNonAtomic(cap, caf, orig_info)
                                                        : lockCAF(cap, caf, orig_info);
    if (traceEnabled(EVCAT_CAF)) {
        traceEvent(capRing(cap->no), EVENT_CAF_ENTER, (uint64_t)(uintptr_t)caf,
                   (uint64_t)(uintptr_t)cap->current_tso, bh != NULL, 0);
        if (bh != NULL)
            traceEvent(capRing(cap->no), EVENT_CAF_LOCK, (uint64_t)(uintptr_t)caf,
                       (uint64_t)(uintptr_t)bh, 0, 0);
    }
    if (bh != NULL)
        linkCAF(caf);
    return bh;
}

bool enterCAF(StgIndStatic *caf, const StgInfoTable *info, StgClosure **result)
{
    Capability *cap = rts_current_cap();
    StgClosure *bh = newCAF(cap, caf, info);
    if (bh == NULL) {
        *result = (StgClosure *)caf;            /* lost the race: re-enter */
        return false;
    }
    return evaluateUnderFrame(bh, &stg_bh_upd_frame_info, NULL, info->entry,
                              (StgClosure *)caf, result);
}

uint32_t countCAFs(void)
{
    uint32_t n = 0;
    for (StgIndStatic *c = dyn_caf_list; c != END_OF_CAF_LIST; c = c->static_link)
        n++;
    return n;
}
