//! INWX DomRobot JSON-RPC API (<https://www.inwx.de/en/help/apidoc>): every call is a `POST`
//! of `{"method": .., "params": {..}}` to `https://api.domrobot.com/jsonrpc/`. `account.login`
//! (user, pass) opens a session kept in the `domrobot` cookie; an account with two-factor
//! authentication must then `account.unlock` with a TOTP code. `nameserver.info` lists a
//! domain's records, `nameserver.createRecord` / `updateRecord` / `deleteRecord` change them,
//! `account.logout` ends the session. Answers carry `code` (1000 ok, 2xxx errors), `msg` and
//! `resData`.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{Value, json};

use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::rest;
use super::{BoxFuture, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "Your INWX account name and password (inwx.de > Account). An account with \
     two-factor authentication needs its TOTP shared secret (the base32 key shown when 2FA was \
     set up) as the secret ddns.shared_secret; or create a sub-account without 2FA limited to \
     the domain's DNS (Account > Sub-accounts) and use that.";

pub const SPEC: Spec = Spec {
    name: "inwx",
    aliases: &[],
    title: "INWX",
    kind: Kind::Api,
    summary: "inwx: a domain at INWX, with the account's login (2FA via its shared secret)",
    help: HELP,
    keys: &[
        registry::ZONE,
        Key {
            name: "username",
            required: true,
            prompt: "INWX account name",
            help: "The name you log in to inwx.de with (a sub-account without 2FA is best).",
            default: Builtin::None,
            check: registry::any,
            hint: "set ddns.username to the INWX account name",
        },
    ],
    secrets: &[
        SecretKey {
            name: "password",
            prompt: "INWX password",
            help: HELP,
        },
        SecretKey {
            name: "shared_secret",
            prompt: "INWX 2FA shared secret (base32; `none` when the account has no 2FA)",
            help: HELP,
        },
    ],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://www.inwx.de/en/help/apidoc",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Inwx::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.domrobot.com/jsonrpc/";

/// INWX refuses TTLs under 300 s.
const MIN_TTL: u32 = 300;

pub struct Inwx {
    url: String,
    domain: String,
    user: String,
    password: Secret,
    /// The TOTP secret of an account with 2FA.
    shared_secret: Option<Secret>,
    ttl: u32,
    /// The TOTP time step last used: INWX takes each code once.
    last_step: std::sync::Mutex<Option<u64>>,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, rename = "resData")]
    res_data: Value,
}

#[derive(Deserialize, Clone)]
struct Record {
    id: Value,
    #[serde(default)]
    content: String,
}

