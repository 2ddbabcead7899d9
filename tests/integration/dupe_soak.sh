#!/bin/sh
# dupe_soak.sh — the bar for examples/dupe: 1000 clean runs, and the
# duplicate rate of --inject=caf-nonatomic measured over 1000 runs (make
# soak-dupe; not part of make check, about three minutes).
here=$(dirname "$0")
DUPE_RUNS=${DUPE_RUNS:-1000} DUPE_INJECT_MAX=${DUPE_INJECT_MAX:-1000} DUPE_MEASURE=1 \
    exec ${SHELL:-/bin/sh} "$here/dupe.sh"
