/* DebugAbi.c — the exported debug-info table (DESIGN §5, rts/include/rts/DebugAbi.h).
 *
 * Note [One source of truth]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Every struct layout, constant and info table that an outside reader may
 * use is listed exactly once, in the X-macro lists below.  Each list is
 * expanded twice:
 *   - into _Static_asserts that check, at compile time, that the field
 *     exists, that its size fits its declared kind, and that a field
 *     declared as a pointer to T really is a `T *` (HotSpot's CHECK_* idea);
 *   - into the tables the runtime exports, with offsetof/sizeof computed by
 *     the compiler.
 * So the table cannot drift from the structs: a renamed or retyped field is a
 * compile error here, not a wrong answer in the debugger.  The constants come
 * from the same X-macro lists that define the enums (ClosureTypes.h,
 * Closures.h, Block.h, RtsFlags.h).
 *
 * The table is reachable two ways (Note [Finding the table]):
 *   - the dynamic symbol `rts_debug_abi` (programs link with
 *     -Wl,--export-dynamic-symbol=rts_debug_abi);
 *   - an ELF note (owner "rtsdb", type NT_RTSDB_ABI) in an allocated note
 *     section, whose descriptor is the header's address minus the
 *     descriptor's own address: a link-time constant, so it needs no
 *     relocation and a reader finds the header from the note's address in
 *     memory, or from the executable file plus the load bias.
 *
 * Must not depend on: the debugger.  Readers must not depend on this file.
 */
#include <stddef.h>
#include <stdbool.h>
#include "rts/DebugAbi.h"
#include "rts/storage/Closures.h"
#include "rts/storage/Block.h"
#include "Capability.h"
#include "RtsFlags.h"
#include "sm/Storage.h"
#include "FlightRecorder.h"
#include "WatchTable.h"
#include "CAF.h"
#include "RtsMessages.h"
#include "sm/GC.h"
#include "rts/DebugPrinters.h"

#include "config.h"

#ifndef RTS_BUILD_ID
#define RTS_BUILD_ID PACKAGE_VERSION " " __DATE__ " " __TIME__
#endif

/* ---- struct layouts ----
 * S(struct)                       begins a struct
 * F(struct, member, name, kind, T) a field; T is the pointee/element type
 *                                  (or void for plain integers) */
