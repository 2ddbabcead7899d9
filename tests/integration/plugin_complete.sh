# plugin_complete.sh — tab completion of the `rts ...` commands at the
# interactive prompt (readline on a pseudo-terminal made by script(1)):
# sub-commands ("rts mu" -> "rts mutlist") and thread ids ("rts tso #"
# lists #1..#5 of tests/debuggee/plugin_heap), live and on a core; and
# `help rts X` for every command on the core.  Typing is paced with
# sleeps, so a slow machine is retried (three attempts).
. "$top_srcdir/tests/integration/plugin_lib.sh"
PROG="$top_builddir/tests/debuggee/plugin_heap"
command -v script >/dev/null 2>&1 || { echo "SKIP: no script(1) for a pseudo-terminal"; exit 77; }

# session PAUSE SETUP TEARDOWN ARGS...: rtsdb ARGS on a pseudo-terminal; type
# SETUP, wait PAUSE seconds, ask for the completions, then type TEARDOWN.
session() {
    pause=$1 setup=$2 teardown=$3
    shift 3
    { printf "$setup"; sleep "$pause"
      printf 'rts tso #\t\t'; sleep 1
      printf '\nrts mu\t'; sleep 1
      printf "\n${teardown}quit\n"; } |
        timeout 60 script -qc "$RTSDB -q $*" /dev/null 2>&1 | tr -d '\r'
}

# completes OUT PAUSES -- SESSION_ARGS...: a session with each pause in turn
# (a slow machine needs longer) until OUT shows both completions.
completes() {
    out=$1
    shift
    pauses=
    while [ "$1" != -- ]; do pauses="$pauses $1"; shift; done
    shift
    for pause in $pauses; do
        session "$pause" "$@" >"$out"
        grep -q '#1 *#2 *#3 *#4 *#5' "$out" && grep -q 'cap 0, gen 1:' "$out" && return 0
    done
    return 1
}

completes "$TMP/out" 2 5 10 -- 'break plugin_heap_ready\nrun\n' 'kill\n' "$PROG" ||
    { fail "completion of thread ids (#1..#5) and of rts mu -> rts mutlist"; cat "$TMP/out"; }

# The same on a core of that state (rtsdb's gcore), where no process runs.
timeout 60 "$RTSDB" -q --batch -ex 'break plugin_heap_ready' -ex run -ex "gcore $TMP/core" "$PROG" \
    >/dev/null 2>&1
[ -s "$TMP/core" ] || fail "no core written"
completes "$TMP/coreout" 1 3 6 -- '' '' --core "$TMP/core" "$PROG" ||
    { fail "core: completion of thread ids and of rts mu"; cat "$TMP/coreout"; }

# help for every command of the plugin, on the core: a usage line each.
COMMANDS="info|threads|tso|mvar|closure|bd|gens|mutlist|weak|cafs|census|sanity|findptr|events|trace mvar|bt|watch|record"
IFS='|'
set --
for c in $COMMANDS; do
    set -- "$@" -ex "help rts $c"
done
timeout 60 "$RTSDB" -q --batch --core "$TMP/core" "$PROG" "$@" -ex 'help watch' >"$TMP/help" 2>&1
for c in $COMMANDS; do
    grep -q "^rts $c\( \|\$\)" "$TMP/help" || fail "help rts $c: no usage line"
done
unset IFS
grep -q 'Undefined' "$TMP/help" && fail "help: an undefined command"
grep -q -- '-evac' "$TMP/help" || fail "help watch does not name -evac"
[ $failures -eq 0 ] || cat "$TMP/help"
finish_test
