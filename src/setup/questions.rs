//! The wizard's questions as a table: each with its answer key (also the key in an answers
//! file), prompt, help, built-in default, the check (the config's own value types do the
//! parsing, so what the wizard accepts is what the config loader accepts), where its current
//! value comes from and where the answer goes. The DNS provider's questions come from the
//! provider registry ([`crate::ddns::registry`]); the answer keys are these plus those.

use std::path::PathBuf;

use crate::config::{
    Ca, CertConfig, ChallengeKind, Config, DomainName, HumanDuration, NotifyConfig, PortSpec,
    PortsConfig,
};
use crate::ddns::PROVIDERS;

/// A free-text question.
pub struct Text {
    pub key: &'static str,
    pub prompt: &'static str,
    pub help: &'static str,
    /// The default when neither an answer nor the current config gives one.
    pub builtin: Option<&'static str>,
    pub check: fn(&str) -> Result<(), String>,
    /// The value in the config being built (the current one on a re-run).
    pub current: fn(&Config) -> Option<String>,
    /// Put a checked answer into the config.
    pub apply: fn(&mut Config, &str),
    /// Whether the question applies to this config.
    pub when: fn(&Config) -> bool,
}

/// A yes/no question; its default is decided where it is asked.
pub struct Confirm {
    pub key: &'static str,
    pub prompt: &'static str,
    pub help: &'static str,
}

fn always(_: &Config) -> bool {
    true
}

fn has_cert(c: &Config) -> bool {
    c.cert.is_some()
}

pub fn list(items: &[String]) -> String {
    items.join(",")
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// `443, 80/tcp` -> port specs; `none` or empty -> no forwarding.
pub fn parse_ports(s: &str) -> Result<Vec<PortSpec>, String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return Ok(vec![]);
    }
    split_list(s)
        .iter()
        .map(|p| p.parse::<PortSpec>())
        .collect()
}

pub fn parse_challenges(s: &str) -> Result<Vec<ChallengeKind>, String> {
    let list: Vec<ChallengeKind> = split_list(s)
        .iter()
        .map(|p| p.parse())
        .collect::<Result<_, _>>()?;
    if list.is_empty() {
        return Err("name at least one challenge".into());
    }
    Ok(list)
}

fn check_name(s: &str) -> Result<(), String> {
    s.parse::<DomainName>().map(|_| ())
}

fn check_any(_: &str) -> Result<(), String> {
    Ok(())
}

fn check_bool(s: &str) -> Result<(), String> {
    match s {
        "true" | "false" => Ok(()),
        _ => Err("true or false".to_string()),
    }
}

fn check_email(s: &str) -> Result<(), String> {
    if s.is_empty() || (s.contains('@') && !s.contains(' ')) {
        Ok(())
    } else {
        Err("an e-mail address looks like owner@example.org".into())
    }
}

fn check_prefixes(s: &str) -> Result<(), String> {
    split_list(s).iter().try_for_each(|n| {
        n.parse::<ipnet::IpNet>()
            .map(|_| ())
            .map_err(|e| format!("{n}: {e}"))
    })
}

fn check_quorum(s: &str) -> Result<(), String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(()),
        _ => Err("a number of at least 1".into()),
    }
}

/// The certificate section being built (a fresh one when the config has none yet).
fn cert_mut(c: &mut Config) -> &mut CertConfig {
    c.cert.get_or_insert_with(|| CertConfig {
        ca: Ca::default(),
        ca_bundle: None,
        email: None,
        accept_tos: false,
        challenges: vec![],
        webroot: None,
        key: Default::default(),
        reuse_key: false,
        profile: None,
        eab_kid: None,
        eab_hmac_key_file: None,
        deploy_hook: None,
        staging_directory: None,
        deploy_hook_timeout: HumanDuration(std::time::Duration::from_secs(60)),
    })
}

pub const NAME: Text = Text {
    key: "name",
    prompt: "Name of this box",
    help: "The internet name people will use to reach this box, e.g. mybox.duckdns.org or \
           box.example.org. It must be a name your DNS provider lets you update.",
    builtin: None,
    check: check_name,
    current: |c| Some(c.name.to_string()),
    apply: |c, v| {
        if let Ok(n) = v.parse() {
            c.name = n;
        }
    },
    when: always,
};

