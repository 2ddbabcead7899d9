/* test_target_core.c — the core target, the ELF core reader and gcore.
 *
 * - gcore round trip: a core of a stopped live process opens as a core
 *   target with the same threads, registers, fp registers and memory;
 * - gdb reads our core: `thread apply all bt` over it names the same
 *   functions, in the same order, as over gdb's own gcore of the same
 *   stopped process (skipped when gdb is absent);
 * - a kernel core of a SIGSEGV (core_pattern permitting): the crashing
 *   thread's signal, and text the kernel left out read from the mapped file;
 * - clear errors: truncated core, not ELF, not a core, wrong architecture,
 *   a core of another program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfcore.h"
#include "target.h"
#include "test_target_check.h"

static char debuggee_dir[4096];
static char tmpdir[] = "/tmp/rtsdb-test-target-core-XXXXXX";

static void prog_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", debuggee_dir, name);
}

/* Copy the first `len` bytes of src to dst (len 0: all), optionally
 * overwriting 2 bytes at patch_at. */
static void copy_file(const char *src, const char *dst, size_t len, long patch_at, uint16_t patch)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    REQUIRE(in && out);
    char buf[65536];
    size_t total = 0, n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (len && total + n > len)
            n = len - total;
        if (patch_at >= 0 && (size_t)patch_at >= total && (size_t)patch_at + 2 <= total + n)
            memcpy(buf + (patch_at - (long)total), &patch, 2);
        fwrite(buf, 1, n, out);
        total += n;
        if (len && total >= len)
            break;
    }
    fclose(in);
    fclose(out);
}

/* Launch target_crash in "wait" mode and stop it once both threads sleep. */
static struct target *launch_sleeping_crash(void)
{
    char prog[4200], err[512];
    prog_path(prog, sizeof prog, "target_crash");
    char *argv[] = { prog, "wait", NULL };
    int devnull = open("/dev/null", O_WRONLY), saved = dup(1);
    dup2(devnull, 1);           /* it prints its pid */
    struct target *t = target_launch(argv, err, sizeof err);
    dup2(saved, 1);
    close(saved);
    close(devnull);
    REQUIRE(t != NULL);
    REQUIRE(t->ops->resume(t) == 0);
    struct stop_event ev;
    REQUIRE(t->ops->wait(t, &ev, 200) == 0 && ev.kind == STOP_TIMEOUT);
    REQUIRE(t->ops->interrupt(t) == 0);
    REQUIRE(t->ops->wait(t, &ev, 5000) == 0 && ev.kind == STOP_INTERRUPTED);
    REQUIRE(t->nthreads == 2);
    return t;
}

/* Function names of every frame of `gdb -batch -ex "thread apply all bt"`. */
static int gdb_frames(const char *prog, const char *core, char *out, size_t len)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gdb -nx -batch -ex 'thread apply all bt' '%s' '%s' 2>/dev/null", prog, core);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char line[1024];
    out[0] = '\0';
    while (fgets(line, sizeof line, p)) {
        if (line[0] != '#')
            continue;
        char *in = strstr(line, " in ");
        char *fn = in ? in + 4 : strchr(line, ' ');
        while (fn && *fn == ' ')
            fn++;
        if (!fn)
            continue;
        fn[strcspn(fn, " (")] = '\0';
        strncat(out, fn, len - strlen(out) - 2);
        strncat(out, " ", len - strlen(out) - 1);
    }
    return pclose(p) == 0 ? 0 : -1;
}

