# examples/weak.mk: weak pointers and finalizers (issue 4, weak half).
# Fragment of the top Makefile.am (included from examples/local.mk).

# weakstress: many threads making and dropping weaks (data and TSO keys);
# checks that every finalizer runs exactly once.
noinst_PROGRAMS += examples/weakstress
examples_weakstress_SOURCES = examples/weakstress.c
examples_weakstress_LDADD = $(EXAMPLE_LIBS)
examples_weakstress_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
