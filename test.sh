#!/usr/bin/env bash
# test.sh — install what is missing, build, and run the whole test suite;
# then the unit, script and error tests again in a build with
# AddressSanitizer and UndefinedBehaviorSanitizer (tests/sanitize.sh).
# Ends with one line: "N passed, N failed", over both runs.
cd "$(dirname "$0")" || exit 2
. scripts/setup.sh
ppl_install_packages || { echo "test.sh: installing packages failed" >&2; exit 2; }
ppl_build build || { echo "test.sh: the build failed"; echo "0 passed, 1 failed"; exit 1; }
meson test -C build --print-errorlogs --num-processes "$(nproc)"
status=$?
logs=(build/meson-logs/testlog.json)
asan_log=build-asan/meson-logs/testlog.json
rm -f "$asan_log"
echo "test.sh: the unit, script and error tests under ASan and UBSan"
tests/sanitize.sh --suite unit --suite scripts --suite errors --num-processes "$(nproc)" || status=1
broken=0
if [ -f "$asan_log" ]; then logs+=("$asan_log"); else echo "test.sh: the sanitizer build failed"; broken=1; fi
python3 tests/summary.py --also-failed "$broken" "${logs[@]}"
exit $status
