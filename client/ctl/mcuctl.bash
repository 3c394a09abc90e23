# mcuctl.bash - bash completion for mcuctl. Install:
#   cp client/ctl/mcuctl.bash /etc/bash_completion.d/mcuctl     (or source it)
# Completes commands, subcommands and options; conference ids come from
# `mcuctl --json conference list`, recording ids from `mcuctl --json recordings list`
# and a conference's participant ids from `mcuctl --json participant list ID`, when the
# server answers (with the --server, --token, --token-file, --state-dir and --cacert
# given on the line being completed).

_mcuctl_conference_ids() {
    mcuctl "${_mcuctl_connection[@]}" --json conference list 2>/dev/null |
        grep -o '"id": "[^"]*"' | cut -d'"' -f4
}
_mcuctl_recording_ids() {
    mcuctl "${_mcuctl_connection[@]}" --json recordings list 2>/dev/null |
        grep -o '"id": [0-9]*' | cut -d' ' -f2
}
_mcuctl_participant_ids() { # CONFERENCE
    mcuctl "${_mcuctl_connection[@]}" --json participant list "$1" 2>/dev/null |
        grep -o '"id": "[^"]*"' | cut -d'"' -f4
}

_mcuctl() {
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    }
    local common="--json --server --token --token-file --state-dir --cacert --help"
    local settings="--title --id --layout --pin --no-pin --host-required --no-host-required --start --force --end --duration --timezone
        --early-join --repeat --count --until --record --record-policy --room
        --max-participants --size --fps --codecs"
    local groups="conference participant layout share record recordings token stats metrics audit"

    # The command words typed so far (options and their values skipped; the connection
    # options kept for the lookups), and the first argument after the subcommand.
    local i group="" sub="" npos=0 first=""
    _mcuctl_connection=()
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --server|--token|--token-file|--state-dir|--cacert)
                _mcuctl_connection+=("${words[i]}" "${words[i + 1]}")
                ((i++)) ;;
            -*) ;;
            *) if [ -z "$group" ]; then group=${words[i]}
               elif [ -z "$sub" ]; then sub=${words[i]}
               else [ "$npos" = 0 ] && first=${words[i]}; ((npos++)); fi ;;
        esac
    done

    case $prev in
        --layout) COMPREPLY=($(compgen -W "1x1 2x2 3x3 4x4 5x5 1+5 1+7 speaker speaker+4" -- "$cur")); return ;;
        --repeat) COMPREPLY=($(compgen -W "daily weekly" -- "$cur")); return ;;
        --record-policy) COMPREPLY=($(compgen -W "off manual always" -- "$cur")); return ;;
        --state) COMPREPLY=($(compgen -W "scheduled open ended" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "viewer operator admin" -- "$cur")); return ;;
        --codecs) COMPREPLY=($(compgen -W "vp8 h264 vp8,h264" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "table csv json" -- "$cur")); return ;;
        --token-file|--state-dir|--cacert) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --server|--token|--title|--id|--pin|--start|--end|--duration|--timezone|--early-join|\
        --count|--until|--room|--max-participants|--size|--fps|--from|--to|--by|--action|\
        --target|--since|--limit|--occurrence) return ;;
    esac

    if [ -z "$group" ]; then
        COMPREPLY=($(compgen -W "$groups $common --version" -- "$cur"))
        return
    fi
    local subs="" opts="$common"
    case $group in
        conference) subs="create list show update delete end lock unlock room-token host-token report"
            case $sub in
                create|update) opts="$common $settings" ;;
                list) opts="$common --state --from --to" ;;
                report) opts="$common --format --occurrence --since --until" ;;
            esac ;;
        participant) subs="list mute unmute kick focus"
            case $sub in
                mute|unmute) opts="$common --audio --video" ;;
                focus) opts="$common --none" ;;
            esac ;;
        layout) subs="set" ;;
        record) subs="start stop pause resume" ;;
        share) subs="stop" ;;
        recordings) subs="list show verify export delete"; opts="$common --conference --progress" ;;
        token) subs="create list revoke"; [ "$sub" = create ] && opts="$common --role" ;;
        audit) opts="$common --by --action --target --since --until --failed --limit"; sub=- ;;
        stats|metrics) sub=- ;;
    esac
    if [ -z "$sub" ]; then
        COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [ "$group" = recordings ]; then
        case $sub in
            show|verify|export|delete) COMPREPLY=($(compgen -W "$(_mcuctl_recording_ids)" -- "$cur")) ;;
        esac
    elif [ "$group" = participant ] && [ "$npos" = 1 ] && [ "$sub" != list ]; then
        COMPREPLY=($(compgen -W "$(_mcuctl_participant_ids "$first")" -- "$cur"))
    elif [ "$npos" = 0 ] && [ "$group" != token ] && [ "$sub" != create ] && [ "$sub" != list -o "$group" = participant ]; then
        COMPREPLY=($(compgen -W "$(_mcuctl_conference_ids)" -- "$cur"))
    fi
}
complete -F _mcuctl mcuctl
