#!/bin/sh
# dupe-5558.sh — GHC #5558 with examples/dupe: 100 threads force one CAF
# whose value comes from unsafePerformIO.  With --inject=caf-nonatomic two
# threads can both enter it and its effect runs twice; rtsdb stops at each
# run of the effect and shows the CAF and the threads.  Tries up to 5 runs;
# exit 0 when the effect ran twice in one of them, 77 if it never did.
. "$(dirname "$0")/lib.sh"
PROG=${DEMO_PROG:-"$top_builddir/examples/dupe"}
say "ioThunk = unsafePerformIO (putStrLn ...): its effect must run once however many threads force it."
for run in 1 2 3 4 5; do
    say "Run $run under rtsdb (100 threads started together, +RTS -N2 --inject=caf-nonatomic):"
    debug "$DEMO_TMP/transcript" "$DEMOS/dupe-5558.gdb" \
        --args "$PROG" 100 --together +RTS -N2 --record=caf,thread --inject=caf-nonatomic -RTS
    n=$(grep -c "^IO executed by" "$DEMO_TMP/transcript")
    say "The effect ran $n time(s)."
    if [ "$n" -gt 1 ]; then
        say "Caught: two threads entered the CAF (see the two stops above and the recorder's won/lost entries)."
        exit 0
    fi
done
say "The effect ran once in every run: the race did not happen; run the demo again."
exit 77
