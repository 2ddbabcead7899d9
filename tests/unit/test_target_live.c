/* test_target_live.c — the live ptrace target through its C API.
 *
 * Launch (stopped at entry), interrupt, threads and their names, memory
 * read/write and unmapped-read errors, registers, single-step, int3 stops in
 * several threads at once, syscall injection, wait timeout, detach leaving
 * the process running, attach, kill, signals passed on, attach failures.
 * Debuggees: tests/debuggee/target_threads and target_signals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target.h"
#include "test_target_check.h"

static char debuggee_dir[4096];

struct report {
    int pid;
    unsigned long counter, message, ready;
};

static struct target *launch_threads(struct report *rep)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    char prog[4200], fdarg[16];
    snprintf(prog, sizeof prog, "%s/target_threads", debuggee_dir);
    snprintf(fdarg, sizeof fdarg, "%d", fds[1]);
    char *argv[] = { prog, fdarg, NULL };
    char err[512];
    struct target *t = target_launch(argv, err, sizeof err);
    if (!t)
        fprintf(stderr, "launch: %s\n", err);
    REQUIRE(t != NULL);
    close(fds[1]);
    /* Stopped at entry: one thread, not running. */
    CHECK(t->nthreads == 1);
    CHECK(t->threads[0].stopped);
    CHECK(t->threads[0].num == 1);
    CHECK(strstr(t->exe, "target_threads") != NULL);
    REQUIRE(t->ops->resume(t) == 0);
    /* Keep waiting (new threads are followed inside wait) until it reports. */
    struct stop_event ev;
    struct pollfd pfd = { fds[0], POLLIN, 0 };
    while (poll(&pfd, 1, 0) == 0) {
        REQUIRE(t->ops->wait(t, &ev, 10) == 0);
        if (ev.kind != STOP_TIMEOUT)
            fprintf(stderr, "unexpected event kind %d signo %d status %d code %d\n", ev.kind, ev.signo, ev.status, ev.si.si_code), fprintf(stderr, "tid %d pid %d nthreads %zu si_pid %d addr %p\n", ev.tid, t->pid, t->nthreads, ev.si.si_pid, ev.si.si_addr);
        REQUIRE(ev.kind == STOP_TIMEOUT);
    }
    char line[256] = "";
    FILE *f = fdopen(fds[0], "r");
    REQUIRE(f && fgets(line, sizeof line, f));
    fclose(f);
    REQUIRE(sscanf(line, "%d %lx %lx %lx", &rep->pid, &rep->counter, &rep->message, &rep->ready) == 4);
    CHECK(rep->pid == t->pid);
    REQUIRE(t->ops->interrupt(t) == 0);
    REQUIRE(t->ops->wait(t, &ev, 5000) == 0);
    CHECK(ev.kind == STOP_INTERRUPTED);
    return t;
}

