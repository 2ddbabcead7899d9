# rts/weak.mk: weak pointers and finalizers (issue 4, weak half).  The GC
# side is rts/sm/MarkWeak.c (listed in rts/sm/local.mk).  Fragment of the
# top Makefile.am, included from rts/local.mk.
RTS_SOURCES += rts/Weak.c rts/Weak.h
