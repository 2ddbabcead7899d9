/* Threads.h — green threads: creation, ids, labels, finishing, joining.
 *
 * A green thread is a TSO (heap, movable) with a heap STACK, plus a
 * non-heap ThreadRecord found by thread id (entry function and argument,
 * label, threads waiting to join it) and, once it first runs, a
 * GreenContext (its C stack).  Records live in a table keyed by id while
 * the thread is alive; a finished thread's record is gone, so joining an
 * id below next_thread_id that is not in the table returns at once.
 *
 * Must not depend on: the GC's internals, MVars, the debugger.
 */
#ifndef RTS_THREADS_H
#define RTS_THREADS_H

#include <stdbool.h>
#include "Capability.h"
#include "GreenContext.h"

/* Words in a new thread's heap STACK (root frames, update frames); it
 * grows on demand (Roots.c), so start small: fork-heavy programs have
 * many threads. */
#define RTS_STACK_WORDS 64

typedef struct ThreadRecord_ {
    StgThreadID id;
    void (*fn)(void *arg);
    void *arg;
    char label[40];
    StgTSO *joiners;                /* GC root: threads in rts_join, via _link */
    uint32_t fork_frame_id;         /* root frame pushed by rts_fork_with (0: none) */
    uint32_t fork_frame_serial;
    struct ThreadRecord_ *hash_next;
    struct ThreadRecord_ *joined_next;  /* on the joined list while joiners is not empty */
    struct ThreadRecord_ **joined_prev;
} ThreadRecord;

/* Allocate a TSO and its STACK on cap, give it the next id and link it on
 * g0->threads.  It is not runnable until scheduleThread().  Never collects. */
StgTSO *createThread(Capability *cap, void (*fn)(void *), void *arg);

/* The calling thread has returned from its function: wake its joiners,
 * drop its record, mark it ThreadComplete.  The scheduler then frees its
 * C stack (it must not be running on it). */
void threadFinished(Capability *cap, StgTSO *tso);

/* First switch to tso: give it a C stack that runs its function. */
GreenContext *threadContext(StgTSO *tso);

/* Label a thread (for the overflow report, the deadlock report, debuggers). */
bool setThreadLabel(StgThreadID id, const char *label);
/* The label of a live thread into buf ("" if none); false if not alive. */
bool getThreadLabel(StgThreadID id, char *buf, size_t len);

/* The root frame rts_fork_with pushed on thread id's STACK. */
void setThreadForkFrame(StgThreadID id, uint32_t frame_id, uint32_t serial);
void getThreadForkFrame(StgThreadID id, uint32_t *frame_id, uint32_t *serial);

/* Adopt the TSO rts_init made for the calling native stack as thread 1. */
void adoptMainThread(StgTSO *tso, GreenContext *native);

/* getThreadLabel for callers of forEachThreadRecord (table lock held). */
bool getThreadLabelLocked(StgThreadID id, char *buf, size_t len);

/* Wait until thread id has finished.  Returns false for an id never given. */
bool joinThread(StgThreadID id);

/* Threads not finished yet (the main thread included). */
uint32_t threadsAlive(void);
extern StgThreadID next_thread_id;

/* GC roots kept by this module (joiners). */
void markThreadRecords(void (*evac)(void *user, StgClosure **root), void *user);

/* Walk live records under the table lock (for the deadlock report). */
void forEachThreadRecord(void (*fn)(ThreadRecord *r, void *user), void *user);

/* The why_blocked name: "BlockedOnMVar", ... */
const char *whyBlockedName(uint32_t why);

#endif
