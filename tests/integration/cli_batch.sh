# cli_batch.sh — the command line: --batch exit status, -ex/-x order, errors
# on stderr as one line, --help/--version, bad options, quit, piped stdin.
. "$top_srcdir/tests/integration/cli_lib.sh"

# Every command succeeds: status 0, output in order.
out=$("$RTSDB" --batch -ex 'echo one\n' -ex 'p 1 + 2' -ex 'output 7' 2>"$TMP/err")
check_eq "status 0 when all succeed" 0 $?
check_eq "output in order" "$(printf 'one\n$1 = 3\n7')" "$out"
check_eq "nothing on stderr" "" "$(cat "$TMP/err")"

# One failure: status 1, the error one line on stderr, later commands still run.
out=$("$RTSDB" --batch -ex 'p nosuch' -ex 'p 2' 2>"$TMP/err")
check_eq "status 1 when a command fails" 1 $?
check_eq "later commands run" '$1 = 2' "$out"
check_eq "one-line error" 'No symbol "nosuch" in current context.' "$(cat "$TMP/err")"

"$RTSDB" --batch -ex 'frobnicate' 2>"$TMP/err" >/dev/null
check_eq "undefined command status" 1 $?
check_eq "undefined command message" 'Undefined command: "frobnicate".  Try "help".' "$(cat "$TMP/err")"

"$RTSDB" --batch -ex 'x/4x 0' 2>"$TMP/err" >/dev/null
check_eq "no target status" 1 $?
check_eq "no target message" 'The program is not being run.' "$(cat "$TMP/err")"

# -x and -ex run in the order given.
printf 'echo from-file\\n\n' >"$TMP/cmds"
out=$("$RTSDB" --batch -ex 'echo first\n' -x "$TMP/cmds" -ex 'echo last\n')
check_eq "-ex/-x order" "$(printf 'first\nfrom-file\nlast')" "$out"
"$RTSDB" --batch -x "$TMP/missing" 2>"$TMP/err" >/dev/null
check_eq "missing -x file fails" 1 $?
check_eq "missing -x message" "$TMP/missing: No such file or directory." "$(cat "$TMP/err")"

# quit stops the command list with its status.
out=$("$RTSDB" --batch -ex 'echo a\n' -ex 'quit 0' -ex 'p nosuch' 2>&1)
check_eq "quit stops" 0 $?
check_eq "quit stops: output" "a" "$out"
"$RTSDB" --batch -ex 'quit 3' >/dev/null 2>&1
check_eq "quit status" 3 $?

# --help, --version, bad options.
"$RTSDB" --help | grep -q '^Usage: rtsdb' || fail "--help prints usage"
check_eq "--version" "rtsdb $("$RTSDB" --version | sed -n 's/^rtsdb //p')" "$("$RTSDB" --version)"
"$RTSDB" --no-such-option >/dev/null 2>"$TMP/err"
check_eq "bad option status" 1 $?
check_eq "bad option message" "rtsdb: unrecognized option '--no-such-option'" "$(head -1 "$TMP/err")"
"$RTSDB" -p notanumber >/dev/null 2>"$TMP/err"
check_eq "bad pid status" 1 $?
"$RTSDB" --batch /nonexistent/program >/dev/null 2>"$TMP/err"
check_eq "missing program status" 1 $?
check_eq "missing program message" "/nonexistent/program: No such file or directory." "$(cat "$TMP/err")"

# Commands from a non-terminal stdin, errors included, without --batch.
out=$(printf 'p 5\np nosuch\np 6\n' | "$RTSDB" -q 2>"$TMP/err")
check_eq "piped stdin" "$(printf '$1 = 5\n$2 = 6')" "$out"
check_eq "piped stdin error" 'No symbol "nosuch" in current context.' "$(cat "$TMP/err")"

# A program launched by "run" is killed at exit; batch exits promptly.
start=$(date +%s)
timeout 30 "$RTSDB" --batch -ex 'break add' -ex run "$DEBUGGEE/cli_vars" >"$TMP/out" 2>&1
check_eq "stopped debuggee: status" 0 $?
grep -q 'Breakpoint 1, add (a=42, b=1)' "$TMP/out" || { fail "breakpoint hit"; cat "$TMP/out"; }
[ $(( $(date +%s) - start )) -lt 20 ] || fail "batch exit took too long"

finish_test
