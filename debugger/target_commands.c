/* target_commands.c — the commands about targets and threads
 * (target_commands_init).
 *
 * Offers: info threads, thread [N], thread apply all|N... CMD, info inferiors,
 * gcore [FILE], detach, kill, attach PID, core-file FILE, info proc mappings.
 * Output follows gdb's wording and layout.
 *
 * Must not depend on: ptrace or the core format (everything goes through
 * struct target), the runtime.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfcore.h"
#include "infrun.h"
#include "session.h"
#include "symtab.h"
#include "target.h"

/* gdb's "Thread 0x7ffff7d8a740 (LWP 1234)": on x86-64 glibc the pthread_t
 * of a thread is its fs_base. */
static void thread_target_id(struct session *s, const struct rd_thread *th, char *buf, size_t len)
{
    struct user_regs_struct regs;
    if (!th->exited && s->target->ops->get_regs(s->target, th->tid, &regs) == 0 && regs.fs_base)
        snprintf(buf, len, "Thread 0x%llx (LWP %d)", (unsigned long long)regs.fs_base, (int)th->tid);
    else
        snprintf(buf, len, "LWP %d", (int)th->tid);
}

/* Frame 0 of a thread as gdb shows it after "#0  ". */
static void thread_frame0(struct session *s, const struct rd_thread *th, char *buf, size_t len)
{
    if (frame0_describe(s->symtab, th->tid, buf, len))
        return;
    struct user_regs_struct regs;
    if (s->target->ops->get_regs(s->target, th->tid, &regs) == 0)
        snprintf(buf, len, "0x%016llx in ?? ()", (unsigned long long)regs.rip);
    else
        snprintf(buf, len, "(running)");
}

static bool target_stopped(struct session *s)
{
    if (!s->target) {
        cmd_error(s, "The program is not being run.");
        return false;
    }
    if (s->target->running) {
        cmd_error(s, "Cannot execute this command while the target is running.");
        return false;
    }
    return true;
}

static const char *skip_ws(const char *p)
{
    while (p && (*p == ' ' || *p == '\t'))
        p++;
    return p ? p : "";
}

/* ---------- info threads / thread ---------- */

static bool thread_listed(const char *filter, int num)
{
    if (!filter || !*filter)
        return true;
    const char *p = filter;
    while (*p) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p)
            return false;
        if (*end == '-') {
            p = end + 1;
            hi = strtol(p, &end, 10);
        }
        if (num >= lo && num <= hi)
            return true;
        p = skip_ws(end);
    }
    return false;
}

static int cmd_info_threads(struct session *s, const char *args)
{
    if (!target_stopped(s))
        return -1;
    struct target *t = s->target;
    args = skip_ws(args);
    for (const char *p = args; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != ' ' && *p != '-') {
            cmd_error(s, "Invalid thread ID: %s", args);
            return -1;
        }
    if (t->ops->update_threads)
        t->ops->update_threads(t);
    int live = 0;
    for (size_t i = 0; i < t->nthreads; i++)
        if (!t->threads[i].exited && thread_listed(args, t->threads[i].num))
            live++;
    if (live == 0) {
        if (*args)
            out_printf(s, "No threads match '%s'.\n", args);
        else
            out_printf(s, "No threads.\n");
        return 0;
    }
    /* Column width of "Target Id" as gdb computes it: the longest entry. */
    size_t width = strlen("Target Id");
    for (size_t i = 0; i < t->nthreads; i++) {
        const struct rd_thread *th = &t->threads[i];
        if (th->exited || !thread_listed(args, th->num))
            continue;
        char id[96], full[160];
        thread_target_id(s, th, id, sizeof id);
        snprintf(full, sizeof full, th->name[0] ? "%s \"%s\"" : "%s", id, th->name);
        if (strlen(full) > width)
            width = strlen(full);
    }
    out_printf(s, "  Id   %-*s Frame \n", (int)width, "Target Id");
    json_begin_array(s, "threads");
    for (size_t i = 0; i < t->nthreads; i++) {
        const struct rd_thread *th = &t->threads[i];
        if (th->exited || !thread_listed(args, th->num))
            continue;
        char id[96], full[160], frame[1024];
        thread_target_id(s, th, id, sizeof id);
        snprintf(full, sizeof full, th->name[0] ? "%s \"%s\"" : "%s", id, th->name);
        thread_frame0(s, th, frame, sizeof frame);
        char num[16];
        snprintf(num, sizeof num, "%d", th->num);
        out_printf(s, "%c %-4s %-*s %s\n", th->num == s->cur_thread ? '*' : ' ', num,
                   (int)width, full, frame);
        json_begin_object(s, NULL);
        json_int(s, "id", th->num);
        json_int(s, "lwp", th->tid);
        json_str(s, "name", th->name);
        json_bool(s, "current", th->num == s->cur_thread);
        json_str(s, "frame", frame);
        json_end_object(s);
    }
    json_end_array(s);
    return 0;
}

