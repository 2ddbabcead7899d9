/* Stats.h — GC and run-time statistics: +RTS -s (summary at exit) and
 * +RTS -S (one line per GC), in GHC's format.
 *
 * The GC calls the stat_* hooks; rts_exit calls stat_exit.  Per-GC-thread
 * CPU time is measured by each GC thread itself (stat_startGCWorker /
 * stat_endGCWorker) and summed by the leader only after every thread has
 * signalled that it is done: see Note [GC worker hand-shake] in GC.c.
 *
 * Must not depend on: the scheduler, the debugger.
 */
#ifndef RTS_STATS_H
#define RTS_STATS_H

#include <stdint.h>
#include "sm/GCThread.h"

/* Record the start of the program (idempotent; rts_init calls it, the
 * first GC does if nobody did). */
void initStats(void);

/* Leader, at the very start of a collection. */
void stat_startGC(Capability *cap, gc_thread *leader);
/* Every GC thread (the leader too), around its share of the work. */
void stat_startGCWorker(Capability *cap, gc_thread *t);
void stat_endGCWorker(Capability *cap, gc_thread *t);

/* Leader, as soon as every GC thread has said "done": sums the threads'
 * CPU times (asserting each is complete).  See Note [GC worker hand-shake]. */
void stat_gcThreadsDone(uint32_t n_threads);

/* Leader, at the end of the collection: gen = oldest generation
 * collected, live_words = words in the heap after GC, n_threads = GC
 * threads that took part. */
void stat_endGC(Capability *cap, gc_thread *leader, uint32_t gen,
                W_ live_words, uint32_t n_threads);

/* Print the -s summary (when asked for).  Called once, by rts_exit. */
void stat_exit(void);

/* Clocks, in nanoseconds. */
uint64_t getProcessCPUTime(void);
uint64_t getCurrentThreadCPUTime(void);
uint64_t getProcessElapsedTime(void);

#endif
