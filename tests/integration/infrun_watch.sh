# infrun_watch.sh — page-protection watchpoints: a global and a heap int
# report every change with Old/New value and the frame; writes to a
# neighbour on the same page are silent and leave the output unchanged; a
# program's own SIGSEGV is still reported with a watch armed.
. "$top_srcdir/tests/integration/infrun_lib.sh"
P="$DEBUGGEE/infrun_basic"

# 1. watch -l on a global: three changes.
LAST_OUT=$TMP/1.out
run_rtsdb "$LAST_OUT" -ex start -ex 'watch -l vars.counter' -ex 'info watchpoints' \
    -ex continue -ex continue -ex continue -ex 'info watchpoints' -ex continue "$P"
expect "$LAST_OUT" "Watchpoint 2: -location vars.counter"
expect "$LAST_OUT" "page-protection"
expect "$LAST_OUT" "Old value = 0"
expect "$LAST_OUT" "New value = 1"
expect "$LAST_OUT" "Old value = 1"
expect "$LAST_OUT" "New value = 2"
expect "$LAST_OUT" "Old value = 2"
expect "$LAST_OUT" "New value = 3"
expect_count "$LAST_OUT" "Watchpoint 2: -location vars.counter" 4
expect "$LAST_OUT" "main (argc="
expect "$LAST_OUT" "	breakpoint already hit 3 times"
expect "$LAST_OUT" "fact 24 counter 3"
expect "$LAST_OUT" "exited with code 03]"

# 2. watch -l on a heap int, from inside bump().
LAST_OUT=$TMP/2.out
run_rtsdb "$LAST_OUT" -ex 'break bump' -ex run -ex 'watch -l *p' -ex 'delete 1' \
    -ex continue -ex continue -ex continue -ex 'delete 2' -ex continue "$P" heap
expect "$LAST_OUT" "Watchpoint 2: -location *p"
expect "$LAST_OUT" "Old value = 0"
expect "$LAST_OUT" "New value = 1"
expect "$LAST_OUT" "Old value = 2"
expect "$LAST_OUT" "New value = 3"
expect "$LAST_OUT" "bump (p=0x"
expect "$LAST_OUT" "heap counter 3"

# 3. a neighbour on the same page: no report, same output.
LAST_OUT=$TMP/3.out
run_rtsdb "$LAST_OUT" -ex start -ex 'watch -l vars.counter' -ex continue "$P" neighbour
expect "$LAST_OUT" "neighbour 10 counter 0"
expect_not "$LAST_OUT" "Old value"
expect "$LAST_OUT" "exited normally]"

# 4. the program's own SIGSEGV is still a signal.
LAST_OUT=$TMP/4.out
run_rtsdb "$LAST_OUT" -ex start -ex 'watch -l vars.counter' -ex continue "$P" crash
expect "$LAST_OUT" "Program received signal SIGSEGV, Segmentation fault."
expect "$LAST_OUT" "crash (p=0x0)"

# 5. rwatch / awatch on the global.
LAST_OUT=$TMP/5.out
run_rtsdb "$LAST_OUT" -ex start -ex 'awatch vars.counter' -ex continue -ex continue \
    -ex 'info breakpoints' "$P"
expect "$LAST_OUT" "Access (read/write) watchpoint 2: vars.counter"
expect "$LAST_OUT" "acc watchpoint"
expect "$LAST_OUT" "Value = 0"
finish_test
