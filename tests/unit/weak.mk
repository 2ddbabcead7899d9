# tests/unit/weak.mk: weak pointers and finalizers (issue 4, weak half).
# Fragment of the top Makefile.am (included from tests/local.mk).  The test
# re-runs itself in child processes, one per case, with its own +RTS flags.
check_PROGRAMS += tests/unit/test_weak
tests_unit_test_weak_SOURCES = tests/unit/test_weak.c tests/unit/run_child.h tests/unit/check.h
tests_unit_test_weak_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_unit_test_weak_LDADD = rts/librts_debug.la
TESTS += tests/unit/test_weak

# examples/weakstress: exact finalizer counts, and --inject=weak-race caught.
TESTS += tests/integration/weak_stress.sh
EXTRA_DIST += tests/integration/weak_stress.sh
