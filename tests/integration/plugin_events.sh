# plugin_events.sh — the flight-recorder commands (rts events, rts trace
# mvar, rts record) on tests/debuggee/plugin_trace, whose MVar history is
# known: it is made and moved by two GCs (nursery -> gen 0 -> gen 1), two
# takers block (queue nodes in the nursery), a GC moves the nodes, two puts
# wake them, a put and a take.
#   1. live, recording from the start (+RTS --record=mvar,gc): the merged
#      table, its filters, and the trace of the MVar as the seed's table
#      (op, head/tail with generation suffixes, [c]/[d] before and after),
#      the GC's moves of the MVar and its queue nodes (MVAR_MOVE) as gc rows,
#      and events filtered by address (--addr);
#   2. a core of the same state gives the same tables; the trace from the
#      MVar's first (nursery) address follows it forward to the same rows;
#      `rts record` cannot write to a core and says so; 2b. two MVars born
#      at one nursery address (tests/debuggee/plugin_trace_reuse): each
#      trace shows its own MVar's events only, live and on a core, and a
#      dropped MVar's trace ends at the GC that freed it;
#   3. recording switched on at run time by `rts record` (written into the
#      stopped process) records the history; `off` switches it off; without
#      recording the trace says what is missing;
#   4. --json carries the same rows; 5. bad arguments get one-line errors;
#   6. lost copy races: mvar-repro under +RTS --gc-chaos (which makes them
#      common) records one EVAC_RACE per race the GC lost (its own count),
#      and rts events decodes them, live and from a core: the object, the
#      winning and the losing copy, and two different GC threads, the
#      loser's being the ring that recorded it.
. "$top_srcdir/tests/integration/plugin_lib.sh"
PROG="$top_builddir/tests/debuggee/plugin_trace"

# the op column of a trace table
ops() { awk '$1 ~ /^[0-9]+$/ && $3 ~ /^(cap|gc)[0-9]+$/ { printf "%s ", $4 }' "$1" | sed 's/ $//'; }

# ---- 1. live, recording from the start ----
EXPECTED_OPS="gc gc block block gc put put put take"
rtsdb -ex 'break plugin_trace_ready' -ex run -ex 'echo CUT\n' -ex 'rts record' -ex 'rts events --cat mvar -n 0' \
    -ex 'rts events --cat gc -n 2' -ex 'rts events --cap 0 -n 3' -ex 'echo ADDR\n' -ex 'rts events --addr debug_mvar -n 0' \
    -ex 'echo ADDR\n' -ex 'rts trace mvar debug_mvar' -ex 'echo CUT\n' \
    -ex "gcore $TMP/core" --args "$PROG" +RTS --record=mvar,gc -RTS >"$TMP/live"
