/* RtsMessages.c — barf, errorBelch, debugBelch (see RtsMessages.h).
 *
 * Must not depend on: anything else in the runtime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "RtsMessages.h"

const char *prog_name = "rts";
char rts_barf_message[512];
void (*rts_barf_hook)(void);

/* Empty on purpose: the one place where every internal error passes before
 * abort(), so `break rts_trap_barf` stops with the whole heap intact.  The
 * asm statement keeps the compiler from removing or merging it. */
void rts_trap_barf(const char *msg)
{
    __asm__ volatile("" : : "r"(msg) : "memory");
}

void vbarf(const char *fmt, va_list ap)
{
    vsnprintf(rts_barf_message, sizeof rts_barf_message, fmt, ap);
    fflush(stdout);
    fprintf(stderr, "%s: internal error: %s\n", prog_name, rts_barf_message);
    fflush(stderr);
    void (*hook)(void) = rts_barf_hook;
    rts_barf_hook = NULL;
    if (hook) hook();
    rts_trap_barf(rts_barf_message);
    abort();
}

void barf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vbarf(fmt, ap);
}

void _assertFail(const char *expr, const char *file, unsigned line)
{
    barf("ASSERTION FAILED: file %s, line %u: %s", file, line, expr);
}

void errorBelch(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void debugBelch(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}
