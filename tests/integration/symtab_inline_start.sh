#!/bin/sh
# symtab_inline_start.sh — a stop at an inlined call's first instruction
# shows the caller, at the call's line, as gdb 13 does (Note [Inlined
# frames at their first instruction] in debugger/symtab_inline.c).
#
# tests/debuggee/symtab_inline_start (-O2 -g), compared with gdb line by
# line (addresses, paths and gdb's "<symbol>" after data pointers masked):
#   - a SIGSEGV on the first instruction of load() inlined into reader():
#     "reader (n=...) at ...:30" and line 30, load hidden; bt, info frame;
#   - "finish" out of produce() returning to the first instruction of
#     consume() inlined into after_call(): after_call at line 53;
#   - "stepi" onto load's first instruction: load shown, with its frame
#     line since the (inlined) function changed;
#   - "break first_inlined", whose first instruction is load's:
#     first_inlined shown; "break *ADDR" there: load shown;
#   - a core written at that stop: load shown (gdb hides only at stops).
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
PROG="$top_builddir/tests/debuggee/symtab_inline_start"
have_gdb=false
command -v gdb >/dev/null 2>&1 && have_gdb=true

# answers FILE: frame lines, source lines, stop reports and info frame's
# rip line, with addresses, paths and "<symbol>" masked.
answers() {
    grep -E "^(#[0-9]+ |[0-9]+	|Breakpoint [0-9]+, |Program received| rip = |[a-z_]+ \\(.*\\) at )" "$1" \
        | sed -E -e 's/0x[0-9a-f]+ <[A-Za-z_][A-Za-z_0-9]*>/ADDR/g' -e 's/0x[0-9a-f]{6,}/ADDR/g' \
                 -e 's#[^ (]*/##g' -e 's/ +$//'
}
# both NAME ARGS...: run rtsdb and (if present) gdb with the same -ex
# commands and program arguments; NAME.rtsdb and NAME.gdb hold answers.
both() {
    name=$1
    shift
    "$RTSDB" -q --batch "$@" >"$TMP/$name.rtsdb.out" 2>&1
    answers "$TMP/$name.rtsdb.out" >"$TMP/$name.rtsdb"
    if $have_gdb; then
        gdb -nx -q --batch "$@" >"$TMP/$name.gdb.out" 2>&1
        answers "$TMP/$name.gdb.out" >"$TMP/$name.gdb"
        diff -u "$TMP/$name.gdb" "$TMP/$name.rtsdb" \
            || { fail "$name: rtsdb and gdb disagree"; cat "$TMP/$name.rtsdb.out"; }
    fi
}
# want NAME: the expected answers (stdin) against rtsdb's.
want() {
    diff -u - "$TMP/$1.rtsdb" || { fail "$1"; cat "$TMP/$1.rtsdb.out"; }
}

# The crash: load's first instruction reads NULL.
both crash -ex run -ex bt -ex 'info frame' --args "$PROG" crash
want crash <<'X'
Program received signal SIGSEGV, Segmentation fault.
reader (n=n@entry=4) at symtab_inline_start.c:30
30	    int v = load(where);
#0  reader (n=n@entry=4) at symtab_inline_start.c:30
#1  ADDR in main (argc=<optimized out>, argv=<optimized out>) at symtab_inline_start.c:60
 rip = ADDR in reader (symtab_inline_start.c:30); saved rip = ADDR
X

# finish returns to consume's first instruction; stepi onto load's.
both finish -ex 'break symtab_inline_start.c:30' -ex run -ex stepi -ex bt \
    -ex 'break produce' -ex continue -ex finish -ex bt -ex 'info frame' "$PROG"
want finish <<'X'
Breakpoint 1, reader (n=n@entry=4) at symtab_inline_start.c:30
30	    int v = load(where);
load (p=ADDR) at symtab_inline_start.c:25
25	    return *p * 3;
#0  load (p=ADDR) at symtab_inline_start.c:25
#1  reader (n=n@entry=4) at symtab_inline_start.c:30
#2  ADDR in main (argc=<optimized out>, argv=<optimized out>) at symtab_inline_start.c:60
Breakpoint 2, produce () at symtab_inline_start.c:43
43	    return seed;
after_call () at symtab_inline_start.c:53
53	    consume(produce());
#0  after_call () at symtab_inline_start.c:53
#1  ADDR in main (argc=<optimized out>, argv=<optimized out>) at symtab_inline_start.c:61
 rip = ADDR in after_call (symtab_inline_start.c:53); saved rip = ADDR
X

# "break first_inlined": its first instruction is load's; shown as
# first_inlined.  A breakpoint at that address shows load.
both byname -ex 'break first_inlined' -ex run -ex bt -ex 'print $pc' "$PROG"
want byname <<'X'
Breakpoint 1, first_inlined (p=p@entry=ADDR) at symtab_inline_start.c:38
38	    return load(p) + 1;
#0  first_inlined (p=p@entry=ADDR) at symtab_inline_start.c:38
#1  ADDR in main (argc=<optimized out>, argv=<optimized out>) at symtab_inline_start.c:60
X
pc=$(sed -n 's/^\$1 = (.*) \(0x[0-9a-f]*\).*/\1/p' "$TMP/byname.rtsdb.out")
[ -n "$pc" ] || { fail "no \$pc after break first_inlined"; cat "$TMP/byname.rtsdb.out"; exit 1; }
both byaddr -ex "break *$pc" -ex run -ex bt "$PROG"
want byaddr <<'X'
Breakpoint 1, load (p=p@entry=ADDR) at symtab_inline_start.c:25
25	    return *p * 3;
#0  load (p=p@entry=ADDR) at symtab_inline_start.c:25
#1  first_inlined (p=p@entry=ADDR) at symtab_inline_start.c:38
#2  ADDR in main (argc=<optimized out>, argv=<optimized out>) at symtab_inline_start.c:60
X

# rtsdb's core of that stop (gcore with load hidden would be wrong: the
# hiding belongs to the stop, not to the core); load shown, as gdb.
"$RTSDB" -q --batch -ex "break *$pc" -ex run -ex "gcore $TMP/core" "$PROG" >"$TMP/gcore.out" 2>&1
[ -s "$TMP/core" ] || { fail "rtsdb wrote no core"; cat "$TMP/gcore.out"; exit 1; }
"$RTSDB" -q --batch --core "$TMP/core" -ex bt "$PROG" >"$TMP/core.rtsdb.out" 2>&1
answers "$TMP/core.rtsdb.out" >"$TMP/core.rtsdb"
want core <<'X'
#0  load (p=p@entry=ADDR) at symtab_inline_start.c:25
#1  first_inlined (p=p@entry=ADDR) at symtab_inline_start.c:38
#2  ADDR in main (argc=<optimized out>, argv=<optimized out>) at symtab_inline_start.c:60
X
if $have_gdb; then
    gdb -nx -q --batch -ex bt "$PROG" "$TMP/core" >"$TMP/core.gdb.out" 2>&1
    # gdb prints frame 0 and its line once more on opening a core.
    answers "$TMP/core.gdb.out" | grep "^#" | sed 1d | diff -u - "$TMP/core.rtsdb" \
        || { fail "core: rtsdb and gdb disagree"; cat "$TMP/core.gdb.out"; }
fi
finish_test
