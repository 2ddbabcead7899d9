/* RtsFlags.h — the runtime's flags (+RTS ... -RTS and RTS_OPTS).
 *
 * Field names follow GHC's RtsFlags (GcFlags, ParFlags, DebugFlags...) so
 * that `p RtsFlags.GcFlags.generations` reads the same as in GHC.  The
 * parser is a pure function over argv (parseRtsFlags): it never prints or
 * exits, so tests can feed it good and bad input; rts_init reports errors.
 *
 * Must not depend on: the storage manager, the scheduler, the GC.
 */
#ifndef RTS_RTSFLAGS_H
#define RTS_RTSFLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bugs that can be switched back on (+RTS --inject=a,b); the default is
 * the fixed behaviour.  X(enum name, flag name, one line of help). */
#define RTS_INJECT_BUGS(X)                                                         \
    X(INJECT_MVAR_NO_DIRTY,      "mvar-no-dirty",     "putMVar/takeMVar pop without dirty_MVAR (GHC #18919)") \
    X(INJECT_MVAR_CLEAN_UNLOCK,  "mvar-clean-unlock", "MVar dirtied but unlocked CLEAN (GHC #19145)")        \
    X(INJECT_CAF_NONATOMIC,      "caf-nonatomic",     "CAF entry not atomic: unsafePerformIO runs twice (GHC #5558)") \
    X(INJECT_WEAK_RACE,          "weak-race",         "two GC threads both copy one WEAK")                   \
    X(INJECT_STATS_RACE,         "stats-race",        "GC thread signals done before writing its CPU time")

enum InjectBug {
#define RTS_INJECT_ENUM(e, name, help) e,
    RTS_INJECT_BUGS(RTS_INJECT_ENUM)
#undef RTS_INJECT_ENUM
    N_INJECT_BUGS
};

/* giveStats values, as GHC's. */
enum { NO_GC_STATS = 0, SUMMARY_GC_STATS = 1, VERBOSE_GC_STATS = 2 };

typedef struct {
    uint32_t generations;       /* -G<n>, default 2 */
    size_t minAllocAreaSize;    /* -A<size>, in blocks: nursery per capability (default 1 MiB) */
    uint32_t giveStats;         /* -s (SUMMARY) / -S (VERBOSE) */
    const char *statsFileName;  /* -s<file>/-S<file>; NULL: stderr */
    FILE *statsFile;            /* opened by rts_init; NULL when no stats */
} GC_FLAGS;

typedef struct {
    uint32_t nCapabilities;     /* -N[n]: capabilities (= GC threads); -N alone: CPUs */
    bool eagerBlackholing;      /* --eager-blackholing: claim thunks on entry (rts/Updates.c) */
} PAR_FLAGS;

typedef struct {
    uint64_t ctxtSwitchTime_ns; /* -C<secs>, default 20 ms (issue 3) */
} CONCURRENT_FLAGS;

typedef struct {
    bool eventlog;              /* -l[file] (issue 5: parsed and stored only) */
    const char *eventlogFileName;
    uint32_t record;            /* --record=<cats>: flight recorder categories (-l: all) */
} TRACE_FLAGS;

typedef struct {
    bool sanity;                /* -DS: check the heap before/after every GC (implies zero_on_gc) */
    bool zero_on_gc;            /* -DZ: fill freed and fresh memory with 0xaa */
    uint32_t inject;            /* --inject: bit set of 1 << enum InjectBug */
    bool gc_chaos;              /* --gc-chaos[=seed]: widen the parallel GC's race windows */
    uint64_t gc_chaos_seed;     /*   (Note [GC chaos mode], rts/sm/GCUtils.c) */
} DEBUG_FLAGS;

typedef struct {
    GC_FLAGS GcFlags;
    PAR_FLAGS ParFlags;
    CONCURRENT_FLAGS ConcFlags;
    TRACE_FLAGS TraceFlags;
    DEBUG_FLAGS DebugFlags;
} RTS_FLAGS;

extern RTS_FLAGS RtsFlags;

#define MAX_CAPABILITIES 64
#define MAX_GENERATIONS 16

static inline bool rts_injected(enum InjectBug bug)
{
    return (RtsFlags.DebugFlags.inject >> bug) & 1u;
}

extern const char *const inject_bug_names[N_INJECT_BUGS];

/* Defaults, as documented by `+RTS -?`. */
void setDefaultRtsFlags(RTS_FLAGS *flags);

/* Outcome of parsing. */
enum RtsFlagsResult { RTS_FLAGS_OK = 0, RTS_FLAGS_ERROR = 1, RTS_FLAGS_HELP = 2 };

/* Parse RTS options into *flags (which holds defaults or earlier options).
 * env_opts (may be NULL) is the value of RTS_OPTS, parsed first; then
 * argv's `+RTS ... -RTS` sections (a section without -RTS runs to the end)
 * are parsed and removed, compacting argv and updating *argc (argv[*argc]
 * becomes NULL).  On RTS_FLAGS_ERROR, err holds one line such as
 * "unknown RTS option: -Q (try +RTS -? for help)".  Never prints, never
 * exits.  String fields point into argv or into storage owned by the
 * parser (kept for the life of the process). */
enum RtsFlagsResult parseRtsFlags(RTS_FLAGS *flags, int *argc, char **argv,
                                  const char *env_opts, char *err, size_t errlen);

/* The help text of `+RTS -?`: one line per flag. */
void printRtsUsage(FILE *out, const char *prog);

#endif
