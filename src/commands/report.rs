//! `direkt report`: the support bundle (config, state, versions, OS, doctor), every secret
//! redacted. Support reads it, and reruns the diagnosis with `direkt doctor --from-report FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::error::{Context, Result};
use crate::output::Printer;
use crate::report;
use crate::state::StateDir;

/// Bumped when a field changes meaning; fields are only ever added.
pub const REPORT_FORMAT: u32 = 1;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Write the report to FILE (mode 0600) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave out the doctor run (faster; support will miss the diagnosis)
    #[arg(long)]
    pub no_doctor: bool,
}

/// Every secret value this configuration can reach: the secrets file, `*_file` paths and the
/// environment. Used to scrub reports and by tests to grep for leaks.
pub fn known_secrets(settings: &Settings) -> Vec<String> {
    let mut out: Vec<String> = settings
        .secrets
        .all_values()
        .map(|s| s.expose().to_string())
        .collect();
    if let Some(c) = &settings.config {
        // Every secret the provider's description names, from wherever it is read.
        if let Some(d) = &c.ddns
            && let Ok(secrets) = crate::ddns::secrets_of(d, settings)
        {
            out.extend(secrets.into_iter().map(|(_, s)| s.expose().to_string()));
        }
        if let Some(cert) = &c.cert
            && let Ok(Some(s)) =
                settings
                    .secrets
                    .get("cert", "eab_hmac_key", cert.eab_hmac_key_file.as_deref())
        {
            out.push(s.expose().to_string());
        }
    }
    for (k, v) in std::env::vars() {
        let secretish = ["PASSWORD", "TOKEN", "SECRET", "HMAC", "KEY"]
            .iter()
            .any(|s| k.contains(s));
        if k.starts_with("DIREKT_") && secretish && !v.is_empty() {
            out.push(v);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Build the redacted report as JSON text.
pub fn build(settings: &Settings, doctor: Value) -> Result<String> {
    let config_text = std::fs::read_to_string(&settings.paths.config_file).ok();
    let state = StateDir::new(&settings.paths.state_dir)
        .read()
        .ok()
        .flatten();
    let mut secrets_present = serde_json::Map::new();
    if let Some(c) = &settings.config {
        let mut check = |section: &str, key: &str, file: Option<&std::path::Path>| {
            let present = settings
                .secrets
                .get(section, key, file)
                .ok()
                .flatten()
                .is_some();
            secrets_present.insert(format!("{section}.{key}"), Value::Bool(present));
        };
        if let Some(d) = &c.ddns {
            for secret in d.provider.spec().secrets {
                check("ddns", secret.name, d.secret_file(secret.name));
            }
        }
        if let Some(cert) = &c.cert {
            check("cert", "eab_hmac_key", cert.eab_hmac_key_file.as_deref());
        }
    }
    let mut doc = json!({
        "report_format": REPORT_FORMAT,
        "generated_at": crate::net::time::format_time(crate::state::now_unix()),
        "versions": {
            "direkt": env!("CARGO_PKG_VERSION"),
            "os": report::os_name(),
            "kernel": report::kernel(),
        },
        "config_file": settings.paths.config_file.display().to_string(),
        "config_text": config_text,
        "config": settings.config,
        "secrets_present": secrets_present,
        "state_dir": settings.paths.state_dir.display().to_string(),
        "state": state,
        "doctor": doctor,
    });
    report::redact_value(&mut doc);
    let text = serde_json::to_string_pretty(&doc).failed(|| "cannot encode the report".into())?;
    Ok(report::scrub_known(&text, &known_secrets(settings)))
}

pub async fn run(global: &GlobalArgs, args: &ReportArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    let doctor = if args.no_doctor {
        json!({"skipped": "--no-doctor"})
    } else {
        run_doctor(&settings).await
    };
    let text = build(&settings, doctor)?;
    match &args.output {
        Some(path) => {
            crate::fsutil::write_atomic(path, format!("{text}\n").as_bytes(), 0o600)
                .failed(|| format!("cannot write {}", path.display()))?;
            p.status(&format!(
                "wrote {} (secrets redacted); support can run: direkt doctor --from-report {}",
                path.display(),
                path.display()
            ));
        }
        None => p.data(&text),
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_doctor(settings: &Settings) -> Value {
    match crate::doctor::verdict(settings).await {
        Some((_, _, json)) => json,
        None => json!({"unavailable": "doctor is not part of this build"}),
    }
}
