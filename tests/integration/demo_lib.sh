# demo_lib.sh — helpers sourced by tests/integration/demo_*.sh and
# watch_evac.sh: infrun_lib.sh's (rtsdb in batch mode, expect, finish_test)
# plus comparing a transcript with an expected one after masking what
# changes from run to run.
# Needs top_srcdir and top_builddir (exported by make check).
RTSDB_TIMEOUT=90
. "$top_srcdir/tests/integration/infrun_lib.sh"

# mask < transcript > masked: addresses, pids, source paths (absolute, or
# relative as a VPATH build such as distcheck's compiles them) and line
# numbers, times (also the time column of rts events / rts trace mvar rows)
# and backtrace frames (frames depend on inlining and on
# other people's edits; tests check the ones that matter with expect).
mask() {
    sed -E \
        -e 's/0x[0-9a-f]+/0x.../g' \
        -e 's#(^|[ (])(/[^ /]+)+/([^ /]+)#\1\3#g' \
        -e 's#(^|[ (])(\.\./)+([^ /]+/)*([^ /]+)#\1\4#g' \
        -e '/^\(debug-register watchpoints/d' \
        -e 's/(process|pid|LWP) [0-9]+/\1 N/g' \
        -e 's/\bcap [0-9]+\b/cap N/g' \
        -e 's#([^ :()]*/)?([A-Za-z0-9_.-]+\.[ch]):[0-9]+#\2:N#g' \
        -e 's/[0-9]+(\.[0-9]+)? ?(ns|us|µs|ms|s)\b/T\2/g' \
        -e 's/^( +[0-9]+) +[0-9]+\.[0-9]{6} /\1 T /' \
        -e 's/^ +[0-9]+\.[0-9]{6}  /T  /' \
        -e '/^#[0-9]+ /d' \
        -e '/^[0-9]+\t/d' \
        -e '/^(rts_dbg_trap|rts_trap_barf) \(/d'
}

# compare OUT EXPECTED: the masked transcript equals EXPECTED.
compare() {
    mask <"$1" >"$TMP/masked"
    if ! diff -u "$2" "$TMP/masked" >"$TMP/diff"; then
        fail "transcript differs from $2 (masked):"
        cat "$TMP/diff"
    fi
}