static void test_gcore_round_trip(void)
{
    struct target *t = launch_sleeping_crash();
    char core[4200], err[1024];
    snprintf(core, sizeof core, "%s/gcore.core", tmpdir);
    REQUIRE(target_gcore(t, core, err, sizeof err) == 0);

    struct target *c = target_open_core(core, t->exe, err, sizeof err);
    if (!c)
        fprintf(stderr, "open our core: %s\n", err);
    REQUIRE(c != NULL);
    CHECK(strcmp(c->ops->name, "core") == 0);
    CHECK(!target_can_run(c));
    CHECK(c->pid == t->pid);
    CHECK(c->nthreads == 2);
    for (size_t i = 0; i < c->nthreads && i < t->nthreads; i++) {
        struct user_regs_struct lr, cr;
        struct user_fpregs_struct lf, cf;
        CHECK(c->threads[i].tid == t->threads[i].tid);
        CHECK(c->threads[i].num == (int)i + 1);
        REQUIRE(t->ops->get_regs(t, t->threads[i].tid, &lr) == 0);
        REQUIRE(c->ops->get_regs(c, c->threads[i].tid, &cr) == 0);
        CHECK(memcmp(&lr, &cr, sizeof lr) == 0);
        REQUIRE(t->ops->get_fpregs(t, t->threads[i].tid, &lf) == 0);
        CHECK(c->ops->get_fpregs(c, c->threads[i].tid, &cf) == 0);
        CHECK(memcmp(&lf, &cf, sizeof lf) == 0);
        /* Stacks are identical, 256 bytes from sp. */
        unsigned char a[256], b[256];
        CHECK(target_read(t, lr.rsp, a, sizeof a) == 0);
        CHECK(target_read(c, cr.rsp, b, sizeof b) == 0);
        CHECK(memcmp(a, b, sizeof a) == 0);
    }
    /* Every mapping the live process can read is in the core, same bytes. */
    struct rd_map *lm, *cm;
    size_t nl, nc;
    REQUIRE(t->ops->maps(t, &lm, &nl) == 0 && c->ops->maps(c, &cm, &nc) == 0);
    CHECK(nc > 5 && nc <= nl);
    int compared = 0;
    for (size_t i = 0; i < nc; i++) {
        unsigned char a[64], b[64];
        if (target_read(t, cm[i].start, a, sizeof a) == 0) {
            CHECK(target_read(c, cm[i].start, b, sizeof b) == 0);
            CHECK(memcmp(a, b, sizeof a) == 0);
            compared++;
        } else {
            fprintf(stderr, "unreadable live: %llx-%llx %s\n", (unsigned long long)cm[i].start,
                    (unsigned long long)cm[i].end, cm[i].path);
        }
    }
    CHECK(compared == (int)nc);
    free(lm);
    free(cm);
    char buf[8];
    CHECK(target_read(c, 0x10, buf, 8) == -EFAULT);
    CHECK(target_write(c, cm ? 0x10 : 0, buf, 1) == -EROFS);

    /* gdb over our core vs gdb over its own core of the same process. */
    char prog[4200];
    prog_path(prog, sizeof prog, "target_crash");
    pid_t pid = t->pid;
    REQUIRE(t->ops->detach(t) == 0);
    t->ops->close(t);
    if (system("gdb --version >/dev/null 2>&1") == 0) {
        char gdbcore[4200], cmd[9000], ours[4096], theirs[4096];
        snprintf(gdbcore, sizeof gdbcore, "%s/gdb.core", tmpdir);
        kill(pid, SIGSTOP);     /* same state for both cores: nobody moves */
        snprintf(cmd, sizeof cmd, "gdb -nx -batch -p %d -ex 'gcore %s' >/dev/null 2>&1", (int)pid, gdbcore);
        CHECK(system(cmd) == 0);
        CHECK(gdb_frames(prog, core, ours, sizeof ours) == 0);
        CHECK(gdb_frames(prog, gdbcore, theirs, sizeof theirs) == 0);
        fprintf(stderr, "gdb bt over our core: %s\ngdb bt over gdb core: %s\n", ours, theirs);
        CHECK(strstr(ours, "main") != NULL && strstr(ours, "sleeper") != NULL);
        CHECK(strcmp(ours, theirs) == 0);
        /* And our reader opens gdb's core. */
        struct target *g = target_open_core(gdbcore, prog, err, sizeof err);
        if (!g)
            fprintf(stderr, "open gdb core: %s\n", err);
        CHECK(g && g->nthreads == 2);
        if (g)
            g->ops->close(g);
        unlink(gdbcore);
    } else {
        fprintf(stderr, "gdb not installed: gdb comparison skipped\n");
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    c->ops->close(c);

    /* Errors. */
    char bad[4200], truncated[4200];
    snprintf(bad, sizeof bad, "%s/truncated.core", tmpdir);
    snprintf(truncated, sizeof truncated, "%s", bad);
    struct stat st;
    REQUIRE(stat(core, &st) == 0);
    copy_file(core, bad, (size_t)st.st_size / 2, -1, 0);
    CHECK(target_open_core(bad, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "truncated") != NULL);
    fprintf(stderr, "truncated: %s\n", err);
    copy_file(core, bad, 40, -1, 0);
    CHECK(target_open_core(bad, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "truncated") != NULL);
    copy_file(core, bad, 0, 18, 183 /* EM_AARCH64 */);
    CHECK(target_open_core(bad, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "wrong architecture") != NULL);
    CHECK(target_open_core(prog, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "not a core file") != NULL);
    snprintf(bad, sizeof bad, "%s/text", tmpdir);
    FILE *f = fopen(bad, "w");
    fputs("this is not a core\n", f);
    fclose(f);
    CHECK(target_open_core(bad, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "not an ELF file") != NULL);
    CHECK(target_open_core("/nonexistent.core", NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "No such file") != NULL);
    char other[4200];
    prog_path(other, sizeof other, "target_signals");
    CHECK(target_open_core(core, other, err, sizeof err) == NULL);
    CHECK(strstr(err, "core file was generated by") != NULL);
    fprintf(stderr, "mismatch: %s\n", err);
    unlink(bad);
    unlink(truncated);
    unlink(core);
}

static void test_kernel_core(void)
{
    char pattern[256] = "";
    FILE *f = fopen("/proc/sys/kernel/core_pattern", "r");
    if (f) {
        if (!fgets(pattern, sizeof pattern, f))
            pattern[0] = '\0';
        fclose(f);
    }
    pattern[strcspn(pattern, "\n")] = '\0';
    if (strcmp(pattern, "core") != 0 && strcmp(pattern, "core.%p") != 0) {
        fprintf(stderr, "core_pattern is '%s': kernel core test skipped\n", pattern);
        return;
    }
    char prog[4200];
    prog_path(prog, sizeof prog, "target_crash");
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
        if (chdir(tmpdir) != 0 || setrlimit(RLIMIT_CORE, &rl) != 0)
            _exit(2);
        execl(prog, prog, (char *)NULL);
        _exit(3);
    }
    int status;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    if (!WCOREDUMP(status)) {
        fprintf(stderr, "the kernel wrote no core: kernel core test skipped\n");
        return;
    }
    char core[4200], err[1024];
    snprintf(core, sizeof core, "%s/core", tmpdir);
    if (access(core, F_OK) != 0)
        snprintf(core, sizeof core, "%s/core.%d", tmpdir, (int)pid);
    struct target *c = target_open_core(core, prog, err, sizeof err);
    if (!c)
        fprintf(stderr, "kernel core: %s\n", err);
    REQUIRE(c != NULL);
    CHECK(c->pid == pid);
    CHECK(c->nthreads == 2);
    CHECK(c->threads[0].last_siginfo.si_signo == SIGSEGV);
    CHECK(strcmp(c->threads[0].name, "target_crash") == 0);
    /* The faulting instruction is in text the kernel did not dump: it must
     * read the same as the file at the NT_FILE offset. */
    struct user_regs_struct regs;
    REQUIRE(c->ops->get_regs(c, c->threads[0].tid, &regs) == 0);
    struct elfcore ec;
    REQUIRE(elfcore_open(core, &ec, err, sizeof err) == 0);
    const struct elfcore_file *ef = elfcore_file_at(&ec, regs.rip);
    const struct elfcore_segment *es = elfcore_segment_at(&ec, regs.rip);
    REQUIRE(ef && es);
    CHECK(es->filesz < es->memsz);      /* text left out of the core */
    unsigned char from_core[16], from_file[16];
    CHECK(target_read(c, regs.rip, from_core, sizeof from_core) == 0);
    int fd = open(ef->path, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK(pread(fd, from_file, sizeof from_file, (off_t)(ef->offset + regs.rip - ef->start)) == 16);
    close(fd);
    CHECK(memcmp(from_core, from_file, 16) == 0);
    CHECK(strstr(ef->path, "target_crash") != NULL);
    elfcore_free(&ec);
    c->ops->close(c);
    unlink(core);
}

int main(void)
{
    const char *b = getenv("top_builddir");
    snprintf(debuggee_dir, sizeof debuggee_dir, "%s/tests/debuggee", b ? b : ".");
    alarm(120);
    REQUIRE(mkdtemp(tmpdir) != NULL);
    test_gcore_round_trip();
    test_kernel_core();
    rmdir(tmpdir);
    if (check_failures)
        fprintf(stderr, "%d check(s) failed\n", check_failures);
    return check_failures ? 1 : 0;
}