pub const PORTS: Text = Text {
    key: "ports.forward",
    prompt: "Ports to forward on the router",
    help: "Comma-separated, EXT[:INT][/tcp|udp]. 443 for HTTPS; 80 too if the certificate uses \
           the http-01 challenge. `none` if you forward ports yourself.",
    builtin: Some("443,80"),
    check: |s| parse_ports(s).map(|_| ()),
    current: |c| {
        let p = c.ports.as_ref()?;
        Some(list(
            &p.forward.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ))
    },
    apply: |c, v| {
        let forward = parse_ports(v).unwrap_or_default();
        let lease = c
            .ports
            .as_ref()
            .map(|p| p.lease)
            .unwrap_or(HumanDuration(std::time::Duration::from_secs(3600)));
        c.ports = (!forward.is_empty()).then_some(PortsConfig { forward, lease });
    },
    when: always,
};

pub const CERT_ENABLED: Confirm = Confirm {
    key: "cert.enabled",
    prompt: "Get a TLS certificate for this name?",
    help: "direkt gets one from a free CA and renews it on time.",
};

pub const CA: Text = Text {
    key: "cert.ca",
    prompt: "Certificate authority",
    help: "letsencrypt (default), letsencrypt-staging (for trying out), zerossl, or an ACME \
           directory URL.",
    builtin: Some("letsencrypt"),
    check: |s| {
        s.parse::<Ca>()
            .map(|_| ())
            .map_err(|_| format!("use {}", Ca::choices()))
    },
    current: |c| c.cert.as_ref().map(|c| c.ca.to_string()),
    apply: |c, v| {
        if let Ok(ca) = v.parse() {
            cert_mut(c).ca = ca;
        }
    },
    when: always,
};

pub const EMAIL: Text = Text {
    key: "cert.email",
    prompt: "Contact e-mail for the CA (optional)",
    help: "Used by the CA only for problems with your account; Enter for none.",
    builtin: Some(""),
    check: check_email,
    current: |c| c.cert.as_ref().and_then(|c| c.email.clone()),
    apply: |c, v| cert_mut(c).email = (!v.is_empty()).then(|| v.to_string()),
    when: always,
};

pub const ACCEPT_TOS: Confirm = Confirm {
    key: "cert.accept_tos",
    prompt: "Do you accept the CA's terms of service?",
    help: "The CA requires it before it issues certificates.",
};

/// The terms question's help: the CA's own terms, as its directory names them.
pub fn terms_help(terms: &crate::setup::Terms) -> String {
    use crate::setup::Terms;
    match terms {
        Terms::Url(url) => format!("{} Its terms: {url}", ACCEPT_TOS.help),
        Terms::NoneNamed => format!(
            "{} This CA's directory names no terms of service.",
            ACCEPT_TOS.help
        ),
        Terms::Unknown(why) => format!(
            "{} Its terms could not be read ({why}); its directory's meta.termsOfService names \
             them.",
            ACCEPT_TOS.help
        ),
    }
}

pub const CHALLENGES: Text = Text {
    key: "cert.challenges",
    prompt: "Challenges, preferred first",
    help: "How the CA checks that you control the name: http-01 (needs port 80), tls-alpn-01 \
           (port 443), dns-01 (through your DNS provider; no port needed).",
    builtin: Some("http-01"),
    check: |s| parse_challenges(s).map(|_| ()),
    current: |c| {
        // A certificate section just started has none yet: the built-in default applies.
        let cert = c.cert.as_ref().filter(|c| !c.challenges.is_empty())?;
        Some(list(
            &cert
                .challenges
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>(),
        ))
    },
    apply: |c, v| cert_mut(c).challenges = parse_challenges(v).unwrap_or_default(),
    when: always,
};

/// The deploy hook's answer for "no hook".
pub const NO_HOOK: &str = "none";

pub const DEPLOY_HOOK: Text = Text {
    key: "cert.deploy_hook",
    prompt: "Command that reloads the web server after a new certificate",
    help: "The deploy hook: run with sh -c after each new certificate, its paths in \
           $DIREKT_FULLCHAIN and $DIREKT_PRIVKEY. The default reloads the web server found on \
           443 or 80; `none` for no command.",
    builtin: Some(NO_HOOK),
    check: check_any,
    current: |c| c.cert.as_ref().and_then(|c| c.deploy_hook.clone()),
    apply: |c, v| {
        let v = v.trim();
        cert_mut(c).deploy_hook =
            (!v.is_empty() && !v.eq_ignore_ascii_case(NO_HOOK)).then(|| v.to_string())
    },
    when: has_cert,
};

/// The webroot's answer for "no webroot" (direkt listens on port 80 itself).
pub const NO_WEBROOT: &str = "none";

