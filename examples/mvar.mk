# examples/mvar.mk: the MVar/BoundedChan programs (issue 3): the #18919
# reproducers, the seed's pipeline and its input generator, and the
# concurrency benchmarks' workloads.  Fragment of the top Makefile.am.

noinst_PROGRAMS += examples/pingpong examples/bchan-bench examples/mvar-repro \
	examples/pipeline/pipeline examples/pipeline/gen-fdns

examples_pingpong_SOURCES = examples/pingpong.c
examples_pingpong_LDADD = $(EXAMPLE_LIBS)
examples_pingpong_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

examples_bchan_bench_SOURCES = examples/bchan-bench.c
examples_bchan_bench_LDADD = $(EXAMPLE_LIBS)
examples_bchan_bench_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

examples_mvar_repro_SOURCES = examples/mvar-repro.c
examples_mvar_repro_LDADD = $(EXAMPLE_LIBS)
examples_mvar_repro_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

examples_pipeline_pipeline_SOURCES = examples/pipeline/pipeline.c \
	examples/pipeline/filter.c examples/pipeline/filter.h
examples_pipeline_pipeline_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS)
examples_pipeline_pipeline_LDADD = $(EXAMPLE_LIBS) $(JANSSON_LIBS) $(ZLIB_LIBS)
examples_pipeline_pipeline_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

# The generator is plain C + zlib: it does not use the runtime.
examples_pipeline_gen_fdns_SOURCES = examples/pipeline/gen-fdns.c
examples_pipeline_gen_fdns_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
examples_pipeline_gen_fdns_LDADD = $(ZLIB_LIBS)
