/* breakpoint.h — the breakpoint table: numbers, locations, int3 insertion.
 *
 * Offers: one table of user breakpoints and watchpoints (they share gdb's
 * numbering: "break" then "watch" gives 1 and 2), plus internal breakpoints
 * (negative numbers) used by finish/until.  A breakpoint has one or more
 * code locations; inserting writes an int3 (0xcc) at each and keeps the
 * original byte, removing writes it back.  See Note [Breakpoints are out
 * while stopped] in infrun.c for when that happens.
 *
 * Must not depend on: the session, symbols or output.  It only touches
 * memory through struct target operations, so unit tests can drive it with
 * a fake target.
 */
#ifndef RTSDB_BREAKPOINT_H
#define RTSDB_BREAKPOINT_H

#include <stdbool.h>
#include "target.h"

#define BP_INT3 0xcc
#define BP_MAX_LOCS 16

enum bp_kind {
    BP_BREAKPOINT,      /* int3 at code locations */
    BP_WATCHPOINT,      /* write watch: "watch" */
    BP_READ_WATCHPOINT, /* "rwatch" */
    BP_ACC_WATCHPOINT,  /* "awatch" */
};

struct bp_location {
    addr_t addr;
    unsigned char shadow;   /* the original byte under the int3 */
    bool inserted;
};

struct watchpoint;

struct breakpoint {
    int num;                /* > 0 user, < 0 internal (finish, until) */
    enum bp_kind kind;
    bool enabled;
    bool temporary;         /* tbreak: deleted after its first reported hit */
    int hits;
    int ignore_count;       /* "continue N": crossings still to ignore */
    char *spec;             /* as typed: "main", "loop.c:12", "*0x401000", watch EXPR */
    struct bp_location locs[BP_MAX_LOCS];
    int nlocs;
    int line;               /* the line a FILE:LINE or LINE breakpoint names, else 0
                               (Note [Breakpoints by line] in run_commands.c) */
    char where[256];        /* "in main at t.c:5" for the first location,
                               kept for "info breakpoints" after the process ends */
    char *cond;             /* "if" expression, or NULL */
    char **commands;        /* "commands N" body */
    int ncommands;
    struct watchpoint *watch;   /* for the watch kinds (watchpoint.h) */
    struct breakpoint *next;
};

struct bp_table {
    struct breakpoint *head;    /* in creation order */
    int next_num;               /* next user number */
    int next_internal;          /* next internal number (negative) */
};

void bp_table_init(struct bp_table *tab);
/* Free every breakpoint; none may be inserted (call bp_remove_all first). */
void bp_table_free(struct bp_table *tab);

/* Create a breakpoint with the next number (internal ones get negative
 * numbers), appended to the table; spec is copied. */
struct breakpoint *bp_create(struct bp_table *tab, enum bp_kind kind, const char *spec,
                             bool internal);
/* Add a code location; returns -1 when the breakpoint has BP_MAX_LOCS. */
int bp_add_location(struct breakpoint *bp, addr_t addr);
struct breakpoint *bp_find(struct bp_table *tab, int num);
/* Unlink and free bp; its locations must already be removed from memory. */
void bp_delete(struct bp_table *tab, struct breakpoint *bp);
void bp_set_condition(struct breakpoint *bp, const char *cond);     /* NULL clears */
void bp_set_commands(struct breakpoint *bp, char **lines, int n);   /* takes ownership */

/* Insert an int3 at every location of every enabled code breakpoint.
 * Locations shared by several breakpoints are written once and all remember
 * the original byte.  Returns 0, or the first -errno (the others are still
 * tried; failed locations stay not inserted). */
int bp_insert_all(struct bp_table *tab, struct target *t);
/* Restore the original byte at every inserted location.  Returns 0 or the
 * first -errno. */
int bp_remove_all(struct bp_table *tab, struct target *t);

/* Is there an enabled code breakpoint (user or internal) at addr? */
bool bp_enabled_at(const struct bp_table *tab, addr_t addr);
/* Iterate enabled code breakpoints at addr: pass NULL first, then the last
 * result; returns NULL at the end. */
struct breakpoint *bp_next_at(struct bp_table *tab, struct breakpoint *prev, addr_t addr);

#endif
