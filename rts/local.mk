# rts/: the runtime (librts).  Fragment of the top Makefile.am; paths are
# relative to the top of the tree.
#
# RTS_SOURCES lists every source of the runtime; sm/local.mk (the GC) and
# later fragments append to it.  Two builds of one source list:
#   rts/librts.la        the runtime (installed; examples link it)
#   rts/librts_debug.la  the same with -DDEBUG: ASSERTs and misuse checks
RTS_SOURCES =

include rts/sm/local.mk

lib_LTLIBRARIES += rts/librts.la
noinst_LTLIBRARIES += rts/librts_debug.la
rts_librts_la_SOURCES = $(RTS_SOURCES)
rts_librts_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
rts_librts_debug_la_SOURCES = $(RTS_SOURCES)
rts_librts_debug_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
nobase_include_HEADERS = rts/include/rts.h
