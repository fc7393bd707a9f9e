# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_direkt_global_optspecs
    string join \n config= state-dir= v/verbose q/quiet color= h/help V/version
end

function __fish_direkt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_direkt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_direkt_using_subcommand
    set -l cmd (__fish_direkt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c direkt -n "__fish_direkt_needs_command" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_needs_command" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_needs_command" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_needs_command" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c direkt -n "__fish_direkt_needs_command" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "status" -d 'Show what is configured and its state'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "ddns" -d 'Dynamic DNS: update the name\'s A/AAAA records, show what was published'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "generate" -d 'Write shell completions and man pages (used to refresh completions/ and man/)'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "debug" -d 'Internal helpers for the test suite'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand status" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand status" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand status" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand status" -l json -d 'Print JSON (see the README for its fields)'
complete -c direkt -n "__fish_direkt_using_subcommand status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand status" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand status" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand status" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -f -a "update" -d 'Detect the public address and update the DNS record if it changed'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -f -a "show" -d 'Show what was last published, and any latch or backoff (no network)'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -l force -d 'Send even if the address is unchanged; lift a latch or a backoff'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -l dry-run -d 'Detect and decide, but send nothing to the provider and write nothing'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -l json -d 'Print the report as JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "update" -d 'Detect the public address and update the DNS record if it changed'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show what was last published, and any latch or backoff (no network)'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand generate" -l out -d 'Directory that receives completions/ and man/' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand generate" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand generate" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand generate" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand generate" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand generate" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand generate" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand generate" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -f -a "state-writer" -d 'Under one lock, record N runs in the state, one atomic write each'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and not __fish_seen_subcommand_from state-writer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l runs -r
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l pause-ms -d 'Pause between writes' -r
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l wait-ms -d 'How long to wait for the lock' -r
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l pad -d 'Bytes of padding in each summary, to widen the write window' -r
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from state-writer" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from help" -f -a "state-writer" -d 'Under one lock, record N runs in the state, one atomic write each'
complete -c direkt -n "__fish_direkt_using_subcommand debug; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ddns generate debug help" -f -a "status" -d 'Show what is configured and its state'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ddns generate debug help" -f -a "ddns" -d 'Dynamic DNS: update the name\'s A/AAAA records, show what was published'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ddns generate debug help" -f -a "generate" -d 'Write shell completions and man pages (used to refresh completions/ and man/)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ddns generate debug help" -f -a "debug" -d 'Internal helpers for the test suite'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ddns generate debug help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ddns" -f -a "update" -d 'Detect the public address and update the DNS record if it changed'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ddns" -f -a "show" -d 'Show what was last published, and any latch or backoff (no network)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from debug" -f -a "state-writer" -d 'Under one lock, record N runs in the state, one atomic write each'
