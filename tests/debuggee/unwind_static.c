/* unwind_static.c — a program linked static non-PIE ("-static -no-pie"),
 * the one kind of link gcc makes without .eh_frame_hdr (Note [Programs
 * without .eh_frame_hdr] in debugger/unwind_table.c).
 *
 * Built at -O0 (symtab.mk).  tests/integration/unwind_static.sh stops in
 *   leaf(), two calls below main: bt, up, down, finish;
 *   by_value(), a qsort comparator called from static libc, whose
 *     functions keep no frame pointer: only CFI unwinds through them;
 * and compares rtsdb's frames with gdb 13's.
 */
#include <stdio.h>
#include <stdlib.h>

volatile int sink;

__attribute__((noinline)) int leaf(int *p, int k)
{
    sink += *p;
    return *p + k;
}

__attribute__((noinline)) int middle(int *p)
{
    int r = leaf(p, 3);
    return r * 2;
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    int x = 4;
    int r = middle(&x);
    int v[4] = { 3, 1, 2, r };
    qsort(v, 4, sizeof v[0], by_value);
    printf("%d %d\n", r, v[0]);
    return 0;
}
