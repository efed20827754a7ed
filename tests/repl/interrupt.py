#!/usr/bin/env python3
"""Ctrl-C in the REPL stops a long computation and returns to the prompt,
keeping the session's definitions.

usage: interrupt.py PPL
"""
import os
import signal
import subprocess
import sys
import time

ppl = sys.argv[1]
proc = subprocess.Popen([ppl], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, env=dict(os.environ, NO_COLOR="1"))
proc.stdin.write(b"let kept = 41;\nfn spin(i) { spin(i + 1) }\nspin(0)\n")
proc.stdin.flush()
time.sleep(1.0)
proc.send_signal(signal.SIGINT)
time.sleep(0.5)
out, err = proc.communicate(b"kept + 1\n", timeout=30)
out, err = out.decode(), err.decode()
ok = proc.returncode == 0 and "error: interrupted" in err and out == "42\n"
if not ok:
    print("exit %s\nstdout:\n%s\nstderr:\n%s" % (proc.returncode, out, err))
sys.exit(0 if ok else 1)
