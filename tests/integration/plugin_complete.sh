# plugin_complete.sh — tab completion of the `rts ...` commands at the
# interactive prompt (readline on a pseudo-terminal made by script(1)):
# sub-commands ("rts mu" -> "rts mutlist") and thread ids ("rts tso #"
# lists #1..#5 of tests/debuggee/plugin_heap), live and on a core; and
# `help rts X` for every command on the core.  Typing is paced with
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

# The same on a core of that state (rtsdb's gcore), where no process runs.
timeout 60 "$RTSDB" -q --batch -ex 'break plugin_heap_ready' -ex run -ex "gcore $TMP/core" "$PROG" \
    >/dev/null 2>&1
[ -s "$TMP/core" ] || fail "no core written"
core_session() {
    { sleep "$1"
      printf 'rts tso #\t\t'; sleep 1
      printf '\nrts mu\t'; sleep 1
      printf '\nquit\n'; } |
        timeout 60 script -qc "$RTSDB -q --core $TMP/core $PROG" /dev/null 2>&1 | tr -d '\r'
}
ok=0
for pause in 1 3 6; do
    core_session "$pause" >"$TMP/coreout"
    if grep -q '#1 *#2 *#3 *#4 *#5' "$TMP/coreout" && grep -q 'cap 0, gen 1:' "$TMP/coreout"; then
        ok=1
        break
    fi
done
[ $ok -eq 1 ] || { fail "core: completion of thread ids and of rts mu"; cat "$TMP/coreout"; }

# help for every command of the plugin, on the core: a usage line each.
set --
for c in info threads tso mvar closure bd gens mutlist weak cafs census sanity findptr events \
         'trace mvar' bt watch record; do
    set -- "$@" -ex "help rts $c"
done
timeout 60 "$RTSDB" -q --batch --core "$TMP/core" "$PROG" "$@" -ex 'help watch' >"$TMP/help" 2>&1
for c in info threads tso mvar closure bd gens mutlist weak cafs census sanity findptr events \
         'trace mvar' bt watch record; do
    grep -q "^rts $c\( \|\$\)" "$TMP/help" || fail "help rts $c: no usage line"
done
grep -q 'Undefined' "$TMP/help" && fail "help: an undefined command"
grep -q -- '-evac' "$TMP/help" || fail "help watch does not name -evac"
[ $failures -eq 0 ] || cat "$TMP/help"
finish_test
