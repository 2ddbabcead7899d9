# debugger/infrun.mk: run control (breakpoints, stepping, watchpoints, stops).
# Fragment of the top Makefile.am: paths relative to the top of the tree.
debugger_librtsdb_la_SOURCES += debugger/infrun.c debugger/run_commands.c \
	debugger/breakpoint.c debugger/breakpoint.h \
	debugger/watchpoint.c debugger/watchpoint.h debugger/watch_pageprot.c \
	debugger/hwwatch_probe.c

# Unit tests: each compiles the one file it tests, so it runs whatever
# state the other parts of librtsdb are in.
check_PROGRAMS += tests/unit/test_breakpoint tests/unit/test_breakpoint_hwprobe
TESTS += tests/unit/test_breakpoint tests/unit/test_breakpoint_hwprobe
tests_unit_test_breakpoint_SOURCES = tests/unit/test_breakpoint.c debugger/breakpoint.c
tests_unit_test_breakpoint_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_breakpoint_hwprobe_SOURCES = tests/unit/test_breakpoint_hwprobe.c \
	debugger/hwwatch_probe.c
tests_unit_test_breakpoint_hwprobe_CPPFLAGS = $(RTSDB_CPPFLAGS)

# Debuggees (-g -O0 so lines and variables are exact).
INFRUN_DEBUGGEE_CFLAGS = -g -O0 $(WARN_CFLAGS) -pthread
check_PROGRAMS += tests/debuggee/infrun_basic tests/debuggee/infrun_threads \
	tests/debuggee/infrun_watchbench
tests_debuggee_infrun_basic_SOURCES = tests/debuggee/infrun_basic.c
tests_debuggee_infrun_basic_CFLAGS = $(INFRUN_DEBUGGEE_CFLAGS)
tests_debuggee_infrun_threads_SOURCES = tests/debuggee/infrun_threads.c
tests_debuggee_infrun_threads_CFLAGS = $(INFRUN_DEBUGGEE_CFLAGS)
tests_debuggee_infrun_watchbench_SOURCES = tests/debuggee/infrun_watchbench.c
tests_debuggee_infrun_watchbench_CFLAGS = $(INFRUN_DEBUGGEE_CFLAGS)

# Integration tests (drive debugger/rtsdb --batch against the debuggees).
TESTS += tests/integration/infrun_break.sh tests/integration/infrun_threads.sh \
	tests/integration/infrun_watch.sh tests/integration/infrun_signals.sh \
	tests/integration/infrun_detach.sh
EXTRA_DIST += tests/integration/infrun_lib.sh tests/integration/infrun_break.sh \
	tests/integration/infrun_threads.sh tests/integration/infrun_watch.sh \
	tests/integration/infrun_signals.sh tests/integration/infrun_detach.sh \
	tests/bench/bench_watch.sh

# make bench-watch: page-protection watch cost beside gdb's software watch.
bench-watch: debugger/rtsdb tests/debuggee/infrun_watchbench
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) $(top_srcdir)/tests/bench/bench_watch.sh
BENCH_TARGETS += bench-watch
.PHONY: bench-watch
tests_debuggee_infrun_basic_LDFLAGS = -pthread
tests_debuggee_infrun_threads_LDFLAGS = -pthread
tests_debuggee_infrun_watchbench_LDFLAGS = -pthread
# Ctrl-C interrupts the program, not rtsdb.
check_PROGRAMS += tests/debuggee/infrun_spin
tests_debuggee_infrun_spin_SOURCES = tests/debuggee/infrun_spin.c
tests_debuggee_infrun_spin_CFLAGS = -g -O0
tests_debuggee_infrun_spin_LDFLAGS = -pthread
TESTS += tests/integration/infrun_ctrlc.sh
EXTRA_DIST += tests/integration/infrun_ctrlc.sh
# step (Note [How step decides where to stop] in infrun.c) against gdb 13:
# an -O2 debuggee linked -static-pie, so libc has no lines on any machine.
check_PROGRAMS += tests/debuggee/infrun_step
tests_debuggee_infrun_step_SOURCES = tests/debuggee/infrun_step.c
tests_debuggee_infrun_step_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests_debuggee_infrun_step_LDFLAGS = -static-pie -pthread
tests/debuggee/infrun_step-infrun_step.$(OBJEXT): CFLAGS += -O2
# The same, linked dynamically: calls go through lazily bound PLT slots
# (and into libc's lines where its debug information is installed).
check_PROGRAMS += tests/debuggee/infrun_step_dyn
tests_debuggee_infrun_step_dyn_SOURCES = tests/debuggee/infrun_step.c
tests_debuggee_infrun_step_dyn_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests_debuggee_infrun_step_dyn_LDFLAGS = -pthread
tests/debuggee/infrun_step_dyn-infrun_step.$(OBJEXT): CFLAGS += -O2
TESTS += tests/integration/infrun_step.sh
EXTRA_DIST += tests/integration/infrun_step.sh
# break LINE, until and stepi on breakpoints against gdb 13: a loop at -O0.
check_PROGRAMS += tests/debuggee/infrun_until
tests_debuggee_infrun_until_SOURCES = tests/debuggee/infrun_until.c
tests_debuggee_infrun_until_CFLAGS = $(INFRUN_DEBUGGEE_CFLAGS)
tests_debuggee_infrun_until_LDFLAGS = -pthread
TESTS += tests/integration/infrun_until.sh
EXTRA_DIST += tests/integration/infrun_until.sh
# step through a PLT stub reached by a tail call, and out of a libc
# without symbols (tests/integration/infrun_getenv.sh): -O2, dynamic.
check_PROGRAMS += tests/debuggee/infrun_getenv
tests_debuggee_infrun_getenv_SOURCES = tests/debuggee/infrun_getenv.c
tests_debuggee_infrun_getenv_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests_debuggee_infrun_getenv_LDFLAGS = -pthread
tests/debuggee/infrun_getenv-infrun_getenv.$(OBJEXT): CFLAGS += -O2
TESTS += tests/integration/infrun_getenv.sh
EXTRA_DIST += tests/integration/infrun_getenv.sh