#define RTS_DBG_STRUCTS(S, F)                                                        \
    S(StgInfoTable)                                                                  \
    F(StgInfoTable, type, "type", UINT, void)                                        \
    F(StgInfoTable, ptrs, "ptrs", UINT, void)                                        \
    F(StgInfoTable, nptrs, "nptrs", UINT, void)                                      \
    F(StgInfoTable, con_tag, "con_tag", UINT, void)                                  \
    F(StgInfoTable, name, "name", STRING, const char)                                \
    S(StgClosure)                                                                    \
    F(StgClosure, header.info, "info", INFO, const StgInfoTable)                     \
    F(StgClosure, payload, "payload", ARRAY, StgClosure *)                           \
    S(StgThunk)                                                                      \
    F(StgThunk, header.info, "info", INFO, const StgInfoTable)                       \
    F(StgThunk, header.pad, "pad", UINT, void)                                       \
    F(StgThunk, payload, "payload", ARRAY, StgClosure *)                             \
    S(StgInd)                                                                        \
    F(StgInd, header.info, "info", INFO, const StgInfoTable)                         \
    F(StgInd, indirectee, "indirectee", CLOSURE, StgClosure)                         \
    S(StgIndStatic)                                                                  \
    F(StgIndStatic, header.info, "info", INFO, const StgInfoTable)                   \
    F(StgIndStatic, indirectee, "indirectee", CLOSURE, StgClosure)                   \
    F(StgIndStatic, static_link, "static_link", CLOSURE, struct StgIndStatic_)       \
    F(StgIndStatic, saved_info, "saved_info", INFO, const StgInfoTable)              \
    S(StgBlockingQueue)                                                              \
    F(StgBlockingQueue, header.info, "info", INFO, const StgInfoTable)               \
    F(StgBlockingQueue, link, "link", CLOSURE, struct StgBlockingQueue_)             \
    F(StgBlockingQueue, bh, "bh", CLOSURE, StgClosure)                               \
    F(StgBlockingQueue, owner, "owner", CLOSURE, struct StgTSO_)                     \
    F(StgBlockingQueue, queue, "queue", CLOSURE, struct MessageBlackHole_)           \
    S(StgArrBytes)                                                                   \
    F(StgArrBytes, header.info, "info", INFO, const StgInfoTable)                    \
    F(StgArrBytes, bytes, "bytes", UINT, void)                                       \
    F(StgArrBytes, payload, "payload", ARRAY, StgWord)                               \
    S(StgMutVar)                                                                     \
    F(StgMutVar, header.info, "info", INFO, const StgInfoTable)                      \
    F(StgMutVar, var, "var", CLOSURE, StgClosure)                                    \
    S(StgMutArrPtrs)                                                                 \
    F(StgMutArrPtrs, header.info, "info", INFO, const StgInfoTable)                  \
    F(StgMutArrPtrs, ptrs, "ptrs", UINT, void)                                       \
    F(StgMutArrPtrs, size, "size", UINT, void)                                       \
    F(StgMutArrPtrs, payload, "payload", ARRAY, StgClosure *)                        \
    S(StgMVar)                                                                       \
    F(StgMVar, header.info, "info", INFO, const StgInfoTable)                        \
    F(StgMVar, head, "head", CLOSURE, struct StgMVarTSOQueue_)                       \
    F(StgMVar, tail, "tail", CLOSURE, struct StgMVarTSOQueue_)                       \
    F(StgMVar, value, "value", CLOSURE, StgClosure)                                  \
    S(StgMVarTSOQueue)                                                               \
    F(StgMVarTSOQueue, header.info, "info", INFO, const StgInfoTable)                \
    F(StgMVarTSOQueue, link, "link", CLOSURE, struct StgMVarTSOQueue_)               \
    F(StgMVarTSOQueue, tso, "tso", CLOSURE, struct StgTSO_)                          \
    S(StgWeak)                                                                       \
    F(StgWeak, header.info, "info", INFO, const StgInfoTable)                        \
    F(StgWeak, cfinalizers, "cfinalizers", CLOSURE, StgClosure)                      \
    F(StgWeak, key, "key", CLOSURE, StgClosure)                                      \
    F(StgWeak, value, "value", CLOSURE, StgClosure)                                  \
    F(StgWeak, finalizer, "finalizer", CLOSURE, StgClosure)                          \
    F(StgWeak, link, "link", CLOSURE, struct StgWeak_)                               \
    S(MessageWakeup)                                                                 \
    F(MessageWakeup, header.info, "info", INFO, const StgInfoTable)                  \
    F(MessageWakeup, link, "link", CLOSURE, Message)                                 \
    F(MessageWakeup, tso, "tso", CLOSURE, struct StgTSO_)                            \
    S(MessageBlackHole)                                                              \
    F(MessageBlackHole, header.info, "info", INFO, const StgInfoTable)               \
    F(MessageBlackHole, link, "link", CLOSURE, struct MessageBlackHole_)             \
    F(MessageBlackHole, tso, "tso", CLOSURE, struct StgTSO_)                         \
    F(MessageBlackHole, bh, "bh", CLOSURE, StgClosure)                               \
    S(StgTSO)                                                                        \
    F(StgTSO, header.info, "info", INFO, const StgInfoTable)                         \
    F(StgTSO, _link, "_link", CLOSURE, struct StgTSO_)                               \
    F(StgTSO, global_link, "global_link", CLOSURE, struct StgTSO_)                   \
    F(StgTSO, stackobj, "stackobj", CLOSURE, struct StgStack_)                       \
    F(StgTSO, block_info.closure, "block_info", CLOSURE, StgClosure)                 \
    F(StgTSO, bq, "bq", CLOSURE, struct StgBlockingQueue_)                           \
    F(StgTSO, mvar_value, "mvar_value", CLOSURE, StgClosure)                         \
    F(StgTSO, what_next, "what_next", UINT, void)                                    \
    F(StgTSO, why_blocked, "why_blocked", UINT, void)                                \
    F(StgTSO, flags, "flags", UINT, void)                                            \
    F(StgTSO, id, "id", UINT, void)                                                  \
    F(StgTSO, saved_errno, "saved_errno", UINT, void)                                \
    F(StgTSO, dirty, "dirty", UINT, void)                                            \
    F(StgTSO, cap, "cap", PTR, struct Capability_)                                   \
    F(StgTSO, ctx, "ctx", PTR, struct GreenContext_)                                 \
    F(StgTSO, blocked_since_ns, "blocked_since_ns", UINT, void)                      \
    F(StgTSO, tot_stack_size, "tot_stack_size", UINT, void)                          \
    S(StgStack)                                                                      \
    F(StgStack, header.info, "info", INFO, const StgInfoTable)                       \
    F(StgStack, stack_size, "stack_size", UINT, void)                                \
    F(StgStack, dirty, "dirty", UINT, void)                                          \
    F(StgStack, marking, "marking", UINT, void)                                      \
    F(StgStack, sp, "sp", PTR, StgWord)                                              \
    F(StgStack, stack, "stack", ARRAY, StgWord)                                      \
    S(StgUpdateFrame)                                                                \
    F(StgUpdateFrame, info, "info", INFO, const StgInfoTable)                        \
    F(StgUpdateFrame, updatee, "updatee", CLOSURE, StgClosure)                       \
    S(bdescr)                                                                        \
    F(bdescr, start, "start", PTR, StgWord)                                          \
    F(bdescr, free, "free", PTR, StgWord)                                            \
    F(bdescr, link, "link", BDESCR, struct bdescr_)                                  \
    F(bdescr, u.scan, "u", PTR, StgWord)                                             \
    F(bdescr, gen, "gen", PTR, struct generation_)                                   \
    F(bdescr, gen_no, "gen_no", UINT, void)                                          \
    F(bdescr, dest_no, "dest_no", UINT, void)                                        \
    F(bdescr, node, "node", UINT, void)                                              \
    F(bdescr, flags, "flags", UINT, void)                                            \
    F(bdescr, blocks, "blocks", UINT, void)                                          \
    F(bdescr, gc_thread, "gc_thread", UINT, void)                                    \
    S(generation)                                                                    \
    F(generation, no, "no", UINT, void)                                              \
    F(generation, blocks, "blocks", BDESCR, struct bdescr_)                          \
    F(generation, n_blocks, "n_blocks", UINT, void)                                  \
    F(generation, n_words, "n_words", UINT, void)                                    \
    F(generation, large_objects, "large_objects", BDESCR, struct bdescr_)            \
    F(generation, n_large_blocks, "n_large_blocks", UINT, void)                      \
    F(generation, max_blocks, "max_blocks", UINT, void)                              \
    F(generation, threads, "threads", CLOSURE, struct StgTSO_)                       \
    F(generation, weak_ptr_list, "weak_ptr_list", CLOSURE, struct StgWeak_)          \
    F(generation, old_weak_ptr_list, "old_weak_ptr_list", CLOSURE, struct StgWeak_)  \
    F(generation, old_threads, "old_threads", CLOSURE, struct StgTSO_)               \
    F(generation, to, "to", PTR, struct generation_)                                 \
    F(generation, collections, "collections", UINT, void)                            \
    F(generation, par_collections, "par_collections", UINT, void)                    \
    S(Capability)                                                                    \
    F(Capability, no, "no", UINT, void)                                              \
    F(Capability, nursery_blocks, "nursery_blocks", BDESCR, struct bdescr_)          \
    F(Capability, n_nursery_blocks, "n_nursery_blocks", UINT, void)                  \
    F(Capability, current_nursery, "current_nursery", BDESCR, struct bdescr_)        \
    F(Capability, pinned_object_block, "pinned_object_block", BDESCR, struct bdescr_) \
    F(Capability, mut_lists, "mut_lists", PTR, struct bdescr_ *)                     \
    F(Capability, weak_ptr_list_hd, "weak_ptr_list_hd", CLOSURE, struct StgWeak_)    \
    F(Capability, weak_ptr_list_tl, "weak_ptr_list_tl", CLOSURE, struct StgWeak_)    \
    F(Capability, total_allocated, "total_allocated", UINT, void)                    \
    F(Capability, run_queue_hd, "run_queue_hd", CLOSURE, struct StgTSO_)             \
    F(Capability, run_queue_tl, "run_queue_tl", CLOSURE, struct StgTSO_)             \
    F(Capability, n_run_queue, "n_run_queue", UINT, void)                            \
    F(Capability, current_tso, "current_tso", CLOSURE, struct StgTSO_)               \
    F(Capability, inbox, "inbox", CLOSURE, Message)                                  \
    S(RTS_FLAGS)                                                                     \
    F(RTS_FLAGS, GcFlags.generations, "generations", UINT, void)                     \
    F(RTS_FLAGS, GcFlags.minAllocAreaSize, "minAllocAreaSize", UINT, void)           \
    F(RTS_FLAGS, GcFlags.giveStats, "giveStats", UINT, void)                         \
    F(RTS_FLAGS, ParFlags.nCapabilities, "nCapabilities", UINT, void)                \
    F(RTS_FLAGS, ConcFlags.ctxtSwitchTime_ns, "ctxtSwitchTime_ns", UINT, void)       \
    F(RTS_FLAGS, TraceFlags.eventlog, "eventlog", BOOL, void)                        \
    F(RTS_FLAGS, DebugFlags.sanity, "sanity", BOOL, void)                            \
    F(RTS_FLAGS, DebugFlags.zero_on_gc, "zero_on_gc", BOOL, void)                    \
    F(RTS_FLAGS, DebugFlags.inject, "inject", UINT, void)                            \
    F(RTS_FLAGS, TraceFlags.record, "record", UINT, void)                            \
    F(RTS_FLAGS, TraceFlags.eventlogFileName, "eventlogFileName", STRING, const char) \
    S(RtsEvent)                                                                      \
    F(RtsEvent, time, "time", UINT, void)                                            \
    F(RtsEvent, type, "type", UINT, void)                                            \
    F(RtsEvent, ring, "ring", UINT, void)                                            \
    F(RtsEvent, seq, "seq", UINT, void)                                              \
    F(RtsEvent, a, "a", UINT, void)                                                  \
    F(RtsEvent, b, "b", UINT, void)                                                  \
    F(RtsEvent, c, "c", UINT, void)                                                  \
    F(RtsEvent, d, "d", UINT, void)                                                  \
    S(EventRing)                                                                     \
    F(EventRing, head, "head", UINT, void)                                           \
    F(EventRing, size, "size", UINT, void)                                           \
    F(EventRing, kind, "kind", UINT, void)                                           \
    F(EventRing, owner, "owner", UINT, void)                                         \
    F(EventRing, events, "events", PTR, RtsEvent)                                    \
    S(FlightRecorder)                                                                \
    F(FlightRecorder, enabled, "enabled", UINT, void)                                \
    F(FlightRecorder, n_rings, "n_rings", UINT, void)                                \
    F(FlightRecorder, rings, "rings", PTR, EventRing)                                \
    F(FlightRecorder, n_caps, "n_caps", UINT, void)                                  \
    F(FlightRecorder, ring_size, "ring_size", UINT, void)                            \
    F(FlightRecorder, tsc_at_start, "tsc_at_start", UINT, void)                      \
    F(FlightRecorder, ns_at_start, "ns_at_start", UINT, void)                        \
    F(FlightRecorder, ns_per_tick, "ns_per_tick", FLOAT, double)                    \
    S(RtsWatchSlot)                                                                  \
    F(RtsWatchSlot, addr, "addr", UINT, void)                                        \
    F(RtsWatchSlot, len, "len", UINT, void)                                          \
    F(RtsWatchSlot, kind, "kind", UINT, void)                                        \
    F(RtsWatchSlot, id, "id", UINT, void)                                            \
    F(RtsWatchSlot, hits, "hits", UINT, void)                                        \
    S(RtsWatchEvent)                                                                 \
    F(RtsWatchEvent, kind, "kind", UINT, void)                                       \
    F(RtsWatchEvent, slot, "slot", UINT, void)                                       \
    F(RtsWatchEvent, from, "from", UINT, void)                                       \
    F(RtsWatchEvent, to, "to", UINT, void)                                           \
    F(RtsWatchEvent, old_value, "old_value", UINT, void)                             \
    F(RtsWatchEvent, new_value, "new_value", UINT, void)                             \
    F(RtsWatchEvent, from_gen, "from_gen", UINT, void)                               \
    F(RtsWatchEvent, to_gen, "to_gen", UINT, void)                                   \
    F(RtsWatchEvent, gc_thread, "gc_thread", UINT, void)                             \
    F(RtsWatchEvent, gc_number, "gc_number", UINT, void)                             \
    F(RtsWatchEvent, info, "info", UINT, void)                                       \
    S(RtsWatchTable)                                                                 \
    F(RtsWatchTable, n_active, "n_active", UINT, void)                               \
    F(RtsWatchTable, n_slots, "n_slots", UINT, void)                                 \
    F(RtsWatchTable, slots, "slots", ARRAY, RtsWatchSlot)                            \
    F(RtsWatchTable, last, "last", STRUCT, RtsWatchEvent)

