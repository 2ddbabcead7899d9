/* test_symtab_unwind.c — backtraces, frame lines and frame variables of a
 * live process, through the real live target.
 *
 * Runs tests/debuggee/symtab_deep in "wait" mode, attaches, and checks:
 * every thread's frames (names and order, stopping at main like gdb), the
 * gdb-style frame lines with arguments (ints, chars, enums, doubles,
 * strings, function pointers), locals and parameters of an outer frame,
 * unwinding from a saved register set (the ucontext the debuggee keeps, as
 * a green thread's saved context), and that corrupted register sets give a
 * short, bounded walk.
 */
#define _GNU_SOURCE         /* REG_RIP and friends in <ucontext.h> */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "symtab.h"
#include "types.h"
#include "test_symtab_check.h"

static const char *frame_name(struct symtab *st, const struct frame *f, char *buf, size_t len)
{
    /* "#N  [0x... in ]NAME (" -> NAME */
    char line[2048];
    frame_describe(st, f, line, sizeof line);
    const char *p = strstr(line, " in ");
    p = p ? p + 4 : line + 4;
    size_t n = strcspn(p, " ");
    snprintf(buf, len, "%.*s", (int)n, p);
    return buf;
}

/* Wait until every thread of pid sleeps (state S), so each is in pause(). */
static bool wait_all_sleeping(pid_t pid)
{
    char path[512], buf[512];
    for (int tries = 0; tries < 500; tries++) {
        snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
        DIR *d = opendir(path);
        int total = 0, sleeping = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "/proc/%d/task/%s/stat", (int)pid, e->d_name);
            FILE *f = fopen(path, "r");
            if (!f)
                continue;
            if (fgets(buf, sizeof buf, f)) {
                const char *p = strrchr(buf, ')');
                total++;
                sleeping += p && p[2] == 'S';
            }
            fclose(f);
        }
        if (d)
            closedir(d);
        if (total == 3 && sleeping == 3)
            return true;
        usleep(10000);
    }
    return false;
}

static const char *const main_chain[] = {
    "bottom", "recurse", "recurse", "recurse", "recurse", "recurse", "deep_callback",
    "symtab_lib_apply", "level_three", "level_two", "level_one", "main",
};
#define MAIN_CHAIN_LEN (sizeof main_chain / sizeof main_chain[0])

/* frames[first..] must be exactly main_chain, and end there. */
static void check_main_chain(struct symtab *st, struct frame *frames, int n, int first,
                             const char *what)
{
    char name[256];
    CHECK(n - first == (int)MAIN_CHAIN_LEN, "%s: %d frames after %d, want %zu", what, n - first,
          first, MAIN_CHAIN_LEN);
    for (size_t i = 0; i < MAIN_CHAIN_LEN && first + (int)i < n; i++)
        CHECK(strcmp(frame_name(st, &frames[first + i], name, sizeof name), main_chain[i]) == 0,
              "%s: frame %d is %s, want %s", what, first + (int)i, name, main_chain[i]);
}

static const struct frame *find_frame(struct symtab *st, struct frame *frames, int n,
                                      const char *fn)
{
    char name[256];
    for (int i = 0; i < n; i++)
        if (strcmp(frame_name(st, &frames[i], name, sizeof name), fn) == 0)
            return &frames[i];
    return NULL;
}

static void check_frame_lines(struct target *t, struct symtab *st, struct frame *frames, int n)
{
    char line[2048];
    const struct frame *f = find_frame(st, frames, n, "level_three");
    CHECK(f != NULL, "level_three frame");
    if (f) {
        frame_describe(st, f, line, sizeof line);
        CHECK(strstr(line, " in level_three (x=10, c=113 'q', col=BLUE) at ") != NULL, "%s", line);
        CHECK(strncmp(line, "#", 1) == 0 && strstr(line, "0x0000") != NULL, "address: %s", line);
        CHECK(strstr(line, "symtab_deep.c:") != NULL, "file: %s", line);
    }
    f = find_frame(st, frames, n, "level_two");
    if (f) {
        frame_describe(st, f, line, sizeof line);
        CHECK(strstr(line, "level_two (p=0x") != NULL && strstr(line, ", scale=2.5) at ") != NULL,
              "%s", line);
    }
    f = find_frame(st, frames, n, "level_one");
    if (f) {
        frame_describe(st, f, line, sizeof line);
        CHECK(strstr(line, "level_one (n=1, tag=0x") != NULL && strstr(line, " \"deep\") at "),
              "%s", line);
        struct rd_value v;
        CHECK(dwarf_lookup_variable(st, f, "n", &v) && v.loc == VAL_MEMORY, "param n");
        CHECK(dwarf_lookup_variable(st, f, "local", &v) && v.loc == VAL_MEMORY, "local");
        if (v.loc == VAL_MEMORY) {
            int x = 0;
            const struct rd_field *fx = type_find_field(v.type, "x");
            CHECK(fx != NULL, "local.x field");
            /* local.x = n + strlen("deep") = 5 */
            CHECK(fx && t->ops->read_memory(t, v.addr + fx->offset, &x, sizeof x) == 0 && x == 5,
                  "local.x = %d", x);
        }
        CHECK(dwarf_lookup_variable(st, f, "symtab_global_counter", &v) && v.loc == VAL_MEMORY,
              "global from a frame");
    }
    f = find_frame(st, frames, n, "symtab_lib_apply");
    if (f) {
        frame_describe(st, f, line, sizeof line);
        CHECK(strstr(line, "symtab_lib_apply (callback=0x") != NULL
              && strstr(line, " <deep_callback>, value=129) at ") != NULL
              && strstr(line, "symtab_lib.c:") != NULL, "%s", line);
    }
    f = find_frame(st, frames, n, "recurse");
    if (f) {
        frame_describe(st, f, line, sizeof line);
        CHECK(strstr(line, "recurse (depth=0) at ") != NULL, "%s", line);
    }
}

