/* watch_hw.c — hardware watchpoints in the x86 debug registers.
 *
 * Offers watch_hw.h: the "hw" watch mechanism (slots DR0-DR3, enables in
 * DR7, hits decoded from DR6) and "maint info debug-registers".
 *
 * Must not depend on: ptrace (the target's debug_regs operation writes the
 * registers), the runtime.
 *
 * Note [Hardware watchpoints]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * A watch takes one slot per naturally aligned piece of 1, 2, 4 or 8 bytes
 * (an 8-byte-aligned long is one slot, a 16-byte struct two, an unaligned
 * int may need three); with four slots in all, a watch that does not fit is
 * refused here and falls back to page protection.  The slots are one table
 * for the debugged process (like infrun.c's run state); the wanted DR0-3 and
 * DR7 follow from it, and are written to every thread when they change
 * (watch_hw_arm/disarm, enable/disable through watch_hw_sync before each
 * resume) or when the process is new.  The live target copies them into
 * threads created later at their first stop, so a thread started while the
 * program runs is watched from its first instruction on.
 *
 * x86 has no read-only data breakpoint: rwatch and awatch use RW=11
 * (read or write).  The trap comes after the instruction, so at a hit the
 * new value is in memory: a change is a write (watch, awatch: Old/New), no
 * change is a read (rwatch, awatch: Value), and a write watch whose value
 * did not change reports nothing, as gdb does.  DR6 is cleared after every
 * hit, since the CPU never clears it.
 *
 * The start-up probe (hwwatch_probe.c) shows that on our VMs the registers
 * are accepted and never fire; there this mechanism is only used with
 * RTSDB_FORCE_HW_WATCH=1, which tests the arming but reports no hit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch_hw.h"

#define DR6_HIT_MASK 0xfULL

struct hw_slot {
    struct watchpoint *w;       /* NULL: free */
    addr_t addr;
    unsigned len;
};

static struct hw_slot slots[WATCH_HW_SLOTS];

/* What was last written with tid 0, and into which process. */
static struct {
    const struct target *target;
    pid_t pid;
    uint64_t dr[8];
    bool valid;
} written;

bool watch_hw_wanted(void)
{
    const char *force = getenv("RTSDB_FORCE_HW_WATCH");
    if (force && strcmp(force, "1") == 0)
        return true;
    return hwwatch_probe_answer() == HWWATCH_FIRES;
}

bool watch_hw_any(void)
{
    for (int i = 0; i < WATCH_HW_SLOTS; i++)
        if (slots[i].w)
            return true;
    return false;
}

int watch_hw_split(addr_t addr, size_t len, addr_t *piece_addr, unsigned *piece_len, int max)
{
    int n = 0;
    while (len > 0) {
        unsigned size = 8;
        while (size > 1 && (addr % size != 0 || size > len))
            size /= 2;
        if (n == max)
            return -1;
        piece_addr[n] = addr;
        piece_len[n] = size;
        n++;
        addr += size;
        len -= size;
    }
    return n;
}

uint64_t watch_hw_dr7_bits(int slot, enum bp_kind kind, unsigned len)
{
    uint64_t rw = kind == BP_WATCHPOINT ? 1 : 3;            /* 01 write, 11 read/write */
    uint64_t lenbits = len == 1 ? 0 : len == 2 ? 1 : len == 8 ? 2 : 3;  /* 4 bytes: 11 */
    return (1ULL << (2 * slot)) | (rw << (16 + 4 * slot)) | (lenbits << (18 + 4 * slot));
}

/* The registers the slots want (DR6 0). */
static void wanted_regs(uint64_t dr[8])
{
    memset(dr, 0, 8 * sizeof dr[0]);
    for (int i = 0; i < WATCH_HW_SLOTS; i++) {
        struct watchpoint *w = slots[i].w;
        if (!w || !w->bp || !w->bp->enabled)
            continue;
        dr[i] = slots[i].addr;
        dr[7] |= watch_hw_dr7_bits(i, w->bp->kind, slots[i].len);
    }
}

