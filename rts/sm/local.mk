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

# Note [Evacuation frames on the stack]
# evacuate ends in a tail call of copy_tag, and copy_tag (and the
# copy_tag_nolock inlined into evacuate) in a tail call of watch_moved, so
# at -O2 both frames vanish from the stack: a debugger stopped in the
# evacuation watch's trap (watch -evac) sees watch_moved called straight
# from markWeakPtrList or scavenge_block.  gdb cannot rebuild them either:
# DWARF's tail-call sites give two paths from evacuate to watch_moved
# (through copy_tag, or through the inlined copy_tag_nolock) and nothing
# says which one ran.  Issue 7 wants copy_tag and evacuate in that
# backtrace, so Evac.c is compiled without sibling-call optimisation (a
# call and ret instead of a jmp per copied object; the GC cost is measured
# in the session-3 report).  GNU make target-specific variables, as in
# Note [Debuggees really at -O0] (debugger/symtab.mk).
rts/sm/librts_la-Evac.lo rts/sm/librts_debug_la-Evac.lo: CFLAGS += -fno-optimize-sibling-calls
