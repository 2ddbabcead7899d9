# tests/abi/abi.mk: the ABI conformance test (issue 5).  abi_reader is built
# from the table-driven decoders only: it must not include runtime headers.
check_PROGRAMS += tests/abi/abi_target tests/abi/abi_reader
tests_abi_abi_target_SOURCES = tests/abi/abi_target.c
tests_abi_abi_target_LDADD = rts/librts.la
tests_abi_abi_target_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
tests_abi_abi_target_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/rts
tests_abi_abi_reader_SOURCES = tests/abi/abi_reader.c $(RTS_ABI_DECODER_SOURCES)
tests_abi_abi_reader_CPPFLAGS = -I$(top_srcdir)/rts/include -I$(top_srcdir)/rts
TESTS += tests/abi/abi_conformance.sh
EXTRA_DIST += tests/abi/abi_conformance.sh
TESTS += tests/abi/gdb_rts.sh
EXTRA_DIST += tests/abi/gdb_rts.sh commands/gdb/rts.gdb