L="$TMP/live"
check "record: what is on"     '^recording: gc,mvar \(mask 0x5\)$' "$L"
check "events: header"         '^ +time\(ms\) +ring +event +details$' "$L"
check "events: a block"        '^ +[0-9.]+ +cap0 +MVAR_BLOCK +mvar 0x[0-9a-f]+ head 0x[0-9a-f]+@n tail 0x[0-9a-f]+@n \[c\]->\[d\]$' "$L"
check "events: a put"          '^ +[0-9.]+ +cap0 +MVAR_PUT +mvar 0x[0-9a-f]+ head (END|0x[0-9a-f]+@[01n]) tail (END|0x[0-9a-f]+@[01n]) \[[cd]\]->\[[cd]\]$' "$L"
check "events: a GC"           '^ +[0-9.]+ +cap0 +GC_END +GC #[0-9]+ of gen [01], [0-9]+ bytes copied$' "$L"
check "events: the GC moved the MVar" '^ +[0-9.]+ +gc0 +MVAR_MOVE +MVAR_(CLEAN|DIRTY) 0x[0-9a-f]+@0 -> 0x[0-9a-f]+@1 by gc0, GC #[0-9]+$' "$L"
check "events: ... and a queue node" '^ +[0-9.]+ +gc0 +MVAR_MOVE +MVAR_TSO_QUEUE 0x[0-9a-f]+@0 -> 0x[0-9a-f]+@0 by gc0, GC #[0-9]+$' "$L"
MV=$(sed -n 's/^MVar \(0x[0-9a-f]*\): [0-9]* operations, .*/\1/p' "$L")
sed -n '/^ADDR$/,/^ADDR$/p' "$L" | grep -E '^ +[0-9.]+ +(cap|gc)[0-9]' >"$TMP/byaddr"
check_eq "events --addr: 6 operations and the move into it" "7" "$(wc -l <"$TMP/byaddr" | tr -d ' ')"
grep -v "$MV" "$TMP/byaddr" && fail "events --addr: an event that does not name $MV"
check "events -n: older ones"  '^\([0-9]+ older events not shown: rts events -n [0-9]+\)$' "$L"
check "trace: title"           '^MVar 0x[0-9a-f]+: 6 operations, 3 collections in the recorder \(recording: gc,mvar\)$' "$L"
check "trace: header"          '^ +# +time\(ms\) ring +op +mvar +head +tail +state$' "$L"
check "trace: made in the nursery, moved" '^ +1 +[0-9.]+ cap0 +gc +0x[0-9a-f]+@0 +- +- +GC #[0-9]+ of gen 0, moved from 0x[0-9a-f]+ by gc0$' "$L"
check "trace: promoted to gen 1" '^ +2 +[0-9.]+ cap0 +gc +0x[0-9a-f]+@1 +- +- +GC #[0-9]+ of gen 0, moved from 0x[0-9a-f]+ by gc0$' "$L"
check "trace: first block"     '^ +3 +[0-9.]+ cap0 +block +0x[0-9a-f]+ +0x[0-9a-f]+@n +0x[0-9a-f]+@n +\[c\]->\[d\]$' "$L"
check "trace: gc row: where the nodes went" '^ +5 +[0-9.]+ cap0 +gc +0x[0-9a-f]+ +0x[0-9a-f]+@0 +0x[0-9a-f]+@0 +GC #[0-9]+ of gen 0$' "$L"
check "trace: put after the GC shows the moved node" '^ +6 +[0-9.]+ cap0 +put +0x[0-9a-f]+ +0x[0-9a-f]+@0 +0x[0-9a-f]+@0 +\[d\]->\[d\]$' "$L"
check "trace: empty queue"     '^ +9 +[0-9.]+ cap0 +take +0x[0-9a-f]+ +END +END +\[d\]->\[d\]$' "$L"
sed -n '/^MVar 0x.* operations, /,/^CUT$/p' "$L" >"$TMP/live.trace"
check_eq "trace: the ops in order" "$EXPECTED_OPS" "$(ops "$TMP/live.trace")"
# the tail of row 5 is the head the put of row 6 exposes
tail5=$(awk '$1 == 5 && $4 == "gc" { print $7 }' "$TMP/live.trace")
head6=$(awk '$1 == 6 && $4 == "put" { print $6 }' "$TMP/live.trace")
check_eq "trace: the gc row's tail is the put's new head" "$tail5" "$head6"
grep -q 'earlier history not derivable' "$L" && fail "trace: the moves make the history complete"
[ $failures -eq 0 ] || cat "$L"

# ---- 2. the core ----
[ -s "$TMP/core" ] || { fail "no core written"; finish_test; }
rtsdb -ex 'echo CUT\n' -ex 'rts record' -ex 'rts events --cat mvar -n 0' -ex 'rts events --cat gc -n 2' \
    -ex 'rts events --cap 0 -n 3' -ex 'echo ADDR\n' -ex 'rts events --addr debug_mvar -n 0' -ex 'echo ADDR\n' \
    -ex 'rts trace mvar debug_mvar' -ex 'echo CUT\n' -ex 'rts record mvar' \
    --core "$TMP/core" "$PROG" >"$TMP/corerun"
