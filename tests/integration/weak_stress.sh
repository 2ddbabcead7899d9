#!/bin/sh
# weak_stress.sh — examples/weakstress: weaks on data and on TSOs, made and
# dropped by many threads; every finalizer must run exactly once.
#
# Default runtime: clean runs under -N2 -A64k -DS (the program checks the
# finalizer counts itself).  --inject=weak-race: the pre-fix sanity check
# must report the stale copy of a WEAK (Note [Racing weak pointer
# evacuation], rts/sm/Sanity.c) within a bounded number of runs with fixed
# seeds 1, 2, ...  Bad arguments get one line and status 1.
set -u
prog="${top_builddir:-.}/examples/weakstress"
[ -x "$prog" ] || { echo "weak_stress: $prog not built"; exit 1; }
tmp=$(mktemp /tmp/weak_stress.XXXXXX)
trap 'rm -f "$tmp"' EXIT
fail=0

# fixed: clean and exact
for seed in 1 2 3; do
    if timeout 120 "$prog" 6 60 $seed +RTS -N2 -A64k -DS -RTS > "$tmp" 2>&1 \
       && grep -q "every finalizer ran exactly once" "$tmp"; then
        echo "ok: fixed, seed $seed: $(grep -m1 'weaks' "$tmp")"
    else
        echo "FAIL: fixed, seed $seed:"; tail -n 8 "$tmp"; fail=1
    fi
done
if timeout 120 "$prog" 4 40 7 +RTS -N1 -A64k -G3 -DS -RTS > "$tmp" 2>&1; then
    echo "ok: fixed, one capability, -G3"
else
    echo "FAIL: fixed, one capability, -G3:"; tail -n 8 "$tmp"; fail=1
fi

# injected: reproduced within 20 runs
found=no
for seed in $(seq 1 20); do
    timeout 120 "$prog" 8 100 $seed +RTS -N2 -A64k -DS --inject=weak-race -RTS > "$tmp" 2>&1
    st=$?
    [ $st -eq 0 ] && continue
    # the stale copy names the first of key, value, finalizer that pointed into
    # the collected space (a key in an older generation stays valid)
    if grep -Eq "internal error: sanity: WEAK .* field (key|value|finalizer)" "$tmp"; then
        echo "ok: weak-race reproduced by seed $seed: $(grep -m1 'internal error' "$tmp")"
        found=yes
    else
        echo "FAIL: weak-race run, seed $seed, failed otherwise (status $st):"; tail -n 8 "$tmp"; fail=1
    fi
    break
done
[ $found = yes ] || { echo "FAIL: weak-race not reproduced in 20 runs"; fail=1; }

# bad usage: one line, status 1
"$prog" zero > /dev/null 2> "$tmp"; st=$?
if [ $st -eq 1 ] && [ "$(wc -l < "$tmp")" -eq 1 ]; then
    echo "ok: bad arguments: $(cat "$tmp")"
else
    echo "FAIL: bad arguments: status $st"; cat "$tmp"; fail=1
fi
exit $fail
