# debugger/watch_hw.mk: hardware (debug-register) watchpoints.
# Fragment of the top Makefile.am (included from debugger/local.mk).
debugger_librtsdb_la_SOURCES += debugger/watch_hw.c debugger/watch_hw.h

# Unit test: splitting and DR7 encoding (links the library for the rest).
check_PROGRAMS += tests/unit/test_watch_hw
TESTS += tests/unit/test_watch_hw tests/integration/infrun_watch_hw.sh \
	tests/integration/infrun_watch_hw_fires.sh
tests_unit_test_watch_hw_SOURCES = tests/unit/test_watch_hw.c
tests_unit_test_watch_hw_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_watch_hw_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
EXTRA_DIST += tests/integration/infrun_watch_hw.sh tests/integration/infrun_watch_hw_fires.sh
