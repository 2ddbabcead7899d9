/* infrun.h — run control: breakpoints, watchpoints, stepping, stops.
 *
 * Sits between the commands and the target (like gdb's infrun): it resumes
 * the target with breakpoints inserted, steps threads over breakpoints,
 * handles page-protection watchpoint faults transparently, applies the
 * `handle` signal table, and reports stops like gdb:
 *   Thread 2 "worker" hit Breakpoint 1, evacuate (p=0x...) at rts/sm/Evac.c:147
 *   Thread 1 "prog" received signal SIGSEGV, Segmentation fault.
 *   Thread 3 hit Hardware watchpoint 2: -location x  /  Old value = 1 / New value = 2
 *
 * Watch mechanisms are pluggable: hardware debug registers (when a start-up
 * probe shows they fire), page protection + single-step, and mechanisms that
 * plugins register (the runtime-assisted evacuation watch).
 *
 * Depends on: session.h, target.h, symtab.h.
 */
#ifndef RTSDB_INFRUN_H
#define RTSDB_INFRUN_H

#include "session.h"

struct infrun *infrun_new(struct session *s);
void infrun_free(struct infrun *ir);

/* Called by session_set_target / before detach: insert or remove every
 * breakpoint and watch so memory is exactly as the program left it. */
int infrun_target_attached(struct session *s);
int infrun_remove_all(struct session *s);

/* Resume and wait for the next reportable stop, printing it.  Returns 0 when
 * the target stopped, 1 when it exited (the target is then dropped), -1 on error.
 * Ctrl-C during the wait interrupts the target. */
int infrun_continue(struct session *s);
int infrun_stepi(struct session *s, int count, bool over_calls);
int infrun_finish(struct session *s);
int infrun_until(struct session *s, addr_t addr);   /* addr 0: next line */

/* A plugin-provided watch mechanism (see rtsdb-plugin.h for the public form). */
struct watch_mechanism {
    const char *name;                       /* "evacuation", "page-protection" */
    /* Arm a watch on [addr, addr+len); return 0 or -1 with errbuf set. */
    int (*arm)(struct session *s, int wp_num, const char *expr, addr_t addr, size_t len,
               void **state, char *errbuf, size_t errlen);
    void (*disarm)(struct session *s, void *state);
    /* Called at every stop; return true (and print the hit) when the stop is
     * this watch firing. */
    bool (*check_stop)(struct session *s, void *state, const struct stop_event *ev);
    void *arg;
};
void infrun_register_watch_mechanism(const struct watch_mechanism *m);

#endif
