/* Capability.h — a capability: the right to run Haskell-side (heap) code.
 *
 * Each capability owns a nursery, mut lists (one per generation), fresh weak
 * pointers, and (issue 3) a run queue of green threads driven by one OS
 * thread's scheduler loop.  During GC each capability's OS thread is one GC
 * thread (see sm/GC.h).
 *
 * Ownership: the "storage" section is the storage manager's (sm/Storage.c,
 * sm/GC*.c); the "scheduler" section is the scheduler's (Schedule.c,
 * Capability.c).  Add fields to your own section only.
 */
#ifndef RTS_CAPABILITY_H
#define RTS_CAPABILITY_H

#include <pthread.h>
#include <stdbool.h>
#include "rts/storage/Closures.h"
#include "rts/storage/Block.h"

struct gc_thread_;
struct Task_;

typedef struct Capability_ {
    uint32_t no;

    /* ---- storage ---- */
    bdescr *nursery_blocks;         /* this capability's nursery (-A) */
    uint32_t n_nursery_blocks;
    bdescr *current_nursery;        /* block being allocated into */
    bdescr *pinned_object_block;    /* BF_PINNED block for allocatePinned */
    bdescr *pinned_object_blocks;   /* full pinned blocks since the last GC */
    bdescr **mut_lists;             /* [generations]: remembered set; gen 0 unused */
    bdescr **saved_mut_lists;       /* mut lists being scavenged by the GC */
    StgWeak *weak_ptr_list_hd;      /* weaks created since the last GC */
    StgWeak *weak_ptr_list_tl;
    uint64_t total_allocated;       /* words allocated, for -s */
    struct gc_thread_ *gct;         /* this capability's GC thread state */

    /* ---- scheduler (issue 3) ---- */
    StgTSO *run_queue_hd;
    StgTSO *run_queue_tl;
    uint32_t n_run_queue;
    StgTSO *current_tso;            /* green thread running on this capability */
    pthread_t os_thread;
    pthread_mutex_t lock;
    Message *inbox;                 /* messages from other capabilities */
    volatile bool interrupt;        /* preemption/sync request seen at safe points */
    struct Task_ *running_task;     /* OS thread holding this capability (Schedule.h) */
    struct Task_ *returning_tasks;  /* OS threads back from safe foreign calls, waiting for it */
    pthread_cond_t idle_cond;       /* an idle capability's OS thread sleeps here */
    bool sleeping;                  /* ... and says so (wake it with idle_cond) */
    uint64_t n_threads_run;         /* times a green thread was switched to here */
    uint64_t n_threads_stolen;      /* threads this capability took from others */
    uint64_t n_handoffs;            /* of n_threads_run: switches that bypassed the
                                     * scheduler loop (Note [Direct hand-off]) */
} Capability;

extern Capability **capabilities;
extern uint32_t n_capabilities;
extern Capability *MainCapability;

/* Create n capabilities (Capability.c); their storage is set up by
 * initStorage, their scheduler state by the scheduler. */
void initCapabilities(uint32_t n);

#endif
