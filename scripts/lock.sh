#!/bin/sh
# Refresh requirements.lock, the versions the suite was tested with, from a working .venv
# (after `sh scripts/setup.sh test` and a green test run):  sh scripts/lock.sh
# torch is written as the plain release so that pip takes the CPU wheel this machine kind keeps on disk.
set -eu
cd "$(dirname "$0")/.."
{
    echo "# The versions msa was tested with; scripts/setup.sh installs with these as constraints."
    echo "# Refresh: sh scripts/lock.sh (from a .venv whose test suite passed)."
    .venv/bin/python -m pip freeze --exclude-editable | sed -e 's/^torch==\([0-9.]*\)+.*/torch==\1/'
} > requirements.lock