/* Select thread `num`; false (and an error) when there is no such thread. */
static bool select_thread(struct session *s, const char *arg, struct rd_thread **out)
{
    char *end;
    long num = strtol(arg, &end, 10);
    if (end == arg || *skip_ws(end) || num <= 0) {
        cmd_error(s, "Invalid thread ID: %s", arg);
        return false;
    }
    struct rd_thread *th = target_thread_by_num(s->target, (int)num);
    if (!th || th->exited) {
        cmd_error(s, "Unknown thread %ld.", num);
        return false;
    }
    s->cur_thread = th->num;
    s->cur_frame = 0;
    *out = th;
    return true;
}

static int cmd_thread(struct session *s, const char *args)
{
    if (!target_stopped(s))
        return -1;
    args = skip_ws(args);
    struct rd_thread *th;
    if (!*args) {
        th = target_thread_by_num(s->target, s->cur_thread);
        if (!th || th->exited) {
            cmd_error(s, "No thread selected.");
            return -1;
        }
        char id[96];
        thread_target_id(s, th, id, sizeof id);
        out_printf(s, "[Current thread is %d (%s)]\n", th->num, id);
        json_int(s, "id", th->num);
        return 0;
    }
    if (!select_thread(s, args, &th))
        return -1;
    char id[96], frame[1024];
    thread_target_id(s, th, id, sizeof id);
    thread_frame0(s, th, frame, sizeof frame);
    out_printf(s, "[Switching to thread %d (%s)]\n", th->num, id);
    out_printf(s, "#0  %s\n", frame);
    json_int(s, "id", th->num);
    json_int(s, "lwp", th->tid);
    return 0;
}

/* thread apply all|LIST CMD: run CMD in each thread, newest first for
 * "all" as gdb does; the selected thread is restored afterwards. */
static int cmd_thread_apply(struct session *s, const char *args)
{
    if (!target_stopped(s))
        return -1;
    args = skip_ws(args);
    const char *cmd;
    bool all = strncmp(args, "all", 3) == 0 && (args[3] == ' ' || args[3] == '\0');
    char list[256] = "";
    if (all) {
        cmd = skip_ws(args + 3);
    } else {
        const char *p = args;
        while (*p && (isdigit((unsigned char)*p) || *p == '-' || *p == ' '))
            p++;
        if (p == args) {
            cmd_error(s, "Please specify a thread ID list");
            return -1;
        }
        snprintf(list, sizeof list, "%.*s", (int)(p - args), args);
        cmd = p;
    }
    if (!*cmd) {
        cmd_error(s, "Please specify a command following the thread ID list");
        return -1;
    }
    struct target *t = s->target;
    int saved_thread = s->cur_thread, saved_frame = s->cur_frame, rc = 0;
    size_t n = t->nthreads;
    for (size_t k = 0; k < n; k++) {
        size_t i = all ? n - 1 - k : k;
        struct rd_thread *th = &t->threads[i];
        if (th->exited || (!all && !thread_listed(list, th->num)))
            continue;
        char id[96];
        thread_target_id(s, th, id, sizeof id);
        out_printf(s, "\nThread %d (%s):\n", th->num, id);
        s->cur_thread = th->num;
        s->cur_frame = 0;
        if (cmd_execute(s, cmd) < 0)
            rc = -1;
        if (s->target != t)
            return rc;          /* the command ended the target */
    }
    s->cur_thread = saved_thread;
    s->cur_frame = saved_frame;
    return rc;
}

static int cmd_info_inferiors(struct session *s, const char *args)
{
    out_printf(s, "  Num  Description       Connection           Executable        \n");
    struct target *t = s->target;
    char desc[64] = "<null>";
    const char *conn = "";
    if (t) {
        snprintf(desc, sizeof desc, "process %d", (int)t->pid);
        conn = target_can_run(t) ? "1 (native)" : "1 (core)";
    }
    const char *exe = t && t->exe[0] ? t->exe : (s->exe ? s->exe : "");
    out_printf(s, "* 1    %-17s %-20s %s \n", desc, conn, exe);
    if (t)
        json_int(s, "pid", t->pid);
    json_str(s, "executable", exe);
    return 0;
}

/* ---------- live process: gcore, detach, kill, attach ---------- */

