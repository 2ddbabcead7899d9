/* Threads.c — creating, labelling, finishing and joining green threads.
 *
 * See Threads.h.  The record table is a fixed array of hash chains keyed
 * by thread id, under one mutex; it holds only live threads.  The records
 * that threads are joining are also on the joined list, the only ones the
 * GC must visit (Note [The joined list]).
 *
 * Must not depend on: the GC's internals, MVars, the debugger.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "Threads.h"
#include "FlightRecorder.h"
#include "Schedule.h"
#include "RtsMessages.h"
#include "sm/Storage.h"
#include "Roots.h"

#define TABLE_SIZE 65536

StgThreadID next_thread_id = 1;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static ThreadRecord *table[TABLE_SIZE];
static uint32_t n_alive;

/* Note [The joined list]
 * ~~~~~~~~~~~~~~~~~~~~~~~
 * A record's joiners (threads blocked in rts_join) are GC roots.  The GC
 * used to find them by scanning the whole table, 65,536 chains (512 KiB
 * of pointers) per collection, whatever the number of threads: ~240,000
 * instructions and the L2 cache's worth of misses, ~26 us of every minor
 * GC of a two-thread program (ping-pong at -A64k: 86 ns per round trip
 * against 60 at -A1m).  Records with joiners are now also linked on this
 * list, under the table lock, from the first join to the thread's end, and
 * markThreadRecords walks only it. */
static ThreadRecord *joined_list;

static void joinedAdd(ThreadRecord *r)
{
    r->joined_next = joined_list;
    if (joined_list != NULL)
        joined_list->joined_prev = &r->joined_next;
    r->joined_prev = &joined_list;
    joined_list = r;
}

static void joinedRemove(ThreadRecord *r)
{
    *r->joined_prev = r->joined_next;
    if (r->joined_next != NULL)
        r->joined_next->joined_prev = r->joined_prev;
}

static const char *const why_blocked_names[] = {
#define RTS_WB_NAME(name, val) [val] = #name,
    RTS_WHY_BLOCKED(RTS_WB_NAME)
#undef RTS_WB_NAME
};

const char *whyBlockedName(uint32_t why)
{
    if (why < sizeof why_blocked_names / sizeof why_blocked_names[0]
        && why_blocked_names[why] != NULL)
        return why_blocked_names[why];
    return "BlockedOn?";
}

static ThreadRecord **lookupSlot(StgThreadID id)
{
    ThreadRecord **p = &table[id % TABLE_SIZE];
    while (*p != NULL && (*p)->id != id)
        p = &(*p)->hash_next;
    return p;
}

/* A fresh TSO with an empty STACK (a STOP_FRAME at the bottom), linked on
 * g0->threads.  Both objects come from cap's nursery; never collects. */
static StgTSO *allocTSO(Capability *cap, StgThreadID id)
{
    StgStack *stack = rts_new_stack(cap, RTS_STACK_WORDS);
    StgTSO *tso = (StgTSO *)allocate(cap, sizeof(StgTSO) / sizeof(StgWord));
    tso->header.info = &stg_TSO_info;
    tso->_link = END_TSO_QUEUE;
    tso->stackobj = stack;
    tso->block_info.closure = END_TSO_QUEUE;
    tso->bq = END_TSO_QUEUE;
    tso->mvar_value = END_TSO_QUEUE;
    tso->what_next = ThreadRunGHC;
    tso->why_blocked = NotBlocked;
    tso->flags = 0;
    tso->id = id;
    tso->saved_errno = 0;
    tso->dirty = 1;
    tso->upd_frames = 0;
    tso->cap = cap;
    tso->ctx = NULL;
    tso->blocked_since_ns = 0;
    tso->tot_stack_size = RTS_STACK_WORDS;

    /* g0 has no remembered set to keep, so a CAS push is the whole barrier;
     * the GC runs with the world stopped. */
    StgTSO *old = __atomic_load_n(&g0->threads, __ATOMIC_RELAXED);
    do {
        tso->global_link = old;
    } while (!__atomic_compare_exchange_n(&g0->threads, &old, tso, true,
                                          __ATOMIC_RELEASE, __ATOMIC_RELAXED));
    return tso;
}

