//! The setup wizard's questions: from the current config (re-running setup starts from it) and
//! the answers given up front, to a candidate config and its secrets. Every question goes
//! through the [`Prompter`] seam with a key, a default and a help text; nothing here prints or
//! writes, so the wizard is tested with a scripted prompter.

use std::path::PathBuf;

use crate::config::{
    Ca, CertConfig, ChallengeKind, Config, DdnsConfig, DomainName, IpConfig, NotifyConfig,
    PortSpec, PortsConfig, Secret,
};
use crate::ddns::registry::{self, Builtin, PROVIDERS, ProviderId};
use crate::error::{Error, Result};
use crate::prompt::{Answer, Answers, Choice, Prompter, Question};

/// The keys an answers file may hold besides the providers' own (`ddns.<key>`, from the
/// registry).
const FIXED_KEYS: &[&str] = &[
    "name",
    "aliases",
    "ddns.provider",
    "ports.forward",
    "cert.enabled",
    "cert.ca",
    "cert.email",
    "cert.accept_tos",
    "cert.challenges",
    "advanced",
    "cert.ca_bundle",
    "ip.ipv4",
    "ip.ipv6",
    "ip.quorum",
    "ip.stun",
    "ip.probe",
    "ip.echo",
    "ip.gateway",
    "ip.public_prefixes",
    "state_dir",
    "notify.command",
    "apply",
    "schedule",
];

/// Every key an answers file may hold.
pub fn answer_keys() -> Vec<String> {
    let mut keys: Vec<String> = FIXED_KEYS.iter().map(|k| k.to_string()).collect();
    for spec in PROVIDERS {
        for k in spec.keys.iter().map(|k| k.name).chain([spec.secret.name]) {
            let key = format!("ddns.{k}");
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// The keys whose answers are secrets: every provider's secret.
pub fn secret_keys() -> Vec<String> {
    let mut keys = vec![];
    for spec in PROVIDERS {
        let key = format!("ddns.{}", spec.secret.name);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Keys asked only when the user opts into advanced settings; given answers apply regardless.
const ADVANCED_KEYS: &[&str] = &[
    "cert.ca_bundle",
    "ip.ipv4",
    "ip.ipv6",
    "ip.quorum",
    "ip.stun",
    "ip.probe",
    "ip.echo",
    "ip.gateway",
    "ip.public_prefixes",
    "state_dir",
    "notify.command",
];

/// What the wizard decided.
#[derive(Debug)]
pub struct Candidate {
    pub config: Config,
    /// Secrets to store: (section, key, value).
    pub secrets: Vec<(String, String, Secret)>,
    pub apply: bool,
    pub schedule: bool,
}

/// One secret to store: (section, key, value).
pub type SecretEntry = (String, String, Secret);
/// Secrets to store.
pub type SecretList = [SecretEntry];
/// Checks a candidate's credentials with the provider.
pub type CheckCredentials<'a> = dyn FnMut(&Config, &SecretList) -> Result<()> + 'a;

/// What the wizard needs from outside.
pub struct Context<'a> {
    pub current: Option<&'a Config>,
    /// The current value of a secret (section, key), if one is set.
    pub current_secret: &'a dyn Fn(&str, &str) -> Option<Secret>,
    pub given: &'a Answers,
    /// Whether to offer the schedule by default (not when a custom config path is used).
    pub schedule_default: bool,
    /// Check the DNS provider's credentials with a candidate; `Err` explains the refusal.
    pub check_credentials: &'a mut CheckCredentials<'a>,
}

fn q<'a>(key: &'a str, prompt: &'a str, help: &'a str) -> Question<'a> {
    Question { key, prompt, help }
}

fn validate_name(s: &str) -> std::result::Result<(), String> {
    s.parse::<DomainName>().map(|_| ())
}

fn validate_ports(s: &str) -> std::result::Result<(), String> {
    parse_ports(s).map(|_| ())
}

/// `443, 80/tcp` -> port specs; `none` or empty -> no forwarding.
pub fn parse_ports(s: &str) -> std::result::Result<Vec<PortSpec>, String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return Ok(vec![]);
    }
    s.split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse::<PortSpec>())
        .collect()
}

fn parse_challenges(s: &str) -> std::result::Result<Vec<ChallengeKind>, String> {
    let list: Vec<ChallengeKind> = split_list(s)
        .iter()
        .map(|p| p.parse())
        .collect::<std::result::Result<_, _>>()?;
    if list.is_empty() {
        return Err("name at least one challenge".into());
    }
    Ok(list)
}

