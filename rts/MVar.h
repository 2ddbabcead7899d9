/* MVar.h — MVars inside the runtime (DESIGN §4.7).
 *
 * The public operations (rts_newMVar, rts_takeMVar, ...) are declared in
 * rts/include/rts.h; this header adds what other runtime modules (the GC,
 * the sanity checker, the debug ABI) may want from MVar.c.
 *
 * Must not depend on: the GC's internals, the debugger.
 */
#ifndef RTS_MVAR_H
#define RTS_MVAR_H

#include <stdbool.h>
#include "rts/storage/Closures.h"
#include "Capability.h"
#include "rts.h"                /* RtsFrame */

/* The check that catches GHC #19145 (see Note [MVars on the mut list are
 * dirty] in MVar.c): call it on every entry of a mut list while scanning
 * it.  barf()s with "MVAR_CLEAN on mutable list" when p is a CLEAN MVar;
 * does nothing for any other closure. */
void checkMVarOnMutList(const StgClosure *p, uint32_t gen_no);

/* Allocate a new MVar on cap (DIRTY, as GHC's newMVar#): empty when value is
 * END_TSO_QUEUE, full otherwise.  Never collects. */
StgMVar *newMVar(Capability *cap, StgClosure *value);

/* The C bodies of rts_takeMVar and rts_takeMVarRoot, which are stubs in
 * SwitchReturn.S (Note [Returning after a switch]); not for other callers. */
StgClosure *takeMVarEntry(StgMVar *mvar) __attribute__((visibility("hidden")));
StgClosure *takeMVarRootEntry(RtsFrame f, uint32_t slot) __attribute__((visibility("hidden")));

#endif
