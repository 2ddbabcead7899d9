/* symtab_regs.c — register numbering: gdb's amd64 order, DWARF's, and
 * struct user_regs_struct.
 *
 * gdb numbers amd64 registers rax rbx rcx rdx rsi rdi rbp rsp r8..r15 rip
 * eflags cs ss ds es fs gs fs_base gs_base; DWARF (the x86-64 psABI) numbers
 * them rax rdx rcx rbx rsi rdi rbp rsp r8..r15 and 16 for the return
 * address.  Values of a frame's registers come from its user_regs_struct.
 *
 * Depends on: symtab.h only.
 */
#include <stddef.h>
#include <string.h>
#include "symtab.h"

static const char *const reg_names[RD_NUM_REGS] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base",
};

/* Offsets into user_regs_struct, in gdb order. */
static const size_t reg_offsets[RD_NUM_REGS] = {
    offsetof(struct user_regs_struct, rax), offsetof(struct user_regs_struct, rbx),
    offsetof(struct user_regs_struct, rcx), offsetof(struct user_regs_struct, rdx),
    offsetof(struct user_regs_struct, rsi), offsetof(struct user_regs_struct, rdi),
    offsetof(struct user_regs_struct, rbp), offsetof(struct user_regs_struct, rsp),
    offsetof(struct user_regs_struct, r8), offsetof(struct user_regs_struct, r9),
    offsetof(struct user_regs_struct, r10), offsetof(struct user_regs_struct, r11),
    offsetof(struct user_regs_struct, r12), offsetof(struct user_regs_struct, r13),
    offsetof(struct user_regs_struct, r14), offsetof(struct user_regs_struct, r15),
    offsetof(struct user_regs_struct, rip), offsetof(struct user_regs_struct, eflags),
    offsetof(struct user_regs_struct, cs), offsetof(struct user_regs_struct, ss),
    offsetof(struct user_regs_struct, ds), offsetof(struct user_regs_struct, es),
    offsetof(struct user_regs_struct, fs), offsetof(struct user_regs_struct, gs),
    offsetof(struct user_regs_struct, fs_base), offsetof(struct user_regs_struct, gs_base),
};

/* DWARF register 0..16 -> gdb number. */
static const int dwarf_to_gdb[17] = {
    0 /* rax */, 3 /* rdx */, 2 /* rcx */, 1 /* rbx */, 4 /* rsi */, 5 /* rdi */,
    6 /* rbp */, 7 /* rsp */, 8, 9, 10, 11, 12, 13, 14, 15, 16 /* rip */,
};

int regno_from_dwarf(int dwarf_reg)
{
    if (dwarf_reg < 0 || dwarf_reg > 16)
        return -1;
    return dwarf_to_gdb[dwarf_reg];
}

uint64_t frame_reg(const struct frame *f, int regno)
{
    if (!f || regno < 0 || regno >= RD_NUM_REGS)
        return 0;
    uint64_t v;
    memcpy(&v, (const char *)&f->regs + reg_offsets[regno], sizeof v);
    return v;
}

void frame_set_reg(struct frame *f, int regno, uint64_t v)
{
    if (f && regno >= 0 && regno < RD_NUM_REGS)
        memcpy((char *)&f->regs + reg_offsets[regno], &v, sizeof v);
}

const char *regno_name(int regno)
{
    return regno >= 0 && regno < RD_NUM_REGS ? reg_names[regno] : NULL;
}

int regno_from_name(const char *name)
{
    if (strcmp(name, "pc") == 0)
        return 16;
    if (strcmp(name, "sp") == 0)
        return 7;
    if (strcmp(name, "fp") == 0)
        return 6;
    for (int i = 0; i < RD_NUM_REGS; i++)
        if (strcmp(name, reg_names[i]) == 0)
            return i;
    return -1;
}
