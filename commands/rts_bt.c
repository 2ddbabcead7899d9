/* rts_bt.c — `rts bt TSO`: a green thread's C backtrace and its Haskell
 * frames.
 *
 * A switched-out green thread's registers are on its own C stack: its
 * GreenContext's first word (tso->ctx->sp) is the rsp saved by
 * rts_switch_context, and unwinding from pc = rts_switch_context_resume
 * with that rsp follows the switch's CFI back into the thread's code
 * (Note [Unwinding through a green thread], rts/GreenSwitch.S).  The
 * debugger's unwinder does the rest (api->backtrace_from_regs).  Then the
 * thread's STACK object is walked from sp: update frames (the thunks under
 * evaluation), root frames (the closures the C code keeps alive) and the
 * stop frame.
 *
 * Must not depend on: any runtime header but the ABI's; the debuggee is
 * reached only through the plugin API (rts_plugin.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rts_plugin.h"
#include "HeapWalk.h"

#define MAX_C_FRAMES 64
#define MAX_HS_FRAMES 1000

/* Is tso the one running on some capability?  Its saved context is then
 * stale: its registers are an OS thread's. */
static int running_on(AbiReader *r, uint64_t tso)
{
    uint32_t n = 0;
    hw_capability(r, 0, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t cap = hw_capability(r, i, &n), cur = 0;
        if (cap && abi_get(r, cap, "Capability", "current_tso", &cur) == 0 && cur == tso) return (int)i;
    }
    return -1;
}

/* The pc at which a switched-out context resumes.  The label
 * rts_switch_context_resume has no symbol type (an assembler label), and
 * symbol tables that keep only functions and objects drop it; then it is
 * found in rts_switch_context itself, just after the two moves that swap
 * the stacks (GreenSwitch.S): mov %rsp,(%rdi); mov (%rsi),%rsp. */
static bool switch_resume_pc(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t *pc)
{
    static const uint8_t swap[] = { 0x48, 0x89, 0x27, 0x48, 0x8b, 0x26 };
    uint64_t fn = 0;
    uint8_t code[64];
    if (pl->api->lookup_symbol(s, "rts_switch_context_resume", pc, NULL)) return true;
    if (!pl->api->lookup_symbol(s, "rts_switch_context", &fn, NULL) || abi_read(r, fn, code, sizeof code) < 0)
        return false;
    for (size_t i = 0; i + sizeof swap <= sizeof code; i++)
        if (memcmp(code + i, swap, sizeof swap) == 0) {
            *pc = fn + i + sizeof swap;
            return true;
        }
    return false;
}

/* The C backtrace from the saved context; 0, or -1 after a one-line note. */
static int c_backtrace(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t tso, uint64_t id)
{
    const struct rtsdb_api *api = pl->api;
    uint64_t ctx = 0, sp = 0, resume = 0;
    int cap = running_on(r, tso);
    if (cap >= 0) {
        api->printf(s, "ThreadId %" PRIu64 " is running on cap %d: its registers are its OS thread's "
                       "(\"info threads\", then \"thread N\" and \"bt\")\n", id, cap);
        api->json_int(s, "running_on_cap", cap);
        return -1;
    }
    if (abi_get(r, tso, "StgTSO", "ctx", &ctx) < 0 || !ctx) {
        api->printf(s, "ThreadId %" PRIu64 " has no C context (tso->ctx is NULL: not started, or finished)\n", id);
        return -1;
    }
    /* GreenContext.sp is its first word (rts/GreenContext.h: "MUST stay first") */
    if (abi_read(r, ctx, &sp, 8) < 0 || !sp || (sp & 7)) {
        api->printf(s, "ThreadId %" PRIu64 ": cannot read a saved stack pointer at ctx 0x%" PRIx64 "\n", id, ctx);
        return -1;
    }
    if (!switch_resume_pc(pl, s, r, &resume)) {
        api->printf(s, "cannot find rts_switch_context_resume: cannot unwind a switched-out thread\n");
        return -1;
    }
    struct user_regs_struct regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = resume;
    regs.rsp = sp;
    /* the callee-saved registers pushed by rts_switch_context: [r15 r14 r13 r12 rbx rbp ret] */
    uint64_t saved[6];
    if (abi_read(r, sp, saved, sizeof saved) == 0) {
        regs.r15 = saved[0];
        regs.r14 = saved[1];
        regs.r13 = saved[2];
        regs.r12 = saved[3];
        regs.rbx = saved[4];
        regs.rbp = saved[5];
    }
    rts_json_addr(pl, s, "ctx", ctx);
    api->printf(s, "C stack of ThreadId %" PRIu64 " (saved context 0x%" PRIx64 ", sp 0x%" PRIx64 "):\n", id, ctx, sp);
    return api->backtrace_from_regs(s, &regs, MAX_C_FRAMES) < 0 ? -1 : 0;
}

