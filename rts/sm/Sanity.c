/* Sanity.c — the heap sanity checker (+RTS -DS) and its decoders.
 *
 * Offers checkSanity and the decoders declared in Sanity.h.  Each check
 * validates an address before reading through it (heapAddressReadable,
 * inStaticArea, isKnownInfoTable), so a corrupted heap produces a report,
 * not a second crash.  See Note [What the sanity checker reports].
 *
 * Must not depend on: the scheduler's internals, the debugger.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "Sanity.h"
#include "Evac.h"
#include "StgMiscClosures.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "FlightRecorder.h"

/* Note [What the sanity checker reports]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * The first violated invariant ends the program.  Before barf() we print
 * on stderr, for a person at a terminal or a script grepping a CI log:
 *   - what failed, in one line (also barf's message: "internal error:
 *     sanity: ..." names the object, its type and the field);
 *   - the object: address, info table, generation, clean/dirty, whether it
 *     is on its generation's mut list;
 *   - the field and its value, symbolised;
 *   - the descriptors of the object's block and, when the value is a heap
 *     address, of the value's block;
 *   - a few words around the field, symbolised.
 * A missing write barrier (the #18919 bug) thus shows up at the first GC
 * after it as "old-to-young pointer ... not on the mut list", naming the
 * MVar and its head field, instead of as memory corruption much later.
 */

#define FILL_WORD ((StgWord)0xaaaaaaaaaaaaaaaaULL)
#define WALK_LIMIT 10000000u    /* bound for list walks: longer means a cycle */

/* ---- address validation ---- */

bool heapAddressReadable(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (!HEAP_ALLOCED(p))
        return false;
    if (a >= mblock_address_space_begin + mblocks_allocated() * MBLOCK_SIZE)
        return false;           /* reserved but never committed */
    return (a & MBLOCK_MASK) >= FIRST_BLOCK_OFF;
}

typedef struct { uintptr_t lo, hi; } addr_range;
static addr_range *static_ranges;
static size_t n_static_ranges, static_ranges_cap;

static int collect_segments(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (n_static_ranges == static_ranges_cap) {
            size_t n = static_ranges_cap ? 2 * static_ranges_cap : 32;
            addr_range *r = realloc(static_ranges, n * sizeof(*r));
            if (r == NULL)
                return 1;
            static_ranges = r;
            static_ranges_cap = n;
        }
        static_ranges[n_static_ranges].lo = info->dlpi_addr + ph->p_vaddr;
        static_ranges[n_static_ranges].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        n_static_ranges++;
    }
    return 0;
}

bool inStaticArea(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    for (int attempt = 0; attempt < 2; attempt++) {
        for (size_t i = 0; i < n_static_ranges; i++)
            if (a >= static_ranges[i].lo && a + sizeof(StgWord) <= static_ranges[i].hi)
                return true;
        /* unknown: rescan once (a library may have been loaded since) */
        n_static_ranges = 0;
        dl_iterate_phdr(collect_segments, NULL);
    }
    return false;
}

/* ---- decoders ---- */

static bool is_rts_info_table(const void *p)
{
    for (size_t i = 0; i < n_rts_info_tables; i++)
        if ((const void *)rts_info_tables[i] == p)
            return true;
    return false;
}

const char *infoTableName(const void *p, char *buf, size_t len)
{
    const StgInfoTable *info = p;
    if (!isKnownInfoTable(p))
        return NULL;
    snprintf(buf, len, is_rts_info_table(p) ? "stg_%s_info" : "%s_con_info",
             info->name ? info->name : "?");
    return buf;
}

static const char *type_name(uint32_t type)
{
    return type < N_CLOSURE_TYPES ? closure_type_names[type] : "?";
}

const char *closureCleanDirty(const StgClosure *p)
{
    const StgInfoTable *info = p->header.info;
    switch (info->type) {
    case MUT_VAR_CLEAN: case MVAR_CLEAN: case MUT_ARR_PTRS_CLEAN:
        return "clean";
    case MUT_VAR_DIRTY: case MVAR_DIRTY: case MUT_ARR_PTRS_DIRTY:
        return "dirty";
    case BLOCKING_QUEUE:
        return info == &stg_BLOCKING_QUEUE_CLEAN_info ? "clean" : "dirty";
    case TSO:
        return ((const StgTSO *)p)->dirty ? "dirty" : "clean";
    case STACK:
        return (((const StgStack *)p)->dirty & STACK_DIRTY) ? "dirty" : "clean";
    default:
        return NULL;
    }
}

static bool is_clean(const StgClosure *p)
{
    const char *s = closureCleanDirty(p);
    return s != NULL && strcmp(s, "clean") == 0;
}

void printWord(FILE *f, StgWord w)
{
    char buf[96];
    const void *p = (const void *)w;

    fprintf(f, "0x%016lx", (unsigned long)w);
    if (w == FILL_WORD) {
        fprintf(f, "  (0xaa fill: freed or never-written memory)");
    } else if (infoTableName(p, buf, sizeof buf) != NULL) {
        fprintf(f, "  <%s>", buf);
    } else if (heapAddressReadable(p)) {
        const bdescr *bd = Bdescr(p);
        if (bd->free == (StgPtr)-1 || (bd->flags & BF_FREE))
            fprintf(f, "  (heap, free block)");
        else
            fprintf(f, "  (heap, gen %u%s)", bd->gen_no, (bd->flags & BF_NURSERY) ? "n" : "");
    } else if (IS_FORWARDING_PTR(w) && heapAddressReadable((const void *)UN_FORWARDING_PTR(w))) {
        fprintf(f, "  (forwarding pointer to 0x%lx)", (unsigned long)UN_FORWARDING_PTR(w));
    } else if (p == END_TSO_QUEUE) {
        fprintf(f, "  <stg_END_TSO_QUEUE_closure>");
    } else if (w != 0 && (w & 7) == 0 && inStaticArea(p)) {
        if (infoTableName((const void *)*(const StgWord *)p, buf, sizeof buf) != NULL)
            fprintf(f, "  (static closure <%s>)", buf);
        else
            fprintf(f, "  (static area)");
    }
}