static bool can_write(const struct target *t)
{
    return target_can_run(t) && t->ops->debug_regs;
}

/* Write the wanted registers to every thread (and future ones). */
static int write_all(struct session *s)
{
    struct target *t = s->target;
    if (!can_write(t))
        return -1;
    uint64_t dr[8];
    wanted_regs(dr);
    int rc = t->ops->debug_regs(t, 0, dr, true);
    written.target = t;
    written.pid = t->pid;
    memcpy(written.dr, dr, sizeof dr);
    written.valid = rc == 0;
    return rc;
}

void watch_hw_sync(struct session *s)
{
    struct target *t = s->target;
    if (!can_write(t))
        return;
    uint64_t dr[8];
    wanted_regs(dr);
    bool same_process = written.valid && written.target == t && written.pid == t->pid;
    if (same_process ? memcmp(dr, written.dr, sizeof dr) == 0 : dr[7] == 0)
        return;     /* a new process starts with clear registers */
    write_all(s);
}

int watch_hw_arm(struct session *s, struct watchpoint *w, char *err, size_t errlen)
{
    if (!can_write(s->target)) {
        snprintf(err, errlen, "The target cannot set debug registers.");
        return -1;
    }
    addr_t pa[WATCH_HW_SLOTS];
    unsigned pl[WATCH_HW_SLOTS];
    int nfree = 0;
    for (int i = 0; i < WATCH_HW_SLOTS; i++)
        nfree += slots[i].w == NULL;
    int n = watch_hw_split(w->addr, w->len, pa, pl, nfree);
    if (n < 0) {
        snprintf(err, errlen,
                 "Cannot watch %zu bytes at 0x%" PRIx64 " with debug registers (%d of %d free)",
                 w->len, w->addr, nfree, WATCH_HW_SLOTS);
        return -1;
    }
    for (int k = 0, i = 0; k < n; i++)
        if (!slots[i].w)
            slots[i] = (struct hw_slot){ w, pa[k], pl[k] }, k++;
    int rc = write_all(s);
    if (rc < 0) {
        for (int i = 0; i < WATCH_HW_SLOTS; i++)
            if (slots[i].w == w)
                slots[i].w = NULL;
        write_all(s);
        snprintf(err, errlen, "The target refused the debug registers for 0x%" PRIx64 " (%s)",
                 w->addr, strerror(-rc));
        return -1;
    }
    return 0;
}

void watch_hw_disarm(struct session *s, struct watchpoint *w)
{
    for (int i = 0; i < WATCH_HW_SLOTS; i++)
        if (slots[i].w == w)
            slots[i] = (struct hw_slot){ NULL, 0, 0 };
    if (can_write(s->target))
        write_all(s);
}

int watch_hw_remove_all(struct session *s)
{
    struct target *t = s->target;
    if (!can_write(t) || !written.valid || written.target != t)
        return 0;
    uint64_t zero[8] = { 0 };
    int rc = t->ops->debug_regs(t, 0, zero, true);
    written.valid = false;
    return rc;
}

enum pp_result watch_hw_handle_trap(struct session *s, pid_t tid)
{
    struct target *t = s->target;
    if (!watch_hw_any() || !can_write(t))
        return PP_NOT_OURS;
    uint64_t dr[8];
    if (t->ops->debug_regs(t, tid, dr, false) < 0 || (dr[6] & DR6_HIT_MASK) == 0)
        return PP_NOT_OURS;
    uint64_t hits = dr[6] & DR6_HIT_MASK;
    dr[6] = 0;
    t->ops->debug_regs(t, tid, dr, true);

