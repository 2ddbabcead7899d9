# cli_json.sh — --json: one valid JSON object per command, on a live target.
. "$top_srcdir/tests/integration/cli_lib.sh"

"$RTSDB" --json --batch -ex 'break add' -ex run -ex 'p counter' -ex 'p nosuch' \
    -ex 'info registers rip' -ex 'x/2dw numbers' -ex 'echo "quoted"\t\n' \
    "$DEBUGGEE/cli_vars" >"$TMP/out" 2>"$TMP/err"
check_eq "status 1 (p nosuch failed)" 1 $?
check_eq "stderr empty in --json mode" "" "$(cat "$TMP/err")"
check_eq "one record per command" 7 "$(wc -l <"$TMP/out")"
# Every line parses on its own.
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" | jq -e 'type == "object" and has("command") and has("ok") and has("output") and has("data")' \
        >/dev/null || fail "line $n is not a record: $line"
done <"$TMP/out"
rec() { sed -n "$1p" "$TMP/out"; }
check_eq "p counter value" '"42"' "$(rec 3 | jq -c .data.value)"
check_eq "p counter history" 1 "$(rec 3 | jq .data.history)"
check_eq "p counter output" '"$1 = 42\n"' "$(rec 3 | jq -c .output)"
check_eq "failed record" 'false "No symbol \"nosuch\" in current context."' "$(rec 4 | jq -r '"\(.ok) \(.error|tojson)"')"
check_eq "register data" '"rip"' "$(rec 5 | jq -c '.data.registers[0].name')"
check_eq "x units" '["1","2"]' "$(rec 6 | jq -c '[.data.units[].value]')"
check_eq "escaped output" '"\"quoted\"\t\n"' "$(rec 7 | jq -c .output)"

finish_test
