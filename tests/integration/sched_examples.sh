#!/bin/sh
# sched_examples.sh — the green-thread examples on one and two capabilities.
: "${top_builddir:=.}"
ex="$top_builddir/examples"
fail() { echo "sched_examples: FAIL: $1"; exit 1; }
for n in 1 2; do
    out=$("$ex/threads-hello" +RTS -N$n -RTS 2>&1) || fail "threads-hello -N$n exited $?: $out"
    echo "$out"
    for i in 2 3 4 5; do
        echo "$out" | grep -q "^ThreadId $i: greeting 42, $((i - 1)) squared is $(((i - 1) * (i - 1)))\$" \
            || fail "threads-hello -N$n: no line from ThreadId $i"
    done
    echo "$out" | grep -q "^ThreadId 1 (main): all 4 workers joined on $n capabilities" \
        || fail "threads-hello -N$n: main did not join"
    out=$("$ex/forkjoin" 20000 500 +RTS -N$n -RTS 2>&1) || fail "forkjoin -N$n exited $?: $out"
    echo "$out"
    echo "$out" | tail -1 | grep -Eq '^forkjoin: [0-9]+ ns/thread$' || fail "forkjoin -N$n: bad last line"
    for mode in "" plain; do    # the frame-slot MVar API and the plain one
        out=$("$ex/pingpong" 2000 $mode +RTS -N$n -A64k -RTS 2>&1) || fail "pingpong $mode -N$n exited $?: $out"
        echo "$out"
        echo "$out" | grep -q "^pingpong: 2000 rounds, capabilities [0-9]* (main) and [0-9]* (ponger) of $n\$" \
            || fail "pingpong $mode -N$n: no summary line"
        echo "$out" | tail -1 | grep -Eq '^pingpong: [0-9.]+ ns/roundtrip$' || fail "pingpong $mode -N$n: bad last line"
    done
done
out=$("$ex/pingpong" 10 fast 2>&1) && fail "pingpong accepted mode 'fast'"
echo "$out" | grep -q "^usage: pingpong" || fail "pingpong 10 fast: unclear error: $out"
out=$("$ex/forkjoin" -5 2>&1) && fail "forkjoin accepted N=-5"
echo "$out" | grep -q "must be positive" || fail "forkjoin -5: unclear error: $out"
out=$("$ex/forkjoin" +RTS -N0x -RTS 2>&1) && fail "forkjoin accepted -N0x"
echo "sched_examples: ok"
