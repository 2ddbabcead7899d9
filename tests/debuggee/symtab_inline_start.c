/* symtab_inline_start.c — stops at the first instruction of an inlined call.
 *
 * Built at -O2 -g (symtab.mk).  Two always_inline functions whose first
 * instruction is where a stop lands (Note [Inlined frames at their first
 * instruction] in debugger/symtab_inline.c):
 *   load(), inlined into reader(): its first instruction reads *where;
 *     with "crash" where is NULL and the SIGSEGV is at that instruction,
 *     which gdb shows as reader at the call's line, load hidden;
 *   load() again, as the very first instruction of first_inlined(), where
 *     "break first_inlined" stops: gdb shows first_inlined;
 *   consume(), inlined into after_call() right after the call of
 *     produce(): "finish" out of produce returns to its first
 *     instruction, shown as after_call at the call's line.
 * tests/integration/symtab_inline_start.sh compares rtsdb with gdb 13.
 */
#include <stdio.h>
#include <string.h>

volatile int sink;
volatile int seed = 5;
int *volatile where = (int *)&seed;

static inline __attribute__((always_inline)) int load(int *p)
{
    return *p * 3;
}

__attribute__((noinline)) int reader(int n)
{
    int v = load(where);
    sink = v + n;
    return v;
}

/* Its first instruction is load's: "break first_inlined" stops there. */
__attribute__((noinline)) int first_inlined(int *p)
{
    return load(p) + 1;
}

__attribute__((noinline)) int produce(void)
{
    return seed;
}

static inline __attribute__((always_inline)) void consume(int v)
{
    sink = v + 1;
}

__attribute__((noinline)) void after_call(void)
{
    consume(produce());
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        where = NULL;
    int r = reader(4) + first_inlined((int *)&seed);
    after_call();
    printf("sink %d %d\n", sink, r);
    return 0;
}
