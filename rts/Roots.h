/* Roots.h — the runtime side of the C roots API (Roots.c).
 *
 * C mutator code keeps heap references across allocation only in root
 * frames on its thread's heap STACK (Note [Root frames] in Roots.c); the
 * GC finds them through the thread's TSO.  The "current thread" is
 * cap->current_tso of the capability the calling OS thread holds,
 * rts_my_cap; see Note [The current thread] in Roots.c.
 *
 * Must not depend on: the GC's internals, the scheduler's internals.
 */
#ifndef RTS_ROOTS_H
#define RTS_ROOTS_H

#include "Capability.h"

/* The capability held by the calling OS thread (NULL if none).  Whoever
 * hands a capability to an OS thread sets it (rts_init; the scheduler). */
extern __thread Capability *rts_my_cap;

/* rts_my_cap, read through a call so that a green thread that migrated
 * between OS threads never uses a cached thread-local address. */
Capability *rts_current_cap(void) __attribute__((noinline));

/* Words before the roots of a root frame: info, n, prev_frame_id (Note
 * [Root frames] in Roots.c). */
#define ROOT_FRAME_HEADER_W 3

/* Words of a new thread's STACK (it grows on demand: rts_frame_push). */
#define RTS_INITIAL_STACK_WORDS 256

/* Allocate a STACK of `words` words holding only a STOP_FRAME. */
StgStack *rts_new_stack(Capability *cap, uint32_t words);

/* The main thread before the scheduler exists: a TSO (id 1) with a STACK,
 * linked on g0->threads, made cap->current_tso. */
StgTSO *rts_create_main_tso(Capability *cap);

/* Reserve `words` words on the current thread's STACK for frames the
 * caller fills in at once (update frames); returns the new sp.  May grow
 * the stack, never collects.  Pop by resetting stackobj->sp. */
StgPtr rts_stack_push(Capability *cap, StgWord words);

#endif