static ThreadRecord *newRecord(StgThreadID id, void (*fn)(void *), void *arg)
{
    ThreadRecord *r = calloc(1, sizeof *r);
    if (r == NULL)
        barf("out of memory creating thread %u", id);
    r->id = id;
    r->fn = fn;
    r->arg = arg;
    r->joiners = END_TSO_QUEUE;
    pthread_mutex_lock(&table_lock);
    ThreadRecord **slot = &table[id % TABLE_SIZE];
    r->hash_next = *slot;
    *slot = r;
    n_alive++;
    pthread_mutex_unlock(&table_lock);
    return r;
}

StgTSO *createThread(Capability *cap, void (*fn)(void *), void *arg)
{
    StgThreadID id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
    newRecord(id, fn, arg);
    StgTSO *tso = allocTSO(cap, id);
    if (traceEnabled(EVCAT_THREAD))
        traceEvent(capRing(cap->no), EVENT_THREAD_CREATE, (uint64_t)(uintptr_t)tso, id, 0, 0);
    return tso;
}

void adoptMainThread(StgTSO *tso, GreenContext *native)
{
    ThreadRecord *r = newRecord(tso->id, NULL, NULL);
    strcpy(r->label, "main");
    if (next_thread_id <= tso->id)
        next_thread_id = tso->id + 1;
    native->thread_id = tso->id;
    strcpy(native->label, "main");
    tso->ctx = native;
}

void setThreadForkFrame(StgThreadID id, uint32_t frame_id, uint32_t serial)
{
    pthread_mutex_lock(&table_lock);
    ThreadRecord *r = *lookupSlot(id);
    if (r != NULL) {
        r->fork_frame_id = frame_id;
        r->fork_frame_serial = serial;
    }
    pthread_mutex_unlock(&table_lock);
}

void getThreadForkFrame(StgThreadID id, uint32_t *frame_id, uint32_t *serial)
{
    pthread_mutex_lock(&table_lock);
    ThreadRecord *r = *lookupSlot(id);
    *frame_id = r != NULL ? r->fork_frame_id : 0;
    *serial = r != NULL ? r->fork_frame_serial : 0;
    pthread_mutex_unlock(&table_lock);
}

/* First C frame of a green thread above the trampoline. */
static void threadEntry(void *arg)
{
    completeHandoff();          /* Note [Direct hand-off] in Schedule.c */
    ThreadRecord *r = arg;
    void (*fn)(void *) = r->fn;
    void *fn_arg = r->arg;
    fn(fn_arg);
    finishCurrentThread();
}

GreenContext *threadContext(StgTSO *tso)
{
    pthread_mutex_lock(&table_lock);
    ThreadRecord *r = *lookupSlot(tso->id);
    pthread_mutex_unlock(&table_lock);
    if (r == NULL)
        barf("thread %u has no record", tso->id);
    GreenContext *ctx = greenContextNew(threadEntry, r);
    if (ctx == NULL)
        barf("cannot map a %zu-byte C stack for thread %u: %s",
             green_stack_size, tso->id, strerror(errno));
    ctx->thread_id = tso->id;
    memcpy(ctx->label, r->label, sizeof ctx->label);
    tso->ctx = ctx;
    return ctx;
}

