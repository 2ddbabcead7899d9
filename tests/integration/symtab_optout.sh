#!/bin/sh
# symtab_optout.sh — optimized-out variables print as in gdb 13.
#
# tests/debuggee/symtab_optout (-O2 -g) stops four times in leaf(); in the
# caller's frame each time (Note [Optimized out] in debugger/dwarf_loc.c):
#   - a local with no location at the pc prints "$N = <optimized out>"
#     (and so in "info locals" and "bt full");
#     "&x" and "x/x &x" say "Can't take address of "x" which isn't an
#     lvalue.", using it ("x/x x", "x + 1") "value has been optimized out",
#     assigning it "Left operand of assignment is not an lvalue.";
#   - a parameter dead after the call is "n=<optimized out>" in bt;
#   - a struct split into DW_OP_pieces prints per member,
#     "{kept = 46, dropped = <optimized out>}", also with /x and as $;
#   - a variable kept across the call in a register prints its value.
# rtsdb's and gdb's answers to the same commands are compared line by line,
# live and on the core rtsdb wrote with gcore at the split struct; --json
# marks optimized-out values.  Then the debuggee's location lists are
# corrupted (fixed byte patterns) and rtsdb must answer every command
# without crashing, errors on one line.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
PROG="$DEBUGGEE/symtab_optout"

# answers FILE: the lines that carry values and errors, addresses and
# source positions masked.
answers() {
    grep -E "^(\\\$[0-9]+ = |#[0-9]+ |(        )?[a-z_]+ = |Can't take|value has been|Left operand|Attempt to|No symbol)" "$1" \
        | sed -E -e 's/^(#[0-9]+) +(0x[0-9a-f]+ in )?/\1 /' -e 's/ at [^ ]+:[0-9]+$//' \
                 -e 's/0x[0-9a-f]{6,}/ADDR/g'
}

# The same commands for both debuggers; rtsdb also writes a core at stop 3.
cmds() {
    cat <<X
break leaf
run
up
print scaled
info locals
print &scaled
x/x &scaled
x/x scaled
print scaled + 1
set var scaled = 3
bt full
continue
bt
up
print n
print &n
continue
up
print p
print/x p
print p.dropped
print p.kept
print &p
print \$
X
    # gdb 13.1 dies on arithmetic with a member in pieces ("internal-error:
    # Should not be able to create a lazy value with an enclosing type").
    [ "$1" = rtsdb ] && printf '%s\n' 'print p.dropped * 2' "gcore $TMP/core"
    cat <<X
continue
up
print kept
bt full
X
}
cmds rtsdb >"$TMP/rtsdb.cmds"
cmds gdb >"$TMP/gdb.cmds"
run_ex "$TMP/rtsdb.cmds" "$RTSDB" -q --batch "$PROG" >"$TMP/live.out" 2>&1
answers "$TMP/live.out" >"$TMP/live.ans"

# What gdb 13 answers (recorded; checked against gdb itself below).
cat >"$TMP/want" <<'X'
#1 dead_after_call ()
$1 = <optimized out>
scaled = <optimized out>
Can't take address of "scaled" which isn't an lvalue.
Can't take address of "scaled" which isn't an lvalue.
value has been optimized out
value has been optimized out
Left operand of assignment is not an lvalue.
#0 leaf (v=35)
#1 dead_after_call ()
        scaled = <optimized out>
#2 main ()
        r = <optimized out>
#0 leaf (v=15)
#1 param_dead (n=<optimized out>)
#2 main ()
#1 param_dead (n=<optimized out>)
$2 = <optimized out>
Can't take address of "n" which isn't an lvalue.
#1 split_struct ()
$3 = {kept = 46, dropped = <optimized out>}
$4 = {kept = 0x2e, dropped = <optimized out>}
$5 = <optimized out>
$6 = 46
Can't take address of "p" which isn't an lvalue.
$7 = 46
value has been optimized out
#1 keep_across ()
$8 = 105
#0 leaf (v=1)
#1 keep_across ()
        kept = 105
#2 main ()
        r = 196
X
diff -u "$TMP/want" "$TMP/live.ans" || { fail "live answers"; cat "$TMP/live.out"; }

if command -v gdb >/dev/null 2>&1; then
    run_ex "$TMP/gdb.cmds" gdb -nx -q --batch "$PROG" >"$TMP/gdb.out" 2>&1
    answers "$TMP/gdb.out" >"$TMP/gdb.ans"
    grep -v '^value has been optimized out$' "$TMP/live.ans" >"$TMP/live.cmp"
    grep -v '^value has been optimized out$' "$TMP/gdb.ans" | diff -u - "$TMP/live.cmp" || { fail "rtsdb and gdb disagree (live)"; cat "$TMP/gdb.out"; }
else
    echo "note: gdb not installed; comparison with gdb skipped"
fi

