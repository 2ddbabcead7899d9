# debugger/symtab.mk: symbols, lines, frames, DWARF types (the "symtab" part)
# and their tests.  Fragment of the top Makefile.am: paths from the top.
debugger_librtsdb_la_SOURCES += debugger/symtab_priv.h debugger/symtab.c \
	debugger/symtab_regs.c debugger/unwind.c debugger/unwind_table.c debugger/frame.c debugger/dwarf_loc.c \
	debugger/dwarf_entry.c debugger/dwarf_types.c debugger/types.c debugger/symtab_commands.c \
	debugger/symtab_inline.c

# ---- debuggees ----
# Note [Debuggees really at -O0]: automake puts the user's CFLAGS (-g -O2 by
# default) after a target's _CFLAGS, so "-O0" there loses.  GNU make
# target-specific variables append -O0 after CFLAGS for these objects only
# (the tree builds with -Wno-portability).
SYMTAB_DEBUGGEE_CFLAGS = -g -O0 $(WARN_CFLAGS) -pthread
check_LTLIBRARIES += tests/debuggee/libsymtab_lib.la
tests_debuggee_libsymtab_lib_la_SOURCES = tests/debuggee/symtab_lib.c
tests_debuggee_libsymtab_lib_la_CFLAGS = $(SYMTAB_DEBUGGEE_CFLAGS)
# -rpath makes libtool build a real shared library (check libraries are
# otherwise convenience archives).
tests_debuggee_libsymtab_lib_la_LDFLAGS = -rpath /nowhere -avoid-version
tests/debuggee/libsymtab_lib_la-symtab_lib.l$(OBJEXT): CFLAGS += -O0

# symtab_deep: PIE (the default), linked to the library; symtab_deep_nopie:
# the same program at fixed addresses.  -no-install: a real executable with
# an rpath, not a libtool wrapper script, so gdb and rtsdb can load it.
check_PROGRAMS += tests/debuggee/symtab_deep tests/debuggee/symtab_deep_nopie
tests_debuggee_symtab_deep_SOURCES = tests/debuggee/symtab_deep.c
tests_debuggee_symtab_deep_CFLAGS = $(SYMTAB_DEBUGGEE_CFLAGS)
tests_debuggee_symtab_deep_LDFLAGS = -no-install
tests_debuggee_symtab_deep_LDADD = tests/debuggee/libsymtab_lib.la
tests/debuggee/symtab_deep-symtab_deep.$(OBJEXT): CFLAGS += -O0
tests_debuggee_symtab_deep_nopie_SOURCES = tests/debuggee/symtab_deep.c
tests_debuggee_symtab_deep_nopie_CFLAGS = $(SYMTAB_DEBUGGEE_CFLAGS) -fno-pie
tests_debuggee_symtab_deep_nopie_LDFLAGS = -no-install -no-pie
tests_debuggee_symtab_deep_nopie_LDADD = tests/debuggee/libsymtab_lib.la
tests/debuggee/symtab_deep_nopie-symtab_deep.$(OBJEXT): CFLAGS += -O0

# ---- unit tests ----
check_PROGRAMS += tests/unit/test_symtab tests/unit/test_symtab_unwind
TESTS += tests/unit/test_symtab tests/unit/test_symtab_unwind
tests_unit_test_symtab_SOURCES = tests/unit/test_symtab.c tests/unit/test_symtab_check.h
tests_unit_test_symtab_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_symtab_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
tests_unit_test_symtab_unwind_SOURCES = tests/unit/test_symtab_unwind.c \
	tests/unit/test_symtab_check.h
tests_unit_test_symtab_unwind_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_symtab_unwind_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)

# ---- integration tests (drive debugger/rtsdb --batch; gdb for agreement) ----
TESTS += tests/integration/symtab_commands.sh tests/integration/symtab_gdb_agree.sh
EXTRA_DIST += tests/integration/symtab_commands.sh tests/integration/symtab_gdb_agree.sh \
	tests/integration/symtab_lib.sh

# symtab_inline: always_inline functions at -O2, for inlined frames
# (Note [Inlined frames] in debugger/symtab_inline.c); -O2 is appended as
# -O0 is for the others (Note [Debuggees really at -O0]).
check_PROGRAMS += tests/debuggee/symtab_inline
tests_debuggee_symtab_inline_SOURCES = tests/debuggee/symtab_inline.c
tests_debuggee_symtab_inline_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests/debuggee/symtab_inline-symtab_inline.$(OBJEXT): CFLAGS += -O2
TESTS += tests/integration/symtab_inline.sh
EXTRA_DIST += tests/integration/symtab_inline.sh

