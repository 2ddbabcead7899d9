#!/bin/sh
# symtab_entry.sh — entry values ("n=n@entry=5") as in gdb 13.
#
# tests/debuggee/symtab_entry (-O2 -g) stops six times in leaf(); each
# time bt shows its caller's parameters as gdb's default "print
# entry-values" does (Note [Entry values] in debugger/dwarf_entry.c):
# "n=n@entry=5" for a parameter whose location is DW_OP_entry_value,
# "n=12, n@entry=7" for one that changed, a chained entry value
# (chain_inner's k from chain_outer's n), <optimized out> after an
# indirect call, stack arguments without @entry.  "print n" and "info
# args" give the plain value, "info frame" the frame line's arguments
# ("args: n=<optimized out>" too, where it was blank).  Last, walk() at its
# first instruction, where gcc's location list for n has an empty entry
# ("n in rsi") before one starting at the same address ("rsi - 1"): the
# first one in list order is the value, as in gdb, so "n=n@entry=3" and
# "print n" 3 (Note [Optimized out] in debugger/dwarf_loc.c); then, a few
# instructions in, "n=2, n@entry=3", and "info args" prints the pointer as
# gdb does, without print's "(int *)"; p points into .bss past the last
# page the file maps, named "<walk_bss+65536>" as gdb names it.
# rtsdb's and gdb's answers to the same commands are compared line by
# line, live and on the core rtsdb wrote with gcore at the chained stop.
# Then the debuggee's call sites are corrupted (bad opcodes, overrunning
# blocks, dangling callee references, entry values with a bad operand) and
# rtsdb must answer without crashing or hanging, errors on one line.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
PROG="$DEBUGGEE/symtab_entry"

# answers FILE: the lines that carry values, addresses and source
# positions masked.
answers() {
    grep -E "^(\\\$[0-9]+ = |#[0-9]+ |[a-z_]+ = | Arglist at|No symbol)" "$1" \
        | sed -E -e 's/^(#[0-9]+) +(0x[0-9a-f]+ in )?/\1 /' -e 's/ at [^ ]+:[0-9]+$//' \
                 -e 's/0x[0-9a-f]{6,}/ADDR/g'
}

# The same commands for both debuggers; rtsdb also writes a core at stop 4.
cmds() {
    printf '%s\n' 'break leaf' run bt up 'print n' 'info args' 'info frame' \
        continue bt up 'print n' continue bt continue bt
    [ "$1" = rtsdb ] && echo "gcore $TMP/core"
    printf '%s\n' 'up 2' 'print n' 'info args' down 'print k' \
        continue bt up 'print n' 'info args' 'info frame' continue bt 'up' 'info args'
    printf '%s\n' 'break walk' continue bt 'print n' 'info args' 'stepi 4' bt 'print n' \
        'info args'
}
cmds rtsdb >"$TMP/rtsdb.cmds"
cmds gdb >"$TMP/gdb.cmds"
run_ex "$TMP/rtsdb.cmds" "$RTSDB" -q --batch "$PROG" >"$TMP/live.out" 2>&1
answers "$TMP/live.out" >"$TMP/live.ans"

# What gdb 13 answers (recorded; checked against gdb itself below).
cat >"$TMP/want" <<'X'
#0 leaf (v=v@entry=15)
#1 lost_after_call (n=n@entry=5)
#2 main ()
#1 lost_after_call (n=n@entry=5)
$1 = 5
n = 5
 Arglist at ADDR, args: n=n@entry=5
#0 leaf (v=v@entry=12)
#1 changes (n=12, n@entry=7)
#2 main ()
#1 changes (n=12, n@entry=7)
$2 = 12
#0 leaf (v=v@entry=12)
#1 two_args (n=n@entry=11, m=m@entry=12)
#2 main ()
#0 leaf (v=5)
#1 chain_inner (k=k@entry=21)
#2 chain_outer (n=n@entry=20)
#3 main ()
#2 chain_outer (n=n@entry=20)
$3 = 20
n = 20
#1 chain_inner (k=k@entry=21)
$4 = 21
#0 leaf (v=30)
#1 via_pointer (n=<optimized out>)
#2 main ()
#1 via_pointer (n=<optimized out>)
$5 = <optimized out>
n = <optimized out>
 Arglist at ADDR, args: n=<optimized out>
