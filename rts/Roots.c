/* Roots.c — root frames: how C code holds heap references across
 * allocation and GC (the public half is in rts/include/rts.h).
 *
 * Must not depend on: the GC's internals (it only relies on the frame
 * layout of Closures.h, which the GC's scavenge_stack walks), the scheduler.
 */
#include <stdatomic.h>
#include <string.h>
#include "rts.h"
#include "Roots.h"
#include "sm/Storage.h"
#include "RtsMessages.h"

/* Note [The current thread]
 * The mutator's current thread is capabilities[i]->current_tso for the
 * capability the calling OS thread holds (rts_my_cap, thread-local).  The
 * GC updates cap->current_tso when it moves the TSO, so nothing here caches
 * a TSO or STACK address across anything that can collect.  Green threads
 * (issue 3) only add more threads: the scheduler sets cap->current_tso when
 * it switches and rts_my_cap when an OS thread takes a capability. */
__thread Capability *rts_my_cap;

Capability *rts_current_cap(void)
{
    Capability *cap = rts_my_cap;
    if (cap == NULL)
        barf("no capability: rts_init() has not run, or this OS thread is not a runtime thread");
    return cap;
}

/* Note [Root frames]
 * A root frame on a thread's STACK is
 *     ROOT_FRAME { info = &stg_roots_frame_info; n; prev_frame_id; roots[n] }
 * (Closures.h).  A frame's id is its distance in words from the end of the
 * stack: stacks grow down from the end, so the id survives the GC moving
 * the STACK and rts_frame_push growing it (the used part is copied to the
 * end of a bigger STACK).  prev_frame_id holds, in its low 32 bits, the id
 * of the enclosing root frame (0 for none) — a debugger walks root frames
 * with it — and in its high 32 bits this frame's serial number, a counter
 * taken at push time.  A handle (RtsFrame) is {id, serial}: rts_get/rts_set
 * in DEBUG builds barf when the frame at that id is gone (popped) or is a
 * different push (serial differs), and rts_frame_pop always insists on
 * last-in first-out.  Roots start out NULL; NULL and static closures are
 * valid roots (the GC skips them). */

static _Atomic uint32_t next_frame_serial = 1;

static inline StgPtr stack_end(StgStack *stack)
{
    return stack->stack + stack->stack_size;
}

static inline StgStack *current_stack(Capability *cap)
{
    return cap->current_tso->stackobj;
}

StgStack *rts_new_stack(Capability *cap, uint32_t words)
{
    StgStack *stack = (StgStack *)allocate(cap, sizeof(StgStack) / sizeof(StgWord) + words);
    stack->header.info = &stg_STACK_info;
    stack->stack_size = words;
    stack->dirty = STACK_DIRTY;
    stack->marking = 0;
    stack->pad = 0;
    stack->sp = stack_end(stack) - 1;
    *stack->sp = (StgWord)&stg_stop_frame_info;
    return stack;
}

StgTSO *rts_create_main_tso(Capability *cap)
{
    StgStack *stack = rts_new_stack(cap, RTS_INITIAL_STACK_WORDS);
    StgTSO *tso = (StgTSO *)allocate(cap, sizeof(StgTSO) / sizeof(StgWord));
    memset(tso, 0, sizeof *tso);
    tso->header.info = &stg_TSO_info;
    tso->_link = END_TSO_QUEUE;
    tso->global_link = g0->threads;
    tso->stackobj = stack;
    tso->block_info.closure = END_TSO_QUEUE;
    tso->bq = END_TSO_QUEUE;
    tso->mvar_value = END_TSO_QUEUE;
    tso->what_next = ThreadRunGHC;
    tso->why_blocked = NotBlocked;
    tso->id = 1;
    tso->dirty = 1;
    tso->cap = cap;
    tso->tot_stack_size = stack->stack_size;
    g0->threads = tso;
    cap->current_tso = tso;
    return tso;
}

/* Replace tso's STACK by one with room for `need` more words.  Frame ids
 * do not change (Note [Root frames]).  Never collects. */
static StgStack *grow_stack(Capability *cap, StgTSO *tso, W_ need)
{
    StgStack *old = tso->stackobj;
    W_ used = (W_)(stack_end(old) - old->sp);
    W_ size = (W_)old->stack_size * 2;
    if (size < used + need + 64)
        size = used + need + 64;
    if (size > UINT32_MAX)
        barf("rts_frame_push: thread %u's stack would exceed %u words", tso->id, UINT32_MAX);
    StgStack *new = rts_new_stack(cap, (uint32_t)size);
    new->sp = stack_end(new) - used;
    memcpy(new->sp, old->sp, used * sizeof(StgWord));
    /* leave the old STACK empty: if it is still on a mut list its stale
     * frames must not keep anything alive */
    old->sp = stack_end(old) - 1;
    dirty_TSO(cap, tso);
    tso->stackobj = new;
    tso->tot_stack_size = new->stack_size;
    return new;
}

