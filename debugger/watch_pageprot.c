/* watch_pageprot.c — page-protection watchpoints.
 *
 * Offers pageprot_* of watchpoint.h: protect the pages under watched
 * ranges by injecting mprotect into the target, and turn the resulting
 * SIGSEGVs into watch hits or transparent retries.
 *
 * Must not depend on: ptrace (the target injects syscalls and steps), the
 * runtime.
 *
 * Note [Page-protection watchpoints]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * Debug registers are accepted but never fire on these VMs, so a watch is a
 * page made read-only (PROT_NONE when reads must be seen too) with
 * mprotect, run by the target in one of its own stopped threads.  A store
 * to that page faults: the kernel reports SIGSEGV (SEGV_ACCERR) with si_addr
 * the address touched, before the store happened.  We then
 *   1. give the page its original protection back,
 *   2. single-step the faulting thread alone, every other thread stopped
 *      (so nobody else can touch the page while it is open),
 *   3. protect the page again,
 *   4. compare each watch on the page with its remembered value: a change
 *      is a hit for watch/awatch; an access with no change is a hit for
 *      rwatch/awatch when si_addr falls inside the watched range.
 * The SIGSEGV is never delivered.  A store to a neighbour on the same page
 * goes through the same steps and reports nothing, so the program sees no
 * difference except time (two injected mprotects and a single-step, tens
 * of µs on these VMs).  An instruction that touches two protected pages
 * faults once per page during step 2: each page is opened in turn.
 * A fault at an address we do not protect is the program's own and is
 * reported as a signal.
 *
 * Limits: a system call writing into a protected page (read(2) into a
 * watched buffer) fails with EFAULT instead of faulting; reads and writes
 * of the same value cannot be told apart (rwatch reports both).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "watchpoint.h"

#define PP_PAGE 4096UL
#define PP_MAX_OPEN 8

static addr_t page_of(addr_t a) { return a & ~(PP_PAGE - 1); }

static struct pp_page *find_page(struct infrun *ir, addr_t page)
{
    for (size_t i = 0; i < ir->npages; i++)
        if (ir->pages[i].page == page)
            return &ir->pages[i];
    return NULL;
}

/* A stopped thread to run mprotect in: the selected one if it can. */
static pid_t inject_thread(struct session *s)
{
    struct target *t = s->target;
    struct rd_thread *cur = target_thread_by_num(t, s->cur_thread);
    if (cur && !cur->exited && cur->stopped)
        return cur->tid;
    for (size_t i = 0; i < t->nthreads; i++)
        if (!t->threads[i].exited && t->threads[i].stopped)
            return t->threads[i].tid;
    return 0;
}

static int set_protection(struct session *s, pid_t tid, addr_t page, int prot)
{
    struct target *t = s->target;
    if (!t || !t->ops->inject_syscall)
        return -ENOSYS;
    if (!tid)
        tid = inject_thread(s);
    if (!tid)
        return -ESRCH;
    long args[6] = { (long)page, (long)PP_PAGE, prot, 0, 0, 0 };
    long ret = 0;
    int rc = t->ops->inject_syscall(t, tid, SYS_mprotect, args, &ret);
    if (rc < 0)
        return rc;
    return ret < 0 ? (int)ret : 0;
}

/* The page's protection from the target's memory map. */
static int original_protection(struct session *s, addr_t page, int *prot)
{
    struct rd_map *maps = NULL;
    size_t n = 0;
    struct target *t = s->target;
    if (t->ops->maps(t, &maps, &n) < 0)
        return -EIO;
    int rc = -EFAULT;
    for (size_t i = 0; i < n; i++) {
        if (page >= maps[i].start && page < maps[i].end) {
            *prot = (maps[i].r ? PROT_READ : 0) | (maps[i].w ? PROT_WRITE : 0) |
                    (maps[i].x ? PROT_EXEC : 0);
            rc = 0;
            break;
        }
    }
    free(maps);
    return rc;
}

static bool overlaps(addr_t a, size_t alen, addr_t b, size_t blen)
{
    return a < b + blen && b < a + alen;
}

/* The protection page needs from the armed page-protection watches. */
static int wanted_protection(struct session *s, const struct pp_page *pg, bool *needed)
{
    int prot = pg->orig_prot;
    *needed = false;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next) {
        struct watchpoint *w = bp->watch;
        if (!w || !bp->enabled || w->mech != WM_PAGEPROT ||
            !overlaps(w->addr, w->len, pg->page, PP_PAGE))
            continue;
        *needed = true;
        if (bp->kind == BP_WATCHPOINT)
            prot &= ~PROT_WRITE;
        else
            prot = PROT_NONE;
    }
    return prot;
}

int pageprot_arm(struct session *s, addr_t addr, size_t len, char *err, size_t errlen)
{
    struct infrun *ir = infrun_of(s);
    for (addr_t p = page_of(addr); p < addr + len; p += PP_PAGE) {
        if (find_page(ir, p))
            continue;
        int orig;
        if (original_protection(s, p, &orig) < 0) {
            snprintf(err, errlen, "Cannot watch 0x%llx: the address is not mapped.",
                     (unsigned long long)addr);
            return -1;
        }
        struct pp_page *np = realloc(ir->pages, (ir->npages + 1) * sizeof *np);
        if (!np) {
            snprintf(err, errlen, "Out of memory.");
            return -1;
        }
        ir->pages = np;
        ir->pages[ir->npages++] = (struct pp_page){ .page = p, .orig_prot = orig, .prot = orig };
    }
    if (pageprot_sync(s) < 0) {
        snprintf(err, errlen, "Cannot protect the page of 0x%llx in the program (mprotect failed).",
                 (unsigned long long)addr);
        return -1;
    }
    return 0;
}

