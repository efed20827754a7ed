#!/usr/bin/env python3
"""Runs one script test and compares what it does with what it should do.

usage: run_script.py PPL TEST [--expect-dir DIR] [--update]

TEST is a .ppl program or a .repl session. Beside it:
  NAME.out   the exact standard output expected (required)
  NAME.err   the exact standard error expected (absent: stderr must be empty)
Header comments at the top of a .ppl file set how it is run:
  // args: --seed 3          extra arguments after the file
  // cmd: check              the subcommand (default: run)
  // exit: 2                 the expected exit status (default 0)
A .repl file is fed to `ppl` (the REPL) on standard input; its exit status
must be 0 unless an `// exit:` line says otherwise.

With --expect-dir, NAME.out and NAME.err are read from DIR instead (used for
examples/, whose expected output lives in tests/examples/).
Programs run in the test's own directory with the bare file name, so
messages read "name.ppl:3:5: ...". --update rewrites NAME.out/NAME.err from
the actual run (review the diff before committing).
"""
import difflib
import os
import subprocess
import sys


def directives(path):
    found = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("//"):
                break
            body = line[2:].strip()
            for key in ("args", "cmd", "exit"):
                if body.startswith(key + ":"):
                    found[key] = body[len(key) + 1:].strip()
    return found


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def show_diff(what, expected, actual):
    sys.stdout.write("--- %s differs (expected, actual):\n" % what)
    for line in difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                     "expected", "actual"):
        sys.stdout.write(line if line.endswith("\n") else line + "\n")


def main():
    ppl, test = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    update = "--update" in sys.argv[3:]
    directory, name = os.path.split(test)
    expect_dir = directory
    if "--expect-dir" in sys.argv:
        expect_dir = os.path.abspath(sys.argv[sys.argv.index("--expect-dir") + 1])
    stem = os.path.splitext(name)[0]
    d = directives(test)
    env = dict(os.environ, NO_COLOR="1", HOME=directory)
    env.pop("PPL_HISTORY", None)
    if test.endswith(".repl"):
        with open(test, "rb") as f:
            stdin = f.read()
        cmd = [ppl] + d.get("args", "").split()
    else:
        stdin = b""
        cmd = [ppl, d.get("cmd", "run"), name] + d.get("args", "").split()
    try:
        proc = subprocess.run(cmd, cwd=directory, input=stdin, capture_output=True,
                              env=env, timeout=600)
    except subprocess.TimeoutExpired:
        print("FAIL: timed out")
        return 1
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    want_exit = int(d.get("exit", "0"))
    out_path = os.path.join(expect_dir, stem + ".out")
    err_path = os.path.join(expect_dir, stem + ".err")
    if update:
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(out)
        if err:
            with open(err_path, "w", encoding="utf-8") as f:
                f.write(err)
        elif os.path.exists(err_path):
            os.remove(err_path)
        print("updated %s (exit %d)" % (stem, proc.returncode))
        return 0
    ok = True
    want_out = read(out_path)
    if want_out is None:
        print("FAIL: %s is missing" % out_path)
        ok = False
    elif out != want_out:
        show_diff("stdout", want_out, out)
        ok = False
    want_err = read(err_path) or ""
    if err != want_err:
        show_diff("stderr", want_err, err)
        ok = False
    if proc.returncode != want_exit:
        print("--- exit status %d, expected %d" % (proc.returncode, want_exit))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