/* ---- global variables ----
 * G(variable, name, kind, type-name string) */
#define RTS_DBG_GLOBALS(G)                                                           \
    G(generations, "generations", PTR, "generation*")                                \
    G(g0, "g0", PTR, "generation*")                                                  \
    G(oldest_gen, "oldest_gen", PTR, "generation*")                                  \
    G(capabilities, "capabilities", PTR, "Capability**")                             \
    G(n_capabilities, "n_capabilities", UINT, "uint32_t")                            \
    G(MainCapability, "MainCapability", PTR, "Capability*")                          \
    G(mblock_address_space_begin, "mblock_address_space_begin", UINT, "uintptr_t")   \
    G(mblock_address_space_end, "mblock_address_space_end", UINT, "uintptr_t")       \
    G(RtsFlags, "RtsFlags", STRUCT, "RTS_FLAGS")                                     \
    G(stg_END_TSO_QUEUE_closure, "stg_END_TSO_QUEUE_closure", STRUCT, "StgClosure")   \
    G(dyn_caf_list, "dyn_caf_list", PTR, "StgIndStatic*")                            \
    G(gc_count, "gc_count", UINT, "uint64_t")                                        \
    G(rts_barf_message, "rts_barf_message", ARRAY, "char[512]")                      \
    G(rts_sanity_failure, "rts_sanity_failure", ARRAY, "char[256]")                  \
    G(rts_recorder, "rts_recorder", STRUCT, "FlightRecorder")                        \
    G(rts_watch_table, "rts_watch_table", STRUCT, "RtsWatchTable")                   \
    G(rts_dbg_trap, "rts_dbg_trap", FUNC, "void (const RtsWatchEvent *)")             \
    G(rts_dbg_print_closure, "rts_dbg_print_closure", FUNC, "int (void *)")         \
    G(rts_dbg_print_tso, "rts_dbg_print_tso", FUNC, "int (void *)")                 \
    G(rts_dbg_print_mvar, "rts_dbg_print_mvar", FUNC, "int (void *)")               \
    G(rts_dbg_print_bd, "rts_dbg_print_bd", FUNC, "int (void *)")                   \
    G(rts_dbg_print_gens, "rts_dbg_print_gens", FUNC, "int (void)")                 \
    G(rts_dbg_print_threads, "rts_dbg_print_threads", FUNC, "int (void)")

