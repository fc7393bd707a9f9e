//! The setup wizard's questions: from the current config (re-running setup starts from it) and
//! the answers given up front, to a candidate config and its secrets. Every question goes
//! through the [`Prompter`] seam with a key, a default and a help text; the questions
//! themselves are a table ([`questions`]), the DNS provider's come from the provider registry
//! ([`ddns`]). Nothing here prints or writes, so the wizard is tested with a scripted prompter.

mod ddns;
pub mod defaults;
pub mod detect;
pub mod questions;
pub mod webserver;

pub use ddns::given_provider;
pub use defaults::Hints;
pub use questions::{answer_keys, parse_ports, secret_keys};

use crate::config::{CertConfig, Config, DomainName, IpConfig, Secret};
use crate::error::{Error, Result};
use crate::prompt::{Answer, Answers, Prompter, Question};
use questions::{Confirm, Text};

/// What the wizard decided.
#[derive(Debug)]
pub struct Candidate {
    pub config: Config,
    /// Secrets to store: (section, key, value).
    pub secrets: Vec<SecretEntry>,
    pub apply: bool,
    pub schedule: bool,
}

/// One secret to store: (section, key, value).
pub type SecretEntry = (String, String, Secret);
/// Secrets to store.
pub type SecretList = [SecretEntry];
/// Checks a candidate's credentials with the provider.
pub type CheckCredentials<'a> = dyn FnMut(&Config, &SecretList) -> Result<()> + 'a;

/// The CA's terms of service, as its directory names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Terms {
    /// `meta.termsOfService`.
    Url(String),
    /// The directory names none.
    NoneNamed,
    /// Not looked up (a dry run) or the CA did not answer: why.
    Unknown(String),
}

/// Looks up the terms of service of the CA a certificate section names (once per call).
pub type LookupTerms<'a> = dyn FnMut(&CertConfig) -> Terms + 'a;

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
    /// Fetch the CA's terms of service, shown before they are to be accepted.
    pub terms: &'a mut LookupTerms<'a>,
    /// Defaults found on the box: the web server's reload, the host name, the lab.
    pub hints: &'a Hints,
}

fn q<'a>(key: &'a str, prompt: &'a str, help: &'a str) -> Question<'a> {
    Question { key, prompt, help }
}

/// A default is: the answer given up front, else the current value, else the built-in one.
type Def<'a> = dyn Fn(&str, Option<String>, Option<&str>) -> Option<String> + 'a;

fn defaults(given: &Answers) -> impl Fn(&str, Option<String>, Option<&str>) -> Option<String> + '_ {
    move |key, current, builtin| given.text(key).or(current).or(builtin.map(str::to_string))
}

/// Ask a table question about `config` and put the answer in. Not `asked` (advanced settings
/// declined): an answer given up front still applies, checked the same way.
fn ask_text(
    p: &mut dyn Prompter,
    given: &Answers,
    t: &Text,
    config: &mut Config,
    asked: bool,
) -> Result<()> {
    if !(t.when)(config) {
        return Ok(());
    }
    let default = defaults(given)(t.key, (t.current)(config), t.builtin);
    let value = if asked {
        p.input(q(t.key, t.prompt, t.help), default.as_deref(), &t.check)?
    } else {
        let d = default.unwrap_or_default();
        (t.check)(&d).map_err(|why| {
            Error::usage(format!("the answer for `{}` is not valid: {why}", t.key))
        })?;
        d
    };
    (t.apply)(config, &value);
    Ok(())
}

fn confirm(p: &mut dyn Prompter, c: &Confirm, default: bool) -> Result<bool> {
    p.confirm(q(c.key, c.prompt, c.help), default)
}

