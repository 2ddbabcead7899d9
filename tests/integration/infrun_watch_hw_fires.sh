# infrun_watch_hw_fires.sh — where the start-up probe says debug registers
# fire, a watch uses them and a write hit is reported with gdb's wording
# ("Hardware watchpoint 2: -location vars.counter", Old/New value, frame).
# On machines where they do not fire (our VMs) this test skips (77).
. "$top_srcdir/tests/integration/infrun_lib.sh"
P="$DEBUGGEE/infrun_basic"

LAST_OUT=$TMP/probe.out
run_rtsdb "$LAST_OUT" -ex 'maint info debug-registers'
if ! grep -qF "Debug-register watchpoints fire" "$LAST_OUT"; then
    echo "SKIP: the hwwatch probe says debug registers do not fire on this machine:" \
         "$(head -1 "$LAST_OUT")"
    exit 77
fi

LAST_OUT=$TMP/1.out
run_rtsdb "$LAST_OUT" -ex start -ex 'watch -l vars.counter' -ex 'info watchpoints' \
    -ex continue -ex continue -ex 'delete 2' -ex continue "$P"
expect "$LAST_OUT" "Hardware watchpoint 2: -location vars.counter"
expect "$LAST_OUT" "using hw"
expect_count "$LAST_OUT" "Hardware watchpoint 2: -location vars.counter" 3
expect "$LAST_OUT" "Old value = 0"
expect "$LAST_OUT" "New value = 1"
expect "$LAST_OUT" "Old value = 1"
expect "$LAST_OUT" "New value = 2"
expect "$LAST_OUT" "main (argc="
expect "$LAST_OUT" "fact 24 counter 3"
finish_test
