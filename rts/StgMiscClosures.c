/* StgMiscClosures.c — the runtime's own info tables (stg_*_info), the
 * static END_TSO_QUEUE closure, and the set of known info tables.
 *
 * Layouts (ptrs, nptrs) describe the fixed part of each object as laid out
 * in Closures.h; variable-sized objects (STACK, ARR_WORDS, MUT_ARR_PTRS)
 * take their size from their own fields (closure_sizeW).
 *
 * Must not depend on: the storage manager, the GC, the scheduler.
 */
#include <pthread.h>
#include <stdint.h>
#include "rts/storage/Closures.h"
#include "StgMiscClosures.h"
#include "RtsMessages.h"
#include "rts.h"

#define WORDS(t) ((uint32_t)(sizeof(t) / sizeof(StgWord)))

RTS_INFO_TABLE(IND,                IND,            1, 0, NULL);
RTS_INFO_TABLE(IND_STATIC,         IND_STATIC,     1, 2, NULL);
RTS_INFO_TABLE(BLACKHOLE,          BLACKHOLE,      1, 0, NULL);
RTS_INFO_TABLE(CAF_BLACKHOLE,      BLACKHOLE,      1, 0, NULL);
RTS_INFO_TABLE(EAGER_BLACKHOLE,    BLACKHOLE,      1, 0, NULL);
RTS_INFO_TABLE(BLOCKING_QUEUE_CLEAN, BLOCKING_QUEUE, 4, 0, NULL);
RTS_INFO_TABLE(BLOCKING_QUEUE_DIRTY, BLOCKING_QUEUE, 4, 0, NULL);
RTS_INFO_TABLE(WHITEHOLE,          WHITEHOLE,      0, 0, NULL);
RTS_INFO_TABLE(MVAR_CLEAN,         MVAR_CLEAN,     3, 0, NULL);
RTS_INFO_TABLE(MVAR_DIRTY,         MVAR_DIRTY,     3, 0, NULL);
RTS_INFO_TABLE(MVAR_TSO_QUEUE,     MVAR_TSO_QUEUE, 2, 0, NULL);
/* TSO: _link, global_link, stackobj, block_info, bq are the pointers. */
RTS_INFO_TABLE(TSO,                TSO,            5, WORDS(StgTSO) - 6, NULL);
RTS_INFO_TABLE(STACK,              STACK,          0, 0, NULL);
/* WEAK: only cfinalizers is scavenged generically (see Closures.h). */
RTS_INFO_TABLE(WEAK,               WEAK,           1, 4, NULL);
RTS_INFO_TABLE(DEAD_WEAK,          DEAD_WEAK,      0, 5, NULL);
RTS_INFO_TABLE(MUT_VAR_CLEAN,      MUT_VAR_CLEAN,  1, 0, NULL);
RTS_INFO_TABLE(MUT_VAR_DIRTY,      MUT_VAR_DIRTY,  1, 0, NULL);
RTS_INFO_TABLE(ARR_WORDS,          ARR_WORDS,      0, 0, NULL);
RTS_INFO_TABLE(MUT_ARR_PTRS_CLEAN, MUT_ARR_PTRS_CLEAN, 0, 0, NULL);
RTS_INFO_TABLE(MUT_ARR_PTRS_DIRTY, MUT_ARR_PTRS_DIRTY, 0, 0, NULL);
RTS_INFO_TABLE(END_TSO_QUEUE,      CONSTR_STATIC,  0, 0, NULL);
RTS_INFO_TABLE(MSG_TRY_WAKEUP,     PRIM,           2, 0, NULL);
RTS_INFO_TABLE(MSG_BLACKHOLE,      PRIM,           3, 0, NULL);
RTS_INFO_TABLE(MSG_NULL,           PRIM,           1, 0, NULL);
RTS_INFO_TABLE(upd_frame,          UPDATE_FRAME,   1, 0, NULL);
RTS_INFO_TABLE(bh_upd_frame,       UPDATE_FRAME,   1, 0, NULL);
RTS_INFO_TABLE(marked_upd_frame,   UPDATE_FRAME,   1, 0, NULL);
RTS_INFO_TABLE(roots_frame,        ROOT_FRAME,     0, 0, NULL);
RTS_INFO_TABLE(stop_frame,         STOP_FRAME,     0, 0, NULL);
RTS_INFO_TABLE(noDuplicate_frame,  RET_SMALL,      0, 0, NULL);

