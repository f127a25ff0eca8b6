# bash completion for sigvisor: options (taken from `sigvisor --help`, so they stay in
# step with the binary), shipped policy names and policy files for -P/--policy, files for
# -o/--output/--json/--graph, process ids for -p/--attach, and the command after `--` or
# the first non-option word.
# Installed as share/bash-completion/completions/sigvisor.

# Where the shipped policies are: next to the sigvisor that will run
# (BIN/../share/sigvisor/policies), then SIGVISOR_POLICY_DIR, then the system's.
_sigvisor_policy_dirs() {
    local bin dir
    bin=$(type -P "${COMP_WORDS[0]:-sigvisor}" 2>/dev/null)
    if [[ -n $bin ]]; then
        dir=$(dirname -- "$(readlink -f -- "$bin")")
        echo "$dir/../share/sigvisor/policies"
        echo "$dir/../policies"   # a build tree's binary next to a source tree
    fi
    [[ -n ${SIGVISOR_POLICY_DIR:-} ]] && echo "$SIGVISOR_POLICY_DIR"
    echo /usr/share/sigvisor/policies /usr/local/share/sigvisor/policies
}

_sigvisor_policy_names() {
    local d f
    while IFS= read -r d; do
        for f in "$d"/*.json; do
            [[ -e $f ]] || continue
            f=${f##*/}
            echo "${f%.json}"
        done
    done < <(_sigvisor_policy_dirs) | sort -u
}

_sigvisor_options() {
    "${COMP_WORDS[0]:-sigvisor}" --help 2>/dev/null |
        grep -oE '^  (-[A-Za-z]( \[ --[a-z][a-z0-9-]* \])?|--[a-z][a-z0-9-]*)' |
        grep -oE -- '--?[A-Za-z][a-z0-9-]*'
}

_sigvisor() {
    local cur prev i word
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    # After `--` or the program's name: complete the command as bash would.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -- ]]; then
            _sigvisor_command $((i + 1))
            return 0
        fi
        case $word in
            -P | --policy | -o | --output | --format | --json | -e | --timeout | --graph | \
                --timeout-signal | --kill-after | --user | -p | --attach)
                ((i++)) ;;
            -*) ;;
            *)
                _sigvisor_command "$i"
                return 0
                ;;
        esac
    done

    case $prev in
        -P | --policy)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_sigvisor_policy_names)" -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
            return 0
            ;;
        --format)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return 0
            ;;
        -e)
            COMPREPLY=($(compgen -W "trace=all trace=none trace=send trace=mask trace=action trace=wait trace=fd trace=stack trace=indirect trace=limit" -- "$cur"))
            return 0
            ;;
        -o | --output | --json | --graph)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
        --timeout | --kill-after)
            return 0
            ;;
        --timeout-signal)
            COMPREPLY=($(compgen -W "TERM INT HUP QUIT KILL USR1 USR2" -- "$cur"))
            return 0
            ;;
        -p | --attach)
            # Running processes, after the last comma of a PID,PID list.
            local prefix="" pids
            [[ $cur == *,* ]] && prefix=${cur%,*},
            pids=$(ps -e -o pid= 2>/dev/null | tr -d ' ')
            COMPREPLY=($(compgen -P "$prefix" -W "$pids" -- "${cur##*,}"))
            return 0
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_sigvisor_options) --" -- "$cur"))
    else
        COMPREPLY=($(compgen -c -- "$cur"))
    fi
    return 0
}

# The traced command's own words: use its completion when bash-completion provides
# _command_offset, else complete commands then files.
_sigvisor_command() {
    local start=$1
    if declare -F _command_offset >/dev/null; then
        _command_offset "$start"
    elif ((COMP_CWORD == start)); then
        COMPREPLY=($(compgen -c -- "${COMP_WORDS[COMP_CWORD]}"))
    else
        COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
    fi
}

complete -F _sigvisor sigvisor
