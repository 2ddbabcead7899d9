/* test_watch_hw.c — watch_hw.c's pure parts: splitting a watched range into
 * aligned 1/2/4/8-byte pieces (and refusing what needs too many slots), and
 * the DR7 enable/RW/LEN bits of each slot and kind (Intel SDM vol. 3, 17.2.4).
 * The arming on a live program is tests/integration/infrun_watch_hw.sh.
 */
#include <stdio.h>
#include <stdlib.h>

#include "watch_hw.h"

static int failures;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);    \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static void test_split(void)
{
    addr_t a[8];
    unsigned l[8];
    /* aligned scalars: one piece each */
    CHECK(watch_hw_split(0x1000, 8, a, l, 4) == 1 && a[0] == 0x1000 && l[0] == 8);
    CHECK(watch_hw_split(0x1004, 4, a, l, 4) == 1 && l[0] == 4);
    CHECK(watch_hw_split(0x1002, 2, a, l, 4) == 1 && l[0] == 2);
    CHECK(watch_hw_split(0x1003, 1, a, l, 4) == 1 && l[0] == 1);
    /* a 4-byte int at an odd address: 1 + 2 + 1 */
    CHECK(watch_hw_split(0x1001, 4, a, l, 4) == 3);
    CHECK(a[0] == 0x1001 && l[0] == 1 && a[1] == 0x1002 && l[1] == 2 && a[2] == 0x1004 && l[2] == 1);
    /* 16 aligned bytes: two 8s; 32: four; 40: too many for 4 slots */
    CHECK(watch_hw_split(0x2000, 16, a, l, 4) == 2 && a[1] == 0x2008 && l[1] == 8);
    CHECK(watch_hw_split(0x2000, 32, a, l, 4) == 4);
    CHECK(watch_hw_split(0x2000, 40, a, l, 4) == -1);
    /* fewer slots free than pieces */
    CHECK(watch_hw_split(0x2000, 16, a, l, 1) == -1);
    CHECK(watch_hw_split(0x2000, 8, a, l, 0) == -1);
    /* 12 bytes at 4 mod 8: 4 + 8 */
    CHECK(watch_hw_split(0x2004, 12, a, l, 4) == 2 && l[0] == 4 && l[1] == 8);
}

static void test_dr7(void)
{
    /* slot 0, write, 8 bytes: L0 | RW0=01 | LEN0=10 (the probe's value) */
    CHECK(watch_hw_dr7_bits(0, BP_WATCHPOINT, 8) == ((1ULL << 0) | (1ULL << 16) | (2ULL << 18)));
    /* slot 1, read/write, 4 bytes: L1 | RW1=11 | LEN1=11 */
    CHECK(watch_hw_dr7_bits(1, BP_ACC_WATCHPOINT, 4) == ((1ULL << 2) | (3ULL << 20) | (3ULL << 22)));
    /* slot 2, rwatch (read/write: x86 has no read-only), 1 byte */
    CHECK(watch_hw_dr7_bits(2, BP_READ_WATCHPOINT, 1) == ((1ULL << 4) | (3ULL << 24)));
    /* slot 3, write, 2 bytes: LEN3=01 */
    CHECK(watch_hw_dr7_bits(3, BP_WATCHPOINT, 2) == ((1ULL << 6) | (1ULL << 28) | (1ULL << 30)));
}

int main(void)
{
    test_split();
    test_dr7();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("test_watch_hw: ok\n");
    return 0;
}