/// Ask every question and build the candidate.
pub fn ask(p: &mut dyn Prompter, cx: &mut Context) -> Result<Candidate> {
    let given = cx.given;
    let name = ask_name(p, cx)?;
    let (ddns, secrets) = ddns::questions(p, cx, &defaults(given), &name)?;
    let mut config = base_config(&name, cx.current);
    config.ddns = Some(ddns);
    ask_text(p, given, &questions::PORTS, &mut config, true)?;
    cert_questions(p, cx, &mut config)?;

    // Advanced settings: asked only on request; answers given up front apply anyway.
    let any_advanced_given = questions::ADVANCED_QUESTIONS
        .iter()
        .any(|t| given.get(t.key).is_some());
    let advanced = confirm(
        p,
        &questions::ADVANCED,
        given_bool(given, questions::ADVANCED.key).unwrap_or(false),
    )?;
    if advanced || any_advanced_given {
        for t in questions::ADVANCED_QUESTIONS {
            ask_text(p, given, t, &mut config, advanced)?;
        }
    }
    if let Some(a) = given.text(questions::ALIASES) {
        config.aliases = questions::split_list(&a)
            .iter()
            .map(|s| s.parse::<DomainName>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::usage(format!("the answer for `aliases` is not valid: {e}")))?;
    }
    let apply = confirm(
        p,
        &questions::APPLY,
        given_bool(given, questions::APPLY.key).unwrap_or(true),
    )?;
    let schedule = confirm(
        p,
        &questions::SCHEDULE,
        given_bool(given, questions::SCHEDULE.key).unwrap_or(cx.schedule_default),
    )?;
    Ok(Candidate {
        config,
        secrets,
        apply,
        schedule,
    })
}

/// The box's name: the first question, asked about the current config.
fn ask_name(p: &mut dyn Prompter, cx: &Context) -> Result<DomainName> {
    let t = &questions::NAME;
    let derived = defaults::derived_name(cx.given, cx.hints);
    let default = defaults(cx.given)(
        t.key,
        cx.current.and_then(t.current),
        derived.as_deref().or(t.builtin),
    );
    let name = p.input(q(t.key, t.prompt, t.help), default.as_deref(), &t.check)?;
    name.parse().map_err(Error::usage)
}

/// The certificate: whether to get one, the CA, contact, terms, challenges and deploy hook.
fn cert_questions(p: &mut dyn Prompter, cx: &mut Context, config: &mut Config) -> Result<()> {
    let given = cx.given;
    let had_cert = config.cert.is_some();
    let want = confirm(
        p,
        &questions::CERT_ENABLED,
        given_bool(given, questions::CERT_ENABLED.key).unwrap_or(cx.current.is_none() || had_cert),
    )?;
    if !want {
        config.cert = None;
        return Ok(());
    }
    ask_text(p, given, &questions::CA, config, true)?;
    ask_text(p, given, &questions::EMAIL, config, true)?;
    let tos_before = config.cert.as_ref().is_some_and(|c| c.accept_tos) && had_cert;
    // The CA bundle is an advanced question, asked later: one given up front counts here.
    let mut cert = config.cert.clone();
    if let (Some(c), Some(b)) = (cert.as_mut(), given.text("cert.ca_bundle")) {
        c.ca_bundle = (!b.is_empty()).then(|| b.into()).or(c.ca_bundle.take());
    }
    let terms = cert
        .as_ref()
        .map(|c| (cx.terms)(c))
        .unwrap_or(Terms::NoneNamed);
    let c = &questions::ACCEPT_TOS;
    let help = questions::terms_help(&terms);
    let tos = p.confirm(
        q(c.key, c.prompt, &help),
        given_bool(given, c.key).unwrap_or(tos_before),
    )?;
    if !tos {
        return Err(
            Error::usage("the CA's terms of service were not accepted").hint(
                "a certificate needs them accepted: answer yes, or give --accept-tos / \
                 cert.accept_tos = true; or answer no to the certificate question",
            ),
        );
    }
    ask_text(p, given, &questions::CHALLENGES, config, true)?;
    webroot_question(p, cx, config)?;
    deploy_hook_question(p, cx, config)?;
    if let Some(c) = config.cert.as_mut() {
        c.accept_tos = true;
    }
    Ok(())
}

