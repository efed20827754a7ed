#!/usr/bin/env bash
# ppl.sh — install what is missing, build, and run ppl with the given
# arguments:   ./ppl.sh examples/coin.ppl      ./ppl.sh   (the REPL)
cd "$(dirname "$0")" || exit 2
here=$(pwd)
. scripts/setup.sh
ppl_install_packages || { echo "ppl.sh: installing packages failed" >&2; exit 2; }
ppl_build build || { echo "ppl.sh: the build failed" >&2; exit 2; }
cd "$OLDPWD" 2>/dev/null || true
exec "$here/build/cli/ppl" "$@"
