#!/bin/sh
# symtab_gdb_agree.sh — the gdb agreement test: for the same stopped process
# and for the same core files, "thread apply all bt" of gdb and of rtsdb name
# the same functions in the same order in every thread.
#
# Cases: the live PIE debuggee (attached), a gcore of it, the non-PIE build,
# and a kernel core of its crash (when the kernel writes one here).
# Normalisation: see frames_of in symtab_lib.sh (names and order only).
set -u
command -v gdb >/dev/null 2>&1 || { echo "SKIP: gdb not installed"; exit 77; }
TMP=$(mktemp -d /tmp/symtab_gdb_agree.XXXXXX)
. "$top_srcdir/tests/integration/symtab_lib.sh"
trap 'stop_waiting; rm -rf "$TMP"' EXIT
status=0

# compare NAME: frames of $TMP/gdb.out and $TMP/rtsdb.out must agree.
compare() {
    frames_of "$TMP/gdb.out" > "$TMP/gdb.frames"
    frames_of "$TMP/rtsdb.out" > "$TMP/rtsdb.frames"
    if [ ! -s "$TMP/gdb.frames" ]; then
        echo "FAIL $1: gdb printed no frames"; cat "$TMP/gdb.out"; status=1; return
    fi
    if diff -u "$TMP/gdb.frames" "$TMP/rtsdb.frames"; then
        echo "ok $1: $(wc -l < "$TMP/gdb.frames") frames agree"
    else
        echo "FAIL $1"; cat "$TMP/rtsdb.out"; status=1
    fi
}

for prog in symtab_deep symtab_deep_nopie; do
    start_waiting "$DEBUGGEES/$prog" || exit 1
    gdb -nx -q --batch -p "$DEBUGGEE" -ex 'thread apply all bt' \
        -ex "gcore $TMP/core.$prog" > "$TMP/gdb.out" 2>/dev/null
    "$RTSDB" -q --batch -p "$DEBUGGEE" -ex 'thread apply all bt' > "$TMP/rtsdb.out" 2>&1
    compare "live $prog"
    stop_waiting
    if [ -s "$TMP/core.$prog" ]; then
        gdb -nx -q --batch -ex 'thread apply all bt' "$DEBUGGEES/$prog" "$TMP/core.$prog" \
            > "$TMP/gdb.out" 2>/dev/null
        "$RTSDB" -q --batch --core "$TMP/core.$prog" "$DEBUGGEES/$prog" \
            -ex 'thread apply all bt' > "$TMP/rtsdb.out" 2>&1
        compare "gcore $prog"
    else
        echo "FAIL: gdb wrote no core for $prog"; status=1
    fi
done

# A kernel core of the crash (core_pattern permitting).
if [ "$(cat /proc/sys/kernel/core_pattern)" = core ]; then
    (cd "$TMP" && ulimit -c unlimited && exec "$DEBUGGEES/symtab_deep" crash) >/dev/null 2>&1
    core=$(ls "$TMP"/core* 2>/dev/null | grep -v '\.symtab_deep' | head -1)
    if [ -n "$core" ]; then
        gdb -nx -q --batch -ex 'thread apply all bt' "$DEBUGGEES/symtab_deep" "$core" \
            > "$TMP/gdb.out" 2>/dev/null
        "$RTSDB" -q --batch --core "$core" "$DEBUGGEES/symtab_deep" \
            -ex 'thread apply all bt' > "$TMP/rtsdb.out" 2>&1
        compare "kernel core"
    else
        echo "note: no kernel core written (ulimit or core_pattern); case skipped"
    fi
fi
exit $status
