#!/bin/sh
# unwind_static.sh — backtraces of a static non-PIE program, as gdb 13's.
#
# tests/debuggee/unwind_static is linked "-static -no-pie", which leaves
# out .eh_frame_hdr: its CFI is found through the table rtsdb builds from
# .eh_frame (Note [Programs without .eh_frame_hdr] in
# debugger/unwind_table.c).  Stops in leaf() (bt, up, down, finish) and in
# a qsort comparator called from static libc, whose functions keep no frame
# pointer, so only CFI unwinds through them (bt, up 2, finish), live and on
# a core written there; rtsdb's frames must reach main, and agree with
# gdb's line for line.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
PROG="$DEBUGGEE/unwind_static"

# The program is what this test is about: no PT_GNU_EH_FRAME.
if command -v readelf >/dev/null 2>&1 && readelf -lW "$PROG" | grep -q GNU_EH_FRAME; then
    fail "$PROG has a .eh_frame_hdr: not the case this test is for"
fi

printf '%s\n' 'break leaf' run bt up down finish bt 'break by_value' continue bt 'up 2' \
    finish bt >"$TMP/cmds"
# frames FILE: frame lines, stop lines and returned values; stack addresses
# (gdb's environment moves the stack) and GCC's clone numbers masked (gdb
# shows msort_with_tmp.part.0 as msort_with_tmp.part).
frames() {
    grep -E '^(#[0-9]+ |Breakpoint [0-9]+, |Value returned|0x[0-9a-f]+ in )' "$1" \
        | sed -E -e 's/0x7ff[0-9a-f]+/STACK/g' -e 's/(\.part|\.isra|\.constprop)\.[0-9]+/\1/g'
}
LAST_OUT="$TMP/rtsdb.out"
run_ex "$TMP/cmds" "$RTSDB" -q --batch "$PROG" >"$TMP/rtsdb.out" 2>&1
frames "$TMP/rtsdb.out" >"$TMP/rtsdb.frames"

# Without gdb: the walks reach main from leaf and from inside libc.
grep -q '^#2 .* in main () at .*unwind_static.c:' "$TMP/rtsdb.frames" \
    || fail "bt from leaf does not reach main"
grep -q '^#[3-9] .* in main () at .*unwind_static.c:' "$TMP/rtsdb.frames" \
    || fail "bt from the qsort comparator does not reach main through libc"
grep -q '^Value returned is \$1 = 7$' "$TMP/rtsdb.frames" || fail "finish from leaf"

# The same walk on a core rtsdb writes there: .eh_frame is read from the
# file where the core leaves its segment out.
"$RTSDB" -q --batch -ex 'break by_value' -ex run -ex "gcore $TMP/core" "$PROG" \
    >"$TMP/gcore.out" 2>&1
[ -s "$TMP/core" ] || { fail "rtsdb wrote no core"; cat "$TMP/gcore.out"; }
"$RTSDB" -q --batch --core "$TMP/core" -ex bt "$PROG" >"$TMP/core.out" 2>&1
frames "$TMP/core.out" >"$TMP/core.frames"
grep -q '^#[3-9] .* in main () at .*unwind_static.c:' "$TMP/core.frames" \
    || { fail "bt on the core does not reach main"; cat "$TMP/core.out"; }

if ! command -v gdb >/dev/null 2>&1; then
    echo "SKIP: gdb not installed; rtsdb's own checks done, comparison with gdb skipped"
    [ "$failures" -eq 0 ] && exit 77
    finish_test
fi
run_ex "$TMP/cmds" gdb -nx -q --batch "$PROG" >"$TMP/gdb.out" 2>&1
frames "$TMP/gdb.out" >"$TMP/gdb.frames"
same_file "rtsdb's frames and gdb's differ" "$TMP/gdb.frames" "$TMP/rtsdb.frames"
gdb -nx -q --batch -ex bt "$PROG" "$TMP/core" >"$TMP/gdbcore.out" 2>&1
# gdb prints frame 0 once more on opening a core.
frames "$TMP/gdbcore.out" | grep '^#' | sed 1d >"$TMP/gdbcore.frames"
same_file "rtsdb's frames and gdb's differ on the core" "$TMP/gdbcore.frames" "$TMP/core.frames"
finish_test
