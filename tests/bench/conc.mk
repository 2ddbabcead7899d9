# tests/bench/conc.mk: the concurrency benchmarks of issue 3 (MVar ping-pong
# on one and two capabilities, fork-and-join, BoundedChan throughput, the
# pipeline) beside their GHC and Go twins.  `make bench-conc`; part of
# `make bench`, not of make check.
BENCH_TARGETS += bench-conc
bench-conc: examples/pingpong$(EXEEXT) examples/forkjoin$(EXEEXT) examples/bchan-bench$(EXEEXT) \
		examples/pipeline/pipeline$(EXEEXT) examples/pipeline/gen-fdns$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/bench/run-conc.sh
.PHONY: bench-conc
EXTRA_DIST += tests/bench/run-conc.sh tests/bench/pingpong.hs tests/bench/pingpong.go \
	tests/bench/forkjoin.hs tests/bench/forkjoin.go tests/bench/bchan.hs tests/bench/bchan.go \
	tests/bench/pipeline.hs tests/bench/pipeline.go
