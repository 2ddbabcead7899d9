/* target_ptrace.c — the live target: a process traced with PTRACE_SEIZE.
 *
 * Offers target_launch and target_attach, and the "live" target_ops: bulk
 * memory through process_vm_readv (falling back to /proc/PID/mem), writes
 * through /proc/PID/mem, registers, all-stop run control over every thread,
 * single-step of one thread, Ctrl-C interrupt, syscall injection, detach, kill.
 *
 * Must not depend on: symbols, breakpoints, the session.  Breakpoint
 * insertion and stepping-over are infrun's; this file only reports stops.
 *
 * Note [All-stop with PTRACE_SEIZE]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * wait() takes the first event from any thread, then stops every other
 * running thread with PTRACE_INTERRUPT and waits for each one's
 * PTRACE_EVENT_STOP.  A thread may instead report something else first:
 *  - a signal: it is remembered as that thread's pending_signal and the thread
 *    is continued with no signal; the kernel then reports the pending
 *    interrupt before the thread runs a single user instruction, so the
 *    signal is neither lost nor delivered early;
 *  - an int3 or single-step SIGTRAP: the event is queued for that thread.
 *    resume() then resumes nothing and the next wait() reports the queued
 *    event at once (as gdb does).  A queued breakpoint whose int3 has since
 *    been removed (the byte at pc-1 is no longer 0xcc) is dropped and the pc
 *    moved back, so the original instruction runs (gdb's "moribund" rule);
 *  - a clone event: the new thread is added and also waited for.
 * An interrupt-stop nobody asked for (a stale PTRACE_INTERRUPT, or the first
 * stop of a thread created while running) is absorbed: the thread is
 * continued silently.
 *
 * Note [Stopping at the program's entry]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The child disables ASLR (like gdb), stops itself with SIGSTOP and only then
 * calls execvp.  The parent seizes the stopped child (the kernel turns its
 * group-stop into a PTRACE_EVENT_STOP), ends the group-stop with SIGCONT
 * (suppressed at its delivery), continues the child, and waits for
 * PTRACE_EVENT_EXEC: the process is then stopped at the dynamic loader's
 * entry with the new image mapped, before any of its code ran.  An exec
 * failure shows up as the child's exit with status 127.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "target.h"
#include "target_internal.h"

#ifndef TRAP_TRACE
#define TRAP_TRACE 2
#endif
#ifndef TRAP_BRKPT
#define TRAP_BRKPT 1
#endif

#define PAGE_SIZE_BYTES 4096UL

/* Per-thread state the public rd_thread does not carry; parallel to
 * t->threads (same index). */
struct lwp {
    bool stepping;              /* last resumed with PTRACE_SINGLESTEP */
    bool has_event;             /* an event is queued: see Note [All-stop with PTRACE_SEIZE] */
    struct stop_event event;
    unsigned dr_gen;            /* watch_hw: dr_template generation written here */
};

struct live {
    int memfd;                  /* /proc/PID/mem, reopened after exec */
    struct lwp *lwps;
    size_t nlwps;
    bool gone;                  /* the process exited or was killed */
    bool has_exit_event;        /* the exit seen while stopping threads */
    struct stop_event exit_event;
    volatile sig_atomic_t interrupt_requested;
    /* watch_hw: debug registers for threads created later (live_debug_regs). */
    uint64_t dr_template[8];
    unsigned dr_gen;            /* 0: never set */
};

static struct live *live_of(struct target *t) { return t->priv; }

/* ---------- threads ---------- */

static struct lwp *lwp_of(struct target *t, struct rd_thread *th)
{
    struct live *lv = live_of(t);
    size_t i = (size_t)(th - t->threads);
    if (lv->nlwps < t->nthreads) {
        struct lwp *l = realloc(lv->lwps, t->nthreads * sizeof *l);
        if (!l)
            abort();            /* a few bytes per thread: nothing sane to do */
        memset(l + lv->nlwps, 0, (t->nthreads - lv->nlwps) * sizeof *l);
        lv->lwps = l;
        lv->nlwps = t->nthreads;
    }
    return &lv->lwps[i];
}

