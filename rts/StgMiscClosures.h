/* StgMiscClosures.h — recognising info tables.
 *
 * The runtime's own info tables (StgMiscClosures.c) plus every constructor
 * table a program defines with RTS_DEFINE_CONSTR (registered before main by
 * a constructor function) form the set of valid info pointers.  The sanity
 * checker and the debug ABI use it to tell an info pointer from garbage
 * without dereferencing the garbage.
 *
 * Must not depend on: the storage manager, the GC.
 */
#ifndef RTS_STGMISCCLOSURES_H
#define RTS_STGMISCCLOSURES_H

#include <stdbool.h>
#include <stddef.h>
#include "rts/storage/InfoTables.h"

/* The runtime's own info tables, in declaration order. */
extern const StgInfoTable *const rts_info_tables[];
extern const size_t n_rts_info_tables;

/* True when p is the address of a runtime or registered info table.
 * Never dereferences p. */
bool isKnownInfoTable(const void *p);

#endif