sed -n '/^CUT$/,/^CUT$/p' "$L" >"$TMP/live.cmds"
sed -n '/^CUT$/,/^CUT$/p' "$TMP/corerun" >"$TMP/core.cmds"
same_file "the core shows what the live process showed" "$TMP/live.cmds" "$TMP/core.cmds"
check "record on a core"       '^Cannot switch recording on a core file' "$TMP/corerun"
first=$(sed -n 's/^ *1 .* moved from \(0x[0-9a-f]*\) by gc0$/\1/p' "$TMP/live.trace")
rtsdb -ex "rts trace mvar $first" --core "$TMP/core" "$PROG" >"$TMP/fwd"
check_eq "trace from the MVar's first address: the same rows" "$EXPECTED_OPS" "$(ops "$TMP/fwd")"
check "trace from the first address: titled by it" "^MVar $first: 6 operations, 3 collections" "$TMP/fwd"

# ---- 2b. one nursery address, two MVars ----
# plugin_trace_reuse makes two MVars one after the other at the same
# nursery address (the first moved away by the GC between them): the trace
# of the second must not show the first's operations or moves (Note
# [Following an MVar across GCs]), live and on a core.
REUSE="$top_builddir/tests/debuggee/plugin_trace_reuse"
rtsdb -ex 'break plugin_trace_reuse_ready' -ex run -ex 'echo CUT\n' -ex 'rts trace mvar debug_mvar2' -ex 'echo CUT\n' \
    -ex 'rts trace mvar debug_mvar1' -ex 'echo CUT\n' -ex "gcore $TMP/reuse.core" \
    --args "$REUSE" +RTS --record=mvar,gc -RTS >"$TMP/reuse"
U="$TMP/reuse"
check "reuse: both MVars born at one address" '^plugin_trace_reuse: born at (0x[0-9a-f]+) and \1: same address$' "$U"
A=$(sed -n 's/^plugin_trace_reuse: born at \(0x[0-9a-f]*\) and .*/\1/p' "$U")
D=$(sed -n 's/^plugin_trace_reuse: the dropped MVar was at \(0x[0-9a-f]*\)$/\1/p' "$U")
# part N of a transcript: the lines after the Nth CUT, up to the next
part() { awk -v want="$1" '/^CUT$/ { n++; next } n == want' "$2"; }
part 1 "$U" >"$TMP/reuse2"
part 2 "$U" >"$TMP/reuse1"
check_eq "reuse: the second MVar's rows only" "put take gc" "$(ops "$TMP/reuse2")"
check "reuse: its title counts its rows" '^MVar 0x[0-9a-f]+: 2 operations, 1 collection in the recorder' "$TMP/reuse2"
check "reuse: the first's events left out, and said" \
    "^\\(3 earlier events at $A are another object's: this MVar was made there after GC #1\\)$" "$TMP/reuse2"
check "reuse: the second's one move" "^ +3 .* gc +0x[0-9a-f]+@0 .* GC #2 of gen 0, moved from $A by gc0$" "$TMP/reuse2"
check_eq "reuse: the first MVar's rows, none of the second's" "put take put gc gc" "$(ops "$TMP/reuse1")"
rtsdb -ex 'echo CUT\n' -ex 'rts trace mvar debug_mvar2' -ex 'echo CUT\n' -ex 'rts trace mvar debug_mvar1' \
    -ex 'echo CUT\n' -ex "rts trace mvar $A" -ex 'echo CUT\n' -ex "rts trace mvar $D" \
    --core "$TMP/reuse.core" "$REUSE" >"$TMP/reuse.corerun"
{ part 1 "$U"; part 2 "$U"; } >"$TMP/reuse.live.cmds"
{ part 1 "$TMP/reuse.corerun"; part 2 "$TMP/reuse.corerun"; } >"$TMP/reuse.core.cmds"
same_file "reuse: the core shows the same traces" "$TMP/reuse.live.cmds" "$TMP/reuse.core.cmds"
part 3 "$TMP/reuse.corerun" >"$TMP/reuse.byaddr"
check_eq "reuse: by the shared address, its newest object (the second)" "put take gc" "$(ops "$TMP/reuse.byaddr")"
part 4 "$TMP/reuse.corerun" >"$TMP/reuse.dead"
check_eq "reuse: a dropped MVar ends at the GC that freed it" "put" "$(ops "$TMP/reuse.dead")"
check "reuse: ... and the trace says so" \
    "^\\(GC #2 collected $D's generation without moving it: the MVar died there or its move was not recorded" "$TMP/reuse.dead"
