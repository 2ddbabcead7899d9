# plugin_heap.sh — the heap analyses (rts census, rts sanity, rts findptr)
# and rts bt, on tests/debuggee/plugin_trace stopped in plugin_trace_ready:
#   1. live: the census counts the known objects by type and generation
#      (nursery apart), sanity finds nothing on the healthy heap, findptr
#      names the referrers of the traced MVar and a path from a root (and
#      writes it as Graphviz), rts bt unwinds a blocked green thread's C
#      stack from its saved context and lists its root frames;
#   2. a core of the same state (rtsdb's gcore) gives the same output;
#   3. --json carries the same facts, on the core and live;
#   4. planted violations — an old MUT_VAR pointing at a nursery object
#      without a write barrier, the 0xaa fill in an MVar's value, a queued
#      thread whose why_blocked is garbage — are each reported in one line
#      naming object, field and generations, live and on a core (as in
#      Sanity.c, an MVar's queue is checked from the threads blocked on it:
#      Note [Stale MVar copies]);
#   5. bad arguments get one-line errors and the session goes on.
. "$top_srcdir/tests/integration/plugin_lib.sh"
PROG="$top_builddir/tests/debuggee/plugin_trace"

# ---- 1. live ----
rtsdb -ex 'break plugin_trace_ready' -ex run -ex 'rts census' -ex 'rts sanity' \
    -ex 'rts findptr debug_mvar' -ex "rts findptr debug_mvar --dot $TMP/paths.dot" -ex 'rts bt 4' \
    -ex 'echo CUT\n' -ex "gcore $TMP/core" "$PROG" >"$TMP/live"
L="$TMP/live"
check "census: header"          '^closure type +where +objects +bytes$' "$L"
check "census: old MVars"       '^MVAR_DIRTY +gen 1 +2 +64$' "$L"
check "census: young mut var"   '^MUT_VAR_DIRTY +nursery +1 +16$' "$L"
check "census: old mut var"     '^MUT_VAR_CLEAN +gen 1 +1 +16$' "$L"
check "census: aged queue nodes" '^MVAR_TSO_QUEUE +gen 0 +2 +48$' "$L"
check "census: threads"         '^TSO +(gen [01]|nursery) +[0-9]+ +[0-9]+$' "$L"
check "census: total"           '^total +all +[0-9]+ +[0-9]+$' "$L"
check "sanity: healthy heap"    '^0 violations in [0-9]+ blocks, [0-9]+ objects, 4 threads, [0-9]+ mut-list entries, 0 weaks$' "$L"
grep -q '^sanity:' "$L" && fail "sanity reported a violation on a healthy heap"
check "findptr: the object"     '^0x[0-9a-f]+@1 MVAR_DIRTY$' "$L"
check "findptr: referrers"      '^[0-9]+ heap fields point here:$' "$L"
check "findptr: a stack root"   '^  0x[0-9a-f]+@[01n] STACK field stack frame ROOT_FRAME@sp\+[0-9]+ roots\[[0-9]+\]$' "$L"
check "findptr: a path"         '^path [0-9], from the (running thread of cap 0|thread list of gen [01]|run queue of cap 0):$' "$L"
check "findptr: path ends at X" '^  -> 0x[0-9a-f]+@1 MVAR_DIRTY$' "$L"
check "findptr --dot"           "^wrote $TMP/paths.dot\$" "$L"
grep -q '^digraph findptr {' "$TMP/paths.dot" 2>/dev/null || fail "the dot file is not a graph"
grep -q -- '-> "0x[0-9a-f]*" \[label="stackobj"\]' "$TMP/paths.dot" 2>/dev/null || fail "dot: the stackobj edge"
check "bt: C stack header"      '^C stack of ThreadId 4 \(saved context 0x[0-9a-f]+, sp 0x[0-9a-f]+\):$' "$L"
check "bt: the blocking call"   '^#[0-9]+ +(0x[0-9a-f]+ in )?waitForValue ' "$L"   # no address when inlined
check "bt: ends at the trampoline" '^#[0-9]+ +0x[0-9a-f]+ in rts_green_trampoline ' "$L"
check "bt: Haskell stack"       '^Haskell stack 0x[0-9a-f]+@[01n] \([0-9]+ words, sp 0x[0-9a-f]+\):$' "$L"
check "bt: root frame"          '^  #0 stg_roots_frame_info: [0-9]+ roots?$' "$L"
check "bt: the MVar it waits on" '^      roots\[[0-9]\] = 0x[0-9a-f]+@1 stg_MVAR_DIRTY_info$' "$L"
check "bt: stop frame"          '^  #[0-9]+ stg_stop_frame_info$' "$L"
[ $failures -eq 0 ] || cat "$L"

# ---- 2. the core shows the same ----
[ -s "$TMP/core" ] || { fail "no core written"; finish_test; }
rtsdb -ex 'rts census' -ex 'rts sanity' -ex 'rts findptr debug_mvar' -ex "rts findptr debug_mvar --dot $TMP/core.dot" \
    -ex 'rts bt 4' -ex 'echo CUT\n' --core "$TMP/core" "$PROG" >"$TMP/corerun"
sed -n '/^closure type/,/^CUT$/p' "$L" | sed 's/core\.dot/paths.dot/' >"$TMP/live.cmds"
sed -n '/^closure type/,/^CUT$/p' "$TMP/corerun" | sed "s|$TMP/core.dot|$TMP/paths.dot|" >"$TMP/core.cmds"
same_file "the core shows what the live process showed" "$TMP/live.cmds" "$TMP/core.cmds"

# ---- 3. --json ----
timeout 60 "$RTSDB" --json --batch --core "$TMP/core" "$PROG" -ex 'rts census' -ex 'rts sanity' \
    -ex 'rts findptr debug_mvar' -ex 'rts bt 4' >"$TMP/json" 2>&1
