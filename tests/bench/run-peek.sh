#!/bin/sh
# run-peek.sh — `make bench-peek`: examples/peek (unsafeDupablePerformIO vs
# unsafePerformIO, 1024 peeks per sample) beside its Haskell twin
# tests/bench/peek.hs under GHC, both at -N2 (noDuplicate is a no-op with
# one capability, in both runtimes).  The seed measured (GHC 7.2,
# criterion) 76.43 us vs 142.17 us, 1.86x.  On a loaded machine the means
# carry the outliers; the medians are the steadier comparison.
# Environment: SAMPLES (default 2000).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
SAMPLES=${SAMPLES:-2000}
ours="$top_builddir/examples/peek"
[ -x "$ours" ] || { echo "run-peek.sh: $ours is not built (run make first)" >&2; exit 1; }
work=$(mktemp -d /tmp/bench-peek.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

"$ours" "$SAMPLES" +RTS -N2 -RTS
if command -v ghc >/dev/null 2>&1; then
    cp "$top_srcdir/tests/bench/peek.hs" "$work/"
    if (cd "$work" && ghc -O2 -threaded -rtsopts -fno-full-laziness -v0 peek.hs -o peek-hs); then
        "$work/peek-hs" "$SAMPLES" +RTS -N2 -RTS
    else
        echo "run-peek.sh: peek.hs did not build (needs the random and deepseq packages)"
    fi
else
    echo "run-peek.sh: no ghc: the GHC anchor is skipped"
fi
