/* BoundedChan.h — bounded FIFO channels built from MVars (reference §5).
 *
 * The public operations (rts_newBoundedChan, rts_writeBoundedChan, ...) are
 * declared in rts/include/rts.h.  This header only documents the layout,
 * for debuggers and tests.
 *
 * A BoundedChan of size n is one MUT_ARR_PTRS of 2 + 2n pointers:
 *   payload[0]            the write-position lock (an MVar holding a position)
 *   payload[1]            the read-position lock
 *   payload[2 .. 2+n)     the n slot MVars
 *   payload[2+n .. 2+2n)  n immutable position boxes (ARR_WORDS, one word: i)
 * The boxes exist so that releasing a lock never allocates.
 *
 * Must not depend on: the GC, the scheduler's internals.
 */
#ifndef RTS_BOUNDEDCHAN_H
#define RTS_BOUNDEDCHAN_H

#define BCHAN_WPOS      0
#define BCHAN_RPOS      1
#define BCHAN_SLOT(i)   (2 + (i))
#define BCHAN_BOX(n, i) (2 + (n) + (i))

#endif
