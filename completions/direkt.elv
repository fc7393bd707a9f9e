
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
            cand ddns 'Dynamic DNS: update the name''s A/AAAA records, show what was published'
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
        &'direkt;ddns'= {
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
            cand update 'Detect the public address and update the DNS record if it changed'
            cand show 'Show what was last published, and any latch or backoff (no network)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;ddns;update'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --force 'Send even if the address is unchanged; lift a latch or a backoff'
            cand --dry-run 'Detect and decide, but send nothing to the provider and write nothing'
            cand --json 'Print the report as JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ddns;show'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
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
        &'direkt;ddns;help'= {
            cand update 'Detect the public address and update the DNS record if it changed'
            cand show 'Show what was last published, and any latch or backoff (no network)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;ddns;help;update'= {
        }
        &'direkt;ddns;help;show'= {
        }
        &'direkt;ddns;help;help'= {
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
            cand ddns 'Dynamic DNS: update the name''s A/AAAA records, show what was published'
            cand generate 'Write shell completions and man pages (used to refresh completions/ and man/)'
            cand debug 'Internal helpers for the test suite'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;help;status'= {
        }
        &'direkt;help;ddns'= {
            cand update 'Detect the public address and update the DNS record if it changed'
            cand show 'Show what was last published, and any latch or backoff (no network)'
        }
        &'direkt;help;ddns;update'= {
        }
        &'direkt;help;ddns;show'= {
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
