# infrun_watch_hw.sh — hardware (debug-register) watchpoints.
# 1. RTSDB_FORCE_HW_WATCH=1 arms debug registers even where they do not
#    fire: every thread, including threads created after the watch, reads
#    back DR0 = &total and DR7 = L0 | RW0=01 (write) | LEN0=10 (8 bytes);
#    `delete` clears them; `detach` leaves an attached process with clear
#    registers (read back by a second rtsdb attaching to it).
# 2. Without the override on a machine whose probe says "do not fire",
#    `info watchpoints` says page-protection and hits are still reported.
# (3., the hardware hit report, is infrun_watch_hw_fires.sh.)
. "$top_srcdir/tests/integration/infrun_lib.sh"
T="$DEBUGGEE/infrun_threads"
P="$DEBUGGEE/infrun_basic"

# 1a. forced hw on a multithreaded program; threads appear after the watch.
LAST_OUT=$TMP/1.out
RTSDB_FORCE_HW_WATCH=1 run_rtsdb "$LAST_OUT" -ex start -ex 'watch -l total' \
    -ex 'info watchpoints' -ex 'break hit' -ex continue -ex 'print/x &total' \
    -ex 'maint info debug-registers' -ex 'delete 2' -ex 'maint info debug-registers' -ex kill "$T"
expect "$LAST_OUT" "Hardware watchpoint 2: -location total"
expect "$LAST_OUT" "using hw"
addr=$(sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p' "$LAST_OUT")
[ -n "$addr" ] || { echo "FAIL: no address of total"; failures=$((failures + 1)); }
# 5 threads armed (main + 4 workers created after the watch), then 5 cleared.
expect_count "$LAST_OUT" "DR0=$addr DR1=0x0 DR2=0x0 DR3=0x0 DR6=0x0 DR7=0x90001" 5
expect_count "$LAST_OUT" "DR0=0x0 DR1=0x0 DR2=0x0 DR3=0x0 DR6=0x0 DR7=0x0" 5

# 1b. an int (4 bytes, LEN=11) and a watch that needs too many slots.
LAST_OUT=$TMP/1b.out
RTSDB_FORCE_HW_WATCH=1 run_rtsdb "$LAST_OUT" -ex start -ex 'watch -l vars.counter' \
    -ex 'print/x &vars.counter' -ex 'maint info debug-registers' -ex kill "$P"
expect "$LAST_OUT" "Hardware watchpoint 2: -location vars.counter"
addr=$(sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p' "$LAST_OUT")
expect "$LAST_OUT" "DR0=$addr DR1=0x0 DR2=0x0 DR3=0x0 DR6=0x0 DR7=0xd0001"

# 1c. detach clears the registers of the attached process.
rm -f "$TMP/go"
"$P" wait "$TMP/go" >"$TMP/waiter.out" 2>&1 &
WPID=$!
for _ in $(seq 100); do grep -q waiting "$TMP/waiter.out" && break; sleep 0.05; done
LAST_OUT=$TMP/1c.out
RTSDB_FORCE_HW_WATCH=1 run_rtsdb "$LAST_OUT" -p "$WPID" -ex 'watch -l vars.counter' \
    -ex 'maint info debug-registers' -ex detach
expect "$LAST_OUT" "DR7=0xd0001"
LAST_OUT=$TMP/1d.out
run_rtsdb "$LAST_OUT" -p "$WPID" -ex 'maint info debug-registers' -ex detach
expect "$LAST_OUT" "DR0=0x0 DR1=0x0 DR2=0x0 DR3=0x0 DR6=0x0 DR7=0x0"
kill -9 "$WPID" 2>/dev/null; wait "$WPID" 2>/dev/null

# 2. without the override, where the probe says "do not fire": page
#    protection, and hits are still reported.  (Where they fire, part 3 is
#    infrun_watch_hw_fires.sh.)
LAST_OUT=$TMP/2.out
run_rtsdb "$LAST_OUT" -ex start -ex 'maint info debug-registers' -ex 'watch -l vars.counter' \
    -ex 'info watchpoints' -ex continue -ex kill "$P"
expect "$LAST_OUT" "Old value = 0"
expect "$LAST_OUT" "New value = 1"
if ! grep -qF "Debug-register watchpoints fire" "$LAST_OUT"; then
    expect "$LAST_OUT" "Watchpoint 2: -location vars.counter"
    expect "$LAST_OUT" "using page-protection"
    expect_not "$LAST_OUT" "Hardware watchpoint"
fi
finish_test