static int cmd_gcore(struct session *s, const char *args)
{
    if (!target_stopped(s))
        return -1;
    args = skip_ws(args);
    char path[4096];
    if (*args)
        snprintf(path, sizeof path, "%s", args);
    else
        snprintf(path, sizeof path, "core.%d", (int)s->target->pid);
    size_t l = strlen(path);
    while (l > 0 && (path[l - 1] == ' ' || path[l - 1] == '\t'))
        path[--l] = '\0';
    char err[1024];
    if (target_gcore(s->target, path, err, sizeof err) < 0) {
        cmd_error(s, "%s", err);
        return -1;
    }
    out_printf(s, "Saved corefile %s\n", path);
    json_str(s, "file", path);
    return 0;
}

static int cmd_detach(struct session *s, const char *args)
{
    if (!target_stopped(s))
        return -1;
    struct target *t = s->target;
    pid_t pid = t->pid;
    infrun_remove_all(s);
    int rc = t->ops->detach(t);
    if (rc < 0) {
        cmd_error(s, "Cannot detach from process %d: %s", (int)pid, strerror(-rc));
        return -1;
    }
    out_printf(s, "[Inferior 1 (process %d) detached]\n", (int)pid);
    json_int(s, "pid", pid);
    session_drop_target(s);
    return 0;
}

static int cmd_kill(struct session *s, const char *args)
{
    if (!s->target) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    struct target *t = s->target;
    pid_t pid = t->pid;
    int rc = t->ops->kill(t);
    if (rc < 0) {
        cmd_error(s, "Cannot kill process %d: %s", (int)pid, strerror(-rc));
        return -1;
    }
    out_printf(s, "[Inferior 1 (process %d) killed]\n", (int)pid);
    json_int(s, "pid", pid);
    session_drop_target(s);
    return 0;
}

static int cmd_attach(struct session *s, const char *args)
{
    args = skip_ws(args);
    char *end;
    long pid = strtol(args, &end, 10);
    if (!*args || end == args || *skip_ws(end) || pid <= 0) {
        cmd_error(s, "Argument required (process-id to attach).");
        return -1;
    }
    if (s->target) {
        cmd_error(s, "A program is being debugged already; detach or kill it first.");
        return -1;
    }
    char err[1024];
    struct target *t = target_attach((pid_t)pid, err, sizeof err);
    if (!t) {
        cmd_error(s, "%s", err);
        return -1;
    }
    if (t->exe[0])
        out_printf(s, "Attaching to program: %s, process %ld\n", t->exe, pid);
    else
        out_printf(s, "Attaching to process %ld\n", pid);
    json_int(s, "pid", pid);
    if (session_set_target(s, t) < 0)
        return -1;
    infrun_print_location(s, session_current_tid(s), true);
    return 0;
}

static int cmd_core_file(struct session *s, const char *args)
{
    args = skip_ws(args);
    if (!*args) {
        cmd_error(s, "Argument required (core file name).");
        return -1;
    }
    if (s->target && target_can_run(s->target)) {
        cmd_error(s, "A program is being debugged already; detach or kill it first.");
        return -1;
    }
    char err[4096 + 512];
    struct target *t = target_open_core(args, s->exe, err, sizeof err);
    if (!t) {
        cmd_error(s, "%s", err);
        return -1;
    }
    struct elfcore ec;
    if (elfcore_open(args, &ec, err, sizeof err) == 0) {
        out_printf(s, "Core was generated by `%s'.\n", ec.psargs[0] ? ec.psargs : ec.fname);
        int sig = ec.threads[0].signo;
        if (sig > 0) {
            char name[32];
            out_printf(s, "Program terminated with signal %s, %s.\n",
                       infrun_signal_name(sig, name, sizeof name), infrun_signal_description(sig));
        }
        elfcore_free(&ec);
    }
    json_str(s, "core", args);
    json_int(s, "pid", t->pid);
    if (session_set_target(s, t) < 0)
        return -1;
    infrun_print_location(s, session_current_tid(s), true);
    return 0;
}

/* ---------- info proc mappings ---------- */

