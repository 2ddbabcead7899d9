# tests/unit/abi.mk: the debug-info ABI (issue 5).
check_PROGRAMS += tests/unit/test_abi
TESTS += tests/unit/test_abi
tests_unit_test_abi_SOURCES = tests/unit/test_abi.c tests/unit/check.h rts/dbg/Events.c rts/dbg/Events.h
tests_unit_test_abi_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_abi_LDADD = rts/librts_debug.la
check_PROGRAMS += tests/unit/test_recorder
TESTS += tests/unit/test_recorder
tests_unit_test_recorder_SOURCES = tests/unit/test_recorder.c tests/unit/check.h tests/unit/run_child.h
tests_unit_test_recorder_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
tests_unit_test_recorder_LDADD = rts/librts_debug.la
