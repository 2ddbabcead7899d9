# plugin_events.sh — the flight-recorder commands (rts events, rts trace
# mvar, rts record) on tests/debuggee/plugin_trace, whose MVar history is
# known: two takers block (queue nodes in the nursery), a GC, two puts wake
# them, a put and a take.
#   1. live, recording from the start (+RTS --record=mvar,gc): the merged
#      table, its filters, and the trace of the MVar as the seed's table
#      (op, head/tail with generation suffixes, [c]/[d] before and after);
#   2. a core of the same state gives the same tables; `rts record` cannot
#      write to a core and says so;
#   3. recording switched on at run time by `rts record` (written into the
#      stopped process) records the history; `off` switches it off; without
#      recording the trace says what is missing;
#   4. --json carries the same rows; 5. bad arguments get one-line errors.
. "$top_srcdir/tests/integration/plugin_lib.sh"
PROG="$top_builddir/tests/debuggee/plugin_trace"

# the op column of a trace table
ops() { awk '$1 ~ /^[0-9]+$/ && $3 ~ /^(cap|gc)[0-9]+$/ { printf "%s ", $4 }' "$1" | sed 's/ $//'; }

# ---- 1. live, recording from the start ----
EXPECTED_OPS="block block gc put put put take"
rtsdb -ex 'break plugin_trace_ready' -ex run -ex 'echo CUT\n' -ex 'rts record' -ex 'rts events --cat mvar -n 0' \
    -ex 'rts events --cat gc -n 2' -ex 'rts events --cap 0 -n 3' -ex 'rts trace mvar debug_mvar' -ex 'echo CUT\n' \
    -ex "gcore $TMP/core" --args "$PROG" +RTS --record=mvar,gc -RTS >"$TMP/live"
L="$TMP/live"
check "record: what is on"     '^recording: gc,mvar \(mask 0x5\)$' "$L"
check "events: header"         '^ +time\(ms\) +ring +event +details$' "$L"
check "events: a block"        '^ +[0-9.]+ +cap0 +MVAR_BLOCK +mvar 0x[0-9a-f]+ head 0x[0-9a-f]+@n tail 0x[0-9a-f]+@n \[c\]->\[d\]$' "$L"
check "events: a put"          '^ +[0-9.]+ +cap0 +MVAR_PUT +mvar 0x[0-9a-f]+ head (END|0x[0-9a-f]+@[01n]) tail (END|0x[0-9a-f]+@[01n]) \[[cd]\]->\[[cd]\]$' "$L"
check "events: a GC"           '^ +[0-9.]+ +cap0 +GC_END +GC #[0-9]+ of gen [01], [0-9]+ bytes copied$' "$L"
check "events -n: older ones"  '^\([0-9]+ older events not shown: rts events -n [0-9]+\)$' "$L"
check "trace: title"           '^MVar 0x[0-9a-f]+: 6 MVar events in the recorder \(recording: gc,mvar\)$' "$L"
check "trace: header"          '^ +# +time\(ms\) ring +op +mvar +head +tail +state$' "$L"
check "trace: first block"     '^ +1 +[0-9.]+ cap0 +block +0x[0-9a-f]+ +0x[0-9a-f]+@n +0x[0-9a-f]+@n +\[c\]->\[d\]$' "$L"
check "trace: gc row"          '^ +3 +[0-9.]+ cap0 +gc +GC #[0-9]+ of gen 0: head/tail may move' "$L"
check "trace: put after the GC shows the moved node" '^ +4 +[0-9.]+ cap0 +put +0x[0-9a-f]+ +0x[0-9a-f]+@0 +0x[0-9a-f]+@0 +\[d\]->\[d\]$' "$L"
check "trace: empty queue"     '^ +7 +[0-9.]+ cap0 +take +0x[0-9a-f]+ +END +END +\[d\]->\[d\]$' "$L"
sed -n '/^MVar 0x.*MVar events/,/^CUT$/p' "$L" >"$TMP/live.trace"
check_eq "trace: the ops in order" "$EXPECTED_OPS" "$(ops "$TMP/live.trace")"
check "trace: says what it cannot know" '^\(earlier history not derivable: a GC ran before the first event shown' "$L"
[ $failures -eq 0 ] || cat "$L"

# ---- 2. the core ----
[ -s "$TMP/core" ] || { fail "no core written"; finish_test; }
rtsdb -ex 'echo CUT\n' -ex 'rts record' -ex 'rts events --cat mvar -n 0' -ex 'rts events --cat gc -n 2' \
    -ex 'rts events --cap 0 -n 3' -ex 'rts trace mvar debug_mvar' -ex 'echo CUT\n' -ex 'rts record mvar' \
    --core "$TMP/core" "$PROG" >"$TMP/corerun"
sed -n '/^CUT$/,/^CUT$/p' "$L" >"$TMP/live.cmds"
sed -n '/^CUT$/,/^CUT$/p' "$TMP/corerun" >"$TMP/core.cmds"
same_file "the core shows what the live process showed" "$TMP/live.cmds" "$TMP/core.cmds"
check "record on a core"       '^Cannot switch recording on a core file' "$TMP/corerun"

# ---- 3. switched on at run time, then off ----
rtsdb -ex 'break plugin_trace_begin' -ex 'break plugin_trace_ready' -ex run -ex 'rts record show' \
    -ex 'rts record mvar,gc' -ex continue -ex 'rts trace mvar debug_mvar' -ex 'echo CUT\n' -ex 'rts record off' \
    -ex 'rts record' "$PROG" >"$TMP/switch"
S="$TMP/switch"
check "record: off at start"   '^recording: none \(mask 0x0\)$' "$S"
check "record: switched on"    '^recording: gc,mvar \(mask 0x5\)$' "$S"
sed -n '/^MVar 0x.*MVar events/,/^CUT$/p' "$S" >"$TMP/switch.trace"
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
check_eq "json trace ops" '["block","block","gc","put","put","put","take"]' "$(j 'rts trace mvar debug_mvar' '[.data.trace[].op]')"
check_eq "json trace first row" '["clean","dirty"]' "$(j 'rts trace mvar debug_mvar' '.data.trace[0] | [.before, .after]')"
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
finish_test
