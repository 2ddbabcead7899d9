/* solib_dyn.c — an ordinary dynamic C program for tests/integration/solib.sh:
 * it calls puts (libc), pthread_create (a versioned symbol of libc),
 * strlen (a GNU indirect function; the program is linked with -z now so
 * its GOT slot is resolved at start) and a function of a library it
 * dlopens at run time (argv[1], libsolib_loaded.so).  With a second
 * argument "wait" it prints "ready PID" and waits for a debugger to attach
 * and release it before the dlopen, so the load happens after the attach.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *worker(void *arg)
{
    return arg;
}

/* Set by the debugger once it has attached ("set var solib_dyn_released
 * = 1"): a tracer seen in /proc/self/status would not do, the program
 * can see it before the debugger has stopped it. */
volatile int solib_dyn_released;

int main(int argc, char **argv)
{
    size_t len = strlen(argv[0]);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    pthread_join(thread, NULL);
    puts("solib_dyn: threads joined");
    if (argc > 2 && strcmp(argv[2], "wait") == 0) {
        printf("ready %d\n", (int)getpid());
        fflush(stdout);
        for (int i = 0; i < 10000 && !solib_dyn_released; i++)   /* 10 s at most */
            usleep(1000);
    }
    void *lib = dlopen(argc > 1 ? argv[1] : "libsolib_loaded.so", RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "solib_dyn: %s\n", dlerror());
        return 1;
    }
    int (*twice)(int) = (int (*)(int))dlsym(lib, "solib_loaded_twice");
    if (!twice) {
        fprintf(stderr, "solib_dyn: %s\n", dlerror());
        return 1;
    }
    printf("solib_dyn: %d %d\n", twice(21), len > 0);
    dlclose(lib);
    return 0;
}
