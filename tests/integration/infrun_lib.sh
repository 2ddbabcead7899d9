# infrun_lib.sh — helpers sourced by tests/integration/infrun_*.sh (and
# demo_lib.sh): cli_lib.sh's preamble and checks, the debuggees' sources
# ($SRC), expectations on an output file and rtsdb in batch mode with a
# time limit.  Unlike cli_lib.sh, plugins autoload as they do for users.
# Needs top_srcdir and top_builddir (exported by make check).
. "$top_srcdir/tests/integration/cli_lib.sh"
unset RTSDB_NO_AUTOLOAD
SRC="$top_srcdir/tests/debuggee"

# Line number of the first line of FILE containing TEXT.
line_of() { grep -nF -- "$2" "$1" | head -1 | cut -d: -f1; }

# expect OUTFILE TEXT: OUTFILE has a line containing TEXT.
expect() {
    grep -qF -- "$2" "$1" || fail "expected a line with: $2"
}
# expect_not OUTFILE TEXT
expect_not() {
    ! grep -qF -- "$2" "$1" || fail "unexpected line with: $2"
}
# expect_count OUTFILE TEXT N: exactly N lines contain TEXT.
expect_count() {
    n=$(grep -cF -- "$2" "$1")
    [ "$n" = "$3" ] || fail "expected $3 lines with '$2', got $n"
}

# Run rtsdb in batch mode with a time limit; stdout+stderr to OUT.
# RTSDB_TIMEOUT (seconds, default 60) bounds each run; LAST_OUT is what
# finish_test shows on failure.
run_rtsdb() {
    out=$1; shift
    LAST_OUT=$out
    timeout "${RTSDB_TIMEOUT:-60}" "$RTSDB" -q --batch "$@" >"$out" 2>&1
    echo "rc=$?" >>"$out"
}
