/* RtsFlags.c — parsing +RTS ... -RTS and RTS_OPTS (see RtsFlags.h).
 *
 * Must not depend on: the storage manager, the scheduler, the GC.  Block
 * geometry comes from Block.h only to turn -A into blocks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "RtsFlags.h"
#include "FlightRecorder.h"
#include "rts/storage/Block.h"

RTS_FLAGS RtsFlags;

const char *const inject_bug_names[N_INJECT_BUGS] = {
#define RTS_INJECT_NAME(e, name, help) [e] = name,
    RTS_INJECT_BUGS(RTS_INJECT_NAME)
#undef RTS_INJECT_NAME
};

static const char *const inject_bug_help[N_INJECT_BUGS] = {
#define RTS_INJECT_HELP(e, name, help) [e] = help,
    RTS_INJECT_BUGS(RTS_INJECT_HELP)
#undef RTS_INJECT_HELP
};

#define DEFAULT_ALLOC_AREA_BYTES (1024 * 1024)  /* -A1m; see Note [Default nursery size] */

/* Note [Default nursery size]
 * GHC's default -A grew from 256k to 4m over the years (#16499).  We pick
 * 1m: this runtime targets small shared VMs where a 1 MiB nursery per
 * capability still fits in L2, and the GC tests want many collections.
 * Benchmarks against GHC always pass -A explicitly to both runtimes. */

void setDefaultRtsFlags(RTS_FLAGS *f)
{
    memset(f, 0, sizeof *f);
    f->GcFlags.generations = 2;
    f->GcFlags.minAllocAreaSize = DEFAULT_ALLOC_AREA_BYTES / BLOCK_SIZE;
    f->GcFlags.giveStats = NO_GC_STATS;
    f->ParFlags.nCapabilities = 1;
    f->ConcFlags.ctxtSwitchTime_ns = 20 * 1000 * 1000;
}

static const struct { const char *flag; const char *help; } usage_lines[] = {
    { "-?",             "print this list of RTS flags and exit" },
    { "-N[<n>]",        "use <n> capabilities (= GC threads); -N alone: one per CPU (default 1)" },
    { "-A<size>",       "nursery size per capability, e.g. -A64k, -A8m (default 1m)" },
    { "-G<n>",          "number of generations, 1..16 (default 2)" },
    { "-s[<file>]",     "print GC statistics summary at exit (to <file>, default stderr)" },
    { "-S[<file>]",     "print one line per GC and the summary (to <file>, default stderr)" },
    { "-C<secs>",       "context-switch interval in seconds (default 0.02)" },
    { "-l[<file>]",     "write an event log (to <file>)" },
    { "-DS",            "sanity-check the heap around every GC (implies -DZ)" },
    { "-DZ",            "fill freed and fresh heap memory with 0xaa" },
    { "--inject=<bugs>","switch known bugs back on (comma list; see below)" },
    { "--eager-blackholing", "claim a thunk when entering it, not when its thread pauses" },
    { "--gc-chaos[=<n>]","widen the parallel GC's race windows with random pauses and scan orders (seed n)" },
    { "--record=<cats>","flight recorder categories from the start: all, or gc,evac,mvar,caf,thread,sanity,watch" },
};

void printRtsUsage(FILE *out, const char *prog)
{
    fprintf(out, "Usage: %s [args] +RTS <rts-flags> -RTS [args]   (also RTS_OPTS=\"<rts-flags>\")\n", prog);
    for (size_t i = 0; i < sizeof usage_lines / sizeof usage_lines[0]; i++)
        fprintf(out, "  %-16s %s\n", usage_lines[i].flag, usage_lines[i].help);
    fprintf(out, "Bugs for --inject:\n");
    for (int b = 0; b < N_INJECT_BUGS; b++)
        fprintf(out, "  %-18s %s\n", inject_bug_names[b], inject_bug_help[b]);
}

/* ---- one option ---- */

typedef struct {
    char *err;
    size_t errlen;
} Parser;

static enum RtsFlagsResult fail(Parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum RtsFlagsResult fail(Parser *ps, const char *fmt, ...)
{
    if (ps->err && ps->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err, ps->errlen, fmt, ap);
        va_end(ap);
    }
    return RTS_FLAGS_ERROR;
}