/* ---- info tables of the runtime's own objects ---- */
#define RTS_DBG_INFOS(I)                                                             \
    I(IND) I(IND_STATIC) I(BLACKHOLE) I(CAF_BLACKHOLE) I(EAGER_BLACKHOLE)            \
    I(BLOCKING_QUEUE_CLEAN) I(BLOCKING_QUEUE_DIRTY) I(WHITEHOLE)                      \
    I(MVAR_CLEAN) I(MVAR_DIRTY) I(MVAR_TSO_QUEUE) I(TSO) I(STACK) I(WEAK)            \
    I(DEAD_WEAK) I(MUT_VAR_CLEAN) I(MUT_VAR_DIRTY) I(ARR_WORDS)                      \
    I(MUT_ARR_PTRS_CLEAN) I(MUT_ARR_PTRS_DIRTY) I(END_TSO_QUEUE)                     \
    I(MSG_TRY_WAKEUP) I(MSG_BLACKHOLE) I(MSG_NULL)                                   \
    I(upd_frame) I(bh_upd_frame) I(marked_upd_frame) I(roots_frame) I(stop_frame)    \
    I(noDuplicate_frame)

/* ---- geometry constants ---- */
#define RTS_DBG_GEOMETRY(K)                                                          \
    K(BLOCK_SHIFT) K(BLOCK_SIZE) K(MBLOCK_SHIFT) K(MBLOCK_SIZE) K(BDESCR_SHIFT)      \
    K(BDESCR_SIZE) K(FIRST_BLOCK_OFF) K(BLOCKS_PER_MBLOCK) K(LARGE_OBJECT_THRESHOLD) \
    K(TSO_LOCKED) K(TSO_BLOCKEX) K(TSO_MARKED) K(STACK_DIRTY) K(STACK_SANE)

