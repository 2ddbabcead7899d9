# cli_help.sh — "help CMD" is non-empty for every command "help" lists.
. "$top_srcdir/tests/integration/cli_lib.sh"

"$RTSDB" --batch -ex help >"$TMP/help" 2>&1 || fail "help failed"
# Lines of the list are "NAME -- summary".
sed -n 's/ -- .*//p' "$TMP/help" >"$TMP/names"
count=$(wc -l <"$TMP/names")
[ "$count" -ge 30 ] || fail "only $count commands listed"
args=""
while IFS= read -r name; do
    out=$("$RTSDB" --batch -ex "help $name" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || fail "help $name: status $rc: $out"
    [ -n "$out" ] || fail "help $name: empty"
done <"$TMP/names"
# Abbreviations resolve as in gdb.
for pair in "p:print" "i r:info registers" "c:continue" "b:break" "bt:backtrace"; do
    abbrev=${pair%%:*}
    full=${pair#*:}
    check_eq "help $abbrev" "$("$RTSDB" --batch -ex "help $full" 2>&1)" "$("$RTSDB" --batch -ex "help $abbrev" 2>&1)"
done
finish_test
