/* infrun.c — run control: resume, wait, step over breakpoints, report stops.
 *
 * Offers infrun.h's entry points: continue, stepi/nexti, finish, until, the
 * handle table and gdb-worded stop reports.  The commands that call these
 * live in run_commands.c; breakpoints in breakpoint.c; watchpoints in
 * watchpoint.c and watch_pageprot.c.
 *
 * Must not depend on: ptrace (every access goes through struct target), the
 * runtime.
 *
 * Note [Breakpoints are out while stopped]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * int3 bytes are written just before the target resumes and removed as soon
 * as it stops (as gdb does with "breakpoint always-inserted off").  So while
 * the user looks at a stopped program, memory reads show the program's own
 * bytes, detach needs no special care, and stepping one thread never meets
 * an int3.  The price is a few one-byte writes per stop.  Every address that
 * ever held an int3 in this process is remembered (gdb's "moribund
 * locations"), so a thread whose event says "int3 at pc-1" is rewound even if
 * its breakpoint was deleted since.  That matters: a thread can execute the
 * int3 just as all-stop interrupts it; the kernel reports the interrupt first
 * and the SIGTRAP only when the thread is resumed, possibly after the user
 * deleted the breakpoint.
 *
 * Note [Stepping over a breakpoint with several threads]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Before resuming, every thread whose pc is at an enabled breakpoint is
 * single-stepped alone (others stopped, int3s not yet inserted), then the
 * int3s go in and everything resumes.  When several threads hit one
 * breakpoint at once, the target reports one and queues the others' events
 * (their pc is one past the int3).  Each queued event is reported in turn:
 * its pc is set back by one (it re-executes the real instruction), the hit
 * is counted, and it is stepped over like the first.  Events of other
 * threads that arrive while we wait for one thread's step are kept in
 * `deferred` and handled before anything resumes, so no hit is skipped.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infrun.h"
#include "solib.h"
#include "watchpoint.h"
#include "watch_hw.h"

#define MAX_DEFERRED 64
#define MAX_INSERTED 256

/* Run state of the debugged process that only this file touches. */
struct infrun_private {
    struct stop_event deferred[MAX_DEFERRED];
    int ndeferred;
    addr_t inserted[MAX_INSERTED];      /* every address that held an int3 in this process */
    int ninserted;
};
static struct infrun_private run_state;  /* one debugged process at a time */

/* ---------- state ---------- */

static const int nostop_signals[] = {
    SIGALRM, SIGURG, SIGIO, SIGVTALRM, SIGPROF, SIGCHLD, SIGWINCH,
};

struct infrun *infrun_new(struct session *s)
{
    (void)s;
    struct infrun *ir = calloc(1, sizeof *ir);
    if (!ir)
        return NULL;
    bp_table_init(&ir->bps);
    for (int sig = 1; sig < NSIG; sig++)
        ir->handle[sig] = (struct signal_handling){ true, true, true };
    for (size_t i = 0; i < sizeof nostop_signals / sizeof nostop_signals[0]; i++)
        ir->handle[nostop_signals[i]] = (struct signal_handling){ false, false, true };
    ir->handle[SIGINT].pass = false;
    ir->handle[SIGTRAP].pass = false;
    return ir;
}

void infrun_free(struct infrun *ir)
{
    if (!ir)
        return;
    bp_table_free(&ir->bps);
    free(ir->pages);
    free(ir);
}

struct infrun *infrun_of(struct session *s)
{
    if (!s->infrun)
        s->infrun = infrun_new(s);
    return s->infrun;
}

/* ---------- printing ---------- */

void infrun_thread_prefix(struct session *s, pid_t tid, char *buf, size_t len)
{
    buf[0] = '\0';
    struct target *t = s->target;
    if (!t || t->nthreads < 2)
        return;
    struct rd_thread *th = target_thread_by_tid(t, tid);
    if (th)
        snprintf(buf, len, "Thread %d \"%s\" ", th->num, th->name);
}

/* Print line `line` of `file` as "12\t<text>", or gdb's message when the
 * file cannot be read. */
static void print_source_line(struct session *s, const char *file, int line)
{
    /* gdb says a file is missing once, then "LINE\tin FILE" while the
     * lines it is asked for stay in that file. */
    static char last_missing[1024];
    FILE *f = fopen(file, "r");
    if (!f) {
        if (strcmp(last_missing, file) == 0) {
            out_printf(s, "%d\tin %s\n", line, file);
            return;
        }
        snprintf(last_missing, sizeof last_missing, "%s", file);
        out_printf(s, "%d\t%s: No such file or directory.\n", line, file);
        return;
    }
    last_missing[0] = '\0';
    char buf[4096];
    int n = 0;
    while (fgets(buf, sizeof buf, f)) {
        size_t len = strlen(buf);
        bool whole = len > 0 && buf[len - 1] == '\n';
        if (++n == line) {
            if (whole)
                buf[len - 1] = '\0';
            out_printf(s, "%d\t%s\n", line, buf);
            fclose(f);
            return;
        }
        while (!whole && fgets(buf, sizeof buf, f)) {  /* rest of a long line */
            len = strlen(buf);
            whole = len > 0 && buf[len - 1] == '\n';
        }
    }
    fclose(f);
    out_printf(s, "Line number %d out of range; \"%s\" has %d lines.\n", line, file, n);
}

static addr_t thread_pc(struct session *s, pid_t tid)
{
    struct user_regs_struct regs;
    if (s->target->ops->get_regs(s->target, tid, &regs) < 0)
        return 0;
    return regs.rip;
}

/* The frame line without its "#0  " prefix. */
static void describe_frame0(struct session *s, pid_t tid, char *buf, size_t len)
{
    if (!frame0_describe(s->symtab, tid, buf, len))
        snprintf(buf, len, "0x%016llx in ?? ()", (unsigned long long)thread_pc(s, tid));
}

void infrun_print_location(struct session *s, pid_t tid, bool print_frame)
{
    if (print_frame) {
        char buf[1024];
        describe_frame0(s, tid, buf, sizeof buf);
        out_printf(s, "%s\n", buf);
    }
    /* Frame 0's line: the call's line when an inlined call starting here
     * is hidden (Note [Inlined frames at their first instruction]). */
    struct line_info li;
    struct frame f;
    const char *call_file = NULL;
    if (s->symtab && unwind_thread(s->symtab, tid, &f, 1) >= 1
        && frame_line(s->symtab, &f, &li, &call_file) && li.file)
        print_source_line(s, call_file ? call_file : li.file, li.line);
    else if (s->symtab && symtab_line_for_addr(s->symtab, thread_pc(s, tid), &li) && li.file)
        print_source_line(s, li.file, li.line);
}

/* gdb hides the inlined calls that start where thread tid stopped, at
 * every stop but a single-instruction step (Note [Inlined frames at
 * their first instruction] in symtab_inline.c); resuming forgets it. */
static void hide_inline_starts(struct session *s, pid_t tid)
{
    symtab_hide_inline_starts(s->symtab, tid, thread_pc(s, tid));
}

static void forget_hidden_inline(struct session *s)
{
    symtab_hide_inline_starts(s->symtab, 0, 0);
}

/* Was breakpoint bp set by a function's name (not FILE:LINE, LINE or
 * *ADDR)?  gdb presents a stop there in that function, hiding inlined
 * calls that start at its address; for the others it shows them. */