    enum pp_result result = PP_HANDLED;
    for (struct breakpoint *bp = infrun_of(s)->bps.head; bp; bp = bp->next) {
        struct watchpoint *w = bp->watch;
        if (!w || w->mech != WM_HW || !bp->enabled)
            continue;
        bool hit = false;
        for (int i = 0; i < WATCH_HW_SLOTS; i++)
            if (slots[i].w == w && (hits & (1ULL << i)))
                hit = true;
        if (!hit)
            continue;
        unsigned char now[WATCH_MAX_LEN];
        if (t->ops->read_memory(t, w->addr, now, w->len) < 0)
            continue;
        bool changed = memcmp(now, w->old, w->len) != 0;
        if (changed && bp->kind != BP_READ_WATCHPOINT) {
            w->hit_pending = true;
            w->was_read = false;
            result = PP_HIT;
        } else if (changed) {
            memcpy(w->old, now, w->len);    /* rwatch: follow the value silently */
        } else if (bp->kind != BP_WATCHPOINT) {
            w->hit_pending = true;
            w->was_read = true;
            result = PP_HIT;
        }
    }
    return result;
}

/* ---------- maint info debug-registers ---------- */

static const char *probe_words(enum hwwatch_answer a)
{
    switch (a) {
    case HWWATCH_FIRES: return "fire (probe trapped)";
    case HWWATCH_SILENT: return "do not fire (accepted, never trapped)";
    case HWWATCH_REJECTED: return "do not fire (rejected by ptrace)";
    case HWWATCH_NO_PROBE: return "unknown (the probe could not run)";
    }
    return "unknown";
}

/* One line for the probe, one per live thread with its DR0-3, DR6, DR7. */
static int cmd_maint_info_debug_registers(struct session *s, const char *args)
{
    (void)args;
    enum hwwatch_answer a = hwwatch_probe_answer();
    const char *force = getenv("RTSDB_FORCE_HW_WATCH");
    bool forced = force && strcmp(force, "1") == 0;
    out_printf(s, "Debug-register watchpoints %s%s.\n", probe_words(a),
               forced ? "; forced on by RTSDB_FORCE_HW_WATCH=1" : "");
    json_bool(s, "fires", a == HWWATCH_FIRES);
    json_bool(s, "forced", forced);
    struct target *t = s->target;
    if (!can_write(t))
        return 0;
    json_begin_array(s, "threads");
    for (size_t i = 0; i < t->nthreads; i++) {
        struct rd_thread *th = &t->threads[i];
        uint64_t dr[8];
        if (th->exited || !th->stopped || t->ops->debug_regs(t, th->tid, dr, false) < 0)
            continue;
        out_printf(s,
                   "Thread %d (LWP %d): DR0=0x%" PRIx64 " DR1=0x%" PRIx64 " DR2=0x%" PRIx64
                   " DR3=0x%" PRIx64 " DR6=0x%" PRIx64 " DR7=0x%" PRIx64 "\n",
                   th->num, (int)th->tid, dr[0], dr[1], dr[2], dr[3], dr[6], dr[7]);
        json_begin_object(s, NULL);
        json_int(s, "thread", th->num);
        json_int(s, "lwp", th->tid);
        json_uint(s, "dr0", dr[0]);
        json_uint(s, "dr1", dr[1]);
        json_uint(s, "dr2", dr[2]);
        json_uint(s, "dr3", dr[3]);
        json_uint(s, "dr6", dr[6]);
        json_uint(s, "dr7", dr[7]);
        json_end_object(s);
    }
    json_end_array(s);
    return 0;
}

static const struct command watch_hw_commands[] = {
    {.name = "maint info debug-registers",
     .summary = "Show the probe's answer and every thread's debug registers.",
     .help = "maint info debug-registers\nSay whether debug-register watchpoints fire on this "
             "machine (the start-up probe),\nthen print DR0-DR3, DR6 and DR7 of every thread of "
             "the live program.",
     .fn = cmd_maint_info_debug_registers},
};

void watch_hw_commands_init(void)
{
    for (size_t i = 0; i < sizeof watch_hw_commands / sizeof watch_hw_commands[0]; i++)
        cmd_register(&watch_hw_commands[i]);
}
