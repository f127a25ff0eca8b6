#!/usr/bin/env bash
# Tests scripts/completion/sigvisor.bash: source it, set COMP_WORDS/COMP_CWORD as bash
# would, call _sigvisor, check COMPREPLY.
# Usage: completion_test.sh SOURCE_DIR SIGVISOR_BIN
set -uo pipefail
src=$1
bin=$2
fail=0
# shellcheck source=/dev/null
source "$src/scripts/completion/sigvisor.bash"

complete_words() {  # words... (the last one is the word being completed)
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _sigvisor
}
has() {  # description, expected word
    local w
    for w in "${COMPREPLY[@]}"; do [[ $w == "$2" ]] && return 0; done
    echo "FAIL: $1: '$2' not in [${COMPREPLY[*]}]"
    fail=1
}
hasnt() {
    local w
    for w in "${COMPREPLY[@]}"; do
        if [[ $w == "$2" ]]; then echo "FAIL: $1: '$2' unexpectedly in [${COMPREPLY[*]}]"; fail=1; fi
    done
}

# 1. Every long option of --help is offered after "--".
complete_words "$bin" --
mapfile -t from_help < <("$bin" --help | grep -oE '^  (-[A-Za-z] \[ )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*')
[[ ${#from_help[@]} -ge 9 ]] || { echo "FAIL: could not read options from $bin --help"; fail=1; }
for o in "${from_help[@]}"; do has "options after --" "$o"; done
# ... and short ones after "-".
complete_words "$bin" -
for o in -P -o -e -c -h; do has "short options" "$o"; done

# 2. A prefix narrows the list.
complete_words "$bin" --pol
[[ "${COMPREPLY[*]}" == "--policy" ]] || { echo "FAIL: --pol -> [${COMPREPLY[*]}]"; fail=1; }

# 3. -P and --policy offer the shipped policies (from the source tree, next to a build
#    tree's binary) and only those matching the prefix.
shipped=()
for f in "$src"/policies/*.json; do f=${f##*/}; shipped+=("${f%.json}"); done
[[ ${#shipped[@]} -ge 3 ]] || { echo "FAIL: no shipped policies in $src/policies"; fail=1; }
export SIGVISOR_POLICY_DIR=$src/policies
complete_words "$bin" -P ""
for p in "${shipped[@]}"; do has "-P policies" "$p"; done
complete_words "$bin" --policy ci
has "--policy ci" ci-isolation
hasnt "--policy ci" trace
hasnt "--policy ci" untrusted

# 4. An installed layout: BIN/../share/sigvisor/policies is found without the env var.
unset SIGVISOR_POLICY_DIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/share/sigvisor/policies"
cp "$bin" "$tmp/bin/sigvisor"
echo '{"name":"only-here","default":"allow","rules":[]}' >"$tmp/share/sigvisor/policies/only-here.json"
complete_words "$tmp/bin/sigvisor" -P o
has "installed policies" only-here

# 5. Values of --format, and nothing but the program's words after "--".
complete_words "$bin" --format ""
[[ "${COMPREPLY[*]}" == "text json" ]] || { echo "FAIL: --format -> [${COMPREPLY[*]}]"; fail=1; }
complete_words "$bin" -P trace -- --pol
hasnt "after -- the program's words" --policy

# 6. -p offers running pids (this shell's own among them), after a comma too; the pid is
#    -p's value, not the program.
complete_words "$bin" -p "$$"
has "-p pid" "$$"
complete_words "$bin" --attach "1,$$"
has "--attach pid list" "1,$$"
complete_words "$bin" -p 1 --pol
has "options after -p PID" --policy

if [[ $fail -eq 0 ]]; then echo "completion: all checks passed"; fi
exit $fail
