/* cli_fake_target.h — an in-memory target for the cli tests and fuzzers.
 *
 * Offers fake_target_new(): a struct target whose memory is one buffer at
 * FAKE_BASE (reads outside it fail with -EFAULT, as an unmapped page would),
 * whose single thread has fixed registers, and which cannot run.  Lets the
 * expression evaluator, printers and x be tested without a process.
 *
 * Test-only: header with static functions, included by one file per program.
 */
#ifndef CLI_FAKE_TARGET_H
#define CLI_FAKE_TARGET_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

#define FAKE_BASE 0x10000ULL
#define FAKE_SIZE 0x1000ULL

struct fake_target {
    struct target t;
    unsigned char mem[FAKE_SIZE];
    struct user_regs_struct regs;
    struct rd_thread thread;
};

static int fake_read(struct target *t, addr_t addr, void *buf, size_t len)
{
    struct fake_target *f = (struct fake_target *)t;
    if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (addr - FAKE_BASE))
        return -EFAULT;
    memcpy(buf, f->mem + (addr - FAKE_BASE), len);
    return 0;
}

static int fake_write(struct target *t, addr_t addr, const void *buf, size_t len)
{
    struct fake_target *f = (struct fake_target *)t;
    if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (addr - FAKE_BASE))
        return -EFAULT;
    memcpy(f->mem + (addr - FAKE_BASE), buf, len);
    return 0;
}

static int fake_get_regs(struct target *t, pid_t tid, struct user_regs_struct *regs)
{
    (void)tid;
    *regs = ((struct fake_target *)t)->regs;
    return 0;
}

static int fake_set_regs(struct target *t, pid_t tid, const struct user_regs_struct *regs)
{
    (void)tid;
    ((struct fake_target *)t)->regs = *regs;
    return 0;
}

static int fake_maps(struct target *t, struct rd_map **out, size_t *n)
{
    (void)t;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return -ENOMEM;
    (*out)->start = FAKE_BASE;
    (*out)->end = FAKE_BASE + FAKE_SIZE;
    (*out)->r = (*out)->w = true;
    *n = 1;
    return 0;
}

static void fake_close(struct target *t) { (void)t; }

static const struct target_ops fake_ops = {
    .name = "fake",
    .read_memory = fake_read,
    .write_memory = fake_write,
    .get_regs = fake_get_regs,
    .set_regs = fake_set_regs,
    .maps = fake_maps,
    .close = fake_close,
};

static struct fake_target *fake_target_new(void)
{
    struct fake_target *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->t.ops = &fake_ops;
    f->t.pid = 4242;
    f->thread.tid = 4242;
    f->thread.num = 1;
    f->thread.stopped = true;
    f->t.threads = &f->thread;
    f->t.nthreads = 1;
    f->t.next_thread_num = 2;
    f->regs.rip = FAKE_BASE + 0x10;
    f->regs.rsp = FAKE_BASE + 0x800;
    f->regs.rbp = FAKE_BASE + 0x810;
    f->regs.rax = 42;
    f->regs.eflags = 0x246;
    return f;
}

/* Put the fake target into s without symbols (session_set_target would try
 * to load an ELF the fake has none of). */
static void fake_target_install(struct session *s, struct fake_target *f)
{
    s->target = &f->t;
    s->cur_thread = 1;
    s->cur_frame = 0;
}

#endif
