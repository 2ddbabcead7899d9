#!/bin/sh
# weak-race.sh — the WEAK evacuation race: two GC threads both copy one
# weak pointer (+RTS --inject=weak-race restores the pre-fix sanity check
# that trips over the losing copy); rtsdb stops at the runtime's check and
# shows the WEAK, its block, the recorder's lost copy race that made it
# (both copies and the GC thread that made each), the winning copy and
# the weak lists; then the same from a core file.  +RTS --gc-chaos
# (Note [GC chaos mode], rts/sm/GCUtils.c) widens the GC's copy races with
# legal pauses only, so the race happens within a second.  Tries seeds 1,
# 2, ... (at most 5 runs); exit 0 caught, 77 not reproduced in those runs.
. "$(dirname "$0")/lib.sh"
PROG=${DEMO_PROG:-"$top_builddir/examples/weakstress"}
say "Weak pointers made and dropped by many threads while two GC threads collect; the bug: both GC threads copy the same WEAK."
for seed in 1 2 3 4 5; do
    say "Run with seed $seed under rtsdb (+RTS -N2 -A64k -DS --gc-chaos=$seed --record=evac,gc,sanity --inject=weak-race):"
    debug "$DEMO_TMP/transcript" "$DEMOS/weak-race.gdb" \
        --args "$PROG" 8 200 $seed +RTS -N2 -A64k -DS --gc-chaos=$seed --record=evac,gc,sanity --inject=weak-race -RTS
    if grep -q "^[^>(]*internal error" "$DEMO_TMP/transcript"; then
        say "Caught with seed $seed."
        cat >"$DEMO_TMP/weak-race-core.gdb" <<'GDB'
source weak.gdb
source winner.gdb
print rts_barf_message
rts closure $weak
rts events --cat evac --addr $weak
rts closure $winner
GDB
        say "The same from the core file saved at the check (rtsdb --core): the message, the stale WEAK, the race, the winning copy:"
        debug_each "$DEMO_TMP/core-transcript" "$DEMO_TMP/weak-race-core.gdb" --core "$DEMO_TMP/weak.core" "$PROG"
        exit 0
    fi
done
say "The race did not happen in 5 runs: run the demo again."
exit 77
