//! acme-dns delegation for DNS-01 with any DNS host, written from acme-dns's documented API
//! (https://github.com/joohoi/acme-dns#api): `POST /register` (optional body `{"allowfrom":
//! [...]}`) answers 201 with `{username, password, fulldomain, subdomain, allowfrom}`; `POST
//! /update` with the headers `X-Api-User` / `X-Api-Key` and `{"subdomain", "txt"}` sets a TXT
//! value at `fulldomain` (the server keeps the two newest values; there is no delete). Errors:
//! 401 `{"error": "forbidden"}`, 400 `{"error": "bad_subdomain" | "bad_txt" |
//! "malformed_json_payload" | "invalid_allowfrom_cidr"}`.
//!
//! The owner creates ONE CNAME, `_acme-challenge.<name>` → `fulldomain`, at their DNS host;
//! after that the CA finds every challenge TXT on the acme-dns server. acme-dns holds only that
//! TXT record, so the box's A/AAAA come from elsewhere: `[acme_dns] server = ...` next to any
//! `[ddns]` (or none, for a fixed address), or `[ddns] provider = "acme-dns"` alone (no address
//! updates). The registration (`direkt ddns register`) is stored in the secrets file, mode 0600,
//! under `[acme_dns]` (or `[ddns]` for the second form), and never printed.

use std::net::IpAddr;

use serde::Deserialize;

use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{Secret, Settings};
use crate::error::{Error, Result};

pub const DEFAULT_SERVER: &str = "https://auth.acme-dns.io";

const HELP: &str = "An acme-dns server (your own, or the public https://auth.acme-dns.io). \
     `direkt ddns register` registers there, stores the credentials in the secrets file and \
     names the one CNAME to create at your DNS host: _acme-challenge.<name> pointing to the \
     registered name. Only DNS-01's TXT record goes through it: the address needs another \
     [ddns] provider (or fixed records).";

pub const SPEC: Spec = Spec {
    name: "acme-dns",
    aliases: &["acmedns"],
    title: "acme-dns",
    kind: Kind::Delegation,
    summary: "acme-dns: DNS-01 with any DNS host through one CNAME to an acme-dns server (TXT only)",
    help: HELP,
    keys: &[Key {
        name: "server",
        required: false,
        prompt: "acme-dns server URL",
        help: HELP,
        default: Builtin::Text(DEFAULT_SERVER),
        check: registry::http_url,
        hint: "write the acme-dns server's base URL, e.g. https://auth.acme-dns.io",
    }],
    secrets: &[
        SecretKey {
            name: "password",
            prompt: "acme-dns password (from its /register)",
            help: "Written by `direkt ddns register`.",
        },
        SecretKey {
            name: "api_user",
            prompt: "acme-dns username (from its /register, sent as X-Api-User)",
            help: "Written by `direkt ddns register`.",
        },
        SecretKey {
            name: "subdomain",
            prompt: "acme-dns subdomain (from its /register)",
            help: "Written by `direkt ddns register`.",
        },
        SecretKey {
            name: "fulldomain",
            prompt: "acme-dns full domain (the CNAME's target)",
            help: "Written by `direkt ddns register`.",
        },
    ],
    records: &[RecordType::Txt],
    docs: "https://github.com/joohoi/acme-dns#api",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| {
        let server = d.server.as_deref().unwrap_or(DEFAULT_SERVER);
        Ok(Box::new(AcmeDns::registered(
            Setup::new(server, "ddns")?,
            s,
        )?))
    },
};

/// Where acme-dns is configured: its server, and the secrets section holding the registration.
#[derive(Debug, Clone)]
pub struct Setup {
    pub base: String,
    /// `acme_dns` for `[acme_dns]`, `ddns` for `[ddns] provider = "acme-dns"`.
    pub section: &'static str,
}

impl Setup {
    pub fn new(server: &str, section: &'static str) -> Result<Setup> {
        let base = super::base_url(Some(server), DEFAULT_SERVER)?;
        Ok(Setup {
            base: base.as_str().trim_end_matches('/').to_string(),
            section,
        })
    }

