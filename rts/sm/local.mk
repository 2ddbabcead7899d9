# rts/sm/: the storage manager and GC sources are appended to RTS_SOURCES here.
# The collector (issue 2, GC half): GarbageCollect and its GC threads,
# to-space allocation and work sharing, evacuation, scavenging, the weak
# pointer seam, the sanity checker, and -s/-S statistics.
RTS_SOURCES += \
	rts/sm/GC.c rts/sm/GC.h rts/sm/GCThread.h \
	rts/sm/GCUtils.c rts/sm/GCUtils.h \
	rts/sm/Evac.c rts/sm/Evac.h \
	rts/sm/Scav.c rts/sm/Scav.h \
	rts/sm/MarkWeak.c rts/sm/MarkWeak.h \
	rts/sm/Sanity.c rts/sm/Sanity.h \
	rts/Stats.c rts/Stats.h
