#!/bin/sh
# run-gc.sh — `make bench-gc`: GC throughput of examples/gcstress beside its
# Haskell twin (tests/bench/gcstress.hs) under GHC, same workload, same
# live-set shape, same flags (+RTS -A1m -G2 -s), -N1 and -N2.
#
# For each runtime and -N it runs the workload REPEAT times and takes the
# run with the median GC CPU time; from its +RTS -s output it derives
#   copy rate   = bytes copied during GC / GC CPU seconds
#   copy/elapsed= bytes copied during GC / GC elapsed seconds (parallel speed-up)
#   alloc rate  = bytes allocated / MUT CPU seconds
# prints a table with ratios (ours / GHC) and rewrites the GC section of
# tests/bench/RESULTS.md with the machine and the date.  Both programs must
# print the same checksum (they run the same PRNG-driven workload).
#
# Environment: ROUNDS (default 20000), RING (trees in the live ring, default
# 2048: about 30 MB live), REPEAT (default 3), SEED (default 1).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
ROUNDS=${ROUNDS:-20000}
RING=${RING:-2048}
REPEAT=${REPEAT:-3}
SEED=${SEED:-1}
ours="$top_builddir/examples/gcstress"
results="$top_srcdir/tests/bench/RESULTS.md"
work=$(mktemp -d /tmp/bench-gc.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

[ -x "$ours" ] || { echo "run-gc.sh: $ours is not built (run make first)" >&2; exit 1; }
if ! command -v ghc >/dev/null 2>&1; then
    echo "run-gc.sh: installing ghc (apt-get install -y ghc)"
    sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq ghc >/dev/null
fi
theirs="$work/gcstress-hs"
cp "$top_srcdir/tests/bench/gcstress.hs" "$work/"
(cd "$work" && ghc -O2 -threaded -rtsopts -v0 gcstress.hs -o gcstress-hs)

# seconds from an -s line like "  GC      time    0.156s  (  0.822s elapsed)"
field() {   # field FILE KEY -> "cpu elapsed"
    sed -n "s/^ *$2 *time *\([0-9.]*\)s *( *\([0-9.]*\)s elapsed).*/\1 \2/p" "$1" | head -n 1
}
bytes() {   # bytes FILE PHRASE
    sed -n "s/^ *\([0-9,]*\) bytes $2.*/\1/p" "$1" | head -n 1 | tr -d ,
}

# run NAME PROG N -> writes $work/NAME.s (the median run's -s output) and checksum
run() {
    name=$1 prog=$2 n=$3
    i=0
    : > "$work/$name.runs"
    while [ $i -lt "$REPEAT" ]; do
        "$prog" "$SEED" "$ROUNDS" "$RING" +RTS -N"$n" -A1m -G2 -s"$work/$name.$i.s" -RTS > "$work/$name.$i.out"
        set -- $(field "$work/$name.$i.s" GC)
        echo "$1 $i" >> "$work/$name.runs"
        i=$((i + 1))
    done
    med=$(sort -n "$work/$name.runs" | sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2)
    cp "$work/$name.$med.s" "$work/$name.s"
    tail -n 1 "$work/$name.$med.out" > "$work/$name.sum"
}

for n in 1 2; do
    run "ours-N$n" "$ours" $n
    run "ghc-N$n" "$theirs" $n
done

for f in ours-N2 ghc-N1 ghc-N2; do
    if ! cmp -s "$work/ours-N1.sum" "$work/$f.sum"; then
        echo "run-gc.sh: checksums differ: ours-N1 $(cat "$work/ours-N1.sum"), $f $(cat "$work/$f.sum")" >&2
        exit 1
    fi
done

# metrics NAME -> "alloc copied gc_cpu gc_elapsed mut_cpu copyrate copyrate_elapsed allocrate" (MB, s, MB/s)
metrics() {
    s="$work/$1.s"
    alloc=$(bytes "$s" "allocated in the heap")
    copied=$(bytes "$s" "copied during GC")
    set -- $(field "$s" GC); gc_cpu=$1 gc_el=$2
    set -- $(field "$s" MUT); mut_cpu=$1
    awk -v a="$alloc" -v c="$copied" -v g="$gc_cpu" -v ge="$gc_el" -v m="$mut_cpu" 'BEGIN {
        mb = 1e6; printf "%.0f %.0f %.3f %.3f %.3f %.0f %.0f %.0f\n", a/mb, c/mb, g, ge, m,
            (g > 0 ? c/mb/g : 0), (ge > 0 ? c/mb/ge : 0), (m > 0 ? a/mb/m : 0) }'
}

table="$work/table.md"
{
    echo "| run | allocated MB | copied MB | GC CPU s | GC elapsed s | MUT CPU s | copy MB/GC-CPU-s | copy MB/GC-elapsed-s | alloc MB/MUT-s |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for name in ours-N1 ghc-N1 ours-N2 ghc-N2; do
        set -- $(metrics $name)
        echo "| $name | $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"
    done
} > "$table"

ratio() {   # ratio A B COLUMN(1-based in metrics)
    a=$(metrics "$1" | cut -d' ' -f"$3"); b=$(metrics "$2" | cut -d' ' -f"$3")
    awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}
ratios="$work/ratios.md"
{
    echo "- copy rate per GC CPU second, ours/GHC: -N1 $(ratio ours-N1 ghc-N1 6)x, -N2 $(ratio ours-N2 ghc-N2 6)x"
    echo "- allocation rate per MUT second, ours/GHC: -N1 $(ratio ours-N1 ghc-N1 8)x, -N2 $(ratio ours-N2 ghc-N2 8)x"
    echo "- -N2 vs -N1 GC elapsed time (lower is better): ours $(ratio ours-N2 ours-N1 4)x, GHC $(ratio ghc-N2 ghc-N1 4)x"
    echo "- bytes copied, ours/GHC (-N1): $(ratio ours-N1 ghc-N1 2)x; both print $(cat "$work/ours-N1.sum")"
} > "$ratios"

cat "$table"
echo
cat "$ratios"

# Rewrite our section of RESULTS.md (other sections are left alone).
cpu=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -n 1)
ncpu=$(nproc 2>/dev/null || echo "?")
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
ghcv=$(ghc --numeric-version)
section="$work/section.md"
{
    echo "<!-- gc-bench:start (written by tests/bench/run-gc.sh; do not edit by hand) -->"
    echo "## GC throughput: gcstress vs GHC"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $cpu, $ncpu CPUs, $mem; $(uname -sr); GHC $ghcv."
    echo "Workload: \`gcstress $SEED $ROUNDS $RING +RTS -N<n> -A1m -G2 -s\` and its Haskell twin"
    echo "(\`tests/bench/gcstress.hs\`, \`ghc -O2 -threaded -rtsopts\`), median of $REPEAT runs by GC CPU time."
    echo "GC CPU time sums all GC threads; elapsed times on a shared VM are noisy."
    echo
    cat "$table"
    echo
    cat "$ratios"
    echo "<!-- gc-bench:end -->"
} > "$section"
if [ -f "$results" ]; then
    awk '/<!-- gc-bench:start/ { skip = 1 } !skip { print } /<!-- gc-bench:end -->/ { skip = 0 }' "$results" > "$work/rest.md"
else
    echo "# Benchmark results" > "$work/rest.md"
fi
{ cat "$work/rest.md"; echo; cat "$section"; } | cat -s > "$results"
echo "run-gc.sh: results written to $results"