# symtab_inline_start: stops at an inlined call's first instruction, which
# gdb shows in the caller (Note [Inlined frames at their first
# instruction] in debugger/symtab_inline.c).
check_PROGRAMS += tests/debuggee/symtab_inline_start
tests_debuggee_symtab_inline_start_SOURCES = tests/debuggee/symtab_inline_start.c
tests_debuggee_symtab_inline_start_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests/debuggee/symtab_inline_start-symtab_inline_start.$(OBJEXT): CFLAGS += -O2
TESTS += tests/integration/symtab_inline_start.sh
EXTRA_DIST += tests/integration/symtab_inline_start.sh

# symtab_optout: variables optimized out at -O2 (Note [Optimized out] in
# debugger/dwarf_loc.c); symtab_optout.sh compares rtsdb with gdb 13.
check_PROGRAMS += tests/debuggee/symtab_optout
tests_debuggee_symtab_optout_SOURCES = tests/debuggee/symtab_optout.c
tests_debuggee_symtab_optout_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests/debuggee/symtab_optout-symtab_optout.$(OBJEXT): CFLAGS += -O2
TESTS += tests/integration/symtab_optout.sh
EXTRA_DIST += tests/integration/symtab_optout.sh

# symtab_entry: parameters that are entry values at -O2 (Note [Entry
# values] in debugger/dwarf_entry.c); symtab_entry.sh compares rtsdb with
# gdb 13, test_dwarf_entry decodes its call sites.
check_PROGRAMS += tests/debuggee/symtab_entry
tests_debuggee_symtab_entry_SOURCES = tests/debuggee/symtab_entry.c
tests_debuggee_symtab_entry_CFLAGS = -g -O2 $(WARN_CFLAGS) -pthread
tests/debuggee/symtab_entry-symtab_entry.$(OBJEXT): CFLAGS += -O2
TESTS += tests/integration/symtab_entry.sh
EXTRA_DIST += tests/integration/symtab_entry.sh
check_PROGRAMS += tests/unit/test_dwarf_entry
TESTS += tests/unit/test_dwarf_entry
tests_unit_test_dwarf_entry_SOURCES = tests/unit/test_dwarf_entry.c tests/unit/test_symtab_check.h
tests_unit_test_dwarf_entry_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_dwarf_entry_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)

# fuzz_dwarf_loc: random and corrupted DWARF location expressions give a
# value or a one-line error, never a crash (debugger/dwarf_loc.c).
check_PROGRAMS += tests/fuzz/fuzz_dwarf_loc
TESTS += tests/fuzz/fuzz_dwarf_loc
tests_fuzz_fuzz_dwarf_loc_SOURCES = tests/fuzz/fuzz_dwarf_loc.c tests/fuzz/fuzz_rng.h
tests_fuzz_fuzz_dwarf_loc_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_fuzz_fuzz_dwarf_loc_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)

# fuzz_dwarf_entry: the call-site decoders of entry values over a
# corrupted copy of symtab_entry's .debug_info (debugger/dwarf_entry.c).
check_PROGRAMS += tests/fuzz/fuzz_dwarf_entry
TESTS += tests/fuzz/fuzz_dwarf_entry
tests_fuzz_fuzz_dwarf_entry_SOURCES = tests/fuzz/fuzz_dwarf_entry.c tests/fuzz/fuzz_rng.h
tests_fuzz_fuzz_dwarf_entry_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_fuzz_fuzz_dwarf_entry_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)

# unwind_static: linked static non-PIE, so without .eh_frame_hdr (Note
# [Programs without .eh_frame_hdr] in debugger/unwind_table.c).
# -all-static is libtool's way to pass -static to the compiler driver (its
# own -static only links uninstalled libraries statically); libc.a is
# already needed by the -static-pie debuggees (infrun.mk).
check_PROGRAMS += tests/debuggee/unwind_static
tests_debuggee_unwind_static_SOURCES = tests/debuggee/unwind_static.c
tests_debuggee_unwind_static_CFLAGS = -g -O0 $(WARN_CFLAGS) -pthread -fno-pie
tests_debuggee_unwind_static_LDFLAGS = -all-static -no-pie -pthread
tests/debuggee/unwind_static-unwind_static.$(OBJEXT): CFLAGS += -O0
TESTS += tests/integration/unwind_static.sh
EXTRA_DIST += tests/integration/unwind_static.sh
# test_unwind_table: that table against the linker's .eh_frame_hdr, and
# over corrupted copies of unwind_static's .eh_frame (fixed seed).
check_PROGRAMS += tests/unit/test_unwind_table
TESTS += tests/unit/test_unwind_table
tests_unit_test_unwind_table_SOURCES = tests/unit/test_unwind_table.c \
	tests/unit/test_symtab_check.h tests/fuzz/fuzz_rng.h
tests_unit_test_unwind_table_CPPFLAGS = $(RTSDB_CPPFLAGS)
tests_unit_test_unwind_table_LDADD = debugger/librtsdb.la $(RTSDB_LIBS)