timeout 60 "$RTSDB" --json --batch --core "$TMP/reuse.core" "$REUSE" -ex 'rts trace mvar debug_mvar2' \
    -ex "rts trace mvar $D" >"$TMP/reuse.json" 2>&1
check_eq "reuse --json: the second MVar's counts, birth and its address's earlier events" '[2,1,1,3,true]' \
    "$(grep -F '"command":"rts trace mvar debug_mvar2"' "$TMP/reuse.json" |
        jq -c '.data | [.operations, .collections, .born_after_gc, .earlier_occupant_events, .history_complete]')"
check_eq "reuse --json: the dropped MVar died in GC #2" '2' \
    "$(grep -F "\"command\":\"rts trace mvar $D\"" "$TMP/reuse.json" | jq -c '.data.died_in_gc')"
[ $failures -eq 0 ] || cat "$U" "$TMP/reuse.corerun"

# ---- 3. switched on at run time, then off ----
rtsdb -ex 'break plugin_trace_begin' -ex 'break plugin_trace_ready' -ex run -ex 'rts record show' \
    -ex 'rts record mvar,gc' -ex continue -ex 'rts trace mvar debug_mvar' -ex 'echo CUT\n' -ex 'rts record off' \
    -ex 'rts record' "$PROG" >"$TMP/switch"
S="$TMP/switch"
check "record: off at start"   '^recording: none \(mask 0x0\)$' "$S"
check "record: switched on"    '^recording: gc,mvar \(mask 0x5\)$' "$S"
sed -n '/^MVar 0x.* operations, /,/^CUT$/p' "$S" >"$TMP/switch.trace"
check_eq "run-time recording: the ops in order" "$EXPECTED_OPS" "$(ops "$TMP/switch.trace")"
[ "$(grep -c '^recording: none (mask 0x0)$' "$S")" -eq 3 ] || fail "record off (none at start, after off, and shown)"
rtsdb -ex 'break plugin_trace_ready' -ex run -ex 'rts trace mvar debug_mvar' -ex 'rts events' "$PROG" >"$TMP/off"
check "no recording: the trace says why" '^no MVar events for 0x[0-9a-f]+: the mvar category is off' "$TMP/off"
check "no recording: events say how"     '^no events recorded \(switch categories on with "rts record CATS"' "$TMP/off"
[ $failures -eq 0 ] || cat "$S" "$TMP/off"

# ---- 4. --json ----
timeout 60 "$RTSDB" --json --batch --core "$TMP/core" "$PROG" -ex 'rts trace mvar debug_mvar' \
    -ex 'rts events --cat gc -n 2' -ex 'rts record' >"$TMP/json" 2>&1
jq -e . "$TMP/json" >/dev/null 2>&1 || fail "--json: every line is JSON"
j() { grep -F "\"command\":\"$1\"" "$TMP/json" | jq -c "$2"; }
check_eq "json trace ops" '["gc","gc","block","block","gc","put","put","put","take"]' "$(j 'rts trace mvar debug_mvar' '[.data.trace[].op]')"
check_eq "json trace first block" '["clean","dirty"]' "$(j 'rts trace mvar debug_mvar' '.data.trace[2] | [.before, .after]')"
check_eq "json trace: a move" '[true,0,1]' "$(j 'rts trace mvar debug_mvar' '.data.trace[1] | [.moved, .gc_thread * 0, .to_gen]')"
check_eq "json trace complete" 'true' "$(j 'rts trace mvar debug_mvar' '.data.history_complete')"
check_eq "json events" '["GC_START","GC_END"]' "$(j 'rts events --cat gc -n 2' '[.data.events[].event]')"
check_eq "json record" '5' "$(j 'rts record' '.data.enabled')"

# ---- 5. bad arguments ----
rtsdb -ex 'rts events -n' -ex 'rts events -n x' -ex 'rts events --cat bogus' -ex 'rts events -x' \
    -ex 'rts record bogus' -ex 'rts record a b' -ex 'rts trace mvar' -ex 'rts trace mvar nosuchvar' \
    -ex 'help rts trace mvar' -ex 'help rts record' -ex 'echo END\n' --core "$TMP/core" "$PROG" >"$TMP/args"
