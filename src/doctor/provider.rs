//! `provider.credentials`: the DNS provider accepts direkt's credentials. How it is checked
//! comes from the provider's description in the registry and its trait: a call that changes
//! nothing where the API has one (Cloudflare, deSEC: reads; RFC 2136: a no-op signed update);
//! else, for providers that write TXT, a value at `_acme-challenge.<name>` added and removed
//! (DuckDNS, what DNS-01 does anyway); else (dyndns2) the last accepted update tells.

use crate::config::DdnsConfig;
use crate::ddns::registry::RecordType;
use crate::ddns::{Failure, Provider, ProviderError};
use crate::doctor::context::Ctx;
use crate::doctor::{CheckId, CheckResult, Status};
use crate::state::State;

const ID: &str = CheckId::ProviderCredentials.as_str();

pub async fn credentials(ctx: &Ctx<'_>) -> CheckResult {
    let Some(c) = ctx.config else {
        return CheckResult::skip(ID, "no name configured");
    };
    let Some(d) = c.ddns.as_ref() else {
        return CheckResult::skip(ID, "no DNS provider configured");
    };
    let state = crate::state::StateDir::new(&ctx.settings.paths.state_dir)
        .read()
        .ok()
        .flatten()
        .unwrap_or_default();
    if let Some(l) = &state.ddns.latch {
        return CheckResult::fail(
            ID,
            format!("the DNS provider ({}) refused direkt: {}", d.provider, l.reason),
        )
        .why("direkt stops asking a provider that refused (to avoid being blocked) until the config changes or `direkt renew --force`")
        .fix(state.ddns.latch_hint.clone().unwrap_or_else(|| {
            "fix the credentials in the secrets file, then run `direkt renew --force`".into()
        }))
        .detail("provider", d.provider.to_string())
        .detail("latched_since", crate::net::time::format_time(l.since));
    }
    let provider = match crate::ddns::provider_from_settings(ctx.settings) {
        Ok(p) => p,
        Err(e) => {
            return CheckResult::fail(ID, format!("the DNS provider cannot be used: {e}"))
                .why("without working credentials the name cannot follow the box's address")
                .fix(
                    e.hint_text()
                        .unwrap_or("check [ddns] and its secret")
                        .to_string(),
                )
                .detail("provider", d.provider.to_string());
        }
    };
    let limit = ctx.step_timeout(2);
    let attempt = attempt(provider.as_ref(), c.name.as_str());
    let Ok(result) = tokio::time::timeout(limit, attempt).await else {
        return CheckResult::warn(
            ID,
            format!(
                "the DNS provider ({}) did not answer within {} ms",
                d.provider,
                limit.as_millis()
            ),
        )
        .why("without an answering provider the name cannot follow the box's address")
        .fix("check the provider's server ([ddns] server) and that DNS/HTTPS to it is not blocked")
        .detail("provider", d.provider.to_string());
    };
    verdict(d, &state, result).detail("provider", d.provider.to_string())
}

/// The credentials check itself: `Some(what was checked)`, or `None` when the provider has no
/// way to check without publishing.
async fn attempt(provider: &dyn Provider, name: &str) -> Result<Option<String>, ProviderError> {
    match provider.verify(name).await {
        Ok(what) => return Ok(Some(what)),
        Err(e) if e.failure == Failure::Unsupported => {}
        Err(e) => return Err(e),
    }
    if !provider.spec().writes(RecordType::Txt) {
        return Ok(None);
    }
    let fqdn = format!("_acme-challenge.{name}");
    let value = format!("direkt-doctor-{}", crate::probe::api::new_nonce());
    provider.set_txt(&fqdn, &value).await?;
    provider.remove_txt(&fqdn, &value).await?;
    Ok(Some(format!("a TXT value at {fqdn} added and removed")))
}

/// The check's result from what the provider answered.
fn verdict(
    d: &DdnsConfig,
    state: &State,
    result: Result<Option<String>, ProviderError>,
) -> CheckResult {
    match result {
        Ok(Some(what)) => CheckResult::pass(
            ID,
            format!(
                "the DNS provider ({}) accepts direkt's credentials: {what}",
                d.provider
            ),
        ),
        Ok(None) => match (&state.ddns.ipv4, &state.ddns.ipv6) {
            (Some(p), _) | (None, Some(p)) => CheckResult::pass(
                ID,
                format!(
                    "the DNS provider ({}) accepted the last update ({} at {})",
                    d.provider,
                    p.address,
                    crate::net::time::format_time(p.at)
                ),
            ),
            _ => CheckResult::skip(
                ID,
                format!(
                    "not checked: {} has no call that tests credentials without changing the record, and direkt has not published yet",
                    d.provider
                ),
            ),
        },
        Err(e) => {
            let status = if e.failure == Failure::Latch {
                Status::Fail
            } else {
                Status::Warn
            };
            CheckResult::new(
                ID,
                status,
                format!(
                    "the DNS provider ({}) refused direkt's credentials: {}",
                    d.provider, e.message
                ),
            )
            .why("without working credentials the name cannot follow the box's address")
            .fix(
                e.hint
                    .clone()
                    .unwrap_or_else(|| "check the credentials in the secrets file".into()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ddns(provider: &str) -> DdnsConfig {
        DdnsConfig::new(provider.parse().unwrap())
    }

    #[test]
    fn a_refusal_that_latches_fails_and_a_passing_trouble_warns() {
        let st = State::default();
        let r = verdict(
            &ddns("cloudflare"),
            &st,
            Err(ProviderError::latch("bad token", "make a new one")),
        );
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.fix.as_deref(), Some("make a new one"));
        let r = verdict(
            &ddns("cloudflare"),
            &st,
            Err(ProviderError::backoff("rate limited", None)),
        );
        assert_eq!(r.status, Status::Warn);
    }

    #[test]
    fn without_a_check_and_without_an_update_it_is_skipped() {
        let r = verdict(&ddns("dyndns2"), &State::default(), Ok(None));
        assert_eq!(r.status, Status::Skip);
        let r = verdict(&ddns("desec"), &State::default(), Ok(Some("read".into())));
        assert_eq!(r.status, Status::Pass);
    }
}