/* Add a traced thread (already known to be stopped or not). */
static struct rd_thread *add_lwp(struct target *t, pid_t tid, bool stopped)
{
    struct rd_thread *th = target_add_thread(t, tid);
    if (!th)
        return NULL;
    th->stopped = stopped;
    target_thread_name_from_proc(t->pid, tid, th->name);
    lwp_of(t, th);
    return th;
}

static void mark_all_exited(struct target *t)
{
    for (size_t i = 0; i < t->nthreads; i++) {
        t->threads[i].exited = true;
        t->threads[i].stopped = false;
    }
    live_of(t)->gone = true;
    t->running = false;
}

static int open_mem(struct target *t)
{
    struct live *lv = live_of(t);
    char path[64];
    if (lv->memfd >= 0)
        close(lv->memfd);
    snprintf(path, sizeof path, "/proc/%d/mem", (int)t->pid);
    lv->memfd = open(path, O_RDWR | O_CLOEXEC);
    return lv->memfd < 0 ? -errno : 0;
}

static void read_exe_link(struct target *t)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)t->pid);
    ssize_t n = readlink(path, t->exe, sizeof t->exe - 1);
    t->exe[n > 0 ? n : 0] = '\0';
}

/* ---------- memory ---------- */

static int read_slow(struct target *t, addr_t addr, char *buf, size_t len)
{
    struct live *lv = live_of(t);
    while (len > 0) {
        size_t chunk = PAGE_SIZE_BYTES - (addr & (PAGE_SIZE_BYTES - 1));
        if (chunk > len)
            chunk = len;
        struct iovec local = { buf, chunk }, remote = { (void *)(uintptr_t)addr, chunk };
        ssize_t n = process_vm_readv(t->pid, &local, 1, &remote, 1, 0);
        if (n != (ssize_t)chunk) {
            /* /proc/PID/mem also reads pages the process itself may not
             * (PROT_NONE, e.g. page-protection watches). */
            n = lv->memfd >= 0 ? pread(lv->memfd, buf, chunk, (off_t)addr) : -1;
            if (n != (ssize_t)chunk)
                return -EFAULT;
        }
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

/* All-or-nothing read: one process_vm_readv for the whole range, split by
 * pages only when that comes back short. */
static int live_read_memory(struct target *t, addr_t addr, void *buf, size_t len)
{
    if (addr + len < addr)
        return -EFAULT;
    struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
    ssize_t n = process_vm_readv(t->pid, &local, 1, &remote, 1, 0);
    if (n == (ssize_t)len)
        return 0;
    if (n < 0 && errno == ESRCH)
        return -ESRCH;
    size_t done = n > 0 ? (size_t)n : 0;
    return read_slow(t, addr + done, (char *)buf + done, len - done);
}

/* Writes go through /proc/PID/mem, which (unlike process_vm_writev) may
 * write read-only text, as int3 insertion needs. */
static int live_write_memory(struct target *t, addr_t addr, const void *buf, size_t len)
{
    struct live *lv = live_of(t);
    const char *p = buf;
    if (lv->memfd < 0)
        return -ESRCH;
    while (len > 0) {
        ssize_t n = pwrite(lv->memfd, p, len, (off_t)addr);
        if (n <= 0)
            return -EFAULT;
        p += n;
        addr += (size_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---------- registers ---------- */

static int live_get_regs(struct target *t, pid_t tid, struct user_regs_struct *regs)
{
    return ptrace(PTRACE_GETREGS, tid, 0, regs) < 0 ? -errno : 0;
}

static int live_set_regs(struct target *t, pid_t tid, const struct user_regs_struct *regs)
{
    return ptrace(PTRACE_SETREGS, tid, 0, regs) < 0 ? -errno : 0;
}

static int live_get_fpregs(struct target *t, pid_t tid, struct user_fpregs_struct *fp)
{
    return ptrace(PTRACE_GETFPREGS, tid, 0, fp) < 0 ? -errno : 0;
}

/* ---------- debug registers (appended for watch_hw.c) ---------- */

static long dr_offset(int i) { return (long)offsetof(struct user, u_debugreg[i]); }

/* Write DR0-3, DR6, DR7 of one stopped thread: DR7 off first, on last. */
static int write_debug_regs(pid_t tid, const uint64_t dr[8])
{
    if (ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(7), (void *)0) < 0)
        return -errno;
    for (int i = 0; i < 4; i++)
        if (ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(i), (void *)(uintptr_t)dr[i]) < 0)
            return -errno;
    if (ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(6), (void *)(uintptr_t)dr[6]) < 0 ||
        ptrace(PTRACE_POKEUSER, tid, (void *)dr_offset(7), (void *)(uintptr_t)dr[7]) < 0)
        return -errno;
    return 0;
}

/* A thread seen stopped for the first time since the template changed
 * (a new thread's first stop) gets the template. */
static void apply_dr_template(struct target *t, struct rd_thread *th)
{
    struct live *lv = live_of(t);
    struct lwp *lw = lwp_of(t, th);
    if (lv->dr_gen == 0 || lw->dr_gen == lv->dr_gen)
        return;
    if (write_debug_regs(th->tid, lv->dr_template) == 0)
        lw->dr_gen = lv->dr_gen;
}

static int live_debug_regs(struct target *t, pid_t tid, uint64_t dr[8], bool write)
{
    struct live *lv = live_of(t);
    if (lv->gone)
        return -ESRCH;
    if (!write) {
        for (int i = 0; i < 8; i++) {
            dr[i] = 0;
            if (i == 4 || i == 5)
                continue;
            errno = 0;
            long v = ptrace(PTRACE_PEEKUSER, tid, (void *)dr_offset(i), 0);
            if (v == -1 && errno)
                return -errno;
            dr[i] = (uint64_t)v;
        }
        return 0;
    }
    if (tid != 0)
        return write_debug_regs(tid, dr);
    memcpy(lv->dr_template, dr, sizeof lv->dr_template);
    lv->dr_gen++;
    if (lv->dr_gen == 0)
        lv->dr_gen = 1;
    int first_err = 0;
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (th->exited || !th->stopped)
            continue;       /* written at its next stop (apply_dr_template) */
        int rc = write_debug_regs(th->tid, dr);
        if (rc == 0)
            lwp_of(t, th)->dr_gen = lv->dr_gen;
        else if (rc != -ESRCH && !first_err)
            first_err = rc;
    }
    return first_err;
}

static int live_update_threads(struct target *t)
{
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (th->exited)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task/%d", (int)t->pid, (int)th->tid);
        if (access(path, F_OK) != 0 && !th->stopped) {
            th->exited = true;
            continue;
        }
        target_thread_name_from_proc(t->pid, th->tid, th->name);
    }
    return 0;
}

