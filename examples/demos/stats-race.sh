#!/bin/sh
# stats-race.sh — the Stats.c race (GHC 8.10.2): a GC worker signals it is
# done before writing its CPU time, and the leader sums a stale value and
# trips its assertion (+RTS --inject=stats-race).  rtsdb stops at the
# barf and shows where, the message, the generations and the recorder's
# GC events.  Exit 0 caught, 77 not reproduced.
. "$(dirname "$0")/lib.sh"
PROG=${DEMO_PROG:-"$top_builddir/examples/gcstress"}
cat >"$DEMO_TMP/stats-race.gdb" <<'GDB'
break rts_trap_barf
commands
echo \n>>> rtsdb stopped the program at the runtime's assertion. Where:\n
bt 10
print rts_barf_message
echo \n>>> The generations and the last GCs as the recorder saw them (each GC thread's start and end):\n
rts gens
rts events --cat gc -n 20
kill
end
run
GDB
say "gcstress with two GC threads and +RTS -s (GC statistics on), the old order of the GC worker's hand-shake switched back on:"
debug "$DEMO_TMP/transcript" "$DEMO_TMP/stats-race.gdb" \
    --args "$PROG" 1 3000 +RTS -N2 -s --record=gc --inject=stats-race -RTS
if grep -q "^[^>(]*internal error" "$DEMO_TMP/transcript"; then
    say "Caught: the leader read a worker's CPU time before the worker wrote it."
    exit 0
fi
say "The race did not happen in this run: run the demo again."
exit 77
