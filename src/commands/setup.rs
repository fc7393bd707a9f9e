//! `direkt setup`: the wizard (or its unattended form). Detect the network and the web server
//! on 443/80, ask, check the credentials, apply DNS, mappings and certificate with a progress
//! line per step, run doctor, write the config and secrets (atomically, at the very end), offer
//! the schedule, and end with the last mile ([`super::setup_end`]): the certificate's paths, a
//! snippet for the server found, and "set up" or the one next step.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use super::setup_end::DoctorSaw;
use crate::cli::GlobalArgs;
use crate::config::{Config, Secret, Secrets, Settings};
use crate::error::{Context as _, Error, Result};
use crate::fsutil;
use crate::output::{Printer, Style};
use crate::prompt::{Answer, Answers, AnswersPrompter, Prompter, TerminalPrompter};
use crate::renew::{self, RenewPart, parts::RunOptions};
use crate::setup::questions as Q;
use crate::setup::{self, Candidate};
use crate::state::{DEFAULT_LOCK_WAIT, StateDir, now_unix};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Unattended: --yes takes every default, --answers FILE gives answers \
    (TOML, keys as in the README), flags give single answers. Secrets come from the environment \
    (DIREKT_DDNS_TOKEN, DIREKT_DDNS_PASSWORD, DIREKT_DDNS_TSIG_SECRET) or the answers file. \
    Without a terminal and without any of these, setup refuses at once (exit 2)."
)]
pub struct SetupArgs {
    /// Never ask: take the default for every question not answered otherwise
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Answers as TOML (never asks; unanswered questions take their defaults)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Like --answers, but still ask on the terminal, with these as the defaults (a vendor's
    /// preset)
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub defaults: Option<PathBuf>,
    /// Show what would change; write nothing, contact no provider or CA
    #[arg(long)]
    pub dry_run: bool,
    /// The box's name (answer `name`)
    #[arg(long, env = "DIREKT_SETUP_NAME", value_name = "NAME")]
    pub name: Option<String>,
    /// DNS provider (answer `ddns.provider`; `direkt ddns providers` describes them)
    #[arg(long, env = "DIREKT_SETUP_PROVIDER", value_name = "PROVIDER", value_parser = provider_names())]
    pub provider: Option<String>,
    /// dyndns2 update URL or rfc2136 server IP:port (answer `ddns.server`)
    #[arg(long, env = "DIREKT_SETUP_DNS_SERVER", value_name = "SERVER")]
    pub dns_server: Option<String>,
    /// The zone holding the name (answer `ddns.zone`)
    #[arg(long, env = "DIREKT_SETUP_ZONE", value_name = "ZONE")]
    pub zone: Option<String>,
    /// dyndns2 user name (answer `ddns.username`)
    #[arg(long, env = "DIREKT_SETUP_USERNAME", value_name = "USER")]
    pub username: Option<String>,
    /// rfc2136 TSIG key name (answer `ddns.key_name`)
    #[arg(long, env = "DIREKT_SETUP_KEY_NAME", value_name = "KEY")]
    pub key_name: Option<String>,
    /// Ports to forward, e.g. 443,80 or none (answer `ports.forward`)
    #[arg(long, env = "DIREKT_SETUP_FORWARD", value_name = "PORTS")]
    pub forward: Option<String>,
    /// No certificate (answer `cert.enabled = false`)
    #[arg(long)]
    pub no_cert: bool,
    #[arg(long, env = "DIREKT_SETUP_CA", value_name = "CA", help = format!(
        "CA: {} (answer `cert.ca`)", crate::config::Ca::choices()
    ))]
    pub ca: Option<String>,
    /// Extra PEM roots for the CA's TLS (answer `cert.ca_bundle`)
    #[arg(long, env = "DIREKT_SETUP_CA_BUNDLE", value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// Contact e-mail for the CA (answer `cert.email`)
    #[arg(long, env = "DIREKT_SETUP_EMAIL", value_name = "EMAIL")]
    pub email: Option<String>,
    /// Accept the CA's terms of service (answer `cert.accept_tos`)
    #[arg(long)]
    pub accept_tos: bool,
    #[arg(long, env = "DIREKT_SETUP_CHALLENGES", value_name = "LIST", help = challenges_help())]
    pub challenges: Option<String>,
    /// Install the renew schedule: yes or no (answer `schedule`)
    #[arg(long, value_name = "YES|NO")]
    pub schedule: Option<String>,
    /// Write the config only; apply nothing now (answer `apply = false`)
    #[arg(long)]
    pub no_apply: bool,
}

