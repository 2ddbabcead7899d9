# plugin_basic.sh — the runtime-aware plugin's basic commands (rts info,
# threads, tso, mvar, closure, bd, gens, mutlist, weak, cafs):
#
# Note [Plugin test coverage] — which test runs each command of issue 7,
# on a live process and on a core, as text and as --json (keep it current):
#
#   command             live text  core text  live json  core json  test
#   rts info            yes        yes        yes        yes        plugin_basic
#   rts threads [-b]    yes        yes        yes        yes        plugin_basic
#   rts threads -n N    yes        yes        yes        yes        plugin_basic
#   rts tso             yes        yes        yes        yes        plugin_basic
#   rts mvar            yes        yes        yes        yes        plugin_basic
#   rts closure         yes        yes        yes        yes        plugin_basic
#   rts bd              yes        yes        yes        yes        plugin_basic
#   rts gens            yes        yes        yes        yes        plugin_basic
#   rts mutlist         yes        yes        yes        yes        plugin_basic
#   rts weak            yes        yes        yes        yes        plugin_basic
#   rts cafs            yes        yes        yes        yes        plugin_basic
#   rts findptr (CAF)   yes        yes        -          -          plugin_basic
#   rts census          yes        yes        yes        yes        plugin_heap
#   rts sanity          yes        yes        yes        yes        plugin_heap
#   rts findptr [--dot] yes        yes        yes        yes        plugin_heap
#   rts bt              yes        yes        yes        yes        plugin_heap
#   rts events          yes        yes        no         yes        plugin_events
#   rts trace mvar      yes        yes        no         yes        plugin_events
#   watch -evac         yes        refused    yes        refused    watch_evac
#   help rts ...        yes        yes        -          -          plugin_basic/heap/events, plugin_complete
#   tab completion      yes        yes        -          -          plugin_complete
#
# "refused": a core has no future, so watch -evac says so in one line.
# Live --json of rts events / trace mvar is not run (plugin_events.sh,
# owned by the events work).  The demos (demo_*.sh) run many of these
# again inside the workshop stories.
#
# The cases:
#   1. on a live target stopped in tests/debuggee/plugin_heap, each command
#      shows the known heap (three takers queued on an MVar, promoted to
#      generation 1; a putter on a full MVar; a weak; a dirty mutable
#      variable on the mut list; a CAF evaluated, one under evaluation by a
#      blocked thread and a thread blocked on its blackhole);
#   2. on a core of the same state (rtsdb's gcore) every command prints the
#      same thing, addresses and all (times masked: a core has no clock);
#   3. --json gives one parseable record per command with the same facts;
#   4. after `set var` writes garbage into the MVar queue and the TSOs, every
#      command still answers with a one-line message or a verdict (live and
#      on a core of the corrupted state), and the session goes on.
. "$top_srcdir/tests/integration/plugin_lib.sh"
PROG="$top_builddir/tests/debuggee/plugin_heap"

COMMANDS="rts info|rts threads|rts threads -b|rts tso 2|rts tso #5|rts tso 7|rts tso debug_mvar->head->tso|\
rts mvar debug_mvar|rts mvar debug_full_mvar|rts closure debug_key|rts closure debug_weak|\
rts bd debug_mvar|rts bd debug_mvar->head|rts bd debug_young|rts gens|rts mutlist|rts mutlist 0|rts weak|\
rts cafs|rts threads -n 2|rts findptr answer_caf.indirectee|help rts mvar|help rts tso"

# rtsdb_args: -ex for each command of COMMANDS
set_commands() {
    set --
    old_ifs=$IFS
    IFS='|'
    for c in $COMMANDS; do set -- "$@" -ex "$c"; done
    IFS=$old_ifs
    ARGS_FILE="$TMP/args"
    : >"$ARGS_FILE"
    for a in "$@"; do printf '%s\n' "$a" >>"$ARGS_FILE"; done
}
set_commands