/// The webroot, asked only when http-01 is chosen and another program holds port 80 (direkt's
/// own responder could not listen there): the current one, else that server's document root
/// when setup knows it, else none.
fn webroot_question(p: &mut dyn Prompter, cx: &Context, config: &mut Config) -> Result<()> {
    let t = &questions::WEBROOT;
    let http01 = config
        .cert
        .as_ref()
        .is_some_and(|c| c.challenges.contains(&crate::config::ChallengeKind::Http01));
    let Some(holder) = cx.hints.port80.as_deref().filter(|_| http01) else {
        return Ok(());
    };
    let guess = cx.hints.webroot.as_ref().map(|w| w.display().to_string());
    let default = defaults(cx.given)(
        t.key,
        (t.current)(config),
        Some(guess.as_deref().unwrap_or(questions::NO_WEBROOT)),
    );
    let help = format!("Port 80 is held by {holder}. {}", t.help);
    let value = p.input(q(t.key, t.prompt, &help), default.as_deref(), &t.check)?;
    (t.apply)(config, &value);
    Ok(())
}

/// The deploy hook: the current one, else the reload of the web server found, else none.
fn deploy_hook_question(p: &mut dyn Prompter, cx: &Context, config: &mut Config) -> Result<()> {
    let t = &questions::DEPLOY_HOOK;
    let default = defaults(cx.given)(
        t.key,
        (t.current)(config),
        Some(
            cx.hints
                .deploy_hook
                .as_deref()
                .unwrap_or(questions::NO_HOOK),
        ),
    );
    let value = p.input(q(t.key, t.prompt, t.help), default.as_deref(), &t.check)?;
    (t.apply)(config, &value);
    Ok(())
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
    let mut p = crate::prompt::AnswersPrompter::default();
    for t in questions::ADVANCED_QUESTIONS {
        ask_text(&mut p, given, t, &mut config, false)?;
    }
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
            acme_dns: None,
            ports: None,
            cert: None,
            doctor: Default::default(),
            notify: None,
        },
    }
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
        let hints = Hints::default();
        let mut no_terms = |_: &CertConfig| Terms::NoneNamed;
        let mut cx = Context {
            current: None,
            current_secret: &no_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
            terms: &mut no_terms,
            hints: &hints,
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
            ("cert.deploy_hook", None),
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
        let hints = Hints::default();
        let mut no_terms = |_: &CertConfig| Terms::NoneNamed;
        let mut cx = Context {
            current: None,
            current_secret: &no_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
            terms: &mut no_terms,
            hints: &hints,
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
        let hints = Hints::default();
        let mut no_terms = |_: &CertConfig| Terms::NoneNamed;
        let mut cx = Context {
            current: Some(&current),
            current_secret: &cur_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
            terms: &mut no_terms,
            hints: &hints,
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
        let hints = Hints::default();
        let mut no_terms = |_: &CertConfig| Terms::NoneNamed;
        let mut cx = Context {
            current: None,
            current_secret: &no_secret,
            given: &given,
            schedule_default: false,
            check_credentials: &mut check,
            terms: &mut no_terms,
            hints: &hints,
        };
        let e = ask(&mut AnswersPrompter::new(given.clone()), &mut cx).unwrap_err();
        assert_eq!(e.exit_code(), 4);
    }

    /// The deploy hook: the found server's reload by default (taken with --yes), a current
    /// config's hook over it, `none` for no hook; the terms question names the CA's own terms.
    #[test]
    fn the_hook_defaults_to_the_found_servers_reload_and_the_terms_are_the_cas() {
        let mut given = Answers::default();
        given.set("name", Answer::Text("box.example.test".into()));
        given.set("ddns.provider", Answer::Text("rfc2136".into()));
        given.set("ddns.server", Answer::Text("198.51.100.53:53".into()));
        given.set("ddns.tsig_secret", Answer::Secret(Secret::new("c2VjcmV0")));
        given.set("cert.accept_tos", Answer::Bool(true));
        let hints = Hints {
            deploy_hook: Some("systemctl reload nginx.service".into()),
            ..Hints::default()
        };
        let run = |given: &Answers, current: Option<&Config>| {
            let mut check = |_: &Config, _: &[(String, String, Secret)]| Ok(());
            let mut asked = vec![];
            let mut terms = |c: &CertConfig| {
                asked.push(c.ca.to_string());
                Terms::Url("https://ca.example/terms".into())
            };
            let mut cx = Context {
                current,
                current_secret: &no_secret,
                given,
                schedule_default: false,
                check_credentials: &mut check,
                terms: &mut terms,
                hints: &hints,
            };
            let c = ask(&mut AnswersPrompter::new(given.clone()), &mut cx).unwrap();
            (c.config, asked.len())
        };
        let (config, lookups) = run(&given, None);
        assert_eq!(lookups, 1, "the terms are fetched once");
        let hook = config.cert.as_ref().unwrap().deploy_hook.clone();
        assert_eq!(hook.as_deref(), Some("systemctl reload nginx.service"));
        // A re-run keeps the owner's own hook.
        let mut mine = config.clone();
        mine.cert.as_mut().unwrap().deploy_hook = Some("/usr/local/bin/reload-web".into());
        let (config, _) = run(&given, Some(&mine));
        let hook = config.cert.as_ref().unwrap().deploy_hook.clone();
        assert_eq!(hook.as_deref(), Some("/usr/local/bin/reload-web"));
        // `none`: no hook.
        given.set("cert.deploy_hook", Answer::Text("none".into()));
        let (config, _) = run(&given, None);
        assert_eq!(config.cert.unwrap().deploy_hook, None);
        // The terms question's help names the CA's own terms, or says there are none.
        let help = questions::terms_help(&Terms::Url("https://ca.example/terms".into()));
        assert!(
            help.ends_with("Its terms: https://ca.example/terms"),
            "{help}"
        );
        assert!(!help.contains("letsencrypt"), "{help}");
        assert!(questions::terms_help(&Terms::NoneNamed).contains("names no terms of service"));
    }

    /// A web server on port 80 and http-01: the webroot question, its default that server's
    /// document root (taken with --yes); none asked when port 80 is free or http-01 not chosen.
    #[test]
    fn a_web_server_on_port_80_gets_the_webroot_question() {
        let mut given = Answers::default();
        given.set("name", Answer::Text("box.example.test".into()));
        given.set("ddns.provider", Answer::Text("rfc2136".into()));
        given.set("ddns.server", Answer::Text("198.51.100.53:53".into()));
        given.set("ddns.tsig_secret", Answer::Secret(Secret::new("c2VjcmV0")));
        given.set("cert.accept_tos", Answer::Bool(true));
        let run = |given: &Answers, hints: &Hints| {
            let mut check = |_: &Config, _: &[(String, String, Secret)]| Ok(());
            let mut terms = |_: &CertConfig| Terms::NoneNamed;
            let mut cx = Context {
                current: None,
                current_secret: &no_secret,
                given,
                schedule_default: false,
                check_credentials: &mut check,
                terms: &mut terms,
                hints,
            };
            let c = ask(&mut AnswersPrompter::new(given.clone()), &mut cx).unwrap();
            c.config.cert.unwrap().webroot
        };
        let nginx = Hints {
            port80: Some("nginx (pid 812, nginx.service)".into()),
            webroot: Some("/var/www/html".into()),
            ..Hints::default()
        };
        assert_eq!(run(&given, &nginx), Some("/var/www/html".into()));
        assert_eq!(run(&given, &Hints::default()), None, "port 80 is free");
        // A server setup knows no document root of: `none` unless answered.
        let traefik = Hints {
            port80: Some("Traefik (pid 9)".into()),
            ..Hints::default()
        };
        assert_eq!(run(&given, &traefik), None);
        given.set("cert.webroot", Answer::Text("/srv/www".into()));
        assert_eq!(run(&given, &traefik), Some("/srv/www".into()));
        // dns-01 only: no webroot whatever holds port 80.
        given.set("cert.challenges", Answer::Text("dns-01".into()));
        given.set("cert.webroot", Answer::Text("none".into()));
        assert_eq!(run(&given, &nginx), None);
    }
}
