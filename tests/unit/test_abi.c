/* test_abi.c — the debug-info table describes this runtime truthfully.
 *
 * Reads the process's own table through AbiReader (as an outside reader
 * would, via process_vm_readv), and checks: the header is found both by the
 * symbol and by the ELF note; the layouts it reports equal the compiler's;
 * constants and info tables are right; and the decoders locate objects in
 * the nursery, then in a gen-0 aging block, then in generation 1, as GCs
 * move them.  ABI 1.2: the recorder's MVAR_MOVE events, read back through
 * rts/dbg/Events, follow an MVar across two GCs, and the EVAC_RACE and
 * MVAR_MOVE words decode to what the runtime packed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/uio.h>
#include <unistd.h>
#include "rts.h"
#include "rts/DebugAbi.h"
#include "rts/DebugPrinters.h"
#include "Capability.h"
#include "CAF.h"
#include "FlightRecorder.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "WatchTable.h"
#include "sm/GC.h"
#include "sm/Storage.h"
#include "dbg/AbiReader.h"
#include "dbg/Decode.h"
#include "dbg/Events.h"
#include "check.h"

extern const struct rts_dbg_header rts_debug_abi;


static int read_self(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
    ssize_t n = process_vm_readv(getpid(), &l, 1, &r, 1, 0);
    return n == (ssize_t)len ? 0 : -EFAULT;
}

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    uint64_t *found = arg;
    if (*found) return 1;
    *found = abi_find_header_from_phdrs(read_self, NULL, (uint64_t)(uintptr_t)info->dlpi_phdr,
                                        info->dlpi_phnum, info->dlpi_addr);
    return *found != 0;
}

static void check_field(AbiReader *r, const char *s, const char *f, size_t off, size_t size)
{
    const AbiField *fd = abi_field(r, s, f);
    CHECK(fd != NULL, "%s.%s missing from the table", s, f);
    if (!fd) return;
    CHECK(fd->offset == off, "%s.%s offset %u, compiler says %zu", s, f, fd->offset, off);
    CHECK(fd->size == size, "%s.%s size %u, compiler says %zu", s, f, fd->size, size);
}

struct capture { char text[4096]; size_t used; };

static void emit_capture(void *ctx, const char *t)
{
    struct capture *c = ctx;
    size_t n = strlen(t);
    if (c->used + n < sizeof c->text) { memcpy(c->text + c->used, t, n + 1); c->used += n; }
}

int main(int argc, char **argv)
{
    rts_init(&argc, &argv);
    AbiReader r;
    char err[200];

    /* 1. found by the ELF note as well as by the symbol */
    uint64_t via_note = 0;
    dl_iterate_phdr(phdr_cb, &via_note);
    CHECK(via_note == (uint64_t)(uintptr_t)&rts_debug_abi,
          "note gives 0x%llx, symbol 0x%llx", (unsigned long long)via_note,
          (unsigned long long)(uintptr_t)&rts_debug_abi);

    int rc = abi_open(&r, read_self, NULL, (uint64_t)(uintptr_t)&rts_debug_abi, err, sizeof err);
    CHECK(rc == 0, "abi_open: %s", err);
    if (rc != 0) return 1;
    CHECK(r.abi_major == RTS_DBG_ABI_MAJOR, "major %u", r.abi_major);
    CHECK(r.abi_minor == RTS_DBG_ABI_MINOR && r.abi_minor >= 2, "minor %u", r.abi_minor);
    CHECK(strstr(r.build_id, "rtsdb-rts") != NULL, "build id '%s'", r.build_id);

    /* 2. layouts agree with the compiler */
    check_field(&r, "StgMVar", "head", offsetof(StgMVar, head), 8);
    check_field(&r, "StgMVar", "tail", offsetof(StgMVar, tail), 8);
    check_field(&r, "StgMVar", "value", offsetof(StgMVar, value), 8);
    check_field(&r, "StgTSO", "why_blocked", offsetof(StgTSO, why_blocked), sizeof(uint16_t));
    check_field(&r, "StgTSO", "block_info", offsetof(StgTSO, block_info), 8);
    check_field(&r, "StgTSO", "id", offsetof(StgTSO, id), 4);
    check_field(&r, "StgWeak", "key", offsetof(StgWeak, key), 8);
    check_field(&r, "bdescr", "gen_no", offsetof(bdescr, gen_no), 2);
    check_field(&r, "bdescr", "flags", offsetof(bdescr, flags), 2);
    check_field(&r, "bdescr", "gc_thread", offsetof(bdescr, gc_thread), 2);
    const AbiStruct *tso = abi_struct(&r, "StgTSO");
    CHECK(tso && tso->size == sizeof(StgTSO), "StgTSO size");

    /* 3. constants and info tables */
    int64_t v = -1;
    CHECK(abi_constant(&r, "closure_type", "MVAR_CLEAN", &v) && v == MVAR_CLEAN, "MVAR_CLEAN = %lld", (long long)v);
    CHECK(abi_constant(&r, "why_blocked", "BlockedOnMVarRead", &v) && v == 14, "BlockedOnMVarRead = %lld", (long long)v);
    CHECK(abi_constant(&r, "block_flag", "BF_EVACUATED", &v) && v == 1, "BF_EVACUATED");
    CHECK(abi_constant(&r, "geometry", "BLOCK_SIZE", &v) && v == 4096, "BLOCK_SIZE");
    CHECK(abi_constant(&r, "inject", "mvar-no-dirty", &v), "inject names exported");
    const AbiInfo *ti = abi_info(&r, (uint64_t)(uintptr_t)&stg_TSO_info);
    CHECK(ti && strcmp(ti->name, "stg_TSO_info") == 0 && ti->type == TSO, "stg_TSO_info entry");
    CHECK(abi_info(&r, (uint64_t)(uintptr_t)&r) == NULL, "a stack address is not an info table");

    /* 4. a live object, followed across GCs: nursery -> gen-0 aging -> gen 1 */
    RtsFrame f = rts_frame_push(1);
    rts_set(f, 0, rts_new_mutvar(NULL));
    DecLocation loc;
    StgClosure *mv = rts_get(f, 0);
    CHECK(dec_locate(&r, (uint64_t)(uintptr_t)mv, &loc) == 0 && loc.heap && loc.nursery && loc.gen_no == 0,
          "fresh mutvar should be in the nursery");
    DecClosure dc;
    CHECK(dec_closure(&r, (uint64_t)(uintptr_t)mv, &dc, err, sizeof err) == 0 && dc.it &&
          strncmp(dc.it->name, "stg_MUT_VAR_", 12) == 0, "decoded as a MUT_VAR");
    rts_gc(false);
    mv = rts_get(f, 0);
    CHECK(dec_locate(&r, (uint64_t)(uintptr_t)mv, &loc) == 0 && !loc.nursery && loc.gen_no == 0,
          "after one GC: gen-0 aging block, not nursery (gen %u, nursery %d)", loc.gen_no, loc.nursery);
    rts_gc(false);
    mv = rts_get(f, 0);
    CHECK(dec_locate(&r, (uint64_t)(uintptr_t)mv, &loc) == 0 && loc.gen_no == 1,
          "after two GCs: generation 1 (gen %u)", loc.gen_no);
    struct capture cap = { .used = 0 };
    DecodeOut out = { emit_capture, &cap };
    dec_print_bdescr(&r, (uint64_t)(uintptr_t)mv, &out);
    CHECK(strstr(cap.text, "gen_no=1") && strstr(cap.text, "BF_EVACUATED"), "bd text: %s", cap.text);

    /* 5. bad pointers are reported, not followed */
    cap.used = 0; cap.text[0] = 0;
    CHECK(dec_print_closure(&r, 0xaaaaaaaaaaaaaaa8ULL, &out) < 0, "bogus pointer decodes");
    CHECK(strstr(cap.text, "cannot read") != NULL, "bogus pointer message: %s", cap.text);

    /* 6. the MVar verdict: plant a missing write barrier (a CLEAN MVar in
     * generation 1 made to point at a nursery object without dirty_MVAR)
     * and the decoder must say so, naming the field */
    RtsFrame g = rts_frame_push(2);
    rts_set(g, 0, (StgClosure *)rts_newMVar());
    rts_gc(false);
    rts_gc(false);
    rts_set(g, 1, rts_new_mutvar(NULL));
    StgMVar *m = (StgMVar *)rts_get(g, 0);
    CHECK(m->header.info == &stg_MVAR_CLEAN_info && Bdescr(m)->gen_no == 1,
          "an untouched MVar is CLEAN in generation 1 after two GCs");
    cap.used = 0; cap.text[0] = 0;
    CHECK(dec_print_mvar(&r, (uint64_t)(uintptr_t)m, &out) == 0 && !strstr(cap.text, "verdict"),
          "a sound MVar gets no verdict: %s", cap.text);
    m->value = rts_get(g, 1);                   /* the planted bug */
    cap.used = 0; cap.text[0] = 0;
    CHECK(dec_print_mvar(&r, (uint64_t)(uintptr_t)m, &out) == 1 &&
          strstr(cap.text, "missing write barrier") && strstr(cap.text, "value = 0x"),
          "missing barrier verdict: %s", cap.text);
    m->value = END_TSO_QUEUE;                   /* undo before the next GC */
    rts_frame_pop(g);

    /* 7. every global issue 5 lists is exported, at the right address */
    static const struct { const char *name; const void *addr; } globals[] = {
        { "generations", &generations }, { "capabilities", &capabilities },
        { "n_capabilities", &n_capabilities }, { "dyn_caf_list", (const void *)&dyn_caf_list },
        { "mblock_address_space_begin", &mblock_address_space_begin },
        { "mblock_address_space_end", &mblock_address_space_end },
        { "RtsFlags", &RtsFlags }, { "rts_recorder", &rts_recorder },
        { "rts_watch_table", &rts_watch_table }, { "gc_count", &gc_count },
        { "rts_sanity_failure", rts_sanity_failure }, { "rts_barf_message", rts_barf_message },
    };
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        const AbiGlobal *gl = abi_global(&r, globals[i].name);
        CHECK(gl && gl->addr == (uint64_t)(uintptr_t)globals[i].addr, "global %s", globals[i].name);
    }
    /* weak lists per generation and per capability, the threads of a generation */
    check_field(&r, "generation", "weak_ptr_list", offsetof(generation, weak_ptr_list), 8);
    check_field(&r, "generation", "old_weak_ptr_list", offsetof(generation, old_weak_ptr_list), 8);
    check_field(&r, "generation", "threads", offsetof(generation, threads), 8);
    check_field(&r, "Capability", "weak_ptr_list_hd", offsetof(Capability, weak_ptr_list_hd), 8);
    check_field(&r, "StgIndStatic", "static_link", offsetof(StgIndStatic, static_link), 8);
    check_field(&r, "RTS_FLAGS", "inject", offsetof(RTS_FLAGS, DebugFlags.inject),
                sizeof(RtsFlags.DebugFlags.inject));
    CHECK(abi_constant(&r, "geometry", "END_OF_CAF_LIST", &v) && v == 1, "END_OF_CAF_LIST");

    /* 8. what a debugger needs to switch recording on: the mask's address
     * (global + field offset) and the category bits by name */
    const AbiGlobal *rec = abi_global(&r, "rts_recorder");
    const AbiField *en = abi_field(&r, "FlightRecorder", "enabled");
    CHECK(rec && en && rec->addr + en->offset == (uint64_t)(uintptr_t)&rts_recorder.enabled &&
          en->size == 4, "the recorder's mask is rts_recorder + FlightRecorder.enabled");
    CHECK(abi_constant(&r, "event_category", "weak", &v) && v == EVCAT_WEAK, "category weak");
    CHECK(abi_constant(&r, "event_category", "sanity", &v) && v == EVCAT_SANITY, "category sanity");
    CHECK(abi_constant(&r, "event_mask", "EVCAT_ALL", &v) && v == EVCAT_ALL, "EVCAT_ALL");
    CHECK(abi_constant(&r, "event", "EVENT_WEAK_DEAD", &v) && v == EVENT_WEAK_DEAD, "EVENT_WEAK_DEAD");
    CHECK(abi_constant(&r, "event", "EVENT_CAF_LOCK", &v) && v == EVENT_CAF_LOCK, "EVENT_CAF_LOCK");
    CHECK(abi_constant(&r, "event", "EVENT_EVAC_RACE", &v) && v == EVENT_EVAC_RACE, "EVENT_EVAC_RACE");
    CHECK(abi_constant(&r, "event", "EVENT_MVAR_MOVE", &v) && v == EVENT_MVAR_MOVE, "EVENT_MVAR_MOVE");
    CHECK(ev_type_category(&r, EVENT_EVAC_RACE) == EVCAT_EVAC, "EVAC_RACE is in category evac");
    CHECK(ev_type_category(&r, EVENT_MVAR_MOVE) == EVCAT_MVAR, "MVAR_MOVE is in category mvar");

    /* 9. the packed words decode to what was packed (one decoder: rts/dbg/Events) */
    EvEvacRace race = ev_evac_race(RTS_EVAC_RACE(WEAK, 0, 1, 2, 1, 0));
    CHECK(race.type == WEAK && race.from_gen == 0 && race.win_gen == 1 && race.lose_gen == 2 &&
          race.win_thread == 1 && race.lose_thread == 0, "EVAC_RACE word round trip");
    race = ev_evac_race(RTS_EVAC_RACE(TSO, 2, 2, 2, 65535, 300));
    CHECK(race.type == TSO && race.win_thread == 65535 && race.lose_thread == 300, "EVAC_RACE thread fields");
    EvGcMove mw = ev_gc_move(RTS_GC_MOVE(MVAR_TSO_QUEUE, 0, 1, 7));
    CHECK(mw.type == MVAR_TSO_QUEUE && mw.from_gen == 0 && mw.to_gen == 1 && mw.gc_thread == 7,
          "MVAR_MOVE word round trip");

    /* 10. MVAR_MOVE: with the mvar category on, the GC records each move
     * of an MVar (and the reader gets it back through the ABI): nursery ->
     * gen-0 aging block -> generation 1, by GC thread 0, in the GC numbered
     * as the GC_START event numbers it */
    uint32_t saved = rts_recorder.enabled;
    rts_recorder.enabled = EVCAT_MVAR;
    RtsFrame h = rts_frame_push(1);
    rts_set(h, 0, (StgClosure *)rts_newMVar());
    uint64_t addr[3], gcs[2];
    addr[0] = (uint64_t)(uintptr_t)rts_get(h, 0);
    for (int i = 0; i < 2; i++) {
        gcs[i] = gc_count;
        rts_gc(false);
        addr[i + 1] = (uint64_t)(uintptr_t)rts_get(h, 0);
    }
    rts_recorder.enabled = saved;
    EvLog log;
    CHECK(ev_read_log(&r, &log, err, sizeof err) == 0, "ev_read_log: %s", err);
    for (int i = 0; i < 2; i++) {
        const EvRecord *found = NULL;
        for (size_t k = 0; k < log.n; k++)
            if (log.ev[k].type == EVENT_MVAR_MOVE && log.ev[k].a == addr[i]) found = &log.ev[k];
        CHECK(found != NULL, "no MVAR_MOVE from 0x%llx (GC %d)", (unsigned long long)addr[i], i);
        if (!found) continue;
        EvGcMove move = ev_gc_move(found->c);
        CHECK(found->b == addr[i + 1], "move %d: to 0x%llx, the MVar is at 0x%llx", i,
              (unsigned long long)found->b, (unsigned long long)addr[i + 1]);
        CHECK(move.type == MVAR_DIRTY || move.type == MVAR_CLEAN, "move %d: closure type %u", i, move.type);
        CHECK(move.from_gen == 0 && move.to_gen == (uint8_t)i, "move %d: gen %u -> %u", i, move.from_gen,
              move.to_gen);
        CHECK(move.gc_thread == 0 && found->ring_kind == 1 && found->ring_owner == 0, "move %d: by GC thread 0", i);
        CHECK(found->d == gcs[i], "move %d: GC #%llu, expected #%llu", i, (unsigned long long)found->d,
              (unsigned long long)gcs[i]);
    }
    ev_free_log(&log);
    rts_frame_pop(h);

    rts_frame_pop(f);
    abi_close(&r);
    if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
    printf("test_abi: ok\n");
    rts_exit(0);
}
