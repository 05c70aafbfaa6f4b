#!/bin/sh
# Set up msa on a fresh machine: a virtual environment with the project installed,
# plus the system tools that some features use (Tesseract for OCR; Chromium for the
# browser test), installed through apt where this machine allows it.
# Usage: sh scripts/setup.sh          (the demo and the CLI)
#        sh scripts/setup.sh test     (also the test and benchmark tools)
set -eu
cd "$(dirname "$0")/.."
extra=""
[ "${1:-}" = "test" ] && extra="[test]"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# The versions in requirements.lock are the tested ones (refresh: sh scripts/lock.sh); the venv's
# bundled pip installs them, so nothing depends on the newest pip of the day. torch is the CPU
# build this machine kind carries on disk.
.venv/bin/python -m pip install --quiet -c requirements.lock -e ".${extra}"

# System packages: only where apt exists and we may use it; everything works without them.
apt_install() {
    if command -v apt-get >/dev/null 2>&1; then
        if [ "$(id -u)" = "0" ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else return 0; fi
        $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 \
            || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "$@" >/dev/null 2>&1; } \
            || echo "setup: could not install $* (features that need them will say so)" >&2
    fi
}
command -v tesseract >/dev/null 2>&1 || apt_install tesseract-ocr tesseract-ocr-eng
if [ -n "$extra" ]; then
    # the browser tests drive Debian's chromium; tests never install it themselves
    command -v chromium >/dev/null 2>&1 || apt_install chromium
fi
exit 0
