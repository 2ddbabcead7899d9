/* Printers.c — in-process printers for debuggers without a plugin.
 *
 * `call rts_dbg_print_mvar(mvar)` from gdb (or commands/gdb/rts.gdb) prints
 * the same text as rtsdb's `rts mvar`, because both use the decoders in
 * Decode.c over the ABI table.  The process reads its own memory with
 * process_vm_readv, so a bad pointer is an error message, not a crash of
 * the program being debugged.  Output goes to stderr.
 *
 * Depends on: Decode.h, AbiReader.h, the exported table (DebugAbi.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>
#include "AbiReader.h"
#include "Decode.h"
#include "rts/DebugAbi.h"
#include "rts/DebugPrinters.h"

extern const struct rts_dbg_header rts_debug_abi;

static int read_self(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
    ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (n == (ssize_t)len) return 0;
    return n < 0 ? -errno : -EFAULT;
}

static void emit_stderr(void *ctx, const char *text)
{
    (void)ctx;
    fputs(text, stderr);
}

static AbiReader self_reader;
static bool self_reader_open;

static AbiReader *reader(void)
{
    if (!self_reader_open) {
        char err[200];
        if (abi_open(&self_reader, read_self, NULL, (uint64_t)(uintptr_t)&rts_debug_abi, err, sizeof err) < 0) {
            fprintf(stderr, "rts_dbg: %s\n", err);
            return NULL;
        }
        self_reader_open = true;
    }
    return &self_reader;
}

static const DecodeOut out_stderr = { emit_stderr, NULL };

#define PRINTER(name, call)                     \
    int name                                    \
    {                                           \
        AbiReader *r = reader();                \
        if (!r) return -1;                      \
        int rc = call;                          \
        fflush(stderr);                         \
        return rc;                              \
    }

PRINTER(rts_dbg_print_closure(void *p), dec_print_closure(r, (uint64_t)(uintptr_t)p, &out_stderr))
PRINTER(rts_dbg_print_tso(void *tso), dec_print_tso(r, (uint64_t)(uintptr_t)tso, &out_stderr))
PRINTER(rts_dbg_print_mvar(void *mvar), dec_print_mvar(r, (uint64_t)(uintptr_t)mvar, &out_stderr))
PRINTER(rts_dbg_print_bd(void *p), dec_print_bdescr(r, (uint64_t)(uintptr_t)p, &out_stderr))
PRINTER(rts_dbg_print_gens(void), dec_print_gens(r, &out_stderr))
PRINTER(rts_dbg_print_threads(void), dec_print_threads(r, &out_stderr))
