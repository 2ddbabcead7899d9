/* target.h — one process image behind one interface (see DESIGN §6).
 *
 * A target is a live process (target_ptrace.c) or a core file (target_core.c).
 * Every command reaches the debuggee only through these operations; no command
 * calls ptrace directly.  Run-control operations (resume, step, wait, ...) are
 * NULL for targets that cannot run (cores): callers check target_can_run().
 *
 * Everything read from a target is untrusted.  Reads of unmapped memory fail
 * with -EFAULT (or another -errno) and never crash the debugger.
 *
 * Depends on: libc, Linux ptrace/ELF headers.  Knows nothing of the runtime.
 */
#ifndef RTSDB_TARGET_H
#define RTSDB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/user.h>

typedef uint64_t addr_t;

/* A thread of the target.  `num` is the gdb-style thread number (1, 2, ...),
 * stable for the thread's life and never reused. */
struct rd_thread {
    pid_t tid;
    int num;
    char name[17];          /* from /proc/PID/task/TID/comm or the core */
    bool exited;            /* reported gone; kept so numbers stay stable */
    bool stopped;           /* live: currently in a ptrace-stop */
    int pending_signal;     /* live: signal to deliver on next resume (0 = none) */
    siginfo_t last_siginfo; /* siginfo of the last signal-delivery stop */
};

/* What the target reports from wait(). */
enum stop_kind {
    STOP_SIGNAL,        /* thread `tid` received `signo` (incl. SIGTRAP from int3/step) */
    STOP_STEP_DONE,     /* a single-step of `tid` completed (SIGTRAP with TRAP_TRACE) */
    STOP_BREAKPOINT,    /* SIGTRAP from int3: pc is one past the int3 byte */
    STOP_INTERRUPTED,   /* stopped by target_interrupt() (Ctrl-C) */
    STOP_THREAD_EXITED, /* `tid` exited; others may still run (reported only if asked) */
    STOP_EXITED,        /* the whole process exited with `status` */
    STOP_KILLED,        /* the whole process was killed by `signo` */
    STOP_TIMEOUT,       /* wait() timed out (only with timeout_ms >= 0) */
};

struct stop_event {
    enum stop_kind kind;
    pid_t tid;
    int signo;
    int status;
    siginfo_t si;
};

/* A mapped region, as in /proc/PID/maps or a core's PT_LOAD + NT_FILE. */
struct rd_map {
    addr_t start, end;
    uint64_t offset;
    bool r, w, x;
    char path[256];     /* empty for anonymous */
};

struct target;

struct target_ops {
    const char *name;   /* "live" or "core" */

    /* Memory: all-or-nothing; returns 0 or -errno (-EFAULT names an unmapped
     * address: see target_errmsg()). */
    int (*read_memory)(struct target *t, addr_t addr, void *buf, size_t len);
    int (*write_memory)(struct target *t, addr_t addr, const void *buf, size_t len);

    /* Registers of a stopped thread (or of a thread in a core). */
    int (*get_regs)(struct target *t, pid_t tid, struct user_regs_struct *regs);
    int (*set_regs)(struct target *t, pid_t tid, const struct user_regs_struct *regs);
    int (*get_fpregs)(struct target *t, pid_t tid, struct user_fpregs_struct *fp);

    /* Refresh t->threads (new threads, exits). */
    int (*update_threads)(struct target *t);
    /* Refresh and return the memory map. */
    int (*maps)(struct target *t, struct rd_map **out, size_t *n);

    /* ---- run control: live only (NULL on cores) ---- */
    /* Resume every stopped thread, delivering each thread's pending_signal. */
    int (*resume)(struct target *t);
    /* Single-step thread `tid` only, with signal `sig` (0 = none); all other
     * threads stay stopped.  Completion is reported by wait() as STOP_STEP_DONE. */
    int (*step)(struct target *t, pid_t tid, int sig);
    /* Wait for the next event; on return every thread is stopped (all-stop).
     * New threads are attached and added to t->threads silently; thread exits
     * are absorbed.  timeout_ms < 0 waits forever.  Returns 0 or -errno. */
    int (*wait)(struct target *t, struct stop_event *ev, int timeout_ms);
    /* Ask the running target to stop (async-signal-safe: used by Ctrl-C). */
    int (*interrupt)(struct target *t);
    /* Run a system call in stopped thread `tid` (e.g. mprotect for
     * page-protection watchpoints) and restore its registers. */
    int (*inject_syscall)(struct target *t, pid_t tid, long nr, const long args[6], long *ret);
    int (*detach)(struct target *t);
    int (*kill)(struct target *t);

    void (*close)(struct target *t);

    /* ---- appended (watch_hw.c): x86 debug registers, live only (NULL on cores) ----
     * Read (write false) DR0-DR7 of stopped thread tid into dr[] (dr[4], dr[5]
     * read as 0), or write dr[0-3], dr[6] and dr[7] (DR7 is cleared first and
     * written last, so addresses and enables never disagree).  tid 0 with
     * write: every stopped thread, and the live target writes the same values
     * into each thread created afterwards at its first stop.  0 or -errno. */
    int (*debug_regs)(struct target *t, pid_t tid, uint64_t dr[8], bool write);
};

struct target {
    const struct target_ops *ops;
    pid_t pid;                  /* live pid, or the pid recorded in the core */
    char exe[4096];             /* main executable path ("" if unknown) */
    char core_path[4096];       /* for cores */
    struct rd_thread *threads;  /* every thread seen, in creation order */
    size_t nthreads;
    int next_thread_num;
    bool launched;              /* we started it (kill on quit) vs attached */
    bool running;               /* live: threads are running */
    void *priv;                 /* implementation state */
};

/* Constructors; on failure return NULL and put a one-line reason in errbuf. */
struct target *target_launch(char *const argv[], char *errbuf, size_t errlen);
struct target *target_attach(pid_t pid, char *errbuf, size_t errlen);
struct target *target_open_core(const char *core, const char *exe, char *errbuf, size_t errlen);

static inline bool target_can_run(const struct target *t) { return t && t->ops->resume != NULL; }

/* Convenience wrappers. */
int target_read(struct target *t, addr_t addr, void *buf, size_t len);
int target_write(struct target *t, addr_t addr, const void *buf, size_t len);
int target_read_u64(struct target *t, addr_t addr, uint64_t *out);
/* Read a NUL-terminated string of at most max-1 bytes; returns length or -errno. */
int target_read_string(struct target *t, addr_t addr, char *buf, size_t max);
struct rd_thread *target_thread_by_tid(struct target *t, pid_t tid);
struct rd_thread *target_thread_by_num(struct target *t, int num);
/* "Cannot access memory at address 0x..." for a failed read. */
const char *target_errmsg(int err, addr_t addr, char *buf, size_t len);

/* Write an ELF core of a stopped live target (gdb and rtsdb can open it). */
int target_gcore(struct target *t, const char *path, char *errbuf, size_t errlen);

#endif