static bool set_by_function_name(const struct breakpoint *bp)
{
    const char *spec = bp->spec ? bp->spec : "";
    return (isalpha((unsigned char)spec[0]) || spec[0] == '_') && !strchr(spec, ':');
}

/* gdb's description of a signal ("Segmentation fault"). */
const char *infrun_signal_description(int sig)
{
    switch (sig) {
    case SIGHUP: return "Hangup";
    case SIGINT: return "Interrupt";
    case SIGQUIT: return "Quit";
    case SIGILL: return "Illegal instruction";
    case SIGTRAP: return "Trace/breakpoint trap";
    case SIGABRT: return "Aborted";
    case SIGBUS: return "Bus error";
    case SIGFPE: return "Arithmetic exception";
    case SIGKILL: return "Killed";
    case SIGUSR1: return "User defined signal 1";
    case SIGSEGV: return "Segmentation fault";
    case SIGUSR2: return "User defined signal 2";
    case SIGPIPE: return "Broken pipe";
    case SIGALRM: return "Alarm clock";
    case SIGTERM: return "Terminated";
    case SIGSTKFLT: return "Stack fault";
    case SIGCHLD: return "Child status changed";
    case SIGCONT: return "Continued";
    case SIGSTOP: return "Stopped (signal)";
    case SIGTSTP: return "Stopped (user)";
    case SIGTTIN: return "Stopped (tty input)";
    case SIGTTOU: return "Stopped (tty output)";
    case SIGURG: return "Urgent I/O condition";
    case SIGXCPU: return "CPU time limit exceeded";
    case SIGXFSZ: return "File size limit exceeded";
    case SIGVTALRM: return "Virtual timer expired";
    case SIGPROF: return "Profiling timer expired";
    case SIGWINCH: return "Window size changed";
    case SIGIO: return "I/O possible";
    case SIGPWR: return "Power fail/restart";
    case SIGSYS: return "Bad system call";
    default: return "Real-time event";
    }
}

/* "SIGSEGV", "SIG34" */
const char *infrun_signal_name(int sig, char *buf, size_t len)
{
    const char *abbrev = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : NULL;
    if (abbrev && sig < SIGRTMIN)
        snprintf(buf, len, "SIG%s", abbrev);
    else
        snprintf(buf, len, "SIG%d", sig);
    return buf;
}

/* ---------- the target's threads ---------- */

static void select_thread(struct session *s, pid_t tid)
{
    struct rd_thread *th = target_thread_by_tid(s->target, tid);
    if (th)
        s->cur_thread = th->num;
    s->cur_frame = 0;
}

/* Remember that addr held an int3 in this process (oldest forgotten first). */
static void remember_inserted(addr_t addr)
{
    for (int i = 0; i < run_state.ninserted; i++)
        if (run_state.inserted[i] == addr)
            return;
    if (run_state.ninserted == MAX_INSERTED) {
        memmove(run_state.inserted, run_state.inserted + 1,
                (MAX_INSERTED - 1) * sizeof run_state.inserted[0]);
        run_state.ninserted--;
    }
    run_state.inserted[run_state.ninserted++] = addr;
}

static bool was_inserted(addr_t addr)
{
    for (int i = 0; i < run_state.ninserted; i++)
        if (run_state.inserted[i] == addr)
            return true;
    return false;
}

/* Forget everything tied to the process that just went away. */
static void target_gone(struct session *s)
{
    struct infrun *ir = infrun_of(s);
    for (struct breakpoint *bp = ir->bps.head; bp; bp = bp->next)
        for (int i = 0; i < bp->nlocs; i++)
            bp->locs[i].inserted = false;
    free(ir->pages);
    ir->pages = NULL;
    ir->npages = 0;
    run_state.ndeferred = 0;
    run_state.ninserted = 0;
}

/* Wait for the next event, taking deferred ones first.  Ctrl-C in the
 * meantime interrupts the target. */
static struct target *volatile interrupt_target;

static void on_sigint(int sig)
{
    (void)sig;
    struct target *t = interrupt_target;
    if (t && t->ops->interrupt)
        t->ops->interrupt(t);
}

static int wait_event(struct session *s, struct stop_event *ev)
{
    if (run_state.ndeferred > 0) {
        *ev = run_state.deferred[0];
        memmove(run_state.deferred, run_state.deferred + 1,
                (size_t)(run_state.ndeferred - 1) * sizeof *ev);
        run_state.ndeferred--;
        return 0;
    }
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    interrupt_target = s->target;
    sigaction(SIGINT, &sa, &old);
    int rc = s->target->ops->wait(s->target, ev, -1);
    sigaction(SIGINT, &old, NULL);
    interrupt_target = NULL;
    return rc;
}

static void defer_event(const struct stop_event *ev)
{
    if (run_state.ndeferred < MAX_DEFERRED)
        run_state.deferred[run_state.ndeferred++] = *ev;
}

void infrun_drain_queued(struct session *s)
{
    struct stop_event ev;
    for (int i = 0; i < MAX_DEFERRED; i++) {
        if (s->target->ops->wait(s->target, &ev, 0) < 0 || ev.kind == STOP_TIMEOUT)
            return;
        defer_event(&ev);
    }
}

int infrun_wait_for_thread(struct session *s, pid_t tid, struct stop_event *ev)
{
    for (;;) {
        int rc = s->target->ops->wait(s->target, ev, -1);
        if (rc < 0)
            return rc;
        if (ev->tid == tid || ev->kind == STOP_EXITED || ev->kind == STOP_KILLED)
            return 0;
        defer_event(ev);
    }
}

/* Single-step thread tid alone.  A fault on a page we protect is handled
 * transparently (the instruction then completed).  Returns 0 with *ev the
 * step's completion (kind STOP_STEP_DONE), or another event the caller must
 * process; *watch_hit tells whether a page-protection watch fired. */
static int step_thread(struct session *s, pid_t tid, int sig, struct stop_event *ev,
                       bool *watch_hit)
{
    *watch_hit = false;
    infrun_drain_queued(s);
    int rc = s->target->ops->step(s->target, tid, sig);
    if (rc < 0)
        return rc;
    if ((rc = infrun_wait_for_thread(s, tid, ev)) < 0)
        return rc;
    if (ev->kind == STOP_SIGNAL && ev->signo == SIGSEGV && ev->tid == tid) {
        enum pp_result r = pageprot_handle_fault(s, tid, &ev->si);
        if (r == PP_HANDLED || r == PP_HIT) {
            *watch_hit = r == PP_HIT;
            ev->kind = STOP_STEP_DONE;
            ev->signo = SIGTRAP;
        }
    }
    /* watch_hw: a debug-register hit can come with the step's trap. */
    if (ev->kind == STOP_STEP_DONE && ev->tid == tid && watch_hw_handle_trap(s, tid) == PP_HIT)
        *watch_hit = true;
    return 0;
}

/* Before resuming: take back signals the target kept for threads that
 * faulted on our protected pages while being stopped (they re-execute the
 * instruction and fault again, visibly). */
static void clear_our_pending_faults(struct session *s)
{
    struct target *t = s->target;
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (th->exited || th->pending_signal != SIGSEGV)
            continue;
        if (pageprot_owns(s, (addr_t)(uintptr_t)th->last_siginfo.si_addr))
            th->pending_signal = 0;
    }
}

/* Step every thread standing on an enabled breakpoint past it.  Returns 0
 * when all are past; 1 with *ev set when something must be reported first. */
