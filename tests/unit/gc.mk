# tests/unit/gc.mk: tests of the garbage collector and the sanity checker
# (issue 2, GC half).  Fragment of the top Makefile.am (included from
# tests/local.mk).  Each test re-runs itself in child processes, one per
# case, with its own +RTS flags.

# evacuate/scavenge, aging and promotion, large/pinned, mut lists,
# parallel copying, stats-race injection.
check_PROGRAMS += tests/unit/test_gc
tests_unit_test_gc_SOURCES = tests/unit/test_gc.c tests/unit/run_child.h tests/unit/check.h
tests_unit_test_gc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_unit_test_gc_LDADD = rts/librts_debug.la
TESTS += tests/unit/test_gc

# -DS catches a planted missing write barrier and names object and field.
check_PROGRAMS += tests/unit/test_sanity
tests_unit_test_sanity_SOURCES = tests/unit/test_sanity.c tests/unit/run_child.h
tests_unit_test_sanity_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_unit_test_sanity_LDADD = rts/librts_debug.la
TESTS += tests/unit/test_sanity
