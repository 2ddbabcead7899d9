/* solib_loaded.c — the library tests/debuggee/solib_dyn dlopens: a
 * breakpoint on solib_loaded_twice is set before it is loaded. */
int solib_loaded_twice(int n);

int solib_loaded_twice(int n)
{
    int doubled = n * 2;
    return doubled;
}
