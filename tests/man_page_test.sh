#!/usr/bin/env bash
# Checks docs/sigvisor.1: groff renders it without a single warning (-ww), it has the
# sections users look for, and it documents every option `sigvisor --help` lists.
# Usage: man_page_test.sh MAN_PAGE SIGVISOR_BIN. Exit 77 (skip) when groff is missing.
set -uo pipefail
page=$1
bin=$2
if ! command -v groff >/dev/null; then
    echo "SKIP: groff not installed (apt-get install groff-base)"
    exit 77
fi
fail=0
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
if [[ -n $warnings ]]; then echo "FAIL: groff warnings:"; echo "$warnings"; fail=1; fi
text=$(groff -man -Tutf8 -P-c -P-b -P-u "$page" 2>/dev/null | col -b 2>/dev/null || groff -man -Tascii "$page")
for section in NAME SYNOPSIS DESCRIPTION OPTIONS EVENTS "POLICY LANGUAGE" "EXIT STATUS" EXAMPLES LIMITS; do
    grep -q "^$section\$" <<<"$text" || { echo "FAIL: no $section section"; fail=1; }
done
# Every option of --help, as the rendered page spells it (groff renders \- as -).
mapfile -t opts < <("$bin" --help | grep -oE '^  (-[A-Za-z] \[ )?--?[a-z][a-z0-9-]*' | grep -oE -- '--?[A-Za-z][a-z0-9-]*$')
[[ ${#opts[@]} -ge 9 ]] || { echo "FAIL: could not read options from $bin --help"; fail=1; }
for o in "${opts[@]}"; do
    grep -qE -- "(^|[ ,])$o([ ,=[]|$)" <<<"$text" || { echo "FAIL: $o is in --help but not in the man page"; fail=1; }
done
# Exit statuses the README documents.
for st in 124 125 126 127; do
    grep -qE "^ +$st( |\$)" <<<"$text" || { echo "FAIL: exit status $st not documented"; fail=1; }
done
[[ $fail -eq 0 ]] && echo "man page: renders cleanly, ${#opts[@]} options documented"
exit $fail