static int live_maps(struct target *t, struct rd_map **out, size_t *n)
{
    return target_parse_proc_maps(t->pid, out, n);
}

/* ---------- events ---------- */

enum wait_class {
    EV_NONE,        /* absorbed: nothing to report, thread state updated */
    EV_REPORT,      /* *ev filled: report it */
};

/* Classify a SIGTRAP signal-delivery stop.  A single-step over a `syscall`
 * instruction reports TRAP_BRKPT on x86, so a stepping thread's TRAP_BRKPT
 * is a completed step; an int3 reports SI_KERNEL. */
static enum stop_kind classify_sigtrap(const siginfo_t *si, bool stepping)
{
    if (stepping && (si->si_code == TRAP_TRACE || si->si_code == TRAP_BRKPT))
        return STOP_STEP_DONE;
    if (si->si_code == SI_KERNEL || si->si_code == TRAP_BRKPT)
        return STOP_BREAKPOINT;
    if (si->si_code == TRAP_TRACE)
        return STOP_STEP_DONE;
    return STOP_SIGNAL;
}

static void handle_exit_status(struct target *t, pid_t tid, int status, struct stop_event *ev,
                               enum wait_class *cls)
{
    struct rd_thread *th = target_thread_by_tid(t, tid);
    if (th) {
        th->exited = true;
        th->stopped = false;
    }
    if (tid != t->pid)
        return;
    /* The leader's exit status comes last: the whole process is gone. */
    mark_all_exited(t);
    memset(ev, 0, sizeof *ev);
    ev->tid = tid;
    if (WIFEXITED(status)) {
        ev->kind = STOP_EXITED;
        ev->status = WEXITSTATUS(status);
    } else {
        ev->kind = STOP_KILLED;
        ev->signo = WTERMSIG(status);
    }
    *cls = EV_REPORT;
}