/* Reserve `words` words on the current thread's STACK for frames the
 * caller writes at once (update frames: rts/Updates.c); returns the new sp.
 * May allocate (to grow the stack) but never collects. */
StgPtr rts_stack_push(Capability *cap, W_ words)
{
    StgTSO *tso = cap->current_tso;
    StgStack *stack = tso->stackobj;
    if ((W_)(stack->sp - stack->stack) < words)
        stack = grow_stack(cap, tso, words);
    dirty_STACK(cap, stack);
    stack->sp -= words;
    return stack->sp;
}

/* The id of the innermost root frame on stack, 0 when there is none. */
static uint32_t innermost_root_frame_id(StgStack *stack)
{
    StgPtr end = stack_end(stack);
    for (StgPtr p = stack->sp; p < end; p += closure_sizeW((StgClosure *)p)) {
        if ((const StgInfoTable *)*p == &stg_roots_frame_info)
            return (uint32_t)(end - p);
    }
    return 0;
}

RtsFrame rts_frame_push(uint32_t n)
{
    Capability *cap = rts_current_cap();
    StgTSO *tso = cap->current_tso;
    StgStack *stack = tso->stackobj;
    W_ need = ROOT_FRAME_HEADER_W + (W_)n;
    if ((W_)(stack->sp - stack->stack) < need)
        stack = grow_stack(cap, tso, need);
    dirty_STACK(cap, stack);

    uint32_t serial = atomic_fetch_add_explicit(&next_frame_serial, 1, memory_order_relaxed);
    uint32_t prev = innermost_root_frame_id(stack);
    StgPtr frame = stack->sp - need;
    frame[0] = (StgWord)&stg_roots_frame_info;
    frame[1] = n;
    frame[2] = ((StgWord)serial << 32) | prev;
    memset(&frame[ROOT_FRAME_HEADER_W], 0, n * sizeof(StgWord));
    stack->sp = frame;
    return (RtsFrame){ .id = (uint32_t)(stack_end(stack) - frame), .serial = serial };
}

static const char *frame_problem(StgStack *stack, RtsFrame f)
{
    if (f.id == 0 || f.id > stack->stack_size)
        return "not a frame of this thread";
    StgPtr frame = stack_end(stack) - f.id;
    if (frame < stack->sp)
        return "popped";
    if ((const StgInfoTable *)frame[0] != &stg_roots_frame_info || (frame[2] >> 32) != f.serial)
        return "popped (its slot now holds another frame)";
    return NULL;
}

/* The frame of handle f; in DEBUG builds barf()s when f is stale or slot
 * i is out of range (i == UINT32_MAX: no slot to check). */
static inline StgPtr frame_of(StgStack *stack, RtsFrame f, uint32_t i, const char *who)
{
    StgPtr frame = stack_end(stack) - f.id;
#ifdef DEBUG
    const char *problem = frame_problem(stack, f);
    if (problem)
        barf("%s: stale root frame handle (frame id %u, serial %u): the frame was %s",
             who, f.id, f.serial, problem);
    if (i != UINT32_MAX && i >= frame[1])
        barf("%s: root slot %u out of range: the frame has %lu slots", who, i, (unsigned long)frame[1]);
#else
    (void)i;
    (void)who;
#endif
    return frame;
}

void rts_frame_pop(RtsFrame f)
{
    Capability *cap = rts_current_cap();
    StgStack *stack = current_stack(cap);
    const char *problem = frame_problem(stack, f);
    if (problem)
        barf("rts_frame_pop: stale root frame handle (frame id %u, serial %u): the frame was %s",
             f.id, f.serial, problem);
    StgPtr frame = stack_end(stack) - f.id;
    if (frame != stack->sp)
        barf("rts_frame_pop: frame id %u is not the innermost frame: pop frames in the reverse order of their push",
             f.id);
    stack->sp = frame + ROOT_FRAME_HEADER_W + frame[1];
}

StgClosure *rts_get(RtsFrame f, uint32_t i)
{
    StgStack *stack = current_stack(rts_current_cap());
    return (StgClosure *)frame_of(stack, f, i, "rts_get")[ROOT_FRAME_HEADER_W + i];
}

void rts_set(RtsFrame f, uint32_t i, StgClosure *p)
{
    Capability *cap = rts_current_cap();
    StgStack *stack = current_stack(cap);
    StgPtr frame = frame_of(stack, f, i, "rts_set");
    dirty_STACK(cap, stack);
    frame[ROOT_FRAME_HEADER_W + i] = (StgWord)p;
}

uint32_t rts_frame_size(RtsFrame f)
{
    StgStack *stack = current_stack(rts_current_cap());
    return (uint32_t)frame_of(stack, f, UINT32_MAX, "rts_frame_size")[1];
}
