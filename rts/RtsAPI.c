/* RtsAPI.c — object construction, mutvars, arrays, byte arrays and
 * collection for the public API (rts/include/rts.h).
 *
 * Every allocating function calls the safe point first and protects its
 * pointer arguments in a root frame across it (Note [Raw pointers die at
 * allocation] in rts.h).
 *
 * Must not depend on: the GC's internals (only GarbageCollect).
 */
#include <string.h>
#include "rts.h"
#include "Roots.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "Schedule.h"
#include "sm/Storage.h"
#include "sm/GC.h"

#define WORDS(t) (sizeof(t) / sizeof(StgWord))

void rts_gc(bool major)
{
    rts_current_cap();      /* barfs outside the runtime */
    scheduleCollect(major ? RtsFlags.GcFlags.generations - 1 : 0, major);
}

/* Run the safe point while keeping *p (a heap reference or NULL) alive and
 * up to date. */
static void safepoint_keeping(StgClosure **p)
{
    if (*p == NULL || !HEAP_ALLOCED(*p)) {
        rts_safepoint();
        return;
    }
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, *p);
    rts_safepoint();
    *p = rts_get(f, 0);
    rts_frame_pop(f);
}

/* ---- constructors ---- */

static StgClosure *alloc_constr_now(const StgInfoTable *info)
{
    if (info->type != CONSTR)
        barf("rts_alloc_constr: info table %s (%p) is not a constructor", info->name, (const void *)info);
    W_ size = 1 + (W_)info->ptrs + info->nptrs;
    StgClosure *c = (StgClosure *)allocate(rts_current_cap(), size);
    c->header.info = info;
    memset(c->payload, 0, (size - 1) * sizeof(StgWord));
    return c;
}

StgClosure *rts_alloc_constr(const StgInfoTable *info)
{
    rts_safepoint();
    return alloc_constr_now(info);
}

StgClosure *rts_alloc_constr_from(const StgInfoTable *info, RtsFrame f, uint32_t first)
{
    rts_safepoint();
    StgClosure *c = alloc_constr_now(info);
    for (uint32_t i = 0; i < info->ptrs; i++)
        c->payload[i] = rts_get(f, first + i);
    return c;
}

/* ---- mutable variables ---- */

StgClosure *rts_new_mutvar(StgClosure *init)
{
    safepoint_keeping(&init);
    StgMutVar *mv = (StgMutVar *)allocate(rts_current_cap(), WORDS(StgMutVar));
    mv->header.info = &stg_MUT_VAR_DIRTY_info;   /* new objects are young: dirty as GHC's */
    mv->var = init;
    return (StgClosure *)mv;
}

StgClosure *rts_read_mutvar(const StgClosure *mv)
{
    return ((const StgMutVar *)mv)->var;
}

void rts_write_mutvar(StgClosure *mv, StgClosure *v)
{
    ((StgMutVar *)mv)->var = v;
    dirty_MUT_VAR(rts_current_cap(), (StgMutVar *)mv);
}

/* ---- arrays of pointers ---- */

StgClosure *rts_new_array(StgWord n, StgClosure *init)
{
    if (n > ((StgWord)1 << 40))
        barf("rts_new_array: %lu elements is too many", (unsigned long)n);
    safepoint_keeping(&init);
    StgMutArrPtrs *a = (StgMutArrPtrs *)allocate(rts_current_cap(), WORDS(StgMutArrPtrs) + n);
    a->header.info = &stg_MUT_ARR_PTRS_DIRTY_info;
    a->ptrs = n;
    a->size = n;
    for (StgWord i = 0; i < n; i++)
        a->payload[i] = init;
    return (StgClosure *)a;
}

static void check_index(const StgMutArrPtrs *a, StgWord i, const char *who)
{
    if (i >= a->ptrs)
        barf("%s: index %lu out of bounds for an array of %lu elements",
             who, (unsigned long)i, (unsigned long)a->ptrs);
}

StgClosure *rts_array_read(const StgClosure *a, StgWord i)
{
    check_index((const StgMutArrPtrs *)a, i, "rts_array_read");
    return ((const StgMutArrPtrs *)a)->payload[i];
}

void rts_array_write(StgClosure *a, StgWord i, StgClosure *v)
{
    StgMutArrPtrs *arr = (StgMutArrPtrs *)a;
    check_index(arr, i, "rts_array_write");
    arr->payload[i] = v;
    dirty_MUT_ARR_PTRS(rts_current_cap(), arr);
}

StgWord rts_array_length(const StgClosure *a)
{
    return ((const StgMutArrPtrs *)a)->ptrs;
}

/* ---- byte arrays ---- */

static StgClosure *new_bytes(StgWord nbytes, bool pinned)
{
    if (nbytes > ((StgWord)1 << 40))
        barf("rts_new_bytes: %lu bytes is too many", (unsigned long)nbytes);
    rts_safepoint();
    W_ words = WORDS(StgArrBytes) + (nbytes + sizeof(StgWord) - 1) / sizeof(StgWord);
    Capability *cap = rts_current_cap();
    StgArrBytes *b = (StgArrBytes *)(pinned ? allocatePinned(cap, words) : allocate(cap, words));
    b->header.info = &stg_ARR_WORDS_info;
    b->bytes = nbytes;
    memset(b->payload, 0, (words - WORDS(StgArrBytes)) * sizeof(StgWord));
    return (StgClosure *)b;
}

StgClosure *rts_new_bytes(StgWord nbytes)
{
    return new_bytes(nbytes, false);
}

StgClosure *rts_new_pinned_bytes(StgWord nbytes)
{
    return new_bytes(nbytes, true);
}
