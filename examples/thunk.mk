# examples/thunk.mk: thunks, CAFs and unsafePerformIO (issue 4, thunk
# half).  Fragment of the top Makefile.am (included from examples/local.mk).

# dupe: the seed's unsafePerformIO-in-a-CAF program (GHC #5558).
noinst_PROGRAMS += examples/dupe
examples_dupe_SOURCES = examples/dupe.c
examples_dupe_LDADD = $(EXAMPLE_LIBS)
examples_dupe_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

# peek: the seed's unsafeDupablePerformIO vs unsafePerformIO benchmark.
noinst_PROGRAMS += examples/peek
examples_peek_SOURCES = examples/peek.c
examples_peek_LDADD = $(EXAMPLE_LIBS) -lm
examples_peek_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