static void test_threads_and_memory(void)
{
    struct report rep;
    struct target *t = launch_threads(&rep);
    struct stop_event ev;

    /* Every thread followed, stopped, named from comm. */
    t->ops->update_threads(t);
    CHECK(t->nthreads == 4);
    int named = 0;
    for (size_t i = 0; i < t->nthreads; i++) {
        CHECK(t->threads[i].stopped);
        CHECK(t->threads[i].num == (int)i + 1);
        if (strncmp(t->threads[i].name, "worker", 6) == 0)
            named++;
    }
    CHECK(named == 3);
    CHECK(target_thread_by_num(t, 2) == &t->threads[1]);
    CHECK(target_thread_by_tid(t, t->pid) == &t->threads[0]);

    /* Memory: string, write + read back, u64, unmapped. */
    char buf[64];
    CHECK(target_read_string(t, rep.message, buf, sizeof buf) == 25);
    CHECK(strcmp(buf, "hello from target_threads") == 0);
    CHECK(target_write(t, rep.message, "HELLO", 5) == 0);
    CHECK(target_read(t, rep.message, buf, 10) == 0 && memcmp(buf, "HELLO from", 10) == 0);
    uint64_t c1 = 0, c2 = 0;
    CHECK(target_read_u64(t, rep.counter, &c1) == 0 && c1 > 0);
    CHECK(target_read(t, 0x10, buf, 8) == -EFAULT);
    char msg[128];
    target_errmsg(-EFAULT, 0x10, msg, sizeof msg);
    CHECK(strcmp(msg, "Cannot access memory at address 0x10") == 0);
    /* A read that starts mapped and runs into unmapped memory fails whole. */
    struct rd_map *maps;
    size_t nmaps;
    REQUIRE(t->ops->maps(t, &maps, &nmaps) == 0 && nmaps > 0);
    addr_t stack_end = 0;
    for (size_t i = 0; i < nmaps; i++)
        if (strcmp(maps[i].path, "[stack]") == 0)
            stack_end = maps[i].end;
    free(maps);
    CHECK(stack_end != 0);
    CHECK(target_read(t, stack_end - 8, buf, 16) == -EFAULT);
    CHECK(target_read(t, stack_end - 8, buf, 8) == 0);

    /* Write to read-only text (int3 insertion needs it). */
    struct user_regs_struct regs, regs2;
    pid_t tid2 = t->threads[1].tid;
    REQUIRE(t->ops->get_regs(t, tid2, &regs) == 0);

    /* Syscall injection: getpid in thread 2 returns the pid, regs unchanged. */
    long args[6] = { 0 }, ret = 0;
    CHECK(t->ops->inject_syscall(t, tid2, SYS_getpid, args, &ret) == 0);
    CHECK(ret == t->pid);
    REQUIRE(t->ops->get_regs(t, tid2, &regs2) == 0);
    CHECK(memcmp(&regs, &regs2, sizeof regs) == 0);

    /* Timeout while running; the counter moves. */
    REQUIRE(t->ops->resume(t) == 0);
    CHECK(t->running);
    CHECK(t->ops->wait(t, &ev, 50) == 0 && ev.kind == STOP_TIMEOUT);
    REQUIRE(t->ops->interrupt(t) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0 && ev.kind == STOP_INTERRUPTED);
    CHECK(target_read_u64(t, rep.counter, &c2) == 0 && c2 > c1);
    for (size_t i = 0; i < t->nthreads; i++)
        CHECK(t->threads[i].stopped);

    /* int3 where every worker returns from usleep: the first hit is reported,
     * the others queue; once the int3 is gone they are dropped silently. */
    unsigned char orig, cc = 0xcc;
    REQUIRE(t->ops->get_regs(t, tid2, &regs) == 0);
    REQUIRE(target_read(t, regs.rip, &orig, 1) == 0);
    REQUIRE(target_write(t, regs.rip, &cc, 1) == 0);
    REQUIRE(t->ops->resume(t) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0);
    CHECK(ev.kind == STOP_BREAKPOINT);
    REQUIRE(t->ops->get_regs(t, ev.tid, &regs2) == 0);
    CHECK(regs2.rip == regs.rip + 1);
    CHECK(target_write(t, regs.rip, &orig, 1) == 0);
    regs2.rip -= 1;
    CHECK(t->ops->set_regs(t, ev.tid, &regs2) == 0);

    /* Single-step one thread: only it moves. */
    pid_t st = ev.tid;
    CHECK(t->ops->step(t, st, 0) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0);
    CHECK(ev.kind == STOP_STEP_DONE && ev.tid == st);
    REQUIRE(t->ops->get_regs(t, st, &regs) == 0);
    CHECK(regs.rip != regs2.rip);

    REQUIRE(t->ops->resume(t) == 0);
    usleep(20000);
    REQUIRE(t->ops->interrupt(t) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0 && ev.kind == STOP_INTERRUPTED);

    /* Detach: the process keeps running, untraced. */
    pid_t pid = t->pid;
    CHECK(target_read_u64(t, rep.counter, &c1) == 0);
    CHECK(t->ops->detach(t) == 0);
    t->ops->close(t);
    usleep(30000);
    struct iovec l = { &c2, 8 }, r = { (void *)rep.counter, 8 };
    CHECK(process_vm_readv(pid, &l, 1, &r, 1, 0) == 8 && c2 > c1);
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    int tracer = -1;
    while (f && fgets(line, sizeof line, f))
        sscanf(line, "TracerPid: %d", &tracer);
    if (f)
        fclose(f);
    CHECK(tracer == 0);

    /* Attach to it again, see all threads, kill it. */
    char err[512];
    t = target_attach(pid, err, sizeof err);
    if (!t)
        fprintf(stderr, "attach: %s\n", err);
    REQUIRE(t != NULL);
    CHECK(t->nthreads == 4);
    CHECK(!t->launched);
    CHECK(target_read_string(t, rep.message, buf, sizeof buf) > 0 && strncmp(buf, "HELLO", 5) == 0);
    CHECK(t->ops->kill(t) == 0);
    t->ops->close(t);
    CHECK(kill(pid, 0) < 0 && errno == ESRCH);
}