static enum RtsFlagsResult unknown(Parser *ps, const char *opt)
{
    return fail(ps, "unknown RTS option: %s (try +RTS -? for help)", opt);
}

static enum RtsFlagsResult malformed(Parser *ps, const char *opt, const char *why)
{
    return fail(ps, "malformed RTS option: %s: %s (try +RTS -? for help)", opt, why);
}

/* A size with an optional k/m/g suffix, in bytes; false when malformed. */
static bool parse_size(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    uint64_t mult = 1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mult = 1ULL << 10; end++; break;
    case 'm': case 'M': mult = 1ULL << 20; end++; break;
    case 'g': case 'G': mult = 1ULL << 30; end++; break;
    default: return false;
    }
    if (*end != '\0' || v > UINT64_MAX / mult)
        return false;
    *out = v * mult;
    return true;
}

/* A decimal number without sign; false when malformed. */
static bool parse_uint(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return false;
    *out = v;
    return true;
}

static enum RtsFlagsResult parse_inject(Parser *ps, RTS_FLAGS *f, const char *opt, const char *list)
{
    char known[256] = "";
    for (int b = 0; b < N_INJECT_BUGS; b++) {
        strcat(known, b ? ", " : "");
        strcat(known, inject_bug_names[b]);
    }
    if (*list == '\0')
        return malformed(ps, opt, "empty list of bugs");
    const char *p = list;
    while (true) {
        size_t len = strcspn(p, ",");
        int found = -1;
        for (int b = 0; b < N_INJECT_BUGS; b++)
            if (strlen(inject_bug_names[b]) == len && strncmp(p, inject_bug_names[b], len) == 0)
                found = b;
        if (found < 0)
            return fail(ps, "unknown bug '%.*s' in %s (known bugs: %s)", (int)len, p, opt, known);
        f->DebugFlags.inject |= 1u << found;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    return RTS_FLAGS_OK;
}

/* Parse one RTS option (an element of a +RTS section or of RTS_OPTS). */
static enum RtsFlagsResult parse_one(Parser *ps, RTS_FLAGS *f, const char *opt)
{
    uint64_t v;
    if (opt[0] != '-' || opt[1] == '\0')
        return unknown(ps, opt);
    const char *arg = opt + 2;
    switch (opt[1]) {
    case '?':
        if (*arg)
            return unknown(ps, opt);
        return RTS_FLAGS_HELP;
    case 'N':
        if (*arg == '\0') {
            long n = sysconf(_SC_NPROCESSORS_ONLN);
            v = n < 1 ? 1 : (uint64_t)n;
            if (v > MAX_CAPABILITIES)
                v = MAX_CAPABILITIES;
        } else if (!parse_uint(arg, &v) || v < 1 || v > MAX_CAPABILITIES) {
            return malformed(ps, opt, "expected a number of capabilities 1..64");
        }
        f->ParFlags.nCapabilities = (uint32_t)v;
        return RTS_FLAGS_OK;
    case 'A':
        if (!parse_size(arg, &v) || v < BLOCK_SIZE || v > (1ULL << 40))
            return malformed(ps, opt, "expected a size of at least 4k, like -A64k or -A8m");
        f->GcFlags.minAllocAreaSize = (size_t)((v + BLOCK_SIZE - 1) / BLOCK_SIZE);
        return RTS_FLAGS_OK;
    case 'G':
        if (!parse_uint(arg, &v) || v < 1 || v > MAX_GENERATIONS)
            return malformed(ps, opt, "expected a number of generations 1..16");
        f->GcFlags.generations = (uint32_t)v;
        return RTS_FLAGS_OK;
    case 's':
    case 'S':
        f->GcFlags.giveStats = opt[1] == 's' ? SUMMARY_GC_STATS : VERBOSE_GC_STATS;
        f->GcFlags.statsFileName = *arg ? arg : NULL;
        return RTS_FLAGS_OK;
    case 'C': {
        double secs = 0;
        if (*arg) {
            char *end;
            errno = 0;
            secs = strtod(arg, &end);
            if (errno || *end != '\0' || !(secs >= 0) || secs > 3600 || !isdigit((unsigned char)*arg))
                return malformed(ps, opt, "expected seconds, like -C0.02");
        }
        f->ConcFlags.ctxtSwitchTime_ns = (uint64_t)(secs * 1e9);
        return RTS_FLAGS_OK;
    }
    case 'l':
        f->TraceFlags.eventlog = true;
        f->TraceFlags.eventlogFileName = *arg ? arg : NULL;
        return RTS_FLAGS_OK;
    case 'D':
        if (*arg == '\0')
            return malformed(ps, opt, "expected debug letters S or Z, like -DS");
        for (const char *c = arg; *c; c++) {
            if (*c == 'S')
                f->DebugFlags.sanity = f->DebugFlags.zero_on_gc = true;
            else if (*c == 'Z')
                f->DebugFlags.zero_on_gc = true;
            else
                return malformed(ps, opt, "unknown debug letter (known: S, Z)");
        }
        return RTS_FLAGS_OK;
    case '-':
        if (strncmp(opt, "--inject=", 9) == 0)
            return parse_inject(ps, f, opt, opt + 9);
        if (strcmp(opt, "--eager-blackholing") == 0) {
            f->ParFlags.eagerBlackholing = true;
            return RTS_FLAGS_OK;
        }
        if (strcmp(opt, "--gc-chaos") == 0 || strncmp(opt, "--gc-chaos=", 11) == 0) {
            char *end = NULL;
            f->DebugFlags.gc_chaos = true;
            f->DebugFlags.gc_chaos_seed = 1;
            if (opt[10] == '=') {
                f->DebugFlags.gc_chaos_seed = strtoull(opt + 11, &end, 10);
                if (opt[11] == '\0' || *end != '\0' || opt[11] == '-')
                    return malformed(ps, opt, "expected a seed (a decimal number), like --gc-chaos=7");
            }
            return RTS_FLAGS_OK;
        }
        if (strncmp(opt, "--record=", 9) == 0) {
            long cats = parseEventCategories(opt + 9);
            if (cats <= 0)
                return malformed(ps, opt, "expected event categories: all, or a comma list of "
                                          "gc, evac, mvar, caf, thread, sanity, watch");
            f->TraceFlags.record = (uint32_t)cats;
            return RTS_FLAGS_OK;
        }
        return unknown(ps, opt);
    default:
        return unknown(ps, opt);
    }
}

/* Split RTS_OPTS on white space and parse each word.  The words are copied
 * into storage that lives as long as the process (string flags point there). */
static enum RtsFlagsResult parse_env(Parser *ps, RTS_FLAGS *f, const char *env)
{
    char *copy = strdup(env);
    if (!copy)
        return fail(ps, "out of memory parsing RTS_OPTS");
    char *save = NULL;
    for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
        /* tolerate the command-line brackets in the variable too */
        if (strcmp(w, "+RTS") == 0 || strcmp(w, "-RTS") == 0)
            continue;
        enum RtsFlagsResult r = parse_one(ps, f, w);
        if (r != RTS_FLAGS_OK)
            return r;   /* copy stays allocated: flags already parsed point into it */
    }
    return RTS_FLAGS_OK;
}

enum RtsFlagsResult parseRtsFlags(RTS_FLAGS *f, int *argc, char **argv,
                                  const char *env_opts, char *err, size_t errlen)
{
    Parser ps = { err, errlen };
    if (err && errlen)
        err[0] = '\0';
    if (env_opts) {
        enum RtsFlagsResult r = parse_env(&ps, f, env_opts);
        if (r != RTS_FLAGS_OK)
            return r;
    }
    int out = 1;        /* argv[0] stays */
    bool in_rts = false;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (!in_rts && strcmp(a, "+RTS") == 0) {
            in_rts = true;
        } else if (in_rts && strcmp(a, "-RTS") == 0) {
            in_rts = false;
        } else if (in_rts) {
            if (strcmp(a, "+RTS") == 0)
                continue;
            enum RtsFlagsResult r = parse_one(&ps, f, a);
            if (r != RTS_FLAGS_OK)
                return r;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    argv[out] = NULL;
    return RTS_FLAGS_OK;
}
