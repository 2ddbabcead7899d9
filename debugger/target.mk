# debugger/target.mk: the live (ptrace) and core-file targets, gcore, thread
# commands, and their tests.  Fragment of the top Makefile.am.
debugger_librtsdb_la_SOURCES += debugger/target.c debugger/target_internal.h \
	debugger/target_ptrace.c

# Debuggees of the target tests (-g -O0, never optimised away).
TARGET_DEBUGGEE_CFLAGS = -g -O0 $(WARN_CFLAGS) -pthread
check_PROGRAMS += tests/debuggee/target_threads tests/debuggee/target_signals \
	tests/debuggee/target_crash
tests_debuggee_target_threads_SOURCES = tests/debuggee/target_threads.c
tests_debuggee_target_threads_CFLAGS = $(TARGET_DEBUGGEE_CFLAGS)
tests_debuggee_target_signals_SOURCES = tests/debuggee/target_signals.c
tests_debuggee_target_signals_CFLAGS = $(TARGET_DEBUGGEE_CFLAGS)
tests_debuggee_target_crash_SOURCES = tests/debuggee/target_crash.c
tests_debuggee_target_crash_CFLAGS = $(TARGET_DEBUGGEE_CFLAGS)

check_PROGRAMS += tests/unit/test_target_live
TESTS += tests/unit/test_target_live
tests_unit_test_target_live_SOURCES = tests/unit/test_target_live.c tests/unit/test_target_check.h
tests_unit_test_target_live_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_target_live_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)

debugger_librtsdb_la_SOURCES += debugger/elfcore.c debugger/elfcore.h debugger/target_core.c \
	debugger/gcore.c

check_PROGRAMS += tests/unit/test_target_core
TESTS += tests/unit/test_target_core
tests_unit_test_target_core_SOURCES = tests/unit/test_target_core.c tests/unit/test_target_check.h
tests_unit_test_target_core_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_target_core_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
debugger_librtsdb_la_SOURCES += debugger/target_commands.c

TESTS += tests/integration/target_core.sh tests/integration/target_attach.sh
EXTRA_DIST += tests/integration/target_core.sh tests/integration/target_attach.sh

# Fuzzing the core reader: a short fixed-seed run in make check; a real
# libFuzzer binary with "make fuzz-elfcore" (clang).
check_PROGRAMS += tests/fuzz/fuzz_elfcore
TESTS += tests/fuzz/fuzz_elfcore
tests_fuzz_fuzz_elfcore_SOURCES = tests/fuzz/fuzz_elfcore.c tests/fuzz/fuzz_rng.h debugger/elfcore.c debugger/elfcore.h
tests_fuzz_fuzz_elfcore_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/debugger
fuzz-elfcore:
	@command -v clang >/dev/null || { echo "make fuzz-elfcore: clang not found (apt-get install clang)"; exit 1; }
	@mkdir -p tests/fuzz
	clang -g -O1 -fsanitize=fuzzer,address,undefined -DRTSDB_LIBFUZZER -I$(top_srcdir)/debugger \
	  $(top_srcdir)/tests/fuzz/fuzz_elfcore.c $(top_srcdir)/debugger/elfcore.c \
	  -o tests/fuzz/libfuzzer_elfcore
	@echo "run: tests/fuzz/libfuzzer_elfcore -max_total_time=60"
.PHONY: fuzz-elfcore
CLEANFILES += tests/fuzz/libfuzzer_elfcore

# make bench: bulk read throughput of the live target beside gdb's.
noinst_PROGRAMS += tests/bench/bench_memread
tests_bench_bench_memread_SOURCES = tests/bench/bench_memread.c
tests_bench_bench_memread_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_bench_bench_memread_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
BENCH_TARGETS += bench-memread
bench-memread: tests/bench/bench_memread$(EXEEXT)
	tests/bench/bench_memread
.PHONY: bench-memread
# Debuggees link without the sanitizer runtimes (their own _LDFLAGS replace
# AM_LDFLAGS): an ASan debuggee maps terabytes of shadow that gcore would dump.
tests_debuggee_target_threads_LDFLAGS = -pthread
tests_debuggee_target_signals_LDFLAGS = -pthread
tests_debuggee_target_crash_LDFLAGS = -pthread
