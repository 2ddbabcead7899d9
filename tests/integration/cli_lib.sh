# cli_lib.sh — helpers sourced by tests/integration/cli_*.sh, and the
# preamble every rtsdb test shares (infrun_lib.sh, plugin_lib.sh and the
# symtab tests source it): $RTSDB and $DEBUGGEE (SKIP when rtsdb is not
# built), a temporary directory $TMP removed at exit, a failure count with
# fail/check_eq/same_file, and finish_test.
# Needs top_srcdir and top_builddir (exported by make check).
: "${top_srcdir:?}" "${top_builddir:?}"
RTSDB="$top_builddir/debugger/rtsdb"
DEBUGGEE="$top_builddir/tests/debuggee"
if [ ! -x "$RTSDB" ]; then
    echo "SKIP: $RTSDB not built"
    exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cli-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# No plugin autoloading unless a test asks for it: outputs stay comparable.
RTSDB_NO_AUTOLOAD=1
export RTSDB_NO_AUTOLOAD
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
    if [ "$2" != "$3" ]; then
        fail "$1"
        echo "  expected: $(printf '%s' "$2" | head -c 2000)"
        echo "  actual:   $(printf '%s' "$3" | head -c 2000)"
    fi
}

# same_file WHAT EXPECTED_FILE ACTUAL_FILE
same_file() {
    if ! diff -u "$2" "$3" >"$TMP/diff"; then
        fail "$1"
        cat "$TMP/diff"
    fi
}

# Addresses differ from run to run (ASLR off or not): mask them.
mask() { sed -e 's/0x[0-9a-f]\{9,\}/0xADDR/g' -e 's/process [0-9]*/process PID/g'; }

# run_ex CMDFILE COMMAND...: COMMAND with each line of CMDFILE as an -ex
# (a script given with -x would stop at its first error, in gdb and rtsdb).
run_ex() {
    cmdfile=$1
    shift
    while IFS= read -r line; do
        set -- "$@" -ex "$line"
    done <"$cmdfile"
    "$@"
}

# compare_stops NAME [WRAPPER...]: run $TMP/NAME.cmds (run_ex) under rtsdb
# and under gdb on $prog, each behind WRAPPER if given, and compare what
# the caller's `stops FILE` keeps of their outputs, line by line.
compare_stops() {
    name=$1
    shift
    run_ex "$TMP/$name.cmds" "$@" timeout 60 "$RTSDB" -q --batch "$prog" >"$TMP/$name.rtsdb" 2>&1
    run_ex "$TMP/$name.cmds" "$@" timeout 60 gdb -nx -q --batch "$prog" >"$TMP/$name.gdb" 2>&1
    stops "$TMP/$name.rtsdb" >"$TMP/$name.rtsdb.stops"
    stops "$TMP/$name.gdb" >"$TMP/$name.gdb.stops"
    [ -s "$TMP/$name.gdb.stops" ] || fail "$name: gdb stopped nowhere"
    diff -u "$TMP/$name.gdb.stops" "$TMP/$name.rtsdb.stops" \
        || { fail "$name: rtsdb and gdb disagree"; cat "$TMP/$name.rtsdb"; }
}

# The test's status: 0, or 1 after the failure count (and the output
# named by LAST_OUT, when a test sets it).
finish_test() {
    [ "$failures" -eq 0 ] && exit 0
    echo "$failures failure(s)"
    if [ -n "${LAST_OUT:-}" ]; then
        echo "---- last output ----"
        cat "$LAST_OUT" 2>/dev/null
    fi
    exit 1
}
