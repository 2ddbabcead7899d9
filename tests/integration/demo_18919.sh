#!/bin/sh
# demo_18919.sh — the main demo (examples/demos/mvar-18919.sh, make demo).
#
# 1. Its steps, every time, on a planted broken MVar (tests/debuggee/
#    demo_planted): the runtime's -DS check stops the program at
#    rts_trap_barf, the demo finds the MVar the message names, decodes it
#    live, saves a core and decodes it again with rtsdb --core.  The masked
#    transcript must equal demo_18919.expected.
# 2. The real demo once on mvar-repro: caught (status 0: the MVar decoded,
#    the fixed runtime clean) or the race did not happen (77, reported, not
#    a failure); anything else fails.
. "$top_srcdir/tests/integration/demo_lib.sh"
DEMO="$top_srcdir/examples/demos/mvar-18919.sh"

DEMO_PROG="$top_builddir/tests/debuggee/demo_planted" sh "$DEMO" >"$TMP/planted" 2>&1
st=$?
LAST_OUT="$TMP/planted"
[ $st -eq 0 ] || { echo "FAIL: the demo on the planted MVar: status $st"; failures=$((failures + 1)); }
compare "$TMP/planted" "$top_srcdir/tests/integration/demo_18919.expected"
expect "$TMP/planted" "Saved corefile 18919.core"
# the MVar decoded twice (live, core) with the broken head stated in words
expect_count "$TMP/planted" "verdict: queue node 0xaaaaaaaaaaaaaaaa" 2

sh "$DEMO" >"$TMP/real" 2>&1
st=$?
case $st in
0)  echo "ok: #18919 caught and explained, the fixed runtime clean"
    expect "$TMP/real" "MVar 0x" ;;
77) echo "ok: the precondition's race did not happen in this run (the demo said so)" ;;
*)  echo "FAIL: the demo on mvar-repro: status $st"; LAST_OUT="$TMP/real"; failures=$((failures + 1)) ;;
esac
finish_test