int pageprot_sync(struct session *s)
{
    struct infrun *ir = infrun_of(s);
    int first_err = 0;
    for (size_t i = 0; i < ir->npages; i++) {
        struct pp_page *pg = &ir->pages[i];
        bool needed;
        int want = wanted_protection(s, pg, &needed);
        int have = pg->armed ? pg->prot : pg->orig_prot;
        if (want != have) {
            int rc = set_protection(s, 0, pg->page, want);
            if (rc < 0) {
                if (!first_err)
                    first_err = rc;
                continue;
            }
        }
        pg->prot = want;
        pg->armed = needed;
    }
    return first_err;
}

int pageprot_restore_all(struct session *s)
{
    struct infrun *ir = infrun_of(s);
    int first_err = 0;
    for (size_t i = 0; i < ir->npages; i++) {
        struct pp_page *pg = &ir->pages[i];
        if (pg->armed && pg->prot != pg->orig_prot) {
            int rc = set_protection(s, 0, pg->page, pg->orig_prot);
            if (rc < 0 && !first_err)
                first_err = rc;
        }
        pg->armed = false;
        pg->prot = pg->orig_prot;
    }
    return first_err;
}

bool pageprot_owns(struct session *s, addr_t addr)
{
    struct pp_page *pg = find_page(infrun_of(s), page_of(addr));
    return pg && pg->armed;
}

enum pp_result pageprot_handle_fault(struct session *s, pid_t tid, const siginfo_t *si)
{
    struct target *t = s->target;
    struct infrun *ir = infrun_of(s);
    addr_t fault = (addr_t)(uintptr_t)si->si_addr;
    if (si->si_code != SEGV_ACCERR || !pageprot_owns(s, fault))
        return PP_NOT_OURS;

    struct pp_page *open[PP_MAX_OPEN];
    int nopen = 0;
    enum pp_result result = PP_HANDLED;
    struct rd_thread *th;

    /* Open the page, step the instruction; it may fault on a second one. */
    addr_t addr = fault;
    for (;;) {
        struct pp_page *pg = find_page(ir, page_of(addr));
        if (nopen == PP_MAX_OPEN || set_protection(s, tid, pg->page, pg->orig_prot) < 0) {
            out_printf(s, "Cannot open a watched page to step thread LWP %d.\n", (int)tid);
            result = PP_ERROR;
            goto reprotect;
        }
        open[nopen++] = pg;
        if ((th = target_thread_by_tid(t, tid)))
            th->pending_signal = 0;
        struct stop_event ev;
        infrun_drain_queued(s);
        if (t->ops->step(t, tid, 0) < 0 || infrun_wait_for_thread(s, tid, &ev) < 0) {
            result = PP_ERROR;
            goto reprotect;
        }
        if (ev.kind == STOP_STEP_DONE)
            break;
        if (ev.kind == STOP_SIGNAL && ev.signo == SIGSEGV && ev.si.si_code == SEGV_ACCERR &&
            pageprot_owns(s, (addr_t)(uintptr_t)ev.si.si_addr)) {
            addr = (addr_t)(uintptr_t)ev.si.si_addr;
            continue;
        }
        /* Anything else (the process died, another signal): leave the
         * thread as the target left it; its signal stays pending. */
        if (ev.kind == STOP_EXITED || ev.kind == STOP_KILLED)
            return PP_ERROR;
        break;
    }

reprotect:
    for (int i = 0; i < nopen; i++)
        set_protection(s, tid, open[i]->page, open[i]->prot);

    for (struct breakpoint *bp = ir->bps.head; bp; bp = bp->next) {
        struct watchpoint *w = bp->watch;
        if (!w || !bp->enabled || w->mech != WM_PAGEPROT)
            continue;
        bool touched = false;
        for (int i = 0; i < nopen; i++)
            if (overlaps(w->addr, w->len, open[i]->page, PP_PAGE))
                touched = true;
        if (!touched)
            continue;
        unsigned char now[WATCH_MAX_LEN];
        if (t->ops->read_memory(t, w->addr, now, w->len) < 0)
            continue;
        bool changed = memcmp(now, w->old, w->len) != 0;
        bool inside = fault >= w->addr && fault < w->addr + w->len;
        if (changed && bp->kind != BP_READ_WATCHPOINT) {
            w->hit_pending = true;
            w->was_read = false;
            result = result == PP_ERROR ? result : PP_HIT;
        } else if (changed) {
            memcpy(w->old, now, w->len);    /* rwatch: follow the value silently */
        } else if (inside && bp->kind != BP_WATCHPOINT) {
            w->hit_pending = true;
            w->was_read = true;
            result = result == PP_ERROR ? result : PP_HIT;
        }
    }
    return result;
}
