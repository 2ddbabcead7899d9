/* solib.h — what the dynamic linker tells us (gdb's solib-svr4).
 *
 * Offers: the internal "shlib events" breakpoint of a live process (on
 * the dynamic linker's r_brk, _dl_debug_state), whose hits re-read the
 * modules and re-resolve every breakpoint so that pending ones in shared
 * libraries (loaded at start or dlopen'ed later) take effect; and the
 * target of a GNU indirect function (STT_GNU_IFUNC) for "break NAME":
 * from a GOT slot the dynamic linker has resolved, or from the
 * resolver's return value when it runs.
 *
 * Depends on: symtab_priv.h (modules, ELF files), infrun.h (the
 * breakpoint table), target.h.  Knows nothing of the runtime.
 */
#ifndef RTSDB_SOLIB_H
#define RTSDB_SOLIB_H

#include <stdbool.h>
#include "target.h"

struct breakpoint;
struct session;
struct symtab;

/* The spec of the internal breakpoint on the dynamic linker's r_brk. */
#define SOLIB_EVENT_SPEC "shlib events"

/* A live target was installed (launched at its exec stop, or attached):
 * plant the shlib-events breakpoint, replacing a previous process's. */
void solib_target_attached(struct session *s);

/* A thread (the selected one) stopped at pc on an int3 of ours.  If pc
 * is the shlib-events breakpoint, handle the event (once the link map is
 * consistent: re-read the modules, re-resolve every user breakpoint), or
 * if it is the return of an IFUNC resolver we wait for, take its answer;
 * return true.  The caller then resumes unless a user breakpoint at pc
 * stops. */
bool solib_handle_event(struct session *s, addr_t pc);

/* A thread stopped at pc on user breakpoint bp.  If bp is "break NAME"
 * of a GNU indirect function and pc is NAME's resolver, arrange to learn
 * the resolver's answer at its return and return true: this hit does not
 * stop (Note [Breakpoints on IFUNCs] in solib.c). */
bool solib_ifunc_resolver_hit(struct session *s, struct breakpoint *bp, addr_t pc);

/* The function a GNU indirect function `name` resolved to: a resolver's
 * answer caught at its return (solib_ifunc_resolver_hit), or a GOT slot
 * (R_X86_64_JUMP_SLOT or GLOB_DAT against `name`) of any module that the
 * dynamic linker has filled in.  False when neither is known (nothing
 * called it yet, lazily bound, or a core whose GOT was not dumped). */
bool solib_ifunc_target(struct symtab *st, const char *name, addr_t *out);

#endif
