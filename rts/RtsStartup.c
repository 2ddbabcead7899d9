/* RtsStartup.c — rts_init and rts_exit: flags, heap, main thread, stats.
 *
 * Must not depend on: the debugger.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "rts.h"
#include "Capability.h"
#include "Roots.h"
#include "Schedule.h"
#include "RtsFlags.h"
#include "RtsMessages.h"
#include "Stats.h"
#include "sm/GC.h"
#include "sm/Storage.h"
#include "FlightRecorder.h"
#include "rts/DebugPrinters.h"

static bool rts_initialised;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void open_stats_file(void)
{
    GC_FLAGS *gc = &RtsFlags.GcFlags;
    if (gc->giveStats == NO_GC_STATS) {
        gc->statsFile = NULL;
        return;
    }
    if (gc->statsFileName == NULL) {
        gc->statsFile = stderr;
        return;
    }
    gc->statsFile = fopen(gc->statsFileName, "w");
    if (gc->statsFile == NULL) {
        errorBelch("cannot open the statistics file %s: %s", gc->statsFileName, strerror(errno));
        exit(1);
    }
}

/* +RTS -l[FILE]: where the flight recorder is written, default <prog>.eventlog. */
static const char *eventlog_path(void)
{
    static char path[4096];
    const char *name = RtsFlags.TraceFlags.eventlogFileName;
    if (name && *name)
        return name;
    snprintf(path, sizeof path, "%s.eventlog", prog_name ? prog_name : "rts");
    return path;
}

void rts_init(int *argc, char ***argv)
{
    if (rts_initialised)
        barf("rts_init called twice");
    if (argc && *argc > 0 && argv && (*argv)[0])
        prog_name = base_name((*argv)[0]);

    setDefaultRtsFlags(&RtsFlags);
    char err[512];
    int dummy_argc = 0;
    char *dummy_argv[1] = { NULL };
    enum RtsFlagsResult r = parseRtsFlags(&RtsFlags, argc ? argc : &dummy_argc,
                                          argv ? *argv : dummy_argv,
                                          getenv("RTS_OPTS"), err, sizeof err);
    if (r == RTS_FLAGS_ERROR) {
        errorBelch("%s", err);
        exit(1);
    }
    if (r == RTS_FLAGS_HELP) {
        printRtsUsage(stdout, prog_name);
        exit(0);
    }
    open_stats_file();
    initStats();

    initCapabilities(RtsFlags.ParFlags.nCapabilities);
    initStorage();
    /* the flight recorder's rings always exist (a debugger may switch
     * recording on at run time); -l records everything from the start */
    initFlightRecorder(n_capabilities,
                       RtsFlags.TraceFlags.record ? RtsFlags.TraceFlags.record
                       : RtsFlags.TraceFlags.eventlog ? EVCAT_ALL : 0, 4096);
    if (RtsFlags.TraceFlags.eventlog)
        setFlightRecorderDumpFile(eventlog_path());
    rts_dbg_init();
    rts_my_cap = MainCapability;
    rts_create_main_tso(MainCapability);
    initScheduler();
    rts_initialised = true;
}


void rts_exit(int status)
{
    if (rts_initialised) {
        exitScheduler();
        fflush(stdout);
        stat_exit();
        exitFlightRecorder();       /* writes the -l file */
        exitGC();
        exitStorage();
        FILE *stats = RtsFlags.GcFlags.statsFile;
        if (stats && stats != stderr)
            fclose(stats);
    }
    exit(status);
}
