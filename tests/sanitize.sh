#!/bin/sh
# sanitize.sh — builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/ and runs the test suite under
# them. Arguments go to `meson test` (e.g. --suite unit).
# Why these options: tests/fuzz/README.md, "Sanitizers".
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-asan"
cd "$root"

if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" -Db_sanitize=address,undefined -Dbuildtype=debug
else
  CC="${CC:-gcc}" meson setup "$build" -Db_sanitize=address,undefined -Dbuildtype=debug
fi
ninja -C "$build"

# The garbage collector's heap is invisible to LeakSanitizer (every object
# malloc'd for a GC object looks leaked) and ASan's fake stack frames are
# invisible to the collector.
export ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0:abort_on_error=1
# Fail on the first UBSan report instead of printing it and carrying on.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Unit tests that cap the address space (RLIMIT_AS) cannot run under ASan,
# which reserves terabytes of it for its shadow memory.
export CRITERION_TEST_PATTERN='!(vm/out_of_memory_is_an_error)'
meson test -C "$build" --print-errorlogs "$@"
