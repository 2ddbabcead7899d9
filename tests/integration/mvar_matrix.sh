#!/bin/sh
# mvar_matrix.sh — the MVar and BoundedChan unit tests under one and two
# capabilities, small nurseries (a GC every few operations, while threads
# are blocked with values in flight), three generations and -DS (the
# sanity checker, which checks MVar queues and the remembered set).
set -u
dir="${top_builddir:-.}/tests/unit"
fail=0
for t in test_mvar test_bchan; do
    [ -x "$dir/$t" ] || { echo "mvar_matrix: $dir/$t not built"; exit 1; }
    for flags in "-N1 -A64k -DS" "-N1 -G3 -A64k -DS" "-N2 -A64k" "-N2 -A64k -DS" "-N2 -G3 -A256k"; do
        if out=$(timeout 120 "$dir/$t" +RTS $flags -RTS 2>&1); then
            echo "ok: $t +RTS $flags"
        else
            echo "FAIL: $t +RTS $flags (status $?)"
            echo "$out" | tail -n 8
            fail=1
        fi
    done
done
exit $fail
