# rts/sched.mk: green threads, capabilities and the scheduler (issue 3).
# Fragment of the top Makefile.am (included from rts/local.mk).
RTS_SOURCES += rts/GreenContext.h rts/GreenSwitch.S rts/GreenStack.c
RTS_SOURCES += rts/Schedule.h rts/Schedule.c rts/Threads.h rts/Threads.c \
	rts/Timer.c rts/Deadlock.c rts/SchedulerAPI.c
