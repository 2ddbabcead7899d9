/* symtab_inline.c — a debuggee whose interesting functions are inlined.
 *
 * Built at -O2 -g (symtab.mk): outer() calls middle() calls inner(), all
 * three static inline and always_inline, so the whole chain lives inside
 * run_chain's machine code; inner() calls the real (noinline) function
 * leaf(), where breakpoints stop.  A backtrace from leaf is then
 *   #0 leaf  #1 inner  #2 middle  #3 outer  #4 run_chain  #5 main
 * with frames 1-4 sharing one pc, as gdb shows it.  "crash" makes leaf
 * write through a null pointer instead, for a kernel core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int sink;
static volatile int *volatile target = &sink;

/* The one real call at the bottom: a store the compiler must keep. */
__attribute__((noinline)) void leaf(int v)
{
    *target = v;
    __asm__ __volatile__("" ::: "memory");
}

static inline __attribute__((always_inline)) void inner(int i)
{
    int doubled = i * 2;
    leaf(doubled + 1);
    sink += doubled;
}

static inline __attribute__((always_inline)) void middle(int m)
{
    inner(m + 3);
    sink += m;
}

static inline __attribute__((always_inline)) void outer(int o)
{
    middle(o * 5);
    sink -= o;
}

__attribute__((noinline)) void run_chain(int n)
{
    for (int k = 0; k < n; k++)
        outer(k + sink);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        target = NULL;
    run_chain(2);
    printf("sink %d\n", sink);
    return 0;
}
