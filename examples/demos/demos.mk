# examples/demos/: the workshop demos (issue 7).  Included from examples/local.mk.
#
# `make demo` runs the main one, GHC #18919 caught live and on a core file
# (examples/demos/mvar-18919.sh); `make demos` runs them all.  Each demo is
# a narrating shell script driving rtsdb --batch with a command file from
# this folder.
DEMO_FILES = examples/demos/README.md examples/demos/lib.sh examples/demos/find-object.sh \
	examples/demos/mvar-18919.sh examples/demos/mvar-18919-live.gdb \
	examples/demos/mvar-18919-core.gdb examples/demos/weak-race.sh examples/demos/weak-race.gdb \
	examples/demos/dupe-5558.sh examples/demos/dupe-5558.gdb examples/demos/stats-race.sh
EXTRA_DIST += $(DEMO_FILES)
DEMO_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)'

demo: all
	@$(DEMO_ENV) $(SHELL) $(top_srcdir)/examples/demos/mvar-18919.sh

demos: all
	@for d in mvar-18919 weak-race dupe-5558 stats-race; do \
	    $(DEMO_ENV) $(SHELL) $(top_srcdir)/examples/demos/$$d.sh; \
	    echo "== demo $$d: status $$?"; \
	done
.PHONY: demo demos

# The demos' integration tests run each script in batch mode and compare
# the transcript with an expected one (addresses and times masked).  The
# bugs' races do not happen in every run, so each test also checks the
# demo's steps on a planted fault (demo_planted) every time.
check_PROGRAMS += tests/debuggee/demo_planted
tests_debuggee_demo_planted_SOURCES = tests/debuggee/demo_planted.c
tests_debuggee_demo_planted_CFLAGS = $(AM_CFLAGS) -g -O0
tests_debuggee_demo_planted_LDADD = rts/librts.la
tests_debuggee_demo_planted_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
TESTS += tests/integration/demo_18919.sh tests/integration/demo_races.sh
EXTRA_DIST += tests/integration/demo_lib.sh tests/integration/demo_18919.sh \
	tests/integration/demo_18919.expected tests/integration/demo_races.sh \
	tests/integration/demo_races.expected
