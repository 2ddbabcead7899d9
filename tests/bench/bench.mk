# tests/bench/bench.mk: the GC benchmark (issue 2), run by `make bench`
# (not by make check): gcstress beside its Haskell twin under GHC.
BENCH_TARGETS += bench-gc
bench-gc: examples/gcstress$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/bench/run-gc.sh
.PHONY: bench-gc
EXTRA_DIST += tests/bench/run-gc.sh tests/bench/gcstress.hs tests/bench/RESULTS.md