static void new_clone(struct target *t, pid_t parent)
{
    unsigned long msg = 0;
    if (ptrace(PTRACE_GETEVENTMSG, parent, 0, &msg) < 0)
        return;
    pid_t child = (pid_t)msg;
    if (!target_thread_by_tid(t, child))
        add_lwp(t, child, false);
}

/* Process one waitpid() result.  Updates the thread's state; fills *ev and
 * returns EV_REPORT when it is an event for the user.  `stopping` is true
 * while stop_all_threads collects the interrupt-stops it asked for. */
static enum wait_class process_status(struct target *t, pid_t tid, int status,
                                      struct stop_event *ev, bool stopping)
{
    struct live *lv = live_of(t);
    enum wait_class cls = EV_NONE;

    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        handle_exit_status(t, tid, status, ev, &cls);
        return cls;
    }
    if (!WIFSTOPPED(status))
        return EV_NONE;

    struct rd_thread *th = target_thread_by_tid(t, tid);
    if (!th || th->exited)      /* a new thread's first stop before its clone event */
        th = add_lwp(t, tid, true);
    if (!th)
        return EV_NONE;
    th->stopped = true;
    apply_dr_template(t, th);   /* watch_hw: new threads get the debug registers */
    struct lwp *lw = lwp_of(t, th);
    int sig = WSTOPSIG(status);
    int event = status >> 16;

    memset(ev, 0, sizeof *ev);
    ev->tid = tid;

    switch (event) {
    case PTRACE_EVENT_CLONE:
        new_clone(t, tid);      /* may move t->threads and the lwps */
        th = target_thread_by_tid(t, tid);
        lw = lwp_of(t, th);
        if (!stopping) {        /* following a new thread is silent */
            th->stopped = false;
            ptrace(lw->stepping ? PTRACE_SINGLESTEP : PTRACE_CONT, tid, 0, 0);
        }
        return EV_NONE;
    case PTRACE_EVENT_EXEC:
        for (size_t i = 0; i < t->nthreads; i++)
            if (t->threads[i].tid != t->pid)
                t->threads[i].exited = true;
        open_mem(t);
        read_exe_link(t);
        ev->kind = STOP_SIGNAL;
        ev->signo = SIGTRAP;
        ev->status = PTRACE_EVENT_EXEC;
        return EV_REPORT;
    case PTRACE_EVENT_STOP:
        if (stopping)
            return EV_NONE;
        if (lv->interrupt_requested) {
            lv->interrupt_requested = 0;
            lw->stepping = false;
            ev->kind = STOP_INTERRUPTED;
            ev->signo = SIGINT;
            return EV_REPORT;
        }
        /* Stale interrupt, new thread's first stop, or a group-stop after a
         * stop signal was delivered: keep running (see the Note). */
        th->stopped = false;
        ptrace(lw->stepping ? PTRACE_SINGLESTEP : PTRACE_CONT, tid, 0, 0);
        return EV_NONE;
    case 0:
        break;
    default:                    /* options we did not ask for */
        th->stopped = false;
        ptrace(PTRACE_CONT, tid, 0, 0);
        return EV_NONE;
    }

    /* A signal-delivery-stop. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
        si.si_signo = sig;
    th->last_siginfo = si;
    ev->signo = sig;
    ev->si = si;
    ev->kind = STOP_SIGNAL;
    if (sig == SIGTRAP)
        ev->kind = classify_sigtrap(&si, lw->stepping);
    lw->stepping = false;
    if (ev->kind == STOP_SIGNAL && !(sig == SIGTRAP && si.si_code > 0))
        th->pending_signal = sig;       /* passed on at resume unless infrun clears it */
    if (stopping) {
        if (ev->kind == STOP_SIGNAL) {
            /* Keep the signal as pending; let the thread reach our interrupt. */
            th->stopped = false;
            ptrace(PTRACE_CONT, tid, 0, 0);
        } else {
            lw->has_event = true;
            lw->event = *ev;
        }
        return EV_NONE;
    }
    return EV_REPORT;
}

