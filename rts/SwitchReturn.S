/* SwitchReturn.S — the public MVar takes, returning to their caller by an
 * indirect jump (x86-64 SysV).  See Note [Returning after a switch].
 *
 * rts_takeMVar and rts_takeMVarRoot are these stubs: each calls the C
 * entry point (takeMVarEntry, takeMVarRootEntry in MVar.c) with the
 * arguments untouched and jumps back to the return address its caller
 * pushed, instead of `ret`.  The stubs touch only rsp and rcx (caller-saved,
 * not a result register), so the C entry points' results and the
 * callee-saved registers reach the caller unchanged.
 *
 * Must not depend on anything but the C entry points' names.
 */

/* Note [Returning after a switch]
 *
 * A take that blocks switches to the thread it woke and resumes, later,
 * inside its own rts_takeMVarRoot: the switch's `ret` (to the same call
 * site in every thread) and the C function's `ret` (to whatever called
 * the take) are predicted by the CPU's return stack, which holds the
 * calls of the thread that ran before the switch.  In the one-capability
 * ping-pong that thread is the other side, whose take was called from
 * another place: the second `ret` is mispredicted on every switch, two per
 * round trip, about a third of the round trip's time (the same program
 * with both sides calling the take from one shared function, so that the
 * predicted address is right, ran 30-40% faster at the same instruction
 * count).  GHC's code returns by jumping to the stack's return address,
 * which the indirect-branch predictor serves with the path that led
 * there.  These stubs do the same: the C entry point's own `ret` returns
 * to the stub (one address for every thread: predicted), and the stub
 * jumps to its caller's return address.  The return stack is left one
 * entry deeper per switch, which only costs one mispredicted return when
 * the thread's outer functions return.
 *
 * The CFI describes every instruction, so gdb and rtsdb unwind a thread
 * blocked in a take through the stub to its caller (Note [Unwinding
 * through a green thread] in GreenSwitch.S); plugin_heap.sh's `rts bt`
 * of a thread blocked in rts_takeMVar checks it.  Shadow stacks (CET)
 * would reject this, as they reject the green-thread switch itself.
 */

        .macro RETURN_BY_JUMP name, entry
        .text
        .globl  \name
        .type   \name, @function
        .p2align 4
\name:
        .cfi_startproc
        subq    $8, %rsp                /* keep the C entry point's stack aligned */
        .cfi_adjust_cfa_offset 8
        call    \entry
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
        popq    %rcx
        .cfi_adjust_cfa_offset -8
        .cfi_register %rip, %rcx
        jmp     *%rcx
        .cfi_endproc
        .size   \name, .-\name
        .endm

        RETURN_BY_JUMP rts_takeMVar, takeMVarEntry
        RETURN_BY_JUMP rts_takeMVarRoot, takeMVarRootEntry

        .section .note.GNU-stack,"",@progbits