static int step_over_breakpoints(struct session *s, struct stop_event *ev, bool *watch_hit)
{
    struct target *t = s->target;
    struct infrun *ir = infrun_of(s);
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (th->exited || !th->stopped)
            continue;
        if (!bp_enabled_at(&ir->bps, thread_pc(s, th->tid)))
            continue;
        pid_t tid = th->tid;
        int rc = step_thread(s, tid, 0, ev, watch_hit);
        if (rc < 0)
            return rc;
        if (*watch_hit || ev->kind != STOP_STEP_DONE)
            return 1;
        th = target_thread_by_tid(t, tid);    /* the array may have grown */
        if (!th)
            break;
    }
    return 0;
}

/* ---------- the resume loop ---------- */

enum outcome {
    OUT_RESUME,         /* nothing to report: resume again */
    OUT_STOPPED,        /* reported a stop */
    OUT_EXITED,         /* the process is gone (reported) */
    OUT_INTERNAL,       /* an internal breakpoint's condition held */
    OUT_ERROR,
    OUT_NOT_OURS,       /* an int3 that is not ours: the program's own SIGTRAP */
};

/* What an internal breakpoint (finish, until) waits for. */
struct internal_goal {
    struct breakpoint *bps[BP_MAX_LOCS];
    int nbps;
    pid_t tid;              /* only this thread (0: any) */
    addr_t min_sp;          /* and only when rsp >= this (the frame has returned) */
};
static struct internal_goal *goal;

static bool goal_reached(struct session *s, pid_t tid, addr_t pc)
{
    if (!goal)
        return false;
    if (goal->tid && goal->tid != tid)
        return false;
    struct user_regs_struct regs;
    if (s->target->ops->get_regs(s->target, tid, &regs) < 0)
        return false;
    for (int i = 0; i < goal->nbps; i++) {
        struct breakpoint *bp = goal->bps[i];
        for (int k = 0; k < bp->nlocs; k++) {
            if (bp->locs[k].addr != pc)
                continue;
            /* The frame's return address carries the stack condition (a
             * recursive call returning is not our frame returning);
             * "until LOCATION" locations do not. */
            if (strcmp(bp->spec, "return") == 0 && regs.rsp < goal->min_sp)
                continue;
            return true;
        }
    }
    return false;
}

/* Evaluate a breakpoint's condition in the stopped thread; true = stop.
 * An error stops too (gdb does) and is printed. */
bool infrun_condition_holds(struct session *s, struct breakpoint *bp)
{
    if (!bp->cond)
        return true;
    struct rd_value v;
    char err[256];
    if (expr_eval(s, bp->cond, &v, err, sizeof err) < 0 ||
        value_fetch(s, &v, err, sizeof err) < 0) {
        out_printf(s, "Error in testing condition for breakpoint %d:\n%s\n", bp->num, err);
        return true;
    }
    return value_as_int(&v) != 0;
}

/* Does this hit of bp stop the program?  Its condition holds, then the
 * hit is counted, then its ignore count (if any) takes it instead. */
bool infrun_hit_stops(struct session *s, struct breakpoint *bp)
{
    if (!infrun_condition_holds(s, bp))
        return false;
    bp->hits++;
    if (bp->ignore_count > 0) {
        bp->ignore_count--;
        return false;
    }
    return true;
}

static struct breakpoint *reported_bp;     /* for commands lists */

/* A page-protection fault set some watches' hit_pending: report them and
 * the location (unless silent), or resume if no condition held. */
static enum outcome report_watch_stop(struct session *s, pid_t tid)
{
    select_thread(s, tid);
    struct breakpoint *bp = watch_report_hits(s, tid);
    if (!bp)
        return OUT_RESUME;
    hide_inline_starts(s, tid);
    if (!(bp->ncommands > 0 && strcmp(bp->commands[0], "silent") == 0))
        infrun_print_location(s, tid, true);
    reported_bp = bp;
    return OUT_STOPPED;
}

static enum outcome breakpoint_hit(struct session *s, pid_t tid, addr_t pc);

/* A thread stopped on an int3 of ours (its pc is one past it). */
static enum outcome breakpoint_event(struct session *s, const struct stop_event *ev)
{
    struct target *t = s->target;
    struct infrun *ir = infrun_of(s);
    struct user_regs_struct regs;
    if (t->ops->get_regs(t, ev->tid, &regs) < 0)
        return OUT_ERROR;
    addr_t pc = regs.rip - 1;
    if (!was_inserted(pc) && !bp_enabled_at(&ir->bps, pc))
        return OUT_NOT_OURS;
    regs.rip = pc;
    t->ops->set_regs(t, ev->tid, &regs);
    struct rd_thread *th = target_thread_by_tid(t, ev->tid);
    if (th)
        th->pending_signal = 0;

    select_thread(s, ev->tid);
    if (goal_reached(s, ev->tid, pc))
        return OUT_INTERNAL;
    solib_handle_event(s, pc);  /* library loads, IFUNC resolvers returning: solib.c */
    return breakpoint_hit(s, ev->tid, pc);
}

/* Thread tid is at pc, where a breakpoint is (it executed the int3, or
 * a step landed there): count the hits, and report the first that stops
 * the program.  OUT_RESUME when none does. */
static enum outcome breakpoint_hit(struct session *s, pid_t tid, addr_t pc)
{
    struct infrun *ir = infrun_of(s);
    struct breakpoint *first = NULL;
    for (struct breakpoint *bp = bp_next_at(&ir->bps, NULL, pc); bp;
         bp = bp_next_at(&ir->bps, bp, pc)) {
        if (bp->num >= 0 && !solib_ifunc_resolver_hit(s, bp, pc) && infrun_hit_stops(s, bp)
            && !first)
            first = bp;
    }
    if (!first)
        return OUT_RESUME;
    bool hide = true;
    for (struct breakpoint *bp = bp_next_at(&ir->bps, NULL, pc); bp;
         bp = bp_next_at(&ir->bps, bp, pc))
        if (bp->num > 0 && !set_by_function_name(bp))
            hide = false;
    if (hide)
        hide_inline_starts(s, tid);

    bool silent = first->ncommands > 0 && strcmp(first->commands[0], "silent") == 0;
    if (!silent) {
        char prefix[64];
        infrun_thread_prefix(s, tid, prefix, sizeof prefix);
        char frame[1024];
        describe_frame0(s, tid, frame, sizeof frame);
        out_printf(s, "\n%s%s%s %d, %s\n", prefix, prefix[0] ? "hit " : "",
                   first->temporary ? "Temporary breakpoint" : "Breakpoint", first->num, frame);
        infrun_print_location(s, tid, false);
    }
    json_str(s, "reason", "breakpoint-hit");
    json_int(s, "bkptno", first->num);
    json_int(s, "thread", s->cur_thread);
    reported_bp = first;
    if (first->temporary) {
        reported_bp = NULL;
        bp_delete(&ir->bps, first);
    }
    return OUT_STOPPED;
}

static void report_signal(struct session *s, const struct stop_event *ev)
{
    char prefix[64], name[32];
    infrun_thread_prefix(s, ev->tid, prefix, sizeof prefix);
    infrun_signal_name(ev->signo, name, sizeof name);
    out_printf(s, "\n%s%s signal %s, %s.\n", prefix[0] ? prefix : "Program ",
               "received", name, infrun_signal_description(ev->signo));
    infrun_print_location(s, ev->tid, true);
    json_str(s, "reason", "signal-received");
    json_str(s, "signal", name);
    json_int(s, "thread", s->cur_thread);
}

