# debugger/: rtsdb, the debugger core.  Fragment of the top Makefile.am.
#
# Everything but main.c goes into the convenience library librtsdb.la, so
# unit tests link only what they use.  Each part appends its sources in its
# own fragment:
#   target.mk   live (ptrace) and core targets, memory, gcore
#   symtab.mk   symbols, lines, frames, DWARF types (libdw, libunwind)
#   cli.mk      command line, REPL, commands, output, expressions, plugins
#   infrun.mk   run control: breakpoints, stepping, watchpoints
#   solib.mk    shared-library events and IFUNC targets (the dynamic linker)
RTSDB_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/debugger -I$(top_srcdir)/debugger/include \
	$(LIBDW_CFLAGS) $(UNWIND_PTRACE_CFLAGS) $(UNWIND_COREDUMP_CFLAGS) \
	-DRTSDB_PLUGIN_DIR='"$(pkglibdir)"' -DRTSDB_BUILD_PLUGIN_DIR='"$(abs_top_builddir)/commands/.libs"'
RTSDB_LIBS = $(LIBDW_LIBS) $(UNWIND_PTRACE_LIBS) $(UNWIND_COREDUMP_LIBS) $(READLINE_LIBS) -ldl

noinst_LTLIBRARIES += debugger/librtsdb.la
debugger_librtsdb_la_SOURCES = debugger/target.h debugger/symtab.h debugger/types.h \
	debugger/session.h debugger/infrun.h debugger/include/rtsdb-plugin.h
debugger_librtsdb_la_CPPFLAGS = $(RTSDB_CPPFLAGS)
debugger_librtsdb_la_LIBADD = $(RTSDB_LIBS)

bin_PROGRAMS += debugger/rtsdb
debugger_rtsdb_SOURCES =
debugger_rtsdb_CPPFLAGS = $(RTSDB_CPPFLAGS)
debugger_rtsdb_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
include_HEADERS += debugger/include/rtsdb-plugin.h

include debugger/target.mk
include debugger/symtab.mk
include debugger/cli.mk
include debugger/infrun.mk
include debugger/watch_hw.mk
include debugger/solib.mk