static void test_attach_failures(void)
{
    char err[512];
    struct target *t = target_attach(999999999, err, sizeof err);
    CHECK(t == NULL);
    CHECK(strstr(err, "No such process") != NULL);

    /* A process already traced (by us) cannot be attached from another
     * tracer: the message names the tracer and ptrace_scope. */
    struct report rep;
    t = launch_threads(&rep);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t helper = fork();
    if (helper == 0) {
        struct target *t2 = target_attach(t->pid, err, sizeof err);
        if (t2)
            _exit(3);
        ssize_t len = (ssize_t)strlen(err);
        _exit(write(fds[1], err, (size_t)len) == len ? 0 : 4);
    }
    close(fds[1]);
    char msg[512] = "";
    ssize_t n = read(fds[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    int status;
    waitpid(helper, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strstr(msg, "Operation not permitted") != NULL);
    CHECK(strstr(msg, "already traced by process") != NULL);
    CHECK(strstr(msg, "ptrace_scope") != NULL);
    fprintf(stderr, "attach to a traced process: %s\n", msg);
    t->ops->close(t);           /* launched: close kills it */
}

static void test_signals_passed_on(void)
{
    char prog[4200], err[512];
    snprintf(prog, sizeof prog, "%s/target_signals", debuggee_dir);
    char *argv[] = { prog, NULL };
    struct target *t = target_launch(argv, err, sizeof err);
    REQUIRE(t != NULL);
    struct stop_event ev;
    REQUIRE(t->ops->resume(t) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0);
    CHECK(ev.kind == STOP_SIGNAL && ev.signo == SIGUSR1);
    CHECK(t->threads[0].pending_signal == SIGUSR1);
    CHECK(t->threads[0].last_siginfo.si_signo == SIGUSR1);
    REQUIRE(t->ops->resume(t) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0);
    CHECK(ev.kind == STOP_SIGNAL && ev.signo == SIGUSR2);
    REQUIRE(t->ops->resume(t) == 0);
    CHECK(t->ops->wait(t, &ev, 5000) == 0);
    CHECK(ev.kind == STOP_EXITED && ev.status == 2);
    CHECK(t->ops->resume(t) == -ESRCH);
    t->ops->close(t);

    /* A missing program is a clear error, not a stopped child. */
    char *bad[] = { "/nonexistent/program", NULL };
    CHECK(target_launch(bad, err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/program") != NULL);
}

int main(void)
{
    const char *b = getenv("top_builddir");
    snprintf(debuggee_dir, sizeof debuggee_dir, "%s/tests/debuggee", b ? b : ".");
    alarm(60);
    test_threads_and_memory();
    test_attach_failures();
    test_signals_passed_on();
    if (check_failures)
        fprintf(stderr, "%d check(s) failed\n", check_failures);
    return check_failures ? 1 : 0;
}
