//! The probe server's client: "what is my address" and "connect back to me".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use crate::error::{Context, Error, Result};
use crate::probe::api::{CheckRequest, CheckResponse, ErrorBody, IpResponse};

/// A client for one probe server URL (`http://host[:port]` or `https://...`), bound to one
/// address family so "my address" is per family.
pub struct ProbeClient {
    base: String,
    http: reqwest::Client,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bind {
    V4,
    V6,
    /// From this address (the relay's tunnel address).
    From(IpAddr),
}

impl Bind {
    /// The local address a client bound this way sends from (unspecified: the kernel picks).
    pub fn local_address(self) -> IpAddr {
        match self {
            Bind::V4 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            Bind::V6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            Bind::From(a) => a,
        }
    }
}

impl ProbeClient {
    pub fn new(base: &str, bind: Bind, timeout: Duration) -> Result<ProbeClient> {
        let base = base.trim_end_matches('/').to_string();
        if !base.starts_with("http://") && !base.starts_with("https://") {
            return Err(Error::usage(format!(
                "probe server `{base}` is not an http:// or https:// URL"
            ))
            .hint("write it like \"https://probe.example.org\" in [ip] probe"));
        }
        let mut b = crate::net::http::builder(timeout).redirect(reqwest::redirect::Policy::none());
        b = b.local_address(bind.local_address());
        let http = b.build().failed(|| "cannot build the HTTP client".into())?;
        Ok(ProbeClient { base, http })
    }

    /// `GET /v1/ip`: the address the probe sees this box coming from.
    pub async fn my_address(&self) -> Result<IpResponse> {
        let url = format!("{}/v1/ip", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| request_error(&self.base, e))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .failed(|| format!("reading the answer of {url}"))?;
        if !status.is_success() {
            return Err(status_error(&self.base, status.as_u16(), &body));
        }
        serde_json::from_slice(&body).map_err(|e| {
            Error::failed(format!(
                "{url} answered something that is not a probe answer: {e}"
            ))
            .hint("is this URL a direkt probe server?")
        })
    }

    /// `POST /v1/check`: connect back to this box's own address. The error says why there is
    /// no answer ([`ProbeCause`]), so callers decide on that rather than on the message.
    pub async fn check(&self, req: &CheckRequest) -> Result<CheckResponse, ProbeError> {
        let url = format!("{}/v1/check", self.base);
        let unreachable = |error| ProbeError {
            cause: ProbeCause::Unreachable,
            error,
        };
        let resp = self
            .http
            .post(&url)
            .json(req)
            .send()
            .await
            .map_err(|e| unreachable(request_error(&self.base, e)))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .failed(|| format!("reading the answer of {url}"))
            .map_err(unreachable)?;
        if !status.is_success() {
            return Err(ProbeError {
                cause: ProbeCause::of_status(status.as_u16()),
                error: status_error(&self.base, status.as_u16(), &body),
            });
        }
        serde_json::from_slice(&body).map_err(|e| ProbeError {
            cause: ProbeCause::Refused,
            error: Error::failed(format!(
                "{url} answered something that is not a probe answer: {e}"
            ))
            .hint("is this URL a direkt probe server?"),
        })
    }
}

/// Why a probe request gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeCause {
    /// The server could not be reached, or did not answer in time.
    Unreachable,
    /// The server asks to wait (HTTP 429, or 503 while overloaded): it says nothing about the box.
    Busy,
    /// Any other error answer, or one that is not a probe answer.
    Refused,
}

impl ProbeCause {
    pub fn of_status(status: u16) -> ProbeCause {
        match status {
            429 | 503 => ProbeCause::Busy,
            _ => ProbeCause::Refused,
        }
    }
}

/// A failed probe request: the typed cause and the words for people.
#[derive(Debug)]
pub struct ProbeError {
    pub cause: ProbeCause,
    pub error: Error,
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl From<ProbeError> for Error {
    fn from(e: ProbeError) -> Error {
        e.error
    }
}

fn request_error(base: &str, e: reqwest::Error) -> Error {
    let what = crate::net::http::failure_words(&e);
    Error::failed(format!("the probe server {base} {what}"))
        .hint("check the probe URL ([ip] probe) and that this box can reach the internet")
        .source(e)
}

fn status_error(base: &str, status: u16, body: &[u8]) -> Error {
    let msg = serde_json::from_slice::<ErrorBody>(body)
        .map(|b| match b.retry_after {
            Some(s) => format!("{} (retry after {s} s)", b.error),
            None => b.error,
        })
        .unwrap_or_else(|_| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    Error::failed(format!(
        "the probe server {base} answered HTTP {status}: {msg}"
    ))
    .hint(if status == 429 {
        "the probe server limits how often one address may ask; wait a minute"
    } else {
        "check the probe URL ([ip] probe)"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rate_limits_and_overload_mean_wait() {
        assert_eq!(ProbeCause::of_status(429), ProbeCause::Busy);
        assert_eq!(ProbeCause::of_status(503), ProbeCause::Busy);
        assert_eq!(ProbeCause::of_status(400), ProbeCause::Refused);
        assert_eq!(ProbeCause::of_status(500), ProbeCause::Refused);
        let e = status_error(
            "http://p",
            429,
            br#"{"error":"slow down","retry_after":30}"#,
        );
        assert!(e.to_string().contains("HTTP 429"), "{e}");
    }
}
