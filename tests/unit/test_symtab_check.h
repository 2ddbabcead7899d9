/* test_symtab_check.h — the tiny assertion kit of the symtab unit tests.
 *
 * CHECK(cond, fmt, ...) records a failure with its line and message and
 * carries on, so one run reports every broken expectation; a test's main
 * returns check_status().  DEBUGGEE(name) finds a program built under
 * tests/debuggee/ (top_builddir from the test harness, else ".").
 */
#ifndef TEST_SYMTAB_CHECK_H
#define TEST_SYMTAB_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            check_failures++;                                                   \
            fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

static inline int check_status(void)
{
    if (check_failures)
        fprintf(stderr, "%d check(s) failed\n", check_failures);
    return check_failures ? 1 : 0;
}

static inline const char *debuggee_path(const char *name, char *buf, size_t len)
{
    const char *top = getenv("top_builddir");
    snprintf(buf, len, "%s/tests/debuggee/%s", top && *top ? top : ".", name);
    return buf;
}

#endif
