# tests/unit/gcbug.mk: regression tests for the -N2 -DS stale-MVar-copy
# false positive of the sanity checker (Note [Stale MVar copies],
# rts/sm/Sanity.c), the #19145 check on the GC's mut-list scan, and the
# green-stack pool release race (greenContextFree, rts/GreenStack.c).
# Fragment of the top Makefile.am (included from tests/local.mk).
# Linked with the non-DEBUG librts: -DS alone must switch the checks on.
check_PROGRAMS += tests/unit/test_gcbug
tests_unit_test_gcbug_SOURCES = tests/unit/test_gcbug.c tests/unit/run_child.h tests/unit/yield_until.h
tests_unit_test_gcbug_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_unit_test_gcbug_LDADD = rts/librts.la
TESTS += tests/unit/test_gcbug
