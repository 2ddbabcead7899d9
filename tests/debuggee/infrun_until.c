/* infrun_until.c — a loop for "until", lines without code for "break LINE",
 * and a call whose first instruction "stepi" lands on.
 *
 * Built at -O0 -g (infrun.mk) so each line is one statement in the order
 * written: the for loop's increment and test are at the loop's end, after
 * its body, so "next" on them jumps back into the body and "until" does
 * not (it runs the loop to its end).  tests/integration/infrun_until.sh
 * compares rtsdb's stops with gdb 13's.
 */
#if defined(__clang__)
#pragma clang optimize off
#elif defined(__GNUC__)
#pragma GCC optimize ("O0")
#endif
#include <stdio.h>

volatile int sink;

int square(int v)
{
    return v * v;
}

int main(void)
{
    int total = 0;

    /* No code on 27 and 28: "break 28" goes to line 29. */
    for (int i = 0; i < 4; i++) {
        total += square(i);
        sink = total;
    }
    sink = total + 1;
    printf("total %d\n", total);
    return 0;
}
