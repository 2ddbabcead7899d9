# infrun_signals.sh — signals stop, print and pass per "handle".
. "$top_srcdir/tests/integration/infrun_lib.sh"
P="$DEBUGGEE/infrun_basic"

# Default: SIGUSR1 stops, and is passed on continue.
LAST_OUT=$TMP/1.out
run_rtsdb "$LAST_OUT" -ex run -ex continue -ex continue -ex continue "$P" usr1
expect_count "$LAST_OUT" "Program received signal SIGUSR1, User defined signal 1." 3
expect "$LAST_OUT" "usr1 seen 3"

# nostop noprint pass: silent, delivered.
LAST_OUT=$TMP/2.out
run_rtsdb "$LAST_OUT" -ex 'handle SIGUSR1 nostop noprint pass' -ex run "$P" usr1
expect "$LAST_OUT" "SIGUSR1       No	No	Yes		User defined signal 1"
expect_not "$LAST_OUT" "received signal"
expect "$LAST_OUT" "usr1 seen 3"

# nostop print nopass: printed, never delivered.
LAST_OUT=$TMP/3.out
run_rtsdb "$LAST_OUT" -ex 'handle SIGUSR1 nostop print nopass' -ex run "$P" usr1
expect_count "$LAST_OUT" "Program received signal SIGUSR1, User defined signal 1." 3
expect "$LAST_OUT" "usr1 seen 0"

# A crash is reported with its frame; info signals shows gdb's defaults.
LAST_OUT=$TMP/4.out
run_rtsdb "$LAST_OUT" -ex run -ex 'info signals SIGSEGV' -ex 'info signals SIGALRM' \
    -ex 'info signals SIGINT' "$P" crash
expect "$LAST_OUT" "Program received signal SIGSEGV, Segmentation fault."
expect "$LAST_OUT" "crash (p=0x0) at "
expect "$LAST_OUT" "SIGSEGV       Yes	Yes	Yes		Segmentation fault"
expect "$LAST_OUT" "SIGALRM       No	No	Yes		Alarm clock"
expect "$LAST_OUT" "SIGINT        Yes	Yes	No		Interrupt"
finish_test