static enum outcome signal_event(struct session *s, const struct stop_event *ev)
{
    struct infrun *ir = infrun_of(s);
    struct rd_thread *th = target_thread_by_tid(s->target, ev->tid);
    int sig = ev->signo;
    if (sig == SIGSEGV) {
        enum pp_result r = pageprot_handle_fault(s, ev->tid, &ev->si);
        if (r == PP_HANDLED)
            return OUT_RESUME;
        if (r == PP_HIT)
            return report_watch_stop(s, ev->tid);
    }
    if (sig == SIGTRAP && ev->status != (int)0x4) {
        /* watch_hw: a debug-register watch hit (DR6 says which). */
        enum pp_result r = watch_hw_handle_trap(s, ev->tid);
        if (r == PP_HANDLED || r == PP_HIT) {
            if (th)
                th->pending_signal = 0;
            return r == PP_HIT ? report_watch_stop(s, ev->tid) : OUT_RESUME;
        }
    }
    if (sig == SIGTRAP && ev->status == (int)0x4 /* PTRACE_EVENT_EXEC */) {
        if (th)
            th->pending_signal = 0;
        return OUT_RESUME;
    }
    struct signal_handling h = sig > 0 && sig < NSIG ? ir->handle[sig]
                                                     : (struct signal_handling){ true, true, true };
    if (th)
        th->pending_signal = h.pass ? sig : 0;
    if (!h.stop) {
        if (h.print) {
            char prefix[64], name[32];
            infrun_thread_prefix(s, ev->tid, prefix, sizeof prefix);
            out_printf(s, "\n%s%s signal %s, %s.\n", prefix[0] ? prefix : "Program ", "received",
                       infrun_signal_name(sig, name, sizeof name), infrun_signal_description(sig));
        }
        return OUT_RESUME;
    }
    select_thread(s, ev->tid);
    hide_inline_starts(s, ev->tid);
    report_signal(s, ev);
    return OUT_STOPPED;
}

/* Decide what one event means; prints the report. */
static enum outcome process_event(struct session *s, struct stop_event *ev)
{
    struct target *t = s->target;
    if ((ev->kind == STOP_SIGNAL || ev->kind == STOP_BREAKPOINT || ev->kind == STOP_STEP_DONE) &&
        watch_plugins_check_stop(s, ev)) {
        struct user_regs_struct regs;
        if (ev->kind == STOP_BREAKPOINT && t->ops->get_regs(t, ev->tid, &regs) == 0 &&
            was_inserted(regs.rip - 1)) {
            regs.rip--;
            t->ops->set_regs(t, ev->tid, &regs);
        }
        struct rd_thread *th = target_thread_by_tid(t, ev->tid);
        if (th && ev->signo == SIGTRAP)
            th->pending_signal = 0;
        select_thread(s, ev->tid);
        infrun_print_location(s, ev->tid, true);
        return OUT_STOPPED;
    }
    switch (ev->kind) {
    case STOP_EXITED:
        if (ev->status == 0)
            out_printf(s, "[Inferior 1 (process %d) exited normally]\n", (int)t->pid);
        else
            out_printf(s, "[Inferior 1 (process %d) exited with code %02o]\n", (int)t->pid,
                       (unsigned)ev->status);
        json_str(s, "reason", "exited");
        json_int(s, "exit-code", ev->status);
        target_gone(s);
        session_drop_target(s);
        return OUT_EXITED;
    case STOP_KILLED: {
        char name[32];
        out_printf(s, "\nProgram terminated with signal %s, %s.\nThe program no longer exists.\n",
                   infrun_signal_name(ev->signo, name, sizeof name),
                   infrun_signal_description(ev->signo));
        json_str(s, "reason", "exited-signalled");
        json_str(s, "signal", name);
        target_gone(s);
        session_drop_target(s);
        return OUT_EXITED;
    }
    case STOP_BREAKPOINT: {
        enum outcome o = breakpoint_event(s, ev);
        if (o != OUT_NOT_OURS)
            return o;
        struct stop_event sig = *ev;
        sig.kind = STOP_SIGNAL;
        sig.signo = SIGTRAP;
        return signal_event(s, &sig);
    }
    case STOP_INTERRUPTED: {
        struct stop_event sig = *ev;
        sig.signo = SIGINT;
        select_thread(s, ev->tid);
        report_signal(s, &sig);
        return OUT_STOPPED;
    }
    case STOP_SIGNAL:
        if (ev->signo == SIGTRAP && (ev->si.si_code == SI_KERNEL || ev->si.si_code == 1)) {
            struct stop_event bp = *ev;
            bp.kind = STOP_BREAKPOINT;
            return process_event(s, &bp);
        }
        return signal_event(s, ev);
    case STOP_STEP_DONE:        /* a stray step completion (e.g. a deferred one) */
        return OUT_RESUME;
    case STOP_THREAD_EXITED:
    case STOP_TIMEOUT:
        return OUT_RESUME;
    }
    return OUT_ERROR;
}

/* Resume everything with breakpoints inserted and report the next stop. */
static enum outcome resume_and_report(struct session *s)
{
    struct infrun *ir = infrun_of(s);
    reported_bp = NULL;     /* a stop reported earlier may have been deleted since */
    forget_hidden_inline(s);
    for (;;) {
        struct target *t = s->target;
        if (!t)
            return OUT_EXITED;
        struct stop_event ev;
        bool watch_hit = false;
        int have = 0;
        if (run_state.ndeferred == 0) {
            clear_our_pending_faults(s);
            have = step_over_breakpoints(s, &ev, &watch_hit);
            if (have < 0) {
                cmd_error(s, "Cannot step over a breakpoint: %s.", strerror(-have));
                return OUT_ERROR;
            }
            /* Other threads' events that came in meanwhile are reported
             * before anything runs again. */
            if (have == 0 && run_state.ndeferred > 0)
                continue;
        } else {
            wait_event(s, &ev);     /* takes the deferred one */
            have = 1;
        }
        if (watch_hit) {
            enum outcome o = report_watch_stop(s, ev.tid);
            if (o != OUT_RESUME)
                return o;
            continue;
        }
        if (!have) {
            watch_refresh(s);
            int rc = bp_insert_all(&ir->bps, t);
            if (rc < 0)
                out_printf(s, "Warning: cannot insert a breakpoint: %s.\n", strerror(-rc));
            for (struct breakpoint *bp = ir->bps.head; bp; bp = bp->next)
                for (int i = 0; i < bp->nlocs; i++)
                    if (bp->locs[i].inserted)
                        remember_inserted(bp->locs[i].addr);
            rc = t->ops->resume(t);
            if (rc == 0)
                rc = wait_event(s, &ev);
            if (s->target)
                bp_remove_all(&ir->bps, t);
            if (rc < 0) {
                cmd_error(s, "Cannot resume the program: %s.", strerror(-rc));
                return OUT_ERROR;
            }
        }
        enum outcome o = process_event(s, &ev);
        if (o != OUT_RESUME)
            return o;
    }
}

/* Run a just-reported breakpoint's commands list.  Returns true when the
 * list ends with "continue" (the caller resumes instead of returning). */
