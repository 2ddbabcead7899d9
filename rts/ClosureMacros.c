/* ClosureMacros.c — closure_sizeW: the size in words of any heap object.
 *
 * Fixed-shape objects take their size from the info table (header +
 * ptrs + nptrs); the others from their own fields.  Thunks have a two-word
 * header (Closures.h: StgThunkHeader).
 *
 * Must not depend on: anything but the object layouts.
 */
#include "rts/storage/Closures.h"
#include "sm/Storage.h"
#include "RtsMessages.h"

#define SIZEOF_W(t) (sizeof(t) / sizeof(StgWord))

W_ closure_sizeW(const StgClosure *p)
{
    const StgInfoTable *info = p->header.info;
    switch ((enum ClosureType)info->type) {
    case CONSTR:
    case CONSTR_STATIC:
    case FUN:
    case FUN_STATIC:
    case PRIM:
    case MUT_PRIM:
    case WHITEHOLE:
    case RET_SMALL:
    case STOP_FRAME:
        return 1 + info->ptrs + info->nptrs;
    case THUNK:
        return SIZEOF_W(StgThunkHeader) + info->ptrs + info->nptrs;
    case THUNK_STATIC:
    case IND_STATIC:
        return SIZEOF_W(StgIndStatic);
    case IND:
    case BLACKHOLE:
        return SIZEOF_W(StgInd);
    case BLOCKING_QUEUE:
        return SIZEOF_W(StgBlockingQueue);
    case MVAR_CLEAN:
    case MVAR_DIRTY:
        return SIZEOF_W(StgMVar);
    case MVAR_TSO_QUEUE:
        return SIZEOF_W(StgMVarTSOQueue);
    case TSO:
        return SIZEOF_W(StgTSO);
    case STACK:
        return SIZEOF_W(StgStack) + ((const StgStack *)p)->stack_size;
    case WEAK:
    case DEAD_WEAK:
        return SIZEOF_W(StgWeak);
    case MUT_VAR_CLEAN:
    case MUT_VAR_DIRTY:
        return SIZEOF_W(StgMutVar);
    case ARR_WORDS:
        return SIZEOF_W(StgArrBytes) +
               (((const StgArrBytes *)p)->bytes + sizeof(StgWord) - 1) / sizeof(StgWord);
    case MUT_ARR_PTRS_CLEAN:
    case MUT_ARR_PTRS_DIRTY:
        return SIZEOF_W(StgMutArrPtrs) + ((const StgMutArrPtrs *)p)->size;
    case UPDATE_FRAME:
        return SIZEOF_W(StgUpdateFrame);
    case ROOT_FRAME:
        return 3 + ((const StgWord *)p)[1];     /* { info; n; prev_frame_id; roots[n] } */
    case INVALID_OBJECT:
    case N_CLOSURE_TYPES:
        break;
    }
    barf("closure_sizeW: object %p has invalid closure type %u", (const void *)p, info->type);
}
