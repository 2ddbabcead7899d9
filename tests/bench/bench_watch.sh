# bench_watch.sh — cost of a watched store under rtsdb's page-protection
# watchpoint, beside gdb's software watchpoint (set can-use-hw-watchpoints 0)
# on the same program (tests/debuggee/infrun_watchbench.c).
#
# Two loops: one writing the watched variable (every store is a hit), one
# writing a neighbour on the same page (every store faults and is handled
# transparently).  Per-iteration cost = (time for 2N stores - time for N
# stores) / N, so start-up, symbol loading and the exit path (which gdb
# single-steps through with a software watchpoint) are not counted.
# Anchor: perf-anchors §6b, gdb software watchpoint ~409 µs per iteration
# of a 4-instruction loop on this kind of VM.
#
# Usage: bench_watch.sh [N_RTSDB] [N_GDB]   (run by "make bench-watch")
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
RTSDB="$top_builddir/debugger/rtsdb"
PROG="$top_builddir/tests/debuggee/infrun_watchbench"
N=${1:-1000}
NG=${2:-100}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-watch.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
# seconds CMD...: wall time of the fastest of 3 runs (the machine is
# shared: the minimum is the least disturbed run)
seconds() {
    best=""
    for _ in 1 2 3; do
        t0=$(now)
        "$@" >"$TMP/last.out" 2>&1
        t1=$(now)
        best=$(awk -v a="$t0" -v b="$t1" -v m="$best" \
            'BEGIN { d = b - a; if (m != "" && m < d) d = m; printf "%.6f", d }')
    done
    echo "$best"
}
per_iter_us() {    # per_iter_us T_N T_0 N
    awk -v tn="$1" -v t0="$2" -v n="$3" 'BEGIN { printf "%.1f", (tn - t0) * 1e6 / n }'
}

rtsdb_run() {      # rtsdb_run MODE N
    "$RTSDB" -q --batch -ex 'break main' -ex run -ex 'watch -l v.watched' -ex 'delete 1' \
        -ex "$(printf 'commands 2\nsilent\ncontinue\nend')" -ex continue -ex 'info watchpoints' \
        "$PROG" "$1" "$2"
}

cat >"$TMP/gdb.cmds" <<'G'
set can-use-hw-watchpoints 0
break main
run
watch -l v.watched
delete 1
commands 2
silent
continue
end
continue
G
gdb_run() {        # gdb_run MODE N
    gdb -q -batch -x "$TMP/gdb.cmds" --args "$PROG" "$1" "$2"
}

native0=$(seconds "$PROG" watched 0)
nativeN=$(seconds "$PROG" watched 200000000)
native=$(per_iter_us "$nativeN" "$native0" 200000000)

rw1=$(seconds rtsdb_run watched "$N")
rw2=$(seconds rtsdb_run watched $((2 * N)))
grep -q "done $((2 * N - 1))" "$TMP/last.out" || echo "warning: rtsdb watched run did not finish normally"
grep -q "already hit $((2 * N - 1)) times" "$TMP/last.out" || echo "warning: rtsdb did not count every hit"
rn1=$(seconds rtsdb_run neighbour "$N")
rn2=$(seconds rtsdb_run neighbour $((2 * N)))
grep -q "done $((2 * N - 1))" "$TMP/last.out" || echo "warning: rtsdb neighbour run did not finish normally"

echo "== watchpoint cost per loop iteration (one store), $(date -u +%Y-%m-%d), $(nproc) cpus"
printf '%-44s %12s\n' "case" "µs/iter"
printf '%-44s %12s\n' "native store (no debugger)" "$(awk -v tn="$nativeN" -v t0="$native0" 'BEGIN { printf "%.4f", (tn - t0) * 1e6 / 2e8 }')"
printf '%-44s %12s\n' "rtsdb page-protection, watched var (hit)" "$(per_iter_us "$rw2" "$rw1" "$N")"
printf '%-44s %12s\n' "rtsdb page-protection, neighbour (no hit)" "$(per_iter_us "$rn2" "$rn1" "$N")"
if command -v gdb >/dev/null; then
    gw1=$(seconds gdb_run watched "$NG")
    gw2=$(seconds gdb_run watched $((2 * NG)))
    gn1=$(seconds gdb_run neighbour "$NG")
    gn2=$(seconds gdb_run neighbour $((2 * NG)))
    printf '%-44s %12s\n' "gdb software watchpoint, watched var" "$(per_iter_us "$gw2" "$gw1" "$NG")"
    printf '%-44s %12s\n' "gdb software watchpoint, neighbour" "$(per_iter_us "$gn2" "$gn1" "$NG")"
else
    echo "gdb not installed: no gdb column"
fi
echo "anchor: gdb software watchpoint ~409 µs/iteration (perf-anchors §6b, 4-instruction loop)"
echo "N=$N (rtsdb), $NG (gdb); hardware watchpoints are not used: they never fire on these VMs"
