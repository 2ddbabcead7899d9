#!/bin/sh
# watch_evac.sh — `watch -evac` on a live process (commands/rts_watch.c).
# A weak pointer and an MVar are watched while the program runs four GCs:
# each copy stops the program in the copying GC thread with the hit line
# and its backtrace, the watch follows the object (the next hit starts from
# the last copy's address), `info watchpoints`, `rts watch` and `delete`
# work, and after delete the program runs to its end.  The same program
# with an evacuation slot it set itself, and no debugger, still exits 0:
# the trap is harmless.
. "$top_srcdir/tests/integration/demo_lib.sh"
PROG="$top_builddir/tests/debuggee/watch_evac"

# No debugger: a slot of its own, four GCs, the trap called, the program fine.
if ! "$PROG" self >"$TMP/self.out" 2>&1 || ! grep -qx done "$TMP/self.out"; then
    echo "FAIL: with its own evacuation slot and no debugger the program did not finish:"
    cat "$TMP/self.out"
    failures=$((failures + 1))
fi

run_rtsdb "$TMP/out" -ex 'break watch_evac_ready' -ex run \
    -ex 'watch -evac debug_weak' -ex 'watch -evac *debug_mvar' -ex 'info watchpoints' \
    -ex 'rts watch' -ex continue -ex continue -ex 'info watchpoints' -ex 'delete 2' \
    -ex continue -ex continue -ex 'rts watch' -ex delete -ex 'rts watch' -ex continue \
    -ex 'watch -evac 0x10' "$PROG"
compare "$TMP/out" "$top_srcdir/tests/integration/watch_evac.expected"
# Every hit stops in the GC with the copy in the backtrace.
expect_count "$TMP/out" "in watchEvacuated (" 4
expect_count "$TMP/out" "in GarbageCollect (" 4
# The watch follows its object: each hit of watchpoint 3 starts where the
# previous one's copy went.
grep 'hit evacuation watchpoint 3:' "$TMP/out" |
    sed -E 's/.*\) (0x[0-9a-f]+)@[^ ]* -> (0x[0-9a-f]+)@.*/\1 \2/' >"$TMP/moves"
prev=
while read -r from to; do
    if [ -n "$prev" ] && [ "$from" != "$prev" ]; then
        echo "FAIL: a hit starts at $from, the previous copy went to $prev"
        failures=$((failures + 1))
    fi
    prev=$to
done <"$TMP/moves"
[ "$(wc -l <"$TMP/moves")" -eq 3 ] || { echo "FAIL: expected 3 moves of the MVar"; failures=$((failures + 1)); }
finish_test
