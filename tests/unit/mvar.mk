# tests/unit/mvar.mk: MVar and BoundedChan unit tests (issue 3).
# Fragment of the top Makefile.am (included from tests/local.mk).

check_PROGRAMS += tests/unit/test_mvar tests/unit/test_bchan
TESTS += tests/unit/test_mvar tests/unit/test_bchan

tests_unit_test_mvar_SOURCES = tests/unit/test_mvar.c tests/unit/yield_until.h
tests_unit_test_mvar_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_mvar_LDADD = rts/librts_debug.la

tests_unit_test_bchan_SOURCES = tests/unit/test_bchan.c
tests_unit_test_bchan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_bchan_LDADD = rts/librts_debug.la

# Integration: the unit tests under -N/-A/-G/-DS; the pipeline's output
# against a reference and across configurations; the #18919 reproducer.
TESTS += tests/integration/mvar_matrix.sh tests/integration/pipeline_check.sh \
	tests/integration/mvar_repro.sh
EXTRA_DIST += tests/integration/mvar_matrix.sh tests/integration/pipeline_check.sh \
	tests/integration/mvar_repro.sh tests/integration/pipeline_soak.sh

# make soak: the long runs (minutes), not part of make check.
#   soak-pipeline: the seed's measurement: 10 runs of the pipeline with
#                  --inject=mvar-no-dirty -A64k -N2 -DS (60 s each at most),
#                  then 20 runs of the same command without the injection
#   soak-mvar:     mvar-repro hunting the precondition for a few minutes
soak-pipeline: all
	$(SHELL) $(top_srcdir)/tests/integration/pipeline_soak.sh $(top_builddir)
soak-mvar: all
	-./examples/mvar-repro 2000 512 +RTS -N2 -G3 -DS --inject=mvar-no-dirty -RTS
	./examples/mvar-repro 500 512 +RTS -N2 -G3 -DS -RTS; st=$$?; test $$st -eq 0 -o $$st -eq 77
soak: soak-pipeline soak-mvar
.PHONY: soak soak-pipeline soak-mvar