fn validate_ca(s: &str) -> std::result::Result<(), String> {
    s.parse::<Ca>()
        .map(|_| ())
        .map_err(|_| format!("use {}", Ca::choices()))
}

fn list(items: &[String]) -> String {
    items.join(",")
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Ask every question and build the candidate.
pub fn ask(p: &mut dyn Prompter, cx: &mut Context) -> Result<Candidate> {
    let cur = cx.current;
    let given = cx.given;
    // A default is: the answer given up front, else the current value, else the built-in one.
    let def = |key: &str, current: Option<String>, builtin: Option<&str>| -> Option<String> {
        given.text(key).or(current).or(builtin.map(str::to_string))
    };

    let name = p.input(
        q(
            "name",
            "Name of this box",
            "The internet name people will use to reach this box, e.g. mybox.duckdns.org or \
             box.example.org. It must be a name your DNS provider lets you update.",
        ),
        def("name", cur.map(|c| c.name.to_string()), None).as_deref(),
        &validate_name,
    )?;
    let name: DomainName = name.parse().map_err(Error::usage)?;

    let (ddns, secrets) = ddns_questions(p, cx, &def, &name)?;

    // Ports.
    let cur_ports = cur.and_then(|c| c.ports.as_ref());
    let forward = p.input(
        q(
            "ports.forward",
            "Ports to forward on the router",
            "Comma-separated, EXT[:INT][/tcp|udp]. 443 for HTTPS; 80 too if the certificate \
             uses the http-01 challenge. `none` if you forward ports yourself.",
        ),
        def(
            "ports.forward",
            cur_ports.map(|p| list(&p.forward.iter().map(|s| s.to_string()).collect::<Vec<_>>())),
            Some("443,80"),
        )
        .as_deref(),
        &validate_ports,
    )?;
    let forward = parse_ports(&forward).map_err(Error::usage)?;
    let ports = (!forward.is_empty()).then(|| PortsConfig {
        forward,
        lease: cur_ports
            .map(|p| p.lease)
            .unwrap_or(crate::config::HumanDuration(
                std::time::Duration::from_secs(3600),
            )),
    });

    // Certificate.
    let cur_cert = cur.and_then(|c| c.cert.as_ref());
    let want_cert = p.confirm(
        q(
            "cert.enabled",
            "Get a TLS certificate for this name?",
            "direkt gets one from a free CA and renews it on time.",
        ),
        given_bool(given, "cert.enabled").unwrap_or(cur.is_none() || cur_cert.is_some()),
    )?;
    let mut cert = None;
    if want_cert {
        let ca = p.input(
            q(
                "cert.ca",
                "Certificate authority",
                "letsencrypt (default), letsencrypt-staging (for trying out), zerossl, or an ACME \
                 directory URL.",
            ),
            def(
                "cert.ca",
                cur_cert.map(|c| c.ca.to_string()),
                Some(Ca::default().as_str()),
            )
            .as_deref(),
            &validate_ca,
        )?;
        let email = p.input(
            q(
                "cert.email",
                "Contact e-mail for the CA (optional)",
                "Used by the CA only for problems with your account; Enter for none.",
            ),
            def(
                "cert.email",
                cur_cert.and_then(|c| c.email.clone()),
                Some(""),
            )
            .as_deref(),
            &|s: &str| {
                if s.is_empty() || (s.contains('@') && !s.contains(' ')) {
                    Ok(())
                } else {
                    Err("an e-mail address looks like owner@example.org".into())
                }
            },
        )?;
        let tos = p.confirm(
            q(
                "cert.accept_tos",
                "Do you accept the CA's terms of service?",
                "The CA requires it before it issues certificates (Let's Encrypt: \
                 https://letsencrypt.org/repository/).",
            ),
            given_bool(given, "cert.accept_tos").unwrap_or(cur_cert.is_some_and(|c| c.accept_tos)),
        )?;
        if !tos {
            return Err(
                Error::usage("the CA's terms of service were not accepted").hint(
                    "a certificate needs them accepted: answer yes, or give --accept-tos / \
                 cert.accept_tos = true; or answer no to the certificate question",
                ),
            );
        }
        let challenges = p.input(
            q(
                "cert.challenges",
                "Challenges, preferred first",
                "How the CA checks that you control the name: http-01 (needs port 80), \
                 tls-alpn-01 (port 443), dns-01 (through your DNS provider; no port needed).",
            ),
            def(
                "cert.challenges",
                cur_cert.map(|c| {
                    list(
                        &c.challenges
                            .iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>(),
                    )
                }),
                Some("http-01"),
            )
            .as_deref(),
            &|s: &str| parse_challenges(s).map(|_| ()),
        )?;
        let base = cur_cert.cloned().unwrap_or(CertConfig {
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
            deploy_hook_timeout: crate::config::HumanDuration(std::time::Duration::from_secs(60)),
        });
        cert = Some(CertConfig {
            ca: ca.parse().map_err(Error::usage)?,
            email: (!email.is_empty()).then_some(email),
            accept_tos: true,
            challenges: parse_challenges(&challenges).map_err(Error::usage)?,
            ..base
        });
    }

    // Advanced settings: asked only on request; answers given up front apply anyway.
    let any_advanced_given = ADVANCED_KEYS.iter().any(|k| given.get(k).is_some());
    let advanced = p.confirm(
        q(
            "advanced",
            "Change advanced settings (address sources, CA bundle, notify command)?",
            "",
        ),
        given_bool(given, "advanced").unwrap_or(false),
    )?;
    let mut config = base_config(&name, cur);
    config.ddns = Some(ddns);
    config.ports = ports;
    config.cert = cert;
    if advanced || any_advanced_given {
        advanced_questions(p, &def, &mut config, advanced)?;
    }
    config.aliases = match given.text("aliases") {
        Some(a) => split_list(&a)
            .iter()
            .map(|s| s.parse::<DomainName>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::usage(format!("the answer for `aliases` is not valid: {e}")))?,
        None => config.aliases,
    };

    let apply = p.confirm(
        q(
            "apply",
            "Apply now: publish the name, forward the ports, get the certificate?",
            "",
        ),
        given_bool(given, "apply").unwrap_or(true),
    )?;
    let schedule = p.confirm(
        q(
            "schedule",
            "Keep it working: run `direkt renew` every 5 minutes (systemd timer or cron)?",
            "",
        ),
        given_bool(given, "schedule").unwrap_or(cx.schedule_default),
    )?;
    Ok(Candidate {
        config,
        secrets,
        apply,
        schedule,
    })
}

/// The config to look at the network with before any question is asked: the current one (or
/// a placeholder name) with the address sources given as answers.
pub fn detection_config(current: Option<&Config>, given: &Answers) -> Result<Config> {
    let name: DomainName = match (given.text("name"), current) {
        (Some(n), _) => n
            .parse()
            .unwrap_or_else(|_| "setup.invalid".parse().expect("valid")),
        (None, Some(c)) => c.name.clone(),
        (None, None) => "setup.invalid".parse().expect("valid"),
    };
    let mut config = base_config(&name, current);
    let def = |key: &str, current: Option<String>, builtin: Option<&str>| -> Option<String> {
        given.text(key).or(current).or(builtin.map(str::to_string))
    };
    advanced_questions(
        &mut crate::prompt::AnswersPrompter::default(),
        &def,
        &mut config,
        false,
    )?;
    Ok(config)
}

fn given_bool(given: &Answers, key: &str) -> Option<bool> {
    match given.get(key)? {
        Answer::Bool(b) => Some(*b),
        Answer::Text(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => None,
        },
        Answer::Secret(_) => None,
    }
}

type Def<'a> = dyn Fn(&str, Option<String>, Option<&str>) -> Option<String> + 'a;

/// The provider named in the answers given up front, if any; an unknown one is a usage error
/// naming the key and the providers there are (before anything is detected or written).
pub fn given_provider(given: &Answers) -> Result<Option<ProviderId>> {
    let Some(text) = given.text("ddns.provider") else {
        return Ok(None);
    };
    text.parse::<ProviderId>().map(Some).map_err(|why| {
        Error::usage(format!(
            "the answer for `ddns.provider` is not valid: {why}"
        ))
        .hint("`direkt ddns providers` lists them; nothing was changed")
    })
}

/// The DNS provider, its keys and its secret, each question from the provider's description
/// in the registry; the secret is checked with the provider before going on.
fn ddns_questions(
    p: &mut dyn Prompter,
    cx: &mut Context,
    def: &Def,
    name: &DomainName,
) -> Result<(DdnsConfig, Vec<SecretEntry>)> {
    let cur = cx.current;
    let cur_provider = cur.and_then(|c| c.ddns.as_ref()).map(|d| d.provider);
    let default = given_provider(cx.given)?
        .or(cur_provider)
        .unwrap_or_else(|| registry::guess(name.as_str()));
    let choices: Vec<Choice> = PROVIDERS
        .iter()
        .map(|s| Choice {
            value: s.name,
            label: s.summary,
        })
        .collect();
    let default_index = PROVIDERS
        .iter()
        .position(|s| s.name == default.name())
        .unwrap_or(0);
    let i = p.select(
        q(
            "ddns.provider",
            "DNS provider",
            "Who serves this name? direkt keeps it pointing at your public address.",
        ),
        &choices,
        default_index,
    )?;
    let spec = PROVIDERS[i];
    let provider: ProviderId = spec.name.parse().map_err(Error::usage)?;
    let mut ddns = cur
        .and_then(|c| c.ddns.clone())
        .filter(|d| d.provider == provider)
        .unwrap_or_else(|| DdnsConfig::new(provider));
    let parent_zone = name
        .as_str()
        .split_once('.')
        .map(|(_, z)| z.to_string())
        .unwrap_or_default();
    for key in spec.keys {
        let answer_key = format!("ddns.{}", key.name);
        let builtin = match key.default {
            Builtin::None => None,
            Builtin::ParentZone => Some(parent_zone.as_str()),
            Builtin::Text(t) => Some(t),
        };
        let value = p.input(
            q(&answer_key, key.prompt, key.help),
            def(&answer_key, ddns.get(key.name), builtin).as_deref(),
            &key.check,
        )?;
        ddns.set(key.name, value).map_err(Error::usage)?;
    }
    if let Some(suffix) = spec.name_suffix
        && !name.as_str().ends_with(suffix)
    {
        return Err(Error::usage(format!(
            "{name} is not a {} name (they end in {suffix})",
            spec.title
        ))
        .hint(format!(
            "choose another provider, or a name like yourname{suffix}"
        )));
    }
    let secrets = secret_question(p, cx, name, &ddns)?;
    ddns.clear_secret_file(spec.secret.name);
    Ok((ddns, secrets))
}

/// The provider's secret, validated with the provider before going on (asked again on a
/// terminal when refused).
fn secret_question(
    p: &mut dyn Prompter,
    cx: &mut Context,
    name: &DomainName,
    ddns: &DdnsConfig,
) -> Result<Vec<SecretEntry>> {
    let secret_key = ddns.provider.spec().secret;
    let skey = secret_key.name;
    let answer_key = format!("ddns.{skey}");
    let mut current_secret = match cx.given.get(&answer_key) {
        Some(Answer::Secret(s)) => Some(s.clone()),
        Some(Answer::Text(s)) => Some(Secret::new(s.clone())),
        _ => (cx.current_secret)("ddns", skey),
    };
    let mut probe = base_config(name, cx.current);
    let mut candidate = ddns.clone();
    candidate.clear_secret_file(skey);
    probe.ddns = Some(candidate);
    loop {
        let secret = p.password(
            q(&answer_key, secret_key.prompt, secret_key.help),
            current_secret.as_ref(),
        )?;
        let secrets = vec![("ddns".to_string(), skey.to_string(), secret)];
        match (cx.check_credentials)(&probe, &secrets) {
            Ok(()) => return Ok(secrets),
            Err(e) if p.interactive() => {
                eprintln!("The provider did not accept this: {}", e.message());
                if let Some(h) = e.hint_text() {
                    eprintln!("{h}");
                }
                let again = p.confirm(q("ddns.retry", "Enter the credentials again?", ""), true)?;
                if !again {
                    return Err(e);
                }
                current_secret = None;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The current config with a new name, or a fresh one.
fn base_config(name: &DomainName, cur: Option<&Config>) -> Config {
    match cur {
        Some(c) => Config {
            name: name.clone(),
            ..c.clone()
        },
        None => Config {
            name: name.clone(),
            aliases: vec![],
            state_dir: None,
            secrets_file: None,
            ip: IpConfig::default(),
            ddns: None,
            ports: None,
            cert: None,
            doctor: Default::default(),
            notify: None,
        },
    }
}

fn advanced_questions(
    p: &mut dyn Prompter,
    def: &Def,
    config: &mut Config,
    asked: bool,
) -> Result<()> {
    let ok = |_: &str| Ok(());
    let ip = config.ip.clone();
    // Keys not asked (advanced = no) still take answers given up front, via the prompter's
    // default; the terminal prompter only sees them when the user asked for them.
    let text = |p: &mut dyn Prompter,
                key: &'static str,
                prompt: &'static str,
                help: &'static str,
                current: String,
                validate: &dyn Fn(&str) -> std::result::Result<(), String>|
     -> Result<String> {
        let d = def(key, Some(current.clone()), None).unwrap_or_default();
        if asked {
            p.input(q(key, prompt, help), Some(&d), validate)
        } else {
            validate(&d).map_err(|why| {
                Error::usage(format!("the answer for `{key}` is not valid: {why}"))
            })?;
            Ok(d)
        }
    };
    let stun = text(
        p,
        "ip.stun",
        "STUN servers (host:port, comma-separated)",
        "They tell direkt the address the internet sees.",
        list(&ip.stun),
        &ok,
    )?;
    config.ip.stun = split_list(&stun);
    let probe = text(
        p,
        "ip.probe",
        "direkt probe servers (URLs, comma-separated; optional)",
        "An outside vantage point for the address and reachability checks.",
        list(&ip.probe),
        &ok,
    )?;
    config.ip.probe = split_list(&probe);
    let echo = text(
        p,
        "ip.echo",
        "HTTPS address echo services (URLs, comma-separated)",
        "",
        list(&ip.echo),
        &ok,
    )?;
    config.ip.echo = split_list(&echo);
    let prefixes = text(
        p,
        "ip.public_prefixes",
        "Prefixes to treat as public (only for test networks)",
        "",
        list(
            &ip.public_prefixes
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>(),
        ),
        &|s: &str| {
            split_list(s).iter().try_for_each(|n| {
                n.parse::<ipnet::IpNet>()
                    .map(|_| ())
                    .map_err(|e| format!("{n}: {e}"))
            })
        },
    )?;
    config.ip.public_prefixes = split_list(&prefixes)
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    let quorum = text(
        p,
        "ip.quorum",
        "How many independent sources must agree on the address",
        "",
        ip.quorum.to_string(),
        &|s: &str| match s.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(()),
            _ => Err("a number of at least 1".into()),
        },
    )?;
    config.ip.quorum = quorum.parse().unwrap_or(ip.quorum);
    let bool_text = |s: &str| match s {
        "true" | "false" => Ok(()),
        _ => Err("true or false".to_string()),
    };
    let ipv4 = text(
        p,
        "ip.ipv4",
        "Publish IPv4 (A record)?",
        "",
        ip.ipv4.to_string(),
        &bool_text,
    )?;
    config.ip.ipv4 = ipv4 == "true";
    let ipv6 = text(
        p,
        "ip.ipv6",
        "Publish IPv6 (AAAA record)?",
        "",
        ip.ipv6.to_string(),
        &bool_text,
    )?;
    config.ip.ipv6 = ipv6 == "true";
    let gw = text(
        p,
        "ip.gateway",
        "Ask the router for its external address?",
        "",
        ip.gateway.to_string(),
        &bool_text,
    )?;
    config.ip.gateway = gw == "true";
    if let Some(cert) = config.cert.as_mut() {
        let bundle = text(
            p,
            "cert.ca_bundle",
            "Extra CA roots (PEM file) to trust for the CA's own TLS (optional)",
            "Only for a private CA.",
            cert.ca_bundle
                .as_ref()
                .map(|b| b.display().to_string())
                .unwrap_or_default(),
            &ok,
        )?;
        cert.ca_bundle = (!bundle.is_empty()).then(|| PathBuf::from(bundle));
    }
    let state_dir = text(
        p,
        "state_dir",
        "State directory (empty: the default)",
        "",
        config
            .state_dir
            .as_ref()
            .map(|b| b.display().to_string())
            .unwrap_or_default(),
        &ok,
    )?;
    config.state_dir = (!state_dir.is_empty()).then(|| PathBuf::from(state_dir));
    let notify = text(
        p,
        "notify.command",
        "Command to run when something needs attention (optional)",
        "Run with sh -c; the reason is in $DIREKT_NOTIFY_REASON and $DIREKT_NOTIFY_MESSAGE. \
         E.g. mail -s \"direkt: $DIREKT_NOTIFY_REASON\" you@example.org",
        config
            .notify
            .as_ref()
            .map(|n| n.command.clone())
            .unwrap_or_default(),
        &ok,
    )?;
    config.notify = if notify.is_empty() {
        None
    } else {
        Some(NotifyConfig {
            command: notify,
            timeout: config.notify.as_ref().map(|n| n.timeout).unwrap_or(
                crate::config::HumanDuration(std::time::Duration::from_secs(30)),
            ),
        })
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{AnswersPrompter, ScriptedPrompter};

    fn no_secret(_: &str, _: &str) -> Option<Secret> {
        None
    }

    #[test]
    fn scripted_wizard_builds_a_valid_config() {
        let given = Answers::default();
        let mut checked = 0;
        let mut check = |c: &Config, s: &[(String, String, Secret)]| {
            checked += 1;
            assert_eq!(c.ddns.as_ref().unwrap().provider.name(), "rfc2136");
            assert_eq!(s[0].2.expose(), "c2VjcmV0");
            Ok(())
        };
        let mut cx = Context {
            current: None,
            current_secret: &no_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
        };
        let mut p = ScriptedPrompter::new([
            ("name", Some("box.example.test")),
            ("ddns.provider", Some("rfc2136")),
            ("ddns.server", Some("198.51.100.53:53")),
            ("ddns.zone", None),
            ("ddns.key_name", None),
            ("ddns.tsig_secret", Some("c2VjcmV0")),
            ("ports.forward", None),
            ("cert.enabled", None),
            ("cert.ca", Some("https://198.51.100.14:14000/dir")),
            ("cert.email", None),
            ("cert.accept_tos", Some("yes")),
            ("cert.challenges", None),
            ("advanced", None),
            ("apply", None),
            ("schedule", None),
        ]);
        let c = ask(&mut p, &mut cx).unwrap();
        assert!(p.finished());
        assert_eq!(checked, 1);
        let d = c.config.ddns.as_ref().unwrap();
        assert_eq!(d.zone.as_ref().unwrap().as_str(), "example.test");
        assert_eq!(d.key_name.as_deref(), Some("ddns-key"));
        let f: Vec<String> = c
            .config
            .ports
            .as_ref()
            .unwrap()
            .forward
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(f, ["443/tcp", "80/tcp"]);
        assert!(c.apply && !c.schedule);
        // What the wizard builds is what the config loader accepts.
        let text = toml::to_string_pretty(&c.config).unwrap();
        Config::parse(&text, std::path::Path::new("x.toml")).unwrap();
    }

    #[test]
    fn unattended_without_a_name_names_the_key() {
        let given = Answers::default();
        let mut check = |_: &Config, _: &[(String, String, Secret)]| Ok(());
        let mut cx = Context {
            current: None,
            current_secret: &no_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
        };
        let e = ask(&mut AnswersPrompter::default(), &mut cx).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("`name`"), "{}", e.message());
    }

    #[test]
    fn rerun_starts_from_the_current_config_and_keeps_the_secret() {
        let current = Config::parse(
            "name = \"box.example.test\"\n[ip]\nstun = [\"198.51.100.34:3478\"]\n[ddns]\nprovider = \"rfc2136\"\nserver = \"198.51.100.53:53\"\nzone = \"example.test\"\nkey_name = \"k1\"\n[ports]\nforward = [443]\n",
            std::path::Path::new("x.toml"),
        )
        .unwrap();
        let given = Answers::default();
        let cur_secret =
            |s: &str, k: &str| (s == "ddns" && k == "tsig_secret").then(|| Secret::new("old"));
        let mut seen = None;
        let mut check = |_: &Config, s: &[(String, String, Secret)]| {
            seen = Some(s[0].2.expose().to_string());
            Ok(())
        };
        let mut cx = Context {
            current: Some(&current),
            current_secret: &cur_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
        };
        let c = ask(&mut AnswersPrompter::default(), &mut cx).unwrap();
        assert_eq!(seen.as_deref(), Some("old"));
        assert_eq!(
            c.config.ddns.as_ref().unwrap().key_name.as_deref(),
            Some("k1")
        );
        assert_eq!(c.config.ip.stun, ["198.51.100.34:3478"]);
        // No certificate before: none asked for by default on a re-run.
        assert!(c.config.cert.is_none());
        assert_eq!(c.config.ports.unwrap().forward.len(), 1);
    }

    #[test]
    fn a_refused_credential_stops_unattended_setup() {
        let mut given = Answers::default();
        given.set("name", Answer::Text("me.duckdns.org".into()));
        given.set("ddns.token", Answer::Secret(Secret::new("bad")));
        let mut check =
            |_: &Config, _: &[(String, String, Secret)]| Err(Error::needs_user("bad token"));
        let mut cx = Context {
            current: None,
            current_secret: &no_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
        };
        let e = ask(&mut AnswersPrompter::new(given.clone()), &mut cx).unwrap_err();
        assert_eq!(e.exit_code(), 4);
    }
}
