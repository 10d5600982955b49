#!/bin/bash

__sqlpipe_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__sqlpipe_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__sqlpipe_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__sqlpipe_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_sqlpipe() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    transfer|replication|query|connection|user|serve|store|help)
        # Offer subcommand argument completions
        "_sqlpipe_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'transfer replication query connection user serve store help' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_transfer() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|cancel|delete)
        # Offer subcommand argument completions
        "_sqlpipe_transfer_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show cancel delete' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_transfer_create() {
    repeating_flags=()
    non_repeating_flags=(--no-header --overwrite --delete-missing --detach --json --quiet --version -h --help)
    repeating_options=(--column --primary-key)
    non_repeating_options=(--source --source-file --target --target-file -q --query --query-file --format --compression --delimiter --quote --null-string --target-schema --target-table --mode --cursor-column --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--source')
        return
        ;;
    '--source-file')
        __sqlpipe_add_completions -f
        return
        ;;
    '--target')
        return
        ;;
    '--target-file')
        __sqlpipe_add_completions -f
        return
        ;;
    '-q'|'--query')
        return
        ;;
    '--query-file')
        __sqlpipe_add_completions -f
        return
        ;;
    '--format')
        __sqlpipe_add_completions -W 'csv'$'\n''tsv'$'\n''ndjson'
        return
        ;;
    '--compression')
        __sqlpipe_add_completions -W 'none'$'\n''gzip'$'\n''zstd'
        return
        ;;
    '--delimiter')
        return
        ;;
    '--quote')
        return
        ;;
    '--null-string')
        return
        ;;
    '--column')
        return
        ;;
    '--target-schema')
        return
        ;;
    '--target-table')
        return
        ;;
    '--mode')
        __sqlpipe_add_completions -W 'append'$'\n''overwrite'$'\n''truncate'$'\n''upsert'$'\n''incremental'
        return
        ;;
    '--primary-key')
        return
        ;;
    '--cursor-column')
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_transfer_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--page --page-size --sort --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    '--sort')
        __sqlpipe_add_completions -W 'id'$'\n''created_at'$'\n''-id'$'\n''-created_at'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_transfer_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_transfer_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_transfer_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|update|delete|run|runs|show-run|cancel)
        # Offer subcommand argument completions
        "_sqlpipe_replication_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show update delete run runs show-run cancel' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_replication_create() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-f --file --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-f'|'--file')
        __sqlpipe_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--page --page-size --sort --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    '--sort')
        __sqlpipe_add_completions -W 'id'$'\n''created_at'$'\n''-id'$'\n''-created_at'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_update() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-f --file --store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-f'|'--file')
        __sqlpipe_add_completions -o plusdirs -fX '!*.@(yaml|yml|json)'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_run() {
    repeating_flags=()
    non_repeating_flags=(--detach --json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--stream --store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--stream')
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_runs() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--page --page-size --sort --store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    '--sort')
        __sqlpipe_add_completions -W 'id'$'\n''created_at'$'\n''-id'$'\n''-created_at'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_show-run() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_replication_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_query() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|cancel|delete)
        # Offer subcommand argument completions
        "_sqlpipe_query_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show cancel delete' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_query_create() {
    repeating_flags=()
    non_repeating_flags=(--detach --json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-c --connection -q --query --query-file --format --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-c'|'--connection')
        return
        ;;
    '-q'|'--query')
        return
        ;;
    '--query-file')
        __sqlpipe_add_completions -f
        return
        ;;
    '--format')
        __sqlpipe_add_completions -W 'table'$'\n''csv'$'\n''tsv'$'\n''json'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_query_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--page --page-size --sort --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    '--sort')
        __sqlpipe_add_completions -W 'id'$'\n''created_at'$'\n''-id'$'\n''-created_at'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_query_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_query_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_query_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_connection() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|update|delete|test)
        # Offer subcommand argument completions
        "_sqlpipe_connection_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show update delete test' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_connection_create() {
    repeating_flags=()
    non_repeating_flags=(--clear-params --password-stdin --prompt-password --skip-test --restricted --json --quiet --version -h --help)
    repeating_options=(--param)
    non_repeating_options=(--name --url --ds-type --host --hostname --port --db-name --database --username --account-id --password-env --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--name')
        return
        ;;
    '--url')
        return
        ;;
    '--ds-type')
        __sqlpipe_add_completions -W 'postgresql'$'\n''mysql'$'\n''mariadb'$'\n''sqlite'
        return
        ;;
    '--host'|'--hostname')
        return
        ;;
    '--port')
        return
        ;;
    '--db-name'|'--database')
        __sqlpipe_add_completions -f
        return
        ;;
    '--username')
        return
        ;;
    '--account-id')
        return
        ;;
    '--param')
        return
        ;;
    '--password-env')
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_connection_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--page --page-size --sort --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    '--sort')
        __sqlpipe_add_completions -W 'id'$'\n''created_at'$'\n''-id'$'\n''-created_at'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_connection_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_connection_update() {
    repeating_flags=()
    non_repeating_flags=(--clear-params --password-stdin --prompt-password --skip-test --json --quiet --version -h --help)
    repeating_options=(--param)
    non_repeating_options=(--name --url --ds-type --host --hostname --port --db-name --database --username --account-id --password-env --restricted --store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--name')
        return
        ;;
    '--url')
        return
        ;;
    '--ds-type')
        __sqlpipe_add_completions -W 'postgresql'$'\n''mysql'$'\n''mariadb'$'\n''sqlite'
        return
        ;;
    '--host'|'--hostname')
        return
        ;;
    '--port')
        return
        ;;
    '--db-name'|'--database')
        __sqlpipe_add_completions -f
        return
        ;;
    '--username')
        return
        ;;
    '--account-id')
        return
        ;;
    '--param')
        return
        ;;
    '--password-env')
        return
        ;;
    '--restricted')
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_connection_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_connection_test() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_user() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|update|delete)
        # Offer subcommand argument completions
        "_sqlpipe_user_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show update delete' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_user_create() {
    repeating_flags=()
    non_repeating_flags=(--admin --password-stdin --prompt-password --json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--username --password-env --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--username')
        return
        ;;
    '--password-env')
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_user_list() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--page --page-size --sort --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--page')
        return
        ;;
    '--page-size')
        return
        ;;
    '--sort')
        __sqlpipe_add_completions -W 'id'$'\n''created_at'$'\n''-id'$'\n''-created_at'
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_user_show() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_user_update() {
    repeating_flags=()
    non_repeating_flags=(--admin --no-admin --password-stdin --prompt-password --json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--username --password-env --store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--username')
        return
        ;;
    '--password-env')
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_user_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --store-password-env)
    __sqlpipe_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_serve() {
    repeating_flags=()
    non_repeating_flags=(--json --quiet --version -h --help)
    repeating_options=(--trusted-proxy)
    non_repeating_options=(--host --port --max-concurrency --shutdown-grace --tls-cert --tls-key --max-queued-per-user --max-connections --idle-timeout --header-timeout --log-format --metrics-port --metrics-host --data-dir --store --store-password-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--host')
        return
        ;;
    '--port')
        return
        ;;
    '--max-concurrency')
        return
        ;;
    '--shutdown-grace')
        return
        ;;
    '--tls-cert')
        __sqlpipe_add_completions -f
        return
        ;;
    '--tls-key')
        __sqlpipe_add_completions -f
        return
        ;;
    '--trusted-proxy')
        return
        ;;
    '--max-queued-per-user')
        return
        ;;
    '--max-connections')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--header-timeout')
        return
        ;;
    '--log-format')
        __sqlpipe_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--metrics-port')
        return
        ;;
    '--metrics-host')
        return
        ;;
    '--data-dir')
        __sqlpipe_add_completions -d
        return
        ;;
    '--store')
        __sqlpipe_add_completions -f
        return
        ;;
    '--store-password-env')
        return
        ;;
    esac
}

_sqlpipe_store() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    copy)
        # Offer subcommand argument completions
        "_sqlpipe_store_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'copy' -- "${cur}"))
        ;;
    esac
}

_sqlpipe_store_copy() {
    repeating_flags=()
    non_repeating_flags=(--quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(--from --to --to-password-env --from-key-env)
    __sqlpipe_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--from')
        __sqlpipe_add_completions -f
        return
        ;;
    '--to')
        return
        ;;
    '--to-password-env')
        return
        ;;
    '--from-key-env')
        return
        ;;
    esac
}

_sqlpipe_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __sqlpipe_offer_flags_options -1
}

complete -o filenames -F _sqlpipe sqlpipe
