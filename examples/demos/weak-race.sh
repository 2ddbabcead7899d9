#!/bin/sh
# weak-race.sh — the WEAK evacuation race: two GC threads both copy one
# weak pointer (+RTS --inject=weak-race); rtsdb stops at the runtime's
# check and shows the WEAK, its block, the weak lists and the recorder's
# copies with the GC thread that made each.  Tries seeds 1, 2, ... (at
# most 5 runs); exit 0 caught, 77 not reproduced in those runs.
. "$(dirname "$0")/lib.sh"
PROG=${DEMO_PROG:-"$top_builddir/examples/weakstress"}
say "Weak pointers made and dropped by many threads while two GC threads collect; the bug: both GC threads copy the same WEAK."
for seed in 1 2 3 4 5; do
    say "Run with seed $seed under rtsdb (+RTS -N2 -A64k -DS --inject=weak-race):"
    debug "$DEMO_TMP/transcript" "$DEMOS/weak-race.gdb" \
        --args "$PROG" 8 1000 $seed +RTS -N2 -A64k -DS --record=evac,gc,sanity --inject=weak-race -RTS
    if grep -q "^[^>(]*internal error" "$DEMO_TMP/transcript"; then
        say "Caught with seed $seed."
        exit 0
    fi
done
say "The race did not happen in 5 runs: run the demo again."
exit 77