/* Stop every running thread (all-stop); see Note [All-stop with PTRACE_SEIZE].
 * Waits on any thread, not thread by thread: a leader's exit is reported
 * only after every other thread was reaped, so waiting for it first could
 * block forever.  A process exit seen here is queued for the next wait(). */
static void stop_all_threads(struct target *t)
{
    struct live *lv = live_of(t);
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (!th->exited && !th->stopped)
            ptrace(PTRACE_INTERRUPT, th->tid, 0, 0);
    }
    for (;;) {
        bool all_stopped = true;
        for (size_t i = 0; i < t->nthreads; i++)
            if (!t->threads[i].exited && !t->threads[i].stopped)
                all_stopped = false;
        if (all_stopped || lv->gone)
            break;
        int status;
        struct stop_event ev;
        pid_t r = waitpid(-1, &status, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            mark_all_exited(t);
            break;
        }
        if (process_status(t, r, status, &ev, true) == EV_REPORT) {
            lv->exit_event = ev;            /* only exits are reported while stopping */
            lv->has_exit_event = true;
        }
    }
    t->running = false;
}

/* Drop a queued breakpoint event whose int3 is no longer in memory. */
static void drop_stale_breakpoint_events(struct target *t)
{
    struct live *lv = live_of(t);
    for (size_t i = 0; i < t->nthreads && i < lv->nlwps; i++) {
        struct lwp *lw = &lv->lwps[i];
        if (!lw->has_event || lw->event.kind != STOP_BREAKPOINT || t->threads[i].exited)
            continue;
        struct user_regs_struct regs;
        unsigned char byte;
        pid_t tid = t->threads[i].tid;
        if (live_get_regs(t, tid, &regs) < 0)
            continue;
        if (live_read_memory(t, regs.rip - 1, &byte, 1) == 0 && byte != 0xcc) {
            regs.rip -= 1;
            live_set_regs(t, tid, &regs);
            lw->has_event = false;
        }
    }
}

static int queued_event(struct target *t, struct stop_event *ev)
{
    struct live *lv = live_of(t);
    for (size_t i = 0; i < t->nthreads && i < lv->nlwps; i++) {
        if (lv->lwps[i].has_event && !t->threads[i].exited) {
            *ev = lv->lwps[i].event;
            lv->lwps[i].has_event = false;
            return 1;
        }
    }
    return 0;
}

static bool any_queued_event(struct target *t)
{
    struct live *lv = live_of(t);
    for (size_t i = 0; i < t->nthreads && i < lv->nlwps; i++)
        if (lv->lwps[i].has_event && !t->threads[i].exited)
            return true;
    return false;
}

/* ---------- run control ---------- */

static int live_resume(struct target *t)
{
    struct live *lv = live_of(t);
    if (lv->gone)
        return -ESRCH;
    drop_stale_breakpoint_events(t);
    if (any_queued_event(t))
        return 0;               /* wait() reports it without running anything */
    int resumed = 0;
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (th->exited || !th->stopped)
            continue;
        lwp_of(t, th)->stepping = false;
        if (ptrace(PTRACE_CONT, th->tid, 0, (long)th->pending_signal) < 0) {
            if (errno == ESRCH) {
                th->exited = true;
                continue;
            }
            return -errno;
        }
        th->pending_signal = 0;
        th->stopped = false;
        resumed++;
    }
    t->running = true;
    return resumed > 0 ? 0 : -ESRCH;
}

static int live_step(struct target *t, pid_t tid, int sig)
{
    struct rd_thread *th = target_thread_by_tid(t, tid);
    if (!th || th->exited)
        return -ESRCH;
    if (!th->stopped)
        return -EBUSY;
    lwp_of(t, th)->stepping = true;
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, (long)sig) < 0) {
        lwp_of(t, th)->stepping = false;
        return -errno;
    }
    th->stopped = false;
    t->running = true;
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* With a timeout, poll waitpid(WNOHANG) with a sleep that grows from 20 µs
 * to 2 ms: no signal handlers or masks of the debugger are touched. */
