#!/bin/sh
# commands/gdb/rts.gdb works in plain gdb (no Python): against abi_target
# stopped with three threads queued on an MVar, rts-mvar prints the queue
# with generation suffixes and each node's blocked thread, and the other
# commands decode without error.
set -u
command -v gdb >/dev/null 2>&1 || { echo "gdb not installed"; exit 77; }
src=${top_srcdir:-.}
prog=${top_builddir:-.}/tests/abi/abi_target
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 120 gdb -nx -batch -ex 'set pagination off' -ex "source $src/commands/gdb/rts.gdb" \
    -ex 'run' -ex 'rts-mvar debug_mvar' -ex 'rts-threads' -ex 'rts-gens' -ex 'rts-bd debug_mvar' \
    -ex 'help rts-mvar' -ex 'rts-mvar 0' -ex 'rts-record 0x84' -ex 'rts-record' -ex 'kill' "$prog" > "$out" 2>&1
fail() { echo "FAIL: $1"; cat "$out"; exit 1; }
grep -q 'received signal SIGSTOP' "$out" || fail "the program did not stop"
grep -Eq '^MVar 0x[0-9a-f]+@[0-9n]+: (CLEAN|DIRTY), empty' "$out" || fail "no MVar header line"
grep -Eq '^  queue: 0x[0-9a-f]+@[0-9n] -> 0x[0-9a-f]+@[0-9n] -> 0x[0-9a-f]+@[0-9n] -> END$' "$out" \
    || fail "the queue of three nodes was not printed"
[ "$(grep -c 'ThreadId [0-9]* BlockedOnMVar$' "$out")" -eq 3 ] || fail "three queued threads expected"
grep -q '^  verdict' "$out" && fail "a well-formed queue got a verdict"
grep -Eq '^ThreadId 1 +TSO' "$out" || fail "rts-threads did not list the main thread"
grep -Eq '^gen 0: ' "$out" && grep -Eq '^gen 1: ' "$out" || fail "rts-gens"
grep -Eq '^bdescr 0x[0-9a-f]+ for ' "$out" || fail "rts-bd"
grep -q 'print an MVar' "$out" || fail "help rts-mvar"
grep -q 'is not a closure pointer' "$out" || fail "a null MVar must be an error line, not a crash"
grep -q '^recording mask 0x84 ' "$out" || fail "rts-record did not set the recorder's mask"
echo "gdb_rts: ok"
