#!/bin/sh
# gcstress-matrix.sh — examples/gcstress prints the same checksum under
# every combination of -N1/-N2, -A64k/-A1m/-A8m, -G2/-G3, without -DS (a
# longer run) and with -DS (a shorter run: the heap is checked at every GC).
# A GC bug that loses, duplicates or corrupts an object changes the
# checksum; a missing write barrier trips -DS.
set -u
prog="${top_builddir:-.}/examples/gcstress"
[ -x "$prog" ] || { echo "gcstress-matrix: $prog not built"; exit 1; }
errs=$(mktemp /tmp/gcstress-matrix.XXXXXX)
trap 'rm -f "$errs"' EXIT
fail=0

# matrix SEED ROUNDS EXTRA-FLAGS
matrix() {
    seed=$1 rounds=$2 extra=$3
    ref=$("$prog" "$seed" "$rounds" +RTS -N1 -A1m -G2 -RTS | tail -n 1)
    case "$ref" in
        checksum:*) ;;
        *) echo "FAIL: seed $seed: no checksum from the reference run ($ref)"; fail=1; return ;;
    esac
    for n in 1 2; do
        for a in 64k 1m 8m; do
            for g in 2 3; do
                flags="-N$n -A$a -G$g $extra"
                got=$("$prog" "$seed" "$rounds" +RTS $flags -RTS 2>"$errs" | tail -n 1)
                if [ "$got" != "$ref" ]; then
                    echo "FAIL: gcstress $seed $rounds +RTS $flags: '$got' (expected '$ref')"
                    tail -n 5 "$errs"
                    fail=1
                else
                    echo "ok: gcstress $seed $rounds +RTS $flags: $got"
                fi
            done
        done
    done
}

matrix 1 1500 ""
matrix 3 300 "-DS"
exit $fail
