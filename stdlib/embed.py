#!/usr/bin/env python3
"""Writes a C file defining a string constant with a text file's contents.

usage: embed.py INPUT OUTPUT SYMBOL
"""
import sys

src, out, symbol = sys.argv[1:4]
with open(src, encoding="utf-8") as f:
    text = f.read()
lines = []
for line in text.splitlines(keepends=True):
    esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    lines.append('  "' + esc + '"')
with open(out, "w", encoding="utf-8") as f:
    f.write("/* generated from %s by embed.py; do not edit */\n" % src.split("/")[-1])
    f.write("const char %s[] =\n%s;\n" % (symbol, "\n".join(lines) or '  ""'))
