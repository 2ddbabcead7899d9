#!/bin/sh
# demo_races.sh — the weak-race demo (examples/demos/weak-race.sh), the
# #5558 demo (dupe-5558.sh) and the Stats.c race demo (stats-race.sh),
# each run once in batch mode.  A demo that catches its race (status 0)
# must show what it promises:
#   - weak race: the WEAK the runtime's check names is the losing copy of
#     an EVAC_RACE the recorder holds, made by another GC thread than the
#     winning copy, live and again from the core file; its narration is
#     the weak-race section of demo_races.expected (seed masked);
#   - #5558: two stops in the effect and two winning CAF entries;
#   - Stats.c: the assertion, its stack through stat_gcThreadsDone and the
#     stats-race section of demo_races.expected.
# A run whose race did not happen (77) is reported, not failed.
. "$top_srcdir/tests/integration/demo_lib.sh"
DEMOS_SRC="$top_srcdir/examples/demos"

# run_demo NAME OUT: examples/demos/NAME.sh in batch mode, its output in
# $TMP/OUT (LAST_OUT, shown on failure) and its status in $st.
run_demo() {
    sh "$DEMOS_SRC/$1.sh" >"$TMP/$2" 2>&1
    st=$?
    LAST_OUT="$TMP/$2"
}

# section NAME: that section of demo_races.expected
section() { sed -n "/^== $1\$/,/^== /p" "$top_srcdir/tests/integration/demo_races.expected" | grep -v '^== '; }

run_demo weak-race weak
case $st in
0)  echo "ok: weak race caught"
    weak=$(grep -m1 'internal error: sanity: WEAK' "$TMP/weak" | sed -n 's/.*WEAK \(0x[0-9a-f]*\).*/\1/p')
    race="EVAC_RACE +race: WEAK 0x[0-9a-f]+@[0-9] copied twice: gc([0-9]) -> 0x[0-9a-f]+@[0-9] \(won\), gc([0-9]) -> $weak@[0-9] \(lost\)$"
    [ -n "$weak" ] || fail "weak race: no WEAK named by the check"
    live=$(sed -n '/^>>> Caught with seed/q;p' "$TMP/weak" | grep -m1 -E "$race" | sed -E "s/.*$race/\1 \2/")
    core=$(sed -n '/^>>> The same from the core file/,$p' "$TMP/weak" | grep -E "$race" | sed -E "s/.*$race/\1 \2/")
    case $live in
    "0 1"|"1 0") echo "ok: weak race: the named WEAK is the losing copy, winner and loser by different GC threads ($live)" ;;
    *) fail "weak race: no EVAC_RACE whose losing copy is $weak (live: '$live')" ;;
    esac
    [ -n "$core" ] && [ "$core" = "$live" ] ||
        fail "weak race: the core shows another race ('$core' vs '$live')"
    expect "$TMP/weak" "Saved corefile weak.core"
    grep '^>>>' "$TMP/weak" | sed -E 's/seed [0-9]+/seed N/g; s/gc-chaos=[0-9]+/gc-chaos=N/' >"$TMP/weak.all"
    # the narration of the run that caught it: from its "Run with seed" line on
    awk '/^>>> Run with seed/ { n = NR } { l[NR] = $0 } END { for (i = n; i <= NR; i++) print l[i] }' \
        "$TMP/weak.all" >"$TMP/weak.narration"
    section weak-race >"$TMP/weak.expected"
    compare "$TMP/weak.narration" "$TMP/weak.expected" ;;
77) echo "ok: weak race did not happen in 5 runs (the demo said so)" ;;
*)  fail "weak-race demo: status $st" ;;
esac

run_demo dupe-5558 dupe
case $st in
0)  echo "ok: #5558: the effect ran twice, caught"
    n=$(grep -c 'hit Breakpoint 1, print_me' "$TMP/dupe")
    [ "$n" -ge 2 ] || fail "#5558: $n stops in the effect"
    won=$(grep 'CAF_ENTER' "$TMP/dupe" | grep ' won$' | sort -u | wc -l)
    [ "$won" -ge 2 ] || fail "#5558: $won winning CAF entries recorded"
    expect "$TMP/dupe" "(ioThunk): being evaluated by ThreadId" ;;
77) echo "ok: #5558: the race did not happen in 5 runs (the demo said so)" ;;
*)  fail "#5558 demo: status $st" ;;
esac

run_demo stats-race stats
case $st in
0)  echo "ok: Stats.c race caught"
    expect "$TMP/stats" "in stat_gcThreadsDone ("
    grep '^>>>' "$TMP/stats" >"$TMP/stats.narration"
    section stats-race >"$TMP/stats.expected"
    compare "$TMP/stats.narration" "$TMP/stats.expected" ;;
77) echo "ok: Stats.c race did not happen in this run (the demo said so)" ;;
*)  fail "Stats.c race demo: status $st" ;;
esac
finish_test