static bool run_bp_commands(struct session *s)
{
    struct breakpoint *bp = reported_bp;
    reported_bp = NULL;
    if (!bp || bp->ncommands == 0)
        return false;
    /* Copy: a command may delete the breakpoint. */
    int n = bp->ncommands;
    char **lines = calloc((size_t)n, sizeof *lines);
    for (int i = 0; i < n; i++)
        lines[i] = strdup(bp->commands[i]);
    bool resume = false;
    for (int i = 0; i < n; i++) {
        const char *l = lines[i];
        while (*l == ' ' || *l == '\t')
            l++;
        if (strcmp(l, "silent") == 0 && i == 0)
            continue;
        if (strcmp(l, "continue") == 0 || strcmp(l, "c") == 0 || strcmp(l, "cont") == 0) {
            resume = true;
            break;
        }
        cmd_execute(s, l);
        if (!s->target)
            break;
    }
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    return resume && s->target;
}

int infrun_continue(struct session *s)
{
    for (;;) {
        enum outcome o = resume_and_report(s);
        if (o == OUT_EXITED)
            return 1;
        if (o == OUT_ERROR)
            return -1;
        if (o == OUT_INTERNAL)      /* a stale goal: nobody waits for it */
            continue;
        if (!run_bp_commands(s))
            return 0;
    }
}

/* ---------- stepping ---------- */

static bool same_function(struct session *s, addr_t a, addr_t b)
{
    struct sym_info sa, sb;
    if (!s->symtab || !symtab_lookup_addr(s->symtab, a, &sa) || !symtab_lookup_addr(s->symtab, b, &sb))
        return false;
    return sa.addr == sb.addr;
}

/* The function (inlined ones told apart) thread tid's frame 0 is in. */
static uint64_t frame0_function(struct session *s, pid_t tid)
{
    struct frame f;
    if (!s->symtab || unwind_thread(s->symtab, tid, &f, 1) < 1)
        return 0;
    return frame_function_id(s->symtab, &f);
}

/* gdb's report after stepi: "0x...\t12\t<source>" mid-line, "12\t..." at a
 * line start, the whole frame when the function changed (into or out of
 * an inlined one too: start_fn is frame0_function before the step). */
static void print_step_location(struct session *s, pid_t tid, addr_t start_pc, uint64_t start_fn)
{
    addr_t pc = thread_pc(s, tid);
    struct line_info li;
    bool have_line = s->symtab && symtab_line_for_addr(s->symtab, pc, &li) && li.file;
    if (!have_line || !same_function(s, pc, start_pc) || frame0_function(s, tid) != start_fn) {
        infrun_print_location(s, tid, true);
        return;
    }
    if (li.addr != pc || !li.is_stmt)
        out_printf(s, "0x%016llx\t", (unsigned long long)pc);
    print_source_line(s, li.file, li.line);
}

/* Run until an internal goal is met (or something else stops the program).
 * Returns the outcome; the goal's breakpoints are deleted. */
static enum outcome run_to_goal(struct session *s, struct internal_goal *g)
{
    goal = g;
    enum outcome o;
    for (;;) {
        o = resume_and_report(s);
        if (o == OUT_STOPPED && run_bp_commands(s))
            continue;
        break;
    }
    goal = NULL;
    if (s->infrun)
        for (int i = 0; i < g->nbps; i++)
            bp_delete(&s->infrun->bps, g->bps[i]);
    g->nbps = 0;
    return o;
}

static struct breakpoint *internal_bp(struct session *s, addr_t addr, const char *what)
{
    struct breakpoint *bp = bp_create(&infrun_of(s)->bps, BP_BREAKPOINT, what, true);
    if (bp)
        bp_add_location(bp, addr);
    return bp;
}

/* Did thread tid's last single step (from registers `before`) enter a
 * call?  The return address is then on top of the stack and points just
 * past the instruction stepped.  Returns it, or 0. */
static addr_t entered_call(struct session *s, pid_t tid, const struct user_regs_struct *before)
{
    struct user_regs_struct after;
    uint64_t ret = 0;
    if (s->target->ops->get_regs(s->target, tid, &after) < 0)
        return 0;
    if (after.rsp != before->rsp - 8 || target_read_u64(s->target, after.rsp, &ret) < 0 ||
        ret <= before->rip || ret > before->rip + 15 ||
        (after.rip > before->rip && after.rip <= before->rip + 15))
        return 0;
    return ret;
}

/* Run until the call thread tid just entered returns to ret (its stack
 * back above caller_sp, so a recursive call's return does not count). */
static enum outcome run_to_return(struct session *s, pid_t tid, addr_t ret, addr_t caller_sp)
{
    struct internal_goal g = { .tid = tid, .min_sp = caller_sp };
    g.bps[g.nbps++] = internal_bp(s, ret, "return");
    return run_to_goal(s, &g);
}

/* Step the selected thread over one instruction; with over_calls, a call
 * runs to its return.  Returns an outcome; *stopped_elsewhere when a
 * report was already printed. */
static enum outcome step_once(struct session *s, bool over_calls)
{
    struct target *t = s->target;
    reported_bp = NULL;
    forget_hidden_inline(s);
    pid_t tid = session_current_tid(s);
    struct user_regs_struct before;
    if (t->ops->get_regs(t, tid, &before) < 0) {
        cmd_error(s, "Cannot read the registers of the selected thread.");
        return OUT_ERROR;
    }
    if (run_state.ndeferred > 0) {       /* another thread's event comes first */
        struct stop_event ev;
        wait_event(s, &ev);
        enum outcome o = process_event(s, &ev);
        if (o != OUT_RESUME)
            return o;
    }
    clear_our_pending_faults(s);
    struct rd_thread *th = target_thread_by_tid(t, tid);
    int sig = th ? th->pending_signal : 0;
    if (th)
        th->pending_signal = 0;
    struct stop_event ev;
    bool watch_hit;
    if (step_thread(s, tid, sig, &ev, &watch_hit) < 0) {
        cmd_error(s, "Cannot single-step thread %d.", s->cur_thread);
        return OUT_ERROR;
    }
    if (watch_hit && report_watch_stop(s, tid) == OUT_STOPPED)
        return OUT_STOPPED;
    if (ev.kind != STOP_STEP_DONE) {
        enum outcome o = process_event(s, &ev);
        return o == OUT_RESUME ? OUT_INTERNAL : o;
    }
    if (!over_calls)
        return OUT_INTERNAL;
    addr_t ret = entered_call(s, tid, &before);
    if (!ret)
        return OUT_INTERNAL;
    return run_to_return(s, tid, ret, before.rsp);
}

/* A stepping command steps until one step ends it.  step_result is
 * the command's result for a step's outcome: 1 the program exited, -1 an
 * error, 0 it stopped for another reason (reported); STEP_ON when the
 * step just completed and stepping goes on. */
#define STEP_ON 2
static int step_result(enum outcome o)
{
    switch (o) {
    case OUT_EXITED: return 1;
    case OUT_ERROR: return -1;
    case OUT_STOPPED: return 0;
    default: return STEP_ON;
    }
}

static int stepped_onto_breakpoint(struct session *s, pid_t tid);

/* stepi and nexti: count instructions; one that arrives on an enabled
 * breakpoint's address hits it as in gdb (counted, its condition and
 * commands honoured, "Breakpoint N, ..." reported) and ends the command.
 * nexti's call run to its return can end on one too. */
