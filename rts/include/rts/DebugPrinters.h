/* DebugPrinters.h — in-process printers, for gdb's `call` (and rts.gdb).
 *
 * Each prints to stderr the same text rtsdb's `rts ...` commands print, by
 * decoding the runtime's own memory through its debug-info table.  They are
 * safe on bad pointers (an error line, not a crash) and return 0 on
 * success, 1 when the structure is readable but breaks an invariant, -1 when
 * it cannot be decoded.
 */
#ifndef RTS_DEBUGPRINTERS_H
#define RTS_DEBUGPRINTERS_H

int rts_dbg_print_closure(void *p);
int rts_dbg_print_tso(void *tso);
int rts_dbg_print_mvar(void *mvar);
int rts_dbg_print_bd(void *p);
int rts_dbg_print_gens(void);
int rts_dbg_print_threads(void);

/* Fill the table's run-time parts; called by rts_init. */
void rts_dbg_init(void);

#endif