jq -e . "$TMP/json" >/dev/null 2>&1 || fail "--json: every line is JSON"
j() { grep -F "\"command\":\"$1\"" "$TMP/json" | jq -c "$2"; }
check_eq "json census"  '[2,64]' "$(j 'rts census' '.data.census[] | select(.type=="MVAR_DIRTY") | [.objects,.bytes]')"
check_eq "json sanity"  '[0,[]]' "$(j 'rts sanity' '[.data.count, .data.violations]')"
check_eq "json findptr" 'true' "$(j 'rts findptr debug_mvar' '(.data.paths|length) >= 1 and (.data.referrers|length) >= 1')"
check_eq "json bt"      '[4,"stg_stop_frame_info"]' "$(j 'rts bt 4' '[.data.id, .data.frames[-1].frame]')"
# the same on the live process (its own output lines are not JSON: dropped)
timeout 60 "$RTSDB" --json --batch -ex 'break plugin_trace_ready' -ex run -ex 'rts census' -ex 'rts sanity' \
    -ex 'rts findptr debug_mvar' -ex 'rts bt 4' "$PROG" 2>&1 | grep '^{' >"$TMP/json"
[ "$(grep -c '"command":"rts' "$TMP/json")" -eq 4 ] || fail "--json live: four rts records"
jq -e . "$TMP/json" >/dev/null 2>&1 || fail "--json live: every line is JSON"
check_eq "live json census"  '[2,64]' "$(j 'rts census' '.data.census[] | select(.type=="MVAR_DIRTY") | [.objects,.bytes]')"
check_eq "live json sanity"  '[0,[]]' "$(j 'rts sanity' '[.data.count, .data.violations]')"
check_eq "live json findptr" 'true' "$(j 'rts findptr debug_mvar' '(.data.paths|length) >= 1 and (.data.referrers|length) >= 1')"
check_eq "live json bt"      '[4,"stg_stop_frame_info"]' "$(j 'rts bt 4' '[.data.id, .data.frames[-1].frame]')"

# ---- 4. planted violations ----
rtsdb -ex 'break plugin_trace_ready' -ex run -ex 'set var debug_old_ref->var = debug_young' \
    -ex 'set var debug_mvar->value = 0xaaaaaaaaaaaaaaaa' \
    -ex 'set var debug_block_mvar->head->tso->why_blocked = 99' \
    -ex 'rts sanity' -ex "gcore $TMP/badcore" -ex 'echo END\n' "$PROG" >"$TMP/bad"
B="$TMP/bad"
check "missing write barrier" '^sanity: MUT_VAR_CLEAN 0x[0-9a-f]+ \(gen 1, clean\) field var: old-to-young pointer \(gen 1 -> gen 0\) but the object is not on the mut list of gen 1 \(missing write barrier\)$' "$B"
check "0xaa fill"             '^sanity: MVAR_DIRTY 0x[0-9a-f]+ \(gen 1, dirty\) field value: 0xaaaaaaaaaaaaaaaa holds the 0xaa fill of freed memory \(dangling pointer\)$' "$B"
check "bad why_blocked"       '^sanity: TSO 0x[0-9a-f]+ \(gen [01], (clean|dirty)\) field why_blocked: invalid why_blocked 99$' "$B"
check "every violation counted" '^3 violations in ' "$B"
check "the session goes on"   '^END$' "$B"
rtsdb -ex 'rts sanity' --core "$TMP/badcore" "$PROG" >"$TMP/badcore.out"
grep '^sanity:\|violations' "$B" >"$TMP/bad.lines"
grep '^sanity:\|violations' "$TMP/badcore.out" >"$TMP/badcore.lines"
same_file "the core of the planted state reports the same violations" "$TMP/bad.lines" "$TMP/badcore.lines"
[ $failures -eq 0 ] || cat "$B"

# ---- 5. bad arguments ----
rtsdb -ex 'rts census bogus' -ex 'rts sanity -n x' -ex 'rts findptr' -ex 'rts findptr nosuchvar' \
    -ex 'rts findptr 0xaaaaaaaaaaaaaaaa' -ex 'rts findptr debug_mvar --dot' -ex 'rts bt' -ex 'rts bt #99' \
    -ex 'rts bt debug_mvar' -ex 'rts bt 0xaaaaaaaaaaaaaaaa' -ex 'help rts census' -ex 'help rts findptr' \
    -ex 'echo END\n' --core "$TMP/core" "$PROG" >"$TMP/args"
A="$TMP/args"
check "census usage"     '^Usage: rts census \[--json\]$' "$A"
check "sanity usage"     '^Usage: rts sanity \[-n MAX_REPORTED\]$' "$A"
check "findptr no arg"   '^Argument required' "$A"
check "findptr 0xaa"     '^0xaaaaaaaaaaaaaaaa@[^ ]* \(bad: 0xaaaaaaaaaaaaaaaa is not a closure pointer' "$A"
check "findptr --dot"    '^Usage: rts findptr ADDRESS \[--dot FILE\]$' "$A"
check "bt no thread"     '^No thread with id 99' "$A"
check "bt not a TSO"     '^0x[0-9a-f]+ is not a TSO \(stg_MVAR_DIRTY_info\)\.$' "$A"
check "bt 0xaa"          '^0xaaaaaaaaaaaaaaaa is not a closure pointer' "$A"
check "help census"      'nurseries in their own column' "$A"
check "help findptr"     'Graphviz' "$A"
check "the session goes on" '^END$' "$A"
grep -Eqi 'segmentation|internal error|aborted|core dumped' "$A" "$B" && fail "rtsdb crashed"
[ $failures -eq 0 ] || cat "$A"
finish_test