/* The saved ucontext of bottom(), as a green thread's saved registers. */
static void check_saved_context(struct target *t, struct symtab *st)
{
    struct rd_value v;
    ucontext_t uc;
    CHECK(dwarf_lookup_variable(st, NULL, "saved_context", &v) && v.loc == VAL_MEMORY,
          "saved_context");
    if (v.loc != VAL_MEMORY || t->ops->read_memory(t, v.addr, &uc, sizeof uc) != 0) {
        CHECK(0, "read saved_context");
        return;
    }
    struct user_regs_struct regs;
    memset(&regs, 0, sizeof regs);
    const greg_t *g = uc.uc_mcontext.gregs;
    regs.rip = g[REG_RIP]; regs.rsp = g[REG_RSP]; regs.rbp = g[REG_RBP]; regs.rbx = g[REG_RBX];
    regs.r12 = g[REG_R12]; regs.r13 = g[REG_R13]; regs.r14 = g[REG_R14]; regs.r15 = g[REG_R15];
    regs.rdi = g[REG_RDI]; regs.rsi = g[REG_RSI]; regs.rdx = g[REG_RDX]; regs.rcx = g[REG_RCX];
    regs.rax = g[REG_RAX];
    struct frame frames[64];
    int n = unwind_from_regs(st, &regs, frames, 64);
    check_main_chain(st, frames, n, 0, "saved context");
    /* A bound: at most max frames. */
    CHECK(unwind_from_regs(st, &regs, frames, 3) == 3, "max 3 frames");
}

static void check_corrupted(struct symtab *st)
{
    struct sym_info si, gp;
    struct frame frames[RD_MAX_FRAMES];
    struct user_regs_struct regs;
    CHECK(symtab_lookup_name(st, "recurse", &si) && symtab_lookup_name(st, "symtab_global_point", &gp),
          "symbols");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* pc inside a function, stack pointing at data full of small integers. */
    memset(&regs, 0, sizeof regs);
    regs.rip = si.addr + 4;
    regs.rsp = gp.addr;
    regs.rbp = gp.addr;
    int n = unwind_from_regs(st, &regs, frames, RD_MAX_FRAMES);
    CHECK(n >= 1 && n < 8, "data as a stack: %d frames", n);
    /* Unmapped stack and pc. */
    regs.rip = 0x10;
    regs.rsp = 0x20;
    regs.rbp = 0;
    n = unwind_from_regs(st, &regs, frames, RD_MAX_FRAMES);
    CHECK(n == 1, "unmapped: %d frames", n);
    char line[512];
    frame_describe(st, &frames[0], line, sizeof line);
    CHECK(strcmp(line, "#0  0x0000000000000010 in ?? ()") == 0, "unmapped frame: %s", line);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    CHECK(ms < 1000, "corrupted walks took %.1f ms", ms);
}

int main(void)
{
    char path[4096], err[512];
    int out[2];
    if (pipe(out) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(debuggee_path("symtab_deep", path, sizeof path), "symtab_deep", "wait", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char ready[64] = "";
    FILE *f = fdopen(out[0], "r");
    CHECK(f && fgets(ready, sizeof ready, f) && strncmp(ready, "ready", 5) == 0, "debuggee ready");
    CHECK(wait_all_sleeping(pid), "all threads asleep");

    struct target *t = target_attach(pid, err, sizeof err);
    CHECK(t != NULL, "attach: %s", err);
    if (t) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct symtab *st = symtab_load(t, err, sizeof err);
        CHECK(st != NULL, "symtab_load: %s", err);
        if (t->ops->update_threads)
            t->ops->update_threads(t);
        CHECK(t->nthreads == 3, "3 threads, got %zu", t->nthreads);
        static struct frame frames[RD_MAX_FRAMES];
        char name[256];
        for (size_t i = 0; st && i < t->nthreads; i++) {
            int n = unwind_thread(st, t->threads[i].tid, frames, RD_MAX_FRAMES);
            if (i == 0) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                printf("symtab_load + first backtrace: %.2f ms\n",
                       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
            }
            for (int k = 0; k < n; k++) {
                char line[2048];
                frame_describe(st, &frames[k], line, sizeof line);
                printf("thread %zu: %s\n", i + 1, line);
            }
            if (t->threads[i].tid == pid) {
                /* frame 0 is in libc's pause; then the program's chain */
                CHECK(n > 1 && strstr(frame_name(st, &frames[0], name, sizeof name), "pause"),
                      "main thread frame 0 in pause: %s", name);
                check_main_chain(st, frames, n, 1, "main thread");
                check_frame_lines(t, st, frames, n);
            } else {
                const struct frame *w = find_frame(st, frames, n, "worker_main");
                int spins = 0;
                for (int k = 0; k < n; k++)
                    spins += strcmp(frame_name(st, &frames[k], name, sizeof name), "worker_spin") == 0;
                CHECK(w != NULL && spins == 4, "worker: worker_main and 4 worker_spin (%d)", spins);
                CHECK(find_frame(st, frames, n, "start_thread") != NULL, "worker: start_thread");
            }
        }
        if (st) {
            check_saved_context(t, st);
            check_corrupted(st);
            symtab_free(st);
        }
        if (t->ops->detach)
            t->ops->detach(t);
        if (t->ops->close)
            t->ops->close(t);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return check_status();
}
