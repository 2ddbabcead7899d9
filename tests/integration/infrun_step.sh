#!/bin/sh
# infrun_step.sh — "step" as in gdb 13, and the line gdb gives an address
# that several line-table rows share.
#
# tests/debuggee/infrun_step (-O2 -g, -static-pie) is stepped through by
# rtsdb and by gdb with the same commands, and the stops compared line by
# line (frame lines and source lines, addresses and the pid masked):
# entering add() (a function with lines, stopped at its first line, as
# "break add" does), its return into the middle of main's line that
# called it (stepping on to main's next line, "main () at ...:47"),
# strlen through a PLT stub and printf (libc without lines: stepped
# over), the inlined twice() (entered, shown as twice), "step 3", and
# stepping off main's end into libc (no lines there) until the program
# exits; "next" down main; a breakpoint hit inside a call next runs
# through and at a call step enters; the same program linked dynamically, through lazy PLT slots.
# At main's and add's first address GCC emits the '{' line and
# the first statement's line; gdb reports the last statement row, so
# "break main" says line 45 (Note [Rows that share an address] in
# debugger/symtab.c), and so does pingpong_main in examples/pingpong (57,
# not 56), both before "run" and at the stop.  Without gdb: skipped.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
PROG="$DEBUGGEE/infrun_step"
command -v gdb >/dev/null 2>&1 || { echo "SKIP: gdb not installed"; exit 77; }

# stops FILE: what a stop shows (breakpoint hits, frame lines, source
# lines, exits, errors), addresses and pids masked.
stops() {
    grep -E "^((Thread [0-9]+ \"[^\"]*\" hit )?Breakpoint [0-9]+, |	breakpoint already hit|Line |Single stepping|which has no|\[Inferior|The program|[0-9]+	|0x[0-9a-f]+	|0x[0-9a-f]+ in |[A-Za-z_][A-Za-z0-9_]* \(.*\) at )" "$1" \
        | sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/process [0-9]+/process PID/'
}


# Errors before the program runs.
out=$("$RTSDB" -q --batch -ex step "$PROG" 2>&1)
check_eq "step without a process" "The program is not being run." "$out"

# The walk through main, one step at a time and then by three.
prog=$PROG
printf '%s\n' 'break main' run step step step step step step step step step 'step 3' \
    step step step step step >"$TMP/walk.cmds"
compare_stops walk
# add's entry (two rows again), "step 2", then off main's end into libc,
# which has no lines: gdb stops there, then runs it to the exit.
printf '%s\n' 'break add' 'break infrun_step.c:52' run 'info line *$pc' 'step 2' 'delete 1' continue \
    step step step >"$TMP/exit.cmds"
compare_stops exit
grep -q '^Single stepping until exit from function __libc_start_call_main,$' "$TMP/exit.rtsdb" \
    || fail "step in libc without lines"
grep -q '^The program is not being run.$' "$TMP/exit.rtsdb" || fail "step after the exit"
# The checks that matter most, said once more in words.
grep -q '^add (a=a@entry=5, b=b@entry=3) at .*infrun_step.c:31$' "$TMP/walk.rtsdb" \
    || fail "step did not enter add"
grep -q '^main () at .*infrun_step.c:47$' "$TMP/walk.rtsdb" \
    || fail "step out of add did not go on to main's next line"
grep -q '^twice (v=<optimized out>) at .*infrun_step.c:24$' "$TMP/walk.rtsdb" \
    || fail "step did not enter the inlined twice"
grep -q '^Breakpoint 1, main () at .*infrun_step.c:45$' "$TMP/walk.rtsdb" \
    || fail "break main: not at the first statement's line (45)"

# "next" shares step's rules (calls and inlined calls run through): line
# by line down main and off its end.
printf '%s\n' 'break main' run next next next next next next next next next >"$TMP/next.cmds"
compare_stops next

# A breakpoint in a function that next runs through, or that step enters,
# is hit there (the step lands on it), and the stepping command ends.
printf '%s\n' 'break main' run 'break add' next next step 'step 100' 'info breakpoints' \
    >"$TMP/bpstep.cmds"
compare_stops bpstep
[ "$(grep -c '^Breakpoint 2, add ' "$TMP/bpstep.rtsdb")" = 2 ] \
    || fail "next/step over add did not hit its breakpoint twice"

# Linked dynamically, strlen and printf are reached through lazily bound
# PLT slots: step follows the dynamic linker to them, and enters them
# when libc's debug information is installed (both debuggers see the
# same files, so they agree either way).
prog="$DEBUGGEE/infrun_step_dyn"
printf '%s\n' 'break main' run 'step 6' step step step step >"$TMP/dyn.cmds"
compare_stops dyn

# pingpong_main's entry: '{' (56) and the first statement (57) share it.
prog="$top_builddir/examples/pingpong"
if [ -x "$prog" ]; then
    printf '%s\n' 'break pingpong_main' 'info line pingpong_main' run step step kill \
        >"$TMP/pingpong.cmds"
    compare_stops pingpong
    grep -q 'pingpong_main (argc=1, argv=ADDR) at .*pingpong.c:57$' "$TMP/pingpong.rtsdb.stops" \
        || fail "break pingpong_main: not at line 57"
else
    echo "note: examples/pingpong not built; its check skipped"
fi
finish_test