#0 leaf (v=v@entry=9)
#1 stack_args (a=a@entry=1, b=b@entry=2, c=c@entry=3, d=d@entry=4, e=e@entry=5, f=f@entry=6, g=7, h=8)
#2 main ()
#1 stack_args (a=a@entry=1, b=b@entry=2, c=c@entry=3, d=d@entry=4, e=e@entry=5, f=f@entry=6, g=7, h=8)
a = 1
b = 2
c = 3
d = 4
e = 5
f = 6
g = 7
h = 8
#0 walk (p=p@entry=ADDR <walk_bss+65536>, n=n@entry=3)
#1 main ()
$6 = 3
p = ADDR <walk_bss+65536>
n = 3
#0 walk (p=p@entry=ADDR <walk_bss+65536>, n=2, n@entry=3)
#1 main ()
$7 = 2
p = ADDR <walk_bss+65536>
n = 2
X
diff -u "$TMP/want" "$TMP/live.ans" || { fail "live answers"; cat "$TMP/live.out"; }

if command -v gdb >/dev/null 2>&1; then
    run_ex "$TMP/gdb.cmds" gdb -nx -q --batch "$PROG" >"$TMP/gdb.out" 2>&1
    answers "$TMP/gdb.out" | diff -u - "$TMP/live.ans" \
        || { fail "rtsdb and gdb disagree (live)"; cat "$TMP/gdb.out"; }
else
    echo "note: gdb not installed; comparison with gdb skipped"
fi

# On rtsdb's core, stopped in leaf called from chain_inner.
[ -s "$TMP/core" ] || { fail "rtsdb wrote no core"; exit 1; }
printf '%s\n' bt 'up 2' 'print n' 'info args' 'info frame' down 'print k' >"$TMP/core.cmds"
run_ex "$TMP/core.cmds" "$RTSDB" -q --batch --core "$TMP/core" "$PROG" >"$TMP/core.out" 2>&1
answers "$TMP/core.out" >"$TMP/core.ans"
cat >"$TMP/want_core" <<'X'
#0 leaf (v=5)
#1 chain_inner (k=k@entry=21)
#2 chain_outer (n=n@entry=20)
#3 main ()
#2 chain_outer (n=n@entry=20)
$1 = 20
n = 20
 Arglist at ADDR, args: n=n@entry=20
#1 chain_inner (k=k@entry=21)
$2 = 21
X
diff -u "$TMP/want_core" "$TMP/core.ans" || { fail "core answers"; cat "$TMP/core.out"; }
if command -v gdb >/dev/null 2>&1; then
    run_ex "$TMP/core.cmds" gdb -nx -q --batch "$PROG" "$TMP/core" >"$TMP/gdbcore.out" 2>&1
    # gdb prints frame 0 once more on opening a core.
    answers "$TMP/gdbcore.out" | sed 1d | diff -u - "$TMP/core.ans" \
        || { fail "rtsdb and gdb disagree (core)"; cat "$TMP/gdbcore.out"; }
fi

# --json: the frame line carries the entry values too.
"$RTSDB" -q --json --batch --core "$TMP/core" -ex 'info args' -ex 'up 2' -ex 'info args' "$PROG" \
    >"$TMP/json.out" 2>&1
grep -q 'n = 20' "$TMP/json.out" || { fail "--json: info args"; cat "$TMP/json.out"; }

# Inlined frames: a parameter of an inlined function has an entry value
# only if its location at the real function's first instruction says so
# (gdb's get_frame_func), so inner/middle/outer show none, run_chain and
# leaf do.  Whole frame lines against gdb's, addresses masked.
INLINE_PROG="$top_builddir/tests/debuggee/symtab_inline"
"$RTSDB" -q --batch -ex 'break leaf' -ex run -ex bt "$INLINE_PROG" 2>&1 \
    | grep '^#' | sed -E 's/0x[0-9a-f]+/ADDR/g; s/ at [^ ]*:/ at /' >"$TMP/inline.rtsdb"
