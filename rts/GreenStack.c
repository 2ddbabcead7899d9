/* GreenStack.c — C stacks of green threads: mapping, pooling, overflow.
 *
 * Each green thread gets a C stack of green_stack_size bytes mmap'd with a
 * PROT_NONE guard below it.  Nothing is pre-faulted: the kernel commits a
 * page when the thread first touches it.  Finished contexts go to a pool;
 * beyond POOL_KEEP_RESIDENT pooled stacks their pages are handed back with
 * MADV_DONTNEED, beyond POOL_MAX they are unmapped.
 *
 * A thread running off the bottom of its stack faults in the guard; the
 * SIGSEGV handler (on a per-OS-thread alternate signal stack) recognises the
 * guard of the running context and reports
 *     rts: stack overflow in thread N (label)
 * then exits with status RTS_EXIT_STACK_OVERFLOW.  Any other fault is passed
 * on (previous handler, or the default action) so debuggers and cores see
 * the real crash.
 *
 * Must not depend on: the heap or the scheduler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "GreenContext.h"

/* GREEN_ASAN: GreenContext.h */
#ifdef GREEN_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/* Exit status after a stack overflow (GHC's, too). */
#define RTS_EXIT_STACK_OVERFLOW 2

#define POOL_KEEP_RESIDENT 64
#define POOL_MAX           4096

size_t green_stack_size = GREEN_DEFAULT_STACK_SIZE;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static GreenContext *pool;
static size_t n_pooled, n_mapped;

__thread GreenContext *green_current_context;   /* GreenContext.h */
static __thread void *altstack;

void greenThreadStart(GreenContext *ctx) __attribute__((noreturn, used));

static size_t page_size(void)
{
    static size_t ps;
    if (ps == 0)
        ps = (size_t)sysconf(_SC_PAGESIZE);
    return ps;
}

/* Lay out the first frame so that the first switch into ctx "returns" into
 * rts_green_trampoline with r12 = ctx.  See Note [Unwinding through a green
 * thread] in GreenSwitch.S. */
static void push_initial_frame(GreenContext *ctx)
{
    uintptr_t top = (uintptr_t)ctx->stack_hi & ~(uintptr_t)15;
    void **sp = (void **)(top - 72);    /* after 6 pops and ret: rsp == top - 16 */
    sp[0] = NULL;                       /* r15 */
    sp[1] = NULL;                       /* r14 */
    sp[2] = NULL;                       /* r13 */
    sp[3] = ctx;                        /* r12 */
    sp[4] = NULL;                       /* rbx */
    sp[5] = NULL;                       /* rbp */
    sp[6] = (void *)rts_green_trampoline;
    sp[7] = NULL;
    sp[8] = NULL;
    ctx->sp = sp;
}

static GreenContext *map_context(size_t size)
{
    GreenContext *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    size_t total = size + GREEN_GUARD_SIZE;
    void *m = mmap(NULL, total, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) {
        free(ctx);
        return NULL;
    }
    if (mprotect(m, GREEN_GUARD_SIZE, PROT_NONE) != 0) {
        int e = errno;
        munmap(m, total);
        free(ctx);
        errno = e;
        return NULL;
    }
    ctx->mapping = m;
    ctx->mapping_size = total;
    ctx->stack_lo = (char *)m + GREEN_GUARD_SIZE;
    ctx->stack_hi = (char *)m + total;
    __atomic_add_fetch(&n_mapped, 1, __ATOMIC_RELAXED);
    return ctx;
}

static void unmap_context(GreenContext *ctx)
{
    munmap(ctx->mapping, ctx->mapping_size);
    __atomic_sub_fetch(&n_mapped, 1, __ATOMIC_RELAXED);
    free(ctx);
}

GreenContext *greenContextNew(void (*entry)(void *), void *arg)
{
    size_t ps = page_size();
    size_t size = (green_stack_size + ps - 1) & ~(ps - 1);
    GreenContext *ctx = NULL;

    pthread_mutex_lock(&pool_lock);
    while (pool != NULL) {
        GreenContext *c = pool;
        pool = c->pool_next;
        n_pooled--;
        if (c->mapping_size == size + GREEN_GUARD_SIZE) {
            ctx = c;
            break;
        }
        pthread_mutex_unlock(&pool_lock);   /* stack size changed: drop it */
        unmap_context(c);
        pthread_mutex_lock(&pool_lock);
    }
    pthread_mutex_unlock(&pool_lock);

    if (ctx == NULL && (ctx = map_context(size)) == NULL)
        return NULL;
    ctx->entry = entry;
    ctx->arg = arg;
    ctx->thread_id = 0;
    ctx->label[0] = '\0';
    ctx->asan_fake_stack = NULL;
    ctx->finished = false;
    ctx->pool_next = NULL;
    push_initial_frame(ctx);
    return ctx;
}

