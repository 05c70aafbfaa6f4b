#!/bin/sh
# Rewrite tests/slow_tests.txt from a full run's durations: the tests that take 0.8 s or more
# (setup, call and teardown together) are marked slow, so `pytest -m "not slow"` stays a quick loop.
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp)
.venv/bin/python -m pytest -q --durations=0 -p no:cacheprovider >"$log" 2>&1 || true
{
    echo "# Tests measured at 0.8 s or more (setup, call and teardown) in a full run: conftest.py marks them slow."
    echo "# Refresh from a full run's durations: sh scripts/slow_tests.sh (see the script)."
    grep -E '^[0-9.]+s (call|setup|teardown)' "$log" | awk '{sub(/s$/, "", $1); t[$3] += $1} END {for (k in t) if (t[k] >= 0.8) print k}' \
        | sed 's/\[.*//' | sort -u
} > tests/slow_tests.txt
rm -f "$log"
