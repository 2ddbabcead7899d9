# rts/thunk.mk: thunks, update frames, blackholing, CAFs and
# unsafePerformIO (issue 4, thunk half).  Fragment of the top Makefile.am,
# included from rts/local.mk.
RTS_SOURCES += \
	rts/Updates.c rts/Updates.h \
	rts/BlackHole.c rts/BlackHole.h \
	rts/ThreadPaused.c rts/ThreadPaused.h \
	rts/CAF.c rts/CAF.h