StgClosure stg_END_TSO_QUEUE_closure = { .header = { .info = &stg_END_TSO_QUEUE_info } };

const StgInfoTable *const rts_info_tables[] = {
    &stg_IND_info, &stg_IND_STATIC_info, &stg_BLACKHOLE_info, &stg_CAF_BLACKHOLE_info,
    &stg_EAGER_BLACKHOLE_info, &stg_BLOCKING_QUEUE_CLEAN_info, &stg_BLOCKING_QUEUE_DIRTY_info,
    &stg_WHITEHOLE_info, &stg_MVAR_CLEAN_info, &stg_MVAR_DIRTY_info, &stg_MVAR_TSO_QUEUE_info,
    &stg_TSO_info, &stg_STACK_info, &stg_WEAK_info, &stg_DEAD_WEAK_info,
    &stg_MUT_VAR_CLEAN_info, &stg_MUT_VAR_DIRTY_info, &stg_ARR_WORDS_info,
    &stg_MUT_ARR_PTRS_CLEAN_info, &stg_MUT_ARR_PTRS_DIRTY_info, &stg_END_TSO_QUEUE_info,
    &stg_MSG_TRY_WAKEUP_info, &stg_MSG_BLACKHOLE_info, &stg_MSG_NULL_info,
    &stg_upd_frame_info, &stg_bh_upd_frame_info, &stg_marked_upd_frame_info,
    &stg_roots_frame_info, &stg_stop_frame_info, &stg_noDuplicate_frame_info,
};
const size_t n_rts_info_tables = sizeof rts_info_tables / sizeof rts_info_tables[0];

/* ---- the set of known info tables ---- */

/* Open addressing over a fixed table: registrations happen before main
 * (RTS_DEFINE_CONSTR's constructor functions) or rarely after (dlopen), so
 * inserts take a lock and lookups, which only ever see a growing set of
 * published slots, do not. */
#define INFO_SET_SIZE 4096
static const StgInfoTable *_Atomic info_set[INFO_SET_SIZE];
static const StgInfoTable *registered[INFO_SET_SIZE];
static size_t n_registered;
static pthread_mutex_t info_set_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int info_set_ready;

static size_t info_hash(const void *p)
{
    return (size_t)(((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ULL >> 52) & (INFO_SET_SIZE - 1);
}

static bool info_set_insert(const StgInfoTable *info)
{
    for (size_t i = info_hash(info), probes = 0; probes < INFO_SET_SIZE;
         i = (i + 1) & (INFO_SET_SIZE - 1), probes++) {
        if (info_set[i] == info)
            return false;
        if (info_set[i] == NULL) {
            info_set[i] = info;
            return true;
        }
    }
    barf("rts_register_info_table: more than %d info tables", INFO_SET_SIZE);
}

static void info_set_init_locked(void)
{
    if (info_set_ready)
        return;
    for (size_t i = 0; i < n_rts_info_tables; i++)
        info_set_insert(rts_info_tables[i]);
    info_set_ready = 1;
}

void rts_register_info_table(const StgInfoTable *info)
{
    pthread_mutex_lock(&info_set_lock);
    info_set_init_locked();
    if (info_set_insert(info))
        registered[n_registered++] = info;
    pthread_mutex_unlock(&info_set_lock);
}

bool isKnownInfoTable(const void *p)
{
    if (!info_set_ready) {
        pthread_mutex_lock(&info_set_lock);
        info_set_init_locked();
        pthread_mutex_unlock(&info_set_lock);
    }
    if (p == NULL || ((uintptr_t)p & 7) != 0)
        return false;
    for (size_t i = info_hash(p);; i = (i + 1) & (INFO_SET_SIZE - 1)) {
        const StgInfoTable *e = info_set[i];
        if (e == p)
            return true;
        if (e == NULL)
            return false;
    }
}

