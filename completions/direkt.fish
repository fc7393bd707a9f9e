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
complete -c direkt -n "__fish_direkt_needs_command" -f -a "ports" -d 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)'
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
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -f -a "add" -d 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -f -a "list" -d 'Show direkt\'s mappings (from the state), or with --all the router\'s whole table'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -f -a "remove" -d 'Remove mappings direkt created (never anyone else\'s)'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -f -a "refresh" -d 'Keep direkt\'s mappings alive: re-create lost ones, extend those past half their lease'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -f -a "probe" -d 'Show what the gateway offers: protocols, external address, what was ignored'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and not __fish_seen_subcommand_from add list remove refresh probe help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l lease -d 'Lease asked for (2m-7d); `direkt ports refresh` renews it [default: the config\'s [ports] lease, else 1h]' -r
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l via -d 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)' -r -f -a "auto\t''
upnp\t''
pcp\t''
nat-pmp\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l gateway -d 'Ask this gateway instead of the default route\'s (it must be on the LAN)' -r
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l ipv6 -d 'Also open an IPv6 pinhole to this box\'s global address (PCP over IPv6)'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l via -d 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)' -r -f -a "auto\t''
upnp\t''
pcp\t''
nat-pmp\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l gateway -d 'Ask this gateway instead of the default route\'s (it must be on the LAN)' -r
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l all -d 'Ask the router for its whole table (UPnP IGD only); direkt\'s entries are marked'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l via -d 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)' -r -f -a "auto\t''
upnp\t''
pcp\t''
nat-pmp\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l gateway -d 'Ask this gateway instead of the default route\'s (it must be on the LAN)' -r
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l all -d 'Remove every mapping direkt created'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l via -d 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)' -r -f -a "auto\t''
upnp\t''
pcp\t''
nat-pmp\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l gateway -d 'Ask this gateway instead of the default route\'s (it must be on the LAN)' -r
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l force -d 'Re-add every mapping even when its lease is not due'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from refresh" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l via -d 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)' -r -f -a "auto\t''
upnp\t''
pcp\t''
nat-pmp\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l gateway -d 'Ask this gateway instead of the default route\'s (it must be on the LAN)' -r
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l ipv6 -d 'Also probe IPv6 pinhole support'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from probe" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from help" -f -a "add" -d 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show direkt\'s mappings (from the state), or with --all the router\'s whole table'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove mappings direkt created (never anyone else\'s)'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from help" -f -a "refresh" -d 'Keep direkt\'s mappings alive: re-create lost ones, extend those past half their lease'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from help" -f -a "probe" -d 'Show what the gateway offers: protocols, external address, what was ignored'
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports generate debug help" -f -a "status" -d 'Show what is configured and its state'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports generate debug help" -f -a "ports" -d 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports generate debug help" -f -a "generate" -d 'Write shell completions and man pages (used to refresh completions/ and man/)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports generate debug help" -f -a "debug" -d 'Internal helpers for the test suite'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports generate debug help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "add" -d 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "list" -d 'Show direkt\'s mappings (from the state), or with --all the router\'s whole table'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "remove" -d 'Remove mappings direkt created (never anyone else\'s)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "refresh" -d 'Keep direkt\'s mappings alive: re-create lost ones, extend those past half their lease'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "probe" -d 'Show what the gateway offers: protocols, external address, what was ignored'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from debug" -f -a "state-writer" -d 'Under one lock, record N runs in the state, one atomic write each'
