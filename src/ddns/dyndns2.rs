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

/// Whose name goes in the Basic-auth user of a dyndns2 preset when `[ddns] username` is not
/// given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRule {
    /// The account's (or its DDNS key's) user name: `username` is required.
    Account,
    /// The host name being updated (Hurricane Electric, spdyn).
    Hostname,
    /// The domain: the name's last two labels (Strato: `example.de` for `box.example.de`).
    Domain,
}

/// A known service's dyndns2 endpoint: the update URL and its user-name rule.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub url: &'static str,
    pub user: UserRule,
}

impl Preset {
    /// The user name `rule` gives for `name` (the box's name).
    pub fn default_user(&self, name: &str) -> Option<String> {
        let name = name.trim_end_matches('.');
        match self.user {
            UserRule::Account => None,
            UserRule::Hostname => Some(name.to_string()),
            UserRule::Domain => {
                let labels: Vec<&str> = name.rsplitn(3, '.').collect();
                Some(match labels.as_slice() {
                    [tld, sld, ..] => format!("{sld}.{tld}"),
                    _ => name.to_string(),
                })
            }
        }
    }

    /// The update URL: the preset's, or `server` when given. A `server` without a path
    /// (`http://127.0.0.1:8080`) keeps the preset's path and query, so a test or a proxy can
    /// stand in for the service's host.
    pub fn url(&self, server: Option<&str>) -> std::result::Result<reqwest::Url, String> {
        let own = reqwest::Url::parse(self.url).map_err(|e| e.to_string())?;
        let Some(server) = server else {
            return Ok(own);
        };
        let mut url = reqwest::Url::parse(server)
            .map_err(|e| format!("ddns.server `{server}` is not a URL: {e}"))?;
        if url.path() == "/" && url.query().is_none() {
            url.set_path(own.path());
            url.set_query(own.query());
        }
        Ok(url)
    }
}

pub struct Dyndns2 {
    spec: &'static Spec,
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
            spec: &SPEC,
            url,
            username,
            password,
            http: HttpApi::new(),
        })
    }
}

impl Dyndns2 {
    /// dyndns2 at a known service (`[ddns] provider = "strato"`): its URL unless `server`
    /// overrides it, `username` or the preset's rule for it.
    pub fn preset(
        spec: &'static Spec,
        preset: &Preset,
        ddns: &DdnsConfig,
        settings: &Settings,
    ) -> Result<Dyndns2> {
        let url = preset.url(ddns.server.as_deref()).map_err(|why| {
            Error::usage(why).hint(format!(
                "leave ddns.server out: {} uses {}",
                spec.title, preset.url
            ))
        })?;
        let name = settings.require()?.name.as_str();
        let username = ddns
            .username
            .clone()
            .or_else(|| preset.default_user(name))
            .ok_or_else(|| {
                Error::usage(format!("{} needs `username` in [ddns]", spec.name)).hint(spec.help)
            })?;
        let password = super::require_secret(settings, ddns)?;
        Ok(Dyndns2 {
            spec,
            url,
            username,
            password,
            http: HttpApi::new(),
        })
    }
}

impl Provider for Dyndns2 {
    fn spec(&self) -> &'static Spec {
        self.spec
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
            let what = match self.spec.kind {
                Kind::Dyndns2 => "dyndns2 server",
                _ => self.spec.title,
            };
            let answer = self.http.send(what, request).await?;
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
    fn a_preset_fills_in_its_url_and_user_and_a_server_stands_in_for_its_host() {
        let p = Preset {
            url: "https://www.ovh.com/nic/update?system=dyndns",
            user: UserRule::Domain,
        };
        assert_eq!(p.url(None).unwrap().as_str(), p.url);
        assert_eq!(
            p.url(Some("http://127.0.0.1:8080")).unwrap().as_str(),
            "http://127.0.0.1:8080/nic/update?system=dyndns"
        );
        assert_eq!(
            p.url(Some("http://127.0.0.1:8080/other")).unwrap().as_str(),
            "http://127.0.0.1:8080/other"
        );
        assert!(p.url(Some("not a url")).is_err());
        assert_eq!(p.default_user("box.example.de").as_deref(), Some("example.de"));
        assert_eq!(p.default_user("example.de.").as_deref(), Some("example.de"));
        let he = Preset {
            user: UserRule::Hostname,
            ..p
        };
        assert_eq!(he.default_user("dyn.example.org").as_deref(), Some("dyn.example.org"));
        let noip = Preset {
            user: UserRule::Account,
            ..p
        };
        assert_eq!(noip.default_user("box.example.org"), None);
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
