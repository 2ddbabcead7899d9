/* GCUtils.c — to-space blocks for GC threads and the shared work queue.
 *
 * Offers: alloc_todo_block, todo_block_full, push_scanned_block, the work
 * queue and the running-thread count used for termination.
 * Must not depend on: the scheduler, the debugger.
 */
#include <stdatomic.h>
#include <pthread.h>
#include "GCUtils.h"

/* Note [Sharing work between GC threads]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Each GC thread copies into its own todo blocks and scavenges them itself.
 * A todo block that fills up while it still holds unscanned objects is
 * closed (bd->free is final from then on) and pushed on one shared queue,
 * unless its owner is scavenging it right now (gct->scan_bd == bd), in
 * which case the owner simply scans on to bd->free.  Any GC thread may take
 * a queued block and scavenge it; everything in it was written before the
 * push, and the queue's mutex orders those writes before the taker's reads.
 * A block therefore has exactly one scanner at any time.
 */

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static bdescr *work_queue_hd;
static bdescr *work_queue_tl;
static atomic_uint work_queue_len;
static atomic_uint gc_running_threads;

void init_work_queue(void)
{
    work_queue_hd = work_queue_tl = NULL;
    atomic_store(&work_queue_len, 0);
}

void push_work_block(bdescr *bd)
{
    bd->link = NULL;
    pthread_mutex_lock(&work_lock);
    if (work_queue_tl == NULL)
        work_queue_hd = bd;
    else
        work_queue_tl->link = bd;
    work_queue_tl = bd;
    atomic_fetch_add(&work_queue_len, 1);
    pthread_mutex_unlock(&work_lock);
}

bdescr *grab_work_block(void)
{
    bdescr *bd;
    if (atomic_load_explicit(&work_queue_len, memory_order_relaxed) == 0)
        return NULL;
    pthread_mutex_lock(&work_lock);
    bd = work_queue_hd;
    if (bd != NULL) {
        work_queue_hd = bd->link;
        if (work_queue_hd == NULL)
            work_queue_tl = NULL;
        bd->link = NULL;
        atomic_fetch_sub(&work_queue_len, 1);
    }
    pthread_mutex_unlock(&work_lock);
    return bd;
}

bool any_work(void)
{
    return atomic_load(&work_queue_len) != 0;
}

/* Note [Termination of parallel scavenging]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * gc_running_threads counts the GC threads that may still create work.  A
 * thread decrements it only after it found its own workspaces fully
 * scanned and the shared queue empty; while idle it watches the queue and
 * re-increments before taking work.  Work is only ever pushed by a running
 * thread, so once the count reaches zero the queue is empty and stays
 * empty: every thread that sees zero may stop (GHC's scavenge_until_all_done).
 */
void set_running_gc_threads(uint32_t n) { atomic_store(&gc_running_threads, n); }
void inc_running(void) { atomic_fetch_add(&gc_running_threads, 1); }
uint32_t dec_running(void) { return atomic_fetch_sub(&gc_running_threads, 1) - 1; }
uint32_t running_gc_threads(void) { return atomic_load(&gc_running_threads); }

/* A fresh to-space block for ws: flagged BF_EVACUATED so that evacuate
 * leaves objects already copied alone, owned by ws's generation, and with
 * survivors of the next GC going to gen->to (aging in gen 0). */
StgPtr alloc_todo_block(gen_workspace *ws, uint32_t size)
{
    bdescr *bd;
    W_ blocks = (size + BLOCK_SIZE_W - 1) / BLOCK_SIZE_W;

    bd = blocks <= 1 ? allocBlock_lock() : allocGroup_lock(blocks);
    initBdescr(bd, ws->gen, ws->gen->to);
    bd->flags = BF_EVACUATED;
    bd->free = bd->start;
    bd->u.scan = bd->start;
    bd->link = NULL;

    ws->todo_bd = bd;
    ws->todo_free = bd->start;
    ws->todo_lim = bd->start + (W_)(blocks ? blocks : 1) * BLOCK_SIZE_W;
    return ws->todo_free;
}

void push_scanned_block(bdescr *bd, gen_workspace *ws)
{
    bd->link = ws->scavd_list;
    ws->scavd_list = bd;
    ws->n_scavd_blocks += bd->blocks;
    ws->n_scavd_words += (W_)(bd->free - bd->start);
}

/* See Note [Sharing work between GC threads]. */
StgPtr todo_block_full(uint32_t size, gen_workspace *ws)
{
    bdescr *bd = ws->todo_bd;
    StgPtr p;

    /* The caller bumped todo_free past todo_lim: undo that, close the block. */
    ws->todo_free -= size;
    bd->free = ws->todo_free;

    if (bd != gct->scan_bd) {
        if (bd->u.scan < bd->free)
            push_work_block(bd);
        else
            push_scanned_block(bd, ws);
    }
    /* else: we are scavenging bd right now and will file it when done. */

    p = alloc_todo_block(ws, size);
    ws->todo_free = p + size;
    return p;
}
