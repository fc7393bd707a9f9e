//! The dyndns2 protocol (DynDNS's `/nic/update`, spoken by No-IP, Dynu, OVH DynHost, Strato and
//! most router firmware): `GET <server>?hostname=<name>&myip=<address>` with Basic auth and a
//! User-Agent naming the client. The answer is a text body, one result line per hostname, read
//! whatever the HTTP status (servers send `badauth` with 401 and `911` with 500 alike).

use std::net::IpAddr;
use std::time::Duration;

use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "Your DNS service's update URL, user name and password. No-IP: \
     https://dynupdate.no-ip.com/nic/update, the password is a DDNS Key (Dynamic DNS > \
     DDNS Keys). Dynu: https://api.dynu.com/nic/update. Your service's help page names \
     its \"dyndns2\" or \"DynDNS compatible\" URL.";

pub const SPEC: Spec = Spec {
    name: "dyndns2",
    aliases: &["dyndns"],
    title: "dyndns2",
    kind: Kind::Dyndns2,
    summary: "dyndns2: No-IP, Dynu, DynDNS, OVH DynHost, Strato and most router-supported services",
    help: HELP,
    keys: &[
        Key {
            name: "server",
            required: true,
            prompt: "Update URL",
            help: HELP,
            default: Builtin::None,
            check: registry::http_url,
            hint: "write the full update URL, e.g. https://dynupdate.no-ip.com/nic/update",
        },
        Key {
            name: "username",
            required: true,
            prompt: "User name",
            help: "",
            default: Builtin::None,
            check: registry::any,
            hint: "the user name the DNS service gave you",
        },
    ],
    secrets: &[SecretKey {
            name: "password",
            prompt: "Password",
            help: "",
    }],
    records: &[RecordType::A, RecordType::Aaaa],
    docs: "https://help.dyn.com/remote-access-api/perform-update/",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Dyndns2::from_config(d, s)?)),
};

pub struct Dyndns2 {
    url: reqwest::Url,
    username: String,
    password: Secret,
    http: HttpApi,
}

impl Dyndns2 {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Dyndns2> {
        let server = ddns.server.as_deref().ok_or_else(|| {
            Error::usage("dyndns2 needs `server` in [ddns]")
                .hint("e.g. server = \"https://dynupdate.no-ip.com/nic/update\"")
        })?;
        let url = reqwest::Url::parse(server).map_err(|e| {
            Error::usage(format!("ddns.server `{server}` is not a URL: {e}"))
                .hint("write the full update URL, e.g. https://dynupdate.no-ip.com/nic/update")
        })?;
        let username = ddns
            .username
            .clone()
            .ok_or_else(|| Error::usage("dyndns2 needs `username` in [ddns]"))?;
        let password = super::require_secret(settings, ddns)?;
        Ok(Dyndns2 {
            url,
            username,
            password,
            http: HttpApi::new(),
        })
    }
}

impl Provider for Dyndns2 {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            // One request per family, with only that family's address: the other record is
            // not named, so it is not touched.
            let request = self
                .http
                .client()?
                .get(super::with_query(
                    self.url.as_str(),
                    &[("hostname", name), ("myip", &address.to_string())],
                )?)
                .basic_auth(&self.username, Some(self.password.expose()));
            let answer = self.http.send("dyndns2 server", request).await?;
            interpret(&answer)
        })
    }

    fn set_txt<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async { Err(no_txt()) })
    }

    fn remove_txt<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async { Err(no_txt()) })
    }

    fn requests(&self) -> u32 {
        self.http.requests()
    }
}

fn no_txt() -> ProviderError {
    ProviderError::unsupported(
        "the dyndns2 protocol cannot set TXT records, so dns-01 does not work with it",
        "use the http-01 or tls-alpn-01 challenge, or a provider with an API (rfc2136, \
         cloudflare, desec, duckdns)",
    )
}

