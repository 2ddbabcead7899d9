#!/bin/sh
# infrun_getenv.sh — "step" through a PLT stub reached by a jump, and out
# of a libc without symbols, as gdb 13 does (Note [How step decides where
# to stop] in debugger/infrun.c).
#
# tests/debuggee/infrun_getenv (-O2 -g, dynamic): home() ends in "jmp
# getenv@plt", a tail call.  A step that jumps into a PLT stub goes on
# through it, and through the dynamic linker's lazy binding, to getenv
# and is judged there: at getenv's first line where libc's debug
# information is installed, at its first instruction ("0x... in getenv
# () from libc") where it is not; before, rtsdb stopped in the stub
# ("0x... in ?? ()").  Then "finish" out of getenv, "next" over it, and
# "step" off main's end.
# Where "unshare -rm" works (a user and mount namespace), the same again
# with /usr/lib/debug hidden under an empty tmpfs, for both debuggers:
# libc then has no lines and no local symbols, so stepping off main's
# end returns into __libc_start_call_main without a name; gdb runs such
# a function to its return ("stepped into undebuggable function"), and
# the program exits where rtsdb stopped at "0x... in ?? ()".
# gdb makes a tail-call frame for home() and so shows getenv's
# name=name@entry=...; rtsdb makes none (debugger/README.md), so that
# one frame line is compared without its entry value.  Library paths are
# masked (gdb names /lib/..., rtsdb the mapped file /usr/lib/...).
# Without gdb: skipped.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
prog="$DEBUGGEE/infrun_getenv"
command -v gdb >/dev/null 2>&1 || { echo "SKIP: gdb not installed"; exit 77; }

# stops FILE: what a stop shows, addresses, pids and library paths masked.
stops() {
    grep -E "^((Thread [0-9]+ \"[^\"]*\" hit )?Breakpoint [0-9]+, |Value returned|Single stepping|which has no|\[Inferior|The program|[0-9]+	|0x[0-9a-f]+	|0x[0-9a-f]+ in |[A-Za-z_][A-Za-z0-9_]* \(.*\) at )" "$1" \
        | sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/process [0-9]+/process PID/' \
            -e 's/ from [^ ]*$/ from LIB/' -e '/^__GI_getenv /s/name=name@entry=/name=/'
}


printf '%s\n' 'break main' run step step finish next next next >"$TMP/tail.cmds"
compare_stops tail
grep -Eq '^(0x[0-9a-f]+ in getenv \(\)|__GI_getenv \(.*\) at .*getenv\.c:[0-9]+)' "$TMP/tail.rtsdb" \
    || fail "step through getenv@plt did not stop in getenv"

# The same with libc's debug information hidden, then off main's end.
cat >"$TMP/nodebug.sh" <<'WRAP'
#!/bin/sh
exec unshare -rm sh -c 'mount -t tmpfs none /usr/lib/debug && exec "$@"' sh "$@"
WRAP
chmod +x "$TMP/nodebug.sh"
if [ -d /usr/lib/debug ] && "$TMP/nodebug.sh" true 2>/dev/null; then
    printf '%s\n' 'break main' run step step step step step step step >"$TMP/nodebug.cmds"
    compare_stops nodebug "$TMP/nodebug.sh"
    grep -q '^\[Inferior 1 (process [0-9]*) exited normally\]$' "$TMP/nodebug.rtsdb" \
        || fail "step off main's end into a libc without symbols did not run to the exit"
else
    echo "note: unshare -rm not permitted here; the run without libc's debug information skipped"
fi
finish_test
