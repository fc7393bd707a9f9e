
use builtin;
use str;

set edit:completion:arg-completer[direkt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'direkt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'direkt'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Show what is configured and its state'
            cand ports 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)'
            cand generate 'Write shell completions and man pages (used to refresh completions/ and man/)'
            cand debug 'Internal helpers for the test suite'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;status'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print JSON (see the README for its fields)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ports'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
            cand list 'Show direkt''s mappings (from the state), or with --all the router''s whole table'
            cand remove 'Remove mappings direkt created (never anyone else''s)'
            cand refresh 'Keep direkt''s mappings alive: re-create lost ones, extend those past half their lease'
            cand probe 'Show what the gateway offers: protocols, external address, what was ignored'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;ports;add'= {
            cand --lease 'Lease asked for (2m-7d); `direkt ports refresh` renews it [default: the config''s [ports] lease, else 1h]'
            cand --via 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)'
            cand --gateway 'Ask this gateway instead of the default route''s (it must be on the LAN)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --ipv6 'Also open an IPv6 pinhole to this box''s global address (PCP over IPv6)'
            cand --json 'Print JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ports;list'= {
            cand --via 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)'
            cand --gateway 'Ask this gateway instead of the default route''s (it must be on the LAN)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --all 'Ask the router for its whole table (UPnP IGD only); direkt''s entries are marked'
            cand --json 'Print JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ports;remove'= {
            cand --via 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)'
            cand --gateway 'Ask this gateway instead of the default route''s (it must be on the LAN)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --all 'Remove every mapping direkt created'
            cand --json 'Print JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ports;refresh'= {
            cand --via 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)'
            cand --gateway 'Ask this gateway instead of the default route''s (it must be on the LAN)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --force 'Re-add every mapping even when its lease is not due'
            cand --json 'Print JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ports;probe'= {
            cand --via 'Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)'
            cand --gateway 'Ask this gateway instead of the default route''s (it must be on the LAN)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --ipv6 'Also probe IPv6 pinhole support'
            cand --json 'Print JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ports;help'= {
            cand add 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
            cand list 'Show direkt''s mappings (from the state), or with --all the router''s whole table'
            cand remove 'Remove mappings direkt created (never anyone else''s)'
            cand refresh 'Keep direkt''s mappings alive: re-create lost ones, extend those past half their lease'
            cand probe 'Show what the gateway offers: protocols, external address, what was ignored'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;ports;help;add'= {
        }
        &'direkt;ports;help;list'= {
        }
        &'direkt;ports;help;remove'= {
        }
        &'direkt;ports;help;refresh'= {
        }
        &'direkt;ports;help;probe'= {
        }
        &'direkt;ports;help;help'= {
        }
        &'direkt;generate'= {
            cand --out 'Directory that receives completions/ and man/'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;debug'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand state-writer 'Under one lock, record N runs in the state, one atomic write each'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;debug;state-writer'= {
            cand --runs 'runs'
            cand --pause-ms 'Pause between writes'
            cand --wait-ms 'How long to wait for the lock'
            cand --pad 'Bytes of padding in each summary, to widen the write window'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;debug;help'= {
            cand state-writer 'Under one lock, record N runs in the state, one atomic write each'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;debug;help;state-writer'= {
        }
        &'direkt;debug;help;help'= {
        }
        &'direkt;help'= {
            cand status 'Show what is configured and its state'
            cand ports 'Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)'
            cand generate 'Write shell completions and man pages (used to refresh completions/ and man/)'
            cand debug 'Internal helpers for the test suite'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;help;status'= {
        }
        &'direkt;help;ports'= {
            cand add 'Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`'
            cand list 'Show direkt''s mappings (from the state), or with --all the router''s whole table'
            cand remove 'Remove mappings direkt created (never anyone else''s)'
            cand refresh 'Keep direkt''s mappings alive: re-create lost ones, extend those past half their lease'
            cand probe 'Show what the gateway offers: protocols, external address, what was ignored'
        }
        &'direkt;help;ports;add'= {
        }
        &'direkt;help;ports;list'= {
        }
        &'direkt;help;ports;remove'= {
        }
        &'direkt;help;ports;refresh'= {
        }
        &'direkt;help;ports;probe'= {
        }
        &'direkt;help;generate'= {
        }
        &'direkt;help;debug'= {
            cand state-writer 'Under one lock, record N runs in the state, one atomic write each'
        }
        &'direkt;help;debug;state-writer'= {
        }
        &'direkt;help;help'= {
        }
    ]
    $completions[$command]
}
