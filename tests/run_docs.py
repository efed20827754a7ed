#!/usr/bin/env python3
"""Runs every example in a Markdown file and checks its output.

usage: run_docs.py PPL FILE.md

An example is a ```ppl fenced block. When the next fenced block is
```output, the program's standard output must equal it exactly; when it is
```error, the program must fail and its standard error must equal it
exactly. A ```ppl block with no output block after it must run without
error. Blocks marked ```ppl-norun are shown but not run (sketches of a
longer program). Each example runs alone, in the file's directory, as
example.ppl with --seed 1.
"""
import os
import re
import subprocess
import sys
import tempfile


def blocks(text):
    """Yields (kind, body, line) for each fenced block."""
    pattern = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```\s*$", re.S | re.M)
    for m in pattern.finditer(text):
        yield m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1


def main():
    ppl, doc = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(doc, encoding="utf-8") as f:
        found = list(blocks(f.read()))
    failures = 0
    count = 0
    for i, (kind, body, line) in enumerate(found):
        if kind != "ppl":
            continue
        count += 1
        expect_kind, expect = None, None
        if i + 1 < len(found) and found[i + 1][0] in ("output", "error"):
            expect_kind, expect = found[i + 1][0], found[i + 1][1]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "example.ppl")
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            env = dict(os.environ, NO_COLOR="1")
            proc = subprocess.run([ppl, "run", "example.ppl", "--seed", "1"], cwd=tmp,
                                  capture_output=True, env=env, timeout=600)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        where = "%s:%d" % (os.path.basename(doc), line)
        if expect_kind == "error":
            if proc.returncode == 0 or err != expect:
                print("FAIL %s: expected the error\n%s\ngot (exit %d):\n%s%s" % (where, expect, proc.returncode, out, err))
                failures += 1
        else:
            if proc.returncode != 0:
                print("FAIL %s: exit %d\n%s" % (where, proc.returncode, err))
                failures += 1
            elif expect_kind == "output" and out != expect:
                print("FAIL %s: expected output\n%s\ngot:\n%s" % (where, expect, out))
                failures += 1
    print("%d examples, %d failed" % (count, failures))
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