static int live_wait(struct target *t, struct stop_event *ev, int timeout_ms)
{
    struct live *lv = live_of(t);
    /* Queued events wait while a single-step is in flight: it is reported
     * first, as the caller expects. */
    if (!t->running && queued_event(t, ev))
        return 0;
    if (lv->has_exit_event) {
        *ev = lv->exit_event;
        lv->has_exit_event = false;
        return 0;
    }
    if (lv->gone)
        return -ESRCH;
    if (!t->running)
        return -EINVAL;         /* nothing was resumed: nothing to wait for */
    long deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
    long nap_us = 20;
    for (;;) {
        int status;
        pid_t r = waitpid(-1, &status, __WALL | (timeout_ms >= 0 ? WNOHANG : 0));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ECHILD) {
                mark_all_exited(t);
                return -ESRCH;
            }
            return -errno;
        }
        if (r == 0) {
            if (now_ms() >= deadline) {
                memset(ev, 0, sizeof *ev);
                ev->kind = STOP_TIMEOUT;
                return 0;
            }
            struct timespec ts = { 0, nap_us * 1000 };
            nanosleep(&ts, NULL);
            if (nap_us < 2000)
                nap_us *= 2;
            continue;
        }
        bool ours = r == t->pid || target_thread_by_tid(t, r) != NULL;
        if (!ours) {
            /* A thread whose clone event we have not seen yet, or a child
             * of the debugger that is not the target.  Remember it only if
             * it belongs to our process. */
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/task/%d", (int)t->pid, (int)r);
            if (access(path, F_OK) != 0)
                continue;
        }
        if (process_status(t, r, status, ev, false) == EV_REPORT) {
            if (!lv->gone)
                stop_all_threads(t);
            t->running = false;
            return 0;
        }
    }
}

/* Async-signal-safe: only a flag store and ptrace(2). */
static int live_interrupt(struct target *t)
{
    struct live *lv = live_of(t);
    if (lv->gone || !t->running)
        return 0;
    lv->interrupt_requested = 1;
    for (size_t i = 0; i < t->nthreads; i++) {
        if (!t->threads[i].exited &&
            ptrace(PTRACE_INTERRUPT, t->threads[i].tid, 0, 0) == 0)
            return 0;
    }
    return -ESRCH;
}

/* Find an executable `syscall` (0f 05) the thread can run: we write one at
 * the thread's pc and restore it afterwards, which is always executable. */
static int live_inject_syscall(struct target *t, pid_t tid, long nr, const long args[6], long *ret)
{
    struct rd_thread *th = target_thread_by_tid(t, tid);
    if (!th || th->exited || !th->stopped)
        return -ESRCH;
    struct user_regs_struct saved, regs;
    int rc = live_get_regs(t, tid, &saved);
    if (rc < 0)
        return rc;
    unsigned char orig[2];
    static const unsigned char syscall_insn[2] = { 0x0f, 0x05 };
    if ((rc = live_read_memory(t, saved.rip, orig, 2)) < 0)
        return rc;
    if ((rc = live_write_memory(t, saved.rip, syscall_insn, 2)) < 0)
        return rc;
    regs = saved;
    regs.rax = (unsigned long long)nr;
    regs.orig_rax = (unsigned long long)-1;    /* no syscall restart */
    regs.rdi = (unsigned long long)args[0];
    regs.rsi = (unsigned long long)args[1];
    regs.rdx = (unsigned long long)args[2];
    regs.r10 = (unsigned long long)args[3];
    regs.r8 = (unsigned long long)args[4];
    regs.r9 = (unsigned long long)args[5];
    if ((rc = live_set_regs(t, tid, &regs)) < 0)
        goto restore;
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0) {
            rc = -errno;
            goto restore;
        }
        int status;
        pid_t r;
        do
            r = waitpid(tid, &status, __WALL);
        while (r < 0 && errno == EINTR);
        if (r < 0 || !WIFSTOPPED(status)) {
            rc = -ESRCH;
            if (r >= 0) {
                struct stop_event ev;
                process_status(t, tid, status, &ev, true);
            }
            return rc;
        }
        if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)
            break;
        if ((status >> 16) == 0)        /* another signal: keep it for later */
            th->pending_signal = WSTOPSIG(status);
        /* an event-stop (stale interrupt): just step again */
    }
    if ((rc = live_get_regs(t, tid, &regs)) == 0)
        *ret = (long)regs.rax;
