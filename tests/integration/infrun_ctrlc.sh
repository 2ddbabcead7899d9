#!/bin/sh
# Ctrl-C (SIGINT to rtsdb) while the program runs interrupts the program, not
# rtsdb: the stop is reported like gdb's and the session goes on.
set -u
b=${top_builddir:-.}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Signal only our own rtsdb (other tests may run beside this one).
"$b/debugger/rtsdb" -q --batch -ex run -ex 'p counter > 0' -ex 'info threads' -ex kill \
    "$b/tests/debuggee/infrun_spin" > "$out" 2>&1 &
pid=$!
sleep 2
kill -INT $pid
( sleep 50; kill -9 $pid ) >/dev/null 2>&1 &
watchdog=$!
wait $pid
rc=$?
kill $watchdog 2>/dev/null
fail() { echo "FAIL: $1"; cat "$out"; exit 1; }
[ $rc -eq 0 ] || fail "rtsdb exited with $rc (killed by the SIGINT?)"
grep -q 'Program received signal SIGINT, Interrupt.' "$out" || fail "no interrupt report"
grep -q '^\$1 = 1$' "$out" || fail "the session did not go on after the interrupt"
grep -q 'killed\]' "$out" || fail "kill after the interrupt"
echo "infrun_ctrlc: ok"
