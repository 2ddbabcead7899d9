# rts/abi.mk: the debug-info ABI (issue 5): the exported table, the flight
# recorder, the watch table, and the table-driven decoders (rts/dbg/) that
# the in-process printers use and the rtsdb plugin compiles in too.
RTS_ABI_DECODER_SOURCES = rts/dbg/AbiReader.c rts/dbg/AbiReader.h rts/dbg/Decode.c rts/dbg/Decode.h
RTS_SOURCES += \
	rts/DebugAbi.c rts/include/rts/DebugAbi.h rts/include/rts/DebugPrinters.h \
	rts/FlightRecorder.c rts/FlightRecorder.h \
	rts/WatchTable.c rts/WatchTable.h \
	rts/dbg/Printers.c $(RTS_ABI_DECODER_SOURCES)
nobase_include_HEADERS += rts/include/rts/DebugAbi.h rts/include/rts/DebugPrinters.h
