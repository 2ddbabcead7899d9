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
/* stepi/nexti: count instructions, ending early on a breakpoint's address. */
int infrun_stepi(struct session *s, int count, bool over_calls);
int infrun_finish(struct session *s);
/* "until LOCATION" (addr), or without one (addr 0) "next" that does not go
 * back: a loop at its last line runs to its end. */
int infrun_until(struct session *s, addr_t addr);
/* "next": run to the next source line, calls (inlined ones too) run
 * through; out of the function, on to the caller's next line. */
int infrun_next(struct session *s, int count);
/* "step": the same, entering calls of functions with line information and
 * inlined calls (Note [How step decides where to stop] in infrun.c). */
int infrun_step(struct session *s, int count);

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
    const char *flag;                       /* watch option selecting it: "-evac"
                                               (NULL: "-" followed by name) */
};
void infrun_register_watch_mechanism(const struct watch_mechanism *m);

/* Start-up probe (hwwatch_probe.c): do x86 debug-register write watches
 * fire on this machine?  Forks a tiny child once and caches the answer. */
bool hwwatch_probe(void);
enum hwwatch_answer {
    HWWATCH_FIRES,          /* the write trapped */
    HWWATCH_SILENT,         /* DR0/DR7 accepted, the write ran, no trap */
    HWWATCH_REJECTED,       /* PTRACE_POKEUSER of DR0/DR7 failed */
    HWWATCH_NO_PROBE,       /* fork/ptrace of the probe child failed */
};
/* The probe's detailed answer (runs the probe if not yet run). */
enum hwwatch_answer hwwatch_probe_answer(void);

/* ---- private to the run-control files (infrun.c, breakpoint.c,
 * watchpoint.c, watch_pageprot.c, run_commands.c) ---- */
#include "breakpoint.h"

/* gdb's per-signal "handle" flags. */
struct signal_handling {
    bool stop, print, pass;
};

/* A page we protect for page-protection watchpoints (watch_pageprot.c). */
struct pp_page {
    addr_t page;
    int orig_prot;      /* PROT_* from /proc/PID/maps when first protected */
    int prot;           /* what we set: PROT_READ, or PROT_NONE for read watches */
    bool armed;
};

struct infrun {
    struct bp_table bps;                    /* breakpoints and watchpoints */
    struct signal_handling handle[NSIG];
    struct pp_page *pages;
    size_t npages;
    bool stop_printed_thread;               /* print "Thread N" in stop reports */
    bool pending_on;                        /* "set breakpoint pending on": a location
                                               not found yet makes a pending breakpoint */
};

/* The session's run-control state, created on first use. */
struct infrun *infrun_of(struct session *s);
/* Print a stop location as gdb does after a stop: the frame line (when
 * print_frame) and the source line. */
void infrun_print_location(struct session *s, pid_t tid, bool print_frame);
/* Evaluate bp's condition in the selected thread: true when it has none,
 * holds, or cannot be evaluated (printed, and gdb stops then too). */
bool infrun_condition_holds(struct session *s, struct breakpoint *bp);
/* Does this hit of bp stop the program?  Its condition holds (as above),
 * then the hit is counted (bp->hits), then a nonzero ignore count takes
 * the hit instead (decremented; no stop), as gdb does. */
bool infrun_hit_stops(struct session *s, struct breakpoint *bp);
/* gdb's signal names and descriptions: "SIGSEGV", "Segmentation fault". */
const char *infrun_signal_name(int sig, char *buf, size_t len);
const char *infrun_signal_description(int sig);
/* Wait until thread tid reports (or the process ends); other threads'
 * events are kept and reported later. */
int infrun_wait_for_thread(struct session *s, pid_t tid, struct stop_event *ev);
/* Take every event the target already holds (all threads stopped) into
 * the deferred list, so a single-step that follows is the next event. */
void infrun_drain_queued(struct session *s);
/* (Re)compute every breakpoint's addresses from its spec (run_commands.c). */
void infrun_resolve_breakpoints(struct session *s);
/* "Thread 2 \"worker\" " prefix (empty for single-threaded programs). */
void infrun_thread_prefix(struct session *s, pid_t tid, char *buf, size_t len);

#endif
