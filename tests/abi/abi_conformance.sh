#!/bin/sh
# The ABI conformance test: abi_reader, which knows only the debug-info
# table, must decode a live program's MVar queue exactly as the program
# itself sees it (addresses, generations, thread ids, why_blocked), and
# a weak (its fields, on its generation's weak list) and a CAF (on the CAF
# list) the same way.
set -u
b=${top_builddir:-.}/tests/abi
tmp=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$b/abi_target" > "$tmp/own" 2>&1 &
pid=$!
for i in $(seq 100); do grep -q READY "$tmp/own" && break; sleep 0.1; done
grep -q READY "$tmp/own" || { echo "abi_target did not get ready"; cat "$tmp/own"; exit 1; }
# wait until it has stopped itself
for i in $(seq 50); do grep -q '^State:.*T' /proc/$pid/status 2>/dev/null && break; sleep 0.1; done
mvar=$(awk '/^mvar/ {print $2}' "$tmp/own")
weak=$(awk '/^weak/ {print $2}' "$tmp/own")
caf=$(awk '/^caf/ {print $2}' "$tmp/own")
"$b/abi_reader" "$pid" "$mvar" "$weak" "$caf" > "$tmp/reader" || { echo "abi_reader failed"; exit 1; }
grep -v READY "$tmp/own" | sed 's/0x0*/0x/g' > "$tmp/own.n"
sed 's/0x0*/0x/g' "$tmp/reader" > "$tmp/reader.n"
nodes=$(grep -c '^node' "$tmp/own.n")
[ "$nodes" -eq 3 ] || { echo "expected 3 queued threads, runtime shows $nodes"; cat "$tmp/own"; exit 1; }
grep -q '^weak .* on_weak_list yes$' "$tmp/own.n" && grep -q '^caf .* on_caf_list yes$' "$tmp/own.n" ||
    { echo "expected a weak on a weak list and a CAF on the CAF list"; cat "$tmp/own"; exit 1; }
if ! diff -u "$tmp/own.n" "$tmp/reader.n"; then
    echo "FAIL: the table-driven reader disagrees with the runtime"; exit 1
fi
kill -CONT $pid
wait $pid; rc=$?
[ $rc -eq 0 ] || { echo "abi_target exited with $rc"; exit 1; }
echo "abi_conformance: ok ($nodes queued threads, a weak and a CAF agree)"
