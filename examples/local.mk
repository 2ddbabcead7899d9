# examples/: programs on the runtime, written against rts/include/rts.h only.
EXAMPLE_LIBS = rts/librts.la
# -static: link the uninstalled librts statically (no libtool wrapper
# scripts, so debuggers see the real program).  The debug-info table is
# exported as a dynamic symbol so readers find it by name as well as by its
# ELF note (rts/DebugAbi.c, Note [Finding the table]).
EXAMPLE_LINK_FLAGS = -static -Wl,--export-dynamic-symbol=rts_debug_abi

# gcstress: the GC stress workload (issue 2); prints a checksum last.
noinst_PROGRAMS += examples/gcstress
examples_gcstress_SOURCES = examples/gcstress.c
examples_gcstress_LDADD = $(EXAMPLE_LIBS)
examples_gcstress_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

include examples/mvar.mk
include examples/sched.mk
include examples/weak.mk
include examples/thunk.mk
include examples/demos/demos.mk
