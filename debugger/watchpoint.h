/* watchpoint.h — data watchpoints and the mechanisms behind them.
 *
 * Offers: "watch", "rwatch", "awatch" (with -l/-location and a plugin's
 * flag) as breakpoints of the watch kinds (breakpoint.h), armed through a
 * mechanism: page protection (watch_pageprot.c) on machines whose debug
 * registers do not fire (the start-up probe, hwwatch_probe.c, decides), or
 * one a plugin registered.  Hits print like gdb:
 *   Thread 3 "prog" hit Watchpoint 2: -location counter
 *
 *   Old value = 1
 *   New value = 2
 *
 * Must not depend on: ptrace (only struct target operations).
 */
#ifndef RTSDB_WATCHPOINT_H
#define RTSDB_WATCHPOINT_H

#include "infrun.h"

#define WATCH_MAX_LEN 64

enum watch_mech_kind { WM_PAGEPROT, WM_HW, WM_PLUGIN };

struct watchpoint {
    struct breakpoint *bp;          /* its number, kind, spec, hits */
    bool location;                  /* -location: watch the address, print "-location EXPR" */
    addr_t addr;
    size_t len;
    struct rd_type *type;           /* for printing Old/New values */
    unsigned char old[WATCH_MAX_LEN];
    enum watch_mech_kind mech;
    const struct watch_mechanism *plugin;   /* WM_PLUGIN */
    void *plugin_state;
    bool hit_pending;               /* a fault changed/accessed it: report at this stop */
    bool was_read;                  /* the pending hit was a read (value unchanged) */
};

/* Create and arm a watchpoint: kind is one of the BP_*WATCHPOINT kinds,
 * args is the command's argument ("-l EXPR", "-evac EXPR", "EXPR").
 * Prints "Watchpoint 2: -location x" like gdb.  Returns 0 or -1 (cmd_error). */
int watch_command(struct session *s, enum bp_kind kind, const char *args);
/* Disarm and delete a watchpoint breakpoint. */
void watch_delete(struct session *s, struct breakpoint *bp);
/* Re-read every watch's value (after the program ran without faults, e.g.
 * through a syscall), and arm watches that are not armed. */
void watch_refresh(struct session *s);
/* Count and print (unless its commands start with "silent") the watches
 * whose hit_pending is set and whose condition holds; returns the first
 * such watchpoint's breakpoint, or NULL when none stops the program. */
struct breakpoint *watch_report_hits(struct session *s, pid_t tid);
/* Ask plugin mechanisms whether this stop is theirs (they print the hit). */
bool watch_plugins_check_stop(struct session *s, const struct stop_event *ev);
/* The mechanism's name for "info watchpoints". */
const char *watch_mechanism_name(const struct watchpoint *w);
/* gdb's type column: "hw watchpoint", "read watchpoint", ... */
const char *watch_type_name(const struct breakpoint *bp);

/* ---- page protection (watch_pageprot.c) ---- */
/* Protect the pages under [addr, addr+len) as the watches on them need
 * (read-only for watch, PROT_NONE when reads must fault too). */
int pageprot_arm(struct session *s, addr_t addr, size_t len, char *err, size_t errlen);
/* Recompute the protection of every page from the remaining watches,
 * restoring the original protection of pages no watch needs any more. */
int pageprot_sync(struct session *s);
/* Restore every page's original protection (detach, kill of rtsdb's hold). */
int pageprot_restore_all(struct session *s);

enum pp_result {
    PP_NOT_OURS,        /* a real fault of the program: report the signal */
    PP_HANDLED,         /* our fault: the instruction ran, nothing to report */
    PP_HIT,             /* our fault and some watch's hit_pending is now set */
    PP_ERROR,           /* could not handle (message printed) */
};
/* Thread tid stopped with SIGSEGV (si): if the address is in a page we
 * protect, run the faulting instruction alone with the page accessible,
 * re-protect, and compare the watched values.  See Note [Page-protection
 * watchpoints]. */
enum pp_result pageprot_handle_fault(struct session *s, pid_t tid, const siginfo_t *si);
/* Is addr in a page we protect (or protected earlier in this session)? */
bool pageprot_owns(struct session *s, addr_t addr);

#endif
