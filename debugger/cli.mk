# debugger/cli.mk: command line, REPL, command registry, output/JSON,
# expressions and printing, the plugin host, and their tests.
# Fragment of the top Makefile.am: paths relative to the top of the tree.
debugger_librtsdb_la_SOURCES += debugger/session_state.h debugger/session.c \
	debugger/output.c debugger/command.c debugger/repl.c \
	debugger/expr.c debugger/value.c debugger/data_commands.c debugger/plugin.c
debugger_rtsdb_SOURCES += debugger/main.c

# ---- unit tests (fake in-memory target; no process, no DWARF) ----
CLI_UNIT_TESTS = tests/unit/test_expr tests/unit/test_command tests/unit/test_json
check_PROGRAMS += $(CLI_UNIT_TESTS)
TESTS += $(CLI_UNIT_TESTS)
tests_unit_test_expr_SOURCES = tests/unit/test_expr.c tests/unit/cli_fake_target.h
tests_unit_test_expr_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_expr_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
tests_unit_test_command_SOURCES = tests/unit/test_command.c tests/unit/cli_capture.h tests/unit/check.h
tests_unit_test_command_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_command_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
tests_unit_test_json_SOURCES = tests/unit/test_json.c tests/unit/cli_capture.h tests/unit/check.h
tests_unit_test_json_CPPFLAGS = $(RTSDB_CPPFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_json_LDADD = debugger/librtsdb.la $(RTSDB_LIBS) $(JANSSON_LIBS)

# ---- integration tests: rtsdb --batch against a debuggee of our own ----
check_PROGRAMS += tests/debuggee/cli_vars
tests_debuggee_cli_vars_SOURCES = tests/debuggee/cli_vars.c
tests_debuggee_cli_vars_CFLAGS = -g -O0 $(WARN_CFLAGS)

# A sample plugin, built as a module and loaded by cli_plugin.sh.
check_LTLIBRARIES += tests/plugin/hello_plugin.la
tests_plugin_hello_plugin_la_SOURCES = tests/plugin/hello_plugin.c
tests_plugin_hello_plugin_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/debugger/include
tests_plugin_hello_plugin_la_LDFLAGS = -module -avoid-version -rpath /nowhere

CLI_INTEGRATION_TESTS = tests/integration/cli_batch.sh tests/integration/cli_json.sh \
	tests/integration/cli_help.sh tests/integration/cli_script.sh \
	tests/integration/cli_print.sh tests/integration/cli_plugin.sh
TESTS += $(CLI_INTEGRATION_TESTS)
EXTRA_DIST += $(CLI_INTEGRATION_TESTS) tests/integration/cli_lib.sh \
	tests/integration/cli_script.gdb

# ---- fuzzing ----
# Each target is a libFuzzer entry point.  For "make check" gcc builds it
# with a standalone driver that runs a fixed-seed mutation loop for a couple
# of seconds; "make fuzz" builds real libFuzzer binaries with clang.
CLI_FUZZERS = tests/fuzz/fuzz_expr tests/fuzz/fuzz_command
check_PROGRAMS += $(CLI_FUZZERS)
TESTS += $(CLI_FUZZERS)
tests_fuzz_fuzz_expr_SOURCES = tests/fuzz/fuzz_expr.c tests/fuzz/fuzz_driver.c \
	tests/fuzz/fuzz_driver.h tests/unit/cli_fake_target.h
tests_fuzz_fuzz_expr_CPPFLAGS = $(RTSDB_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_expr_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
tests_fuzz_fuzz_command_SOURCES = tests/fuzz/fuzz_command.c tests/fuzz/fuzz_driver.c \
	tests/fuzz/fuzz_driver.h tests/unit/cli_fake_target.h
tests_fuzz_fuzz_command_CPPFLAGS = $(RTSDB_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_fuzz_fuzz_command_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)

CLI_FUZZ_CC = clang
CLI_FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
CLI_FUZZ_LIBSRC = $(top_srcdir)/debugger/session.c $(top_srcdir)/debugger/output.c \
	$(top_srcdir)/debugger/command.c $(top_srcdir)/debugger/expr.c \
	$(top_srcdir)/debugger/value.c $(top_srcdir)/debugger/data_commands.c \
	$(top_srcdir)/debugger/plugin.c $(top_srcdir)/debugger/repl.c
fuzz: debugger/librtsdb.la
	@command -v $(CLI_FUZZ_CC) >/dev/null || { echo "make fuzz: $(CLI_FUZZ_CC) not found (apt-get install clang)"; exit 1; }
	@mkdir -p tests/fuzz
	for f in expr command; do \
	  $(CLI_FUZZ_CC) $(CLI_FUZZ_FLAGS) $(DEFS) -I$(top_builddir) $(RTSDB_CPPFLAGS) \
	    -I$(top_srcdir)/tests/unit $(top_srcdir)/tests/fuzz/fuzz_$$f.c $(CLI_FUZZ_LIBSRC) \
	    debugger/.libs/librtsdb.a $(RTSDB_LIBS) -o tests/fuzz/libfuzzer_$$f || exit 1; \
	done
	@echo "run: tests/fuzz/libfuzzer_expr -max_total_time=60   (and libfuzzer_command)"
.PHONY: fuzz
CLEANFILES += tests/fuzz/libfuzzer_expr tests/fuzz/libfuzzer_command
tests_debuggee_cli_vars_LDFLAGS = -pthread
