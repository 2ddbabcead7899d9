/* ClosureTypes.h — closure types, with GHC's names (our own numbering).
 *
 * One X-macro list is the source of truth: the enum below, the names table
 * (closure_type_names[] in rts/ClosureTypes.c) and the debug-info ABI's
 * constants table are all generated from it, so they cannot drift.
 */
#ifndef RTS_STORAGE_CLOSURETYPES_H
#define RTS_STORAGE_CLOSURETYPES_H

#define RTS_CLOSURE_TYPES(X) \
    X(INVALID_OBJECT)        \
    X(CONSTR)                \
    X(CONSTR_STATIC)         \
    X(FUN)                   \
    X(FUN_STATIC)            \
    X(THUNK)                 \
    X(THUNK_STATIC)          \
    X(IND)                   \
    X(IND_STATIC)            \
    X(BLACKHOLE)             \
    X(BLOCKING_QUEUE)        \
    X(WHITEHOLE)             \
    X(MVAR_CLEAN)            \
    X(MVAR_DIRTY)            \
    X(MVAR_TSO_QUEUE)        \
    X(TSO)                   \
    X(STACK)                 \
    X(WEAK)                  \
    X(DEAD_WEAK)             \
    X(MUT_VAR_CLEAN)         \
    X(MUT_VAR_DIRTY)         \
    X(ARR_WORDS)             \
    X(MUT_ARR_PTRS_CLEAN)    \
    X(MUT_ARR_PTRS_DIRTY)    \
    X(PRIM)                  \
    X(MUT_PRIM)              \
    X(UPDATE_FRAME)          \
    X(ROOT_FRAME)            \
    X(STOP_FRAME)            \
    X(RET_SMALL)

enum ClosureType {
#define RTS_CT_ENUM(name) name,
    RTS_CLOSURE_TYPES(RTS_CT_ENUM)
#undef RTS_CT_ENUM
    N_CLOSURE_TYPES
};

extern const char *const closure_type_names[N_CLOSURE_TYPES];

#endif
