/* rts.h — the runtime's public C API (being written: see rts/README.md). */
#ifndef RTS_H
#define RTS_H
#include "rts/storage/Closures.h"
#include "rts/storage/Block.h"
#endif
