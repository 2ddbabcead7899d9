# tests/bench/peek.mk: the seed's peek benchmark (issue 4, thunk half),
# run by `make bench` (not by make check): examples/peek beside its Haskell
# twin tests/bench/peek.hs under GHC.
BENCH_TARGETS += bench-peek
bench-peek: examples/peek$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    SAMPLES=$${SAMPLES:-2000} $(SHELL) $(top_srcdir)/tests/bench/run-peek.sh
.PHONY: bench-peek
EXTRA_DIST += tests/bench/run-peek.sh tests/bench/peek.hs
