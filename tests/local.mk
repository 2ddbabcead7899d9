# tests/: shared test infrastructure.  Tests of each part are declared in that
# part's fragment; this one holds the bench and helper targets.
EXTRA_DIST += tests/README.md
