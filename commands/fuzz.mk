# commands/fuzz.mk: fuzzers of the runtime-aware decoders (rts/dbg) and the
# plugin commands on them, over a snapshot of a real heap that each input
# corrupts (tests/fuzz/rts_image.h).  Included from commands/local.mk.
# "make check" runs them with the fixed-seed standalone driver for a few
# seconds each; "make fuzz-rts" (and "make fuzz") builds libFuzzer binaries
# with clang.
check_LTLIBRARIES += tests/fuzz/librts_fuzz.la
tests_fuzz_librts_fuzz_la_SOURCES = tests/fuzz/rts_image.c tests/fuzz/rts_image.h tests/debuggee/known_heap.h \
	tests/fuzz/rts_decode_all.c tests/fuzz/rts_decode_all.h $(RTS_PLUGIN_SOURCES)
RTS_FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/commands -I$(top_srcdir)/rts/dbg \
	-I$(top_srcdir)/debugger/include -I$(top_srcdir)/tests/fuzz
tests_fuzz_librts_fuzz_la_CPPFLAGS = $(RTS_FUZZ_CPPFLAGS)
RTS_FUZZERS = tests/fuzz/fuzz_heap_decode tests/fuzz/fuzz_abi_reader
check_PROGRAMS += $(RTS_FUZZERS)
TESTS += $(RTS_FUZZERS)
RTS_FUZZ_DRIVER = tests/fuzz/rts_fuzz_driver.c tests/fuzz/rts_fuzz.h tests/fuzz/fuzz_rng.h
tests_fuzz_fuzz_heap_decode_SOURCES = tests/fuzz/fuzz_heap_decode.c $(RTS_FUZZ_DRIVER)
tests_fuzz_fuzz_heap_decode_CPPFLAGS = $(RTS_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_heap_decode_LDADD = tests/fuzz/librts_fuzz.la rts/librts.la
tests_fuzz_fuzz_heap_decode_LDFLAGS = $(AM_LDFLAGS) -static
tests_fuzz_fuzz_abi_reader_SOURCES = tests/fuzz/fuzz_abi_reader.c $(RTS_FUZZ_DRIVER)
tests_fuzz_fuzz_abi_reader_CPPFLAGS = $(RTS_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_abi_reader_LDADD = tests/fuzz/librts_fuzz.la rts/librts.la
tests_fuzz_fuzz_abi_reader_LDFLAGS = $(AM_LDFLAGS) -static

# the plugin's and the decoders' C files, as the plugin is built from them
RTS_FUZZ_LIBSRC = tests/fuzz/rts_image.c tests/fuzz/rts_decode_all.c \
	$(filter %.c,$(RTS_ABI_DECODER_SOURCES) $(RTS_PLUGIN_SOURCES))
fuzz-rts: rts/librts.la
	@command -v clang >/dev/null || { echo "make fuzz-rts: clang not found (apt-get install clang)"; exit 1; }
	@mkdir -p tests/fuzz
	for f in heap_decode abi_reader; do \
	  clang -g -O1 -fsanitize=fuzzer,address,undefined -DRTSDB_LIBFUZZER $(DEFS) -I$(top_builddir) \
	    $(RTS_FUZZ_CPPFLAGS) $(top_srcdir)/tests/fuzz/fuzz_$$f.c \
	    `for s in $(RTS_FUZZ_LIBSRC); do echo $(top_srcdir)/$$s; done` rts/.libs/librts.a -pthread \
	    -o tests/fuzz/libfuzzer_$$f || exit 1; \
	done
	@echo "run: tests/fuzz/libfuzzer_heap_decode -max_total_time=60   (and libfuzzer_abi_reader)"
fuzz: fuzz-rts
.PHONY: fuzz-rts
CLEANFILES += tests/fuzz/libfuzzer_heap_decode tests/fuzz/libfuzzer_abi_reader