/// One call to make: method and its params.
type Op = (&'static str, Value);

/// The calls that bring a name's records (of one type) to what is wanted.
type Decide<'a> = &'a (dyn Fn(&[Record]) -> Vec<Op> + Send + Sync);

impl Inwx {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Inwx> {
        let url = super::base_url(ddns.server.as_deref(), DEFAULT_BASE)?;
        let domain = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("inwx needs `zone` in [ddns] (the INWX domain)"))?;
        let user = ddns.get("username").ok_or_else(|| {
            Error::usage("inwx needs `username` in [ddns] (the INWX account name)")
        })?;
        let password = super::require_secret(settings, ddns)?;
        let shared_secret = settings
            .secrets
            .get("ddns", "shared_secret", ddns.secret_file("shared_secret"))?
            .filter(|s| {
                let v = s.expose().trim();
                !v.is_empty() && !v.eq_ignore_ascii_case("none")
            });
        let mut url = url.to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(Inwx {
            url,
            domain: domain.to_string().to_ascii_lowercase(),
            user,
            password,
            shared_secret,
            ttl: ddns.ttl.max(MIN_TTL),
            last_step: std::sync::Mutex::new(None),
            http: HttpApi::new(),
        })
    }

    fn check_name(&self, name: &str) -> Result<String, ProviderError> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        rest::zone_sub(&name, &self.domain, "INWX domain").map(|_| name)
    }

    /// One call; its `resData` and the `domrobot` cookie it set, if any.
    async fn call(
        &self,
        method: &str,
        params: Value,
        cookie: Option<&str>,
    ) -> Result<(Value, Option<String>), ProviderError> {
        let mut rb = self
            .http
            .client()?
            .post(&self.url)
            .json(&json!({"method": method, "params": params}));
        if let Some(c) = cookie {
            rb = rb.header(reqwest::header::COOKIE, c);
        }
        let (answer, headers) = self.http.send_with_headers("INWX", rb).await?;
        if answer.status == 429 || answer.status >= 500 {
            return Err(ProviderError::backoff(
                format!("INWX failed (HTTP {})", answer.status),
                answer.retry_after,
            ));
        }
        let a: Answer = serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!("INWX sent an answer direkt cannot read: {e}"))
        })?;
        if !(1000..2000).contains(&a.code) {
            return Err(classify(method, &a, &self.domain));
        }
        let cookie = headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("domrobot="))
            .and_then(|v| v.split(';').next())
            .map(str::to_string);
        Ok((a.res_data, cookie))
    }

    /// `account.login` (and `account.unlock` with a TOTP code when the account has 2FA); the
    /// session cookie.
    async fn login(&self) -> Result<String, ProviderError> {
        let params = json!({"user": self.user, "pass": self.password.expose(), "lang": "en"});
        let (data, cookie) = self.call("account.login", params, None).await?;
        let cookie = cookie.ok_or_else(|| {
            ProviderError::transient("INWX's login answer set no session cookie")
        })?;
        let tfa = match &data["tfa"] {
            Value::String(s) => s.clone(),
            Value::Null => "0".into(),
            other => other.to_string(),
        };
        if tfa != "0" {
            let unlocked = match self.tan().await {
                Ok(tan) => self
                    .call("account.unlock", json!({ "tan": tan }), Some(&cookie))
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = unlocked {
                self.logout(&cookie).await;
                return Err(e);
            }
        }
        Ok(cookie)
    }

    /// The TOTP code for now (SHA-1, 6 digits, 30 s, as INWX's 2FA uses), waiting for the next
    /// period when this one's code was used already.
    async fn tan(&self) -> Result<String, ProviderError> {
        let secret = self.shared_secret.as_ref().ok_or_else(|| {
            ProviderError::latch(
                "the INWX account has two-factor authentication and no shared secret is set",
                "put the account's TOTP shared secret in the secret ddns.shared_secret, or use \
                 an INWX sub-account without 2FA",
            )
        })?;
        let key = totp_rs::Secret::Encoded(secret.expose().trim().replace(' ', "").to_uppercase())
            .to_bytes()
            .map_err(|_| {
                ProviderError::latch(
                    "ddns.shared_secret is not a base32 TOTP secret",
                    "copy the shared secret INWX showed when 2FA was set up (letters A-Z and \
                     digits 2-7)",
                )
            })?;
        let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, key);
        let mut now = unix_now();
        let last = *self.last_step.lock().unwrap_or_else(|e| e.into_inner());
        if last == Some(now / 30) {
            let wait = 30 - now % 30;
            tokio::time::sleep(Duration::from_secs(wait)).await;
            now += wait;
        }
        *self.last_step.lock().unwrap_or_else(|e| e.into_inner()) = Some(now / 30);
        Ok(totp.generate(now))
    }

    /// Best effort: an open session ends on its own.
    async fn logout(&self, cookie: &str) {
        let _ = self.call("account.logout", json!({}), Some(cookie)).await;
    }

    async fn records(&self, cookie: &str, name: &str, rtype: &str) -> Result<Vec<Record>, ProviderError> {
        let params = json!({"domain": self.domain, "name": name, "type": rtype});
        let (data, _) = self.call("nameserver.info", params, Some(cookie)).await?;
        Ok(serde_json::from_value(data["record"].clone()).unwrap_or_default())
    }

    async fn apply(&self, cookie: &str, name: &str, rtype: &str, decide: Decide<'_>) -> Result<(), ProviderError> {
        let records = self.records(cookie, name, rtype).await?;
        for (method, params) in decide(&records) {
            self.call(method, params, Some(cookie)).await?;
        }
        Ok(())
    }

    /// Log in, read `name`'s `rtype` records, make the calls `decide` says, log out.
    async fn change(&self, name: &str, rtype: &str, decide: Decide<'_>) -> Result<(), ProviderError> {
        let cookie = self.login().await?;
        let result = self.apply(&cookie, name, rtype, decide).await;
        self.logout(&cookie).await;
        result
    }

    fn create(&self, name: &str, rtype: &str, content: &str, ttl: u32) -> Op {
        (
            "nameserver.createRecord",
            json!({"domain": self.domain, "name": name, "type": rtype, "content": content, "ttl": ttl}),
        )
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// INWX result codes: 2200 (authentication error), 2201 (authorization failed), 2202 (invalid
/// authorization information) and 2501 latch with where the login comes from; 2502 (session
/// limit exceeded) and 2400 / 2500 (command failed) back off; 2303 (object does not exist) and
/// the other 2xxx codes (2002-2005 use and parameter errors, 2302 object exists, ...) latch
/// with INWX's message.
fn classify(method: &str, a: &Answer, domain: &str) -> ProviderError {
    let reason = a.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    let detail = rest::truncate(&format!("{} {}{reason}", a.code, a.msg));
    match a.code {
        2200 | 2201 | 2202 | 2501 => ProviderError::latch(
            format!("INWX refused the login at {method}: {detail}"),
            "check ddns.username and the secret ddns.password; an account with 2FA needs \
             ddns.shared_secret (or use a sub-account without 2FA)",
        ),
        2502 => ProviderError::backoff(format!("INWX's session limit is reached: {detail}"), None),
        2400 | 2500 => ProviderError::backoff(format!("INWX failed at {method}: {detail}"), None),
        2303 => ProviderError::latch(
            format!("INWX does not know it ({method}): {detail}"),
            format!("check ddns.zone ({domain} must be a domain with DNS at this INWX account)"),
        ),
        _ => ProviderError::latch(
            format!("INWX refused {method}: {detail}"),
            "fix what it names (name, ttl at least 300) and run again",
        ),
    }
}

fn id_of(r: &Record) -> Value {
    match &r.id {
        Value::String(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| r.id.clone()),
        other => other.clone(),
    }
}

impl Provider for Inwx {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let content = address.to_string();
            self.change(&name, rtype, &|records| {
                let mut ops = vec![];
                match records.first() {
                    Some(r) if r.content == content => {}
                    Some(r) => ops.push((
                        "nameserver.updateRecord",
                        json!({"id": id_of(r), "content": content, "ttl": self.ttl}),
                    )),
                    None => ops.push(self.create(&name, rtype, &content, self.ttl)),
                }
                for extra in records.iter().skip(1) {
                    ops.push(("nameserver.deleteRecord", json!({ "id": id_of(extra) })));
                }
                ops
            })
            .await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(fqdn)?;
            self.change(&name, "TXT", &|records| {
                if records.iter().any(|r| r.content == value) {
                    vec![]
                } else {
                    vec![self.create(&name, "TXT", value, MIN_TTL)]
                }
            })
            .await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(fqdn)?;
            self.change(&name, "TXT", &|records| {
                records
                    .iter()
                    .filter(|r| r.content == value)
                    .map(|r| ("nameserver.deleteRecord", json!({ "id": id_of(r) })))
                    .collect()
            })
            .await
        })
    }

    /// `account.login` (with `account.unlock` for 2FA), `nameserver.info` of the name's A
    /// records, `account.logout`: nothing is written.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(name)?;
            self.change(&name, "A", &|_| vec![]).await?;
            Ok(rest::read_only(format!(
                "INWX accepts the login and lists the records of {}",
                self.domain
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn a(code: i64, msg: &str, reason: Option<&str>) -> Answer {
        Answer {
            code,
            msg: msg.into(),
            reason: reason.map(str::to_string),
            res_data: Value::Null,
        }
    }

    #[test]
    fn documented_result_codes_map_to_latch_and_backoff() {
        let e = classify("account.login", &a(2200, "Authentication error", None), "example.org");
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("2200 Authentication error"), "{}", e.message);
        assert!(e.hint.unwrap().contains("shared_secret"));
        assert_eq!(classify("x", &a(2201, "Authorization failed", None), "e").failure, Failure::Latch);
        assert_eq!(classify("x", &a(2502, "Session limit exceeded; server closing connection", None), "e").failure, Failure::Backoff);
        assert_eq!(classify("x", &a(2400, "Command failed", None), "e").failure, Failure::Backoff);
        let e = classify("nameserver.info", &a(2303, "Object does not exist", Some("Domain not found")), "example.org");
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("(Domain not found)"), "{}", e.message);
        let e = classify("nameserver.createRecord", &a(2005, "Parameter value syntax error", Some("content")), "e");
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("2005"), "{}", e.message);
    }

    /// RFC 6238's SHA-1 test vector: the secret "12345678901234567890" (base32
    /// GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ) at 59 s gives 94287082 (8 digits) / 287082 (6).
    #[test]
    fn totp_codes_follow_rfc6238() {
        let key = totp_rs::Secret::Encoded("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into())
            .to_bytes()
            .unwrap();
        let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, key);
        assert_eq!(totp.generate(59), "287082");
    }
}