cat >"$TMP/inline.want" <<'X'
#0  leaf (v=v@entry=7) at 21
#1  ADDR in inner (i=3) at 28
#2  middle (m=0) at 34
#3  outer (o=0) at 40
#4  run_chain (n=n@entry=2) at 47
#5  ADDR in main (argc=<optimized out>, argv=<optimized out>) at 54
X
diff -u "$TMP/inline.want" "$TMP/inline.rtsdb" || fail "inlined frames' parameters"
if command -v gdb >/dev/null 2>&1; then
    gdb -nx -q --batch -ex 'break leaf' -ex run -ex bt "$INLINE_PROG" 2>&1 \
        | grep '^#' | sed -E 's/0x[0-9a-f]+/ADDR/g; s/ at [^ ]*:/ at /' \
        | diff -u - "$TMP/inline.rtsdb" || fail "inlined frames' parameters: rtsdb and gdb disagree"
fi

# Corrupted call sites: every answer a value, <optimized out> or a
# one-line error; never a crash or a hang.
command -v readelf >/dev/null 2>&1 || { echo "note: no readelf; corruption check skipped"; finish_test; }
info_off=$(readelf -SW "$PROG" | sed -n 's/.*\] \.debug_info *PROGBITS *[0-9a-f]* \([0-9a-f]*\) .*/\1/p')
[ -n "$info_off" ] || { fail "no .debug_info in $PROG"; finish_test; }
readelf --debug-dump=info "$PROG" >"$TMP/info.txt" 2>/dev/null
# attr_offsets NAME: the .debug_info offsets of every attribute NAME.
attr_offsets() {
    sed -n "s/^ *<\\([0-9a-f]*\\)> *$1 .*/\\1/p" "$TMP/info.txt"
}
# patch FILE HEXOFF DELTA BYTE...: write the bytes at .debug_info + HEXOFF + DELTA.
patch() {
    file=$1 off=$((0x$info_off + 0x$2 + $3))
    shift 3
    printf "$(printf '\\%03o' "$@")" | dd of="$file" bs=1 seek="$off" conv=notrunc 2>/dev/null
}
values=$(attr_offsets DW_AT_call_value)
origins=$(attr_offsets DW_AT_call_origin)
[ -n "$values" ] && [ -n "$origins" ] || { fail "no call sites in $PROG"; finish_test; }
printf '%s\n' bt 'up 2' 'info args' 'print n' 'info frame' 'frame 0' 'info args' >"$TMP/bad.cmds"
reported=0
for how in badop overrun dangling badsub longsub; do
    cp "$PROG" "$TMP/bad"
    case $how in
    badop)      # an opcode the evaluator does not know
        for o in $values; do patch "$TMP/bad" "$o" 1 255; done ;;
    overrun)    # a block longer than the rest of the section
        for o in $values; do patch "$TMP/bad" "$o" 0 255 255 255 127; done ;;
    dangling)   # a callee reference far outside the unit
        for o in $origins; do patch "$TMP/bad" "$o" 0 0 0 0 127; done ;;
    badsub|longsub) # DW_OP_entry_value whose operand is bad, or overruns
        for o in $values; do
            [ "$(od -An -tu1 -j $((0x$info_off + 0x$o + 1)) -N1 "$PROG" | tr -d ' ')" = 163 ] \
                || continue
            if [ $how = badsub ]; then patch "$TMP/bad" "$o" 3 255
            else patch "$TMP/bad" "$o" 2 127; fi
        done ;;
    esac
    cmp -s "$PROG" "$TMP/bad" && { fail "corruption $how changed nothing"; continue; }
    run_ex "$TMP/bad.cmds" timeout 20 "$RTSDB" -q --batch --core "$TMP/core" "$TMP/bad" \
        >"$TMP/bad.out" 2>&1
    rc=$?
    [ $rc -lt 124 ] || { fail "corrupt call sites ($how): exit $rc"; tail -5 "$TMP/bad.out"; }
    grep -q 'Segmentation\|AddressSanitizer\|runtime error\|Aborted' "$TMP/bad.out" \
        && { fail "corrupt call sites ($how): crash"; tail -5 "$TMP/bad.out"; }
    grep -q '^#2 .*chain_outer' "$TMP/bad.out" \
        || { fail "corrupt call sites ($how): no backtrace"; cat "$TMP/bad.out"; }
    grep -q 'Corrupted DWARF\|Unhandled dwarf\|DWARF expression' "$TMP/bad.out" \
        && reported=$((reported + 1))
done
# The corruption reached the call-site decoders, and they said so.
[ "$reported" -gt 0 ] || fail "corrupt call sites: no DWARF error reported"
finish_test
