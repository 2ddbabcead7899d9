/* breakpoint.c — the breakpoint table and int3 insertion/removal.
 *
 * Offers what breakpoint.h declares.  Must not depend on the session,
 * symbols or output: only struct target memory operations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "breakpoint.h"

void bp_table_init(struct bp_table *tab)
{
    memset(tab, 0, sizeof *tab);
    tab->next_num = 1;
    tab->next_internal = -1;
}

static void bp_free(struct breakpoint *bp)
{
    free(bp->spec);
    free(bp->cond);
    for (int i = 0; i < bp->ncommands; i++)
        free(bp->commands[i]);
    free(bp->commands);
    free(bp);
}

void bp_table_free(struct bp_table *tab)
{
    struct breakpoint *bp = tab->head;
    while (bp) {
        struct breakpoint *next = bp->next;
        bp_free(bp);
        bp = next;
    }
    tab->head = NULL;
}

struct breakpoint *bp_create(struct bp_table *tab, enum bp_kind kind, const char *spec,
                             bool internal)
{
    struct breakpoint *bp = calloc(1, sizeof *bp);
    if (!bp)
        return NULL;
    bp->num = internal ? tab->next_internal-- : tab->next_num++;
    bp->kind = kind;
    bp->enabled = true;
    bp->spec = strdup(spec ? spec : "");
    struct breakpoint **p = &tab->head;
    while (*p)
        p = &(*p)->next;
    *p = bp;
    return bp;
}

int bp_add_location(struct breakpoint *bp, addr_t addr)
{
    if (bp->nlocs >= BP_MAX_LOCS)
        return -1;
    bp->locs[bp->nlocs++] = (struct bp_location){ .addr = addr };
    return 0;
}

struct breakpoint *bp_find(struct bp_table *tab, int num)
{
    for (struct breakpoint *bp = tab->head; bp; bp = bp->next)
        if (bp->num == num)
            return bp;
    return NULL;
}

void bp_delete(struct bp_table *tab, struct breakpoint *bp)
{
    for (struct breakpoint **p = &tab->head; *p; p = &(*p)->next) {
        if (*p == bp) {
            *p = bp->next;
            bp_free(bp);
            return;
        }
    }
}

void bp_set_condition(struct breakpoint *bp, const char *cond)
{
    free(bp->cond);
    bp->cond = cond && *cond ? strdup(cond) : NULL;
}

void bp_set_commands(struct breakpoint *bp, char **lines, int n)
{
    for (int i = 0; i < bp->ncommands; i++)
        free(bp->commands[i]);
    free(bp->commands);
    bp->commands = lines;
    bp->ncommands = n;
}

/* An already-inserted location at addr (of any breakpoint), or NULL. */
static struct bp_location *inserted_at(struct bp_table *tab, addr_t addr)
{
    for (struct breakpoint *bp = tab->head; bp; bp = bp->next)
        for (int i = 0; i < bp->nlocs; i++)
            if (bp->locs[i].inserted && bp->locs[i].addr == addr)
                return &bp->locs[i];
    return NULL;
}

int bp_insert_all(struct bp_table *tab, struct target *t)
{
    int first_err = 0;
    for (struct breakpoint *bp = tab->head; bp; bp = bp->next) {
        if (bp->kind != BP_BREAKPOINT || !bp->enabled)
            continue;
        for (int i = 0; i < bp->nlocs; i++) {
            struct bp_location *loc = &bp->locs[i];
            if (loc->inserted)
                continue;
            struct bp_location *other = inserted_at(tab, loc->addr);
            if (other) {
                loc->shadow = other->shadow;
                loc->inserted = true;
                continue;
            }
            unsigned char orig, int3 = BP_INT3;
            int rc = t->ops->read_memory(t, loc->addr, &orig, 1);
            if (rc == 0)
                rc = t->ops->write_memory(t, loc->addr, &int3, 1);
            if (rc != 0) {
                if (!first_err)
                    first_err = rc < 0 ? rc : -EIO;
                continue;
            }
            loc->shadow = orig;
            loc->inserted = true;
        }
    }
    return first_err;
}

int bp_remove_all(struct bp_table *tab, struct target *t)
{
    int first_err = 0;
    for (struct breakpoint *bp = tab->head; bp; bp = bp->next) {
        for (int i = 0; i < bp->nlocs; i++) {
            struct bp_location *loc = &bp->locs[i];
            if (!loc->inserted)
                continue;
            /* Every location sharing this address remembers the original
             * byte, so writing it once per location is harmless. */
            int rc = t->ops->write_memory(t, loc->addr, &loc->shadow, 1);
            if (rc != 0 && !first_err)
                first_err = rc < 0 ? rc : -EIO;
            loc->inserted = false;
        }
    }
    return first_err;
}

struct breakpoint *bp_next_at(struct bp_table *tab, struct breakpoint *prev, addr_t addr)
{
    for (struct breakpoint *bp = prev ? prev->next : tab->head; bp; bp = bp->next) {
        if (bp->kind != BP_BREAKPOINT || !bp->enabled)
            continue;
        for (int i = 0; i < bp->nlocs; i++)
            if (bp->locs[i].addr == addr)
                return bp;
    }
    return NULL;
}

bool bp_enabled_at(const struct bp_table *tab, addr_t addr)
{
    return bp_next_at((struct bp_table *)tab, NULL, addr) != NULL;
}
