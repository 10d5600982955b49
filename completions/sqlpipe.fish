function __sqlpipe_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sqlpipe_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sqlpipe_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sqlpipe_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sqlpipe_parse_tokens -S
    set -l unparsed_tokens (__sqlpipe_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sqlpipe'
        __sqlpipe_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'transfer'
            __sqlpipe_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __sqlpipe_parse_subcommand 0 'source=' 'source-file=' 'target=' 'target-file=' 'q/query=' 'query-file=' 'format=' 'compression=' 'delimiter=' 'quote=' 'no-header' 'null-string=' 'column=+' 'target-schema=' 'target-table=' 'mode=' 'overwrite' 'primary-key=+' 'delete-missing' 'cursor-column=' 'detach' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'list'
                __sqlpipe_parse_subcommand 0 'page=' 'page-size=' 'sort=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'show'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'cancel'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'delete'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            end
        case 'replication'
            __sqlpipe_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __sqlpipe_parse_subcommand 0 'f/file=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'list'
                __sqlpipe_parse_subcommand 0 'page=' 'page-size=' 'sort=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'show'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'update'
                __sqlpipe_parse_subcommand 1 'f/file=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'delete'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'run'
                __sqlpipe_parse_subcommand 1 'stream=' 'detach' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'runs'
                __sqlpipe_parse_subcommand 1 'page=' 'page-size=' 'sort=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'show-run'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'cancel'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            end
        case 'query'
            __sqlpipe_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __sqlpipe_parse_subcommand 0 'c/connection=' 'q/query=' 'query-file=' 'format=' 'detach' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'list'
                __sqlpipe_parse_subcommand 0 'page=' 'page-size=' 'sort=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'show'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'cancel'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'delete'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            end
        case 'connection'
            __sqlpipe_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __sqlpipe_parse_subcommand 0 'name=' 'url=' 'ds-type=' 'host=' 'port=' 'db-name=' 'username=' 'account-id=' 'param=+' 'clear-params' 'password-stdin' 'password-env=' 'prompt-password' 'skip-test' 'restricted' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'list'
                __sqlpipe_parse_subcommand 0 'page=' 'page-size=' 'sort=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'show'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'update'
                __sqlpipe_parse_subcommand 1 'name=' 'url=' 'ds-type=' 'host=' 'port=' 'db-name=' 'username=' 'account-id=' 'param=+' 'clear-params' 'password-stdin' 'password-env=' 'prompt-password' 'skip-test' 'restricted=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'delete'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'test'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            end
        case 'user'
            __sqlpipe_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __sqlpipe_parse_subcommand 0 'username=' 'admin' 'password-stdin' 'password-env=' 'prompt-password' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'list'
                __sqlpipe_parse_subcommand 0 'page=' 'page-size=' 'sort=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'show'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'update'
                __sqlpipe_parse_subcommand 1 'username=' 'admin' 'no-admin' 'password-stdin' 'password-env=' 'prompt-password' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            case 'delete'
                __sqlpipe_parse_subcommand 1 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
            end
        case 'serve'
            __sqlpipe_parse_subcommand 0 'host=' 'port=' 'max-concurrency=' 'shutdown-grace=' 'tls-cert=' 'tls-key=' 'trusted-proxy=+' 'max-queued-per-user=' 'max-connections=' 'idle-timeout=' 'header-timeout=' 'log-format=' 'metrics-port=' 'metrics-host=' 'data-dir=' 'store=' 'store-password-env=' 'json' 'quiet' 'version' 'h/help'
        case 'store'
            __sqlpipe_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'copy'
                __sqlpipe_parse_subcommand 0 'from=' 'to=' 'to-password-env=' 'from-key-env=' 'quiet' 'version' 'h/help'
            end
        case 'help'
            __sqlpipe_parse_subcommand -r 1 'version'
        end
    end
end

function __sqlpipe_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sqlpipe_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __sqlpipe_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sqlpipe_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sqlpipe_tokens -p)
    if test -z "$(__sqlpipe_tokens -t)"
        set -l index (count (__sqlpipe_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sqlpipe' -f
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'transfer' -d 'Move the result of a query on one connection into a table on another.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'replication' -d 'Keep many tables in step from one definition, run from cron or on a schedule by `serve`.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'query' -d 'Run SQL statements on a connection and print their results.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'connection' -d 'Manage connections to PostgreSQL, MySQL/MariaDB and SQLite databases.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'user' -d 'Manage the users who may call the REST API of `sqlpipe serve`.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'serve' -d 'Serve the REST API (HTTP Basic Auth), run queued work and start scheduled replication runs.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'store' -d 'Manage the metadata store itself.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe transfer" -eq 1' -fa 'create' -d 'Run a transfer now, in the foreground (or queue it for `sqlpipe serve` with --detach).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe transfer" -eq 1' -fa 'list' -d 'List transfers.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe transfer" -eq 1' -fa 'show' -d 'Show a transfer.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe transfer" -eq 1' -fa 'cancel' -d 'Cancel a queued or running transfer, from any process; the target is left as it was.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe transfer" -eq 1' -fa 'delete' -d 'Delete a transfer that is not running.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" source' -l 'source' -d 'The source connection\'s id or name.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" source-file' -l 'source-file' -d 'A CSV, TSV or NDJSON file to read instead, or - for standard input.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" target' -l 'target' -d 'The target connection\'s id or name.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" target-file' -l 'target-file' -d 'A file to write instead, replaced only once complete, or - for standard output.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" q query' -s 'q' -l 'query' -d 'The SQL to run.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" query-file' -l 'query-file' -d 'Read the SQL from a file, or - for standard input.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" format' -l 'format' -d 'csv, tsv or ndjson; without it, from the file\'s extension.' -rfka 'csv tsv ndjson'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" compression' -l 'compression' -d 'none, gzip or zstd; without it, from the extension (.gz, .zst).' -rfka 'none gzip zstd'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" delimiter' -l 'delimiter' -d 'The field delimiter, one character (default , for CSV, a tab for TSV).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" quote' -l 'quote' -d 'CSV\'s quote character (default ").' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" no-header' -l 'no-header' -d 'The file has no header record (columns are named column_1, column_2, …), or gets none.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" null-string' -l 'null-string' -d 'The text that stands for NULL (default: an empty unquoted CSV field, \\N in TSV).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create"' -l 'column' -d 'A column\'s type in a file read, instead of the inferred one; repeatable. TYPE is a neutral type (docs/type-mapping.md): bool, int64, decimal(12,2), float64, text, bytes, date, timestamp, timestamptz, json, uuid, …' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" target-schema' -l 'target-schema' -d 'The target schema (default: the connection\'s own; for SQLite an attached database).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" target-table' -l 'target-table' -d 'The target table, created when missing. Taken as a name, whatever it contains.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" mode' -l 'mode' -d 'How the rows change the table; without it, append' -rfka 'append overwrite truncate upsert incremental'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" overwrite' -l 'overwrite' -d 'The same as --mode overwrite: replace the table (atomically) instead of appending.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create"' -l 'primary-key' -d 'The key columns: what upsert and incremental match rows by, and the PRIMARY KEY of a table the transfer creates. Repeat it or separate the columns with commas; a name that holds a comma cannot be given here (the API takes an array).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" delete-missing' -l 'delete-missing' -d 'With --mode upsert: also delete the target\'s rows whose key the result lacks.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" cursor-column' -l 'cursor-column' -d 'With --mode incremental: the column whose largest value in the target says where to go on.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" detach' -l 'detach' -d 'Only queue it: a running `sqlpipe serve` on the same store runs it.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" page' -l 'page' -d 'The page to show, from 1.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" page-size' -l 'page-size' -d 'Records per page, 1 to 100.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" sort' -l 'sort' -d 'Order: id, created_at, -id or -created_at (descending).' -rfka 'id created_at -id -created_at'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer show" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer show" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer show" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer show" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer show" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer cancel" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer cancel" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer cancel" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer cancel" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer cancel" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer delete" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer delete" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer delete" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer delete" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer delete" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe transfer delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'create' -d 'Store a replication from its definition, checked whole first.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'list' -d 'List replications.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'show' -d 'Show a replication and its streams.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'update' -d 'Replace a replication\'s definition with the one in a file, checked whole first.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'delete' -d 'Delete a replication without a queued or running run, and its runs; their transfers stay.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'run' -d 'Run a replication now, in the foreground (or queue it for `sqlpipe serve` with --detach).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'runs' -d 'List a replication\'s runs, newest first.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'show-run' -d 'Show a replication run and how each of its streams went.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe replication" -eq 1' -fa 'cancel' -d 'Cancel a queued or running replication run, from any process.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" f file' -s 'f' -l 'file' -d 'The definition, in YAML or JSON; - for standard input.' -rfa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" page' -l 'page' -d 'The page to show, from 1.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" page-size' -l 'page-size' -d 'Records per page, 1 to 100.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" sort' -l 'sort' -d 'Order: id, created_at, -id or -created_at (descending).' -rfka 'id created_at -id -created_at'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" f file' -s 'f' -l 'file' -d 'The definition, in YAML or JSON; - for standard input.' -rfa '(set -l exts \'yaml\' \'yml\' \'json\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication update" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication delete" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication delete" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication delete" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication delete" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication delete" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" stream' -l 'stream' -d 'Run only the streams whose source table, pattern or target table this matches (* and ? match).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" detach' -l 'detach' -d 'Only queue the run: a running `sqlpipe serve` on the same store runs it.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" page' -l 'page' -d 'The page to show, from 1.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" page-size' -l 'page-size' -d 'Records per page, 1 to 100.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" sort' -l 'sort' -d 'Order: id, created_at, -id or -created_at (descending).' -rfka 'id created_at -id -created_at'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication runs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show-run" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show-run" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show-run" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show-run" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show-run" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication show-run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication cancel" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication cancel" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication cancel" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication cancel" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication cancel" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe replication cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe query" -eq 1' -fa 'create' -d 'Run SQL on a connection now and print every row (or queue it for `sqlpipe serve` with --detach).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe query" -eq 1' -fa 'list' -d 'List queries.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe query" -eq 1' -fa 'show' -d 'Show a query, with its stored result preview in --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe query" -eq 1' -fa 'cancel' -d 'Cancel a queued or running query, from any process; the statement stops on its server.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe query" -eq 1' -fa 'delete' -d 'Delete a query that is not running.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" c connection' -s 'c' -l 'connection' -d 'The connection\'s id or name.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" q query' -s 'q' -l 'query' -d 'The SQL to run.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" query-file' -l 'query-file' -d 'Read the SQL from a file, or - for standard input.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" format' -l 'format' -d 'table, csv, tsv or json.' -rfka 'table csv tsv json'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" detach' -l 'detach' -d 'Only queue it: a running `sqlpipe serve` on the same store runs it.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" page' -l 'page' -d 'The page to show, from 1.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" page-size' -l 'page-size' -d 'Records per page, 1 to 100.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" sort' -l 'sort' -d 'Order: id, created_at, -id or -created_at (descending).' -rfka 'id created_at -id -created_at'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query show" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query show" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query show" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query show" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query show" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query cancel" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query cancel" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query cancel" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query cancel" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query cancel" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query delete" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query delete" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query delete" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query delete" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query delete" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe query delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe connection" -eq 1' -fa 'create' -d 'Add a connection; it must connect first unless --skip-test is given.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe connection" -eq 1' -fa 'list' -d 'List connections.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe connection" -eq 1' -fa 'show' -d 'Show a connection, with a live check of whether it connects (canConnect).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe connection" -eq 1' -fa 'update' -d 'Change a connection\'s fields; it must connect again unless --skip-test is given.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe connection" -eq 1' -fa 'delete' -d 'Delete a connection that no queued or running transfer or query uses.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe connection" -eq 1' -fa 'test' -d 'Connect to a stored connection and report the server\'s version, or its error.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" name' -l 'name' -d 'The connection\'s unique name.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" url' -l 'url' -d 'All fields at once: postgres://user@host:5432/db?sslmode=require, mysql://, mariadb:// or sqlite:///path/file.db.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" ds-type' -l 'ds-type' -d 'postgresql, mysql, mariadb or sqlite.' -rfka 'postgresql mysql mariadb sqlite'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" host hostname' -l 'host' -l 'hostname' -d 'The server\'s host name or address.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" port' -l 'port' -d 'The server\'s port (default 5432 for PostgreSQL, 3306 for MySQL/MariaDB).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" database db-name' -l 'db-name' -l 'database' -d 'The database name, or the file path for SQLite.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" username' -l 'username' -d 'The user to connect as.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" account-id' -l 'account-id' -d 'An account id, kept with the connection (unused by these systems).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create"' -l 'param' -d 'A driver option as key=value, e.g. sslmode=require (repeatable; on update, replaces all options).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" clear-params' -l 'clear-params' -d 'Remove every driver option (on update).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" password-stdin' -l 'password-stdin' -d 'Read the password from the first line of standard input.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" password-env' -l 'password-env' -d 'Read the password from this environment variable.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" prompt-password' -l 'prompt-password' -d 'Ask for the password on the terminal.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" skip-test' -l 'skip-test' -d 'Store it without connecting first.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" restricted' -l 'restricted' -d 'Only admins may name it in transfers and queries through the API (the CLI may always).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" page' -l 'page' -d 'The page to show, from 1.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" page-size' -l 'page-size' -d 'Records per page, 1 to 100.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" sort' -l 'sort' -d 'Order: id, created_at, -id or -created_at (descending).' -rfka 'id created_at -id -created_at'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection show" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection show" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection show" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection show" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection show" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" name' -l 'name' -d 'The connection\'s unique name.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" url' -l 'url' -d 'All fields at once: postgres://user@host:5432/db?sslmode=require, mysql://, mariadb:// or sqlite:///path/file.db.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" ds-type' -l 'ds-type' -d 'postgresql, mysql, mariadb or sqlite.' -rfka 'postgresql mysql mariadb sqlite'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" host hostname' -l 'host' -l 'hostname' -d 'The server\'s host name or address.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" port' -l 'port' -d 'The server\'s port (default 5432 for PostgreSQL, 3306 for MySQL/MariaDB).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" database db-name' -l 'db-name' -l 'database' -d 'The database name, or the file path for SQLite.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" username' -l 'username' -d 'The user to connect as.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" account-id' -l 'account-id' -d 'An account id, kept with the connection (unused by these systems).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update"' -l 'param' -d 'A driver option as key=value, e.g. sslmode=require (repeatable; on update, replaces all options).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" clear-params' -l 'clear-params' -d 'Remove every driver option (on update).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" password-stdin' -l 'password-stdin' -d 'Read the password from the first line of standard input.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" password-env' -l 'password-env' -d 'Read the password from this environment variable.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" prompt-password' -l 'prompt-password' -d 'Ask for the password on the terminal.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" skip-test' -l 'skip-test' -d 'Store the change without connecting first.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" restricted' -l 'restricted' -d 'Whether only admins may name it in transfers and queries through the API.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection update" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection delete" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection delete" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection delete" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection delete" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection delete" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection test" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection test" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection test" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection test" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection test" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe connection test" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe user" -eq 1' -fa 'create' -d 'Add a user. The password is asked for on a terminal, or read with --password-stdin or --password-env.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe user" -eq 1' -fa 'list' -d 'List users.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe user" -eq 1' -fa 'show' -d 'Show a user.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe user" -eq 1' -fa 'update' -d 'Change a user\'s username, password or admin right.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe user" -eq 1' -fa 'delete' -d 'Delete a user (never the last admin).'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" username' -l 'username' -d 'Letters, digits and underscores, 5 to 30, starting with a letter.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" admin' -l 'admin' -d 'May manage connections and users, and delete transfers and queries.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" password-stdin' -l 'password-stdin' -d 'Read the password from the first line of standard input.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" password-env' -l 'password-env' -d 'Read the password from this environment variable.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" prompt-password' -l 'prompt-password' -d 'Ask for the password on the terminal.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" page' -l 'page' -d 'The page to show, from 1.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" page-size' -l 'page-size' -d 'Records per page, 1 to 100.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" sort' -l 'sort' -d 'Order: id, created_at, -id or -created_at (descending).' -rfka 'id created_at -id -created_at'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user show" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user show" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user show" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user show" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user show" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" username' -l 'username' -d 'A new username.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" admin' -l 'admin' -d 'Grant or revoke the admin right.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" no-admin' -l 'no-admin' -d 'Grant or revoke the admin right.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" password-stdin' -l 'password-stdin' -d 'Read the password from the first line of standard input.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" password-env' -l 'password-env' -d 'Read the password from this environment variable.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" prompt-password' -l 'prompt-password' -d 'Ask for the password on the terminal.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user update" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user delete" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user delete" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user delete" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user delete" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user delete" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe user delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" host' -l 'host' -d 'The address to listen on.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" port' -l 'port' -d 'The TCP port to listen on (0 picks a free one).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" max-concurrency' -l 'max-concurrency' -d 'How many transfers, queries and replication runs run at once.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" shutdown-grace' -l 'shutdown-grace' -d 'Seconds that running work may go on after SIGTERM or SIGINT before it is cancelled.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" tls-cert' -l 'tls-cert' -d 'Serve HTTPS with this PEM certificate chain (with --tls-key).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" tls-key' -l 'tls-key' -d 'The PEM private key of --tls-cert.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve"' -l 'trusted-proxy' -d 'A proxy (address or CIDR block) whose X-Forwarded-For names the client (repeatable; without one the header is ignored).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" max-queued-per-user' -l 'max-queued-per-user' -d 'Transfers and queries a user who is not an admin may have queued or running at once.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" max-connections' -l 'max-connections' -d 'Open connections at most; beyond them new ones are closed at once.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" idle-timeout' -l 'idle-timeout' -d 'Seconds a keep-alive connection may wait for its next request.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" header-timeout' -l 'header-timeout' -d 'Seconds a client has to send a request\'s headers (and finish the TLS handshake).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" log-format' -l 'log-format' -d 'The log\'s format: text (key=value) or json, one line per event on stderr.' -rfka 'text json'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" metrics-port' -l 'metrics-port' -d 'Serve GET /metrics (Prometheus, no authentication) on this port (0 picks a free one); none without it.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" metrics-host' -l 'metrics-host' -d 'The address of the metrics listener (default 127.0.0.1, whatever --host is): its metrics are unauthenticated, so give another address only where a firewall keeps strangers out.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" data-dir' -l 'data-dir' -d 'The directory whose files API transfers may read and write (sourceFile, targetFile: paths relative to it). Without it the API refuses files: a client never reaches the host\'s own.' -rfa '(__sqlpipe_complete_directories)'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" store' -l 'store' -d 'The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" store-password-env' -l 'store-password-env' -d 'The environment variable that holds the PostgreSQL store\'s password (default: $SQLPIPE_STORE_PASSWORD_ENV; else libpq\'s PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" json' -l 'json' -d 'Print the API\'s JSON on stdout instead of a table.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" quiet' -l 'quiet' -d 'Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status is the same. What was asked for still prints: rows of a query, lists, --json.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_positional "sqlpipe store" -eq 1' -fa 'copy' -d 'Copy a SQLite store file into an empty PostgreSQL store, for several servers to share.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" from' -l 'from' -d 'The SQLite store file to copy.' -rF
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" to' -l 'to' -d 'The PostgreSQL store: postgresql://user@host:port/db[?schema=NAME].' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" to-password-env' -l 'to-password-env' -d 'The environment variable that holds the target\'s password (else PGPASSWORD or ~/.pgpass).' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" from-key-env' -l 'from-key-env' -d 'The environment variable that holds the source\'s key, when it has no key file.' -rfka ''
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" quiet' -l 'quiet' -d 'Print nothing but errors.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" version' -l 'version' -d 'Show the version.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe store copy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sqlpipe' -n '__sqlpipe_should_offer_completions_for_flags_or_options "sqlpipe help" version' -l 'version' -d 'Show the version.'
