
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'direkt' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'direkt'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'direkt' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is configured and its state')
            [CompletionResult]::new('ports', 'ports', [CompletionResultType]::ParameterValue, 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a check fails)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Keep DNS, port mappings and the certificate current; silent when nothing was due')
            [CompletionResult]::new('ddns', 'ddns', [CompletionResultType]::ParameterValue, 'Dynamic DNS: update the name''s A/AAAA records, show what was published')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Certificates: issue, renew when due, show, revoke')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control')
            [CompletionResult]::new('lab', 'lab', [CompletionResultType]::ParameterValue, 'A home network in namespaces for tests and support (Linux, root)')
            [CompletionResult]::new('probe-server', 'probe-server', [CompletionResultType]::ParameterValue, 'Run a probe server: tells clients their address and connects back to them (only to them) to prove reachability from outside')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Write a support bundle: config, state, versions, doctor; every secret redacted')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Run `renew` from a systemd timer or cron: install, remove or show it')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (used to refresh completions/ and man/)')
            [CompletionResult]::new('debug', 'debug', [CompletionResultType]::ParameterValue, 'Internal helpers for the test suite')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (see the README for its fields)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Print metrics in the Prometheus text format (for node_exporter''s textfile collector)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ports' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show direkt''s mappings (from the state), or with --all the router''s whole table')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove mappings direkt created (never anyone else''s)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Keep direkt''s mappings alive: re-create lost ones, extend those past half their lease')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Show what the gateway offers: protocols, external address, what was ignored')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;ports;add' {
            [CompletionResult]::new('--lease', '--lease', [CompletionResultType]::ParameterName, 'Lease asked for (2m-7d); `direkt ports refresh` renews it [default: the config''s [ports] lease, else 1h]')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Ask this gateway instead of the default route''s (it must be on the LAN)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Also open an IPv6 pinhole to this box''s global address (PCP over IPv6, else UPnP IGDv2''s WANIPv6FirewallControl)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ports;list' {
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Ask this gateway instead of the default route''s (it must be on the LAN)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Ask the router for its whole table (UPnP IGD only); direkt''s entries are marked')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ports;remove' {
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Ask this gateway instead of the default route''s (it must be on the LAN)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every mapping direkt created')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ports;refresh' {
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Ask this gateway instead of the default route''s (it must be on the LAN)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Re-add every mapping even when its lease is not due')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ports;probe' {
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Ask this gateway instead of the default route''s (it must be on the LAN)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Also probe IPv6 pinhole support')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ports;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show direkt''s mappings (from the state), or with --all the router''s whole table')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove mappings direkt created (never anyone else''s)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Keep direkt''s mappings alive: re-create lost ones, extend those past half their lease')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Show what the gateway offers: protocols, external address, what was ignored')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;ports;help;add' {
            break
        }
        'direkt;ports;help;list' {
            break
        }
        'direkt;ports;help;remove' {
            break
        }
        'direkt;ports;help;refresh' {
            break
        }
        'direkt;ports;help;probe' {
            break
        }
        'direkt;ports;help;help' {
            break
        }
        'direkt;doctor' {
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'All checks together finish within this (overrides [doctor] deadline; default 5s)')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Probe server URL to use instead of [ip] probe (repeatable)')
            [CompletionResult]::new('--from-report', '--from-report', [CompletionResultType]::ParameterName, 'Render a saved diagnosis (from `doctor --json` or `direkt report`) instead of running the checks')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: `verdict` and a `checks` array of {id, status, summary, details, fix}')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;setup' {
            [CompletionResult]::new('--answers', '--answers', [CompletionResultType]::ParameterName, 'Answers as TOML (never asks; unanswered questions take their defaults)')
            [CompletionResult]::new('--defaults', '--defaults', [CompletionResultType]::ParameterName, 'Like --answers, but still ask on the terminal, with these as the defaults (a vendor''s preset)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The box''s name (answer `name`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'DNS provider (answer `ddns.provider`; `direkt ddns providers` describes them)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'dyndns2 update URL or rfc2136 server IP:port (answer `ddns.server`)')
            [CompletionResult]::new('--zone', '--zone', [CompletionResultType]::ParameterName, 'The zone holding the name (answer `ddns.zone`)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'dyndns2 user name (answer `ddns.username`)')
            [CompletionResult]::new('--key-name', '--key-name', [CompletionResultType]::ParameterName, 'rfc2136 TSIG key name (answer `ddns.key_name`)')
            [CompletionResult]::new('--forward', '--forward', [CompletionResultType]::ParameterName, 'Ports to forward, e.g. 443,80 or none (answer `ports.forward`)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'CA: letsencrypt, letsencrypt-staging, zerossl or an https:// directory URL (answer `cert.ca`)')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'Extra PEM roots for the CA''s TLS (answer `cert.ca_bundle`)')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Contact e-mail for the CA (answer `cert.email`)')
            [CompletionResult]::new('--challenges', '--challenges', [CompletionResultType]::ParameterName, 'Challenges, preferred first, e.g. http-01,dns-01 (answer `cert.challenges`; http-01, tls-alpn-01, dns-01)')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Install the renew schedule: yes or no (answer `schedule`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never ask: take the default for every question not answered otherwise')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never ask: take the default for every question not answered otherwise')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change; write nothing, contact no provider or CA')
            [CompletionResult]::new('--no-cert', '--no-cert', [CompletionResultType]::ParameterName, 'No certificate (answer `cert.enabled = false`)')
            [CompletionResult]::new('--accept-tos', '--accept-tos', [CompletionResultType]::ParameterName, 'Accept the CA''s terms of service (answer `cert.accept_tos`)')
            [CompletionResult]::new('--no-apply', '--no-apply', [CompletionResultType]::ParameterName, 'Write the config only; apply nothing now (answer `apply = false`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;renew' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON summary of every part on stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Renew every part now, even when not due, and clear latched errors')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be done; change nothing and contact no provider or CA')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ddns' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Detect the public address and update the DNS record if it changed')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what was last published, and any latch or backoff (no network)')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the DNS providers direkt speaks: kind, records, secret, documentation')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;ddns;update' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Send even if the address is unchanged; lift a latch or a backoff')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Detect and decide, but send nothing to the provider and write nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ddns;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ddns;providers' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ddns;register' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Register anew although a registration is stored (the CNAME must then be changed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;ddns;help' {
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Detect the public address and update the DNS record if it changed')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what was last published, and any latch or backoff (no network)')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the DNS providers direkt speaks: kind, records, secret, documentation')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;ddns;help;update' {
            break
        }
        'direkt;ddns;help;show' {
            break
        }
        'direkt;ddns;help;providers' {
            break
        }
        'direkt;ddns;help;register' {
            break
        }
        'direkt;ddns;help;help' {
            break
        }
        'direkt;cert' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Obtain a certificate now if there is none, the names or key type changed, or it is due')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the certificate: names, issuer, expiry, days left, key type, renewal window')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke the current certificate (the next `renew` then obtains a new one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;cert;issue' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Order a new certificate even if the current one is fine; ignore back-off and a latched refusal')
            [CompletionResult]::new('--accept-tos', '--accept-tos', [CompletionResultType]::ParameterName, 'Accept the CA''s terms of service (needed once, when the account is created)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only say whether an order is due; order nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;cert;renew' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Order a new certificate even if the current one is fine; ignore back-off and a latched refusal')
            [CompletionResult]::new('--accept-tos', '--accept-tos', [CompletionResultType]::ParameterName, 'Accept the CA''s terms of service (needed once, when the account is created)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only say whether an order is due; order nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;cert;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;cert;revoke' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Reason given to the CA')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;cert;help' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Obtain a certificate now if there is none, the names or key type changed, or it is due')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the certificate: names, issuer, expiry, days left, key type, renewal window')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke the current certificate (the next `renew` then obtains a new one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;cert;help;issue' {
            break
        }
        'direkt;cert;help;renew' {
            break
        }
        'direkt;cert;help;show' {
            break
        }
        'direkt;cert;help;revoke' {
            break
        }
        'direkt;cert;help;help' {
            break
        }
        'direkt;relay' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the relay and its tunnel: handshake age, ports, source addresses kept')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Undo the relay on the VPS (as far as direkt changed it) and on this box')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;relay;setup' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The VPS to log in to, `USER@HOST` (root, or a user with password-less sudo)')
            [CompletionResult]::new('--ports', '--ports', [CompletionResultType]::ParameterName, 'Ports to pass through, TCP unless `/udp`: e.g. `80,443,51413/udp`')
            [CompletionResult]::new('--ssh-key', '--ssh-key', [CompletionResultType]::ParameterName, 'The SSH key to use (only it); default: ssh''s own choice (its config, agent, ~/.ssh)')
            [CompletionResult]::new('--ssh-port', '--ssh-port', [CompletionResultType]::ParameterName, 'The VPS''s SSH port')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'The VPS''s public IPv4 (the A record), when HOST is not it or does not resolve to it')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--snat', '--snat', [CompletionResultType]::ParameterName, 'Masquerade on the VPS: the box then sees the VPS as every visitor''s address (only where keeping visitors'' addresses cannot work)')
            [CompletionResult]::new('--accept-host-key', '--accept-host-key', [CompletionResultType]::ParameterName, 'Accept and remember the VPS''s host key if ssh does not know it yet (say so; a changed key is still refused)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (scripts): go ahead with the flags given')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (scripts): go ahead with the flags given')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;relay;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;relay;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'Remove the box''s side even when the VPS cannot be reached (its side then stays)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;relay;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the relay and its tunnel: handshake age, ports, source addresses kept')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Undo the relay on the VPS (as far as direkt changed it) and on this box')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;relay;help;setup' {
            break
        }
        'direkt;relay;help;status' {
            break
        }
        'direkt;relay;help;remove' {
            break
        }
        'direkt;relay;help;help' {
            break
        }
        'direkt;lab' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command inside the lab (default: in the box, with the lab''s resolver)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every address, URL and file of a running lab')
            [CompletionResult]::new('scenarios', 'scenarios', [CompletionResultType]::ParameterValue, 'List the scenarios `lab up --scenario` knows')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report''s: same root cause or not, and the checks that differ')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down')
            [CompletionResult]::new('loopback', 'loopback', [CompletionResultType]::ParameterValue, 'The lab router''s NAT loopback: mirror miniupnpd''s mappings for the LAN (started by `lab up` in the router''s namespace)')
            [CompletionResult]::new('fritzbox', 'fritzbox', [CompletionResultType]::ParameterValue, 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device''s own port shares (the router''s "Permit independent port sharing for this device")')
            [CompletionResult]::new('softwire', 'softwire', [CompletionResultType]::ParameterValue, 'One end of the ds-lite scenario''s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router''s and the AFTR''s namespace)')
            [CompletionResult]::new('renumber', 'renumber', [CompletionResultType]::ParameterValue, 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;lab;up' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'Network condition to build')
            [CompletionResult]::new('--from-report', '--from-report', [CompletionResultType]::ParameterName, 'Rebuild a customer''s network and setup from their `direkt report` (or `doctor --json`): the scenario and the box config come from it')
            [CompletionResult]::new('--pebble-nonce-reject', '--pebble-nonce-reject', [CompletionResultType]::ParameterName, 'Percentage of nonces Pebble rejects with badNonce (clients must retry)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA of the box''s config: Pebble, or acme2certifier (a second, independent ACME server, started beside Pebble; needs its venv, see tests/run)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--install', '--install', [CompletionResultType]::ParameterName, 'Install missing Debian packages with apt-get first, without asking (on a terminal direkt asks; without one and without this flag it exits 2 with the command to run)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the lab''s description as JSON (as `lab status --json`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;down' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;exec' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--in', '--in', [CompletionResultType]::ParameterName, 'Namespace to run in')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;status' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (the lab''s lab.json, with `running` per daemon)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;scenarios' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;replay' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: `same_root_cause`, both verdicts, `differences`, the steps run and the lab''s full doctor results')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;demo' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name (prefix of its namespaces)')
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'Network condition to run the demo in')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Leave the lab up afterwards (tear it down with `direkt lab down --name NAME`)')
            [CompletionResult]::new('--install', '--install', [CompletionResultType]::ParameterName, 'Install missing Debian packages with apt-get first, without asking (on a terminal direkt asks; without one and without this flag it exits 2 with the command to run)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;loopback' {
            [CompletionResult]::new('--wan', '--wan', [CompletionResultType]::ParameterName, 'The router''s WAN address')
            [CompletionResult]::new('--lan-if', '--lan-if', [CompletionResultType]::ParameterName, 'The router''s LAN interface')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;fritzbox' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Untick it for every device: port shares and pinholes are refused with UPnP error 606')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;lab;fritzbox;allow' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'The device''s address (repeatable) [default: the box, 192.168.77.10 and 2001:db8:77::10]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;fritzbox;deny' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;fritzbox;serve' {
            [CompletionResult]::new('--run-dir', '--run-dir', [CompletionResultType]::ParameterName, 'The lab''s run directory')
            [CompletionResult]::new('--wan', '--wan', [CompletionResultType]::ParameterName, 'The router''s WAN address')
            [CompletionResult]::new('--lan', '--lan', [CompletionResultType]::ParameterName, 'The router''s LAN address')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Which router to be')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;fritzbox;help' {
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Untick it for every device: port shares and pinholes are refused with UPnP error 606')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;lab;fritzbox;help;allow' {
            break
        }
        'direkt;lab;fritzbox;help;deny' {
            break
        }
        'direkt;lab;fritzbox;help;serve' {
            break
        }
        'direkt;lab;fritzbox;help;help' {
            break
        }
        'direkt;lab;softwire' {
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'This end''s IPv6 address')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The other end''s IPv6 address')
            [CompletionResult]::new('--tun', '--tun', [CompletionResultType]::ParameterName, 'The TUN device (created beforehand with `ip tuntap add dev NAME mode tun`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;renumber' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: old and new prefix, the box''s old and new address')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;lab;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command inside the lab (default: in the box, with the lab''s resolver)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every address, URL and file of a running lab')
            [CompletionResult]::new('scenarios', 'scenarios', [CompletionResultType]::ParameterValue, 'List the scenarios `lab up --scenario` knows')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report''s: same root cause or not, and the checks that differ')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down')
            [CompletionResult]::new('loopback', 'loopback', [CompletionResultType]::ParameterValue, 'The lab router''s NAT loopback: mirror miniupnpd''s mappings for the LAN (started by `lab up` in the router''s namespace)')
            [CompletionResult]::new('fritzbox', 'fritzbox', [CompletionResultType]::ParameterValue, 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device''s own port shares (the router''s "Permit independent port sharing for this device")')
            [CompletionResult]::new('softwire', 'softwire', [CompletionResultType]::ParameterValue, 'One end of the ds-lite scenario''s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router''s and the AFTR''s namespace)')
            [CompletionResult]::new('renumber', 'renumber', [CompletionResultType]::ParameterValue, 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;lab;help;up' {
            break
        }
        'direkt;lab;help;down' {
            break
        }
        'direkt;lab;help;exec' {
            break
        }
        'direkt;lab;help;status' {
            break
        }
        'direkt;lab;help;scenarios' {
            break
        }
        'direkt;lab;help;replay' {
            break
        }
        'direkt;lab;help;demo' {
            break
        }
        'direkt;lab;help;loopback' {
            break
        }
        'direkt;lab;help;fritzbox' {
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Untick it for every device: port shares and pinholes are refused with UPnP error 606')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)')
            break
        }
        'direkt;lab;help;fritzbox;allow' {
            break
        }
        'direkt;lab;help;fritzbox;deny' {
            break
        }
        'direkt;lab;help;fritzbox;serve' {
            break
        }
        'direkt;lab;help;softwire' {
            break
        }
        'direkt;lab;help;renumber' {
            break
        }
        'direkt;lab;help;help' {
            break
        }
        'direkt;probe-server' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (repeat for several, e.g. an IPv4 and an IPv6 one)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'At most this many connections at once (further ones wait)')
            [CompletionResult]::new('--max-connections-per-source', '--max-connections-per-source', [CompletionResultType]::ParameterName, 'At most this many connections at once from one source address (IPv6: its /64); more are answered 429 and closed at once')
            [CompletionResult]::new('--allow-ports', '--allow-ports', [CompletionResultType]::ParameterName, 'Ports a connect-back check may target, e.g. 80,443,1024-65535')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Requests one source address (IPv6: its /64) may make per minute')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests one source may make at once before the per-minute rate applies')
            [CompletionResult]::new('--max-checks', '--max-checks', [CompletionResultType]::ParameterName, 'Connect-back checks running at once, over all sources')
            [CompletionResult]::new('--check-timeout', '--check-timeout', [CompletionResultType]::ParameterName, 'Timeout of each connect-back (connect plus exchange)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this PEM certificate chain (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The PEM private key for --tls-cert')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;report' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--no-doctor', '--no-doctor', [CompletionResultType]::ParameterName, 'Leave out the doctor run (faster; support will miss the diagnosis)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;schedule' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Write the systemd units (and enable the timer) or the cron file')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove what `install` wrote (and disable the timer)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print what `install` would write, without writing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;schedule;install' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'How often renew runs (1m to 60m)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--systemd', '--systemd', [CompletionResultType]::ParameterName, 'A systemd service + timer (default where systemd runs)')
            [CompletionResult]::new('--cron', '--cron', [CompletionResultType]::ParameterName, 'A line in /etc/cron.d/direkt (default elsewhere)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;schedule;remove' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'How often renew runs (1m to 60m)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--systemd', '--systemd', [CompletionResultType]::ParameterName, 'A systemd service + timer (default where systemd runs)')
            [CompletionResult]::new('--cron', '--cron', [CompletionResultType]::ParameterName, 'A line in /etc/cron.d/direkt (default elsewhere)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;schedule;show' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then')
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'How often renew runs (1m to 60m)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--systemd', '--systemd', [CompletionResultType]::ParameterName, 'A systemd service + timer (default where systemd runs)')
            [CompletionResult]::new('--cron', '--cron', [CompletionResultType]::ParameterName, 'A line in /etc/cron.d/direkt (default elsewhere)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;schedule;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Write the systemd units (and enable the timer) or the cron file')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove what `install` wrote (and disable the timer)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print what `install` would write, without writing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;schedule;help;install' {
            break
        }
        'direkt;schedule;help;remove' {
            break
        }
        'direkt;schedule;help;show' {
            break
        }
        'direkt;schedule;help;help' {
            break
        }
        'direkt;generate' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory that receives completions/ and man/')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;debug' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('state-writer', 'state-writer', [CompletionResultType]::ParameterValue, 'Under one lock, record N runs in the state, one atomic write each')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;debug;state-writer' {
            [CompletionResult]::new('--runs', '--runs', [CompletionResultType]::ParameterName, 'runs')
            [CompletionResult]::new('--pause-ms', '--pause-ms', [CompletionResultType]::ParameterName, 'Pause between writes')
            [CompletionResult]::new('--wait-ms', '--wait-ms', [CompletionResultType]::ParameterName, 'How long to wait for the lock')
            [CompletionResult]::new('--pad', '--pad', [CompletionResultType]::ParameterName, 'Bytes of padding in each summary, to widen the write window')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'direkt;debug;help' {
            [CompletionResult]::new('state-writer', 'state-writer', [CompletionResultType]::ParameterValue, 'Under one lock, record N runs in the state, one atomic write each')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;debug;help;state-writer' {
            break
        }
        'direkt;debug;help;help' {
            break
        }
        'direkt;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is configured and its state')
            [CompletionResult]::new('ports', 'ports', [CompletionResultType]::ParameterValue, 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a check fails)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Keep DNS, port mappings and the certificate current; silent when nothing was due')
            [CompletionResult]::new('ddns', 'ddns', [CompletionResultType]::ParameterValue, 'Dynamic DNS: update the name''s A/AAAA records, show what was published')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Certificates: issue, renew when due, show, revoke')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control')
            [CompletionResult]::new('lab', 'lab', [CompletionResultType]::ParameterValue, 'A home network in namespaces for tests and support (Linux, root)')
            [CompletionResult]::new('probe-server', 'probe-server', [CompletionResultType]::ParameterValue, 'Run a probe server: tells clients their address and connects back to them (only to them) to prove reachability from outside')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Write a support bundle: config, state, versions, doctor; every secret redacted')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Run `renew` from a systemd timer or cron: install, remove or show it')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (used to refresh completions/ and man/)')
            [CompletionResult]::new('debug', 'debug', [CompletionResultType]::ParameterValue, 'Internal helpers for the test suite')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'direkt;help;status' {
            break
        }
        'direkt;help;ports' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show direkt''s mappings (from the state), or with --all the router''s whole table')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove mappings direkt created (never anyone else''s)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Keep direkt''s mappings alive: re-create lost ones, extend those past half their lease')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Show what the gateway offers: protocols, external address, what was ignored')
            break
        }
        'direkt;help;ports;add' {
            break
        }
        'direkt;help;ports;list' {
            break
        }
        'direkt;help;ports;remove' {
            break
        }
        'direkt;help;ports;refresh' {
            break
        }
        'direkt;help;ports;probe' {
            break
        }
        'direkt;help;doctor' {
            break
        }
        'direkt;help;setup' {
            break
        }
        'direkt;help;renew' {
            break
        }
        'direkt;help;ddns' {
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Detect the public address and update the DNS record if it changed')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what was last published, and any latch or backoff (no network)')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List the DNS providers direkt speaks: kind, records, secret, documentation')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create')
            break
        }
        'direkt;help;ddns;update' {
            break
        }
        'direkt;help;ddns;show' {
            break
        }
        'direkt;help;ddns;providers' {
            break
        }
        'direkt;help;ddns;register' {
            break
        }
        'direkt;help;cert' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Obtain a certificate now if there is none, the names or key type changed, or it is due')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the certificate: names, issuer, expiry, days left, key type, renewal window')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke the current certificate (the next `renew` then obtains a new one)')
            break
        }
        'direkt;help;cert;issue' {
            break
        }
        'direkt;help;cert;renew' {
            break
        }
        'direkt;help;cert;show' {
            break
        }
        'direkt;help;cert;revoke' {
            break
        }
        'direkt;help;relay' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the relay and its tunnel: handshake age, ports, source addresses kept')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Undo the relay on the VPS (as far as direkt changed it) and on this box')
            break
        }
        'direkt;help;relay;setup' {
            break
        }
        'direkt;help;relay;status' {
            break
        }
        'direkt;help;relay;remove' {
            break
        }
        'direkt;help;lab' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command inside the lab (default: in the box, with the lab''s resolver)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every address, URL and file of a running lab')
            [CompletionResult]::new('scenarios', 'scenarios', [CompletionResultType]::ParameterValue, 'List the scenarios `lab up --scenario` knows')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report''s: same root cause or not, and the checks that differ')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down')
            [CompletionResult]::new('loopback', 'loopback', [CompletionResultType]::ParameterValue, 'The lab router''s NAT loopback: mirror miniupnpd''s mappings for the LAN (started by `lab up` in the router''s namespace)')
            [CompletionResult]::new('fritzbox', 'fritzbox', [CompletionResultType]::ParameterValue, 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device''s own port shares (the router''s "Permit independent port sharing for this device")')
            [CompletionResult]::new('softwire', 'softwire', [CompletionResultType]::ParameterValue, 'One end of the ds-lite scenario''s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router''s and the AFTR''s namespace)')
            [CompletionResult]::new('renumber', 'renumber', [CompletionResultType]::ParameterValue, 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)')
            break
        }
        'direkt;help;lab;up' {
            break
        }
        'direkt;help;lab;down' {
            break
        }
        'direkt;help;lab;exec' {
            break
        }
        'direkt;help;lab;status' {
            break
        }
        'direkt;help;lab;scenarios' {
            break
        }
        'direkt;help;lab;replay' {
            break
        }
        'direkt;help;lab;demo' {
            break
        }
        'direkt;help;lab;loopback' {
            break
        }
        'direkt;help;lab;fritzbox' {
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Untick it for every device: port shares and pinholes are refused with UPnP error 606')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)')
            break
        }
        'direkt;help;lab;fritzbox;allow' {
            break
        }
        'direkt;help;lab;fritzbox;deny' {
            break
        }
        'direkt;help;lab;fritzbox;serve' {
            break
        }
        'direkt;help;lab;softwire' {
            break
        }
        'direkt;help;lab;renumber' {
            break
        }
        'direkt;help;probe-server' {
            break
        }
        'direkt;help;report' {
            break
        }
        'direkt;help;schedule' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Write the systemd units (and enable the timer) or the cron file')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove what `install` wrote (and disable the timer)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print what `install` would write, without writing')
            break
        }
        'direkt;help;schedule;install' {
            break
        }
        'direkt;help;schedule;remove' {
            break
        }
        'direkt;help;schedule;show' {
            break
        }
        'direkt;help;generate' {
            break
        }
        'direkt;help;debug' {
            [CompletionResult]::new('state-writer', 'state-writer', [CompletionResultType]::ParameterValue, 'Under one lock, record N runs in the state, one atomic write each')
            break
        }
        'direkt;help;debug;state-writer' {
            break
        }
        'direkt;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
