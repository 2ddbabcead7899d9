# tests/: shared test infrastructure.  Each part declares its own tests in
# its fragment (included below or from its folder's local.mk).
EXTRA_DIST += tests/README.md

# make bench: every benchmark, beside its anchors (GHC, Go, gdb) in one run.
# Parts add their rule names to BENCH_TARGETS.  Not run by make check.
bench: all
	@for t in $(BENCH_TARGETS); do echo "== $$t"; $(MAKE) $(AM_MAKEFLAGS) $$t || exit 1; done
.PHONY: bench

include tests/unit/sched.mk
include tests/unit/unit.mk
include tests/bench/bench.mk
include tests/unit/mvar.mk
include tests/unit/abi.mk
include tests/unit/gc.mk
include tests/abi/abi.mk
include tests/bench/conc.mk
include tests/unit/weak.mk
include tests/unit/gcbug.mk
include tests/unit/thunk.mk
include tests/bench/recorder.mk
include tests/bench/peek.mk