/// `--challenges`' help, naming the challenge types there are.
fn challenges_help() -> String {
    let names: Vec<&str> = crate::config::ChallengeKind::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    format!(
        "Challenges, preferred first, e.g. http-01,dns-01 (answer `cert.challenges`; {})",
        names.join(", ")
    )
}

/// The registry's provider names (and aliases) as the flag's possible values.
fn provider_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        crate::ddns::PROVIDERS
            .iter()
            .map(|s| clap::builder::PossibleValue::new(s.name).aliases(s.aliases.iter().copied())),
    )
}

impl SetupArgs {
    /// The flags (and their environment variables) as answers.
    fn flag_answers(&self) -> Answers {
        let mut a = Answers::default();
        let mut text = |key: &str, v: &Option<String>| {
            if let Some(v) = v {
                a.set(key, Answer::Text(v.clone()));
            }
        };
        text(Q::NAME.key, &self.name);
        text(Q::PROVIDER, &self.provider);
        text("ddns.server", &self.dns_server);
        text("ddns.zone", &self.zone);
        text("ddns.username", &self.username);
        text("ddns.key_name", &self.key_name);
        text(Q::PORTS.key, &self.forward);
        text(Q::CA.key, &self.ca);
        text(Q::EMAIL.key, &self.email);
        text(Q::CHALLENGES.key, &self.challenges);
        text(Q::SCHEDULE.key, &self.schedule);
        text(
            "cert.ca_bundle",
            &self.ca_bundle.as_ref().map(|p| p.display().to_string()),
        );
        if self.no_cert {
            a.set(Q::CERT_ENABLED.key, Answer::Bool(false));
        }
        if self.accept_tos {
            a.set(Q::ACCEPT_TOS.key, Answer::Bool(true));
        }
        if self.no_apply {
            a.set(Q::APPLY.key, Answer::Bool(false));
        }
        a
    }
}

/// Merge `b` into `a` (b wins).
fn merge(mut a: Answers, b: &Answers) -> Answers {
    for k in b.keys() {
        if let Some(v) = b.get(k) {
            a.set(k, v.clone());
        }
    }
    a
}

