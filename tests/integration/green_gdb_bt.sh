#!/bin/sh
# green_gdb_bt.sh — gdb (batch mode) unwinds a green thread's C stack
# through the hand-written context switch: a breakpoint in a function the
# green thread calls shows the thread's own frames down to its entry and
# the start trampoline, and the backtrace ends there cleanly (CFI marks the
# trampoline's return address undefined), never reaching main().
: "${top_builddir:=.}"
prog="$top_builddir/tests/unit/test_green"
command -v gdb >/dev/null 2>&1 || { echo "gdb not installed: skipping"; exit 77; }
[ -x "$prog" ] || { echo "green_gdb_bt: $prog not built"; exit 1; }
out=$(gdb -nx -batch -ex 'set debuginfod enabled off' -ex 'break bt_leaf' -ex 'run bt' \
      -ex 'bt' --args "$prog" 2>&1)
echo "$out"
fail() { echo "green_gdb_bt: FAIL: $1"; exit 1; }
echo "$out" | grep -q '^#0 .*bt_leaf' || fail "breakpoint in bt_leaf not hit"
echo "$out" | grep -q '^#1 .*bt_middle' || fail "bt_middle missing"
echo "$out" | grep -q '^#2 .*bt_thread_entry' || fail "entry function missing"
echo "$out" | grep -q 'greenThreadStart' || fail "greenThreadStart missing"
last=$(echo "$out" | grep '^#[0-9]' | tail -1)
echo "$last" | grep -q 'rts_green_trampoline' || fail "backtrace does not end at the trampoline: $last"
echo "$out" | grep -q ' main ' && fail "unwound past the green stack into main"
echo "$out" | grep -qi 'corrupt\|previous frame identical\|Cannot access' && fail "unwinder complained"

# The same through the runtime: a forked thread's safe foreign call.
hello="$top_builddir/examples/threads-hello"
if [ -x "$hello" ]; then
    out=$(gdb -nx -batch -ex 'set debuginfod enabled off' -ex 'break slow_square' -ex 'run' \
          -ex 'bt' --args "$hello" 2>&1)
    echo "$out"
    echo "$out" | grep -q '^#0 .*slow_square' || fail "threads-hello: breakpoint in slow_square not hit"
    echo "$out" | grep -q 'rts_safe_call' || fail "threads-hello: rts_safe_call frame missing"
    echo "$out" | grep -q ' worker ' || fail "threads-hello: thread function missing"
    last=$(echo "$out" | grep '^#[0-9]' | tail -1)
    echo "$last" | grep -q 'rts_green_trampoline' || fail "threads-hello: bt does not end at the trampoline: $last"
fi
# Through the stub that returns from a take by a jump (Note [Returning
# after a switch] in rts/SwitchReturn.S): inside the C entry point the
# stub is a frame of its own; at its last instruction (sub 4 bytes, call
# 5, add 4, pop 1: offset 14) the return address is in rcx, and the CFI
# says so.  The ponger's backtrace still ends at the trampoline.
pingpong="$top_builddir/examples/pingpong"
if [ -x "$pingpong" ]; then
    out=$(gdb -nx -batch -ex 'set debuginfod enabled off' -ex 'break takeMVarRootEntry' -ex 'run 3' \
          -ex 'continue' -ex 'bt' -ex 'delete' -ex 'break *rts_takeMVarRoot+14' -ex 'continue' \
          -ex 'x/i $pc' -ex 'bt' --args "$pingpong" 2>&1)
    echo "$out"
    echo "$out" | grep -q '^#0 .*takeMVarRootEntry' || fail "pingpong: breakpoint in takeMVarRootEntry not hit"
    echo "$out" | grep -q '^#1 .*rts_takeMVarRoot' || fail "pingpong: the stub's frame missing"
    echo "$out" | grep -q '^#2 .* ponger ' || fail "pingpong: the ponger's frame missing under the stub"
    echo "$out" | grep -q '^=> .*<rts_takeMVarRoot+14>:.*jmp' || fail "pingpong: offset 14 of the stub is not its jump"
    echo "$out" | grep -q '^#0 .*rts_takeMVarRoot' || fail "pingpong: breakpoint at the stub's jump not hit"
    echo "$out" | grep -q '^#1 .* ponger ' || fail "pingpong: the ponger's frame missing at the stub's jump"
    last=$(echo "$out" | grep '^#[0-9]' | tail -1)
    echo "$last" | grep -q 'rts_green_trampoline' || fail "pingpong: bt does not end at the trampoline: $last"
    echo "$out" | grep -qi 'corrupt\|previous frame identical\|Cannot access' && fail "pingpong: unwinder complained"
fi
echo "green_gdb_bt: ok"
