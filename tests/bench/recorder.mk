# tests/bench/recorder.mk: the flight recorder's cost (issue 5): ping-pong
# and gcstress with the hooks compiled out, recording off and recording
# on, beside GHC's eventlog on the Haskell twins.  `make bench-recorder`;
# part of `make bench`, not of make check.
BENCH_TARGETS += bench-recorder
bench-recorder: examples/pingpong$(EXEEXT) examples/gcstress$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/bench/run-recorder.sh
.PHONY: bench-recorder
EXTRA_DIST += tests/bench/run-recorder.sh
