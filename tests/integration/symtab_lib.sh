# symtab_lib.sh — helpers shared by the symtab integration tests (sourced).
#
# start_waiting PROG: run PROG "wait" in the background, wait for its
#   "ready PID" line and until every thread sleeps in pause(); sets $DEBUGGEE.
# stop_waiting: kill it.
# frames_of FILE: one line per frame, "THREAD:FUNCTION", from gdb's or
#   rtsdb's "thread apply all bt" output.  What is normalised: addresses,
#   arguments, file:line and "from LIB" are dropped; threads are keyed by
#   LWP; only function names and their order remain.  Frames printed
#   before the first "Thread" header (gdb's current frame when it opens a
#   core) are not part of the backtraces and are ignored.

RTSDB="$top_builddir/debugger/rtsdb"
DEBUGGEES="$top_builddir/tests/debuggee"

start_waiting() {
    : > "$TMP/ready"    # a previous debuggee's "ready" must not count
    "$@" wait > "$TMP/ready" &
    DEBUGGEE=$!
    for _ in $(seq 1 500); do
        grep -q ready "$TMP/ready" 2>/dev/null && break
        sleep 0.01
    done
    for _ in $(seq 1 500); do
        states=$(cat /proc/$DEBUGGEE/task/*/stat 2>/dev/null | sed 's/.*) //' | cut -c1 | sort | uniq | tr -d '\n')
        [ "$states" = S ] && return 0
        sleep 0.01
    done
    echo "debuggee $* did not settle" >&2
    return 1
}

stop_waiting() {
    [ -n "$DEBUGGEE" ] && kill -9 "$DEBUGGEE" 2>/dev/null && wait "$DEBUGGEE" 2>/dev/null
    DEBUGGEE=
}

frames_of() {
    awk '
        /^Thread [0-9]+ / { t = $0; sub(/.*LWP /, "", t); sub(/\).*/, "", t); next }
        /^#[0-9]+ / && t != "" {
            line = $0
            sub(/^#[0-9]+ +/, "", line)
            sub(/^0x[0-9a-f]+ in /, "", line)
            sub(/ .*/, "", line)
            print t ":" line
        }' "$1"
}
