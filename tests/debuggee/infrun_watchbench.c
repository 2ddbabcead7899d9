/* infrun_watchbench.c — the watchpoint benchmark's debuggee
 * (tests/bench/bench_watch.sh).
 *
 *   infrun_watchbench watched N     writes `watched` N times
 *   infrun_watchbench neighbour N   writes `neighbour` (same page) N times
 * `watched` and `neighbour` share one page; each loop iteration is one store.
 */
/* Built unoptimised whatever CFLAGS say (automake puts the user's -O2 after
 * per-target flags): the tests rely on exact lines, frames and variables. */
#if defined(__clang__)
#pragma clang optimize off
#elif defined(__GNUC__)
#pragma GCC optimize ("O0")
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct page_vars {
    volatile long watched;
    long pad[7];
    volatile long neighbour;
} __attribute__((aligned(4096)));

struct page_vars v;

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "watched";
    long n = argc > 2 ? atol(argv[2]) : 1000;
    volatile long *p = strcmp(mode, "neighbour") == 0 ? &v.neighbour : &v.watched;
    for (long i = 0; i < n; i++)
        *p = i;
    printf("done %ld\n", *p);
    return 0;
}
