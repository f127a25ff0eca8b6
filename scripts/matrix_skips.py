#!/usr/bin/env python3
"""Reads ctest's LastTest.log and prints the reasons tests were skipped, most frequent
first, as `reason (N)` joined by "; " (scripts/kernel-matrix.sh puts it in its table)."""
import collections
import re
import sys

text = open(sys.argv[1], errors="replace").read()
reasons = collections.Counter()
# One block per test: its output, then "Test Skipped." / "Test Passed." ... GoogleTest
# prints "file:line: Skipped" and the reason on the next line(s).
for block in re.split(r"\n-{10,}\n", text):
    m = re.search(r": Skipped\n(.*?)\n", block)
    if m and "[  SKIPPED ]" in block:
        reasons[m.group(1).strip() or "(no reason given)"] += 1
print("; ".join(f"{r} ({n})" for r, n in reasons.most_common()))