pub const WEBROOT: Text = Text {
    key: "cert.webroot",
    prompt: "Document root of the web server on port 80 (for http-01)",
    help: "Another program holds port 80, so direkt cannot answer the CA there itself: it puts \
           the challenge file under DIR/.well-known/acme-challenge/ and that server must serve \
           it for this name. `none` to let direkt listen on port 80 itself (stop that server \
           first), or choose dns-01 or tls-alpn-01 instead.",
    builtin: Some(NO_WEBROOT),
    check: check_any,
    current: |c| {
        c.cert
            .as_ref()
            .and_then(|c| c.webroot.as_ref())
            .map(|w| w.display().to_string())
    },
    apply: |c, v| {
        let v = v.trim();
        cert_mut(c).webroot =
            (!v.is_empty() && !v.eq_ignore_ascii_case(NO_WEBROOT)).then(|| PathBuf::from(v))
    },
    when: has_cert,
};

pub const ADVANCED: Confirm = Confirm {
    key: "advanced",
    prompt: "Change advanced settings (address sources, CA bundle, notify command)?",
    help: "",
};

/// Asked only when the user opts into advanced settings; answers given up front apply anyway.
pub const ADVANCED_QUESTIONS: &[Text] = &[
    Text {
        key: "ip.stun",
        prompt: "STUN servers (host:port, comma-separated)",
        help: "They tell direkt the address the internet sees.",
        builtin: None,
        check: check_any,
        current: |c| Some(list(&c.ip.stun)),
        apply: |c, v| c.ip.stun = split_list(v),
        when: always,
    },
    Text {
        key: "ip.probe",
        prompt: "direkt probe servers (URLs, comma-separated; optional)",
        help: "An outside vantage point for the address and reachability checks.",
        builtin: None,
        check: check_any,
        current: |c| Some(list(&c.ip.probe)),
        apply: |c, v| c.ip.probe = split_list(v),
        when: always,
    },
    Text {
        key: "ip.echo",
        prompt: "HTTPS address echo services (URLs, comma-separated)",
        help: "",
        builtin: None,
        check: check_any,
        current: |c| Some(list(&c.ip.echo)),
        apply: |c, v| c.ip.echo = split_list(v),
        when: always,
    },
    Text {
        key: "ip.port_check",
        prompt: "Port checks in the style of echoip (URLs, comma-separated; optional)",
        help: "doctor asks one to connect back to this box when no direkt probe server is configured.",
        builtin: None,
        check: check_any,
        current: |c| Some(list(&c.ip.port_check)),
        apply: |c, v| c.ip.port_check = split_list(v),
        when: always,
    },
    Text {
        key: "ip.public_prefixes",
        prompt: "Prefixes to treat as public (only for test networks)",
        help: "",
        builtin: None,
        check: check_prefixes,
        current: |c| {
            let p: Vec<String> = c.ip.public_prefixes.iter().map(|n| n.to_string()).collect();
            Some(list(&p))
        },
        apply: |c, v| {
            c.ip.public_prefixes = split_list(v)
                .iter()
                .filter_map(|n| n.parse().ok())
                .collect()
        },
        when: always,
    },
    Text {
        key: "ip.quorum",
        prompt: "How many independent sources must agree on the address",
        help: "",
        builtin: None,
        check: check_quorum,
        current: |c| Some(c.ip.quorum.to_string()),
        apply: |c, v| c.ip.quorum = v.parse().unwrap_or(c.ip.quorum),
        when: always,
    },
    Text {
        key: "ip.ipv4",
        prompt: "Publish IPv4 (A record)?",
        help: "",
        builtin: None,
        check: check_bool,
        current: |c| Some(c.ip.ipv4.to_string()),
        apply: |c, v| c.ip.ipv4 = v == "true",
        when: always,
    },
    Text {
        key: "ip.ipv6",
        prompt: "Publish IPv6 (AAAA record)?",
        help: "",
        builtin: None,
        check: check_bool,
        current: |c| Some(c.ip.ipv6.to_string()),
        apply: |c, v| c.ip.ipv6 = v == "true",
        when: always,
    },
    Text {
        key: "ip.gateway",
        prompt: "Ask the router for its external address?",
        help: "",
        builtin: None,
        check: check_bool,
        current: |c| Some(c.ip.gateway.to_string()),
        apply: |c, v| c.ip.gateway = v == "true",
        when: always,
    },
    Text {
        key: "cert.ca_bundle",
        prompt: "Extra CA roots (PEM file) to trust for the CA's own TLS (optional)",
        help: "Only for a private CA.",
        builtin: None,
        check: check_any,
        current: |c| {
            Some(
                c.cert
                    .as_ref()
                    .and_then(|c| c.ca_bundle.as_ref())
                    .map(|b| b.display().to_string())
                    .unwrap_or_default(),
            )
        },
        apply: |c, v| cert_mut(c).ca_bundle = (!v.is_empty()).then(|| PathBuf::from(v)),
        when: has_cert,
    },
    Text {
        key: "state_dir",
        prompt: "State directory (empty: the default)",
        help: "",
        builtin: None,
        check: check_any,
        current: |c| {
            Some(
                c.state_dir
                    .as_ref()
                    .map(|b| b.display().to_string())
                    .unwrap_or_default(),
            )
        },
        apply: |c, v| c.state_dir = (!v.is_empty()).then(|| PathBuf::from(v)),
        when: always,
    },
    Text {
        key: "notify.command",
        prompt: "Command to run when something needs attention (optional)",
        help: "Run with sh -c; the reason is in $DIREKT_NOTIFY_REASON and $DIREKT_NOTIFY_MESSAGE. \
               E.g. mail -s \"direkt: $DIREKT_NOTIFY_REASON\" you@example.org",
        builtin: None,
        check: check_any,
        current: |c| {
            Some(
                c.notify
                    .as_ref()
                    .map(|n| n.command.clone())
                    .unwrap_or_default(),
            )
        },
        apply: |c, v| {
            c.notify = (!v.is_empty()).then(|| NotifyConfig {
                command: v.to_string(),
                timeout: c
                    .notify
                    .as_ref()
                    .map(|n| n.timeout)
                    .unwrap_or(HumanDuration(std::time::Duration::from_secs(30))),
            })
        },
        when: always,
    },
];

