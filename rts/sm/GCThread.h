/* GCThread.h — the state of one GC thread and its per-generation workspaces.
 *
 * Every capability has one gc_thread (cap->gct).  During a collection each
 * GC thread copies live objects into its own to-space blocks, one "todo"
 * block per destination generation (gen_workspace), so copying needs no
 * lock; full blocks that still hold unscanned objects are shared with the
 * other GC threads through the work queue in GCUtils.c.
 *
 * The fields and their meaning follow GHC's rts/sm/GCThread.h (reference
 * §4.6).  Only the GC (GC.c, GCUtils.c, Evac.c, Scav.c, MarkWeak.c) and
 * Stats.c use this header.  Must not depend on: the scheduler, the debugger.
 */
#ifndef RTS_SM_GCTHREAD_H
#define RTS_SM_GCTHREAD_H

#include <stdbool.h>
#include <stdint.h>
#include "Storage.h"

struct gc_thread_;

/* Where one GC thread copies objects destined for one generation.
 *
 *   todo_bd      the block being filled; todo_free is its allocation pointer
 *                (todo_bd->free is only written when the block is closed),
 *                todo_lim the end of the space we may use in it.
 *   scavd_list   closed blocks whose every object has been scavenged.
 *   part_list    (unused for now: GHC keeps partly-filled blocks here.)
 *   todo_large_objects   large objects evacuated into this generation by
 *                this thread and not scavenged yet (linked via link).
 *   scavd_large_objects  large objects already scavenged.
 *
 * Aligned to a cache line so two threads' workspaces never share one. */
typedef struct gen_workspace_ {
    generation *gen;
    struct gc_thread_ *my_gct;

    bdescr *todo_bd;
    StgPtr todo_free;
    StgPtr todo_lim;

    bdescr *scavd_list;
    uint32_t n_scavd_blocks;
    W_ n_scavd_words;

    bdescr *part_list;
    uint32_t n_part_blocks;
    W_ n_part_words;

    bdescr *todo_large_objects;
    bdescr *scavd_large_objects;
    uint32_t n_scavd_large_blocks;
    W_ n_scavd_large_words;
} __attribute__((aligned(64))) gen_workspace;

/* wakeup states of a worker, GHC's names (reference §1.7). */
enum gc_thread_state {
    GC_THREAD_INACTIVE = 0,
    GC_THREAD_STANDING_BY = 1,
    GC_THREAD_RUNNING = 2,
    GC_THREAD_WAITING_TO_CONTINUE = 3,
};

typedef struct gc_thread_ {
    Capability *cap;
    uint32_t thread_index;          /* == cap->no */
    volatile int wakeup;            /* enum gc_thread_state; see Note [GC worker hand-shake] */

    bdescr *scan_bd;                /* block this thread is scavenging now */

    /* evacuation state (reference §2.2) */
    uint32_t evac_gen_no;           /* evacuate to at least this generation */
    bool failed_to_evac;            /* an object could not be promoted far enough */
    bool eager_promotion;           /* promote referents to evac_gen_no */

    /* statistics, read by the leader after the thread signalled "done" */
    W_ copied;                      /* words copied */
    W_ scanned;                     /* words scavenged */
    W_ any_work;                    /* times this thread looked for shared work */
    W_ no_work;                     /* ... and found none */
    uint64_t gc_start_cpu;          /* ns, CLOCK_THREAD_CPUTIME_ID */
    uint64_t gc_end_cpu;
    uint64_t gc_start_elapsed;      /* ns, CLOCK_MONOTONIC */
    uint64_t gc_end_elapsed;

    gen_workspace *gens;            /* [RtsFlags generations] */
} gc_thread;

/* The GC thread state of the calling OS thread during a collection. */
extern __thread gc_thread *gct;

/* Set by GarbageCollect for the duration of a collection. */
extern uint32_t N;                  /* oldest generation being collected */
extern bool major_gc;               /* N == oldest generation */
extern uint32_t n_gc_threads;       /* GC threads taking part in this collection */
extern gc_thread **gc_threads;      /* [n_capabilities] */

#endif
