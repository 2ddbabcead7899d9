/* GreenSwitch.S — the context switch between green threads (x86-64 SysV).
 *
 * rts_switch_context(from, to) pushes the callee-saved registers on the
 * running stack, stores rsp in from->sp (offset 0 of GreenContext), loads
 * to->sp and pops the same registers from the other stack.  Everything else
 * is caller-saved, so this is the whole switch.  (mxcsr and the x87 control
 * word are not switched: the runtime never changes them.)
 *
 * See Note [Unwinding through a green thread].
 *
 * Must not depend on anything but the layout of GreenContext.sp.
 */

/* Note [Unwinding through a green thread]
 *
 * gdb and libunwind unwind with the CFI below, never by guessing:
 *
 *  - rts_switch_context describes every push, so at any pc inside it the
 *    unwinder finds the caller's registers.  A switched-out thread's saved sp
 *    points at the same 7-word frame [r15 r14 r13 r12 rbx rbp ret]; a
 *    debugger unwinds it by starting at pc = rts_switch_context_resume with
 *    rsp = ctx->sp, where the CFI says CFA = rsp + 56.
 *
 *  - Every green stack starts in rts_green_trampoline, reached by the first
 *    switch's `ret`.  Its CFI marks the return address undefined
 *    (.cfi_undefined rip), so gdb's `bt` shows the thread's own frames down
 *    to its entry function and the trampoline, then stops cleanly instead
 *    of wandering into whatever lies above the stack.
 *
 * The initial frame built by greenContextNew holds r12 = the GreenContext,
 * which the trampoline passes to greenThreadStart (GreenStack.c).
 */

        .text
        .globl  rts_switch_context
        .type   rts_switch_context, @function
        .globl  rts_switch_context_resume
        .p2align 4
rts_switch_context:
        .cfi_startproc
        pushq   %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbp, 0
        pushq   %rbx
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbx, 0
        pushq   %r12
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r12, 0
        pushq   %r13
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r13, 0
        pushq   %r14
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r14, 0
        pushq   %r15
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r15, 0
        movq    %rsp, (%rdi)
        movq    (%rsi), %rsp
rts_switch_context_resume:
        popq    %r15
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r15
        popq    %r14
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r14
        popq    %r13
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r13
        popq    %r12
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r12
        popq    %rbx
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbx
        popq    %rbp
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbp
        ret
        .cfi_endproc
        .size   rts_switch_context, .-rts_switch_context

/* The bottom frame of every green thread: entered by `ret` with rsp 16-byte
 * aligned and r12 = the GreenContext.  greenThreadStart never returns. */
        .globl  rts_green_trampoline
        .type   rts_green_trampoline, @function
        .p2align 4
rts_green_trampoline:
        .cfi_startproc
        .cfi_undefined %rip
        xorl    %ebp, %ebp
        movq    %r12, %rdi
        call    greenThreadStart
        ud2
        .cfi_endproc
        .size   rts_green_trampoline, .-rts_green_trampoline

        .section .note.GNU-stack,"",@progbits