static void print_flags(FILE *f, uint16_t flags)
{
    bool any = false;
#define RTS_BF_PRINT(name, val) \
    if (flags & (val)) { fprintf(f, "%s%s", any ? "|" : "", #name); any = true; }
    RTS_BLOCK_FLAGS(RTS_BF_PRINT)
#undef RTS_BF_PRINT
    if (!any)
        fprintf(f, "0");
}

void printBdescr(FILE *f, const bdescr *bd)
{
    fprintf(f, "bdescr %p: start %p free %p gen_no %u dest_no %u blocks %u flags ",
            (const void *)bd, (void *)bd->start, (void *)bd->free, bd->gen_no, bd->dest_no,
            bd->blocks);
    print_flags(f, bd->flags);
    if (bd->flags & BF_FREE)
        fprintf(f, " (free)\n");
    else if (bd->flags & BF_NURSERY)
        fprintf(f, " (nursery block)\n");
    else if (bd->flags & BF_LARGE)
        fprintf(f, " (%s, gen %u)\n", (bd->flags & BF_PINNED) ? "pinned block" : "large object",
                bd->gen_no);
    else
        fprintf(f, " (%s block of gen %u, not nursery)\n", bd->gen_no == 0 ? "aging" : "old",
                bd->gen_no);
}

void printClosureHeader(FILE *f, const StgClosure *p)
{
    char buf[96];
    const StgInfoTable *info;
    const char *cd;

    if (!heapAddressReadable(p) && !inStaticArea(p)) {
        fprintf(f, "%p (not a heap or static address)\n", (const void *)p);
        return;
    }
    info = p->header.info;
    if (infoTableName(info, buf, sizeof buf) == NULL) {
        fprintf(f, "%p header ", (const void *)p);
        printWord(f, (StgWord)info);
        fprintf(f, " (not an info table)\n");
        return;
    }
    fprintf(f, "%p <%s> %s", (const void *)p, buf, type_name(info->type));
    if (HEAP_ALLOCED(p))
        fprintf(f, ", gen %u%s", Bdescr(p)->gen_no,
                (Bdescr(p)->flags & BF_NURSERY) ? " (nursery)" : "");
    else
        fprintf(f, ", static");
    if ((cd = closureCleanDirty(p)) != NULL)
        fprintf(f, ", %s", cd);
    fputc('\n', f);
}

void printNeighbourhood(FILE *f, const StgWord *addr, int before, int after)
{
    const StgWord *lo = addr - before, *hi = addr + after;
    if (heapAddressReadable(addr)) {
        const StgWord *blk = (const StgWord *)((uintptr_t)addr & ~(uintptr_t)BLOCK_MASK);
        if (lo < blk)
            lo = blk;
        if (hi >= blk + BLOCK_SIZE_W)
            hi = blk + BLOCK_SIZE_W - 1;
    } else if (!inStaticArea(addr)) {
        return;
    }
    for (const StgWord *w = lo; w <= hi; w++) {
        if (!heapAddressReadable(w) && !inStaticArea(w))
            continue;
        fprintf(f, "    %s %p: ", w == addr ? "=>" : "  ", (const void *)w);
        printWord(f, *w);
        fputc('\n', f);
    }
}

/* ---- field iteration ---- */

const char *fieldNameStr(const FieldName *f, char *buf, size_t len)
{
    int n = 0;
    if (f->frame != NULL)
        n = snprintf(buf, len, "stack frame %s@sp+%ld ", f->frame, f->frame_off);
    if (n < 0 || (size_t)n >= len)
        n = 0;
    if (f->index >= 0)
        snprintf(buf + n, len - (size_t)n, "%s[%ld]", f->member, f->index);
    else
        snprintf(buf + n, len - (size_t)n, "%s", f->member);
    return buf;
}

/* Call fn on one named field. */
static inline void each(ptr_field_fn fn, void *ctx, const StgClosure *p, const void *slot,
                        const char *member, long index, const char *frame, long off)
{
    FieldName f = { member, index, frame, off };
    fn(ctx, p, (StgClosure *const *)slot, &f);
}

static const char *stack_frames(const StgStack *stack, ptr_field_fn fn, void *ctx,
                                const StgWord **bad)
{
    const StgWord *p = stack->sp, *end = stack->stack + stack->stack_size;

    if (p < stack->stack || p > end) {
        *bad = (const StgWord *)&stack->sp;
        return "sp outside the stack";
    }
    while (p < end) {
        const StgInfoTable *info = (const StgInfoTable *)*p;
        W_ off = (W_)(p - stack->sp), size;
        if (!isKnownInfoTable(info)) {
            *bad = p;
            return "stack frame with an invalid info pointer";
        }
        switch (info->type) {
        case ROOT_FRAME:
            size = 3 + p[1];
            if (p + size > end) { *bad = p; return "ROOT_FRAME runs past the end of the stack"; }
            for (W_ i = 0; i < p[1]; i++)
                each(fn, ctx, (const StgClosure *)stack, &p[3 + i], "roots", (long)i,
                     "ROOT_FRAME", (long)off);
            break;
        case UPDATE_FRAME:
            size = sizeof(StgUpdateFrame) / sizeof(W_);
            if (p + size > end) { *bad = p; return "UPDATE_FRAME runs past the end of the stack"; }
            each(fn, ctx, (const StgClosure *)stack, &p[1], "updatee", -1, "UPDATE_FRAME",
                 (long)off);
            break;
        case STOP_FRAME:
            size = 1;
            break;
        case RET_SMALL:
            size = 1 + info->ptrs + info->nptrs;
            if (p + size > end) { *bad = p; return "frame runs past the end of the stack"; }
            for (W_ i = 0; i < info->ptrs; i++)
                each(fn, ctx, (const StgClosure *)stack, &p[1 + i], "payload", (long)i,
                     info->name, (long)off);
            break;
        default:
            *bad = p;
            return "a non-frame info pointer on the stack";
        }
        p += size;
    }
    return NULL;
}

const char *forEachPtrField(const StgClosure *p, ptr_field_fn fn, void *ctx,
                            const StgWord **bad)
{
    const StgInfoTable *info = p->header.info;
    StgClosure *const *payload = p->payload;

    switch (info->type) {
    case MVAR_CLEAN:
    case MVAR_DIRTY: {
        const StgMVar *m = (const StgMVar *)p;
        each(fn, ctx, p, (StgClosure *const *)&m->head, "head", -1, NULL, 0);
        each(fn, ctx, p, (StgClosure *const *)&m->tail, "tail", -1, NULL, 0);
        each(fn, ctx, p, &m->value, "value", -1, NULL, 0);
        return NULL;
    }
    case MVAR_TSO_QUEUE: {
        const StgMVarTSOQueue *q = (const StgMVarTSOQueue *)p;
        each(fn, ctx, p, (StgClosure *const *)&q->link, "link", -1, NULL, 0);
        each(fn, ctx, p, (StgClosure *const *)&q->tso, "tso", -1, NULL, 0);
        return NULL;
    }
    case MUT_VAR_CLEAN:
    case MUT_VAR_DIRTY:
        each(fn, ctx, p, &((const StgMutVar *)p)->var, "var", -1, NULL, 0);
        return NULL;
    case IND:
    case BLACKHOLE:
        each(fn, ctx, p, &((const StgInd *)p)->indirectee, "indirectee", -1, NULL, 0);
        return NULL;
    case BLOCKING_QUEUE: {
        const StgBlockingQueue *bq = (const StgBlockingQueue *)p;
        each(fn, ctx, p, (StgClosure *const *)&bq->link, "link", -1, NULL, 0);
        each(fn, ctx, p, &bq->bh, "bh", -1, NULL, 0);
        each(fn, ctx, p, (StgClosure *const *)&bq->owner, "owner", -1, NULL, 0);
        each(fn, ctx, p, (StgClosure *const *)&bq->queue, "queue", -1, NULL, 0);
        return NULL;
    }
    case WEAK:
        each(fn, ctx, p, &((const StgWeak *)p)->cfinalizers, "cfinalizers", -1, NULL, 0);
        return NULL;
    case TSO: {
        const StgTSO *t = (const StgTSO *)p;
        each(fn, ctx, p, (StgClosure *const *)&t->_link, "_link", -1, NULL, 0);
        each(fn, ctx, p, (StgClosure *const *)&t->stackobj, "stackobj", -1, NULL, 0);
        switch (t->why_blocked) {
        case BlockedOnMVar: case BlockedOnMVarRead: case BlockedOnBlackHole:
        case BlockedOnMsgThrowTo: case NotBlocked:
            each(fn, ctx, p, &t->block_info.closure, "block_info", -1, NULL, 0);
            break;
        default:
            break;
        }
        each(fn, ctx, p, (StgClosure *const *)&t->bq, "bq", -1, NULL, 0);
        each(fn, ctx, p, &t->mvar_value, "mvar_value", -1, NULL, 0);
        return NULL;
    }
    case STACK:
        return stack_frames((const StgStack *)p, fn, ctx, bad);
    case MUT_ARR_PTRS_CLEAN:
    case MUT_ARR_PTRS_DIRTY: {
        const StgMutArrPtrs *a = (const StgMutArrPtrs *)p;
        for (W_ i = 0; i < a->ptrs; i++)
            each(fn, ctx, p, &a->payload[i], "payload", (long)i, NULL, 0);
        return NULL;
    }
    case THUNK:
        payload = ((const StgThunk *)p)->payload;
        /* fall through */
    default:
        for (W_ i = 0; i < info->ptrs; i++)
            each(fn, ctx, p, &payload[i], "payload", (long)i, NULL, 0);
        return NULL;
    }
}

/* ---- the checker ---- */

/* Addresses on the mut lists of all capabilities (g >= 1), open addressing. */
static struct {
    const StgClosure **slots;
    uint8_t *gens;
    size_t size;
} mut_set;

static size_t ptr_hash(const void *p, size_t size)
{
    return (size_t)(((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ULL >> 20) & (size - 1);
}

static void mut_set_add(const StgClosure *p, uint32_t gen)
{
    for (size_t i = ptr_hash(p, mut_set.size);; i = (i + 1) & (mut_set.size - 1)) {
        if (mut_set.slots[i] == p)
            return;
        if (mut_set.slots[i] == NULL) {
            mut_set.slots[i] = p;
            mut_set.gens[i] = (uint8_t)gen;
            return;
        }
    }
}

static bool on_mut_list(const StgClosure *p, uint32_t gen)
{
    if (mut_set.size == 0)
        return false;
    for (size_t i = ptr_hash(p, mut_set.size);; i = (i + 1) & (mut_set.size - 1)) {
        if (mut_set.slots[i] == p)
            return mut_set.gens[i] == gen;
        if (mut_set.slots[i] == NULL)
            return false;
    }
}

static const char *phase;       /* "before GC" / "after GC" */

/* Report and barf.  See Note [What the sanity checker reports]. */
static void sanity_fail(const StgClosure *obj, const char *field, const StgWord *slot,
                        const char *fmt, ...) __attribute__((noreturn, format(printf, 4, 5)));
static void sanity_fail(const StgClosure *obj, const char *field, const StgWord *slot,
                        const char *fmt, ...)
{
    char what[256], objdesc[128] = "", buf[96];
    va_list ap;
    FILE *f = stderr;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);

    if (obj != NULL && (heapAddressReadable(obj) || inStaticArea(obj))) {
        const char *name = infoTableName(obj->header.info, buf, sizeof buf);
        const char *cd = name ? closureCleanDirty(obj) : NULL;
        snprintf(objdesc, sizeof objdesc, "%s %p (gen %u%s%s)",
                 name ? type_name(obj->header.info->type) : "object", (const void *)obj,
                 HEAP_ALLOCED(obj) ? Bdescr(obj)->gen_no : 0,
                 cd ? ", " : "", cd ? cd : "");
    } else if (obj != NULL) {
        snprintf(objdesc, sizeof objdesc, "object %p", (const void *)obj);
    }

    fflush(stdout);
    fprintf(f, "sanity check failed %s: %s%s%s%s%s\n", phase, objdesc,
            field ? " field " : "", field ? field : "", objdesc[0] ? ": " : "", what);
    if (obj != NULL) {
        fprintf(f, "  object:  ");
        printClosureHeader(f, obj);
        if (HEAP_ALLOCED(obj) && heapAddressReadable(obj)) {
            uint32_t g = Bdescr(obj)->gen_no;
            if (g > 0)
                fprintf(f, "           on the mut list of gen %u: %s\n", g,
                        on_mut_list(obj, g) ? "yes" : "no");
            fprintf(f, "  block:   ");
            printBdescr(f, Bdescr(obj));
        }
    }
    if (slot != NULL) {
        fprintf(f, "  field:   %s at %p = ", field ? field : "word", (const void *)slot);
        printWord(f, *slot);
        fputc('\n', f);
        if (heapAddressReadable((const void *)*slot)) {
            /* the object pointed at (for #18919: the MVar's head node and
             * its generation), then its block */
            fprintf(f, "  target:  ");
            printClosureHeader(f, (const StgClosure *)*slot);
            fprintf(f, "           ");
            printBdescr(f, Bdescr((const void *)*slot));
        }
        fprintf(f, "  neighbourhood:\n");
        printNeighbourhood(f, slot, 4, 4);
    }
    fflush(f);
    traceSanityFailure(obj, slot, what);
    barf("sanity: %s%s%s%s%s", objdesc, field ? " field " : "", field ? field : "",
         objdesc[0] ? ": " : "", what);
}

/* Is p a pointer we may follow: NULL and static closures are fine, heap
 * pointers must be to a live object (block allocated, below free, known
 * info table).  Returns an explanation when not. */
static const char *bad_pointer(const StgClosure *q)
{
    const bdescr *bd;
    const StgInfoTable *info;

    if (q == NULL)
        return NULL;
    if ((StgWord)q == FILL_WORD)
        return "holds the 0xaa fill of freed memory (dangling pointer)";
    if (((uintptr_t)q & 7) != 0)
        return "is not word-aligned";
    if (HEAP_ALLOCED(q)) {
        if (!heapAddressReadable(q))
            return "points into a megablock's descriptor area or uncommitted heap";
        bd = Bdescr(q);
        if (bd->free == (StgPtr)-1 || (bd->flags & BF_FREE))
            return "points into a free block (dangling pointer)";
        if (bd->blocks == 0)
            return "points into the middle of a block group";
        if ((StgPtr)q < bd->start || (StgPtr)q >= bd->free)
            return "points beyond its block's free pointer";
        info = q->header.info;
        if (IS_FORWARDING_PTR(info))
            return "points to an evacuated object (forwarding pointer)";
        if (!isKnownInfoTable(info))
            return "points to an object whose header is not an info pointer";
        return NULL;
    }
    if (!inStaticArea(q))
        return "points outside the heap and the static area";
    if (!isKnownInfoTable(q->header.info))
        return "points to a static object whose header is not an info pointer";
    return NULL;
}

/* Check one pointer field of obj (ptr_field_fn). */
static void check_field(void *ctx, const StgClosure *obj, StgClosure *const *slot,
                        const FieldName *fname)
{
    const StgClosure *q = *slot;
    char field[128];
    const char *why = bad_pointer(q);
    uint32_t og, tg;

    (void)ctx;
    if (why != NULL)
        sanity_fail(obj, fieldNameStr(fname, field, sizeof field), (const StgWord *)slot, "%s", why);
    if (q == NULL || !HEAP_ALLOCED(q) || !HEAP_ALLOCED(obj))
        return;

    /* The remembered-set invariant (DESIGN §4.3). */
    og = Bdescr(obj)->gen_no;
    tg = Bdescr(q)->gen_no;
    if (og > tg) {
        fieldNameStr(fname, field, sizeof field);
        if (!on_mut_list(obj, og))
            sanity_fail(obj, field, (const StgWord *)slot,
                        "old-to-young pointer (gen %u -> gen %u) but the object is not on "
                        "the mut list of gen %u (missing write barrier)", og, tg, og);
        if (is_clean(obj))
            sanity_fail(obj, field, (const StgWord *)slot,
                        "old-to-young pointer (gen %u -> gen %u) from a CLEAN object", og, tg);
    }
}

static bool is_end_closure(const void *p)
{
    return p == END_TSO_QUEUE;
}

/* Note [Stale MVar copies]
 * ~~~~~~~~~~~~~~~~~~~~~~~~
 * When two GC threads evacuate the same MVar at once, copy_tag's CAS lets
 * one copy win and leaves the loser's copy in its to-space as an
 * unreachable but well-formed closure (Note [Claiming an object with CAS],
 * Evac.c; GHC does the same).  Every reference, including the block_info
 * of the threads queued on the MVar, leads to the winner.  The stale copy
 * is scavenged like any other object, so its pointer fields stay valid
 * until its generation is next collected, but it is nobody's MVar: its
 * queued threads' block_info names the winner, and later mutations of the
 * winner's queue (append at the tail, pop at the head, throwTo removal)
 * change nodes that the stale copy shares, so its head and tail need not
 * even agree with its chain any more.
 *
 * So the queue invariant (every queued TSO is blocked on this MVar, the
 * tail is the last node) only holds for live MVars, and the heap walk,
 * which meets stale copies, checks an MVar's pointer fields only.  The
 * queue is checked from the live side instead: checkThreadList walks the
 * live threads, and for each one still queued on an MVar (_link is its
 * node; END_TSO_QUEUE means the waker already performed its operation and
 * a wake-up is on its way) checks that block_info is an MVar whose queue
 * is well formed and holds the thread.  Checking the queue in the heap
 * walk made -N2 -DS barf intermittently on stale copies ("TSO n has
 * block_info <winner>, not this MVar"), exactly as GHC 8.10.2's weak
 * check did on stale WEAK copies (Note [Racing weak pointer evacuation]).
 */

/* Every queued TSO is blocked on this MVar, the tail is the last node, and
 * the queue ends (DESIGN §4.5).  Only valid for a live MVar: see Note
 * [Stale MVar copies].  Returns whether `want` is queued on it. */
static bool checkMVarQueue(const StgMVar *mvar, const StgTSO *want)
{
    const StgMVarTSOQueue *q = mvar->head, *last = NULL;
    uint32_t n = 0;
    bool found = false;

    if (is_end_closure(q)) {
        if (!is_end_closure(mvar->tail))
            sanity_fail((const StgClosure *)mvar, "tail", (const StgWord *)&mvar->tail,
                        "queue is empty (head is END_TSO_QUEUE) but tail is not");
        return false;
    }
    while (!is_end_closure(q)) {
        const StgClosure *from = last ? (const StgClosure *)last : (const StgClosure *)mvar;
        const char *fname = last ? "link" : "head";
        const StgWord *fslot = last ? (const StgWord *)&last->link : (const StgWord *)&mvar->head;
        const char *why = bad_pointer((const StgClosure *)q);
        const StgTSO *tso;

        if (q == NULL)
            why = "is NULL instead of END_TSO_QUEUE";
        if (why != NULL)
            sanity_fail(from, fname, fslot, "MVar %p queue: %s", (const void *)mvar, why);
        if (q->header.info->type != MVAR_TSO_QUEUE)
            sanity_fail(from, fname, fslot, "MVar %p queue: node is a %s, not an MVAR_TSO_QUEUE",
                        (const void *)mvar, type_name(q->header.info->type));
        tso = q->tso;
        if ((why = bad_pointer((const StgClosure *)tso)) != NULL || tso == NULL
            || tso->header.info->type != TSO)
            sanity_fail((const StgClosure *)q, "tso", (const StgWord *)&q->tso,
                        "MVar %p queue: node does not hold a TSO", (const void *)mvar);
        if (tso->why_blocked != BlockedOnMVar && tso->why_blocked != BlockedOnMVarRead)
            sanity_fail((const StgClosure *)q, "tso", (const StgWord *)&q->tso,
                        "MVar %p queue: TSO %u is not blocked on an MVar (why_blocked %u)",
                        (const void *)mvar, tso->id, tso->why_blocked);
        if (tso->block_info.closure != (const StgClosure *)mvar)
            sanity_fail((const StgClosure *)q, "tso", (const StgWord *)&q->tso,
                        "MVar %p queue: TSO %u has block_info %p, not this MVar",
                        (const void *)mvar, tso->id, (void *)tso->block_info.closure);
        if (tso == want)
            found = true;
        last = q;
        q = q->link;
        if (++n > WALK_LIMIT)
            sanity_fail((const StgClosure *)mvar, "head", (const StgWord *)&mvar->head,
                        "queue does not end after %u nodes (cycle)", WALK_LIMIT);
    }
    if ((const StgMVarTSOQueue *)mvar->tail != last)
        sanity_fail((const StgClosure *)mvar, "tail", (const StgWord *)&mvar->tail,
                    "tail is not the last node of the queue (last is %p)", (const void *)last);
    return found;
}

/* A live thread still queued on an MVar is in that MVar's well-formed
 * queue (Note [Stale MVar copies]). */
static void checkBlockedOnMVar(const StgTSO *tso)
{
    const StgClosure *m = tso->block_info.closure;
    const StgWord *slot = (const StgWord *)&tso->block_info.closure;
    const char *why;

    if (tso->why_blocked != BlockedOnMVar && tso->why_blocked != BlockedOnMVarRead)
        return;
    if (is_end_closure(tso->_link))
        return;                     /* performed; MSG_TRY_WAKEUP on its way */
    why = bad_pointer(m);
    if (why == NULL && (m == NULL || !HEAP_ALLOCED(m)))
        why = "is not a heap object";
    if (why != NULL)
        sanity_fail((const StgClosure *)tso, "block_info", slot,
                    "TSO %u is blocked on an MVar but block_info %s", tso->id, why);
    if (m->header.info->type != MVAR_CLEAN && m->header.info->type != MVAR_DIRTY)
        sanity_fail((const StgClosure *)tso, "block_info", slot,
                    "TSO %u is blocked on an MVar but block_info is a %s", tso->id,
                    type_name(m->header.info->type));
    if (!checkMVarQueue((const StgMVar *)m, tso))
        sanity_fail((const StgClosure *)tso, "block_info", slot,
                    "TSO %u is blocked on MVar %p (queue node %p) but is not in its queue",
                    tso->id, (const void *)m, (const void *)tso->_link);
}

static void checkTSO(const StgTSO *tso)
{
    const StgClosure *l = (const StgClosure *)tso->_link;
    const StgClosure *s = (const StgClosure *)tso->stackobj;
    bool known = false;

#define RTS_WB_KNOWN(name, val) if (tso->why_blocked == (val)) known = true;
    RTS_WHY_BLOCKED(RTS_WB_KNOWN)
#undef RTS_WB_KNOWN
    if (!known)
        sanity_fail((const StgClosure *)tso, "why_blocked", NULL, "invalid why_blocked %u",
                    tso->why_blocked);
    if (l != NULL && !is_end_closure(l) && l->header.info->type != TSO
        && l->header.info->type != MVAR_TSO_QUEUE)
        sanity_fail((const StgClosure *)tso, "_link", (const StgWord *)&tso->_link,
                    "_link is a %s, not END_TSO_QUEUE, a TSO or an MVAR_TSO_QUEUE",
                    type_name(l->header.info->type));
    if (s == NULL || s->header.info->type != STACK)
        sanity_fail((const StgClosure *)tso, "stackobj", (const StgWord *)&tso->stackobj,
                    "stackobj is not a STACK");
}

/* Note [Racing weak pointer evacuation]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * (weak pointers, issue 4; GHC's note of the same name, reference §2.3.)
 * The GC leader evacuates the weaks on the weak lists (markWeakPtrList)
 * after the other GC threads have started scavenging.  A weak W that is
 * also reachable from an ordinary object O can therefore be copied by two
 * GC threads at once: the leader from the weak list, a worker while
 * scavenging O.  copy_tag's CAS lets one copy win (Note [Claiming an
 * object with CAS], Evac.c); W's forwarding pointer and every reference,
 * the weak list included, lead to the winner, which tidyWeakList updates.
 * The losing copy stays in the loser's to-space block, unreachable, and is
 * never on a weak list, so nobody updates its key, value and finalizer:
 * they keep pointing into from-space, which is freed (filled with 0xaa
 * under -DS) or, for the nursery, reset for reuse at the end of the GC.
 *
 * The stale copy is harmless: nothing points to it, the generic scavenger
 * only follows its cfinalizers (valid: the same list as the winner's), and
 * the next collection of its generation drops it.  But a sanity check that
 * validates key/value/finalizer of every WEAK met in the heap walk (GHC
 * 8.10.2's checkClosure) reports a dangling pointer in it: a false
 * positive.  GHC's fix (8.10.3, "rts/Sanity: Avoid nasty race in weak
 * pointer sanity-checking"), which is ours by default: the heap walk
 * checks only cfinalizers (forEachPtrField), and the other fields are
 * checked only for the weaks on the weak lists (checkGenWeakPtrList), the
 * ones the collector keeps up to date.  +RTS --inject=weak-race restores
 * the pre-fix check below (and widens the race, MarkWeak.c) so that the
 * false positive can be reproduced.
 */
static void checkWeakFieldsPreFix(const StgWeak *w)
{
    static const FieldName key = { "key", -1, NULL, 0 }, value = { "value", -1, NULL, 0 },
                           finalizer = { "finalizer", -1, NULL, 0 }, link = { "link", -1, NULL, 0 };
    check_field(NULL, (const StgClosure *)w, &w->key, &key);
    check_field(NULL, (const StgClosure *)w, &w->value, &value);
    check_field(NULL, (const StgClosure *)w, &w->finalizer, &finalizer);
    check_field(NULL, (const StgClosure *)w, (StgClosure *const *)&w->link, &link);
}

/* One heap object at p in block bd; returns its size in words. */
static W_ checkClosure(const StgClosure *p, const bdescr *bd)
{
    const StgInfoTable *info = p->header.info;
    const StgWord *bad = NULL;
    const char *why;
    W_ size;

    if (IS_FORWARDING_PTR(info))
        sanity_fail(p, NULL, (const StgWord *)p, "forwarding pointer left in the heap");
    if (!isKnownInfoTable(info))
        sanity_fail(p, NULL, (const StgWord *)p, "header is not a known info pointer");
    switch (info->type) {
    case CONSTR_STATIC: case FUN_STATIC: case THUNK_STATIC: case IND_STATIC:
    case UPDATE_FRAME: case ROOT_FRAME: case STOP_FRAME: case RET_SMALL:
        sanity_fail(p, NULL, (const StgWord *)p, "a %s cannot live in the heap",
                    type_name(info->type));
    default:
        break;
    }
    size = closure_sizeW(p);
    if (gc_closure_sizeW(p, info) != size)
        sanity_fail(p, NULL, (const StgWord *)p, "GC and storage disagree on its size (%lu vs %lu)",
                    (unsigned long)gc_closure_sizeW(p, info), (unsigned long)size);
    if ((StgPtr)p + size > bd->free)
        sanity_fail(p, NULL, (const StgWord *)p, "object of %lu words runs past its block's free pointer",
                    (unsigned long)size);

    why = forEachPtrField(p, check_field, NULL, &bad);
    if (why != NULL)
        sanity_fail(p, "stack", bad, "%s", why);

    switch (info->type) {
    case MVAR_CLEAN:    /* the queue: from the live threads, Note [Stale MVar copies] */
    case MVAR_DIRTY:
        break;
    case TSO:
        checkTSO((const StgTSO *)p);
        break;
    case WEAK:      /* weak pointers (issue 4): see Note [Racing weak pointer evacuation] */
        if (rts_injected(INJECT_WEAK_RACE))
            checkWeakFieldsPreFix((const StgWeak *)p);
        break;
    default:
        break;
    }
    return size;
}

static void check_block_descr(const bdescr *bd, uint32_t gen_no, const char *where)
{
    if (bd->free == (StgPtr)-1 || (bd->flags & BF_FREE))
        sanity_fail(NULL, NULL, NULL, "free block %p on %s", (const void *)bd, where);
    if (bd->gen_no != gen_no) {
        printBdescr(stderr, bd);
        sanity_fail(NULL, NULL, NULL, "block %p on %s has gen_no %u", (const void *)bd, where,
                    bd->gen_no);
    }
    if (bd->blocks == 0 || bd->free < bd->start
        || bd->free > bd->start + (W_)bd->blocks * BLOCK_SIZE_W) {
        printBdescr(stderr, bd);
        sanity_fail(NULL, NULL, NULL, "block %p on %s has a bad free pointer or size",
                    (const void *)bd, where);
    }
}

/* Every object of every block of a chain (GHC's checkHeapChain). */
static void checkHeapChain(const bdescr *bd, uint32_t gen_no, const char *where)
{
    W_ n = 0;
    for (; bd != NULL; bd = bd->link) {
        check_block_descr(bd, gen_no, where);
        for (StgPtr p = bd->start; p < bd->free;) {
            if (*p == 0) {      /* slop of a thunk overwritten by a BLACKHOLE: */
                p++;            /* Note [Thunk slop] in rts/Updates.c */
                continue;
            }
            p += checkClosure((const StgClosure *)p, bd);
        }
        if (++n > WALK_LIMIT)
            sanity_fail(NULL, NULL, NULL, "%s does not end (cycle)", where);
    }
}

/* The large objects of gen: a well-formed doubly linked list of BF_LARGE
 * groups whose objects are sane; pinned blocks are walked object by object. */
static void checkLargeObjects(const generation *gen)
{
    const bdescr *bd, *back = NULL;
    W_ n = 0;
    char where[64];

    snprintf(where, sizeof where, "the large objects of gen %u", gen->no);
    for (bd = gen->large_objects; bd != NULL; back = bd, bd = bd->link) {
        check_block_descr(bd, gen->no, where);
        if (!(bd->flags & BF_LARGE))
            sanity_fail(NULL, NULL, NULL, "block %p on %s is not BF_LARGE", (const void *)bd, where);
        if (bd->u.back != back)
            sanity_fail(NULL, NULL, NULL, "block %p on %s has back link %p, expected %p",
                        (const void *)bd, where, (void *)bd->u.back, (const void *)back);
        if (bd->flags & BF_PINNED) {
            for (StgPtr p = bd->start; p < bd->free;) {
                const StgClosure *c = (const StgClosure *)p;
                p += checkClosure(c, bd);
                if (c->header.info->type != ARR_WORDS)
                    sanity_fail(c, NULL, (const StgWord *)c, "pinned block holds a non-ARR_WORDS");
            }
        } else {
            checkClosure((const StgClosure *)bd->start, bd);
        }
        if (++n > WALK_LIMIT)
            sanity_fail(NULL, NULL, NULL, "%s does not end (cycle)", where);
    }
}

/* Mut lists: every entry is a sane object of that generation. */
static void checkMutableLists(void)
{
    size_t entries = 0;
    for (uint32_t i = 0; i < n_capabilities; i++)
        for (uint32_t g = 1; g < RtsFlags.GcFlags.generations; g++)
            for (const bdescr *bd = capabilities[i]->mut_lists[g]; bd; bd = bd->link)
                entries += (size_t)(bd->free - bd->start);

    free(mut_set.slots);
    free(mut_set.gens);
    mut_set.size = 64;
    while (mut_set.size < 2 * entries)
        mut_set.size *= 2;
    mut_set.slots = calloc(mut_set.size, sizeof *mut_set.slots);
    mut_set.gens = calloc(mut_set.size, 1);
    if (mut_set.slots == NULL || mut_set.gens == NULL)
        barf("checkSanity: out of memory");

    for (uint32_t i = 0; i < n_capabilities; i++) {
        for (uint32_t g = 1; g < RtsFlags.GcFlags.generations; g++) {
            for (const bdescr *bd = capabilities[i]->mut_lists[g]; bd; bd = bd->link) {
                for (const StgWord *e = bd->start; e < bd->free; e++) {
                    const StgClosure *p = (const StgClosure *)*e;
                    const char *why = bad_pointer(p);
                    if (why == NULL && (p == NULL || !HEAP_ALLOCED(p)))
                        why = "is not a heap object";
                    if (why != NULL)
                        sanity_fail(NULL, "mut list entry", e, "mut list of cap %u gen %u: entry %s",
                                    i, g, why);
                    if (Bdescr(p)->gen_no != g)
                        sanity_fail(p, "mut list entry", e,
                                    "on the mut list of cap %u gen %u but lives in gen %u",
                                    i, g, Bdescr(p)->gen_no);
                    mut_set_add(p, g);
                }
            }
        }
    }
}

static void checkThreadList(const generation *gen)
{
    W_ n = 0;
    for (const StgTSO *t = gen->threads; !is_end_closure(t); t = t->global_link) {
        const char *why = bad_pointer((const StgClosure *)t);
        if (t == NULL)
            why = "is NULL instead of END_TSO_QUEUE";
        if (why != NULL || t->header.info->type != TSO)
            sanity_fail(NULL, "threads", NULL, "thread list of gen %u: %p %s", gen->no,
                        (const void *)t, why ? why : "is not a TSO");
        if (Bdescr(t)->gen_no != gen->no)
            sanity_fail((const StgClosure *)t, "global_link", NULL,
                        "TSO %u is on the thread list of gen %u but lives in gen %u",
                        t->id, gen->no, Bdescr(t)->gen_no);
        checkBlockedOnMVar(t);
        if (++n > WALK_LIMIT)
            sanity_fail(NULL, "threads", NULL, "thread list of gen %u does not end", gen->no);
    }
}

/* The weaks on gen's weak list: WEAK or DEAD_WEAK, living in gen, and for
 * a WEAK every field (GHC's checkGenWeakPtrList; see Note [Racing weak
 * pointer evacuation]). */
static void checkGenWeakPtrList(const generation *gen)
{
    W_ n = 0;
    for (const StgWeak *w = gen->weak_ptr_list; w != NULL; w = w->link) {
        const char *why = bad_pointer((const StgClosure *)w);
        uint32_t type;
        if (why != NULL || !HEAP_ALLOCED(w))
            sanity_fail(NULL, "weak_ptr_list", NULL, "weak list of gen %u: %p %s", gen->no,
                        (const void *)w, why ? why : "is not a heap object");
        type = w->header.info->type;
        if (type != WEAK && type != DEAD_WEAK)
            sanity_fail((const StgClosure *)w, NULL, NULL, "on the weak list of gen %u but not a WEAK",
                        gen->no);
        if (Bdescr(w)->gen_no != gen->no)
            sanity_fail((const StgClosure *)w, NULL, NULL,
                        "on the weak list of gen %u but lives in gen %u", gen->no,
                        Bdescr(w)->gen_no);
        if (type == WEAK) {
            static const FieldName key = { "key", -1, NULL, 0 }, value = { "value", -1, NULL, 0 },
                                   finalizer = { "finalizer", -1, NULL, 0 },
                                   cfinalizers = { "cfinalizers", -1, NULL, 0 };
            check_field(NULL, (const StgClosure *)w, &w->cfinalizers, &cfinalizers);
            check_field(NULL, (const StgClosure *)w, &w->key, &key);
            check_field(NULL, (const StgClosure *)w, &w->value, &value);
            check_field(NULL, (const StgClosure *)w, &w->finalizer, &finalizer);
        }
        if (++n > WALK_LIMIT)
            sanity_fail(NULL, "weak_ptr_list", NULL, "weak list of gen %u does not end", gen->no);
    }
}

void checkSanity(bool after_gc, bool major)
{
    (void)major;
    phase = after_gc ? "after GC" : "before GC";

    checkFreeListSanity();
    checkMutableLists();
    for (uint32_t g = 0; g < RtsFlags.GcFlags.generations; g++) {
        const generation *gen = &generations[g];
        char where[64];
        snprintf(where, sizeof where, "the blocks of gen %u", g);
        checkHeapChain(gen->blocks, g, where);
        checkLargeObjects(gen);
        checkThreadList(gen);
        checkGenWeakPtrList(gen);
    }
    for (uint32_t i = 0; i < n_capabilities; i++) {
        char where[64];
        snprintf(where, sizeof where, "the nursery of cap %u", i);
        checkHeapChain(capabilities[i]->nursery_blocks, 0, where);
    }
}
