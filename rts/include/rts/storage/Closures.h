/* Closures.h — layouts of heap and static objects (DESIGN §4.1).
 *
 * Names and field order follow GHC (includes/rts/storage/Closures.h and
 * TSO.h) so that a GHC RTS hacker reads them unchanged.  Every heap object
 * is a whole number of words; its first word is the info pointer, replaced
 * by a forwarding pointer (address | 1) when the GC evacuates it.
 *
 * The debug-info ABI (issue 5) describes these structs field by field; any
 * change here is an ABI change.
 */
#ifndef RTS_STORAGE_CLOSURES_H
#define RTS_STORAGE_CLOSURES_H

#include <stdint.h>
#include <stddef.h>
#include "InfoTables.h"

typedef uintptr_t StgWord;
typedef intptr_t StgInt;
typedef StgWord *StgPtr;
typedef uint32_t StgThreadID;

typedef struct StgHeader_ {
    const StgInfoTable *info;
} StgHeader;

/* Thunks carry one extra header word so that overwriting a thunk with an
 * indirection (BLACKHOLE/IND: header + indirectee) never clobbers its first
 * free variable while another thread may still be evaluating it. */
typedef struct StgThunkHeader_ {
    const StgInfoTable *info;
    StgWord pad;
} StgThunkHeader;

typedef struct StgClosure_ {
    StgHeader header;
    struct StgClosure_ *payload[];
} StgClosure;

typedef struct StgThunk_ {
    StgThunkHeader header;
    StgClosure *payload[];
} StgThunk;

/* IND, BLACKHOLE (indirectee = owning TSO or BLOCKING_QUEUE while under
 * evaluation, the value afterwards). */
typedef struct StgInd_ {
    StgHeader header;
    StgClosure *indirectee;
} StgInd;

/* A CAF (THUNK_STATIC) and what it becomes (IND_STATIC).  CAFs live in the
 * data section; static_link chains evaluated CAFs on the CAF list. */
typedef struct StgIndStatic_ {
    StgHeader header;
    StgClosure *indirectee;
    struct StgIndStatic_ *static_link;
    const StgInfoTable *saved_info;
} StgIndStatic;

typedef struct StgBlockingQueue_ {
    StgHeader header;
    struct StgBlockingQueue_ *link;     /* next BQ owned by the same TSO */
    StgClosure *bh;                     /* the BLACKHOLE */
    struct StgTSO_ *owner;
    struct MessageBlackHole_ *queue;    /* blocked threads' messages */
} StgBlockingQueue;

typedef struct StgArrBytes_ {
    StgHeader header;
    StgWord bytes;
    StgWord payload[];
} StgArrBytes;

typedef struct StgMutVar_ {
    StgHeader header;
    StgClosure *var;
} StgMutVar;

typedef struct StgMutArrPtrs_ {
    StgHeader header;
    StgWord ptrs;
    StgWord size;           /* = ptrs (no card table) */
    StgClosure *payload[];
} StgMutArrPtrs;

/* ---- MVars (DESIGN §4.7) ---- */

typedef struct StgMVarTSOQueue_ {
    StgHeader header;
    struct StgMVarTSOQueue_ *link;  /* same word as StgInd.indirectee */
    struct StgTSO_ *tso;
} StgMVarTSOQueue;

/* Empty when value == END_TSO_QUEUE; an empty queue has
 * head == tail == END_TSO_QUEUE. */
typedef struct StgMVar_ {
    StgHeader header;
    StgMVarTSOQueue *head;
    StgMVarTSOQueue *tail;
    StgClosure *value;
} StgMVar;

/* ---- weak pointers (DESIGN §4.9) ---- */

/* For the generic scavenger only cfinalizers is a pointer; key, value,
 * finalizer and link are reached through the weak lists. */
typedef struct StgWeak_ {
    StgHeader header;
    StgClosure *cfinalizers;
    StgClosure *key;
    StgClosure *value;
    StgClosure *finalizer;
    struct StgWeak_ *link;
} StgWeak;

/* ---- messages between capabilities ---- */

typedef struct Message_ {
    StgHeader header;
    struct Message_ *link;
} Message;

typedef struct MessageWakeup_ {
    StgHeader header;
    Message *link;
    struct StgTSO_ *tso;
} MessageWakeup;

typedef struct MessageBlackHole_ {
    StgHeader header;
    struct MessageBlackHole_ *link;
    struct StgTSO_ *tso;
    StgClosure *bh;
} MessageBlackHole;

