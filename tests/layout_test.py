#!/usr/bin/env python3
"""The layout rules of docs/architecture.md, checked: every `#include "folder/file.h"` in
src/ stays within what the folder table allows, and no source file is over 450 lines.

Usage: layout_test.py SOURCE_DIR. The table is read from docs/architecture.md itself
(rows `| `folder/` | what | may include |`), so the document and the check cannot drift
apart. "everything above" means every folder of the rows above ("but `x/`" leaves x out); a folder may always
include itself and its own subfolders. Exit 1 with one line per violation.
"""
import os
import re
import sys

MAX_LINES = 450
EXEMPT = {"src/decode/syscall_names_x86.inc"}  # a generated table (architecture.md)


def folder_rules(doc):
    rules = {}  # folder -> set of allowed folders
    seen = []
    for line in doc.splitlines():
        m = re.match(r"^\| `([a-z_/]+)/`[^|]*\|[^|]*\|([^|]*)\|$", line)
        if not m:
            continue
        folder, allowed = m.group(1), m.group(2).strip()
        words = set(re.findall(r"[a-z_/]+", allowed.split(",")[0]))
        if allowed.startswith("everything above"):
            words = set(seen)
            but = re.match(r"everything above but `?([a-z_/]+?)/?`?(,|$)", allowed)
            if but:
                words.discard(but.group(1))
        rules[folder] = words - {"and", "its", "own", "everything", "above"}
        seen.append(folder)
    return rules


def owner(rules, rel):
    """The folder (longest table entry) that holds src-relative path `rel`."""
    best = None
    for f in rules:
        if rel.startswith(f + "/") and (best is None or len(f) > len(best)):
            best = f
    return best


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "docs/architecture.md")) as f:
        rules = folder_rules(f.read())
    if len(rules) < 10:
        print(f"layout_test: only {len(rules)} folder rows found in docs/architecture.md")
        return 1
    problems = []
    src = os.path.join(root, "src")
    for dirpath, _, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            here = owner(rules, rel)
            if here is None:
                problems.append(f"src/{rel}: its folder is not in docs/architecture.md's table")
                continue
            with open(path) as f:
                text = f.read()
            for n, line in enumerate(text.splitlines(), 1):
                m = re.match(r'#include "([^"]+)"', line)
                if not m or "/" not in m.group(1):
                    continue
                there = owner(rules, m.group(1))
                if there is None or there == here or there.startswith(here + "/"):
                    continue
                if there not in rules[here]:
                    problems.append(f"src/{rel}:{n}: {here}/ may not include {m.group(1)}")
    for top in ("src", "tracer", "tests", "fuzz", "bench"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith((".cc", ".h", ".c", ".inc", ".py", ".sh")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if rel in EXEMPT:
                    continue
                with open(path, errors="replace") as f:
                    n = sum(1 for _ in f)
                if n > MAX_LINES:
                    problems.append(f"{rel}: {n} lines (the limit is {MAX_LINES}: split it)")
    for p in problems:
        print(p)
    print(f"layout_test: {len(rules)} folders, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