restore:
    live_write_memory(t, saved.rip, orig, 2);
    live_set_regs(t, tid, &saved);
    return rc;
}

static int live_detach(struct target *t)
{
    struct live *lv = live_of(t);
    if (lv->gone)
        return 0;
    if (t->running)
        stop_all_threads(t);
    drop_stale_breakpoint_events(t);
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        if (th->exited)
            continue;
        ptrace(PTRACE_DETACH, th->tid, 0, (long)th->pending_signal);
        th->pending_signal = 0;
        th->stopped = false;
        th->exited = true;
    }
    lv->gone = true;
    t->running = false;
    return 0;
}

static int live_kill(struct target *t)
{
    struct live *lv = live_of(t);
    if (lv->gone)
        return 0;
    kill(t->pid, SIGKILL);
    for (;;) {
        int status;
        pid_t r = waitpid(-1, &status, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (r == t->pid && (WIFEXITED(status) || WIFSIGNALED(status)))
            break;
    }
    mark_all_exited(t);
    return 0;
}

static void live_close(struct target *t)
{
    struct live *lv = live_of(t);
    if (!lv->gone) {
        if (t->launched)
            live_kill(t);
        else
            live_detach(t);
    }
    if (lv->memfd >= 0)
        close(lv->memfd);
    free(lv->lwps);
    free(lv);
    target_free_common(t);
}

static const struct target_ops live_ops = {
    .name = "live",
    .read_memory = live_read_memory,
    .write_memory = live_write_memory,
    .get_regs = live_get_regs,
    .set_regs = live_set_regs,
    .get_fpregs = live_get_fpregs,
    .update_threads = live_update_threads,
    .maps = live_maps,
    .resume = live_resume,
    .step = live_step,
    .wait = live_wait,
    .interrupt = live_interrupt,
    .inject_syscall = live_inject_syscall,
    .detach = live_detach,
    .kill = live_kill,
    .close = live_close,
    .debug_regs = live_debug_regs,      /* appended for watch_hw.c */
};

static struct target *new_live(pid_t pid)
{
    struct target *t = calloc(1, sizeof *t);
    struct live *lv = calloc(1, sizeof *lv);
    if (!t || !lv) {
        free(t);
        free(lv);
        return NULL;
    }
    lv->memfd = -1;
    t->ops = &live_ops;
    t->priv = lv;
    t->pid = pid;
    t->next_thread_num = 1;
    return t;
}

/* ---------- constructors ---------- */

static pid_t waitpid_eintr(pid_t pid, int *status, int flags)
{
    pid_t r;
    do
        r = waitpid(pid, status, flags);
    while (r < 0 && errno == EINTR);
    return r;
}

struct target *target_launch(char *const argv[], char *errbuf, size_t errlen)
{
    if (!argv || !argv[0]) {
        snprintf(errbuf, errlen, "No executable specified.");
        return NULL;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(errbuf, errlen, "cannot start %s: fork: %s", argv[0], strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        personality(ADDR_NO_RANDOMIZE);
        raise(SIGSTOP);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid_eintr(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
        snprintf(errbuf, errlen, "cannot start %s: child did not stop", argv[0]);
        return NULL;
    }
    long opts = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SEIZE, pid, 0, opts) < 0) {
        snprintf(errbuf, errlen, "cannot trace %s: ptrace(PTRACE_SEIZE): %s", argv[0],
                 strerror(errno));
        kill(pid, SIGKILL);
        waitpid_eintr(pid, &status, 0);
        return NULL;
    }
    /* See Note [Stopping at the program's entry].  SIGCONT ends the group-stop
     * now: a group-stop left in place would stop the process again on detach. */
    kill(pid, SIGCONT);
    for (;;) {
        if (waitpid_eintr(pid, &status, __WALL) != pid) {
            snprintf(errbuf, errlen, "cannot start %s: %s", argv[0], strerror(errno));
            return NULL;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                snprintf(errbuf, errlen, "cannot run %s: no such program or not executable",
                         argv[0]);
            else
                snprintf(errbuf, errlen, "%s exited before it started", argv[0]);
            return NULL;
        }
        if ((status >> 16) == PTRACE_EVENT_EXEC)
            break;
        int sig = (status >> 16) == 0 ? WSTOPSIG(status) : 0;
        if (sig == SIGSTOP)
            sig = 0;
        ptrace(PTRACE_CONT, pid, 0, (long)sig);
    }
    struct target *t = new_live(pid);
    if (!t) {
        kill(pid, SIGKILL);
        waitpid_eintr(pid, &status, __WALL);
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    t->launched = true;
    add_lwp(t, pid, true);
    open_mem(t);
    read_exe_link(t);
    return t;
}

static void explain_attach_failure(pid_t pid, int err, char *errbuf, size_t errlen)
{
    char path[64];
    if (err == ESRCH) {
        snprintf(path, sizeof path, "/proc/%d", (int)pid);
        if (access(path, F_OK) != 0) {
            snprintf(errbuf, errlen, "Cannot attach to process %d: No such process", (int)pid);
            return;
        }
    }
    if (err != EPERM) {
        snprintf(errbuf, errlen, "Cannot attach to process %d: %s", (int)pid, strerror(err));
        return;
    }
    /* EPERM: say whether another tracer holds it and what yama says. */
    char tracer[64] = "";
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            int tp;
            if (sscanf(line, "TracerPid: %d", &tp) == 1 && tp != 0)
                snprintf(tracer, sizeof tracer, "; it is already traced by process %d", tp);
        }
        fclose(f);
    }
    char scope[96] = "; /proc/sys/kernel/yama/ptrace_scope does not exist (no Yama)";
    f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
    if (f) {
        int v;
        if (fscanf(f, "%d", &v) == 1)
            snprintf(scope, sizeof scope, "; /proc/sys/kernel/yama/ptrace_scope is %d%s", v,
                     v > 0 ? " (try as root or set it to 0)" : "");
        fclose(f);
    }
    snprintf(errbuf, errlen, "Cannot attach to process %d: Operation not permitted%s%s",
             (int)pid, tracer, scope);
}