A="$TMP/args"
check "events -n needs a value" '^-n needs a value\.' "$A"
check "events -n x"           '^-n takes a number, not "x"\.$' "$A"
check "unknown category"      '^unknown event category "bogus" \(known: all,gc,' "$A"
check "unknown argument"      '^Unknown argument "-x"\.' "$A"
check "record usage"          '^Usage: rts record \[CATS\|off\|show\]' "$A"
check "trace needs an address" '^Argument required' "$A"
check "help trace"            'generation at the time \(@n nursery, @0, @1; END when empty\)' "$A"
check "help record"           'rts_recorder.enabled' "$A"
check "the session goes on"   '^END$' "$A"
grep -Eqi 'segmentation|internal error|aborted|core dumped' "$A" "$L" "$S" && fail "rtsdb crashed"
[ $failures -eq 0 ] || cat "$A"

# ---- 6. lost copy races ----
REPRO="$top_builddir/examples/mvar-repro"
REPRO_RTS="-N2 -G3 --gc-chaos=1 --record=evac,gc"
# shellcheck disable=SC2086
timeout 60 "$REPRO" 5 256 +RTS $REPRO_RTS -l"$TMP/races.log" -RTS >"$TMP/repro.out" 2>&1
lost=$(sed -n 's/^gc-chaos: .* GCs, \([0-9]*\) lost copy races.*/\1/p' "$TMP/repro.out")
recorded=$(grep -c ' EVENT_EVAC_RACE ' "$TMP/races.log")
[ "${lost:-0}" -gt 0 ] || fail "--gc-chaos: no lost copy race in mvar-repro 5 ($(tail -n 1 "$TMP/repro.out"))"
check_eq "every lost copy race is recorded (the GC's count vs EVAC_RACE events)" "$lost" "$recorded"
# shellcheck disable=SC2086
rtsdb -ex 'break exitFlightRecorder' -ex run -ex 'rts events --cat evac -n 0' -ex "gcore $TMP/races.core" \
    --args "$REPRO" 5 256 +RTS $REPRO_RTS -RTS >"$TMP/races.live"
R='EVAC_RACE +race: [A-Z_]+ 0x[0-9a-f]+@[0-9] copied twice: gc([01]) -> 0x[0-9a-f]+@[0-9] \(won\), gc([01]) -> 0x[0-9a-f]+@[0-9] \(lost\)$'
check "a race, decoded" "^ +[0-9.]+ +gc[01] +$R" "$TMP/races.live"
grep -E "$R" "$TMP/races.live" | sed -E "s/^ +[0-9.]+ +gc([01]) +$R/\1 \2 \3/" | while read -r ring won lost_by; do
    [ "$won" != "$lost_by" ] && [ "$ring" = "$lost_by" ] || echo "bad race: ring gc$ring, won by gc$won, lost by gc$lost_by"
done >"$TMP/races.bad"
[ -s "$TMP/races.bad" ] && fail "races: $(head -n 1 "$TMP/races.bad")"
timeout 60 "$RTSDB" --json --batch --core "$TMP/races.core" "$REPRO" -ex 'rts events --cat evac -n 0' >"$TMP/races.json" 2>&1
check_eq "core: the same races as the live process" \
    "$(grep -cE "$R" "$TMP/races.live")" \
    "$(grep -F '"command":"rts events --cat evac -n 0"' "$TMP/races.json" | jq '[.data.events[] | select(.event == "EVAC_RACE")] | length')"
check_eq "core --json: each race's fields agree" "true" \
    "$(grep -F '"command":"rts events --cat evac -n 0"' "$TMP/races.json" | jq '[.data.events[] | select(.event == "EVAC_RACE") |
        .ring == "gc\(.loser_gc_thread)" and .winner_gc_thread != .loser_gc_thread and .winner != .loser and
        .from == .a and .winner == .b and .loser == .c and (.closure_type | test("^[A-Z_]+$"))] | (length > 0) and all')"
[ $failures -eq 0 ] || cat "$TMP/repro.out" "$TMP/races.live"
finish_test
