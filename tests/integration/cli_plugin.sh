# cli_plugin.sh — the sample plugin: "plugin load", its command reading
# memory and symbols, --json through the API, "info plugins", a forwarded
# watch mechanism, and autoloading from $RTSDB_PLUGIN_PATH by recognition.
. "$top_srcdir/tests/integration/cli_lib.sh"
PLUGIN_DIR="$top_builddir/tests/plugin/.libs"
PLUGIN="$PLUGIN_DIR/hello_plugin.so"
[ -f "$PLUGIN" ] || { echo "SKIP: $PLUGIN not built"; exit 77; }

timeout 60 "$RTSDB" -q --batch -ex 'break add' -ex run -ex "plugin load $PLUGIN" \
    -ex 'hello' -ex 'hello counter' -ex 'hello nosuch' -ex 'info plugins' -ex 'help hello' \
    -ex 'watch -hello counter' \
    "$DEBUGGEE/cli_vars" >"$TMP/out" 2>&1
check_eq "status (hello nosuch and the watch fail)" 1 $?
grep -qF "Loaded plugin $(cd "$PLUGIN_DIR" && pwd -P)/hello_plugin.so" "$TMP/out" || fail "plugin load message"
grep -qF "Hello from a plugin (call 1, live target)" "$TMP/out" || fail "hello"
grep -q "^counter = 42 (at <counter>)" "$TMP/out" || fail "hello counter"
grep -qF 'hello: no symbol "nosuch"' "$TMP/out" || fail "plugin error"
grep -qF "hello -- Greet from the sample plugin." "$TMP/out" || fail "info plugins lists the command"
grep -qF "Print a greeting, and the int at SYMBOL if given." "$TMP/out" || fail "help of a plugin command"
grep -qF "hello watches are only a demonstration (asked to watch counter)" "$TMP/out" || fail "watch mechanism forwarded"
[ $failures -eq 0 ] || cat "$TMP/out"

# --json through the plugin API.
timeout 60 "$RTSDB" --json --batch -ex 'break add' -ex run -ex "plugin load $PLUGIN" \
    -ex 'hello counter' "$DEBUGGEE/cli_vars" >"$TMP/json" 2>&1
check_eq "json data from a plugin" '{"calls":1,"symbol":"counter","value":42}' \
    "$(tail -1 "$TMP/json" | jq -c .data)"

# Autoload: the plugin recognises cli_vars (it defines hello_plugin_wanted).
unset RTSDB_NO_AUTOLOAD
out=$(RTSDB_PLUGIN_PATH="$PLUGIN_DIR" timeout 60 "$RTSDB" -q --batch -ex 'break add' -ex run \
    -ex 'hello counter' "$DEBUGGEE/cli_vars" 2>&1)
printf '%s\n' "$out" | grep -q "^counter = 42" || { fail "autoloaded plugin"; printf '%s\n' "$out"; }
finish_test