/* ======== compile-time checks (first expansion) ======== */

#define KIND_SIZE_OK_UINT(sz)    ((sz) == 1 || (sz) == 2 || (sz) == 4 || (sz) == 8)
#define KIND_SIZE_OK_INT(sz)     KIND_SIZE_OK_UINT(sz)
#define KIND_SIZE_OK_BOOL(sz)    ((sz) == 1)
#define KIND_SIZE_OK_PTR(sz)     ((sz) == 8)
#define KIND_SIZE_OK_CLOSURE     KIND_SIZE_OK_PTR
#define KIND_SIZE_OK_INFO        KIND_SIZE_OK_PTR
#define KIND_SIZE_OK_BDESCR      KIND_SIZE_OK_PTR
#define KIND_SIZE_OK_STRING      KIND_SIZE_OK_PTR
#define KIND_SIZE_OK_ARRAY(sz)   1
#define KIND_SIZE_OK_STRUCT(sz)  1
#define KIND_SIZE_OK_FUNC(sz)    1
#define KIND_SIZE_OK_FLOAT(sz)   ((sz) == 4 || (sz) == 8)

#define MEMBER(T, m) (((T *)0)->m)

/* Pointer kinds: the member must be exactly a pointer to the declared type. */
#define KIND_TYPE_OK_PTR(T, m, P)     __builtin_types_compatible_p(__typeof__(MEMBER(T, m)), P *)
#define KIND_TYPE_OK_CLOSURE          KIND_TYPE_OK_PTR
#define KIND_TYPE_OK_INFO             KIND_TYPE_OK_PTR
#define KIND_TYPE_OK_BDESCR           KIND_TYPE_OK_PTR
#define KIND_TYPE_OK_STRING           KIND_TYPE_OK_PTR
/* Arrays: flexible or fixed arrays of the declared element type. */
#define KIND_TYPE_OK_ARRAY(T, m, P)   __builtin_types_compatible_p(__typeof__(&MEMBER(T, m)[0]), P *)
/* Integers: unsigned ones must be unsigned. */
#define KIND_TYPE_OK_UINT(T, m, P)    ((__typeof__(MEMBER(T, m)))-1 > 0)
#define KIND_TYPE_OK_INT(T, m, P)     ((__typeof__(MEMBER(T, m)))-1 < 0)
#define KIND_TYPE_OK_BOOL(T, m, P)    __builtin_types_compatible_p(__typeof__(MEMBER(T, m)), bool)
#define KIND_TYPE_OK_STRUCT(T, m, P)  1
#define KIND_TYPE_OK_FLOAT(T, m, P)   __builtin_types_compatible_p(__typeof__(MEMBER(T, m)), P)

