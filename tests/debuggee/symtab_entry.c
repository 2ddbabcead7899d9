/* symtab_entry.c — a debuggee at -O2 -g whose parameters are entry values.
 *
 * Built at -O2 -g (symtab.mk), so gcc describes a parameter whose
 * register died as DW_OP_entry_value(DW_OP_reg5) and each call as a
 * DW_TAG_call_site with the values of its arguments (Note [Entry values]
 * in debugger/dwarf_entry.c).  Breakpoints stop in leaf(); in the callers
 * gdb 13 prints, and rtsdb must (tests/integration/symtab_entry.sh):
 *   lost_after_call: n is dead after the call, its location an entry
 *     value: "n=n@entry=5", "print n" 5;
 *   changes: n changed, lives on in a register: "n=12, n@entry=7";
 *   two_args: both still in their registers: "n=n@entry=11, m=m@entry=12";
 *   chain_inner/chain_outer: the call value of k is itself an entry value
 *     of chain_outer's n (plus one): "k=k@entry=21", "n=n@entry=20";
 *   via_pointer: called through a volatile pointer, so its call site
 *     names no callee, and n is "<optimized out>";
 *   stack_args: the seventh and eighth arguments come on the stack
 *     (DW_OP_fbreg), shown without an entry value ("g=7, h=8");
 * and leaf itself, still in rdi, is "v=v@entry=15" where its caller's call
 * site says what rdi held;
 *   walk: at its first instruction gcc's location list has two entries
 *     for n, the empty [entry, entry) "n in rsi" and then [entry, ...)
 *     "rsi - 1" (location views); gdb takes the first, so a stop there
 *     shows "n=n@entry=3" and "print n" 3, and later "n=<optimized out>,
 *     n@entry=3"; p points into .bss past the file's last page, and is
 *     named all the same: "p=p@entry=0x... <walk_bss+65536>".
 */
#include <stdio.h>

volatile int sink;
volatile int seed = 5;

/* Where breakpoints stop. */
__attribute__((noinline)) void leaf(int v)
{
    sink += v;
    __asm__ __volatile__("" ::: "memory");
}

static void (*volatile leaf_ptr)(int) = leaf;

__attribute__((noinline)) int lost_after_call(int n)
{
    leaf(n * 3);
    return sink;
}

__attribute__((noinline)) int changes(int n)
{
    n += seed;
    leaf(n);
    return n + sink;
}

__attribute__((noinline)) int two_args(int n, int m)
{
    leaf(m);
    return sink + n;
}

__attribute__((noinline)) int chain_inner(int k)
{
    leaf(seed);
    return sink + 1;
}

__attribute__((noinline)) int chain_outer(int n)
{
    sink = n;
    return chain_inner(n + 1) + 1;
}

__attribute__((noinline)) int via_pointer(int n)
{
    leaf_ptr(n);
    return sink;
}

static int (*volatile via_pointer_ptr)(int) = via_pointer;

__attribute__((noinline)) long stack_args(long a, long b, long c, long d, long e, long f,
                                          long g, long h)
{
    leaf((int)(a + h));
    return sink;
}

/* Where break walk stops: its first instruction (no frame pointer). */
__attribute__((noinline)) int walk(const int *p, int n)
{
    int s = 0;
    while (n-- > 0)
        s += *p++;
    return s;
}

/* What walk reads lies 64 KiB into .bss, past the last page the file
 * maps: anonymous memory, still named "<walk_bss+65536>" as gdb does. */
static struct {
    char pad[65536];
    int data[3];
} walk_bss;

int main(void)
{
    int r = lost_after_call(5);
    r += changes(7);
    r += two_args(11, 12);
    r += chain_outer(20);
    r += via_pointer_ptr(30);
    r += (int)stack_args(1, 2, 3, 4, 5, 6, 7, 8);
    for (int i = 0; i < 3; i++)
        walk_bss.data[i] = i + 4;
    r += walk(walk_bss.data, 3);
    printf("sink %d %d\n", sink, r);
    return 0;
}
