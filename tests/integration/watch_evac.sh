#!/bin/sh
# watch_evac.sh — `watch -evac` on a live process (commands/rts_watch.c).
# A weak pointer and an MVar are watched while the program runs four GCs:
# each copy stops the program in the copying GC thread with the hit line
# and its backtrace, the watch follows the object (the next hit starts from
# the last copy's address), `info watchpoints`, `rts watch` and `delete`
# work, and after delete the program runs to its end.  The same program
# with an evacuation slot it set itself, and no debugger, still exits 0:
# the trap is harmless.  --json carries the hit; on a core, watch -evac
# refuses in one line (a core has no future) and rts watch still works.
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
# Every hit stops in the GC with the copy in the backtrace: the function
# that copied (copy_tag: WEAKs and MVars are mutable), evacuate, and the GC
# (Note [Evacuation frames on the stack] in rts/sm/local.mk).
expect_count "$TMP/out" "in watchEvacuated (" 4
expect_count "$TMP/out" "in copy_tag (" 4
expect_count "$TMP/out" "in evacuate (" 4
expect_count "$TMP/out" "in GarbageCollect (" 4
# the weak is reached by the weak-list pass, copy_tag right under evacuate
grep -A1 ' in copy_tag (' "$TMP/out" | grep -q ' in evacuate (' \
    || { echo "FAIL: copy_tag is not called from evacuate in the backtrace"; failures=$((failures + 1)); }
grep -q ' in markWeakPtrList (' "$TMP/out" \
    || { echo "FAIL: no markWeakPtrList frame for the weak pointer's copy"; failures=$((failures + 1)); }
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

# --json: the hit is a record with the copy's facts and the backtrace.
timeout 60 "$RTSDB" -q --json --batch -ex 'break watch_evac_ready' -ex run -ex 'watch -evac debug_weak' \
    -ex continue "$PROG" 2>&1 | grep '"command":"continue"' >"$TMP/json"
got=$(jq -c '.data | [.reason, .wpnum, .info, .gc, (.frames | map(select(test(" in (watchEvacuated|GarbageCollect) "))) | length)]' \
      "$TMP/json" 2>/dev/null)
if [ "$got" != '["evacuation-watchpoint-trigger",2,"stg_WEAK_info",0,2]' ]; then
    echo "FAIL: --json hit record: $got"
    cat "$TMP/json"
    failures=$((failures + 1))
fi

# A core has no future: watch -evac says so in one line; rts watch still reads the table.
timeout 60 "$RTSDB" -q --batch -ex 'break watch_evac_ready' -ex run -ex "gcore $TMP/core" "$PROG" \
    >/dev/null 2>&1
timeout 60 "$RTSDB" -q --batch --core "$TMP/core" "$PROG" -ex 'watch -evac debug_weak' -ex 'rts watch' \
    -ex 'echo END\n' >"$TMP/core.out" 2>&1
cat >"$TMP/core.want" <<'X'
watch -evac needs a live process: a core file has no future to watch.
rts_watch_table at 0x...: 0 of 16 slots active
END
X
sed 's/0x[0-9a-f]*/0x.../g' "$TMP/core.out" | diff -u "$TMP/core.want" - \
    || { echo "FAIL: watch -evac on a core"; failures=$((failures + 1)); }
timeout 60 "$RTSDB" -q --json --batch --core "$TMP/core" "$PROG" -ex 'watch -evac debug_weak' 2>&1 |
    grep '"command":"watch -evac debug_weak"' | jq -e '.ok == false and (.error | test("core file has no future"))' \
    >/dev/null 2>&1 || { echo "FAIL: --json watch -evac on a core"; failures=$((failures + 1)); }
finish_test
