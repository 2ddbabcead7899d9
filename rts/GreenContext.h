/* GreenContext.h — C stacks and the context switch of green threads.
 *
 * A GreenContext is the non-heap half of a green thread: a C stack (mmap'd,
 * guard page below, committed lazily by the kernel, recycled through a pool:
 * GreenStack.c) and the stack pointer saved while the thread is switched out
 * (GreenSwitch.S).  The TSO points at it (tso->ctx); the GC never looks
 * inside.  A context can also describe a native stack (the program's main
 * stack, an OS thread's scheduler stack): then it owns no mapping.
 *
 * Offers: creating/recycling contexts, switching between them (ASan-aware),
 * the per-OS-thread set-up of the stack-overflow handler.
 * Must not depend on: the heap, the scheduler (it only calls back `entry`).
 */
#ifndef RTS_GREENCONTEXT_H
#define RTS_GREENCONTEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct GreenContext_ {
    void *sp;                   /* saved rsp while switched out; MUST stay first (GreenSwitch.S) */
    void *stack_lo;             /* lowest usable address (just above the guard) */
    void *stack_hi;             /* one past the highest usable address */
    void *mapping;              /* whole mmap, guard included; NULL for a native stack */
    size_t mapping_size;
    void (*entry)(void *arg);   /* run on first switch; must never return */
    void *arg;
    uint32_t thread_id;         /* for the overflow report: the TSO moves, this does not */
    char label[40];             /* ditto; "" when unlabelled */
    void *asan_fake_stack;      /* ASan fiber bookkeeping */
    bool finished;              /* entry is done: the next switch away is the last */
    struct GreenContext_ *pool_next;
} GreenContext;

#define GREEN_DEFAULT_STACK_SIZE (256 * 1024)
#define GREEN_GUARD_SIZE         (16 * 1024)    /* 4 pages: catches frames up to 16 KiB */

/* Stack size for new contexts (bytes, rounded up to pages).  Set before
 * threads start (e.g. from an RTS flag); default GREEN_DEFAULT_STACK_SIZE. */
extern size_t green_stack_size;

/* A context whose first switch-in calls entry(arg) on a fresh (or pooled)
 * C stack.  Returns NULL (errno set) when no memory can be mapped. */
GreenContext *greenContextNew(void (*entry)(void *), void *arg);
/* Give the context's stack back to the pool; ctx must not be running. */
void greenContextFree(GreenContext *ctx);
/* Describe the calling OS thread's current native stack (main or a pthread). */
void greenContextInitNative(GreenContext *ctx);

/* Save the running context into `from` and resume `to`.  Returns when
 * something switches back to `from`, possibly on another OS thread. */
void greenSwitch(GreenContext *from, GreenContext *to);

/* Per OS thread: install the alternate signal stack the overflow handler
 * runs on (and, once per process, the SIGSEGV/SIGBUS handler).  Idempotent. */
void greenInitOSThread(void);
/* Free the calling OS thread's alternate signal stack (before it exits). */
void greenExitOSThread(void);

/* Pool statistics, for tests. */
size_t greenStacksMapped(void);
size_t greenStacksPooled(void);

/* GreenSwitch.S: the raw switch and the first frame of every green thread. */
void rts_switch_context(GreenContext *from, GreenContext *to);
void rts_green_trampoline(void);
extern char rts_switch_context_resume[];   /* pc of a switched-out context */

/* AddressSanitizer must be told about every switch (greenSwitch does). */
#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define GREEN_ASAN 1
#  endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(GREEN_ASAN)
#  define GREEN_ASAN 1
#endif

/* The context running on this OS thread (GreenStack.c's; the overflow
 * handler reads it). */
extern __thread GreenContext *green_current_context;

/* greenSwitch in the caller's frame: one call level fewer on the blocking
 * path (Note [Blocking on one capability] in Schedule.h).  Without a
 * sanitizer the switch is the context store and rts_switch_context. */
static inline void greenSwitchInline(GreenContext *from, GreenContext *to)
{
#ifdef GREEN_ASAN
    greenSwitch(from, to);
#else
    green_current_context = to;
    rts_switch_context(from, to);
#endif
}

#endif
