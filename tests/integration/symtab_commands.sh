#!/bin/sh
# symtab_commands.sh — bt/frame/up/down/info frame/info symbol/info line/
# info address/info sharedlibrary through rtsdb --batch, on the program file
# alone, on a live process, and on a stripped copy.  Addresses are masked
# (0xADDR) so the expected text is stable across runs and ASLR.
set -u
TMP=$(mktemp -d /tmp/symtab_commands.XXXXXX)
. "$top_srcdir/tests/integration/symtab_lib.sh"
trap 'stop_waiting; rm -rf "$TMP"' EXIT
status=0
mask() { sed -E 's/0x[0-9a-f]+/0xADDR/g; s|[^ ("]*tests/debuggee/|DIR/|g'; }

# expect NAME: $TMP/out (masked) must equal $TMP/want.
expect() {
    mask < "$TMP/out" > "$TMP/got"
    if diff -u "$TMP/want" "$TMP/got"; then echo "ok $1"; else echo "FAIL $1"; status=1; fi
}

# 1. Before "run": the program file alone.
"$RTSDB" -q --batch -ex 'info line level_one' -ex 'info address level_two' \
    -ex 'info symbol level_two' "$DEBUGGEES/symtab_deep_nopie" > "$TMP/out" 2>&1
cat > "$TMP/want" <<'X'
Line 96 of "DIR/symtab_deep.c" starts at address 0xADDR <level_one> and ends at 0xADDR <level_one+15>.
Symbol "level_two" is a function at address 0xADDR.
level_two in section .text
X
expect "file alone"

# 2. bt with no process fails with gdb's message and a non-zero status.
if "$RTSDB" -q --batch -ex bt "$DEBUGGEES/symtab_deep" > "$TMP/out" 2>&1; then
    echo "FAIL: bt without a process succeeded"; status=1
else
    grep -q 'No stack.' "$TMP/out" && echo "ok no stack" || { echo "FAIL no stack"; cat "$TMP/out"; status=1; }
fi

# 3. A live process: frame selection and descriptions.
start_waiting "$DEBUGGEES/symtab_deep" || exit 1
"$RTSDB" -q --batch -p "$DEBUGGEE" -ex 'bt 3' -ex 'bt -2' -ex 'frame 9' -ex up -ex 'down 2' \
    -ex 'info frame' -ex 'info address n' -ex 'frame 99' -ex 'info symbol level_three' \
    2>&1 | grep -v '^Attaching\|^\[\|^Reading' > "$TMP/out"
cat > "$TMP/want" <<'X'
#0  0xADDR in __libc_pause () at ../sysdeps/unix/sysv/linux/pause.c:29
#1  0xADDR in bottom (depth=0) at DIR/symtab_deep.c:67
#2  0xADDR in recurse (depth=0) at DIR/symtab_deep.c:73
(More stack frames follow...)
#11 0xADDR in level_one (n=1, tag=0xADDR "deep") at DIR/symtab_deep.c:99
#12 0xADDR in main (argc=2, argv=0xADDR) at DIR/symtab_deep.c:128
#9  0xADDR in level_three (x=10, c=113 'q', col=BLUE) at DIR/symtab_deep.c:87
87	    return symtab_lib_apply(deep_callback, (int)x + c + col);
#10 0xADDR in level_two (p=0xADDR, scale=2.5) at DIR/symtab_deep.c:92
92	    return level_three(p->x * (long)scale, 'q', BLUE) + 1;
#8  0xADDR in symtab_lib_apply (callback=0xADDR <deep_callback>, value=129) at DIR/symtab_lib.c:12
12	    return callback(value + 1) + 1;
Stack level 8, frame at 0xADDR:
 rip = 0xADDR in symtab_lib_apply (DIR/symtab_lib.c:12); saved rip = 0xADDR
 called by frame at 0xADDR
 caller of frame at 0xADDR
 Arglist at 0xADDR, args: callback=0xADDR <deep_callback>, value=129
 Locals at 0xADDR, Previous frame's sp is 0xADDR
 Saved registers:
  rip at 0xADDR
No symbol "n" in current context.
No frame at level 99.
level_three in section .text of DIR/symtab_deep
X
expect "live frames"
stop_waiting

# 4. A stripped copy: the program's frames become "??", libc's keep names.
strip -o "$TMP/stripped" "$DEBUGGEES/symtab_deep"
start_waiting "$TMP/stripped" || exit 1
"$RTSDB" -q --batch -p "$DEBUGGEE" -ex 'bt' > "$TMP/out" 2>&1
if grep -q ' in __libc_pause ' "$TMP/out" && grep -q ' in ?? ()' "$TMP/out" \
    && grep -q 'symtab_lib_apply' "$TMP/out"; then
    echo "ok stripped"
else
    echo "FAIL stripped"; cat "$TMP/out"; status=1
fi
stop_waiting
exit $status
