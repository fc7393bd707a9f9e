
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
            cand doctor 'Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a check fails)'
            cand setup 'Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)'
            cand renew 'Keep DNS, port mappings and the certificate current; silent when nothing was due'
            cand ddns 'Dynamic DNS: update the name''s A/AAAA records, show what was published'
            cand cert 'Certificates: issue, renew when due, show, revoke'
            cand relay 'Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control'
            cand lab 'A home network in namespaces for tests and support (Linux, root)'
            cand probe-server 'Run a probe server: tells clients their address and connects back to them (only to them) to prove reachability from outside'
            cand report 'Write a support bundle: config, state, versions, doctor; every secret redacted'
            cand schedule 'Run `renew` from a systemd timer or cron: install, remove or show it'
            cand generate 'Write shell completions and man pages (used to refresh completions/ and man/)'
            cand debug 'Internal helpers for the test suite'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;status'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print JSON (see the README for its fields)'
            cand --prometheus 'Print metrics in the Prometheus text format (for node_exporter''s textfile collector)'
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
            cand --ipv6 'Also open an IPv6 pinhole to this box''s global address (PCP over IPv6, else UPnP IGDv2''s WANIPv6FirewallControl)'
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
        &'direkt;doctor'= {
            cand --deadline 'All checks together finish within this (overrides [doctor] deadline; default 5s)'
            cand --probe 'Probe server URL to use instead of [ip] probe (repeatable)'
            cand --from-report 'Render a saved diagnosis (from `doctor --json` or `direkt report`) instead of running the checks'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print JSON: `verdict` and a `checks` array of {id, status, summary, details, fix}'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;setup'= {
            cand --answers 'Answers as TOML (never asks; unanswered questions take their defaults)'
            cand --defaults 'Like --answers, but still ask on the terminal, with these as the defaults (a vendor''s preset)'
            cand --name 'The box''s name (answer `name`)'
            cand --provider 'DNS provider (answer `ddns.provider`; `direkt ddns providers` describes them)'
            cand --dns-server 'dyndns2 update URL or rfc2136 server IP:port (answer `ddns.server`)'
            cand --zone 'The zone holding the name (answer `ddns.zone`)'
            cand --username 'dyndns2 user name (answer `ddns.username`)'
            cand --key-name 'rfc2136 TSIG key name (answer `ddns.key_name`)'
            cand --forward 'Ports to forward, e.g. 443,80 or none (answer `ports.forward`)'
            cand --ca 'CA: letsencrypt, letsencrypt-staging, zerossl or an https:// directory URL (answer `cert.ca`)'
            cand --ca-bundle 'Extra PEM roots for the CA''s TLS (answer `cert.ca_bundle`)'
            cand --email 'Contact e-mail for the CA (answer `cert.email`)'
            cand --challenges 'Challenges, preferred first, e.g. http-01,dns-01 (answer `cert.challenges`; http-01, tls-alpn-01, dns-01)'
            cand --schedule 'Install the renew schedule: yes or no (answer `schedule`)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand -y 'Never ask: take the default for every question not answered otherwise'
            cand --yes 'Never ask: take the default for every question not answered otherwise'
            cand --dry-run 'Show what would change; write nothing, contact no provider or CA'
            cand --no-cert 'No certificate (answer `cert.enabled = false`)'
            cand --accept-tos 'Accept the CA''s terms of service (answer `cert.accept_tos`)'
            cand --no-apply 'Write the config only; apply nothing now (answer `apply = false`)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;renew'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print a JSON summary of every part on stdout'
            cand --force 'Renew every part now, even when not due, and clear latched errors'
            cand --dry-run 'Say what would be done; change nothing and contact no provider or CA'
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
            cand providers 'List the DNS providers direkt speaks: kind, records, secret, documentation'
            cand register 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create'
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
        &'direkt;ddns;providers'= {
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
        &'direkt;ddns;register'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --force 'Register anew although a registration is stored (the CNAME must then be changed)'
            cand --json 'Print JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;ddns;help'= {
            cand update 'Detect the public address and update the DNS record if it changed'
            cand show 'Show what was last published, and any latch or backoff (no network)'
            cand providers 'List the DNS providers direkt speaks: kind, records, secret, documentation'
            cand register 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;ddns;help;update'= {
        }
        &'direkt;ddns;help;show'= {
        }
        &'direkt;ddns;help;providers'= {
        }
        &'direkt;ddns;help;register'= {
        }
        &'direkt;ddns;help;help'= {
        }
        &'direkt;cert'= {
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
            cand issue 'Obtain a certificate now if there is none, the names or key type changed, or it is due'
            cand renew 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise'
            cand show 'Show the certificate: names, issuer, expiry, days left, key type, renewal window'
            cand revoke 'Revoke the current certificate (the next `renew` then obtains a new one)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;cert;issue'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --force 'Order a new certificate even if the current one is fine; ignore back-off and a latched refusal'
            cand --accept-tos 'Accept the CA''s terms of service (needed once, when the account is created)'
            cand --dry-run 'Only say whether an order is due; order nothing'
            cand --json 'Print the report as JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;cert;renew'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --force 'Order a new certificate even if the current one is fine; ignore back-off and a latched refusal'
            cand --accept-tos 'Accept the CA''s terms of service (needed once, when the account is created)'
            cand --dry-run 'Only say whether an order is due; order nothing'
            cand --json 'Print the report as JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;cert;show'= {
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
        &'direkt;cert;revoke'= {
            cand --reason 'Reason given to the CA'
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
        &'direkt;cert;help'= {
            cand issue 'Obtain a certificate now if there is none, the names or key type changed, or it is due'
            cand renew 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise'
            cand show 'Show the certificate: names, issuer, expiry, days left, key type, renewal window'
            cand revoke 'Revoke the current certificate (the next `renew` then obtains a new one)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;cert;help;issue'= {
        }
        &'direkt;cert;help;renew'= {
        }
        &'direkt;cert;help;show'= {
        }
        &'direkt;cert;help;revoke'= {
        }
        &'direkt;cert;help;help'= {
        }
        &'direkt;relay'= {
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
            cand setup 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH'
            cand status 'Show the relay and its tunnel: handshake age, ports, source addresses kept'
            cand remove 'Undo the relay on the VPS (as far as direkt changed it) and on this box'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;relay;setup'= {
            cand --host 'The VPS to log in to, `USER@HOST` (root, or a user with password-less sudo)'
            cand --ports 'Ports to pass through, TCP unless `/udp`: e.g. `80,443,51413/udp`'
            cand --ssh-key 'The SSH key to use (only it); default: ssh''s own choice (its config, agent, ~/.ssh)'
            cand --ssh-port 'The VPS''s SSH port'
            cand --address 'The VPS''s public IPv4 (the A record), when HOST is not it or does not resolve to it'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --snat 'Masquerade on the VPS: the box then sees the VPS as every visitor''s address (only where keeping visitors'' addresses cannot work)'
            cand --accept-host-key 'Accept and remember the VPS''s host key if ssh does not know it yet (say so; a changed key is still refused)'
            cand -y 'Do not ask (scripts): go ahead with the flags given'
            cand --yes 'Do not ask (scripts): go ahead with the flags given'
            cand --json 'Print the result as JSON'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;relay;status'= {
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
        &'direkt;relay;remove'= {
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --keep-going 'Remove the box''s side even when the VPS cannot be reached (its side then stays)'
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
        &'direkt;relay;help'= {
            cand setup 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH'
            cand status 'Show the relay and its tunnel: handshake age, ports, source addresses kept'
            cand remove 'Undo the relay on the VPS (as far as direkt changed it) and on this box'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;relay;help;setup'= {
        }
        &'direkt;relay;help;status'= {
        }
        &'direkt;relay;help;remove'= {
        }
        &'direkt;relay;help;help'= {
        }
        &'direkt;lab'= {
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
            cand up 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server'
            cand down 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)'
            cand exec 'Run a command inside the lab (default: in the box, with the lab''s resolver)'
            cand status 'Show every address, URL and file of a running lab'
            cand scenarios 'List the scenarios `lab up --scenario` knows'
            cand replay 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report''s: same root cause or not, and the checks that differ'
            cand demo 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down'
            cand loopback 'The lab router''s NAT loopback: mirror miniupnpd''s mappings for the LAN (started by `lab up` in the router''s namespace)'
            cand fritzbox 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device''s own port shares (the router''s "Permit independent port sharing for this device")'
            cand softwire 'One end of the ds-lite scenario''s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router''s and the AFTR''s namespace)'
            cand renumber 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;lab;up'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
            cand --scenario 'Network condition to build'
            cand --from-report 'Rebuild a customer''s network and setup from their `direkt report` (or `doctor --json`): the scenario and the box config come from it'
            cand --pebble-nonce-reject 'Percentage of nonces Pebble rejects with badNonce (clients must retry)'
            cand --ca 'The CA of the box''s config: Pebble, or acme2certifier (a second, independent ACME server, started beside Pebble; needs its venv, see tests/run)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --install 'Install missing Debian packages with apt-get first, without asking (on a terminal direkt asks; without one and without this flag it exits 2 with the command to run)'
            cand --json 'Print the lab''s description as JSON (as `lab status --json`)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;lab;down'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
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
        &'direkt;lab;exec'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
            cand --in 'Namespace to run in'
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
        }
        &'direkt;lab;status'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print JSON (the lab''s lab.json, with `running` per daemon)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;lab;scenarios'= {
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
        &'direkt;lab;replay'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print JSON: `same_root_cause`, both verdicts, `differences`, the steps run and the lab''s full doctor results'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;lab;demo'= {
            cand --name 'Lab name (prefix of its namespaces)'
            cand --scenario 'Network condition to run the demo in'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --keep 'Leave the lab up afterwards (tear it down with `direkt lab down --name NAME`)'
            cand --install 'Install missing Debian packages with apt-get first, without asking (on a terminal direkt asks; without one and without this flag it exits 2 with the command to run)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;lab;loopback'= {
            cand --wan 'The router''s WAN address'
            cand --lan-if 'The router''s LAN interface'
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
        &'direkt;lab;fritzbox'= {
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
            cand allow 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on'
            cand deny 'Untick it for every device: port shares and pinholes are refused with UPnP error 606'
            cand serve 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;lab;fritzbox;allow'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
            cand --device 'The device''s address (repeatable) [default: the box, 192.168.77.10 and 2001:db8:77::10]'
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
        &'direkt;lab;fritzbox;deny'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
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
        &'direkt;lab;fritzbox;serve'= {
            cand --run-dir 'The lab''s run directory'
            cand --wan 'The router''s WAN address'
            cand --lan 'The router''s LAN address'
            cand --profile 'Which router to be'
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
        }
        &'direkt;lab;fritzbox;help'= {
            cand allow 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on'
            cand deny 'Untick it for every device: port shares and pinholes are refused with UPnP error 606'
            cand serve 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;lab;fritzbox;help;allow'= {
        }
        &'direkt;lab;fritzbox;help;deny'= {
        }
        &'direkt;lab;fritzbox;help;serve'= {
        }
        &'direkt;lab;fritzbox;help;help'= {
        }
        &'direkt;lab;softwire'= {
            cand --local 'This end''s IPv6 address'
            cand --remote 'The other end''s IPv6 address'
            cand --tun 'The TUN device (created beforehand with `ip tuntap add dev NAME mode tun`)'
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
        &'direkt;lab;renumber'= {
            cand --name 'Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --json 'Print JSON: old and new prefix, the box''s old and new address'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;lab;help'= {
            cand up 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server'
            cand down 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)'
            cand exec 'Run a command inside the lab (default: in the box, with the lab''s resolver)'
            cand status 'Show every address, URL and file of a running lab'
            cand scenarios 'List the scenarios `lab up --scenario` knows'
            cand replay 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report''s: same root cause or not, and the checks that differ'
            cand demo 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down'
            cand loopback 'The lab router''s NAT loopback: mirror miniupnpd''s mappings for the LAN (started by `lab up` in the router''s namespace)'
            cand fritzbox 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device''s own port shares (the router''s "Permit independent port sharing for this device")'
            cand softwire 'One end of the ds-lite scenario''s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router''s and the AFTR''s namespace)'
            cand renumber 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;lab;help;up'= {
        }
        &'direkt;lab;help;down'= {
        }
        &'direkt;lab;help;exec'= {
        }
        &'direkt;lab;help;status'= {
        }
        &'direkt;lab;help;scenarios'= {
        }
        &'direkt;lab;help;replay'= {
        }
        &'direkt;lab;help;demo'= {
        }
        &'direkt;lab;help;loopback'= {
        }
        &'direkt;lab;help;fritzbox'= {
            cand allow 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on'
            cand deny 'Untick it for every device: port shares and pinholes are refused with UPnP error 606'
            cand serve 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)'
        }
        &'direkt;lab;help;fritzbox;allow'= {
        }
        &'direkt;lab;help;fritzbox;deny'= {
        }
        &'direkt;lab;help;fritzbox;serve'= {
        }
        &'direkt;lab;help;softwire'= {
        }
        &'direkt;lab;help;renumber'= {
        }
        &'direkt;lab;help;help'= {
        }
        &'direkt;probe-server'= {
            cand --listen 'Address to listen on (repeat for several, e.g. an IPv4 and an IPv6 one)'
            cand --max-connections 'At most this many connections at once (further ones wait)'
            cand --max-connections-per-source 'At most this many connections at once from one source address (IPv6: its /64); more are answered 429 and closed at once'
            cand --allow-ports 'Ports a connect-back check may target, e.g. 80,443,1024-65535'
            cand --rate 'Requests one source address (IPv6: its /64) may make per minute'
            cand --burst 'Requests one source may make at once before the per-minute rate applies'
            cand --max-checks 'Connect-back checks running at once, over all sources'
            cand --check-timeout 'Timeout of each connect-back (connect plus exchange)'
            cand --tls-cert 'Serve HTTPS with this PEM certificate chain (with --tls-key)'
            cand --tls-key 'The PEM private key for --tls-cert'
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
        &'direkt;report'= {
            cand -o 'Write the report to FILE (mode 0600) instead of stdout'
            cand --output 'Write the report to FILE (mode 0600) instead of stdout'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --no-doctor 'Leave out the doctor run (faster; support will miss the diagnosis)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;schedule'= {
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
            cand install 'Write the systemd units (and enable the timer) or the cron file'
            cand remove 'Remove what `install` wrote (and disable the timer)'
            cand show 'Print what `install` would write, without writing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;schedule;install'= {
            cand --root 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then'
            cand --every 'How often renew runs (1m to 60m)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --systemd 'A systemd service + timer (default where systemd runs)'
            cand --cron 'A line in /etc/cron.d/direkt (default elsewhere)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;schedule;remove'= {
            cand --root 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then'
            cand --every 'How often renew runs (1m to 60m)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --systemd 'A systemd service + timer (default where systemd runs)'
            cand --cron 'A line in /etc/cron.d/direkt (default elsewhere)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;schedule;show'= {
            cand --root 'Write below this directory instead of / (for images, packaging and tests); nothing is enabled then'
            cand --every 'How often renew runs (1m to 60m)'
            cand --config 'Configuration file [default: /etc/direkt/direkt.toml as root, else $XDG_CONFIG_HOME/direkt/direkt.toml]'
            cand --state-dir 'State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]'
            cand --color 'When to use colour (NO_COLOR in the environment means never)'
            cand --systemd 'A systemd service + timer (default where systemd runs)'
            cand --cron 'A line in /etc/cron.d/direkt (default elsewhere)'
            cand -v 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand --verbose 'More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter directives'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'direkt;schedule;help'= {
            cand install 'Write the systemd units (and enable the timer) or the cron file'
            cand remove 'Remove what `install` wrote (and disable the timer)'
            cand show 'Print what `install` would write, without writing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'direkt;schedule;help;install'= {
        }
        &'direkt;schedule;help;remove'= {
        }
        &'direkt;schedule;help;show'= {
        }
        &'direkt;schedule;help;help'= {
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
            cand doctor 'Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a check fails)'
            cand setup 'Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)'
            cand renew 'Keep DNS, port mappings and the certificate current; silent when nothing was due'
            cand ddns 'Dynamic DNS: update the name''s A/AAAA records, show what was published'
            cand cert 'Certificates: issue, renew when due, show, revoke'
            cand relay 'Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control'
            cand lab 'A home network in namespaces for tests and support (Linux, root)'
            cand probe-server 'Run a probe server: tells clients their address and connects back to them (only to them) to prove reachability from outside'
            cand report 'Write a support bundle: config, state, versions, doctor; every secret redacted'
            cand schedule 'Run `renew` from a systemd timer or cron: install, remove or show it'
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
        &'direkt;help;doctor'= {
        }
        &'direkt;help;setup'= {
        }
        &'direkt;help;renew'= {
        }
        &'direkt;help;ddns'= {
            cand update 'Detect the public address and update the DNS record if it changed'
            cand show 'Show what was last published, and any latch or backoff (no network)'
            cand providers 'List the DNS providers direkt speaks: kind, records, secret, documentation'
            cand register 'Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create'
        }
        &'direkt;help;ddns;update'= {
        }
        &'direkt;help;ddns;show'= {
        }
        &'direkt;help;ddns;providers'= {
        }
        &'direkt;help;ddns;register'= {
        }
        &'direkt;help;cert'= {
            cand issue 'Obtain a certificate now if there is none, the names or key type changed, or it is due'
            cand renew 'Renew the certificate only when it is due (what `direkt renew` does); no request to the CA otherwise'
            cand show 'Show the certificate: names, issuer, expiry, days left, key type, renewal window'
            cand revoke 'Revoke the current certificate (the next `renew` then obtains a new one)'
        }
        &'direkt;help;cert;issue'= {
        }
        &'direkt;help;cert;renew'= {
        }
        &'direkt;help;cert;show'= {
        }
        &'direkt;help;cert;revoke'= {
        }
        &'direkt;help;relay'= {
            cand setup 'Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH'
            cand status 'Show the relay and its tunnel: handshake age, ports, source addresses kept'
            cand remove 'Undo the relay on the VPS (as far as direkt changed it) and on this box'
        }
        &'direkt;help;relay;setup'= {
        }
        &'direkt;help;relay;status'= {
        }
        &'direkt;help;relay;remove'= {
        }
        &'direkt;help;lab'= {
            cand up 'Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server'
            cand down 'Tear a lab down: end its processes, delete its namespaces and files (also after a crash)'
            cand exec 'Run a command inside the lab (default: in the box, with the lab''s resolver)'
            cand status 'Show every address, URL and file of a running lab'
            cand scenarios 'List the scenarios `lab up --scenario` knows'
            cand replay 'Run doctor in the box of a lab built with `lab up --from-report` and set its verdict beside the report''s: same root cause or not, and the checks that differ'
            cand demo 'The whole job in one command: lab up, unattended setup in the box, doctor, the certificate, lab down'
            cand loopback 'The lab router''s NAT loopback: mirror miniupnpd''s mappings for the LAN (started by `lab up` in the router''s namespace)'
            cand fritzbox 'The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device''s own port shares (the router''s "Permit independent port sharing for this device")'
            cand softwire 'One end of the ds-lite scenario''s IPv4-in-IPv6 softwire over the TUN device sw0 (started by `lab up` in the router''s and the AFTR''s namespace)'
            cand renumber 'ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its interface ID in the new prefix and loses its address in the old one)'
        }
        &'direkt;help;lab;up'= {
        }
        &'direkt;help;lab;down'= {
        }
        &'direkt;help;lab;exec'= {
        }
        &'direkt;help;lab;status'= {
        }
        &'direkt;help;lab;scenarios'= {
        }
        &'direkt;help;lab;replay'= {
        }
        &'direkt;help;lab;demo'= {
        }
        &'direkt;help;lab;loopback'= {
        }
        &'direkt;help;lab;fritzbox'= {
            cand allow 'Tick "Permit independent port sharing for this device" for the box (or --device): its UPnP port shares and IPv6 pinholes are accepted from now on'
            cand deny 'Untick it for every device: port shares and pinholes are refused with UPnP error 606'
            cand serve 'The emulation itself (started by `lab up --scenario fritzbox` in the router''s namespace)'
        }
        &'direkt;help;lab;fritzbox;allow'= {
        }
        &'direkt;help;lab;fritzbox;deny'= {
        }
        &'direkt;help;lab;fritzbox;serve'= {
        }
        &'direkt;help;lab;softwire'= {
        }
        &'direkt;help;lab;renumber'= {
        }
        &'direkt;help;probe-server'= {
        }
        &'direkt;help;report'= {
        }
        &'direkt;help;schedule'= {
            cand install 'Write the systemd units (and enable the timer) or the cron file'
            cand remove 'Remove what `install` wrote (and disable the timer)'
            cand show 'Print what `install` would write, without writing'
        }
        &'direkt;help;schedule;install'= {
        }
        &'direkt;help;schedule;remove'= {
        }
        &'direkt;help;schedule;show'= {
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
