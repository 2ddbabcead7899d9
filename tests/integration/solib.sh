#!/bin/sh
# solib.sh — breakpoints in shared libraries, as gdb does them
# (debugger/solib.c, Note [Shared-library events]): the same script under
# gdb and rtsdb on tests/debuggee/solib_dyn, an ordinary dynamic program,
# and the same stop reports.
#
#  1. launched: "break puts" pending before run (libc is not mapped at the
#     exec stop), then at main "break pthread_create" (libc names it
#     pthread_create@@GLIBC_2.34), "break strlen" (an IFUNC: the
#     breakpoint goes on the function its GOT slot was resolved to, not on
#     the resolver) and "break solib_loaded_twice" pending until the
#     program dlopens libsolib_loaded.so; the dlclose makes it pending
#     again with gdb's warning.  "maint info breakpoints" lists the
#     internal "shlib events" breakpoint in both.
#  2. lazily bound (rtsdb only): "break strlen" at main, before its
#     resolver ran, stops at the function it resolves to (the one gdb
#     stops at in 1), not in the resolver.  gdb 13.1 stops in the resolver
#     (strlen_ifunc_selector) there: Note [Breakpoints on IFUNCs].
#     "info breakpoints" does not list the internal breakpoint.
#  3. attached: a dlopen after the attach is seen too.
#
# What is normalised: addresses (stack addresses differ as the two
# debuggers give the program different environments); "Breakpoint 4.1"
# reads "Breakpoint 4" (gdb also puts a location on ld.so's own strlen,
# rtsdb one location only, so the test deletes it after its first hit).
. "$top_srcdir/tests/integration/cli_lib.sh"
command -v gdb >/dev/null 2>&1 || { echo "SKIP: gdb not installed"; exit 77; }
P="$DEBUGGEE/solib_dyn"
LIB="$DEBUGGEE/.libs/libsolib_loaded.so"
[ -f "$LIB" ] || { echo "FAIL: $LIB not built"; exit 1; }

# exargs FILE: "-ex LINE" for each line of FILE, one word per line (IFS).
exargs() { while IFS= read -r line; do printf '%s\n%s\n' -ex "$line"; done <"$1"; }

# stops FILE: the stop reports and pending/version answers, normalised.
# Pending lines before anything else are left out: before "run" gdb has
# read the program (and sets "break puts" on its PLT entry), rtsdb makes
# every breakpoint pending.
stops() {
    grep -E '^(Thread [0-9]+ "[^"]*" hit )?(Temporary )?Breakpoint [0-9.]+, |^Breakpoint [0-9]+ \(.*\) pending\.$|^Function ".*" not defined\.$|^warning: Temporarily disabling|^[a-z_]+ in section ' "$1" |
        mask | sed -e 's/^\(.*Breakpoint [0-9]*\)\.1, /\1, /' \
                   -e 's/ of \/.*$//' |
        awk 'started || !/ pending\.$/ { started = 1; print }'
}

# debug NAME DEBUGGER SCRIPT ARGS...: run SCRIPT under DEBUGGER (gdb or
# rtsdb) with ARGS (--args PROGRAM ARGS..., or -p PID) into $TMP/NAME.DEBUGGER,
# its stops into $TMP/NAME.DEBUGGER.stops.
debug() {
    name=$1 dbg=$2 script=$3
    shift 3
    old_ifs=$IFS
    IFS='
'
    if [ "$dbg" = gdb ]; then
        timeout 60 gdb -nx -q -batch -iex 'set debuginfod enabled off' $(exargs "$script") "$@"
    else
        timeout 60 "$RTSDB" -q --batch $(exargs "$script") "$@"
    fi >"$TMP/$name.$dbg" 2>&1
    IFS=$old_ifs
    stops "$TMP/$name.$dbg" >"$TMP/$name.$dbg.stops"
}

# compare NAME: rtsdb stopped as gdb did.
compare() {
    LAST_OUT=$TMP/$1.rtsdb
    [ -s "$TMP/$1.gdb.stops" ] || { fail "$1: gdb printed no stops"; cat "$TMP/$1.gdb"; }
    same_file "$1: rtsdb stops as gdb does" "$TMP/$1.gdb.stops" "$TMP/$1.rtsdb.stops"
}

# 1. Launched.
cat >"$TMP/launch.cmds" <<'EOF'
set breakpoint pending on
break puts
break main
run
info symbol pthread_create
maint info breakpoints
break pthread_create
break strlen
break solib_loaded_twice
continue
delete 4
continue
continue
continue
continue
EOF
debug launch gdb "$TMP/launch.cmds" --args "$P" "$LIB"
debug launch rtsdb "$TMP/launch.cmds" --args "$P" "$LIB"
compare launch
# Each of them stopped, in this order (a missing stop is also a diff above).
for want in 'Breakpoint 2, main ' 'Breakpoint 4, __strlen_' 'Breakpoint 3, __pthread_create_2_1 ' \
        'hit Breakpoint 1, __GI__IO_puts ' 'hit Breakpoint 5, solib_loaded_twice (n=21)' \
        'Temporarily disabling breakpoints for unloaded shared library'; do
    grep -qF -- "$want" "$TMP/launch.rtsdb.stops" || fail "launch: no stop '$want'"
done
grep -q '^pthread_create in section' "$TMP/launch.rtsdb.stops" ||
    fail "launch: info symbol pthread_create"
# The internal breakpoint, listed by "maint info breakpoints" only.
for dbg in gdb rtsdb; do
    grep -qE '^-1 +shlib events +keep y +0x[0-9a-f]+ <[_a-zA-Z]*_dl_debug_state>' "$TMP/launch.$dbg" ||
        fail "launch: $dbg lists no shlib events breakpoint"
done

# 2. Lazily bound.
cat >"$TMP/lazy.cmds" <<'EOF'
break main
run
break strlen
info breakpoints
continue
EOF
debug lazy rtsdb "$TMP/lazy.cmds" --args "$P"_lazy "$LIB"
target=$(sed -n 's/^Breakpoint 4, \(__strlen_[a-z0-9_]*\) ().*/\1/p' "$TMP/launch.gdb.stops")
[ -n "$target" ] || fail "lazy: gdb stopped in no __strlen_* in 1"
grep -q "^Breakpoint 2, $target () at " "$TMP/lazy.rtsdb.stops" ||
    { LAST_OUT=$TMP/lazy.rtsdb; fail "lazy: no stop in $target"; }
! grep -q 'shlib events' "$TMP/lazy.rtsdb" || fail "lazy: info breakpoints lists shlib events"
grep -q '^2 *breakpoint ' "$TMP/lazy.rtsdb" || fail "lazy: no info breakpoints table"

# 3. Attached before the dlopen.
. "$top_srcdir/tests/integration/symtab_lib.sh"
trap 'stop_waiting; rm -rf "$TMP"' EXIT
cat >"$TMP/attach.cmds" <<'EOF'
set breakpoint pending on
break solib_loaded_twice
set var solib_dyn_released = 1
continue
EOF
# One program for each debugger: gdb detaches at its end, and the
# program goes on to its dlopen and exits.
for dbg in gdb rtsdb; do
    start_waiting "$P" "$LIB" || exit 1
    debug attach $dbg "$TMP/attach.cmds" -p "$DEBUGGEE"
    stop_waiting
done
compare attach
grep -qF 'Breakpoint 1, solib_loaded_twice (n=21)' "$TMP/attach.rtsdb.stops" ||
    fail "attach: no stop in solib_loaded_twice"
finish_test
