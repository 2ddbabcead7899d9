#!/bin/sh
# infrun_until.sh — the run control gdb 13 agrees with after "step":
# "break LINE" and "break FILE:LINE" (before "run" too), "until" without
# an argument, and "stepi"/"nexti" arriving on a breakpoint.
#
# tests/debuggee/infrun_until (-O0 -g, a for loop calling square()) is
# driven by rtsdb and by gdb with the same commands and their stops
# compared line by line (breakpoint reports, "info breakpoints" rows and
# hit counts, frame lines and source lines; run-time addresses masked):
#   - "break 28" before "run": a bare line is in the file that defines
#     main; 27 and 28 have no code, so it goes to line 29; "break 20",
#     square's '{', goes past its prologue to line 21 as "break square"
#     does; "break 37" is past the end: an error.  Both stop there after
#     "run" (Note [Breakpoints by line] in debugger/run_commands.c).
#   - "until" is "next" that does not go back: at the loop's last line
#     (the increment and test of line 29, after the body) it runs the
#     loop to its end and stops at line 33; out of square() it goes on
#     to main's next line (Note [How step decides where to stop]).
#   - "break square", "tbreak main" and "break infrun_until.c:square"
#     before "run" resolve from the program file, past the prologue,
#     with the file's addresses (Note [Functions before run]); in the
#     static-pie infrun_step, so does "break printf", a function without
#     lines ("<printf>" in info breakpoints), and "finish" out of it
#     prints no value: without debug info its return type is unknown.
#   - "stepi 20" into square() stops on "break square"'s address,
#     "nexti 20" at "break 31" after the return, both reported and
#     counted as hits; so does "next" over a call whose return address
#     holds a breakpoint.
# Without gdb: skipped.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
prog="$DEBUGGEE/infrun_until"
command -v gdb >/dev/null 2>&1 || { echo "SKIP: gdb not installed"; exit 77; }

# stops FILE: what the commands report, run-time addresses and pids masked;
# with SETS=no, not what "break" says (cases 2-4 test stops alone, so
# they fail only without the change they test).
SETS=yes
stops() {
    if [ "$SETS" = no ]; then sets='^(Temporary )?Breakpoint [0-9]+ at |pending\.$'; else sets='^$'; fi
    grep -E "^((Temporary )?Breakpoint [0-9]+(,| at )|Value returned|	breakpoint already hit|[0-9]+ +breakpoint +keep|No line|Line |\[Inferior|The program|[0-9]+	|0x[0-9a-f]+	|0x[0-9a-f]+ in |[A-Za-z_][A-Za-z0-9_]* \(.*\) at )" "$1" \
        | grep -Ev "$sets" \
        | sed -E -e 's/0x0*(5|7f)[0-9a-f]{10,11}/ADDR/g' -e 's/process [0-9]+/process PID/'
}


# 1. Breakpoints by line, before "run" and after a stop.
printf '%s\n' 'break 28' 'break 20' 'break 37' 'info breakpoints' run 'info breakpoints' \
    'break infrun_until.c:32' 'break 36' continue 'info breakpoints' continue \
    >"$TMP/lines.cmds"
compare_stops lines
grep -q '^Breakpoint 1 at 0x[0-9a-f]*: file .*infrun_until.c, line 29\.$' "$TMP/lines.rtsdb" \
    || fail "break 28 before run: not moved to line 29"
grep -q '^Breakpoint 1, main () at .*infrun_until.c:29$' "$TMP/lines.rtsdb" \
    || fail "break 28 before run: not hit"

# 2. until: through the loop to its end, and out of square().
SETS=no
printf '%s\n' 'break main' run next next next next next until until until until until \
    >"$TMP/until.cmds"
compare_stops until
printf '%s\n' 'break square' run until until stepi stepi until until >"$TMP/until_out.cmds"
compare_stops until_out
grep -q '^main () at .*infrun_until.c:31$' "$TMP/until_out.rtsdb" \
    || fail "until out of square did not go on to main's next line"

# 3. stepi and nexti arriving on breakpoints: reported and counted.
printf '%s\n' 'break main' run 'break 30' continue 'break square' 'break 31' 'stepi 20' stepi \
    'nexti 20' 'info breakpoints' 'delete 3' 'nexti 3' 'nexti 20' 'info breakpoints' \
    >"$TMP/stepi.cmds"
compare_stops stepi
grep -q '^Breakpoint 4, main () at .*infrun_until.c:31$' "$TMP/stepi.rtsdb" \
    || fail "nexti onto break 31 not reported"

# 4. next over a call that returns onto a breakpoint (square's return
# address, from its frame): the call's return hits it.
printf '%s\n' 'break square' run 'break *((void**)$rbp)[1]' 'delete 1' continue next next next \
    next next 'info breakpoints' >"$TMP/nextret.cmds"
compare_stops nextret
[ "$(grep -c '^Breakpoint 2, ' "$TMP/nextret.rtsdb")" = 2 ] \
    || fail "next over square did not stop on the breakpoint at its return"
# 5. break FUNC before "run", from the program file; finish out of a
# function without debug info.
SETS=yes
printf '%s\n' 'break square' 'tbreak main' 'break infrun_until.c:square' 'info breakpoints' \
    run 'info breakpoints' continue >"$TMP/funcs.cmds"
compare_stops funcs
grep -q '^Breakpoint 1 at 0x[0-9a-f]*: file .*infrun_until.c, line 21\.$' "$TMP/funcs.rtsdb" \
    || fail "break square before run: not resolved from the program file"
prog="$DEBUGGEE/infrun_step"
printf '%s\n' 'break add' 'break printf' 'info breakpoints' run 'delete 1' continue finish \
    'info breakpoints' >"$TMP/lineless.cmds"
compare_stops lineless
grep -q '^Value returned' "$TMP/lineless.rtsdb" \
    && fail "finish out of printf (no debug info) printed a value"
finish_test
