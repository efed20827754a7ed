#!/usr/bin/env bash
# test.sh — install what is missing, build, and run the whole test suite.
# Ends with one line: "N passed, N failed".
cd "$(dirname "$0")" || exit 2
. scripts/setup.sh
ppl_install_packages || { echo "test.sh: installing packages failed" >&2; exit 2; }
ppl_build build || { echo "test.sh: the build failed"; echo "0 passed, 1 failed"; exit 1; }
meson test -C build --print-errorlogs --num-processes "$(nproc)"
status=$?
python3 tests/summary.py build/meson-logs/testlog.json
exit $status
