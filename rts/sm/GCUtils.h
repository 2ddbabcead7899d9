/* GCUtils.h — to-space allocation and work sharing between GC threads.
 *
 * alloc_todo_block/todo_block_full give a GC thread fresh to-space blocks
 * (BF_EVACUATED) for a generation; blocks that fill up while they still
 * hold unscanned objects go to a shared work queue from which idle GC
 * threads take them (GHC steals from per-thread deques; one locked queue
 * is enough for the handful of GC threads we run).  See Note [Termination
 * of parallel scavenging] in GCUtils.c.
 *
 * Must not depend on: the scheduler, the debugger.
 */
#ifndef RTS_SM_GCUTILS_H
#define RTS_SM_GCUTILS_H

#include "GCThread.h"
#include <stdio.h>
#include "RtsFlags.h"

/* Give ws a new, empty todo block with room for at least `size` words.
 * Returns the allocation pointer. */
StgPtr alloc_todo_block(gen_workspace *ws, uint32_t size);

/* ws->todo_bd cannot hold `size` more words: close it (sharing it when it
 * has unscanned work), open a new one and return room for `size` words
 * (the caller's object goes at the returned address). */
StgPtr todo_block_full(uint32_t size, gen_workspace *ws);

/* A closed block whose objects are all scavenged: file it in ws. */
void push_scanned_block(bdescr *bd, gen_workspace *ws);

/* Shared work queue. */
void init_work_queue(void);
void push_work_block(bdescr *bd);
bdescr *grab_work_block(void);      /* NULL when the queue is empty */
bool any_work(void);

/* Termination detection: see Note [Termination of parallel scavenging]. */
void set_running_gc_threads(uint32_t n);
void inc_running(void);
uint32_t dec_running(void);
uint32_t running_gc_threads(void);

/* Chaos mode (+RTS --gc-chaos): see Note [GC chaos mode] in GCUtils.c.
 * gc_chaos: perturb (seed != 0); gc_chaos_count: count lost races. */
static inline bool gc_chaos(void)
{
    return RtsFlags.DebugFlags.gc_chaos_seed != 0;     /* nonzero only under --gc-chaos: one load */
}
static inline bool gc_chaos_count(void)
{
    return RtsFlags.DebugFlags.gc_chaos;
}
/* A copy of a `type` object lost its CAS; loser_older: the losing copy went
 * to an older generation than the winner's. */
void chaos_count_lost_race(uint32_t type, bool loser_older);
/* One line: the seed, GCs, lost races (printed at exit in chaos mode). */
void chaos_report(FILE *f);
/* The MVar queue census (Note [MVar queue census] in GCUtils.c): called by
 * the leader before and after each minor GC in chaos mode (any seed); the
 * report prints the totals at exit. */
void chaos_census_before_gc(void);
void chaos_census_after_gc(void);
void chaos_census_report(FILE *f);
/* A pseudo-random number from the calling GC thread's generator (seeded
 * from the flag's seed, the thread index and the GC number). */
uint32_t chaos_rand(void);
/* True with probability 1/n. */
static inline bool chaos_coin(uint32_t n)
{
    return chaos_rand() % n == 0;
}
/* Stop for a random while (up to some tens of microseconds), letting the
 * other GC threads run ahead. */
void chaos_pause(void);
/* The same, up to max_us (> 0) microseconds. */
void chaos_pause_upto(uint32_t max_us);
/* This thread just lost a copy CAS: scavenge its own pending to-space work
 * now (the losing copy included; the block it may be scanning goes on
 * afterwards).  Defined in Scav.c; Note [GC chaos mode]. */
void chaos_scavenge_after_lost_race(void);
/* The block whose scavenge chaos_scavenge_after_lost_race interrupted on
 * this thread (NULL: none): todo_block_full must not share it. */
extern __thread bdescr *chaos_held_scan_bd;

#endif
