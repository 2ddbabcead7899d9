# rts/sm/: the storage manager and GC sources are appended to RTS_SOURCES here.
