# infrun_detach.sh — detach leaves the process exactly as it was, and what
# SIGKILL of rtsdb does to its target (see debugger/README.md, "Run control").
#
# 1. attach, arm a breakpoint and a page-protection watch, let the program
#    run through them, detach: the text bytes in /proc/PID/mem equal the
#    file's and /proc/PID/maps shows the original permissions.
# 2. attach, arm both, continue, SIGKILL rtsdb while the program runs: the
#    attached target keeps the int3 byte and the protected page, and dies of
#    the next one it meets (SIGTRAP at the breakpoint, or SIGSEGV on the page).
# 3. launch, arm both, continue, SIGKILL rtsdb: PTRACE_O_EXITKILL kills the
#    launched target with it.
. "$top_srcdir/tests/integration/infrun_lib.sh"
P="$DEBUGGEE/infrun_basic"
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }

start_waiter() {
    rm -f "$TMP/go"
    "$P" wait "$TMP/go" >"$TMP/waiter.out" 2>&1 &
    WPID=$!
    for _ in $(seq 100); do grep -q waiting "$TMP/waiter.out" && break; sleep 0.05; done
}
stop_waiter() { kill -9 "$WPID" 2>/dev/null; wait "$WPID" 2>/dev/null; }

# text_same PID: every executable mapping of the program reads back equal
# to the file at its offset.
text_same() {
    python3 - "$1" "$P" <<'PY'
import sys
pid, exe = sys.argv[1], sys.argv[2]
import os
real = os.path.realpath(exe)
ok = True
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem, open(real, "rb") as f:
    for line in maps:
        parts = line.split()
        if len(parts) < 6 or os.path.realpath(parts[5]) != real or "x" not in parts[1]:
            continue
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        off = int(parts[2], 16)
        mem.seek(lo); live = mem.read(hi - lo)
        f.seek(off); disk = f.read(hi - lo)
        n = min(len(live), len(disk))
        if live[:n] != disk[:n]:
            ok = False
sys.exit(0 if ok else 1)
PY
}
perms() { cut -d' ' -f1,2 "/proc/$1/maps"; }

# 1. detach restores memory and protections.
start_waiter
perms "$WPID" >"$TMP/maps.before"
LAST_OUT=$TMP/1.out
touch "$TMP/go"
timeout 60 "$RTSDB" -q --batch -p "$WPID" -ex 'break tick' -ex 'watch -l vars.counter' \
    -ex continue -ex continue -ex detach >"$LAST_OUT" 2>&1
echo "rc=$?" >>"$LAST_OUT"
expect "$LAST_OUT" "Breakpoint 1, tick ()"
expect "$LAST_OUT" "Old value = "
perms "$WPID" >"$TMP/maps.after"
if ! cmp -s "$TMP/maps.before" "$TMP/maps.after"; then
    echo "FAIL: /proc/PID/maps permissions differ after detach"
    diff "$TMP/maps.before" "$TMP/maps.after"
    failures=$((failures + 1))
fi
text_same "$WPID" || { echo "FAIL: text differs from the file after detach"; failures=$((failures+1)); }
sleep 0.2
kill -0 "$WPID" 2>/dev/null || { echo "FAIL: the program died after detach"; failures=$((failures+1)); }
stop_waiter

# 2. SIGKILL of rtsdb attached: int3 and protection stay; the program dies.
start_waiter
perms "$WPID" >"$TMP/maps.before"
"$RTSDB" -q --batch -p "$WPID" -ex 'break tick' -ex 'watch -l vars.counter' \
    -ex continue >"$TMP/2.out" 2>&1 &
DBG=$!
for _ in $(seq 100); do grep -q Continuing "$TMP/2.out" && break; sleep 0.05; done
sleep 0.3
kill -9 "$DBG"; wait "$DBG" 2>/dev/null
sleep 0.1
perms "$WPID" >"$TMP/maps.killed"
if cmp -s "$TMP/maps.before" "$TMP/maps.killed"; then
    echo "FAIL: expected the watched page to stay protected after rtsdb's SIGKILL"
    failures=$((failures + 1))
fi
if text_same "$WPID"; then
    echo "FAIL: expected the int3 to stay in the text after rtsdb's SIGKILL"
    failures=$((failures + 1))
fi
touch "$TMP/go"         # now the program calls tick(), on the int3
for _ in $(seq 50); do kill -0 "$WPID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$WPID" 2>/dev/null && kill -9 "$WPID"      # never leave it behind
wait "$WPID" 2>/dev/null
status=$?
if [ "$status" -ne $((128 + 5)) ] && [ "$status" -ne $((128 + 11)) ]; then
    echo "FAIL: attached program after rtsdb's SIGKILL: exit status $status (expected SIGTRAP/SIGSEGV)"
    failures=$((failures + 1))
fi

# 3. SIGKILL of rtsdb with a launched target: the target dies with it.
LAST_OUT=$TMP/3.out
"$RTSDB" -q --batch -ex 'break main' -ex run -ex 'watch -l vars.counter' -ex 'break tick' -ex continue \
    "$P" wait "$TMP/never" >"$LAST_OUT" 2>&1 &
DBG=$!
for _ in $(seq 100); do grep -q waiting "$LAST_OUT" && break; sleep 0.05; done
TPID=$(sed -n 's/^waiting \([0-9]*\)$/\1/p' "$LAST_OUT")
kill -9 "$DBG"; wait "$DBG" 2>/dev/null
sleep 0.3
if [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null && ! grep -q zombie "/proc/$TPID/status" 2>/dev/null; then
    echo "FAIL: launched target $TPID survived rtsdb's SIGKILL"
    kill -9 "$TPID"
    failures=$((failures + 1))
fi
[ -n "$TPID" ] || { echo "FAIL: launched target never started"; failures=$((failures+1)); }
finish_test
