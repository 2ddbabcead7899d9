# rts/: the runtime (librts).  Fragment of the top Makefile.am; paths are
# relative to the top of the tree.
#
# RTS_SOURCES lists every source of the runtime; sm/local.mk (the GC) and
# later fragments append to it.  Two builds of one source list:
#   rts/librts.la        the runtime (installed; examples link it)
#   rts/librts_debug.la  the same with -DDEBUG: ASSERTs and misuse checks
RTS_SOURCES =

# storage manager, start-up, flags, messages, roots, public API (issue 2)
RTS_SOURCES += \
	rts/RtsMessages.c rts/RtsMessages.h \
	rts/RtsFlags.c rts/RtsFlags.h \
	rts/ClosureTypes.c rts/ClosureMacros.c \
	rts/StgMiscClosures.c rts/StgMiscClosures.h \
	rts/Capability.c rts/Capability.h \
	rts/sm/MBlock.c rts/sm/BlockAlloc.c rts/sm/Storage.c rts/sm/Storage.h \
	rts/Roots.c rts/Roots.h \
	rts/RtsAPI.c rts/RtsStartup.c \
	rts/include/rts/storage/Block.h rts/include/rts/storage/ClosureTypes.h \
	rts/include/rts/storage/Closures.h rts/include/rts/storage/InfoTables.h

include rts/sm/local.mk

lib_LTLIBRARIES += rts/librts.la
noinst_LTLIBRARIES += rts/librts_debug.la
rts_librts_la_SOURCES = $(RTS_SOURCES)
rts_librts_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
rts_librts_debug_la_SOURCES = $(RTS_SOURCES)
rts_librts_debug_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts -DDEBUG
nobase_include_HEADERS = rts/include/rts.h
include rts/sched.mk
include rts/mvar.mk
include rts/abi.mk
include rts/weak.mk
include rts/thunk.mk
