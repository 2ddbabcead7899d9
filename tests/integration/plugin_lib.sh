# plugin_lib.sh — helpers sourced by tests/integration/plugin_*.sh:
# cli_lib.sh's, with the runtime-aware plugin loaded automatically (SKIP
# when it is not built), check for an extended-regexp line, and rtsdb in
# batch mode with a time limit.
. "$top_srcdir/tests/integration/cli_lib.sh"
[ -f "$top_builddir/commands/.libs/rts_plugin.so" ] || { echo "SKIP: the plugin is not built"; exit 77; }
unset RTSDB_NO_AUTOLOAD

check() {   # check WHAT PATTERN FILE
    grep -Eq "$2" "$3" || fail "$1 (no line matching: $2)"
}
rtsdb() { timeout 60 "$RTSDB" -q --batch "$@" 2>&1; }
