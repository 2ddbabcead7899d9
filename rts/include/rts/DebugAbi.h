/* DebugAbi.h — the runtime's self-description for out-of-process readers.
 *
 * The runtime exports one table (DESIGN §5) that tells a debugger everything
 * it needs to decode the heap, the threads and the flight recorder without
 * DWARF, without Python and without any runtime header but this one:
 *
 *   - a small fixed header (magic, ABI version, pointer size, byte order,
 *     runtime build id, and for each sub-table its address, count and
 *     stride), reachable from the dynamic symbol `rts_debug_abi` and from an
 *     ELF note (owner "rtsdb", type NT_RTSDB_ABI) whose descriptor holds the
 *     header's address relative to the note, so stripped executables and
 *     core files both work;
 *   - sub-tables of struct layouts (with their fields), named constants
 *     (closure types, why_blocked, block flags, geometry...), info tables
 *     and global addresses.
 *
 * Readers must use the strides, never sizeof, so that entries can grow in a
 * minor version.  Names are addresses of NUL-terminated strings in the
 * target's memory.  A reader includes this file only: it must not depend on
 * any other runtime header (see Note [One source of truth] in rts/DebugAbi.c).
 */
#ifndef RTS_DEBUGABI_H
#define RTS_DEBUGABI_H

#include <stdint.h>

#define RTS_DBG_MAGIC        "RTSDBGv1"    /* 8 bytes, no NUL */
#define RTS_DBG_ABI_MAJOR    1             /* incompatible changes */
#define RTS_DBG_ABI_MINOR    3             /* additions only (1: weak/CAF/sanity events, CAF list, gc_count;
                                              2: EVAC_RACE and MVAR_MOVE events, bdescr.gc_thread;
                                              3: StgTSO.mvar_value, the value in flight of a
                                                 blocked MVar operation) */
#define RTS_DBG_NOTE_OWNER   "rtsdb"
#define NT_RTSDB_ABI         0x52545344    /* 'RTSD' */
#define RTS_DBG_BYTE_ORDER_LITTLE 1

/* A sub-table: `count` entries of `stride` bytes at `addr`. */
struct rts_dbg_table {
    uint64_t addr;
    uint32_t count;
    uint32_t stride;
};

struct rts_dbg_header {
    char magic[8];              /* RTS_DBG_MAGIC */
    uint16_t abi_major;
    uint16_t abi_minor;
    uint8_t pointer_size;       /* 8 */
    uint8_t byte_order;         /* RTS_DBG_BYTE_ORDER_LITTLE */
    uint16_t header_size;       /* sizeof(struct rts_dbg_header) of the writer */
    uint64_t build_id;          /* address of the runtime build id string */
    struct rts_dbg_table structs;   /* struct rts_dbg_struct[] */
    struct rts_dbg_table fields;    /* struct rts_dbg_field[] (all structs' fields) */
    struct rts_dbg_table constants; /* struct rts_dbg_constant[] */
    struct rts_dbg_table infos;     /* struct rts_dbg_info[] */
    struct rts_dbg_table globals;   /* struct rts_dbg_global[] */
};

/* Field kinds: how a reader should interpret the bytes. */
enum rts_dbg_kind {
    RTS_DBG_KIND_UINT = 1,      /* unsigned integer of `size` bytes */
    RTS_DBG_KIND_INT = 2,       /* signed integer */
    RTS_DBG_KIND_BOOL = 3,
    RTS_DBG_KIND_PTR = 4,       /* pointer to non-heap data */
    RTS_DBG_KIND_CLOSURE = 5,   /* pointer to a closure (heap or static) */
    RTS_DBG_KIND_INFO = 6,      /* pointer to an info table (or a forwarding pointer) */
    RTS_DBG_KIND_BDESCR = 7,    /* pointer to a block descriptor */
    RTS_DBG_KIND_STRING = 8,    /* pointer to a NUL-terminated string */
    RTS_DBG_KIND_ARRAY = 9,     /* inline array: `size` bytes in all; elem kind in `elem_kind` */
    RTS_DBG_KIND_STRUCT = 10,   /* inline struct: type named by `type_name` */
    RTS_DBG_KIND_FUNC = 11,     /* code pointer */
    RTS_DBG_KIND_FLOAT = 12,    /* IEEE float/double of `size` bytes */
};

struct rts_dbg_struct {
    uint64_t name;              /* "StgTSO" */
    uint32_t size;              /* sizeof, bytes */
    uint32_t first_field;       /* index into the fields table */
    uint32_t n_fields;
    uint32_t _pad;
};

struct rts_dbg_field {
    uint64_t name;              /* "block_info" */
    uint64_t type_name;         /* struct name the field points to or contains ("StgTSO"), or 0 */
    uint32_t offset;            /* bytes from the start of the struct */
    uint32_t size;              /* bytes */
    uint16_t kind;              /* enum rts_dbg_kind */
    uint16_t elem_kind;         /* for arrays */
    uint32_t elem_size;         /* for arrays */
};

struct rts_dbg_constant {
    uint64_t group;             /* "closure_type", "why_blocked", "block_flag", "geometry", "inject", ... */
    uint64_t name;              /* "MVAR_CLEAN" */
    int64_t value;
};

struct rts_dbg_info {
    uint64_t addr;              /* address of the info table */
    uint64_t name;              /* "stg_TSO_info" */
    uint32_t type;              /* closure type (constant group "closure_type") */
    uint32_t ptrs;
    uint32_t nptrs;
    uint32_t _pad;
};

struct rts_dbg_global {
    uint64_t name;              /* "generations" */
    uint64_t addr;              /* address of the variable */
    uint64_t type_name;         /* what it holds: "generation*", "Capability**", "uint32_t" */
    uint32_t size;              /* bytes of the variable */
    uint32_t kind;              /* enum rts_dbg_kind of the variable itself */
};

#endif
