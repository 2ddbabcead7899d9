# plugin_complete.sh — tab completion of the `rts ...` commands at the
# interactive prompt (readline on a pseudo-terminal made by script(1)):
# sub-commands ("rts mu" -> "rts mutlist") and thread ids ("rts tso #"
# lists #1..#5 of tests/debuggee/plugin_heap).  Typing is paced with
# sleeps, so a slow machine is retried (three attempts).
. "$top_srcdir/tests/integration/plugin_lib.sh"
PROG="$top_builddir/tests/debuggee/plugin_heap"
command -v script >/dev/null 2>&1 || { echo "SKIP: no script(1) for a pseudo-terminal"; exit 77; }

session() {
    { printf 'break plugin_heap_ready\nrun\n'; sleep "$1"
      printf 'rts tso #\t\t'; sleep 1
      printf '\nrts mu\t'; sleep 1
      printf '\nkill\nquit\n'; } |
        timeout 60 script -qc "$RTSDB -q $PROG" /dev/null 2>&1 | tr -d '\r'
}

ok=0
for pause in 2 5 10; do
    session "$pause" >"$TMP/out"
    if grep -q '#1 *#2 *#3 *#4 *#5' "$TMP/out" && grep -q 'cap 0, gen 1:' "$TMP/out"; then
        ok=1
        break
    fi
done
[ $ok -eq 1 ] || { fail "completion of thread ids (#1..#5) and of rts mu -> rts mutlist"; cat "$TMP/out"; }
finish_test
