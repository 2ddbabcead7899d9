# infrun_threads.sh — four threads run into one breakpoint together: every
# hit is counted, none skipped, and the program's result is unchanged.
. "$top_srcdir/tests/integration/infrun_lib.sh"
P="$DEBUGGEE/infrun_threads"

LAST_OUT=$TMP/1.out
run_rtsdb "$LAST_OUT" -ex 'break hit' -ex "$(printf 'commands 1\nsilent\ncontinue\nend')" \
    -ex run -ex 'info breakpoints' "$P"
expect "$LAST_OUT" "total 100"
expect "$LAST_OUT" "	breakpoint already hit 100 times"
expect "$LAST_OUT" "exited normally]"

# Reported stops name the thread like gdb: Thread N "name" hit Breakpoint 1,
LAST_OUT=$TMP/2.out
run_rtsdb "$LAST_OUT" -ex 'break hit' -ex run -ex continue -ex continue -ex 'delete' \
    -ex continue "$P"
expect_count "$LAST_OUT" "hit Breakpoint 1, hit (id=" 3
grep -qE '^Thread [0-9]+ "infrun_threads" hit Breakpoint 1, hit \(id=[0-3]\)' "$LAST_OUT" ||
    { echo "FAIL: thread-named stop report"; failures=$((failures+1)); }
expect "$LAST_OUT" "total 100"
finish_test
