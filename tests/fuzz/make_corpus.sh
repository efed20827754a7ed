#!/bin/sh
# make_corpus.sh — rebuilds the seed corpus in tests/fuzz/corpus/ from every
# .ppl file in the repository (examples/, tests/, stdlib/, tests/fuzz/seeds/)
# and every ```ppl code block in README.md and docs/*.md.
# Files are named after their path: tests/scripts/a.ppl -> tests_scripts_a.ppl.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/corpus"

rm -rf "$out"
mkdir -p "$out"
cd "$root"

# .ppl files, skipping build directories, the corpus itself and the
# regression inputs (those run as tests already)
find . -name '*.ppl' -type f \
  -not -path './build*' -not -path './.git/*' \
  -not -path './tests/fuzz/corpus/*' -not -path './tests/fuzz/regressions/*' |
  sort | while read -r f; do
    name=$(printf '%s' "${f#./}" | tr '/' '_')
    cp "$f" "$out/$name"
  done

# code blocks of the documentation
for doc in README.md docs/*.md; do
  [ -f "$doc" ] || continue
  awk -v out="$out" -v base="$(printf '%s' "$doc" | tr '/' '_')" '
    /^```ppl/ { n++; file = sprintf("%s/%s_%03d.ppl", out, base, n); inside = 1; next }
    /^```/    { if (inside) close(file); inside = 0; next }
    inside    { print > file }
  ' "$doc"
done

echo "$(find "$out" -type f | wc -l) files in $out"
