#!/bin/sh
# run-recorder.sh — `make bench-recorder`: what the flight recorder costs
# (issue 5), beside what GHC's eventlog costs on the same workloads.
#
#   hooks   examples/pingpong -N1 and gcstress built twice: as usual, and
#           with the runtime compiled with -DRTS_NO_RECORDER (every
#           traceEnabled() site compiles away; a second out-of-tree build
#           in a temporary directory, same compiler and flags).  With
#           recording off, the slowdown of the real build over that one is
#           the price of the hooks: the issue asks for "within noise".
#   on      the same binaries with --record=all: the extra time per round
#           trip divided by the events recorded per round trip (counted
#           from the -l dump's "N events recorded" header, one more run) is
#           the cost of one event.
#   GHC     the Haskell twins (tests/bench/pingpong.hs, gcstress.hs,
#           bchan.hs) built with -eventlog, run without and with +RTS -l:
#           GHC's slowdown.
#   bchan   bchan-bench -N1 -A64k (a BoundedChan of BCHAN_DEPTH slot MVars,
#           small nursery): the GC copies MVars and their queue nodes, so
#           with recording on it also records MVAR_MOVE events (counted
#           from the -l dump: the GC thread's ring, which holds them).
#   moves   tests/bench/mvar_moves -N1: MOVES_MVARS MVars copied by each of
#           MOVES_GCS major GCs, so every copy goes through copy_tag's
#           MVar-move site: no hooks vs recording off is that site's cost
#           when off, --record=mvar vs off the cost of one MVAR_MOVE event.
#           Those differences are a few ns, below this shared machine's
#           noise, so when valgrind is installed the same three are also
#           counted in instructions (callgrind: independent of the load),
#           per MVar copied.
#
# Each figure is the median of REPEAT runs, the variants interleaved.  Prints a table and appends it
# to tests/bench/RESULTS.md between the recorder markers (rewriting only
# that section).
#
# Environment: REPEAT (default 5), ROUNDS (pingpong, default 200000),
# GC_ROUNDS / GC_RING (gcstress, default 5000 / 1024), BCHAN_MESSAGES /
# BCHAN_DEPTH (bchan-bench with 4 producers and 4 consumers, default 200000 / 256),
# MOVES_MVARS / MOVES_GCS (mvar_moves, default 50000 / 10).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
REPEAT=${REPEAT:-5}
ROUNDS=${ROUNDS:-200000}
GC_ROUNDS=${GC_ROUNDS:-5000}
GC_RING=${GC_RING:-1024}
BCHAN_MESSAGES=${BCHAN_MESSAGES:-200000}
BCHAN_DEPTH=${BCHAN_DEPTH:-256}
MOVES_MVARS=${MOVES_MVARS:-50000}
MOVES_GCS=${MOVES_GCS:-10}
ex="$top_builddir/examples"
results="$top_srcdir/tests/bench/RESULTS.md"
work=$(mktemp -d /tmp/bench-recorder.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

for p in examples/pingpong examples/gcstress examples/bchan-bench tests/bench/mvar_moves; do
    [ -x "$top_builddir/$p" ] || { echo "run-recorder.sh: $top_builddir/$p is not built (run make first)" >&2; exit 1; }
done
if ! command -v ghc >/dev/null 2>&1; then
    echo "run-recorder.sh: installing ghc (apt-get install -y ghc)"
    sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq ghc >/dev/null
fi

# ---- the runtime without the hooks, and the GHC twins with -eventlog ----
echo "run-recorder.sh: building the runtime with -DRTS_NO_RECORDER (out of tree, $work/nohooks)"
mkdir -p "$work/nohooks"
(cd "$work/nohooks" && "$top_srcdir/configure" -q CPPFLAGS=-DRTS_NO_RECORDER >/dev/null &&
    make -j2 examples/pingpong examples/gcstress examples/bchan-bench tests/bench/mvar_moves >/dev/null 2>&1) ||
    { echo "run-recorder.sh: the -DRTS_NO_RECORDER build failed (see $work/nohooks)" >&2; exit 1; }
nohooks="$work/nohooks/examples"
for t in pingpong gcstress bchan; do
    mkdir -p "$work/o-$t"
    ghc -O2 -threaded -rtsopts -eventlog -v0 -outputdir "$work/o-$t" -o "$work/$t-hs" \
        "$top_srcdir/tests/bench/$t.hs"
done

# once NAME CMD...: run CMD once in $work and append its figure to
# $work/NAME.runs: the "pingpong: N ns/roundtrip" or "bchan: N ns/message"
# figure, or for gcstress the wall time in ms.  The variants are interleaved run by run, so that a
# change in the machine's load hits them all alike.
once() {
    name=$1; shift
    t0=$(date +%s%N)
    (cd "$work" && "$@") > "$work/out" 2>&1 ||
        { echo "run-recorder.sh: failed: $*" >&2; tail -n 5 "$work/out" >&2; exit 1; }
    t1=$(date +%s%N)
    if grep -q '^pingpong: ' "$work/out"; then
        sed -n 's/^pingpong: \([0-9.]*\) ns\/.*/\1/p' "$work/out" | tail -n 1 >> "$work/$name.runs"
    elif grep -q '^mvar_moves: ' "$work/out"; then
        sed -n 's/^mvar_moves: \([0-9.]*\) ns .*/\1/p' "$work/out" | tail -n 1 >> "$work/$name.runs"
    elif grep -q '^bchan: ' "$work/out"; then
        sed -n 's/^bchan: \([0-9.]*\) ns\/.*/\1/p' "$work/out" | tail -n 1 >> "$work/$name.runs"
    else
        echo "$(( (t1 - t0) / 1000000 ))" >> "$work/$name.runs"
    fi
}
median() { sort -g "$work/$1.runs" | sed -n "$(( (REPEAT + 1) / 2 ))p"; }

# events CMD...: events the recorder took in one run with -l (from the dump header)
events() {
    "$@" +RTS -l"$work/count.eventlog" -RTS > /dev/null 2>&1
    sed -n 's/^# rtsdb flight recorder: .*, \([0-9]*\) events recorded$/\1/p' "$work/count.eventlog"
}
# moves: MVAR_MOVE events in the dump events() just wrote
moves() { grep -c ' EVENT_MVAR_MOVE ' "$work/count.eventlog" || true; }

abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
ex=$(abs "$ex")
moves_prog=$(abs "$top_builddir/tests/bench/mvar_moves")
MOVES="$MOVES_MVARS $MOVES_GCS"

BCHAN="$BCHAN_MESSAGES 4 4 $BCHAN_DEPTH"
echo "run-recorder.sh: pingpong -N1 ($ROUNDS round trips), gcstress 1 $GC_ROUNDS $GC_RING -N1 -A1m and bchan-bench $BCHAN -N1 -A64k, $REPEAT interleaved runs each"
i=0
while [ "$i" -lt "$REPEAT" ]; do
    once pp_nohooks "$nohooks/pingpong" "$ROUNDS" +RTS -N1 -RTS
    once pp_off "$ex/pingpong" "$ROUNDS" +RTS -N1 -RTS
    once pp_on "$ex/pingpong" "$ROUNDS" +RTS -N1 --record=all -RTS
    once pp_hs_off "$work/pingpong-hs" "$ROUNDS" same +RTS -N1 -RTS
    once pp_hs_on "$work/pingpong-hs" "$ROUNDS" same +RTS -N1 -l -RTS
    once gc_nohooks "$nohooks/gcstress" 1 "$GC_ROUNDS" "$GC_RING" +RTS -N1 -A1m -RTS
    once gc_off "$ex/gcstress" 1 "$GC_ROUNDS" "$GC_RING" +RTS -N1 -A1m -RTS
    once gc_on "$ex/gcstress" 1 "$GC_ROUNDS" "$GC_RING" +RTS -N1 -A1m --record=all -RTS
    once gc_hs_off "$work/gcstress-hs" 1 "$GC_ROUNDS" "$GC_RING" +RTS -N1 -A1m -RTS
    once gc_hs_on "$work/gcstress-hs" 1 "$GC_ROUNDS" "$GC_RING" +RTS -N1 -A1m -l -RTS
    # shellcheck disable=SC2086
    {
        once bc_nohooks "$nohooks/bchan-bench" $BCHAN +RTS -N1 -A64k -RTS
        once bc_off "$ex/bchan-bench" $BCHAN +RTS -N1 -A64k -RTS
        once bc_on "$ex/bchan-bench" $BCHAN +RTS -N1 -A64k --record=all -RTS
        once bc_hs_off "$work/bchan-hs" $BCHAN +RTS -N1 -A64k -RTS
        once bc_hs_on "$work/bchan-hs" $BCHAN +RTS -N1 -A64k -l -RTS
        once mv_nohooks "$work/nohooks/tests/bench/mvar_moves" $MOVES +RTS -N1 -RTS
        once mv_off "$moves_prog" $MOVES +RTS -N1 -RTS
        once mv_on "$moves_prog" $MOVES +RTS -N1 --record=mvar -RTS
    }
    i=$((i + 1))
done
for v in pp_nohooks pp_off pp_on pp_hs_off pp_hs_on gc_nohooks gc_off gc_on gc_hs_off gc_hs_on \
    bc_nohooks bc_off bc_on bc_hs_off bc_hs_on mv_nohooks mv_off mv_on; do
    eval "$v=\$(median $v)"
done
pp_events=$(events "$ex/pingpong" "$ROUNDS" +RTS -N1 -RTS)
gc_events=$(events "$ex/gcstress" 1 "$GC_ROUNDS" "$GC_RING" +RTS -N1 -A1m -RTS)
# shellcheck disable=SC2086
bc_events=$(events "$ex/bchan-bench" $BCHAN +RTS -N1 -A64k -RTS)
bc_moves=$(moves)
# shellcheck disable=SC2086
mv_events=$(events "$moves_prog" $MOVES +RTS -N1 --record=mvar -RTS)
mv_ns_ev=$(awk -v on="$mv_on" -v off="$mv_off" 'BEGIN { printf "%.1f", on - off }')
bc_ns_ev=$(awk -v on="$bc_on" -v off="$bc_off" -v m="$BCHAN_MESSAGES" -v n="$bc_events" \
    'BEGIN { if (n > 0) printf "%.1f", (on - off) * m / n; else printf "n/a" }')

# Instructions (callgrind) of mvar_moves without hooks, off and on, per
# MVar copied (the copies are the MVAR_MOVE events of the recording run).
ir_line="(valgrind not installed: no instruction counts)"
if command -v valgrind >/dev/null 2>&1; then
    ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
           sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
    IR_MOVES="20000 5"
    # shellcheck disable=SC2086
    {
        ir_nohooks=$(ir "$work/nohooks/tests/bench/mvar_moves" $IR_MOVES +RTS -N1 -RTS)
        ir_off=$(ir "$moves_prog" $IR_MOVES +RTS -N1 -RTS)
        ir_on=$(ir "$moves_prog" $IR_MOVES +RTS -N1 --record=mvar -RTS)
        ir_copies=$(events "$moves_prog" $IR_MOVES +RTS -N1 --record=mvar -RTS)
    }
    ir_line=$(awk -v n="$ir_nohooks" -v off="$ir_off" -v on="$ir_on" -v c="$ir_copies" -v a="$IR_MOVES" 'BEGIN {
        printf "Instructions (callgrind, independent of the load), mvar_moves %s -N1, %d MVars copied: no hooks %d, ", a, c, n
        printf "recording off %d, --record=mvar %d; per MVar copied: off - no hooks = %.2f, on - off = %.1f (one MVAR_MOVE event).", off, on, (off - n) / c, (on - off) / c }')
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
per_event() {   # per_event T_ON T_OFF UNITS_PER_RUN_SCALE EVENTS: ns per event
    awk -v on="$1" -v off="$2" -v scale="$3" -v n="$4" \
        'BEGIN { if (n > 0) printf "%.1f", (on - off) * scale / n; else printf "n/a" }'
}
pp_ev_per_rt=$(awk -v n="$pp_events" -v r="$ROUNDS" 'BEGIN { printf "%.1f", n / r }')
pp_ns_ev=$(per_event "$pp_on" "$pp_off" "$ROUNDS" "$pp_events")
# gcstress records a few hundred events in a second: its on/off difference
# is noise, not a per-event cost, so only ping-pong gives ns per event.

host="$(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1 | cut -c1-40)"
ghcv=$(ghc --numeric-version)
section="$work/section.md"
cat > "$section" <<EOF
<!-- recorder:begin (written by tests/bench/run-recorder.sh) -->
## Flight recorder cost (make bench-recorder)

$(date -u '+%Y-%m-%d %H:%M UTC'); $host; GHC $ghcv; median of $REPEAT runs; load average $(cut -d' ' -f1 /proc/loadavg).
"no hooks" is the same runtime compiled with -DRTS_NO_RECORDER; GHC's twins are built with -eventlog
and run with and without +RTS -l (GHC's eventlog writes to a file as it goes; ours keeps rings in memory).

| workload | no hooks | recording off | off / no hooks | recording on (all) | on / off | events | ns per event | GHC | GHC +RTS -l | GHC -l / GHC |
|---|---|---|---|---|---|---|---|---|---|---|
| MVar ping-pong -N1 (ns/round trip) | $pp_nohooks | $pp_off | $(ratio "$pp_off" "$pp_nohooks") | $pp_on | $(ratio "$pp_on" "$pp_off") | $pp_events ($pp_ev_per_rt per round trip) | $pp_ns_ev | $pp_hs_off | $pp_hs_on | $(ratio "$pp_hs_on" "$pp_hs_off") |
| gcstress -N1 -A1m (wall ms) | $gc_nohooks | $gc_off | $(ratio "$gc_off" "$gc_nohooks") | $gc_on | $(ratio "$gc_on" "$gc_off") | $gc_events | — (too few events) | $gc_hs_off | $gc_hs_on | $(ratio "$gc_hs_on" "$gc_hs_off") |
| mvar_moves $MOVES -N1 (ns per MVar per major GC; on = --record=mvar) | $mv_nohooks | $mv_off | $(ratio "$mv_off" "$mv_nohooks") | $mv_on | $(ratio "$mv_on" "$mv_off") | $mv_events (mvar category: the moves) | $mv_ns_ev | — | — | — |
| bchan-bench $BCHAN -N1 -A64k (ns/message) | $bc_nohooks | $bc_off | $(ratio "$bc_off" "$bc_nohooks") | $bc_on | $(ratio "$bc_on" "$bc_off") | $bc_events (of them in the dump: $bc_moves MVAR_MOVE) | $bc_ns_ev | $bc_hs_off | $bc_hs_on | $(ratio "$bc_hs_on" "$bc_hs_off") |

$ir_line

Goal (issue 5): recording off within noise of no hooks; recording on, a few ns per event.
Runs are interleaved (no hooks, off, on, GHC, GHC -l, in turn); on a loaded machine compare the ratios, not the
absolute figures, and distrust a ratio below 1 (noise).
<!-- recorder:end -->
EOF
cat "$section"

# Rewrite our section of RESULTS.md (append it the first time).
if grep -q '^<!-- recorder:begin' "$results"; then
    awk -v f="$section" '
        /^<!-- recorder:begin/ { while ((getline l < f) > 0) print l; skip = 1; next }
        /^<!-- recorder:end/ { skip = 0; next }
        !skip { print }' "$results" > "$work/results.new"
    cat "$work/results.new" > "$results"
else
    { echo; cat "$section"; } >> "$results"
fi