/* ---- threads (DESIGN §4.6) ---- */

/* why_blocked values: GHC's names and numbers. */
#define RTS_WHY_BLOCKED(X)              \
    X(NotBlocked, 0)                    \
    X(BlockedOnMVar, 1)                 \
    X(BlockedOnBlackHole, 2)            \
    X(BlockedOnRead, 3)                 \
    X(BlockedOnWrite, 4)                \
    X(BlockedOnDelay, 5)                \
    X(BlockedOnSTM, 6)                  \
    X(BlockedOnDoProc, 7)               \
    X(BlockedOnCCall, 10)               \
    X(BlockedOnCCall_Interruptible, 11) \
    X(BlockedOnMsgThrowTo, 12)          \
    X(ThreadMigrating, 13)              \
    X(BlockedOnMVarRead, 14)

enum WhyBlocked {
#define RTS_WB_ENUM(name, val) name = val,
    RTS_WHY_BLOCKED(RTS_WB_ENUM)
#undef RTS_WB_ENUM
};

/* what_next values */
#define RTS_WHAT_NEXT(X)    \
    X(ThreadRunGHC, 1)      \
    X(ThreadInterpret, 2)   \
    X(ThreadKilled, 3)      \
    X(ThreadComplete, 4)

enum WhatNext {
#define RTS_WN_ENUM(name, val) name = val,
    RTS_WHAT_NEXT(RTS_WN_ENUM)
#undef RTS_WN_ENUM
};

/* TSO flags */
#define TSO_LOCKED  2
#define TSO_BLOCKEX 4
#define TSO_MARKED  64      /* sanity: dirty TSO seen on a mut list */

typedef union StgTSOBlockInfo_ {
    StgClosure *closure;            /* MVar, BLACKHOLE, ... */
    struct StgTSO_ *prev;           /* run-queue back link when NotBlocked */
    struct MessageBlackHole_ *bh;
    StgWord fd;
} StgTSOBlockInfo;

struct Capability_;
struct GreenContext_;

typedef struct StgTSO_ {
    StgHeader header;
    /* --- pointer fields (scavenged by scavengeTSO) --- */
    struct StgTSO_ *_link;          /* run queue link, or MVAR_TSO_QUEUE node when blocked on an MVar */
    struct StgTSO_ *global_link;    /* generation->threads list */
    struct StgStack_ *stackobj;     /* heap STACK: root frames and update frames */
    StgTSOBlockInfo block_info;
    struct StgBlockingQueue_ *bq;   /* blocking queues of blackholes this thread owns */
    StgClosure *mvar_value;         /* value in flight of a blocked MVar operation, else
                                     * END_TSO_QUEUE (Note [Values in flight] in MVar.c) */
    /* --- non-pointer fields --- */
    uint16_t what_next;
    uint16_t why_blocked;
    uint32_t flags;
    StgThreadID id;
    uint32_t saved_errno;
    uint32_t dirty;                 /* nonzero: on a mut list / must be scanned */
    uint32_t upd_frames;            /* update frames on the stack (ThreadPaused.c) */
    struct Capability_ *cap;
    struct GreenContext_ *ctx;      /* C stack and saved registers (not heap) */
    uint64_t blocked_since_ns;      /* monotonic time of the last block, for debuggers */
    StgWord tot_stack_size;
} StgTSO;

/* A STACK holds frames growing downwards from stack + stack_size towards
 * stack; sp points at the innermost frame.  Every frame starts with an info
 * pointer whose type says its layout:
 *   ROOT_FRAME   { info; n; prev_frame_id; StgClosure *roots[n] }   C roots (Roots.c)
 *   UPDATE_FRAME { info; StgClosure *updatee }                       thunks under evaluation
 *   STOP_FRAME   { info }                                            bottom of every stack */
typedef struct StgStack_ {
    StgHeader header;
    uint32_t stack_size;            /* words in stack[] */
    uint8_t dirty;
    uint8_t marking;
    uint16_t pad;
    StgPtr sp;
    StgWord stack[];
} StgStack;

#define STACK_DIRTY 1
#define STACK_SANE 64

typedef struct StgUpdateFrame_ {
    const StgInfoTable *info;
    StgClosure *updatee;
} StgUpdateFrame;

/* The static END_TSO_QUEUE closure (empty queues, empty MVars). */
extern StgClosure stg_END_TSO_QUEUE_closure;
#define END_TSO_QUEUE ((void *)&stg_END_TSO_QUEUE_closure)

#endif
