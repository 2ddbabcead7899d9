#!/bin/sh
# pipeline_soak.sh BUILD_DIR [LINES [EXTRA_RTS_FLAGS]] — the seed's measurement (issue 3):
# examples/pipeline with --inject=mvar-no-dirty -A64k -N2 -DS, 10 runs of at
# most 60 s each, counting the runs in which the runtime caught the bug (an
# "internal error" naming an MVar, or putMVar's blocked mismatch); then 20
# runs of the same command without the injection, which must all be clean.
# Prints every run and a summary; exits 0 when >= 9/10 were caught and
# 20/20 were clean.  Used by `make soak-pipeline`; minutes, not seconds.
# EXTRA_RTS_FLAGS are added to every run, e.g. --gc-chaos=1 for the GC's
# race-window amplifier (Note [GC chaos mode], rts/sm/GCUtils.c).
# Session 2 measured 0/10 caught (20/20 clean), and 0/10 with --gc-chaos,
# also after chaos mode learnt the orders that make examples/mvar-repro reach
# the precondition (Note [Who reaches B first] in examples/mvar-repro.c).
# Session 3 measured why (Note [Why the pipeline does not reach #18919
# here] in examples/pipeline/pipeline.c): the workers' X and Y's thread are
# recorded on one capability's mut list, so one GC thread reaches Y by both
# routes; with --gc-chaos the runs also print that census (last lines).
# Session 4 made the scheduler dirty a thread's TSO where it runs, as GHC
# does (Note [Dirtying the thread about to run] in rts/Schedule.h), the
# other way Y's TSO can land on another capability's list: still 0/10
# (20/20 clean), with and without --gc-chaos; the Note in pipeline.c says why.
# Later in session 4 the workers parse on their green threads, allocating
# as they go like the seed's (Note [Workers parse on their green threads]):
# still 0/10 (20/20 clean) at 1M lines, with and without --gc-chaos, and
# 0/10 (20/20) at 10M lines, where each run uses 17-35 s of its 60; 1/10
# (20/20) at 10M lines with --gc-chaos=1 (a real catch of the missing
# barrier by -DS).  The exit status keeps the >= 9/10 bar, so the script
# still fails on this machine.
set -u
build=${1:-.}
lines=${2:-1000000}
bin="$build/examples/pipeline"
[ -x "$bin/pipeline" ] || { echo "pipeline_soak: $bin/pipeline not built"; exit 1; }
tmp=$(mktemp -d /tmp/pipeline_soak.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$bin/gen-fdns" "$lines" 18919 > "$tmp/in.gz" || exit 1
flags="-A64k -N2 -DS ${3:-}"

run() {   # run LABEL EXTRA_RTS_FLAGS -> sets verdict
    start=$(date +%s)
    timeout 60 "$bin/pipeline" "$tmp/in.gz" +RTS $flags $2 -RTS > /dev/null 2> "$tmp/err"
    st=$?
    secs=$(( $(date +%s) - start ))
    if [ $st -eq 0 ]; then
        verdict=clean
    elif [ $st -eq 124 ]; then
        verdict=timeout
    elif grep -qE "MVAR|MVar|mvar|blocked mismatch" "$tmp/err"; then
        verdict=caught
    else
        verdict=other
    fi
    echo "soak: $1: status $st after ${secs}s: $verdict: $(grep -m1 -E 'internal error|pipeline:|rts:' "$tmp/err")"
    grep -E "^gc-chaos: (census|the #18919)" "$tmp/err" | cut -c1-200
}

caught=0; n=0
while [ $n -lt 10 ]; do
    n=$((n + 1)); run "injected run $n" "--inject=mvar-no-dirty"
    [ $verdict = caught ] && caught=$((caught + 1))
done
clean=0; n=0
while [ $n -lt 20 ]; do
    n=$((n + 1)); run "fixed run $n" ""
    [ $verdict = clean ] && clean=$((clean + 1))
done
echo "soak: pipeline $lines lines +RTS $flags: injected (mvar-no-dirty): caught in $caught/10 runs; fixed: clean in $clean/20 runs"
[ $caught -ge 9 ] && [ $clean -eq 20 ]
