/* symtab_optout.c — a debuggee at -O2 -g whose variables are optimized out.
 *
 * Built at -O2 -g (symtab.mk).  Breakpoints stop in leaf(), which the
 * others call through a volatile function pointer, so gcc must assume
 * every call-clobbered register dies in the call.  In the callers:
 *   dead_after_call: `scaled` is used only as the argument, so after the
 *     call it has no location: <optimized out>;
 *   split_struct: `p` is split into pieces (DW_OP_piece); p.kept lives on
 *     across the call in a callee-saved register, p.dropped does not:
 *     {kept = N, dropped = <optimized out>};
 *   param_dead: its parameter `n` is dead after the call, in the frame's
 *     argument list too: "param_dead (n=<optimized out>)";
 *   keep_across: `kept` survives the call (a callee-saved register), the
 *     control case that must print a value.
 * Values come from volatile reads, so gdb cannot recompute them from the
 * caller's call-site information either: gdb 13 prints <optimized out>
 * exactly where rtsdb must (tests/integration/symtab_optout.sh).
 */
#include <stdio.h>

volatile int sink;
volatile int seed = 5;

struct pair { int kept; int dropped; };

/* Where breakpoints stop. */
__attribute__((noinline)) void leaf(int v)
{
    sink += v;
    __asm__ __volatile__("" ::: "memory");
}

static void (*volatile leaf_ptr)(int) = leaf;

__attribute__((noinline)) int dead_after_call(void)
{
    int scaled = seed * 7;
    leaf_ptr(scaled);
    return sink;
}

__attribute__((noinline)) int split_struct(void)
{
    struct pair p = { seed + 41, seed * 3 };
    leaf_ptr(p.dropped);
    return p.kept + sink;
}

__attribute__((noinline)) int keep_across(void)
{
    int kept = seed + 100;
    leaf_ptr(1);
    return kept + sink;
}

/* `n` is dead once leaf's argument is computed; the caller passes a
 * volatile read, so not even its entry value can be recovered. */
__attribute__((noinline)) int param_dead(int n)
{
    leaf_ptr(n * 3);
    return sink;
}

int main(void)
{
    int r = dead_after_call();
    r += param_dead(seed);
    r += split_struct();
    r += keep_across();
    printf("sink %d %d\n", sink, r);
    return 0;
}
