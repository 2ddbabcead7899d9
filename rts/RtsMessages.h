/* RtsMessages.h — how the runtime reports errors: barf, errorBelch, debugBelch.
 *
 * barf() is for "can't happen": it prints "PROG: internal error: ..." on
 * stderr, calls rts_trap_barf() (a never-inlined, empty function a debugger
 * can put a breakpoint on: `break rts_trap_barf`) and aborts.  errorBelch()
 * is for user errors the caller then handles; debugBelch() is for debug
 * output.  ASSERT() checks invariants in DEBUG builds (librts_debug) only.
 *
 * Must not depend on: anything else in the runtime (usable before rts_init).
 */
#ifndef RTS_RTSMESSAGES_H
#define RTS_RTSMESSAGES_H

#include <stdarg.h>

/* Program name used as the prefix of every message (set by rts_init). */
extern const char *prog_name;

void barf(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2), cold));
void vbarf(const char *fmt, va_list ap) __attribute__((noreturn, cold));
void errorBelch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debugBelch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called by barf() just before it aborts; a debugger stops here. */
void rts_trap_barf(const char *msg) __attribute__((noinline));

/* The message of the last barf (for debuggers reading a core file). */
extern char rts_barf_message[512];
/* Called once by barf() before it aborts, when set (the flight recorder's
 * -l dump); must not barf. */
extern void (*rts_barf_hook)(void);

void _assertFail(const char *expr, const char *file, unsigned line)
    __attribute__((noreturn, cold));

#ifdef DEBUG
#define ASSERT(e) \
    ((e) ? (void)0 : _assertFail(#e, __FILE__, __LINE__))
#else
#define ASSERT(e) ((void)0)
#endif

#endif
