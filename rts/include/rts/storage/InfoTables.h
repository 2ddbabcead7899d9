/* InfoTables.h — every heap object starts with a pointer to one of these.
 *
 * Info tables are static and named stg_<NAME>_info so that a debugger's
 * `x/4a` prints <stg_TSO_info>.  Pointer fields of an object come first in
 * its payload; `ptrs`/`nptrs` give the layout for the fixed-shape types
 * (CONSTR, FUN, THUNK, PRIM, ...).  Variable-sized types (ARR_WORDS,
 * MUT_ARR_PTRS_*, STACK, TSO) take their size from their own fields: see
 * closure_sizeW() in ClosureMacros.h.
 */
#ifndef RTS_STORAGE_INFOTABLES_H
#define RTS_STORAGE_INFOTABLES_H

#include <stdint.h>
#include "ClosureTypes.h"

struct StgClosure_;
struct StgTSO_;

/* Entry code of a thunk or function, called by the evaluator (issue 4):
 * computes the value of `self` on the current thread. */
typedef struct StgClosure_ *(*StgEntryFn)(struct StgClosure_ *self);

typedef struct StgInfoTable_ {
    uint32_t type;          /* enum ClosureType */
    uint32_t ptrs;          /* pointer words at the start of the payload */
    uint32_t nptrs;         /* non-pointer words after them */
    uint32_t con_tag;       /* constructor number (CONSTR), 0 otherwise */
    const char *name;       /* "TSO", "Cons", ... for printers and the ABI */
    StgEntryFn entry;       /* THUNK/FUN/THUNK_STATIC entry; NULL otherwise */
} StgInfoTable;

/* Define a static info table named stg_<name>_info. */
#define RTS_INFO_TABLE(name_, type_, ptrs_, nptrs_, entry_)           \
    const StgInfoTable stg_##name_##_info = {                         \
        .type = (type_), .ptrs = (ptrs_), .nptrs = (nptrs_),           \
        .con_tag = 0, .name = #name_, .entry = (entry_) }

/* Info tables of the runtime's own objects (defined in rts/StgMiscClosures.c). */
extern const StgInfoTable stg_IND_info;
extern const StgInfoTable stg_IND_STATIC_info;
extern const StgInfoTable stg_BLACKHOLE_info;
extern const StgInfoTable stg_CAF_BLACKHOLE_info;
extern const StgInfoTable stg_EAGER_BLACKHOLE_info;
extern const StgInfoTable stg_BLOCKING_QUEUE_CLEAN_info;
extern const StgInfoTable stg_BLOCKING_QUEUE_DIRTY_info;
extern const StgInfoTable stg_WHITEHOLE_info;
extern const StgInfoTable stg_MVAR_CLEAN_info;
extern const StgInfoTable stg_MVAR_DIRTY_info;
extern const StgInfoTable stg_MVAR_TSO_QUEUE_info;
extern const StgInfoTable stg_TSO_info;
extern const StgInfoTable stg_STACK_info;
extern const StgInfoTable stg_WEAK_info;
extern const StgInfoTable stg_DEAD_WEAK_info;
extern const StgInfoTable stg_MUT_VAR_CLEAN_info;
extern const StgInfoTable stg_MUT_VAR_DIRTY_info;
extern const StgInfoTable stg_ARR_WORDS_info;
extern const StgInfoTable stg_MUT_ARR_PTRS_CLEAN_info;
extern const StgInfoTable stg_MUT_ARR_PTRS_DIRTY_info;
extern const StgInfoTable stg_END_TSO_QUEUE_info;
extern const StgInfoTable stg_MSG_TRY_WAKEUP_info;
extern const StgInfoTable stg_MSG_BLACKHOLE_info;
extern const StgInfoTable stg_MSG_NULL_info;
extern const StgInfoTable stg_upd_frame_info;
extern const StgInfoTable stg_bh_upd_frame_info;
extern const StgInfoTable stg_marked_upd_frame_info;
extern const StgInfoTable stg_roots_frame_info;
extern const StgInfoTable stg_stop_frame_info;
extern const StgInfoTable stg_noDuplicate_frame_info;

#endif
