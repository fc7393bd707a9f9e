//! The staging proof: after a validation failed at the production CA, the next attempt first
//! proves the challenge at the CA's staging environment (an order there whose authorizations
//! must become valid; never finalized), so the production CA's failed-validation limit (5 per
//! name per hour at Let's Encrypt) is not what stops the owner. Only when staging validates
//! is the production CA asked again. As certmagic does it with its test CA on a retry.

use crate::config::{Ca, CertConfig, Settings};
use crate::error::{Error, Result};
use crate::state::StateLock;

use super::client::{self, AccountOptions};
use super::flow::{self, OrderFailure, kind_name};
use super::renewal::CertState;
use super::{CertOptions, CertReport};

/// The staging directory to prove at before ordering, if one is due: a validation failed
/// last time and the CA has a staging environment (`[cert] staging_directory`, else the known
/// CA's own) that is not the CA itself.
pub fn to_prove(cert_cfg: &CertConfig, state: &CertState) -> Option<String> {
    state.failed_validation?;
    let staging = cert_cfg
        .staging_directory
        .clone()
        .or_else(|| cert_cfg.ca.staging_directory().map(String::from))?;
    (staging != client::directory_url(&cert_cfg.ca)).then_some(staging)
}

/// Prove the challenge for `names` at `staging`, with each configured challenge type in turn.
/// Its own account there (created when needed; the terms count as accepted with the
/// production CA's). Fails, naming the staging CA's reason, when no type validates.
pub async fn prove(
    settings: &Settings,
    cert_cfg: &CertConfig,
    lock: &StateLock,
    opts: &CertOptions,
    names: &[String],
    staging: &str,
    report: &mut CertReport,
) -> Result<()> {
    let staging_cfg = CertConfig {
        ca: Ca::Directory(staging.to_string()),
        eab_kid: None,
        eab_hmac_key_file: None,
        profile: None,
        ..cert_cfg.clone()
    };
    let session = client::session(
        settings,
        &staging_cfg,
        lock,
        &AccountOptions {
            accept_tos: opts.accept_tos,
            fresh: false,
        },
    )
    .await
    .map_err(|e| before(e, staging))?;
    let mut failures: Vec<Error> = vec![];
    let mut unreachable = false;
    let wildcard = names.iter().any(|n| n.starts_with("*."));
    for &kind in &cert_cfg.challenges {
        if wildcard && kind != crate::config::ChallengeKind::Dns01 {
            continue;
        }
        let mut responder = match super::prepare(settings, cert_cfg, kind).await {
            Ok(r) => r,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let r = flow::prove(&session, names, &mut responder).await;
        responder.stop().await;
        report.acme_requests += session.counter.get();
        match r {
            Ok(()) => {
                report.notes.push(format!(
                    "a validation failed last time: the challenge ({}) was proven at the \
                     staging CA ({staging}) before ordering here",
                    kind_name(kind)
                ));
                return Ok(());
            }
            Err(f) if flow::worth_fallback(&f) => {
                failures.push(super::fallback_error(&f, &mut unreachable));
            }
            Err(OrderFailure::Other(e)) => return Err(before(e, staging)),
            Err(f) => return Err(before(Error::failed(flow::failure_text(&f)), staging)),
        }
    }
    let e = super::all_failed(failures, cert_cfg, None);
    Err(before(e, staging))
}

/// A staging failure in words: what staging said, and that production was not asked.
fn before(e: Error, staging: &str) -> Error {
    let hint = e.hint_text().unwrap_or_default().to_string();
    let kind = e.kind();
    Error::new(
        kind,
        format!(
            "proving the challenge at the staging CA ({staging}) failed, so no order was placed \
             at the CA itself (a validation failed there last time): {}",
            e.message()
        ),
    )
    .hint(if hint.is_empty() {
        "fix what staging says; the next run proves it there again before ordering".to_string()
    } else {
        format!("{hint}; the next run proves it at staging again before ordering")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert_cfg(toml: &str) -> CertConfig {
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn staging_is_proven_only_after_a_failed_validation_at_a_ca_that_has_one() {
        let le = cert_cfg("ca = \"letsencrypt\"");
        let mut st = CertState::default();
        assert_eq!(to_prove(&le, &st), None, "no failed validation");
        st.failed_validation = Some(1);
        assert_eq!(
            to_prove(&le, &st).as_deref(),
            Some(crate::config::LETSENCRYPT_STAGING)
        );
        // Staging itself, and CAs without a known staging environment: none.
        assert_eq!(
            to_prove(&cert_cfg("ca = \"letsencrypt-staging\""), &st),
            None
        );
        assert_eq!(to_prove(&cert_cfg("ca = \"zerossl\""), &st), None);
        assert_eq!(
            to_prove(&cert_cfg("ca = \"https://ca.example/dir\""), &st),
            None
        );
        // Named in the config (the lab names a second Pebble or acme2certifier).
        let own = cert_cfg(
            "ca = \"https://ca.example/dir\"\nstaging_directory = \"https://staging.example/dir\"",
        );
        assert_eq!(
            to_prove(&own, &st).as_deref(),
            Some("https://staging.example/dir")
        );
        let same = cert_cfg(
            "ca = \"https://ca.example/dir\"\nstaging_directory = \"https://ca.example/dir\"",
        );
        assert_eq!(to_prove(&same, &st), None);
    }

    #[test]
    fn a_staging_failure_says_production_was_not_asked() {
        let e = before(
            Error::failed("HTTP-01 failed for box.example.test: port 80").hint("use dns-01"),
            "https://staging.example/dir",
        );
        assert_eq!(e.exit_code(), 1);
        assert!(
            e.message()
                .contains("staging CA (https://staging.example/dir)")
        );
        assert!(e.message().contains("no order was placed at the CA itself"));
        assert!(e.message().ends_with("port 80"));
        assert!(e.hint_text().unwrap().starts_with("use dns-01"));
    }
}