void greenContextFree(GreenContext *ctx)
{
    if (ctx == NULL || ctx->mapping == NULL)
        return;
    pthread_mutex_lock(&pool_lock);
    if (n_pooled >= POOL_MAX) {
        pthread_mutex_unlock(&pool_lock);
        unmap_context(ctx);
        return;
    }
    /* Pooled stacks keep their address space; deep pools give the pages
     * back.  Before ctx is in the pool, never after: once it is, another
     * capability's greenContextNew may take it and write its first frame,
     * which a late MADV_DONTNEED would zero (the switch in then "returns"
     * to address 0). */
    if (n_pooled >= POOL_KEEP_RESIDENT)
        madvise(ctx->stack_lo, (size_t)((char *)ctx->stack_hi - (char *)ctx->stack_lo),
                MADV_DONTNEED);
    ctx->pool_next = pool;
    pool = ctx;
    n_pooled++;
    pthread_mutex_unlock(&pool_lock);
}

void greenContextInitNative(GreenContext *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            ctx->stack_lo = addr;
            ctx->stack_hi = (char *)addr + size;
        }
        pthread_attr_destroy(&attr);
    }
    green_current_context = ctx;
}

/* First C frame of every green thread (called by rts_green_trampoline). */
void greenThreadStart(GreenContext *ctx)
{
#ifdef GREEN_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    ctx->entry(ctx->arg);
    fprintf(stderr, "rts: internal error: green thread %u returned from its entry\n",
            ctx->thread_id);
    abort();
}

void greenSwitch(GreenContext *from, GreenContext *to)
{
#ifdef GREEN_ASAN
    __sanitizer_start_switch_fiber(from->finished ? NULL : &from->asan_fake_stack,
                                   to->stack_lo,
                                   (size_t)((char *)to->stack_hi - (char *)to->stack_lo));
#endif
    green_current_context = to;
    rts_switch_context(from, to);
#ifdef GREEN_ASAN
    __sanitizer_finish_switch_fiber(from->asan_fake_stack, NULL, NULL);
#endif
}

/* ---- stack overflow ---- */

static struct sigaction old_segv, old_bus;

static size_t fmt_u32(char *out, uint32_t v)
{
    char tmp[10];
    size_t n = 0, i = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        out[i++] = tmp[--n];
    return i;
}

/* Async-signal-safe: only write(2) and _exit(2). */
static void report_overflow(const GreenContext *ctx)
{
    char buf[128];
    size_t n = 0;
    static const char head[] = "rts: stack overflow in thread ";
    memcpy(buf, head, sizeof head - 1);
    n += sizeof head - 1;
    n += fmt_u32(buf + n, ctx->thread_id);
    if (ctx->label[0] != '\0') {
        buf[n++] = ' ';
        buf[n++] = '(';
        size_t l = strnlen(ctx->label, sizeof ctx->label);
        memcpy(buf + n, ctx->label, l);
        n += l;
        buf[n++] = ')';
    }
    static const char tail[] = "; increase the green stack size\n";
    memcpy(buf + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    ssize_t w = write(STDERR_FILENO, buf, n);
    (void)w;
    _exit(RTS_EXIT_STACK_OVERFLOW);
}

static void fault_handler(int sig, siginfo_t *info, void *uctx)
{
    const GreenContext *ctx = green_current_context;
    char *addr = info->si_addr;
    if (ctx != NULL && ctx->mapping != NULL
        && addr >= (char *)ctx->mapping && addr < (char *)ctx->stack_lo)
        report_overflow(ctx);

    /* Not ours: hand it on, so the real crash is seen. */
    struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;
    if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction != NULL) {
        old->sa_sigaction(sig, info, uctx);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN && old->sa_handler != NULL) {
        old->sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);   /* returning re-executes the access: default action, core */
}

static void install_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
}

void greenInitOSThread(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (altstack == NULL) {
        size_t size = 64 * 1024;
        altstack = malloc(size);
        if (altstack != NULL) {
            stack_t ss = { .ss_sp = altstack, .ss_size = size, .ss_flags = 0 };
            if (sigaltstack(&ss, NULL) != 0) {
                free(altstack);
                altstack = NULL;
            }
        }
    }
    pthread_once(&once, install_handler);
}

void greenExitOSThread(void)
{
    if (altstack == NULL)
        return;
    stack_t ss = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    sigaltstack(&ss, NULL);
    free(altstack);
    altstack = NULL;
}

size_t greenStacksMapped(void)
{
    return __atomic_load_n(&n_mapped, __ATOMIC_RELAXED);
}

size_t greenStacksPooled(void)
{
    pthread_mutex_lock(&pool_lock);
    size_t n = n_pooled;
    pthread_mutex_unlock(&pool_lock);
    return n;
}
