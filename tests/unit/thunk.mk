# tests/unit/thunk.mk: thunks, blackholes, CAFs, unsafePerformIO (issue 4,
# thunk half).  Fragment of the top Makefile.am (included from
# tests/local.mk).  The test re-runs itself in child processes, one per
# case, with its own +RTS flags.
check_PROGRAMS += tests/unit/test_thunk
tests_unit_test_thunk_SOURCES = tests/unit/test_thunk.c tests/unit/run_child.h tests/unit/check.h
tests_unit_test_thunk_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_unit_test_thunk_LDADD = rts/librts_debug.la
TESTS += tests/unit/test_thunk

# examples/dupe: exactly one "IO executed" line per run; a duplicate with
# --inject=caf-nonatomic within 200 runs.  dupe_soak.sh: the issue's 1000.
TESTS += tests/integration/dupe.sh
EXTRA_DIST += tests/integration/dupe.sh tests/integration/dupe_soak.sh
soak-dupe: examples/dupe
	DUPE_RUNS=1000 top_builddir=$(top_builddir) $(SHELL) $(top_srcdir)/tests/integration/dupe_soak.sh
.PHONY: soak-dupe