/// The result line for our hostname (we send one), classified.
pub(crate) fn interpret(answer: &HttpAnswer) -> Result<(), ProviderError> {
    let line = answer
        .body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let code = line.split_whitespace().next().unwrap_or("");
    let status = answer.status;
    let latch = |what: &str, hint: &str| {
        Err(ProviderError::latch(
            format!("the dyndns2 server answered `{code}`: {what}"),
            hint.to_string(),
        ))
    };
    match code {
        "good" | "nochg" => Ok(()),
        "badauth" => latch(
            "the user name or password is wrong",
            "check ddns.username and the password (secret ddns.password), then run again",
        ),
        "!donator" => latch(
            "this feature needs a paid account",
            "upgrade the account or use a provider that offers it",
        ),
        "notfqdn" => latch(
            "the host name is not a fully qualified domain name",
            "set `name` to the full name, e.g. box.example.org",
        ),
        "nohost" => latch(
            "the host name does not exist in this account",
            "create the host at the provider, or fix `name`",
        ),
        "numhost" => latch(
            "too many host names in one request",
            "contact the provider; direkt sends one host name per request",
        ),
        "abuse" => latch(
            "the host name is blocked for abuse",
            "contact the provider to unblock it, then run with --force",
        ),
        "badagent" => latch(
            "the provider refuses this client (User-Agent or request form)",
            "report this to direkt with the provider's name",
        ),
        "badsys" => latch(
            "the system parameter is not valid for this provider",
            "check ddns.server: it must be the provider's dyndns2 update URL",
        ),
        "!yours" => latch(
            "the host name belongs to another account",
            "check `name` and ddns.username",
        ),
        "911" | "dnserr" => Err(ProviderError::backoff(
            format!("the dyndns2 server has a problem (`{code}`)"),
            answer.retry_after,
        )),
        _ => {
            if let Some(wait) = parse_wait(code) {
                return Err(ProviderError::backoff(
                    format!(
                        "the dyndns2 server asks to wait {} s (`{code}`)",
                        wait.as_secs()
                    ),
                    Some(wait),
                ));
            }
            if status >= 500 {
                Err(ProviderError::backoff(
                    format!("the dyndns2 server failed with HTTP {status}"),
                    answer.retry_after,
                ))
            } else if status == 401 || status == 403 {
                latch_status(status)
            } else {
                Err(ProviderError::transient(format!(
                    "the dyndns2 server gave an answer direkt does not know (HTTP {status}, \
                     `{}`)",
                    first_chars(line, 60)
                )))
            }
        }
    }
}

fn latch_status(status: u16) -> Result<(), ProviderError> {
    Err(ProviderError::latch(
        format!("the dyndns2 server refused the credentials (HTTP {status})"),
        "check ddns.username and the password (secret ddns.password), then run again",
    ))
}

fn first_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// No-IP style waits: `wNNN` with an optional unit `s`, `m` or `h` (seconds by default).
fn parse_wait(code: &str) -> Option<Duration> {
    let rest = code.strip_prefix('w')?;
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let n: u64 = rest[..digits_end].parse().ok()?;
    let unit = match &rest[digits_end..] {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return None,
    };
    Some(Duration::from_secs(n * unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn a(status: u16, body: &str) -> Result<(), ProviderError> {
        interpret(&HttpAnswer {
            status,
            retry_after: None,
            body: body.into(),
        })
    }

    #[test]
    fn every_code_maps_as_specified() {
        assert!(a(200, "good 203.0.113.2\n").is_ok());
        assert!(a(200, "nochg 203.0.113.2").is_ok());
        for code in [
            "badauth", "!donator", "notfqdn", "nohost", "numhost", "abuse", "badagent", "badsys",
            "!yours",
        ] {
            let e = a(200, code).unwrap_err();
            assert_eq!(e.failure, Failure::Latch, "{code}");
            assert!(e.message.contains(code), "{}", e.message);
            // The body is parsed whatever the status.
            assert_eq!(a(401, code).unwrap_err().failure, Failure::Latch, "{code}");
        }
        assert_eq!(a(200, "911").unwrap_err().failure, Failure::Backoff);
        assert_eq!(a(500, "911").unwrap_err().failure, Failure::Backoff);
        assert_eq!(a(200, "dnserr").unwrap_err().failure, Failure::Backoff);
        assert_eq!(a(503, "").unwrap_err().failure, Failure::Backoff);
        assert_eq!(a(401, "").unwrap_err().failure, Failure::Latch);
        assert_eq!(a(200, "huh").unwrap_err().failure, Failure::Transient);
        // A good line with a 5xx status is still good: the body decides.
        assert!(a(500, "good 203.0.113.2").is_ok());
    }

    #[test]
    fn waits_are_honoured() {
        let e = a(200, "w900").unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(900)));
        assert_eq!(parse_wait("w5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_wait("w2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_wait("wat"), None);
    }
}