static int cmd_info_proc(struct session *s, const char *args)
{
    args = skip_ws(args);
    if (!s->target) {
        cmd_error(s, "No current process: you must name one.");
        return -1;
    }
    struct target *t = s->target;
    if (*args && strcmp(args, "mappings") != 0) {
        if (strcmp(args, "") != 0) {
            cmd_error(s, "Unsupported: info proc %s (only \"mappings\").", args);
            return -1;
        }
    }
    out_printf(s, "process %d\n", (int)t->pid);
    if (!*args) {
        out_printf(s, "exe = '%s'\n", t->exe);
        return 0;
    }
    struct rd_map *maps;
    size_t n;
    int rc = t->ops->maps(t, &maps, &n);
    if (rc < 0) {
        cmd_error(s, "Cannot read the mappings of process %d: %s", (int)t->pid, strerror(-rc));
        return -1;
    }
    out_printf(s, "Mapped address spaces:\n\n");
    out_printf(s, "%18s %18s %10s %10s  %-5s  %s\n", "Start Addr", "End Addr", "Size",
               "Offset", "Perms", "objfile");
    json_begin_array(s, "mappings");
    for (size_t i = 0; i < n; i++) {
        const struct rd_map *m = &maps[i];
        char perms[5] = { m->r ? 'r' : '-', m->w ? 'w' : '-', m->x ? 'x' : '-', 'p', 0 };
        char a[24], b[24], sz[24], off[24];
        snprintf(a, sizeof a, "0x%llx", (unsigned long long)m->start);
        snprintf(b, sizeof b, "0x%llx", (unsigned long long)m->end);
        snprintf(sz, sizeof sz, "0x%llx", (unsigned long long)(m->end - m->start));
        snprintf(off, sizeof off, "0x%llx", (unsigned long long)m->offset);
        out_printf(s, "%18s %18s %10s %10s  %-5s  %s\n", a, b, sz, off, perms, m->path);
        json_begin_object(s, NULL);
        json_uint(s, "start", m->start);
        json_uint(s, "end", m->end);
        json_uint(s, "offset", m->offset);
        json_str(s, "perms", perms);
        json_str(s, "path", m->path);
        json_end_object(s);
    }
    json_end_array(s);
    free(maps);
    return 0;
}

/* ---------- registration ---------- */

static const struct command target_commands[] = {
    { "info threads", NULL, "Display currently known threads.",
      "info threads [ID...]\nList threads (all, or those whose IDs are listed; ranges like 2-4\n"
      "allowed): gdb's number, LWP, name and innermost frame.  * marks the selected thread.",
      cmd_info_threads, NULL, true, false },
    { "thread", "t", "Use this command to switch between threads.",
      "thread [N]\nSelect thread N (its gdb number, see \"info threads\") and print its frame;\n"
      "without N, say which thread is selected.",
      cmd_thread, NULL, true, false },
    { "thread apply", NULL, "Apply a command to a list of threads.",
      "thread apply all|ID... COMMAND\nRun COMMAND once per thread, each thread selected in turn\n"
      "(\"all\": every thread, newest first).  Example: thread apply all bt",
      cmd_thread_apply, NULL, true, false },
    { "info inferiors", NULL, "Print a list of inferiors being managed.",
      "info inferiors\nShow the debugged process (or core) and its executable.",
      cmd_info_inferiors, NULL, false, false },
    { "gcore", "generate-core-file", "Save a core file with the current state of the debugged process.",
      "gcore [FILE]\nWrite an ELF core of the stopped process to FILE (default core.PID);\n"
      "gdb and rtsdb can both open it.",
      cmd_gcore, NULL, true, true },
    { "detach", NULL, "Detach from the debugged process.",
      "detach\nRemove breakpoints and watchpoints, restore page protections and let the\n"
      "process continue untraced, with any signal it had pending.",
      cmd_detach, NULL, true, true },
    { "kill", "k", "Kill execution of the program being debugged.",
      "kill\nKill the debugged process with SIGKILL.",
      cmd_kill, NULL, true, true },
    { "attach", NULL, "Attach to a process outside of rtsdb.",
      "attach PID\nTrace process PID and every one of its threads, and stop them.  On failure\n"
      "the reason is given (no such process, permissions, yama ptrace_scope, already traced).",
      cmd_attach, NULL, false, false },
    { "core-file", "core", "Use FILE as core dump for examining memory and registers.",
      "core-file FILE\nOpen the ELF core FILE (from the kernel, gdb's gcore or rtsdb's gcore)\n"
      "as the target; the program given on the command line must be the one that made it.",
      cmd_core_file, NULL, false, false },
    { "info proc", NULL, "Show additional information about a process.",
      "info proc [mappings]\nWithout argument, the process id and executable; \"mappings\": the\n"
      "memory map (from /proc/PID/maps, or a core's segments and NT_FILE).",
      cmd_info_proc, NULL, true, false },
};

void target_commands_init(void)
{
    for (size_t i = 0; i < sizeof target_commands / sizeof target_commands[0]; i++)
        cmd_register(&target_commands[i]);
}