/* The Haskell frames of the thread's STACK, from sp to the end. */
static void haskell_frames(RtsPlugin *pl, struct rtsdb_session *s, AbiReader *r, uint64_t tso)
{
    const struct rtsdb_api *api = pl->api;
    uint64_t stack = 0, sp = 0, size = 0;
    const AbiField *sf = abi_field(r, "StgStack", "stack");
    DecClosure c;
    char why[200], g[16];
    if (abi_get(r, tso, "StgTSO", "stackobj", &stack) < 0 || dec_closure(r, stack, &c, why, sizeof why) < 0 ||
        c.forwarded || strcmp(c.type_name, "STACK") != 0 || !sf) {
        api->printf(s, "stackobj 0x%" PRIx64 " is not a STACK\n", stack);
        return;
    }
    abi_get(r, stack, "StgStack", "sp", &sp);
    abi_get(r, stack, "StgStack", "stack_size", &size);
    uint64_t lo = stack + sf->offset, end = lo + 8 * size;
    api->printf(s, "Haskell stack 0x%" PRIx64 "%s (%" PRIu64 " words, sp 0x%" PRIx64 "):\n", stack,
                dec_gen_suffix(r, stack, g, sizeof g), size, sp);
    if (sp < lo || sp > end || (sp & 7) || size > (1u << 28)) {
        api->printf(s, "  sp is outside the stack [0x%" PRIx64 ", 0x%" PRIx64 ")\n", lo, end);
        return;
    }
    api->json_begin_array(s, "frames");
    int n = 0;
    for (uint64_t p = sp; p < end && n < MAX_HS_FRAMES; n++) {
        uint64_t info = 0;
        if (abi_read(r, p, &info, 8) < 0) break;
        const AbiInfo *ip = abi_info(r, info);
        if (!ip) {
            api->printf(s, "  #%d 0x%" PRIx64 ": bad frame: 0x%" PRIx64 " is not an info pointer\n", n, p, info);
            break;
        }
        AbiInfo fi = *ip;
        const char *tn = abi_constant_name(r, "closure_type", fi.type);
        tn = tn ? tn : "?";
        uint64_t words = 1;
        api->json_begin_object(s, NULL);
        api->json_str(s, "frame", fi.name);
        api->json_str(s, "type", tn);
        if (!strcmp(tn, "UPDATE_FRAME")) {
            uint64_t upd = 0;
            DecClosure u;
            char ug[16];
            abi_read(r, p + 8, &upd, 8);
            const AbiStruct *us = abi_struct(r, "StgUpdateFrame");
            words = us ? us->size / 8 : 2;
            bool ok = dec_closure(r, upd, &u, why, sizeof why) == 0;
            api->printf(s, "  #%d %s: updatee 0x%" PRIx64 "%s %s\n", n, fi.name, upd, dec_gen_suffix(r, upd, ug, sizeof ug),
                        !ok ? why : u.forwarded ? "(forwarded)" : u.it->name);
            rts_json_addr(pl, s, "updatee", upd);
        } else if (!strcmp(tn, "ROOT_FRAME")) {
            uint64_t nroots = 0;
            abi_read(r, p + 8, &nroots, 8);
            if (nroots > size) {
                api->printf(s, "  #%d %s: bad root count %" PRIu64 "\n", n, fi.name, nroots);
                api->json_end_object(s);
                break;
            }
            words = 3 + nroots;
            api->printf(s, "  #%d %s: %" PRIu64 " root%s\n", n, fi.name, nroots, nroots == 1 ? "" : "s");
            api->json_begin_array(s, "roots");
            for (uint64_t i = 0; i < nroots && i < 64; i++) {
                uint64_t v = 0;
                char rg[16];
                DecClosure rc;
                abi_read(r, p + 8 * (3 + i), &v, 8);
                bool ok = v && dec_closure(r, v, &rc, why, sizeof why) == 0;
                api->printf(s, "      roots[%" PRIu64 "] = 0x%" PRIx64 "%s %s\n", i, v, dec_gen_suffix(r, v, rg, sizeof rg),
                            !v ? "" : !ok ? why : rc.forwarded ? "(forwarded)" : rc.it->name);
                rts_json_addr(pl, s, NULL, v);
            }
            api->json_end_array(s);
        } else if (!strcmp(tn, "STOP_FRAME")) {
            api->printf(s, "  #%d %s\n", n, fi.name);
        } else if (!strcmp(tn, "RET_SMALL")) {
            words = 1 + fi.ptrs + fi.nptrs;
            api->printf(s, "  #%d %s\n", n, fi.name);
        } else {
            api->printf(s, "  #%d 0x%" PRIx64 ": %s (%s) is not a stack frame\n", n, p, fi.name, tn);
            api->json_end_object(s);
            break;
        }
        api->json_end_object(s);
        p += 8 * words;
    }
    api->json_end_array(s);
}

static int cmd_bt(struct rtsdb_session *s, const char *args, void *state)
{
    RtsPlugin *pl = state;
    const struct rtsdb_api *api = pl->api;
    AbiReader *r = rts_reader(pl, s);
    uint64_t tso = 0;
    if (!r || rts_parse_tso(pl, s, args, &tso) < 0) return -1;
    DecTSO t;
    char why[200];
    if (dec_tso(r, tso, &t, why, sizeof why) < 0) {
        api->error(s, "%s.", why);
        return -1;
    }
    rts_json_addr(pl, s, "tso", tso);
    api->json_uint(s, "id", t.id);
    c_backtrace(pl, s, r, tso, t.id);
    haskell_frames(pl, s, r, tso);
    return 0;
}

static const struct rtsdb_plugin_command bt_commands[] = {
    {.name = "rts bt", .summary = "A green thread's C backtrace and its Haskell stack frames.",
     .help = "rts bt THREAD\nTHREAD is a thread id (#N or N), a TSO address or an expression.  Print the\n"
             "thread's C backtrace, unwound from the context it was switched out with\n"
             "(its GreenContext), then the frames of its STACK: update frames with the\n"
             "thunk each is evaluating, root frames with the closures they keep alive,\n"
             "the stop frame.  A thread running on a capability is on an OS thread:\n"
             "use \"thread N\" and \"bt\" for it.",
     .fn = cmd_bt, .complete = rts_complete_tso},
};

void rts_bt_register(RtsPlugin *pl)
{
    rts_register_commands(pl, bt_commands, sizeof bt_commands / sizeof bt_commands[0]);
}
