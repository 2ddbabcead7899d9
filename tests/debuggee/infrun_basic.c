/* infrun_basic.c — debuggee of the run-control tests (tests/integration/infrun_*.sh).
 *
 * Modes (argv[1]):
 *   (none)    fact() called from main, a loop incrementing `counter`; exits 3
 *   heap      the same loop on a heap int (`heap_counter` points at it)
 *   neighbour writes `neighbour`, on the same page as `counter`, never `counter`
 *   crash     a real NULL dereference (SIGSEGV) in crash()
 *   usr1      raises SIGUSR1 three times; the handler counts them
 *   wait F    sleeps in a loop; once file F exists, calls tick() every
 *             millisecond; runs until killed (attach tests)
 * Every mode prints what it computed, so tests can check the output is
 * unchanged under the debugger.
 */
/* Built unoptimised whatever CFLAGS say (automake puts the user's -O2 after
 * per-target flags): the tests rely on exact lines, frames and variables. */
#if defined(__clang__)
#pragma clang optimize off
#elif defined(__GNUC__)
#pragma GCC optimize ("O0")
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Both in one page-aligned struct: they are neighbours on one page. */
struct page_vars {
    int counter;
    int pad[15];
    int neighbour;
} __attribute__((aligned(4096)));

struct page_vars vars;
int *heap_counter;
volatile sig_atomic_t usr1_seen;

int fact(int n)
{
    if (n <= 1)
        return 1;
    return n * fact(n - 1);
}

void bump(int *p)
{
    *p = *p + 1;
}

int crash(int *p)
{
    return *p;
}

void tick(void)
{
    vars.counter++;
}

static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen++;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "heap") == 0) {
        heap_counter = malloc(sizeof *heap_counter);
        *heap_counter = 0;
        for (int i = 0; i < 3; i++)
            bump(heap_counter);
        printf("heap counter %d\n", *heap_counter);
        free(heap_counter);
        return 0;
    }
    if (strcmp(mode, "neighbour") == 0) {
        for (int i = 0; i < 5; i++)
            vars.neighbour += i;
        printf("neighbour %d counter %d\n", vars.neighbour, vars.counter);
        return 0;
    }
    if (strcmp(mode, "wait") == 0 && argc > 2) {
        printf("waiting %d\n", (int)getpid());
        fflush(stdout);
        for (;;) {
            if (access(argv[2], F_OK) == 0)
                tick();
            usleep(1000);
        }
    }
    if (strcmp(mode, "crash") == 0)
        return crash(NULL);
    if (strcmp(mode, "usr1") == 0) {
        signal(SIGUSR1, on_usr1);
        for (int i = 0; i < 3; i++)
            raise(SIGUSR1);
        printf("usr1 seen %d\n", (int)usr1_seen);
        return 0;
    }
    for (int i = 0; i < 3; i++)
        vars.counter++;
    printf("fact %d counter %d\n", fact(4), vars.counter);
    return 3;
}