int infrun_stepi(struct session *s, int count, bool over_calls)
{
    if (!target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    pid_t tid = session_current_tid(s);
    addr_t start_pc = thread_pc(s, tid);
    uint64_t start_fn = frame0_function(s, tid);
    for (int i = 0; i < count; i++) {
        int rc = step_result(step_once(s, over_calls));
        if (rc != STEP_ON)
            return rc;
        if ((rc = stepped_onto_breakpoint(s, tid)) != STEP_ON)
            return rc;
    }
    print_step_location(s, tid, start_pc, start_fn);
    return 0;
}

/* The selected frame and its caller. */
static int caller_frames(struct session *s, pid_t tid, struct frame *f)
{
    struct frame frames[RD_MAX_FRAMES];
    int want = s->cur_frame + 2;
    if (!s->symtab || want > RD_MAX_FRAMES)
        return -1;
    int n = unwind_thread(s->symtab, tid, frames, want);
    if (n < want)
        return -1;
    f[0] = frames[s->cur_frame];
    f[1] = frames[s->cur_frame + 1];
    return 0;
}

/* Print "Value returned is $1 = 6" through print, so the value enters the
 * history, typed by the function's DWARF return type.  A function without
 * debug info (an ELF symbol alone: libc without its debug package) has no
 * known return type, and gdb prints no value for it; neither do we. */
static void print_return_value(struct session *s, addr_t func_pc)
{
    struct rd_type *ret = s->symtab ? dwarf_function_return_type(s->symtab, func_pc) : NULL;
    if (!ret)
        return;
    struct rd_type *rt = type_strip_typedefs(ret);
    if (!rt || rt->kind == TY_VOID || rt->kind == TY_STRUCT || rt->kind == TY_UNION
        || rt->kind == TY_ARRAY || rt->kind == TY_FLOAT)
        return;     /* nothing, or returned in memory or in xmm0: not shown */
    char tname[256], line[512];
    type_name(ret, tname, sizeof tname);
    snprintf(line, sizeof line, "print (%s) $rax", tname);
    out_printf(s, "Value returned is ");
    cmd_execute(s, line);
}

int infrun_finish(struct session *s)
{
    if (!target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    pid_t tid = session_current_tid(s);
    struct frame f[2];
    if (caller_frames(s, tid, f) < 0) {
        cmd_error(s, "\"finish\" not meaningful in the outermost frame.");
        return -1;
    }
    if (f[0].inline_depth > 0) {
        /* Its caller shares its pc: a return breakpoint there would never
         * mean "returned" (Note [Inlined frames] in symtab_inline.c). */
        cmd_error(s, "\"finish\" out of an inlined function is not supported; use \"next\" or \"until\".");
        return -1;
    }
    char desc[1024];
    frame_describe(s->symtab, &f[0], desc, sizeof desc);
    out_printf(s, "Run till exit from %s\n", desc);
    addr_t func_pc = f[0].pc;
    struct internal_goal g = { .tid = tid, .min_sp = f[0].cfa ? f[0].cfa : f[0].sp + 8 };
    g.bps[g.nbps++] = internal_bp(s, f[1].pc, "return");
    enum outcome o = run_to_goal(s, &g);
    if (o == OUT_EXITED)
        return 1;
    if (o != OUT_INTERNAL)
        return o == OUT_ERROR ? -1 : 0;
    hide_inline_starts(s, tid);
    infrun_print_location(s, tid, true);
    print_return_value(s, func_pc);
    return 0;
}

/* The three commands that step by lines: step enters calls, next and
 * until run them through, until also goes on through jumps back (Note
 * [How step decides where to stop]). */
enum step_kind { STEP_INTO, STEP_OVER, STEP_UNTIL };
static int step_or_next(struct session *s, int count, enum step_kind kind);

int infrun_until(struct session *s, addr_t addr)
{
    if (!target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    pid_t tid = session_current_tid(s);
    struct frame f[2];
    bool have_caller = caller_frames(s, tid, f) == 0;
    if (addr) {
        struct internal_goal g = { .tid = 0, .min_sp = have_caller ? f[0].cfa : 0 };
        g.bps[g.nbps++] = internal_bp(s, addr, "location");
        if (have_caller && f[0].cfa)
            g.bps[g.nbps++] = internal_bp(s, f[1].pc, "return");
        enum outcome o = run_to_goal(s, &g);
        if (o == OUT_EXITED)
            return 1;
        if (o == OUT_INTERNAL) {
            hide_inline_starts(s, session_current_tid(s));
            infrun_print_location(s, session_current_tid(s), true);
        }
        return o == OUT_ERROR ? -1 : 0;
    }
    return step_or_next(s, 1, STEP_UNTIL);
}

/* ---------- step ---------- */

/* Note [How step decides where to stop]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * "step" follows gdb's process_event_stop_test for step_over_calls ==
 * STEP_OVER_UNDEBUGGABLE, one instruction of the selected thread at a time
 * (other threads stay stopped; a call stepped over runs them all, as
 * under "next"):
 *   - A call is entered when its destination has line information.  The
 *     destination is the call's target, or for a PLT stub ("jmp
 *     *GOT(%rip)", perhaps after endbr64 and bnd) the address in its GOT
 *     slot, as gdb's skip_trampoline_code finds it.  The thread then runs
 *     to the function's body, where "break FUNC" stops (its entry at -O2;
 *     past "push %rbp; mov %rsp,%rbp" otherwise), and the step ends there.
 *     A lazy PLT slot not bound yet leads into the dynamic linker: the
 *     thread is stepped through it (its calls run at full speed, about a
 *     hundred steps) to the function it binds, as gdb does with
 *     in_solib_dynsym_resolve_code.  A destination without lines (libc
 *     without debug info) is stepped over: the call runs to its return.
 *   - gdb hides the inlined calls that start at every pc a step reaches
 *     (skip_inline_frames; Note [Inlined frames at their first
 *     instruction] in symtab_inline.c).  When frame 0 is then still the
 *     frame being stepped, the step has reached an inlined call: if the
 *     call is on the line being stepped, "step" shows the inlined
 *     function (step_into_inline_frame) and stops at its first line;
 *     otherwise it stops at the call's line, and the next "step" enters
 *     the inlined function without moving.  A pc deeper in an inlined
 *     call of the frame being stepped stops too.
 *   - Otherwise the step ends at the first instruction of a statement row
 *     (is_stmt) of another line.  Landing in the middle of a line (a jump
 *     back into a loop's condition, the caller's line after the callee's
 *     "ret") makes that line and frame the ones being stepped (gdb's
 *     set_step_info), so stepping out of a function goes on to the next
 *     line of the caller: "main () at f.c:34".
 *   - A jump (not a call) into a PLT stub -- a tail call through the PLT,
 *     "jmp getenv@plt" -- goes on through the stub and any lazy binding
 *     in the dynamic linker (in_solib_dynsym_resolve_code, as gdb) to the
 *     function, and the step is judged there: its first line when it has
 *     lines, else a stop at its first instruction ("0x... in getenv ()").
 *   - A pc without line information (returning into libc) stops there,
 *     unless it has no name either (a stripped libc's local
 *     __libc_start_call_main): "step" then runs that function to its
 *     return and goes on from there, gdb's "stepped into undebuggable
 *     function" (off main's end, the program exits).
 * "next" (STEP_OVER_ALL) is the same walk with calls run to their
 * return, and inlined calls on the line being stepped run through.
 * "until" without argument is "next" whose first range runs from the
 * function's entry to the end of the current row (gdb's
 * until_next_command, until_range): a jump back (a loop's test at its
 * end jumping to the body) stays in it, so until at a loop's last line
 * runs the loop to its end.  A step that lands on an enabled breakpoint's
 * address -- a called function's first instruction, or the return
 * address of a call run through -- hits it: counted, reported
 * ("Breakpoint 2, ..."), and the command ends there; stepi and nexti
 * likewise.
 * Rows are gdb's (symtab_row_for_addr): a row that repeats its line after
 * a discriminator is not a row of its own for gdb, so landing there is
 * the middle of a line.
 * The stop is reported as gdb's print_stop_event does: the frame line and
 * the source line when frame 0 (its CFA and function, inlined ones told
 * apart) or its real function differs from the step's start, the source
 * line alone otherwise, after the pc when that is not where a statement
 * starts. */

/* gdb's frame id of thread tid's frame 0, as it shows now (hidden inlined
 * calls left out): its CFA and function, inlined ones told apart. */
struct step_frame {
    addr_t cfa;
    uint64_t fn;
    int inline_depth;
};

static bool step_frame_now(struct session *s, pid_t tid, struct step_frame *out)
{
    struct frame f;
    if (!s->symtab || unwind_thread(s->symtab, tid, &f, 1) < 1)
        return false;
    out->cfa = f.cfa;
    out->fn = frame_function_id(s->symtab, &f);
    out->inline_depth = f.inline_depth;
    return true;
}

static bool same_step_frame(const struct step_frame *a, const struct step_frame *b)
{
    return a->cfa == b->cfa && a->fn == b->fn;
}

/* Thread tid's frame 0 line (an inlined call's line when the call is
 * hidden); false without line information. */
static bool frame0_line(struct session *s, pid_t tid, struct line_info *li)
{
    struct frame f;
    return s->symtab && unwind_thread(s->symtab, tid, &f, 1) >= 1
           && frame_line(s->symtab, &f, li, NULL) && li->file;
}

/* Where a call into pc goes: through PLT stubs to their GOT slot's
 * address (See Note [How step decides where to stop]). */
static addr_t call_destination(struct session *s, addr_t pc)
{
    for (int hop = 0; hop < 2; hop++) {
        unsigned char code[11];
        size_t at = 0;
        if (s->target->ops->read_memory(s->target, pc, code, sizeof code) < 0)
            break;
        if (code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa)
            at = 4;                 /* endbr64 */
        if (code[at] == 0xf2)
            at++;                   /* bnd */
        if (code[at] != 0xff || code[at + 1] != 0x25)
            break;                  /* not jmp *disp32(%rip) */
        int32_t disp;
        uint64_t slot;
        memcpy(&disp, code + at + 2, sizeof disp);
        if (target_read_u64(s->target, pc + at + 6 + (addr_t)(int64_t)disp, &slot) < 0)
            break;
        pc = slot;
    }
    return pc;
}

/* Step thread tid through a PLT stub and the dynamic linker's lazy
 * binding (their calls at full speed) to the function they lead to, as
 * gdb does while in_solib_dynsym_resolve_code.  OUT_INTERNAL there. */
static enum outcome step_through_resolver(struct session *s, pid_t tid)
{
    for (int n = 0; n < 100000 && symtab_in_dynsym_resolve_code(s->symtab, thread_pc(s, tid));
         n++) {
        enum outcome o = step_once(s, true);
        if (o != OUT_INTERNAL)
            return o;
    }
    return OUT_INTERNAL;
}

/* Thread tid just entered a call that returns to ret with the caller's
 * sp caller_sp.  Run to the body of a destination with line information
 * (*entered then set), or else to the return. */
static enum outcome step_into_call(struct session *s, pid_t tid, addr_t ret, addr_t caller_sp,
                                   bool *entered)
{
    *entered = false;
    addr_t pc = thread_pc(s, tid);
    addr_t dest = call_destination(s, pc);
    struct line_info li;
    if (symtab_in_dynsym_resolve_code(s->symtab, dest)) {
        /* A lazy PLT slot not bound yet: through the dynamic linker. */
        enum outcome o = step_through_resolver(s, tid);
        if (o != OUT_INTERNAL)
            return o;
        dest = pc = thread_pc(s, tid);
    }
    if (!symtab_line_for_addr(s->symtab, dest, &li))
        return run_to_return(s, tid, ret, caller_sp);
    addr_t body = symtab_function_body_addr(s->symtab, dest);
    if (body == pc) {
        *entered = true;
        return OUT_INTERNAL;
    }
    struct internal_goal g = { .tid = tid, .min_sp = caller_sp };
    g.bps[g.nbps++] = internal_bp(s, body, "body");
    g.bps[g.nbps++] = internal_bp(s, ret, "return");
    enum outcome o = run_to_goal(s, &g);
    if (o == OUT_INTERNAL)
        *entered = thread_pc(s, tid) == body;
    return o;
}

static bool same_line(const char *file_a, int line_a, const char *file_b, int line_b)
{
    return line_a == line_b && file_a && file_b && strcmp(file_a, file_b) == 0;
}

/* A step that lands on a breakpoint's address hits it, as in gdb (the
 * first instruction of a called function, most often): STEP_ON when no
 * breakpoint there stops the program, else a step_result. */
static int stepped_onto_breakpoint(struct session *s, pid_t tid)
{
    addr_t pc = thread_pc(s, tid);
    if (!bp_enabled_at(&infrun_of(s)->bps, pc) || breakpoint_hit(s, tid, pc) != OUT_STOPPED)
        return STEP_ON;
    if (run_bp_commands(s))     /* its commands end with "continue" */
        return infrun_continue(s);
    return 0;
}

/* "step" in a function without line information: gdb runs it to its
 * return, and the step goes on in the caller.  STEP_ON when returned. */
static int step_out_of_lineless(struct session *s, pid_t tid)
{
    struct sym_info si;
    struct frame f[2];
    addr_t pc = thread_pc(s, tid);
    if (!s->symtab || !symtab_lookup_addr(s->symtab, pc, &si) || !si.name
        || unwind_thread(s->symtab, tid, f, 2) < 2 || !f[0].cfa) {
        cmd_error(s, "Cannot find bounds of current function");
        return -1;
    }
    out_printf(s, "Single stepping until exit from function %s,\n"
                  "which has no line number information.\n", si.name);
    return step_result(run_to_return(s, tid, f[1].pc, f[0].cfa));
}

/* "until"'s first range (gdb's until_next_command): from the entry of
 * the function holding pc (the real one, not an inlined call) to the end
 * of pc's row, stretched over the rows after it that continue its line
 * without being statements.  A jump back stays inside it. */
static bool until_range(struct session *s, addr_t pc, struct line_row *range)
{
    struct sym_info si;
    if (!symtab_lookup_addr(s->symtab, pc, &si) || !si.addr || si.addr > pc)
        return false;
    range->start = si.addr;
    struct line_row next;
    while (symtab_row_for_addr(s->symtab, range->end, &next) && next.start == range->end
           && !next.is_stmt && same_line(next.file, next.line, range->file, range->line)
           && next.end > range->end)
        range->end = next.end;
    return true;
}

/* One line of "step" (into), "next" or "until" for thread tid: STEP_ON when it
 * ended where a step ends (not reported yet; *print_frame says how to
 * report it), else a step_result (the stop was reported).  Note [How step
 * decides where to stop]. */
static int step_line(struct session *s, pid_t tid, enum step_kind kind, bool *print_frame)
{
    struct symtab *st = s->symtab;
    addr_t start_pc = thread_pc(s, tid);
    bool into = kind == STEP_INTO;
    *print_frame = true;
    /* Stopped at an inlined call's first instruction, its frame hidden:
     * step enters it without moving (gdb's prepare_one_step). */
    if (into && symtab_show_one_inline(st, tid, start_pc))
        return STEP_ON;
    struct step_frame frame = { 0 };
    struct line_info cur = { 0 };
    struct line_row range = { 0 };
    bool from_caller = false;       /* the first position to judge is the caller's */
    if (!frame0_line(s, tid, &cur) || !step_frame_now(s, tid, &frame)
        || !symtab_row_for_addr(st, start_pc, &range)) {
        if (kind == STEP_UNTIL) {
            cmd_error(s, "Cannot find the current line; use \"stepi\" or \"until LOCATION\".");
            return -1;
        }
        int rc = step_out_of_lineless(s, tid);
        if (rc != STEP_ON)
            return rc;
        from_caller = true;
    } else if (kind == STEP_UNTIL && !until_range(s, start_pc, &range)) {
        cmd_error(s, "Execution is not within a known function.");
        return -1;
    }
    const char *cur_file = cur.file;
    int cur_line = cur.line;
    bool resolver_at_start = symtab_in_dynsym_resolve_code(st, start_pc);
    for (long n = 0; n < 10000000; n++) {
        bool judge_here = from_caller;  /* judge pc as it is, without a step first */
        from_caller = false;
        if (!judge_here) {      /* one instruction, a call entered or run through */
            struct user_regs_struct before;
            if (s->target->ops->get_regs(s->target, tid, &before) < 0) {
                cmd_error(s, "Cannot read the registers of the selected thread.");
                return -1;
            }
            int rc = step_result(step_once(s, false));
            if (rc != STEP_ON)
                return rc;
            addr_t ret = entered_call(s, tid, &before);
            if ((rc = stepped_onto_breakpoint(s, tid)) != STEP_ON)
                return rc;
            if (ret) {
                bool entered = false;
                rc = step_result(into ? step_into_call(s, tid, ret, before.rsp, &entered)
                                      : run_to_return(s, tid, ret, before.rsp));
                if (rc != STEP_ON)
                    return rc;
                if (entered) {
                    hide_inline_starts(s, tid);
                    *print_frame = true;
                    return STEP_ON;
                }
                /* Back from the call: a breakpoint on the return address
                 * is hit, as in gdb. */
                if ((rc = stepped_onto_breakpoint(s, tid)) != STEP_ON)
                    return rc;
            } else if (!resolver_at_start && symtab_in_dynsym_resolve_code(st, thread_pc(s, tid))) {
                /* A jump into a PLT stub (a tail call through the PLT):
                 * on through it to the function, then judged there. */
                if ((rc = step_result(step_through_resolver(s, tid))) != STEP_ON
                    || (rc = stepped_onto_breakpoint(s, tid)) != STEP_ON)
                    return rc;
            }
            if (thread_pc(s, tid) >= range.start && thread_pc(s, tid) < range.end)
                continue;       /* still in the row being stepped */
        }
        addr_t pc = thread_pc(s, tid);
        hide_inline_starts(s, tid);
        struct step_frame now;
        struct line_info call;
        struct line_row row;
        if (!step_frame_now(s, tid, &now))
            return STEP_ON;
        *print_frame = !same_step_frame(&now, &frame) || !same_function(s, pc, start_pc);
        if (symtab_hidden_inline(st, tid, pc) > 0 && same_step_frame(&now, &frame)) {
            /* An inlined call starts here.  On the line being stepped,
             * step enters it and next runs through it; on another line
             * both stop at the call. */
            bool on_line = frame0_line(s, tid, &call)
                           && same_line(call.file, call.line, cur_file, cur_line);
            if (!on_line)
                return STEP_ON;
            if (!into)
                continue;
            symtab_show_one_inline(st, tid, pc);
            *print_frame = true;
            return STEP_ON;
        }
        if (now.inline_depth > frame.inline_depth && now.cfa == frame.cfa
            && same_function(s, pc, start_pc)) {
            if (!into)
                continue;       /* next runs through inlined calls */
            return STEP_ON;     /* deeper into an inlined call of this frame */
        }
        if (!symtab_row_for_addr(st, pc, &row)) {
            struct sym_info si;
            struct frame up[2];
            if (into && (!symtab_lookup_addr(st, pc, &si) || !si.name)
                && unwind_thread(st, tid, up, 2) == 2 && up[0].cfa) {
                /* Neither a line nor a name (returned into a stripped
                 * library's local function): step runs it to its return
                 * and goes on from there, as gdb ("stepped into
                 * undebuggable function"). */
                int rc = step_result(run_to_return(s, tid, up[1].pc, up[0].cfa));
                if (rc != STEP_ON)
                    return rc;
                from_caller = true;
                continue;
            }
            *print_frame = true;
            return STEP_ON;     /* no line information here */
        }
        range = row;
        if (pc == row.start && !same_line(row.file, row.line, cur_file, cur_line)) {
            if (row.is_stmt)
                return STEP_ON;
            /* Not a statement: not a place to stop, nor a line to step
             * from (gdb keeps its step info, or forgets the line when the
             * frame changed). */
            if (same_step_frame(&now, &frame))
                continue;
            cur_line = 0;
        } else {
            cur_line = row.line;
            cur_file = row.file;
        }
        frame = now;
    }
    return STEP_ON;
}

/* step, next and until: count lines, then the report of where they ended. */
static int step_or_next(struct session *s, int count, enum step_kind kind)
{
    if (!target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    pid_t tid = session_current_tid(s);
    bool print_frame = false;
    for (int i = 0; i < count; i++) {
        int rc = step_line(s, tid, kind, &print_frame);
        if (rc != STEP_ON)
            return rc;
    }
    s->cur_frame = 0;
    if (print_frame) {
        infrun_print_location(s, tid, true);
        return 0;
    }
    struct line_info li;
    addr_t pc = thread_pc(s, tid);
    if (!frame0_line(s, tid, &li)) {
        infrun_print_location(s, tid, true);
        return 0;
    }
    if (li.addr && (li.addr != pc || !li.is_stmt))
        out_printf(s, "0x%016llx\t", (unsigned long long)pc);
    infrun_print_location(s, tid, false);
    return 0;
}

int infrun_step(struct session *s, int count)
{
    return step_or_next(s, count, STEP_INTO);
}

int infrun_next(struct session *s, int count)
{
    return step_or_next(s, count, STEP_OVER);
}

/* ---------- attach / detach ---------- */

int infrun_target_attached(struct session *s)
{
    target_gone(s);         /* nothing of a previous process applies */
    infrun_resolve_breakpoints(s);
    solib_target_attached(s);
    if (target_can_run(s->target))
        watch_refresh(s);
    return 0;
}

int infrun_remove_all(struct session *s)
{
    if (!s->target || !s->infrun)
        return 0;
    int rc = bp_remove_all(&s->infrun->bps, s->target);
    if (pageprot_restore_all(s) < 0 && rc == 0)
        rc = -1;
    if (watch_hw_remove_all(s) < 0 && rc == 0)    /* watch_hw: clear DR0-3/DR7 */
        rc = -1;
    return rc;
}
