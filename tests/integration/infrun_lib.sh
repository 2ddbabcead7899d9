# infrun_lib.sh — helpers sourced by tests/integration/infrun_*.sh.
# Needs top_srcdir and top_builddir (exported by make check).
: "${top_srcdir:?}" "${top_builddir:?}"
RTSDB="$top_builddir/debugger/rtsdb"
DEBUGGEE="$top_builddir/tests/debuggee"
SRC="$top_srcdir/tests/debuggee"
if [ ! -x "$RTSDB" ]; then
    echo "SKIP: $RTSDB not built"
    exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/infrun-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

# Line number of the first line of FILE containing TEXT.
line_of() { grep -nF -- "$2" "$1" | head -1 | cut -d: -f1; }

# expect OUTFILE TEXT: OUTFILE has a line containing TEXT.
expect() {
    if ! grep -qF -- "$2" "$1"; then
        echo "FAIL: expected a line with: $2"
        failures=$((failures + 1))
    fi
}
# expect_not OUTFILE TEXT
expect_not() {
    if grep -qF -- "$2" "$1"; then
        echo "FAIL: unexpected line with: $2"
        failures=$((failures + 1))
    fi
}
# expect_count OUTFILE TEXT N: exactly N lines contain TEXT.
expect_count() {
    n=$(grep -cF -- "$2" "$1")
    if [ "$n" != "$3" ]; then
        echo "FAIL: expected $3 lines with '$2', got $n"
        failures=$((failures + 1))
    fi
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

finish_test() {
    if [ "$failures" -ne 0 ]; then
        echo "---- last output ----"
        cat "$LAST_OUT" 2>/dev/null
        exit 1
    fi
    exit 0
}
