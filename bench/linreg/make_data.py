#!/usr/bin/env python3
"""Writes the linreg workload's data from examples/data/kidiq.csv (see
README.md): the first 100 children, x = (mom_iq - 100) / 15 (the mother's
IQ in standard deviations from the mean) and y = kid_score / 20.

Outputs, beside this script: data.csv (ppl), data.R (JAGS) and the two data
lines of webppl.wppl (rewritten in place). Run once; the outputs are
committed."""
import csv
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
rows = list(csv.DictReader(open(HERE.parent.parent / "examples" / "data" / "kidiq.csv")))[:100]
xs = ["%.6f" % ((float(r["mom_iq"]) - 100) / 15) for r in rows]
ys = ["%.6f" % (float(r["kid_score"]) / 20) for r in rows]

with open(HERE / "data.csv", "w") as f:
    f.write("x,y\n")
    for x, y in zip(xs, ys):
        f.write("%s,%s\n" % (x, y))

with open(HERE / "data.R", "w") as f:
    f.write("N <- %d\n" % len(xs))
    f.write("x <- c(%s)\n" % ", ".join(xs))
    f.write("y <- c(%s)\n" % ", ".join(ys))

wppl = HERE / "webppl.wppl"
text = wppl.read_text()
text = re.sub(r"var xs = \[.*?\];", "var xs = [%s];" % ", ".join(xs), text)
text = re.sub(r"var ys = \[.*?\];", "var ys = [%s];" % ", ".join(ys), text)
wppl.write_text(text)
