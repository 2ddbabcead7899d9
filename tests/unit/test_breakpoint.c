/* test_breakpoint.c — unit test of the breakpoint table (breakpoint.c).
 *
 * Drives bp_insert_all/bp_remove_all against a test-local memory-only
 * target (a byte array behind struct target_ops) and checks: int3 bytes
 * appear exactly at enabled locations, original bytes come back on removal,
 * shared addresses are written once and restored correctly, disabled and
 * watch kinds are never inserted, failed writes are reported, numbering is
 * gdb's (user 1, 2, ...; internal -1, -2, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakpoint.h"

#define MEM_BASE 0x401000
#define MEM_SIZE 64

static unsigned char mem[MEM_SIZE];
static int writes;
static addr_t readonly_addr;        /* a write here fails with -EIO */

static int fake_read(struct target *t, addr_t addr, void *buf, size_t len)
{
    (void)t;
    if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE)
        return -EFAULT;
    memcpy(buf, mem + (addr - MEM_BASE), len);
    return 0;
}

static int fake_write(struct target *t, addr_t addr, const void *buf, size_t len)
{
    (void)t;
    if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE)
        return -EFAULT;
    if (addr == readonly_addr)
        return -EIO;
    memcpy(mem + (addr - MEM_BASE), buf, len);
    writes++;
    return 0;
}

static const struct target_ops fake_ops = {
    .name = "test-memory",
    .read_memory = fake_read,
    .write_memory = fake_write,
};

static int failures;
#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static void fill_program(void)
{
    for (int i = 0; i < MEM_SIZE; i++)
        mem[i] = (unsigned char)(0x40 + i);     /* never 0xcc */
}

static int count_int3(void)
{
    int n = 0;
    for (int i = 0; i < MEM_SIZE; i++)
        n += mem[i] == BP_INT3;
    return n;
}

int main(void)
{
    struct target t = { .ops = &fake_ops };
    struct bp_table tab;
    unsigned char orig[MEM_SIZE];

    fill_program();
    memcpy(orig, mem, sizeof orig);
    bp_table_init(&tab);

    /* Numbering: user breakpoints count up, internal ones down. */
    struct breakpoint *b1 = bp_create(&tab, BP_BREAKPOINT, "main", false);
    struct breakpoint *b2 = bp_create(&tab, BP_BREAKPOINT, "t.c:5", false);
    struct breakpoint *in = bp_create(&tab, BP_BREAKPOINT, "return", true);
    struct breakpoint *w = bp_create(&tab, BP_WATCHPOINT, "-location x", false);
    CHECK(b1->num == 1 && b2->num == 2 && in->num == -1 && w->num == 3);
    CHECK(bp_find(&tab, 2) == b2 && bp_find(&tab, 7) == NULL);
    CHECK(strcmp(b2->spec, "t.c:5") == 0);

    /* b1 and the internal breakpoint share an address. */
    bp_add_location(b1, MEM_BASE + 4);
    bp_add_location(b1, MEM_BASE + 9);
    bp_add_location(b2, MEM_BASE + 20);
    bp_add_location(in, MEM_BASE + 4);
    bp_add_location(w, MEM_BASE + 30);   /* watch kinds are never int3s */
    b2->enabled = false;

    CHECK(bp_insert_all(&tab, &t) == 0);
    CHECK(mem[4] == BP_INT3 && mem[9] == BP_INT3);
    CHECK(mem[20] == orig[20]);             /* disabled */
    CHECK(mem[30] == orig[30]);             /* a watchpoint */
    CHECK(count_int3() == 2);
    CHECK(writes == 2);                     /* the shared address written once */
    CHECK(b1->locs[0].shadow == orig[4] && in->locs[0].shadow == orig[4]);

    /* Inserting again changes nothing (already inserted). */
    CHECK(bp_insert_all(&tab, &t) == 0);
    CHECK(writes == 2);

    /* Lookups by address see enabled code breakpoints only. */
    CHECK(bp_enabled_at(&tab, MEM_BASE + 4));
    CHECK(!bp_enabled_at(&tab, MEM_BASE + 20));
    CHECK(!bp_enabled_at(&tab, MEM_BASE + 30));
    CHECK(bp_next_at(&tab, NULL, MEM_BASE + 4) == b1);
    CHECK(bp_next_at(&tab, b1, MEM_BASE + 4) == in);
    CHECK(bp_next_at(&tab, in, MEM_BASE + 4) == NULL);

    /* Removal restores every original byte. */
    CHECK(bp_remove_all(&tab, &t) == 0);
    CHECK(memcmp(mem, orig, sizeof orig) == 0);
    CHECK(!b1->locs[0].inserted && !in->locs[0].inserted);

    /* Enable b2, delete the internal one: insert, remove, still pristine. */
    b2->enabled = true;
    bp_delete(&tab, in);
    CHECK(bp_find(&tab, -1) == NULL);
    CHECK(bp_insert_all(&tab, &t) == 0);
    CHECK(count_int3() == 3);
    CHECK(bp_remove_all(&tab, &t) == 0);
    CHECK(memcmp(mem, orig, sizeof orig) == 0);

    /* A location that cannot be written is reported; the others go in. */
    readonly_addr = MEM_BASE + 9;
    CHECK(bp_insert_all(&tab, &t) == -EIO);
    CHECK(mem[4] == BP_INT3 && mem[9] == orig[9] && mem[20] == BP_INT3);
    CHECK(!b1->locs[1].inserted);
    readonly_addr = 0;
    CHECK(bp_remove_all(&tab, &t) == 0);
    CHECK(memcmp(mem, orig, sizeof orig) == 0);

    /* An unmapped location: error, nothing written there. */
    struct breakpoint *bad = bp_create(&tab, BP_BREAKPOINT, "*0x10", false);
    bp_add_location(bad, 0x10);
    CHECK(bp_insert_all(&tab, &t) == -EFAULT);
    CHECK(bp_remove_all(&tab, &t) == 0);
    CHECK(memcmp(mem, orig, sizeof orig) == 0);

    /* Conditions and commands are owned by the breakpoint. */
    bp_set_condition(b1, "n == 2");
    CHECK(b1->cond && strcmp(b1->cond, "n == 2") == 0);
    bp_set_condition(b1, "");
    CHECK(b1->cond == NULL);
    char **lines = malloc(2 * sizeof *lines);
    lines[0] = strdup("silent");
    lines[1] = strdup("print n");
    bp_set_commands(b1, lines, 2);
    CHECK(b1->ncommands == 2 && strcmp(b1->commands[1], "print n") == 0);

    /* Location limit. */
    struct breakpoint *many = bp_create(&tab, BP_BREAKPOINT, "f", false);
    int added = 0;
    for (int i = 0; i < BP_MAX_LOCS + 3; i++)
        added += bp_add_location(many, MEM_BASE + (addr_t)i) == 0;
    CHECK(added == BP_MAX_LOCS);

    bp_table_free(&tab);
    CHECK(tab.head == NULL);
    if (failures) {
        fprintf(stderr, "test_breakpoint: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_breakpoint: ok\n");
    return 0;
}
