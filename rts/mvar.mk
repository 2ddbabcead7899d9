# rts/mvar.mk: MVars and BoundedChans (issue 3).  Fragment of the top
# Makefile.am (included from rts/local.mk).
RTS_SOURCES += rts/MVar.c rts/MVar.h rts/SwitchReturn.S rts/BoundedChan.c rts/BoundedChan.h
# The one-capability MVar fast paths (Notes [Taking alone on one
# capability] and [Putting to a lone taker] in MVar.c) store pairs of
# adjacent words: a queue node's info and link, an MVar's head and tail.
# GCC's SLP vectoriser packs each pair into an SSE register first (movq,
# punpcklqdq, movups: four instructions for two stores), ~10 instructions
# per ping-pong round trip.  Target-specific variables, as for Evac.c
# (rts/sm/local.mk).
rts/librts_la-MVar.lo rts/librts_debug_la-MVar.lo: CFLAGS += -fno-tree-slp-vectorize