    /// acme-dns as the config names it (`[acme_dns]` first), or None.
    pub fn of(settings: &Settings) -> Result<Option<Setup>> {
        let config = settings.require()?;
        if let Some(a) = &config.acme_dns {
            return Setup::new(a.server.as_deref().unwrap_or(DEFAULT_SERVER), "acme_dns").map(Some);
        }
        match &config.ddns {
            Some(d) if d.provider.name() == SPEC.name => {
                Setup::new(d.server.as_deref().unwrap_or(DEFAULT_SERVER), "ddns").map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The stored registration, if complete.
    pub fn registration(&self, settings: &Settings) -> Result<Option<Registration>> {
        let get = |k: &str| settings.secrets.get(self.section, k, None);
        let (Some(password), Some(username), Some(subdomain), Some(fulldomain)) = (
            get("password")?,
            get("api_user")?,
            get("subdomain")?,
            get("fulldomain")?,
        ) else {
            return Ok(None);
        };
        Ok(Some(Registration {
            username: username.expose().to_string(),
            password,
            subdomain: subdomain.expose().to_string(),
            fulldomain: fulldomain.expose().trim_end_matches('.').to_ascii_lowercase(),
        }))
    }

    /// "not registered yet", saying what to do.
    pub fn not_registered(&self) -> Error {
        Error::usage(format!(
            "acme-dns is not registered yet (the secret {}.password is not set)",
            self.section
        ))
        .hint(
            "run `direkt ddns register`: it registers at the acme-dns server, stores the \
             credentials in the secrets file and names the CNAME to create",
        )
    }
}

/// What `/register` answered (the password is a secret).
#[derive(Clone)]
pub struct Registration {
    pub username: String,
    pub password: Secret,
    pub subdomain: String,
    pub fulldomain: String,
}

impl Registration {
    /// The (section, key, value) entries for [`crate::config::store_secrets`].
    pub fn entries(&self, section: &str) -> Vec<(String, String, Secret)> {
        [
            ("api_user", Secret::new(self.username.clone())),
            ("password", self.password.clone()),
            ("subdomain", Secret::new(self.subdomain.clone())),
            ("fulldomain", Secret::new(self.fulldomain.clone())),
        ]
        .into_iter()
        .map(|(k, v)| (section.to_string(), k.to_string(), v))
        .collect()
    }
}

/// The CNAME owner for `name`'s DNS-01 challenge (`*.x` and `x` share `_acme-challenge.x`).
pub fn challenge_owner(name: &str) -> String {
    format!("_acme-challenge.{}", name.trim_start_matches("*."))
}

#[derive(Deserialize)]
struct RegisterAnswer {
    username: String,
    password: String,
    fulldomain: String,
    subdomain: String,
}

/// `POST /register`: a new registration (nothing stored here).
pub async fn register(setup: &Setup) -> Result<Registration, ProviderError> {
    let http = HttpApi::new();
    let rb = http
        .client()?
        .post(format!("{}/register", setup.base))
        .json(&serde_json::json!({}));
    let answer = http.send("acme-dns", rb).await?;
    if answer.status != 201 && answer.status != 200 {
        return Err(classify(&answer));
    }
    let r: RegisterAnswer = serde_json::from_str(&answer.body).map_err(|_| {
        ProviderError::transient(format!(
            "acme-dns answered /register with HTTP {} but not the documented JSON",
            answer.status
        ))
    })?;
    Ok(Registration {
        username: r.username,
        password: Secret::new(r.password),
        subdomain: r.subdomain,
        fulldomain: r.fulldomain.trim_end_matches('.').to_ascii_lowercase(),
    })
}

/// acme-dns with a registration: sets DNS-01 TXT values.
pub struct AcmeDns {
    setup: Setup,
    reg: Registration,
    http: HttpApi,
}

impl AcmeDns {
    /// The provider, or "not registered yet" (exit 2).
    pub fn registered(setup: Setup, settings: &Settings) -> Result<AcmeDns> {
        let reg = setup
            .registration(settings)?
            .ok_or_else(|| setup.not_registered())?;
        Ok(AcmeDns {
            setup,
            reg,
            http: HttpApi::new(),
        })
    }

    /// Where the TXT values really are: the registered full domain.
    pub fn fulldomain(&self) -> &str {
        &self.reg.fulldomain
    }

    async fn update(&self, value: &str) -> Result<(), ProviderError> {
        let rb = self
            .http
            .client()?
            .post(format!("{}/update", self.setup.base))
            .header("X-Api-User", &self.reg.username)
            .header("X-Api-Key", self.reg.password.expose())
            .json(&serde_json::json!({"subdomain": self.reg.subdomain, "txt": value}));
        let answer = self.http.send("acme-dns", rb).await?;
        match answer.status {
            200..=299 => Ok(()),
            _ => Err(classify(&answer)),
        }
    }
}

/// acme-dns's documented error answers, classified.
fn classify(answer: &HttpAnswer) -> ProviderError {
    let code = serde_json::from_str::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .unwrap_or_default();
    let code: String = code.chars().take(60).collect();
    let again = "run `direkt ddns register` again (it replaces the stored registration), then \
                 point the _acme-challenge CNAME at the new full domain";
    match (answer.status, code.as_str()) {
        (401 | 403, _) => ProviderError::latch(
            format!("acme-dns refused the credentials (HTTP {}, `{code}`)", answer.status),
            format!(
                "the stored registration is not valid at this server, or the box's address is \
                 not in its allowfrom list: {again}"
            ),
        ),
        (400, "bad_subdomain") => ProviderError::latch(
            "acme-dns does not know the stored subdomain (`bad_subdomain`)",
            again,
        ),
        (400, "bad_txt") => ProviderError::latch(
            "acme-dns refused the TXT value (`bad_txt`: it takes exactly 43 characters)",
            "report this to direkt: the CA's DNS-01 values are always 43 characters",
        ),
        (429, _) => ProviderError::backoff("acme-dns asks to slow down (HTTP 429)", answer.retry_after),
        (s, _) if s >= 500 => ProviderError::backoff(
            format!("acme-dns is unavailable (HTTP {s})"),
            answer.retry_after,
        ),
        (s @ 400..=499, _) => ProviderError::latch(
            format!("acme-dns refused the request (HTTP {s}, `{code}`)"),
            "check [acme_dns] server: it must be the acme-dns API's base URL",
        ),
        (s, _) => ProviderError::transient(format!(
            "acme-dns gave an answer direkt does not know (HTTP {s})"
        )),
    }
}

impl Provider for AcmeDns {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn set_address<'a>(
        &'a self,
        _: &'a str,
        _: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async {
            Err(ProviderError::unsupported(
                "acme-dns only holds the DNS-01 TXT record: it cannot publish the box's address",
                "publish the address with a [ddns] provider and name acme-dns in an [acme_dns] \
                 section instead, or keep fixed A/AAAA records and leave `ddns update` out",
            ))
        })
    }

    /// The value goes to the registered full domain; `_acme-challenge.<name>` is a CNAME there.
    fn set_txt<'a>(&'a self, _: &'a str, value: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.update(value))
    }

