#!/bin/sh
# pipeline_check.sh — examples/pipeline writes exactly the names a plain
# zcat|grep|sed pipeline finds, in input order, and the same bytes for every
# -N, -A, channel depth and worker count (with and without -DS).
set -u
bin="${top_builddir:-.}/examples/pipeline"
[ -x "$bin/pipeline" ] && [ -x "$bin/gen-fdns" ] || { echo "pipeline_check: pipeline not built"; exit 1; }
tmp=$(mktemp -d /tmp/pipeline_check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$bin/gen-fdns" 20000 7 > "$tmp/in.gz" || exit 1
# the reference, without the runtime or JSON parsing
zcat "$tmp/in.gz" | sed -n 's/.*"name":"\([^"]*\.example\.com\)".*/\1/p' > "$tmp/ref"
[ -s "$tmp/ref" ] || { echo "FAIL: empty reference"; exit 1; }
ref=$(md5sum < "$tmp/ref")
fail=0
for cfg in "-w 1 -d 1|-N1 -A1m" "-w 4 -d 1|-N1 -A64k" "-w 4 -d 1|-N2 -A64k" "-w 2 -d 3|-N2 -A1m" \
           "-w 3 -d 1|-N1 -A64k -DS" "-w 8 -d 2|-N2 -A256k"; do
    args=${cfg%%|*}
    rts=${cfg#*|}
    if ! timeout 120 "$bin/pipeline" $args "$tmp/in.gz" +RTS $rts -RTS > "$tmp/out" 2> "$tmp/err"; then
        echo "FAIL: pipeline $args +RTS $rts: exit status $?"; tail -n 5 "$tmp/err"; fail=1; continue
    fi
    got=$(md5sum < "$tmp/out")
    if [ "$got" = "$ref" ]; then
        echo "ok: pipeline $args +RTS $rts: $(tail -n 1 "$tmp/err")"
    else
        echo "FAIL: pipeline $args +RTS $rts: output differs from the reference"; fail=1
    fi
done
# chaos mode's counting (seed 0 perturbs nothing): the same bytes, and the
# MVar queue census at exit (Note [MVar queue census], rts/sm/GCUtils.c);
# 16 workers queue on the work chan's read lock from the start
if timeout 120 "$bin/pipeline" -w 16 "$tmp/in.gz" +RTS -N2 -A64k --gc-chaos=0 -RTS > "$tmp/out" 2> "$tmp/err" \
   && [ "$(md5sum < "$tmp/out")" = "$ref" ] \
   && grep -qE "^gc-chaos: census of [1-9][0-9]* minor GCs: [1-9][0-9]* old MVars on mut lists, [1-9][0-9]* with >= 3 queued threads" "$tmp/err" \
   && grep -qE "^gc-chaos: the #18919 precondition .* [0-9]+ times" "$tmp/err"; then
    echo "ok: --gc-chaos=0 census: $(grep -m1 '^gc-chaos: census' "$tmp/err" | cut -c1-120)..."
else
    echo "FAIL: pipeline -w 16 +RTS -N2 -A64k --gc-chaos=0: output or census missing"; tail -n 4 "$tmp/err"; fail=1
fi
# malformed lines are counted and skipped, the rest parsed as before; at
# -A64k -DS collections fall inside the workers' chunks (they parse on their
# green threads, allocating each name: Note [Workers parse on their green
# threads]) and the sanity checker walks the half-built lists of names
{ zcat "$tmp/in.gz" | head -n 1500; echo 'not json'; echo '{"name": 5}'; echo '{"type":"a"}'
  zcat "$tmp/in.gz" | tail -n +1501; } | gzip -c > "$tmp/mixed.gz"
if timeout 120 "$bin/pipeline" -w 3 "$tmp/mixed.gz" +RTS -N2 -A64k -DS -RTS > "$tmp/out" 2> "$tmp/err" \
   && [ "$(md5sum < "$tmp/out")" = "$ref" ] && grep -q "^pipeline: 20003 lines, 3 malformed" "$tmp/err"; then
    echo "ok: malformed lines: $(tail -n 1 "$tmp/err")"
else
    echo "FAIL: malformed lines: $(tail -n 1 "$tmp/err")"; fail=1
fi
# bad input: one clear line, non-zero status, no crash
printf 'not gzip at all\n' | gzip -c | head -c 20 > "$tmp/bad.gz"
"$bin/pipeline" "$tmp/bad.gz" > /dev/null 2> "$tmp/err"; st=$?
if [ $st -ne 1 ] || ! grep -q "pipeline: .*corrupt or truncated" "$tmp/err"; then
    echo "FAIL: truncated input: status $st, '$(cat "$tmp/err")'"; fail=1
else
    echo "ok: truncated input: $(cat "$tmp/err")"
fi
"$bin/pipeline" -w 0 "$tmp/in.gz" > /dev/null 2> "$tmp/err"; st=$?
[ $st -eq 1 ] && grep -q "bad worker count" "$tmp/err" || { echo "FAIL: -w 0: status $st"; fail=1; }
exit $fail
