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
complete -c direkt -n "__fish_direkt_needs_command" -f -a "doctor" -d 'Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a check fails)'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "setup" -d 'Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "renew" -d 'Keep DNS, port mappings and the certificate current; silent when nothing was due'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "ddns" -d 'Dynamic DNS: update the name\'s A/AAAA records, show what was published'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "cert" -d 'Certificates: issue, renew when due, show, revoke'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "relay" -d 'Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "lab" -d 'A home network in namespaces for tests and support (Linux, root)'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "probe-server" -d 'Run a probe server: tells clients their address and connects back to them (only to them) to prove reachability from outside'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "report" -d 'Write a support bundle: config, state, versions, doctor; every secret redacted'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "schedule" -d 'Run `renew` from a systemd timer or cron: install, remove or show it'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "generate" -d 'Write shell completions and man pages (used to refresh completions/ and man/)'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "debug" -d 'Internal helpers for the test suite'
complete -c direkt -n "__fish_direkt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand status" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand status" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand status" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand status" -l json -d 'Print JSON (see the README for its fields)'
complete -c direkt -n "__fish_direkt_using_subcommand status" -l prometheus -d 'Print metrics in the Prometheus text format (for node_exporter\'s textfile collector)'
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
complete -c direkt -n "__fish_direkt_using_subcommand ports; and __fish_seen_subcommand_from add" -l ipv6 -d 'Also open an IPv6 pinhole to this box\'s global address (PCP over IPv6, else UPnP IGDv2\'s WANIPv6FirewallControl)'
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
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l deadline -d 'All checks together finish within this (overrides [doctor] deadline; default 5s)' -r
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l probe -d 'Probe server URL to use instead of [ip] probe (repeatable)' -r
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l from-report -d 'Render a saved diagnosis (from `doctor --json` or `direkt report`) instead of running the checks' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -l json -d 'Print JSON: `verdict` and a `checks` array of {id, status, summary, details, fix}'
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l answers -d 'Answers as TOML (never asks; unanswered questions take their defaults)' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l defaults -d 'Like --answers, but still ask on the terminal, with these as the defaults (a vendor\'s preset)' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l name -d 'The box\'s name (answer `name`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l provider -d 'DNS provider (answer `ddns.provider`; `direkt ddns providers` describes them)' -r -f -a "dyndns2\t''
rfc2136\t''
cloudflare\t''
desec\t''
duckdns\t''
hetzner\t''
porkbun\t''
ionos\t''
netcup\t''
inwx\t''
dynv6\t''
vultr\t''
bunny\t''
ipv64\t''
digitalocean\t''
gandi\t''
linode\t''
route53\t''
ovh\t''
godaddy\t''
acme-dns\t''
exec\t''
noip\t''
dynu\t''
strato\t''
ovh-dynhost\t''
selfhost\t''
freedns\t''
he\t''
infomaniak\t''
loopia\t''
dnsomatic\t''
spdyn\t''"
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l dns-server -d 'dyndns2 update URL or rfc2136 server IP:port (answer `ddns.server`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l zone -d 'The zone holding the name (answer `ddns.zone`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l username -d 'dyndns2 user name (answer `ddns.username`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l key-name -d 'rfc2136 TSIG key name (answer `ddns.key_name`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l forward -d 'Ports to forward, e.g. 443,80 or none (answer `ports.forward`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l ca -d 'CA: letsencrypt, letsencrypt-staging, zerossl or an https:// directory URL (answer `cert.ca`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l ca-bundle -d 'Extra PEM roots for the CA\'s TLS (answer `cert.ca_bundle`)' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l email -d 'Contact e-mail for the CA (answer `cert.email`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l challenges -d 'Challenges, preferred first, e.g. http-01,dns-01 (answer `cert.challenges`; http-01, tls-alpn-01, dns-01)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l schedule -d 'Install the renew schedule: yes or no (answer `schedule`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand setup" -s y -l yes -d 'Never ask: take the default for every question not answered otherwise'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l dry-run -d 'Show what would change; write nothing, contact no provider or CA'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l no-cert -d 'No certificate (answer `cert.enabled = false`)'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l accept-tos -d 'Accept the CA\'s terms of service (answer `cert.accept_tos`)'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -l no-apply -d 'Write the config only; apply nothing now (answer `apply = false`)'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand setup" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand renew" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand renew" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand renew" -l json -d 'Print a JSON summary of every part on stdout'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -l force -d 'Renew every part now, even when not due, and clear latched errors'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -l dry-run -d 'Say what would be done; change nothing and contact no provider or CA'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand renew" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -f -a "update" -d 'Detect the public address and update the DNS record if it changed'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -f -a "show" -d 'Show what was last published, and any latch or backoff (no network)'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -f -a "providers" -d 'List the DNS providers direkt speaks: kind, records, secret, documentation'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -f -a "register" -d 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and not __fish_seen_subcommand_from update show providers register help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from providers" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -l force -d 'Register anew although a registration is stored (the CNAME must then be changed)'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from register" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "update" -d 'Detect the public address and update the DNS record if it changed'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show what was last published, and any latch or backoff (no network)'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "providers" -d 'List the DNS providers direkt speaks: kind, records, secret, documentation'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "register" -d 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create'
complete -c direkt -n "__fish_direkt_using_subcommand ddns; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -f -a "issue" -d 'Obtain a certificate now if there is none, the names or key type changed, or it is due'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -f -a "renew" -d 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -f -a "show" -d 'Show the certificate: names, issuer, expiry, days left, key type, renewal window'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -f -a "revoke" -d 'Revoke the current certificate (the next `renew` then obtains a new one)'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and not __fish_seen_subcommand_from issue renew show revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l force -d 'Order a new certificate even if the current one is fine; ignore back-off and a latched refusal'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l accept-tos -d 'Accept the CA\'s terms of service (needed once, when the account is created)'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l dry-run -d 'Only say whether an order is due; order nothing'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -l json -d 'Print the report as JSON'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from issue" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l force -d 'Order a new certificate even if the current one is fine; ignore back-off and a latched refusal'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l accept-tos -d 'Accept the CA\'s terms of service (needed once, when the account is created)'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l dry-run -d 'Only say whether an order is due; order nothing'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -l json -d 'Print the report as JSON'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from renew" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l reason -d 'Reason given to the CA' -r -f -a "unspecified\t''
key-compromise\t''
superseded\t''
cessation-of-operation\t''"
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "issue" -d 'Obtain a certificate now if there is none, the names or key type changed, or it is due'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the certificate: names, issuer, expiry, days left, key type, renewal window'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke the current certificate (the next `renew` then obtains a new one)'
complete -c direkt -n "__fish_direkt_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -f -a "setup" -d 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -f -a "status" -d 'Show the relay and its tunnel: handshake age, ports, source addresses kept'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -f -a "remove" -d 'Undo the relay on the VPS (as far as direkt changed it) and on this box'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and not __fish_seen_subcommand_from setup status remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l host -d 'The VPS to log in to, `USER@HOST` (root, or a user with password-less sudo)' -r
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l ports -d 'Ports to pass through, TCP unless `/udp`: e.g. `80,443,51413/udp`' -r
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l ssh-key -d 'The SSH key to use (only it); default: ssh\'s own choice (its config, agent, ~/.ssh)' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l ssh-port -d 'The VPS\'s SSH port' -r
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l address -d 'The VPS\'s public IPv4 (the A record), when HOST is not it or does not resolve to it' -r
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l snat -d 'Masquerade on the VPS: the box then sees the VPS as every visitor\'s address (only where keeping visitors\' addresses cannot work)'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l accept-host-key -d 'Accept and remember the VPS\'s host key if ssh does not know it yet (say so; a changed key is still refused)'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -s y -l yes -d 'Do not ask (scripts): go ahead with the flags given'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -l json -d 'Print the result as JSON'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -l keep-going -d 'Remove the box\'s side even when the VPS cannot be reached (its side then stays)'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the relay and its tunnel: handshake age, ports, source addresses kept'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Undo the relay on the VPS (as far as direkt changed it) and on this box'
complete -c direkt -n "__fish_direkt_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "up" -d 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "down" -d 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "exec" -d 'Run a command inside the lab (default: in the box, with the lab\'s resolver)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "status" -d 'Show every address, URL and file of a running lab'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "scenarios" -d 'List the scenarios `lab up --scenario` knows'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "replay" -d 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report\'s: same root cause or not, and the checks that differ'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "demo" -d 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "loopback" -d 'The lab router\'s NAT loopback: mirror miniupnpd\'s mappings for the LAN (started by `lab up` in the router\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "fritzbox" -d 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device\'s own port shares (the router\'s "Permit independent port sharing for this device")'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "softwire" -d 'One end of the ds-lite scenario\'s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router\'s and the AFTR\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "renumber" -d 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and not __fish_seen_subcommand_from up down exec status scenarios replay demo loopback fritzbox softwire renumber help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l name -d 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l scenario -d 'Network condition to build' -r -f -a "direct\t''
cgnat\t''
double-nat\t''
no-upnp\t''
no-portmap\t''
igdv1\t''
port80-blocked\t''
dual-stack\t''
dual-stack-upnp\t''
fritzbox\t''
dsl-forum\t''
ds-lite\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l from-report -d 'Rebuild a customer\'s network and setup from their `direkt report` (or `doctor --json`): the scenario and the box config come from it' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l pebble-nonce-reject -d 'Percentage of nonces Pebble rejects with badNonce (clients must retry)' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l ca -d 'The CA of the box\'s config: Pebble, or acme2certifier (a second, independent ACME server, started beside Pebble; needs its venv, see tests/run)' -r -f -a "pebble\t'Pebble (Let\'s Encrypt\'s test server)'
acme2certifier\t'acme2certifier with its openssl CA handler (PyPI, in a venv; see tests/run)'"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l install -d 'Install missing Debian packages with apt-get first, without asking (on a terminal direkt asks; without one and without this flag it exits 2 with the command to run)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -l json -d 'Print the lab\'s description as JSON (as `lab status --json`)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -l name -d 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -l name -d 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -l in -d 'Namespace to run in' -r -f -a "box\t'The box (direkt\'s host)'
router\t'The home router (NAT, miniupnpd)'
inet\t'The internet (Pebble, Knot, STUN, probe server)'
cgn\t'The carrier NAT or upstream router (cgnat, double-nat), the AFTR (ds-lite)'
rogue\t'Another host on the LAN (192.168.77.66)'
vps\t'A rented server on the internet side (cgnat: sshd, WireGuard; `direkt relay`)'"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -l name -d 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -l json -d 'Print JSON (the lab\'s lab.json, with `running` per daemon)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -l json -d 'Print JSON'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from scenarios" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -l name -d 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -l json -d 'Print JSON: `same_root_cause`, both verdicts, `differences`, the steps run and the lab\'s full doctor results'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l name -d 'Lab name (prefix of its namespaces)' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l scenario -d 'Network condition to run the demo in' -r -f -a "direct\t''
cgnat\t''
double-nat\t''
no-upnp\t''
no-portmap\t''
igdv1\t''
port80-blocked\t''
dual-stack\t''
dual-stack-upnp\t''
fritzbox\t''
dsl-forum\t''
ds-lite\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l keep -d 'Leave the lab up afterwards (tear it down with `direkt lab down --name NAME`)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -l install -d 'Install missing Debian packages with apt-get first, without asking (on a terminal direkt asks; without one and without this flag it exits 2 with the command to run)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from demo" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -l wan -d 'The router\'s WAN address' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -l lan-if -d 'The router\'s LAN interface' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from loopback" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -f -a "allow" -d 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -f -a "deny" -d 'Untick it for every device: port shares and pinholes are refused with UPnP error 606'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -f -a "serve" -d 'The emulation itself (started by `lab up --scenario fritzbox` in the router\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from fritzbox" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -l local -d 'This end\'s IPv6 address' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -l remote -d 'The other end\'s IPv6 address' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -l tun -d 'The TUN device (created beforehand with `ip tuntap add dev NAME mode tun`)' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from softwire" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -l name -d 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>' -r
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -l json -d 'Print JSON: old and new prefix, the box\'s old and new address'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from renumber" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "up" -d 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "down" -d 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Run a command inside the lab (default: in the box, with the lab\'s resolver)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show every address, URL and file of a running lab'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "scenarios" -d 'List the scenarios `lab up --scenario` knows'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report\'s: same root cause or not, and the checks that differ'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "demo" -d 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "loopback" -d 'The lab router\'s NAT loopback: mirror miniupnpd\'s mappings for the LAN (started by `lab up` in the router\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "fritzbox" -d 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device\'s own port shares (the router\'s "Permit independent port sharing for this device")'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "softwire" -d 'One end of the ds-lite scenario\'s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router\'s and the AFTR\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "renumber" -d 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)'
complete -c direkt -n "__fish_direkt_using_subcommand lab; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l listen -d 'Address to listen on (repeat for several, e.g. an IPv4 and an IPv6 one)' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l max-connections -d 'At most this many connections at once (further ones wait)' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l max-connections-per-source -d 'At most this many connections at once from one source address (IPv6: its /64); more are answered 429 and closed at once' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l allow-ports -d 'Ports a connect-back check may target, e.g. 80,443,1024-65535' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l rate -d 'Requests one source address (IPv6: its /64) may make per minute' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l burst -d 'Requests one source may make at once before the per-minute rate applies' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l max-checks -d 'Connect-back checks running at once, over all sources' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l check-timeout -d 'Timeout of each connect-back (connect plus exchange)' -r
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l tls-cert -d 'Serve HTTPS with this PEM certificate chain (with --tls-key)' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l tls-key -d 'The PEM private key for --tls-cert' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand probe-server" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand report" -s o -l output -d 'Write the report to FILE (mode 0600) instead of stdout' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand report" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand report" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand report" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand report" -l no-doctor -d 'Leave out the doctor run (faster; support will miss the diagnosis)'
complete -c direkt -n "__fish_direkt_using_subcommand report" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand report" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand report" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand report" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -f -a "install" -d 'Write the systemd units (and enable the timer) or the cron file'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -f -a "remove" -d 'Remove what `install` wrote (and disable the timer)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -f -a "show" -d 'Print what `install` would write, without writing'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and not __fish_seen_subcommand_from install remove show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l root -d 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l every -d 'How often renew runs (1m to 60m)' -r
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l systemd -d 'A systemd service + timer (default where systemd runs)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -l cron -d 'A line in /etc/cron.d/direkt (default elsewhere)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l root -d 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l every -d 'How often renew runs (1m to 60m)' -r
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l systemd -d 'A systemd service + timer (default where systemd runs)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l cron -d 'A line in /etc/cron.d/direkt (default elsewhere)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l root -d 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l every -d 'How often renew runs (1m to 60m)' -r
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l state-dir -d 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]' -r -F
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l systemd -d 'A systemd service + timer (default where systemd runs)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -l cron -d 'A line in /etc/cron.d/direkt (default elsewhere)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but errors'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "install" -d 'Write the systemd units (and enable the timer) or the cron file'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove what `install` wrote (and disable the timer)'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print what `install` would write, without writing'
complete -c direkt -n "__fish_direkt_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "status" -d 'Show what is configured and its state'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "ports" -d 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "doctor" -d 'Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a check fails)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "setup" -d 'Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "renew" -d 'Keep DNS, port mappings and the certificate current; silent when nothing was due'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "ddns" -d 'Dynamic DNS: update the name\'s A/AAAA records, show what was published'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "cert" -d 'Certificates: issue, renew when due, show, revoke'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "relay" -d 'Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "lab" -d 'A home network in namespaces for tests and support (Linux, root)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "probe-server" -d 'Run a probe server: tells clients their address and connects back to them (only to them) to prove reachability from outside'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "report" -d 'Write a support bundle: config, state, versions, doctor; every secret redacted'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "schedule" -d 'Run `renew` from a systemd timer or cron: install, remove or show it'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "generate" -d 'Write shell completions and man pages (used to refresh completions/ and man/)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "debug" -d 'Internal helpers for the test suite'
complete -c direkt -n "__fish_direkt_using_subcommand help; and not __fish_seen_subcommand_from status ports doctor setup renew ddns cert relay lab probe-server report schedule generate debug help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "add" -d 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "list" -d 'Show direkt\'s mappings (from the state), or with --all the router\'s whole table'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "remove" -d 'Remove mappings direkt created (never anyone else\'s)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "refresh" -d 'Keep direkt\'s mappings alive: re-create lost ones, extend those past half their lease'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ports" -f -a "probe" -d 'Show what the gateway offers: protocols, external address, what was ignored'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ddns" -f -a "update" -d 'Detect the public address and update the DNS record if it changed'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ddns" -f -a "show" -d 'Show what was last published, and any latch or backoff (no network)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ddns" -f -a "providers" -d 'List the DNS providers direkt speaks: kind, records, secret, documentation'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from ddns" -f -a "register" -d 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "issue" -d 'Obtain a certificate now if there is none, the names or key type changed, or it is due'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "renew" -d 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "show" -d 'Show the certificate: names, issuer, expiry, days left, key type, renewal window'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "revoke" -d 'Revoke the current certificate (the next `renew` then obtains a new one)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "setup" -d 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "status" -d 'Show the relay and its tunnel: handshake age, ports, source addresses kept'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "remove" -d 'Undo the relay on the VPS (as far as direkt changed it) and on this box'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "up" -d 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "down" -d 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "exec" -d 'Run a command inside the lab (default: in the box, with the lab\'s resolver)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "status" -d 'Show every address, URL and file of a running lab'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "scenarios" -d 'List the scenarios `lab up --scenario` knows'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "replay" -d 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report\'s: same root cause or not, and the checks that differ'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "demo" -d 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "loopback" -d 'The lab router\'s NAT loopback: mirror miniupnpd\'s mappings for the LAN (started by `lab up` in the router\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "fritzbox" -d 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device\'s own port shares (the router\'s "Permit independent port sharing for this device")'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "softwire" -d 'One end of the ds-lite scenario\'s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router\'s and the AFTR\'s namespace)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from lab" -f -a "renumber" -d 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "install" -d 'Write the systemd units (and enable the timer) or the cron file'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "remove" -d 'Remove what `install` wrote (and disable the timer)'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "show" -d 'Print what `install` would write, without writing'
complete -c direkt -n "__fish_direkt_using_subcommand help; and __fish_seen_subcommand_from debug" -f -a "state-writer" -d 'Under one lock, record N runs in the state, one atomic write each'
