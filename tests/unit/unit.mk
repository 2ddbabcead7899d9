# tests/unit/unit.mk: tests of the storage manager, flags and roots (issue 2).
# Fragment of the top Makefile.am (included from tests/local.mk).
# All link the DEBUG runtime: its ASSERTs and misuse checks are on.

check_PROGRAMS += tests/unit/test_blockalloc tests/unit/test_flags tests/unit/test_roots
TESTS += tests/unit/test_blockalloc tests/unit/test_flags tests/unit/test_roots

tests_unit_test_blockalloc_SOURCES = tests/unit/test_blockalloc.c
tests_unit_test_blockalloc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_blockalloc_LDADD = rts/librts_debug.la

tests_unit_test_flags_SOURCES = tests/unit/test_flags.c
tests_unit_test_flags_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_flags_LDADD = rts/librts_debug.la

tests_unit_test_roots_SOURCES = tests/unit/test_roots.c
tests_unit_test_roots_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_roots_LDADD = rts/librts_debug.la

# gcstress prints the same checksum under every -N/-A/-G/-DS combination.
TESTS += tests/integration/gcstress-matrix.sh
EXTRA_DIST += tests/integration/gcstress-matrix.sh
