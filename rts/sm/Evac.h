/* Evac.h — evacuation: copying one live object into to-space.
 *
 * evacuate(p) makes *p point at the to-space copy of the object it points
 * at, copying it if no GC thread has yet (reference §2.2).  Callers set
 * gct->evac_gen_no first: the object ends up in at least that generation
 * (eager promotion) or gct->failed_to_evac is set.
 *
 * Must not depend on: the scheduler, the debugger.
 */
#ifndef RTS_SM_EVAC_H
#define RTS_SM_EVAC_H

#include "GCThread.h"

void evacuate(StgClosure **p);

/* The updatee of an update frame: copied even when it has meanwhile been
 * updated (the frame will still write to it), never shorted out. */
void evacuate_BLACKHOLE(StgClosure **p);

/* Size in words of the object q whose info table is `info`.  The GC reads
 * the info pointer once and passes it in, because another GC thread may
 * replace q's header with a forwarding pointer at any moment; it must agree
 * with closure_sizeW (Storage.h), which the sanity checker verifies. */
static inline W_ gc_closure_sizeW(const StgClosure *q, const StgInfoTable *info)
{
    switch (info->type) {
    case THUNK:
    case THUNK_STATIC:
        return sizeof(StgThunkHeader) / sizeof(W_) + info->ptrs + info->nptrs;
    case ARR_WORDS:
        return sizeof(StgArrBytes) / sizeof(W_)
             + (((const StgArrBytes *)q)->bytes + sizeof(W_) - 1) / sizeof(W_);
    case MUT_ARR_PTRS_CLEAN:
    case MUT_ARR_PTRS_DIRTY:
        return sizeof(StgMutArrPtrs) / sizeof(W_) + ((const StgMutArrPtrs *)q)->size;
    case TSO:
        return sizeof(StgTSO) / sizeof(W_);
    case STACK:
        return sizeof(StgStack) / sizeof(W_) + ((const StgStack *)q)->stack_size;
    default:
        return 1 + info->ptrs + info->nptrs;
    }
}

#endif
