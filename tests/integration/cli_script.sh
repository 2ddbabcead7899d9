# cli_script.sh — -x FILE with define/document/echo, source, and stopping a
# sourced file at its first error.
. "$top_srcdir/tests/integration/cli_lib.sh"

out=$("$RTSDB" --batch -x "$top_srcdir/tests/integration/cli_script.gdb" 2>&1)
check_eq "script status" 0 $?
check_eq "script output" "$(printf '$1 = 103\nargc=3\nPrint the sum of three numbers.\ntab\there\n200')" "$out"

# "source" runs a file and stops at its first error; the batch fails.
printf 'echo a\\n\np nosuch\necho never\\n\n' >"$TMP/bad.gdb"
out=$("$RTSDB" --batch -ex "source $TMP/bad.gdb" -ex 'echo after\n' 2>"$TMP/err")
check_eq "source error status" 1 $?
check_eq "source stops at error" "$(printf 'a\nafter')" "$out"
check_eq "source error message" 'No symbol "nosuch" in current context.' "$(cat "$TMP/err")"

# define from an -ex with embedded newlines (as a script would pass it).
out=$("$RTSDB" --batch -ex "$(printf 'define twice\np $arg0 * 2\nend')" -ex 'twice 21' 2>&1)
check_eq "inline define" '$1 = 42' "$out"

finish_test
