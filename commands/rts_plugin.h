/* rts_plugin.h — what the files of the runtime-aware plugin share.
 *
 * The plugin (commands/rts_plugin.so) is loaded by rtsdb when the target
 * exports the runtime's debug-info ABI.  rts_plugin.c holds the entry points
 * (recognise, init), the one table reader over the target and the helpers
 * below; each other file holds one group of `rts ...` commands and offers a
 * register function that rts_plugin.c calls at init:
 *
 *   rts_basic.c   rts info, threads, tso, mvar, closure, bd, gens, mutlist,
 *                 weak, cafs
 *   rts_heap.c    rts census, sanity, findptr
 *   rts_events.c  rts events, rts record (categories)
 *   rts_trace.c   rts trace mvar
 *   rts_bt.c      rts bt TSO
 *   rts_watch.c   watch -evac X (the runtime-assisted evacuation watch)
 *
 * Everything about the runtime is decoded through rts/dbg (AbiReader and the
 * decoders), never through runtime headers: target memory is untrusted.
 *
 * Depends on: debugger/include/rtsdb-plugin.h, rts/dbg/AbiReader.h,
 * rts/dbg/Decode.h.
 */
#ifndef RTS_PLUGIN_H
#define RTS_PLUGIN_H

#include "rtsdb-plugin.h"
#include "AbiReader.h"
#include "Decode.h"

typedef struct RtsPlugin {
    const struct rtsdb_api *api;
    AbiReader reader;           /* valid when reader_open */
    bool reader_open;
} RtsPlugin;

/* The table reader over the current target, (re)opened as needed (a new
 * process, a core file).  NULL after printing a one-line error when the
 * target has no readable debug-info ABI. */
AbiReader *rts_reader(RtsPlugin *pl, struct rtsdb_session *s);

/* A DecodeOut that prints through the debugger's output (text mode). */
DecodeOut rts_out(RtsPlugin *pl, struct rtsdb_session *s);

/* An address argument: a number (0x...), or any expression `print` accepts
 * (a variable holding a pointer, $1, ...).  0, or -1 after a one-line
 * error. */
int rts_parse_addr(RtsPlugin *pl, struct rtsdb_session *s, const char *arg, uint64_t *out);

/* A thread argument: a thread id (#N, or a decimal below 2^20) or an
 * address or expression as rts_parse_addr takes it (Note [Naming a
 * thread], rts_plugin.c).  0 with *tso set, or -1 after a one-line error. */
int rts_parse_tso(RtsPlugin *pl, struct rtsdb_session *s, const char *arg, uint64_t *tso);

/* Completion of a thread argument: the ids of the target's threads as #N
 * (state is the RtsPlugin). */
void rts_complete_tso(struct rtsdb_session *s, const char *text, void (*add)(const char *cand, void *arg),
                      void *arg, void *state);

/* a past its leading blanks and tabs ("" for NULL). */
const char *rts_skip_blanks(const char *a);

/* A JSON member key (NULL inside an array) holding the address v as
 * "0x..." text. */
void rts_json_addr(RtsPlugin *pl, struct rtsdb_session *s, const char *key, uint64_t v);

/* Register the n commands of a group, each with pl as its state. */
void rts_register_commands(RtsPlugin *pl, const struct rtsdb_plugin_command *cmds, size_t n);

/* Command groups (each in its own file). */
void rts_basic_register(RtsPlugin *pl);
void rts_heap_register(RtsPlugin *pl);
void rts_events_register(RtsPlugin *pl);
void rts_trace_register(RtsPlugin *pl);
void rts_bt_register(RtsPlugin *pl);
void rts_watch_register(RtsPlugin *pl);

#endif