pub const APPLY: Confirm = Confirm {
    key: "apply",
    prompt: "Apply now: publish the name, forward the ports, get the certificate?",
    help: "",
};

pub const SCHEDULE: Confirm = Confirm {
    key: "schedule",
    prompt: "Keep it working: run `direkt renew` every 5 minutes (systemd timer or cron)?",
    help: "",
};

/// Given only up front (an answers file or flag), never asked.
pub const ALIASES: &str = "aliases";
pub const PROVIDER: &str = "ddns.provider";

/// Every key an answers file may hold, in the order the wizard asks.
pub fn answer_keys() -> Vec<String> {
    let mut keys: Vec<String> = vec![NAME.key.into(), ALIASES.into(), PROVIDER.into()];
    for spec in PROVIDERS {
        for k in spec
            .keys
            .iter()
            .map(|k| k.name)
            .chain(spec.secrets.iter().map(|s| s.name))
        {
            keys.push(format!("ddns.{k}"));
        }
    }
    keys.extend(
        [
            PORTS.key,
            CERT_ENABLED.key,
            CA.key,
            EMAIL.key,
            ACCEPT_TOS.key,
            CHALLENGES.key,
            WEBROOT.key,
            DEPLOY_HOOK.key,
        ]
        .map(String::from),
    );
    keys.push(ADVANCED.key.into());
    keys.extend(ADVANCED_QUESTIONS.iter().map(|q| q.key.to_string()));
    keys.extend([APPLY.key, SCHEDULE.key].map(String::from));
    let mut seen = std::collections::BTreeSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

/// The keys whose answers are secrets: every provider's secret.
pub fn secret_keys() -> Vec<String> {
    let mut keys: Vec<String> = PROVIDERS
        .iter()
        .flat_map(|s| s.secrets.iter().map(|k| format!("ddns.{}", k.name)))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_keys_hold_every_question_once_and_the_providers_keys() {
        let keys = answer_keys();
        for k in [
            "name",
            "ddns.provider",
            "ddns.server",
            "ddns.zone",
            "ddns.username",
            "ddns.key_name",
            "ddns.password",
            "ddns.token",
            "ddns.tsig_secret",
            "ports.forward",
            "cert.ca_bundle",
            "cert.deploy_hook",
            "notify.command",
            "schedule",
        ] {
            assert_eq!(keys.iter().filter(|x| *x == k).count(), 1, "{k}");
        }
        for s in secret_keys() {
            assert!(keys.contains(&s), "{s}");
        }
    }

    #[test]
    fn every_builtin_default_passes_its_own_check() {
        for q in [
            &NAME,
            &PORTS,
            &CA,
            &EMAIL,
            &CHALLENGES,
            &WEBROOT,
            &DEPLOY_HOOK,
        ]
        .into_iter()
        .chain(ADVANCED_QUESTIONS)
        {
            if let Some(b) = q.builtin {
                assert!((q.check)(b).is_ok(), "{}", q.key);
            }
        }
        assert_eq!(CA.builtin, Some(Ca::default().as_str()));
        assert!((CA.check)("nonsense").is_err());
        assert!((PORTS.check)("443/sctp").is_err());
    }
}
