/* test_bchan.c — BoundedChan (rts/BoundedChan.c): FIFO order through one
 * channel, blocking when full and when empty, try variants, and many
 * producers/consumers under frequent GCs: every message arrives exactly
 * once, and the messages of each producer arrive in the order it wrote them.
 *
 * Run with the flags in argv (tests/unit/mvar.mk runs it plain; the
 * integration test mvar_bchan_matrix.sh adds -N2, -A64k, -DS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rts.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

RTS_DEFINE_CONSTR(Msg, 0, 2)       /* producer, sequence number */

static StgClosure *msg(StgWord producer, StgWord seq)
{
    StgClosure *m = rts_alloc_constr(&Msg_con_info);
    rts_constr_set_word(m, 0, producer);
    rts_constr_set_word(m, 1, seq);
    return m;
}

static void write_msg(RtsFrame f, uint32_t slot, StgWord producer, StgWord seq)
{
    StgClosure *m = msg(producer, seq);
    rts_writeBoundedChan(rts_get(f, slot), m);
}

/* One thread: FIFO through the ring, wrapping around several times. */
static void test_fifo_single(void)
{
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_newBoundedChan(3));
    CHECK(rts_boundedChanSize(rts_get(f, 0)) == 3);
    CHECK(rts_tryReadBoundedChan(rts_get(f, 0)) == NULL);
    for (StgWord round = 0; round < 5; round++) {
        for (StgWord i = 0; i < 3; i++) write_msg(f, 0, 0, round * 3 + i);
        StgClosure *extra = msg(9, 9);
        CHECK(!rts_tryWriteBoundedChan(rts_get(f, 0), extra));   /* full */
        for (StgWord i = 0; i < 3; i++) {
            StgClosure *m = rts_readBoundedChan(rts_get(f, 0));
            CHECK(rts_constr_word(m, 1) == round * 3 + i);
        }
        CHECK(rts_tryReadBoundedChan(rts_get(f, 0)) == NULL);    /* empty */
    }
    StgClosure *m = msg(1, 2);
    CHECK(rts_tryWriteBoundedChan(rts_get(f, 0), m));
    m = rts_tryReadBoundedChan(rts_get(f, 0));
    CHECK(m != NULL && rts_constr_word(m, 0) == 1 && rts_constr_word(m, 1) == 2);
    rts_frame_pop(f);
}

/* ---- many producers and consumers ---- */

#define PRODUCERS 8
#define CONSUMERS 6
#define PER_PRODUCER 2000

static unsigned char seen[PRODUCERS][PER_PRODUCER];
static StgWord last_seq[CONSUMERS][PRODUCERS];
static int consumed[CONSUMERS];

struct consumer_arg { int id; int count; };

static void producer(void *arg)
{
    StgWord p = (StgWord)(intptr_t)arg;
    RtsFrame f = rts_fork_frame();
    for (StgWord s = 0; s < PER_PRODUCER; s++) {
        write_msg(f, 0, p, s);
        if (s % 64 == 0) {
            /* garbage, so that collections happen mid-stream */
            RtsFrame g = rts_frame_push(1);
            rts_set(g, 0, rts_new_array(40, NULL));
            rts_frame_pop(g);
        }
    }
}

static void consumer(void *arg)
{
    struct consumer_arg *c = arg;
    RtsFrame f = rts_fork_frame();
    for (int k = 0; k < c->count; k++) {
        StgClosure *m = rts_readBoundedChan(rts_get(f, 0));
        CHECK(m->header.info == &Msg_con_info);
        StgWord p = rts_constr_word(m, 0), s = rts_constr_word(m, 1);
        CHECK(p < PRODUCERS && s < PER_PRODUCER);
        CHECK(__atomic_fetch_add(&seen[p][s], 1, __ATOMIC_RELAXED) == 0);  /* not duplicated */
        /* one producer's messages leave in the order it wrote them: any
         * consumer sees increasing sequence numbers from it */
        CHECK(last_seq[c->id][p] == 0 || s > last_seq[c->id][p] - 1);
        last_seq[c->id][p] = s + 1;
        consumed[c->id]++;
    }
}

static void test_many(uint32_t depth)
{
    memset(seen, 0, sizeof seen);
    memset(last_seq, 0, sizeof last_seq);
    memset(consumed, 0, sizeof consumed);
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_newBoundedChan(depth));
    rts_ThreadId t[PRODUCERS + CONSUMERS];
    struct consumer_arg args[CONSUMERS];
    int total = PRODUCERS * PER_PRODUCER;
    for (int c = 0; c < CONSUMERS; c++) {
        args[c].id = c;
        args[c].count = total / CONSUMERS + (c < total % CONSUMERS);
        StgClosure *v[1] = { rts_get(f, 0) };
        t[PRODUCERS + c] = rts_fork_with(consumer, &args[c], 1, v);
    }
    for (int p = 0; p < PRODUCERS; p++) {
        StgClosure *v[1] = { rts_get(f, 0) };
        t[p] = rts_fork_with(producer, (void *)(intptr_t)p, 1, v);
    }
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++) CHECK(rts_join(t[i]));
    for (int p = 0; p < PRODUCERS; p++)
        for (int s = 0; s < PER_PRODUCER; s++) CHECK(seen[p][s] == 1);   /* nothing lost */
    CHECK(rts_tryReadBoundedChan(rts_get(f, 0)) == NULL);
    rts_frame_pop(f);
}

static int bchan_main(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_fifo_single();
    test_many(1);
    test_many(4);
    printf("test_bchan: all passed\n");
    return 0;
}

int main(int argc, char **argv)
{
    return rts_main(argc, argv, bchan_main);
}
