/* watch_hw.h — hardware (x86 debug-register) watchpoints.
 *
 * Offers the "hw" watch mechanism of watchpoint.c: up to four watched
 * ranges of 1, 2, 4 or 8 aligned bytes in DR0-DR3, enabled in DR7 on every
 * thread of the live target (threads created later get them from the
 * target), and the decoding of DR6 at a SIGTRAP into watch hits.  Used only
 * when hwwatch_probe() says the registers fire, or when the environment sets
 * RTSDB_FORCE_HW_WATCH=1 (to test the arming where they do not fire).
 * Also offers "maint info debug-registers".
 *
 * Must not depend on: ptrace (only the target's debug_regs operation).
 */
#ifndef RTSDB_WATCH_HW_H
#define RTSDB_WATCH_HW_H

#include "watchpoint.h"

#define WATCH_HW_SLOTS 4

/* Use debug registers for new watches?  (probe fires, or forced.) */
bool watch_hw_wanted(void);

/* Split [addr, addr+len) into naturally aligned pieces of 1/2/4/8 bytes;
 * returns the number of pieces, or -1 when more than max are needed. */
int watch_hw_split(addr_t addr, size_t len, addr_t *piece_addr, unsigned *piece_len, int max);
/* DR7 bits enabling slot (0-3) locally for a watch of this kind and length:
 * L bit, RW (01 write, 11 read/write: x86 has no read-only) and LEN. */
uint64_t watch_hw_dr7_bits(int slot, enum bp_kind kind, unsigned len);

/* Take debug-register slots for w (its addr, len, bp->kind) and write them
 * to every thread.  Returns 0, or -1 with a one-line reason in err (no
 * live target, too few free slots, the target refused): the caller then
 * uses page protection. */
int watch_hw_arm(struct session *s, struct watchpoint *w, char *err, size_t errlen);
/* Free w's slots and clear them in every thread. */
void watch_hw_disarm(struct session *s, struct watchpoint *w);
/* Write the slots into the target's threads if this target has not got
 * them yet (a new process after "run"), or after watch_hw_remove_all. */
void watch_hw_sync(struct session *s);
/* Clear DR0-3/DR6/DR7 in every thread (before detach); slots are kept, and
 * written again by the next watch_hw_sync. */
int watch_hw_remove_all(struct session *s);
/* Thread tid stopped with SIGTRAP: if DR6 shows one of our slots hit, set
 * the watches' hit_pending as watch_pageprot does (PP_HIT), or swallow a
 * write that kept the value (PP_HANDLED); PP_NOT_OURS otherwise.  DR6 is
 * cleared when it showed a hit. */
enum pp_result watch_hw_handle_trap(struct session *s, pid_t tid);
/* Is any slot in use? */
bool watch_hw_any(void);

/* Register "maint info debug-registers". */
void watch_hw_commands_init(void);

#endif