# On rtsdb's core, stopped in leaf called from split_struct.
[ -s "$TMP/core" ] || { fail "rtsdb wrote no core"; exit 1; }
printf '%s\n' bt up 'print p' 'print/x p' 'print p.dropped' 'print p.kept' 'print &p' \
    >"$TMP/core.cmds"
run_ex "$TMP/core.cmds" "$RTSDB" -q --batch --core "$TMP/core" "$PROG" >"$TMP/core.out" 2>&1
answers "$TMP/core.out" >"$TMP/core.ans"
cat >"$TMP/want_core" <<'X'
#0 leaf (v=15)
#1 split_struct ()
#2 main ()
#1 split_struct ()
$1 = {kept = 46, dropped = <optimized out>}
$2 = {kept = 0x2e, dropped = <optimized out>}
$3 = <optimized out>
$4 = 46
Can't take address of "p" which isn't an lvalue.
X
diff -u "$TMP/want_core" "$TMP/core.ans" || { fail "core answers"; cat "$TMP/core.out"; }
if command -v gdb >/dev/null 2>&1; then
    run_ex "$TMP/core.cmds" gdb -nx -q --batch "$PROG" "$TMP/core" >"$TMP/gdbcore.out" 2>&1
    # gdb prints frame 0 once more on opening a core.
    answers "$TMP/gdbcore.out" | sed 1d >"$TMP/gdbcore.ans"
    diff -u "$TMP/gdbcore.ans" "$TMP/core.ans" || { fail "rtsdb and gdb disagree (core)"; cat "$TMP/gdbcore.out"; }
fi

"$RTSDB" -q --batch --core "$TMP/core" "$PROG" -ex up -ex 'print p.dropped + 1' -ex 'x/x p.dropped' \
    >"$TMP/arith.out" 2>&1
[ "$(grep -c '^value has been optimized out$' "$TMP/arith.out")" -eq 2 ] \
    || { fail "core: arithmetic on an optimized-out member"; cat "$TMP/arith.out"; }

# --json: a clear field for optimized-out values.
"$RTSDB" -q --json --batch --core "$TMP/core" -ex up -ex 'print p' -ex 'print p.dropped' \
    -ex 'print p.kept' "$PROG" >"$TMP/json.out" 2>&1
grep '"command":"print p"' "$TMP/json.out" | grep -q '"partly_optimized_out":true' \
    || { fail "--json: print p not partly_optimized_out"; cat "$TMP/json.out"; }
grep '"command":"print p.dropped"' "$TMP/json.out" \
    | grep -q '"value":"<optimized out>".*"optimized_out":true' \
    || { fail "--json: print p.dropped not optimized_out"; cat "$TMP/json.out"; }
grep '"command":"print p.kept"' "$TMP/json.out" | grep -q 'optimized_out' \
    && fail "--json: p.kept marked optimized out"

# Corrupted location lists: every answer a value, <optimized out> or a
# one-line error; never a crash or a hang.
if command -v readelf >/dev/null 2>&1; then
    set -- $(readelf -SW "$PROG" | sed -n 's/.*\] \.debug_loclists *PROGBITS *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\).*/\1 \2/p')
    if [ $# -eq 2 ]; then
        off=$((0x$1)); len=$((0x$2))
        printf '%s\n' up 'print p' 'print p.kept' 'bt full' 'print &p' 'x/x p.kept' \
            >"$TMP/bad.cmds"
        reported=0
        od -An -v -tu1 -j "$off" -N "$len" "$PROG" | tr -s ' ' '\n' | grep . >"$TMP/sec"
        for pattern in 1 2 3 5 7 11; do
            cp "$PROG" "$TMP/bad"
            # Every pattern-th byte of the section becomes 0xff..0xf0.
            awk -v k="$pattern" '{ b = (NR - 1) % k ? $1 : 255 - (NR - 1) % 16
                                   printf "\\%03o", b }' "$TMP/sec" >"$TMP/sec.esc"
            printf "$(cat "$TMP/sec.esc")" \
                | dd of="$TMP/bad" bs=1 seek="$off" conv=notrunc 2>/dev/null
            run_ex "$TMP/bad.cmds" timeout 20 "$RTSDB" -q --batch --core "$TMP/core" "$TMP/bad" \
                >"$TMP/bad.out" 2>&1
            rc=$?
            [ $rc -lt 124 ] || { fail "corrupt loclists (every ${pattern}th byte): exit $rc"; tail -5 "$TMP/bad.out"; }
            grep -q 'Segmentation\|AddressSanitizer\|runtime error' "$TMP/bad.out" \
                && fail "corrupt loclists (every ${pattern}th byte): crash"
            grep -q 'Corrupted DWARF\|Unhandled dwarf\|DWARF expression' "$TMP/bad.out" \
                && reported=$((reported + 1))
        done
        # The corruption reached the evaluator, and it said so.
        [ "$reported" -gt 0 ] || fail "corrupt loclists: no DWARF expression error reported"
    else
        echo "note: no .debug_loclists in $PROG; corruption check skipped"
    fi
fi
finish_test