/* Seize every thread of PID; repeat the /proc/PID/task scan until a pass
 * finds no new thread (threads created meanwhile are followed by
 * TRACECLONE from their seized parents). */
static int seize_all_tasks(struct target *t, char *errbuf, size_t errlen)
{
    long opts = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
    bool found_new = true;
    while (found_new) {
        found_new = false;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", (int)t->pid);
        DIR *d = opendir(path);
        if (!d) {
            explain_attach_failure(t->pid, ESRCH, errbuf, errlen);
            return -1;
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            pid_t tid = (pid_t)atoi(de->d_name);
            if (tid <= 0 || target_thread_by_tid(t, tid))
                continue;
            if (ptrace(PTRACE_SEIZE, tid, 0, opts) < 0) {
                if (errno == ESRCH && tid != t->pid)
                    continue;   /* the thread exited meanwhile */
                int err = errno;
                closedir(d);
                explain_attach_failure(t->pid, err, errbuf, errlen);
                return -1;
            }
            add_lwp(t, tid, false);
            found_new = true;
        }
        closedir(d);
    }
    return 0;
}

struct target *target_attach(pid_t pid, char *errbuf, size_t errlen)
{
    if (pid <= 0) {
        snprintf(errbuf, errlen, "Cannot attach to process %d: not a valid process id", (int)pid);
        return NULL;
    }
    if (pid == getpid()) {
        snprintf(errbuf, errlen, "Cannot attach to process %d: it is the debugger itself",
                 (int)pid);
        return NULL;
    }
    struct target *t = new_live(pid);
    if (!t) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (seize_all_tasks(t, errbuf, errlen) < 0) {
        for (size_t i = 0; i < t->nthreads; i++)
            ptrace(PTRACE_DETACH, t->threads[i].tid, 0, 0);
        live_of(t)->gone = true;
        live_close(t);
        return NULL;
    }
    t->running = true;
    stop_all_threads(t);
    int rc = open_mem(t);
    if (rc < 0) {
        snprintf(errbuf, errlen, "Cannot attach to process %d: /proc/%d/mem: %s", (int)pid,
                 (int)pid, strerror(-rc));
        live_close(t);
        return NULL;
    }
    read_exe_link(t);
    return t;
}
