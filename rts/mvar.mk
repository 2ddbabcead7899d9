# rts/mvar.mk: MVars and BoundedChans (issue 3).  Fragment of the top
# Makefile.am (included from rts/local.mk).
RTS_SOURCES += rts/MVar.c rts/MVar.h rts/BoundedChan.c rts/BoundedChan.h