#define CHECK_S(T)
#define CHECK_F(T, m, name, kind, P)                                                  \
    _Static_assert(KIND_SIZE_OK_##kind(sizeof(MEMBER(T, m))),                          \
                   "debug ABI: size of " #T "." #m " does not fit kind " #kind);      \
    _Static_assert(KIND_TYPE_OK_##kind(T, m, P),                                       \
                   "debug ABI: type of " #T "." #m " is not " #kind " of " #P);
RTS_DBG_STRUCTS(CHECK_S, CHECK_F)

/* ======== the tables (second expansion) ======== */

/* Index of each struct's first field: one enumerator per field, in list
 * order (values 0, 1, 2, ...); at each struct the name rts_dbg_first_<T>
 * takes the next index and a back-step makes the first field reuse it. */
#define XCAT_(a, b) a##b
#define XCAT(a, b) XCAT_(a, b)
#define IDX_S(T) rts_dbg_first_##T, XCAT(rts_dbg_back_, __COUNTER__) = rts_dbg_first_##T - 1,
#define IDX_F(T, m, name, kind, P) XCAT(rts_dbg_field_, __COUNTER__),
enum { rts_dbg_field_start_ = -1, RTS_DBG_STRUCTS(IDX_S, IDX_F) };

#define STR_(x) #x
#define STR(x) STR_(x)

/* Arrays are flexible array members: size 0 (it depends on the object),
 * element size given; everything else has its own size. */
#define FSIZE_ARRAY(T, m)   0
#define FSIZE_UINT(T, m)    sizeof(MEMBER(T, m))
#define FSIZE_INT           FSIZE_UINT
#define FSIZE_BOOL          FSIZE_UINT
#define FSIZE_PTR           FSIZE_UINT
#define FSIZE_CLOSURE       FSIZE_UINT
#define FSIZE_INFO          FSIZE_UINT
#define FSIZE_BDESCR        FSIZE_UINT
#define FSIZE_STRING        FSIZE_UINT
#define FSIZE_STRUCT        FSIZE_UINT
#define FSIZE_FLOAT         FSIZE_UINT
#define ESIZE_ARRAY(T, m)   sizeof(MEMBER(T, m)[0])
#define ESIZE_OTHER(T, m)   0
#define ESIZE_UINT ESIZE_OTHER
#define ESIZE_INT ESIZE_OTHER
#define ESIZE_BOOL ESIZE_OTHER
#define ESIZE_PTR ESIZE_OTHER
#define ESIZE_CLOSURE ESIZE_OTHER
#define ESIZE_INFO ESIZE_OTHER
#define ESIZE_BDESCR ESIZE_OTHER
#define ESIZE_STRING ESIZE_OTHER
#define ESIZE_STRUCT ESIZE_OTHER
#define ESIZE_FLOAT ESIZE_OTHER

#define FIELD_ENTRY_S(T)
#define FIELD_ENTRY_F(T, m, name_, kind_, P)                                          \
    { .name = (uint64_t)(uintptr_t)name_, .type_name = (uint64_t)(uintptr_t)STR(P),   \
      .offset = offsetof(T, m), .size = FSIZE_##kind_(T, m),                           \
      .kind = RTS_DBG_KIND_##kind_,                                                    \
      .elem_kind = 0, .elem_size = ESIZE_##kind_(T, m) },

static const struct rts_dbg_field rts_dbg_fields[] = {
    RTS_DBG_STRUCTS(FIELD_ENTRY_S, FIELD_ENTRY_F)
};

/* Struct entries: count fields per struct at compile time by expanding the
 * list once per struct with a counter that resets at each S(). */
#define NFIELDS_S(T) }; enum { rts_dbg_nfields_##T = 0
#define NFIELDS_F(T, m, name, kind, P) + 1
enum { rts_dbg_nfields_dummy_ = 0
    RTS_DBG_STRUCTS(NFIELDS_S, NFIELDS_F)
};

#define STRUCT_ENTRY_S(T)                                                             \
    { .name = (uint64_t)(uintptr_t)#T, .size = sizeof(T),                            \
      .first_field = rts_dbg_first_##T, .n_fields = rts_dbg_nfields_##T },
#define STRUCT_ENTRY_F(T, m, name, kind, P)

static const struct rts_dbg_struct rts_dbg_structs[] = {
    RTS_DBG_STRUCTS(STRUCT_ENTRY_S, STRUCT_ENTRY_F)
};

#define GSIZE_FUNC(var)    0
#define GSIZE_PTR(var)     sizeof(var)
#define GSIZE_UINT(var)    sizeof(var)
#define GSIZE_STRUCT(var)  sizeof(var)
#define GSIZE_ARRAY(var)   sizeof(var)
#define GLOBAL_ENTRY(var, name_, kind_, tname)                                        \
    { .name = (uint64_t)(uintptr_t)name_, .addr = (uint64_t)(uintptr_t)&var,          \
      .type_name = (uint64_t)(uintptr_t)tname, .size = GSIZE_##kind_(var),            \
      .kind = RTS_DBG_KIND_##kind_ },

static const struct rts_dbg_global rts_dbg_globals[] = {
    RTS_DBG_GLOBALS(GLOBAL_ENTRY)
};

#define INFO_ENTRY(n)                                                                 \
    { .addr = (uint64_t)(uintptr_t)&stg_##n##_info, .name = (uint64_t)(uintptr_t)"stg_" #n "_info", \
      .type = 0, .ptrs = 0, .nptrs = 0 },

/* Info tables: type/ptrs/nptrs are copied from the tables themselves at
 * start-up (they are extern const objects, not constant expressions). */
static struct rts_dbg_info rts_dbg_infos[] = {
    RTS_DBG_INFOS(INFO_ENTRY)
};

/* One constant entry; every group below is a use of it. */
#define CONSTANT(group_, name_, value_)                                               \
    { .group = (uint64_t)(uintptr_t)(group_), .name = (uint64_t)(uintptr_t)(name_), .value = (int64_t)(value_) },
#define CONST_CT(name_) CONSTANT("closure_type", #name_, name_)
#define CONST_WB(name_, v) CONSTANT("why_blocked", #name_, v)
#define CONST_WN(name_, v) CONSTANT("what_next", #name_, v)
#define CONST_BF(name_, v) CONSTANT("block_flag", #name_, v)
#define CONST_GEO(name_) CONSTANT("geometry", #name_, name_)
#define CONST_EV(name_, v) CONSTANT("event", #name_, v)
#define CONST_EVCAT(name_, bit, str) CONSTANT("event_category", str, bit)
#define CONST_INJ(e, name_, help) CONSTANT("inject", name_, e)

static const struct rts_dbg_constant rts_dbg_constants[] = {
    RTS_CLOSURE_TYPES(CONST_CT)
    RTS_WHY_BLOCKED(CONST_WB)
    RTS_WHAT_NEXT(CONST_WN)
    RTS_BLOCK_FLAGS(CONST_BF)
    RTS_DBG_GEOMETRY(CONST_GEO)
    RTS_INJECT_BUGS(CONST_INJ)
    RTS_EVENT_TYPES(CONST_EV)
    RTS_EVENT_CATEGORIES(CONST_EVCAT)
    CONSTANT("watch_kind", "write", RTS_WATCH_WRITE)
    CONSTANT("watch_kind", "evacuate", RTS_WATCH_EVAC)
    CONSTANT("watch_kind", "free", RTS_WATCH_FREE)
    CONSTANT("geometry", "FORWARDING_PTR_TAG", 1)
    CONSTANT("geometry", "END_OF_CAF_LIST", (uintptr_t)END_OF_CAF_LIST)
    CONSTANT("event_mask", "EVCAT_ALL", EVCAT_ALL)
};

static const char rts_dbg_build_id[] = "rtsdb-rts " RTS_BUILD_ID;

#define TABLE(arr) { .addr = (uint64_t)(uintptr_t)(arr), .count = sizeof(arr) / sizeof((arr)[0]), .stride = sizeof((arr)[0]) }

__attribute__((used, visibility("default")))
const struct rts_dbg_header rts_debug_abi = {
    .magic = RTS_DBG_MAGIC,
    .abi_major = RTS_DBG_ABI_MAJOR,
    .abi_minor = RTS_DBG_ABI_MINOR,
    .pointer_size = sizeof(void *),
    .byte_order = RTS_DBG_BYTE_ORDER_LITTLE,
    .header_size = sizeof(struct rts_dbg_header),
    .build_id = (uint64_t)(uintptr_t)rts_dbg_build_id,
    .structs = TABLE(rts_dbg_structs),
    .fields = TABLE(rts_dbg_fields),
    .constants = TABLE(rts_dbg_constants),
    .infos = TABLE(rts_dbg_infos),
    .globals = TABLE(rts_dbg_globals),
};

/* Note [Finding the table]: the ELF note.  Its descriptor is
 * (rts_debug_abi - &descriptor), resolved by the linker, so no relocation
 * is needed even in a PIE; a reader adds it to the descriptor's address.
 * It names a hidden alias: the exported symbol itself could be preempted in
 * librts.so, which would force a run-time relocation in a read-only note. */
extern const struct rts_dbg_header rts_debug_abi_here
    __attribute__((alias("rts_debug_abi"), visibility("hidden")));
__asm__(
    "    .pushsection .note.rtsdb, \"a\", @note\n"
    "    .balign 4\n"
    "    .long 6\n"                 /* namesz: "rtsdb\0" */
    "    .long 8\n"                 /* descsz */
    "    .long 0x52545344\n"        /* NT_RTSDB_ABI */
    "    .asciz \"rtsdb\"\n"
    "    .balign 4\n"
    "1:  .quad rts_debug_abi_here - 1b\n"
    "    .balign 4\n"
    "    .popsection\n");

/* Fill in what the compiler cannot compute as constants: the info tables'
 * layouts (extern objects are not constant expressions in C; a reader can
 * also read them from the info tables through the StgInfoTable layout).
 * Called from rts_init; idempotent.  Also the reference that keeps this
 * object linked into every program. */
void rts_dbg_init(void)
{
    const StgInfoTable *tables[] = {
#define INFO_PTR(n) &stg_##n##_info,
        RTS_DBG_INFOS(INFO_PTR)
#undef INFO_PTR
    };
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        rts_dbg_infos[i].type = tables[i]->type;
        rts_dbg_infos[i].ptrs = tables[i]->ptrs;
        rts_dbg_infos[i].nptrs = tables[i]->nptrs;
    }
}
