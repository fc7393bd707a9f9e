//! DuckDNS (`GET /update?domains=<sub>&token=<token>&ip=<v4>` or `&ipv6=<v6>`, body `OK` or
//! `KO`). The address is always given explicitly: without one DuckDNS would take the IPv4
//! address the request came from. An IPv4 update names only `ip`, an IPv6 update only `ipv6`
//! (which turns DuckDNS's detection off), so one family never touches the other. TXT: `&txt=`;
//! DuckDNS keeps one TXT value per name, so `remove_txt` clears it (`&clear=true`).

use std::net::IpAddr;

use super::registry::{Kind, RecordType, SecretKey, Spec};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

pub const SPEC: Spec = Spec {
    name: "duckdns",
    aliases: &[],
    title: "DuckDNS",
    kind: Kind::Api,
    summary: "duckdns: a name under duckdns.org, with the account token",
    help: "The token shown at the top of duckdns.org after you sign in.",
    keys: &[],
    secrets: &[SecretKey {
            name: "token",
            prompt: "API token",
            help: "The token shown at the top of duckdns.org after you sign in.",
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://www.duckdns.org/spec.jsp",
    name_suffix: Some(".duckdns.org"),
    guess_suffixes: &[".duckdns.org"],
    build: |d, s| Ok(Box::new(DuckDns::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://www.duckdns.org";

pub struct DuckDns {
    base: String,
    token: Secret,
    http: HttpApi,
}

impl DuckDns {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<DuckDns> {
        let base = super::base_url(ddns.server.as_deref(), DEFAULT_BASE)?;
        let token = super::require_secret(settings, ddns)?;
        Ok(DuckDns {
            base: base.as_str().trim_end_matches('/').to_string(),
            token,
            http: HttpApi::new(),
        })
    }

    async fn update(&self, name: &str, params: &[(&str, &str)]) -> Result<(), ProviderError> {
        let domain = subdomain(name)?;
        let mut query = vec![("domains", domain.as_str()), ("token", self.token.expose())];
        query.extend_from_slice(params);
        let rb = self
            .http
            .client()?
            .get(super::with_query(&format!("{}/update", self.base), &query)?);
        let answer = self.http.send("DuckDNS", rb).await?;
        interpret(&answer, &domain)
    }
}

/// `box` for `box.duckdns.org` and for `_acme-challenge.box.duckdns.org`.
fn subdomain(name: &str) -> Result<String, ProviderError> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let stem = name.strip_suffix(".duckdns.org").ok_or_else(|| {
        ProviderError::unsupported(
            format!("{name} is not a duckdns.org name"),
            "set name = \"yourname.duckdns.org\"",
        )
    })?;
    Ok(stem.rsplit('.').next().unwrap_or(stem).to_string())
}

fn interpret(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    let first = answer.body.lines().next().unwrap_or("").trim();
    match (first, answer.status) {
        ("OK", _) => Ok(()),
        ("KO", _) => Err(ProviderError::latch(
            format!("DuckDNS refused the update (KO) for {domain}"),
            format!(
                "check the token (secret ddns.token, shown on duckdns.org after login) and that \
                 {domain}.duckdns.org belongs to that account"
            ),
        )),
        (_, 401 | 403) => Err(ProviderError::latch(
            format!("DuckDNS refused the request (HTTP {})", answer.status),
            "check the token (secret ddns.token)",
        )),
        (_, s) if s == 429 || s >= 500 => Err(ProviderError::backoff(
            format!("DuckDNS is unavailable (HTTP {s})"),
            answer.retry_after,
        )),
        (_, s) => Err(ProviderError::transient(format!(
            "DuckDNS gave an answer direkt does not know (HTTP {s})"
        ))),
    }
}

impl Provider for DuckDns {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let a = address.to_string();
            let key = if address.is_ipv4() { "ip" } else { "ipv6" };
            self.update(name, &[(key, &a)]).await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move { self.update(fqdn, &[("txt", value)]).await })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        _value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move { self.update(fqdn, &[("txt", ""), ("clear", "true")]).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    #[test]
    fn names_and_answers() {
        assert_eq!(subdomain("box.duckdns.org").unwrap(), "box");
        assert_eq!(subdomain("_acme-challenge.box.duckdns.org").unwrap(), "box");
        assert!(subdomain("box.example.org").is_err());
        let a = |status, body: &str| {
            interpret(
                &HttpAnswer {
                    status,
                    retry_after: None,
                    body: body.into(),
                },
                "box",
            )
        };
        assert!(a(200, "OK").is_ok());
        assert_eq!(a(200, "KO").unwrap_err().failure, Failure::Latch);
        assert_eq!(a(502, "").unwrap_err().failure, Failure::Backoff);
    }
}