# run_rtsdb OUT ARGS...: rtsdb with the -ex list of COMMANDS appended
run_rtsdb() {
    out=$1
    shift
    # shellcheck disable=SC2046
    ( IFS='
'; exec timeout 60 "$RTSDB" -q --batch "$@" $(cat "$ARGS_FILE") ) >"$out" 2>&1
}

# Times differ between a live process ("for 12 ms") and a core ("since N ns").
mask_times() { sed -e 's/, for [0-9.]* [mu]*s$/, T/' -e 's/, since [0-9]* ns (monotonic)$/, T/' \
                   -e 's/^  blocked for [0-9.]* [mu]*s$/  blocked T/' -e 's/^  blocked since [0-9]* ns (monotonic)$/  blocked T/'; }

# ---- 1. live ----
run_rtsdb "$TMP/live" -ex 'break plugin_heap_ready' -ex run -ex "gcore $TMP/core" "$PROG"
# the gcore and the commands ran in order; cut the start-up lines for the comparison
sed -n '/^debug-info ABI/,$p' "$TMP/live" | grep -v '^\[Inferior' >"$TMP/live.cmds"
grep -q '^Saved corefile' "$TMP/live" || fail "gcore"
L="$TMP/live"
check "rts info: ABI"            '^debug-info ABI 1\.[0-9]+ at 0x[0-9a-f]+, runtime "rtsdb-rts ' "$L"
check "rts info: flags"          '^runtime flags: nCapabilities=1 generations=2 ' "$L"
check "rts info: injected"       '^injected bugs: none$' "$L"
check "rts info: capabilities"   '^  cap 0: running ThreadId 1, ' "$L"
check "rts info: generations"    '^  gen 1: [0-9]+ blocks' "$L"
check "rts threads: main"        '^ThreadId 1 +TSO 0x[0-9a-f]+@[01n] cap 0 runnable$' "$L"
check "rts threads: a taker"     '^ThreadId 2 +TSO 0x[0-9a-f]+@1 cap 0 BlockedOnMVar +on MVar 0x[0-9a-f]+@1 CLEAN, for [0-9.]+ [mu]?s$' "$L"
check "rts threads: the putter"  '^ThreadId 5 +TSO 0x[0-9a-f]+@1 cap 0 BlockedOnMVar +on MVar 0x[0-9a-f]+@1 CLEAN, for ' "$L"
[ "$(grep -c '^ThreadId [2-5] .*BlockedOnMVar' "$L")" -eq 8 ] || fail "rts threads and rts threads -b: 4 blocked threads each"
[ "$(grep -c '^ThreadId 1 ' "$L")" -eq 1 ] || fail "rts threads -b lists the running main thread"
check "rts threads: blackhole"   '^ThreadId 7 +TSO 0x[0-9a-f]+@1 cap 0 BlockedOnBlackHole on blackhole 0x[0-9a-f]+@1 owned by ThreadId 6, for ' "$L"
check "rts tso 7: the owner"     '^  block_info = 0x[0-9a-f]+@1 \(stg_MSG_BLACKHOLE_info\): blackhole 0x[0-9a-f]+ owned by ThreadId 6 \(TSO 0x[0-9a-f]+\)$' "$L"
check "rts cafs: under evaluation" '^  0x[0-9a-f]+ \(gated\): being evaluated by ThreadId 6 \(blackhole 0x[0-9a-f]+@1\)$' "$L"
check "rts cafs: evaluated"      '^  0x[0-9a-f]+ \(answer\): evaluated -> 0x[0-9a-f]+@1 \(stg_MUT_VAR_CLEAN_info\)$' "$L"
check "rts tso 2"                '^TSO 0x[0-9a-f]+@1: ThreadId 2, cap 0, what_next=ThreadRunGHC, why_blocked=BlockedOnMVar$' "$L"
check "rts tso #5"               '^TSO 0x[0-9a-f]+@1: ThreadId 5, ' "$L"
check "rts tso: block_info"      '^  block_info = 0x[0-9a-f]+@1 \(stg_MVAR_CLEAN_info, CLEAN\)$' "$L"
check "rts tso: blocked for"     '^  blocked for [0-9.]+ [mu]?s$' "$L"
check "rts tso EXPR"             '^TSO 0x[0-9a-f]+@1: ThreadId 2, ' "$L"
check "rts mvar: header"         '^MVar 0x[0-9a-f]+@1: CLEAN, empty$' "$L"
check "rts mvar: queue"          '^  queue: 0x[0-9a-f]+@1 -> 0x[0-9a-f]+@1 -> 0x[0-9a-f]+@1 -> END$' "$L"
check "rts mvar: nodes"          '^    node 0x[0-9a-f]+@1: TSO 0x[0-9a-f]+@1 ThreadId 4 BlockedOnMVar$' "$L"
check "rts mvar: full"           '^MVar 0x[0-9a-f]+@1: CLEAN, full$' "$L"
check "rts mvar: value"          '^  value = 0x[0-9a-f]+@1 \(stg_MUT_VAR_CLEAN_info\)$' "$L"
check "rts closure"              '^0x[0-9a-f]+@1: stg_MUT_VAR_CLEAN_info \(MUT_VAR_CLEAN\), 1 ptrs, 0 nptrs$' "$L"
check "rts closure: payload"     '^  payload\[0\] = 0x0 \(NULL\)$' "$L"
check "rts closure of a weak"    '^0x[0-9a-f]+@1: stg_WEAK_info \(WEAK\)' "$L"
check "rts bd: nursery"          '^  gen_no=0 dest_no=[01] blocks=1 flags=.*BF_NURSERY.* \(nursery\)$' "$L"
check "rts bd"                   '^  gen_no=1 dest_no=1 blocks=1 flags=BF_EVACUATED \(old generation\)$' "$L"
check "rts gens"                 '^gen 0: [0-9]+ blocks \([0-9]+ words\), .* 2 collections \(0 parallel\)$' "$L"
check "rts mutlist"              '^cap 0, gen 1:$' "$L"
check "rts mutlist 0"            '^cap 0, gen 0:$' "$L"
check "rts mutlist: a dirty MUT_VAR" '^    0x[0-9a-f]+@1 stg_MUT_VAR_DIRTY_info$' "$L"
check "rts weak"                 '^    0x[0-9a-f]+@1 alive: key 0x[0-9a-f]+@1 \(stg_MUT_VAR_CLEAN_info\), value 0x[0-9a-f]+@1 \(stg_MVAR_CLEAN_info\), finalizer 0x0 \(NULL\)$' "$L"
check "rts threads -n 2"         '^\.\.\. and 5 more \(rts threads -n 0 lists them all\)$' "$L"
# a value only the evaluated CAF holds: the path starts at the static CAF
check "findptr: CAF referrer"    '^  0x[0-9a-f]+@static IND_STATIC field indirectee$' "$L"
check "findptr: path from a CAF" '^path 1, from the dyn_caf_list:$' "$L"
check "help rts mvar"            'blocked threads as 0x\.\.\.@1 -> 0x\.\.\.@0 -> END' "$L"
check "help rts tso"             'THREAD is a thread id' "$L"
grep -q '^ *verdict:' "$L" && fail "a sound heap got a verdict"
[ $failures -eq 0 ] || cat "$L"

# runtime flags and injected bugs in force (RTS_OPTS), two capabilities
RTS_OPTS='--inject=stats-race,weak-race -DS -N2' timeout 60 "$RTSDB" -q --batch -ex 'break plugin_heap_ready' \
    -ex run -ex 'rts info' -ex 'rts mutlist 1' "$PROG" >"$TMP/flags" 2>&1
check "rts info: -N2 -DS"        '^runtime flags: nCapabilities=2 generations=2 .* sanity=1 ' "$TMP/flags"
check "rts info: --inject"       '^injected bugs: weak-race stats-race$' "$TMP/flags"
check "rts info: two caps"       '^  cap 1: running (none|ThreadId [0-9]+), ' "$TMP/flags"
check "rts mutlist: every cap"   '^cap 1, gen 1:$' "$TMP/flags"
[ $failures -eq 0 ] || cat "$TMP/flags"

# ---- 2. the same commands on the core ----
[ -s "$TMP/core" ] || { fail "no core written"; finish_test; }
run_rtsdb "$TMP/corerun" --core "$TMP/core" "$PROG"
sed -n '/^debug-info ABI/,$p' "$TMP/corerun" >"$TMP/core.cmds"
check "core: blocked since (no clock)" '^  blocked since [0-9]+ ns \(monotonic\)$' "$TMP/corerun"
mask_times <"$TMP/live.cmds" >"$TMP/live.masked"
mask_times <"$TMP/core.cmds" >"$TMP/core.masked"
same_file "the core shows what the live process showed" "$TMP/live.masked" "$TMP/core.masked"

# ---- 3. --json, on the core and on the live process ----
JSON_CMDS="-ex 'rts info' -ex 'rts threads -b' -ex 'rts threads -n 2' -ex 'rts mvar debug_mvar' \
    -ex 'rts tso 3' -ex 'rts weak' -ex 'rts bd debug_mvar' -ex 'rts gens' -ex 'rts mutlist' \
    -ex 'rts closure debug_key' -ex 'rts cafs'"
# (the live program's own output lines are not rtsdb's: dropped)
eval "timeout 60 \"\$RTSDB\" --json --batch -ex 'break plugin_heap_ready' -ex run $JSON_CMDS \"\$PROG\"" \
    2>&1 | grep -v '^queued ' >"$TMP/livejson"
eval "timeout 60 \"\$RTSDB\" --json --batch --core \"\$TMP/core\" \"\$PROG\" $JSON_CMDS" >"$TMP/json" 2>&1
for where in livejson json; do
jq -e . "$TMP/$where" >/dev/null 2>&1 || fail "--json ($where): every line is JSON"
j() { grep -F "\"command\":\"$1\"" "$TMP/$where" | jq -c "$2"; }
live=false; [ $where = livejson ] && live=true
check_eq "json ($where) rts info" "[1,$live,1,2]" "$(j 'rts info' '[.data.abi_major, .data.live, .data.flags.nCapabilities, (.data.generations|length)]')"
check_eq "json ($where) rts threads -n" '[2,5]' "$(j 'rts threads -n 2' '[(.data.threads|length), .data.more]')"
check_eq "json rts threads -b" '[2,3,4,5,6,7]' "$(j 'rts threads -b' '[.data.threads[].id]|sort')"
check_eq "json rts mvar"   '["CLEAN","@1",[2,3,4],"END",[]]' \
    "$(j 'rts mvar debug_mvar' '[.data.state, .data.gen, [.data.queue[].id], .data.queue_end, .data.verdicts]')"
check_eq "json rts tso"    '[3,"BlockedOnMVar","CLEAN"]' "$(j 'rts tso 3' '[.data.id, .data.why_blocked, .data.blocked_on.mvar_state]')"
check_eq "json rts weak"   '[false,"stg_MUT_VAR_CLEAN_info"]' \
    "$(j 'rts weak' '[.data.weak_lists[] | .weaks[]] | .[0] | [.dead, .key_type]')"
check_eq "json rts bd"     '[1,false,"BF_EVACUATED"]' "$(j 'rts bd debug_mvar' '[.data.gen_no, .data.nursery, .data.flag_names]')"
check_eq "json rts cafs"   '[["gated",false],["answer",true]]' "$(j 'rts cafs' '[.data.cafs[] | [.saved_info, (.indirectee_type|test("BLACKHOLE")|not)]]')"
check_eq "json rts closure" '["MUT_VAR_CLEAN",1]' "$(j 'rts closure debug_key' '[.data.type, .data.ptrs]')"
check_eq "json ($where) rts gens" '2' "$(j 'rts gens' '.data.generations|length')"
check_eq "json ($where) rts mutlist" 'true' "$(j 'rts mutlist' '(.data.mut_lists|length) > 0')"
done

# ---- 4. garbage in the target: messages and verdicts, never a crash ----
BAD="rts mvar debug_mvar|rts mvar debug_full_mvar|rts threads|rts tso 2|rts tso 4|rts weak|rts mutlist|rts info|rts gens|\
rts bd debug_mvar->head|rts closure debug_mvar->head|rts mvar 0xaaaaaaaaaaaaaaaa|rts tso 0xaaaaaaaaaaaaaaaa|\
rts closure 0xaaaaaaaaaaaaaaaa|rts bd 0xaaaaaaaaaaaaaaaa|rts closure 0|rts closure 0x10|rts mvar debug_key|\
rts tso #99|rts tso #x|rts tso|rts mvar nosuchvar|rts mutlist 7|rts threads -x|rts cafs|rts sanity"
corrupt_run() {   # corrupt_run OUT SETUP... : the commands after the setup writes
    out=$1
    shift
    COMMANDS="$BAD"
    set_commands
    run_rtsdb "$out" -ex 'break plugin_heap_ready' -ex run "$@" -ex 'echo END\n' "$PROG"
    grep -q '^END$' "$out" || fail "the session did not go on after the commands ($out)"
    grep -Eqi 'segmentation|internal error|aborted|core dumped' "$out" && fail "rtsdb crashed ($out)"
}
# a dangling queue head, a TSO queued elsewhere than it says, a self-loop in the thread list
corrupt_run "$TMP/bad1" -ex 'set var debug_mvar->head = 0xaaaaaaaaaaaaaaaa' \
    -ex 'set var debug_full_mvar->head->tso->why_blocked = 0' \
    -ex 'set var debug_weak->link = debug_weak' -ex "gcore $TMP/badcore"
B="$TMP/bad1"
check "bad head: verdict"        '^  verdict: queue node 0xaaaaaaaaaaaaaaaa is not an MVAR_TSO_QUEUE: .*freed memory' "$B"
check "bad head: queue line"     '^  queue: 0xaaaaaaaaaaaaaaaa@\? -> \?$' "$B"
check "tso 2 not in its queue"   '^  verdict: why_blocked=BlockedOnMVar but ThreadId 2 is not in the queue of MVar 0x[0-9a-f]+$' "$B"
check "mvar: blocked mismatch"   'verdict: blocked mismatch: ThreadId 5 is queued on this MVar but why_blocked=NotBlocked' "$B"
check "weak list cycle"          '^    verdict: the list has a cycle at 0x[0-9a-f]+$' "$B"
check "0xaaaa mvar"              '^0xaaaaaaaaaaaaaaaa is not a closure pointer: it is the fill of freed memory' "$B"
check "0xaaaa bd"                '^0xaaaaaaaaaaaaaaaa is not in the heap$' "$B"
check "null closure"             '^0x0 is not a closure pointer \(misaligned or null\)$' "$B"
check "unreadable closure"       '^cannot read closure at 0x10$' "$B"
check "not an MVar"              '^0x[0-9a-f]+ is not an MVar \(stg_MUT_VAR_CLEAN_info\)$' "$B"
check "no such thread"           '^No thread with id 99 \(see "rts threads"\)\.$' "$B"
check "bad thread id"            '^Bad thread id "#x" \(use #N\)\.$' "$B"
check "no argument"              '^Argument required \(an address or an expression\)\.$' "$B"
check "bad expression"           'nosuchvar' "$B"
check "bad generation"           '^Usage: rts mutlist \[GEN\]' "$B"
check "bad option"               '^Usage: rts threads \[-b\]' "$B"
check "rts cafs"                 '^CAFs on dyn_caf_list:$' "$B"
check "sanity: weak list cycle"  '^sanity: weak list of gen [01] does not end: the list has a cycle at 0x[0-9a-f]+$' "$B"
check "sanity: bad queue head"   'field head: MVar 0x[0-9a-f]+ queue: 0xaaaaaaaaaaaaaaaa holds the 0xaa fill of freed memory \(dangling pointer\)$' "$B"
# the same garbage on a core
COMMANDS="$BAD"
set_commands
run_rtsdb "$TMP/bad2" --core "$TMP/badcore" -ex 'echo END\n' "$PROG"
grep -q '^END$' "$TMP/bad2" || fail "core of the corrupted state: the session did not go on"
grep -q '^  verdict: queue node 0xaaaaaaaaaaaaaaaa' "$TMP/bad2" || fail "core of the corrupted state: no verdict"
# the #18919 state: a CLEAN generation-1 MVar given a nursery value behind
# the write barrier's back; and a dangling weak-list link
corrupt_run "$TMP/bad5" -ex 'set var debug_full_mvar->value = debug_young' \
    -ex 'set var debug_weak->link = 0xaaaaaaaaaaaaaaaa'
check "missing write barrier"    '^  verdict: clean MVar in generation 1 points at a generation-0 value \(value = 0x[0-9a-f]+\) and is not on a mut list: missing write barrier$' "$TMP/bad5"
check "sanity: weak list link"   '^sanity: weak list of gen [01]: 0xaaaaaaaaaaaaaaaa holds the 0xaa fill of freed memory \(dangling pointer\)$' "$TMP/bad5"
check "sanity: write barrier"    '^sanity: MVAR_CLEAN 0x[0-9a-f]+ \(gen 1, clean\) field value: old-to-young pointer \(gen 1 -> gen 0\) but the object is not on the mut list of gen 1 \(missing write barrier\)$' "$TMP/bad5"
# a cycle in the MVar queue and in the thread list
corrupt_run "$TMP/bad3" -ex 'set var debug_mvar->tail->link = debug_mvar->head' \
    -ex 'set var debug_mvar->head->tso->global_link = debug_mvar->head->tso'
check "queue cycle"              '^  verdict: the queue has a cycle at 0x[0-9a-f]+$' "$TMP/bad3"
check "thread list cycle"        '^verdict: the thread list has a cycle at TSO 0x[0-9a-f]+$' "$TMP/bad3"
check "sanity: thread list cycle" '^sanity: thread list of gen [01] does not end: the list has a cycle at 0x[0-9a-f]+$' "$TMP/bad3"
check "sanity: queue cycle"      'queue does not end after [0-9]+ nodes \(cycle\)$' "$TMP/bad3"
# text scribbled over a TSO, as in the seed (JSON over *tso)
corrupt_run "$TMP/bad4" -ex 'set var *(unsigned long *)debug_mvar->head->tso = 0x3a22706d61747365' \
    -ex 'set var debug_mvar->head->tso->id = 0x3235393230363122'
check "scribbled TSO: mvar node" '^    node 0x[0-9a-f]+@1: TSO 0x[0-9a-f]+@1 ThreadId' "$TMP/bad4"
check "scribbled TSO: tso"       'has header 0x3a22706d61747365, which is not an info table' "$TMP/bad4"
[ $failures -eq 0 ] || { for f in bad1 bad2 bad3 bad4 bad5; do echo "== $f"; cat "$TMP/$f"; done; }
finish_test
