/* Check.h — the runtime's -DS sanity checks, run from outside through the ABI.
 *
 * check_heap() runs the checks of rts/sm/Sanity.c over a stopped process or
 * a core file: every block descriptor on every chain, every closure's info
 * pointer, every pointer field (not 0xaa fill, not into a free block, not
 * past a block's free pointer, not a forwarding pointer), the
 * remembered-set invariant (an old object pointing at a younger one is on
 * its generation's mut list and not CLEAN), the mut lists, the thread lists
 * (a TSO queued on an MVar is in that MVar's well-formed queue), the weak
 * lists, TSO and STACK sanity.  Unlike -DS, which stops at the first
 * failure, it reports every violation, one line each, worded as Sanity.c
 * words it: "MVAR_CLEAN 0x4200012000 (gen 1, clean) field head:
 * old-to-young pointer (gen 1 -> gen 0) but the object is not on the mut
 * list of gen 1 (missing write barrier)".
 *
 * Depends on: AbiReader.h, Decode.h, HeapWalk.h only.
 */
#ifndef RTS_DBG_CHECK_H
#define RTS_DBG_CHECK_H

#include "AbiReader.h"

typedef struct CheckStats {
    unsigned long violations;   /* all found (reported or not) */
    unsigned long reported;
    long blocks, objects, threads, mut_entries, weaks;
} CheckStats;

/* Run every check; report(ctx, line) for at most max_report violations
 * (0: all).  Returns 0 when the checks ran (violations or not), -1 when
 * the heap cannot be read at all (runtime not started): a reason is then
 * reported as the one line. */
int check_heap(AbiReader *r, void (*report)(void *ctx, const char *line), void *ctx,
               unsigned long max_report, CheckStats *stats);

#endif
