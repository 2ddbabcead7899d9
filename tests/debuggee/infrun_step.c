/* infrun_step.c — what gdb's "step" enters, steps over and returns to.
 *
 * Built at -O2 -g and linked -static-pie (infrun.mk), so libc has no line
 * information whatever debug packages the machine has:
 *   add(), chain(): functions with lines, entered (their first line after
 *     "{": two line-table rows share each entry address, Note [Rows that
 *     share an address] in debugger/symtab.c);
 *   strlen (through a PLT stub, an IFUNC) and printf (called directly):
 *     libc without lines, stepped over;
 *   twice(): always_inline, entered as an inlined frame;
 *   "y = add(x, 3) * seed": add returns into the middle of the line, and
 *     step goes on to the next line of main.
 * tests/integration/infrun_step.sh compares rtsdb's step with gdb 13's.
 */
#include <stdio.h>
#include <string.h>

volatile int sink;
volatile int seed = 5;
char word[16] = "stepping";

static inline __attribute__((always_inline)) int twice(int v)
{
    int t = v * 2;
    sink = t;
    return t + 1;
}

__attribute__((noinline)) int add(int a, int b)
{
    int s = a + b;
    sink = s;
    return s;
}

__attribute__((noinline)) int chain(int n)
{
    int r = add(n, 1);
    r += add(r, 2);
    return r;
}

int main(void)
{
    int x = seed;
    int y = add(x, 3) * seed;
    size_t len = strlen(word);
    printf("len %zu\n", len);
    int z = twice(y);
    z += chain(z);
    sink = z;
    return 0;
}
