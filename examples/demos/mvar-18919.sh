#!/bin/sh
# mvar-18919.sh — the workshop's main demo (make demo): GHC #18919 caught
# and explained by rtsdb, live and then on a core file, and the fixed
# runtime running the same input clean.  No gdb, rr or Python.
#
#   sh examples/demos/mvar-18919.sh          (make demo runs this)
#   DEMO_18919=pipeline sh examples/demos/mvar-18919.sh
#
# The program: examples/mvar-repro by default (it builds the seed's
# precondition with the real parallel GC, see its Note), or with
# DEMO_18919=pipeline the seed's gunzip/JSON pipeline, which on this
# machine practically never reaches it (Note [Why the pipeline does not
# reach #18919 here] in examples/pipeline/pipeline.c).  Both run with two
# GC threads, --inject=mvar-no-dirty (putMVar pops its queue without the
# write barrier, as before GHC's fix) and -DS (the sanity check after every
# GC).  mvar-repro runs under GC chaos mode with up to four seeds
# (DEMO_SEEDS), at most 60 rounds each, until one reaches the precondition
# (tests/integration/mvar_repro.sh holds the program to that bound).
# Exit status: 0 the bug was caught and explained and the fixed runtime ran
# clean; 77 no run reached the precondition (say so, try again); 1
# anything else.  DEMO_PROG and DEMO_ARGS replace the program (the
# integration test uses a planted MVar).
. "$(dirname "$0")/lib.sh"

RTS_BASE="-N2 -G3 -DS --record=mvar,gc,sanity"
RTS_COMMON=$RTS_BASE
case ${DEMO_18919:-repro} in
pipeline)
    PROG="$top_builddir/examples/pipeline/pipeline"
    "$top_builddir/examples/pipeline/gen-fdns" 20000 7 >"$DEMO_TMP/in.gz" || exit 1
    ARGS="-w 4 -d 1 -o $DEMO_TMP/out $DEMO_TMP/in.gz"
    RTS_COMMON="-N2 -A64k -DS --record=mvar,gc,sanity"     # the issue's flags
    WHAT="the pipeline (gunzip, 4 JSON workers, an ordered writer, one-slot channels)"
    SEEDS=- ;;
*)
    PROG="$top_builddir/examples/mvar-repro"
    ARGS="60 256"
    # The precondition needs two GC threads to race on one queue node;
    # --gc-chaos (Note [GC chaos mode], rts/sm/GCUtils.c) widens that race
    # with legal orders and pauses only, so it arises within seconds.
    SEEDS=${DEMO_SEEDS:-1 2 3 4}
    WHAT="mvar-repro (queues of blocked takers and parallel minor GCs)" ;;
esac
# tests/integration/demo_18919.sh checks the steps on a planted MVar:
if [ -n "${DEMO_PROG:-}" ]; then
    PROG=$DEMO_PROG ARGS=${DEMO_ARGS:-} WHAT="$DEMO_PROG (a planted broken MVar, to test the steps)"
    RTS_COMMON="-N1 -G3 -DS --record=mvar,gc,sanity"   # one capability: a deterministic transcript
    SEEDS=-
fi

say "GHC #18919: a CLEAN MVar in an old generation whose queue holds a younger node."
say "Running $WHAT under rtsdb with the bug switched back on (--inject=mvar-no-dirty) and the runtime's sanity check (-DS)."
caught=no
for seed in $SEEDS; do
    RTS_RUN=$RTS_COMMON
    [ "$seed" = - ] || RTS_RUN="$RTS_COMMON --gc-chaos=$seed"
    # shellcheck disable=SC2086
    debug "$DEMO_TMP/transcript" "$DEMOS/mvar-18919-live.gdb" \
        --args "$PROG" $ARGS +RTS $RTS_RUN --inject=mvar-no-dirty -RTS
    if grep -q "^[^>(]*internal error" "$DEMO_TMP/transcript"; then
        caught=yes
        break
    fi
    [ "$seed" = - ] || say "With --gc-chaos=$seed the race that builds the precondition did not happen; the next seed."
done
if [ $caught = no ]; then
    say "The race that builds the precondition (two GC threads copying one queue node) did not happen: nothing to catch. Run the demo again."
    [ "${DEMO_18919:-repro}" = pipeline ] &&
        say "(The pipeline almost never gets there on two shared cores: Note [Why the pipeline does not reach #18919 here] in examples/pipeline/pipeline.c.)"
    exit 77
fi

say "The same diagnosis on the core file rtsdb saved at the barf (rtsdb --core):"
debug_each "$DEMO_TMP/core-transcript" "$DEMOS/mvar-18919-core.gdb" --core "$DEMO_TMP/18919.core" "$PROG"

if [ -n "${DEMO_PROG:-}" ]; then
    say "(A planted fault: no fixed runtime to compare with.)"
    exit 0
fi
say "And the fixed runtime (no --inject) on the same input:"
# shellcheck disable=SC2086
"$PROG" $ARGS +RTS $RTS_RUN -RTS >"$DEMO_TMP/fixed.out" 2>&1
st=$?
tail -n 3 "$DEMO_TMP/fixed.out"
if grep -q "internal error" "$DEMO_TMP/fixed.out" || { [ $st -ne 0 ] && [ $st -ne 77 ]; }; then
    say "The fixed runtime failed (status $st): that is a bug of its own."
    exit 1
fi
say "Clean (status $st): with the write barrier in putMVar/takeMVar the MVar is dirtied and put on the mut list, so the next GC follows its queue."
exit 0
