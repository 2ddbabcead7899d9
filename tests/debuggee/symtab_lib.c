/* symtab_lib.c — a shared library for the symtab tests: a frame from a
 * library (PIE load bias, module lookup) in the middle of a call chain.
 * Built -g -O0 as tests/debuggee/libsymtab_lib.la (see debugger/symtab.mk). */

int symtab_lib_counter;

/* Calls back into the program, so the library's frame sits between two
 * of the program's frames. */
int symtab_lib_apply(int (*callback)(int), int value)
{
    symtab_lib_counter++;
    return callback(value + 1) + 1;
}
