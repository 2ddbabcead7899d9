# infrun_break.sh — breakpoints by function and FILE:LINE, conditions, tbreak,
# commands lists, hit counts, finish, delete/disable, exit reports.
. "$top_srcdir/tests/integration/infrun_lib.sh"
P="$DEBUGGEE/infrun_basic"
BUMP_LINE=$(line_of "$SRC/infrun_basic.c" "*p = *p + 1;")

# 1. tbreak main, conditional break on fact, finish with the returned value.
LAST_OUT=$TMP/1.out
run_rtsdb "$LAST_OUT" -ex 'break fact if n == 2' -ex 'tbreak main' -ex run \
    -ex continue -ex 'info breakpoints' -ex finish -ex 'delete 1' -ex continue "$P"
grep -qE '^Breakpoint 1 at 0x[0-9a-f]+: file ([^ ]*/)?infrun_basic\.c, line [0-9]+\.$' "$LAST_OUT" ||
    { echo "FAIL: break before run"; failures=$((failures+1)); }
expect "$LAST_OUT" "Temporary breakpoint 2, main ("
expect "$LAST_OUT" "Breakpoint 1, fact (n=2) at "
expect "$LAST_OUT" "	stop only if n == 2"
expect "$LAST_OUT" "	breakpoint already hit 1 time"
expect "$LAST_OUT" "Run till exit from #0  "
expect "$LAST_OUT" "fact (n=2)"
expect "$LAST_OUT" "Value returned is \$1 = 2"
expect "$LAST_OUT" "fact 24 counter 3"
expect "$LAST_OUT" "exited with code 03]"
expect_not "$LAST_OUT" "fact (n=4) at"          # the condition held back n=4 and n=3

# 2. FILE:LINE, hit counts over several hits, disable, commands lists.
LAST_OUT=$TMP/2.out
run_rtsdb "$LAST_OUT" -ex start -ex "break infrun_basic.c:$BUMP_LINE" \
    -ex "$(printf 'commands 2\nsilent\nprint *p\ncontinue\nend')" \
    -ex continue -ex 'info breakpoints' "$P" heap
expect "$LAST_OUT" "Breakpoint 2 at 0x"
expect "$LAST_OUT" "infrun_basic.c, line $BUMP_LINE."     # gdb names the file as compiled
expect "$LAST_OUT" "\$1 = 0"
expect "$LAST_OUT" "\$2 = 1"
expect "$LAST_OUT" "\$3 = 2"
expect_not "$LAST_OUT" "Breakpoint 2, bump"    # silent
expect "$LAST_OUT" "heap counter 3"
expect "$LAST_OUT" "	breakpoint already hit 3 times"
expect "$LAST_OUT" "        print *p"
expect "$LAST_OUT" "[Inferior 1 (process "

# 3. disable / enable / delete, and tbreak is deleted after its hit.
LAST_OUT=$TMP/3.out
REC_LINE=$(line_of "$SRC/infrun_basic.c" "return n * fact(n - 1);")
run_rtsdb "$LAST_OUT" -ex 'break bump' -ex 'tbreak fact' -ex 'disable 1' -ex run \
    -ex 'info breakpoints' -ex 'enable 1' -ex 'delete 2' -ex 'info breakpoints' \
    -ex next -ex next -ex continue "$P"
expect "$LAST_OUT" "Temporary breakpoint 2, fact (n=4)"
expect "$LAST_OUT" "$REC_LINE	    return n * fact(n - 1);"
expect "$LAST_OUT" "1       breakpoint     keep n   "
expect "$LAST_OUT" "No breakpoint number 2."
expect "$LAST_OUT" "exited with code 03]"

# 4. stepi / nexti / until / advance report locations like gdb.
LAST_OUT=$TMP/4.out
RET_LINE=$(line_of "$SRC/infrun_basic.c" "return 3;")
run_rtsdb "$LAST_OUT" -ex 'break fact' -ex run -ex stepi -ex nexti -ex 'delete 1' -ex finish \
    -ex "advance $RET_LINE" "$P"
expect "$LAST_OUT" "Breakpoint 1, fact (n=4)"
expect "$LAST_OUT" "Value returned is \$1 = 24"
expect "$LAST_OUT" "main (argc="
expect "$LAST_OUT" "$RET_LINE	    return 3;"
grep -qE '^0x[0-9a-f]{16}	[0-9]+	' "$LAST_OUT" || { echo "FAIL: no stepi location line"; failures=$((failures+1)); }

# 5. bad input: one clear line each, never a crash.
LAST_OUT=$TMP/5.out
run_rtsdb "$LAST_OUT" -ex 'break nosuchfunction' -ex 'delete 99' -ex 'condition 42 x' \
    -ex 'handle SIGNOPE stop' -ex 'continue' -ex 'break main' -ex run -ex 'break nosuch.c:12' "$P"
expect "$LAST_OUT" "No breakpoint number 99."
expect "$LAST_OUT" "No breakpoint number 42."
expect "$LAST_OUT" "Unrecognized or ambiguous flag word: \"SIGNOPE\"."
expect "$LAST_OUT" "The program is not being run."
expect "$LAST_OUT" "No line 12 in file \"nosuch.c\"."
expect_not "$LAST_OUT" "rc=0"
finish_test
