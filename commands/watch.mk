# commands/watch.mk: `watch -evac` (commands/rts_watch.c) and its test.
# Included from commands/local.mk.
RTS_PLUGIN_SOURCES += commands/rts_watch.c

# A program that keeps a weak pointer and an MVar alive across GCs; the
# test watches them with `watch -evac` live and checks the watch follows.
check_PROGRAMS += tests/debuggee/watch_evac
tests_debuggee_watch_evac_SOURCES = tests/debuggee/watch_evac.c
tests_debuggee_watch_evac_CFLAGS = $(AM_CFLAGS) -g -O0
tests_debuggee_watch_evac_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_debuggee_watch_evac_LDADD = rts/librts.la
tests_debuggee_watch_evac_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
TESTS += tests/integration/watch_evac.sh
EXTRA_DIST += tests/integration/watch_evac.sh tests/integration/watch_evac.expected
