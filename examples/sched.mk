# examples/sched.mk: green-thread examples (issue 3), against rts.h only.
noinst_PROGRAMS += examples/forkjoin examples/threads-hello
examples_forkjoin_SOURCES = examples/forkjoin.c
examples_forkjoin_LDADD = $(EXAMPLE_LIBS)
examples_forkjoin_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)
examples_threads_hello_SOURCES = examples/threads-hello.c
examples_threads_hello_LDADD = $(EXAMPLE_LIBS)
examples_threads_hello_LDFLAGS = $(AM_LDFLAGS) $(EXAMPLE_LINK_FLAGS)

# make bench: fork-and-join of 100,000 threads on one and two capabilities.
bench-forkjoin: examples/forkjoin
	./examples/forkjoin 100000 +RTS -N1 -RTS | tail -1
	./examples/forkjoin 100000 +RTS -N2 -RTS | tail -1
.PHONY: bench-forkjoin
BENCH_TARGETS += bench-forkjoin
