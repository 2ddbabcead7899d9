# tests/unit/sched.mk: tests of green threads and the scheduler (issue 3).
# Fragment of the top Makefile.am (included from tests/local.mk).

# The green layer alone: context switch, C stacks, pool, overflow report.
check_PROGRAMS += tests/unit/test_green
tests_unit_test_green_SOURCES = tests/unit/test_green.c
tests_unit_test_green_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_unit_test_green_LDADD = rts/librts_debug.la
TESTS += tests/unit/test_green

# gdb unwinds a green thread's stack through the switch to its entry.
TESTS += tests/integration/green_gdb_bt.sh
EXTRA_DIST += tests/integration/green_gdb_bt.sh

# Green threads on capabilities through the public API (each case in a
# child process with its own +RTS flags).
check_PROGRAMS += tests/unit/test_sched
tests_unit_test_sched_SOURCES = tests/unit/test_sched.c
tests_unit_test_sched_LDADD = rts/librts_debug.la
TESTS += tests/unit/test_sched

# The examples run, give the same answers on -N1 and -N2, and reject bad input.
TESTS += tests/integration/sched_examples.sh
EXTRA_DIST += tests/integration/sched_examples.sh