/// Secrets from the environment, under the names renew uses too.
fn env_secrets(a: &mut Answers) {
    for key in setup::secret_keys() {
        let (section, k) = key.split_once('.').expect("dotted key");
        if let Ok(v) = std::env::var(crate::config::env_name(section, k))
            && !v.is_empty()
        {
            a.set(&key, Answer::Secret(Secret::new(v)));
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &SetupArgs, p: &Printer) -> Result<ExitCode> {
    let tty = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let flags = args.flag_answers();
    let unattended = args.yes || args.answers.is_some() || !tty;
    if !tty && !args.yes && args.answers.is_none() && flags.is_empty() {
        return Err(Error::usage("setup has no terminal to ask on").hint(
            "run it in a terminal, or unattended: direkt setup --yes --name box.example.org \
             --provider ... (or --answers FILE); see `direkt setup --help`",
        ));
    }
    let settings = Settings::load(global)?;
    let mut given = given_answers(args, &flags)?;
    let spinner = tty && !unattended;

    // 1. Look at the network first, with the address sources the config (or answers) name.
    let detect_settings = provisional_settings(&settings, &given);
    let findings = with_spinner(
        p,
        spinner,
        "Looking at your network",
        setup::detect::detect(&detect_settings),
    )
    .await;
    show_findings(p, &findings);
    let web = setup::webserver::detect();
    show_web(p, &web);
    let hints = setup::Hints::from_system(&web);
    // DS-Lite: IPv6 is the way in, unless the answers say otherwise.
    if findings.dslite && findings.public_ipv6.is_some() && given.get("ip.ipv6").is_none() {
        given.set("ip.ipv6", crate::prompt::Answer::Bool(true));
    }

    // 2. Ask.
    let prompter: Box<dyn Prompter> = if unattended {
        Box::new(AnswersPrompter::new(given.clone()))
    } else {
        Box::new(TerminalPrompter::new(p.color))
    };
    let how = AskHow {
        dry_run: args.dry_run,
        spinner,
        unattended,
        hints: &hints,
    };
    let candidate = ask(global, &settings, &given, prompter, &how, p)?;
    let new_text = config_text(&candidate.config)?;
    if args.dry_run {
        show_dry_run(p, &settings, &candidate, &new_text);
        return Ok(ExitCode::SUCCESS);
    }

    // 3. Apply, with the candidate settings (nothing is written to the config yet), 4. doctor.
    let cand = candidate_settings(global, &settings, &candidate.config, &candidate.secrets);
    let (exit, doctor) = if candidate.apply {
        apply_and_check(p, &cand, spinner).await?
    } else {
        (0, None)
    };

    // 5. Write config and secrets, atomically, at the end.
    write_config(&settings.paths.config_file, &new_text)?;
    p.status(&format!("wrote {}", settings.paths.config_file.display()));
    let secrets_file =
        crate::config::secrets_file_for(Some(&candidate.config), &settings.paths.config_file);
    if crate::config::store_secrets(&secrets_file, &candidate.secrets)? {
        p.status(&format!("wrote {} (mode 0600)", secrets_file.display()));
    }

    // 6. The schedule.
    if candidate.schedule {
        install_schedule(global, &settings, &cand, p)?;
    }
    let looks = candidate.apply && candidate.config.cert.is_some() && web.serves_https();
    let served_here = match looks {
        true => {
            let name = candidate.config.name.as_str();
            super::setup_end::served_here(name, &cand.paths.state_dir).await
        }
        false => None,
    };
    let end = super::setup_end::End {
        config: &candidate.config,
        state_dir: &cand.paths.state_dir,
        web: &web,
        applied: candidate.apply,
        exit,
        doctor,
        served_here,
    };
    end.print(p);
    Ok(ExitCode::from(exit))
}

/// How the questions are asked.
struct AskHow<'a> {
    dry_run: bool,
    spinner: bool,
    unattended: bool,
    hints: &'a setup::Hints,
}

/// What listens on the web ports, in plain words.
fn show_web(p: &Printer, web: &setup::webserver::WebFinding) {
    match (&web.https, &web.http) {
        (Some(h), _) => p.status(&format!("Port 443 is served by {}.", h.describe())),
        (None, Some(h)) => p.status(&format!(
            "Nothing listens on port 443 yet; port 80 is served by {}.",
            h.describe()
        )),
        (None, None) => p.status("Nothing listens on port 443 or 80 yet (no web server found)."),
    }
}

/// The CA's terms of service, fetched once (not in a dry run); said here when no terminal
/// question will show them.
fn lookup_terms(cert: &crate::config::CertConfig, how: &AskHow, p: &Printer) -> setup::Terms {
    use setup::Terms;
    if how.dry_run {
        return Terms::Unknown("not looked up in a dry run".into());
    }
    let terms = match crate::runtime::block_on_thread(|| {
        with_spinner(
            p,
            how.spinner,
            "Reading the CA's terms of service",
            crate::acme::terms::fetch(cert),
        )
    }) {
        Ok(Ok(Some(url))) => Terms::Url(url),
        Ok(Ok(None)) => Terms::NoneNamed,
        Ok(Err(e)) | Err(e) => Terms::Unknown(e.message().to_string()),
    };
    if how.unattended {
        p.status(&match &terms {
            Terms::Url(url) => format!("The CA's terms of service: {url}"),
            Terms::NoneNamed => "The CA's directory names no terms of service.".into(),
            Terms::Unknown(why) => format!("The CA's terms of service were not read: {why}"),
        });
    }
    terms
}

/// The answers given up front: the answers (or defaults) file, secrets from the environment,
/// the flags; an unknown provider is refused here, before anything is looked at.
fn given_answers(args: &SetupArgs, flags: &Answers) -> Result<Answers> {
    let mut given = match args.answers.as_ref().or(args.defaults.as_ref()) {
        Some(f) => {
            let (known, secret) = (setup::answer_keys(), setup::secret_keys());
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            let secret: Vec<&str> = secret.iter().map(String::as_str).collect();
            Answers::from_file(f, &known, &secret)?
        }
        None => Answers::default(),
    };
    env_secrets(&mut given);
    let mut given = merge(given, flags);
    // An alias is written back as the provider's name, which is what the wizard's choice is.
    if let Some(id) = setup::given_provider(&given)? {
        given.set(Q::PROVIDER, Answer::Text(id.name().to_string()));
    }
    Ok(given)
}

/// Ask every question; the provider's credentials are checked as soon as they are given.
fn ask(
    global: &GlobalArgs,
    settings: &Settings,
    given: &Answers,
    mut prompter: Box<dyn Prompter>,
    how: &AskHow,
    p: &Printer,
) -> Result<Candidate> {
    let (dry_run, spinner) = (how.dry_run, how.spinner);
    let current_secret = |section: &str, key: &str| -> Option<Secret> {
        let file = settings
            .config
            .as_ref()
            .and_then(|c| c.ddns.as_ref())
            .filter(|_| section == "ddns")
            .and_then(|d| d.secret_file(key));
        settings.secrets.get(section, key, file).ok().flatten()
    };
    let mut check = |config: &Config, secrets: &[(String, String, Secret)]| -> Result<()> {
        if dry_run {
            return Ok(());
        }
        let s = candidate_settings(global, settings, config, secrets);
        // The wizard calls this synchronously from inside the runtime: its own thread.
        crate::runtime::block_on_thread(|| {
            with_spinner(
                p,
                spinner,
                "Checking the credentials with the provider",
                crate::ddns::credentials::check(&s),
            )
        })??;
        p.status(&format!(
            "{} the provider accepted the credentials",
            ok_mark(p)
        ));
        Ok(())
    };
    let mut cx = setup::Context {
        current: settings.config.as_ref(),
        current_secret: &current_secret,
        given,
        schedule_default: settings.paths.config_file == crate::config::default_config_file(),
        check_credentials: &mut check,
        terms: &mut |cert| lookup_terms(cert, how, p),
        hints: how.hints,
    };
    setup::ask(prompter.as_mut(), &mut cx)
}

/// Apply the candidate, then run doctor on it. Returns the worst exit code of the steps and
/// what doctor saw (None: not run).
async fn apply_and_check(
    p: &Printer,
    cand: &Settings,
    spinner: bool,
) -> Result<(u8, Option<DoctorSaw>)> {
    let exit = apply(p, cand, spinner).await?;
    let saw = match with_spinner(p, spinner, "Running doctor", crate::doctor::verdict(cand)).await {
        Some((passed, verdict, json)) => {
            let mark = if passed { ok_mark(p) } else { fail_mark(p) };
            p.status(&format!("{mark} doctor: {verdict}"));
            if !passed {
                p.status("  details: direkt doctor");
            }
            Some(DoctorSaw::from_report(passed, &json))
        }
        None => {
            p.status("doctor is not available in this build");
            None
        }
    };
    Ok((exit, saw))
}

/// Install the renew schedule for the config just written.
fn install_schedule(
    global: &GlobalArgs,
    settings: &Settings,
    cand: &Settings,
    p: &Printer,
) -> Result<()> {
    // The unit names the config setup wrote (cand's paths are the written ones) unless it is
    // the default one: then the Debian package's units, where installed, fit and are enabled.
    debug_assert_eq!(cand.paths.config_file, settings.paths.config_file);
    let pass = crate::schedule::PassPaths {
        config: global.config.is_some(),
        state_dir: global.state_dir.is_some(),
    };
    let plan = crate::schedule::plan_for(
        cand,
        pass,
        crate::config::HumanDuration(Duration::from_secs(300)),
    )?;
    let kind = if Path::new("/run/systemd/system").is_dir() {
        crate::schedule::Kind::Systemd
    } else {
        crate::schedule::Kind::Cron
    };
    crate::schedule::install(&plan, kind, Path::new("/"), &mut |l| p.status(&l))?;
    Ok(())
}

pub(super) fn ok_mark(p: &Printer) -> String {
    p.paint(Style::Green, "✓")
}
fn fail_mark(p: &Printer) -> String {
    p.paint(Style::Red, "✗")
}

/// Apply DNS, mappings and certificate, one progress line each. Returns the worst exit code.
async fn apply(p: &Printer, settings: &Settings, spinner: bool) -> Result<u8> {
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    settings.require()?;
    let steps: [(RenewPart, &str); 3] = [
        (RenewPart::Dns, "Publishing the name"),
        (RenewPart::Ports, "Forwarding the ports on the router"),
        (RenewPart::Cert, "Getting the certificate"),
    ];
    let mut worst = 0u8;
    let mut reports = vec![];
    for (part, label) in steps {
        if !part.is_configured(settings) {
            continue;
        }
        let (report, _) = with_spinner(
            p,
            spinner,
            label,
            renew::run_part(
                part,
                settings,
                &lock,
                &mut state,
                RunOptions::default(),
                now_unix(),
            ),
        )
        .await;
        // Save after every step: what was done is recorded even if a later step fails.
        lock.save(&state)?;
        if report.exit_code == 0 {
            let detail = if report.changes.is_empty() {
                "already in place".to_string()
            } else {
                report.changes.join("; ")
            };
            p.status(&format!("{} {label}: {detail}", ok_mark(p)));
        } else {
            worst = worst.max(report.exit_code.code());
            p.status(&format!(
                "{} {label}: {}",
                fail_mark(p),
                report.error.as_deref().unwrap_or("failed")
            ));
            if let Some(h) = &report.hint {
                p.status(&format!("  {h}"));
            }
        }
        reports.push(report);
    }
    // The run's line, so `status` right after setup shows it like a renew's.
    let exit = crate::error::ExitStatus::worst_of(reports.iter().map(|r| r.exit_code));
    renew::record_run(&mut state, "setup", &reports, exit, now_unix());
    lock.save(&state)?;
    Ok(worst)
}

/// Run `f` under a spinner on a terminal; plain otherwise.
async fn with_spinner<T>(
    p: &Printer,
    spinner: bool,
    label: &str,
    f: impl std::future::Future<Output = T>,
) -> T {
    if !spinner || p.quiet {
        return f.await;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.set_message(format!("{label}…"));
    bar.enable_steady_tick(Duration::from_millis(100));
    let out = f.await;
    bar.finish_and_clear();
    out
}

fn show_findings(p: &Printer, f: &setup::detect::Findings) {
    let mut lines = vec![];
    match (&f.gateway, &f.mapping_protocol) {
        (Some(g), Some(proto)) => lines.push(format!(
            "Your router is {g}; it accepts port forwarding requests ({proto})."
        )),
        (Some(g), None) => lines.push(format!(
            "Your router is {g}; it does not answer port forwarding requests (UPnP, NAT-PMP, PCP)."
        )),
        _ => {}
    }
    if let Some(w) = &f.router_wan {
        lines.push(format!("The router's internet side has the address {w}."));
    }
    match (&f.public_ipv4, &f.public_ipv6) {
        (Some(a), Some(b)) => lines.push(format!("The internet sees this box as {a} and {b}.")),
        (Some(a), None) | (None, Some(a)) => {
            lines.push(format!("The internet sees this box as {a}."))
        }
        _ => {}
    }
    if let Some(r) = &f.relay {
        lines.push(format!(
            "Inbound IPv4 reaches this box through the relay on {r} (WireGuard tunnel): the name's A record is the VPS's address."
        ));
    }
    for l in lines {
        p.status(&l);
    }
    for w in &f.warnings {
        p.warn(w);
    }
    if let Some(plan) = f.dslite_plan() {
        p.warn(&plan);
    }
}

/// Settings for network detection before any question: the current config, or a provisional
/// one carrying the address sources given as answers.
fn provisional_settings(settings: &Settings, given: &Answers) -> Settings {
    Settings {
        paths: settings.paths.clone(),
        config: setup::detection_config(settings.config.as_ref(), given).ok(),
        secrets: Secrets::default(),
    }
}

/// Settings as they will be once the candidate is written. The paths follow the same rule as
/// every other command: a global `--state-dir` wins over the candidate's `state_dir`.
fn candidate_settings(
    global: &GlobalArgs,
    settings: &Settings,
    config: &Config,
    secrets: &[(String, String, Secret)],
) -> Settings {
    let mut s = match settings.secrets.file.as_ref() {
        Some(f) => Secrets::load(f).unwrap_or_default(),
        None => Secrets::default(),
    };
    for (section, key, value) in secrets {
        s.set(section, key, value.clone());
    }
    Settings::candidate(global, &settings.paths.config_file, config.clone(), s)
}

fn config_text(config: &Config) -> Result<String> {
    let body = toml::to_string_pretty(config).failed(|| "cannot encode the config".into())?;
    let text = format!(
        "# direkt configuration, written by `direkt setup` (run it again to change answers).\n\
         # Secrets are not here but in the secrets file beside it (mode 0600).\n\n{body}"
    );
    // What setup writes must load: a bug here must not leave an unloadable config behind.
    Config::parse(&text, Path::new("<setup>"))?;
    Ok(text)
}

fn write_config(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fsutil::create_dir(dir, 0o755).failed(|| format!("cannot create {}", dir.display()))?;
    }
    fsutil::write_atomic(path, text.as_bytes(), 0o644)
        .failed(|| format!("cannot write {}", path.display()))
}

fn show_dry_run(p: &Printer, settings: &Settings, c: &Candidate, new_text: &str) {
    let old = std::fs::read_to_string(&settings.paths.config_file).unwrap_or_default();
    let path = settings.paths.config_file.display();
    if old == new_text {
        p.data(&format!("{path}: unchanged"));
    } else {
        p.data(&format!("{path} would become:"));
        let old_lines: std::collections::HashSet<&str> = old.lines().collect();
        let new_lines: std::collections::HashSet<&str> = new_text.lines().collect();
        for l in old.lines().filter(|l| !new_lines.contains(l)) {
            p.data(&format!("- {l}"));
        }
        for l in new_text.lines().filter(|l| !old_lines.contains(l)) {
            p.data(&format!("+ {l}"));
        }
    }
    for (section, key, _) in &c.secrets {
        p.data(&format!(
            "secret {section}.{key} would be stored in the secrets file"
        ));
    }
    if c.apply {
        let cfg = &c.config;
        if cfg.ddns.is_some() {
            p.data(&format!(
                "would publish {} with {}",
                cfg.name,
                cfg.ddns
                    .as_ref()
                    .map(|d| d.provider.to_string())
                    .unwrap_or_default()
            ));
        }
        if let Some(ports) = cfg.ports.as_ref().filter(|p| !p.forward.is_empty()) {
            let f: Vec<String> = ports.forward.iter().map(|s| s.to_string()).collect();
            p.data(&format!("would forward {} on the router", f.join(", ")));
        }
        if let Some(cert) = &cfg.cert {
            p.data(&format!(
                "would get a certificate for {} from {}",
                cfg.name, cert.ca
            ));
        }
    }
    if c.schedule {
        p.data("would install the renew schedule");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        setup: SetupArgs,
    }

    #[test]
    fn every_flag_gives_an_answer_the_wizard_knows() {
        let cli = Cli::parse_from([
            "setup",
            "--name",
            "box.example.org",
            "--provider",
            "rfc2136",
            "--dns-server",
            "192.0.2.53",
            "--zone",
            "example.org",
            "--username",
            "u",
            "--key-name",
            "k",
            "--forward",
            "443",
            "--no-cert",
            "--ca",
            "zerossl",
            "--ca-bundle",
            "/x.pem",
            "--email",
            "a@b.c",
            "--accept-tos",
            "--challenges",
            "dns-01",
            "--schedule",
            "no",
            "--no-apply",
        ]);
        let answers = cli.setup.flag_answers();
        let known = setup::answer_keys();
        let keys: Vec<&String> = answers.keys().collect();
        assert_eq!(keys.len(), 15, "{keys:?}");
        for k in keys {
            assert!(known.contains(k), "{k} is not an answer key");
        }
    }

    #[test]
    fn a_provider_alias_in_the_answers_file_becomes_the_providers_name() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.toml");
        std::fs::write(
            &f,
            "name = \"box.example.org\"\n[ddns]\nprovider = \"nsupdate\"\n",
        )
        .unwrap();
        let cli = Cli::parse_from(["setup", "--answers", f.to_str().unwrap()]);
        let given = given_answers(&cli.setup, &cli.setup.flag_answers()).unwrap();
        assert_eq!(given.text(Q::PROVIDER).as_deref(), Some("rfc2136"));
        std::fs::write(&f, "[ddns]\nprovider = \"nosuchdns\"\n").unwrap();
        let e = given_answers(&cli.setup, &Answers::default()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("`ddns.provider`"), "{}", e.message());
    }
}