void threadFinished(Capability *cap, StgTSO *tso)
{
    pthread_mutex_lock(&table_lock);
    ThreadRecord **slot = lookupSlot(tso->id);
    ThreadRecord *r = *slot;
    StgTSO *joiners = END_TSO_QUEUE;
    if (r != NULL) {
        *slot = r->hash_next;
        joiners = r->joiners;
        if (joiners != END_TSO_QUEUE)
            joinedRemove(r);
        n_alive--;
    }
    pthread_mutex_unlock(&table_lock);
    free(r);

    if (traceEnabled(EVCAT_THREAD))
        traceEvent(capRing(cap->no), EVENT_THREAD_FINISH, (uint64_t)(uintptr_t)tso, tso->id, 0, 0);
    tso->what_next = ThreadComplete;
    tso->why_blocked = NotBlocked;
    tso->_link = END_TSO_QUEUE;
    while (joiners != END_TSO_QUEUE) {
        StgTSO *j = joiners;
        joiners = j->_link;
        j->_link = END_TSO_QUEUE;
        tryWakeupThread(cap, j);
    }
}

bool setThreadLabel(StgThreadID id, const char *label)
{
    pthread_mutex_lock(&table_lock);
    ThreadRecord *r = *lookupSlot(id);
    if (r != NULL) {
        strncpy(r->label, label, sizeof r->label - 1);
        r->label[sizeof r->label - 1] = '\0';
    }
    pthread_mutex_unlock(&table_lock);
    if (r == NULL)
        return false;
    /* The running thread's C stack report uses the context's copy. */
    StgTSO *me = myTSO();
    if (me != NULL && me->id == id && me->ctx != NULL)
        memcpy(me->ctx->label, r->label, sizeof me->ctx->label);
    return true;
}

bool getThreadLabelLocked(StgThreadID id, char *buf, size_t len)
{
    ThreadRecord *r = *lookupSlot(id);
    if (r != NULL && len > 0) {
        strncpy(buf, r->label, len - 1);
        buf[len - 1] = '\0';
    }
    return r != NULL;
}

bool getThreadLabel(StgThreadID id, char *buf, size_t len)
{
    pthread_mutex_lock(&table_lock);
    bool alive = getThreadLabelLocked(id, buf, len);
    pthread_mutex_unlock(&table_lock);
    return alive;
}

static void unlockTable(Capability *cap, void *arg)
{
    pthread_mutex_unlock(&table_lock);
}

bool joinThread(StgThreadID id)
{
    if (id == 0 || id >= __atomic_load_n(&next_thread_id, __ATOMIC_RELAXED))
        return false;
    StgTSO *me = myTSO();
    if (me == NULL)
        barf("rts_join called outside a green thread");
    if (me->id == id)
        return false;
    pthread_mutex_lock(&table_lock);
    ThreadRecord *r = *lookupSlot(id);
    if (r == NULL) {
        pthread_mutex_unlock(&table_lock);
        return true;            /* already finished */
    }
    if (!me->dirty)
        dirty_TSO(me->cap, me);
    if (r->joiners == END_TSO_QUEUE)
        joinedAdd(r);
    me->_link = r->joiners;
    r->joiners = me;
    me->why_blocked = BlockedOnMsgThrowTo;
    me->block_info.closure = END_TSO_QUEUE;
    /* The table stays locked until we are switched out (BLOCK_BUT_FIRST):
     * the thread cannot finish and wake us half-way. */
    blockCurrentThread(unlockTable, NULL);
    return true;
}

uint32_t threadsAlive(void)
{
    return __atomic_load_n(&n_alive, __ATOMIC_RELAXED);
}

void markThreadRecords(void (*evac)(void *user, StgClosure **root), void *user)
{
    for (ThreadRecord *r = joined_list; r != NULL; r = r->joined_next)
        evac(user, (StgClosure **)&r->joiners);
}

void forEachThreadRecord(void (*fn)(ThreadRecord *r, void *user), void *user)
{
    pthread_mutex_lock(&table_lock);
    for (size_t i = 0; i < TABLE_SIZE; i++)
        for (ThreadRecord *r = table[i]; r != NULL; r = r->hash_next)
            fn(r, user);
    pthread_mutex_unlock(&table_lock);
}
