# debugger/solib.mk: what the dynamic linker tells us (shared-library
# events, IFUNC targets: debugger/solib.c) and its test against gdb.
# Fragment of the top Makefile.am: paths relative to the top of the tree.
debugger_librtsdb_la_SOURCES += debugger/solib.c debugger/solib.h

# solib_dyn: an ordinary dynamic program (not static like the examples),
# linked -z now so its GOT slot for strlen (an IFUNC) is resolved at
# start; it dlopens libsolib_loaded.so.  -no-install: a real executable,
# not a libtool wrapper script, so gdb and rtsdb can load it.
check_PROGRAMS += tests/debuggee/solib_dyn
tests_debuggee_solib_dyn_SOURCES = tests/debuggee/solib_dyn.c
tests_debuggee_solib_dyn_CFLAGS = -g -O0 $(WARN_CFLAGS) -pthread
tests_debuggee_solib_dyn_LDFLAGS = -no-install -pthread -Wl,-z,now
tests_debuggee_solib_dyn_LDADD = -ldl
tests/debuggee/solib_dyn-solib_dyn.$(OBJEXT): CFLAGS += -O0

# solib_dyn_lazy: the same program bound lazily (the linker's default):
# strlen's resolver runs at its first call, in main.
check_PROGRAMS += tests/debuggee/solib_dyn_lazy
tests_debuggee_solib_dyn_lazy_SOURCES = tests/debuggee/solib_dyn.c
tests_debuggee_solib_dyn_lazy_CFLAGS = -g -O0 $(WARN_CFLAGS) -pthread
tests_debuggee_solib_dyn_lazy_LDFLAGS = -no-install -pthread -Wl,-z,lazy
tests_debuggee_solib_dyn_lazy_LDADD = -ldl
tests/debuggee/solib_dyn_lazy-solib_dyn.$(OBJEXT): CFLAGS += -O0

# -rpath makes libtool build a real shared library (check libraries are
# otherwise convenience archives); -module: it is only dlopen'ed.
check_LTLIBRARIES += tests/debuggee/libsolib_loaded.la
tests_debuggee_libsolib_loaded_la_SOURCES = tests/debuggee/solib_loaded.c
tests_debuggee_libsolib_loaded_la_CFLAGS = -g -O0 $(WARN_CFLAGS)
tests_debuggee_libsolib_loaded_la_LDFLAGS = -module -rpath /nowhere -avoid-version
tests/debuggee/libsolib_loaded_la-solib_loaded.l$(OBJEXT): CFLAGS += -O0

TESTS += tests/integration/solib.sh
EXTRA_DIST += tests/integration/solib.sh
