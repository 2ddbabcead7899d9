/* infrun_getenv.c — step into and over getenv, as gdb 13 does.
 *
 * Built at -O2 -g and linked dynamically (infrun.mk), so:
 *   home() ends in a tail call through the PLT ("jmp getenv@plt"): a
 *     step that jumps into a PLT stub goes on through it (and the lazy
 *     binding in the dynamic linker) to getenv, and stops there, at its
 *     first line when libc's debug information is installed, else at
 *     its first instruction;
 *   main's direct getenv call is stepped over or entered by the same
 *     rules as any call;
 *   stepping off main's end returns into __libc_start_call_main, which
 *     a libc without symbols leaves without a name: step then runs it to
 *     its return, as gdb does (the program exits).
 * tests/integration/infrun_getenv.sh compares rtsdb's step with gdb's.
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) const char *home(void)
{
    return getenv("HOME");
}

int main(void)
{
    const char *h = home();
    const char *none = getenv("RTSDB_NO_SUCH_VARIABLE");
    printf("%d %d\n", h != NULL, none != NULL);
    return 0;
}
