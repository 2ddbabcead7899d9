# lib.sh — what the demo scripts share (sourced, not run).
#
# Finds the build (top_builddir, exported by make; else the current folder
# or ../build), gives each demo a scratch folder that is removed at exit,
# and prints the narration.  Demos run rtsdb in batch mode with a command
# file from this folder; the transcript goes to the terminal and to
# $DEMO_TMP/transcript, which the demos' `shell` steps read (the runtime's
# own error message names the object to look at).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
if [ -z "${top_builddir:-}" ]; then
    for d in . "$top_srcdir" "$top_srcdir/build"; do
        [ -x "$d/debugger/rtsdb" ] && top_builddir=$(cd "$d" && pwd) && break
    done
fi
if [ -z "${top_builddir:-}" ] || [ ! -x "$top_builddir/debugger/rtsdb" ]; then
    echo "demo: rtsdb is not built (run ./quickstart demo, or make, first)" >&2
    exit 1
fi
export top_srcdir top_builddir
DEMOS="$top_srcdir/examples/demos"
RTSDB="$top_builddir/debugger/rtsdb"
DEMO_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rtsdb-demo.XXXXXX")
trap 'rm -rf "$DEMO_TMP"' EXIT
export DEMOS DEMO_TMP

# say TEXT...: a line of narration.
say() { printf '\n>>> %s\n' "$*"; }

# debug OUT SCRIPT RTSDB-ARGS...: rtsdb --batch -x SCRIPT, run in $DEMO_TMP
# (so the scripts' relative file names land there); the transcript goes to
# the terminal and to OUT.  Returns rtsdb's status.  Scripts for a live
# process put their diagnosis in the `commands` of the breakpoint that
# catches the bug: it runs only when the bug is caught, and a command that
# fails there does not end the list.
debug() {
    out=$1 script=$2; shift 2
    (cd "$DEMO_TMP" && timeout 120 "$RTSDB" -q --batch -x "$script" "$@" 2>&1; echo "rtsdb status $?") |
        tee "$out"
    tail -n 1 "$out" | grep -q "status 0$"
}

# debug_each OUT SCRIPT RTSDB-ARGS...: the same with each line of SCRIPT as
# one -ex command, so one that fails does not end the script (for core
# files, where there is no breakpoint to hang a commands list on).  Lines
# starting with # are skipped.
debug_each() {
    out=$1 script=$2; shift 2
    # "$@" is the program part (PROGRAM, --core CORE PROGRAM): append the
    # -ex commands after a marker, then rotate the program part behind them.
    set -- "$@" --end-of-program
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in ''|'#'*) continue ;; esac
        set -- "$@" -ex "$line"
    done <"$script"
    while [ "$1" != --end-of-program ]; do set -- "$@" "$1"; shift; done
    shift
    (cd "$DEMO_TMP" && timeout 120 "$RTSDB" -q --batch "$@" 2>&1; echo "rtsdb status $?") |
        tee "$out"
    tail -n 1 "$out" | grep -q "status 0$"
}
