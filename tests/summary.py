#!/usr/bin/env python3
"""Prints "N passed, N failed" from meson's test log (testlog.json files).

A Criterion executable reports TAP, so each of its tests counts on its own;
a docs test counts each example; any other test counts once.

usage: summary.py [--also-failed N] TESTLOG.json [MORE.json ...]
(--also-failed: failures that left no log, such as a build that failed)
"""
import json
import re
import sys

passed = failed = 0
paths = sys.argv[1:]
if paths[:1] == ["--also-failed"]:
    failed = int(paths[1])
    paths = paths[2:]
for path in paths:
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            ok = t["result"] in ("OK", "EXPECTEDFAIL", "SKIP")
            out = t.get("stdout") or ""
            examples = re.search(r"^(\d+) examples, (\d+) failed$", out, re.M)
            if out.startswith("TAP version"):
                p = len(re.findall(r"^ok ", out, re.M))
                f_ = len(re.findall(r"^not ok ", out, re.M))
                if not ok and f_ == 0:
                    f_ = 1  # crashed before reporting
                passed += p
                failed += f_
            elif examples:
                n, bad = int(examples.group(1)), int(examples.group(2))
                passed += n - bad
                failed += bad if bad or ok else 1
            elif ok:
                passed += 1
            else:
                failed += 1
print("%d passed, %d failed" % (passed, failed))
