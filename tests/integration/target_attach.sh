#!/bin/sh
# target_attach.sh — attach to a running multithreaded process, list its
# threads with their names, detach and check it runs on untraced; attaching
# to a missing process fails with a clear reason and a non-zero exit.
set -u
: "${top_builddir:=.}"
RTSDB="$top_builddir/debugger/rtsdb"
PROG="$top_builddir/tests/debuggee/target_threads"
fail=0
"$PROG" & pid=$!
trap 'kill -9 $pid 2>/dev/null' EXIT
sleep 0.2
out=$("$RTSDB" -q --batch -p $pid -ex 'info threads' -ex 'thread 3' -ex detach 2>&1); rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: attach session exit $rc"; fail=1; }
for w in worker1 worker2 worker3; do
    echo "$out" | grep -q "\"$w\"" || { echo "FAIL: thread $w not listed"; fail=1; }
done
echo "$out" | grep -q '^\[Switching to thread 3 ' || { echo "FAIL: thread 3 not selected"; fail=1; }
echo "$out" | grep -q "^\[Inferior 1 (process $pid) detached\]" || { echo "FAIL: no detach line"; fail=1; }
sleep 0.1
state=$(sed -n 's/^State:\t\(.\).*/\1/p' /proc/$pid/status)
tracer=$(sed -n 's/^TracerPid:\t//p' /proc/$pid/status)
[ "$tracer" = 0 ] || { echo "FAIL: still traced by $tracer"; fail=1; }
case "$state" in S|R) ;; *) echo "FAIL: process state $state after detach"; fail=1 ;; esac

msg=$("$RTSDB" -q --batch -p 999999999 2>&1); rc=$?
echo "missing pid: $msg (exit $rc)"
[ $rc -ne 0 ] && echo "$msg" | grep -q 'No such process' || { echo "FAIL: bad pid"; fail=1; }
exit $fail
