# tests/bench/recorder.mk: the flight recorder's cost (issue 5): ping-pong,
# gcstress and BoundedChan with the hooks compiled out, recording off and
# recording on, beside GHC's eventlog on the Haskell twins, and the cost of
# recording the GC's MVar moves (mvar_moves).  `make bench-recorder`; part
# of `make bench`, not of make check.
BENCH_TARGETS += bench-recorder
noinst_PROGRAMS += tests/bench/mvar_moves
tests_bench_mvar_moves_SOURCES = tests/bench/mvar_moves.c
tests_bench_mvar_moves_LDADD = rts/librts.la
tests_bench_mvar_moves_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
bench-recorder: examples/pingpong$(EXEEXT) examples/gcstress$(EXEEXT) examples/bchan-bench$(EXEEXT) \
	tests/bench/mvar_moves$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/bench/run-recorder.sh
.PHONY: bench-recorder
EXTRA_DIST += tests/bench/run-recorder.sh
