/* symtab_deep.c — a debuggee with a deep, known call chain for the symtab
 * tests (symbols, lines, arguments, unwinding, gdb agreement).
 *
 *   symtab_deep wait   print "ready PID" and block in pause() (in every thread;
 *                      tests wait until every thread sleeps before looking)
 *   symtab_deep crash  dereference NULL at the bottom of the chain (SIGSEGV)
 *
 * Main thread:  main -> level_one -> level_two -> level_three ->
 *               symtab_lib_apply (libsymtab_lib.so) -> deep_callback ->
 *               recurse x RECURSE_DEPTH -> bottom -> pause/crash
 * Two workers:  start_thread -> worker_main -> worker_spin x 3 -> pause
 * bottom() also saves its registers in saved_context (getcontext), as a
 * green-thread scheduler would, for unwind_from_regs.
 * Built -g -O0 (see debugger/symtab.mk).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define RECURSE_DEPTH 4
#define NWORKERS 2

enum color { RED, GREEN = 5, BLUE };

struct point {
    int x, y;
    const char *label;
    struct point *next;
    unsigned flags : 3;
    unsigned mode : 5;
    int coords[4];
    union {
        long as_long;
        double as_double;
    } u;
};

typedef struct point point_t;

int symtab_lib_apply(int (*callback)(int), int value);

int symtab_global_counter = 42;
point_t symtab_global_point = { 1, 2, "origin", NULL, 5, 17, { 10, 20, 30, 40 }, { 7 } };
ucontext_t saved_context;
volatile int context_saved;
volatile int keep_waiting = 1;      /* never cleared: the chain stays put */
static int crash_mode;
static pthread_barrier_t started;

/* The bottom of the main chain: save our registers, then wait or crash. */
static void bottom(int depth)
{
    getcontext(&saved_context);
    context_saved = 1;
    if (crash_mode) {
        volatile int *null = NULL;
        usleep(200000);     /* let the workers settle in pause() first */
        *null = depth;                          /* SIGSEGV here */
    }
    printf("ready %d\n", (int)getpid());
    fflush(stdout);
    while (keep_waiting)
        pause();
}

static void recurse(int depth)
{
    if (depth == 0)
        bottom(depth);
    else
        recurse(depth - 1);
    symtab_global_counter++;   /* not a tail call */
}

static int deep_callback(int v)
{
    recurse(RECURSE_DEPTH);
    return v * 2;
}

static int level_three(long x, char c, enum color col)
{
    return symtab_lib_apply(deep_callback, (int)x + c + col);
}

static int level_two(point_t *p, double scale)
{
    return level_three(p->x * (long)scale, 'q', BLUE) + 1;
}

static int level_one(int n, const char *tag)
{
    point_t local = symtab_global_point;
    local.x = n + (int)strlen(tag);
    return level_two(&local, 2.5) + 1;
}

static void worker_spin(int n)
{
    if (n > 0)
        worker_spin(n - 1);
    else {
        pthread_barrier_wait(&started);
        while (keep_waiting)
            pause();
    }
    symtab_global_counter++;
}

static void *worker_main(void *arg)
{
    worker_spin(3);
    return arg;
}

int main(int argc, char **argv)
{
    pthread_t workers[NWORKERS];
    crash_mode = argc > 1 && strcmp(argv[1], "crash") == 0;
    pthread_barrier_init(&started, NULL, NWORKERS + 1);
    for (int i = 0; i < NWORKERS; i++)
        pthread_create(&workers[i], NULL, worker_main, NULL);
    pthread_barrier_wait(&started);
    return level_one(1, "deep");
}
