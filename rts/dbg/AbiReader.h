/* AbiReader.h — read the runtime's debug-info table from any memory.
 *
 * An AbiReader loads the table a runtime exports (rts/include/rts/DebugAbi.h)
 * through a memory-access callback — the debugger's target (a live process
 * or a core file) or the process itself (in-process printers) — and answers
 * "where is field F of struct S", "what is constant C", "what info table is
 * at address A", "where is global G".  The decoders (Decode.h) are built on
 * it; they are the one decoder per structure that the plugin, the
 * in-process printers and the conformance test share.
 *
 * Depends on: rts/include/rts/DebugAbi.h only.  Must not include any other
 * runtime header: everything it knows comes from the table.
 */
#ifndef RTS_DBG_ABIREADER_H
#define RTS_DBG_ABIREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read len bytes at addr into buf; 0 or a negative errno. */
typedef int (*abi_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

typedef struct AbiField {
    char name[48];
    char type[48];
    uint32_t offset, size;
    uint16_t kind;
    uint32_t elem_size;
} AbiField;

typedef struct AbiStruct {
    char name[48];
    uint32_t size;
    AbiField *fields;
    uint32_t n_fields;
} AbiStruct;

typedef struct AbiConstant {
    char group[32];
    char name[48];
    int64_t value;
} AbiConstant;

typedef struct AbiInfo {
    uint64_t addr;
    char name[64];
    uint32_t type, ptrs, nptrs;
} AbiInfo;

typedef struct AbiGlobal {
    char name[48];
    char type[48];
    uint64_t addr;
    uint32_t size, kind;
} AbiGlobal;

typedef struct AbiReader {
    abi_read_fn read;
    void *ctx;
    uint64_t header_addr;
    /* Distinct for every abi_open, so that what is cached about a table
     * (HeapWalk's layouts) is looked up again when a reader is reopened,
     * even at the same address (a program rebuilt and run again). */
    uint64_t serial;
    uint16_t abi_major, abi_minor;
    char build_id[128];
    AbiStruct *structs;
    uint32_t n_structs;
    AbiConstant *constants;
    uint32_t n_constants;
    AbiInfo *infos;             /* sorted by address */
    uint32_t n_infos;
    AbiGlobal *globals;
    uint32_t n_globals;
    /* geometry, cached from the "geometry" constants */
    uint32_t block_shift, mblock_shift, bdescr_shift;
    uint64_t first_block_off;
    /* info-table cache for constructors and other tables not in the table:
     * name and type read through the StgInfoTable layout on demand */
    AbiInfo *extra_infos;
    uint32_t n_extra_infos, cap_extra_infos;
} AbiReader;

/* Load the table whose header is at header_addr.  On failure returns -1
 * and writes a one-line reason to err. */
int abi_open(AbiReader *r, abi_read_fn read, void *ctx, uint64_t header_addr,
             char *err, size_t errlen);
void abi_close(AbiReader *r);

const AbiStruct *abi_struct(const AbiReader *r, const char *name);
const AbiField *abi_field(const AbiReader *r, const char *strct, const char *field);
/* Constant by group and name; returns false if absent. */
bool abi_constant(const AbiReader *r, const char *group, const char *name, int64_t *out);
/* Name of the constant of `group` whose value is v ("MVAR_CLEAN"), or NULL. */
const char *abi_constant_name(const AbiReader *r, const char *group, int64_t v);
const AbiGlobal *abi_global(const AbiReader *r, const char *name);
/* The info table at addr: from the table, or read through the StgInfoTable
 * layout (constructors defined by programs).  NULL if addr does not look
 * like an info table. */
const AbiInfo *abi_info(AbiReader *r, uint64_t addr);

/* Memory helpers through the reader's callback. */
int abi_read(const AbiReader *r, uint64_t addr, void *buf, size_t len);
/* Read an unsigned field of the object at obj (any size up to 8). */
int abi_read_field(const AbiReader *r, uint64_t obj, const AbiField *f, uint64_t *out);
/* Shorthand: field by names; returns -1 if the field is unknown or unreadable. */
int abi_get(const AbiReader *r, uint64_t obj, const char *strct, const char *field, uint64_t *out);
int abi_read_string(const AbiReader *r, uint64_t addr, char *buf, size_t len);

/* One instance of a struct, read from the target in a single call; its
 * fields then come from the copy (abi_obj_get), not one read each.  A
 * struct larger than the copy, or one whose bytes cannot be read in one
 * piece, falls back to reading each field where it lies. */
#define ABI_OBJECT_MAX 512
typedef struct AbiObject {
    const AbiReader *r;
    const AbiStruct *s;
    uint64_t addr;
    uint32_t have;                  /* bytes of the copy that are valid */
    uint8_t bytes[ABI_OBJECT_MAX];
} AbiObject;
/* -ENOENT when the table has no such struct. */
int abi_load(const AbiReader *r, uint64_t addr, const char *strct, AbiObject *o);
/* A field of the loaded instance, as abi_get would read it. */
int abi_obj_get(const AbiObject *o, const char *field, uint64_t *out);

/* Block descriptor address of p, by the exported geometry (Bdescr). */
uint64_t abi_bdescr(const AbiReader *r, uint64_t p);

/* Find the table: scan an ELF image's program headers in memory for the
 * rtsdb note (phdr_addr/phnum from AT_PHDR/AT_PHNUM, load bias).  Returns
 * the header address or 0. */
uint64_t abi_find_header_from_phdrs(abi_read_fn read, void *ctx, uint64_t phdr_addr,
                                    uint32_t phnum, uint64_t load_bias);

#endif
