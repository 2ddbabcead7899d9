# demo_lib.sh — helpers sourced by tests/integration/demo_*.sh and
# watch_evac.sh: run rtsdb in batch mode and compare its transcript with an
# expected one after masking what changes from run to run.
# Needs top_srcdir and top_builddir (exported by make check).
: "${top_srcdir:?}" "${top_builddir:?}"
RTSDB="$top_builddir/debugger/rtsdb"
if [ ! -x "$RTSDB" ]; then
    echo "SKIP: $RTSDB not built"
    exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/demo-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

# mask < transcript > masked: addresses, pids, source paths and line
# numbers, times and backtrace frames (frames depend on inlining and on
# other people's edits; tests check the ones that matter with expect).
mask() {
    sed -E \
        -e 's/0x[0-9a-f]+/0x.../g' \
        -e 's#(^|[ (])(/[^ /]+)+/([^ /]+)#\1\3#g' \
        -e '/^\(debug-register watchpoints/d' \
        -e 's/(process|pid|LWP) [0-9]+/\1 N/g' \
        -e 's/\bcap [0-9]+\b/cap N/g' \
        -e 's#(/[^ :()]+/)?([A-Za-z0-9_.-]+\.[ch]):[0-9]+#\2:N#g' \
        -e 's/[0-9]+(\.[0-9]+)? ?(ns|us|µs|ms|s)\b/T\2/g' \
        -e '/^#[0-9]+ /d' \
        -e '/^[0-9]+\t/d' \
        -e '/^(rts_dbg_trap|rts_trap_barf) \(/d'
}

# compare OUT EXPECTED: the masked transcript equals EXPECTED.
compare() {
    mask <"$1" >"$TMP/masked"
    if ! diff -u "$2" "$TMP/masked" >"$TMP/diff"; then
        echo "FAIL: transcript differs from $2 (masked):"
        cat "$TMP/diff"
        failures=$((failures + 1))
    fi
}

# expect OUTFILE TEXT: OUTFILE has a line containing TEXT.
expect() {
    if ! grep -qF -- "$2" "$1"; then
        echo "FAIL: expected a line with: $2"
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
run_rtsdb() {
    out=$1; shift
    LAST_OUT=$out
    timeout 90 "$RTSDB" -q --batch "$@" >"$out" 2>&1
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