    /// acme-dns has no delete: it keeps the two newest values, so an old one rolls out.
    fn remove_txt<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async { Ok(()) })
    }

    /// acme-dns has no call that only reads: the credentials are checked with an update of a
    /// random 43-character value (the only length it takes), which rolls out with the next
    /// two challenges.
    fn verify<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            use base64::Engine;
            let value = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(rand::random::<[u8; 32]>());
            self.update(&value).await?;
            Ok(format!(
                "acme-dns accepted an update of {} (a random TXT value; it keeps the two newest)",
                self.reg.fulldomain
            ))
        })
    }

    fn requests(&self) -> u32 {
        self.http.requests()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn a(status: u16, body: &str) -> ProviderError {
        classify(&HttpAnswer {
            status,
            retry_after: Some(std::time::Duration::from_secs(7)),
            body: body.into(),
        })
    }

    #[test]
    fn documented_errors_map_to_their_class() {
        let e = a(401, r#"{"error": "forbidden"}"#);
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("forbidden"), "{}", e.message);
        assert_eq!(a(400, r#"{"error": "bad_subdomain"}"#).failure, Failure::Latch);
        let e = a(400, r#"{"error": "bad_txt"}"#);
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("bad_txt"));
        assert_eq!(a(400, r#"{"error": "malformed_json_payload"}"#).failure, Failure::Latch);
        let e = a(429, "");
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(7)));
        assert_eq!(a(502, "bad gateway").failure, Failure::Backoff);
        assert_eq!(a(302, "").failure, Failure::Transient);
        // A long error code is cut.
        let long = format!(r#"{{"error": "{}"}}"#, "x".repeat(500));
        assert!(a(404, &long).message.len() < 200);
    }

    #[test]
    fn the_cname_owner_of_a_wildcard_is_its_base() {
        assert_eq!(challenge_owner("box.example.org"), "_acme-challenge.box.example.org");
        assert_eq!(challenge_owner("*.box.example.org"), "_acme-challenge.box.example.org");
    }
}
