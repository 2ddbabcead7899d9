# commands/: the runtime-aware plugin (issue 7).  Fragment of the top Makefile.am.
#
# commands/rts_plugin.la is a libtool module (rts_plugin.so) that rtsdb loads
# by itself when the target exports the runtime's debug-info ABI: installed
# in $(pkglibdir) (RTSDB_PLUGIN_DIR), found in the build tree through
# RTSDB_BUILD_PLUGIN_DIR (commands/.libs).  It compiles in the table-driven
# decoders (rts/dbg) and sees the debuggee only through rtsdb-plugin.h.
# Each group of commands is one file; add yours to RTS_PLUGIN_SOURCES.
RTS_PLUGIN_SOURCES = commands/rts_plugin.h commands/rts_plugin.c commands/rts_basic.c
pkglib_LTLIBRARIES += commands/rts_plugin.la
commands_rts_plugin_la_SOURCES = $(RTS_PLUGIN_SOURCES) $(RTS_ABI_DECODER_SOURCES)
commands_rts_plugin_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/commands -I$(top_srcdir)/rts/dbg \
	-I$(top_srcdir)/debugger/include
commands_rts_plugin_la_LDFLAGS = -module -avoid-version -shared
EXTRA_DIST += commands/README.md

# Tests: every basic command on a live target and on a core of the same state.
check_PROGRAMS += tests/debuggee/plugin_heap
tests_debuggee_plugin_heap_SOURCES = tests/debuggee/plugin_heap.c tests/debuggee/known_heap.h
tests_debuggee_plugin_heap_CFLAGS = $(AM_CFLAGS) -g -O0
tests_debuggee_plugin_heap_LDADD = rts/librts.la
tests_debuggee_plugin_heap_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
TESTS += tests/integration/plugin_basic.sh tests/integration/plugin_complete.sh
EXTRA_DIST += tests/integration/plugin_basic.sh tests/integration/plugin_complete.sh tests/integration/plugin_lib.sh
include commands/watch.mk

# The heap analyses, flight-recorder commands and green-thread backtraces
# (engineer P2), with their walkers in rts/dbg.
RTS_PLUGIN_SOURCES += commands/rts_heap.c commands/rts_events.c commands/rts_events.h commands/rts_trace.c \
	commands/rts_bt.c \
	rts/dbg/HeapWalk.c rts/dbg/HeapWalk.h rts/dbg/Check.c rts/dbg/Check.h \
	rts/dbg/Events.c rts/dbg/Events.h
check_PROGRAMS += tests/debuggee/plugin_trace
tests_debuggee_plugin_trace_SOURCES = tests/debuggee/plugin_trace.c
tests_debuggee_plugin_trace_CFLAGS = $(AM_CFLAGS) -g -O0
tests_debuggee_plugin_trace_LDADD = rts/librts.la
tests_debuggee_plugin_trace_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
check_PROGRAMS += tests/debuggee/plugin_trace_reuse
tests_debuggee_plugin_trace_reuse_SOURCES = tests/debuggee/plugin_trace_reuse.c
tests_debuggee_plugin_trace_reuse_CFLAGS = $(AM_CFLAGS) -g -O0
tests_debuggee_plugin_trace_reuse_LDADD = rts/librts.la
tests_debuggee_plugin_trace_reuse_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
TESTS += tests/integration/plugin_heap.sh tests/integration/plugin_events.sh
EXTRA_DIST += tests/integration/plugin_heap.sh tests/integration/plugin_events.sh
include commands/fuzz.mk
