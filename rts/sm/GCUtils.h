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

#endif
