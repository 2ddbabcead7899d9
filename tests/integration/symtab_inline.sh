#!/bin/sh
# symtab_inline.sh — inlined functions are frames of their own, as in gdb.
#
# tests/debuggee/symtab_inline (-O2) stops in leaf(), called from inner()
# inlined into middle() inlined into outer() inlined into run_chain().
# Checked, live and on a core rtsdb wrote with gcore:
#   - "bt" names the same functions in the same order as gdb 13's bt, and
#     the frames gdb prints without an address (callers of an inlined
#     function, shown at the call's line) are the ones rtsdb prints so;
#   - "bt 3", "frame N"/"up"/"down" select inlined frames; "info frame"
#     says "inlined into frame N"; "bt full" lists an inlined function's
#     locals under its own frame only; --json marks inlined frames.
set -u
. "$top_srcdir/tests/integration/cli_lib.sh"
PROG="$DEBUGGEE/symtab_inline"

# shape FILE: "#N FUNC LINE [addr]" per frame — addresses and args masked.
shape() {
    grep -E '^#[0-9]+ ' "$1" | sed -E \
        -e 's/^(#[0-9]+) +(0x[0-9a-f]+ in )?([A-Za-z_0-9]+) .* at [^ ]*:([0-9]+)$/\1 \3 \4 \2/' \
        -e 's/0x[0-9a-f]+ in $/addr/' -e 's/ +$//'
}

"$RTSDB" -q --batch -ex 'break leaf' -ex run -ex bt -ex "gcore $TMP/core" "$PROG" \
    >"$TMP/live.out" 2>&1
shape "$TMP/live.out" | head -6 >"$TMP/live.shape"
cat >"$TMP/want" <<'X'
#0 leaf 21
#1 inner 28 addr
#2 middle 34
#3 outer 40
#4 run_chain 47
#5 main 54 addr
X
diff -u "$TMP/want" "$TMP/live.shape" || { fail "live bt"; cat "$TMP/live.out"; }

if command -v gdb >/dev/null 2>&1; then
    gdb -nx -q --batch -ex 'break leaf' -ex run -ex bt "$PROG" >"$TMP/gdb.out" 2>&1
    shape "$TMP/gdb.out" | head -6 >"$TMP/gdb.shape"
    diff -u "$TMP/gdb.shape" "$TMP/live.shape" || { fail "rtsdb and gdb disagree"; cat "$TMP/gdb.out"; }
    if [ -s "$TMP/core" ]; then
        # Frames 1-5 (gdb prints frame 0 once more on opening a core).
        gdb -nx -q --batch -ex bt "$PROG" "$TMP/core" >"$TMP/gdbcore.out" 2>&1
        shape "$TMP/gdbcore.out" | tail -5 >"$TMP/gdbcore.shape"
        sed 1d "$TMP/want" | diff -u - "$TMP/gdbcore.shape" \
            || { fail "gdb on rtsdb's core"; cat "$TMP/gdbcore.out"; }
    fi
else
    echo "note: gdb not installed; comparison with gdb skipped"
fi

[ -s "$TMP/core" ] || fail "rtsdb wrote no core"
"$RTSDB" -q --batch --core "$TMP/core" "$PROG" -ex bt -ex 'bt 3' -ex 'frame 2' -ex 'info frame' \
    -ex up -ex down -ex down -ex 'frame 4' -ex 'info frame' >"$TMP/core.out" 2>&1
shape "$TMP/core.out" >"$TMP/core.shape"
cat >"$TMP/want_core" <<'X'
#0 leaf 21
#1 inner 28 addr
#2 middle 34
#3 outer 40
#4 run_chain 47
#5 main 54 addr
#0 leaf 21
#1 inner 28 addr
#2 middle 34
#2 middle 34
#3 outer 40
#2 middle 34
#1 inner 28 addr
#4 run_chain 47
X
diff -u "$TMP/want_core" "$TMP/core.shape" || { fail "core: bt, bt 3, frame/up/down"; cat "$TMP/core.out"; }
grep -q '^(More stack frames follow...)$' "$TMP/core.out" || fail "bt 3: no 'More stack frames follow'"
grep -q '^ rip = 0x[0-9a-f]* in middle (.*symtab_inline.c:34); saved rip = 0x' "$TMP/core.out" \
    || fail "info frame: rip line of the inlined middle()"
grep -q '^ inlined into frame 3$' "$TMP/core.out" || fail "info frame: 'inlined into frame 3'"
grep -q '^ rip = 0x[0-9a-f]* in run_chain (.*symtab_inline.c:47)' "$TMP/core.out" \
    || fail "info frame: run_chain at its call of outer()"
# bt full: inner's local "doubled" under frame 1, not repeated in run_chain.
"$RTSDB" -q --batch --core "$TMP/core" "$PROG" -ex 'bt full' >"$TMP/full.out" 2>&1
awk '/^#1 /{f=1} /^#2 /{f=0} f && /^        doubled = /{n++} END{exit n == 1 ? 0 : 1}' \
    "$TMP/full.out" || fail "bt full: doubled under inner's frame"
awk '/^#4 /{f=1} /^#5 /{f=0} f && /doubled/{n++} END{exit n ? 1 : 0}' \
    "$TMP/full.out" || fail "bt full: inner's local shown in run_chain's frame"

# --json: every frame is there, the inlined ones say so.
"$RTSDB" -q --json --batch --core "$TMP/core" "$PROG" -ex bt >"$TMP/json.out" 2>&1
for fn in leaf inner middle outer run_chain main; do
    grep -q "\"func\": *\"$fn\"" "$TMP/json.out" || fail "--json bt: no frame for $fn"
done
[ "$(grep -o '"inlined": *true' "$TMP/json.out" | wc -l)" -eq 3 ] \
    || { fail "--json bt: 3 inlined frames expected"; cat "$TMP/json.out"; }
finish_test
